//  tf_report_html.c - the human report: one self-contained HTML page
//
//  Verdict, expectations, phases, nodes and events from report.json; an SVG
//  picture of every node's height over time, drawn from the feed.tip samples
//  of the bus recording, with the phases and node-control (chaos) events
//  marked on it; under it, on the same time axis, what happened to each node
//  (tf_report_lanes.h: fault windows, restarts, the branch it followed); and the transaction inclusion latency distribution when an
//  expectation reports one (details.inclusion_latency_ms, an array of ms);
//  transactions per second and latency percentiles over time (tx.over_time);
//  each node's CPU and memory over time (tf_report_resources.h).

#include <czmq.h>
#include "tf_msg.h"
#include "tf_recording.h"
#include "tf_report_html.h"
#include "tf_report_lanes.h"
#include "tf_report_resources.h"
#include "tf_report_svg.h"

#define TF_HTML_WIDTH      TF_SVG_WIDTH //  SVG size, pixels
#define TF_HTML_HEIGHT     360
#define TF_HTML_MARGIN     48
#define TF_HTML_MAX_NODES  64  //  Series drawn
#define TF_HTML_BUCKETS    20  //  Latency histogram bars
#define TF_HTML_LABEL_ROWS 3   //  Rows of event labels, above and inside the plot
#define TF_HTML_LABEL_CHAR 5.6 //  Width of a 10 px label character, pixels

static const char *s_palette[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                  "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
#define TF_HTML_COLOURS (sizeof s_palette / sizeof s_palette[0])

typedef struct {
    char *node;       //  Node name
    zlistx_t *points; //  s_point_t items, in time order
} s_series_t;

typedef struct {
    uint64_t at_ms;
    uint64_t height;
    bool up;
} s_point_t;

//  Read every feed.tip sample of the recording into one series per node
static size_t
s_load_series (const char *recording_path, s_series_t *series, size_t max)
{
    size_t count = 0;
    tf_recording_t *recording = tf_recording_open (recording_path);
    if (!recording)
        return 0;
    tf_record_t record;
    while (tf_recording_next (recording, &record) == 1) {
        if (record.source != TF_SOURCE_FEED || strcmp (record.topic, "feed.tip") != 0)
            continue;
        tf_feed_tip_t tip;
        if (tf_msg_decode (TF_MSG_feed_tip, record.body, record.size, &tip))
            continue;
        size_t index = 0;
        while (index < count && strcmp (series[index].node, tip.node) != 0)
            index++;
        if (index == count && count < max) {
            series[count].node = strdup (tip.node);
            series[count].points = zlistx_new ();
            zlistx_set_destructor (series[count].points, NULL);
            count++;
        }
        if (index < count) {
            s_point_t *point = (s_point_t *) zmalloc (sizeof (s_point_t));
            point->at_ms = tip.at_ms;
            point->height = tip.height;
            point->up = tip.up;
            zlistx_add_end (series[index].points, point);
        }
        tf_msg_body_free (TF_MSG_feed_tip, &tip);
    }
    tf_recording_destroy (&recording);
    return count;
}

static void
s_free_series (s_series_t *series, size_t count)
{
    for (size_t index = 0; index < count; index++) {
        s_point_t *point = (s_point_t *) zlistx_first (series[index].points);
        while (point) {
            free (point);
            point = (s_point_t *) zlistx_next (series[index].points);
        }
        zlistx_destroy (&series[index].points);
        free (series[index].node);
    }
}

static double
s_y (uint64_t height, uint64_t top)
{
    double scale = top ? (double) height / (double) top : 0.0;
    return TF_HTML_HEIGHT - TF_HTML_MARGIN - scale * (TF_HTML_HEIGHT - 2 * TF_HTML_MARGIN);
}

static void
s_write_heights (FILE *out, const json_t *report, s_series_t *series, size_t count)
{
    uint64_t start = (uint64_t) json_integer_value (json_object_get (report, "started_ms"));
    uint64_t end = (uint64_t) json_integer_value (json_object_get (report, "ended_ms"));
    uint64_t top = 1;
    for (size_t index = 0; index < count; index++)
        for (s_point_t *point = (s_point_t *) zlistx_first (series[index].points); point;
             point = (s_point_t *) zlistx_next (series[index].points))
            if (point->height > top)
                top = point->height;

    fprintf (out, "<h2>Block height per node</h2>\n");
    if (count == 0) {
        fprintf (out, "<p>No tip samples were recorded (no nodes, or the scanner did not "
                      "run).</p>\n");
        return;
    }
    fprintf (out,
             "<svg id=\"heights\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
             "height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"block height of "
             "every node over time\">\n",
             TF_HTML_WIDTH, TF_HTML_HEIGHT, TF_HTML_WIDTH, TF_HTML_HEIGHT);
    int left = TF_SVG_LEFT, right = TF_SVG_RIGHT;
    int bottom = TF_HTML_HEIGHT - TF_HTML_MARGIN, upper = TF_HTML_MARGIN;
    fprintf (out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>\n", left, bottom,
             right, bottom);
    fprintf (out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>\n", left, bottom,
             left, upper);
    fprintf (out,
             "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">%" PRIu64 "</text>\n",
             left - 4, upper + 4, top);
    fprintf (out, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">0</text>\n",
             left - 4, bottom);
    fprintf (out, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">%.1f s</text>\n",
             right, bottom + 16, end > start ? (double) (end - start) / 1000.0 : 0.0);

    //  Phases in grey, node control (chaos) events in red; a label that would
    //  run into the one before it in its row moves to the next row
    double row_ends[2][TF_HTML_LABEL_ROWS];
    for (size_t row = 0; row < TF_HTML_LABEL_ROWS; row++)
        row_ends[0][row] = row_ends[1][row] = -1.0;
    const json_t *events = json_object_get (report, "events");
    for (size_t index = 0; index < json_array_size (events); index++) {
        const json_t *event = json_array_get (events, index);
        const char *kind = json_string_value (json_object_get (event, "kind"));
        uint64_t at = (uint64_t) json_integer_value (json_object_get (event, "at_ms"));
        bool chaos =
            kind && strncmp (kind, "node.control", 12) == 0 && strcmp (kind, "node.control") != 0;
        bool phase = kind && strcmp (kind, "phase") == 0;
        if (!chaos && !phase)
            continue;
        double x = tf_report_svg_x (at, start, end);
        const char *label = json_string_value (json_object_get (event, chaos ? "node" : "detail"));
        const char *detail = json_string_value (json_object_get (event, "detail"));
        fprintf (out,
                 "<g class=\"%s\"><line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" "
                 "stroke=\"%s\" stroke-dasharray=\"4 3\"/>",
                 chaos ? "chaos-event" : "phase-mark", x, upper, x, bottom,
                 chaos ? "#d62728" : "#bbb");
        const char *text = label ? label : kind;
        double *ends = row_ends[chaos];
        size_t row = 0;
        while (row + 1 < TF_HTML_LABEL_ROWS && ends[row] > x)
            row++;
        ends[row] = x + 2 + TF_HTML_LABEL_CHAR * (double) strlen (text) + 4;
        int y = chaos ? bottom - 4 - 11 * (int) row : upper - 6 - 11 * (int) row;
        fprintf (out, "<text x=\"%.1f\" y=\"%d\" font-size=\"10\" fill=\"%s\">", x + 2, y,
                 chaos ? "#d62728" : "#888");
        tf_report_svg_escape (out, text);
        fprintf (out, "</text><title>");
        tf_report_svg_escape (out, kind);
        fprintf (out, ": ");
        tf_report_svg_escape (out, detail);
        fprintf (out, "</title></g>\n");
    }
    for (size_t index = 0; index < count; index++) {
        const char *colour = s_palette[index % TF_HTML_COLOURS];
        fprintf (out, "<polyline class=\"node-height\" data-node=\"");
        tf_report_svg_escape (out, series[index].node);
        fprintf (out, "\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" points=\"", colour);
        for (s_point_t *point = (s_point_t *) zlistx_first (series[index].points); point;
             point = (s_point_t *) zlistx_next (series[index].points))
            if (point->up)
                fprintf (out, "%.1f,%.1f ", tf_report_svg_x (point->at_ms, start, end),
                         s_y (point->height, top));
        fprintf (out, "\"/>\n");
        fprintf (out, "<text x=\"%d\" y=\"%zu\" font-size=\"11\" fill=\"%s\">", right + 4,
                 (size_t) upper + 14 * index, colour);
        tf_report_svg_escape (out, series[index].node);
        fprintf (out, "</text>\n");
    }
    fprintf (out, "</svg>\n");
}

//  Histogram of the first inclusion latency array any expectation reports
static void
s_write_latency (FILE *out, const json_t *report)
{
    const json_t *expectations = json_object_get (report, "expectations");
    const json_t *latencies = NULL;
    for (size_t index = 0; index < json_array_size (expectations) && !latencies; index++) {
        const json_t *details = json_object_get (json_array_get (expectations, index), "details");
        const json_t *candidate = json_object_get (details, "inclusion_latency_ms");
        if (json_is_array (candidate) && json_array_size (candidate) > 0)
            latencies = candidate;
    }
    if (!latencies)
        return;
    double highest = 0;
    for (size_t index = 0; index < json_array_size (latencies); index++)
        if (json_number_value (json_array_get (latencies, index)) > highest)
            highest = json_number_value (json_array_get (latencies, index));
    size_t buckets[TF_HTML_BUCKETS] = {0};
    size_t tallest = 1;
    for (size_t index = 0; index < json_array_size (latencies); index++) {
        double value = json_number_value (json_array_get (latencies, index));
        size_t bucket = highest > 0 ? (size_t) (value / highest * (TF_HTML_BUCKETS - 1)) : 0;
        if (++buckets[bucket] > tallest)
            tallest = buckets[bucket];
    }
    fprintf (out, "<h2>Transaction inclusion latency</h2>\n");
    fprintf (out,
             "<svg id=\"latency\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
             "height=\"%d\" role=\"img\" aria-label=\"inclusion latency distribution\">\n",
             TF_HTML_WIDTH, TF_HTML_HEIGHT / 2);
    double bar = (double) (TF_HTML_WIDTH - 2 * TF_HTML_MARGIN) / TF_HTML_BUCKETS;
    int floor_y = TF_HTML_HEIGHT / 2 - 24;
    for (size_t bucket = 0; bucket < TF_HTML_BUCKETS; bucket++) {
        double height = (double) buckets[bucket] / (double) tallest * (floor_y - 10);
        fprintf (out,
                 "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#1f77b4\">"
                 "<title>%zu tx</title></rect>\n",
                 TF_HTML_MARGIN + bucket * bar, floor_y - height, bar - 2, height, buckets[bucket]);
    }
    fprintf (out, "<text x=\"%d\" y=\"%d\" font-size=\"11\">0 ms</text>\n", TF_HTML_MARGIN,
             floor_y + 16);
    fprintf (out, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">%.0f ms</text>\n",
             TF_HTML_WIDTH - TF_HTML_MARGIN, floor_y + 16, highest);
    fprintf (out, "</svg>\n");
}

//  One line per key of the buckets' objects (null values leave a gap), x over
//  the buckets, y from 0 to the largest value scaled by scale (per-second
//  counts: 1000 / bucket width), span_ms the time the buckets cover; the line
//  chart of the over-time figures
typedef struct {
    const char *key;    //  Bucket field drawn
    const char *label;  //  Legend
    const char *colour; //  Stroke
} s_line_t;

static void
s_write_line_chart (FILE *out, const char *id, const char *unit, const json_t *buckets,
                    const s_line_t *lines, size_t line_count, double scale, double span_ms)
{
    size_t count = json_array_size (buckets);
    double top = 1;
    for (size_t index = 0; index < count; index++)
        for (size_t line = 0; line < line_count; line++) {
            const json_t *value =
                json_object_get (json_array_get (buckets, index), lines[line].key);
            if (json_is_number (value) && json_number_value (value) * scale > top)
                top = json_number_value (value) * scale;
        }
    int left = TF_HTML_MARGIN, right = TF_HTML_WIDTH - TF_HTML_MARGIN;
    int bottom = TF_HTML_HEIGHT / 2 - 24, upper = 28, legend = 12;
    fprintf (out,
             "<svg id=\"%s\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
             "role=\"img\" aria-label=\"%s over time\">\n",
             id, TF_HTML_WIDTH, TF_HTML_HEIGHT / 2, unit);
    fprintf (out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>\n", left, bottom,
             right, bottom);
    fprintf (out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>\n", left, bottom,
             left, upper);
    fprintf (out, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">%.0f %s</text>\n",
             left + 60, upper + 4, top, unit);
    for (size_t line = 0; line < line_count; line++) {
        fprintf (out, "<polyline class=\"%s\" fill=\"none\" stroke=\"%s\" points=\"",
                 lines[line].key, lines[line].colour);
        for (size_t index = 0; index < count; index++) {
            const json_t *value =
                json_object_get (json_array_get (buckets, index), lines[line].key);
            if (!json_is_number (value))
                continue;
            double x =
                left + (count > 1 ? (double) index / (double) (count - 1) : 0.0) * (right - left);
            double y = bottom - json_number_value (value) * scale / top * (bottom - upper);
            fprintf (out, "%.1f,%.1f ", x, y);
        }
        fprintf (out, "\"/>\n<text x=\"%zu\" y=\"%d\" font-size=\"11\" fill=\"%s\">%s</text>\n",
                 (size_t) left + 120 + 90 * line, legend, lines[line].colour, lines[line].label);
    }
    fprintf (out, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">%.0f s</text>\n",
             right, bottom + 16, span_ms / 1000.0);
    fprintf (out, "</svg>\n");
}

//  Submitted, accepted and included tx/s and the latency percentiles, per
//  bucket of planned send time (report.json tx.over_time)
static void
s_write_rates (FILE *out, const json_t *report)
{
    const json_t *over_time = json_object_get (json_object_get (report, "tx"), "over_time");
    const json_t *buckets = json_object_get (over_time, "buckets");
    double width = (double) json_integer_value (json_object_get (over_time, "bucket_ms"));
    if (json_array_size (buckets) == 0 || width <= 0)
        return;
    static const s_line_t rates[] = {{"submitted", "submitted", "#7f7f7f"},
                                     {"accepted", "accepted", "#1f77b4"},
                                     {"included", "included", "#2ca02c"}};
    static const s_line_t latencies[] = {{"latency_p50_ms", "p50", "#1f77b4"},
                                         {"latency_p99_ms", "p99", "#d62728"}};
    fprintf (out, "<h2>Transactions per second</h2>\n<p>Per %.0f s of planned send time.</p>\n",
             width / 1000.0);
    s_write_line_chart (out, "tx-rates", "tx/s", buckets, rates, sizeof rates / sizeof rates[0],
                        1000.0 / width, width * json_array_size (buckets));
    fprintf (out, "<h2>Inclusion latency over time</h2>\n<p>From planned send to first block; "
                  "a gap is a bucket with nothing included.</p>\n");
    s_write_line_chart (out, "tx-latency", "ms", buckets, latencies,
                        sizeof latencies / sizeof latencies[0], 1.0,
                        width * json_array_size (buckets));
}

//  The nodes as the deployer found them when the run failed (report.json's
//  diagnostics, from diagnostics/summary.json), one row each
static void
s_write_diagnostics (FILE *out, const json_t *report)
{
    const json_t *diagnostics = json_object_get (report, "diagnostics");
    if (!json_is_object (diagnostics))
        return;
    fprintf (out, "<h2>Nodes when the failure was seen</h2>\n<p id=\"diagnostics\">");
    tf_report_svg_escape (out, json_string_value (json_object_get (diagnostics, "trigger")));
    fprintf (out, ". Captured in <code>");
    tf_report_svg_escape (out, json_string_value (json_object_get (diagnostics, "path")));
    fprintf (out, "/</code>: each node's API answers and the end of its log.</p>\n"
                  "<table><tr><th>node</th><th>process</th><th>RSS</th><th>height</th>"
                  "<th>slot</th><th>mode</th><th>peers</th><th>mempool</th><th>tip</th>"
                  "<th>no answer</th></tr>\n");
    const json_t *nodes = json_object_get (diagnostics, "nodes");
    for (size_t index = 0; index < json_array_size (nodes); index++) {
        const json_t *node = json_array_get (nodes, index);
        const json_t *info = json_object_get (node, "info");
        const json_t *rss = json_object_get (node, "rss_kb");
        fprintf (out, "<tr><td>");
        tf_report_svg_escape (out, json_string_value (json_object_get (node, "name")));
        fprintf (out, "</td><td>");
        tf_report_svg_escape (out, json_string_value (json_object_get (node, "state")));
        fprintf (out, " ");
        tf_report_svg_escape (out, json_string_value (json_object_get (node, "state_text")));
        if (json_is_integer (rss))
            fprintf (out, "</td><td>%.1f MB", (double) json_integer_value (rss) / 1024.0);
        else
            fprintf (out, "</td><td>?");
        const char *numbers[] = {"height", "slot"};
        for (size_t key = 0; key < 2; key++) {
            const json_t *value = json_object_get (info, numbers[key]);
            if (json_is_integer (value))
                fprintf (out, "</td><td>%lld", (long long) json_integer_value (value));
            else
                fprintf (out, "</td><td>?");
        }
        fprintf (out, "</td><td>");
        tf_report_svg_escape (out, json_string_value (json_object_get (info, "mode")));
        const json_t *peers = json_object_get (json_object_get (node, "network"), "n_peers");
        const json_t *pending = json_object_get (node, "mempool_pending");
        fprintf (out, "</td><td>");
        if (json_is_integer (peers))
            fprintf (out, "%lld", (long long) json_integer_value (peers));
        fprintf (out, "</td><td>");
        if (json_is_integer (pending))
            fprintf (out, "%lld", (long long) json_integer_value (pending));
        fprintf (out, "</td><td><code>");
        const char *tip = json_string_value (json_object_get (info, "tip"));
        fprintf (out, "%.12s", tip ? tip : "");
        fprintf (out, "</code></td><td>");
        const char *key;
        const json_t *why;
        json_object_foreach ((json_t *) json_object_get (node, "errors"), key, why)
        {
            tf_report_svg_escape (out, key);
            fprintf (out, ": ");
            tf_report_svg_escape (out, json_string_value (why));
            fprintf (out, "<br>");
        }
        fprintf (out, "</td></tr>\n");
    }
    fprintf (out, "</table>\n");
}

static void
s_write_tables (FILE *out, const json_t *report)
{
    const json_t *expectations = json_object_get (report, "expectations");
    fprintf (out, "<h2>Expectations</h2>\n<table><tr><th>expectation</th><th>result</th>"
                  "<th>message</th></tr>\n");
    for (size_t index = 0; index < json_array_size (expectations); index++) {
        const json_t *entry = json_array_get (expectations, index);
        bool passed = json_is_true (json_object_get (entry, "passed"));
        fprintf (out, "<tr><td>");
        tf_report_svg_escape (out, json_string_value (json_object_get (entry, "name")));
        fprintf (out, "</td><td class=\"%s\">%s</td><td><pre>", passed ? "pass" : "fail",
                 passed ? "PASS" : "FAIL");
        tf_report_svg_escape (out, json_string_value (json_object_get (entry, "message")));
        fprintf (out, "</pre></td></tr>\n");
    }
    fprintf (out, "</table>\n");
    s_write_diagnostics (out, report);

    const json_t *nodes = json_object_get (report, "nodes");
    if (json_array_size (nodes) > 0) {
        fprintf (out, "<h2>Nodes</h2>\n<table><tr><th>node</th><th>API</th><th>log</th></tr>\n");
        for (size_t index = 0; index < json_array_size (nodes); index++) {
            const json_t *node = json_array_get (nodes, index);
            fprintf (out, "<tr><td>");
            tf_report_svg_escape (out, json_string_value (json_object_get (node, "name")));
            fprintf (out, "</td><td>");
            tf_report_svg_escape (out, json_string_value (json_object_get (node, "api_url")));
            fprintf (out, "</td><td>");
            tf_report_svg_escape (out, json_string_value (json_object_get (node, "log_path")));
            fprintf (out, "</td></tr>\n");
        }
        fprintf (out, "</table>\n");
    }

    const json_t *events = json_object_get (report, "events");
    uint64_t start = (uint64_t) json_integer_value (json_object_get (report, "started_ms"));
    fprintf (out, "<h2>Events</h2>\n<table><tr><th>t (s)</th><th>event</th><th>actor</th>"
                  "<th>node</th><th>detail</th></tr>\n");
    for (size_t index = 0; index < json_array_size (events); index++) {
        const json_t *event = json_array_get (events, index);
        uint64_t at = (uint64_t) json_integer_value (json_object_get (event, "at_ms"));
        fprintf (out, "<tr><td>%.2f</td>", at > start ? (double) (at - start) / 1000.0 : 0.0);
        const char *keys[] = {"kind", "actor", "node", "detail"};
        for (size_t key = 0; key < sizeof keys / sizeof keys[0]; key++) {
            fprintf (out, "<td>");
            tf_report_svg_escape (out, json_string_value (json_object_get (event, keys[key])));
            fprintf (out, "</td>");
        }
        fprintf (out, "</tr>\n");
    }
    fprintf (out, "</table>\n");
}

int
tf_report_html_write (const json_t *report, const char *recording_path, const char *path)
{
    assert (report && recording_path && path);
    s_series_t series[TF_HTML_MAX_NODES];
    size_t count = s_load_series (recording_path, series, TF_HTML_MAX_NODES);
    char *temporary = zsys_sprintf ("%s.tmp", path);
    FILE *out = fopen (temporary, "w");
    if (!out) {
        zsys_error ("html: cannot write path=%s error=\"%s\"", temporary, strerror (errno));
        s_free_series (series, count);
        zstr_free (&temporary);
        return -1;
    }
    const char *verdict = json_string_value (json_object_get (report, "verdict"));
    const char *scenario = json_string_value (json_object_get (report, "scenario"));
    fprintf (out, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>tf "
                  "report: ");
    tf_report_svg_escape (out, scenario);
    fprintf (out, "</title>\n<style>body{font-family:sans-serif;margin:2em;max-width:1100px}"
                  "table{border-collapse:collapse;margin-bottom:1.5em}"
                  "td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}"
                  "pre{margin:0;white-space:pre-wrap}.pass{color:#2ca02c;font-weight:bold}"
                  ".fail,.error,.failed{color:#d62728;font-weight:bold}.passed{color:#2ca02c}"
                  "</style></head><body>\n");
    fprintf (out, "<h1>");
    tf_report_svg_escape (out, scenario);
    fprintf (out, ": <span id=\"verdict\" class=\"%s\">", verdict ? verdict : "error");
    tf_report_svg_escape (out, verdict);
    fprintf (out, "</span></h1>\n<p>run ");
    tf_report_svg_escape (out, json_string_value (json_object_get (report, "run_id")));
    fprintf (out, ", runner ");
    tf_report_svg_escape (out, json_string_value (json_object_get (report, "runner")));
    fprintf (out, "</p>\n");
    const json_t *abort_info = json_object_get (report, "abort");
    if (json_is_object (abort_info)) {
        fprintf (out, "<p class=\"error\">Aborted during ");
        tf_report_svg_escape (out, json_string_value (json_object_get (abort_info, "phase")));
        fprintf (out, ": ");
        tf_report_svg_escape (out, json_string_value (json_object_get (abort_info, "reason")));
        fprintf (out, "</p>\n");
    }
    s_write_heights (out, report, series, count);
    tf_report_lanes_write (out, report, recording_path);
    s_write_latency (out, report);
    s_write_rates (out, report);
    tf_report_resources_write (out, report);
    s_write_tables (out, report);
    fprintf (out, "</body></html>\n");
    s_free_series (series, count);
    int flushed = fflush (out);
    int closed = fclose (out);
    int rc = 0;
    if (flushed || closed || rename (temporary, path)) {
        zsys_error ("html: cannot write path=%s error=\"%s\"", path, strerror (errno));
        rc = -1;
    }
    zstr_free (&temporary);
    return rc;
}
