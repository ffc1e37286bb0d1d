//  tf_exp_tx_judge.h - the verdict of tx_inclusion, from bus records alone
//
//  Pure: no sockets, no HTTP, so a replay of a run's recording reaches the
//  same verdict as the live run. It takes tx.submitted records, feed.block
//  records and the LIB of every feed.tip, in any order (tf_exp_tx_chain says
//  what is final and what was lost), and judges:
//
//  * submitted: distinct tx hashes in tx.submitted (accepted, rejected or
//    failed: a tx no node took counts against the ratio, it is never dropped);
//  * a submitted tx is included when a block carries it that was not
//    reorganised away; lost_in_reorgs counts those that only such blocks carried;
//  * latency: from the submission's planned_ms (when its workload's schedule
//    planned it; at_ms when the record has none) to the first such block's
//    seen_ms, and to the first time one of them became final (lib latency),
//    so time a submission waited for the generator counts;
//  * required = max (1, ceil (submitted x min_ratio)); passed when
//    included >= required. Failure message, first line, the seeds' form:
//    "tx_inclusion_expectation: observed 15 below required 25".
//
//  Memory stays flat over a long run: once a block has been final for
//  TF_EXP_TX_SETTLE_MS of record time, every accepted tx it carries is
//  settled, folded into counts and exact latency multisets, and forgotten
//  with the block (unless its fate is kept: tf_exp_tx_judge_keep_fates). A tx whose block settled before its record came is held
//  for one more such window. What is held is the last minute of blocks, the
//  txs not yet in a settled block, and the ones no node accepted (they may
//  still be recorded again, accepted by another node). A record of an already
//  settled tx that comes later still counts as a new submission: workloads
//  record each tx once, right after its answer.

#ifndef TF_EXP_TX_JUDGE_H_INCLUDED
#define TF_EXP_TX_JUDGE_H_INCLUDED

#include <stdbool.h>
#include "tf_msg.h"

#define TF_EXP_TX_MIN_RATIO  0.5  //  Default share of submitted txs to include
#define TF_EXP_TX_EPSILON    1e-9 //  Keeps ceil (50 x 0.5) at 25
#define TF_EXP_TX_REASON_KEY 80   //  Rejection reasons are grouped by this prefix
#define TF_EXP_TX_TITLE      "tx_inclusion_expectation"

typedef struct _tf_exp_tx_judge_t tf_exp_tx_judge_t;

//  The verdict
typedef struct {
    bool passed;
    uint64_t submitted;
    uint64_t included;
    uint64_t required;
    char *message;    //  Multi-line (owned)
    uint8_t *details; //  msgpack map for the report (owned)
    size_t details_size;
} tf_exp_tx_verdict_t;

//  Create a judge requiring min_ratio (0 < r <= 1) of submitted txs included.
tf_exp_tx_judge_t *tf_exp_tx_judge_new (double min_ratio);

//  Destroy and nullify. Safe on NULL.
void tf_exp_tx_judge_destroy (tf_exp_tx_judge_t **self_p);

//  Observations; records are copied.
void tf_exp_tx_judge_submitted (tf_exp_tx_judge_t *self, const tf_tx_submitted_t *record);
void tf_exp_tx_judge_block (tf_exp_tx_judge_t *self, const tf_feed_block_t *block);
void tf_exp_tx_judge_tip (tf_exp_tx_judge_t *self, const tf_feed_tip_t *tip);

//  What became of one distinct submitted tx (borrowed by the callback)
typedef struct {
    const char *hash;    //  64-hex tx hash
    const char *outcome; //  Its outcome: accepted | rejected | failed
    uint64_t at_ms;      //  Submission time
    uint64_t planned_ms; //  When its schedule planned it (at_ms when not recorded)
    uint64_t seen_ms;    //  First kept block carrying it: 0 none
    uint64_t final_ms;   //  First time such a block was final: 0 never
} tf_exp_tx_fate_t;

typedef void (tf_exp_tx_fate_fn) (const tf_exp_tx_fate_t *fate, void *arg);

//  Keep every tx's fate as it settles (about 100 bytes a tx), for judges
//  whose window or availability is known only at the end. Call before the
//  first observation.
void tf_exp_tx_judge_keep_fates (tf_exp_tx_judge_t *self);

//  Settle everything still held (tf_exp_tx_judge_settle_all) and call fn once
//  for every distinct submitted tx, in no particular order. Needs
//  tf_exp_tx_judge_keep_fates.
void tf_exp_tx_judge_each (tf_exp_tx_judge_t *self, tf_exp_tx_fate_fn *fn, void *arg);

//  The end of the observations: settle every tx still held, judged on what
//  was observed (the rest of the chain as it stands).
void tf_exp_tx_judge_settle_all (tf_exp_tx_judge_t *self);

//  What the judge holds now: txs not yet settled and blocks not yet settled.
void tf_exp_tx_judge_held (tf_exp_tx_judge_t *self, size_t *txs, size_t *blocks);

//  Settle everything (tf_exp_tx_judge_settle_all) and judge. Fills *verdict
//  (free with tf_exp_tx_verdict_free).
void tf_exp_tx_judge_verdict (tf_exp_tx_judge_t *self, tf_exp_tx_verdict_t *verdict);

//  Free what a verdict owns.
void tf_exp_tx_verdict_free (tf_exp_tx_verdict_t *verdict);

//  Nearest-rank percentile (0 < q <= 1) of `count` sorted values; 0 when empty.
uint64_t tf_exp_tx_percentile (const uint64_t *sorted, size_t count, double q);

#endif
