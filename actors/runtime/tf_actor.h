//  tf_actor.h - the runtime every actor process links
//
//  Connects to the coordinator (DEALER to `service`, SUB to `control`), says
//  hello until welcomed, receives the plan and the node list, follows the phase
//  broadcasts and acknowledges each phase, sends heartbeats, optionally
//  subscribes to the block feed, and stops cleanly on the `done` phase, on
//  SIGINT/SIGTERM, or when the coordinator falls silent. An actor supplies a
//  few handlers and its own state; see tests/actors/tf-test-actor.c for a
//  complete actor in about fifty lines.
//
//  Consumes: actor.welcome, run.plan, run.nodes, run.phase, run.abort,
//            node.control, node.control.reply, actor.error, feed.* (if asked)
//  Emits:    actor.hello, actor.heartbeat, run.phase.ack, and whatever the
//            actor sends through tf_actor_send

#ifndef TF_ACTOR_H_INCLUDED
#define TF_ACTOR_H_INCLUDED

#include <czmq.h>
#include "tf_exit.h"
#include "tf_msg.h"
#include "tf_phase.h"
#include "tf_plan.h"

#ifdef __cplusplus
extern "C" {
#endif

#define TF_ACTOR_HELLO_INTERVAL_MS  200   //  Hello repeats until welcomed
#define TF_ACTOR_WELCOME_TIMEOUT_MS 30000 //  Give up if never welcomed

typedef struct _tf_actor_t tf_actor_t;

#define TF_ACTOR_MAX_FLAGS 8 //  Flags of a program's own, beyond the runtime's
#define TF_ACTOR_MAX_SOCKETS                                                                       \
    (2 * TF_PLAN_MAX_NODES + 1024) //  A zactor (two sockets) per node, and the rest
#define TF_ACTOR_MAX_FILES                                                                         \
    (4 * TF_PLAN_MAX_NODES + 1024) //  Per node: two sockets' signals, two connections

typedef struct _tf_actor_class_t tf_actor_class_t;

//  Where the actor connects and who it is. Every field can also come from the
//  environment the supervisor sets (TF_ACTOR_NAME, TF_CONTROL, TF_SERVICE,
//  TF_FEED, TF_RUN_DIR), which is how custom actors in other languages attach.
//  An actor elsewhere joins with the run's run.json (TF_JOIN: endpoints not
//  given otherwise, and for tcp the servers' CURVE keys) and its certificate
//  (TF_CERT, the .cert_secret file `tf keys new` wrote).
typedef struct {
    const char *name;                            //  Unique actor name
    const char *role;                            //  deployer|scanner|workload|expectation
    const char *kind;                            //  Catalogue kind, or NULL
    const char *control_ep;                      //  Coordinator's PUB, e.g. ipc://run/control.ipc
    const char *service_ep;                      //  Coordinator's ROUTER
    const char *feed_ep;                         //  Scanner's PUB, or NULL
    const char *run_dir;                         //  Run directory, or NULL
    const char *join_path;                       //  run.json to join (--join, TF_JOIN), or NULL
    const char *cert_path;                       //  Client certificate (--cert, TF_CERT), or NULL
    const char *coordinator_key;                 //  CURVE key of control/service (from run.json)
    const char *scanner_key;                     //  CURVE key of feed (from run.json)
    bool verbose;                                //  Debug logging
    const tf_actor_class_t *actor_class;         //  The program's class
    const char *flag_values[TF_ACTOR_MAX_FLAGS]; //  Its own flags' values, by index
} tf_actor_config_t;

//  Parse the command line of an actor program as tf_actor_main does, into
//  config (whose strings are borrowed from argv and the environment).
//  Returns 0 to run, 1 when --help was printed (exit TF_EXIT_OK), -1 on a usage
//  error (message printed; exit TF_EXIT_USAGE).
int tf_actor_config_parse (tf_actor_config_t *config, int argc, char **argv,
                           const tf_actor_class_t *actor_class);

//  The value of one of the class's own flags: the text given, "" for a switch
//  that was given, NULL when it was not.
const char *tf_actor_config_flag (const tf_actor_config_t *config, const char *name);

//  What a handler returns for a phase
#define TF_ACTOR_ACK     0    //  Done with this phase: acknowledge now
#define TF_ACTOR_PENDING 1    //  Will call tf_actor_phase_done later
#define TF_ACTOR_ERROR   (-1) //  Failed: acknowledged as failed

//  Handlers; any may be NULL. `state` is the actor's own object.
typedef struct {
    //  The plan arrived (once, before any phase). Return 0, or -1 to fail.
    int (*plan) (tf_actor_t *actor, void *state, const tf_plan_t *plan);
    //  The deployed nodes (after deploy, and again if they change).
    int (*nodes) (tf_actor_t *actor, void *state, const tf_run_nodes_t *nodes);
    //  A new phase began. Return TF_ACTOR_ACK, TF_ACTOR_PENDING or TF_ACTOR_ERROR.
    int (*phase) (tf_actor_t *actor, void *state, tf_phase_t phase);
    //  Any other message: feed records, node control, workload status...
    //  The handler may keep nothing from msg after it returns.
    int (*message) (tf_actor_t *actor, void *state, tf_msg_t *msg);
    //  The timer set with tf_actor_set_timer expired.
    int (*timer) (tf_actor_t *actor, void *state);
    //  The process is stopping, on every path (done, signal, coordinator
    //  lost, fatal error): release external resources here, e.g. nodes.
    void (*stop) (tf_actor_t *actor, void *state);
} tf_actor_handlers_t;

//  One flag of a program's own, beyond the runtime's (--name, --control ...)
typedef struct {
    const char *name;  //  "poll-ms" for --poll-ms
    const char *value; //  Its value's placeholder in --help ("N"), or NULL for a switch
    bool number;       //  The value must be a positive integer (a usage error otherwise)
    const char *help;  //  One line for --help
} tf_actor_flag_t;

//  What an actor program is. Its main() is one call: tf_actor_main (argc, argv,
//  &class). program, role, summary and handlers are required.
struct _tf_actor_class_t {
    const char *program;               //  "tf-scanner": --help's name and the log identity
    const char *role;                  //  deployer|scanner|workload|expectation
    const char *kind;                  //  Catalogue kind, or NULL
    const char *summary;               //  --help's description, lines ending in \n
    bool publishes_feed;               //  It binds --feed (required) and publishes on it,
                                       //  instead of following the scanner's
    const char *const *feed_topics;    //  Feed prefixes to follow, NULL-terminated; NULL:
                                       //  it does not follow the feed
    const char *const *control_topics; //  Control prefixes beyond "run.", or NULL
    const tf_actor_flag_t *flags;      //  Its own flags (at most TF_ACTOR_MAX_FLAGS), or NULL
    size_t flag_count;
    //  Make the actor's state from the command line; NULL (after logging why) fails
    //  the program with TF_EXIT_ERROR. No create: the state is NULL.
    void *(*create) (const tf_actor_config_t *config);
    //  Free the state and nullify the reference; called on every exit path.
    void (*destroy) (void **state_p);
    const tf_actor_handlers_t *handlers; //  What the actor does
};

//  The whole main() of an actor program: parse the command line (the runtime's
//  flags and the class's own), set the log identity, create the state, run the
//  actor until its run ends, destroy everything. Returns the exit code
//  (tf_exit.h): TF_EXIT_OK also after --help, TF_EXIT_USAGE for a bad command
//  line, TF_EXIT_ERROR when the actor could not do its part.
int tf_actor_main (int argc, char **argv, const tf_actor_class_t *actor_class);

//  Let this process hold what a run at the node limit needs: ZeroMQ's socket
//  cap (CZMQ's default, 1024, is what 500 zactors use; the scanner runs one per
//  node) to TF_ACTOR_MAX_SOCKETS, and the open-file soft limit toward the hard
//  limit, TF_ACTOR_MAX_FILES at most. Call after zsys_init and before any
//  socket exists (tf_actor_main does). 0, or -1 after logging what is short.
int tf_actor_raise_limits (void);

//  Reader callback for sockets the actor adds (zactor pipes of worker threads).
typedef int (tf_actor_reader_fn) (tf_actor_t *actor, void *state, zsock_t *reader);

//  Create an actor; connects its sockets and subscribes to "run." and the
//  topics of config's class (control_topics, feed_topics); without a class it
//  follows no feed. Returns NULL (after logging why) if an endpoint is invalid.
tf_actor_t *tf_actor_new (const tf_actor_config_t *config, const tf_actor_handlers_t *handlers,
                          void *state);

//  Destroy the actor and nullify the reference. Safe on NULL.
void tf_actor_destroy (tf_actor_t **self_p);

//  Run until the done phase, a signal, or a fatal error. Returns the process
//  exit code: TF_EXIT_OK or TF_EXIT_ERROR.
int tf_actor_run (tf_actor_t *self);

//  Acknowledge the current phase after returning TF_ACTOR_PENDING. When ok is
//  false, error says why; the coordinator aborts the run naming this actor.
int tf_actor_phase_done (tf_actor_t *self, bool ok, const char *error);

//  Send a message to the coordinator (results, status, node control...).
int tf_actor_send (tf_actor_t *self, tf_msg_id_t id, const void *body);

//  An expectation's verdict: log message (info when passed, error when not)
//  and send it as this actor's expect.result, with details (one msgpack map,
//  or NULL). Returns 0, or -1 when it could not be sent.
int tf_actor_send_result (tf_actor_t *self, bool passed, const char *message,
                          const uint8_t *details, size_t details_size);

//  Arm the one-shot timer delay_ms from now (replacing any armed one);
//  a negative delay disarms it.
void tf_actor_set_timer (tf_actor_t *self, int64_t delay_ms);

//  Watch another socket (typically a zactor's pipe) from the actor's loop.
int tf_actor_add_reader (tf_actor_t *self, zsock_t *reader, tf_actor_reader_fn *fn);
void tf_actor_remove_reader (tf_actor_t *self, zsock_t *reader);

//  Fail the actor: log, acknowledge the current phase as failed (or tell the
//  coordinator at once if none is pending), then stop with
//  TF_EXIT_ERROR.
void tf_actor_fail (tf_actor_t *self, const char *format, ...)
    __attribute__ ((format (printf, 2, 3)));

//  Queries; returned pointers are borrowed from the actor.
const char *tf_actor_name (tf_actor_t *self);
const char *tf_actor_run_id (tf_actor_t *self);
const char *tf_actor_run_dir (tf_actor_t *self);
const tf_plan_t *tf_actor_plan (tf_actor_t *self);
const tf_run_nodes_t *tf_actor_nodes (tf_actor_t *self);
tf_phase_t tf_actor_phase (tf_actor_t *self);
bool tf_actor_verbose (tf_actor_t *self);
//  Milliseconds since the Unix epoch, as every record on the wire uses.
uint64_t tf_actor_now_ms (void);

#ifdef __cplusplus
}
#endif

#endif
