//  tf_run_dir.h - a run's directory: made (or taken when given) with its run
//  marker, run id and endpoints; filled with the plan, logs/ and the pids
//  file; kept or removed when the run is over
//
//  Mode 0700, files 0600. A directory tf makes is tf-run-XXXXXX under
//  ${TMPDIR:-/tmp}, its random part the run id; a given one (--run-dir) must
//  not exist or be empty, gets a fresh id and is never removed. The marker
//  (tf_clean.h) is written first: it is what lets `tf clean` prove the
//  directory is a run's.

#ifndef TF_RUN_DIR_H_INCLUDED
#define TF_RUN_DIR_H_INCLUDED

#include <stdbool.h>
#include <stdio.h>
#include "tf_plan.h"

typedef struct {
    char *path;       //  Absolute, once made
    char *id;         //  The run id, once made
    char *control_ep; //  ipc://<path>/control.ipc (tcp:// on a --listen run, tf_run_listen.h)
    char *service_ep; //  ipc://<path>/service.ipc (likewise)
    char *feed_ep;    //  ipc://<path>/feed.ipc (likewise)
    bool given;       //  Named by the caller: never removed
    bool removed;     //  Removed after a pass
} tf_run_dir_t;

//  Make the run directory: requested (absolute or relative; NULL: a fresh one
//  under TMPDIR), its marker, id and endpoints. Returns 0, or an exit code
//  (tf_exit.h) after printing why to err (a path too long for ipc:// to out).
int tf_run_dir_make (tf_run_dir_t *self, const char *requested, FILE *out, FILE *err);

//  Write plan.yaml, plan.msgpack and logs/, and open the pids file. Returns
//  the pids file (caller closes it), or NULL after printing why to err.
FILE *tf_run_dir_fill (const tf_run_dir_t *self, const tf_plan_t *plan, FILE *err);

//  At the end of the run: keep the directory (a failed run, a given one, one
//  the caller wants kept (keep), one the environment asks to keep, or kept_by
//  naming why it must stay, e.g. "COMPOSE_RUNNER_PRESERVE") or remove it
//  after a pass; says which to out.
void tf_run_dir_dispose (tf_run_dir_t *self, int exit_code, bool keep, const char *kept_by,
                         FILE *out, FILE *err);

//  Free what the run directory's description holds (not the directory).
void tf_run_dir_clear (tf_run_dir_t *self);

#endif
