//  tf_exp_tx.c - expectation tx_inclusion (see tf_exp_tx.h)

#include "tf_exp_tx.h"
#include "tf_exp_tx_judge.h"

typedef struct {
    tf_exp_tx_judge_t *judge; //  Observations, then the verdict
    double min_ratio;         //  Knob
} tf_exp_tx_t;

static int s_on_plan (tf_actor_t *actor, void *state, const tf_plan_t *plan);
static int s_on_phase (tf_actor_t *actor, void *state, tf_phase_t phase);
static int s_on_message (tf_actor_t *actor, void *state, tf_msg_t *msg);

static void *
s_create (const tf_actor_config_t *config)
{
    tf_exp_tx_t *self = (tf_exp_tx_t *) zmalloc (sizeof (tf_exp_tx_t));
    self->min_ratio = TF_EXP_TX_MIN_RATIO;
    self->judge = tf_exp_tx_judge_new (self->min_ratio);
    return self;
}

static void
s_destroy (void **state_p)
{
    tf_exp_tx_t *self = (tf_exp_tx_t *) *state_p;
    if (!self)
        return;
    tf_exp_tx_judge_destroy (&self->judge);
    free (self);
    *state_p = NULL;
}

//  Read min_ratio; observations gathered so far stay
static int
s_on_plan (tf_actor_t *actor, void *state, const tf_plan_t *plan)
{
    tf_exp_tx_t *self = (tf_exp_tx_t *) state;
    const tf_plan_item_t *item = tf_plan_item_by_name (plan, tf_actor_name (actor));
    if (!item)
        zsys_warning ("tx_inclusion: the plan has no item named %s; using defaults",
                      tf_actor_name (actor));
    else
        self->min_ratio = tf_plan_knob_float (item, "min_ratio", TF_EXP_TX_MIN_RATIO);
    if (!(self->min_ratio > 0 && self->min_ratio <= 1)) {
        tf_actor_fail (actor, "tx_inclusion: min_ratio %g is not in (0, 1]", self->min_ratio);
        return -1;
    }
    tf_exp_tx_judge_destroy (&self->judge);
    self->judge = tf_exp_tx_judge_new (self->min_ratio);
    zsys_info ("tx_inclusion: min_ratio=%g", self->min_ratio);
    return 0;
}

static int
s_on_message (tf_actor_t *actor, void *state, tf_msg_t *msg)
{
    tf_exp_tx_t *self = (tf_exp_tx_t *) state;
    if (msg->id == TF_MSG_tx_submitted)
        tf_exp_tx_judge_submitted (self->judge, &msg->tx_submitted);
    else if (msg->id == TF_MSG_feed_block)
        tf_exp_tx_judge_block (self->judge, &msg->feed_block);
    else if (msg->id == TF_MSG_feed_tip)
        tf_exp_tx_judge_tip (self->judge, &msg->feed_tip);
    return 0;
}

//  Evaluate: judge what the bus carried, report, ack
static int
s_on_phase (tf_actor_t *actor, void *state, tf_phase_t phase)
{
    tf_exp_tx_t *self = (tf_exp_tx_t *) state;
    if (phase != TF_PHASE_EVALUATE)
        return TF_ACTOR_ACK;
    tf_exp_tx_verdict_t verdict;
    tf_exp_tx_judge_verdict (self->judge, &verdict);
    int rc = tf_actor_send_result (actor, verdict.passed, verdict.message, verdict.details,
                                   verdict.details_size);
    tf_exp_tx_verdict_free (&verdict);
    if (rc) {
        tf_actor_phase_done (actor, false, "cannot send the result to the coordinator");
        return TF_ACTOR_PENDING;
    }
    return TF_ACTOR_ACK;
}

static const tf_actor_handlers_t s_handlers = {
    .plan = s_on_plan, .phase = s_on_phase, .message = s_on_message};
static const char *const s_feed_topics[] = {"feed.block", "feed.tip", NULL};
static const char *const s_control_topics[] = {"tx.submitted", NULL};

const tf_actor_class_t tf_exp_tx_class = {
    .program = "tf-expect-tx-inclusion",
    .role = "expectation",
    .kind = TF_EXP_TX_KIND,
    .summary = "Expectation tx_inclusion: at least max (1, ceil (submitted x min_ratio)) of the\n"
               "transactions the workloads submitted appear in blocks that were not reorganised\n"
               "away; reports inclusion latency to the first block and to the LIB.\n",
    .feed_topics = s_feed_topics,
    .control_topics = s_control_topics,
    .create = s_create,
    .destroy = s_destroy,
    .handlers = &s_handlers,
};
