//  tf_node_client.h - HTTP client for a node's API (node-api.md §3, §5, §8)
//
//  Two halves. The parsers turn the node's JSON (CryptarchiaInfo, the storage
//  form of a block, the ApiBlock form and NDJSON stream events) into plain
//  structs; they never touch the network, so unit tests drive them with
//  fixtures. The client performs requests with libcurl and is blocking: it
//  belongs in a worker thread (a zactor), never on an actor's loop. Every
//  request is bounded (TF_NODE_CLIENT_TIMEOUT_MS) and a cancel callback is
//  polled every TF_NODE_CLIENT_TICK_MS, so a worker answers $TERM quickly even
//  when a node hangs (SIGSTOP). One block stream can run beside the requests;
//  its lines are handed to a callback while the client pumps.
//
//  Tx hashes: the storage form carries none, so they are computed as tf-node
//  does (node/README.md §3.2: BLAKE2b-256 of the node-api §6 encoding). A real
//  node hashes with Poseidon2; with such a node only blocks read from the
//  stream (ApiBlock, which carries hashes) have the node's own tx hashes.

#ifndef TF_NODE_CLIENT_H_INCLUDED
#define TF_NODE_CLIENT_H_INCLUDED

#include <czmq.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "tf_msg.h"

#define TF_NODE_ID_HEX            64 //  Hex characters of a header id
#define TF_NODE_ID_SIZE           (TF_NODE_ID_HEX + 1)
#define TF_NODE_MODE_SIZE         16          //  "Bootstrapping" and a terminator
#define TF_NODE_CLIENT_TIMEOUT_MS 1000        //  One request, loopback
#define TF_NODE_CLIENT_CONNECT_MS 500         //  Connect phase of a request or stream
#define TF_NODE_CLIENT_TICK_MS    20          //  Cancel callback interval while waiting
#define TF_NODE_CLIENT_MAX_BODY   (16u << 20) //  Longest answer accepted, bytes
#define TF_NODE_CLIENT_MAX_LINE   (16u << 20) //  Longest stream line accepted, bytes

#define TF_NODE_PATH_INFO   "/cryptarchia/info"
#define TF_NODE_PATH_BLOCK  "/storage/block"
#define TF_NODE_PATH_STREAM "/cryptarchia/events/blocks/stream"
#define TF_NODE_PATH_FAULTS "/testing/faults"

//  GET /cryptarchia/info
typedef struct {
    char tip[TF_NODE_ID_SIZE];    //  Canonical tip id, lower-case hex
    char lib[TF_NODE_ID_SIZE];    //  Last immutable block id
    uint64_t slot;                //  Slot of the tip block
    uint64_t height;              //  Tip height, genesis = 0
    char mode[TF_NODE_MODE_SIZE]; //  "Bootstrapping" | "Online"
} tf_cryptarchia_info_t;

//  One block, from either JSON form
typedef struct {
    char id[TF_NODE_ID_SIZE];     //  Header id
    char parent[TF_NODE_ID_SIZE]; //  parent_block; all zeros for genesis
    uint64_t slot;
    tf_strs_t txs;     //  Tx hashes in block order (owned)
    tf_strs_t outputs; //  Output pks of its txs, in order (owned)
} tf_node_block_t;


//  ---------------------------------------------------------------------------
//  Parsers (no network)

//  Parse a CryptarchiaInfo answer into *info. Returns 0, or -1 if malformed.
int tf_node_info_parse (const char *json, size_t size, tf_cryptarchia_info_t *info);

//  Parse the answer of POST /storage/block for the block id (the storage form
//  does not carry its id). Writes *block_p (caller owns) and returns 0; returns
//  1 when the answer is `null` (not in storage); -1 if malformed.
int tf_node_block_parse_storage (const char *json, size_t size, const char *id,
                                 tf_node_block_t **block_p);

//  Parse one ApiBlock JSON object (borrowed). Caller owns the result; NULL if
//  malformed.
tf_node_block_t *tf_node_block_from_api (const json_t *api_block);

//  Parse one line of the block stream, {"block": ApiBlock, "tip", "lib"}.
//  Writes *block_p (caller owns) and, when present, tip and lib (else empty).
//  Returns 0, or -1 if malformed.
int tf_node_event_parse (const char *line, size_t size, tf_node_block_t **block_p,
                         char tip[TF_NODE_ID_SIZE], char lib[TF_NODE_ID_SIZE]);

//  Destroy a block and nullify the reference. Safe on NULL.
void tf_node_block_destroy (tf_node_block_t **self_p);

//  True when id is 64 zeros: the parent of genesis.
bool tf_node_id_is_zero (const char *id);

//  Copy a header id from JSON text into out (lower-cased, optional 0x prefix
//  dropped). Returns 0, or -1 unless it is 64 hex characters.
int tf_node_id_copy (const char *text, char out[TF_NODE_ID_SIZE]);

//  Hash a mantle_tx JSON object the way tf-node does into 64 hex characters.
//  Returns 0, or -1 for a shape or an op it cannot encode.
int tf_node_tx_hash (const json_t *mantle_tx, char hash[TF_NODE_ID_SIZE]);


//  ---------------------------------------------------------------------------
//  Client (blocking; worker threads only)

typedef struct _tf_node_client_t tf_node_client_t;

//  Set libcurl up for the process; call once from main() before any thread
//  creates a client. Returns 0, or -1 (logged by the caller).
int tf_node_client_global_init (void);

//  Asked every TF_NODE_CLIENT_TICK_MS while the client waits: true aborts.
typedef bool (tf_node_client_cancel_fn) (void *arg);

//  The pipe of a zactor thread that uses clients, watched for $TERM: pass
//  tf_node_client_pipe_cancelled with it to tf_node_client_set_cancel.
typedef struct {
    zsock_t *pipe;   //  The thread's pipe, not owned
    bool terminated; //  $TERM (or the pipe's end) arrived
} tf_node_client_pipe_t;

//  A tf_node_client_cancel_fn over a tf_node_client_pipe_t: true once $TERM
//  has arrived on its pipe. Never blocks.
bool tf_node_client_pipe_cancelled (void *pipe);

//  Block until $TERM (or the pipe's end) arrives: how a thread that has sent
//  its result waits to be destroyed.
void tf_node_client_pipe_wait_term (tf_node_client_pipe_t *pipe);

//  One complete stream line (without its newline), borrowed for the call.
typedef void (tf_node_client_line_fn) (void *arg, const char *line, size_t size);

//  Create a client of the node whose API is at base_url ("http://127.0.0.1:18080").
tf_node_client_t *tf_node_client_new (const char *base_url);

//  Destroy the client (closing any stream) and nullify the reference. Safe on NULL.
void tf_node_client_destroy (tf_node_client_t **self_p);

//  Set the cancel callback (NULL: never cancelled).
void tf_node_client_set_cancel (tf_node_client_t *self, tf_node_client_cancel_fn *fn, void *arg);

//  Set the timeout of each request (default TF_NODE_CLIENT_TIMEOUT_MS).
void tf_node_client_set_timeout (tf_node_client_t *self, int64_t timeout_ms);

//  Perform one request; path is appended to the base URL, body (JSON) makes
//  it a POST. Writes the status (0: no answer) and the body (caller owns,
//  NUL-terminated) and returns 0 on an HTTP answer; -1 on transport failure,
//  timeout or cancel.
int tf_node_client_request (tf_node_client_t *self, const char *path, const char *body,
                            long *status_p, char **answer_p);

//  GET /cryptarchia/info. Returns 0, or -1 (no answer, not 200, malformed).
int tf_node_client_info (tf_node_client_t *self, tf_cryptarchia_info_t *info);

//  POST /storage/block for id. Returns 0 and *block_p (caller owns), 1 when
//  the node does not hold it, -1 on failure.
int tf_node_client_block (tf_node_client_t *self, const char *id, tf_node_block_t **block_p);

//  Open the block stream; lines go to fn while the client pumps or waits on a
//  request. Returns 0, or -1 if the transfer cannot be started.
int tf_node_client_stream_open (tf_node_client_t *self, tf_node_client_line_fn *fn, void *arg);

//  True while the stream transfer is running (it ends when the node goes away).
bool tf_node_client_streaming (tf_node_client_t *self);

//  Stop the stream, if any.
void tf_node_client_stream_close (tf_node_client_t *self);

//  Let the stream make progress for up to wait_ms, returning early when data
//  arrived. Returns 0, or -1 when cancelled.
int tf_node_client_pump (tf_node_client_t *self, int64_t wait_ms);

#endif
