//  tf_api_tx.h - the node's transaction format, as the framework writes and reads it
//
//  A mantle tx (node-api.md §6, node/README.md §3) as a plain struct: its ops, ledger
//  inputs and outputs, gas prices, and the proofs its signed form (SignedMantleTx)
//  carries. This class is the framework's only encoder of the format: its canonical
//  encoding, its hash and note ids as tf-node computes them, its JSON form and the
//  strict parsing of that form. Genesis, the transfer builder and the block parser all
//  go through it.
//
//  The ops are the three tf-node knows: ChannelInscribe and ChannelBlob (each proved by an
//  Ed25519 signature by its signer over the tx hash) and SDPDeclare (only in the genesis
//  tx; no proof). The
//  ledger proof is one Ed25519 signature per input, by the owner of its note, over the
//  tx hash. tf-node hashes with BLAKE2b-256 where a real node uses Poseidon2, so these
//  hashes are tf-node's (see tf_api_parse.h).

#ifndef TF_API_TX_H_INCLUDED
#define TF_API_TX_H_INCLUDED

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "tf_keys.h"

#define TF_API_TX_FIELD_SIZE     TF_KEYS_HASH_SIZE //  Note ids, keys, channel ids, tx hashes
#define TF_API_TX_SIG_SIZE       64                //  Ed25519 signature
#define TF_API_TX_HEX_SIZE       TF_KEYS_HEX_SIZE  //  A 32-byte field as hex plus terminator
#define TF_API_TX_MAX_COUNT      255       //  Ops, inputs, outputs, locators: counted in a u8
#define TF_API_TX_MAX_VALUE      INT64_MAX //  JSON integers stop here (jansson, as tf-node)
#define TF_API_TX_OP_INSCRIBE    0         //  ChannelInscribe opcode
#define TF_API_TX_OP_BLOB        1         //  ChannelBlob opcode (a DA blob's commitment)
#define TF_API_TX_OP_SDP_DECLARE 32        //  SDPDeclare opcode
#define TF_API_TX_SERVICE_BN     0         //  service_type "BN" (blockchain node), encoded

//  ChannelInscribe payload, and the op's proof
typedef struct {
    uint8_t channel_id[TF_API_TX_FIELD_SIZE]; //  Channel written to
    uint8_t *inscription;                     //  Bytes inscribed (owned)
    size_t inscription_size;                  //  Their count
    uint8_t parent[TF_API_TX_FIELD_SIZE];     //  Previous message id; zeros for the first
    uint8_t signer[TF_API_TX_FIELD_SIZE];     //  Ed25519 public key that signs the op
    uint8_t signature[TF_API_TX_SIG_SIZE];    //  Proof: signer's signature over the tx hash
} tf_api_inscribe_t;

//  ChannelBlob payload, and the op's proof (executors write it: node/README.md §3)
typedef struct {
    uint8_t channel_id[TF_API_TX_FIELD_SIZE]; //  Channel written to
    uint8_t blob_id[TF_API_TX_FIELD_SIZE];    //  The blob's commitment
    uint64_t blob_size;                       //  Its bytes
    uint64_t da_storage_gas_price;            //  0 with tf-node
    uint8_t parent[TF_API_TX_FIELD_SIZE];     //  Previous message id
    uint8_t signer[TF_API_TX_FIELD_SIZE];     //  Ed25519 public key that signs the op
    uint8_t signature[TF_API_TX_SIG_SIZE];    //  Proof: signer's signature over the tx hash
} tf_api_blob_t;

//  SDPDeclare payload (its proof is NoProof)
typedef struct {
    uint8_t service_type;                         //  TF_API_TX_SERVICE_BN
    char **locators;                              //  Multiaddr strings (owned)
    size_t locator_count;                         //  Their count
    uint8_t provider_id[TF_API_TX_FIELD_SIZE];    //  Declaring leader's Ed25519 public key
    uint8_t zk_id[TF_API_TX_FIELD_SIZE];          //  Its ZK key (zeros with tf-node)
    uint8_t locked_note_id[TF_API_TX_FIELD_SIZE]; //  Its stake note (zeroed in the hash)
} tf_api_declare_t;

//  One op: the opcode says which payload member holds it
typedef struct {
    uint8_t opcode; //  TF_API_TX_OP_INSCRIBE or TF_API_TX_OP_SDP_DECLARE
    union {
        tf_api_inscribe_t inscribe; //  opcode TF_API_TX_OP_INSCRIBE
        tf_api_declare_t declare;   //  opcode TF_API_TX_OP_SDP_DECLARE
        tf_api_blob_t blob;         //  opcode TF_API_TX_OP_BLOB
    };
} tf_api_op_t;

//  One ledger input: a note spent, and its share of the ledger proof
typedef struct {
    uint8_t note_id[TF_API_TX_FIELD_SIZE]; //  Note spent
    uint8_t signature[TF_API_TX_SIG_SIZE]; //  Its owner's signature over the tx hash
} tf_api_input_t;

//  One ledger output: a new note
typedef struct {
    uint64_t value;                   //  Amount, at most TF_API_TX_MAX_VALUE
    uint8_t pk[TF_API_TX_FIELD_SIZE]; //  Owner's Ed25519 public key
} tf_api_output_t;

//  A mantle tx with its proofs. Fill it with the add methods (or parse it);
//  the arrays are owned and grow as needed.
typedef struct {
    tf_api_op_t *ops;             //  Ops in order (owned)
    size_t op_count;              //  Their count
    tf_api_input_t *inputs;       //  Inputs in order (owned)
    size_t input_count;           //  Their count
    tf_api_output_t *outputs;     //  Outputs in order (owned); note ids count from 0
    size_t output_count;          //  Their count
    uint64_t execution_gas_price; //  At most TF_API_TX_MAX_VALUE
    uint64_t storage_gas_price;   //  At most TF_API_TX_MAX_VALUE
} tf_api_tx_t;

//  Create an empty tx (no ops, inputs or outputs, zero gas prices). Caller owns it.
tf_api_tx_t *tf_api_tx_new (void);

//  Destroy a tx and what it owns, and nullify the reference. Safe on NULL.
void tf_api_tx_destroy (tf_api_tx_t **self_p);

//  Append an input spending note_id (its signature zero until signed). Returns 0,
//  or -1 when the tx already has TF_API_TX_MAX_COUNT inputs.
int tf_api_tx_add_input (tf_api_tx_t *self, const uint8_t note_id[TF_API_TX_FIELD_SIZE]);

//  Append an output paying value to pk. Returns 0, or -1 when the tx is full or the
//  value is over TF_API_TX_MAX_VALUE.
int tf_api_tx_add_output (tf_api_tx_t *self, uint64_t value,
                          const uint8_t pk[TF_API_TX_FIELD_SIZE]);

//  Append a ChannelInscribe of size bytes (copied) on channel_id after parent, by
//  signer (its proof zero until signed). Returns 0, or -1 when the tx is full.
int tf_api_tx_add_inscribe (tf_api_tx_t *self, const uint8_t channel_id[TF_API_TX_FIELD_SIZE],
                            const uint8_t *inscription, size_t size,
                            const uint8_t parent[TF_API_TX_FIELD_SIZE],
                            const uint8_t signer[TF_API_TX_FIELD_SIZE]);

//  Append a BN SDPDeclare with locator_count locators (copied). Returns 0, or -1
//  when the tx is full or there are more than TF_API_TX_MAX_COUNT locators.
int tf_api_tx_add_declare (tf_api_tx_t *self, const char *const *locators, size_t locator_count,
                           const uint8_t provider_id[TF_API_TX_FIELD_SIZE],
                           const uint8_t zk_id[TF_API_TX_FIELD_SIZE],
                           const uint8_t locked_note_id[TF_API_TX_FIELD_SIZE]);

//  The canonical encoding (node-api §6) of the mantle tx: writes *bytes_p (caller
//  owns, malloc'd) and returns its size.
size_t tf_api_tx_encode (const tf_api_tx_t *self, uint8_t **bytes_p);

//  The tx hash, as tf-node computes it: BLAKE2b-256 of a personalisation and the
//  encoding with every locked_note_id zeroed (tf-node takes SDPDeclare only in the
//  genesis tx, whose stake note ids derive from this hash), masked to a BN254 scalar.
void tf_api_tx_digest (const tf_api_tx_t *self, uint8_t hash[TF_API_TX_FIELD_SIZE]);

//  Id of output number index (value, pk) of the tx whose hash is tx_hash.
void tf_api_tx_note_id (const uint8_t tx_hash[TF_API_TX_FIELD_SIZE], uint64_t index, uint64_t value,
                        const uint8_t pk[TF_API_TX_FIELD_SIZE],
                        uint8_t note_id[TF_API_TX_FIELD_SIZE]);

//  Sign input index with owner, the key of its note, over the tx hash. Sign once the
//  mantle tx is complete: any later change changes the hash.
void tf_api_tx_sign_input (tf_api_tx_t *self, size_t index, const tf_key_t *owner);

//  Sign op index, a ChannelInscribe, with signer (the key of its signer field).
void tf_api_tx_sign_op (tf_api_tx_t *self, size_t index, const tf_key_t *signer);

//  The mantle_tx JSON object. Caller owns the new reference.
json_t *tf_api_tx_json (const tf_api_tx_t *self);

//  The SignedMantleTx JSON object (mantle_tx, ops_proofs, ledger_tx_proof): what
//  POST /mempool/add/tx and genesis_state take. Caller owns the new reference.
json_t *tf_api_tx_signed_json (const tf_api_tx_t *self);

//  Parse a mantle_tx JSON object (borrowed; unknown keys, such as an ApiBlock's
//  "hash", are ignored). Caller owns the result; NULL when a field is missing, of the
//  wrong type or out of range, or an op is not one tf-node takes.
tf_api_tx_t *tf_api_tx_from_json (const json_t *mantle_tx);

//  Parse the ledger_tx (inputs and outputs) of a mantle_tx JSON object (borrowed)
//  and nothing else: a real node's tx may hold ops tf-node does not know. The tx has
//  no ops and zero gas prices, so its digest is not the tx's hash. Caller owns the
//  result; NULL when the ledger_tx is malformed.
tf_api_tx_t *tf_api_tx_ledger_from_json (const json_t *mantle_tx);

//  Parse a SignedMantleTx JSON object (borrowed) with its proofs: one per op
//  (NoProof for SDPDeclare, Ed25519Sig for ChannelInscribe) and one Ed25519 signature
//  per input. Caller owns the result; NULL when malformed. Signatures are not verified.
tf_api_tx_t *tf_api_tx_from_signed_json (const json_t *signed_tx);

//  Hash a mantle_tx JSON object (borrowed) into 64 lower-case hex characters.
//  Returns 0, or -1 when tf_api_tx_from_json refuses it.
int tf_api_tx_hash (const json_t *mantle_tx, char hash[TF_API_TX_HEX_SIZE]);

#endif
