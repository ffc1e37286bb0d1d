//  tf_exp_tx_judge.c - the verdict of tx_inclusion (see tf_exp_tx_judge.h)

#include <czmq.h>
#include <math.h>
#include <msgpack.h>
#include "tf_exp_tx_judge.h"
#include "tf_mpack.h"

#define S_HEX_SIZE     65 //  64 hex and a terminator
#define S_OUTCOME_SIZE 16
#define S_NODE_SIZE    64
#define S_DETAIL_KEYS  16 //  Entries of the details map

//  One submitted tx
typedef struct {
    uint64_t at_ms;               //  Submission time
    uint64_t planned_ms;          //  When its schedule planned it (at_ms if unrecorded)
    char outcome[S_OUTCOME_SIZE]; //  accepted | rejected | failed
    char node[S_NODE_SIZE];
    char *reason; //  Owned, or NULL
    //  Filled by the verdict
    uint64_t seen_ms;  //  First block carrying it, kept: 0 none
    uint64_t final_ms; //  First time such a block was final: 0 never
    bool in_lost;      //  A reorganised block carried it
} s_sub_t;

//  One block of the feed
typedef struct {
    char parent[S_HEX_SIZE];
    uint64_t height;
    uint64_t seen_ms;
    uint64_t final_ms; //  Filled by the verdict: 0 not final
    tf_strs_t txs;     //  Owned copies
} s_block_t;

//  One LIB id and when it was first reported
typedef struct {
    char id[S_HEX_SIZE];
    uint64_t at_ms;
} s_lib_t;

struct _tf_exp_tx_judge_t {
    double min_ratio;
    zhashx_t *subs;   //  tx hash -> s_sub_t (owned)
    zhashx_t *blocks; //  block id -> s_block_t (owned)
    zhashx_t *libs;   //  lib id -> s_lib_t (owned)
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
s_block_free (void **item_p)
{
    s_block_t *block = (s_block_t *) *item_p;
    if (block) {
        for (size_t index = 0; index < block->txs.count; index++)
            free (block->txs.items[index]);
        free (block->txs.items);
    }
    free (block);
    *item_p = NULL;
}

static void
s_lib_free (void **item_p)
{
    free (*item_p);
    *item_p = NULL;
}

tf_exp_tx_judge_t *
tf_exp_tx_judge_new (double min_ratio)
{
    tf_exp_tx_judge_t *self = (tf_exp_tx_judge_t *) zmalloc (sizeof (tf_exp_tx_judge_t));
    self->min_ratio = min_ratio > 0 && min_ratio <= 1 ? min_ratio : TF_EXP_TX_MIN_RATIO;
    self->subs = zhashx_new ();
    zhashx_set_destructor (self->subs, s_sub_free);
    self->blocks = zhashx_new ();
    zhashx_set_destructor (self->blocks, s_block_free);
    self->libs = zhashx_new ();
    zhashx_set_destructor (self->libs, s_lib_free);
    return self;
}

void
tf_exp_tx_judge_destroy (tf_exp_tx_judge_t **self_p)
{
    assert (self_p);
    tf_exp_tx_judge_t *self = *self_p;
    if (!self)
        return;
    zhashx_destroy (&self->subs);
    zhashx_destroy (&self->blocks);
    zhashx_destroy (&self->libs);
    free (self);
    *self_p = NULL;
}

void
tf_exp_tx_judge_submitted (tf_exp_tx_judge_t *self, const tf_tx_submitted_t *record)
{
    assert (self && record && record->hash && record->outcome);
    s_sub_t *sub = (s_sub_t *) zhashx_lookup (self->subs, record->hash);
    bool accepted = streq (record->outcome, "accepted");
    //  A hash recorded twice keeps its first acceptance, else its first record
    if (sub && (streq (sub->outcome, "accepted") || !accepted))
        return;
    if (!sub) {
        sub = (s_sub_t *) zmalloc (sizeof (s_sub_t));
        zhashx_insert (self->subs, record->hash, sub);
    }
    sub->at_ms = record->at_ms;
    sub->planned_ms = record->planned_ms ? record->planned_ms : record->at_ms;
    snprintf (sub->outcome, sizeof sub->outcome, "%s", record->outcome);
    snprintf (sub->node, sizeof sub->node, "%s", record->node ? record->node : "");
    free (sub->reason);
    sub->reason = record->reason ? strdup (record->reason) : NULL;
}

void
tf_exp_tx_judge_block (tf_exp_tx_judge_t *self, const tf_feed_block_t *block)
{
    assert (self && block && block->id);
    if (zhashx_lookup (self->blocks, block->id))
        return;
    s_block_t *copy = (s_block_t *) zmalloc (sizeof (s_block_t));
    snprintf (copy->parent, sizeof copy->parent, "%s", block->parent ? block->parent : "");
    copy->height = block->height;
    copy->seen_ms = block->seen_ms;
    copy->txs.count = block->txs.count;
    copy->txs.items = (char **) zmalloc ((block->txs.count + 1) * sizeof (char *));
    for (size_t index = 0; index < block->txs.count; index++)
        copy->txs.items[index] = strdup (block->txs.items[index]);
    zhashx_insert (self->blocks, block->id, copy);
}

void
tf_exp_tx_judge_tip (tf_exp_tx_judge_t *self, const tf_feed_tip_t *tip)
{
    assert (self && tip);
    if (!tip->up || !tip->lib || strlen (tip->lib) != S_HEX_SIZE - 1)
        return;
    s_lib_t *lib = (s_lib_t *) zhashx_lookup (self->libs, tip->lib);
    if (lib) {
        if (tip->at_ms < lib->at_ms)
            lib->at_ms = tip->at_ms;
        return;
    }
    lib = (s_lib_t *) zmalloc (sizeof (s_lib_t));
    snprintf (lib->id, sizeof lib->id, "%s", tip->lib);
    lib->at_ms = tip->at_ms;
    zhashx_insert (self->libs, tip->lib, lib);
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
//  Verdict

static int
s_compare_lib (const void *left, const void *right)
{
    const s_lib_t *a = *(const s_lib_t *const *) left;
    const s_lib_t *b = *(const s_lib_t *const *) right;
    if (a->at_ms != b->at_ms)
        return a->at_ms < b->at_ms ? -1 : 1;
    return strcmp (a->id, b->id);
}

static int
s_compare_u64 (const void *left, const void *right)
{
    uint64_t a = *(const uint64_t *) left, b = *(const uint64_t *) right;
    return a < b ? -1 : a > b;
}

//  Mark final blocks: every LIB and its ancestors, LIBs in report order.
//  Returns the highest final height.
static uint64_t
s_finalize (tf_exp_tx_judge_t *self)
{
    size_t count = zhashx_size (self->libs);
    s_lib_t **libs = (s_lib_t **) zmalloc ((count + 1) * sizeof (s_lib_t *));
    size_t filled = 0;
    for (s_lib_t *lib = (s_lib_t *) zhashx_first (self->libs); lib;
         lib = (s_lib_t *) zhashx_next (self->libs))
        libs[filled++] = lib;
    qsort (libs, filled, sizeof (s_lib_t *), s_compare_lib);
    for (s_block_t *block = (s_block_t *) zhashx_first (self->blocks); block;
         block = (s_block_t *) zhashx_next (self->blocks))
        block->final_ms = 0;
    uint64_t final_height = 0;
    for (size_t index = 0; index < filled; index++) {
        s_block_t *block = (s_block_t *) zhashx_lookup (self->blocks, libs[index]->id);
        if (block && block->height > final_height)
            final_height = block->height;
        while (block && block->final_ms == 0) {
            block->final_ms = libs[index]->at_ms > 0 ? libs[index]->at_ms : 1;
            block = (s_block_t *) zhashx_lookup (self->blocks, block->parent);
        }
    }
    free (libs);
    return final_height;
}

//  Which blocks carried each submitted tx, and when
static void
s_match (tf_exp_tx_judge_t *self, uint64_t final_height)
{
    for (s_sub_t *sub = (s_sub_t *) zhashx_first (self->subs); sub;
         sub = (s_sub_t *) zhashx_next (self->subs)) {
        sub->seen_ms = sub->final_ms = 0;
        sub->in_lost = false;
    }
    for (s_block_t *block = (s_block_t *) zhashx_first (self->blocks); block;
         block = (s_block_t *) zhashx_next (self->blocks)) {
        bool lost = block->final_ms == 0 && block->height <= final_height;
        for (size_t index = 0; index < block->txs.count; index++) {
            s_sub_t *sub = (s_sub_t *) zhashx_lookup (self->subs, block->txs.items[index]);
            if (!sub)
                continue;
            if (lost) {
                sub->in_lost = true;
                continue;
            }
            uint64_t seen = block->seen_ms > 0 ? block->seen_ms : 1;
            if (sub->seen_ms == 0 || seen < sub->seen_ms)
                sub->seen_ms = seen;
            if (block->final_ms && (sub->final_ms == 0 || block->final_ms < sub->final_ms))
                sub->final_ms = block->final_ms;
        }
    }
}

//  {p50, p90, p99, max} of sorted latencies
static void
s_pack_percentiles (msgpack_packer *packer, const uint64_t *sorted, size_t count)
{
    msgpack_pack_map (packer, 4);
    tf_mpack_str (packer, "p50");
    msgpack_pack_uint64 (packer, tf_exp_tx_percentile (sorted, count, 0.5));
    tf_mpack_str (packer, "p90");
    msgpack_pack_uint64 (packer, tf_exp_tx_percentile (sorted, count, 0.9));
    tf_mpack_str (packer, "p99");
    msgpack_pack_uint64 (packer, tf_exp_tx_percentile (sorted, count, 0.99));
    tf_mpack_str (packer, "max");
    msgpack_pack_uint64 (packer, count ? sorted[count - 1] : 0);
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

//  Tallies of one verdict
typedef struct {
    uint64_t submitted, accepted, rejected, failed, retried;
    uint64_t included, finalized, lost, required;
    uint64_t *latencies;     //  Submission -> first block, ms (owned)
    uint64_t *lib_latencies; //  Submission -> final, ms (owned)
    zhashx_t *by_node;       //  node -> accepted
    zhashx_t *reasons;       //  reason prefix -> rejected or failed
} s_tally_t;

static void
s_tally (tf_exp_tx_judge_t *self, s_tally_t *tally)
{
    size_t count = zhashx_size (self->subs);
    tally->latencies = (uint64_t *) zmalloc ((count + 1) * sizeof (uint64_t));
    tally->lib_latencies = (uint64_t *) zmalloc ((count + 1) * sizeof (uint64_t));
    tally->by_node = zhashx_new ();
    zhashx_set_destructor (tally->by_node, s_lib_free);
    tally->reasons = zhashx_new ();
    zhashx_set_destructor (tally->reasons, s_lib_free);
    for (s_sub_t *sub = (s_sub_t *) zhashx_first (self->subs); sub;
         sub = (s_sub_t *) zhashx_next (self->subs)) {
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
            tally->latencies[tally->included++] =
                sub->seen_ms > sub->planned_ms ? sub->seen_ms - sub->planned_ms : 0;
            if (sub->final_ms)
                tally->lib_latencies[tally->finalized++] =
                    sub->final_ms > sub->planned_ms ? sub->final_ms - sub->planned_ms : 0;
        }
        else if (sub->in_lost)
            tally->lost++;
    }
    qsort (tally->latencies, tally->included, sizeof (uint64_t), s_compare_u64);
    qsort (tally->lib_latencies, tally->finalized, sizeof (uint64_t), s_compare_u64);
    double wanted = ceil ((double) tally->submitted * self->min_ratio - TF_EXP_TX_EPSILON);
    tally->required = wanted < 1 ? 1 : (uint64_t) wanted;
}

static void
s_tally_free (s_tally_t *tally)
{
    free (tally->latencies);
    free (tally->lib_latencies);
    zhashx_destroy (&tally->by_node);
    zhashx_destroy (&tally->reasons);
}

static void
s_pack_details (tf_exp_tx_judge_t *self, const s_tally_t *tally, tf_exp_tx_verdict_t *verdict)
{
    msgpack_sbuffer buffer;
    msgpack_sbuffer_init (&buffer);
    msgpack_packer packer;
    msgpack_packer_init (&packer, &buffer, msgpack_sbuffer_write);
    msgpack_pack_map (&packer, S_DETAIL_KEYS);
    const char *names[] = {"submitted", "accepted",  "rejected", "failed",        "retried",
                           "included",  "finalized", "required", "lost_in_reorgs"};
    const uint64_t values[] = {tally->submitted, tally->accepted, tally->rejected,
                               tally->failed,    tally->retried,  tally->included,
                               tally->finalized, tally->required, tally->lost};
    for (size_t index = 0; index < sizeof values / sizeof values[0]; index++) {
        tf_mpack_str (&packer, names[index]);
        msgpack_pack_uint64 (&packer, values[index]);
    }
    tf_mpack_str (&packer, "min_ratio");
    msgpack_pack_double (&packer, self->min_ratio);
    tf_mpack_str (&packer, "latency_ms");
    s_pack_percentiles (&packer, tally->latencies, tally->included);
    tf_mpack_str (&packer, "lib_latency_ms");
    s_pack_percentiles (&packer, tally->lib_latencies, tally->finalized);
    tf_mpack_str (&packer, "inclusion_latency_ms");
    msgpack_pack_array (&packer, tally->included);
    for (size_t index = 0; index < tally->included; index++)
        msgpack_pack_uint64 (&packer, tally->latencies[index]);
    tf_mpack_str (&packer, "by_node");
    s_pack_counts (&packer, tally->by_node);
    tf_mpack_str (&packer, "reasons");
    s_pack_counts (&packer, tally->reasons);
    tf_mpack_str (&packer, "blocks");
    msgpack_pack_uint64 (&packer, zhashx_size (self->blocks));
    verdict->details = (uint8_t *) malloc (buffer.size);
    assert (verdict->details);
    memcpy (verdict->details, buffer.data, buffer.size);
    verdict->details_size = buffer.size;
    msgpack_sbuffer_destroy (&buffer);
}

//  The human message: the seeds' first line, then what lies behind it
static char *
s_message (tf_exp_tx_judge_t *self, const s_tally_t *tally, bool passed)
{
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream (&text, &size);
    assert (out);
    double percent =
        tally->submitted ? 100.0 * (double) tally->included / (double) tally->submitted : 0;
    if (passed)
        fprintf (out, "%s: %" PRIu64 "/%" PRIu64 " included (%.0f%%)", TF_EXP_TX_TITLE,
                 tally->included, tally->submitted, percent);
    else
        fprintf (out, "%s: observed %" PRIu64 " below required %" PRIu64, TF_EXP_TX_TITLE,
                 tally->included, tally->required);
    fprintf (out,
             "\n- %" PRIu64 "/%" PRIu64 " included (%.0f%%), required %" PRIu64 " (min_ratio %g)",
             tally->included, tally->submitted, percent, tally->required, self->min_ratio);
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
                 tf_exp_tx_percentile (tally->latencies, tally->included, 0.5),
                 tf_exp_tx_percentile (tally->latencies, tally->included, 0.99),
                 tf_exp_tx_percentile (tally->lib_latencies, tally->finalized, 0.5),
                 tf_exp_tx_percentile (tally->lib_latencies, tally->finalized, 0.99));
    if (tally->submitted == 0)
        fprintf (out, "\n- no transaction was submitted: are wallets seeded and is a "
                      "transactions workload running?");
    fclose (out);
    return text;
}

void
tf_exp_tx_judge_each (tf_exp_tx_judge_t *self, tf_exp_tx_fate_fn *fn, void *arg)
{
    assert (self && fn);
    s_match (self, s_finalize (self));
    for (s_sub_t *sub = (s_sub_t *) zhashx_first (self->subs); sub;
         sub = (s_sub_t *) zhashx_next (self->subs)) {
        tf_exp_tx_fate_t fate = {.hash = (const char *) zhashx_cursor (self->subs),
                                 .outcome = sub->outcome,
                                 .at_ms = sub->at_ms,
                                 .planned_ms = sub->planned_ms,
                                 .seen_ms = sub->seen_ms,
                                 .final_ms = sub->final_ms};
        fn (&fate, arg);
    }
}

void
tf_exp_tx_judge_verdict (tf_exp_tx_judge_t *self, tf_exp_tx_verdict_t *verdict)
{
    assert (self && verdict);
    memset (verdict, 0, sizeof *verdict);
    uint64_t final_height = s_finalize (self);
    s_match (self, final_height);
    s_tally_t tally = {0};
    s_tally (self, &tally);
    verdict->passed = tally.included >= tally.required;
    verdict->submitted = tally.submitted;
    verdict->included = tally.included;
    verdict->required = tally.required;
    verdict->message = s_message (self, &tally, verdict->passed);
    s_pack_details (self, &tally, verdict);
    s_tally_free (&tally);
}

void
tf_exp_tx_verdict_free (tf_exp_tx_verdict_t *verdict)
{
    assert (verdict);
    free (verdict->message);
    free (verdict->details);
    memset (verdict, 0, sizeof *verdict);
}
