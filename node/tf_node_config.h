//  tf_node_config.h - node.yaml and deployment.yaml: the keys tf-node reads (node/README.md §1)
#ifndef TF_NODE_CONFIG_H_INCLUDED
#define TF_NODE_CONFIG_H_INCLUDED

#include <stdint.h>
#include "tf_node_genesis.h"

#define TF_NODE_HOST_MAX           64  //  Host part of an address
#define TF_NODE_CONFIG_ERROR_MAX   512 //  Room for one error message
#define TF_NODE_DEFAULT_BODY_LIMIT (10 * 1024 * 1024)

//  A peer to dial: host, TCP port and the PeerId it must have (empty if not given)
typedef struct {
    char host[TF_NODE_HOST_MAX];       //  IPv4 host
    int port;                          //  TCP port
    char peer_id[TF_NODE_PEER_ID_MAX]; //  Expected PeerId or ""
} tf_node_peer_addr_t;

typedef enum {
    TF_NODE_LOGGER_STDERR = 0,
    TF_NODE_LOGGER_STDOUT,
    TF_NODE_LOGGER_FILE
} tf_node_logger_t;

typedef struct {
    //  node.yaml
    char http_host[TF_NODE_HOST_MAX];    //  Main API host
    int http_port;                       //  Main API port
    size_t max_body_size;                //  Request body limit
    int has_testing;                     //  Testing server configured
    char testing_host[TF_NODE_HOST_MAX]; //  Testing API host
    int testing_port;                    //  Testing API port
    char p2p_host[TF_NODE_HOST_MAX];     //  p2p listen host
    int p2p_port;                        //  p2p listen port
    tf_node_key_t node_key;              //  p2p identity
    tf_node_peer_addr_t *peers;          //  Initial peers
    size_t npeers;                       //  Their count
    char *db_path;                       //  Absolute or cwd-relative data dir
    int has_leader;                      //  Leader key present
    tf_node_key_t leader;                //  Block-signing key
    tf_node_key_t *wallet_keys;          //  Every Ed25519 key of key_management
    size_t nwallet_keys;                 //  Their count
    tf_node_hash_t *known_keys;          //  wallet.known_keys public keys
    size_t nknown_keys;                  //  Their count
    tf_node_logger_t logger;             //  Where logs go
    char *log_file;                      //  Path when logger is FILE
    int log_level;                       //  tf_node_log_level_t
    int64_t bootstrap_period_us;         //  prolonged_bootstrap_period
    size_t mempool_cap;                  //  mempool.max_txs (tf-node extension)
    //  deployment.yaml
    int64_t slot_duration_us;   //  Slot length
    int64_t chain_start_us;     //  Unix time of slot 0, microseconds
    uint64_t security_param;    //  k
    double active_slot_coeff;   //  f
    tf_node_genesis_t *genesis; //  Parsed genesis_state: one SignedMantleTx or a list
    int warnings;               //  Unknown keys seen
} tf_node_config_t;

//  Load both files. strict turns unknown-key warnings into errors (--check-config). On
//  failure returns NULL and writes "FILE: KEY.PATH: what was expected" into error.
tf_node_config_t *tf_node_config_load (const char *node_path, const char *deployment_path,
                                       int strict, char *error, size_t error_size);

//  Destroy a config; safe on NULL.
void tf_node_config_destroy (tf_node_config_t **self_p);

//  Parse a duration (YAML/JSON value): {secs, nanos}, "1.5", "100ms", "2s", or a number.
//  Microseconds into out; 0 or -1.
int tf_node_config_duration (const json_t *value, int64_t *out);

//  Parse "2026-01-10 07:47:56.891858 +00:00:00" or RFC 3339 into Unix microseconds; 0 or -1.
int tf_node_config_time (const char *text, int64_t *out);

//  Parse a multiaddr /ip4/H/tcp/P[/p2p/ID] or /ip4/H/udp/P/quic-v1[/p2p/ID]; 0 or -1.
int tf_node_config_multiaddr (const char *text, tf_node_peer_addr_t *out);

//  Load a YAML file into JSON (tags kept as {"!tag": ..., "value": ...}); NULL with a
//  reason in error. Caller owns the result.
json_t *tf_node_config_yaml_load (const char *path, char *error, size_t error_size);

#endif
