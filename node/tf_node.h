//  tf_node.h - the tf-node server: consensus loop, p2p, storage and the HTTP servers
#ifndef TF_NODE_H_INCLUDED
#define TF_NODE_H_INCLUDED

#include <signal.h>
#include "tf_node_config.h"

typedef struct _tf_node_t tf_node_t;

//  Open the data dir, replay the chain, bind p2p and HTTP. Takes ownership of the config
//  on success (nulls *config_p). NULL after logging why.
tf_node_t *tf_node_new (tf_node_config_t **config_p);

//  Stop the servers and free everything; safe on NULL.
void tf_node_destroy (tf_node_t **self_p);

//  Run the slot loop until *stop becomes non-zero. 0 on clean stop, -1 on a fatal error.
int tf_node_run (tf_node_t *self, volatile sig_atomic_t *stop);

//  The whole main() of tf-node: parse the command line (--help lists it), load
//  the configs, install the SIGTERM/SIGINT handlers and run the node until one
//  arrives. Returns the exit code: 0 clean stop (or config OK), 1 failure,
//  2 bad command line or config.
int tf_node_main (int argc, char **argv);

#endif
