//  tf_clean.h - `tf clean`: remove what crashed runs left behind
//
//  Every run directory carries a marker, tf.pid, written the moment tf made
//  the directory: "tf-run 1 PID STARTTIME RUN_ID" and, on a second line, the
//  directory's absolute path (the supervisor's pid and its start time in clock
//  ticks since boot, so a reused pid is not mistaken for it). tf clean acts
//  only on a directory it can prove tf made: owned by the user, not a link,
//  with a marker that is a regular file of the user's, in that format, written
//  for that very directory. Anything else, however it is named and whatever
//  tf.pid it holds, is left alone. Of a dead run it stops the processes the
//  run left (those in its pids file and any whose command line or TF_RUN_DIR
//  names the run directory, each checked again before a signal: SIGTERM, then
//  SIGKILL after a grace), and removes the directory only when it is named
//  tf-run-<RUN_ID> (tf made it with mkdtemp): a --run-dir is never removed. A
//  dead run that finished (report.json written, nothing left running) was
//  kept on purpose: it goes only when named by id or old enough for
//  --older-than, which measures how long ago the run last wrote any of its
//  own files. With config->engine it then makes the Docker engine pass of
//  tf_clean_engine.h (what compose runs left, by label) and the cluster pass
//  of tf_clean_k8s.h (the namespaces k8s runs left, by label).

#ifndef TF_CLEAN_H_INCLUDED
#define TF_CLEAN_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include "tf_exit.h"
#include "tf_plan.h"
#include "tf_rundir.h"

#define TF_CLEAN_TERM_GRACE_MS 3000                       //  After SIGTERM, before SIGKILL
#define TF_CLEAN_MAX_PIDS      (TF_PLAN_MAX_NODES + 1024) //  Processes stopped per run
#define TF_CLEAN_RUN_ID_MAX    64                         //  Longest run id (letters, digits, '-')
#define TF_CLEAN_WALK_DEPTH    6 //  Levels of a run directory read for its last activity

typedef struct {
    const char *root;           //  Where run directories live (TMPDIR)
    int64_t older_than_ms;      //  Only runs idle at least this long; 0: any
    const char *const *run_ids; //  Only these runs (NULL-terminated), or NULL
    bool dry_run;               //  Say what would be done, do nothing
    bool engine;                //  Also the Docker engine's labelled leftovers (tf_clean_engine.h)
} tf_clean_config_t;

//  Write run_dir/tf.pid for the calling process (never over an existing file).
//  run_id must be valid (tf_clean_valid_run_id). Returns 0 or -1 (errno set).
int tf_clean_mark (const char *run_dir, const char *run_id);

//  Is text a run id as tf makes them: 1 to TF_CLEAN_RUN_ID_MAX letters, digits
//  or '-'?
bool tf_clean_valid_run_id (const char *text);

//  Is the supervisor of run_dir alive (its marker names a live process that
//  started when the marker says)? False when there is no marker.
bool tf_clean_run_is_live (const char *run_dir);

//  Does process pid belong to the run in run_dir: its command line names the
//  directory, or its environment has TF_RUN_DIR=run_dir?
bool tf_clean_pid_belongs (pid_t pid, const char *run_dir);

//  Clean every matching run under config->root, printing one line per run
//  to out and problems to err. Returns TF_EXIT_OK, or TF_EXIT_ERROR when
//  something could not be read, stopped or removed.
int tf_clean_run (const tf_clean_config_t *config, FILE *out, FILE *err);

#endif
