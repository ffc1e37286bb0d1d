//  tf_exp_tx.c - expectation da_inclusion (see tf_exp_da.h)

#include <jansson.h>
#include "tf_api_client.h"
#include "tf_exp_da.h"
#include "tf_exp_da_judge.h"

typedef struct {
    tf_exp_da_judge_t *judge; //  Observations, then the verdict
    double min_ratio;         //  Knob: channels
    double blob_min_ratio;    //  Knob: blobs
    bool sample;              //  Knob: sample availability at evaluate
    bool replay;              //  Under tf replay: take the recorded da.sampled records
    char *node;               //  Node sampled: the first validator with a testing API
    char *testing_url;        //  Its testing URL
    zactor_t *sampler;        //  Sampling thread at evaluate, or NULL
    zlistx_t *jobs;           //  Bodies the sampler sends (owned strings), in order
    zlistx_t *job_blobs;      //  Matching blob lists, as "id,id,..." (owned strings)
} tf_exp_da_t;

static int s_on_plan (tf_actor_t *actor, void *state, const tf_plan_t *plan);
static int s_on_phase (tf_actor_t *actor, void *state, tf_phase_t phase);
static int s_on_message (tf_actor_t *actor, void *state, tf_msg_t *msg);

static void *
s_create (const tf_actor_config_t *config)
{
    tf_exp_da_t *self = (tf_exp_da_t *) zmalloc (sizeof (tf_exp_da_t));
    self->min_ratio = TF_EXP_DA_MIN_RATIO;
    self->blob_min_ratio = TF_EXP_DA_BLOB_MIN_RATIO;
    self->sample = true;
    self->judge = tf_exp_da_judge_new (self->min_ratio, self->blob_min_ratio);
    return self;
}

static void
s_destroy (void **state_p)
{
    tf_exp_da_t *self = (tf_exp_da_t *) *state_p;
    if (!self)
        return;
    tf_exp_da_judge_destroy (&self->judge);
    zactor_destroy (&self->sampler);
    zlistx_destroy (&self->jobs);
    zlistx_destroy (&self->job_blobs);
    free (self->node);
    free (self->testing_url);
    free (self);
    *state_p = NULL;
}

//  Read the ratios (the plan comes before any record)
static int
s_on_plan (tf_actor_t *actor, void *state, const tf_plan_t *plan)
{
    tf_exp_da_t *self = (tf_exp_da_t *) state;
    const tf_plan_item_t *item = tf_plan_item_by_name (plan, tf_actor_name (actor));
    if (!item)
        zsys_warning ("da_inclusion: the plan has no item named %s; using defaults",
                      tf_actor_name (actor));
    else {
        self->min_ratio = tf_plan_knob_float (item, "min_ratio", TF_EXP_DA_MIN_RATIO);
        self->blob_min_ratio =
            tf_plan_knob_float (item, "blob_min_ratio", TF_EXP_DA_BLOB_MIN_RATIO);
        self->sample = tf_plan_knob_bool (item, "sample", true);
    }
    self->replay = tf_plan_is_replay (plan);
    if (!(self->min_ratio > 0 && self->min_ratio <= 1)
        || !(self->blob_min_ratio > 0 && self->blob_min_ratio <= 1)) {
        tf_actor_fail (actor, "da_inclusion: min_ratio %g or blob_min_ratio %g is not in (0, 1]",
                       self->min_ratio, self->blob_min_ratio);
        return -1;
    }
    tf_exp_da_judge_destroy (&self->judge);
    self->judge = tf_exp_da_judge_new (self->min_ratio, self->blob_min_ratio);
    tf_exp_da_judge_set_sample (self->judge, self->sample);
    zsys_info ("da_inclusion: min_ratio=%g blob_min_ratio=%g sample=%s", self->min_ratio,
               self->blob_min_ratio, self->sample ? "true" : "false");
    return 0;
}

//  The node sampled: the first validator with a testing API (else any node with one)
static int
s_on_nodes (tf_actor_t *actor, void *state, const tf_run_nodes_t *nodes)
{
    (void) actor;
    tf_exp_da_t *self = (tf_exp_da_t *) state;
    const tf_node_info_t *chosen = NULL;
    for (size_t index = 0; index < nodes->nodes.count; index++) {
        const tf_node_info_t *node = &nodes->nodes.items[index];
        if (!node->testing_url || !*node->testing_url)
            continue;
        bool validator = node->role && streq (node->role, "validator");
        if (!chosen || (validator && !streq (chosen->role ? chosen->role : "", "validator")))
            chosen = node;
    }
    if (chosen) {
        free (self->node);
        free (self->testing_url);
        self->node = strdup (chosen->name);
        self->testing_url = strdup (chosen->testing_url);
    }
    return 0;
}

static int
s_on_message (tf_actor_t *actor, void *state, tf_msg_t *msg)
{
    (void) actor;
    tf_exp_da_t *self = (tf_exp_da_t *) state;
    if (msg->id == TF_MSG_da_published)
        tf_exp_da_judge_published (self->judge, &msg->da_published);
    else if (msg->id == TF_MSG_da_sampled && self->replay)
        tf_exp_da_judge_sampled (self->judge, &msg->da_sampled); //  Live: taken when sent
    else if (msg->id == TF_MSG_feed_block)
        tf_exp_da_judge_block (self->judge, &msg->feed_block);
    else if (msg->id == TF_MSG_feed_tip)
        tf_exp_da_judge_tip (self->judge, &msg->feed_tip);
    return 0;
}

//  Judge, report, ack
static void
s_finish (tf_actor_t *actor, tf_exp_da_t *self)
{
    tf_exp_da_verdict_t verdict;
    tf_exp_da_judge_verdict (self->judge, &verdict);
    int rc = tf_actor_send_result (actor, verdict.passed, verdict.message, verdict.details,
                                   verdict.details_size);
    tf_exp_da_verdict_free (&verdict);
    tf_actor_phase_done (actor, rc == 0, rc ? "cannot send the result to the coordinator" : NULL);
}

//  One sampling job per block carrying dispersed blobs
static void
s_add_target (const char *block_id, const tf_strs_t *blobs, void *arg)
{
    tf_exp_da_t *self = (tf_exp_da_t *) arg;
    json_t *ids = json_array ();
    for (size_t index = 0; index < blobs->count; index++)
        json_array_append_new (ids, json_pack ("[s, i]", blobs->items[index], 0));
    json_t *body = json_pack ("{s:s, s:o}", "block_id", block_id, "blob_ids", ids);
    char *text = json_dumps (body, JSON_COMPACT);
    json_decref (body);
    zlistx_add_end (self->jobs, text);
    free (text);
    char *joined = zsys_sprintf ("%s", block_id);
    for (size_t index = 0; index < blobs->count; index++) {
        char *longer = zsys_sprintf ("%s,%s", joined, blobs->items[index]);
        zstr_free (&joined);
        joined = longer;
    }
    zlistx_add_end (self->job_blobs, joined);
    zstr_free (&joined);
}

typedef struct {
    const char *url;
    zlistx_t *jobs;
} s_sampler_args_t;

static bool
s_sampler_cancelled (void *pipe)
{
    return zsys_interrupted || (zsock_events ((zsock_t *) pipe) & ZMQ_POLLIN);
}

//  The thread: POST every job, one answer per job ("1" / "0", a reason, the latency in
//  ms), then $DONE
static void
s_sampler (zsock_t *pipe, void *arg)
{
    s_sampler_args_t *args = (s_sampler_args_t *) arg;
    tf_api_client_t *client = tf_api_client_new (args->url);
    zlistx_t *jobs = zlistx_dup (args->jobs);
    zsock_signal (pipe, 0);
    if (client)
        tf_api_client_set_cancel (client, s_sampler_cancelled, pipe);
    for (const char *job = (const char *) zlistx_first (jobs); job;
         job = (const char *) zlistx_next (jobs)) {
        long status = 0;
        char *answer = NULL;
        int64_t started = zclock_mono ();
        int rc =
            client ? tf_api_client_request (client, TF_EXP_DA_SAMPLING_PATH, job, &status, &answer)
                   : -1;
        bool available = rc == 0 && status == 200 && answer && streq (answer, "true");
        char *reason = rc ? strdup ("no answer")
                       : status != 200
                           ? zsys_sprintf ("http %ld: %.80s", status, answer ? answer : "")
                           : NULL;
        zstr_sendm (pipe, available ? "1" : "0");
        zstr_sendm (pipe, reason ? reason : "");
        zstr_sendf (pipe, "%" PRId64, zclock_mono () - started);
        zstr_free (&reason);
        free (answer);
        if (s_sampler_cancelled (pipe))
            break;
    }
    zstr_sendm (pipe, "$DONE");
    zstr_sendm (pipe, "");
    zstr_send (pipe, "0");
    zlistx_destroy (&jobs);
    tf_api_client_destroy (&client);
    char *command = zstr_recv (pipe); //  $TERM
    zstr_free (&command);
}

//  A sampling answer: publish it as da.sampled and take it; after the last, judge
static int
s_on_sample (tf_actor_t *actor, void *state, zsock_t *reader)
{
    tf_exp_da_t *self = (tf_exp_da_t *) state;
    char *available = NULL, *reason = NULL, *latency = NULL;
    if (zstr_recvx (reader, &available, &reason, &latency, NULL) < 0
        || streq (available, "$DONE")) {
        zstr_free (&available);
        zstr_free (&reason);
        zstr_free (&latency);
        tf_actor_remove_reader (actor, reader);
        zactor_destroy (&self->sampler);
        s_finish (actor, self);
        return 0;
    }
    char *joined = (char *) zlistx_first (self->job_blobs);
    tf_strs_t blobs = {0};
    char *saved = NULL;
    char *block = joined ? strtok_r (joined, ",", &saved) : NULL;
    for (char *id = block ? strtok_r (NULL, ",", &saved) : NULL; id;
         id = strtok_r (NULL, ",", &saved)) {
        blobs.items = (char **) realloc (blobs.items, (blobs.count + 1) * sizeof (char *));
        assert (blobs.items);
        blobs.items[blobs.count++] = id;
    }
    tf_da_sampled_t record = {.name = (char *) tf_actor_name (actor),
                              .node = self->node,
                              .block = block ? block : "",
                              .blobs = blobs,
                              .available = streq (available, "1"),
                              .at_ms = tf_actor_now_ms (),
                              .reason = *reason ? reason : NULL,
                              .latency_ms = strtoull (latency, NULL, 10)};
    tf_exp_da_judge_sampled (self->judge, &record);
    tf_actor_send (actor, TF_MSG_da_sampled, &record);
    if (!record.available)
        zsys_warning ("da_inclusion: blobs not available node=%s block=%.12s blobs=%zu %s",
                      self->node, record.block, blobs.count, reason);
    free (blobs.items);
    if (joined)
        zlistx_delete (self->job_blobs, zlistx_cursor (self->job_blobs));
    zstr_free (&available);
    zstr_free (&reason);
    zstr_free (&latency);
    return 0;
}

//  Evaluate: sample (live, knob sample), then judge what the bus carried, report, ack
static int
s_on_phase (tf_actor_t *actor, void *state, tf_phase_t phase)
{
    tf_exp_da_t *self = (tf_exp_da_t *) state;
    if (phase != TF_PHASE_EVALUATE || self->sampler)
        return TF_ACTOR_ACK;
    if (!self->sample || self->replay || !self->testing_url) {
        if (self->sample && !self->replay)
            zsys_warning ("da_inclusion: no node has a testing API: nothing can be sampled");
        s_finish (actor, self);
        return TF_ACTOR_PENDING;
    }
    zlistx_destroy (&self->jobs);
    zlistx_destroy (&self->job_blobs);
    self->jobs = zlistx_new ();
    self->job_blobs = zlistx_new ();
    zlistx_set_duplicator (self->jobs, (czmq_duplicator *) strdup);
    zlistx_set_destructor (self->jobs, (czmq_destructor *) zstr_free);
    zlistx_set_duplicator (self->job_blobs, (czmq_duplicator *) strdup);
    zlistx_set_destructor (self->job_blobs, (czmq_destructor *) zstr_free);
    tf_exp_da_judge_targets (self->judge, s_add_target, self);
    zsys_info ("da_inclusion: sampling blocks=%zu node=%s", zlistx_size (self->jobs), self->node);
    s_sampler_args_t args = {self->testing_url, self->jobs};
    self->sampler = zactor_new (s_sampler, &args);
    tf_actor_add_reader (actor, zactor_sock (self->sampler), s_on_sample);
    return TF_ACTOR_PENDING;
}

//  Every exit path: no sampler left running
static void
s_on_stop (tf_actor_t *actor, void *state)
{
    tf_exp_da_t *self = (tf_exp_da_t *) state;
    if (self->sampler) {
        tf_actor_remove_reader (actor, zactor_sock (self->sampler));
        zactor_destroy (&self->sampler);
    }
}

static const tf_actor_handlers_t s_handlers = {.plan = s_on_plan,
                                               .nodes = s_on_nodes,
                                               .phase = s_on_phase,
                                               .message = s_on_message,
                                               .stop = s_on_stop};
static const char *const s_feed_topics[] = {"feed.block", "feed.tip", NULL};
static const char *const s_control_topics[] = {"da.published", "da.sampled", NULL};

const tf_actor_class_t tf_exp_da_class = {
    .program = "tf-expect-da-inclusion",
    .role = "expectation",
    .kind = TF_EXP_DA_KIND,
    .summary = "Expectation da_inclusion: at least max (1, ceil (channels x min_ratio)) of the\n"
               "channels the da workloads inscribed, and ceil (blobs x blob_min_ratio) of the\n"
               "blobs they planned, appear in blocks that were not reorganised away and (knob\n"
               "sample, default true) a validator's historic sampling finds them available.\n",
    .feed_topics = s_feed_topics,
    .control_topics = s_control_topics,
    .create = s_create,
    .destroy = s_destroy,
    .handlers = &s_handlers,
};
