//  tf_run.c - run a plan from C: a thin front of the supervisor (tf_supervisor.h)
//
//  tf_run_new copies the options into a supervisor configuration that starts
//  from a plan, finds tf's programs when the caller did not say where they are,
//  and keeps what the run leaves (verdict, directory, report) for the queries.

#define _GNU_SOURCE //  dladdr
#include <czmq.h>
#include <dlfcn.h>
#include <limits.h>
#include <unistd.h>
#include "tf_run.h"
#include "tf_supervisor.h"

#define TF_RUN_COORDINATOR "tf-coordinator" //  The program whose presence marks the directory

#ifndef TF_BIN_TO_LIBEXEC
#define TF_BIN_TO_LIBEXEC "../libexec/tf" //  From the prefix's bin/ to its programs
#endif
#ifndef TF_LIB_TO_LIBEXEC
#define TF_LIB_TO_LIBEXEC "../libexec/tf" //  From the prefix's lib/ to its programs
#endif

static const char s_anchor = 0; //  An address inside this code, for dladdr

struct _tf_run_t {
    tf_supervisor_t *supervisor; //  The run itself
    FILE *out;                   //  Progress and verdict, not owned
    int exit_code;               //  After tf_run_wait, else -1
    bool waited;                 //  tf_run_wait was called
    char *report_path;           //  report.json, while it exists, or NULL
};


tf_run_t *
tf_run_new (const tf_plan_t *plan, const tf_run_options_t *options)
{
    assert (plan);
    static const tf_run_options_t defaults = {0};
    if (!options)
        options = &defaults;
    FILE *err = options->err ? options->err : stderr;
    char *bin_dir = options->bin_dir ? strdup (options->bin_dir) : tf_run_bin_dir ();
    if (!bin_dir) {
        fprintf (err,
                 "tf: cannot find tf's programs (%s): neither beside this program nor in "
                 "libexec/tf of its prefix; set bin_dir\n",
                 TF_RUN_COORDINATOR);
        return NULL;
    }
    tf_supervisor_config_t config = {
        .plan = plan,
        .runner = options->runner,
        .duration_ms = options->has_duration ? options->duration_ms : -1,
        .has_seed = options->has_seed,
        .seed = options->seed,
        .run_dir = options->run_dir,
        .keep_run_dir = options->keep_run_dir,
        .attach_timeout_ms = options->attach_timeout_ms,
        .listen = options->listen,
        .allow = options->allow,
        .bin_dir = bin_dir,
    };
    tf_run_t *self = (tf_run_t *) zmalloc (sizeof (tf_run_t));
    self->out = options->out ? options->out : stdout;
    self->exit_code = -1;
    self->supervisor = tf_supervisor_new (&config, err);
    free (bin_dir);
    if (!self->supervisor)
        tf_run_destroy (&self);
    return self;
}

void
tf_run_destroy (tf_run_t **self_p)
{
    assert (self_p);
    tf_run_t *self = *self_p;
    if (!self)
        return;
    tf_supervisor_destroy (&self->supervisor);
    free (self->report_path);
    free (self);
    *self_p = NULL;
}

int
tf_run_wait (tf_run_t *self)
{
    assert (self && !self->waited);
    self->waited = true;
    self->exit_code = tf_supervisor_run (self->supervisor, self->out);
    const char *run_dir = tf_run_dir (self);
    if (run_dir) {
        char *path = zsys_sprintf ("%s/%s", run_dir, TF_RUNDIR_REPORT);
        if (access (path, R_OK) == 0)
            self->report_path = strdup (path);
        zstr_free (&path);
    }
    return self->exit_code;
}

int
tf_run_exit_code (const tf_run_t *self)
{
    assert (self);
    return self->exit_code;
}

const char *
tf_run_verdict (const tf_run_t *self)
{
    assert (self);
    return self->waited ? tf_supervisor_verdict (self->supervisor) : NULL;
}

const char *
tf_run_dir (const tf_run_t *self)
{
    assert (self);
    if (!self->waited || tf_supervisor_run_dir_removed (self->supervisor))
        return NULL;
    return tf_supervisor_run_dir (self->supervisor);
}

const char *
tf_run_report_path (const tf_run_t *self)
{
    assert (self);
    return self->report_path;
}


//  ---------------------------------------------------------------------------
//  Finding tf's programs

//  dir, or dir/relative, when it holds an executable tf-coordinator: a copy
//  (caller frees), else NULL
static char *
s_programs_in (const char *dir, const char *relative)
{
    char *candidate = relative ? zsys_sprintf ("%s/%s", dir, relative) : strdup (dir);
    char *program = zsys_sprintf ("%s/%s", candidate, TF_RUN_COORDINATOR);
    bool found = access (program, X_OK) == 0;
    zstr_free (&program);
    char *resolved = found ? realpath (candidate, NULL) : NULL;
    free (candidate);
    return resolved;
}

//  The directory part of path (resolved), a copy, or NULL
static char *
s_dir_of (const char *path)
{
    char *resolved = realpath (path, NULL);
    if (!resolved)
        return NULL;
    char *slash = strrchr (resolved, '/');
    if (slash == resolved)
        slash[1] = 0; //  "/tf": the root
    else if (slash)
        *slash = 0;
    return resolved;
}

char *
tf_run_bin_dir (void)
{
    char *found = NULL;
    //  Beside the running program (build/bin), or its prefix's libexec/tf
    char *exe_dir = s_dir_of ("/proc/self/exe");
    if (exe_dir && !(found = s_programs_in (exe_dir, NULL)))
        found = s_programs_in (exe_dir, TF_BIN_TO_LIBEXEC);
    free (exe_dir);
    //  From the shared library this code is in: <prefix>/lib/libtf.so
    Dl_info info;
    if (!found && dladdr (&s_anchor, &info) && info.dli_fname && info.dli_fname[0]) {
        char *lib_dir = s_dir_of (info.dli_fname);
        if (lib_dir)
            found = s_programs_in (lib_dir, TF_LIB_TO_LIBEXEC);
        free (lib_dir);
    }
#ifdef TF_INSTALL_FULL_LIBEXECDIR
    //  Linked statically into a program elsewhere: where this build installs
    if (!found)
        found = s_programs_in (TF_INSTALL_FULL_LIBEXECDIR, NULL);
#endif
    return found;
}
