//  tf_exp_liveness.c - expectation consensus_liveness

#include <msgpack.h>
#include "tf_exp_lag_watch.h"
#include "tf_exp_lib_watch.h"
#include "tf_exp_liveness.h"
#include "tf_exp_liveness_probe.h"
#include "tf_exp_liveness_record.h"
#include "tf_mpack.h"
#include "tf_recording.h"
#include "tf_run_metrics.h"

//  The scanner's last sample of one node
typedef struct {
    uint64_t height;
    char tip[TF_API_ID_SIZE];
    char lib[TF_API_ID_SIZE];
    bool up;
    uint64_t at_ms;      //  Unix ms of the sample
    uint64_t last_up_ms; //  Unix ms of the last sample that answered
} s_sample_t;

//  A block the feed published
typedef struct {
    char parent[TF_API_ID_SIZE];
    uint64_t height;
} s_block_t;

typedef struct {
    double tolerance; //  Knobs
    uint64_t minimum;
    bool agreement;
    int64_t max_stall_ms;     //  No new block for this long during execute fails
    uint64_t max_lag;         //  A node this many blocks behind ...
    int64_t lag_window_ms;    //  ... for longer than this fails
    tf_exp_lag_watch_t *lag;  //  Created with the plan
    bool replay;              //  tf replay: no nodes, judge the record
    uint64_t expected_blocks; //  From the run metrics
    zhashx_t *samples;        //  node name -> s_sample_t (owned)
    zhashx_t *blocks;         //  block id -> s_block_t (owned), from the feed
    zactor_t *probe;          //  Running at evaluate, or NULL
    bool failed_early;        //  Failed before evaluate: the result is sent
    uint64_t last_block_ms;   //  Unix ms of the newest feed.block, or of execute's start
} tf_exp_liveness_t;

static int s_on_plan (tf_actor_t *actor, void *state, const tf_plan_t *plan);
static int s_on_phase (tf_actor_t *actor, void *state, tf_phase_t phase);
static int s_on_message (tf_actor_t *actor, void *state, tf_msg_t *msg);
static void s_on_stop (tf_actor_t *actor, void *state);
static int s_on_timer (tf_actor_t *actor, void *state);

//  zhashx destructor of a sample or a block
static void
s_free_sample (void **item_p)
{
    free (*item_p);
    *item_p = NULL;
}

static void *
s_create (const tf_actor_config_t *config)
{
    tf_exp_liveness_t *self = (tf_exp_liveness_t *) zmalloc (sizeof (tf_exp_liveness_t));
    self->tolerance = TF_EXP_LIVENESS_TOLERANCE;
    self->agreement = true;
    self->samples = zhashx_new ();
    zhashx_set_destructor (self->samples, s_free_sample);
    self->blocks = zhashx_new ();
    zhashx_set_destructor (self->blocks, s_free_sample);
    return self;
}

static void
s_destroy (void **state_p)
{
    tf_exp_liveness_t *self = (tf_exp_liveness_t *) *state_p;
    if (!self)
        return;
    zactor_destroy (&self->probe);
    tf_exp_lag_watch_destroy (&self->lag);
    zhashx_destroy (&self->samples);
    zhashx_destroy (&self->blocks);
    free (self);
    *state_p = NULL;
}

//  Read our knobs and the run metrics from the plan
static int
s_on_plan (tf_actor_t *actor, void *state, const tf_plan_t *plan)
{
    tf_exp_liveness_t *self = (tf_exp_liveness_t *) state;
    const tf_plan_item_t *item = tf_plan_item_by_name (plan, tf_actor_name (actor));
    if (item) {
        self->tolerance = tf_plan_knob_float (item, "tolerance", TF_EXP_LIVENESS_TOLERANCE);
        int64_t minimum = tf_plan_knob_int (item, "minimum", 0);
        self->minimum = minimum > 0 ? (uint64_t) minimum : 0;
        self->agreement = tf_plan_knob_bool (item, "agreement", true);
        self->max_stall_ms = tf_plan_knob_ms (item, "max_stall", 0);
        int64_t max_lag = tf_plan_knob_int (item, "max_lag", 0);
        self->max_lag = max_lag > 0 ? (uint64_t) max_lag : 0;
        self->lag_window_ms = tf_plan_knob_ms (item, "lag_window", 0);
    }
    else
        zsys_warning ("liveness: the plan has no item named %s; using defaults",
                      tf_actor_name (actor));
    self->replay = tf_plan_is_replay (plan);
    tf_run_metrics_t metrics = tf_run_metrics (plan);
    self->expected_blocks = metrics.expected_blocks;
    //  Unset knobs (0) are derived from the protocol's time
    tf_exp_liveness_watch_t watch =
        tf_exp_liveness_watch_defaults (metrics.block_interval_ms, plan->security_param);
    if (self->max_stall_ms == 0)
        self->max_stall_ms = watch.max_stall_ms;
    if (self->max_lag == 0)
        self->max_lag = watch.max_lag;
    if (self->lag_window_ms == 0)
        self->lag_window_ms = watch.lag_window_ms;
    self->lag = tf_exp_lag_watch_new (self->max_lag, self->lag_window_ms);
    zsys_info (
        "liveness: expected_blocks=%" PRIu64 " tolerance=%g minimum=%" PRIu64 " target=%" PRIu64
        " agreement=%s max_stall_ms=%" PRId64 " max_lag=%" PRIu64 " lag_window_ms=%" PRId64,
        self->expected_blocks, self->tolerance, self->minimum,
        tf_exp_liveness_target (self->expected_blocks, self->tolerance, self->minimum),
        self->agreement ? "yes" : "no", self->max_stall_ms, self->max_lag, self->lag_window_ms);
    return 0;
}

static int s_lookup (void *arg, const char *id, char parent[TF_API_ID_SIZE], uint64_t *height_p);

//  Send the verdict now, before evaluate: what was seen cannot be undone. what
//  names the check ("agreement", "stall"), found what it found. The coordinator
//  then moves the run to evaluate, where this expectation just acks.
static void
s_fail_early (tf_exp_liveness_t *self, tf_actor_t *actor, const char *what, const char *found)
{
    tf_phase_t phase = tf_actor_phase (actor);
    char *message =
        zsys_sprintf ("consensus liveness violated during %s: %s", tf_phase_name (phase), found);
    self->failed_early = true;
    tf_actor_set_timer (actor, -1);
    msgpack_sbuffer details;
    msgpack_sbuffer_init (&details);
    msgpack_packer packer;
    msgpack_packer_init (&packer, &details, msgpack_sbuffer_write);
    msgpack_pack_map (&packer, 2);
    tf_mpack_str (&packer, what);
    tf_mpack_str (&packer, "violated");
    tf_mpack_str (&packer, "failed_during");
    tf_mpack_str (&packer, tf_phase_name (phase));
    if (tf_actor_send_result (actor, false, message, (const uint8_t *) details.data, details.size))
        tf_actor_fail (actor, "cannot send the result to the coordinator");
    msgpack_sbuffer_destroy (&details);
    zstr_free (&message);
}

//  With agreement on, a LIB that moved is checked against the others at once:
//  irreversible blocks on two forks fail the run before evaluate, as they will
//  never be undone (the coordinator then moves the run to evaluate)
static void
s_watch_libs (tf_exp_liveness_t *self, tf_actor_t *actor)
{
    tf_phase_t phase = tf_actor_phase (actor);
    if (!self->agreement || self->failed_early || phase < TF_PHASE_CAPTURE
        || phase >= TF_PHASE_EVALUATE)
        return;
    size_t count = zhashx_size (self->samples);
    tf_exp_lib_t *libs = (tf_exp_lib_t *) zmalloc ((count + 1) * sizeof (tf_exp_lib_t));
    size_t index = 0;
    for (s_sample_t *sample = (s_sample_t *) zhashx_first (self->samples); sample;
         sample = (s_sample_t *) zhashx_next (self->samples))
        libs[index++] = (tf_exp_lib_t){(const char *) zhashx_cursor (self->samples), sample->lib};
    char *divergence = tf_exp_lib_watch_check (libs, count, s_lookup, self);
    free (libs);
    if (!divergence)
        return;
    s_fail_early (self, actor, "agreement", divergence);
    zstr_free (&divergence);
}

//  A node's own LIB must move along its chain: one that leaves it abandons an
//  irreversible block
static void
s_watch_lib_moved (tf_exp_liveness_t *self, tf_actor_t *actor, const char *node,
                   const char *previous, const char *lib)
{
    tf_phase_t phase = tf_actor_phase (actor);
    if (!self->agreement || self->failed_early || phase < TF_PHASE_CAPTURE
        || phase >= TF_PHASE_EVALUATE)
        return;
    char *reverted = tf_exp_lib_watch_moved (node, previous, lib, s_lookup, self);
    if (!reverted)
        return;
    s_fail_early (self, actor, "agreement", reverted);
    zstr_free (&reverted);
}

//  During execute, live: a node left behind for too long fails the run at once
static void
s_watch_lag (tf_exp_liveness_t *self, tf_actor_t *actor, uint64_t now_ms)
{
    if (self->failed_early || self->replay || !self->lag
        || tf_actor_phase (actor) != TF_PHASE_EXECUTE)
        return;
    char *lagging = tf_exp_lag_watch_check (self->lag, now_ms);
    if (!lagging)
        return;
    s_fail_early (self, actor, "lag", lagging);
    zstr_free (&lagging);
}

//  Keep each node's last tip sample, as a fallback for evaluate; watch the
//  LIBs and the lag; node-control events set the lag watch's exemptions
static int
s_on_message (tf_actor_t *actor, void *state, tf_msg_t *msg)
{
    tf_exp_liveness_t *self = (tf_exp_liveness_t *) state;
    if (msg->id == TF_MSG_run_event) {
        if (self->lag)
            tf_exp_lag_watch_event (self->lag, &msg->run_event);
        return 0;
    }
    if (msg->id == TF_MSG_feed_block) {
        self->last_block_ms = tf_actor_now_ms ();
        s_block_t *block = (s_block_t *) zmalloc (sizeof (s_block_t));
        block->height = msg->feed_block.height;
        if (tf_api_id_copy (msg->feed_block.parent, block->parent) == 0
            && !zhashx_lookup (self->blocks, msg->feed_block.id))
            zhashx_insert (self->blocks, msg->feed_block.id, block);
        else
            free (block);
        return 0;
    }
    if (msg->id != TF_MSG_feed_tip)
        return 0;
    const tf_feed_tip_t *tip = &msg->feed_tip;
    s_sample_t *sample = (s_sample_t *) zhashx_lookup (self->samples, tip->node);
    if (!sample) {
        sample = (s_sample_t *) zmalloc (sizeof (s_sample_t));
        zhashx_insert (self->samples, tip->node, sample);
    }
    sample->up = tip->up;
    sample->at_ms = tip->at_ms;
    bool lib_moved = false;
    if (tip->up) {
        sample->height = tip->height;
        sample->last_up_ms = tip->at_ms;
        if (tf_api_id_copy (tip->tip, sample->tip))
            sample->tip[0] = 0;
        char lib[TF_API_ID_SIZE];
        if (tf_api_id_copy (tip->lib, lib))
            lib[0] = 0;
        lib_moved = !streq (lib, sample->lib);
        if (lib_moved)
            s_watch_lib_moved (self, actor, tip->node, sample->lib, lib);
        memcpy (sample->lib, lib, sizeof lib);
    }
    if (lib_moved)
        s_watch_libs (self, actor);
    if (self->lag) {
        tf_exp_lag_watch_sample (self->lag, tip->node, tip->height, tip->up, tip->at_ms);
        s_watch_lag (self, actor, tip->at_ms);
    }
    return 0;
}


//  ---------------------------------------------------------------------------
//  Evaluate

//  The feed's record of a block, for agreement where the probe came short
static int
s_lookup (void *arg, const char *id, char parent[TF_API_ID_SIZE], uint64_t *height_p)
{
    tf_exp_liveness_t *self = (tf_exp_liveness_t *) arg;
    const s_block_t *block = (const s_block_t *) zhashx_lookup (self->blocks, id);
    if (!block)
        return -1;
    snprintf (parent, TF_API_ID_SIZE, "%s", block->parent);
    *height_p = block->height;
    return 0;
}

//  Judge the observations (knobs set here), send the result, acknowledge.
//  note: a line appended to the message, or NULL. Frees obs.
static void
s_judge_and_report (tf_exp_liveness_t *self, tf_actor_t *actor, tf_exp_liveness_obs_t *obs,
                    const char *note)
{
    obs->target = tf_exp_liveness_target (self->expected_blocks, self->tolerance, self->minimum);
    obs->expected_blocks = self->expected_blocks;
    obs->tolerance = self->tolerance;
    obs->minimum = self->minimum;
    obs->agreement = self->agreement;
    tf_exp_liveness_verdict_t verdict;
    tf_exp_liveness_judge (obs, &verdict);
    if (note) {
        char *message = zsys_sprintf ("%s\n%s", verdict.message, note);
        free (verdict.message);
        verdict.message = message;
    }
    int rc = tf_actor_send_result (actor, verdict.passed, verdict.message, verdict.details,
                                   verdict.details_size);
    tf_exp_liveness_verdict_free (&verdict);
    tf_exp_liveness_obs_free (obs);
    free (obs);
    if (rc)
        tf_actor_phase_done (actor, false, "cannot send the result to the coordinator");
    else
        tf_actor_phase_done (actor, true, NULL);
}

//  The probe's observations are in: fill gaps from the feed, judge, report
static int
s_on_probe (tf_actor_t *actor, void *state, zsock_t *reader)
{
    tf_exp_liveness_t *self = (tf_exp_liveness_t *) state;
    tf_exp_liveness_obs_t *obs = tf_exp_liveness_probe_recv (self->probe);
    tf_actor_remove_reader (actor, zactor_sock (self->probe));
    zactor_destroy (&self->probe);
    if (!obs) {
        tf_actor_phase_done (actor, false, "liveness probe was interrupted");
        return 0;
    }
    uint64_t now = tf_actor_now_ms ();
    for (size_t index = 0; index < obs->node_count; index++) {
        tf_exp_liveness_node_t *node = &obs->nodes[index];
        const s_sample_t *sample = (const s_sample_t *) zhashx_lookup (self->samples, node->name);
        if (node->source != TF_EXP_SOURCE_NONE || !sample || !sample->up
            || now > sample->at_ms + TF_EXP_LIVENESS_FEED_FRESH_MS)
            continue;
        node->source = TF_EXP_SOURCE_FEED;
        node->height = sample->height;
        snprintf (node->tip, sizeof node->tip, "%s", sample->tip);
        snprintf (node->lib, sizeof node->lib, "%s", sample->lib);
    }
    tf_exp_liveness_fill_from_feed (obs, s_lookup, self);
    s_judge_and_report (self, actor, obs, NULL);
    return 0;
}

//  A recording without this expectation's observations (the live run never
//  reached evaluate): every node as its last recorded tip sample shows it
static tf_exp_liveness_obs_t *
s_observe_recorded_feed (tf_exp_liveness_t *self, tf_actor_t *actor)
{
    const tf_run_nodes_t *nodes = tf_actor_nodes (actor);
    size_t count = nodes ? nodes->nodes.count : 0;
    tf_exp_liveness_obs_t *obs = (tf_exp_liveness_obs_t *) zmalloc (sizeof (tf_exp_liveness_obs_t));
    obs->nodes = (tf_exp_liveness_node_t *) zmalloc ((count + 1) * sizeof (tf_exp_liveness_node_t));
    obs->node_count = count;
    for (size_t index = 0; index < count; index++) {
        const tf_node_info_t *info = &nodes->nodes.items[index];
        tf_exp_liveness_node_t *node = &obs->nodes[index];
        node->name = strdup (info->name);
        node->validator = streq (info->role, "validator");
        const s_sample_t *sample = (const s_sample_t *) zhashx_lookup (self->samples, info->name);
        if (!sample || !sample->up)
            continue; //  Unreachable when the recording ends
        node->source = TF_EXP_SOURCE_FEED;
        node->height = sample->height;
        snprintf (node->tip, sizeof node->tip, "%s", sample->tip);
        snprintf (node->lib, sizeof node->lib, "%s", sample->lib);
    }
    return obs;
}

//  tf replay: judge what the live run observed, as the recording kept it
static void
s_evaluate_replay (tf_exp_liveness_t *self, tf_actor_t *actor)
{
    const char *recording = getenv (TF_REPLAY_RECORDING_ENV);
    tf_exp_liveness_obs_t *obs = (tf_exp_liveness_obs_t *) zmalloc (sizeof (tf_exp_liveness_obs_t));
    int rc = recording ? tf_exp_liveness_recorded (recording, tf_actor_name (actor), obs) : -1;
    if (rc < 0) {
        free (obs);
        tf_actor_phase_done (actor, false,
                             "cannot read the recording (" TF_REPLAY_RECORDING_ENV ")");
        return;
    }
    if (rc == 0) {
        zsys_info ("liveness: judging the recorded observations nodes=%zu", obs->node_count);
        s_judge_and_report (self, actor, obs, NULL);
        return;
    }
    free (obs);
    obs = s_observe_recorded_feed (self, actor);
    zsys_info ("liveness: no recorded observations; judging the recorded feed nodes=%zu",
               obs->node_count);
    s_judge_and_report (self, actor, obs,
                        "(replay: the recording holds no evaluate of this expectation; "
                        "judged on each node's last recorded tip)");
}

//  Start the probe thread on the current node list
static int
s_start_probe (tf_exp_liveness_t *self, tf_actor_t *actor)
{
    const tf_run_nodes_t *nodes = tf_actor_nodes (actor);
    size_t count = nodes ? nodes->nodes.count : 0;
    tf_exp_probe_node_t *probe_nodes =
        (tf_exp_probe_node_t *) zmalloc ((count + 1) * sizeof (tf_exp_probe_node_t));
    for (size_t index = 0; index < count; index++) {
        const tf_node_info_t *node = &nodes->nodes.items[index];
        probe_nodes[index] = (tf_exp_probe_node_t){.name = node->name,
                                                   .api_url = node->api_url,
                                                   .validator = streq (node->role, "validator")};
    }
    tf_exp_probe_args_t args = {
        .nodes = probe_nodes, .node_count = count, .agreement = self->agreement};
    self->probe = tf_exp_liveness_probe_new (&args);
    free (probe_nodes);
    if (!self->probe)
        return -1;
    return tf_actor_add_reader (actor, zactor_sock (self->probe), s_on_probe);
}

//  During execute with max_stall: the feed must bring a block at least that often
static int
s_on_timer (tf_actor_t *actor, void *state)
{
    tf_exp_liveness_t *self = (tf_exp_liveness_t *) state;
    if (self->failed_early || tf_actor_phase (actor) != TF_PHASE_EXECUTE)
        return 0;
    uint64_t now = tf_actor_now_ms ();
    int64_t quiet = (int64_t) (now - self->last_block_ms);
    if (quiet < self->max_stall_ms) {
        tf_actor_set_timer (actor, self->max_stall_ms - quiet);
        return 0;
    }
    char *found = zsys_sprintf ("no new block on the feed for %.1f s (max_stall %.1f s): the "
                                "chain stalled",
                                (double) quiet / 1000.0, (double) self->max_stall_ms / 1000.0);
    s_fail_early (self, actor, "stall", found);
    zstr_free (&found);
    return 0;
}

//  Execute: the stall watch starts; evaluate: probe the nodes, the ack follows
//  the result
static int
s_on_phase (tf_actor_t *actor, void *state, tf_phase_t phase)
{
    tf_exp_liveness_t *self = (tf_exp_liveness_t *) state;
    if (phase == TF_PHASE_EXECUTE && !self->replay && !self->failed_early) {
        self->last_block_ms = tf_actor_now_ms ();
        tf_actor_set_timer (actor, self->max_stall_ms);
    }
    else if (phase > TF_PHASE_EXECUTE)
        tf_actor_set_timer (actor, -1);
    if (phase != TF_PHASE_EVALUATE || self->probe || self->failed_early)
        return TF_ACTOR_ACK; //  A result sent early is the verdict
    if (self->replay) {
        s_evaluate_replay (self, actor);
        return TF_ACTOR_PENDING;
    }
    if (s_start_probe (self, actor)) {
        tf_actor_phase_done (actor, false, "cannot start the liveness probe");
        return TF_ACTOR_PENDING;
    }
    return TF_ACTOR_PENDING;
}

//  Every exit path: stop a probe still running, freeing what it sent
static void
s_on_stop (tf_actor_t *actor, void *state)
{
    tf_exp_liveness_t *self = (tf_exp_liveness_t *) state;
    if (!self->probe)
        return;
    tf_actor_remove_reader (actor, zactor_sock (self->probe));
    //  Observations already sent are ours to free
    if (zsock_events (zactor_sock (self->probe)) & ZMQ_POLLIN) {
        tf_exp_liveness_obs_t *obs = tf_exp_liveness_probe_recv (self->probe);
        if (obs) {
            tf_exp_liveness_obs_free (obs);
            free (obs);
        }
    }
    zactor_destroy (&self->probe);
}

static const tf_actor_handlers_t s_handlers = {.plan = s_on_plan,
                                               .phase = s_on_phase,
                                               .message = s_on_message,
                                               .timer = s_on_timer,
                                               .stop = s_on_stop};
static const char *const s_feed_topics[] = {"feed.tip", "feed.block", NULL};

const tf_actor_class_t tf_exp_liveness_class = {
    .program = "tf-expect-consensus-liveness",
    .role = "expectation",
    .kind = TF_EXP_LIVENESS_KIND,
    .summary = "Expectation consensus_liveness: every validator reaches ceil(expected blocks x\n"
               "tolerance) (or `minimum`), and every node holds the lowest LIB (`agreement`).\n"
               "While the run goes it fails at once on LIBs on two forks or a LIB that leaves\n"
               "its chain, on a feed without a new block for max_stall, and on a node more\n"
               "than max_lag blocks behind for lag_window (node control exempts its nodes).\n",
    .feed_topics = s_feed_topics,
    .create = s_create,
    .destroy = s_destroy,
    .handlers = &s_handlers,
};
