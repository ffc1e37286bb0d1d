//  tf_exp_prometheus.c - expectation prometheus_block_production

#include "tf_exp_prometheus.h"
#include "tf_exp_prometheus_record.h"
#include "tf_exp_prometheus_scrape.h"
#include "tf_recording.h"

typedef struct {
    uint64_t min_blocks; //  Knob
    bool replay;         //  tf replay: no nodes, judge the record
    zactor_t *scraper;   //  Running in capture or evaluate, or NULL
    char **names;        //  Nodes the scraper reads, in its order
    size_t name_count;
    zhashx_t *baseline; //  node name -> scrape at capture (owned)
    char *server;       //  The run's Prometheus (run.nodes metrics_url), or NULL
} tf_exp_prometheus_t;

static int s_on_plan (tf_actor_t *actor, void *state, const tf_plan_t *plan);
static int s_on_phase (tf_actor_t *actor, void *state, tf_phase_t phase);
static void s_on_stop (tf_actor_t *actor, void *state);

//  zhashx destructor of a scrape
static void
s_free_scrape (void **item_p)
{
    tf_exp_prometheus_scrape_t *scrape = (tf_exp_prometheus_scrape_t *) *item_p;
    if (scrape) {
        free (scrape->error);
        free (scrape);
    }
    *item_p = NULL;
}

//  Forget the node names of the last scrape
static void
s_free_names (tf_exp_prometheus_t *self)
{
    for (size_t index = 0; index < self->name_count; index++)
        free (self->names[index]);
    free (self->names);
    self->names = NULL;
    self->name_count = 0;
}

static void *
s_create (const tf_actor_config_t *config)
{
    tf_exp_prometheus_t *self = (tf_exp_prometheus_t *) zmalloc (sizeof (tf_exp_prometheus_t));
    self->min_blocks = 1;
    self->baseline = zhashx_new ();
    zhashx_set_destructor (self->baseline, s_free_scrape);
    return self;
}

static void
s_destroy (void **state_p)
{
    tf_exp_prometheus_t *self = (tf_exp_prometheus_t *) *state_p;
    if (!self)
        return;
    zactor_destroy (&self->scraper);
    zhashx_destroy (&self->baseline);
    s_free_names (self);
    free (self->server);
    free (self);
    *state_p = NULL;
}

//  Read our knob from the plan
static int
s_on_plan (tf_actor_t *actor, void *state, const tf_plan_t *plan)
{
    tf_exp_prometheus_t *self = (tf_exp_prometheus_t *) state;
    const tf_plan_item_t *item = tf_plan_item_by_name (plan, tf_actor_name (actor));
    if (item) {
        int64_t min_blocks = tf_plan_knob_int (item, "min_blocks", 1);
        self->min_blocks = min_blocks > 0 ? (uint64_t) min_blocks : 1;
    }
    else
        zsys_warning ("prometheus: the plan has no item named %s; using defaults",
                      tf_actor_name (actor));
    self->replay = tf_plan_is_replay (plan);
    zsys_info ("prometheus: min_blocks=%" PRIu64 " metric=%s", self->min_blocks,
               TF_EXP_PROMETHEUS_METRIC);
    return 0;
}


//  ---------------------------------------------------------------------------
//  Evaluate

//  Judge obs (min_blocks set here), send the result, acknowledge. Frees obs.
static void
s_judge_and_report (tf_exp_prometheus_t *self, tf_actor_t *actor, tf_exp_prometheus_obs_t *obs)
{
    obs->min_blocks = self->min_blocks;
    tf_exp_prometheus_verdict_t verdict;
    tf_exp_prometheus_judge (obs, &verdict);
    int rc = tf_actor_send_result (actor, verdict.passed, verdict.message, verdict.details,
                                   verdict.details_size);
    tf_exp_prometheus_verdict_free (&verdict);
    tf_exp_prometheus_obs_free (obs);
    if (rc)
        tf_actor_phase_done (actor, false, "cannot send the result to the coordinator");
    else
        tf_actor_phase_done (actor, true, NULL);
}

//  The evaluate scrapes beside the baseline: one node each
static void
s_evaluate (tf_exp_prometheus_t *self, tf_actor_t *actor, tf_exp_prometheus_scrape_t *scrapes)
{
    tf_exp_prometheus_obs_t obs = {0};
    obs.node_count = self->name_count;
    obs.nodes = (tf_exp_prometheus_node_t *) zmalloc ((obs.node_count + 1)
                                                      * sizeof (tf_exp_prometheus_node_t));
    for (size_t index = 0; index < obs.node_count; index++) {
        tf_exp_prometheus_node_t *node = &obs.nodes[index];
        node->name = strdup (self->names[index]);
        node->evaluate = scrapes[index]; //  Takes its error
        const tf_exp_prometheus_scrape_t *capture =
            (const tf_exp_prometheus_scrape_t *) zhashx_lookup (self->baseline, node->name);
        if (capture) {
            node->capture = *capture;
            node->capture.error = capture->error ? strdup (capture->error) : NULL;
        }
        else
            node->capture.error = strdup ("not deployed");
    }
    free (scrapes);
    obs.server = self->server ? strdup (self->server) : NULL;
    s_judge_and_report (self, actor, &obs);
}

//  The scraper is done: keep the baseline (capture) or judge (evaluate)
static int
s_on_scrape (tf_actor_t *actor, void *state, zsock_t *reader)
{
    (void) reader;
    tf_exp_prometheus_t *self = (tf_exp_prometheus_t *) state;
    tf_exp_prometheus_scrape_t *scrapes = tf_exp_prometheus_scrape_recv (self->scraper);
    tf_actor_remove_reader (actor, zactor_sock (self->scraper));
    zactor_destroy (&self->scraper);
    if (!scrapes) {
        tf_actor_phase_done (actor, false, "prometheus scraper was interrupted");
        return 0;
    }
    if (tf_actor_phase (actor) == TF_PHASE_EVALUATE) {
        s_evaluate (self, actor, scrapes);
        return 0;
    }
    for (size_t index = 0; index < self->name_count; index++) {
        tf_exp_prometheus_scrape_t *scrape =
            (tf_exp_prometheus_scrape_t *) zmalloc (sizeof (tf_exp_prometheus_scrape_t));
        *scrape = scrapes[index];
        zhashx_update (self->baseline, self->names[index], scrape);
        if (scrape->known)
            zsys_info ("prometheus: baseline %s=%" PRIu64, self->names[index], scrape->value);
        else
            zsys_warning ("prometheus: no baseline for %s: %s", self->names[index],
                          scrape->error ? scrape->error : "?");
    }
    free (scrapes);
    tf_actor_phase_done (actor, true, NULL);
    return 0;
}

//  tf replay: judge what the live run scraped, as the recording kept it
static void
s_evaluate_replay (tf_exp_prometheus_t *self, tf_actor_t *actor)
{
    const char *recording = getenv (TF_REPLAY_RECORDING_ENV);
    tf_exp_prometheus_obs_t obs;
    int rc = recording ? tf_exp_prometheus_recorded (recording, tf_actor_name (actor), &obs) : -1;
    if (rc < 0) {
        tf_actor_phase_done (actor, false,
                             "cannot read the recording (" TF_REPLAY_RECORDING_ENV ")");
        return;
    }
    if (rc == 0) {
        zsys_info ("prometheus: judging the recorded scrapes nodes=%zu", obs.node_count);
        s_judge_and_report (self, actor, &obs);
        return;
    }
    rc = tf_actor_send_result (actor, false,
                               "prometheus_block_production: the recording holds no evaluate "
                               "of this expectation (replay: nothing to judge)",
                               NULL, 0);
    tf_actor_phase_done (actor, rc == 0, rc ? "cannot send the result to the coordinator" : NULL);
}

//  Start the scraper on the current node list
static int
s_start_scraper (tf_exp_prometheus_t *self, tf_actor_t *actor)
{
    const tf_run_nodes_t *nodes = tf_actor_nodes (actor);
    size_t count = nodes ? nodes->nodes.count : 0;
    s_free_names (self);
    self->names = (char **) zmalloc ((count + 1) * sizeof (char *));
    const char **urls = (const char **) zmalloc ((count + 1) * sizeof (char *));
    for (size_t index = 0; index < count; index++) {
        self->names[index] = strdup (nodes->nodes.items[index].name);
        urls[index] = nodes->nodes.items[index].api_url;
    }
    self->name_count = count;
    //  The server seen at capture is the one asked at evaluate too
    if (tf_actor_phase (actor) == TF_PHASE_CAPTURE) {
        zstr_free (&self->server);
        if (nodes && nodes->metrics_url)
            self->server = strdup (nodes->metrics_url);
        zsys_info ("prometheus: reading %s", self->server ? self->server : "each node's /metrics");
    }
    self->scraper =
        tf_exp_prometheus_scrape_new (urls, (const char *const *) self->names, count, self->server);
    free (urls);
    if (!self->scraper)
        return -1;
    return tf_actor_add_reader (actor, zactor_sock (self->scraper), s_on_scrape);
}

//  Capture and evaluate: scrape the nodes; the ack follows the scrape
static int
s_on_phase (tf_actor_t *actor, void *state, tf_phase_t phase)
{
    tf_exp_prometheus_t *self = (tf_exp_prometheus_t *) state;
    if ((phase != TF_PHASE_CAPTURE && phase != TF_PHASE_EVALUATE) || self->scraper)
        return TF_ACTOR_ACK;
    if (self->replay) {
        if (phase == TF_PHASE_EVALUATE)
            s_evaluate_replay (self, actor);
        return phase == TF_PHASE_EVALUATE ? TF_ACTOR_PENDING : TF_ACTOR_ACK;
    }
    if (s_start_scraper (self, actor))
        tf_actor_phase_done (actor, false, "cannot start the prometheus scraper");
    return TF_ACTOR_PENDING;
}

//  Every exit path: stop a scraper still running, freeing what it sent
static void
s_on_stop (tf_actor_t *actor, void *state)
{
    tf_exp_prometheus_t *self = (tf_exp_prometheus_t *) state;
    if (!self->scraper)
        return;
    tf_actor_remove_reader (actor, zactor_sock (self->scraper));
    if (zsock_events (zactor_sock (self->scraper)) & ZMQ_POLLIN) {
        tf_exp_prometheus_scrape_t *scrapes = tf_exp_prometheus_scrape_recv (self->scraper);
        for (size_t index = 0; scrapes && index < self->name_count; index++)
            free (scrapes[index].error);
        free (scrapes);
    }
    zactor_destroy (&self->scraper);
}

static const tf_actor_handlers_t s_handlers = {
    .plan = s_on_plan, .phase = s_on_phase, .stop = s_on_stop};

const tf_actor_class_t tf_exp_prometheus_class = {
    .program = "tf-expect-prometheus-block-production",
    .role = "expectation",
    .kind = TF_EXP_PROMETHEUS_KIND,
    .summary = "Expectation prometheus_block_production: the blocks-produced counters of the\n"
               "nodes rise by at least `min_blocks` (default 1) between capture and evaluate,\n"
               "summed over the nodes. Read from the run's Prometheus server when it has one\n"
               "(observability.prometheus, or LOGOS_BLOCKCHAIN_METRICS_QUERY_URL), else from\n"
               "each node's /metrics; the message says which.\n",
    .create = s_create,
    .destroy = s_destroy,
    .handlers = &s_handlers,
};
