//  tf_exp_liveness_judge.h - the verdict of consensus_liveness, from observations
//
//  Pure: no sockets, no HTTP. The expectation gathers, per node, its height
//  (from the API, or the feed as a fallback), its LIB and the id its chain
//  holds at the agreement height; this module turns that into the seeds'
//  messages and a details map for the report.
//
//  Liveness: every validator must reach target = ceil (expected_blocks x
//  tolerance), or `minimum` when set. An unreachable validator counts as
//  height 0. Agreement: the lowest LIB among the nodes (the floor) must be on
//  every node's chain, i.e. each node's chain holds the floor's LIB id at the
//  floor's height; a fork that never healed fails it.

#ifndef TF_EXP_LIVENESS_JUDGE_H_INCLUDED
#define TF_EXP_LIVENESS_JUDGE_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "tf_api_client.h"

#define TF_EXP_LIVENESS_TOLERANCE 0.8  //  Share of expected blocks, by default
#define TF_EXP_LIVENESS_EPSILON   1e-9 //  Keeps ceil (20 x 0.7) at 14, not 15

//  Where a node's height came from
typedef enum {
    TF_EXP_SOURCE_NONE = 0, //  Unreachable: height 0
    TF_EXP_SOURCE_API,      //  GET /cryptarchia/info at evaluate
    TF_EXP_SOURCE_FEED      //  The scanner's last tip sample
} tf_exp_source_t;

//  What was observed of one node
typedef struct {
    char *name;               //  "validator-0" (owned)
    bool validator;           //  Liveness applies to validators
    tf_exp_source_t source;   //  Where height came from
    uint64_t height;          //  Tip height (0 when unreachable)
    char tip[TF_API_ID_SIZE]; //  Tip id, "" when unknown
    char lib[TF_API_ID_SIZE]; //  LIB id, "" when unknown
    bool lib_height_known;    //  Its chain was walked down to its LIB
    uint64_t lib_height;
    char floor_id[TF_API_ID_SIZE]; //  Its chain's id at the floor height, "" unknown
    char *walk_error;              //  Why its chain could not be walked (owned), or NULL
} tf_exp_liveness_node_t;

//  The observations of a run
typedef struct {
    uint64_t target;          //  Height every validator must reach
    uint64_t expected_blocks; //  From the run metrics
    double tolerance;
    uint64_t minimum;              //  0: none
    bool agreement;                //  Check agreement on the LIB
    tf_exp_liveness_node_t *nodes; //  Owned array
    size_t node_count;
    bool floor_known; //  A floor LIB was found
    char *floor_node; //  Node whose LIB is the floor (owned)
    char floor_lib[TF_API_ID_SIZE];
    uint64_t floor_height;
} tf_exp_liveness_obs_t;

//  The verdict
typedef struct {
    bool passed;
    char *message;    //  Multi-line, the seeds' wording (owned)
    uint8_t *details; //  msgpack map for the report (owned)
    size_t details_size;
} tf_exp_liveness_verdict_t;

//  target = minimum if > 0, else ceil (expected_blocks x tolerance), at least 1.
uint64_t tf_exp_liveness_target (uint64_t expected_blocks, double tolerance, uint64_t minimum);

//  The watches during execute, when their knobs are left at 0: a stall is 20
//  block intervals without a block (at least 5 s: with blocks as a Poisson
//  process a healthy chain waits that long about once in 500 million
//  intervals); a lagging node is 2k blocks behind (at least 10) for 20 block
//  intervals (at least 10 s), time for a restarted node to catch up.
#define TF_EXP_WATCH_INTERVALS     20
#define TF_EXP_STALL_FLOOR_MS      5000
#define TF_EXP_LAG_MIN_BLOCKS      10
#define TF_EXP_LAG_WINDOW_FLOOR_MS 10000

typedef struct {
    int64_t max_stall_ms;
    uint64_t max_lag;
    int64_t lag_window_ms;
} tf_exp_liveness_watch_t;

tf_exp_liveness_watch_t tf_exp_liveness_watch_defaults (int64_t block_interval_ms,
                                                        uint32_t security_param);

//  Choose the floor: the node with the lowest known LIB height (first in node
//  order on ties). Sets floor_known, floor_node, floor_lib, floor_height.
void tf_exp_liveness_pick_floor (tf_exp_liveness_obs_t *obs);

//  A block the feed published: writes its parent and height and returns 0,
//  or returns -1 when the feed never carried it.
typedef int (tf_exp_block_fn) (void *arg, const char *id, char parent[TF_API_ID_SIZE],
                               uint64_t *height_p);

//  Agreement from the feed's records where the probe's walks over HTTP came
//  short: LIB heights (only when no floor was found), then each answering
//  node's id at the floor height, walking the feed from its tip. A node so
//  resolved loses its walk_error.
void tf_exp_liveness_fill_from_feed (tf_exp_liveness_obs_t *obs, tf_exp_block_fn *lookup,
                                     void *arg);

//  Judge. Fills *verdict (caller frees with tf_exp_liveness_verdict_free).
void tf_exp_liveness_judge (const tf_exp_liveness_obs_t *obs, tf_exp_liveness_verdict_t *verdict);

//  Free what a verdict owns.
void tf_exp_liveness_verdict_free (tf_exp_liveness_verdict_t *verdict);

//  Free what observations own (nodes, strings) and zero them.
void tf_exp_liveness_obs_free (tf_exp_liveness_obs_t *obs);

#endif
