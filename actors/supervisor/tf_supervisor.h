//  tf_supervisor.h - `tf run`: one run of a scenario, from plan to verdict
//
//  Loads and validates the plan, creates the run directory (mode 0700) with
//  plan.yaml, plan.msgpack, logs/ and pids (one "PID NAME" line per process
//  started, written before the run goes on, so tests and people can check that
//  none survives), starts the coordinator and every actor the plan needs,
//  follows the coordinator's broadcasts for progress, forwards signals, reaps
//  everything, prints the verdict from report.json and returns the exit code.
//
//  Signals: the first SIGINT/SIGTERM/SIGHUP is forwarded to the coordinator as
//  SIGTERM (it aborts the run and still cleans up); the second SIGKILLs every
//  child. tf is a child subreaper, so processes its children leave behind come
//  back to it and are stopped before it exits.
//
//  The run directory also gets tf.pid (tf_clean.h), the marker that lets
//  `tf clean` tell a live run from a crashed one. After the verdict tf prints
//  the transactions the feed saw included, and for a replay how far the
//  recorded run went.
//
//  Consumes (SUB on control): run.phase, run.abort, workload.status
//  Consumes (SUB on feed): feed.tip, feed.stats (heights and txs for progress)

#ifndef TF_SUPERVISOR_H_INCLUDED
#define TF_SUPERVISOR_H_INCLUDED

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "tf_exit.h"
#include "tf_plan.h"
#include "tf_rundir.h"


#define TF_SUPERVISOR_TICK_MS        100  //  Reap and refresh at least this often
#define TF_SUPERVISOR_ACTOR_GRACE_MS 5000 //  Actors' time to exit after the coordinator
#define TF_SUPERVISOR_TERM_GRACE_MS  3000 //  After SIGTERM, before SIGKILL
#define TF_SUPERVISOR_IPC_MAX        107  //  Longest ipc:// path (sun_path - 1)
#define TF_SUPERVISOR_REPLAY_RUNNER  "replay"

typedef struct _tf_supervisor_t tf_supervisor_t;

typedef struct {
    const char *scenario;  //  YAML scenario file, or NULL with plan or replay_dir
    const tf_plan_t *plan; //  A plan already made (copied; validated again with the
                           //  overrides), or NULL
    const char *runner;    //  Override of run.runner, or NULL
    int64_t duration_ms;   //  Override of run.duration, or -1
    bool has_seed;         //  seed overrides run.seed
    uint64_t seed;
    const char *run_dir;             //  Given run directory, or NULL for mkdtemp
    bool keep_run_dir;               //  Keep the run directory after a pass too
    int64_t attach_timeout_ms;       //  Registration deadline, or 0 for the coordinator's
    const char *bin_dir;             //  Where tf-coordinator and the actors live
    const char *listen;              //  --listen tcp://HOST[:PORT], or NULL for ipc
    const char *const *allow;        //  --allow certificates or directories
                                     //  (NULL-terminated), or NULL
    const char *replay_dir;          //  tf replay: a past run directory, whose
                                     //  plan.msgpack and bus.rec replace scenario
    const char *const *expect_names; //  tf replay --expect: only these expectations
                                     //  (NULL-terminated), or NULL for all
} tf_supervisor_config_t;

//  Load and validate the scenario with the overrides applied. For a replay,
//  the past run's plan keeps its expectations (built-in and custom), loses its
//  workloads (the recording stands in for them) and runs on runner "replay". Returns NULL
//  after printing every problem to err (exit TF_EXIT_USAGE). err (borrowed)
//  also receives the run's errors later.
tf_supervisor_t *tf_supervisor_new (const tf_supervisor_config_t *config, FILE *err);

//  Destroy the supervisor and nullify the reference. Safe on NULL.
void tf_supervisor_destroy (tf_supervisor_t **self_p);

//  Run the scenario to its end, printing progress and the verdict to out.
//  Returns the exit code: TF_EXIT_OK, _FAILED, _USAGE or _ERROR.
int tf_supervisor_run (tf_supervisor_t *self, FILE *out);

//  After tf_supervisor_run: the verdict report.json gave ("passed", "failed",
//  "aborted"), or NULL when there was none. Borrowed from the supervisor.
const char *tf_supervisor_verdict (tf_supervisor_t *self);

//  The run directory (absolute), once tf_supervisor_run made it, else NULL.
//  Borrowed from the supervisor.
const char *tf_supervisor_run_dir (tf_supervisor_t *self);

//  True when tf_supervisor_run removed the run directory (a pass, not kept).
bool tf_supervisor_run_dir_removed (tf_supervisor_t *self);

//  `tf validate`: print the normalised plan to out and return 0, or every
//  error to err as file:line:column: path: message and return TF_EXIT_USAGE.
int tf_supervisor_validate (const char *path, FILE *out, FILE *err);

#endif
