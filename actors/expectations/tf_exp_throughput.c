//  tf_exp_throughput.c - expectation tx_throughput (see tf_exp_throughput.h)

#include "tf_exp_throughput.h"
#include "tf_exp_throughput_judge.h"

typedef struct {
    tf_exp_throughput_judge_t *judge; //  Observations, then the verdict
} tf_exp_throughput_t;

static int s_on_plan (tf_actor_t *actor, void *state, const tf_plan_t *plan);
static int s_on_phase (tf_actor_t *actor, void *state, tf_phase_t phase);
static int s_on_message (tf_actor_t *actor, void *state, tf_msg_t *msg);

static void *
s_create (const tf_actor_config_t *config)
{
    tf_exp_throughput_t *self = (tf_exp_throughput_t *) zmalloc (sizeof (tf_exp_throughput_t));
    tf_exp_throughput_limits_t none = {0};
    self->judge = tf_exp_throughput_judge_new (&none);
    return self;
}

static void
s_destroy (void **state_p)
{
    tf_exp_throughput_t *self = (tf_exp_throughput_t *) *state_p;
    if (!self)
        return;
    tf_exp_throughput_judge_destroy (&self->judge);
    free (self);
    *state_p = NULL;
}

//  Read the limits; nothing is observed before the plan arrives
static int
s_on_plan (tf_actor_t *actor, void *state, const tf_plan_t *plan)
{
    tf_exp_throughput_t *self = (tf_exp_throughput_t *) state;
    const tf_plan_item_t *item = tf_plan_item_by_name (plan, tf_actor_name (actor));
    if (!item) {
        tf_actor_fail (actor, "tx_throughput: the plan has no item named %s",
                       tf_actor_name (actor));
        return -1;
    }
    tf_exp_throughput_limits_t limits = {
        .min_accepted_tps = tf_plan_knob_float (item, "min_accepted_tps", 0),
        .min_included_tps = tf_plan_knob_float (item, "min_included_tps", 0),
        .max_latency_p99_ms = (uint64_t) tf_plan_knob_ms (item, "max_latency_p99", 0),
        .max_latency_lib_p99_ms = (uint64_t) tf_plan_knob_ms (item, "max_latency_lib_p99", 0)};
    if (!(limits.min_accepted_tps >= 0) || !(limits.min_included_tps >= 0)) {
        tf_actor_fail (actor, "tx_throughput: rates must not be negative");
        return -1;
    }
    tf_exp_throughput_judge_destroy (&self->judge);
    self->judge = tf_exp_throughput_judge_new (&limits);
    zsys_info ("tx_throughput: min_accepted_tps=%g min_included_tps=%g max_latency_p99=%" PRIu64
               "ms max_latency_lib_p99=%" PRIu64 "ms",
               limits.min_accepted_tps, limits.min_included_tps, limits.max_latency_p99_ms,
               limits.max_latency_lib_p99_ms);
    return 0;
}

static int
s_on_message (tf_actor_t *actor, void *state, tf_msg_t *msg)
{
    tf_exp_throughput_t *self = (tf_exp_throughput_t *) state;
    switch (msg->id) {
        case TF_MSG_tx_submitted:
            tf_exp_throughput_judge_submitted (self->judge, &msg->tx_submitted);
            break;
        case TF_MSG_workload_status:
            tf_exp_throughput_judge_status (self->judge, &msg->workload_status);
            break;
        case TF_MSG_feed_block:
            tf_exp_throughput_judge_block (self->judge, &msg->feed_block);
            break;
        case TF_MSG_feed_tip:
            tf_exp_throughput_judge_tip (self->judge, &msg->feed_tip);
            break;
        default:
            break;
    }
    return 0;
}

//  Evaluate: judge what the bus carried, report, ack
static int
s_on_phase (tf_actor_t *actor, void *state, tf_phase_t phase)
{
    tf_exp_throughput_t *self = (tf_exp_throughput_t *) state;
    if (phase != TF_PHASE_EVALUATE)
        return TF_ACTOR_ACK;
    tf_exp_throughput_verdict_t verdict;
    tf_exp_throughput_judge_verdict (self->judge, &verdict);
    int rc = tf_actor_send_result (actor, verdict.passed, verdict.message, verdict.details,
                                   verdict.details_size);
    tf_exp_throughput_verdict_free (&verdict);
    if (rc) {
        tf_actor_phase_done (actor, false, "cannot send the result to the coordinator");
        return TF_ACTOR_PENDING;
    }
    return TF_ACTOR_ACK;
}

static const tf_actor_handlers_t s_handlers = {
    .plan = s_on_plan, .phase = s_on_phase, .message = s_on_message};
static const char *const s_feed_topics[] = {"feed.block", "feed.tip", NULL};
static const char *const s_control_topics[] = {"tx.submitted", "workload.status", NULL};

const tf_actor_class_t tf_exp_throughput_class = {
    .program = "tf-expect-tx-throughput",
    .role = "expectation",
    .kind = TF_EXP_THROUGHPUT_KIND,
    .summary = "Expectation tx_throughput: over the transactions workloads' execute, accepted\n"
               "and included tx/s at least min_accepted_tps and min_included_tps, and the p99\n"
               "latency from each tx's planned send time to its first block (max_latency_p99)\n"
               "and to the LIB (max_latency_lib_p99) at most the bounds; 0 is not judged.\n",
    .feed_topics = s_feed_topics,
    .control_topics = s_control_topics,
    .create = s_create,
    .destroy = s_destroy,
    .handlers = &s_handlers,
};
