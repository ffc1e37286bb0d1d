//  tf_exp_liveness.h - expectation consensus_liveness
//
//  Every validator must reach the target height (tf_exp_liveness_judge.h)
//  and, with `agreement` (default true), every node must hold the lowest LIB
//  among the nodes on its chain. Knobs: tolerance (0.8), minimum (0: use
//  tolerance), agreement (true). At evaluate a probe thread reads each node's
//  API (tf_exp_liveness_probe); the scanner's last tip sample stands in for a
//  node the probe cannot reach but the scanner could, recently, and the
//  feed's block records stand in for chain walks the probe could not finish.
//  The observations judged travel in the result's details (see
//  tf_exp_liveness_record.h); under `tf replay` (runner "replay") the
//  expectation judges the recorded ones instead of probing, or, when the
//  recorded run never reached evaluate, each node's last recorded tip.
//
//  Consumes: run.plan, run.nodes, run.phase, feed.tip, feed.block
//  Emits:    expect.result (in evaluate, before its ack)

#ifndef TF_EXP_LIVENESS_H_INCLUDED
#define TF_EXP_LIVENESS_H_INCLUDED

#include "tf_actor.h"

#define TF_EXP_LIVENESS_KIND          "consensus_liveness"
#define TF_EXP_LIVENESS_FEED_FRESH_MS 2000 //  A tip sample older than this is stale

//  The program tf-expect-consensus-liveness
extern const tf_actor_class_t tf_exp_liveness_class;

#endif
