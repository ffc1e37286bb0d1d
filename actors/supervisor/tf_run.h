//  tf_run.h - run a plan from C: the one way every run starts, `tf run` included
//
//  Make a plan (tf_plan_load, or the builder of tf_plan.h and tf_plan_build),
//  create a run from it with a few options, wait for it, then read the verdict,
//  the exit code and where the report is. The run does exactly what `tf run`
//  does (`tf run` is this API behind a command line): it creates the run
//  directory, starts tf-coordinator and every actor the plan needs from tf's
//  program directory, shows progress, and cleans up on every path.
//
//      tf_plan_t *plan = tf_plan_new ("smoke");
//      tf_plan_set_topology (plan, TF_NETWORK_STAR, 2, 0);
//      tf_plan_add_expectation (plan, "consensus_liveness");
//      tf_run_options_t options = {.run_dir = "run", .has_duration = true,
//                                  .duration_ms = 5000};
//      tf_run_t *run = tf_run_new (plan, &options);
//      int code = run ? tf_run_wait (run) : TF_EXIT_USAGE;
//      ... tf_run_verdict (run), tf_run_report_path (run) ...
//      tf_run_destroy (&run);
//      tf_plan_destroy (&plan);
//
//  While tf_run_wait runs, the calling process is the run's supervisor: it
//  handles SIGINT, SIGTERM, SIGHUP and SIGCHLD (Ctrl-C aborts the run and
//  still cleans up), becomes a child subreaper and reaps every child; call it
//  from a process that has no children of its own to wait for.

#ifndef TF_RUN_H_INCLUDED
#define TF_RUN_H_INCLUDED

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "tf_exit.h"
#include "tf_plan.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct _tf_run_t tf_run_t;

//  What a run may change or be told; all zero is `tf run` with no options.
typedef struct {
    const char *run_dir;       //  Run directory (must not exist, or be empty; kept), or
                               //  NULL: a fresh tf-run-XXXXXX under ${TMPDIR:-/tmp}
    const char *runner;        //  Override of the plan's runner, or NULL
    bool has_duration;         //  duration_ms overrides the plan's duration
    int64_t duration_ms;       //  Execute phase length, milliseconds
    bool has_seed;             //  seed overrides the plan's seed
    uint64_t seed;             //  Seed of every random choice
    int64_t attach_timeout_ms; //  How long every actor has to register, or 0: 30 s
    bool keep_run_dir;         //  Keep the run directory after a pass too (a failed
                               //  run's is always kept)
    const char *bin_dir;       //  Where tf-coordinator and the actors are, or NULL:
                               //  found as tf_run_bin_dir says
    FILE *out;                 //  Progress and the verdict, or NULL: stdout
    FILE *err;                 //  Errors, or NULL: stderr
    const char *listen;        //  tcp://HOST[:PORT]: the run's endpoints on tcp with
                               //  CURVE (docs/running.md), or NULL: ipc in the run dir
    const char *const *allow;  //  Certificates (or directories of *.cert) allowed to
                               //  join a run on tcp, NULL-terminated, or NULL
} tf_run_options_t;

//  Create a run of plan (copied: the caller keeps it) with options (NULL: all
//  defaults). The plan is validated with the overrides applied, as the loader
//  does. Returns NULL after printing every problem to options->err (exit
//  TF_EXIT_USAGE for a bad plan, TF_EXIT_ERROR when tf's programs are not found).
tf_run_t *tf_run_new (const tf_plan_t *plan, const tf_run_options_t *options);

//  Destroy the run and nullify the reference. Safe on NULL.
void tf_run_destroy (tf_run_t **self_p);

//  Run the plan to its end: deploy, drive, judge, clean up. Returns the exit
//  code, as tf_run_exit_code then does. Call once.
int tf_run_wait (tf_run_t *self);

//  After tf_run_wait: TF_EXIT_OK (every expectation passed), TF_EXIT_FAILED,
//  TF_EXIT_USAGE or TF_EXIT_ERROR (tf_exit.h); -1 before.
int tf_run_exit_code (const tf_run_t *self);

//  After tf_run_wait: the verdict of report.json ("passed", "failed" or
//  "aborted"), or NULL when the run left no report. Borrowed from the run.
const char *tf_run_verdict (const tf_run_t *self);

//  After tf_run_wait: the run directory, or NULL when none was made or it was
//  removed after a pass (see keep_run_dir). Borrowed from the run.
const char *tf_run_dir (const tf_run_t *self);

//  After tf_run_wait: the path of report.json (junit.xml and report.html are
//  beside it), or NULL as for tf_run_dir or when no report was written.
//  Borrowed from the run.
const char *tf_run_report_path (const tf_run_t *self);

//  Where tf's programs are: beside the running executable (a build tree's
//  bin/), in libexec/tf of its install prefix (from bin/, or from lib/ where
//  libtf.so is), or where this build installs them; the first directory that
//  holds an executable tf-coordinator. Caller owns the result (free()); NULL
//  when none does.
char *tf_run_bin_dir (void);

#ifdef __cplusplus
}
#endif

#endif
