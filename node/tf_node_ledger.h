//  tf_node_ledger.h - the UTXO set: unspent notes, tx validation against it, balances
#ifndef TF_NODE_LEDGER_H_INCLUDED
#define TF_NODE_LEDGER_H_INCLUDED

#include "tf_node_tx.h"

typedef struct _tf_node_ledger_t tf_node_ledger_t;

//  Create an empty ledger.
tf_node_ledger_t *tf_node_ledger_new (void);

//  Destroy a ledger; safe on NULL.
void tf_node_ledger_destroy (tf_node_ledger_t **self_p);

//  An independent copy (each block keeps the ledger after it).
tf_node_ledger_t *tf_node_ledger_dup (const tf_node_ledger_t *self);

//  Check tx against this ledger: inputs unspent, owners' signatures valid, funds suffice.
//  0 if valid; -1 with a reason in error otherwise.
int tf_node_ledger_check (const tf_node_ledger_t *self, const tf_node_tx_t *tx, char *error,
                          size_t error_size);

//  The same checks but for the owners' signatures: for the txs of blocks read back
//  from our own block log, whose signatures were checked when they first came.
int tf_node_ledger_check_trusted (const tf_node_ledger_t *self, const tf_node_tx_t *tx, char *error,
                                  size_t error_size);

//  Apply a checked tx: spend its inputs, create its outputs.
void tf_node_ledger_apply (tf_node_ledger_t *self, const tf_node_tx_t *tx);

//  Add the outputs of tx without spending anything (genesis).
void tf_node_ledger_add_outputs (tf_node_ledger_t *self, const tf_node_tx_t *tx);

//  The unspent note with this id, or NULL (borrowed).
const tf_node_output_t *tf_node_ledger_note (const tf_node_ledger_t *self,
                                             const tf_node_hash_t *note_id);

//  Sum of the unspent notes owned by pk.
uint64_t tf_node_ledger_balance (const tf_node_ledger_t *self, const tf_node_hash_t *pk);

//  Up to max note ids owned by pk into ids; returns the count.
size_t tf_node_ledger_notes_of (const tf_node_ledger_t *self, const tf_node_hash_t *pk,
                                tf_node_hash_t *ids, size_t max);

//  Number of unspent notes.
size_t tf_node_ledger_size (const tf_node_ledger_t *self);

#endif
