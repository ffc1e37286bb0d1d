//  tf_exp_latency.h - latencies kept as a multiset: every value, exactly, in
//  room that grows with the distinct values and not with their count
//
//  Latencies in ms cluster (a slot's worth of distinct figures for thousands
//  of transactions), so a judge can keep every one for exact nearest-rank
//  percentiles without holding one word per transaction.

#ifndef TF_EXP_LATENCY_H_INCLUDED
#define TF_EXP_LATENCY_H_INCLUDED

#include <msgpack.h>
#include <stdint.h>

typedef struct _tf_exp_latency_t tf_exp_latency_t;

//  Create an empty multiset.
tf_exp_latency_t *tf_exp_latency_new (void);

//  Destroy and nullify. Safe on NULL.
void tf_exp_latency_destroy (tf_exp_latency_t **self_p);

//  Add one value.
void tf_exp_latency_add (tf_exp_latency_t *self, uint64_t value);

//  Values added.
uint64_t tf_exp_latency_count (const tf_exp_latency_t *self);

//  Distinct values held.
size_t tf_exp_latency_distinct (const tf_exp_latency_t *self);

//  Nearest-rank percentile (0 < q <= 1), as tf_exp_tx_percentile of the
//  sorted values; 0 when empty.
uint64_t tf_exp_latency_percentile (const tf_exp_latency_t *self, double q);

//  Largest value; 0 when empty.
uint64_t tf_exp_latency_max (const tf_exp_latency_t *self);

//  Pack every value, ascending, as a msgpack array.
void tf_exp_latency_pack (const tf_exp_latency_t *self, msgpack_packer *packer);

#endif
