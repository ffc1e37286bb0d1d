//  tf_wl_tx_submit.h - submits signed transactions to nodes from worker threads
//
//  A pool of worker threads (zactors), each with one keep-alive HTTP client
//  per node (tf_api_client), so several submissions are in flight at once
//  and none blocks the actor's loop. A job is one tx and the node to try
//  first; the worker POSTs it to /mempool/add/tx and, when that node does not
//  answer or refuses for its own reasons (5xx other than "already in
//  mempool"), moves on to the next node in the list until one takes it or
//  all were tried. A 4xx answer is the tx's fault: rejected, not retried.
//
//  Pipe protocol (actor <-> worker), one job per idle worker at a time:
//      job:    [hash][json][first node index][planned_ms]
//      result: [hash][node][outcome][reason][at_ms][retries][planned_ms]
//  The actor adds each worker's pipe to its loop (tf_wl_tx_submit_pipe).

#ifndef TF_WL_TX_SUBMIT_H_INCLUDED
#define TF_WL_TX_SUBMIT_H_INCLUDED

#include <czmq.h>
#include "tf_keys.h"

#define TF_WL_TX_SUBMIT_PATH        "/mempool/add/tx"
#define TF_WL_TX_SUBMIT_WORKERS     4 //  Submissions in flight at once, by default
#define TF_WL_TX_SUBMIT_MAX_WORKERS 64
#define TF_WL_TX_RESULT_FRAMES      7    //  Frames of a result on the pipe
#define TF_WL_TX_SUBMIT_TIMEOUT_MS  1000 //  One POST; then the next node
#define TF_WL_TX_OUTCOME_SIZE       16
#define TF_WL_TX_NODE_NAME_SIZE     64

//  One node submissions may go to (borrowed)
typedef struct {
    const char *name;    //  "validator-0"
    const char *api_url; //  "http://127.0.0.1:18080"
} tf_wl_tx_node_t;

//  The outcome of one job
typedef struct {
    char hash[TF_KEYS_HEX_SIZE];
    char node[TF_WL_TX_NODE_NAME_SIZE];  //  Node that took it, or the last one tried
    char outcome[TF_WL_TX_OUTCOME_SIZE]; //  accepted | rejected | failed
    char *reason;                        //  Why, or the nodes passed over (owned), or NULL
    uint64_t at_ms;                      //  Unix ms when the first attempt started
    unsigned retries;                    //  Nodes tried before the last one
    uint64_t planned_ms;                 //  The job's planned time, handed back
} tf_wl_tx_result_t;

typedef struct _tf_wl_tx_submit_t tf_wl_tx_submit_t;

//  Start `workers` threads submitting to these nodes (copied). NULL if a
//  thread cannot start.
tf_wl_tx_submit_t *tf_wl_tx_submit_new (const tf_wl_tx_node_t *nodes, size_t node_count,
                                        size_t workers);

//  Stop the threads (interrupting their requests) and nullify. Safe on NULL.
void tf_wl_tx_submit_destroy (tf_wl_tx_submit_t **self_p);

//  Number of workers, and the pipe of worker `index` for the actor's loop.
size_t tf_wl_tx_submit_workers (tf_wl_tx_submit_t *self);
zsock_t *tf_wl_tx_submit_pipe (tf_wl_tx_submit_t *self, size_t index);

//  Hand a job to an idle worker; planned_ms comes back with its result.
//  Returns 0, or -1 when every worker is busy.
int tf_wl_tx_submit_send (tf_wl_tx_submit_t *self, const char *hash, const char *json,
                          size_t first_node, uint64_t planned_ms);

//  Read a result from the worker whose pipe is ready (it becomes idle).
//  Returns 0, or -1 if the pipe held no result (worker interrupted).
int tf_wl_tx_submit_recv (tf_wl_tx_submit_t *self, zsock_t *pipe, tf_wl_tx_result_t *result);

//  Workers holding a job.
size_t tf_wl_tx_submit_busy (tf_wl_tx_submit_t *self);

//  Free what a result owns.
void tf_wl_tx_result_free (tf_wl_tx_result_t *result);

#endif
