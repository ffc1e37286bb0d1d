//  tf_node_chain.h - the block tree: ledgers per block, longest-chain fork choice, LIB
#ifndef TF_NODE_CHAIN_H_INCLUDED
#define TF_NODE_CHAIN_H_INCLUDED

#include <stdbool.h>
#include "tf_node_block.h"
#include "tf_node_ledger.h"

typedef struct _tf_node_chain_t tf_node_chain_t;

//  One block in the tree
typedef struct _tf_node_chain_entry_t {
    tf_node_block_t *block;                //  Owned block
    uint64_t height;                       //  Genesis = 0
    struct _tf_node_chain_entry_t *parent; //  Parent entry, NULL for genesis
    tf_node_ledger_t *ledger;              //  Ledger after this block; NULL once below LIB
} tf_node_chain_entry_t;

typedef enum {
    TF_NODE_CHAIN_ADDED = 0, //  New block in the tree
    TF_NODE_CHAIN_DUPLICATE, //  Already known
    TF_NODE_CHAIN_ORPHAN,    //  Parent unknown
    TF_NODE_CHAIN_INVALID,   //  Bad slot or bad transactions
    TF_NODE_CHAIN_STALE      //  Forks below the LIB
} tf_node_chain_rc_t;

//  Create a tree rooted at genesis; takes ownership of genesis and its ledger.
tf_node_chain_t *tf_node_chain_new (tf_node_block_t *genesis, tf_node_ledger_t *ledger,
                                    uint64_t security_param);

//  Destroy the tree and all blocks; safe on NULL.
void tf_node_chain_destroy (tf_node_chain_t **self_p);

//  Add a block: applies its txs to the parent's ledger. On ADDED the tree owns the block and
//  *block_p is nulled; otherwise the caller keeps it. The tip may change (see tip()).
//  error receives a reason on INVALID.
tf_node_chain_rc_t tf_node_chain_add (tf_node_chain_t *self, tf_node_block_t **block_p, char *error,
                                      size_t error_size);

//  Move the LIB to the k-th ancestor of the tip if that is higher. Returns 1 if it moved.
int tf_node_chain_update_lib (tf_node_chain_t *self);

//  While trusted, blocks added come from our own block log: every check but the owners'
//  signatures of their txs (checked when the blocks first came) is made again.
void tf_node_chain_set_trusted (tf_node_chain_t *self, bool trusted);

//  Set k, the depth at which blocks become irreversible (a testing fault sets 0: every
//  tip final at once). The LIB never moves back, whatever k becomes.
void tf_node_chain_set_security_param (tf_node_chain_t *self, uint64_t security_param);

//  Canonical tip, LIB and genesis entries (borrowed).
const tf_node_chain_entry_t *tf_node_chain_tip (const tf_node_chain_t *self);
const tf_node_chain_entry_t *tf_node_chain_lib (const tf_node_chain_t *self);
const tf_node_chain_entry_t *tf_node_chain_genesis (const tf_node_chain_t *self);

//  Entry for a block id, or NULL (borrowed).
const tf_node_chain_entry_t *tf_node_chain_lookup (const tf_node_chain_t *self,
                                                   const tf_node_hash_t *id);

//  Canonical entry at a height, or NULL past the tip.
const tf_node_chain_entry_t *tf_node_chain_at (const tf_node_chain_t *self, uint64_t height);

//  Deepest common ancestor of two entries.
const tf_node_chain_entry_t *tf_node_chain_common (const tf_node_chain_entry_t *left,
                                                   const tf_node_chain_entry_t *right);

//  Number of blocks in the tree (forks included).
size_t tf_node_chain_size (const tf_node_chain_t *self);

//  Fork-choice order: 1 if candidate beats current (longer, or as long with a lower id).
int tf_node_chain_better (const tf_node_chain_entry_t *candidate,
                          const tf_node_chain_entry_t *current);

#endif
