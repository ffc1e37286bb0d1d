//  tf_exp_liveness_probe.h - reads every node's chain at evaluate, in a thread
//
//  A zactor: asks each node's GET /cryptarchia/info (TF_EXP_PROBE_TRIES
//  tries, TF_EXP_PROBE_RETRY_MS apart, each bounded by the client timeout),
//  then, for agreement, walks each reachable node's chain from its tip down to
//  its LIB (learning the LIB's height), picks the floor (the lowest LIB) and
//  walks each chain on down to the floor's height. When done it sends one
//  message on its pipe: the pointer to the observations (picture "p", the
//  receiver owns them), then waits for $TERM. The actor's loop keeps
//  beating meanwhile.

#ifndef TF_EXP_LIVENESS_PROBE_H_INCLUDED
#define TF_EXP_LIVENESS_PROBE_H_INCLUDED

#include <czmq.h>
#include "tf_exp_liveness_judge.h"

#define TF_EXP_PROBE_TRIES    3     //  Info requests per node
#define TF_EXP_PROBE_RETRY_MS 200   //  Between them
#define TF_EXP_PROBE_WALK_MAX 20000 //  Deepest walk per node, blocks

typedef struct {
    const char *name;    //  Node name
    const char *api_url; //  Its API
    bool validator;
} tf_exp_probe_node_t;

typedef struct {
    const tf_exp_probe_node_t *nodes; //  Borrowed until the zactor signals
    size_t node_count;
    bool agreement; //  Walk chains for agreement
} tf_exp_probe_args_t;

//  Start probing; args are copied before this returns.
zactor_t *tf_exp_liveness_probe_new (const tf_exp_probe_args_t *args);

//  Receive the observations from a probe's pipe: caller owns *obs (free with
//  tf_exp_liveness_obs_free then free()). NULL if the probe was interrupted.
tf_exp_liveness_obs_t *tf_exp_liveness_probe_recv (zactor_t *probe);

#endif
