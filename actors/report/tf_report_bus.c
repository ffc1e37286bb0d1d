//  tf_report_bus.c - the figures of report.json read from the bus recording

#include <czmq.h>
#include "tf_msg.h"
#include "tf_recording.h"
#include "tf_report_bus.h"
#include "tf_report_rates.h"

#define S_P50 0.50 //  Percentiles of the latency summary
#define S_P95 0.95

//  Merge the keys of update into object, then drop update
static void
s_merge (json_t *object, json_t *update)
{
    json_object_update (object, update);
    json_decref (update);
}

//  Keep a node's last tip sample
static void
s_on_tip (json_t *heights, const tf_record_t *record)
{
    tf_feed_tip_t tip;
    if (tf_msg_decode (TF_MSG_feed_tip, record->body, record->size, &tip))
        return;
    json_t *node = json_object_get (heights, tip.node);
    if (!node) {
        node = json_pack ("{s:I, s:I}", "max_height", (json_int_t) 0, "samples", (json_int_t) 0);
        json_object_set_new (heights, tip.node, node);
    }
    json_int_t max_height = json_integer_value (json_object_get (node, "max_height"));
    if (tip.up && (json_int_t) tip.height > max_height)
        max_height = (json_int_t) tip.height;
    json_int_t samples = json_integer_value (json_object_get (node, "samples")) + 1;
    //  A node that stopped answering keeps the last height it answered with
    json_int_t height =
        tip.up ? (json_int_t) tip.height : json_integer_value (json_object_get (node, "height"));
    s_merge (node,
             json_pack ("{s:I, s:I, s:I, s:b, s:I}", "height", height, "max_height", max_height,
                        "samples", samples, "up", tip.up, "at_ms", (json_int_t) tip.at_ms));
    if (tip.up)
        s_merge (node, json_pack ("{s:s, s:s, s:I}", "tip", tip.tip, "lib", tip.lib, "slot",
                                  (json_int_t) tip.slot));
    tf_msg_body_free (TF_MSG_feed_tip, &tip);
}

static void
s_on_stats (json_t *tx, const tf_record_t *record)
{
    tf_feed_stats_t stats;
    if (tf_msg_decode (TF_MSG_feed_stats, record->body, record->size, &stats))
        return;
    s_merge (tx, json_pack ("{s:I, s:I, s:b}", "included", (json_int_t) stats.transactions,
                            "blocks", (json_int_t) stats.blocks, "stats_seen", 1));
    tf_msg_body_free (TF_MSG_feed_stats, &stats);
}

static void
s_on_submitted (json_t *tx, const tf_record_t *record)
{
    tf_tx_submitted_t submitted;
    if (tf_msg_decode (TF_MSG_tx_submitted, record->body, record->size, &submitted))
        return;
    json_t *outcomes = json_object_get (tx, "outcomes");
    json_int_t count = json_integer_value (json_object_get (outcomes, submitted.outcome));
    json_object_set_new (outcomes, submitted.outcome, json_integer (count + 1));
    json_object_set_new (tx, "submitted",
                         json_integer (json_integer_value (json_object_get (tx, "submitted")) + 1));
    tf_msg_body_free (TF_MSG_tx_submitted, &submitted);
}

//  Add a node.resources sample to its node's figures
static void
s_on_resources (json_t *resources, const tf_record_t *record)
{
    tf_node_resources_t sample;
    if (tf_msg_decode (TF_MSG_node_resources, record->body, record->size, &sample))
        return;
    json_t *node = json_object_get (resources, sample.node);
    if (!node) {
        node = json_pack ("{s:[]}", "samples");
        json_object_set_new (resources, sample.node, node);
    }
    s_merge (node,
             json_pack ("{s:f, s:I, s:I, s:I}", "cpu_seconds", (double) sample.cpu_ms / 1000.0,
                        "max_rss", (json_int_t) sample.peak_rss, "exits", (json_int_t) sample.exits,
                        "at_ms", (json_int_t) sample.at_ms));
    json_array_append_new (json_object_get (node, "samples"),
                           json_pack ("{s:I, s:f, s:I, s:b}", "at_ms", (json_int_t) sample.at_ms,
                                      "cpu_seconds", (double) sample.cpu_ms / 1000.0, "rss",
                                      (json_int_t) sample.rss, "running", sample.running));
    tf_msg_body_free (TF_MSG_node_resources, &sample);
}

json_t *
tf_report_bus (const char *recording_path)
{
    assert (recording_path);
    json_t *heights = json_object ();
    json_t *resources = json_object ();
    json_t *tx =
        json_pack ("{s:I, s:I, s:I, s:{}, s:b}", "included", (json_int_t) 0, "blocks",
                   (json_int_t) 0, "submitted", (json_int_t) 0, "outcomes", "stats_seen", 0);
    tf_recording_t *recording = tf_recording_open (recording_path);
    if (recording) {
        tf_record_t record;
        while (tf_recording_next (recording, &record) == 1) {
            if (record.source == TF_SOURCE_FEED && streq (record.topic, "feed.tip"))
                s_on_tip (heights, &record);
            else if (record.source == TF_SOURCE_FEED && streq (record.topic, "feed.stats"))
                s_on_stats (tx, &record);
            else if (record.source == TF_SOURCE_CONTROL && streq (record.topic, "tx.submitted"))
                s_on_submitted (tx, &record);
            else if (record.source == TF_SOURCE_CONTROL && streq (record.topic, "node.resources"))
                s_on_resources (resources, &record);
        }
        tf_recording_destroy (&recording);
    }
    json_t *over_time = tf_report_rates (recording_path);
    if (over_time)
        json_object_set_new (tx, "over_time", over_time);
    return json_pack ("{s:o, s:o, s:o}", "heights", heights, "tx", tx, "resources", resources);
}

static int
s_compare (const void *left, const void *right)
{
    double a = *(const double *) left, b = *(const double *) right;
    return a < b ? -1 : a > b ? 1 : 0;
}

void
tf_report_sort (double *values, size_t count)
{
    qsort (values, count, sizeof (double), s_compare);
}

double
tf_report_percentile (const double *sorted, size_t count, double share)
{
    assert (count > 0);
    size_t rank = (size_t) ((double) count * share + 0.999999);
    if (rank < 1)
        rank = 1;
    return sorted[(rank > count ? count : rank) - 1];
}

json_t *
tf_report_latency_summary (const json_t *latencies)
{
    size_t count = json_array_size (latencies);
    if (!json_is_array (latencies) || count == 0)
        return NULL;
    double *values = (double *) zmalloc (count * sizeof (double));
    for (size_t index = 0; index < count; index++) {
        const json_t *value = json_array_get (latencies, index);
        if (!json_is_number (value)) {
            free (values);
            return NULL;
        }
        values[index] = json_number_value (value);
    }
    tf_report_sort (values, count);
    json_t *summary =
        json_pack ("{s:I, s:f, s:f, s:f, s:f}", "count", (json_int_t) count, "min", values[0],
                   "p50", tf_report_percentile (values, count, S_P50), "p95",
                   tf_report_percentile (values, count, S_P95), "max", values[count - 1]);
    free (values);
    return summary;
}
