//  tf_deployer_local.h - the local deployer: nodes as processes on this host
//
//  An actor (role "deployer"). On deploy it writes every node's config under
//  RUN_DIR/nodes/<name>/, starts the nodes, waits for readiness (http, then
//  network, then chain; see tf_readiness.h), reports run.nodes and
//  acknowledges; a failure acknowledges with the per-node report. During the
//  run it serves node.control (restart, stop, start, pause, resume,
//  partition, heal). On cleanup, and on every exit path through the stop
//  handler, it stops every node. HTTP to nodes runs in a worker thread, and
//  processes are reaped without blocking, so the loop keeps its heartbeats.
//
//  STYLE.md's deployer ops table (start/stop/restart per backend) is not used
//  yet: compose and k8s are separate programs with no code here so far, and
//  the local deployer's only backend is tf_node_proc. When a second backend
//  lands, the process calls of tf_deployer_local*.c are the seam to put
//  behind it.
//
//  Consumes: run.plan, run.phase, node.control (through the runtime)
//  Emits:    run.nodes, node.control.reply, run.phase.ack

#ifndef TF_DEPLOYER_LOCAL_H_INCLUDED
#define TF_DEPLOYER_LOCAL_H_INCLUDED

#include "tf_actor.h"

#define TF_DEPLOYER_LOCAL_STOP_GRACE_MS   2000 //  SIGTERM, then SIGKILL after this
#define TF_DEPLOYER_LOCAL_START_MARGIN_MS 1000 //  chain_start_time after generation
#define TF_DEPLOYER_LOCAL_KEEP_ENV        "LOGOS_BLOCKCHAIN_TESTS_KEEP_LOGS"
#define TF_DEPLOYER_LOCAL_KEEP_ALIAS      "NOMOS_TESTS_KEEP_LOGS"
#define TF_DEPLOYER_LOCAL_LOG_DIR_ENV     "LOGOS_BLOCKCHAIN_LOG_DIR"

typedef struct _tf_deployer_local_t tf_deployer_local_t;

//  Create the deployer's state. Caller owns it.
tf_deployer_local_t *tf_deployer_local_new (void);

//  Destroy and nullify; kills any node still running. Safe on NULL.
void tf_deployer_local_destroy (tf_deployer_local_t **self_p);

//  The program tf-deployer-local
extern const tf_actor_class_t tf_deployer_local_class;

#endif
