//  tf_api_client.h - HTTP client for a node's API (node-api.md §3, §5, §8)
//
//  The client performs requests with libcurl and is blocking: it belongs in a
//  worker thread (a zactor), never on an actor's loop. Every request is bounded
//  (TF_API_CLIENT_TIMEOUT_MS) and a cancel callback is polled every
//  TF_API_CLIENT_TICK_MS, so a worker answers $TERM quickly even when a node
//  hangs (SIGSTOP). One block stream can run beside the requests; its lines are
//  handed to a callback while the client pumps. What it reads is parsed by
//  tf_api_parse.h.

#ifndef TF_API_CLIENT_H_INCLUDED
#define TF_API_CLIENT_H_INCLUDED

#include <czmq.h>
#include "tf_api_parse.h"

#define TF_API_CLIENT_TIMEOUT_MS 1000        //  One request, loopback
#define TF_API_CLIENT_CONNECT_MS 500         //  Connect phase of a request or stream
#define TF_API_CLIENT_TICK_MS    20          //  Cancel callback interval while waiting
#define TF_API_CLIENT_MAX_BODY   (16u << 20) //  Longest answer accepted, bytes
#define TF_API_CLIENT_MAX_LINE   (16u << 20) //  Longest stream line accepted, bytes

typedef struct _tf_api_client_t tf_api_client_t;

//  Asked every TF_API_CLIENT_TICK_MS while the client waits: true aborts.
typedef bool (tf_api_client_cancel_fn) (void *arg);

//  The pipe of a zactor thread that uses clients, watched for $TERM: pass
//  tf_api_client_pipe_cancelled with it to tf_api_client_set_cancel.
typedef struct {
    zsock_t *pipe;   //  The thread's pipe, not owned
    bool terminated; //  $TERM (or the pipe's end) arrived
} tf_api_client_pipe_t;

//  A tf_api_client_cancel_fn over a tf_api_client_pipe_t: true once $TERM
//  has arrived on its pipe. Never blocks.
bool tf_api_client_pipe_cancelled (void *pipe);

//  Block until $TERM (or the pipe's end) arrives: how a thread that has sent
//  its result waits to be destroyed.
void tf_api_client_pipe_wait_term (tf_api_client_pipe_t *pipe);

//  One complete stream line (without its newline), borrowed for the call.
typedef void (tf_api_client_line_fn) (void *arg, const char *line, size_t size);

//  Create a client of the node whose API is at base_url ("http://127.0.0.1:18080").
//  The first one sets libcurl up for the process. NULL (logged) when it cannot.
tf_api_client_t *tf_api_client_new (const char *base_url);

//  Destroy the client (closing any stream) and nullify the reference. Safe on NULL.
void tf_api_client_destroy (tf_api_client_t **self_p);

//  Set the cancel callback (NULL: never cancelled).
void tf_api_client_set_cancel (tf_api_client_t *self, tf_api_client_cancel_fn *fn, void *arg);

//  Set the timeout of each request (default TF_API_CLIENT_TIMEOUT_MS).
void tf_api_client_set_timeout (tf_api_client_t *self, int64_t timeout_ms);

//  Perform one request; path is appended to the base URL, body (JSON) makes
//  it a POST. Writes the status (0: no answer) and the body (caller owns,
//  NUL-terminated) and returns 0 on an HTTP answer; -1 on transport failure,
//  timeout or cancel.
int tf_api_client_request (tf_api_client_t *self, const char *path, const char *body,
                           long *status_p, char **answer_p);

//  GET /cryptarchia/info. Returns 0, or -1 (no answer, not 200, malformed).
int tf_api_client_info (tf_api_client_t *self, tf_api_info_t *info);

//  POST /storage/block for id. Returns 0 and *block_p (caller owns), 1 when
//  the node does not hold it, -1 on failure.
int tf_api_client_block (tf_api_client_t *self, const char *id, tf_api_block_t **block_p);

//  Open the block stream; lines go to fn while the client pumps or waits on a
//  request. Returns 0, or -1 if the transfer cannot be started.
int tf_api_client_stream_open (tf_api_client_t *self, tf_api_client_line_fn *fn, void *arg);

//  True while the stream transfer is running (it ends when the node goes away).
bool tf_api_client_streaming (tf_api_client_t *self);

//  Stop the stream, if any.
void tf_api_client_stream_close (tf_api_client_t *self);

//  Let the stream make progress for up to wait_ms, returning early when data
//  arrived. Returns 0, or -1 when cancelled.
int tf_api_client_pump (tf_api_client_t *self, int64_t wait_ms);

#endif
