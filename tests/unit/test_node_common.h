//  test_node_common.h - fixtures shared by tf-node unit tests: keys, genesis, blocks
#ifndef TEST_NODE_COMMON_H_INCLUDED
#define TEST_NODE_COMMON_H_INCLUDED

#include <string.h>
#include "tf_node_block.h"
#include "tf_node_ledger.h"

//  A key from a one-byte seed pattern
static inline void
tn_key (tf_node_key_t *key, uint8_t fill)
{
    uint8_t seed[32];
    memset (seed, fill, sizeof seed);
    tf_node_key_from_seed (seed, key);
}

//  A genesis tx with count notes of value each owned by owner (no leaders)
static inline tf_node_tx_t *
tn_genesis (const tf_node_key_t *owner, size_t count, uint64_t value)
{
    json_t *outputs = json_array ();
    for (size_t index = 0; index < count; index++)
        json_array_append_new (outputs, json_pack ("{s:I, s:o}", "value", (json_int_t) value, "pk",
                                                   tf_node_json_hash (&owner->pk)));
    json_t *json =
        json_pack ("{s:{s:[], s:{s:[], s:o}, s:i, s:i}, s:[], s:{s:[]}}", "mantle_tx", "ops",
                   "ledger_tx", "inputs", "outputs", outputs, "execution_gas_price", 0,
                   "storage_gas_price", 0, "ops_proofs", "ledger_tx_proof", "Ed25519Sigs");
    char error[200];
    tf_node_tx_t *tx = tf_node_tx_new (json, 1, error, sizeof error);
    json_decref (json);
    return tx;
}

//  Note id of output index of tx
static inline tf_node_hash_t
tn_note (const tf_node_tx_t *tx, size_t index)
{
    tf_node_hash_t id;
    tf_node_note_id (&tx->hash, index, &tx->outputs[index], &id);
    return id;
}

#endif
