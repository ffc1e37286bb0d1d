//  tf_scanner.c - the block scanner: follows every node, publishes the block feed

#include "tf_api_client.h"
#include "tf_scanner.h"
#include "tf_scanner_index.h"
#include "tf_scanner_worker.h"

typedef struct {
    char *name;       //  Node name
    char *api_url;    //  Its API
    zactor_t *worker; //  Follows it
    bool up;          //  Last tip sample answered
} s_follower_t;

struct _tf_scanner_t {
    tf_actor_t *actor;            //  Runtime: coordinator, phases
    zsock_t *feed;                //  PUB we bind
    tf_scanner_options_t options; //  Modes from the command line
    tf_scanner_index_t *index;    //  Published blocks and heights
    s_follower_t *followers;      //  One per followed node
    size_t follower_count;
    bool stopped;          //  Cleanup reached: follow nothing more
    uint64_t blocks;       //  Published
    uint64_t transactions; //  In published blocks
};

static int s_on_nodes (tf_actor_t *actor, void *state, const tf_run_nodes_t *nodes);
static int s_on_phase (tf_actor_t *actor, void *state, tf_phase_t phase);
static int s_on_timer (tf_actor_t *actor, void *state);
static void s_on_stop (tf_actor_t *actor, void *state);
static void s_stop_followers (tf_scanner_t *self);

tf_scanner_t *
tf_scanner_new (const tf_actor_config_t *config, const tf_scanner_options_t *options)
{
    assert (config && options && options->feed_ep);
    tf_scanner_t *self = (tf_scanner_t *) zmalloc (sizeof (tf_scanner_t));
    self->options = *options;
    self->index = tf_scanner_index_new ();
    self->feed = zsock_new (ZMQ_PUB);
    assert (self->feed);
    zsock_set_linger (self->feed, 0);
    zsock_set_sndhwm (self->feed, 0); //  Subscribers queue; never drop a block
    if (zsock_bind (self->feed, "%s", options->feed_ep) < 0) {
        zsys_error ("scanner: cannot bind feed endpoint=%s error=\"%s\"", options->feed_ep,
                    zmq_strerror (zmq_errno ()));
        goto failed;
    }
    tf_actor_config_t actor_config = *config;
    actor_config.feed_ep = NULL; //  We publish the feed; we do not follow it
    tf_actor_handlers_t handlers = {
        .nodes = s_on_nodes, .phase = s_on_phase, .timer = s_on_timer, .stop = s_on_stop};
    self->actor = tf_actor_new (&actor_config, &handlers, self);
    if (!self->actor)
        goto failed;
    zsys_info ("scanner: feed bound endpoint=%s mode=%s%s", options->feed_ep,
               options->poll_only ? "poll" : "stream", options->single_node ? " single-node" : "");
    return self;

failed:
    tf_scanner_destroy (&self);
    return NULL;
}

void
tf_scanner_destroy (tf_scanner_t **self_p)
{
    assert (self_p);
    tf_scanner_t *self = *self_p;
    if (!self)
        return;
    if (self->actor)
        s_stop_followers (self);
    free (self->followers);
    tf_actor_destroy (&self->actor);
    zsock_destroy (&self->feed);
    tf_scanner_index_destroy (&self->index);
    free (self);
    *self_p = NULL;
}

int
tf_scanner_run (tf_scanner_t *self)
{
    assert (self);
    tf_actor_set_timer (self->actor, TF_SCANNER_STATS_MS);
    return tf_actor_run (self->actor);
}


//  ---------------------------------------------------------------------------
//  Followers

//  Stop one follower's worker and free it
static void
s_follower_stop (tf_scanner_t *self, s_follower_t *follower)
{
    if (follower->worker) {
        tf_actor_remove_reader (self->actor, zactor_sock (follower->worker));
        zactor_destroy (&follower->worker);
    }
    zstr_free (&follower->name);
    zstr_free (&follower->api_url);
}

//  Stop every follower (cleanup, stop, node list replaced)
static void
s_stop_followers (tf_scanner_t *self)
{
    //  Tell every worker first, so they wind down together, not one by one
    for (size_t index = 0; index < self->follower_count; index++)
        if (self->followers[index].worker) {
            zsock_set_sndtimeo (zactor_sock (self->followers[index].worker), 0);
            zstr_send (self->followers[index].worker, "$TERM");
        }
    for (size_t index = 0; index < self->follower_count; index++)
        s_follower_stop (self, &self->followers[index]);
    self->follower_count = 0;
}

//  Follower of a node, or NULL
static s_follower_t *
s_follower_by_name (tf_scanner_t *self, const char *name)
{
    for (size_t index = 0; index < self->follower_count; index++)
        if (streq (self->followers[index].name, name))
            return &self->followers[index];
    return NULL;
}

//  Tip interval: every slot, within [TF_SCANNER_TIP_MIN_MS, TF_SCANNER_TIP_MAX_MS]
static int64_t
s_tip_ms (tf_scanner_t *self)
{
    if (self->options.poll_ms > 0)
        return self->options.poll_ms;
    const tf_plan_t *plan = tf_actor_plan (self->actor);
    int64_t tip_ms = plan ? plan->slot_ms : TF_SCANNER_TIP_MAX_MS;
    if (tip_ms > TF_SCANNER_TIP_MAX_MS)
        tip_ms = TF_SCANNER_TIP_MAX_MS;
    if (tip_ms < TF_SCANNER_TIP_MIN_MS)
        tip_ms = TF_SCANNER_TIP_MIN_MS;
    return tip_ms;
}

static int s_on_worker (tf_actor_t *actor, void *state, zsock_t *reader);

//  Follow exactly the nodes of the list (a node whose URL changed is restarted)
static int
s_on_nodes (tf_actor_t *actor, void *state, const tf_run_nodes_t *nodes)
{
    tf_scanner_t *self = (tf_scanner_t *) state;
    if (self->stopped)
        return 0;
    size_t wanted = nodes->nodes.count;
    if (self->options.single_node && wanted > 1)
        wanted = 1;
    s_follower_t *next = (s_follower_t *) zmalloc ((wanted + 1) * sizeof (s_follower_t));
    for (size_t index = 0; index < wanted; index++) {
        const tf_node_info_t *node = &nodes->nodes.items[index];
        s_follower_t *old = s_follower_by_name (self, node->name);
        if (old && streq (old->api_url, node->api_url)) {
            next[index] = *old; //  Keep it running
            memset (old, 0, sizeof *old);
            continue;
        }
        tf_scanner_worker_args_t args = {.node = node->name,
                                         .api_url = node->api_url,
                                         .stream = !self->options.poll_only,
                                         .tip_ms = s_tip_ms (self),
                                         .verbose = tf_actor_verbose (actor)};
        next[index].name = strdup (node->name);
        next[index].api_url = strdup (node->api_url);
        next[index].worker = tf_scanner_worker_new (&args);
        if (!next[index].worker) {
            zsys_error ("scanner: cannot start a worker node=%s", node->name);
            zstr_free (&next[index].name);
            zstr_free (&next[index].api_url);
            s_stop_followers (self);
            free (self->followers);
            self->followers = next;
            self->follower_count = index;
            return -1;
        }
        tf_actor_add_reader (actor, zactor_sock (next[index].worker), s_on_worker);
        zsys_info ("scanner: following node=%s url=%s", node->name, node->api_url);
    }
    s_stop_followers (self); //  Those not kept
    free (self->followers);
    self->followers = next;
    self->follower_count = wanted;
    return 0;
}


//  ---------------------------------------------------------------------------
//  Publishing

//  Publish one record on the feed
static void
s_publish (tf_scanner_t *self, tf_msg_id_t id, const void *body)
{
    if (tf_msg_send (self->feed, id, body))
        zsys_warning ("scanner: cannot publish %s", tf_msg_topic (id));
}

//  Publish the running totals
static void
s_publish_stats (tf_scanner_t *self)
{
    uint64_t up = 0;
    for (size_t index = 0; index < self->follower_count; index++)
        up += self->followers[index].up;
    tf_feed_stats_t stats = {.blocks = self->blocks,
                             .transactions = self->transactions,
                             .nodes_up = up,
                             .nodes = self->follower_count,
                             .at_ms = tf_actor_now_ms ()};
    s_publish (self, TF_MSG_feed_stats, &stats);
}

//  A node reported a block: publish it if it is new to the feed
static void
s_on_block (tf_scanner_t *self, tf_feed_block_t *block)
{
    uint64_t height = 0;
    tf_scanner_index_rc_t rc =
        tf_scanner_index_add (self->index, block->id, block->parent, &height);
    if (rc == TF_SCANNER_INDEX_ORPHAN) {
        zsys_warning ("scanner: block without a known parent id=%s parent=%s node=%s", block->id,
                      block->parent, block->nodes.count ? block->nodes.items[0] : "?");
        return;
    }
    if (rc == TF_SCANNER_INDEX_KNOWN || tf_api_id_is_zero (block->parent))
        return; //  Genesis anchors heights; it is not news
    block->height = height;
    self->blocks++;
    self->transactions += block->txs.count;
    s_publish (self, TF_MSG_feed_block, block);
    if (tf_actor_verbose (self->actor))
        zsys_debug ("scanner: block height=%" PRIu64 " id=%.12s txs=%zu node=%s", height, block->id,
                    block->txs.count, block->nodes.items[0]);
}

//  One record from a worker's pipe
static int
s_on_worker (tf_actor_t *actor, void *state, zsock_t *reader)
{
    tf_scanner_t *self = (tf_scanner_t *) state;
    zmsg_t *msg = zmsg_recv (reader);
    if (!msg)
        return 0;
    char *kind = zmsg_popstr (msg);
    zframe_t *body = zmsg_pop (msg);
    if (!kind || !body)
        zsys_error ("scanner: worker sent a record without kind or body");
    else if (streq (kind, TF_SCANNER_WORKER_BLOCK)) {
        tf_feed_block_t block;
        if (tf_msg_decode (TF_MSG_feed_block, zframe_data (body), zframe_size (body), &block) == 0)
            s_on_block (self, &block);
        else
            zsys_error ("scanner: worker sent a malformed block: %s", tf_msg_last_error ());
        tf_msg_body_free (TF_MSG_feed_block, &block);
    }
    else if (streq (kind, TF_SCANNER_WORKER_TIP)) {
        tf_feed_tip_t tip;
        if (tf_msg_decode (TF_MSG_feed_tip, zframe_data (body), zframe_size (body), &tip) == 0) {
            s_follower_t *follower = s_follower_by_name (self, tip.node);
            if (follower)
                follower->up = tip.up;
            s_publish (self, TF_MSG_feed_tip, &tip);
        }
        else
            zsys_error ("scanner: worker sent a malformed tip: %s", tf_msg_last_error ());
        tf_msg_body_free (TF_MSG_feed_tip, &tip);
    }
    zframe_destroy (&body);
    zstr_free (&kind);
    zmsg_destroy (&msg);
    return 0;
}


//  ---------------------------------------------------------------------------
//  Phases and timers

//  Stop following at cleanup; acknowledge every phase at once
static int
s_on_phase (tf_actor_t *actor, void *state, tf_phase_t phase)
{
    tf_scanner_t *self = (tf_scanner_t *) state;
    if (phase == TF_PHASE_CLEANUP && !self->stopped) {
        s_publish_stats (self);
        s_stop_followers (self);
        self->stopped = true;
        zsys_info ("scanner: stopped following blocks=%" PRIu64 " transactions=%" PRIu64,
                   self->blocks, self->transactions);
    }
    return TF_ACTOR_ACK;
}

//  Periodic feed.stats
static int
s_on_timer (tf_actor_t *actor, void *state)
{
    tf_scanner_t *self = (tf_scanner_t *) state;
    if (!self->stopped)
        s_publish_stats (self);
    tf_actor_set_timer (actor, TF_SCANNER_STATS_MS);
    return 0;
}

//  Every exit path: no worker outlives the actor
static void
s_on_stop (tf_actor_t *actor, void *state)
{
    tf_scanner_t *self = (tf_scanner_t *) state;
    s_stop_followers (self);
    self->stopped = true;
}


//  ---------------------------------------------------------------------------
//  Command line

int
tf_scanner_options_take (tf_scanner_options_t *options, int *argc, char **argv)
{
    assert (options && argc && argv);
    int kept = 1;
    for (int index = 1; index < *argc; index++) {
        const char *flag = argv[index];
        if (streq (flag, "--poll-only"))
            options->poll_only = true;
        else if (streq (flag, "--single-node"))
            options->single_node = true;
        else if (streq (flag, "--poll-ms")) {
            char *end = NULL;
            long value = index + 1 < *argc ? strtol (argv[index + 1], &end, 10) : 0;
            if (!end || *end || value <= 0) {
                fprintf (stderr, "tf-scanner: --poll-ms needs a positive number of ms\n");
                return -1;
            }
            options->poll_ms = value;
            index++;
        }
        else
            argv[kept++] = argv[index];
    }
    *argc = kept;
    argv[kept] = NULL;
    return 0;
}
