//  test_node_harness.h - runs real tf-node processes on loopback for the node's integration
//  tests: configs in a mkdtemp dir, free ports, spawn, kill and reap, HTTP, deadline polls
#ifndef TEST_NODE_HARNESS_H_INCLUDED
#define TEST_NODE_HARNESS_H_INCLUDED

#include <jansson.h>
#include <stdint.h>
#include <sys/types.h>
#include "tf_node_crypto.h"
#include "tf_node_tx.h"

#define NH_MAX_NODES      8    //  Nodes per cluster
#define NH_WALLET_NOTES   8    //  Genesis notes of the test wallet
#define NH_WALLET_VALUE   1000 //  Value of each
#define NH_POLL_MS        50   //  Re-check interval while waiting for an event
#define NH_START_ATTEMPTS 3    //  Cluster start attempts

typedef struct {
    pid_t pid;                         //  Running process, or 0
    int api_port;                      //  Main API
    int testing_port;                  //  Testing API
    int p2p_port;                      //  p2p
    tf_node_key_t node_key;            //  p2p identity
    tf_node_key_t leader;              //  Leader key
    char peer_id[TF_NODE_PEER_ID_MAX]; //  PeerId of node_key
    char dir[512];                     //  Its directory (config, db, log)
} nh_node_t;

typedef struct {
    char root[256];                        //  mkdtemp directory, removed at destroy
    size_t count;                          //  Nodes
    nh_node_t nodes[NH_MAX_NODES];         //  Nodes
    tf_node_key_t wallet;                  //  Owner of the wallet notes
    tf_node_hash_t notes[NH_WALLET_NOTES]; //  Genesis note ids of the wallet
    char bin[512];                         //  tf-node path
    size_t executors;                      //  The last this many nodes are executors
} nh_cluster_t;

//  Options for a cluster
typedef struct {
    int slot_ms;              //  Slot duration
    double active_slot_coeff; //  f
    int security_param;       //  k
    int executors;            //  The last this many nodes are DA executors (0: none)
} nh_options_t;

//  Write configs for count nodes (full mesh by initial_peers, equal stake). NULL on error.
nh_cluster_t *nh_cluster_new (size_t count, const nh_options_t *options);

//  nh_cluster_new, start every node and wait until all answer; on failure (a port taken
//  meanwhile) start over with new ports, NH_START_ATTEMPTS times. NULL if all failed.
nh_cluster_t *nh_cluster_start (size_t count, const nh_options_t *options, int timeout_ms);

//  Kill (SIGKILL) and reap every node, remove the directory; safe on NULL.
void nh_cluster_destroy (nh_cluster_t **self_p);

//  Start node index; 0 or -1.
int nh_start (nh_cluster_t *self, size_t index);

//  Send a signal and reap; returns the wait status or -1.
int nh_kill (nh_cluster_t *self, size_t index, int signum);

//  SIGTERM and reap within timeout_ms (SIGKILL after it). Returns the exit code (0 for a
//  clean stop; sanitizers make leaks a non-zero code), 128+signal, or -1 on timeout.
int nh_stop (nh_cluster_t *self, size_t index, int timeout_ms);

//  True if the node's process is still running.
int nh_alive (nh_cluster_t *self, size_t index);

//  One HTTP request. Returns the status (-1 if no connection); *body gets the body
//  (caller frees) when body is not NULL. content_type may be NULL.
long nh_http (nh_cluster_t *self, size_t index, int testing, const char *method, const char *path,
              const char *content_type, const char *data, size_t size, char **body);

//  Read a streaming path of the node's API until want complete lines arrived,
//  then hang up. Returns what was read (caller frees), or NULL when the stream
//  ended or timeout_ms passed first.
char *nh_read_lines (nh_cluster_t *self, size_t index, const char *path, int want, int timeout_ms);

//  GET/POST returning parsed JSON on 2xx, else NULL (caller owns).
json_t *nh_get (nh_cluster_t *self, size_t index, const char *path);
json_t *nh_get_on (nh_cluster_t *self, size_t index, int testing, const char *path);
json_t *nh_post (nh_cluster_t *self, size_t index, int testing, const char *path, const char *json);

//  Field of /cryptarchia/info as an integer, or -1.
int64_t nh_info_int (nh_cluster_t *self, size_t index, const char *field);

//  Tip id of /cryptarchia/info into out (65 bytes); 0 or -1.
int nh_info_str (nh_cluster_t *self, size_t index, const char *field, char *out);

//  The node's tip and its height, from one /cryptarchia/info (two reads could
//  straddle a new block). 0, or -1 when the node does not answer.
int nh_info_tip (nh_cluster_t *self, size_t index, char tip[65], int64_t *height_p);

//  A metric value from /metrics, or -1.
int64_t nh_metric (nh_cluster_t *self, size_t index, const char *name);

//  Wait until the node answers /cryptarchia/info; 0 or -1 after timeout_ms.
int nh_wait_ready (nh_cluster_t *self, size_t index, int timeout_ms);

//  Monotonic milliseconds.
int64_t nh_now_ms (void);

//  Pause between polls (not a synchronisation: callers re-check a condition with a deadline).
void nh_pause (void);

//  A signed transfer of wallet note index to pk (its whole value). Caller owns the tx.
tf_node_tx_t *nh_transfer (nh_cluster_t *self, size_t note, const tf_node_hash_t *pk);

//  True if the block with this id, or any ancestor on the node, contains text in its JSON.
//  Walks at most max_blocks blocks back from the tip.
int nh_chain_contains (nh_cluster_t *self, size_t index, const char *text, int max_blocks);

//  Print the last lines of a node's log to stderr (for failures).
void nh_dump_log (nh_cluster_t *self, size_t index);

//  Poll expr until true or timeout_ms passes; result becomes 1 if it became true.
#define NH_WAIT(result, expr, timeout_ms)                                                          \
    do {                                                                                           \
        int64_t nh_deadline_ = nh_now_ms () + (timeout_ms);                                        \
        while (!((result) = !!(expr)) && nh_now_ms () < nh_deadline_)                              \
            nh_pause ();                                                                           \
    } while (0)

#endif
