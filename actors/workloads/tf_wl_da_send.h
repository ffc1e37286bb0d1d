//  tf_wl_da_send.h - sends the DA workload's requests to nodes from a worker thread
//
//  One zactor thread with a keep-alive client per node, so no request blocks the
//  actor's loop. A job is one request with the nodes to try in order, each with its
//  own body (a blob's signer is the executor it goes to): an inscription tx to
//  POST /mempool/add/tx, or a blob to POST /disperse-data. The first node that
//  answers 200 takes it; a 4xx answer is the request's fault (rejected, not
//  retried); no answer or a 5xx moves on to the next node.
//
//  Pipe protocol (actor <-> worker), one job at a time:
//      job:    [what][channel][id][path][count] then count x [node index][body]
//      result: [what][channel][id][node][outcome][reason][at_ms]
//  where a blob's result id is the blob id the executor answered.

#ifndef TF_WL_DA_SEND_H_INCLUDED
#define TF_WL_DA_SEND_H_INCLUDED

#include <czmq.h>

#define TF_WL_DA_SEND_TIMEOUT_MS 3000 //  One request; then the next node
#define TF_WL_DA_SEND_FIELD      96   //  Room for ids, node names, outcomes

//  One node requests may go to (borrowed)
typedef struct {
    const char *name;    //  "executor-0"
    const char *api_url; //  "http://127.0.0.1:18080"
} tf_wl_da_node_t;

//  The outcome of one job
typedef struct {
    char what[16];                     //  "channel" | "blob"
    char channel[TF_WL_DA_SEND_FIELD]; //  64-hex channel id
    char id[TF_WL_DA_SEND_FIELD];      //  Tx hash, or the blob id answered ("" none)
    char node[TF_WL_DA_SEND_FIELD];    //  Node that took it, or the last one tried
    char outcome[16];                  //  accepted | rejected | failed
    char *reason;                      //  Why, or NULL (owned)
    uint64_t at_ms;                    //  Unix ms the first attempt started
} tf_wl_da_result_t;

typedef struct _tf_wl_da_send_t tf_wl_da_send_t;

//  Start the thread for these nodes (copied). NULL if it cannot start.
tf_wl_da_send_t *tf_wl_da_send_new (const tf_wl_da_node_t *nodes, size_t count);

//  Stop the thread and nullify. Safe on NULL.
void tf_wl_da_send_destroy (tf_wl_da_send_t **self_p);

//  The worker's pipe, for the actor's loop.
zsock_t *tf_wl_da_send_pipe (tf_wl_da_send_t *self);

//  Hand a job over: try nodes[0..count) in order, nodes[i] with bodies[i]. Returns 0,
//  or -1 when a job is in flight already.
int tf_wl_da_send_job (tf_wl_da_send_t *self, const char *what, const char *channel, const char *id,
                       const char *path, const size_t *nodes, const char *const *bodies,
                       size_t count);

//  Whether a job is in flight.
bool tf_wl_da_send_busy (tf_wl_da_send_t *self);

//  Read the result from the pipe (the worker becomes idle). 0, or -1 if none.
int tf_wl_da_send_recv (tf_wl_da_send_t *self, tf_wl_da_result_t *result);

//  Free what a result owns.
void tf_wl_da_result_free (tf_wl_da_result_t *result);

#endif
