//  tf_profile.h - how to run one kind of node: binary, command line,
//  config files and testing API
//
//  The local deployer knows nodes only through a profile. The built-in
//  profile "tf-node" runs the bundled tf-node found next to the deployer's own
//  binary, unless LOGOS_BLOCKCHAIN_NODE_BIN (or the older NOMOS_NODE_BIN)
//  names another binary. The command line is a template whose words may
//  hold {bin} (the binary) and {dir} (the node's directory). See
//  docs/node-profiles.md.

#ifndef TF_PROFILE_H_INCLUDED
#define TF_PROFILE_H_INCLUDED

#include <stdio.h>
#include "tf_node_spec.h"

#define TF_PROFILE_DEFAULT   "tf-node"
#define TF_PROFILE_BIN_ENV   "LOGOS_BLOCKCHAIN_NODE_BIN"
#define TF_PROFILE_BIN_ALIAS "NOMOS_NODE_BIN"
#define TF_PROFILE_MAX_ARGS  32 //  Words of an expanded command line

typedef struct {
    const char *name;            //  Profile name, as in the plan
    const char *binary;          //  Binary's file name, looked up beside ours
    const char *command;         //  Command template
    const char *node_file;       //  Node config file name in the node's dir
    const char *deployment_file; //  Shared config file name in the node's dir
    //  Config templates: write each file's text
    void (*print_node) (const tf_node_spec_t *config, FILE *out);
    void (*print_deployment) (const tf_deployment_spec_t *config, FILE *out);
    const char *info_path;         //  Chain info (HTTP readiness, mode)
    const char *network_path;      //  Peers and peer id
    const char *da_balancer_path;  //  DA balancer stats (da readiness), or NULL: none
    const char *block_peer_path;   //  Testing API: POST a JSON string PeerId
    const char *unblock_peer_path; //  Testing API: POST a JSON string PeerId
} tf_profile_t;

//  The profile called name, or NULL when there is none.
const tf_profile_t *tf_profile_find (const char *name);

//  Number of profiles (the catalogue lists the same names: tf_catalog_profile).
size_t tf_profile_count (void);

//  The node binary to run: the environment's override, else the profile's
//  binary beside the running program. Caller owns the result.
char *tf_profile_binary (const tf_profile_t *profile);

//  Expand the command template for binary and dir into argv (NULL-terminated,
//  at most TF_PROFILE_MAX_ARGS words). Returns the word count, or -1 when
//  the template has too many words. Caller frees each word with free().
int tf_profile_argv (const tf_profile_t *profile, const char *binary, const char *dir,
                     char *argv[TF_PROFILE_MAX_ARGS + 1]);

#endif
