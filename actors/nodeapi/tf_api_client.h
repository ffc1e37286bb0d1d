//  tf_api_client.h - HTTP client for a node's API (node-api.md §3, §5, §8)
//
//  The client performs requests with libcurl and is blocking: it belongs in a
//  worker thread (a zactor), never on an actor's loop. Besides one node's client
//  there is a batch: many requests to many nodes at once, with one deadline. Every request is bounded
//  (TF_API_CLIENT_TIMEOUT_MS) and a cancel callback is polled every
//  TF_API_CLIENT_TICK_MS, so a worker answers $TERM quickly even when a node
//  hangs (SIGSTOP). One block stream can run beside the requests; its lines are
//  handed to a callback while the client pumps. What it reads is parsed by
//  tf_api_parse.h.

#ifndef TF_API_CLIENT_H_INCLUDED
#define TF_API_CLIENT_H_INCLUDED

#include <czmq.h>
#include "tf_api_parse.h"

#define TF_API_CLIENT_TIMEOUT_MS     1000        //  One request, loopback
#define TF_API_CLIENT_CONNECT_MS     500         //  Connect phase of a request or stream
#define TF_API_CLIENT_TICK_MS        20          //  Cancel callback interval while waiting
#define TF_API_CLIENT_WAKE_TICK_MS   1000        //  ... when a wake fd says when to ask
#define TF_API_CLIENT_MAX_BODY       (16u << 20) //  Longest answer accepted, bytes
#define TF_API_CLIENT_MAX_LINE       (16u << 20) //  Longest stream line accepted, bytes
#define TF_API_CLIENT_BATCH_PARALLEL 64          //  Transfers of a batch running at once
#define TF_API_CLIENT_ERROR_SIZE     128         //  Room for why a request has no answer

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

//  Set libcurl (and its TLS library) up for the process, once; the first
//  client or batch does it otherwise. Call it on the main thread before worker
//  threads use the client: a TLS library set up from a thread keeps state that
//  thread frees only as it exits, which can be after the process has exited.
//  Returns 0, or -1 when libcurl cannot be initialised.
int tf_api_client_init (void);

//  Create a client of the node whose API is at base_url ("http://127.0.0.1:18080").
//  The first one sets libcurl up for the process. NULL (logged) when it cannot.
tf_api_client_t *tf_api_client_new (const char *base_url);

//  Destroy the client (closing any stream) and nullify the reference. Safe on NULL.
void tf_api_client_destroy (tf_api_client_t **self_p);

//  Set the cancel callback (NULL: never cancelled).
void tf_api_client_set_cancel (tf_api_client_t *self, tf_api_client_cancel_fn *fn, void *arg);

//  Watch a zactor thread's pipe: the cancel callback is tf_api_client_pipe_cancelled,
//  and waiting also wakes when the pipe's fd is readable, so $TERM is seen at once
//  and the callback is asked only then (and every TF_API_CLIENT_WAKE_TICK_MS)
//  instead of every TF_API_CLIENT_TICK_MS: an idle client costs no wake-ups.
void tf_api_client_watch_pipe (tf_api_client_t *self, tf_api_client_pipe_t *pipe);

//  Set the timeout of each request (default TF_API_CLIENT_TIMEOUT_MS).
void tf_api_client_set_timeout (tf_api_client_t *self, int64_t timeout_ms);

//  Perform one request; path is appended to the base URL, body (JSON) makes
//  it a POST. Writes the status (0: no answer) and the body (caller owns,
//  NUL-terminated) and returns 0 on an HTTP answer; -1 on transport failure,
//  timeout or cancel.
int tf_api_client_request (tf_api_client_t *self, const char *path, const char *body,
                           long *status_p, char **answer_p);

//  One request of a batch and, after tf_api_client_batch, its outcome
typedef struct {
    const char *url;                      //  Full URL, borrowed
    const char *body;                     //  JSON body, which makes it a POST; NULL: GET
    long status;                          //  HTTP status; 0 when there is no answer
    char *answer;                         //  The body when answered (the request owns it)
    char error[TF_API_CLIENT_ERROR_SIZE]; //  Why there is no answer ("" when answered)
} tf_api_request_t;

//  Perform count requests concurrently (at most TF_API_CLIENT_BATCH_PARALLEL at
//  a time), each with the limits of tf_api_client_request, the whole batch
//  bounded by timeout_ms and cancel_fn (may be NULL) asked every
//  TF_API_CLIENT_TICK_MS. Every request gets its outcome: status and answer,
//  or status 0 and error (a transport error, "the batch ran out of time",
//  "cancelled"). Returns 0, or -1 when cancelled. Free each request's answer
//  with tf_api_request_clear.
int tf_api_client_batch (tf_api_request_t *requests, size_t count, int64_t timeout_ms,
                         tf_api_client_cancel_fn *cancel_fn, void *cancel_arg);

//  Free a request's answer and forget its outcome (the request can be run again).
void tf_api_request_clear (tf_api_request_t *request);

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
