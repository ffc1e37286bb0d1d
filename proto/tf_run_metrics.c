//  tf_run_metrics.c - protocol time: what a plan means in slots and blocks

#include "tf_run_metrics.h"
#include <math.h>
#include <string.h>

bool
tf_run_metrics_chaos (const tf_plan_t *plan)
{
    for (size_t index = 0; index < plan->workload_count; index++)
        if (strncmp (plan->workloads[index].kind, "chaos", 5) == 0)
            return true;
    return plan->node_control;
}

tf_run_metrics_t
tf_run_metrics (const tf_plan_t *plan)
{
    tf_run_metrics_t metrics = {0};
    double coeff = plan->active_slot_coeff > 0 ? plan->active_slot_coeff : 1.0;
    metrics.block_interval_ms = (int64_t) ceil ((double) plan->slot_ms / coeff);
    if (metrics.block_interval_ms < 1)
        metrics.block_interval_ms = 1;

    int64_t minimum = TF_RUN_MIN_BLOCKS * metrics.block_interval_ms;
    metrics.duration_ms = plan->duration_ms;
    if (metrics.duration_ms < minimum) {
        metrics.duration_ms = minimum;
        metrics.clamped = true;
    }
    metrics.expected_blocks =
        (uint64_t) ceil ((double) metrics.duration_ms / (double) metrics.block_interval_ms);
    int64_t blocks = tf_run_metrics_chaos (plan) ? TF_COOLDOWN_BLOCKS_CHAOS : TF_COOLDOWN_BLOCKS;
    metrics.cooldown_ms = blocks * metrics.block_interval_ms;
    return metrics;
}
