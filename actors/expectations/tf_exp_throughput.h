//  tf_exp_throughput.h - expectation tx_throughput
//
//  The transactions workloads must reach a throughput and keep a latency:
//  knobs min_accepted_tps, min_included_tps (tx/s over the workloads'
//  execute), max_latency_p99 (planned send to first block) and
//  max_latency_lib_p99 (to the LIB); 0 leaves a figure unjudged, and at least
//  one must be set. Judged from bus records only (tf_exp_throughput_judge):
//  tx.submitted and workload.status relayed on control, the feed's blocks and
//  tips, so `tf replay` of a recording reaches the same verdict.
//
//  Consumes: run.plan, run.phase, tx.submitted, workload.status (control),
//            feed.block, feed.tip
//  Emits:    expect.result (in evaluate, before its ack)

#ifndef TF_EXP_THROUGHPUT_H_INCLUDED
#define TF_EXP_THROUGHPUT_H_INCLUDED

#include "tf_actor.h"

#define TF_EXP_THROUGHPUT_KIND "tx_throughput"

//  The program tf-expect-tx-throughput
extern const tf_actor_class_t tf_exp_throughput_class;

#endif
