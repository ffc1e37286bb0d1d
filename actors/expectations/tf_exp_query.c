//  tf_exp_query.c - expectation prometheus_query (see tf_exp_query.h)

#include "tf_exp_query.h"
#include "tf_exp_query_judge.h"
#include "tf_recording.h"

typedef struct {
    tf_exp_query_knobs_t knobs;
    char *query;               //  Owned; knobs.query points here
    bool replay;               //  tf replay: judge the record
    int64_t interval_ms;       //  Between checks, during: run
    zactor_t *querier;         //  The query thread, once the server is known
    bool asking;               //  A query is out
    bool failed_early;         //  A breach during the run: the result is sent
    uint64_t checks;           //  Checks made that had a value
    tf_exp_query_check_t last; //  The last check that held (during: run)
} tf_exp_query_t;

//  ---------------------------------------------------------------------------
//  The querier thread: "QUERY" in, a tf_exp_query_check_t * ("p") out

static void
s_querier (zsock_t *pipe, void *arg)
{
    char *server = strdup ((const char *) arg);
    char *query = NULL;
    zsock_signal (pipe, 0);
    tf_api_client_pipe_t self = {.pipe = pipe};
    tf_api_client_t *client = tf_api_client_new (server);
    if (client)
        tf_api_client_watch_pipe (client, &self);
    while (!self.terminated) {
        char *command = NULL;
        char *text = NULL;
        if (zsock_recv (pipe, "ss", &command, &text) != 0 || !command || streq (command, "$TERM")) {
            zstr_free (&command);
            zstr_free (&text);
            break;
        }
        tf_exp_query_check_t *check =
            (tf_exp_query_check_t *) zmalloc (sizeof (tf_exp_query_check_t));
        check->at_ms = tf_actor_now_ms ();
        if (client)
            tf_exp_promql_query (client, text, (double) check->at_ms / 1000.0, &check->answer);
        else
            check->answer.error = strdup ("no HTTP client for the server");
        zstr_free (&command);
        zstr_free (&text);
        zsock_send (pipe, "p", check); //  The receiver owns it
    }
    tf_api_client_destroy (&client);
    free (query);
    free (server);
}

//  ---------------------------------------------------------------------------
//  The actor

static void *
s_create (const tf_actor_config_t *config)
{
    (void) config;
    tf_exp_query_t *self = (tf_exp_query_t *) zmalloc (sizeof (tf_exp_query_t));
    self->interval_ms = TF_EXP_QUERY_MIN_INTERVAL_MS;
    return self;
}

static void
s_destroy (void **state_p)
{
    tf_exp_query_t *self = (tf_exp_query_t *) *state_p;
    if (!self)
        return;
    zactor_destroy (&self->querier);
    tf_exp_query_check_free (&self->last);
    free (self->query);
    free (self);
    *state_p = NULL;
}

static int
s_on_plan (tf_actor_t *actor, void *state, const tf_plan_t *plan)
{
    tf_exp_query_t *self = (tf_exp_query_t *) state;
    const tf_plan_item_t *item = tf_plan_item_by_name (plan, tf_actor_name (actor));
    self->replay = tf_plan_is_replay (plan);
    self->interval_ms =
        plan->slot_ms > TF_EXP_QUERY_MIN_INTERVAL_MS ? plan->slot_ms : TF_EXP_QUERY_MIN_INTERVAL_MS;
    const char *query = item ? tf_plan_knob_str (item, "query", "") : "";
    const char *op = item ? tf_plan_knob_str (item, "op", ">") : ">";
    const char *during = item ? tf_plan_knob_str (item, "during", "evaluate") : "evaluate";
    if (!*query || tf_exp_query_op_parse (op, &self->knobs.op)
        || (!streq (during, "evaluate") && !streq (during, "run"))) {
        tf_actor_fail (actor,
                       "prometheus_query: bad knobs (query \"%s\", op \"%s\", during \"%s\")",
                       query, op, during);
        return -1;
    }
    self->query = strdup (query);
    self->knobs.query = self->query;
    self->knobs.value = item ? tf_plan_knob_float (item, "value", 0) : 0;
    self->knobs.for_each = item ? tf_plan_knob_bool (item, "for_each", false) : false;
    self->knobs.during_run = streq (during, "run");
    zsys_info ("prometheus_query: query=\"%s\" op=%s value=%g during=%s for_each=%s every=%" PRId64
               "ms",
               self->query, op, self->knobs.value, during, self->knobs.for_each ? "true" : "false",
               self->interval_ms);
    return 0;
}

//  Send the verdict on check; in evaluate, acknowledge too
static void
s_report (tf_exp_query_t *self, tf_actor_t *actor, const tf_exp_query_check_t *check,
          bool acknowledge)
{
    tf_exp_query_verdict_t verdict;
    tf_exp_query_judge (&self->knobs, check, self->checks, &verdict);
    int rc = tf_actor_send_result (actor, verdict.passed, verdict.message, verdict.details,
                                   verdict.details_size);
    tf_exp_query_verdict_free (&verdict);
    if (acknowledge)
        tf_actor_phase_done (actor, rc == 0,
                             rc ? "cannot send the result to the coordinator" : NULL);
}

//  A check that says why there is nothing to judge
static void
s_report_error (tf_exp_query_t *self, tf_actor_t *actor, const char *error, bool acknowledge)
{
    tf_exp_query_check_t check = {.at_ms = tf_actor_now_ms ()};
    check.answer.error = strdup (error);
    s_report (self, actor, &check, acknowledge);
    tf_exp_query_check_free (&check);
}

//  Ask the server (the querier is idle)
static void
s_ask (tf_exp_query_t *self)
{
    if (zsock_send (zactor_sock (self->querier), "ss", "QUERY", self->query) == 0)
        self->asking = true;
}

//  A check came back
static int
s_on_check (tf_actor_t *actor, void *state, zsock_t *reader)
{
    (void) reader;
    tf_exp_query_t *self = (tf_exp_query_t *) state;
    void *pointer = NULL;
    if (zsock_recv (zactor_sock (self->querier), "p", &pointer) != 0 || !pointer)
        return 0;
    self->asking = false;
    tf_exp_query_check_t *check = (tf_exp_query_check_t *) pointer;
    tf_phase_t phase = tf_actor_phase (actor);
    tf_exp_query_outcome_t outcome = tf_exp_query_check (&self->knobs, check, NULL);
    if (outcome == TF_EXP_QUERY_HOLDS || outcome == TF_EXP_QUERY_BREACH)
        self->checks++;
    if (phase == TF_PHASE_EVALUATE && !self->knobs.during_run)
        s_report (self, actor, check, true);
    else if (phase == TF_PHASE_EXECUTE && self->knobs.during_run && !self->failed_early) {
        if (outcome == TF_EXP_QUERY_BREACH || outcome == TF_EXP_QUERY_REJECTED) {
            self->failed_early = true; //  The first breach is the verdict
            s_report (self, actor, check, false);
            tf_actor_set_timer (actor, -1);
        }
        else if (outcome == TF_EXP_QUERY_HOLDS) {
            tf_exp_query_check_free (&self->last);
            self->last = *check;
            memset (check, 0, sizeof *check);
        }
        //  No series or no answer yet: skipped, the next check decides
    }
    tf_exp_query_check_free (check);
    free (check);
    return 0;
}

//  The querier on the server run.nodes names; -1 when there is none
static int
s_start_querier (tf_exp_query_t *self, tf_actor_t *actor)
{
    if (self->querier)
        return 0;
    const tf_run_nodes_t *nodes = tf_actor_nodes (actor);
    if (!nodes || !nodes->metrics_url)
        return -1;
    self->querier = zactor_new (s_querier, (void *) nodes->metrics_url);
    if (!self->querier)
        return -1;
    zsys_info ("prometheus_query: asking %s", nodes->metrics_url);
    return tf_actor_add_reader (actor, zactor_sock (self->querier), s_on_check);
}

static int
s_on_timer (tf_actor_t *actor, void *state)
{
    tf_exp_query_t *self = (tf_exp_query_t *) state;
    if (tf_actor_phase (actor) != TF_PHASE_EXECUTE || self->failed_early)
        return 0;
    if (!self->asking)
        s_ask (self);
    tf_actor_set_timer (actor, self->interval_ms);
    return 0;
}

//  tf replay: judge the recorded check
static void
s_evaluate_replay (tf_exp_query_t *self, tf_actor_t *actor)
{
    const char *recording = getenv (TF_REPLAY_RECORDING_ENV);
    uint8_t *details = NULL;
    size_t size = 0;
    int rc = recording
                 ? tf_recording_result_details (recording, tf_actor_name (actor), &details, &size)
                 : -1;
    tf_exp_query_check_t check;
    if (rc == 0 && tf_exp_query_from_details (details, size, &check, &self->checks) == 0) {
        s_report (self, actor, &check, true);
        tf_exp_query_check_free (&check);
    }
    else if (rc < 0)
        tf_actor_phase_done (actor, false,
                             "cannot read the recording (" TF_REPLAY_RECORDING_ENV ")");
    else
        s_report_error (self, actor,
                        "the recording holds no check of this expectation (replay: nothing to "
                        "judge)",
                        true);
    free (details);
}

static int
s_on_phase (tf_actor_t *actor, void *state, tf_phase_t phase)
{
    tf_exp_query_t *self = (tf_exp_query_t *) state;
    if (self->replay) {
        if (phase != TF_PHASE_EVALUATE)
            return TF_ACTOR_ACK;
        s_evaluate_replay (self, actor);
        return TF_ACTOR_PENDING;
    }
    if (phase == TF_PHASE_EXECUTE && self->knobs.during_run) {
        if (s_start_querier (self, actor) == 0)
            tf_actor_set_timer (actor, 0);
        return TF_ACTOR_ACK;
    }
    if (phase != TF_PHASE_EVALUATE || self->failed_early)
        return TF_ACTOR_ACK; //  A result sent during the run is the verdict
    tf_actor_set_timer (actor, -1);
    if (s_start_querier (self, actor)) {
        s_report_error (self, actor,
                        "the run has no Prometheus server (observability.prometheus, or "
                        "LOGOS_BLOCKCHAIN_METRICS_QUERY_URL)",
                        true);
        return TF_ACTOR_PENDING;
    }
    if (self->knobs.during_run) {
        if (self->last.at_ms)
            s_report (self, actor, &self->last, true);
        else
            s_report_error (self, actor, "no check during the run had a value", true);
        return TF_ACTOR_PENDING;
    }
    if (self->asking) //  Cannot be: evaluate only asks once
        return TF_ACTOR_ERROR;
    s_ask (self);
    return TF_ACTOR_PENDING;
}

static void
s_on_stop (tf_actor_t *actor, void *state)
{
    tf_exp_query_t *self = (tf_exp_query_t *) state;
    if (!self->querier)
        return;
    tf_actor_remove_reader (actor, zactor_sock (self->querier));
    if (self->asking && (zsock_events (zactor_sock (self->querier)) & ZMQ_POLLIN)) {
        void *pointer = NULL;
        if (zsock_recv (zactor_sock (self->querier), "p", &pointer) == 0 && pointer) {
            tf_exp_query_check_free ((tf_exp_query_check_t *) pointer);
            free (pointer);
        }
    }
    zactor_destroy (&self->querier);
}

static const tf_actor_handlers_t s_handlers = {
    .plan = s_on_plan, .phase = s_on_phase, .timer = s_on_timer, .stop = s_on_stop};

const tf_actor_class_t tf_exp_query_class = {
    .program = "tf-expect-prometheus-query",
    .role = "expectation",
    .kind = TF_EXP_QUERY_KIND,
    .summary = "Expectation prometheus_query: a PromQL `query` of the run's Prometheus server\n"
               "compares with `value` by `op` (<, <=, >, >=, ==, !=): once at evaluate, or\n"
               "(during: run) at every check through execute, failing at the first breach.\n"
               "for_each: every series must hold. The server: run.nodes metrics_url\n"
               "(observability.prometheus, or LOGOS_BLOCKCHAIN_METRICS_QUERY_URL).\n",
    .create = s_create,
    .destroy = s_destroy,
    .handlers = &s_handlers,
};
