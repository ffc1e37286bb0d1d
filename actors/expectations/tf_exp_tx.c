//  tf_exp_tx.c - expectation tx_inclusion (see tf_exp_tx.h)

#include "tf_exp_tx.h"
#include "tf_exp_tx_judge.h"

struct _tf_exp_tx_t {
    tf_actor_t *actor;        //  Runtime
    tf_exp_tx_judge_t *judge; //  Observations, then the verdict
    double min_ratio;         //  Knob
};

static int s_on_plan (tf_actor_t *actor, void *state, const tf_plan_t *plan);
static int s_on_phase (tf_actor_t *actor, void *state, tf_phase_t phase);
static int s_on_message (tf_actor_t *actor, void *state, tf_msg_t *msg);

tf_exp_tx_t *
tf_exp_tx_new (const tf_actor_config_t *config)
{
    assert (config);
    tf_exp_tx_t *self = (tf_exp_tx_t *) zmalloc (sizeof (tf_exp_tx_t));
    self->min_ratio = TF_EXP_TX_MIN_RATIO;
    self->judge = tf_exp_tx_judge_new (self->min_ratio);
    tf_actor_handlers_t handlers = {
        .plan = s_on_plan, .phase = s_on_phase, .message = s_on_message};
    self->actor = tf_actor_new (config, &handlers, self);
    if (!self->actor) {
        tf_exp_tx_destroy (&self);
        return NULL;
    }
    tf_actor_subscribe_control (self->actor, "tx.submitted");
    if (config->feed_ep) {
        tf_actor_subscribe_feed (self->actor, "feed.block");
        tf_actor_subscribe_feed (self->actor, "feed.tip");
    }
    return self;
}

void
tf_exp_tx_destroy (tf_exp_tx_t **self_p)
{
    assert (self_p);
    tf_exp_tx_t *self = *self_p;
    if (!self)
        return;
    tf_actor_destroy (&self->actor);
    tf_exp_tx_judge_destroy (&self->judge);
    free (self);
    *self_p = NULL;
}

int
tf_exp_tx_run (tf_exp_tx_t *self)
{
    assert (self);
    return tf_actor_run (self->actor);
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
