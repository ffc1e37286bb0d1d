//  tf_tx_build.h - builds and signs user transfers in tf-node's tx format
//
//  A transfer spends notes and creates outputs, with no ops and zero gas
//  prices (node/README.md 3.1). tf_api_tx encodes, hashes and writes it; each
//  input is signed by the key owning its note, over the tx hash, in input
//  order. The JSON text is what POST /mempool/add/tx takes. Framework side
//  only: no node internals.

#ifndef TF_TX_BUILD_H_INCLUDED
#define TF_TX_BUILD_H_INCLUDED

#include <stddef.h>
#include <stdint.h>
#include "tf_api_tx.h"
#include "tf_keys.h"

#define TF_TX_MAX_INPUTS  64 //  tf-node's limits per tx
#define TF_TX_MAX_OUTPUTS 64

//  One note to spend and the key that owns it (borrowed)
typedef struct {
    uint8_t note_id[TF_KEYS_HASH_SIZE]; //  Note spent
    const tf_key_t *owner;              //  Key of its owner, which signs (borrowed)
} tf_tx_input_t;

//  One output: value paid to a public key
typedef struct {
    uint64_t value;                          //  Amount
    uint8_t public_key[TF_KEYS_PUBLIC_SIZE]; //  Owner of the new note
} tf_tx_output_t;

//  A signed transfer
typedef struct {
    uint8_t hash[TF_KEYS_HASH_SIZE]; //  Tx hash (note ids of outputs derive from it)
    char hash_hex[TF_KEYS_HEX_SIZE]; //  The same, 64 lower-case hex
    char *json;                      //  SignedMantleTx JSON text (owned)
} tf_tx_t;

//  Build and sign a transfer into *tx. Returns 0, or -1 when the counts are
//  out of bounds (1..TF_TX_MAX_INPUTS inputs, 1..TF_TX_MAX_OUTPUTS outputs)
//  or a value is over TF_API_TX_MAX_VALUE. Free with tf_tx_free.
int tf_tx_build (const tf_tx_input_t *inputs, size_t input_count, const tf_tx_output_t *outputs,
                 size_t output_count, tf_tx_t *tx);

//  Free what a tx owns and zero it. Safe on a zeroed tx.
void tf_tx_free (tf_tx_t *tx);

#endif
