//  tf_wl_tx.c - workload transactions (see tf_wl_tx.h)

#include <math.h>
#include <sodium.h>
#include <sys/resource.h>
#include "tf_genesis.h"
#include "tf_plan_keys.h"
#include "tf_rng.h"
#include "tf_run_metrics.h"
#include "tf_wl_tx.h"
#include "tf_wl_tx_submit.h"

#define S_STREAM_SIZE 128 //  Seeded stream names: actor name and a use
#define S_MS_PER_S    1000.0

//  A signed tx waiting for an idle worker
typedef struct {
    char hash[TF_KEYS_HEX_SIZE];
    char *json;          //  Owned
    size_t first_node;   //  Node to try first
    uint64_t planned_ms; //  When its schedule planned it
} s_job_t;

//  Per-block schedule: the txs planned up to index `end` were asked at at_ms
typedef struct {
    uint64_t end;   //  One past the last planned index of this block
    uint64_t at_ms; //  When the block arrived
} s_batch_t;

typedef struct {
    tf_actor_t *actor;           //  Runtime, not owned: set by the plan handler
    size_t worker_count;         //  Submission threads
    int64_t rate;                //  Knobs: txs per block ...
    int64_t tps;                 //  ... or per second (open loop, when > 0) ...
    int64_t users;               //  ... distinct senders
    size_t pool_target;          //  Notes each user keeps (1: no fan-out)
    double planned_tps;          //  The rate in tx/s, per block mode estimated
    int64_t late_ms;             //  A planned tx unsent this long after its time is dropped
    uint64_t cap;                //  Most submissions planned in all
    tf_wl_tx_wallets_t *wallets; //  The users' notes
    tf_wl_tx_submit_t *submit;   //  Worker threads, from capture on
    zlistx_t *queue;             //  s_job_t waiting for a worker (owned)
    zlistx_t *batches;           //  s_batch_t of the per-block schedule (owned)
    tf_rng_t node_rng;           //  First node of each submission
    size_t node_count;
    uint64_t height;        //  Highest block height seen on the feed
    bool fanning;           //  Capture: waiting for fan-outs to ripen
    bool executing;         //  Planning submissions
    bool draining;          //  Cooldown: waiting for workers to finish
    bool short_of_notes;    //  The last build found no note ready
    int64_t fanout_started; //  zclock_mono when capture began fanning out
    int64_t fanout_ms;      //  Capture time spent on fan-out
    int64_t started_mono;   //  zclock_mono at the start of execute
    uint64_t started_ms;    //  Unix ms at the start of execute (schedule origin)
    uint64_t ended_ms;      //  Unix ms at the end of execute
    int64_t next_status;    //  zclock_mono of the next workload.status
    uint64_t planned;       //  Txs the schedule asked for
    uint64_t next_index;    //  Next planned tx to build (or give up)
    uint64_t built;         //  Planned txs built and queued
    uint64_t submitted;     //  tx.submitted published
    uint64_t accepted;
    uint64_t rejected;
    uint64_t failed;   //  No node took it
    uint64_t retried;  //  Accepted by another node than the first
    uint64_t included; //  Ours seen in a block
    uint64_t starved;  //  Planned txs given up: no note was ready in time
    uint64_t behind;   //  Planned txs given up: no worker was free in time, or past the cap
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

//  zlistx destructor of a batch
static void
s_batch_destroy (void **item_p)
{
    free (*item_p);
    *item_p = NULL;
}

//  The wallets of the plan's key file (a network tf did not deploy): a fresh
//  array (*wallets_p, caller frees) and its length. 0, or -1 (logged) when the
//  file cannot be read here or libsodium cannot start.
static int
s_key_file_wallets (const tf_plan_t *plan, tf_wl_tx_wallet_t **wallets_p, size_t *count_p)
{
    int rc = -1;
    tf_plan_errors_t *errors = tf_plan_errors_new ();
    tf_plan_key_t *keys = NULL;
    size_t count = 0;
    if (tf_plan_keys_read (plan->wallet_keys, "wallets.keys", &keys, &count, errors)) {
        const tf_plan_error_t *error = tf_plan_errors_at (errors, 0);
        zsys_error ("transactions: cannot read the wallets' key file %s: %s", plan->wallet_keys,
                    error ? error->message : "unknown error");
        goto out;
    }
    if (sodium_init () < 0) {
        zsys_error ("transactions: libsodium cannot be initialised");
        goto out;
    }
    tf_wl_tx_wallet_t *wallets = (tf_wl_tx_wallet_t *) zmalloc ((count + 1) * sizeof *wallets);
    for (size_t index = 0; index < count; index++) {
        tf_wl_tx_wallet_t *wallet = &wallets[index];
        memcpy (wallet->key.seed, keys[index].seed, TF_KEYS_SEED_SIZE);
        crypto_sign_seed_keypair (wallet->key.public_key, wallet->key.secret_key, wallet->key.seed);
        memcpy (wallet->note_id, keys[index].note_id, TF_KEYS_HASH_SIZE);
        wallet->amount = keys[index].value;
    }
    *wallets_p = wallets;
    *count_p = count;
    rc = 0;
out:
    free (keys);
    tf_plan_errors_destroy (&errors);
    return rc;
}

//  The plan's wallets, exactly as the deployer funds them in genesis: a fresh
//  array (*wallets_p, caller frees) and its length. 0, or -1 when underivable.
static int
s_genesis_wallets (const tf_plan_t *plan, tf_wl_tx_wallet_t **wallets_p, size_t *count_p)
{
    if (plan->wallet_keys)
        return s_key_file_wallets (plan, wallets_p, count_p);
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
    self->rate = 1;
    self->users = 1;
    self->pool_target = 1;
    self->queue = zlistx_new ();
    zlistx_set_destructor (self->queue, s_job_destroy);
    self->batches = zlistx_new ();
    zlistx_set_destructor (self->batches, s_batch_destroy);
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
    zlistx_destroy (&self->batches);
    free (self);
    *state_p = NULL;
}

//  CPU time this process has used (every thread, signing included), in ms
static uint64_t
s_cpu_ms (void)
{
    struct rusage usage;
    if (getrusage (RUSAGE_SELF, &usage))
        return 0;
    return (uint64_t) (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1000
           + (uint64_t) (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1000;
}

//  Tell the coordinator how it goes
static void
s_send_status (tf_wl_tx_t *self, const char *state)
{
    uint64_t fanout_notes = 0;
    uint64_t fanouts = self->wallets ? tf_wl_tx_wallets_fanouts (self->wallets, &fanout_notes) : 0;
    char *detail = zsys_sprintf (
        "built=%" PRIu64 " failed=%" PRIu64 " retried=%" PRIu64 " included=%" PRIu64
        " starved=%" PRIu64 " behind=%" PRIu64 " spendable=%zu pending=%zu height=%" PRIu64
        " fanout_txs=%" PRIu64 " fanout_notes=%" PRIu64 " fanout_ms=%" PRId64 " workers=%zu"
        " cpu_ms=%" PRIu64,
        self->built, self->failed, self->retried, self->included, self->starved, self->behind,
        self->wallets ? tf_wl_tx_wallets_spendable (self->wallets) : 0,
        self->wallets ? tf_wl_tx_wallets_pending (self->wallets) : 0, self->height, fanouts,
        fanout_notes, self->fanout_ms, self->worker_count, s_cpu_ms ());
    tf_workload_status_t status = {.name = (char *) tf_actor_name (self->actor),
                                   .state = (char *) state,
                                   .submitted = self->submitted,
                                   .accepted = self->accepted,
                                   .rejected = self->rejected,
                                   .detail = detail,
                                   .started_ms = self->started_ms,
                                   .ended_ms = self->ended_ms,
                                   .planned = self->planned};
    tf_actor_send (self->actor, TF_MSG_workload_status, &status);
    zstr_free (&detail);
}

//  Notes each user keeps so that the planned rate never waits for notes to
//  ripen: the txs in flight over a turnaround (inclusion, then the
//  confirmations), with slack, shared among the users; at most what one
//  fan-out makes and at most the smallest user's funds
static size_t
s_pool_target (const tf_wl_tx_t *self, const tf_wl_tx_wallet_t *users, int64_t block_ms)
{
    double turnaround_ms =
        (double) (TF_WL_TX_CONFIRMATIONS + TF_WL_TX_TURNAROUND_BLOCKS) * block_ms;
    double in_flight = self->planned_tps * turnaround_ms / S_MS_PER_S * TF_WL_TX_POOL_SLACK;
    double per_user = ceil (in_flight / (double) self->users);
    size_t target = per_user < 1 ? 1 : (size_t) per_user;
    if (target > TF_TX_MAX_OUTPUTS)
        target = TF_TX_MAX_OUTPUTS;
    for (size_t index = 0; index < (size_t) self->users; index++)
        if (users[index].amount < target)
            target = users[index].amount > 0 ? (size_t) users[index].amount : 1;
    return target;
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
    self->tps = tf_plan_knob_int (item, "tps", 0);
    self->users = tf_plan_knob_int (item, "users", 1);
    int64_t notes = tf_plan_knob_int (item, "notes", 0);
    int64_t workers = tf_plan_knob_int (item, "workers", 0);
    if (self->rate < 1 || self->tps < 0 || self->users < 1 || plan->wallets < 1
        || self->users > (int64_t) plan->wallets || notes < 0 || notes > TF_TX_MAX_OUTPUTS
        || workers < 0 || workers > TF_WL_TX_SUBMIT_MAX_WORKERS) {
        tf_actor_fail (actor,
                       "transactions: rate %" PRId64 ", tps %" PRId64 ", users %" PRId64
                       ", notes %" PRId64 " and workers %" PRId64
                       " need rate >= 1, tps >= 0, 1 <= users <= wallets (%u), notes <= %d"
                       " and workers <= %d",
                       self->rate, self->tps, self->users, notes, workers, plan->wallets,
                       TF_TX_MAX_OUTPUTS, TF_WL_TX_SUBMIT_MAX_WORKERS);
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

    tf_run_metrics_t metrics = tf_run_metrics (plan);
    int64_t block_ms = metrics.block_interval_ms > 0 ? metrics.block_interval_ms : 1;
    self->planned_tps =
        self->tps > 0 ? (double) self->tps : (double) self->rate * S_MS_PER_S / (double) block_ms;
    self->pool_target = notes > 0 ? (size_t) notes : s_pool_target (self, users, block_ms);
    self->late_ms = TF_WL_TX_BACKLOG_BLOCKS * block_ms;
    if (self->late_ms < TF_WL_TX_LATE_MS)
        self->late_ms = TF_WL_TX_LATE_MS;
    const char *from_env = getenv (TF_WL_TX_WORKERS_ENV);
    if (from_env && atoi (from_env) > 0)
        self->worker_count = (size_t) atoi (from_env);
    else if (workers > 0)
        self->worker_count = (size_t) workers;
    else {
        double wanted = ceil (self->planned_tps / TF_WL_TX_TPS_PER_WORKER);
        self->worker_count = wanted < TF_WL_TX_SUBMIT_WORKERS       ? TF_WL_TX_SUBMIT_WORKERS
                             : wanted > TF_WL_TX_SUBMIT_MAX_WORKERS ? TF_WL_TX_SUBMIT_MAX_WORKERS
                                                                    : (size_t) wanted;
    }
    if (self->tps > 0)
        self->cap = (uint64_t) ceil (
            self->planned_tps
            * ((double) metrics.duration_ms / S_MS_PER_S + (double) block_ms / S_MS_PER_S)
            * TF_WL_TX_PLAN_SLACK);
    else
        self->cap = (uint64_t) self->rate * (metrics.expected_blocks + 1) * TF_WL_TX_PLAN_SLACK;

    snprintf (stream, sizeof stream, "%s/recipients", tf_actor_name (actor));
    self->wallets = tf_wl_tx_wallets_new (users, (size_t) self->users, plan->seed, stream);
    if (self->pool_target > 1)
        tf_wl_tx_wallets_set_pool (self->wallets, self->pool_target, self->pool_target / 2);
    free (users);
    free (wallets);
    snprintf (stream, sizeof stream, "%s/nodes", tf_actor_name (actor));
    tf_rng_seed (&self->node_rng, plan->seed, stream);
    zsys_info ("transactions: %s users=%" PRId64 " wallets=%zu from wallet %zu notes=%zu/user "
               "expected_blocks=%" PRIu64 " cap=%" PRIu64 " workers=%zu",
               self->tps > 0 ? "open loop" : "per block", self->users, wallet_count, offset,
               self->pool_target, metrics.expected_blocks, self->cap, self->worker_count);
    if (self->tps > 0)
        zsys_info ("transactions: tps=%" PRId64 " (rate is not used)", self->tps);
    else
        zsys_info ("transactions: rate=%" PRId64 "/block (about %.0f tx/s)", self->rate,
                   self->planned_tps);
    return 0;
}

//  When the schedule planned tx number index (index >= the first batch's start)
static uint64_t
s_planned_ms (tf_wl_tx_t *self, uint64_t index)
{
    if (self->tps > 0)
        return self->started_ms + (uint64_t) ((double) index * S_MS_PER_S / (double) self->tps);
    s_batch_t *batch = (s_batch_t *) zlistx_first (self->batches);
    while (batch && batch->end <= index) {
        zlistx_delete (self->batches, zlistx_cursor (self->batches));
        batch = (s_batch_t *) zlistx_first (self->batches);
    }
    return batch ? batch->at_ms : tf_actor_now_ms ();
}

//  Queue a signed tx for the next idle worker; the job takes tx->json
static void
s_queue (tf_wl_tx_t *self, tf_tx_t *tx, uint64_t planned_ms)
{
    s_job_t *job = (s_job_t *) zmalloc (sizeof (s_job_t));
    snprintf (job->hash, sizeof job->hash, "%s", tx->hash_hex);
    job->json = tx->json;
    tx->json = NULL;
    job->first_node = (size_t) tf_rng_range (&self->node_rng, 0, (int64_t) self->node_count - 1);
    job->planned_ms = planned_ms;
    zlistx_add_end (self->queue, job);
    tf_tx_free (tx);
}

//  Hand queued jobs to idle workers, then build planned txs while workers are
//  idle; planned txs too late to send are given up
static void
s_pump (tf_wl_tx_t *self)
{
    if (!self->submit)
        return;
    size_t workers = tf_wl_tx_submit_workers (self->submit);
    while (zlistx_size (self->queue) > 0) {
        s_job_t *job = (s_job_t *) zlistx_first (self->queue);
        if (tf_wl_tx_submit_send (self->submit, job->hash, job->json, job->first_node,
                                  job->planned_ms))
            return;
        zlistx_delete (self->queue, zlistx_cursor (self->queue));
    }
    uint64_t now = tf_actor_now_ms ();
    while (self->next_index < self->planned) {
        uint64_t planned_ms = s_planned_ms (self, self->next_index);
        bool late = now > planned_ms + (uint64_t) self->late_ms;
        if (late || self->built >= self->cap) {
            if (self->short_of_notes && self->built < self->cap)
                self->starved++;
            else
                self->behind++;
            self->next_index++;
            continue;
        }
        if (tf_wl_tx_submit_busy (self->submit) >= workers)
            break;
        tf_tx_t tx;
        size_t sender = 0;
        if (tf_wl_tx_wallets_next (self->wallets, &tx, &sender)) {
            self->short_of_notes = true;
            break;
        }
        self->short_of_notes = false;
        s_queue (self, &tx, planned_ms);
        self->built++;
        self->next_index++;
        s_job_t *job = (s_job_t *) zlistx_first (self->queue);
        if (tf_wl_tx_submit_send (self->submit, job->hash, job->json, job->first_node,
                                  job->planned_ms))
            break;
        zlistx_delete (self->queue, zlistx_cursor (self->queue));
    }
}

//  Open loop: every tx due by now is planned
static void
s_plan_due (tf_wl_tx_t *self)
{
    if (!self->executing || self->tps <= 0)
        return;
    int64_t elapsed = zclock_mono () - self->started_mono;
    uint64_t due = (uint64_t) floor ((double) elapsed * (double) self->tps / S_MS_PER_S) + 1;
    if (due > self->planned)
        self->planned = due;
}

//  A new block in per-block mode: `rate` more txs are planned now
static void
s_on_new_block (tf_wl_tx_t *self)
{
    self->planned += (uint64_t) self->rate;
    s_batch_t *batch = (s_batch_t *) zmalloc (sizeof (s_batch_t));
    batch->end = self->planned;
    batch->at_ms = tf_actor_now_ms ();
    zlistx_add_end (self->batches, batch);
}

//  Capture is over once the fan-outs are spendable, or at the longest wait
static void
s_finish_fanout_if_ripe (tf_wl_tx_t *self)
{
    if (!self->fanning)
        return;
    int64_t waited = zclock_mono () - self->fanout_started;
    bool ripe = zlistx_size (self->queue) == 0 && tf_wl_tx_wallets_fanouts_ripe (self->wallets);
    if (!ripe && waited < TF_WL_TX_FANOUT_WAIT_MS)
        return;
    self->fanning = false;
    self->fanout_ms = waited;
    uint64_t notes = 0;
    uint64_t fanouts = tf_wl_tx_wallets_fanouts (self->wallets, &notes);
    if (ripe)
        zsys_info ("transactions: fan-out done txs=%" PRIu64 " notes=%" PRIu64 " in %" PRId64
                   " ms (spendable=%zu)",
                   fanouts, notes, waited, tf_wl_tx_wallets_spendable (self->wallets));
    else
        zsys_warning ("transactions: fan-out not spendable after %" PRId64 " ms: %zu of %" PRIu64
                      " txs pending; going on with spendable=%zu",
                      waited, tf_wl_tx_wallets_fanouts_pending (self->wallets), fanouts,
                      tf_wl_tx_wallets_spendable (self->wallets));
    tf_actor_phase_done (self->actor, true, NULL);
}

//  Feed blocks: our txs' outputs become spendable; a new height paces the
//  per-block schedule
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
    if (self->executing && self->tps <= 0)
        s_on_new_block (self);
    s_plan_due (self);
    s_pump (self);
    s_finish_fanout_if_ripe (self);
    return 0;
}

//  Finish cooldown once no worker holds a job
static void
s_finish_if_drained (tf_wl_tx_t *self)
{
    if (!self->draining || (self->submit && tf_wl_tx_submit_busy (self->submit) > 0))
        return;
    self->draining = false;
    uint64_t notes = 0;
    uint64_t fanouts = tf_wl_tx_wallets_fanouts (self->wallets, &notes);
    zsys_info ("transactions: done planned=%" PRIu64 " built=%" PRIu64 " submitted=%" PRIu64
               " accepted=%" PRIu64 " rejected=%" PRIu64 " failed=%" PRIu64 " retried=%" PRIu64
               " included=%" PRIu64 " starved=%" PRIu64 " behind=%" PRIu64 " fanouts=%" PRIu64
               " fanout_notes=%" PRIu64 " cpu_ms=%" PRIu64,
               self->planned, self->built, self->submitted, self->accepted, self->rejected,
               self->failed, self->retried, self->included, self->starved, self->behind, fanouts,
               notes, s_cpu_ms ());
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
                                .reason = result.reason,
                                .planned_ms = result.planned_ms};
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
    s_plan_due (self);
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

//  Capture: one fan-out per user whose pool is short, queued for the workers
static int
s_start_fanout (tf_wl_tx_t *self)
{
    self->fanout_started = zclock_mono ();
    if (self->pool_target <= 1)
        return TF_ACTOR_ACK;
    uint64_t now = tf_actor_now_ms ();
    for (size_t user = 0; user < tf_wl_tx_wallets_users (self->wallets); user++) {
        tf_tx_t tx;
        if (tf_wl_tx_wallets_fanout (self->wallets, user, self->pool_target, &tx) == 0)
            s_queue (self, &tx, now);
    }
    if (zlistx_size (self->queue) == 0)
        return TF_ACTOR_ACK;
    zsys_info ("transactions: fanning out users=%zu into %zu notes each", zlistx_size (self->queue),
               self->pool_target);
    self->fanning = true;
    s_pump (self);
    return TF_ACTOR_PENDING;
}

//  Capture: start the workers and fan out. Execute: plan submissions.
//  Cooldown: stop planning, drain, ack.
static int
s_on_phase (tf_actor_t *actor, void *state, tf_phase_t phase)
{
    tf_wl_tx_t *self = (tf_wl_tx_t *) state;
    if ((phase == TF_PHASE_CAPTURE || phase == TF_PHASE_EXECUTE) && !self->submit) {
        if (!self->wallets || s_start_submitting (self, actor)) {
            tf_actor_fail (actor, "transactions: no nodes to submit to");
            return TF_ACTOR_ERROR;
        }
        self->next_status = zclock_mono () + TF_WL_TX_STATUS_MS;
        tf_actor_set_timer (actor, TF_WL_TX_STATUS_MS);
        if (phase == TF_PHASE_CAPTURE)
            return s_start_fanout (self);
    }
    if (phase == TF_PHASE_EXECUTE && !self->executing && self->started_ms == 0) {
        self->fanning = false;
        self->executing = true;
        self->started_mono = zclock_mono ();
        self->started_ms = tf_actor_now_ms ();
        s_plan_due (self);
        s_pump (self);
        s_send_status (self, "running");
        tf_actor_set_timer (actor, self->tps > 0 ? TF_WL_TX_TICK_MS : TF_WL_TX_STATUS_MS);
        return TF_ACTOR_ACK;
    }
    //  Evaluate straight after execute: an expectation failed early, so stop as at cooldown
    if ((phase == TF_PHASE_COOLDOWN || phase == TF_PHASE_EVALUATE) && self->executing) {
        self->executing = false;
        self->ended_ms = tf_actor_now_ms ();
        tf_actor_set_timer (actor, -1);
        //  Planned txs never built were never sent
        if (self->short_of_notes)
            self->starved += self->planned - self->next_index;
        else
            self->behind += self->planned - self->next_index;
        self->next_index = self->planned;
        //  Jobs no worker took were never submitted: their notes go back
        for (s_job_t *job = (s_job_t *) zlistx_first (self->queue); job;
             job = (s_job_t *) zlistx_next (self->queue))
            tf_wl_tx_wallets_refused (self->wallets, job->hash, false);
        zlistx_purge (self->queue);
        self->draining = true;
        s_finish_if_drained (self); //  Acks at once when no job is in flight
        return TF_ACTOR_PENDING;
    }
    return TF_ACTOR_ACK;
}

//  Open loop: plan what is due; fan-out deadline; periodic status
static int
s_on_timer (tf_actor_t *actor, void *state)
{
    tf_wl_tx_t *self = (tf_wl_tx_t *) state;
    if (!self->executing && !self->fanning)
        return 0;
    s_plan_due (self);
    s_pump (self);
    s_finish_fanout_if_ripe (self);
    int64_t now = zclock_mono ();
    if (now >= self->next_status) {
        s_send_status (self, "running");
        self->next_status = now + TF_WL_TX_STATUS_MS;
    }
    bool ticking = self->executing && self->tps > 0;
    tf_actor_set_timer (actor, ticking ? TF_WL_TX_TICK_MS : self->next_status - now);
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
        "Workload transactions: signed transfers between `users` seeded wallets, `rate` for\n"
        "every new block or `tps` a second on a fixed schedule, each POSTed to a node chosen\n"
        "from the seed (the next node when one does not answer); users fan their notes out\n"
        "at capture when the rate needs more; every submission is published as tx.submitted.\n"
        "Environment: " TF_WL_TX_WORKERS_ENV ", submission threads (over the workers knob).\n",
    .feed_topics = s_feed_topics,
    .create = s_create,
    .destroy = s_destroy,
    .handlers = &s_handlers,
};
