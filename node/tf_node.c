//  tf_node.c - the tf-node server: slot loop, block import, fork switches, gossip
//
//  One mutex guards the node. The loop thread holds it except while poll() sleeps in
//  tf_node_p2p_poll; HTTP threads take it per request. A block is appended to the log
//  (fsync) before anything announces it: gossip, streams, or the HTTP API, which cannot
//  see the new tip until the lock is released after the append.
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include "tf_node_da_api.h"
#include "tf_node_internal.h"
#include "tf_node_log.h"
#include "tf_node_lottery.h"

static int64_t
s_wall_us (void)
{
    struct timeval now;
    gettimeofday (&now, NULL);
    return (int64_t) now.tv_sec * 1000000 + now.tv_usec;
}

static int64_t
s_mono_us (void)
{
    struct timespec now;
    clock_gettime (CLOCK_MONOTONIC, &now);
    return (int64_t) now.tv_sec * 1000000 + now.tv_nsec / 1000;
}

static void s_on_frame (void *arg, tf_node_p2p_conn_t *conn, json_t *frame);
static void s_on_hello (void *arg, tf_node_p2p_conn_t *conn, json_t *hello);
static void s_replay_block (json_t *json, void *arg);
static void s_orphan_free (void *value);

tf_node_t *
tf_node_new (tf_node_config_t **config_p)
{
    assert (config_p && *config_p);
    tf_node_config_t *config = *config_p;
    tf_node_t *self = calloc (1, sizeof *self);
    assert (self);
    pthread_mutex_init (&self->mutex, NULL);
    self->config = config;
    self->produce_blocks = 1;
    self->orphans = tf_node_idmap_new (s_orphan_free);
    self->da_monitor = json_object ();
    self->mempool = tf_node_mempool_new (config->mempool_cap);

    //  Genesis: its block, ledger and leaders with their stakes
    tf_node_ledger_t *ledger = tf_node_genesis_ledger (config->genesis);
    tf_node_block_t *genesis =
        tf_node_block_new_genesis (config->genesis->txs, config->genesis->ntxs);
    self->nonce = genesis->id;
    self->leaders = calloc (config->genesis->ndecls + 1, sizeof *self->leaders);
    assert (self->leaders);
    uint64_t total = 0;
    for (size_t index = 0; index < config->genesis->ndecls; index++) {
        const tf_node_decl_t *decl = &config->genesis->decls[index];
        const tf_node_output_t *note = tf_node_ledger_note (ledger, &decl->locked_note_id);
        tf_node_leader_t *leader = &self->leaders[self->nleaders++];
        leader->pk = decl->provider_id;
        leader->stake = note ? note->value : 0;
        total += leader->stake;
    }
    for (size_t index = 0; index < self->nleaders; index++)
        self->leaders[index].threshold = tf_node_lottery_threshold (
            config->active_slot_coeff,
            total ? (double) self->leaders[index].stake / (double) total : 0);
    self->chain = tf_node_chain_new (genesis, ledger, config->security_param);
    char hex[65];
    tf_node_info ("node: genesis id=%s txs=%zu notes=%zu leaders=%zu total_stake=%llu",
                  tf_node_hash_hex (&self->nonce, hex), config->genesis->ntxs,
                  tf_node_genesis_notes (config->genesis), self->nleaders,
                  (unsigned long long) total);

    self->store = tf_node_store_new (config->db_path);
    if (!self->store)
        goto fail;
    pthread_mutex_lock (&self->mutex);
    tf_node_chain_set_trusted (self->chain, true); //  Our own log: signatures were checked
    long replayed = tf_node_store_replay (self->store, s_replay_block, self);
    tf_node_chain_set_trusted (self->chain, false);
    pthread_mutex_unlock (&self->mutex);
    if (replayed < 0) {
        tf_node_error ("node: cannot read block log dir=%s", config->db_path);
        goto fail;
    }
    const tf_node_chain_entry_t *tip = tf_node_chain_tip (self->chain);
    tf_node_info ("node: chain restored blocks=%ld height=%llu tip=%s", replayed,
                  (unsigned long long) tip->height, tf_node_hash_hex (&tip->block->id, hex));

    self->da =
        tf_node_da_new (config->db_path, tf_node_da_api_member (self), config->genesis->ndecls);
    if (!self->da)
        goto fail;
    self->p2p = tf_node_p2p_new (config, &self->mutex, s_on_frame, s_on_hello, self);
    if (!self->p2p)
        goto fail;
    tf_node_p2p_set_tip (self->p2p, hex, tip->height);
    self->http = tf_node_http_new (self, config->http_host, config->http_port, 0);
    if (!self->http)
        goto fail;
    if (config->has_testing) {
        self->testing = tf_node_http_new (self, config->testing_host, config->testing_port, 1);
        if (!self->testing)
            goto fail;
    }
    self->started_us = s_mono_us ();
    self->last_slot_tried = tf_node_current_slot (self);
    tf_node_info ("node: started peer_id=%s p2p=%s:%d http=%s:%d leader=%s",
                  tf_node_p2p_peer_id (self->p2p), config->p2p_host, tf_node_p2p_port (self->p2p),
                  config->http_host, config->http_port, config->has_leader ? "yes" : "no");
    *config_p = NULL;
    return self;
fail:
    self->config = NULL; //  The caller keeps the config on failure
    tf_node_destroy (&self);
    return NULL;
}

void
tf_node_destroy (tf_node_t **self_p)
{
    assert (self_p);
    tf_node_t *self = *self_p;
    if (!self)
        return;
    //  Streams first, so HTTP threads blocked on them return, then the servers
    pthread_mutex_lock (&self->mutex);
    for (size_t index = 0; index < TF_NODE_MAX_STREAMS; index++)
        if (self->streams[index])
            tf_node_stream_close (self->streams[index]);
    pthread_mutex_unlock (&self->mutex);
    tf_node_http_destroy (&self->testing);
    tf_node_http_destroy (&self->http);
    for (size_t index = 0; index < TF_NODE_MAX_STREAMS; index++)
        tf_node_stream_destroy (&self->streams[index]);
    tf_node_p2p_destroy (&self->p2p);
    tf_node_store_destroy (&self->store);
    tf_node_da_destroy (&self->da);
    json_decref (self->da_monitor);
    tf_node_idmap_destroy (&self->orphans);
    tf_node_mempool_destroy (&self->mempool);
    tf_node_chain_destroy (&self->chain);
    free (self->leaders);
    tf_node_config_destroy (&self->config);
    pthread_mutex_destroy (&self->mutex);
    free (self);
    *self_p = NULL;
}

uint64_t
tf_node_current_slot (const tf_node_t *self)
{
    int64_t elapsed = s_wall_us () - self->config->chain_start_us;
    return elapsed > 0 ? (uint64_t) (elapsed / self->config->slot_duration_us) : 0;
}

static void s_update_mode (tf_node_t *self);
static void s_try_produce (tf_node_t *self, uint64_t slot);
static void s_announce_tip (tf_node_t *self);

int
tf_node_run (tf_node_t *self, volatile sig_atomic_t *stop)
{
    assert (self);
    pthread_mutex_lock (&self->mutex);
    while (!*stop && !self->fatal) {
        s_update_mode (self);
        uint64_t slot = tf_node_current_slot (self);
        if (slot > self->last_slot_tried) {
            self->last_slot_tried = slot;
            s_try_produce (self, slot);
        }
        int64_t now_ms = s_mono_us () / 1000;
        if (now_ms >= self->next_tip_ms) {
            self->next_tip_ms = now_ms + TF_NODE_TIP_EVERY_MS;
            s_announce_tip (self);
        }
        //  Sleep until the next slot boundary, at most TF_NODE_POLL_MAX_MS
        int64_t into =
            (s_wall_us () - self->config->chain_start_us) % self->config->slot_duration_us;
        int64_t wait_ms = (self->config->slot_duration_us - (into < 0 ? 0 : into)) / 1000 + 1;
        if (wait_ms > TF_NODE_POLL_MAX_MS)
            wait_ms = TF_NODE_POLL_MAX_MS;
        tf_node_p2p_poll (self->p2p, (int) wait_ms);
    }
    int rc = self->fatal ? -1 : 0;
    pthread_mutex_unlock (&self->mutex);
    tf_node_info ("node: stopping");
    return rc;
}

//  Leader's lottery threshold, or -1 if the key declared no stake at genesis
static double
s_threshold (const tf_node_t *self, const tf_node_hash_t *pk)
{
    for (size_t index = 0; index < self->nleaders; index++)
        if (tf_node_hash_cmp (&self->leaders[index].pk, pk) == 0)
            return self->leaders[index].threshold;
    return -1;
}

static void s_after_tip_change (tf_node_t *self, const tf_node_chain_entry_t *old_tip);
static void s_publish_block (tf_node_t *self, const tf_node_chain_entry_t *entry);
static void s_adopt_orphans (tf_node_t *self, const tf_node_hash_t *parent);

int
tf_node_import_block (tf_node_t *self, tf_node_block_t **block_p, tf_node_p2p_conn_t *from,
                      int replaying)
{
    tf_node_block_t *block = *block_p;
    *block_p = NULL;
    char hex[65], error[256] = "";
    int rc = -1;
    if (tf_node_chain_lookup (self->chain, &block->id)
        || tf_node_idmap_lookup (self->orphans, &block->id))
        goto out;
    double threshold = s_threshold (self, &block->leader_key);
    if (threshold < 0) {
        tf_node_debug ("node: block rejected id=%s reason=unknown leader",
                       tf_node_hash_hex (&block->id, hex));
        goto out;
    }
    if (!replaying //  Our own log's blocks won their slots when they first came
        && tf_node_lottery_verify (&block->leader_key, &self->nonce, block->slot, block->proof,
                                   threshold)) {
        tf_node_warn ("node: block rejected id=%s reason=invalid leader proof",
                      tf_node_hash_hex (&block->id, hex));
        goto out;
    }
    if (!replaying && block->slot > tf_node_current_slot (self) + 1) {
        tf_node_debug ("node: block rejected id=%s reason=future slot %llu",
                       tf_node_hash_hex (&block->id, hex), (unsigned long long) block->slot);
        goto out;
    }
    const tf_node_chain_entry_t *old_tip = tf_node_chain_tip (self->chain);
    tf_node_hash_t id = block->id;
    tf_node_chain_rc_t added = tf_node_chain_add (self->chain, &block, error, sizeof error);
    if (added == TF_NODE_CHAIN_ORPHAN) {
        //  Keep it and ask the sender for the parent; the parent's arrival adopts it
        tf_node_hash_t parent = block->parent;
        if (tf_node_idmap_size (self->orphans) < TF_NODE_MAX_ORPHANS
            && tf_node_idmap_insert (self->orphans, &id, block) == 0)
            block = NULL;
        if (from) {
            json_t *request =
                json_pack ("{s:s, s:o}", "type", "get_block", "id", tf_node_json_hash (&parent));
            tf_node_p2p_send (self->p2p, from, request);
            json_decref (request);
        }
        goto out;
    }
    if (added == TF_NODE_CHAIN_INVALID)
        tf_node_warn ("node: block rejected id=%s reason=%s", tf_node_hash_hex (&id, hex), error);
    if (added != TF_NODE_CHAIN_ADDED)
        goto out;

    const tf_node_chain_entry_t *entry = tf_node_chain_lookup (self->chain, &id);
    json_t *stored = replaying ? NULL : tf_node_block_storage_json (entry->block);
    if (!replaying && tf_node_store_append (self->store, stored) != 0) {
        self->fatal = 1; //  Not durable: never announce it, stop the node
        json_decref (stored);
        goto out;
    }
    rc = 0;
    self->blocks_imported++;
    self->block_txs += entry->block->ntxs;
    tf_node_debug ("node: block imported height=%llu slot=%llu id=%s",
                   (unsigned long long) entry->height, (unsigned long long) entry->block->slot,
                   tf_node_hash_hex (&id, hex));
    if (tf_node_chain_tip (self->chain) != old_tip)
        s_after_tip_change (self, old_tip);
    if (!replaying && !self->fork_irreversibly) {
        json_t *gossip = json_pack ("{s:s, s:O}", "type", "block", "block", stored);
        tf_node_p2p_broadcast (self->p2p, gossip, from);
        json_decref (gossip);
    }
    if (!replaying)
        s_publish_block (self, entry);
    json_decref (stored);
    s_adopt_orphans (self, &id);
out:
    tf_node_block_destroy (&block);
    return rc;
}

int
tf_node_admit_tx (tf_node_t *self, tf_node_tx_t **tx_p, tf_node_p2p_conn_t *from, char *error,
                  size_t error_size)
{
    tf_node_tx_t *tx = *tx_p;
    *tx_p = NULL;
    int status = 200;
    if (self->drop_transactions)
        goto out; //  Fault: accepted and forgotten
    if (tf_node_mempool_contains (self->mempool, &tx->hash)) {
        snprintf (error, error_size, "Item already in mempool");
        status = 500;
        goto out;
    }
    const tf_node_chain_entry_t *tip = tf_node_chain_tip (self->chain);
    if (tf_node_ledger_check (tip->ledger, tx, error, error_size)) {
        status = 422;
        goto out;
    }
    json_t *frame = json_pack ("{s:s, s:o}", "type", "tx", "tx", tf_node_tx_json (tx));
    tf_node_mempool_rc_t added = tf_node_mempool_add (self->mempool, &tx);
    if (added == TF_NODE_MEMPOOL_OK) {
        self->txs_added++;
        tf_node_p2p_broadcast (self->p2p, frame, from);
    }
    else if (added == TF_NODE_MEMPOOL_DUPLICATE) {
        snprintf (error, error_size, "Item already in mempool");
        status = 500;
    }
    else if (added == TF_NODE_MEMPOOL_CONFLICT) {
        snprintf (error, error_size, "an input is already spent by a pending transaction");
        status = 422;
    }
    else {
        snprintf (error, error_size, "Mempool full");
        status = 500;
    }
    json_decref (frame);
out:
    tf_node_tx_destroy (&tx);
    return status;
}

tf_node_stream_t *
tf_node_subscribe (tf_node_t *self, tf_node_stream_kind_t kind)
{
    for (size_t index = 0; index < TF_NODE_MAX_STREAMS; index++)
        if (!self->streams[index]) {
            self->streams[index] = tf_node_stream_new (kind);
            return self->streams[index];
        }
    return NULL;
}

void
tf_node_unsubscribe (tf_node_t *self, tf_node_stream_t **stream_p)
{
    for (size_t index = 0; index < TF_NODE_MAX_STREAMS; index++)
        if (self->streams[index] == *stream_p)
            self->streams[index] = NULL;
    tf_node_stream_destroy (stream_p);
}

static void
s_push (tf_node_t *self, tf_node_stream_kind_t kind, json_t *event)
{
    char *line = NULL;
    for (size_t index = 0; index < TF_NODE_MAX_STREAMS; index++) {
        tf_node_stream_t *stream = self->streams[index];
        if (!stream || tf_node_stream_kind (stream) != kind)
            continue;
        if (!line) {
            char *text = json_dumps (event, JSON_COMPACT | JSON_PRESERVE_ORDER);
            assert (text);
            size_t length = strlen (text);
            line = malloc (length + 2);
            assert (line);
            memcpy (line, text, length);
            memcpy (line + length, "\n", 2);
            free (text);
        }
        tf_node_stream_push (stream, line);
    }
    free (line);
    json_decref (event);
}

static void
s_publish_block (tf_node_t *self, const tf_node_chain_entry_t *entry)
{
    int wanted = 0;
    for (size_t index = 0; index < TF_NODE_MAX_STREAMS && !wanted; index++)
        wanted = self->streams[index]
                 && tf_node_stream_kind (self->streams[index]) == TF_NODE_STREAM_BLOCKS;
    if (!wanted)
        return;
    s_push (self, TF_NODE_STREAM_BLOCKS,
            json_pack ("{s:o, s:o, s:o}", "block", tf_node_block_api_json (entry->block), "tip",
                       tf_node_json_hash (&tf_node_chain_tip (self->chain)->block->id), "lib",
                       tf_node_json_hash (&tf_node_chain_lib (self->chain)->block->id)));
}

static void
s_update_lib (tf_node_t *self)
{
    if (!self->online || !tf_node_chain_update_lib (self->chain))
        return;
    const tf_node_chain_entry_t *lib = tf_node_chain_lib (self->chain);
    s_push (self, TF_NODE_STREAM_LIB,
            json_pack ("{s:I, s:o}", "height", (json_int_t) lib->height, "header_id",
                       tf_node_json_hash (&lib->block->id)));
}

//  The tip moved: txs of abandoned blocks go back to the pool, txs of adopted blocks leave it
static void
s_after_tip_change (tf_node_t *self, const tf_node_chain_entry_t *old_tip)
{
    const tf_node_chain_entry_t *tip = tf_node_chain_tip (self->chain);
    const tf_node_chain_entry_t *fork = tf_node_chain_common (old_tip, tip);
    char hex[65];
    if (fork != old_tip) {
        self->reorgs++;
        tf_node_info ("node: reorg depth=%llu fork_height=%llu new_tip=%s height=%llu",
                      (unsigned long long) (old_tip->height - fork->height),
                      (unsigned long long) fork->height, tf_node_hash_hex (&tip->block->id, hex),
                      (unsigned long long) tip->height);
        for (const tf_node_chain_entry_t *entry = old_tip; entry != fork; entry = entry->parent)
            for (size_t index = 0; index < entry->block->ntxs; index++) {
                tf_node_tx_t *copy = tf_node_tx_dup (entry->block->txs[index]);
                char reason[160];
                if (tf_node_ledger_check (tip->ledger, copy, reason, sizeof reason) == 0)
                    tf_node_mempool_add (self->mempool, &copy);
                tf_node_tx_destroy (&copy);
            }
    }
    for (const tf_node_chain_entry_t *entry = tip; entry != fork; entry = entry->parent)
        for (size_t index = 0; index < entry->block->ntxs; index++)
            tf_node_mempool_remove (self->mempool, &entry->block->txs[index]->hash);
    s_update_lib (self);
    if (self->p2p) //  Not yet during replay
        tf_node_p2p_set_tip (self->p2p, tf_node_hash_hex (&tip->block->id, hex), tip->height);
}

typedef struct {
    const tf_node_hash_t *parent; //  Parent searched for
    tf_node_hash_t *ids;          //  Children found
    size_t count;                 //  Their count
} orphan_scan_t;

static int
s_scan_orphan (const tf_node_hash_t *id, void *value, void *arg)
{
    orphan_scan_t *scan = arg;
    tf_node_block_t *block = value;
    if (tf_node_hash_cmp (&block->parent, scan->parent) == 0)
        scan->ids[scan->count++] = *id;
    return 0;
}

static void
s_adopt_orphans (tf_node_t *self, const tf_node_hash_t *parent)
{
    if (tf_node_idmap_size (self->orphans) == 0)
        return;
    orphan_scan_t scan = {parent,
                          calloc (tf_node_idmap_size (self->orphans), sizeof (tf_node_hash_t)), 0};
    assert (scan.ids);
    tf_node_idmap_foreach (self->orphans, s_scan_orphan, &scan);
    for (size_t index = 0; index < scan.count; index++) {
        tf_node_block_t *child = tf_node_idmap_take (self->orphans, &scan.ids[index]);
        if (child)
            tf_node_import_block (self, &child, NULL, 0);
    }
    free (scan.ids);
}

static void
s_orphan_free (void *value)
{
    tf_node_block_t *block = value;
    tf_node_block_destroy (&block);
}

static void
s_update_mode (tf_node_t *self)
{
    if (self->online)
        return;
    int64_t elapsed = s_mono_us () - self->started_us;
    int64_t period = self->config->bootstrap_period_us;
    if (elapsed < period)
        return;
    if (self->config->npeers && tf_node_p2p_peers (self->p2p) == 0 && elapsed < 5 * period)
        return;
    self->online = 1;
    tf_node_info ("node: mode Online");
    s_update_lib (self);
}

//  The fork_irreversibly fault: a private fork, each block of it final at once
void
tf_node_set_fork_irreversibly (tf_node_t *self, int on)
{
    self->fork_irreversibly = on;
    tf_node_chain_set_security_param (self->chain, on ? 0 : self->config->security_param);
    s_update_lib (self);
}

static void
s_try_produce (tf_node_t *self, uint64_t slot)
{
    if (!self->online || !self->config->has_leader || !self->produce_blocks)
        return;
    double threshold = s_threshold (self, &self->config->leader.pk);
    const tf_node_chain_entry_t *tip = tf_node_chain_tip (self->chain);
    if (threshold <= 0 || tip->block->slot >= slot)
        return;
    uint8_t proof[TF_NODE_SIG_SIZE];
    tf_node_lottery_prove (&self->config->leader, &self->nonce, slot, proof);
    if (!tf_node_lottery_wins (proof, threshold))
        return;
    tf_node_tx_t **txs = calloc (TF_NODE_BLOCK_MAX_TXS, sizeof *txs);
    assert (txs);
    size_t ntxs = tf_node_mempool_select (self->mempool, tip->ledger, txs, TF_NODE_BLOCK_MAX_TXS);
    tf_node_block_t *block =
        tf_node_block_new_forged (&tip->block->id, slot, &self->config->leader, proof, txs, ntxs);
    tf_node_hash_t id = block->id;
    uint64_t height = tip->height + 1;
    if (tf_node_import_block (self, &block, NULL, 0) == 0) {
        self->blocks_produced++;
        char hex[65];
        tf_node_info ("node: block produced height=%llu slot=%llu txs=%zu id=%.12s",
                      (unsigned long long) height, (unsigned long long) slot, ntxs,
                      tf_node_hash_hex (&id, hex));
    }
}

static void
s_announce_tip (tf_node_t *self)
{
    if (self->fork_irreversibly)
        return; //  The fault keeps its fork to itself
    const tf_node_chain_entry_t *tip = tf_node_chain_tip (self->chain);
    json_t *frame =
        json_pack ("{s:s, s:o, s:I}", "type", "tip", "tip", tf_node_json_hash (&tip->block->id),
                   "height", (json_int_t) tip->height);
    tf_node_p2p_broadcast (self->p2p, frame, NULL);
    json_decref (frame);
}

//  A peer's tip we do not know: ask that peer for it
static void
s_fetch_unknown (tf_node_t *self, tf_node_p2p_conn_t *conn, json_t *frame)
{
    tf_node_hash_t tip;
    if (self->fork_irreversibly || tf_node_json_get_hash (json_object_get (frame, "tip"), &tip)
        || tf_node_chain_lookup (self->chain, &tip) || tf_node_idmap_lookup (self->orphans, &tip))
        return;
    json_t *request = json_pack ("{s:s, s:o}", "type", "get_block", "id", tf_node_json_hash (&tip));
    tf_node_p2p_send (self->p2p, conn, request);
    json_decref (request);
}

static void
s_on_hello (void *arg, tf_node_p2p_conn_t *conn, json_t *hello)
{
    s_fetch_unknown (arg, conn, hello);
}

static void
s_on_frame (void *arg, tf_node_p2p_conn_t *conn, json_t *frame)
{
    tf_node_t *self = arg;
    const char *type = json_string_value (json_object_get (frame, "type"));
    char error[256];
    if (self->fork_irreversibly && (strcmp (type, "block") == 0 || strcmp (type, "get_block") == 0))
        return; //  The fault: no block goes between the node and the network any more
    if (strcmp (type, "block") == 0) {
        tf_node_block_t *block =
            tf_node_block_new_from_json (json_object_get (frame, "block"), error, sizeof error);
        if (block)
            tf_node_import_block (self, &block, conn, 0);
        else
            tf_node_debug ("node: bad block from peer=%s reason=%s",
                           tf_node_p2p_conn_peer_id (conn), error);
    }
    else if (strcmp (type, "get_block") == 0) {
        tf_node_hash_t id;
        const tf_node_chain_entry_t *entry = NULL;
        if (tf_node_json_get_hash (json_object_get (frame, "id"), &id) == 0)
            entry = tf_node_chain_lookup (self->chain, &id);
        if (entry && entry->parent) {
            json_t *reply = json_pack ("{s:s, s:o}", "type", "block", "block",
                                       tf_node_block_storage_json (entry->block));
            tf_node_p2p_send (self->p2p, conn, reply);
            json_decref (reply);
        }
    }
    else if (strcmp (type, "tx") == 0) {
        if (self->drop_transactions)
            return;
        tf_node_tx_t *tx = tf_node_tx_new (json_object_get (frame, "tx"), 0, error, sizeof error);
        if (tx && !tf_node_mempool_contains (self->mempool, &tx->hash))
            tf_node_admit_tx (self, &tx, conn, error, sizeof error);
        tf_node_tx_destroy (&tx);
    }
    else if (strcmp (type, "tip") == 0)
        s_fetch_unknown (self, conn, frame);
    else if (strcmp (type, "da_share") == 0)
        tf_node_da_api_on_share (self, conn, json_object_get (frame, "share"));
    else if (strcmp (type, "da_share_ack") == 0)
        tf_node_da_api_on_ack (self, conn, frame);
}

static void
s_replay_block (json_t *json, void *arg)
{
    tf_node_t *self = arg;
    char error[256];
    tf_node_block_t *block = tf_node_block_new_from_json (json, error, sizeof error);
    if (!block) {
        tf_node_warn ("node: stored block unreadable reason=%s", error);
        return;
    }
    //  Blocks k deep in our own log are final: keep the LIB moving so ledgers below it go
    if (tf_node_import_block (self, &block, NULL, 1) == 0)
        tf_node_chain_update_lib (self->chain);
}
