//  tf_node_internal.h - the node object's fields, shared by tf_node.c, tf_node_api.c and
//  tf_node_wallet.c only. Everything here is guarded by mutex.
#ifndef TF_NODE_INTERNAL_H_INCLUDED
#define TF_NODE_INTERNAL_H_INCLUDED

#include <pthread.h>
#include "tf_node.h"
#include "tf_node_chain.h"
#include "tf_node_da.h"
#include "tf_node_idmap.h"
#include "tf_node_mempool.h"
#include "tf_node_p2p.h"
#include "tf_node_store.h"
#include "tf_node_stream.h"

#define TF_NODE_MAX_ORPHANS  1024 //  Blocks held while their ancestors are fetched
#define TF_NODE_MAX_STREAMS  64   //  Concurrent NDJSON subscribers
#define TF_NODE_TIP_EVERY_MS 1000 //  Tip announcements to peers
#define TF_NODE_POLL_MAX_MS  100  //  Longest sleep of the loop

typedef struct _tf_node_http_t tf_node_http_t;

//  A leader declared at genesis
typedef struct {
    tf_node_hash_t pk; //  Its Ed25519 key
    uint64_t stake;    //  Value of its stake note
    double threshold;  //  Lottery threshold phi(alpha)
} tf_node_leader_t;

struct _tf_node_t {
    tf_node_config_t *config;                       //  Owned config
    pthread_mutex_t mutex;                          //  Guards everything below
    tf_node_chain_t *chain;                         //  Block tree
    tf_node_mempool_t *mempool;                     //  Pending txs
    tf_node_store_t *store;                         //  Block log
    tf_node_p2p_t *p2p;                             //  Peers
    tf_node_http_t *http;                           //  Main API
    tf_node_http_t *testing;                        //  Testing API, or NULL
    tf_node_leader_t *leaders;                      //  Declared leaders
    size_t nleaders;                                //  Their count
    tf_node_hash_t nonce;                           //  Lottery nonce: genesis id
    tf_node_idmap_t *orphans;                       //  id -> tf_node_block_t waiting for a parent
    tf_node_stream_t *streams[TF_NODE_MAX_STREAMS]; //  NDJSON subscribers
    int online;                                     //  Mode: 0 Bootstrapping, 1 Online
    int64_t started_us;                             //  Monotonic start
    int64_t next_tip_ms;                            //  Next tip announcement
    uint64_t last_slot_tried;                       //  Last slot the lottery ran for
    int produce_blocks;                             //  Fault switch
    int drop_transactions;                          //  Fault switch
    int fork_irreversibly;                          //  Fault switch: a private, final fork
    int drop_dispersals;                            //  Fault switch: executors discard blobs
    int lose_shares;                                //  Fault switch: shares forgotten, refused
    tf_node_da_t *da;                               //  DA shares we hold
    json_t *da_monitor;                             //  PeerId -> share counters (monitor stats)
    uint64_t da_dispersed;                          //  Blobs accepted by /disperse-data
    uint64_t da_shares_invalid;                     //  Shares from peers that failed checks
    uint64_t da_samplings;                          //  Historic samplings answered
    uint64_t da_sampling_failures;                  //  ... that found a blob unavailable
    int fatal;                                      //  Storage failed: stop
    uint64_t blocks_imported;                       //  Counters for /metrics
    uint64_t block_txs;
    uint64_t blocks_produced;
    uint64_t txs_added;
    uint64_t reorgs;
};

//  Wall-clock slot now.
uint64_t tf_node_current_slot (const tf_node_t *self);

//  Validate and import a block (lock held); takes ownership of *block_p in every case.
//  from is the peer it came from, or NULL. Returns 0 if it was added.
//  The fork_irreversibly fault (README 4.1): on, no block goes between the node and its
//  peers (none taken, sent, announced or served) and each tip is final at once (k = 0);
//  off, blocks flow and k is the configured one again. Called with the mutex held.
void tf_node_set_fork_irreversibly (tf_node_t *self, int on);

int tf_node_import_block (tf_node_t *self, tf_node_block_t **block_p, tf_node_p2p_conn_t *from,
                          int replaying);

//  Admit a tx to the mempool and gossip it (lock held). Takes ownership of *tx_p in every
//  case. Returns an HTTP status: 200, 422 (reason in error) or 500 (reason in error).
int tf_node_admit_tx (tf_node_t *self, tf_node_tx_t **tx_p, tf_node_p2p_conn_t *from, char *error,
                      size_t error_size);

//  Register an NDJSON subscriber (lock held); NULL if there are too many.
tf_node_stream_t *tf_node_subscribe (tf_node_t *self, tf_node_stream_kind_t kind);

//  Remove and destroy a subscriber (lock held).
void tf_node_unsubscribe (tf_node_t *self, tf_node_stream_t **stream_p);

//  HTTP servers (tf_node_http.c): start on host:port, serving the main or testing routes.
tf_node_http_t *tf_node_http_new (tf_node_t *node, const char *host, int port, int testing);
void tf_node_http_destroy (tf_node_http_t **self_p);

#endif
