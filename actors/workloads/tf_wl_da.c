//  tf_wl_da.c - workload da (see tf_wl_da.h)

#include <math.h>
#include <sodium.h>
#include "tf_api_tx.h"
#include "tf_keys.h"
#include "tf_rng.h"
#include "tf_run_metrics.h"
#include "tf_wl_da.h"
#include "tf_wl_da_send.h"

#define S_HEX TF_KEYS_HEX_SIZE

typedef enum {
    S_CHANNEL_NEW,     //  Not inscribed yet
    S_CHANNEL_SENT,    //  Inscription in flight
    S_CHANNEL_WAITING, //  Accepted; waiting for it on the feed
    S_CHANNEL_READY,   //  Inscribed: blobs may go
    S_CHANNEL_DEAD     //  Inscription refused or failed
} s_channel_state_t;

typedef struct {
    uint8_t id[TF_KEYS_HASH_SIZE]; //  Channel id
    char id_hex[S_HEX];
    tf_key_t signer;     //  Inscription signer
    char tx_hash[S_HEX]; //  Inscription tx hash
    char parent[S_HEX];  //  Last message: the next blob's parent
    s_channel_state_t state;
    size_t blobs_planned; //  Blobs this channel carries
    size_t blobs_sent;    //  ... dispersed so far (any outcome)
} s_channel_t;

typedef struct {
    tf_actor_t *actor;     //  Not owned
    uint64_t seed;         //  Run seed
    size_t channel_count;  //  Planned channels
    size_t blob_count;     //  Planned blobs
    s_channel_t *channels; //  channel_count of them
    size_t next_channel;   //  Round-robin cursor for blobs
    char **names;          //  Node names (owned)
    char **urls;           //  Their API URLs (owned)
    tf_key_t *signers;     //  Executors' leader keys, by node (valid where executor)
    bool *executor;        //  Which nodes are executors
    size_t node_count;
    tf_wl_da_send_t *send;    //  Request thread
    tf_rng_t rng;             //  Node choices
    int64_t blob_interval_ms; //  Pacing
    int64_t next_blob_at;     //  Monotonic ms the next blob is due
    int64_t duration_ms;      //  Execute
    int64_t next_status;      //  Monotonic ms of the next workload.status
    bool executing, draining;
    uint64_t started_ms, ended_ms;
    uint64_t submitted, accepted, rejected, blobs_dispersed;
} tf_wl_da_t;

void
tf_wl_da_plan_counts (int64_t channel_rate, int64_t blob_rate, int64_t headroom,
                      uint64_t expected_blocks, uint32_t security_param, size_t *channels,
                      size_t *blobs)
{
    double extra = ceil ((double) channel_rate * (double) headroom / 100.0 - 1e-9);
    uint64_t channel_total = (uint64_t) channel_rate + (uint64_t) (extra > 0 ? extra : 0);
    uint64_t per_k = security_param ? expected_blocks / security_param : expected_blocks;
    uint64_t blob_total = (uint64_t) blob_rate * (per_k > 1 ? per_k : 1);
    *channels = channel_total > TF_WL_DA_MAX_CHANNELS ? TF_WL_DA_MAX_CHANNELS : channel_total;
    *blobs = blob_total > TF_WL_DA_MAX_BLOBS ? TF_WL_DA_MAX_BLOBS : blob_total;
}

static void *
s_create (const tf_actor_config_t *config)
{
    (void) config;
    return zmalloc (sizeof (tf_wl_da_t));
}

static void
s_free_nodes (tf_wl_da_t *self)
{
    for (size_t index = 0; index < self->node_count; index++) {
        free (self->names[index]);
        free (self->urls[index]);
    }
    free (self->names);
    free (self->urls);
    free (self->signers);
    free (self->executor);
    self->names = self->urls = NULL;
    self->signers = NULL;
    self->executor = NULL;
    self->node_count = 0;
}

static void
s_destroy (void **state_p)
{
    tf_wl_da_t *self = (tf_wl_da_t *) *state_p;
    if (!self)
        return;
    tf_wl_da_send_destroy (&self->send);
    s_free_nodes (self);
    free (self->channels);
    free (self);
    *state_p = NULL;
}

static int
s_on_plan (tf_actor_t *actor, void *state, const tf_plan_t *plan)
{
    tf_wl_da_t *self = (tf_wl_da_t *) state;
    self->actor = actor;
    const tf_plan_item_t *item = tf_plan_item_by_name (plan, tf_actor_name (actor));
    int64_t channel_rate = tf_plan_knob_int (item, "channel_rate", 1);
    int64_t blob_rate = tf_plan_knob_int (item, "blob_rate", 1);
    int64_t headroom = tf_plan_knob_int (item, "headroom", TF_WL_DA_HEADROOM);
    if (channel_rate < 1 || blob_rate < 1 || headroom < 0) {
        tf_actor_fail (actor, "da: channel_rate and blob_rate must be >= 1, headroom >= 0");
        return -1;
    }
    tf_run_metrics_t metrics = tf_run_metrics (plan);
    tf_wl_da_plan_counts (channel_rate, blob_rate, headroom, metrics.expected_blocks,
                          plan->security_param, &self->channel_count, &self->blob_count);
    self->seed = plan->seed;
    self->duration_ms = metrics.duration_ms;
    int64_t window = (int64_t) ((double) metrics.duration_ms * TF_WL_DA_PUBLISH_SHARE);
    self->blob_interval_ms = self->blob_count ? window / (int64_t) self->blob_count : window;
    if (self->blob_interval_ms < 1)
        self->blob_interval_ms = 1;
    free (self->channels);
    self->channels = (s_channel_t *) zmalloc (self->channel_count * sizeof (s_channel_t));
    for (size_t index = 0; index < self->channel_count; index++) {
        s_channel_t *channel = &self->channels[index];
        if (tf_keys_seed (TF_WL_DA_KEY_PURPOSE, plan->seed, (uint32_t) (2 * index), channel->id)
            || tf_keys_derive (TF_WL_DA_KEY_PURPOSE, plan->seed, (uint32_t) (2 * index + 1),
                               &channel->signer)) {
            tf_actor_fail (actor, "da: cannot derive channel keys");
            return -1;
        }
        tf_keys_hex32 (channel->id, channel->id_hex);
        channel->blobs_planned = self->blob_count / self->channel_count
                                 + (index < self->blob_count % self->channel_count ? 1 : 0);
    }
    char stream[128];
    snprintf (stream, sizeof stream, "%s/nodes", tf_actor_name (actor));
    tf_rng_seed (&self->rng, plan->seed, stream);
    zsys_info ("da: plan channels=%zu blobs=%zu (channel_rate=%" PRId64 " blob_rate=%" PRId64
               " headroom=%" PRId64 "%% expected_blocks=%" PRIu64 " k=%u) one blob every %" PRId64
               " ms",
               self->channel_count, self->blob_count, channel_rate, blob_rate, headroom,
               metrics.expected_blocks, plan->security_param, self->blob_interval_ms);
    return 0;
}

//  The deployed nodes; executors' signers are their leader keys (tf_keys "leader",
//  index validators + executor index)
static int
s_on_nodes (tf_actor_t *actor, void *state, const tf_run_nodes_t *nodes)
{
    tf_wl_da_t *self = (tf_wl_da_t *) state;
    if (self->send)
        return 0; //  Keep the thread's nodes for the run
    s_free_nodes (self);
    const tf_plan_t *plan = tf_actor_plan (actor);
    size_t count = nodes->nodes.count;
    self->names = (char **) zmalloc ((count + 1) * sizeof (char *));
    self->urls = (char **) zmalloc ((count + 1) * sizeof (char *));
    self->signers = (tf_key_t *) zmalloc ((count + 1) * sizeof (tf_key_t));
    self->executor = (bool *) zmalloc ((count + 1) * sizeof (bool));
    self->node_count = count;
    for (size_t index = 0; index < count; index++) {
        const tf_node_info_t *node = &nodes->nodes.items[index];
        self->names[index] = strdup (node->name);
        self->urls[index] = strdup (node->api_url);
        self->executor[index] = node->role && streq (node->role, "executor");
        if (self->executor[index]
            && tf_keys_derive (TF_KEYS_PURPOSE_LEADER, self->seed,
                               (uint32_t) (plan->validators + node->index), &self->signers[index]))
            return -1;
    }
    return 0;
}

//  Publish one operation on the bus
static void
s_publish (tf_wl_da_t *self, const char *what, const char *channel, const char *id,
           const char *node, uint64_t at_ms, const char *outcome, const char *reason, uint64_t size)
{
    tf_da_published_t record = {.name = (char *) tf_actor_name (self->actor),
                                .what = (char *) what,
                                .channel = (char *) channel,
                                .id = (char *) id,
                                .node = (char *) node,
                                .at_ms = at_ms,
                                .outcome = (char *) outcome,
                                .reason = (char *) reason,
                                .size = size};
    tf_actor_send (self->actor, TF_MSG_da_published, &record);
}

static void
s_send_status (tf_wl_da_t *self, const char *state)
{
    char *detail = zsys_sprintf ("channels=%zu blobs_planned=%zu blobs_dispersed=%" PRIu64,
                                 self->channel_count, self->blob_count, self->blobs_dispersed);
    tf_workload_status_t status = {.name = (char *) tf_actor_name (self->actor),
                                   .state = (char *) state,
                                   .submitted = self->submitted,
                                   .accepted = self->accepted,
                                   .rejected = self->rejected,
                                   .detail = detail,
                                   .started_ms = self->started_ms,
                                   .ended_ms = self->ended_ms,
                                   .planned = self->channel_count + self->blob_count};
    tf_actor_send (self->actor, TF_MSG_workload_status, &status);
    zstr_free (&detail);
}

//  Inscribe channel: its tx, to every node from a seeded first one
static void
s_send_inscription (tf_wl_da_t *self, s_channel_t *channel, size_t position)
{
    static const uint8_t zero[TF_KEYS_HASH_SIZE] = {0};
    char inscription[64];
    int length = snprintf (inscription, sizeof inscription, "tf da channel %zu", position);
    tf_api_tx_t *tx = tf_api_tx_new ();
    tf_api_tx_add_inscribe (tx, channel->id, (const uint8_t *) inscription, (size_t) length, zero,
                            channel->signer.public_key);
    tf_api_tx_sign_op (tx, 0, &channel->signer);
    uint8_t hash[TF_KEYS_HASH_SIZE];
    tf_api_tx_digest (tx, hash);
    tf_keys_hex32 (hash, channel->tx_hash);
    json_t *json = tf_api_tx_signed_json (tx);
    char *body = json_dumps (json, JSON_COMPACT);
    json_decref (json);
    tf_api_tx_destroy (&tx);
    size_t *order = (size_t *) zmalloc ((self->node_count + 1) * sizeof (size_t));
    const char **bodies = (const char **) zmalloc ((self->node_count + 1) * sizeof (char *));
    size_t first = (size_t) tf_rng_range (&self->rng, 0, (int64_t) self->node_count - 1);
    for (size_t index = 0; index < self->node_count; index++) {
        order[index] = (first + index) % self->node_count;
        bodies[index] = body;
    }
    if (tf_wl_da_send_job (self->send, "channel", channel->id_hex, channel->tx_hash,
                           TF_WL_DA_INSCRIBE_PATH, order, bodies, self->node_count)
        == 0)
        channel->state = S_CHANNEL_SENT;
    free (order);
    free (bodies);
    free (body);
}

//  Disperse the channel's next blob through the executors, from a seeded first one
static void
s_send_blob (tf_wl_da_t *self, s_channel_t *channel)
{
    size_t executors = 0;
    for (size_t index = 0; index < self->node_count; index++)
        executors += self->executor[index];
    if (executors == 0)
        return;
    uint8_t data[TF_WL_DA_BLOB_SIZE];
    for (size_t index = 0; index < sizeof data; index += 8) {
        uint64_t bits = tf_rng_next (&self->rng);
        memcpy (data + index, &bits, 8);
    }
    json_t *bytes = json_array ();
    for (size_t index = 0; index < sizeof data; index++)
        json_array_append_new (bytes, json_integer (data[index]));
    size_t *order = (size_t *) zmalloc ((executors + 1) * sizeof (size_t));
    char **bodies = (char **) zmalloc ((executors + 1) * sizeof (char *));
    size_t first = (size_t) tf_rng_range (&self->rng, 0, (int64_t) executors - 1);
    size_t filled = 0;
    for (size_t step = 0; step < self->node_count; step++) {
        size_t node = step;
        if (!self->executor[node])
            continue;
        char signer[S_HEX];
        tf_keys_hex32 (self->signers[node].public_key, signer);
        json_t *request =
            json_pack ("{s:s, s:s, s:s, s:O}", "channel_id", channel->id_hex, "parent_msg_id",
                       channel->parent, "signer", signer, "data", bytes);
        order[filled] = node;
        bodies[filled++] = json_dumps (request, JSON_COMPACT);
        json_decref (request);
    }
    json_decref (bytes);
    //  Rotate so the seeded executor goes first
    size_t *rotated = (size_t *) zmalloc ((executors + 1) * sizeof (size_t));
    const char **rotated_bodies = (const char **) zmalloc ((executors + 1) * sizeof (char *));
    for (size_t index = 0; index < executors; index++) {
        rotated[index] = order[(first + index) % executors];
        rotated_bodies[index] = bodies[(first + index) % executors];
    }
    if (tf_wl_da_send_job (self->send, "blob", channel->id_hex, "", TF_WL_DA_DISPERSE_PATH, rotated,
                           rotated_bodies, executors)
        == 0)
        channel->blobs_sent++;
    for (size_t index = 0; index < executors; index++)
        free (bodies[index]);
    free (bodies);
    free (order);
    free (rotated);
    free (rotated_bodies);
}

static s_channel_t *
s_channel_by_id (tf_wl_da_t *self, const char *id_hex)
{
    for (size_t index = 0; index < self->channel_count; index++)
        if (streq (self->channels[index].id_hex, id_hex))
            return &self->channels[index];
    return NULL;
}

//  Next request, if the thread is idle: inscriptions first, then a due blob
static void
s_pump (tf_wl_da_t *self)
{
    if (!self->executing || !self->send || tf_wl_da_send_busy (self->send))
        return;
    for (size_t index = 0; index < self->channel_count; index++)
        if (self->channels[index].state == S_CHANNEL_NEW) {
            s_send_inscription (self, &self->channels[index], index);
            return;
        }
    if (zclock_mono () < self->next_blob_at)
        return;
    for (size_t step = 0; step < self->channel_count; step++) {
        s_channel_t *channel = &self->channels[(self->next_channel + step) % self->channel_count];
        if (channel->state == S_CHANNEL_READY && channel->blobs_sent < channel->blobs_planned) {
            self->next_channel = (self->next_channel + step + 1) % self->channel_count;
            self->next_blob_at += self->blob_interval_ms;
            s_send_blob (self, channel);
            return;
        }
    }
}

//  Stop: publish the blobs never dispersed, report, ack
static void
s_finish (tf_wl_da_t *self)
{
    for (size_t index = 0; index < self->channel_count; index++) {
        s_channel_t *channel = &self->channels[index];
        const char *why = channel->state == S_CHANNEL_DEAD ? "not dispersed: channel not inscribed"
                          : channel->state == S_CHANNEL_READY
                              ? "not dispersed: execute ended first"
                              : "not dispersed: channel inscription not seen on the feed";
        for (; channel->blobs_sent < channel->blobs_planned; channel->blobs_sent++)
            s_publish (self, "blob", channel->id_hex, "", "", tf_actor_now_ms (), "failed", why, 0);
    }
    self->draining = false;
    s_send_status (self, "stopped");
    tf_actor_phase_done (self->actor, true, NULL);
}

static int
s_on_result (tf_actor_t *actor, void *state, zsock_t *reader)
{
    (void) reader;
    tf_wl_da_t *self = (tf_wl_da_t *) state;
    tf_wl_da_result_t result;
    if (tf_wl_da_send_recv (self->send, &result))
        return 0;
    s_channel_t *channel = s_channel_by_id (self, result.channel);
    bool accepted = streq (result.outcome, "accepted");
    self->submitted++;
    self->accepted += accepted;
    self->rejected += streq (result.outcome, "rejected");
    if (streq (result.what, "channel") && channel) {
        channel->state = accepted ? S_CHANNEL_WAITING : S_CHANNEL_DEAD;
        s_publish (self, "channel", result.channel, result.id, result.node, result.at_ms,
                   result.outcome, result.reason, 0);
    }
    else if (channel) {
        if (accepted) {
            snprintf (channel->parent, sizeof channel->parent, "%.64s", result.id);
            self->blobs_dispersed++;
        }
        s_publish (self, "blob", result.channel, result.id, result.node, result.at_ms,
                   result.outcome, result.reason, TF_WL_DA_BLOB_SIZE);
    }
    if (!accepted)
        zsys_warning ("da: %s %s channel=%.12s reason=%s", result.what, result.outcome,
                      result.channel, result.reason ? result.reason : "");
    tf_wl_da_result_free (&result);
    if (self->draining)
        s_finish (self);
    else
        s_pump (self);
    (void) actor;
    return 0;
}

//  An inscription seen in a block makes its channel ready
static int
s_on_message (tf_actor_t *actor, void *state, tf_msg_t *msg)
{
    (void) actor;
    tf_wl_da_t *self = (tf_wl_da_t *) state;
    if (msg->id != TF_MSG_feed_block)
        return 0;
    const tf_feed_block_t *block = &msg->feed_block;
    for (size_t index = 0; index < self->channel_count; index++) {
        s_channel_t *channel = &self->channels[index];
        if (channel->state != S_CHANNEL_WAITING && channel->state != S_CHANNEL_SENT)
            continue;
        for (size_t tx = 0; tx < block->txs.count; tx++)
            if (streq (block->txs.items[tx], channel->tx_hash)) {
                channel->state = S_CHANNEL_READY;
                snprintf (channel->parent, sizeof channel->parent, "%s", channel->tx_hash);
                zsys_info ("da: channel %zu inscribed channel=%.12s height=%" PRIu64, index,
                           channel->id_hex, block->height);
            }
    }
    s_pump (self);
    return 0;
}

static int
s_on_timer (tf_actor_t *actor, void *state)
{
    tf_wl_da_t *self = (tf_wl_da_t *) state;
    s_pump (self);
    if (self->executing) {
        int64_t now = zclock_mono ();
        if (now >= self->next_status) {
            s_send_status (self, "running");
            self->next_status = now + TF_WL_DA_STATUS_MS;
        }
        int64_t wait = self->next_blob_at - now;
        if (wait > self->next_status - now)
            wait = self->next_status - now;
        tf_actor_set_timer (actor, wait > 10 ? wait : 10);
    }
    return 0;
}

static int
s_on_phase (tf_actor_t *actor, void *state, tf_phase_t phase)
{
    tf_wl_da_t *self = (tf_wl_da_t *) state;
    if (phase == TF_PHASE_EXECUTE && !self->executing && self->started_ms == 0) {
        size_t executors = 0;
        for (size_t index = 0; index < self->node_count; index++)
            executors += self->executor[index];
        if (executors == 0 || self->channel_count == 0) {
            tf_actor_fail (actor, "da: no executor among the deployed nodes");
            return TF_ACTOR_ERROR;
        }
        tf_wl_da_node_t *list =
            (tf_wl_da_node_t *) zmalloc ((self->node_count + 1) * sizeof (tf_wl_da_node_t));
        for (size_t index = 0; index < self->node_count; index++)
            list[index] = (tf_wl_da_node_t){self->names[index], self->urls[index]};
        self->send = tf_wl_da_send_new (list, self->node_count);
        free (list);
        if (!self->send) {
            tf_actor_fail (actor, "da: cannot start the request thread");
            return TF_ACTOR_ERROR;
        }
        tf_actor_add_reader (actor, tf_wl_da_send_pipe (self->send), s_on_result);
        self->executing = true;
        self->started_ms = tf_actor_now_ms ();
        self->next_blob_at = zclock_mono ();
        self->next_status = zclock_mono () + TF_WL_DA_STATUS_MS;
        s_send_status (self, "running");
        s_pump (self);
        tf_actor_set_timer (actor, self->blob_interval_ms);
        return TF_ACTOR_ACK;
    }
    if ((phase == TF_PHASE_COOLDOWN || phase == TF_PHASE_EVALUATE) && self->executing) {
        self->executing = false;
        self->ended_ms = tf_actor_now_ms ();
        tf_actor_set_timer (actor, -1);
        self->draining = true;
        if (!tf_wl_da_send_busy (self->send))
            s_finish (self);
        return TF_ACTOR_PENDING;
    }
    return TF_ACTOR_ACK;
}

static void
s_on_stop (tf_actor_t *actor, void *state)
{
    tf_wl_da_t *self = (tf_wl_da_t *) state;
    if (!self->send)
        return;
    tf_actor_remove_reader (actor, tf_wl_da_send_pipe (self->send));
    tf_wl_da_send_destroy (&self->send);
}

static const tf_actor_handlers_t s_handlers = {.plan = s_on_plan,
                                               .nodes = s_on_nodes,
                                               .phase = s_on_phase,
                                               .message = s_on_message,
                                               .timer = s_on_timer,
                                               .stop = s_on_stop};
static const char *const s_feed_topics[] = {"feed.block", NULL};

const tf_actor_class_t tf_wl_da_class = {
    .program = "tf-workload-da",
    .role = "workload",
    .kind = TF_WL_DA_KIND,
    .summary =
        "Workload da: inscribes channel_rate + ceil (channel_rate x headroom / 100) channels,\n"
        "waits for each on the feed, then disperses blob_rate x max (expected_blocks / k, 1)\n"
        "blobs over them through the executors (POST /disperse-data, a seeded executor first,\n"
        "the others on failure); every operation is published as da.published.\n",
    .feed_topics = s_feed_topics,
    .create = s_create,
    .destroy = s_destroy,
    .handlers = &s_handlers,
};
