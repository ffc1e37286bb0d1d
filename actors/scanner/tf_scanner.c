//  tf_scanner.c - the block scanner: follows every node, publishes the block feed

#include <malloc.h>
#include "tf_api_client.h"
#include "tf_curve.h"
#include "tf_scanner.h"
#include "tf_scanner_index.h"
#include "tf_scanner_worker.h"

typedef struct {
    char *name;          //  Node name
    char *api_url;       //  Its API
    zactor_t *worker;    //  Follows it
    bool up;             //  Last tip sample answered
    uint64_t lib_height; //  Height of its highest LIB the feed holds: 0 none yet
} s_follower_t;

typedef struct {
    tf_actor_t *actor;         //  Runtime, not owned: set by the plan handler
    zsock_t *feed;             //  PUB we bind
    zactor_t *auth;            //  Its ZAP handler, on tcp
    bool poll_only;            //  --poll-only: no streams, poll info
    int64_t poll_ms;           //  --poll-ms: tip interval (0: from the slot)
    bool single_node;          //  --single-node: follow only the first node
    tf_scanner_index_t *index; //  Published blocks and heights
    tf_scanner_known_t *known; //  The same blocks, for the workers to skip
    s_follower_t *followers;   //  One per followed node
    size_t follower_count;
    uint64_t floor;        //  Blocks below this height are forgotten
    int64_t trimmed_ms;    //  Last malloc_trim (monotonic)
    bool stopped;          //  Cleanup reached: follow nothing more
    uint64_t blocks;       //  Published
    uint64_t transactions; //  In published blocks
} tf_scanner_t;

static int s_on_nodes (tf_actor_t *actor, void *state, const tf_run_nodes_t *nodes);
static int s_on_phase (tf_actor_t *actor, void *state, tf_phase_t phase);
static int s_on_timer (tf_actor_t *actor, void *state);
static void s_on_stop (tf_actor_t *actor, void *state);
static void s_stop_followers (tf_scanner_t *self);
static void s_destroy (void **state_p);

//  Bind the feed and read the modes from the command line
static void *
s_create (const tf_actor_config_t *config)
{
    tf_scanner_t *self = (tf_scanner_t *) zmalloc (sizeof (tf_scanner_t));
    self->poll_only = tf_actor_config_flag (config, "poll-only") != NULL;
    self->single_node = tf_actor_config_flag (config, "single-node") != NULL;
    const char *poll_ms = tf_actor_config_flag (config, "poll-ms");
    self->poll_ms = poll_ms ? atoll (poll_ms) : 0;
    self->index = tf_scanner_index_new ();
    self->known = tf_scanner_known_new ();
    self->feed = zsock_new (ZMQ_PUB);
    assert (self->feed);
    zsock_set_linger (self->feed, 0);
    zsock_set_sndhwm (self->feed, 0); //  Subscribers queue; never drop a block
    if (tf_curve_serve_from_env (self->feed, &self->auth, config->run_dir)) {
        void *state = self;
        s_destroy (&state);
        return NULL;
    }
    if (zsock_bind (self->feed, "%s", config->feed_ep) < 0) {
        zsys_error ("scanner: cannot bind feed endpoint=%s error=\"%s\"", config->feed_ep,
                    zmq_strerror (zmq_errno ()));
        void *state = self;
        s_destroy (&state);
        return NULL;
    }
    zsys_info ("scanner: feed bound endpoint=%s mode=%s%s", config->feed_ep,
               self->poll_only ? "poll" : "stream", self->single_node ? " single-node" : "");
    return self;
}

static void
s_destroy (void **state_p)
{
    tf_scanner_t *self = (tf_scanner_t *) *state_p;
    if (!self)
        return;
    s_stop_followers (self); //  Before the registry they read goes
    free (self->followers);
    zsock_destroy (&self->feed);
    zactor_destroy (&self->auth);
    tf_scanner_index_destroy (&self->index);
    tf_scanner_known_destroy (&self->known);
    free (self);
    *state_p = NULL;
}

//  The first message of the run: from now on the stats tick
static int
s_on_plan (tf_actor_t *actor, void *state, const tf_plan_t *plan)
{
    tf_scanner_t *self = (tf_scanner_t *) state;
    self->actor = actor;
    tf_actor_set_timer (actor, TF_SCANNER_STATS_MS);
    return 0;
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
    malloc_trim (0); //  A stopped worker's thread arena goes back to the system
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
    if (self->poll_ms > 0)
        return self->poll_ms;
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
    if (self->single_node && wanted > 1)
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
                                         .stream = !self->poll_only,
                                         .tip_ms = s_tip_ms (self),
                                         .verbose = tf_actor_verbose (actor),
                                         .known = self->known};
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
    //  From now on the workers walk past it (a worker may have sent it already)
    tf_scanner_known_add (self->known, block->id, block->parent, block->slot);
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
            uint64_t lib_height = 0;
            if (follower)
                follower->up = tip.up;
            if (follower && tip.up
                && tf_scanner_index_height (self->index, tip.lib, &lib_height) == 0
                && lib_height > follower->lib_height)
                follower->lib_height = lib_height;
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
        zsys_info ("scanner: stopped following blocks=%" PRIu64 " transactions=%" PRIu64
                   " held=%zu below_height=%" PRIu64,
                   self->blocks, self->transactions, tf_scanner_index_size (self->index),
                   self->floor);
    }
    return TF_ACTOR_ACK;
}

//  The index forgets a block: so do the workers
static void
s_forgotten (const char *id, void *arg)
{
    tf_scanner_known_forget ((tf_scanner_known_t *) arg, id);
}

//  Forget blocks far below every node's LIB: no node will build on them, and
//  a node that announces one again is walked no further back than that
static void
s_forget_settled (tf_scanner_t *self)
{
    uint64_t lowest = UINT64_MAX;
    for (size_t index = 0; index < self->follower_count; index++)
        if (self->followers[index].lib_height < lowest)
            lowest = self->followers[index].lib_height;
    if (self->follower_count == 0 || lowest <= TF_SCANNER_KEEP_BELOW_LIB)
        return;
    uint64_t floor = lowest - TF_SCANNER_KEEP_BELOW_LIB;
    if (floor <= self->floor)
        return;
    tf_scanner_index_forget_below (self->index, floor, s_forgotten, self->known);
    self->floor = floor;
    //  What the workers' threads freed (reconnects, walks) goes back to the
    //  system too, not only into their malloc arenas
    int64_t now = zclock_mono ();
    if (now >= self->trimmed_ms + TF_SCANNER_TRIM_MS) {
        malloc_trim (0);
        self->trimmed_ms = now;
    }
}

//  Periodic feed.stats, and forgetting what is settled
static int
s_on_timer (tf_actor_t *actor, void *state)
{
    tf_scanner_t *self = (tf_scanner_t *) state;
    if (!self->stopped) {
        s_publish_stats (self);
        s_forget_settled (self);
    }
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
//  The program

static const tf_actor_handlers_t s_handlers = {.plan = s_on_plan,
                                               .nodes = s_on_nodes,
                                               .phase = s_on_phase,
                                               .timer = s_on_timer,
                                               .stop = s_on_stop};

static const tf_actor_flag_t s_flags[] = {
    {"poll-only", NULL, false, "no block streams: poll /cryptarchia/info"},
    {"poll-ms", "N", true, "tip sampling interval in ms (default: from the slot)"},
    {"single-node", NULL, false, "follow only the first node, as the seeds' anchor does"},
};

const tf_actor_class_t tf_scanner_class = {
    .program = "tf-scanner",
    .role = "scanner",
    .summary = "The block scanner: binds the block feed (--feed) and follows every node's chain.\n",
    .publishes_feed = true,
    .flags = s_flags,
    .flag_count = sizeof s_flags / sizeof s_flags[0],
    .create = s_create,
    .destroy = s_destroy,
    .handlers = &s_handlers,
};
