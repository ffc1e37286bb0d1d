//  tf_report_bus.h - the figures of report.json read from the bus recording
//
//  Per-node heights come from the scanner's feed.tip samples, transaction
//  totals from its feed.stats and from the workloads' tx.submitted records
//  (relayed on control), each node's CPU and memory from the deployer's
//  node.resources samples: what the run saw, as it saw it.

#ifndef TF_REPORT_BUS_H_INCLUDED
#define TF_REPORT_BUS_H_INCLUDED

#include <jansson.h>

//  Summarise the recording at path. Returns a new object:
//    heights: {node: {height, max_height, tip, lib, slot, up, at_ms, samples}}
//    resources: {node: {cpu_seconds, max_rss (bytes), exits, at_ms, samples:
//         [{at_ms, cpu_seconds, rss, running}]}} from the deployer's node.resources
//    tx: {included, blocks, submitted, outcomes: {accepted: n, ...}, stats_seen,
//         over_time (tf_report_rates.h; only when there were submissions)}
//  A missing or unreadable recording gives empty figures (logged).
json_t *tf_report_bus (const char *recording_path);

//  Summary of an array of latencies (ms): {count, min, p50, p95, max}, or
//  NULL when latencies is not a non-empty array of numbers. New reference.
json_t *tf_report_latency_summary (const json_t *latencies);

//  Sort values in place, ascending.
void tf_report_sort (double *values, size_t count);

//  Nearest-rank percentile (share in 0..1) of count > 0 sorted values.
double tf_report_percentile (const double *sorted, size_t count, double share);

#endif
