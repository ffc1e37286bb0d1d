//  tf_wl_tx.c - workload transactions (see tf_wl_tx.h)

#include "tf_genesis.h"
#include "tf_rng.h"
#include "tf_run_metrics.h"
#include "tf_wl_tx.h"
#include "tf_wl_tx_submit.h"

#define S_STREAM_SIZE 128 //  Seeded stream names: actor name and a use

//  A signed tx waiting for an idle worker
typedef struct {
    char hash[TF_KEYS_HEX_SIZE];
    char *json;        //  Owned
    size_t first_node; //  Node to try first
} s_job_t;

typedef struct {
    tf_actor_t *actor;           //  Runtime, not owned: set by the plan handler
    size_t worker_count;         //  Submission threads
    int64_t rate;                //  Knobs: txs per block ...
    int64_t users;               //  ... and distinct senders
    uint64_t cap;                //  Most submissions in all
    tf_wl_tx_wallets_t *wallets; //  The users' notes
    tf_wl_tx_submit_t *submit;   //  Worker threads, during execute
    zlistx_t *queue;             //  s_job_t waiting for a worker (owned)
    tf_rng_t node_rng;           //  First node of each submission
    size_t node_count;
    uint64_t height;    //  Highest block height seen on the feed
    bool executing;     //  Submitting on new blocks
    bool draining;      //  Cooldown: waiting for workers to finish
    uint64_t built;     //  Txs built and queued
    uint64_t submitted; //  tx.submitted published
    uint64_t accepted;
    uint64_t rejected;
    uint64_t failed;   //  No node took it
    uint64_t retried;  //  Accepted by another node than the first
    uint64_t included; //  Ours seen in a block
    uint64_t starved;  //  Txs a block asked for when no note was free
    uint64_t behind;   //  Txs skipped because the queue was full
} tf_wl_tx_t;

static int s_on_plan (tf_actor_t *actor, void *state, const tf_plan_t *plan);
static int s_on_phase (tf_actor_t *actor, void *state, tf_phase_t phase);
static int s_on_message (tf_actor_t *actor, void *state, tf_msg_t *msg);
static int s_on_timer (tf_actor_t *actor, void *state);
static void s_on_stop (tf_actor_t *actor, void *state);

//  zlistx destructor of a job
static void
s_job_destroy (void **item_p)
{
    s_job_t *job = (s_job_t *) *item_p;
    if (job) {
        free (job->json);
        free (job);
    }
    *item_p = NULL;
}

//  The plan's wallets, exactly as the deployer funds them in genesis: a fresh
//  array (*wallets_p, caller frees) and its length. 0, or -1 when underivable.
static int
s_genesis_wallets (const tf_plan_t *plan, tf_wl_tx_wallet_t **wallets_p, size_t *count_p)
{
    tf_genesis_t *genesis = tf_genesis_new (plan);
    if (!genesis)
        return -1;
    size_t count = genesis->wallet_count;
    tf_wl_tx_wallet_t *wallets = (tf_wl_tx_wallet_t *) zmalloc ((count + 1) * sizeof *wallets);
    for (size_t index = 0; index < count; index++) {
        wallets[index].key = genesis->wallets[index].key;
        wallets[index].amount = genesis->wallets[index].amount;
        memcpy (wallets[index].note_id, genesis->wallets[index].note_id, TF_KEYS_HASH_SIZE);
    }
    tf_genesis_destroy (&genesis);
    *wallets_p = wallets;
    *count_p = count;
    return 0;
}

static void *
s_create (const tf_actor_config_t *config)
{
    tf_wl_tx_t *self = (tf_wl_tx_t *) zmalloc (sizeof (tf_wl_tx_t));
    const char *workers = getenv (TF_WL_TX_WORKERS_ENV);
    self->worker_count =
        workers && atoi (workers) > 0 ? (size_t) atoi (workers) : TF_WL_TX_SUBMIT_WORKERS;
    self->rate = 1;
    self->users = 1;
    self->queue = zlistx_new ();
    zlistx_set_destructor (self->queue, s_job_destroy);
    return self;
}

static void
s_destroy (void **state_p)
{
    tf_wl_tx_t *self = (tf_wl_tx_t *) *state_p;
    if (!self)
        return;
    tf_wl_tx_wallets_destroy (&self->wallets);
    zlistx_destroy (&self->queue);
    free (self);
    *state_p = NULL;
}

//  Tell the coordinator how it goes
static void
s_send_status (tf_wl_tx_t *self, const char *state)
{
    char *detail =
        zsys_sprintf ("failed=%" PRIu64 " retried=%" PRIu64 " included=%" PRIu64 " starved=%" PRIu64
                      " behind=%" PRIu64 " spendable=%zu pending=%zu height=%" PRIu64,
                      self->failed, self->retried, self->included, self->starved, self->behind,
                      self->wallets ? tf_wl_tx_wallets_spendable (self->wallets) : 0,
                      self->wallets ? tf_wl_tx_wallets_pending (self->wallets) : 0, self->height);
    tf_workload_status_t status = {.name = (char *) tf_actor_name (self->actor),
                                   .state = (char *) state,
                                   .submitted = self->submitted,
                                   .accepted = self->accepted,
                                   .rejected = self->rejected,
                                   .detail = detail};
    tf_actor_send (self->actor, TF_MSG_workload_status, &status);
    zstr_free (&detail);
}

//  Knobs, the users' wallets and the seeded streams
static int
s_on_plan (tf_actor_t *actor, void *state, const tf_plan_t *plan)
{
    tf_wl_tx_t *self = (tf_wl_tx_t *) state;
    self->actor = actor;
    const tf_plan_item_t *item = tf_plan_item_by_name (plan, tf_actor_name (actor));
    if (!item) {
        tf_actor_fail (actor, "the plan has no workload named %s", tf_actor_name (actor));
        return -1;
    }
    self->rate = tf_plan_knob_int (item, "rate", 1);
    self->users = tf_plan_knob_int (item, "users", 1);
    if (self->rate < 1 || self->users < 1 || plan->wallets < 1
        || self->users > (int64_t) plan->wallets) {
        tf_actor_fail (actor,
                       "transactions: rate %" PRId64 " and users %" PRId64
                       " need rate >= 1 and 1 <= users <= wallets (%u)",
                       self->rate, self->users, plan->wallets);
        return -1;
    }
    tf_wl_tx_wallet_t *wallets = NULL;
    size_t wallet_count = 0;
    if (s_genesis_wallets (plan, &wallets, &wallet_count) || wallet_count < (size_t) self->users) {
        free (wallets);
        tf_actor_fail (actor, "transactions: cannot derive the %" PRId64 " users' wallets",
                       self->users);
        return -1;
    }
    char stream[S_STREAM_SIZE];
    snprintf (stream, sizeof stream, "%s/users", tf_actor_name (actor));
    tf_rng_t user_rng;
    tf_rng_seed (&user_rng, plan->seed, stream);
    size_t offset = (size_t) tf_rng_range (&user_rng, 0, (int64_t) wallet_count - 1);
    tf_wl_tx_wallet_t *users =
        (tf_wl_tx_wallet_t *) zmalloc ((size_t) self->users * sizeof (tf_wl_tx_wallet_t));
    for (size_t index = 0; index < (size_t) self->users; index++)
        users[index] = wallets[(offset + index) % wallet_count];
    snprintf (stream, sizeof stream, "%s/recipients", tf_actor_name (actor));
    self->wallets = tf_wl_tx_wallets_new (users, (size_t) self->users, plan->seed, stream);
    free (users);
    free (wallets);
    snprintf (stream, sizeof stream, "%s/nodes", tf_actor_name (actor));
    tf_rng_seed (&self->node_rng, plan->seed, stream);
    tf_run_metrics_t metrics = tf_run_metrics (plan);
    self->cap = (uint64_t) self->rate * (metrics.expected_blocks + 1) * TF_WL_TX_PLAN_SLACK;
    zsys_info ("transactions: rate=%" PRId64 "/block users=%" PRId64 " wallets=%zu from "
               "wallet %zu expected_blocks=%" PRIu64 " cap=%" PRIu64 " workers=%zu",
               self->rate, self->users, wallet_count, offset, metrics.expected_blocks, self->cap,
               self->worker_count);
    return 0;
}

//  Hand queued jobs to idle workers
static void
s_pump (tf_wl_tx_t *self)
{
    while (self->submit && zlistx_size (self->queue) > 0) {
        s_job_t *job = (s_job_t *) zlistx_first (self->queue);
        if (tf_wl_tx_submit_send (self->submit, job->hash, job->json, job->first_node))
            break;
        zlistx_delete (self->queue, zlistx_cursor (self->queue));
    }
}

//  A new block: build `rate` transfers and queue them
static void
s_on_new_block (tf_wl_tx_t *self)
{
    size_t room = (size_t) self->rate * TF_WL_TX_BACKLOG_BLOCKS;
    for (int64_t count = 0; count < self->rate; count++) {
        if (self->built >= self->cap) {
            self->behind += (uint64_t) (self->rate - count);
            break;
        }
        if (zlistx_size (self->queue) >= room) {
            self->behind++;
            continue;
        }
        tf_tx_t tx;
        size_t sender = 0;
        if (tf_wl_tx_wallets_next (self->wallets, &tx, &sender)) {
            self->starved += (uint64_t) (self->rate - count);
            break;
        }
        s_job_t *job = (s_job_t *) zmalloc (sizeof (s_job_t));
        snprintf (job->hash, sizeof job->hash, "%s", tx.hash_hex);
        job->json = tx.json; //  Moves into the job
        tx.json = NULL;
        job->first_node =
            (size_t) tf_rng_range (&self->node_rng, 0, (int64_t) self->node_count - 1);
        zlistx_add_end (self->queue, job);
        self->built++;
        tf_tx_free (&tx);
    }
    s_pump (self);
}

//  Feed blocks: our txs' outputs become spendable; a new height paces us
static int
s_on_message (tf_actor_t *actor, void *state, tf_msg_t *msg)
{
    tf_wl_tx_t *self = (tf_wl_tx_t *) state;
    if (msg->id != TF_MSG_feed_block || !self->wallets)
        return 0;
    self->included +=
        tf_wl_tx_wallets_included (self->wallets, &msg->feed_block.txs, msg->feed_block.height);
    if (msg->feed_block.height <= self->height)
        return 0;
    self->height = msg->feed_block.height;
    tf_wl_tx_wallets_expire (self->wallets, self->height, TF_WL_TX_STALE_BLOCKS);
    if (self->executing && self->submit)
        s_on_new_block (self);
    return 0;
}

//  Finish cooldown once no worker holds a job
static void
s_finish_if_drained (tf_wl_tx_t *self)
{
    if (!self->draining || (self->submit && tf_wl_tx_submit_busy (self->submit) > 0))
        return;
    self->draining = false;
    zsys_info ("transactions: done built=%" PRIu64 " submitted=%" PRIu64 " accepted=%" PRIu64
               " rejected=%" PRIu64 " failed=%" PRIu64 " retried=%" PRIu64 " included=%" PRIu64
               " starved=%" PRIu64 " behind=%" PRIu64,
               self->built, self->submitted, self->accepted, self->rejected, self->failed,
               self->retried, self->included, self->starved, self->behind);
    s_send_status (self, "stopped");
    tf_actor_phase_done (self->actor, true, NULL);
}

//  A worker's result: publish it, update the notes, feed the next job
static int
s_on_result (tf_actor_t *actor, void *state, zsock_t *reader)
{
    tf_wl_tx_t *self = (tf_wl_tx_t *) state;
    tf_wl_tx_result_t result;
    if (tf_wl_tx_submit_recv (self->submit, reader, &result)) {
        tf_actor_fail (actor, "transactions: a submission worker was interrupted");
        return -1;
    }
    tf_tx_submitted_t record = {.name = (char *) tf_actor_name (actor),
                                .hash = result.hash,
                                .node = result.node,
                                .at_ms = result.at_ms,
                                .outcome = result.outcome,
                                .reason = result.reason};
    tf_actor_send (actor, TF_MSG_tx_submitted, &record);
    self->submitted++;
    if (streq (result.outcome, "accepted")) {
        self->accepted++;
        self->retried += result.retries > 0;
        tf_wl_tx_wallets_accepted (self->wallets, result.hash, self->height);
    }
    else {
        bool rejected = streq (result.outcome, "rejected");
        self->rejected += rejected;
        self->failed += !rejected;
        tf_wl_tx_wallets_refused (self->wallets, result.hash, rejected);
        if (tf_actor_verbose (actor) || self->rejected + self->failed <= 10)
            zsys_warning ("transactions: %s hash=%s node=%s reason=\"%s\"", result.outcome,
                          result.hash, result.node, result.reason ? result.reason : "");
    }
    tf_wl_tx_result_free (&result);
    s_pump (self);
    s_finish_if_drained (self);
    return 0;
}

//  Start the workers on the deployed nodes
static int
s_start_submitting (tf_wl_tx_t *self, tf_actor_t *actor)
{
    const tf_run_nodes_t *nodes = tf_actor_nodes (actor);
    self->node_count = nodes ? nodes->nodes.count : 0;
    if (self->node_count == 0)
        return -1;
    tf_wl_tx_node_t *list = (tf_wl_tx_node_t *) zmalloc (self->node_count * sizeof *list);
    for (size_t index = 0; index < self->node_count; index++)
        list[index] = (tf_wl_tx_node_t){.name = nodes->nodes.items[index].name,
                                        .api_url = nodes->nodes.items[index].api_url};
    self->submit = tf_wl_tx_submit_new (list, self->node_count, self->worker_count);
    free (list);
    if (!self->submit)
        return -1;
    for (size_t index = 0; index < tf_wl_tx_submit_workers (self->submit); index++)
        tf_actor_add_reader (actor, tf_wl_tx_submit_pipe (self->submit, index), s_on_result);
    return 0;
}

//  Execute: submit on every new block. Cooldown: stop, drain, ack.
static int
s_on_phase (tf_actor_t *actor, void *state, tf_phase_t phase)
{
    tf_wl_tx_t *self = (tf_wl_tx_t *) state;
    if (phase == TF_PHASE_EXECUTE && !self->submit) {
        if (!self->wallets || s_start_submitting (self, actor)) {
            tf_actor_fail (actor, "transactions: no nodes to submit to");
            return TF_ACTOR_ERROR;
        }
        self->executing = true;
        s_send_status (self, "running");
        tf_actor_set_timer (actor, TF_WL_TX_STATUS_MS);
        return TF_ACTOR_ACK;
    }
    if (phase == TF_PHASE_COOLDOWN && self->executing) {
        self->executing = false;
        tf_actor_set_timer (actor, -1);
        //  Jobs no worker took were never submitted: their notes go back
        for (s_job_t *job = (s_job_t *) zlistx_first (self->queue); job;
             job = (s_job_t *) zlistx_next (self->queue))
            if (self->wallets)
                tf_wl_tx_wallets_refused (self->wallets, job->hash, false);
        zlistx_purge (self->queue);
        self->draining = true;
        s_finish_if_drained (self); //  Acks at once when no job is in flight
        return TF_ACTOR_PENDING;
    }
    return TF_ACTOR_ACK;
}

//  Periodic status during execute
static int
s_on_timer (tf_actor_t *actor, void *state)
{
    tf_wl_tx_t *self = (tf_wl_tx_t *) state;
    if (!self->executing)
        return 0;
    s_send_status (self, "running");
    tf_actor_set_timer (actor, TF_WL_TX_STATUS_MS);
    return 0;
}

//  Every exit path: stop the workers
static void
s_on_stop (tf_actor_t *actor, void *state)
{
    tf_wl_tx_t *self = (tf_wl_tx_t *) state;
    if (!self->submit)
        return;
    for (size_t index = 0; index < tf_wl_tx_submit_workers (self->submit); index++)
        tf_actor_remove_reader (actor, tf_wl_tx_submit_pipe (self->submit, index));
    tf_wl_tx_submit_destroy (&self->submit);
}

static const tf_actor_handlers_t s_handlers = {.plan = s_on_plan,
                                               .phase = s_on_phase,
                                               .message = s_on_message,
                                               .timer = s_on_timer,
                                               .stop = s_on_stop};
static const char *const s_feed_topics[] = {"feed.block", NULL};

const tf_actor_class_t tf_wl_tx_class = {
    .program = "tf-workload-transactions",
    .role = "workload",
    .kind = TF_WL_TX_KIND,
    .summary =
        "Workload transactions: for every new block, `rate` signed transfers between `users`\n"
        "seeded wallets, each POSTed to a node chosen from the seed (the next node when one\n"
        "does not answer); every submission is published as tx.submitted.\n"
        "Environment: " TF_WL_TX_WORKERS_ENV ", submissions in flight at once (default 4).\n",
    .feed_topics = s_feed_topics,
    .create = s_create,
    .destroy = s_destroy,
    .handlers = &s_handlers,
};
