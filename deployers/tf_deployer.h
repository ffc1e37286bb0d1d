//  tf_deployer.h - the interface every deployer backend fills, and the actor
//  that drives it
//
//  A backend (local processes, compose, k8s, nodes someone else runs ...) is
//  one ops table: a struct of function pointers, NULL where the backend does
//  not do that thing, as curl's Curl_ssl and nng's transport ops are. The one
//  deployer actor (tf_deployer.c) runs any backend: it creates it when the
//  plan arrives, deploys and waits for the readiness stages (tf_readiness.h)
//  in the deploy phase, reports run.nodes, serves node.control (one request
//  at a time, in arrival order, exactly one reply each) and cleans up.
//
//  Every op except create runs on one worker thread of the driver, never on
//  the actor's loop, so an op may block (run `docker`, `kubectl`, wait for a
//  process) while the actor keeps its heartbeats. A blocking op asks
//  tf_deployer_cancelled (or waits with tf_deployer_wait) often, at least every
//  TF_DEPLOYER_CANCEL_MS, and returns early once it says true: the run is
//  cleaning up or the process is stopping. The backend's state is touched by
//  that thread only.
//
//  What node control a runner can do is said once, in the catalogue
//  (proto/tf_catalog.c, the runner's `actions`): the driver refuses any other
//  action, and checks every request's arguments, before the control op sees it.
//  A backend's program is one call:
//
//      return tf_actor_main (argc, argv, &tf_deployer_local_class.actor_class);
//
//  with the class made from its ops table by TF_DEPLOYER_CLASS. Adding a
//  backend: docs/architecture.md, "Adding a runner".
//
//  Consumes: run.plan, run.phase, run.abort, expect.result, node.control
//            (through the runtime)
//  Emits:    run.nodes, node.control.reply, run.phase.ack, node.resources
//            (every node about every second from deploy to cleanup, when the
//            backend has a pid op)

#ifndef TF_DEPLOYER_H_INCLUDED
#define TF_DEPLOYER_H_INCLUDED

#include "tf_actor.h"
#include "tf_profile.h"
#include "tf_readiness.h"
#include <sys/types.h>

#define TF_DEPLOYER_CANCEL_MS       100      //  Longest a blocking op goes without asking
#define TF_DEPLOYER_MIN_RATE_KBIT   8        //  Lowest bandwidth limit a request may set
#define TF_DEPLOYER_MAX_RATE_KBIT   10000000 //  Highest: 10 Gbit/s
#define TF_DEPLOYER_KEEP_ENV        "LOGOS_BLOCKCHAIN_TESTS_KEEP_LOGS"
#define TF_DEPLOYER_KEEP_ALIAS      "NOMOS_TESTS_KEEP_LOGS"
#define TF_DEPLOYER_METRICS_URL_ENV "LOGOS_BLOCKCHAIN_METRICS_QUERY_URL" //  An existing Prometheus

//  One node of the run, as the backend deployed it. Strings are heap copies
//  owned by the table (tf_deployer_nodes_free). The table lists validators
//  first, then executors, each by index: position i is node i of the topology.
typedef struct {
    char *name;        //  "validator-0": unique, what node control names
    char *role;        //  "validator" | "executor"
    uint32_t index;    //  Index within its role
    char *api_url;     //  Node API base, "http://127.0.0.1:18080"
    char *testing_url; //  Testing API base, or NULL
    char *log_path;    //  Its log (RUN_DIR/nodes/<name>/node.log once collected), or NULL
    char *peer_id;     //  Learnt by the driver at network readiness, else NULL
    char *host;        //  The plan's host it runs on (hosts:), or NULL
} tf_deployer_node_t;

//  A node's process as the backend sees it (for readiness and diagnosis)
typedef enum {
    TF_DEPLOYER_RUNNING = 0, //  Up (or not known to be down)
    TF_DEPLOYER_PAUSED,      //  Frozen by node control
    TF_DEPLOYER_EXITED       //  Gone; the state text says how
} tf_deployer_state_t;

#define TF_DEPLOYER_STATE_TEXT 128 //  Room for "exited with status 1"

//  What a backend gets at create, borrowed until its destroy
typedef struct {
    const tf_plan_t *plan;       //  The run's plan
    const tf_profile_t *profile; //  The plan's node profile, or NULL when unknown
    const char *run_dir;         //  The run directory, or NULL
    const char *run_id;          //  The run's id
    bool keep_data;              //  LOGOS_BLOCKCHAIN_TESTS_KEEP_LOGS: keep node data
    void *cancel;                //  Pass to tf_deployer_cancelled / tf_deployer_wait
    const char *alarm_ep;        //  A thread of the backend may PUSH one frame here, the
                                 //  text of a failure that ends the run (a host lost):
                                 //  the driver fails the actor with it
} tf_deployer_env_t;

//  The ops table of a backend. Required: runner, create, destroy, deploy.
typedef struct {
    const char *runner; //  Its runner in the catalogue: "local"
    unsigned stages;    //  Readiness stages to wait for after deploy (TF_READINESS_BIT)
    bool name_by_url;   //  Readiness failures name nodes by URL (nodes of other hosts)

    //  Make the backend's state for env (called on the actor's loop: no
    //  blocking; slow work belongs in deploy). NULL with *error_p (caller
    //  frees) fails the run.
    void *(*create) (const tf_deployer_env_t *env, char **error_p);

    //  Free the state and nullify it; first kill whatever still runs, at once:
    //  this is the stop path, taken on every exit, cleanup done or not.
    void (*destroy) (void **ctx_p);

    //  Provision and start every node of the plan; write the node table
    //  (caller owns it) on success. 0, or -1 with *error_p (caller frees): the
    //  deploy phase fails with it. Nodes started before a failure are the
    //  backend's to stop at cleanup.
    int (*deploy) (void *ctx, tf_deployer_node_t **nodes_p, size_t *count_p, char **error_p);

    //  A node's process state; text says how it ended (TF_DEPLOYER_EXITED).
    //  NULL: nodes are always taken as running.
    tf_deployer_state_t (*state) (void *ctx, size_t node, char text[TF_DEPLOYER_STATE_TEXT]);

    //  A node's resident memory in kB, or -1 when it is not known (for the
    //  diagnostics of a failed run, tf_diagnostics.h). NULL: never known.
    int64_t (*memory_kb) (void *ctx, size_t node);

    //  Carry out one node-control request whose action the runner can do and
    //  whose arguments the driver checked (its node or group names are in
    //  nodes). 0, with *text_p a note for the outcome's event or NULL (part
    //  of it deferred, say); or -1 with *text_p the error. Caller frees
    //  *text_p. A node brought up by restart or start is then waited for by
    //  the driver (http readiness). NULL: no node control (the catalogue's
    //  actions are 0).
    int (*control) (void *ctx, const tf_deployer_node_t *nodes, size_t count,
                    const tf_node_control_t *request, char **text_p);

    //  Collect each node's log into RUN_DIR/nodes/<name>/node.log, before
    //  cleanup. NULL: the logs are there already.
    int (*logs) (void *ctx, const tf_deployer_node_t *nodes, size_t count);

    //  Stop every node (bounded: ask, then force), then release their data
    //  unless env->keep_data. 0, or -1 with *error_p (caller frees).
    int (*cleanup) (void *ctx, char **error_p);
    //  Start a Prometheus server scraping every node (the plan asks for one:
    //  observability.prometheus) and wait until every node target is up;
    //  write its query API base to *url_p (caller frees). 0, or -1 with
    //  *error_p: the deploy phase fails with it. Stopped at cleanup and by
    //  destroy. NULL: the runner cannot start one (not built yet), and such a
    //  plan needs LOGOS_BLOCKCHAIN_METRICS_QUERY_URL.
    int (*metrics) (void *ctx, const tf_deployer_node_t *nodes, size_t count, char **url_p,
                    char **error_p);

    //  The process id on this host of node's process, or -1 when it has none
    //  now (stopped, exited) or it cannot be known. The driver samples /proc
    //  of it every TF_RESOURCES_SAMPLE_MS from deploy to cleanup and sends
    //  node.resources (tf_resources.h). It (and state) runs between commands
    //  then, with env->cancel unbound: tf_deployer_cancelled says false and
    //  tf_deployer_wait sleeps, so bound it by a timeout. NULL: no samples.
    pid_t (*pid) (void *ctx, size_t node);
} tf_deployer_ops_t;

//  A deployer program's class: the actor class (first, so the runtime's class
//  pointer is the deployer class) and the backend it drives
typedef struct {
    tf_actor_class_t actor_class; //  What tf_actor_main runs
    const tf_deployer_ops_t *ops; //  The backend
} tf_deployer_class_t;

//  The driver's part of every deployer class (use TF_DEPLOYER_CLASS)
extern const char *const tf_deployer_control_topics[];
void *tf_deployer_create (const tf_actor_config_t *config);
void tf_deployer_destroy (void **state_p);
extern const tf_actor_handlers_t tf_deployer_handlers;

//  The class of the program tf-deployer-<runner> driving ops; runner is a
//  string literal equal to ops.runner, summary --help's text.
#define TF_DEPLOYER_CLASS(ops_, runner_, summary_)                                                 \
    {                                                                                              \
        .actor_class = {.program = "tf-deployer-" runner_,                                         \
                        .role = "deployer",                                                        \
                        .kind = runner_,                                                           \
                        .summary = summary_,                                                       \
                        .create = tf_deployer_create,                                              \
                        .destroy = tf_deployer_destroy,                                            \
                        .handlers = &tf_deployer_handlers,                                         \
                        .control_topics = tf_deployer_control_topics},                             \
        .ops = &(ops_)                                                                             \
    }

//  For blocking ops: true once the op should end (cleanup began or the
//  process is stopping). Never blocks. A tf_api_client_cancel_fn.
bool tf_deployer_cancelled (void *cancel);

//  Wait up to ms, returning early when cancelled. Returns tf_deployer_cancelled.
bool tf_deployer_wait (void *cancel, int64_t ms);

//  Position of the node called name in a table, or -1.
ssize_t tf_deployer_node_find (const tf_deployer_node_t *nodes, size_t count, const char *name);

//  A node table entry (strings copied) whose APIs answer on address's ports:
//  http://ADDRESS:HTTP_PORT and http://ADDRESS:TESTING_PORT.
tf_deployer_node_t tf_deployer_node_at (const char *name, const char *role, uint32_t index,
                                        const char *address, uint16_t http_port,
                                        uint16_t testing_port, const char *log_path);

//  Free a node table and nullify the reference. Safe on NULL.
void tf_deployer_nodes_free (tf_deployer_node_t **nodes_p, size_t count);

#endif
