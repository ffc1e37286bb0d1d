//  tf_api_parse.h - the node's JSON (node-api.md §3, §5, §8) as plain structs
//
//  The parsers turn CryptarchiaInfo, the storage form of a block, the ApiBlock
//  form and NDJSON stream events into plain structs; they never touch the
//  network, so unit tests drive them with fixtures.
//
//  Tx hashes: the storage form carries none, so they are computed as tf-node
//  does (tf_api_tx_hash, node/README.md §3.2). A real node hashes with
//  Poseidon2; with such a node only blocks read from the stream (ApiBlock,
//  which carries hashes) have the node's own tx hashes.

#ifndef TF_API_PARSE_H_INCLUDED
#define TF_API_PARSE_H_INCLUDED

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "tf_api_tx.h"
#include "tf_msg.h"

#define TF_API_ID_HEX    64 //  Hex characters of a header id
#define TF_API_ID_SIZE   (TF_API_ID_HEX + 1)
#define TF_API_MODE_SIZE 16 //  "Bootstrapping" and a terminator

#define TF_API_PATH_INFO   "/cryptarchia/info"
#define TF_API_PATH_BLOCK  "/storage/block"
#define TF_API_PATH_STREAM "/cryptarchia/events/blocks/stream"
#define TF_API_PATH_FAULTS "/testing/faults"

//  GET /cryptarchia/info
typedef struct {
    char tip[TF_API_ID_SIZE];    //  Canonical tip id, lower-case hex
    char lib[TF_API_ID_SIZE];    //  Last immutable block id
    uint64_t slot;               //  Slot of the tip block
    uint64_t height;             //  Tip height, genesis = 0
    char mode[TF_API_MODE_SIZE]; //  "Bootstrapping" | "Online"
} tf_api_info_t;

//  One block, from either JSON form
typedef struct {
    char id[TF_API_ID_SIZE];     //  Header id
    char parent[TF_API_ID_SIZE]; //  parent_block; all zeros for genesis
    uint64_t slot;
    tf_strs_t txs;     //  Tx hashes in block order (owned)
    tf_strs_t outputs; //  Output pks of its txs, in order (owned)
    tf_strs_t blobs;   //  Blob ids of its ChannelBlob ops, in order (owned)
} tf_api_block_t;


//  Parse a CryptarchiaInfo answer into *info. Returns 0, or -1 if malformed.
int tf_api_info_parse (const char *json, size_t size, tf_api_info_t *info);

//  Parse the answer of POST /storage/block for the block id (the storage form
//  does not carry its id). Writes *block_p (caller owns) and returns 0; returns
//  1 when the answer is `null` (not in storage); -1 if malformed.
int tf_api_block_parse_storage (const char *json, size_t size, const char *id,
                                tf_api_block_t **block_p);

//  Parse one ApiBlock JSON object (borrowed). Caller owns the result; NULL if
//  malformed.
tf_api_block_t *tf_api_block_from_json (const json_t *api_block);

//  Parse one line of the block stream, {"block": ApiBlock, "tip", "lib"}.
//  Writes *block_p (caller owns) and, when present, tip and lib (else empty).
//  Returns 0, or -1 if malformed.
int tf_api_event_parse (const char *line, size_t size, tf_api_block_t **block_p,
                        char tip[TF_API_ID_SIZE], char lib[TF_API_ID_SIZE]);

//  Destroy a block and nullify the reference. Safe on NULL.
void tf_api_block_destroy (tf_api_block_t **self_p);

//  True when id is 64 zeros: the parent of genesis.
bool tf_api_id_is_zero (const char *id);

//  Copy a header id from JSON text into out (lower-cased, optional 0x prefix
//  dropped). Returns 0, or -1 unless it is 64 hex characters.
int tf_api_id_copy (const char *text, char out[TF_API_ID_SIZE]);

#endif
