//  tf_deployer_none.h - the deployer of runner `none`: a run without nodes
//
//  Runs the whole framework (coordinator, phases, actors, report) with an
//  empty cluster: deploy reports an empty node list; cleanup has nothing to
//  stop and leaves run_dir/cleanup.done behind, the proof that cleanup was
//  delivered. It follows no feed (there are no blocks).
//
//  Consumes: run.phase
//  Emits:    run.nodes, run.phase.ack

#ifndef TF_DEPLOYER_NONE_H_INCLUDED
#define TF_DEPLOYER_NONE_H_INCLUDED

#include "tf_actor.h"

//  The program tf-deployer-none
extern const tf_actor_class_t tf_deployer_none_class;

#endif
