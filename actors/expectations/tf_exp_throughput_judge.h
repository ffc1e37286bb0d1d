//  tf_exp_throughput_judge.h - the verdict of tx_throughput, from bus records alone
//
//  Pure, like tf_exp_tx_judge (which it builds on for blocks, finality and
//  reorgs), so `tf replay` of a recording reaches the live run's verdict. It
//  collects tx.submitted, workload.status, feed.block and feed.tip records in
//  any order and judges at the end:
//
//  * the window: from the earliest started_ms to the latest ended_ms of the
//    workloads' workload.status records (their execute, which their schedules
//    span whether or not they kept up); without such records, the span of the
//    submissions' planned times. Only submissions planned inside the window
//    count, so capture's fan-outs do not;
//  * accepted tx/s: distinct txs a node accepted / window seconds; included
//    tx/s: those of them in a block that was not reorganised away / window;
//  * latency p99 (to the first block) and LIB latency p99 (to finality), from
//    each tx's planned time, over the accepted txs of the window: a tx never
//    included (or never final) counts as slower than any figure, so a chain
//    that stalls fails the bound instead of leaving it unmeasured;
//  * a limit of 0 is not judged; passed when every judged limit holds and at
//    least one tx was submitted in the window. The message gives every
//    measured figure beside the required one; first line, the seeds' form:
//    "tx_throughput_expectation: included 12.5 tx/s below required 30".

#ifndef TF_EXP_THROUGHPUT_JUDGE_H_INCLUDED
#define TF_EXP_THROUGHPUT_JUDGE_H_INCLUDED

#include <stdbool.h>
#include "tf_msg.h"

#define TF_EXP_THROUGHPUT_TITLE "tx_throughput_expectation"
#define TF_EXP_THROUGHPUT_P99   0.99 //  The percentile the latency limits bound

//  What must hold; 0 leaves a figure unjudged
typedef struct {
    double min_accepted_tps;         //  Accepted tx/s at least
    double min_included_tps;         //  Included tx/s at least
    uint64_t max_latency_p99_ms;     //  Planned -> first block, p99 at most
    uint64_t max_latency_lib_p99_ms; //  Planned -> final, p99 at most
} tf_exp_throughput_limits_t;

typedef struct _tf_exp_throughput_judge_t tf_exp_throughput_judge_t;

//  The verdict
typedef struct {
    bool passed;
    double accepted_tps;
    double included_tps;
    uint64_t latency_p99_ms;     //  UINT64_MAX: past the included ones (never included)
    uint64_t latency_lib_p99_ms; //  UINT64_MAX: never final
    char *message;               //  Multi-line (owned)
    uint8_t *details;            //  msgpack map for the report (owned)
    size_t details_size;
} tf_exp_throughput_verdict_t;

//  Create a judge of these limits (copied).
tf_exp_throughput_judge_t *tf_exp_throughput_judge_new (const tf_exp_throughput_limits_t *limits);

//  Destroy and nullify. Safe on NULL.
void tf_exp_throughput_judge_destroy (tf_exp_throughput_judge_t **self_p);

//  Observations; records are copied.
void tf_exp_throughput_judge_submitted (tf_exp_throughput_judge_t *self,
                                        const tf_tx_submitted_t *record);
void tf_exp_throughput_judge_status (tf_exp_throughput_judge_t *self,
                                     const tf_workload_status_t *status);
void tf_exp_throughput_judge_block (tf_exp_throughput_judge_t *self, const tf_feed_block_t *block);
void tf_exp_throughput_judge_tip (tf_exp_throughput_judge_t *self, const tf_feed_tip_t *tip);

//  Judge what was observed. Fills *verdict (free with tf_exp_throughput_verdict_free).
void tf_exp_throughput_judge_verdict (tf_exp_throughput_judge_t *self,
                                      tf_exp_throughput_verdict_t *verdict);

//  Free what a verdict owns.
void tf_exp_throughput_verdict_free (tf_exp_throughput_verdict_t *verdict);

#endif
