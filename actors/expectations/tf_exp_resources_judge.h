//  tf_exp_resources_judge.h - the judge of node_resources: each node's peak
//  resident memory and its exits node control did not ask for, against the
//  knobs, from the deployer's node.resources samples
//
//  Pure: samples in, a verdict out, so unit tests drive it with synthetic
//  samples and a replay with the recorded ones. A node's figures are those
//  of its latest sample (peak_rss and exits are running figures); a node
//  that was never sampled fails the run (nothing to judge). The details
//  say how many samples were judged (`samples`), so a replay judges the
//  same first samples of the recording, and each node's figures.

#ifndef TF_EXP_RESOURCES_JUDGE_H_INCLUDED
#define TF_EXP_RESOURCES_JUDGE_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "tf_msg.h"

#define TF_EXP_RESOURCES_KIND "node_resources"

typedef struct _tf_exp_resources_judge_t tf_exp_resources_judge_t;

//  The knobs
typedef struct {
    uint64_t max_rss;      //  Highest peak RSS allowed, bytes; 0: not judged
    uint64_t max_restarts; //  Exits not asked for allowed per node
} tf_exp_resources_knobs_t;

//  A verdict (free with tf_exp_resources_verdict_free)
typedef struct {
    bool passed;
    char *message;    //  Owned
    uint8_t *details; //  msgpack map, owned
    size_t details_size;
} tf_exp_resources_verdict_t;

//  A judge; nodes are learnt from their samples.
tf_exp_resources_judge_t *tf_exp_resources_judge_new (const tf_exp_resources_knobs_t *knobs);

//  Destroy and nullify. Safe on NULL.
void tf_exp_resources_judge_destroy (tf_exp_resources_judge_t **self_p);

//  Take one sample.
void tf_exp_resources_judge_sample (tf_exp_resources_judge_t *self,
                                    const tf_node_resources_t *sample);

//  Samples taken so far.
uint64_t tf_exp_resources_judge_samples (const tf_exp_resources_judge_t *self);

//  The verdict on the samples taken; every node of expected (the run's node
//  names, NULL-terminated; NULL: none) must have been sampled.
void tf_exp_resources_judge_verdict (tf_exp_resources_judge_t *self, const char *const expected[],
                                     tf_exp_resources_verdict_t *verdict);

//  The `samples` count of a verdict's details. 0, or -1 when there is none.
int tf_exp_resources_details_samples (const uint8_t *details, size_t size, uint64_t *samples);

//  Free what a verdict owns.
void tf_exp_resources_verdict_free (tf_exp_resources_verdict_t *verdict);

#endif
