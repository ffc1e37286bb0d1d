//  tf_node_spec.h - a node's two config files: node.yaml and deployment.yaml
//
//  node.yaml is the node's own config (ports, keys, peers, storage, logging);
//  deployment.yaml is shared by every node of a run (time, consensus
//  parameters, genesis). The keys follow the Logos node's config layout, which
//  tf-node reads (node/README.md).

#ifndef TF_NODE_SPEC_H_INCLUDED
#define TF_NODE_SPEC_H_INCLUDED

#include <stdint.h>
#include <stdio.h>
#include "tf_genesis.h"

#define TF_NODE_SPEC_HOST          "127.0.0.1" //  Where ports are when the spec names no host
#define TF_NODE_SPEC_DEFAULT_LEVEL "INFO"      //  tracing.level when the env says nothing
#define TF_NODE_SPEC_TIME_SIZE     48          //  Room for a chain_start_time string

//  What one node's node.yaml says
typedef struct {
    const char *api_host;          //  Bind host of both APIs, or NULL: TF_NODE_SPEC_HOST
    const char *p2p_host;          //  Swarm host (an IPv4 literal), or NULL: TF_NODE_SPEC_HOST
    const char *const *peer_hosts; //  Host of each initial peer, or NULL: all TF_NODE_SPEC_HOST
    uint16_t http_port;            //  Main API
    uint16_t testing_port;         //  Testing API
    uint16_t p2p_port;             //  Swarm (TCP)
    const uint8_t *node_key;       //  32-byte p2p identity seed
    const uint8_t *leader_key;     //  32-byte Ed25519 leader seed
    const uint16_t *peer_ports;    //  p2p ports of its initial peers
    size_t peer_count;
    const char *db_path;    //  storage.db_path
    const char *log_dir;    //  tracing to !File in this dir, or NULL: Stderr
    const char *log_prefix; //  File logger's prefix (the node's name)
    const char *log_level;  //  tracing.level, e.g. "INFO"
    const char *log_filter; //  tracing.filter, or NULL
} tf_node_spec_t;

//  What the shared deployment.yaml says
typedef struct {
    int64_t slot_ms;              //  time.slot_duration
    const char *chain_start_time; //  time.chain_start_time (tf_node_spec_time)
    uint32_t security_param;      //  cryptarchia.security_param (k)
    double active_slot_coeff;     //  cryptarchia.active_slot_coeff (f)
    const tf_genesis_t *genesis;  //  cryptarchia.genesis_state
} tf_deployment_spec_t;

//  Write node.yaml.
void tf_node_spec_print (const tf_node_spec_t *config, FILE *out);

//  Write deployment.yaml.
void tf_deployment_config_print (const tf_deployment_spec_t *config, FILE *out);

//  Format unix_ms as the node's time, e.g. "2026-01-10 07:47:56.891858 +00:00:00" (UTC).
void tf_node_spec_time (int64_t unix_ms, char out[TF_NODE_SPEC_TIME_SIZE]);

//  Write text to path (0600, replaced). Returns 0, or -1 after logging why.
int tf_node_spec_write_file (const char *path, const char *text);

//  Make path the same file as first, which holds text: a hard link (a large
//  run's nodes share one deployment file, not a copy each), or, where links
//  cannot be made, a copy of text. Returns 0, or -1 after logging why.
int tf_node_spec_share_file (const char *first, const char *path, const char *text);

#endif
