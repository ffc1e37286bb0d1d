//  tf_catalog.h - the built-in workload and expectation kinds, and the runners
//
//  One table says, for each kind a scenario may name: its role, the program tf
//  spawns for it, what it needs from the plan (executors, node control, wallets,
//  a companion workload) and its knobs (type, default, bounds, one-line help).
//  The loader, the validator, the wire decoder and `tf catalog`
//  (tf_catalog_print.c) all read it.

#ifndef TF_CATALOG_H_INCLUDED
#define TF_CATALOG_H_INCLUDED

#include "tf_msg.h"
#include "tf_plan.h"

//  A set of node-control actions: one bit per tf_control_action_t
#define TF_CATALOG_ACTION(action) (1u << (action))
#define TF_CATALOG_ALL_ACTIONS    (TF_CATALOG_ACTION (TF_CONTROL_COUNT) - 1)

//  What a kind needs from the rest of the plan (bit flags)
#define TF_CATALOG_NEEDS_EXECUTORS (1u << 0) //  At least one executor
#define TF_CATALOG_NEEDS_WALLETS   (1u << 2) //  Seeded wallets

typedef enum {
    TF_ROLE_WORKLOAD = 0, //  Drives traffic or faults during execute
    TF_ROLE_EXPECTATION   //  Judges the run after the workloads
} tf_role_t;

typedef struct {
    const char *name;       //  Knob key, e.g. "rate"
    tf_knob_type_t type;    //  Its type; DURATION is milliseconds
    const char *fallback;   //  Default, spelt as in YAML ("1", "0.8", "45s")
    double minimum;         //  Lowest accepted value (numbers, durations in ms)
    double maximum;         //  Highest accepted value
    bool exclusive_minimum; //  The value must be > minimum, not >=
    const char *help;       //  One line for `tf catalog`
} tf_catalog_knob_t;

typedef struct {
    const char *kind;               //  Name in scenarios, e.g. "transactions"
    tf_role_t role;                 //  Workload or expectation
    const char *program;            //  Program that implements it
    unsigned needs;                 //  TF_CATALOG_NEEDS_* flags
    unsigned actions;               //  Node-control actions it sends (TF_CATALOG_ACTION bits);
                                    //  any: node_control must be true, the runner able to
    const char *companion;          //  Workload kind that must also be present, or NULL
    const char *help;               //  One line for `tf catalog`
    const tf_catalog_knob_t *knobs; //  Accepted knobs, in normalised order
    size_t knob_count;
} tf_catalog_kind_t;

typedef struct {
    const char *name;    //  Name in scenarios, e.g. "local"
    const char *program; //  Its deployer, e.g. "tf-deployer-local"
    unsigned actions;    //  Node-control actions it can do (TF_CATALOG_ACTION bits)
    bool scanner;        //  Runs have a scanner (there are nodes to follow)
    bool replay;         //  Plays a recording back instead of running workloads
    const char *help;    //  One line for `tf catalog`
} tf_catalog_runner_t;

//  Look a kind up by name; NULL when there is no such kind.
const tf_catalog_kind_t *tf_catalog_kind (const char *kind);

//  Number of kinds, and the kind at index (in catalogue order), for listing.
size_t tf_catalog_kind_count (void);
const tf_catalog_kind_t *tf_catalog_kind_at (size_t index);

//  Look a knob of a kind up by name; NULL when the kind has no such knob.
const tf_catalog_knob_t *tf_catalog_knob (const tf_catalog_kind_t *kind, const char *name);

//  Look a runner up by name; NULL when there is no such runner.
const tf_catalog_runner_t *tf_catalog_runner (const char *name);
size_t tf_catalog_runner_count (void);
const tf_catalog_runner_t *tf_catalog_runner_at (size_t index);

//  Node profiles a scenario may name (`node: {profile: NAME}`): true when name
//  is one. Each is a profile of deployers/tf_profile.c, which a test holds to
//  this list, so `tf validate` refuses a profile the deployer would not find.
bool tf_catalog_profile (const char *name);
size_t tf_catalog_profile_count (void);
const char *tf_catalog_profile_at (size_t index);

//  "workload" or "expectation"
const char *tf_catalog_role_str (tf_role_t role);

//  Name of a knob type as users read it: "integer", "number", "bool", "string", "duration"
const char *tf_catalog_type_str (tf_knob_type_t type);

//  Comma-separated names of the kinds of one role, or of the knobs of one kind, or
//  of the runners, for error messages. Caller owns the result (free()).
char *tf_catalog_kind_names (tf_role_t role);
char *tf_catalog_knob_names (const tf_catalog_kind_t *kind);
char *tf_catalog_runner_names (void);
char *tf_catalog_profile_names (void);
char *tf_catalog_action_names (unsigned actions);

//  The accepted range of a numeric knob as the validator's errors spell it,
//  in the knob's own units: ">= 1", "> 0 and <= 1", "between 0ms and 24h";
//  "" for bool and string knobs. Writes at most size bytes into out.
void tf_catalog_knob_range (const tf_catalog_knob_t *knob, char *out, size_t size);

typedef enum {
    TF_CATALOG_FORMAT_TEXT = 0, //  For people at a terminal (`tf catalog`)
    TF_CATALOG_FORMAT_MARKDOWN  //  Headings and tables, for the docs
} tf_catalog_format_t;

//  Print the whole catalogue (what `tf catalog` shows), from the table itself:
//  every workload and expectation kind with its program, what it needs
//  (executors, wallets, node-control actions and the runners that can do them,
//  companion kind) and every knob with its type, default, range and help; then
//  the runners with their program and node-control actions. Stable: catalogue
//  order, no widths that depend on the terminal.
void tf_catalog_print (FILE *out, tf_catalog_format_t format);

//  Parse a format name ("text", "markdown"); 0 and *format_p set, or -1.
int tf_catalog_format_parse (const char *name, tf_catalog_format_t *format_p);

#endif
