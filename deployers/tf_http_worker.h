//  tf_http_worker.h - HTTP requests to nodes, off the actor's loop
//
//  A zactor thread that runs batches of libcurl transfers, one batch at a
//  time, so the deployer's loop never blocks on a node. The caller sends a
//  batch with tf_http_worker_send and, when the pipe becomes readable,
//  collects the answers with tf_http_worker_recv.
//
//  Pipe protocol (both ways are one zmsg):
//      request: tag, count, then per request: method, url, body ("" = none)
//      reply:   tag, count, then per request: status ("200", or "0" when no
//               answer), body or transport error text

#ifndef TF_HTTP_WORKER_H_INCLUDED
#define TF_HTTP_WORKER_H_INCLUDED

#include <czmq.h>

#define TF_HTTP_WORKER_TIMEOUT_MS 1000          //  Whole transfer, loopback
#define TF_HTTP_WORKER_CONNECT_MS 500           //  Connect phase
#define TF_HTTP_WORKER_MAX_BODY   (1024 * 1024) //  Answers larger than this are cut

//  One request and, after the batch, its answer
typedef struct {
    char *method; //  "GET" | "POST"
    char *url;
    char *body;   //  POST body (JSON), or NULL
    long status;  //  HTTP status, 0 when no answer
    char *answer; //  Body, or the transport error
} tf_http_request_t;

//  Create the worker thread. Its pipe is the zactor itself (add it as a reader).
zactor_t *tf_http_worker_new (void);

//  Send a batch of count requests tagged tag. Returns 0 or -1.
int tf_http_worker_send (zactor_t *worker, const char *tag, tf_http_request_t *requests,
                         size_t count);

//  Receive the answers of the batch that finished: sets each request's status
//  and answer (owned by the request). Returns the tag (caller owns), or NULL
//  on a malformed reply.
char *tf_http_worker_recv (zactor_t *worker, tf_http_request_t **requests_p, size_t *count_p);

//  Free an array of requests returned by tf_http_worker_recv, or built by
//  the caller with heap strings.
void tf_http_requests_free (tf_http_request_t **requests_p, size_t count);

#endif
