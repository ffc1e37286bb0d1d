//  tf_scanner_walk.h - one node's chain, as the scanner has reported it so far
//
//  The scanner's worker for a node feeds every block the node announces (its
//  stream) and every tip it reports (polling). Before a block is emitted, its
//  unknown ancestors are fetched (POST /storage/block, through the fetch
//  callback) back to a block already emitted or to genesis (parent all
//  zeros), and emitted oldest first. So for each node, every block is emitted
//  exactly once and always after its parent: across reconnects and restarts
//  no block is missed, and heights can be computed downstream from parents.
//  Below a floor (tf_scanner_walk_forget_below: slots settled on every node,
//  long published) the walk forgets what it emitted and stops walking back.

#ifndef TF_SCANNER_WALK_H_INCLUDED
#define TF_SCANNER_WALK_H_INCLUDED

#include "tf_api_client.h"

#define TF_SCANNER_WALK_MAX 100000 //  Deepest walk back; deeper is a gap

//  Fetch block id: 0 and *block_p (callee's result, caller owns), 1 when the
//  node does not hold it, -1 on failure.
typedef int (tf_scanner_fetch_fn) (void *arg, const char *id, tf_api_block_t **block_p);

//  A block to publish (borrowed for the call).
typedef void (tf_scanner_emit_fn) (void *arg, const tf_api_block_t *block);

typedef struct _tf_scanner_walk_t tf_scanner_walk_t;

//  Create an empty chain with its fetch and emit callbacks.
tf_scanner_walk_t *tf_scanner_walk_new (tf_scanner_fetch_fn *fetch, void *fetch_arg,
                                        tf_scanner_emit_fn *emit, void *emit_arg);

//  Destroy and nullify. Safe on NULL.
void tf_scanner_walk_destroy (tf_scanner_walk_t **self_p);

//  A block the node announced (borrowed): emit its missing ancestors, then it.
//  Returns 0 (also when already known), or -1 when an ancestor could not be
//  fetched (nothing of that chain is emitted; a later tip fills the gap).
int tf_scanner_walk_block (tf_scanner_walk_t *self, const tf_api_block_t *block);

//  The node's tip id: fetch and emit it (and its ancestors) if unknown.
//  Returns 0, or -1 on a gap.
int tf_scanner_walk_tip (tf_scanner_walk_t *self, const char *tip);

//  True when id has been emitted.
bool tf_scanner_walk_known (tf_scanner_walk_t *self, const char *id);

//  Blocks emitted and still remembered.
size_t tf_scanner_walk_size (tf_scanner_walk_t *self);

//  Slots below floor are settled: forget the blocks emitted there, and treat
//  any block there as emitted (no walk back past it). The floor only rises.
void tf_scanner_walk_forget_below (tf_scanner_walk_t *self, uint64_t floor);

#endif
