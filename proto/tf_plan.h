//  tf_plan.h - the scenario plan: what to deploy, what to drive, what to judge
//
//  A plan comes from a YAML scenario (tf_plan_load) or from the C builder below;
//  both produce the same normalised plan, which travels to every actor as the
//  msgpack map carried by the `plan` message (tf_plan_pack / tf_plan_unpack).
//  Workload and expectation knobs are kept as typed key/value lists: each actor
//  reads its own knobs with tf_plan_knob_*; the catalogue (tf_catalog.h) knows
//  which knobs each built-in kind accepts, their types and defaults.

#ifndef TF_PLAN_H_INCLUDED
#define TF_PLAN_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TF_PLAN_MAX_NODES         4096 //  Validators + executors (docs/scenarios.md: why)
#define TF_PLAN_MAX_ITEMS         64   //  Workloads, expectations, custom actors each
#define TF_PLAN_MAX_KNOBS         32   //  Knobs per item
#define TF_PLAN_MAX_WALLETS       100000
#define TF_PLAN_GENESIS_TX_NOTES  255 //  Notes per genesis tx: its counts are u8s
#define TF_PLAN_MAX_GENESIS_TXS   64  //  Genesis txs of a run
#define TF_PLAN_MAX_GENESIS_NOTES (TF_PLAN_MAX_GENESIS_TXS * TF_PLAN_GENESIS_TX_NOTES) //  16320
#define TF_PLAN_MAX_NAME          64         //  Scenario, actor and profile names, bytes
#define TF_PLAN_MAX_STR           4096       //  Any other string (commands, knob values), bytes
#define TF_PLAN_MAX_WIRE          (4u << 20) //  Largest packed plan accepted, bytes
#define TF_PLAN_WIRE_VERSION      1          //  "v" of the packed plan

typedef enum {
    TF_NETWORK_STAR = 0, //  Node 0 is the hub, every other node peers with it
    TF_NETWORK_RING,     //  Node i peers with node i+1 (mod n)
    TF_NETWORK_FULL      //  Every node peers with every other node
} tf_network_t;

//  The node resources a scenario may ask for (runner k8s: the pods' requests and
//  limits; the other runners ignore them), indexes of tf_plan_t.resources
typedef enum {
    TF_PLAN_RESOURCE_CPU_REQUEST = 0, //  node.requests.cpu
    TF_PLAN_RESOURCE_MEMORY_REQUEST,  //  node.requests.memory
    TF_PLAN_RESOURCE_CPU_LIMIT,       //  node.limits.cpu
    TF_PLAN_RESOURCE_MEMORY_LIMIT,    //  node.limits.memory
    TF_PLAN_RESOURCE_COUNT
} tf_plan_resource_t;

#define TF_PLAN_MAX_QUANTITY 32 //  Longest resource quantity, bytes

typedef enum {
    TF_KNOB_INT = 0, //  int64
    TF_KNOB_FLOAT,   //  double
    TF_KNOB_BOOL,    //  bool
    TF_KNOB_STR,     //  string
    TF_KNOB_DURATION //  milliseconds (int64); "60s", "500ms", "2m" in YAML
} tf_knob_type_t;

typedef struct {
    char *key;           //  Knob name, e.g. "rate"
    tf_knob_type_t type; //  Which member of the union is valid
    union {
        int64_t i; //  INT and DURATION (ms)
        double f;  //  FLOAT
        bool b;    //  BOOL
        char *s;   //  STR (owned)
    } value;
} tf_knob_t;

//  One node of a network the run does not deploy (runner external)
typedef struct {
    char *name; //  Unique node name, what reports and feeds call it
    char *url;  //  Its API base, "http://devnet-0.example:8080"
    char *role; //  "validator" | "executor"
} tf_plan_external_t;

//  One host of a run whose nodes are on several hosts (the scenario's hosts:)
typedef struct {
    char *name;        //  "far": what readiness, progress and reports call it
    char *agent;       //  Its agent, "tcp://10.0.0.2:7100", or NULL: tf's own host
    char *cert;        //  The agent's public certificate (a file path); NULL without agent
    char *address;     //  IPv4 address its nodes bind and are reached on
    char **nodes;      //  Names of the nodes it carries, or NULL: a share of the others
    size_t node_count; //  Entries of nodes
} tf_plan_host_t;

//  One workload, expectation or custom actor of the plan
typedef struct {
    char *kind;       //  "transactions", "consensus_liveness", ...;
                      //  NULL for custom actors
    char *name;       //  Unique actor name: the kind, then "transactions-2"...
    char *command;    //  Custom actors only: command tf spawns, or NULL
                      //  when the actor attaches by itself
    char *role;       //  Custom actors only: "workload" | "expectation"
    tf_knob_t *knobs; //  Normalised knobs (defaults filled in, catalogue
                      //  order); custom actors: as given
    size_t knob_count;
} tf_plan_item_t;

typedef struct {
    char *name;   //  Scenario name
    char *source; //  File it was loaded from, or NULL (builder)

    //  Topology
    tf_network_t network;
    uint32_t validators;
    uint32_t executors;
    tf_plan_external_t *externals; //  Nodes someone else runs (runner external), or NULL;
    size_t external_count;         //  validators and executors count them once validated

    tf_plan_host_t *hosts; //  The hosts the nodes are on (runner local), or NULL: this one
    size_t host_count;
    //  Wallets (funded in genesis, keys derived from the seed)
    uint32_t wallets;         //  Number of user wallets, 0 = none
    uint64_t wallet_amount;   //  Funds per wallet when uniform
    uint64_t *wallet_amounts; //  Per-wallet funds (custom config) or NULL
    size_t wallet_amount_count;
    char *wallet_keys; //  Key file of wallets funded already (runner external), or
                       //  NULL; wallets counts its entries once validated

    //  What runs
    tf_plan_item_t *workloads; //  In start order
    size_t workload_count;
    tf_plan_item_t *expectations; //  In start order
    size_t expectation_count;
    tf_plan_item_t *customs; //  Custom actors (any language)
    size_t custom_count;

    //  Run and protocol time
    int64_t duration_ms;      //  Execute phase, wall clock
    uint64_t seed;            //  Every random choice derives from it
    bool fail_fast;           //  A failure seen during the run ends execute at once
    int64_t slot_ms;          //  Node slot duration
    double active_slot_coeff; //  f, probability a slot has a leader
    uint32_t security_param;  //  k, LIB depth

    //  Deployment
    char *runner;       //  "local" | "compose" | "k8s" | "external" | "none" | "replay"
    char *node_profile; //  Node profile name, default "tf-node"
    bool node_control;  //  Node control enabled (needed by chaos)
    char *resources[4]; //  node.requests / node.limits, TF_PLAN_RESOURCE_*: Kubernetes
                        //  quantities ("250m", "256Mi"), or NULL when not given

    //  Observability
    bool prometheus; //  observability.prometheus: the runner starts a Prometheus server
} tf_plan_t;

//  Create an empty plan with every default set (star, 1 validator, 0 executors,
//  60 s, seed 0, fail fast, slot 1000 ms, f 0.9, k 10, runner local, profile tf-node).
tf_plan_t *tf_plan_new (const char *name);

//  Destroy the plan and nullify the caller's reference. Safe on NULL.
void tf_plan_destroy (tf_plan_t **self_p);

//  Deep copy. Caller owns the result.
tf_plan_t *tf_plan_dup (const tf_plan_t *self);

//  ---------------------------------------------------------------------------
//  Errors: every loader and validator reports through this list, so the user
//  sees all problems at once, each with file:line:column and the key path.

typedef struct {
    char *file;    //  Scenario file or NULL (builder)
    int line;      //  1-based, 0 when unknown
    int column;    //  1-based, 0 when unknown
    char *path;    //  Key path, e.g. "workloads[0].transactions.rate"
    char *message; //  What was expected
} tf_plan_error_t;

typedef struct _tf_plan_errors_t tf_plan_errors_t;

tf_plan_errors_t *tf_plan_errors_new (void);
void tf_plan_errors_destroy (tf_plan_errors_t **self_p);
size_t tf_plan_errors_count (const tf_plan_errors_t *self);
const tf_plan_error_t *tf_plan_errors_at (const tf_plan_errors_t *self, size_t index);
void tf_plan_errors_add (tf_plan_errors_t *self, const char *file, int line, int column,
                         const char *path, const char *format, ...)
    __attribute__ ((format (printf, 6, 7)));
//  Print every error as "file:line:column: path: message", one per line
void tf_plan_errors_print (const tf_plan_errors_t *self, FILE *out);

//  ---------------------------------------------------------------------------
//  Loading and checking

//  Load a YAML scenario. On success returns the normalised, validated plan
//  (caller owns it); on failure returns NULL and appends to errors.
tf_plan_t *tf_plan_load (const char *path, tf_plan_errors_t *errors);

//  Same, from a string (name is used in error messages in place of a file).
//  A scenario without a `name` key is named after the file, without extension.
tf_plan_t *tf_plan_load_string (const char *yaml, const char *name, tf_plan_errors_t *errors);

//  Same, from size bytes at yaml (no terminating NUL needed), with the file
//  loader's checks: at most 1 MiB, no NUL byte. The one path every load takes.
tf_plan_t *tf_plan_load_buffer (const char *yaml, size_t size, const char *name,
                                tf_plan_errors_t *errors);

//  Check a plan's semantics (counts, knobs against the catalogue, impossible
//  combinations such as DA without executors or chaos without node control),
//  filling in knob defaults. Returns 0 when valid, -1 and errors otherwise.
//  Validating a valid plan again changes nothing, so callers may adjust a loaded
//  plan (runner, duration, seed) and validate it once more.
int tf_plan_validate (tf_plan_t *self, tf_plan_errors_t *errors);

//  Print the normalised plan as YAML (what `tf validate` shows). The output
//  loads back (tf_plan_load_string) to an equal plan.
void tf_plan_print (const tf_plan_t *self, FILE *out);

//  What tf_plan_duration_parse accepts, as every error message that refuses a
//  duration says it (scenario files and tf's command line alike):
//  "expected " TF_PLAN_DURATION_EXPECTED ", got '90'"
#define TF_PLAN_DURATION_EXPECTED "a duration such as 500ms, 60s, 2m or 1h"

//  Parse a duration: a non-negative integer and a unit, "500ms", "60s", "2m",
//  "1h". Bare numbers, fractions and other units are refused. Writes *ms_p and
//  returns 0, or returns -1. The one duration grammar of scenarios and of tf's
//  command line.
int tf_plan_duration_parse (const char *text, int64_t *ms_p);

//  Spell a duration in milliseconds with the largest unit that keeps it exact
//  ("2m", "1500ms"); writes at most size bytes into out.
void tf_plan_duration_format (int64_t ms, char *out, size_t size);

//  Parse a Kubernetes resource quantity as node.requests and node.limits take
//  it: a CPU (cpu true) is a decimal number of cores or whole millicores ("2",
//  "0.5", "250m"); a memory is a whole number of bytes with an optional unit
//  (Ki Mi Gi Ti, or k M G T). Writes *value_p (millicores or bytes) and
//  returns 0, or returns -1.
int tf_plan_quantity_parse (const char *text, bool cpu, double *value_p);

//  A resource's key path, "node.requests.cpu"
const char *tf_plan_resource_path (tf_plan_resource_t resource);

//  "star" | "ring" | "full"
const char *tf_plan_network_str (tf_network_t network);

//  Parse a network name; 0 and *network_p set, or -1.
int tf_plan_network_parse (const char *text, tf_network_t *network_p);

//  ---------------------------------------------------------------------------
//  Wire form: the plan as one msgpack map (see proto/PROTOCOL.md, "The plan").

//  Encode into a fresh buffer; caller owns *data_p (free()). Returns 0 or -1.
int tf_plan_pack (const tf_plan_t *self, uint8_t **data_p, size_t *size_p);

//  Decode; strict like every decoder: returns NULL (and logs once) on anything
//  malformed. Checks structure and types, not meaning (the sender validated).
//  Caller owns the result.
tf_plan_t *tf_plan_unpack (const uint8_t *data, size_t size);

//  ---------------------------------------------------------------------------
//  Knob access for actors. Missing knob or wrong type returns the fallback.

int64_t tf_plan_knob_int (const tf_plan_item_t *item, const char *key, int64_t fallback);
double tf_plan_knob_float (const tf_plan_item_t *item, const char *key, double fallback);
bool tf_plan_knob_bool (const tf_plan_item_t *item, const char *key, bool fallback);
const char *tf_plan_knob_str (const tf_plan_item_t *item, const char *key, const char *fallback);
//  Durations are stored in milliseconds
int64_t tf_plan_knob_ms (const tf_plan_item_t *item, const char *key, int64_t fallback);

//  Find a workload/expectation/custom item by actor name, or NULL.
const tf_plan_item_t *tf_plan_item_by_name (const tf_plan_t *self, const char *name);

//  True when the plan's runner plays a recording back (tf replay) instead of
//  deploying nodes and running workloads.
bool tf_plan_is_replay (const tf_plan_t *self);

//  ---------------------------------------------------------------------------
//  Builder for people embedding tf in their own C tests. Each call returns self
//  so calls chain. Setters do not check: tf_plan_build reports every problem
//  (unknown kinds or knobs, bounds, impossible combinations) at once. Items are
//  named after their kind as they are added, so item->name is usable at once.

tf_plan_t *tf_plan_set_topology (tf_plan_t *self, tf_network_t network, uint32_t validators,
                                 uint32_t executors);
tf_plan_t *tf_plan_set_wallets (tf_plan_t *self, uint32_t count, uint64_t amount);
tf_plan_t *tf_plan_set_duration_ms (tf_plan_t *self, int64_t duration_ms);
tf_plan_t *tf_plan_set_seed (tf_plan_t *self, uint64_t seed);

//  Whether a failure seen during the run ends execute at once (the default).
tf_plan_t *tf_plan_set_fail_fast (tf_plan_t *self, bool fail_fast);
tf_plan_t *tf_plan_set_slot (tf_plan_t *self, int64_t slot_ms, double active_slot_coeff);
tf_plan_t *tf_plan_set_runner (tf_plan_t *self, const char *runner);
tf_plan_t *tf_plan_enable_node_control (tf_plan_t *self);
//  Custom wallet config: one wallet per amount (copied); sets wallets to count.
tf_plan_t *tf_plan_set_wallet_amounts (tf_plan_t *self, const uint64_t *amounts, size_t count);
tf_plan_t *tf_plan_set_security_param (tf_plan_t *self, uint32_t security_param);
tf_plan_t *tf_plan_set_node_profile (tf_plan_t *self, const char *profile);
//  Add a node someone else runs (runner external); strings are copied.
tf_plan_t *tf_plan_add_external (tf_plan_t *self, const char *name, const char *url,
                                 const char *role);
//  Add a host (agent and cert NULL: tf's own host); strings are copied. Returns
//  the host, to list its nodes with tf_plan_host_add_node.
tf_plan_host_t *tf_plan_add_host (tf_plan_t *self, const char *name, const char *agent,
                                  const char *cert, const char *address);
void tf_plan_host_add_node (tf_plan_host_t *host, const char *node);

//  The name of node global (validators first): "validator-0", "executor-1".
//  Writes at most size bytes into out.
void tf_plan_node_name (const tf_plan_t *self, uint32_t global, char *out, size_t size);

//  The host that carries node global: the host that lists it, else one of
//  the hosts without a list (the unlisted nodes, in order, spread evenly over
//  them in blocks). -1 when the plan has no hosts or nothing carries it.
int tf_plan_host_of (const tf_plan_t *self, uint32_t global);

//  Use the funded wallets of a key file (tf_plan_keys.h); the path is copied.
tf_plan_t *tf_plan_set_wallet_keys (tf_plan_t *self, const char *path);
//  Add a workload or an expectation of a catalogue kind; returns the new item
//  so knobs can be set on it.
tf_plan_item_t *tf_plan_add_workload (tf_plan_t *self, const char *kind);
tf_plan_item_t *tf_plan_add_expectation (tf_plan_t *self, const char *kind);
tf_plan_item_t *tf_plan_add_custom (tf_plan_t *self, const char *name, const char *role,
                                    const char *command);
void tf_plan_item_set_int (tf_plan_item_t *item, const char *key, int64_t value);
void tf_plan_item_set_float (tf_plan_item_t *item, const char *key, double value);
void tf_plan_item_set_bool (tf_plan_item_t *item, const char *key, bool value);
void tf_plan_item_set_str (tf_plan_item_t *item, const char *key, const char *value);
void tf_plan_item_set_ms (tf_plan_item_t *item, const char *key, int64_t value_ms);
//  Validate and normalise what the builder made (same rules as the loader).
int tf_plan_build (tf_plan_t *self, tf_plan_errors_t *errors);

//  ---------------------------------------------------------------------------
//  The actors a run of this plan needs, in start order: the deployer, the
//  scanner, one per workload, one per expectation, then custom actors. Both the
//  supervisor (which spawns them) and the coordinator (which waits for them)
//  use this one list.

typedef struct {
    const char *name;    //  Actor name (borrowed from the plan or static)
    const char *role;    //  "deployer" | "scanner" | "workload" | "expectation"
    const char *program; //  Program to spawn, e.g. "tf-expect-consensus-liveness",
                         //  or NULL for a custom actor that attaches itself
    const char *command; //  Custom actor's shell command, or NULL
} tf_plan_actor_t;

//  Fill actors[] (up to max) and return how many the plan needs.
size_t tf_plan_actors (const tf_plan_t *self, tf_plan_actor_t *actors, size_t max);

#ifdef __cplusplus
}
#endif

#endif
