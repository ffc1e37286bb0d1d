//  tf.h - everything an actor or an embedding program needs, in one include
//
//  Installed as include/tf/tf.h with the headers it names; build against the
//  installed tree with `pkg-config --cflags --libs tf` or CMake's
//  find_package(tf) and the target tf::actor, and write #include <tf/tf.h>.
//  docs/actors.md ("Writing an actor") walks through an actor on it.
//
//    tf_actor.h   the actor runtime: registration, plan, phases, feed, results
//    tf_msg.h     every wire message (tf_msg.def) and the codec
//    tf_phase.h   the run's phases
//    tf_plan.h    the plan: YAML loader, builder, knobs, wire form
//    tf_run.h     run a plan from C, as `tf run` does
//    tf_rng.h     the seeded random numbers every random choice uses
//    tf_mpack.h   msgpack helpers (an expectation's details map)
//    tf_exit.h    exit codes; tf_rundir.h: what a run directory holds

#ifndef TF_H_INCLUDED
#define TF_H_INCLUDED

#include "tf_exit.h"
#include "tf_rundir.h"
#include "tf_phase.h"
#include "tf_mpack.h"
#include "tf_msg.h"
#include "tf_plan.h"
#include "tf_rng.h"
#include "tf_actor.h"
#include "tf_run.h"

#endif
