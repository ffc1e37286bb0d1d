//  tf_readiness.h - the readiness stages of a deployment and the message that
//  explains a failure
//
//  Stages, in order, each with its own timeout: http (GET the chain info
//  answers 2xx), network (n_peers >= the node's expected peer count), da (the
//  DA balancer: every executor has at least one connection to a subnetwork
//  member in GET /da/balancer-stats, unless the topology gives it no peer;
//  validators pass at once; the deployer runs it only when the plan has
//  executors and the profile a balancer path) and chain (mode is "Online"). Each stage is one row of a table in
//  tf_readiness.c (name, what to GET, how to judge the answer, how to
//  describe a node that is not there yet); the deployer walks the stages in
//  order, so a new stage is a new enum value and a new row. A failure lists
//  every node, e.g.
//
//      timed out waiting for network readiness:
//        validator#0@18800: 0 peers (expected 1)
//        validator#1@18810: process exited with status 1 (log: /run/nodes/validator-1/node.log)

#ifndef TF_READINESS_H_INCLUDED
#define TF_READINESS_H_INCLUDED

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include "tf_profile.h"

#define TF_READINESS_TIMEOUT_MS  60000    //  Each stage, before SLOW_TEST_ENV
#define TF_READINESS_SLOW_FACTOR 2        //  SLOW_TEST_ENV=true multiplies by this
#define TF_READINESS_POLL_MS     100      //  Probe period
#define TF_READINESS_ONLINE      "Online" //  Chain mode of a ready node
#define TF_READINESS_TEXT_SIZE   256      //  Room for a node's last observation

typedef enum {
    TF_READINESS_HTTP = 0, //  The API answers
    TF_READINESS_NETWORK,  //  Peers connected
    TF_READINESS_DA,       //  Executors connected to DA subnetwork peers
    TF_READINESS_CHAIN,    //  Chain online
    TF_READINESS_DONE      //  Past the last stage (the number of stages)
} tf_readiness_stage_t;

//  A set of stages: one bit per stage
#define TF_READINESS_BIT(stage) (1u << (stage))
#define TF_READINESS_ALL        (TF_READINESS_BIT (TF_READINESS_DONE) - 1)

//  What readiness knows about one node
typedef struct {
    const char *role;                       //  "validator" | "executor"
    uint32_t index;                         //  Index within its role
    uint16_t http_port;                     //  Identifies the node in messages ...
    const char *url;                        //  ... or its URL does, when not NULL
    const char *host;                       //  The plan's host it is on, or NULL
    const char *log_path;                   //  Where its log is
    bool ready;                             //  Passed the current stage
    bool exited;                            //  Its process ended
    char exit_text[TF_READINESS_TEXT_SIZE]; //  "exited with status 1", when exited
    char error[TF_READINESS_TEXT_SIZE];     //  Last probe failure ("" when none)
    uint64_t peers;                         //  Last n_peers seen
    uint32_t expected_peers;                //  Its degree in the topology
    char mode[TF_READINESS_TEXT_SIZE];      //  Last chain mode seen ("" when none)
    char peer_id[TF_READINESS_TEXT_SIZE];   //  Peer id from network info ("" when none)
    uint64_t da_connections;                //  Last subnetwork peer connections seen
    bool da_answered;                       //  Balancer stats were read once at least
} tf_readiness_node_t;

//  Name of a stage ("http", "network", "da", "chain").
const char *tf_readiness_stage_name (tf_readiness_stage_t stage);

//  The path a stage GETs on every node's API, for nodes of profile (NULL: the
//  profile has none, the stage is skipped).
const char *tf_readiness_stage_path (tf_readiness_stage_t stage, const tf_profile_t *profile);

//  Timeout of one stage: TF_ENV_READINESS_TIMEOUT (tf_env.h, "20s") or
//  TF_READINESS_TIMEOUT_MS, times TF_READINESS_SLOW_FACTOR when SLOW_TEST_ENV is
//  "true" (or "1").
int64_t tf_readiness_timeout_ms (void);


//  The failure message for stage, listing every node. timed_out says whether
//  the stage ran out of time (else a node process exited). Caller owns it.
char *tf_readiness_report (tf_readiness_stage_t stage, bool timed_out,
                           const tf_readiness_node_t *nodes, size_t count);

//  Update node from a probe's answer for stage (status 0 = no answer,
//  answer = body or transport error). Sets node->ready when it passes.
void tf_readiness_observe (tf_readiness_stage_t stage, tf_readiness_node_t *node, long status,
                           const char *answer);

#endif
