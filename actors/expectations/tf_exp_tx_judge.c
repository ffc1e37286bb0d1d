//  tf_exp_tx_judge.c - the verdict of tx_inclusion (see tf_exp_tx_judge.h)

#include <czmq.h>
#include <math.h>
#include <msgpack.h>
#include "tf_exp_latency.h"
#include "tf_exp_tx_chain.h"
#include "tf_exp_tx_judge.h"
#include "tf_mpack.h"

#define S_HEX_SIZE     65 //  64 hex and a terminator
#define S_OUTCOME_SIZE 16
#define S_NODE_SIZE    64
#define S_DETAIL_KEYS  16 //  Entries of the details map

//  One submitted tx not yet settled
typedef struct {
    uint64_t at_ms;               //  Submission time
    uint64_t planned_ms;          //  When its schedule planned it (at_ms if unrecorded)
    char outcome[S_OUTCOME_SIZE]; //  accepted | rejected | failed
    char node[S_NODE_SIZE];
    char *reason;      //  Owned, or NULL
    uint64_t seen_ms;  //  First kept block carrying it: 0 none
    uint64_t final_ms; //  First time such a block was final: 0 never
    bool in_lost;      //  A reorganised block carried it
} s_sub_t;

//  A tx of a settled block whose record had not come: when, and until when
typedef struct {
    uint64_t seen_ms;
    uint64_t final_ms;
    uint64_t until_ms; //  Forgotten once the chain's clock passes it
} s_orphan_t;

//  A settled tx's fate, when fates are kept
typedef struct {
    char hash[S_HEX_SIZE];
    char outcome[S_OUTCOME_SIZE];
    uint64_t at_ms, planned_ms, seen_ms, final_ms;
} s_fate_t;

//  What the settled txs add up to
typedef struct {
    uint64_t submitted, accepted, rejected, failed, retried;
    uint64_t included, finalized, lost;
    tf_exp_latency_t *latencies;     //  Submission -> first block, ms
    tf_exp_latency_t *lib_latencies; //  Submission -> final, ms
    zhashx_t *by_node;               //  node -> accepted
    zhashx_t *reasons;               //  reason prefix -> rejected or failed
} s_tally_t;

struct _tf_exp_tx_judge_t {
    double min_ratio;
    tf_exp_tx_chain_t *chain; //  Blocks, finality, reorgs
    zhashx_t *subs;           //  tx hash -> s_sub_t (owned): not yet settled
    zhashx_t *orphans;        //  tx hash -> s_orphan_t (owned)
    s_tally_t tally;          //  Every settled tx
    zlistx_t *fates;          //  s_fate_t of every settled tx, when kept (owned)
};

static void
s_sub_free (void **item_p)
{
    s_sub_t *sub = (s_sub_t *) *item_p;
    if (sub)
        free (sub->reason);
    free (sub);
    *item_p = NULL;
}

static void
s_free (void **item_p)
{
    free (*item_p);
    *item_p = NULL;
}

tf_exp_tx_judge_t *
tf_exp_tx_judge_new (double min_ratio)
{
    tf_exp_tx_judge_t *self = (tf_exp_tx_judge_t *) zmalloc (sizeof (tf_exp_tx_judge_t));
    self->min_ratio = min_ratio > 0 && min_ratio <= 1 ? min_ratio : TF_EXP_TX_MIN_RATIO;
    self->chain = tf_exp_tx_chain_new ();
    self->subs = zhashx_new ();
    zhashx_set_destructor (self->subs, s_sub_free);
    self->orphans = zhashx_new ();
    zhashx_set_destructor (self->orphans, s_free);
    self->tally.latencies = tf_exp_latency_new ();
    self->tally.lib_latencies = tf_exp_latency_new ();
    self->tally.by_node = zhashx_new ();
    zhashx_set_destructor (self->tally.by_node, s_free);
    self->tally.reasons = zhashx_new ();
    zhashx_set_destructor (self->tally.reasons, s_free);
    return self;
}

void
tf_exp_tx_judge_destroy (tf_exp_tx_judge_t **self_p)
{
    assert (self_p);
    tf_exp_tx_judge_t *self = *self_p;
    if (!self)
        return;
    tf_exp_tx_chain_destroy (&self->chain);
    zhashx_destroy (&self->subs);
    zhashx_destroy (&self->orphans);
    tf_exp_latency_destroy (&self->tally.latencies);
    tf_exp_latency_destroy (&self->tally.lib_latencies);
    zhashx_destroy (&self->tally.by_node);
    zhashx_destroy (&self->tally.reasons);
    zlistx_destroy (&self->fates);
    free (self);
    *self_p = NULL;
}

void
tf_exp_tx_judge_keep_fates (tf_exp_tx_judge_t *self)
{
    assert (self);
    if (!self->fates) {
        self->fates = zlistx_new ();
        zlistx_set_destructor (self->fates, s_free);
    }
}

uint64_t
tf_exp_tx_percentile (const uint64_t *sorted, size_t count, double q)
{
    if (count == 0)
        return 0;
    double rank = ceil (q * (double) count - TF_EXP_TX_EPSILON);
    size_t index = rank < 1 ? 0 : (size_t) rank - 1;
    return sorted[index < count ? index : count - 1];
}


//  ---------------------------------------------------------------------------
//  Settling

//  Add one to name's count
static void
s_count (zhashx_t *counts, const char *name)
{
    uint64_t *count = (uint64_t *) zhashx_lookup (counts, name);
    if (!count) {
        count = (uint64_t *) zmalloc (sizeof (uint64_t));
        zhashx_insert (counts, name, count);
    }
    (*count)++;
}

//  Fold one tx into the tally, tell the fate callback, forget the tx
static void
s_fold (tf_exp_tx_judge_t *self, const char *hash)
{
    s_sub_t *sub = (s_sub_t *) zhashx_lookup (self->subs, hash);
    assert (sub);
    s_tally_t *tally = &self->tally;
    tally->submitted++;
    if (streq (sub->outcome, "accepted")) {
        tally->accepted++;
        tally->retried += sub->reason != NULL;
        s_count (tally->by_node, sub->node);
    }
    else {
        if (streq (sub->outcome, "rejected"))
            tally->rejected++;
        else
            tally->failed++;
        char key[TF_EXP_TX_REASON_KEY + 1];
        snprintf (key, sizeof key, "%s", sub->reason ? sub->reason : sub->outcome);
        s_count (tally->reasons, key);
    }
    if (sub->seen_ms) {
        tally->included++;
        tf_exp_latency_add (tally->latencies,
                            sub->seen_ms > sub->planned_ms ? sub->seen_ms - sub->planned_ms : 0);
        if (sub->final_ms) {
            tally->finalized++;
            tf_exp_latency_add (tally->lib_latencies, sub->final_ms > sub->planned_ms
                                                          ? sub->final_ms - sub->planned_ms
                                                          : 0);
        }
    }
    else if (sub->in_lost)
        tally->lost++;
    if (self->fates) {
        s_fate_t *fate = (s_fate_t *) zmalloc (sizeof (s_fate_t));
        snprintf (fate->hash, sizeof fate->hash, "%s", hash);
        snprintf (fate->outcome, sizeof fate->outcome, "%s", sub->outcome);
        fate->at_ms = sub->at_ms;
        fate->planned_ms = sub->planned_ms;
        fate->seen_ms = sub->seen_ms;
        fate->final_ms = sub->final_ms;
        zlistx_add_end (self->fates, fate);
    }
    zhashx_delete (self->subs, hash);
}

//  A kept block carried the tx: keep its earliest times
static void
s_carried (s_sub_t *sub, const tf_exp_tx_chain_block_t *block)
{
    uint64_t seen = block->seen_ms > 0 ? block->seen_ms : 1;
    if (sub->seen_ms == 0 || seen < sub->seen_ms)
        sub->seen_ms = seen;
    if (block->final_ms && (sub->final_ms == 0 || block->final_ms < sub->final_ms))
        sub->final_ms = block->final_ms;
}

//  A block settled: its accepted txs are settled with it
static void
s_on_settled (const tf_exp_tx_chain_block_t *block, void *arg)
{
    tf_exp_tx_judge_t *self = (tf_exp_tx_judge_t *) arg;
    for (size_t index = 0; index < block->txs->count; index++) {
        const char *hash = block->txs->items[index];
        s_sub_t *sub = (s_sub_t *) zhashx_lookup (self->subs, hash);
        if (block->lost) {
            if (sub)
                sub->in_lost = true;
            continue;
        }
        if (!sub) {
            s_orphan_t *orphan = (s_orphan_t *) zmalloc (sizeof (s_orphan_t));
            orphan->seen_ms = block->seen_ms > 0 ? block->seen_ms : 1;
            orphan->final_ms = block->final_ms;
            orphan->until_ms = block->final_ms + 2 * TF_EXP_TX_SETTLE_MS;
            if (zhashx_insert (self->orphans, hash, orphan))
                free (orphan);
            continue;
        }
        s_carried (sub, block);
        if (streq (sub->outcome, "accepted"))
            s_fold (self, hash);
    }
}

//  Settle what has aged, and forget orphans whose record never came
static void
s_settle (tf_exp_tx_judge_t *self, uint64_t now_ms)
{
    if (!tf_exp_tx_chain_settle (self->chain, s_on_settled, self))
        return;
    zlistx_t *hashes = zhashx_keys (self->orphans);
    for (const char *hash = (const char *) zlistx_first (hashes); hash;
         hash = (const char *) zlistx_next (hashes))
        if (((s_orphan_t *) zhashx_lookup (self->orphans, hash))->until_ms <= now_ms)
            zhashx_delete (self->orphans, hash);
    zlistx_destroy (&hashes);
}

void
tf_exp_tx_judge_submitted (tf_exp_tx_judge_t *self, const tf_tx_submitted_t *record)
{
    assert (self && record && record->hash && record->outcome);
    tf_exp_tx_chain_clock (self->chain, record->at_ms);
    s_sub_t *sub = (s_sub_t *) zhashx_lookup (self->subs, record->hash);
    bool accepted = streq (record->outcome, "accepted");
    //  A hash recorded twice keeps its first acceptance, else its first record
    if (sub && (streq (sub->outcome, "accepted") || !accepted))
        return;
    if (!sub) {
        sub = (s_sub_t *) zmalloc (sizeof (s_sub_t));
        zhashx_insert (self->subs, record->hash, sub);
        s_orphan_t *orphan = (s_orphan_t *) zhashx_lookup (self->orphans, record->hash);
        if (orphan) {
            sub->seen_ms = orphan->seen_ms;
            sub->final_ms = orphan->final_ms;
            zhashx_delete (self->orphans, record->hash);
        }
    }
    sub->at_ms = record->at_ms;
    sub->planned_ms = record->planned_ms ? record->planned_ms : record->at_ms;
    snprintf (sub->outcome, sizeof sub->outcome, "%s", record->outcome);
    snprintf (sub->node, sizeof sub->node, "%s", record->node ? record->node : "");
    free (sub->reason);
    sub->reason = record->reason ? strdup (record->reason) : NULL;
    if (accepted && sub->final_ms)
        s_fold (self, record->hash); //  Its block settled before the record came
    s_settle (self, record->at_ms);
}

void
tf_exp_tx_judge_block (tf_exp_tx_judge_t *self, const tf_feed_block_t *block)
{
    assert (self && block && block->id);
    tf_exp_tx_chain_block (self->chain, block);
    s_settle (self, block->seen_ms);
}

void
tf_exp_tx_judge_tip (tf_exp_tx_judge_t *self, const tf_feed_tip_t *tip)
{
    assert (self && tip);
    tf_exp_tx_chain_tip (self->chain, tip);
    s_settle (self, tip->at_ms);
}

//  A block still held, at the end: what it says of the txs it carries
static void
s_on_held (const tf_exp_tx_chain_block_t *block, void *arg)
{
    tf_exp_tx_judge_t *self = (tf_exp_tx_judge_t *) arg;
    for (size_t index = 0; index < block->txs->count; index++) {
        s_sub_t *sub = (s_sub_t *) zhashx_lookup (self->subs, block->txs->items[index]);
        if (!sub)
            continue;
        if (block->lost)
            sub->in_lost = true;
        else
            s_carried (sub, block);
    }
}

void
tf_exp_tx_judge_settle_all (tf_exp_tx_judge_t *self)
{
    assert (self);
    tf_exp_tx_chain_each (self->chain, s_on_held, self);
    zlistx_t *hashes = zhashx_keys (self->subs);
    for (const char *hash = (const char *) zlistx_first (hashes); hash;
         hash = (const char *) zlistx_next (hashes))
        s_fold (self, hash);
    zlistx_destroy (&hashes);
}

void
tf_exp_tx_judge_each (tf_exp_tx_judge_t *self, tf_exp_tx_fate_fn *fn, void *arg)
{
    assert (self && fn && self->fates);
    tf_exp_tx_judge_settle_all (self);
    for (s_fate_t *kept = (s_fate_t *) zlistx_first (self->fates); kept;
         kept = (s_fate_t *) zlistx_next (self->fates)) {
        tf_exp_tx_fate_t fate = {.hash = kept->hash,
                                 .outcome = kept->outcome,
                                 .at_ms = kept->at_ms,
                                 .planned_ms = kept->planned_ms,
                                 .seen_ms = kept->seen_ms,
                                 .final_ms = kept->final_ms};
        fn (&fate, arg);
    }
}

void
tf_exp_tx_judge_held (tf_exp_tx_judge_t *self, size_t *txs, size_t *blocks)
{
    assert (self && txs && blocks);
    *txs = zhashx_size (self->subs) + zhashx_size (self->orphans);
    *blocks = tf_exp_tx_chain_held (self->chain);
}


//  ---------------------------------------------------------------------------
//  Verdict

//  {p50, p90, p99, max} of latencies
static void
s_pack_percentiles (msgpack_packer *packer, const tf_exp_latency_t *latencies)
{
    msgpack_pack_map (packer, 4);
    tf_mpack_str (packer, "p50");
    msgpack_pack_uint64 (packer, tf_exp_latency_percentile (latencies, 0.5));
    tf_mpack_str (packer, "p90");
    msgpack_pack_uint64 (packer, tf_exp_latency_percentile (latencies, 0.9));
    tf_mpack_str (packer, "p99");
    msgpack_pack_uint64 (packer, tf_exp_latency_percentile (latencies, 0.99));
    tf_mpack_str (packer, "max");
    msgpack_pack_uint64 (packer, tf_exp_latency_max (latencies));
}

//  Pack a zhashx of name -> count (uint64_t *)
static void
s_pack_counts (msgpack_packer *packer, zhashx_t *counts)
{
    msgpack_pack_map (packer, zhashx_size (counts));
    for (uint64_t *count = (uint64_t *) zhashx_first (counts); count;
         count = (uint64_t *) zhashx_next (counts)) {
        tf_mpack_str (packer, (const char *) zhashx_cursor (counts));
        msgpack_pack_uint64 (packer, *count);
    }
}

//  max (1, ceil (submitted x min_ratio))
static uint64_t
s_required (tf_exp_tx_judge_t *self)
{
    double wanted = ceil ((double) self->tally.submitted * self->min_ratio - TF_EXP_TX_EPSILON);
    return wanted < 1 ? 1 : (uint64_t) wanted;
}

static void
s_pack_details (tf_exp_tx_judge_t *self, tf_exp_tx_verdict_t *verdict)
{
    const s_tally_t *tally = &self->tally;
    msgpack_sbuffer buffer;
    msgpack_sbuffer_init (&buffer);
    msgpack_packer packer;
    msgpack_packer_init (&packer, &buffer, msgpack_sbuffer_write);
    msgpack_pack_map (&packer, S_DETAIL_KEYS);
    const char *names[] = {"submitted", "accepted",  "rejected", "failed",        "retried",
                           "included",  "finalized", "required", "lost_in_reorgs"};
    const uint64_t values[] = {tally->submitted, tally->accepted,   tally->rejected,
                               tally->failed,    tally->retried,    tally->included,
                               tally->finalized, verdict->required, tally->lost};
    for (size_t index = 0; index < sizeof values / sizeof values[0]; index++) {
        tf_mpack_str (&packer, names[index]);
        msgpack_pack_uint64 (&packer, values[index]);
    }
    tf_mpack_str (&packer, "min_ratio");
    msgpack_pack_double (&packer, self->min_ratio);
    tf_mpack_str (&packer, "latency_ms");
    s_pack_percentiles (&packer, tally->latencies);
    tf_mpack_str (&packer, "lib_latency_ms");
    s_pack_percentiles (&packer, tally->lib_latencies);
    tf_mpack_str (&packer, "inclusion_latency_ms");
    tf_exp_latency_pack (tally->latencies, &packer);
    tf_mpack_str (&packer, "by_node");
    s_pack_counts (&packer, tally->by_node);
    tf_mpack_str (&packer, "reasons");
    s_pack_counts (&packer, tally->reasons);
    tf_mpack_str (&packer, "blocks");
    msgpack_pack_uint64 (&packer, tf_exp_tx_chain_seen (self->chain));
    verdict->details = (uint8_t *) malloc (buffer.size);
    assert (verdict->details);
    memcpy (verdict->details, buffer.data, buffer.size);
    verdict->details_size = buffer.size;
    msgpack_sbuffer_destroy (&buffer);
}

//  The human message: the seeds' first line, then what lies behind it
static char *
s_message (tf_exp_tx_judge_t *self, const tf_exp_tx_verdict_t *verdict)
{
    const s_tally_t *tally = &self->tally;
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream (&text, &size);
    assert (out);
    double percent =
        tally->submitted ? 100.0 * (double) tally->included / (double) tally->submitted : 0;
    if (verdict->passed)
        fprintf (out, "%s: %" PRIu64 "/%" PRIu64 " included (%.0f%%)", TF_EXP_TX_TITLE,
                 tally->included, tally->submitted, percent);
    else
        fprintf (out, "%s: observed %" PRIu64 " below required %" PRIu64, TF_EXP_TX_TITLE,
                 tally->included, verdict->required);
    fprintf (out,
             "\n- %" PRIu64 "/%" PRIu64 " included (%.0f%%), required %" PRIu64 " (min_ratio %g)",
             tally->included, tally->submitted, percent, verdict->required, self->min_ratio);
    fprintf (out,
             "\n- accepted %" PRIu64 " (%" PRIu64 " moved to another node), rejected %" PRIu64
             ", failed %" PRIu64,
             tally->accepted, tally->retried, tally->rejected, tally->failed);
    for (uint64_t *count = (uint64_t *) zhashx_first (tally->reasons); count;
         count = (uint64_t *) zhashx_next (tally->reasons))
        fprintf (out, "\n- %" PRIu64 " not accepted: %s", *count,
                 (const char *) zhashx_cursor (tally->reasons));
    fprintf (out, "\n- lost in reorgs %" PRIu64 "; %" PRIu64 " below the LIB", tally->lost,
             tally->finalized);
    if (tally->included)
        fprintf (out,
                 "\n- latency to first block p50 %" PRIu64 " ms p99 %" PRIu64
                 " ms; to LIB p50 %" PRIu64 " ms p99 %" PRIu64 " ms",
                 tf_exp_latency_percentile (tally->latencies, 0.5),
                 tf_exp_latency_percentile (tally->latencies, 0.99),
                 tf_exp_latency_percentile (tally->lib_latencies, 0.5),
                 tf_exp_latency_percentile (tally->lib_latencies, 0.99));
    if (tally->submitted == 0)
        fprintf (out, "\n- no transaction was submitted: are wallets seeded and is a "
                      "transactions workload running?");
    fclose (out);
    return text;
}

void
tf_exp_tx_judge_verdict (tf_exp_tx_judge_t *self, tf_exp_tx_verdict_t *verdict)
{
    assert (self && verdict);
    memset (verdict, 0, sizeof *verdict);
    tf_exp_tx_judge_settle_all (self);
    verdict->submitted = self->tally.submitted;
    verdict->included = self->tally.included;
    verdict->required = s_required (self);
    verdict->passed = verdict->included >= verdict->required;
    verdict->message = s_message (self, verdict);
    s_pack_details (self, verdict);
}

void
tf_exp_tx_verdict_free (tf_exp_tx_verdict_t *verdict)
{
    assert (verdict);
    free (verdict->message);
    free (verdict->details);
    memset (verdict, 0, sizeof *verdict);
}
