//  tf_node_genesis.h - the genesis state: one SignedMantleTx or a list of them
//
//  A real node's cryptarchia.genesis_state is one SignedMantleTx, and its counts of
//  outputs and ops are encoded as u8, so one tx funds at most 255 notes and declares at
//  most 255 leaders. tf-node also accepts a list of SignedMantleTx (a tf-node
//  extension, node/README.md 1.2): each is parsed and hashed on its own (locked note ids
//  zeroed), its notes derive from its own hash, and the genesis block holds them all in
//  list order. The leaders are every tx's SDPDeclares in list order then op order; a
//  declaration may lock a note of any genesis tx.
#ifndef TF_NODE_GENESIS_H_INCLUDED
#define TF_NODE_GENESIS_H_INCLUDED

#include "tf_node_ledger.h"
#include "tf_node_tx.h"

#define TF_NODE_GENESIS_WHERE_SIZE 128 //  Room for the key path of an error

typedef struct {
    tf_node_tx_t **txs;    //  The genesis txs, in list order
    size_t ntxs;           //  Their count, 1 to TF_NODE_GENESIS_MAX_TXS
    tf_node_decl_t *decls; //  Every SDPDeclare, in tx order then op order
    size_t ndecls;         //  Their count
} tf_node_genesis_t;

//  Parse value (the YAML's cryptarchia.genesis_state as JSON, borrowed): a SignedMantleTx
//  or a non-empty list of them, with no inputs, distinct hashes and every locked note id
//  the id of a genesis note. On failure returns NULL, the key path of the fault in where
//  (relative to genesis_state: "", "[2].mantle_tx.ledger_tx.inputs", ...) and what was
//  expected in error.
tf_node_genesis_t *tf_node_genesis_new (json_t *value, char *where, size_t where_size, char *error,
                                        size_t error_size);

//  Destroy; safe on NULL.
void tf_node_genesis_destroy (tf_node_genesis_t **self_p);

//  A new ledger holding every genesis note (caller owns).
tf_node_ledger_t *tf_node_genesis_ledger (const tf_node_genesis_t *self);

//  Number of genesis notes.
size_t tf_node_genesis_notes (const tf_node_genesis_t *self);

#endif
