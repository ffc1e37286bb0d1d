//  tf_exp_da_judge.h - the verdict of da_inclusion, from bus records alone
//
//  Pure: no sockets, no HTTP, so a replay of a run's recording reaches the same
//  verdict as the live run. It collects the da workloads' da.published records,
//  feed.block records (their txs and their blobs) and the LIB of every feed.tip,
//  in any order, and judges at the end, with tx_inclusion's rules for what a
//  reorganised block is (tf_exp_tx_judge: it runs two of them, one over
//  inscription tx hashes, one over blob ids):
//
//  * channels: distinct channels in da.published records of what "channel"; one is
//    inscribed when a block that was not reorganised away carries its tx;
//  * blobs: every planned blob, i.e. distinct blob ids plus the records with an
//    empty id (blobs the workload never dispersed); one is included when a kept
//    block carries a ChannelBlob op with its id;
//  * sampling (tf_exp_da_judge_set_sample, on by default in the expectation): a
//    blob counts as included only when, besides, a da.sampled record for a block
//    carrying it says available (tf_exp_da_judge_targets lists what to ask);
//  * required channels = max (1, ceil (channels x min_ratio)), required blobs =
//    ceil (blobs x blob_min_ratio); passed when both are met and something was
//    published. First line, the seeds' form:
//    "da_workload_inclusions: 2/2 channels inscribed, 5/6 blobs included"; on
//    failure the blobs missing are named (the first TF_EXP_DA_NAMED of them).

#ifndef TF_EXP_DA_JUDGE_H_INCLUDED
#define TF_EXP_DA_JUDGE_H_INCLUDED

#include <stdbool.h>
#include "tf_msg.h"

#define TF_EXP_DA_MIN_RATIO      0.8 //  Default share of channels inscribed
#define TF_EXP_DA_BLOB_MIN_RATIO 0.5 //  Default share of blobs included (the anchor's rule)
#define TF_EXP_DA_NAMED          8   //  Missing blobs named in the message
#define TF_EXP_DA_TITLE          "da_workload_inclusions"

typedef struct _tf_exp_da_judge_t tf_exp_da_judge_t;

typedef struct {
    bool passed;
    uint64_t channels, inscribed, channels_required;
    uint64_t blobs, included, blobs_required;
    char *message;    //  Multi-line (owned)
    uint8_t *details; //  msgpack map for the report (owned)
    size_t details_size;
} tf_exp_da_verdict_t;

//  Create a judge with the two ratios (each in (0, 1]; others fall back to the defaults).
tf_exp_da_judge_t *tf_exp_da_judge_new (double min_ratio, double blob_min_ratio);

//  Destroy and nullify. Safe on NULL.
void tf_exp_da_judge_destroy (tf_exp_da_judge_t **self_p);

//  Observations; records are copied.
void tf_exp_da_judge_published (tf_exp_da_judge_t *self, const tf_da_published_t *record);
void tf_exp_da_judge_block (tf_exp_da_judge_t *self, const tf_feed_block_t *block);
void tf_exp_da_judge_tip (tf_exp_da_judge_t *self, const tf_feed_tip_t *tip);

//  Judge availability too (see above); off after new.
void tf_exp_da_judge_set_sample (tf_exp_da_judge_t *self, bool sample);

//  One sampling answer; copied.
void tf_exp_da_judge_sampled (tf_exp_da_judge_t *self, const tf_da_sampled_t *record);

//  What to sample: one call per block seen carrying dispersed blobs, with those
//  blobs (both borrowed for the call), in no particular order.
typedef void (tf_exp_da_target_fn) (const char *block_id, const tf_strs_t *blobs, void *arg);
void tf_exp_da_judge_targets (tf_exp_da_judge_t *self, tf_exp_da_target_fn *fn, void *arg);

//  Judge what was observed. Fills *verdict (free with tf_exp_da_verdict_free).
void tf_exp_da_judge_verdict (tf_exp_da_judge_t *self, tf_exp_da_verdict_t *verdict);

//  Free what a verdict owns.
void tf_exp_da_verdict_free (tf_exp_da_verdict_t *verdict);

#endif
