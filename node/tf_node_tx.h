//  tf_node_tx.h - SignedMantleTx: JSON shape, canonical encoding, hash, note ids, signatures
#ifndef TF_NODE_TX_H_INCLUDED
#define TF_NODE_TX_H_INCLUDED

#include <jansson.h>
#include "tf_node_crypto.h"

#define TF_NODE_TX_MAX_INPUTS       64           //  Per tx
#define TF_NODE_TX_MAX_OUTPUTS      64           //  Per tx
#define TF_NODE_GENESIS_MAX_OUTPUTS 255          //  Notes per genesis tx (the count is a u8)
#define TF_NODE_GENESIS_MAX_TXS     256          //  Genesis txs (genesis_state may be a list)
#define TF_NODE_TX_MAX_OPS          16           //  Per tx (genesis: any number)
#define TF_NODE_TX_MAX_INSCRIPTION  4096         //  Bytes per ChannelInscribe
#define TF_NODE_TX_MAX_JSON         (256 * 1024) //  Bytes of JSON per tx
#define TF_NODE_OP_INSCRIBE         0
#define TF_NODE_OP_BLOB             1 //  ChannelBlob: a DA blob's commitment on a channel
#define TF_NODE_OP_SDP_DECLARE      32
#define TF_NODE_EXECUTOR_LOCATOR    "/tf/executor"

//  One ledger output: a note's value and owner
typedef struct {
    uint64_t value;    //  Amount
    tf_node_hash_t pk; //  Owner's Ed25519 public key
} tf_node_output_t;

//  A genesis SDPDeclare: a leader and its stake note
typedef struct {
    tf_node_hash_t provider_id;    //  Leader's Ed25519 public key
    tf_node_hash_t locked_note_id; //  Note id of its stake
    int executor;                  //  Marked with the /tf/executor locator
} tf_node_decl_t;

typedef struct {
    char *text;                              //  The tx as received, compact JSON (owned)
    tf_node_hash_t hash;                     //  Tx hash (section 3.2 of node/README.md)
    size_t ninputs;                          //  Number of inputs
    tf_node_hash_t *inputs;                  //  Note ids spent
    uint8_t (*input_sigs)[TF_NODE_SIG_SIZE]; //  One signature per input
    size_t noutputs;                         //  Number of outputs
    tf_node_output_t *outputs;               //  Notes created
    size_t nops;                             //  Number of ops
    size_t ndecls;                           //  SDPDeclare ops (genesis only)
    tf_node_decl_t *decls;                   //  Their payloads
    size_t nblobs;                           //  ChannelBlob ops
    tf_node_hash_t *blobs;                   //  Their blob ids, in op order
} tf_node_tx_t;

//  Parse and check a SignedMantleTx (shape, limits, op proofs; not ledger signatures, which
//  need the ledger). genesis allows SDPDeclare ops and hashes with zeroed locked note ids.
//  Keeps json as compact text (a parsed tree costs ten times the memory); json is borrowed. On failure returns NULL and writes a reason to error.
tf_node_tx_t *tf_node_tx_new (json_t *json, int genesis, char *error, size_t error_size);

//  The tx as JSON, parsed from its text (caller owns the new reference).
json_t *tf_node_tx_json (const tf_node_tx_t *self);

//  The tx as compact JSON text (borrowed).
const char *tf_node_tx_text (const tf_node_tx_t *self);

//  Destroy a tx; safe on NULL.
void tf_node_tx_destroy (tf_node_tx_t **self_p);

//  Note id of output index of the tx with hash tx_hash.
void tf_node_note_id (const tf_node_hash_t *tx_hash, uint64_t index, const tf_node_output_t *output,
                      tf_node_hash_t *out);

//  The ApiBlock form of a tx: mantle_tx gains a leading "hash". Caller owns the result.
json_t *tf_node_tx_api_json (const tf_node_tx_t *self);

//  Build and sign a transfer spending inputs (owned by keys[i]) into outputs. Caller owns
//  the result.
tf_node_tx_t *tf_node_tx_new_transfer (const tf_node_hash_t *inputs, const tf_node_key_t **keys,
                                       size_t ninputs, const tf_node_output_t *outputs,
                                       size_t noutputs);

//  Build and sign a tx with one ChannelInscribe op (no ledger inputs or outputs): signer
//  signs the tx hash. Caller owns the result.
tf_node_tx_t *tf_node_tx_new_inscription (const tf_node_key_t *signer,
                                          const tf_node_hash_t *channel, const uint8_t *inscription,
                                          size_t size);

//  Build and sign a tx with one ChannelBlob op (no ledger inputs or outputs): the blob
//  blob_id of size bytes on channel after parent, signed by signer over the tx hash.
//  Caller owns the result.
tf_node_tx_t *tf_node_tx_new_blob (const tf_node_key_t *signer, const tf_node_hash_t *channel,
                                   const tf_node_hash_t *blob_id, uint64_t size,
                                   const tf_node_hash_t *parent);

//  JSON helpers shared with the block shapes: a hash as 64 hex, 64-byte array of ints.
json_t *tf_node_json_hash (const tf_node_hash_t *hash);
json_t *tf_node_json_bytes (const uint8_t *data, size_t size);
int tf_node_json_get_hash (const json_t *value, tf_node_hash_t *out);
int tf_node_json_get_bytes (const json_t *value, uint8_t *out, size_t size);
int tf_node_json_get_u64 (const json_t *value, uint64_t *out);

#endif
