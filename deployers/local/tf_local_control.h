//  tf_local_control.h - node control of the local runner
//
//  restart (SIGKILL, start again with the same files), stop (SIGKILL), start,
//  pause (SIGSTOP), resume (SIGCONT), partition (each pair across the cut
//  blocks the other's PeerId through the testing API) and heal (unblock every
//  blocked pair), on nodes this host or an agent's runs. They compose: a
//  paused node cannot answer its testing API, so its part of a partition or a
//  heal waits and resume carries it out; a node restarted or stopped while
//  paused has nothing left to resume, and its resume is answered as done
//  (saying so). The deployer driver
//  checked each request (the node or group names are known, a partition group
//  is some but not all nodes) and waits for a restarted or started node's API
//  itself.

#ifndef TF_LOCAL_CONTROL_H_INCLUDED
#define TF_LOCAL_CONTROL_H_INCLUDED

#include "tf_local_nodes.h"

//  The nodes' processes, by position in the node table: the deployer's own
//  (tf_local_nodes) or, for a node on an agent's host, its agent's
typedef struct {
    //  How node's process is (tf_local_nodes_state)
    tf_deployer_state_t (*state) (void *ctx, size_t node, char text[TF_DEPLOYER_STATE_TEXT]);
    //  Do proc to it: 0, or -1 with error saying why (tf_local_nodes_act)
    int (*act) (void *ctx, size_t node, tf_local_proc_t proc, char error[TF_DEPLOYER_STATE_TEXT]);
} tf_local_procs_t;

typedef struct _tf_local_control_t tf_local_control_t;

//  Create node control over count nodes whose processes procs (with its ctx;
//  both borrowed, must outlive it) runs and whose testing API speaks
//  profile's paths; blocking steps ask cancel (tf_deployer.h).
tf_local_control_t *tf_local_control_new (size_t count, const tf_local_procs_t *procs,
                                          void *procs_ctx, const tf_profile_t *profile,
                                          void *cancel);

//  Destroy and nullify. Safe on NULL.
void tf_local_control_destroy (tf_local_control_t **self_p);

//  Carry out request; table is the driver's node table (same order as the
//  nodes, with their testing URLs and peer ids). 0, with *text_p a note on how it was done
//  (what waits for a paused node, what a resume applied) or NULL; or -1 with
//  *text_p the error. Caller frees *text_p.
int tf_local_control_run (tf_local_control_t *self, const tf_deployer_node_t *table, size_t count,
                          const tf_node_control_t *request, char **text_p);

#endif
