//  tf_clean_engine.h - `tf clean`'s pass over the Docker engine: containers,
//  networks and volumes that compose runs left behind
//
//  The compose runner labels everything it makes with tf.run=<run id> and
//  tf.run_dir=<run directory>. This pass lists what carries the tf.run label
//  and removes, per run, what belongs to a run whose tf is gone (its run
//  directory's marker names no live supervisor, or the directory is gone):
//  a stack kept with COMPOSE_RUNNER_PRESERVE, or one a crash left. A live
//  run is left alone, and nothing without the label is ever touched. When
//  `docker` is not installed or the engine does not answer, the pass says
//  so and does nothing. With --older-than it does nothing to containers
//  (their age is not the run's) and says so.

#ifndef TF_CLEAN_ENGINE_H_INCLUDED
#define TF_CLEAN_ENGINE_H_INCLUDED

#include "tf_clean.h"

#define TF_CLEAN_ENGINE_TIMEOUT_S "20" //  Longest one docker command may take, seconds
#define TF_CLEAN_ENGINE_MAX_RUNS  256  //  Runs handled per pass

//  Remove what dead compose runs left in the engine (config as tf_clean_run).
//  Prints one line per run to out, problems to err. Returns TF_EXIT_OK, or
//  TF_EXIT_ERROR when something could not be removed.
int tf_clean_engine_run (const tf_clean_config_t *config, FILE *out, FILE *err);

#endif
