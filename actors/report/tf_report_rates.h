//  tf_report_rates.h - transactions over time, read from the bus recording
//
//  The run is cut into buckets of equal width. A transaction belongs to the
//  bucket of its planned send time (tx.submitted planned_ms, or at_ms when the
//  workload planned none), so a node that stalls shows up as latency in the
//  buckets it stalled, not as a quieter generator. Per bucket:
//
//    submitted, accepted      tx.submitted records planned in it, and those a
//                             node accepted
//    included                 accepted txs planned in it that reached a block
//                             of the feed (first sighting; a later reorg is the
//                             expectations' business, not this picture's)
//    latency_p50_ms, _p99_ms  planned -> first block, over its included txs;
//                             null when none was included
//    never_included           accepted txs planned in it and in no block
//
//  Rates are per second of bucket: count * 1000 / bucket_ms.

#ifndef TF_REPORT_RATES_H_INCLUDED
#define TF_REPORT_RATES_H_INCLUDED

#include <jansson.h>

#define TF_REPORT_RATES_MIN_BUCKET_MS 1000 //  Narrowest bucket
#define TF_REPORT_RATES_MAX_BUCKETS   120  //  Widest picture, in buckets

//  Transactions over time of the recording at path. Returns a new object
//  {bucket_ms, start_ms, buckets: [{at_ms, submitted, accepted, included,
//  latency_p50_ms, latency_p99_ms, never_included}]}, or NULL when the
//  recording holds no tx.submitted record (or cannot be read).
json_t *tf_report_rates (const char *recording_path);

#endif
