//  tf_node_store.h - the block log (and the DA share log): append-only, fsync'd, replayed on start
#ifndef TF_NODE_STORE_H_INCLUDED
#define TF_NODE_STORE_H_INCLUDED

#include <jansson.h>

#define TF_NODE_STORE_FILE       "blocks.log"
#define TF_NODE_STORE_MAX_RECORD (64 * 1024 * 1024) //  Larger lengths mean corruption

typedef struct _tf_node_store_t tf_node_store_t;

//  Called for each stored block in append order.
typedef void (tf_node_store_replay_fn) (json_t *block, void *arg);

//  Open (creating dir and file as needed). NULL after logging why.
tf_node_store_t *tf_node_store_new (const char *dir);

//  The same log in another file of dir (the DA share log uses it). NULL after logging why.
tf_node_store_t *tf_node_store_new_file (const char *dir, const char *file);

//  Close; safe on NULL.
void tf_node_store_destroy (tf_node_store_t **self_p);

//  Replay every complete record, truncating a torn or corrupt tail. Returns the number of
//  records replayed, or -1 on an I/O error.
long tf_node_store_replay (tf_node_store_t *self, tf_node_store_replay_fn *replay, void *arg);

//  Append one record (a block's storage-form JSON, or a share) and fsync. 0 or -1.
int tf_node_store_append (tf_node_store_t *self, const json_t *block);

//  Empty the log (every record gone) and fsync. 0 or -1.
int tf_node_store_clear (tf_node_store_t *self);

#endif
