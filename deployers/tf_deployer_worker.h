//  tf_deployer_worker.h - the deployer's worker thread: runs a backend's ops
//  off the actor's loop
//
//  A zactor that owns the backend's state and its node table. The deployer
//  actor sends it one command at a time and gets exactly one reply for each;
//  while a command runs, the only thing it may send is CANCEL (end the command
//  early) or, by destroying the worker, $TERM (end everything: the backend is
//  destroyed, which kills what still runs). The backend's blocking ops see
//  both through tf_deployer_cancelled (tf_deployer_cancel.h), which reads this
//  thread's pipe.
//
//  Pipe protocol (one zmsg each way):
//      actor -> worker:  "DEPLOY" | "CONTROL" <node.control body> | "CLEANUP"
//                        | "DIAGNOSE" <trigger> | "CANCEL" | "$TERM"
//      worker -> actor:  <command> <"1" ok | "0" failed> <error, or note, or "">
//                        [<run.nodes body>, DEPLOY when ok]
//                        | "SAMPLE" "1" "" <node.resources body>   (unasked)
//
//  Between commands, from a deploy that succeeded to CLEANUP, the worker
//  samples every node (tf_resources.h) each TF_RESOURCES_SAMPLE_MS when the
//  backend has a pid op, and sends each sample as a SAMPLE message: it is no
//  reply, and the actor passes it on as node.resources.
//
//  DEPLOY runs the deploy op, then waits for each readiness stage the backend
//  asks for; CONTROL runs the control op, then waits for http readiness of a
//  node brought up; CLEANUP collects the logs and runs the cleanup op;
//  DIAGNOSE captures every node's state into the run's diagnostics/
//  (tf_diagnostics.h), saying what triggered it.

#ifndef TF_DEPLOYER_WORKER_H_INCLUDED
#define TF_DEPLOYER_WORKER_H_INCLUDED

#include "tf_deployer.h"

//  What the worker is asked to do
typedef enum {
    TF_DEPLOYER_WORKER_DEPLOY = 0, //  Deploy and wait for readiness
    TF_DEPLOYER_WORKER_CONTROL,    //  One node-control request
    TF_DEPLOYER_WORKER_CLEANUP,    //  Collect logs, stop nodes, release data
    TF_DEPLOYER_WORKER_DIAGNOSE,   //  Capture every node's state (a run failed)
    TF_DEPLOYER_WORKER_SAMPLE,     //  Worker -> actor only, unasked: one node.resources
} tf_deployer_command_t;

//  A command's outcome, as tf_deployer_worker_recv returns it
typedef struct {
    tf_deployer_command_t command; //  What was done
    bool ok;                       //  It succeeded
    char *text;                    //  Why not, or when ok a note (CONTROL); owned, or NULL
    tf_run_nodes_t nodes;          //  DEPLOY when ok: the nodes (owned; run_id unset)
    tf_node_resources_t resources; //  SAMPLE: the sample (owned)
} tf_deployer_reply_t;

//  Start the worker for ops with the backend state *ctx_p (made by ops->create
//  for env; env and env->cancel stay the caller's and must outlive the
//  worker; env->cancel is a tf_deployer_cancel_t, bound here to the worker's
//  pipe). Takes *ctx_p over when it returns the worker; NULL (the caller
//  keeps *ctx_p) when the thread cannot start.
zactor_t *tf_deployer_worker_new (const tf_deployer_ops_t *ops, void **ctx_p,
                                  const tf_deployer_env_t *env);

//  Send a command (request: the node.control to carry out, CONTROL only).
//  Returns 0, or -1 when it cannot be sent.
int tf_deployer_worker_send (zactor_t *worker, tf_deployer_command_t command,
                             const tf_node_control_t *request);

//  Send DIAGNOSE with what triggered it. Returns 0, or -1 when it cannot be sent.
int tf_deployer_worker_diagnose (zactor_t *worker, const char *trigger);

//  Ask the running command to end early. Returns 0 or -1.
int tf_deployer_worker_cancel (zactor_t *worker);

//  Receive a reply (when the worker's pipe is readable). Returns 0 and fills
//  reply (free with tf_deployer_reply_free), or -1 on a malformed reply.
int tf_deployer_worker_recv (zactor_t *worker, tf_deployer_reply_t *reply);

//  Free what a reply owns.
void tf_deployer_reply_free (tf_deployer_reply_t *reply);

#endif
