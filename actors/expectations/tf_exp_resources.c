//  tf_exp_resources.c - expectation node_resources (see tf_exp_resources.h)

#include "tf_exp_resources.h"
#include "tf_exp_resources_judge.h"
#include "tf_recording.h"
#include "tf_size.h"

typedef struct {
    tf_exp_resources_judge_t *judge; //  Once the plan is known
    bool replay;                     //  tf replay: judge as many samples as live did
    bool limited;                    //  Replay with a recorded count
    uint64_t limit;                  //  That count
    bool judged;                     //  The result is sent: later samples are not judged
} tf_exp_resources_t;

static void *
s_create (const tf_actor_config_t *config)
{
    (void) config;
    return zmalloc (sizeof (tf_exp_resources_t));
}

static void
s_destroy (void **state_p)
{
    tf_exp_resources_t *self = (tf_exp_resources_t *) *state_p;
    if (!self)
        return;
    tf_exp_resources_judge_destroy (&self->judge);
    free (self);
    *state_p = NULL;
}

//  In a replay: how many samples the live run judged, from its recorded result
static void
s_read_limit (tf_exp_resources_t *self, tf_actor_t *actor)
{
    const char *recording = getenv (TF_REPLAY_RECORDING_ENV);
    uint8_t *details = NULL;
    size_t size = 0;
    if (recording
        && tf_recording_result_details (recording, tf_actor_name (actor), &details, &size) == 0
        && tf_exp_resources_details_samples (details, size, &self->limit) == 0)
        self->limited = true;
    free (details);
    zsys_info (TF_EXP_RESOURCES_KIND ": replay judges %s",
               self->limited ? "the live count of samples"
                             : "every recorded sample (the live run left no result)");
}

static int
s_on_plan (tf_actor_t *actor, void *state, const tf_plan_t *plan)
{
    tf_exp_resources_t *self = (tf_exp_resources_t *) state;
    const tf_plan_item_t *item = tf_plan_item_by_name (plan, tf_actor_name (actor));
    const char *max_rss = item ? tf_plan_knob_str (item, "max_rss", "0") : "0";
    int64_t max_restarts = item ? tf_plan_knob_int (item, "max_restarts", 0) : 0;
    tf_exp_resources_knobs_t knobs = {.max_restarts =
                                          (uint64_t) (max_restarts > 0 ? max_restarts : 0)};
    if (tf_size_parse (max_rss, &knobs.max_rss) || max_restarts < 0) {
        tf_actor_fail (
            actor, TF_EXP_RESOURCES_KIND ": bad knobs (max_rss \"%s\", max_restarts %" PRId64 ")",
            max_rss, max_restarts);
        return -1;
    }
    self->judge = tf_exp_resources_judge_new (&knobs);
    self->replay = tf_plan_is_replay (plan);
    if (self->replay)
        s_read_limit (self, actor);
    zsys_info (TF_EXP_RESOURCES_KIND ": max_rss=%" PRIu64 " bytes max_restarts=%" PRIu64,
               knobs.max_rss, knobs.max_restarts);
    return 0;
}

static int
s_on_message (tf_actor_t *actor, void *state, tf_msg_t *msg)
{
    (void) actor;
    tf_exp_resources_t *self = (tf_exp_resources_t *) state;
    if (msg->id != TF_MSG_node_resources || !self->judge || self->judged)
        return 0;
    if (self->limited && tf_exp_resources_judge_samples (self->judge) >= self->limit)
        return 0;
    tf_exp_resources_judge_sample (self->judge, &msg->node_resources);
    return 0;
}

static int
s_on_phase (tf_actor_t *actor, void *state, tf_phase_t phase)
{
    tf_exp_resources_t *self = (tf_exp_resources_t *) state;
    if (phase != TF_PHASE_EVALUATE || self->judged)
        return TF_ACTOR_ACK;
    if (!self->judge)
        return TF_ACTOR_ERROR;
    //  Every node of the run must have been sampled
    const tf_run_nodes_t *nodes = tf_actor_nodes (actor);
    size_t count = nodes ? nodes->nodes.count : 0;
    const char **expected = (const char **) zmalloc ((count + 1) * sizeof (char *));
    for (size_t index = 0; index < count; index++)
        expected[index] = nodes->nodes.items[index].name;
    tf_exp_resources_verdict_t verdict;
    tf_exp_resources_judge_verdict (self->judge, expected, &verdict);
    free (expected);
    self->judged = true;
    int rc = tf_actor_send_result (actor, verdict.passed, verdict.message, verdict.details,
                                   verdict.details_size);
    tf_exp_resources_verdict_free (&verdict);
    tf_actor_phase_done (actor, rc == 0, rc ? "cannot send the result to the coordinator" : NULL);
    return TF_ACTOR_PENDING;
}

static const tf_actor_handlers_t s_handlers = {
    .plan = s_on_plan, .phase = s_on_phase, .message = s_on_message};

static const char *const s_control_topics[] = {"node.resources", NULL};

const tf_actor_class_t tf_exp_resources_class = {
    .program = "tf-expect-node-resources",
    .role = "expectation",
    .kind = TF_EXP_RESOURCES_KIND,
    .summary = "Expectation node_resources: each node's peak resident memory is at most\n"
               "max_rss (a size: 512MiB, 200MB, or bytes; 0: not judged), and it exited or\n"
               "restarted at most max_restarts times without node control asking, judged\n"
               "from the deployer's node.resources samples (/proc of each node's process).\n",
    .create = s_create,
    .destroy = s_destroy,
    .handlers = &s_handlers,
    .control_topics = s_control_topics,
};
