//  tf_exp_da.h - expectation da_inclusion: the da workloads' channels are
//  inscribed and their blobs included on chain
//
//  Knobs: min_ratio (channels, default 0.8), blob_min_ratio (blobs, default 0.5),
//  sample (default true). Judged from the bus alone (tf_exp_da_judge.h), so tf
//  replay agrees: at evaluate, with sample on, it asks one node (the first validator
//  with a testing API) POST /test/da/historic-sampling for every block that carried
//  dispersed blobs, from a thread, and publishes each answer as da.sampled before
//  judging; a replay takes the recorded da.sampled records instead of asking.
//
//  Consumes: run.plan, run.nodes, run.phase, da.published, da.sampled (replay),
//            feed.block, feed.tip
//  Emits:    da.sampled, expect.result at evaluate

#ifndef TF_EXP_DA_H_INCLUDED
#define TF_EXP_DA_H_INCLUDED

#include "tf_actor.h"

#define TF_EXP_DA_KIND          "da_inclusion"
#define TF_EXP_DA_SAMPLING_PATH "/test/da/historic-sampling" //  On the testing API

//  The program tf-expect-da-inclusion
extern const tf_actor_class_t tf_exp_da_class;

#endif
