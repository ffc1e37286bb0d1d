//  tf_node_idmap.h - hash map from 32-byte ids (hashes) to owned values
#ifndef TF_NODE_IDMAP_H_INCLUDED
#define TF_NODE_IDMAP_H_INCLUDED

#include "tf_node_crypto.h"

typedef struct _tf_node_idmap_t tf_node_idmap_t;

//  Frees one value; NULL means values are not owned.
typedef void (tf_node_idmap_free_fn) (void *value);

//  Copies one value for tf_node_idmap_dup.
typedef void *(tf_node_idmap_dup_fn) (const void *value);

//  Called for each entry by tf_node_idmap_foreach; return non-zero to stop.
typedef int (tf_node_idmap_visit_fn) (const tf_node_hash_t *id, void *value, void *arg);

//  Create an empty map whose values are freed with free_fn (may be NULL).
tf_node_idmap_t *tf_node_idmap_new (tf_node_idmap_free_fn *free_fn);

//  Destroy the map and its values; safe on NULL.
void tf_node_idmap_destroy (tf_node_idmap_t **self_p);

//  Deep copy, values copied with dup_fn.
tf_node_idmap_t *tf_node_idmap_dup (const tf_node_idmap_t *self, tf_node_idmap_dup_fn *dup_fn);

//  Insert; the map owns value. Returns 0, or -1 (value not taken) if id is present.
int tf_node_idmap_insert (tf_node_idmap_t *self, const tf_node_hash_t *id, void *value);

//  The value for id, or NULL (borrowed).
void *tf_node_idmap_lookup (const tf_node_idmap_t *self, const tf_node_hash_t *id);

//  Remove and free the value for id; 0 if removed, -1 if absent.
int tf_node_idmap_delete (tf_node_idmap_t *self, const tf_node_hash_t *id);

//  Remove and return the value for id without freeing it (caller owns), or NULL.
void *tf_node_idmap_take (tf_node_idmap_t *self, const tf_node_hash_t *id);

//  Number of entries.
size_t tf_node_idmap_size (const tf_node_idmap_t *self);

//  Visit every entry (unspecified order); returns the first non-zero visit result or 0.
int tf_node_idmap_foreach (const tf_node_idmap_t *self, tf_node_idmap_visit_fn *visit, void *arg);

#endif
