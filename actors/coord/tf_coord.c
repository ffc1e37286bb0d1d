//  tf_coord.c - the coordinator: actor registry, phase machine, relays, report
//
//  A zloop reads the service ROUTER and ticks every TF_COORD_TICK_MS; the tick
//  re-broadcasts the phase every heartbeat, watches heartbeats and deadlines
//  and advances the phase once every live actor has acknowledged it (and the
//  timed phases, execute and cooldown, have lasted their length). SIGINT and
//  SIGTERM abort the run instead of killing the process, so cleanup still runs.

#include "tf_coord.h"
#include "tf_curve.h"
#include "tf_recording.h"
#include "tf_recording_summary.h"
#include "tf_run_metrics.h"

#define TF_COORD_MAX_ACTORS   (3 * TF_PLAN_MAX_ITEMS + 2)
#define TF_COORD_DONE_REPEATS 3    //  Heartbeats spent repeating "done"
#define TF_COORD_SLOW_FACTOR  2    //  SLOW_TEST_ENV multiplies timeouts
#define TF_COORD_MAX_REASON   1024 //  Longest abort reason kept

typedef struct {
    char *name;           //  Actor name from the plan
    char *role;           //  deployer|scanner|workload|expectation
    bool registered;      //  Said hello and was welcomed
    bool lost;            //  Heartbeat lost or failed: no longer awaited
    zframe_t *routing_id; //  Its DEALER, as the ROUTER sees it
    int64_t last_seen;    //  zclock_mono of its last message
    uint64_t pid;         //  From its hello
    uint64_t acked_seq;   //  Last phase sequence it acknowledged
    bool has_result;      //  Expectations: result received
} s_actor_t;

struct _tf_coord_t {
    char *run_dir;        //  Where report.json goes
    char *run_id;         //  Unique id of this run
    int64_t heartbeat_ms; //  Phase re-broadcast interval
    int64_t timeout_ms;   //  Actor silence that means death
    int64_t register_ms;  //  Registration deadline
    int64_t slow_factor;  //  1, or 2 under SLOW_TEST_ENV
    bool replay;          //  tf replay: the recording stands in for time
    bool verbose;

    tf_plan_t *plan;     //  The plan, decoded
    uint8_t *plan_bytes; //  The plan as sent to actors
    size_t plan_size;
    tf_run_metrics_t metrics; //  Duration, cooldown in protocol time

    zsock_t *control; //  PUB: phases, events, abort
    zsock_t *service; //  ROUTER: actors' requests
    zsock_t *feed;    //  SUB to the block feed, for the recording
    zactor_t *auth;   //  ZAP handler on tcp (CURVE), else NULL
    zloop_t *loop;
    tf_recording_t *recording; //  Everything on control and feed

    s_actor_t actors[TF_COORD_MAX_ACTORS]; //  Every actor the plan needs
    size_t actor_count;
    s_actor_t *deployer; //  Points into actors[]

    tf_phase_t phase;       //  Current phase
    uint64_t seq;           //  Its sequence number
    int64_t run_started;    //  zclock_mono at start
    int64_t phase_started;  //  zclock_mono when the phase began
    int64_t last_broadcast; //  zclock_mono of the last phase broadcast
    int done_repeats;       //  Broadcasts of "done" so far
    bool aborted;
    bool finished; //  Loop may end

    tf_run_nodes_t nodes; //  From the deployer
    bool have_nodes;
    tf_report_t *report;
    zhash_t *controls;   //  "requester/req_id" -> "action node", in flight
    int signals_handled; //  Of s_signals, those acted upon
};

static volatile sig_atomic_t s_signals; //  SIGINT/SIGTERM received

static void
s_on_signal (int signal_number)
{
    s_signals++;
}

static int s_on_service (zloop_t *loop, zsock_t *reader, void *arg);
static int s_on_feed (zloop_t *loop, zsock_t *reader, void *arg);
static int s_on_tick (zloop_t *loop, int timer_id, void *arg);
static void s_abort (tf_coord_t *self, s_actor_t *actor, const char *format, ...)
    __attribute__ ((format (printf, 3, 4)));


//  ---------------------------------------------------------------------------
//  Life cycle

static int
s_load_plan (tf_coord_t *self, const char *path)
{
    zfile_t *file = zfile_new (NULL, path);
    zchunk_t *chunk = NULL;
    int rc = -1;
    if (!file || zfile_input (file)) {
        zsys_error ("coord: cannot read plan path=%s", path);
        goto out;
    }
    chunk = zfile_read (file, zfile_cursize (file), 0);
    if (!chunk) {
        zsys_error ("coord: cannot read plan path=%s", path);
        goto out;
    }
    self->plan = tf_plan_unpack (zchunk_data (chunk), zchunk_size (chunk));
    if (!self->plan) {
        zsys_error ("coord: plan is not valid path=%s", path);
        goto out;
    }
    self->plan_size = zchunk_size (chunk);
    self->plan_bytes = (uint8_t *) malloc (self->plan_size);
    assert (self->plan_bytes);
    memcpy (self->plan_bytes, zchunk_data (chunk), self->plan_size);
    rc = 0;
out:
    zchunk_destroy (&chunk);
    zfile_destroy (&file);
    return rc;
}

//  tf replay: say in the report how far the judged recording's run went.
//  Its timed phases take no time: the replayer plays the record back at once.
static void
s_summarize_replay (tf_coord_t *self)
{
    const char *recording = getenv (TF_REPLAY_RECORDING_ENV);
    self->replay = tf_plan_is_replay (self->plan);
    if (!self->replay || !recording)
        return;
    tf_recording_summary_t summary;
    if (tf_recording_summarize (recording, &summary))
        return; //  The replayer fails the run on it
    tf_report_replay (self->report, recording, &summary);
    char text[TF_RECORDING_SUMMARY_TEXT];
    zsys_info ("coord: replay %s", tf_recording_summary_text (&summary, text, sizeof text));
}

//  On tcp the feed is CURVE too: the scanner's key from run.json (TF_JOIN),
//  our certificate from TF_CERT. Returns 0 or -1 (logged).
static int
s_feed_client (zsock_t *feed)
{
    const char *join = getenv ("TF_JOIN");
    const char *cert_path = getenv ("TF_CERT");
    if (!join || !*join)
        return 0;
    tf_curve_run_t run;
    if (tf_curve_run_read (&run, join, stderr))
        return -1;
    int rc = 0;
    if (*run.scanner_key) {
        zcert_t *cert = cert_path ? tf_curve_cert_load (cert_path, true, stderr) : NULL;
        if (cert)
            tf_curve_client (feed, cert, run.scanner_key);
        else
            rc = -1;
        zcert_destroy (&cert);
    }
    tf_curve_run_clear (&run);
    return rc;
}

tf_coord_t *
tf_coord_new (const tf_coord_config_t *config)
{
    assert (config && config->run_dir && config->run_id && config->plan_path);
    assert (config->control_ep && config->service_ep);
    tf_coord_t *self = (tf_coord_t *) zmalloc (sizeof (tf_coord_t));
    self->run_dir = strdup (config->run_dir);
    self->run_id = strdup (config->run_id);
    self->verbose = config->verbose;
    const char *slow = getenv ("SLOW_TEST_ENV");
    self->slow_factor = (slow && strcmp (slow, "true") == 0) ? TF_COORD_SLOW_FACTOR : 1;
    self->heartbeat_ms = config->heartbeat_ms > 0 ? config->heartbeat_ms : TF_COORD_HEARTBEAT_MS;
    self->timeout_ms =
        (config->timeout_ms > 0 ? config->timeout_ms : TF_COORD_TIMEOUT_MS) * self->slow_factor;
    self->register_ms =
        (config->register_ms > 0 ? config->register_ms : TF_COORD_REGISTER_MS) * self->slow_factor;
    if (s_load_plan (self, config->plan_path))
        goto failed;
    self->metrics = tf_run_metrics (self->plan);

    tf_plan_actor_t actors[TF_COORD_MAX_ACTORS];
    self->actor_count = tf_plan_actors (self->plan, actors, TF_COORD_MAX_ACTORS);
    assert (self->actor_count <= TF_COORD_MAX_ACTORS);
    for (size_t index = 0; index < self->actor_count; index++) {
        self->actors[index].name = strdup (actors[index].name);
        self->actors[index].role = strdup (actors[index].role);
        if (strcmp (actors[index].role, "deployer") == 0)
            self->deployer = &self->actors[index];
    }

    self->control = zsock_new (ZMQ_PUB);
    self->service = zsock_new (ZMQ_ROUTER);
    self->loop = zloop_new ();
    assert (self->control && self->service && self->loop);
    zsock_set_linger (self->control, 0);
    zsock_set_linger (self->service, 0);
    zsock_set_sndhwm (self->control, 0); //  Never drop a phase or an event
    if (tf_curve_serve_from_env (self->control, &self->auth, self->run_dir)
        || tf_curve_serve_from_env (self->service, &self->auth, self->run_dir))
        goto failed;
    if (zsock_bind (self->control, "%s", config->control_ep) < 0) {
        zsys_error ("coord: cannot bind control endpoint=%s error=\"%s\"", config->control_ep,
                    zmq_strerror (zmq_errno ()));
        goto failed;
    }
    if (zsock_bind (self->service, "%s", config->service_ep) < 0) {
        zsys_error ("coord: cannot bind service endpoint=%s error=\"%s\"", config->service_ep,
                    zmq_strerror (zmq_errno ()));
        goto failed;
    }
    char *recording_path = zsys_sprintf ("%s/%s", self->run_dir, TF_RUNDIR_RECORDING);
    self->recording = tf_recording_create (recording_path);
    zstr_free (&recording_path);
    if (!self->recording)
        goto failed;
    if (config->feed_ep) {
        self->feed = zsock_new (ZMQ_SUB);
        assert (self->feed);
        zsock_set_rcvhwm (self->feed, 0); //  The recording keeps every record
        zsock_set_subscribe (self->feed, "");
        if (s_feed_client (self->feed))
            goto failed;
        if (zsock_connect (self->feed, "%s", config->feed_ep)) {
            zsys_error ("coord: cannot connect feed endpoint=%s", config->feed_ep);
            goto failed;
        }
        zloop_reader (self->loop, self->feed, s_on_feed, self);
    }
    zloop_reader (self->loop, self->service, s_on_service, self);
    zloop_timer (self->loop, TF_COORD_TICK_MS, 0, s_on_tick, self);
    self->report = tf_report_new (self->run_id, self->plan);
    s_summarize_replay (self);
    self->controls = zhash_new ();
    zhash_autofree (self->controls);
    return self;

failed:
    tf_coord_destroy (&self);
    return NULL;
}

void
tf_coord_destroy (tf_coord_t **self_p)
{
    assert (self_p);
    tf_coord_t *self = *self_p;
    if (!self)
        return;
    tf_report_destroy (&self->report);
    zhash_destroy (&self->controls);
    zloop_destroy (&self->loop);
    zsock_destroy (&self->feed);
    tf_recording_destroy (&self->recording);
    zsock_destroy (&self->service);
    zsock_destroy (&self->control);
    zactor_destroy (&self->auth);
    for (size_t index = 0; index < self->actor_count; index++) {
        free (self->actors[index].name);
        free (self->actors[index].role);
        zframe_destroy (&self->actors[index].routing_id);
    }
    tf_msg_body_free (TF_MSG_run_nodes, &self->nodes);
    tf_plan_destroy (&self->plan);
    free (self->plan_bytes);
    free (self->run_id);
    free (self->run_dir);
    free (self);
    *self_p = NULL;
}


//  ---------------------------------------------------------------------------
//  Events, phases, abort

static uint64_t
s_now_ms (void)
{
    return (uint64_t) zclock_time ();
}

//  Publish a message on control and append it to the recording
static void
s_publish (tf_coord_t *self, tf_msg_id_t id, const void *body)
{
    uint8_t *data = NULL;
    size_t size = 0;
    if (tf_msg_encode (id, body, &data, &size)) {
        zsys_error ("coord: cannot encode %s: %s", tf_msg_topic (id), tf_msg_last_error ());
        return;
    }
    tf_msg_send_raw (self->control, tf_msg_topic (id), data, size);
    tf_recording_append (self->recording, TF_SOURCE_CONTROL, tf_msg_topic (id), data, size);
    free (data);
}

//  Publish an event on control and keep it for the report
static void
s_event (tf_coord_t *self, const char *kind, const char *actor, const char *node,
         const char *detail)
{
    tf_run_event_t event = {.run_id = self->run_id,
                            .at_ms = s_now_ms (),
                            .kind = (char *) kind,
                            .actor = (char *) actor,
                            .node = (char *) node,
                            .detail = (char *) detail};
    s_publish (self, TF_MSG_run_event, &event);
    tf_report_event (self->report, &event);
}

static bool
s_awaited (tf_coord_t *self, const s_actor_t *actor)
{
    if (self->phase == TF_PHASE_REGISTER)
        return !actor->registered;
    if (self->phase == TF_PHASE_DONE)
        return false; //  The end: nothing to acknowledge
    return actor->registered && !actor->lost && actor->acked_seq != self->seq;
}

static int64_t
s_phase_min_ms (tf_coord_t *self)
{
    if (self->replay)
        return 0; //  The recording plays back at once
    if (self->phase == TF_PHASE_EXECUTE)
        return self->metrics.duration_ms;
    if (self->phase == TF_PHASE_COOLDOWN)
        return self->metrics.cooldown_ms;
    return 0;
}

static int64_t
s_phase_deadline_ms (tf_coord_t *self)
{
    switch (self->phase) {
        case TF_PHASE_REGISTER:
            return self->register_ms;
        case TF_PHASE_DEPLOY:
            return TF_COORD_DEPLOY_MS * self->slow_factor;
        default:
            return s_phase_min_ms (self) + TF_COORD_PHASE_MS * self->slow_factor;
    }
}

static void
s_broadcast_phase (tf_coord_t *self)
{
    char *awaiting[TF_COORD_MAX_ACTORS];
    size_t count = 0;
    for (size_t index = 0; index < self->actor_count; index++)
        if (s_awaited (self, &self->actors[index]))
            awaiting[count++] = self->actors[index].name;
    int64_t now = zclock_mono ();
    tf_run_phase_t phase = {.run_id = self->run_id,
                            .phase = (char *) tf_phase_name (self->phase),
                            .seq = self->seq,
                            .elapsed_ms = (uint64_t) (now - self->run_started),
                            .phase_ms = (uint64_t) s_phase_min_ms (self),
                            .awaiting = {.items = awaiting, .count = count}};
    s_publish (self, TF_MSG_run_phase, &phase);
    self->last_broadcast = now;
}

static void
s_enter (tf_coord_t *self, tf_phase_t phase)
{
    self->phase = phase;
    self->seq++;
    self->phase_started = zclock_mono ();
    zsys_info ("coord: phase=%s seq=%" PRIu64, tf_phase_name (phase), self->seq);
    tf_report_phase (self->report, phase, s_now_ms ());
    s_event (self, "phase", NULL, NULL, tf_phase_name (phase));
    s_broadcast_phase (self);
}

static void
s_abort (tf_coord_t *self, s_actor_t *actor, const char *format, ...)
{
    va_list args;
    va_start (args, format);
    char reason[TF_COORD_MAX_REASON];
    vsnprintf (reason, sizeof reason, format, args);
    va_end (args);
    if (actor)
        actor->lost = true; //  Not awaited any more
    if (self->phase == TF_PHASE_DONE)
        return;
    zsys_error ("coord: abort phase=%s actor=%s reason=\"%s\"", tf_phase_name (self->phase),
                actor ? actor->name : "-", reason);
    tf_report_abort (self->report, reason, actor ? actor->name : NULL, self->phase);
    tf_run_abort_t abort_msg = {.run_id = self->run_id,
                                .reason = reason,
                                .actor = actor ? actor->name : NULL,
                                .phase = (char *) tf_phase_name (self->phase)};
    s_publish (self, TF_MSG_run_abort, &abort_msg);
    s_event (self, "abort", actor ? actor->name : NULL, NULL, reason);
    self->aborted = true;
    //  Cleanup is always delivered; a failure during cleanup ends the run
    s_enter (self, self->phase == TF_PHASE_CLEANUP ? TF_PHASE_DONE : TF_PHASE_CLEANUP);
}

//  List the awaited actors as "a, b, c" into buffer
static const char *
s_awaited_names (tf_coord_t *self, char *buffer, size_t size)
{
    buffer[0] = 0;
    size_t used = 0;
    for (size_t index = 0; index < self->actor_count && used < size; index++)
        if (s_awaited (self, &self->actors[index]))
            used += (size_t) snprintf (buffer + used, size - used, "%s%s", used ? ", " : "",
                                       self->actors[index].name);
    return buffer;
}

static void
s_advance (tf_coord_t *self)
{
    if (self->phase == TF_PHASE_DONE)
        return;
    for (size_t index = 0; index < self->actor_count; index++)
        if (s_awaited (self, &self->actors[index]))
            return;
    if (zclock_mono () - self->phase_started < s_phase_min_ms (self))
        return;
    if (self->phase == TF_PHASE_EVALUATE)
        for (size_t index = 0; index < self->actor_count; index++) {
            s_actor_t *actor = &self->actors[index];
            if (strcmp (actor->role, "expectation") == 0 && !actor->has_result) {
                tf_report_missing_result (self->report, actor->name);
                actor->has_result = true;
            }
        }
    s_enter (self, (tf_phase_t) (self->phase + 1));
}


//  ---------------------------------------------------------------------------
//  Ticks: broadcasts, heartbeats, deadlines, signals

static int
s_on_tick (zloop_t *loop, int timer_id, void *arg)
{
    tf_coord_t *self = (tf_coord_t *) arg;
    if (s_signals > self->signals_handled)
        return -1; //  A signal that came outside the poll: act on it
    int64_t now = zclock_mono ();
    if (self->phase == TF_PHASE_DONE) {
        if (now - self->last_broadcast >= self->heartbeat_ms) {
            s_broadcast_phase (self);
            if (++self->done_repeats >= TF_COORD_DONE_REPEATS)
                self->finished = true;
        }
        return self->finished ? -1 : 0;
    }
    for (size_t index = 0; index < self->actor_count; index++) {
        s_actor_t *actor = &self->actors[index];
        if (actor->registered && !actor->lost && now - actor->last_seen > self->timeout_ms) {
            s_event (self, "actor.lost", actor->name, NULL, "no heartbeat");
            s_abort (self, actor, "actor %s lost: no heartbeat for %" PRId64 " ms during %s",
                     actor->name, now - actor->last_seen, tf_phase_name (self->phase));
        }
    }
    if (now - self->phase_started > s_phase_deadline_ms (self)) {
        char names[TF_COORD_MAX_REASON / 2];
        s_awaited_names (self, names, sizeof names);
        if (self->phase == TF_PHASE_REGISTER)
            s_abort (self, NULL, "actors never registered within %" PRId64 " ms: %s",
                     s_phase_deadline_ms (self), names);
        else {
            for (size_t index = 0; index < self->actor_count; index++)
                if (s_awaited (self, &self->actors[index]))
                    self->actors[index].lost = true;
            s_abort (self, NULL, "phase %s timed out after %" PRId64 " ms waiting for: %s",
                     tf_phase_name (self->phase), s_phase_deadline_ms (self), names);
        }
    }
    s_advance (self);
    if (zclock_mono () - self->last_broadcast >= self->heartbeat_ms)
        s_broadcast_phase (self);
    return 0;
}


//  ---------------------------------------------------------------------------
//  Service requests

static s_actor_t *
s_actor_by_name (tf_coord_t *self, const char *name)
{
    for (size_t index = 0; index < self->actor_count; index++)
        if (strcmp (self->actors[index].name, name) == 0)
            return &self->actors[index];
    return NULL;
}

static s_actor_t *
s_actor_by_routing_id (tf_coord_t *self, zframe_t *routing_id)
{
    for (size_t index = 0; index < self->actor_count; index++)
        if (self->actors[index].routing_id
            && zframe_eq (self->actors[index].routing_id, routing_id))
            return &self->actors[index];
    return NULL;
}

static void
s_refuse (tf_coord_t *self, zframe_t *routing_id, uint64_t code, const char *reason)
{
    tf_actor_error_t error = {.code = code, .reason = (char *) reason};
    tf_msg_send_to (self->service, routing_id, TF_MSG_actor_error, &error);
}

static void
s_on_hello (tf_coord_t *self, tf_msg_t *msg)
{
    s_actor_t *actor = s_actor_by_name (self, msg->actor_hello.name);
    if (!actor) {
        char *reason = zsys_sprintf ("unknown actor '%s': this run's plan does not name it",
                                     msg->actor_hello.name);
        s_refuse (self, msg->routing_id, 404, reason);
        zstr_free (&reason);
        return;
    }
    if (actor->lost) {
        s_refuse (self, msg->routing_id, 409, "actor was declared lost in this run");
        return;
    }
    if (!streq (msg->actor_hello.role, actor->role)) {
        char *reason = zsys_sprintf ("actor '%s' says role '%s', but the plan gives it role '%s'",
                                     actor->name, msg->actor_hello.role, actor->role);
        s_refuse (self, msg->routing_id, 409, reason);
        zstr_free (&reason);
        return;
    }
    bool first = !actor->registered;
    zframe_destroy (&actor->routing_id);
    actor->routing_id = zframe_dup (msg->routing_id);
    actor->registered = true;
    actor->last_seen = zclock_mono ();
    //  A hello may come without a pid (it is optional) and a later one with it
    bool pid_learnt = msg->actor_hello.pid && msg->actor_hello.pid != actor->pid;
    if (msg->actor_hello.pid)
        actor->pid = msg->actor_hello.pid;
    tf_actor_welcome_t welcome = {.run_id = self->run_id,
                                  .name = actor->name,
                                  .heartbeat_ms = (uint64_t) self->heartbeat_ms,
                                  .timeout_ms = (uint64_t) self->timeout_ms};
    tf_msg_send_to (self->service, actor->routing_id, TF_MSG_actor_welcome, &welcome);
    tf_run_plan_t plan = {.run_id = self->run_id,
                          .plan = {.data = self->plan_bytes, .size = self->plan_size}};
    tf_msg_send_to (self->service, actor->routing_id, TF_MSG_run_plan, &plan);
    if (self->have_nodes)
        tf_msg_send_to (self->service, actor->routing_id, TF_MSG_run_nodes, &self->nodes);
    if (first || pid_learnt) {
        char detail[64];
        if (actor->pid)
            snprintf (detail, sizeof detail, "pid %" PRIu64, actor->pid);
        else
            snprintf (detail, sizeof detail, "pid unknown");
        s_event (self, first ? "actor.registered" : "actor.pid", actor->name, NULL, detail);
    }
}

static void
s_on_ack (tf_coord_t *self, s_actor_t *actor, const tf_run_phase_ack_t *ack)
{
    if (!ack->ok) {
        s_abort (self, actor, "actor %s failed in phase %s: %s", actor->name, ack->phase,
                 ack->error ? ack->error : "no reason given");
        return;
    }
    if (ack->seq == self->seq && strcmp (ack->phase, tf_phase_name (self->phase)) == 0)
        actor->acked_seq = ack->seq;
}

static void
s_on_nodes (tf_coord_t *self, s_actor_t *actor, tf_msg_t *msg)
{
    if (actor != self->deployer) {
        s_refuse (self, msg->routing_id, 403, "only the deployer reports nodes");
        return;
    }
    tf_msg_body_free (TF_MSG_run_nodes, &self->nodes);
    self->nodes = msg->run_nodes; //  Take the list over from the message
    memset (&msg->run_nodes, 0, sizeof msg->run_nodes);
    free (self->nodes.run_id);
    self->nodes.run_id = strdup (self->run_id);
    self->have_nodes = true;
    tf_report_nodes (self->report, &self->nodes);
    s_publish (self, TF_MSG_run_nodes, &self->nodes);
    for (size_t index = 0; index < self->actor_count; index++) {
        s_actor_t *peer = &self->actors[index];
        if (peer->registered && !peer->lost)
            tf_msg_send_to (self->service, peer->routing_id, TF_MSG_run_nodes, &self->nodes);
    }
}

static void
s_on_result (tf_coord_t *self, s_actor_t *actor, tf_expect_result_t *result)
{
    if (actor->has_result)
        return; //  One verdict per expectation
    actor->has_result = true;
    free (result->name);
    result->name = strdup (actor->name); //  An actor speaks only for itself
    tf_report_result (self->report, result);
    s_publish (self, TF_MSG_expect_result, result); //  Into the recording, for replays
    zsys_info ("coord: result name=%s passed=%s", actor->name, result->passed ? "yes" : "no");
    //  A failure before evaluate is final: with fail_fast the run goes to
    //  evaluate at once (no cooldown), where every other expectation judges
    //  what it has seen; without, the run goes on to its planned end
    bool early = !result->passed && self->phase >= TF_PHASE_CAPTURE
                 && self->phase < TF_PHASE_EVALUATE && !self->aborted;
    bool ends_run = early && self->plan->fail_fast;
    s_event (self, "expect.result", actor->name, NULL,
             result->passed ? "passed"
             : ends_run     ? "failed early: the run goes to evaluate"
             : early        ? "failed early (fail_fast off: the run goes on)"
                            : "failed");
    if (!ends_run)
        return;
    tf_report_ended_early (self->report, actor->name, self->phase, s_now_ms ());
    s_enter (self, TF_PHASE_EVALUATE);
}

//  What a request acts on, for its events: the node, or a partition's group as
//  "validator-1,executor-0"; NULL for heal (every cut). Caller frees.
static char *
s_control_target (const tf_node_control_t *request)
{
    if (request->node)
        return strdup (request->node);
    if (request->group.count == 0)
        return NULL;
    size_t size = 1;
    for (size_t index = 0; index < request->group.count; index++)
        size += strlen (request->group.items[index]) + 1;
    char *target = (char *) zmalloc (size);
    for (size_t index = 0; index < request->group.count; index++) {
        if (index)
            strcat (target, ",");
        strcat (target, request->group.items[index]);
    }
    return target;
}

static void
s_on_node_control (tf_coord_t *self, s_actor_t *actor, tf_node_control_t *request)
{
    free (request->requester);
    request->requester = strdup (actor->name);
    char *target = s_control_target (request);
    char *detail = zsys_sprintf ("%s requested by %s (%s)", tf_control_action_str (request->action),
                                 actor->name, request->req_id);
    s_event (self, "node.control", actor->name, target, detail);
    zstr_free (&detail);
    const char *refusal = NULL;
    if (!self->plan->node_control)
        refusal = "node control is not enabled in this scenario";
    else if (!self->deployer || !self->deployer->registered || self->deployer->lost)
        refusal = "no deployer is available";
    if (refusal) {
        tf_node_control_reply_t reply = {.req_id = request->req_id,
                                         .ok = false,
                                         .error = (char *) refusal,
                                         .requester = actor->name};
        tf_msg_send_to (self->service, actor->routing_id, TF_MSG_node_control_reply, &reply);
        s_event (self, "node.control.failed", actor->name, target, refusal);
        zstr_free (&target);
        return;
    }
    //  Remembered so the outcome's event names the action and the target too
    char *key = zsys_sprintf ("%s/%s", actor->name, request->req_id);
    char *what = zsys_sprintf ("%s%s%s", tf_control_action_str (request->action), target ? " " : "",
                               target ? target : "");
    zhash_update (self->controls, key, what);
    zstr_free (&key);
    zstr_free (&what);
    zstr_free (&target);
    tf_msg_send_to (self->service, self->deployer->routing_id, TF_MSG_node_control, request);
}

static void
s_on_node_control_reply (tf_coord_t *self, s_actor_t *actor, tf_node_control_reply_t *reply)
{
    if (actor != self->deployer)
        return;
    s_actor_t *requester = reply->requester ? s_actor_by_name (self, reply->requester) : NULL;
    char *key = zsys_sprintf ("%s/%s", reply->requester ? reply->requester : "", reply->req_id);
    const char *what = (const char *) zhash_lookup (self->controls, key);
    const char *node = what && strchr (what, ' ') ? strchr (what, ' ') + 1 : NULL;
    const char *note = reply->ok ? reply->note : reply->error ? reply->error : "?";
    char *detail = zsys_sprintf ("%s %s%s%s%s", what ? what : reply->req_id,
                                 reply->ok ? "ok" : "failed: ", reply->ok && note ? " (" : "",
                                 note ? note : "", reply->ok && note ? ")" : "");
    s_event (self, reply->ok ? "node.control.done" : "node.control.failed", reply->requester, node,
             detail);
    zstr_free (&detail);
    zhash_delete (self->controls, key);
    zstr_free (&key);
    if (requester && requester->registered && !requester->lost)
        tf_msg_send_to (self->service, requester->routing_id, TF_MSG_node_control_reply, reply);
}

//  Record a feed message as it is, without decoding it
static int
s_feed_one (zloop_t *loop, zsock_t *reader, void *arg)
{
    tf_coord_t *self = (tf_coord_t *) arg;
    zmsg_t *msg = zmsg_recv (reader);
    if (!msg)
        return 0;
    zframe_t *topic = zmsg_first (msg);
    zframe_t *body = zmsg_next (msg);
    if (zmsg_size (msg) == 2 && zframe_size (topic) <= TF_MAX_TOPIC) {
        char name[TF_MAX_TOPIC + 1];
        memcpy (name, zframe_data (topic), zframe_size (topic));
        name[zframe_size (topic)] = 0;
        tf_recording_append (self->recording, TF_SOURCE_FEED, name, zframe_data (body),
                             zframe_size (body));
    }
    else
        tf_msg_reject (TF_MSG_INVALID, "feed", "wrong number of frames");
    zmsg_destroy (&msg);
    return 0;
}

//  tf saw a process of the run end: an actor still needed is lost at once
static void
s_on_exited (tf_coord_t *self, const tf_actor_exited_t *exited)
{
    s_actor_t *actor = s_actor_by_name (self, exited->name);
    if (!actor || actor->lost || self->phase == TF_PHASE_DONE)
        return;
    bool finished = self->phase == TF_PHASE_CLEANUP && !s_awaited (self, actor);
    zsys_info ("coord: actor ended name=%s status=\"%s\"%s", actor->name, exited->status,
               finished ? " (after acking cleanup)" : "");
    if (finished) {
        actor->lost = true; //  Done with the run: nothing more to await from it
        return;
    }
    s_event (self, "actor.exited", actor->name, NULL, exited->status);
    s_abort (self, actor, "actor %s %s during %s", actor->name, exited->status,
             tf_phase_name (self->phase));
    s_advance (self);
}

static int
s_on_feed (zloop_t *loop, zsock_t *reader, void *arg)
{
    return tf_msg_drain (loop, reader, arg, s_feed_one);
}

//  One message from an actor or tf
static int
s_service_one (zloop_t *loop, zsock_t *reader, void *arg)
{
    tf_coord_t *self = (tf_coord_t *) arg;
    tf_msg_t *msg = tf_msg_recv (reader);
    if (!msg)
        return 0;
    if (msg->id == TF_MSG_INVALID) {
        s_refuse (self, msg->routing_id, 400, "malformed message");
        goto out;
    }
    if (msg->id == TF_MSG_actor_hello) {
        s_on_hello (self, msg);
        goto out;
    }
    if (msg->id == TF_MSG_actor_exited) {
        s_on_exited (self, &msg->actor_exited);
        goto out;
    }
    s_actor_t *actor = s_actor_by_routing_id (self, msg->routing_id);
    if (!actor) {
        s_refuse (self, msg->routing_id, 403, "say actor.hello first");
        goto out;
    }
    actor->last_seen = zclock_mono ();
    switch (msg->id) {
        case TF_MSG_actor_heartbeat:
            break;
        case TF_MSG_run_phase_ack:
            s_on_ack (self, actor, &msg->run_phase_ack);
            break;
        case TF_MSG_run_nodes:
            s_on_nodes (self, actor, msg);
            break;
        case TF_MSG_expect_result:
            s_on_result (self, actor, &msg->expect_result);
            break;
        case TF_MSG_workload_status:
            tf_report_workload (self->report, &msg->workload_status);
            s_publish (self, TF_MSG_workload_status, &msg->workload_status);
            break;
        case TF_MSG_tx_submitted:
            s_publish (self, TF_MSG_tx_submitted, &msg->tx_submitted);
            break;
        case TF_MSG_da_published:
            s_publish (self, TF_MSG_da_published, &msg->da_published);
            break;
        case TF_MSG_da_sampled:
            s_publish (self, TF_MSG_da_sampled, &msg->da_sampled);
            break;
        case TF_MSG_node_resources:
            s_publish (self, TF_MSG_node_resources, &msg->node_resources);
            break;
        case TF_MSG_node_control:
            s_on_node_control (self, actor, &msg->node_control);
            break;
        case TF_MSG_node_control_reply:
            s_on_node_control_reply (self, actor, &msg->node_control_reply);
            break;
        default:
            s_refuse (self, msg->routing_id, 405, "the coordinator does not take this message");
            break;
    }
    s_advance (self);
out:
    tf_msg_destroy (&msg);
    return 0;
}

static int
s_on_service (zloop_t *loop, zsock_t *reader, void *arg)
{
    return tf_msg_drain (loop, reader, arg, s_service_one);
}


//  ---------------------------------------------------------------------------
//  Run

int
tf_coord_run (tf_coord_t *self)
{
    assert (self);
    //  Signals abort the run (cleanup still happens) instead of ending the loop
    zsys_handler_set (s_on_signal);
    self->run_started = zclock_mono ();
    zsys_info ("coord: started run=%s actors=%zu duration=%" PRId64 "ms cooldown=%" PRId64 "ms",
               self->run_id, self->actor_count, self->metrics.duration_ms,
               self->metrics.cooldown_ms);
    s_enter (self, TF_PHASE_REGISTER);
    while (!self->finished) {
        //  Returns when finished, on EINTR, or from the next tick when a signal
        //  came while the loop was busy rather than polling
        zloop_start (self->loop);
        if (s_signals > self->signals_handled) {
            self->signals_handled = s_signals;
            if (!self->aborted)
                s_abort (self, NULL, "interrupted by signal");
            else if (self->signals_handled > 1 && self->phase != TF_PHASE_DONE)
                s_enter (self, TF_PHASE_DONE); //  Second signal: stop waiting for cleanup
        }
    }
    if (self->auth) {
        //  Refusals never change the verdict: they are counted, with whence
        char *path = zsys_sprintf ("%s/%s", self->run_dir, TF_CURVE_REFUSED_FILE);
        zlist_t *addresses = NULL;
        size_t refused = tf_curve_refused_read (path, &addresses);
        tf_report_security (self->report, refused, addresses);
        if (refused)
            zsys_warning ("coord: %zu connections refused (no allowed certificate)", refused);
        zlist_destroy (&addresses);
        zstr_free (&path);
    }
    tf_verdict_t verdict = tf_report_verdict (self->report);
    tf_report_write (self->report, self->run_dir, tf_msg_rejected ());
    zsys_info ("coord: finished run=%s verdict=%d", self->run_id, (int) verdict);
    return (int) verdict;
}
