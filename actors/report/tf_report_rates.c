//  tf_report_rates.c - transactions over time, read from the bus recording

#include <czmq.h>
#include "tf_msg.h"
#include "tf_recording.h"
#include "tf_report_bus.h"
#include "tf_report_rates.h"

#define S_P50 0.50 //  Latency percentiles per bucket
#define S_P99 0.99

//  One distinct transaction a workload submitted
typedef struct {
    uint64_t planned_ms; //  Its schedule's send time (first submission)
    bool accepted;       //  Some node accepted it
} s_tx_t;

//  One bucket while it is counted
typedef struct {
    size_t submitted;
    size_t accepted;
    size_t never_included;
    double *latencies; //  Planned -> first block, ms (owned)
    size_t included;   //  Entries of latencies
} s_bucket_t;

//  What the recording said about transactions
typedef struct {
    zhashx_t *txs;     //  hash -> s_tx_t, the submitted ones
    zhashx_t *blocked; //  hash -> uint64_t, first seen_ms in the feed
} s_sightings_t;

static void
s_on_submitted (s_sightings_t *sightings, const tf_record_t *record)
{
    tf_tx_submitted_t submitted;
    if (tf_msg_decode (TF_MSG_tx_submitted, record->body, record->size, &submitted))
        return;
    s_tx_t *tx = (s_tx_t *) zhashx_lookup (sightings->txs, submitted.hash);
    if (!tx) {
        tx = (s_tx_t *) zmalloc (sizeof (s_tx_t));
        tx->planned_ms = submitted.planned_ms ? submitted.planned_ms : submitted.at_ms;
        zhashx_insert (sightings->txs, submitted.hash, tx);
    }
    if (streq (submitted.outcome, "accepted"))
        tx->accepted = true;
    tf_msg_body_free (TF_MSG_tx_submitted, &submitted);
}

static void
s_on_block (s_sightings_t *sightings, const tf_record_t *record)
{
    tf_feed_block_t block;
    if (tf_msg_decode (TF_MSG_feed_block, record->body, record->size, &block))
        return;
    for (size_t index = 0; index < block.txs.count; index++)
        if (!zhashx_lookup (sightings->blocked, block.txs.items[index])) {
            uint64_t *seen = (uint64_t *) zmalloc (sizeof (uint64_t));
            *seen = block.seen_ms;
            zhashx_insert (sightings->blocked, block.txs.items[index], seen);
        }
    tf_msg_body_free (TF_MSG_feed_block, &block);
}

static void
s_free_item (void **item_p)
{
    free (*item_p);
    *item_p = NULL;
}

//  Bucket width: whole seconds, at most TF_REPORT_RATES_MAX_BUCKETS over the span
static uint64_t
s_bucket_width (uint64_t span_ms)
{
    uint64_t per_bucket = span_ms / TF_REPORT_RATES_MAX_BUCKETS + 1;
    uint64_t seconds =
        (per_bucket + TF_REPORT_RATES_MIN_BUCKET_MS - 1) / TF_REPORT_RATES_MIN_BUCKET_MS;
    return seconds * TF_REPORT_RATES_MIN_BUCKET_MS;
}

static json_t *
s_bucket_json (s_bucket_t *bucket, uint64_t at_ms)
{
    json_t *p50 = json_null (), *p99 = json_null ();
    if (bucket->included > 0) {
        tf_report_sort (bucket->latencies, bucket->included);
        p50 = json_integer (
            (json_int_t) tf_report_percentile (bucket->latencies, bucket->included, S_P50));
        p99 = json_integer (
            (json_int_t) tf_report_percentile (bucket->latencies, bucket->included, S_P99));
    }
    return json_pack ("{s:I, s:I, s:I, s:I, s:o, s:o, s:I}", "at_ms", (json_int_t) at_ms,
                      "submitted", (json_int_t) bucket->submitted, "accepted",
                      (json_int_t) bucket->accepted, "included", (json_int_t) bucket->included,
                      "latency_p50_ms", p50, "latency_p99_ms", p99, "never_included",
                      (json_int_t) bucket->never_included);
}

//  Count every submitted tx into its bucket; returns the summary
static json_t *
s_summarise (s_sightings_t *sightings)
{
    uint64_t start = UINT64_MAX, end = 0;
    for (s_tx_t *tx = (s_tx_t *) zhashx_first (sightings->txs); tx;
         tx = (s_tx_t *) zhashx_next (sightings->txs)) {
        start = tx->planned_ms < start ? tx->planned_ms : start;
        end = tx->planned_ms > end ? tx->planned_ms : end;
    }
    uint64_t width = s_bucket_width (end - start);
    size_t count = (size_t) ((end - start) / width) + 1;
    s_bucket_t *buckets = (s_bucket_t *) zmalloc (count * sizeof (s_bucket_t));
    for (s_tx_t *tx = (s_tx_t *) zhashx_first (sightings->txs); tx;
         tx = (s_tx_t *) zhashx_next (sightings->txs)) {
        s_bucket_t *bucket = &buckets[(tx->planned_ms - start) / width];
        bucket->submitted++;
        if (!tx->accepted)
            continue;
        bucket->accepted++;
        const uint64_t *seen =
            (const uint64_t *) zhashx_lookup (sightings->blocked, zhashx_cursor (sightings->txs));
        if (!seen) {
            bucket->never_included++;
            continue;
        }
        bucket->latencies =
            (double *) realloc (bucket->latencies, (bucket->included + 1) * sizeof (double));
        assert (bucket->latencies);
        bucket->latencies[bucket->included++] =
            *seen > tx->planned_ms ? (double) (*seen - tx->planned_ms) : 0.0;
    }
    json_t *list = json_array ();
    for (size_t index = 0; index < count; index++) {
        json_array_append_new (list, s_bucket_json (&buckets[index], start + index * width));
        free (buckets[index].latencies);
    }
    free (buckets);
    return json_pack ("{s:I, s:I, s:o}", "bucket_ms", (json_int_t) width, "start_ms",
                      (json_int_t) start, "buckets", list);
}

json_t *
tf_report_rates (const char *recording_path)
{
    assert (recording_path);
    tf_recording_t *recording = tf_recording_open (recording_path);
    if (!recording)
        return NULL;
    s_sightings_t sightings = {zhashx_new (), zhashx_new ()};
    zhashx_set_destructor (sightings.txs, s_free_item);
    zhashx_set_destructor (sightings.blocked, s_free_item);
    tf_record_t record;
    while (tf_recording_next (recording, &record) == 1) {
        if (record.source == TF_SOURCE_CONTROL && streq (record.topic, "tx.submitted"))
            s_on_submitted (&sightings, &record);
        else if (record.source == TF_SOURCE_FEED && streq (record.topic, "feed.block"))
            s_on_block (&sightings, &record);
    }
    tf_recording_destroy (&recording);
    json_t *rates = zhashx_size (sightings.txs) > 0 ? s_summarise (&sightings) : NULL;
    zhashx_destroy (&sightings.txs);
    zhashx_destroy (&sightings.blocked);
    return rates;
}
