//  tf_node_block.h - blocks: header fields, id, Merkle root, storage and ApiBlock JSON forms
#ifndef TF_NODE_BLOCK_H_INCLUDED
#define TF_NODE_BLOCK_H_INCLUDED

#include "tf_node_tx.h"

#define TF_NODE_PROOF_SIZE    128  //  proof_of_leadership.proof bytes
#define TF_NODE_BLOCK_MAX_TXS 1024 //  Txs per block

typedef struct {
    tf_node_hash_t id;                   //  Block id (computed, never sent)
    tf_node_hash_t parent;               //  parent_block
    uint64_t slot;                       //  Slot
    tf_node_hash_t block_root;           //  Merkle root of tx hashes
    uint8_t proof[TF_NODE_PROOF_SIZE];   //  Lottery signature || 64 zero bytes
    tf_node_hash_t entropy;              //  entropy_contribution
    tf_node_hash_t leader_key;           //  Leader's Ed25519 public key
    tf_node_hash_t voucher_cm;           //  Always zero in tf-node
    uint8_t signature[TF_NODE_SIG_SIZE]; //  Leader's signature over the id
    tf_node_tx_t **txs;                  //  Owned txs
    size_t ntxs;                         //  Their count
} tf_node_block_t;

//  The genesis block holding the genesis txs in order (borrowed; the block parses copies).
tf_node_block_t *tf_node_block_new_genesis (tf_node_tx_t *const *txs, size_t ntxs);

//  Forge and sign a block. Takes ownership of the txs array and its txs.
tf_node_block_t *tf_node_block_new_forged (const tf_node_hash_t *parent, uint64_t slot,
                                           const tf_node_key_t *leader,
                                           const uint8_t lottery_proof[TF_NODE_SIG_SIZE],
                                           tf_node_tx_t **txs, size_t ntxs);

//  Parse the storage form; NULL with a reason in error if malformed. Checks the root and
//  the signature; the lottery is checked by the node, which knows the stakes.
tf_node_block_t *tf_node_block_new_from_json (const json_t *json, char *error, size_t error_size);

//  Destroy a block and its txs; safe on NULL.
void tf_node_block_destroy (tf_node_block_t **self_p);

//  Recompute the id from the header fields into self->id.
void tf_node_block_compute_id (tf_node_block_t *self);

//  Merkle root of tx hashes as the real node computes it.
void tf_node_block_merkle_root (tf_node_tx_t *const *txs, size_t ntxs, tf_node_hash_t *out);

//  The storage form (node-api §5). Caller owns the result.
json_t *tf_node_block_storage_json (const tf_node_block_t *self);

//  The ApiBlock form (node-api §8). Caller owns the result.
json_t *tf_node_block_api_json (const tf_node_block_t *self);

#endif
