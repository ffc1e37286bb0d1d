//  tf_replayer.c - plays a past run's recording back to expectations
//
//  In a replay the replayer stands in for the deployer and the scanner: at
//  deploy it reports the recorded node list, and at execute it re-publishes
//  every recorded feed record on the feed PUB and hands every recorded
//  workload record (tx.submitted, da.published, workload.status) and every
//  da.sampled back to the coordinator, which relays them on control exactly as
//  in the live run. Expectations then judge the same data offline. The feed
//  ends with feed.end, which tells its followers that every recorded record
//  has been published before it.
//
//  The feed is an XPUB: before it plays anything back, the replayer waits at
//  deploy until subscriptions have stopped arriving for a settle time, so
//  every subscriber of the run (coordinator, expectations, tf itself) is
//  connected when the first record goes out. A replay runs its phases at
//  once, faster than ZeroMQ's reconnect interval, so without this a
//  subscriber that connected before the bind would miss the whole feed.
//
//  Consumes: run.phase (through the runtime)
//  Emits:    run.nodes, tx.submitted, da.published, da.sampled, workload.status;
//            feed.* and feed.end on its PUB

#include "tf_recording.h"
#include "tf_replayer.h"

struct _tf_replayer_t {
    char *recording_path;      //  bus.rec of the past run
    zsock_t *feed;             //  XPUB bound at the run's feed endpoint
    tf_actor_t *actor;         //  Not owned
    uint64_t replayed;         //  Records re-published
    uint64_t subscriptions;    //  Subscription messages seen on the feed
    int64_t settle_started;    //  zclock_mono when deploy began to settle
    int64_t last_subscription; //  zclock_mono of the last one seen
    bool settling;             //  Deploy waits for subscribers
};

tf_replayer_t *
tf_replayer_new (const char *recording_path, const char *feed_ep)
{
    assert (recording_path && feed_ep);
    tf_replayer_t *self = (tf_replayer_t *) zmalloc (sizeof (tf_replayer_t));
    self->recording_path = strdup (recording_path);
    self->feed = zsock_new (ZMQ_XPUB);
    assert (self->feed);
    zsock_set_sndhwm (self->feed, 0);       //  Queue, never drop, however fast we replay
    zsock_set_xpub_verbose (self->feed, 1); //  Every subscriber's subscriptions, not just new ones
    if (zsock_bind (self->feed, "%s", feed_ep) < 0) {
        zsys_error ("replayer: cannot bind feed endpoint=%s error=\"%s\"", feed_ep,
                    zmq_strerror (zmq_errno ()));
        tf_replayer_destroy (&self);
    }
    return self;
}

void
tf_replayer_destroy (tf_replayer_t **self_p)
{
    assert (self_p);
    tf_replayer_t *self = *self_p;
    if (!self)
        return;
    zsock_destroy (&self->feed);
    free (self->recording_path);
    free (self);
    *self_p = NULL;
}

//  Send the last recorded node list to the coordinator, as a deployer would
static int
s_replay_nodes (tf_replayer_t *self)
{
    tf_recording_t *recording = tf_recording_open (self->recording_path);
    if (!recording)
        return -1;
    tf_run_nodes_t nodes = {0};
    bool found = false;
    tf_record_t record;
    int rc;
    while ((rc = tf_recording_next (recording, &record)) == 1)
        if (record.source == TF_SOURCE_CONTROL && strcmp (record.topic, "run.nodes") == 0) {
            tf_msg_body_free (TF_MSG_run_nodes, &nodes);
            found = tf_msg_decode (TF_MSG_run_nodes, record.body, record.size, &nodes) == 0;
        }
    tf_recording_destroy (&recording);
    if (rc < 0) {
        zsys_error ("replayer: cannot read path=%s: %s", self->recording_path,
                    tf_recording_last_error ());
        tf_msg_body_free (TF_MSG_run_nodes, &nodes);
        return -1;
    }
    if (!found)
        nodes.run_id = strdup (tf_actor_run_id (self->actor)); //  A run without nodes
    tf_actor_send (self->actor, TF_MSG_run_nodes, &nodes);
    tf_msg_body_free (TF_MSG_run_nodes, &nodes);
    return 0;
}

//  Re-publish the feed and hand the workload records back, in recorded order
static int
s_replay_records (tf_replayer_t *self)
{
    tf_recording_t *recording = tf_recording_open (self->recording_path);
    if (!recording)
        return -1;
    tf_record_t record;
    int rc;
    uint64_t feed_records = 0;
    while ((rc = tf_recording_next (recording, &record)) == 1) {
        if (record.source == TF_SOURCE_FEED && strcmp (record.topic, "feed.end") == 0)
            continue; //  A replay's recording: its own end is sent below
        if (record.source == TF_SOURCE_FEED) {
            tf_msg_send_raw (self->feed, record.topic, record.body, record.size);
            self->replayed++;
            feed_records++;
            continue;
        }
        tf_msg_id_t id = tf_msg_id_by_topic (record.topic, strlen (record.topic));
        if (id != TF_MSG_tx_submitted && id != TF_MSG_da_published && id != TF_MSG_da_sampled
            && id != TF_MSG_workload_status && id != TF_MSG_node_resources)
            continue; //  The coordinator makes its own control traffic
        tf_msg_t msg = {.id = id};
        if (tf_msg_decode (id, record.body, record.size, &msg.actor_hello) == 0) {
            tf_actor_send (self->actor, id, &msg.actor_hello);
            tf_msg_body_free (id, &msg.actor_hello);
            self->replayed++;
        }
    }
    tf_recording_destroy (&recording);
    if (rc < 0)
        return -1;
    tf_feed_end_t end = {.records = feed_records};
    tf_msg_send (self->feed, TF_MSG_feed_end, &end);
    zsys_info ("replayer: replayed records=%" PRIu64 " feed=%" PRIu64, self->replayed,
               feed_records);
    return 0;
}

//  Subscriptions arriving on the feed: note when the last one came
static int
s_on_subscription (tf_actor_t *actor, void *state, zsock_t *reader)
{
    tf_replayer_t *self = (tf_replayer_t *) state;
    zmsg_t *msg = zmsg_recv (reader);
    zmsg_destroy (&msg);
    self->subscriptions++;
    self->last_subscription = zclock_mono ();
    return 0;
}

//  Deploy ends once subscriptions have been quiet for the settle time, or at
//  the longest wait
static int
s_on_timer (tf_actor_t *actor, void *state)
{
    tf_replayer_t *self = (tf_replayer_t *) state;
    if (!self->settling)
        return 0;
    int64_t now = zclock_mono ();
    int64_t quiet_since = self->last_subscription > self->settle_started ? self->last_subscription
                                                                         : self->settle_started;
    if (now - quiet_since < TF_REPLAYER_SETTLE_MS
        && now - self->settle_started < TF_REPLAYER_SETTLE_MAX_MS) {
        tf_actor_set_timer (actor, quiet_since + TF_REPLAYER_SETTLE_MS - now);
        return 0;
    }
    self->settling = false;
    zsys_info ("replayer: feed subscribers settled subscriptions=%" PRIu64 " after=%" PRId64 "ms",
               self->subscriptions, now - self->settle_started);
    tf_actor_phase_done (actor, true, NULL);
    return 0;
}

static int
s_on_phase (tf_actor_t *actor, void *state, tf_phase_t phase)
{
    tf_replayer_t *self = (tf_replayer_t *) state;
    if (!self->actor)
        tf_actor_add_reader (actor, self->feed, s_on_subscription);
    self->actor = actor;
    if (phase == TF_PHASE_DEPLOY && s_replay_nodes (self)) {
        char *why =
            zsys_sprintf ("cannot read the recorded node list: %s", tf_recording_last_error ());
        tf_actor_phase_done (actor, false, why);
        zstr_free (&why);
        return TF_ACTOR_PENDING;
    }
    if (phase == TF_PHASE_DEPLOY) {
        self->settling = true;
        self->settle_started = zclock_mono ();
        tf_actor_set_timer (actor, TF_REPLAYER_SETTLE_MS);
        return TF_ACTOR_PENDING;
    }
    if (phase == TF_PHASE_EXECUTE && s_replay_records (self)) {
        tf_actor_phase_done (actor, false, "the recording is corrupt");
        return TF_ACTOR_PENDING;
    }
    return TF_ACTOR_ACK;
}

//  The class's create: the recording named by TF_REPLAY_RECORDING, the feed at --feed
static void *
s_create (const tf_actor_config_t *config)
{
    const char *recording = getenv (TF_REPLAY_RECORDING_ENV);
    if (!recording || !*recording) {
        zsys_error ("replayer: %s is not set (tf replay sets it)", TF_REPLAY_RECORDING_ENV);
        return NULL;
    }
    return tf_replayer_new (recording, config->feed_ep);
}

static void
s_destroy (void **state_p)
{
    tf_replayer_destroy ((tf_replayer_t **) state_p);
}

static const tf_actor_handlers_t s_handlers = {.phase = s_on_phase, .timer = s_on_timer};

const tf_actor_class_t tf_replayer_class = {
    .program = "tf-deployer-replay",
    .role = "deployer",
    .kind = "replay",
    .summary =
        "The deployer of runner replay: plays a past run's recording "
        "(set\n" TF_REPLAY_RECORDING_ENV ") back to its expectations. Started by `tf replay`.\n",
    .publishes_feed = true,
    .create = s_create,
    .destroy = s_destroy,
    .handlers = &s_handlers,
};
