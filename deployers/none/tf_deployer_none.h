//  tf_deployer_none.h - the deployer of runner `none`: a run without nodes
//
//  A backend of the deployer seam (tf_deployer.h) that runs the whole
//  framework (coordinator, phases, actors, report) with an empty cluster:
//  deploy reports an empty node list; cleanup has nothing to stop and leaves
//  RUN_DIR/cleanup.done behind, the proof that cleanup was delivered. No
//  readiness stages, no node control (the catalogue gives `none` no actions).

#ifndef TF_DEPLOYER_NONE_H_INCLUDED
#define TF_DEPLOYER_NONE_H_INCLUDED

#include "tf_deployer.h"

//  The backend of runner none
extern const tf_deployer_ops_t tf_deployer_none_ops;

//  The program tf-deployer-none
extern const tf_deployer_class_t tf_deployer_none_class;

#endif
