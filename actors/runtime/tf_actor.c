//  tf_actor.c - the runtime every actor process links
//
//  One zloop drives the actor: the control SUB (phases, abort) comes first, then
//  the service DEALER (welcome, plan, nodes, replies), then the feed SUB and any
//  readers the actor adds. Timers: hello (until welcomed), heartbeat (which also
//  watches the coordinator's silence) and the actor's own one-shot timer.
//
//  In a replay the recorded feed and the coordinator's phases travel on two
//  sockets, so cooldown or evaluate could overtake the last records: an actor
//  that follows the feed enters those phases only once the replayer's
//  feed.end has arrived (or TF_ACTOR_FEED_END_WAIT_MS has passed), so it
//  judges the whole recording, in the phase the live run saw it in.

#include "tf_actor.h"
#include "tf_curve.h"

#define TF_ACTOR_LINGER_MS        1000  //  Let a last ack reach the coordinator
#define TF_ACTOR_CLIENT_ERROR     400   //  actor.error codes from here are the caller's fault
#define TF_ACTOR_SERVER_ERROR     500   //  ... and from here the coordinator's
#define TF_ACTOR_FEED_END_WAIT_MS 10000 //  Longest a replay's phase waits for feed.end

typedef struct {
    zsock_t *reader; //  Not owned
    tf_actor_reader_fn *fn;
} s_reader_t;

struct _tf_actor_t {
    char *name;                   //  Unique actor name
    char *role;                   //  deployer|scanner|workload|expectation
    char *kind;                   //  Catalogue kind, or NULL
    char *run_dir;                //  Run directory, or NULL
    bool verbose;                 //  Debug logging
    tf_actor_handlers_t handlers; //  The actor's callbacks
    void *state;                  //  The actor's own object, not owned

    zsock_t *control;  //  SUB to the coordinator's broadcasts
    zsock_t *service;  //  DEALER to the coordinator
    zsock_t *feed;     //  SUB to the block feed, or NULL
    zloop_t *loop;     //  Drives everything
    zlistx_t *readers; //  s_reader_t items added by the actor

    char *run_id;          //  From the welcome
    bool welcomed;         //  Registration accepted
    uint64_t heartbeat_ms; //  From the welcome
    uint64_t timeout_ms;   //  Coordinator silence that means it is gone
    int hello_timer;       //  zloop timer ids, -1 when not armed
    int heartbeat_timer;
    int user_timer;
    int64_t started_at;      //  zclock_mono at tf_actor_run
    int64_t last_control_at; //  zclock_mono of the last control message

    tf_plan_t *plan;      //  Owned, NULL until received
    tf_run_nodes_t nodes; //  Owned copy of the last node list
    bool have_nodes;

    tf_phase_t phase;   //  Current phase
    uint64_t phase_seq; //  Its sequence number, 0 before the first
    bool phase_acked;   //  Ack sent for phase_seq
    bool phase_ok;      //  What the ack said
    char *phase_error;  //  Why it failed, or NULL

    bool feed_ended;       //  A replay's feed.end arrived (or its wait ran out)
    tf_phase_t held_phase; //  Phase waiting for feed.end, with its seq (0: none)
    uint64_t held_seq;
    int feed_end_timer; //  Deadline of the wait, -1 when not armed

    int exit_code; //  What tf_actor_run returns
    bool stopping; //  Loop asked to end
    bool stopped;  //  Stop handler already called
};

static int s_on_control (zloop_t *loop, zsock_t *reader, void *arg);
static int s_on_service (zloop_t *loop, zsock_t *reader, void *arg);
static int s_on_feed (zloop_t *loop, zsock_t *reader, void *arg);
static int s_on_reader (zloop_t *loop, zsock_t *reader, void *arg);
static int s_on_hello_timer (zloop_t *loop, int timer_id, void *arg);
static int s_on_heartbeat_timer (zloop_t *loop, int timer_id, void *arg);
static int s_on_user_timer (zloop_t *loop, int timer_id, void *arg);
static int s_on_feed_end_timer (zloop_t *loop, int timer_id, void *arg);
static bool s_waits_for_feed_end (tf_actor_t *self);
static void s_hold_phase (tf_actor_t *self, tf_phase_t phase, uint64_t seq);
static int s_enter_phase (tf_actor_t *self, tf_phase_t phase, uint64_t seq);
static int s_send_ack (tf_actor_t *self);


//  ---------------------------------------------------------------------------
//  Life cycle

tf_actor_t *
tf_actor_new (const tf_actor_config_t *config, const tf_actor_handlers_t *handlers, void *state)
{
    assert (config && config->name && config->role);
    assert (config->control_ep && config->service_ep);
    tf_actor_t *self = (tf_actor_t *) zmalloc (sizeof (tf_actor_t));
    self->name = strdup (config->name);
    self->role = strdup (config->role);
    self->kind = config->kind ? strdup (config->kind) : NULL;
    self->run_dir = config->run_dir ? strdup (config->run_dir) : NULL;
    self->verbose = config->verbose;
    if (handlers)
        self->handlers = *handlers;
    self->state = state;
    self->hello_timer = self->heartbeat_timer = self->user_timer = self->feed_end_timer = -1;
    self->exit_code = TF_EXIT_OK;
    self->readers = zlistx_new ();

    self->control = zsock_new (ZMQ_SUB);
    self->service = zsock_new (ZMQ_DEALER);
    self->loop = zloop_new ();
    if (!self->control || !self->service || !self->loop)
        goto failed;
    zsock_set_linger (self->service, TF_ACTOR_LINGER_MS);
    zsock_set_rcvhwm (self->control, 0);
    zsock_set_subscribe (self->control, "run.");
    //  tcp: CURVE on every socket, with the certificate the actor brings
    zcert_t *cert = NULL;
    if (config->coordinator_key) {
        if (!config->cert_path || !(cert = tf_curve_cert_load (config->cert_path, true, stderr)))
            goto failed;
        tf_curve_client (self->control, cert, config->coordinator_key);
        tf_curve_client (self->service, cert, config->coordinator_key);
    }
    if (zsock_connect (self->control, "%s", config->control_ep)) {
        zsys_error ("actor: cannot connect control endpoint=%s", config->control_ep);
        goto failed;
    }
    if (zsock_connect (self->service, "%s", config->service_ep)) {
        zsys_error ("actor: cannot connect service endpoint=%s", config->service_ep);
        goto failed;
    }
    const tf_actor_class_t *actor_class = config->actor_class;
    //  An actor follows the feed when its class names topics (and it does not
    //  publish the feed itself): the class's topics are its only subscriptions
    bool follows_feed =
        config->feed_ep && actor_class && !actor_class->publishes_feed && actor_class->feed_topics;
    if (follows_feed) {
        self->feed = zsock_new (ZMQ_SUB);
        if (self->feed)
            zsock_set_rcvhwm (self->feed, 0); //  A slow actor queues, never loses records
        if (self->feed && cert)
            tf_curve_client (self->feed, cert, config->scanner_key);
        if (!self->feed || zsock_connect (self->feed, "%s", config->feed_ep)) {
            zsys_error ("actor: cannot connect feed endpoint=%s", config->feed_ep);
            goto failed;
        }
        zloop_reader (self->loop, self->feed, s_on_feed, self);
    }
    const char *const *topics = actor_class ? actor_class->control_topics : NULL;
    for (size_t index = 0; topics && topics[index]; index++)
        zsock_set_subscribe (self->control, topics[index]);
    topics = self->feed ? actor_class->feed_topics : NULL;
    for (size_t index = 0; topics && topics[index]; index++)
        zsock_set_subscribe (self->feed, topics[index]);
    if (self->feed)
        zsock_set_subscribe (self->feed, "feed.end"); //  A replay's last record
    //  Control first: zloop polls readers in the order they were added
    zloop_reader (self->loop, self->control, s_on_control, self);
    zloop_reader (self->loop, self->service, s_on_service, self);
    zcert_destroy (&cert);
    return self;

failed:
    zcert_destroy (&cert);
    tf_actor_destroy (&self);
    return NULL;
}

void
tf_actor_destroy (tf_actor_t **self_p)
{
    assert (self_p);
    tf_actor_t *self = *self_p;
    if (!self)
        return;
    zloop_destroy (&self->loop);
    zsock_destroy (&self->feed);
    zsock_destroy (&self->service);
    zsock_destroy (&self->control);
    s_reader_t *reader = (s_reader_t *) zlistx_first (self->readers);
    while (reader) {
        free (reader);
        reader = (s_reader_t *) zlistx_next (self->readers);
    }
    zlistx_destroy (&self->readers);
    tf_plan_destroy (&self->plan);
    tf_msg_body_free (TF_MSG_run_nodes, &self->nodes);
    free (self->phase_error);
    free (self->run_id);
    free (self->run_dir);
    free (self->kind);
    free (self->role);
    free (self->name);
    free (self);
    *self_p = NULL;
}

static void
s_send_hello (tf_actor_t *self)
{
    tf_actor_hello_t hello = {
        .name = self->name, .role = self->role, .kind = self->kind, .pid = (uint64_t) getpid ()};
    tf_msg_send (self->service, TF_MSG_actor_hello, &hello);
}

//  Call the stop handler exactly once, whatever path ends the actor
static void
s_stop (tf_actor_t *self)
{
    if (!self->stopped) {
        self->stopped = true;
        if (self->handlers.stop)
            self->handlers.stop (self, self->state);
    }
}

int
tf_actor_run (tf_actor_t *self)
{
    assert (self);
    self->started_at = zclock_mono ();
    s_send_hello (self);
    self->hello_timer =
        zloop_timer (self->loop, TF_ACTOR_HELLO_INTERVAL_MS, 0, s_on_hello_timer, self);
    zsys_info ("actor: started name=%s role=%s", self->name, self->role);
    zloop_start (self->loop);
    if (!self->stopping) {
        //  The loop ended without us asking: SIGINT/SIGTERM
        zsys_notice ("actor: interrupted name=%s phase=%s", self->name,
                     tf_phase_name (self->phase));
        self->exit_code = TF_EXIT_ERROR;
    }
    s_stop (self);
    zsys_info ("actor: stopped name=%s exit=%d", self->name, self->exit_code);
    return self->exit_code;
}


//  ---------------------------------------------------------------------------
//  Phases

static int
s_send_ack (tf_actor_t *self)
{
    tf_run_phase_ack_t ack = {.name = self->name,
                              .phase = (char *) tf_phase_name (self->phase),
                              .seq = self->phase_seq,
                              .ok = self->phase_ok,
                              .error = self->phase_ok ? NULL : self->phase_error};
    return tf_msg_send (self->service, TF_MSG_run_phase_ack, &ack);
}

int
tf_actor_phase_done (tf_actor_t *self, bool ok, const char *error)
{
    assert (self);
    if (self->phase_seq == 0)
        return -1; //  No phase to acknowledge yet
    self->phase_acked = true;
    self->phase_ok = ok;
    free (self->phase_error);
    self->phase_error = ok ? NULL : strdup (error ? error : "failed");
    if (!ok)
        zsys_error ("actor: phase failed name=%s phase=%s error=\"%s\"", self->name,
                    tf_phase_name (self->phase), self->phase_error);
    return s_send_ack (self);
}

static int
s_on_phase (tf_actor_t *self, const tf_run_phase_t *phase_msg)
{
    int phase = tf_phase_by_name (phase_msg->phase);
    if (phase < 0) {
        tf_msg_reject (TF_MSG_run_phase, "run.phase", "unknown phase name");
        return 0;
    }
    if (!self->welcomed || strcmp (phase_msg->run_id, self->run_id) != 0)
        return 0; //  Not ours yet; the broadcast repeats
    if (phase_msg->seq < self->phase_seq)
        return 0;
    if (phase_msg->seq == self->phase_seq) {
        if (self->phase_acked)
            s_send_ack (self); //  Our ack may have crossed a restart
        return 0;
    }
    if (phase != TF_PHASE_DONE && !self->plan)
        return 0; //  Plan still in flight; the broadcast repeats
    //  run.nodes (service) and the next phase (control) travel on two sockets, so
    //  the phase can come first: the phases that act on nodes wait for the list
    if (phase > TF_PHASE_DEPLOY && phase < TF_PHASE_CLEANUP && !self->have_nodes)
        return 0; //  Node list still in flight; the broadcast repeats
    if ((phase == TF_PHASE_COOLDOWN || phase == TF_PHASE_EVALUATE) && s_waits_for_feed_end (self)) {
        s_hold_phase (self, (tf_phase_t) phase, phase_msg->seq);
        return 0;
    }
    return s_enter_phase (self, (tf_phase_t) phase, phase_msg->seq);
}

//  A replay's feed ends with feed.end; until then a follower of the feed has
//  records still to come
static bool
s_waits_for_feed_end (tf_actor_t *self)
{
    return self->feed && self->plan && !self->feed_ended && tf_plan_is_replay (self->plan);
}

//  Keep the newest phase until feed.end (s_release_phase); the wait is bounded
static void
s_hold_phase (tf_actor_t *self, tf_phase_t phase, uint64_t seq)
{
    self->held_phase = phase;
    self->held_seq = seq;
    if (self->feed_end_timer < 0)
        self->feed_end_timer =
            zloop_timer (self->loop, TF_ACTOR_FEED_END_WAIT_MS, 1, s_on_feed_end_timer, self);
}

//  The feed is complete (or its wait ran out): enter the held phase, if any
static int
s_release_phase (tf_actor_t *self)
{
    self->feed_ended = true;
    if (self->feed_end_timer >= 0)
        zloop_timer_end (self->loop, self->feed_end_timer);
    self->feed_end_timer = -1;
    if (self->held_seq <= self->phase_seq)
        return 0;
    return s_enter_phase (self, self->held_phase, self->held_seq);
}

static int
s_enter_phase (tf_actor_t *self, tf_phase_t phase, uint64_t seq)
{
    self->phase = phase;
    self->phase_seq = seq;
    self->phase_acked = false;
    if (self->verbose)
        zsys_debug ("actor: phase name=%s phase=%s seq=%" PRIu64, self->name, tf_phase_name (phase),
                    seq);
    if (phase == TF_PHASE_DONE) {
        self->stopping = true;
        return -1;
    }
    int rc =
        self->handlers.phase ? self->handlers.phase (self, self->state, self->phase) : TF_ACTOR_ACK;
    if (self->stopping)
        return -1; //  Handler called tf_actor_fail
    if (rc == TF_ACTOR_ACK)
        tf_actor_phase_done (self, true, NULL);
    else if (rc == TF_ACTOR_ERROR && !self->phase_acked)
        tf_actor_phase_done (self, false, "phase handler failed");
    return 0;
}

void
tf_actor_fail (tf_actor_t *self, const char *format, ...)
{
    assert (self && format);
    va_list args;
    va_start (args, format);
    char *reason = zsys_vprintf (format, args);
    va_end (args);
    //  Tell the coordinator through the ack of the current phase, even if it
    //  was acknowledged before: a failed ack always aborts the run
    if (self->welcomed && self->phase_seq > 0)
        tf_actor_phase_done (self, false, reason);
    else
        zsys_error ("actor: failed name=%s error=\"%s\"", self->name, reason);
    zstr_free (&reason);
    self->exit_code = TF_EXIT_ERROR;
    self->stopping = true;
    zloop_timer (self->loop, 0, 1, s_on_user_timer, NULL); //  Wake the loop so it ends
}


//  ---------------------------------------------------------------------------
//  Socket handlers

static int
s_dispatch (tf_actor_t *self, tf_msg_t *msg)
{
    int rc = 0;
    if (self->handlers.message)
        rc = self->handlers.message (self, self->state, msg);
    return self->stopping ? -1 : rc;
}

static int
s_control_one (zloop_t *loop, zsock_t *reader, void *arg)
{
    tf_actor_t *self = (tf_actor_t *) arg;
    tf_msg_t *msg = tf_msg_recv (reader);
    if (!msg)
        return self->stopping ? -1 : 0;
    self->last_control_at = zclock_mono ();
    int rc = 0;
    if (msg->id == TF_MSG_run_phase)
        rc = s_on_phase (self, &msg->run_phase);
    else {
        if (msg->id == TF_MSG_run_abort && self->welcomed
            && strcmp (msg->run_abort.run_id, self->run_id) == 0)
            zsys_warning ("actor: run aborted name=%s reason=\"%s\"", self->name,
                          msg->run_abort.reason);
        rc = s_dispatch (self, msg);
    }
    tf_msg_destroy (&msg);
    return rc;
}

//  Every control message waiting, one wakeup
static int
s_on_control (zloop_t *loop, zsock_t *reader, void *arg)
{
    return tf_msg_drain (loop, reader, arg, s_control_one);
}

static int
s_on_welcome (tf_actor_t *self, const tf_actor_welcome_t *welcome)
{
    if (self->welcomed || strcmp (welcome->name, self->name) != 0)
        return 0;
    self->welcomed = true;
    self->run_id = strdup (welcome->run_id);
    self->heartbeat_ms = welcome->heartbeat_ms ? welcome->heartbeat_ms : 1;
    self->timeout_ms = welcome->timeout_ms;
    self->last_control_at = zclock_mono ();
    zloop_timer_end (self->loop, self->hello_timer);
    self->hello_timer = -1;
    self->heartbeat_timer =
        zloop_timer (self->loop, self->heartbeat_ms, 0, s_on_heartbeat_timer, self);
    zsys_info ("actor: welcomed name=%s run=%s", self->name, self->run_id);
    return 0;
}

static int
s_service_one (zloop_t *loop, zsock_t *reader, void *arg)
{
    tf_actor_t *self = (tf_actor_t *) arg;
    tf_msg_t *msg = tf_msg_recv (reader);
    if (!msg)
        return self->stopping ? -1 : 0;
    int rc = 0;
    switch (msg->id) {
        case TF_MSG_actor_welcome:
            rc = s_on_welcome (self, &msg->actor_welcome);
            break;
        case TF_MSG_run_plan:
            if (self->plan)
                break; //  Sent once per welcome; keep the first
            self->plan = tf_plan_unpack (msg->run_plan.plan.data, msg->run_plan.plan.size);
            if (!self->plan)
                tf_actor_fail (self, "cannot decode the plan");
            else if (self->handlers.plan && self->handlers.plan (self, self->state, self->plan) != 0
                     && !self->stopping)
                tf_actor_fail (self, "actor rejected the plan");
            rc = self->stopping ? -1 : 0;
            break;
        case TF_MSG_run_nodes:
            //  Take the list over from the message
            tf_msg_body_free (TF_MSG_run_nodes, &self->nodes);
            self->nodes = msg->run_nodes;
            memset (&msg->run_nodes, 0, sizeof msg->run_nodes);
            self->have_nodes = true;
            if (self->handlers.nodes && self->handlers.nodes (self, self->state, &self->nodes))
                tf_actor_fail (self, "actor rejected the node list");
            rc = self->stopping ? -1 : 0;
            break;
        case TF_MSG_actor_error:
            zsys_warning ("actor: coordinator refused a request code=%" PRIu64 " reason=\"%s\"",
                          msg->actor_error.code, msg->actor_error.reason);
            //  A hello refused for the caller's fault (unknown name, wrong role, lost)
            //  will be refused again: stop now, saying why, not at the welcome timeout
            if (!self->welcomed && msg->actor_error.code >= TF_ACTOR_CLIENT_ERROR
                && msg->actor_error.code < TF_ACTOR_SERVER_ERROR) {
                tf_actor_fail (self, "the coordinator refused this actor: %s",
                               msg->actor_error.reason);
                rc = -1;
            }
            break;
        default:
            rc = s_dispatch (self, msg);
            break;
    }
    tf_msg_destroy (&msg);
    return rc;
}

//  Every service message waiting, one wakeup
static int
s_on_service (zloop_t *loop, zsock_t *reader, void *arg)
{
    return tf_msg_drain (loop, reader, arg, s_service_one);
}

static int
s_feed_one (zloop_t *loop, zsock_t *reader, void *arg)
{
    tf_actor_t *self = (tf_actor_t *) arg;
    tf_msg_t *msg = tf_msg_recv (reader);
    if (!msg)
        return self->stopping ? -1 : 0;
    int rc = self->plan ? s_dispatch (self, msg) : 0;
    if (rc == 0 && msg->id == TF_MSG_feed_end && s_waits_for_feed_end (self)) {
        zsys_info ("actor: replayed feed complete name=%s records=%" PRIu64, self->name,
                   msg->feed_end.records);
        rc = s_release_phase (self);
    }
    tf_msg_destroy (&msg);
    return rc;
}

//  Every feed message waiting, one wakeup
static int
s_on_feed (zloop_t *loop, zsock_t *reader, void *arg)
{
    return tf_msg_drain (loop, reader, arg, s_feed_one);
}

static int
s_on_reader (zloop_t *loop, zsock_t *reader, void *arg)
{
    tf_actor_t *self = (tf_actor_t *) arg;
    s_reader_t *entry = (s_reader_t *) zlistx_first (self->readers);
    while (entry && entry->reader != reader)
        entry = (s_reader_t *) zlistx_next (self->readers);
    if (!entry)
        return 0;
    int rc = entry->fn (self, self->state, reader);
    return (rc || self->stopping) ? -1 : 0;
}


//  ---------------------------------------------------------------------------
//  Timers

static int
s_on_hello_timer (zloop_t *loop, int timer_id, void *arg)
{
    tf_actor_t *self = (tf_actor_t *) arg;
    if (zclock_mono () - self->started_at > TF_ACTOR_WELCOME_TIMEOUT_MS) {
        zsys_error ("actor: never welcomed by the coordinator name=%s after=%dms", self->name,
                    TF_ACTOR_WELCOME_TIMEOUT_MS);
        self->exit_code = TF_EXIT_ERROR;
        self->stopping = true;
        return -1;
    }
    s_send_hello (self);
    return 0;
}

static int
s_on_heartbeat_timer (zloop_t *loop, int timer_id, void *arg)
{
    tf_actor_t *self = (tf_actor_t *) arg;
    int64_t silence = zclock_mono () - self->last_control_at;
    if (self->timeout_ms && silence > (int64_t) self->timeout_ms) {
        zsys_error ("actor: coordinator silent name=%s for=%" PRId64 "ms; stopping", self->name,
                    silence);
        self->exit_code = TF_EXIT_ERROR;
        self->stopping = true;
        return -1;
    }
    tf_actor_heartbeat_t heartbeat = {.name = self->name,
                                      .phase = (char *) tf_phase_name (self->phase)};
    tf_msg_send (self->service, TF_MSG_actor_heartbeat, &heartbeat);
    return 0;
}

//  feed.end never came: judge what did, saying so
static int
s_on_feed_end_timer (zloop_t *loop, int timer_id, void *arg)
{
    tf_actor_t *self = (tf_actor_t *) arg;
    self->feed_end_timer = -1;
    zsys_warning ("actor: no feed.end within %d ms name=%s: the replayed feed may be incomplete",
                  TF_ACTOR_FEED_END_WAIT_MS, self->name);
    int rc = s_release_phase (self);
    return (rc || self->stopping) ? -1 : 0;
}

static int
s_on_user_timer (zloop_t *loop, int timer_id, void *arg)
{
    tf_actor_t *self = (tf_actor_t *) arg;
    if (!self)
        return -1; //  Wake-up armed by tf_actor_fail
    self->user_timer = -1;
    int rc = self->handlers.timer ? self->handlers.timer (self, self->state) : 0;
    return (rc || self->stopping) ? -1 : 0;
}


//  ---------------------------------------------------------------------------
//  Services for the actor

int
tf_actor_send (tf_actor_t *self, tf_msg_id_t id, const void *body)
{
    assert (self);
    return tf_msg_send (self->service, id, body);
}

int
tf_actor_send_result (tf_actor_t *self, bool passed, const char *message, const uint8_t *details,
                      size_t details_size)
{
    assert (self && message);
    if (passed)
        zsys_info ("%s", message);
    else
        zsys_error ("%s", message);
    tf_expect_result_t result = {
        .name = self->name,
        .passed = passed,
        .message = (char *) message,
        .details = {.data = (uint8_t *) details, .size = details ? details_size : 0}};
    return tf_actor_send (self, TF_MSG_expect_result, &result);
}

void
tf_actor_set_timer (tf_actor_t *self, int64_t delay_ms)
{
    assert (self);
    if (self->user_timer != -1) {
        zloop_timer_end (self->loop, self->user_timer);
        self->user_timer = -1;
    }
    if (delay_ms >= 0)
        self->user_timer = zloop_timer (self->loop, (size_t) delay_ms, 1, s_on_user_timer, self);
}

int
tf_actor_add_reader (tf_actor_t *self, zsock_t *reader, tf_actor_reader_fn *fn)
{
    assert (self && reader && fn);
    s_reader_t *entry = (s_reader_t *) zmalloc (sizeof (s_reader_t));
    entry->reader = reader;
    entry->fn = fn;
    zlistx_add_end (self->readers, entry);
    return zloop_reader (self->loop, reader, s_on_reader, self);
}

void
tf_actor_remove_reader (tf_actor_t *self, zsock_t *reader)
{
    assert (self && reader);
    zloop_reader_end (self->loop, reader);
    s_reader_t *entry = (s_reader_t *) zlistx_first (self->readers);
    while (entry) {
        if (entry->reader == reader) {
            zlistx_delete (self->readers, zlistx_cursor (self->readers));
            free (entry);
            break;
        }
        entry = (s_reader_t *) zlistx_next (self->readers);
    }
}

const char *
tf_actor_name (tf_actor_t *self)
{
    assert (self);
    return self->name;
}

const char *
tf_actor_run_id (tf_actor_t *self)
{
    assert (self);
    return self->run_id;
}

const char *
tf_actor_run_dir (tf_actor_t *self)
{
    assert (self);
    return self->run_dir;
}

const tf_plan_t *
tf_actor_plan (tf_actor_t *self)
{
    assert (self);
    return self->plan;
}

const tf_run_nodes_t *
tf_actor_nodes (tf_actor_t *self)
{
    assert (self);
    return self->have_nodes ? &self->nodes : NULL;
}

tf_phase_t
tf_actor_phase (tf_actor_t *self)
{
    assert (self);
    return self->phase;
}

bool
tf_actor_verbose (tf_actor_t *self)
{
    assert (self);
    return self->verbose;
}

uint64_t
tf_actor_now_ms (void)
{
    return (uint64_t) zclock_time ();
}
