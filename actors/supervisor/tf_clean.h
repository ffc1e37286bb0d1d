//  tf_clean.h - `tf clean`: remove what crashed runs left behind
//
//  Every run directory carries a marker, tf.pid ("PID STARTTIME RUN_ID": the
//  supervisor's pid and its start time in clock ticks since boot, so a reused
//  pid is not mistaken for it). `tf clean` finds run directories under a root
//  (tf-run-* ones, and any with a marker), skips every run whose supervisor
//  is alive, stops the processes a dead run left (those in its pids file and
//  any whose command line or TF_RUN_DIR names the run directory, each
//  checked again before a signal: SIGTERM, then SIGKILL after a grace), and
//  removes the directory. A dead run that finished (report.json written,
//  nothing left running) was kept on purpose: it goes only when named by id or
//  old enough for --older-than.

#ifndef TF_CLEAN_H_INCLUDED
#define TF_CLEAN_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include "tf_rundir.h"

#define TF_CLEAN_TERM_GRACE_MS 3000 //  After SIGTERM, before SIGKILL
//  An unmarked directory younger than this may be a run starting up: left alone
#define TF_CLEAN_UNMARKED_MIN_MS 60000
#define TF_CLEAN_MAX_PIDS        1024 //  Processes stopped per run

typedef struct {
    const char *root;           //  Where run directories live (TMPDIR)
    int64_t older_than_ms;      //  Only runs idle at least this long; 0: any
    const char *const *run_ids; //  Only these runs (NULL-terminated), or NULL
    bool dry_run;               //  Say what would be done, do nothing
} tf_clean_config_t;

//  Write run_dir/tf.pid for the calling process. Returns 0 or -1 (errno set).
int tf_clean_mark (const char *run_dir, const char *run_id);

//  Is the supervisor of run_dir alive (its marker names a live process that
//  started when the marker says)? False when there is no marker.
bool tf_clean_run_is_live (const char *run_dir);

//  Does process pid belong to the run in run_dir: its command line names the
//  directory, or its environment has TF_RUN_DIR=run_dir?
bool tf_clean_pid_belongs (pid_t pid, const char *run_dir);

//  Clean every matching run under config->root, printing one line per run
//  to out and problems to err. Returns 0, or 3 when something could not be
//  stopped or removed.
int tf_clean_run (const tf_clean_config_t *config, FILE *out, FILE *err);

#endif
