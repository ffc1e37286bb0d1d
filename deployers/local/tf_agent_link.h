//  tf_agent_link.h - the local runner's side of `tf agent`: a request link to
//  one host's agent, and the watch that finds a lost agent
//
//  The wire (proto/PROTOCOL.md, section 11, "Agents"): ZeroMQ DEALER to the agent's
//  ROUTER, CurveZMQ with the agent's public key, every message string frames
//  (the plan one binary frame), a command and the run id first:
//
//      PREPARE run plan host   -> PREPARED "GLOBAL HTTP TESTING P2P"...  (its nodes' ports)
//      START run time peers..  -> STARTED                 (peers: "HOST P2P" per node)
//      STATE run GLOBAL        -> STATE running|paused|exited TEXT
//      NODE run GLOBAL PROC    -> DONE                    (PROC: kill|start|pause|resume,
//                                                          tf_local_nodes_act)
//      LOG run GLOBAL OFFSET   -> LOG DATA                (the node's log from OFFSET, at
//                                                          most TF_AGENT_LOG_CHUNK bytes;
//                                                          none at its end)
//      PING run                -> PONG
//      STOP run keep|release   -> STOPPED                 (SIGTERM, then SIGKILL; release:
//                                                          remove the nodes' data)
//      ABORT run               (no reply: kill the run's nodes at once)
//
//  and ERROR TEXT for any request that failed. The agent serves one run at a
//  time and drops it (killing its nodes) when no message of the run came for
//  TF_AGENT_LOST_MS; the watch pings every TF_AGENT_PING_MS on a connection
//  of its own and says an agent is lost when it went TF_AGENT_LOST_MS
//  without a PONG.

#ifndef TF_AGENT_LINK_H_INCLUDED
#define TF_AGENT_LINK_H_INCLUDED

#include <czmq.h>
#include "tf_plan.h"

#define TF_AGENT_PING_MS    300             //  The watch pings each agent this often
#define TF_AGENT_LOST_MS    3000            //  Silence after which either side gives up
#define TF_AGENT_REQUEST_MS 15000           //  Longest wait for a request's reply
#define TF_AGENT_STATE_MS   500             //  For STATE: samples ask it between commands
#define TF_AGENT_LOG_CHUNK  (1024 * 1024)   //  Most bytes of a log one LOG reply carries
#define TF_AGENT_CERT_ENV   "TF_AGENT_CERT" //  The secret certificate tf's side uses

typedef struct _tf_agent_link_t tf_agent_link_t;

//  Connect to host's agent for run_id with client_cert (borrowed, copied in).
//  NULL with *error_p (caller frees) when the agent's certificate cannot be read.
tf_agent_link_t *tf_agent_link_new (const tf_plan_host_t *host, zcert_t *client_cert,
                                    const char *run_id, char **error_p);

//  Destroy, first sending ABORT when abort is true. Safe on NULL.
void tf_agent_link_destroy (tf_agent_link_t **self_p, bool abort);

//  Send command (after which the run id goes) with the frames of args (taken,
//  destroyed, may be NULL) and wait for the reply, asking cancel
//  (tf_deployer.h). Returns the reply's frames after its first (caller
//  destroys), or NULL with *error_p (caller frees): ERROR's text, no answer
//  within timeout_ms, or cancelled. A late reply of an earlier request is dropped.
zmsg_t *tf_agent_link_request (tf_agent_link_t *self, const char *command, zmsg_t **args_p,
                               const char *expect, int64_t timeout_ms, void *cancel,
                               char **error_p);

//  The host it links to
const tf_plan_host_t *tf_agent_link_host (tf_agent_link_t *self);

//  Start the watch of the hosts' agents (hosts[0 .. count-1] that have one,
//  borrowed) for run_id: when one is lost it pushes one frame, the failure's
//  text naming the host, to alarm_ep (a PULL socket's inproc endpoint), and
//  stops. zactor_destroy ends it.
zactor_t *tf_agent_watch_new (const tf_plan_host_t *hosts, size_t count, zcert_t *client_cert,
                              const char *run_id, const char *alarm_ep);

#endif
