//  tf_node_mempool.h - pending transactions in arrival order, with a cap
#ifndef TF_NODE_MEMPOOL_H_INCLUDED
#define TF_NODE_MEMPOOL_H_INCLUDED

#include "tf_node_ledger.h"

typedef struct _tf_node_mempool_t tf_node_mempool_t;

typedef enum {
    TF_NODE_MEMPOOL_OK = 0,    //  Added
    TF_NODE_MEMPOOL_DUPLICATE, //  Same hash pending
    TF_NODE_MEMPOOL_CONFLICT,  //  An input is already spent by a pending tx
    TF_NODE_MEMPOOL_FULL       //  At the cap
} tf_node_mempool_rc_t;

//  Create a pool holding at most cap txs.
tf_node_mempool_t *tf_node_mempool_new (size_t cap);

//  Destroy the pool and its txs; safe on NULL.
void tf_node_mempool_destroy (tf_node_mempool_t **self_p);

//  Add a tx; on OK the pool owns it and *tx_p is nulled, otherwise the caller keeps it.
tf_node_mempool_rc_t tf_node_mempool_add (tf_node_mempool_t *self, tf_node_tx_t **tx_p);

//  True if a tx with this hash is pending.
int tf_node_mempool_contains (const tf_node_mempool_t *self, const tf_node_hash_t *hash);

//  True if this note is spent by a pending tx.
int tf_node_mempool_spends (const tf_node_mempool_t *self, const tf_node_hash_t *note_id);

//  Drop the tx with this hash if pending.
void tf_node_mempool_remove (tf_node_mempool_t *self, const tf_node_hash_t *hash);

//  Choose up to max pending txs, oldest first, that are valid in sequence on top of ledger;
//  txs invalid against it are dropped from the pool. Writes fresh copies (caller owns) to
//  txs and returns their count.
size_t tf_node_mempool_select (tf_node_mempool_t *self, const tf_node_ledger_t *ledger,
                               tf_node_tx_t **txs, size_t max);

//  Pending count and Unix ms of the last add (0 if none).
size_t tf_node_mempool_size (const tf_node_mempool_t *self);
uint64_t tf_node_mempool_last_add_ms (const tf_node_mempool_t *self);

//  Copy a tx by parsing its JSON again (caller owns).
tf_node_tx_t *tf_node_tx_dup (const tf_node_tx_t *tx);

#endif
