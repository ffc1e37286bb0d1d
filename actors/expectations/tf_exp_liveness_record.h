//  tf_exp_liveness_record.h - what consensus_liveness observed, as part of the record
//
//  At evaluate the live expectation reads the nodes over HTTP; a replay has no
//  nodes. So the observations the verdict was judged on travel in the
//  result's details ("observations": one map per node, and "floor"), the
//  coordinator publishes the result on control, and the recording keeps it.
//  A replay reads them back and judges them again: same inputs, same verdict.
//
//  Per node: name, validator, source ("api" | "feed" | "unreachable"),
//  height, tip, lib, lib_height (nil when unknown), floor_id, walk_error (nil
//  when none). floor: nil, or {node, lib, height}.

#ifndef TF_EXP_LIVENESS_RECORD_H_INCLUDED
#define TF_EXP_LIVENESS_RECORD_H_INCLUDED

#include <msgpack.h>
#include "tf_exp_liveness_judge.h"

//  Pack the per-node observations (an array of maps) with packer.
void tf_exp_liveness_pack_observations (const tf_exp_liveness_obs_t *obs, msgpack_packer *packer);

//  Read the observations back from a result's details map into *obs (zeroed
//  first; free with tf_exp_liveness_obs_free). Sets nodes, node_count and the
//  floor; leaves target and the knobs alone. Returns 0, or -1 when the
//  details carry no well-formed observations (*obs left empty).
int tf_exp_liveness_obs_from_details (const uint8_t *details, size_t size,
                                      tf_exp_liveness_obs_t *obs);

//  Find the last expect.result of expectation name in the recording at
//  path and read its observations into *obs. Returns 0, 1 when the recording
//  holds none (a run cut short before evaluate, or an older recording), or
//  -1 when the recording cannot be read (logged).
int tf_exp_liveness_recorded (const char *path, const char *name, tf_exp_liveness_obs_t *obs);

#endif
