//  tf_exp_da_judge.c - the verdict of da_inclusion (see tf_exp_da_judge.h)

#include <czmq.h>
#include <math.h>
#include <msgpack.h>
#include "tf_exp_da_judge.h"
#include "tf_exp_tx_judge.h"
#include "tf_mpack.h"

#define S_EPSILON 1e-9

static void
s_str_free (void **item_p)
{
    free (*item_p);
    *item_p = NULL;
}

struct _tf_exp_da_judge_t {
    double min_ratio;            //  Channels
    double blob_min_ratio;       //  Blobs
    tf_exp_tx_judge_t *channels; //  Over inscription tx hashes
    tf_exp_tx_judge_t *blobs;    //  Over blob ids (blocks' blobs as their "txs")
    zhashx_t *channel_ids;       //  channel id -> inscription tx hash (owned strings)
    uint64_t undispersed;        //  Planned blobs never dispersed (empty id)
    zhashx_t *dispersed;         //  blob id -> marker: dispersed blob ids
    zhashx_t *blob_blocks;       //  block id -> tf_strs_t of its blob ids (blocks with blobs)
    bool sample;                 //  Included also needs a sampling that found it available
    zhashx_t *available;         //  blob id -> marker: sampled available
    uint64_t samplings;          //  da.sampled records taken
    zlistx_t *sampling_ms;       //  Their latencies (uint64_t *, owned)
};

static void
s_strs_free (void **item_p)
{
    tf_strs_t *strs = (tf_strs_t *) *item_p;
    if (strs) {
        for (size_t index = 0; index < strs->count; index++)
            free (strs->items[index]);
        free (strs->items);
    }
    free (strs);
    *item_p = NULL;
}


tf_exp_da_judge_t *
tf_exp_da_judge_new (double min_ratio, double blob_min_ratio)
{
    tf_exp_da_judge_t *self = (tf_exp_da_judge_t *) zmalloc (sizeof (tf_exp_da_judge_t));
    self->min_ratio = min_ratio > 0 && min_ratio <= 1 ? min_ratio : TF_EXP_DA_MIN_RATIO;
    self->blob_min_ratio =
        blob_min_ratio > 0 && blob_min_ratio <= 1 ? blob_min_ratio : TF_EXP_DA_BLOB_MIN_RATIO;
    self->channels = tf_exp_tx_judge_new (self->min_ratio);
    self->blobs = tf_exp_tx_judge_new (self->blob_min_ratio);
    tf_exp_tx_judge_keep_fates (self->channels);
    tf_exp_tx_judge_keep_fates (self->blobs);
    self->channel_ids = zhashx_new ();
    zhashx_set_destructor (self->channel_ids, s_str_free);
    self->dispersed = zhashx_new ();
    self->blob_blocks = zhashx_new ();
    zhashx_set_destructor (self->blob_blocks, s_strs_free);
    self->available = zhashx_new ();
    self->sampling_ms = zlistx_new ();
    zlistx_set_destructor (self->sampling_ms, s_str_free);
    return self;
}

void
tf_exp_da_judge_destroy (tf_exp_da_judge_t **self_p)
{
    assert (self_p);
    tf_exp_da_judge_t *self = *self_p;
    if (!self)
        return;
    tf_exp_tx_judge_destroy (&self->channels);
    tf_exp_tx_judge_destroy (&self->blobs);
    zhashx_destroy (&self->channel_ids);
    zhashx_destroy (&self->dispersed);
    zhashx_destroy (&self->blob_blocks);
    zhashx_destroy (&self->available);
    zlistx_destroy (&self->sampling_ms);
    free (self);
    *self_p = NULL;
}

void
tf_exp_da_judge_published (tf_exp_da_judge_t *self, const tf_da_published_t *record)
{
    assert (self && record && record->what && record->id && record->outcome);
    tf_tx_submitted_t as_tx = {.name = record->name,
                               .hash = record->id,
                               .node = record->node,
                               .at_ms = record->at_ms,
                               .outcome = record->outcome,
                               .reason = record->reason};
    if (streq (record->what, "channel")) {
        if (!record->channel || zhashx_lookup (self->channel_ids, record->channel))
            return;
        zhashx_insert (self->channel_ids, record->channel, strdup (record->id));
        tf_exp_tx_judge_submitted (self->channels, &as_tx);
    }
    else if (streq (record->what, "blob")) {
        if (*record->id == 0)
            self->undispersed++;
        else {
            tf_exp_tx_judge_submitted (self->blobs, &as_tx);
            zhashx_insert (self->dispersed, record->id, (void *) "");
        }
    }
}

void
tf_exp_da_judge_block (tf_exp_da_judge_t *self, const tf_feed_block_t *block)
{
    assert (self && block);
    tf_exp_tx_judge_block (self->channels, block);
    tf_feed_block_t as_blobs = *block;
    as_blobs.txs = block->blobs;
    tf_exp_tx_judge_block (self->blobs, &as_blobs);
    if (block->blobs.count && block->id && !zhashx_lookup (self->blob_blocks, block->id)) {
        tf_strs_t *copy = (tf_strs_t *) zmalloc (sizeof (tf_strs_t));
        copy->items = (char **) zmalloc ((block->blobs.count + 1) * sizeof (char *));
        for (size_t index = 0; index < block->blobs.count; index++)
            copy->items[copy->count++] = strdup (block->blobs.items[index]);
        zhashx_insert (self->blob_blocks, block->id, copy);
    }
}

void
tf_exp_da_judge_set_sample (tf_exp_da_judge_t *self, bool sample)
{
    assert (self);
    self->sample = sample;
}

void
tf_exp_da_judge_sampled (tf_exp_da_judge_t *self, const tf_da_sampled_t *record)
{
    assert (self && record);
    self->samplings++;
    uint64_t *latency = (uint64_t *) zmalloc (sizeof (uint64_t));
    *latency = record->latency_ms;
    zlistx_add_end (self->sampling_ms, latency);
    for (size_t index = 0; record->available && index < record->blobs.count; index++)
        zhashx_update (self->available, record->blobs.items[index], (void *) "");
}

void
tf_exp_da_judge_targets (tf_exp_da_judge_t *self, tf_exp_da_target_fn *fn, void *arg)
{
    assert (self && fn);
    for (tf_strs_t *blobs = (tf_strs_t *) zhashx_first (self->blob_blocks); blobs;
         blobs = (tf_strs_t *) zhashx_next (self->blob_blocks)) {
        const char *block_id = (const char *) zhashx_cursor (self->blob_blocks);
        tf_strs_t wanted = {.items = (char **) zmalloc ((blobs->count + 1) * sizeof (char *))};
        for (size_t index = 0; index < blobs->count; index++)
            if (zhashx_lookup (self->dispersed, blobs->items[index]))
                wanted.items[wanted.count++] = blobs->items[index];
        if (wanted.count)
            fn (block_id, &wanted, arg);
        free (wanted.items);
    }
}

void
tf_exp_da_judge_tip (tf_exp_da_judge_t *self, const tf_feed_tip_t *tip)
{
    assert (self && tip);
    tf_exp_tx_judge_tip (self->channels, tip);
    tf_exp_tx_judge_tip (self->blobs, tip);
}

//  What the fates add up to
typedef struct {
    uint64_t total, included, accepted;
    uint64_t first_ms, last_ms; //  Span of the accepted ones' requests
    uint64_t *latencies;        //  Request to first kept block, ms, of those on chain (owned)
    uint64_t on_chain;          //  In a kept block (sampled or not)
    zhashx_t *available;        //  Sampled available ids, or NULL: not judged (borrowed)
    zlistx_t *missing;          //  Ids not included (owned copies)
} s_count_t;

static int
s_compare_u64 (const void *left, const void *right)
{
    uint64_t a = *(const uint64_t *) left, b = *(const uint64_t *) right;
    return a < b ? -1 : a > b;
}

static void
s_count_fate (const tf_exp_tx_fate_t *fate, void *arg)
{
    s_count_t *count = (s_count_t *) arg;
    count->total++;
    if (streq (fate->outcome, "accepted")) {
        count->accepted++;
        if (!count->first_ms || fate->at_ms < count->first_ms)
            count->first_ms = fate->at_ms;
        if (fate->at_ms > count->last_ms)
            count->last_ms = fate->at_ms;
    }
    if (fate->seen_ms) {
        count->latencies =
            (uint64_t *) realloc (count->latencies, (count->on_chain + 1) * sizeof (uint64_t));
        assert (count->latencies);
        count->latencies[count->on_chain] =
            fate->seen_ms > fate->at_ms ? fate->seen_ms - fate->at_ms : 0;
        count->on_chain++;
    }
    if (fate->seen_ms && (!count->available || zhashx_lookup (count->available, fate->hash)))
        count->included++;
    else
        zlistx_add_end (count->missing, (void *) fate->hash);
}

static void
s_count (tf_exp_tx_judge_t *judge, zhashx_t *available, s_count_t *count)
{
    memset (count, 0, sizeof *count);
    count->available = available;
    count->missing = zlistx_new ();
    zlistx_set_duplicator (count->missing, (czmq_duplicator *) strdup);
    zlistx_set_destructor (count->missing, s_str_free);
    zlistx_set_comparator (count->missing, (czmq_comparator *) strcmp);
    tf_exp_tx_judge_each (judge, s_count_fate, count);
    zlistx_sort (count->missing);
    if (count->on_chain)
        qsort (count->latencies, count->on_chain, sizeof (uint64_t), s_compare_u64);
}

//  {p50, p99, max} of sorted values
static void
s_pack_percentiles (msgpack_packer *packer, const uint64_t *sorted, size_t count)
{
    msgpack_pack_map (packer, 3);
    tf_mpack_str (packer, "p50");
    msgpack_pack_uint64 (packer, tf_exp_tx_percentile (sorted, count, 0.5));
    tf_mpack_str (packer, "p99");
    msgpack_pack_uint64 (packer, tf_exp_tx_percentile (sorted, count, 0.99));
    tf_mpack_str (packer, "max");
    msgpack_pack_uint64 (packer, count ? sorted[count - 1] : 0);
}

//  The sampling latencies, sorted (caller frees); count in *count
static uint64_t *
s_sampling_latencies (tf_exp_da_judge_t *self, size_t *count)
{
    *count = zlistx_size (self->sampling_ms);
    uint64_t *sorted = (uint64_t *) zmalloc ((*count + 1) * sizeof (uint64_t));
    size_t filled = 0;
    for (uint64_t *latency = (uint64_t *) zlistx_first (self->sampling_ms); latency;
         latency = (uint64_t *) zlistx_next (self->sampling_ms))
        sorted[filled++] = *latency;
    qsort (sorted, filled, sizeof (uint64_t), s_compare_u64);
    return sorted;
}

static uint64_t
s_required (uint64_t total, double ratio, bool at_least_one)
{
    double wanted = ceil ((double) total * ratio - S_EPSILON);
    uint64_t required = wanted < 0 ? 0 : (uint64_t) wanted;
    return at_least_one && required < 1 ? 1 : required;
}

static void
s_pack_details (tf_exp_da_judge_t *self, const tf_exp_da_verdict_t *verdict,
                const s_count_t *channels, const s_count_t *blobs, uint8_t **data_p, size_t *size_p)
{
    msgpack_sbuffer buffer;
    msgpack_sbuffer_init (&buffer);
    msgpack_packer packer;
    msgpack_packer_init (&packer, &buffer, msgpack_sbuffer_write);
    msgpack_pack_map (&packer, 18);
    const char *names[] = {"channels",       "channels_inscribed", "channels_required",
                           "blobs",          "blobs_dispersed",    "blobs_included",
                           "blobs_required", "blobs_undispersed",  "channels_accepted"};
    const uint64_t values[] = {
        verdict->channels,       verdict->inscribed, verdict->channels_required,
        verdict->blobs,          blobs->accepted,    verdict->included,
        verdict->blobs_required, self->undispersed,  channels->accepted};
    for (size_t index = 0; index < sizeof values / sizeof values[0]; index++) {
        tf_mpack_str (&packer, names[index]);
        msgpack_pack_uint64 (&packer, values[index]);
    }
    tf_mpack_str (&packer, "min_ratio");
    msgpack_pack_double (&packer, self->min_ratio);
    tf_mpack_str (&packer, "blob_min_ratio");
    msgpack_pack_double (&packer, self->blob_min_ratio);
    tf_mpack_str (&packer, "sample");
    msgpack_pack_int (&packer, self->sample ? 1 : 0);
    tf_mpack_str (&packer, "blobs_on_chain");
    msgpack_pack_uint64 (&packer, blobs->on_chain);
    tf_mpack_str (&packer, "samplings");
    msgpack_pack_uint64 (&packer, self->samplings);
    tf_mpack_str (&packer, "blob_latency_ms");
    s_pack_percentiles (&packer, blobs->latencies, blobs->on_chain);
    size_t sampling_count;
    uint64_t *sampling = s_sampling_latencies (self, &sampling_count);
    tf_mpack_str (&packer, "sampling_latency_ms");
    s_pack_percentiles (&packer, sampling, sampling_count);
    free (sampling);
    tf_mpack_str (&packer, "dispersed_per_s");
    uint64_t span = blobs->last_ms > blobs->first_ms ? blobs->last_ms - blobs->first_ms : 0;
    msgpack_pack_double (&packer, span && blobs->accepted > 1
                                      ? (double) (blobs->accepted - 1) * 1000.0 / (double) span
                                      : 0.0);
    tf_mpack_str (&packer, "missing_blobs");
    msgpack_pack_array (&packer, zlistx_size (blobs->missing));
    for (const char *id = (const char *) zlistx_first (blobs->missing); id;
         id = (const char *) zlistx_next (blobs->missing))
        tf_mpack_str (&packer, id);
    *data_p = (uint8_t *) malloc (buffer.size);
    assert (*data_p);
    memcpy (*data_p, buffer.data, buffer.size);
    *size_p = buffer.size;
    msgpack_sbuffer_destroy (&buffer);
}

void
tf_exp_da_judge_verdict (tf_exp_da_judge_t *self, tf_exp_da_verdict_t *verdict)
{
    assert (self && verdict);
    memset (verdict, 0, sizeof *verdict);
    s_count_t channels, blobs;
    s_count (self->channels, NULL, &channels);
    s_count (self->blobs, self->sample ? self->available : NULL, &blobs);
    verdict->channels = channels.total;
    verdict->inscribed = channels.included;
    verdict->channels_required = s_required (channels.total, self->min_ratio, true);
    verdict->blobs = blobs.total + self->undispersed;
    verdict->included = blobs.included;
    verdict->blobs_required = s_required (verdict->blobs, self->blob_min_ratio, false);
    bool channels_ok = verdict->inscribed >= verdict->channels_required;
    bool blobs_ok = verdict->included >= verdict->blobs_required;
    verdict->passed = channels.total > 0 && channels_ok && blobs_ok;

    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream (&text, &size);
    assert (out);
    if (verdict->passed)
        fprintf (out,
                 "%s: %" PRIu64 "/%" PRIu64 " channels inscribed, %" PRIu64 "/%" PRIu64
                 " blobs included",
                 TF_EXP_DA_TITLE, verdict->inscribed, verdict->channels, verdict->included,
                 verdict->blobs);
    else if (channels.total == 0)
        fprintf (out, "%s: no channel was published: is a da workload running?", TF_EXP_DA_TITLE);
    else if (!channels_ok)
        fprintf (
            out, "%s: observed %" PRIu64 "/%" PRIu64 " channels inscribed below required %" PRIu64,
            TF_EXP_DA_TITLE, verdict->inscribed, verdict->channels, verdict->channels_required);
    else
        fprintf (out, "%s: observed %" PRIu64 "/%" PRIu64 " blobs included below required %" PRIu64,
                 TF_EXP_DA_TITLE, verdict->included, verdict->blobs, verdict->blobs_required);
    fprintf (out,
             "\n- channels: %" PRIu64 "/%" PRIu64 " inscribed (%" PRIu64
             " accepted by a node), required %" PRIu64 " (min_ratio %g)",
             verdict->inscribed, verdict->channels, channels.accepted, verdict->channels_required,
             self->min_ratio);
    fprintf (out,
             "\n- blobs: %" PRIu64 "/%" PRIu64 " included (%" PRIu64 " dispersed, %" PRIu64
             " never dispersed), required %" PRIu64 " (blob_min_ratio %g)",
             verdict->included, verdict->blobs, blobs.accepted, self->undispersed,
             verdict->blobs_required, self->blob_min_ratio);
    if (self->sample)
        fprintf (out,
                 "\n- sampling: %" PRIu64 " of %" PRIu64
                 " blobs on chain sampled available (%" PRIu64 " samplings)",
                 verdict->included, blobs.on_chain, self->samplings);
    else
        fprintf (out, "\n- sampling off: %" PRIu64 " blobs on chain", blobs.on_chain);
    if (blobs.on_chain)
        fprintf (out, "\n- dispersal to first block p50 %" PRIu64 " ms p99 %" PRIu64 " ms",
                 tf_exp_tx_percentile (blobs.latencies, blobs.on_chain, 0.5),
                 tf_exp_tx_percentile (blobs.latencies, blobs.on_chain, 0.99));
    if (zlistx_size (blobs.missing)) {
        fprintf (out, "\n- %zu dispersed blobs not included%s:", zlistx_size (blobs.missing),
                 self->sample ? " or not sampled available" : "");
        size_t named = 0;
        for (const char *id = (const char *) zlistx_first (blobs.missing);
             id && named < TF_EXP_DA_NAMED; id = (const char *) zlistx_next (blobs.missing))
            fprintf (out, "%s %.16s", named++ ? "," : "", *id ? id : "(no id)");
        if (zlistx_size (blobs.missing) > TF_EXP_DA_NAMED)
            fprintf (out, ", ...");
    }
    fclose (out);
    verdict->message = text;
    s_pack_details (self, verdict, &channels, &blobs, &verdict->details, &verdict->details_size);
    zlistx_destroy (&channels.missing);
    zlistx_destroy (&blobs.missing);
    free (channels.latencies);
    free (blobs.latencies);
}

void
tf_exp_da_verdict_free (tf_exp_da_verdict_t *verdict)
{
    assert (verdict);
    free (verdict->message);
    free (verdict->details);
    memset (verdict, 0, sizeof *verdict);
}
