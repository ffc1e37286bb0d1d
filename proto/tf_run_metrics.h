//  tf_run_metrics.h - protocol time: what a plan means in slots and blocks
//
//  The seeds reason in blocks, not wall time: the expected block count comes
//  from the slot duration and the active slot coefficient, runs are clamped to
//  at least two blocks, and the cooldown is a number of block intervals
//  (5, or 15 when chaos may have knocked nodes over: a plan with a chaos
//  workload or node_control: true).

#ifndef TF_RUN_METRICS_H_INCLUDED
#define TF_RUN_METRICS_H_INCLUDED

#include "tf_plan.h"

#define TF_RUN_MIN_BLOCKS          2     //  Runs are clamped to at least this many
#define TF_COOLDOWN_BLOCKS         5     //  Cooldown after an ordinary run
#define TF_SEEDS_SLOT_MS           2000  //  The seeds' default slot
#define TF_SEEDS_CHAOS_COOLDOWN_MS 30000 //  The seeds' minimum cooldown after chaos
//  After chaos: the seeds' 30 s in blocks at their 2 s slots. A block
//  interval is never shorter than a slot (f <= 1), so at the seeds' timing
//  this is at least 30 s; with faster slots it shrinks with the protocol.
#define TF_COOLDOWN_BLOCKS_CHAOS (TF_SEEDS_CHAOS_COOLDOWN_MS / TF_SEEDS_SLOT_MS)

typedef struct {
    int64_t block_interval_ms; //  slot / f: mean time between blocks
    int64_t duration_ms;       //  Execute phase, after clamping
    uint64_t expected_blocks;  //  ceil (duration / block interval)
    int64_t cooldown_ms;       //  Cooldown phase
    bool clamped;              //  duration was raised to the minimum
} tf_run_metrics_t;

//  Compute the run metrics of a plan.
tf_run_metrics_t tf_run_metrics (const tf_plan_t *plan);

//  True when the plan drives chaos (node control in use).
bool tf_run_metrics_chaos (const tf_plan_t *plan);

#endif
