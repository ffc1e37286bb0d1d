//  tf_local_config.h - the files and commands of the nodes one host runs
//
//  What the local runner and `tf agent` share: from the plan, the genesis and
//  where every node of the run is (its host and p2p port), write each node's
//  node.yaml and deployment.yaml (the profile's templates) in its directory
//  and set its command line. A node binds its APIs and p2p port on its host's
//  address and dials its initial peers (the plan's network) on theirs, so the
//  nodes of several hosts make one network.

#ifndef TF_LOCAL_CONFIG_H_INCLUDED
#define TF_LOCAL_CONFIG_H_INCLUDED

#include "tf_local_nodes.h"

//  Where one node of the run is, by its global index
typedef struct {
    const char *host;  //  Its host's IPv4 address, or NULL: 127.0.0.1
    uint16_t p2p_port; //  Its p2p port
} tf_local_peer_t;

//  A variable by its name or its older alias; NULL when both are unset or empty
const char *tf_local_config_env (const char *name, const char *alias);

//  Write the files of every node of nodes that mine marks (by global index;
//  NULL: every node) and set its command: binary run by profile's command
//  line, with the log variables of our environment. peers holds every node of
//  the run (tf_local_nodes_count entries); address is what the nodes bind
//  (NULL: 127.0.0.1); start_time the chain's (tf_node_spec_time). Returns 0,
//  or -1 after logging why.
int tf_local_config_write (tf_local_nodes_t *nodes, const tf_plan_t *plan,
                           const tf_profile_t *profile, const char *binary, const char *start_time,
                           const tf_local_peer_t *peers, const bool *mine, const char *address);

#endif
