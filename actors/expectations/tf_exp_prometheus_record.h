//  tf_exp_prometheus_record.h - what prometheus_block_production scraped, as
//  part of the record
//
//  A replay has no nodes to scrape. The scrapes the live verdict was judged
//  on travel in the result's details ("observations": one map per node with
//  name, capture, capture_error, evaluate, evaluate_error; a figure is nil
//  when unknown, an error nil when none), the coordinator publishes the
//  result on control and the recording keeps it. A replay reads them back
//  and judges them again: same inputs, same verdict (as consensus_liveness
//  does, tf_exp_liveness_record.h).

#ifndef TF_EXP_PROMETHEUS_RECORD_H_INCLUDED
#define TF_EXP_PROMETHEUS_RECORD_H_INCLUDED

#include "tf_exp_prometheus_judge.h"

//  Read the observations from a result's details map into *obs (zeroed
//  first; free with tf_exp_prometheus_obs_free). Leaves min_blocks 0.
//  Returns 0, or -1 when the details carry no well-formed observations.
int tf_exp_prometheus_obs_from_details (const uint8_t *details, size_t size,
                                        tf_exp_prometheus_obs_t *obs);

//  Read the observations of the last expect.result of expectation name in
//  the recording at path into *obs. Returns 0, 1 when the recording holds
//  none, or -1 when it cannot be read (logged).
int tf_exp_prometheus_recorded (const char *path, const char *name, tf_exp_prometheus_obs_t *obs);

#endif
