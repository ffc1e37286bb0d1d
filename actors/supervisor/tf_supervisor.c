//  tf_supervisor.c - `tf run`: one run of a scenario, from plan to verdict
//
//  One loop polls the control SUB (progress) and a self-pipe written by the
//  signal handlers (SIGCHLD, SIGINT, SIGTERM), with a short tick. Each turn
//  reaps every child that ended, acts on interrupts, and escalates the stop of
//  actors that outstay the coordinator: grace period, SIGTERM, SIGKILL. The
//  loop ends when every child has been reaped; then processes our children
//  left behind (we are a subreaper) are stopped too.

#define _GNU_SOURCE //  pipe2
#include <ctype.h>
#include <czmq.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "tf_clean.h"
#include "tf_env.h"
#include "tf_plan.h"
#include "tf_progress.h"
#include "tf_recording.h"
#include "tf_replay_plan.h"
#include "tf_curve.h"
#include "tf_run_dir.h"
#include "tf_run_listen.h"
#include "tf_report_salvage.h"
#include "tf_spawn.h"
#include "tf_supervisor.h"
#include "tf_verdict_lines.h"

#define TF_SUPERVISOR_MAX_ACTORS  (3 * TF_PLAN_MAX_ITEMS + 2)
#define TF_SUPERVISOR_MAX_STRAYS  (TF_PLAN_MAX_NODES + 256) //  Leftover processes swept at the end
#define TF_SUPERVISOR_COORDINATOR "tf-coordinator"
#define TF_SUPERVISOR_ERROR_SIZE  200 //  An actor's last logged error, as tf repeats it

typedef struct {
    tf_plan_actor_t plan; //  Borrowed from the plan
    tf_spawn_t *spawn;    //  NULL: a custom actor that attaches itself
    bool stopped_by_us;   //  We sent it SIGTERM or SIGKILL
} s_actor_t;

struct _tf_supervisor_t {
    tf_plan_t *plan;           //  Validated, overrides applied
    char *bin_dir;             //  Where our programs live
    char *replay_recording;    //  tf replay: absolute path of bus.rec
    char *run_dir_requested;   //  --run-dir, or NULL: a fresh one
    bool keep_run_dir;         //  Kept after a pass too (tf_run's option)
    char *verdict;             //  From report.json after the run, or NULL
    int64_t attach_timeout_ms; //  --attach-timeout, or 0: the coordinator's default
    char *listen;              //  --listen, or NULL
    zlist_t *allow;            //  --allow paths
    tf_run_dir_t dir;          //  The run directory, its id and endpoints

    s_actor_t actors[TF_SUPERVISOR_MAX_ACTORS];
    size_t actor_count;
    tf_spawn_t *coordinator;
    FILE *pids;       //  run_dir/pids, one line per process
    zsock_t *control; //  SUB to the coordinator's broadcasts
    zsock_t *feed;    //  SUB to the block feed, for progress
    zsock_t *service; //  DEALER to the coordinator: actor.exited
    tf_progress_t *progress;
    FILE *out; //  Progress and verdict, not owned
    FILE *err; //  Errors, not owned

    int interrupts_handled;       //  SIGINT/SIGTERM acted upon
    bool forced;                  //  Second interrupt: everything SIGKILLed
    bool start_failed;            //  A process could not be started
    int64_t coordinator_ended_at; //  zclock_mono, 0 while it runs
    int64_t term_sent_at;         //  Actors SIGTERMed, 0 if not yet
    bool kill_sent;               //  Actors SIGKILLed
};

static int s_signal_pipe[2] = {-1, -1};    //  Written by the signal handlers
static volatile sig_atomic_t s_interrupts; //  SIGINT/SIGTERM/SIGHUP received


//  ---------------------------------------------------------------------------
//  Plan and overrides

int
tf_supervisor_validate (const char *path, FILE *out, FILE *err)
{
    assert (path && out && err);
    tf_plan_errors_t *errors = tf_plan_errors_new ();
    tf_plan_t *plan = tf_plan_load (path, errors);
    int rc = TF_EXIT_USAGE;
    if (plan) {
        tf_plan_print (plan, out);
        rc = TF_EXIT_OK;
    }
    else
        tf_plan_errors_print (errors, err);
    tf_plan_destroy (&plan);
    tf_plan_errors_destroy (&errors);
    return rc;
}

//  tf replay: the past run's plan, to judge its recording again. Returns 0,
//  or -1 after printing why to err.
static int
s_load_replay (tf_supervisor_t *self, const char *replay_dir, FILE *err)
{
    char *plan_path = zsys_sprintf ("%s/%s", replay_dir, TF_RUNDIR_PLAN);
    char *recording = zsys_sprintf ("%s/%s", replay_dir, TF_RUNDIR_RECORDING);
    zfile_t *file = zfile_new (NULL, plan_path);
    zchunk_t *chunk = NULL;
    int rc = -1;
    if (!file || zfile_input (file) || !(chunk = zfile_read (file, zfile_cursize (file), 0))) {
        fprintf (err, "tf replay: cannot read %s: is %s a run directory?\n", plan_path, replay_dir);
        goto out;
    }
    if (access (recording, R_OK)) {
        fprintf (err, "tf replay: cannot read %s: %s\n", recording, strerror (errno));
        goto out;
    }
    self->plan = tf_plan_unpack (zchunk_data (chunk), zchunk_size (chunk));
    if (!self->plan) {
        fprintf (err, "tf replay: %s is not a valid plan\n", plan_path);
        goto out;
    }
    //  The recording is read by the deployer; it must not depend on our cwd
    self->replay_recording = realpath (recording, NULL);
    rc = self->replay_recording ? 0 : -1;
out:
    zchunk_destroy (&chunk);
    zfile_destroy (&file);
    zstr_free (&recording);
    zstr_free (&plan_path);
    return rc;
}

tf_supervisor_t *
tf_supervisor_new (const tf_supervisor_config_t *config, FILE *err)
{
    assert (config && (config->scenario || config->plan || config->replay_dir) && config->bin_dir
            && err);
    tf_supervisor_t *self = (tf_supervisor_t *) zmalloc (sizeof (tf_supervisor_t));
    self->err = err;
    self->bin_dir = strdup (config->bin_dir);
    self->keep_run_dir = config->keep_run_dir;
    self->attach_timeout_ms = config->attach_timeout_ms;
    self->listen = config->listen ? strdup (config->listen) : NULL;
    self->allow = zlist_new ();
    zlist_autofree (self->allow);
    for (size_t index = 0; config->allow && config->allow[index]; index++)
        zlist_append (self->allow, (void *) config->allow[index]);
    if (self->listen && tf_run_listen_check (self->listen, err))
        goto failed_printed_early;
    if (config->run_dir)
        self->run_dir_requested = strdup (config->run_dir);
    tf_plan_errors_t *errors = tf_plan_errors_new ();
    char *env_error = tf_env_error ();
    if (env_error) {
        fprintf (err, "tf: %s\n", env_error);
        zstr_free (&env_error);
        goto failed_printed;
    }
    if (config->replay_dir) {
        if (s_load_replay (self, config->replay_dir, err))
            goto failed_printed;
    }
    else if (config->plan)
        self->plan = tf_plan_dup (config->plan);
    else if (!(self->plan = tf_plan_load (config->scenario, errors)))
        goto failed;
    //  A plan made elsewhere (the builder) is checked here like a loaded one
    bool overridden = config->plan != NULL;
    if (config->runner) {
        free (self->plan->runner);
        self->plan->runner = strdup (config->runner);
        overridden = true;
    }
    if (config->duration_ms >= 0) {
        self->plan->duration_ms = config->duration_ms;
        overridden = true;
    }
    if (config->has_seed) {
        self->plan->seed = config->seed;
        overridden = true;
    }
    if ((overridden || config->replay_dir) && tf_plan_validate (self->plan, errors))
        goto failed;
    if (config->replay_dir) {
        //  Validated as the past run ran it, then cut to its expectations on
        //  the replay runner (which no scenario may name)
        if (tf_replay_plan_trim (self->plan, config->expect_names, err))
            goto failed_printed;
        free (self->plan->runner);
        self->plan->runner = strdup (TF_SUPERVISOR_REPLAY_RUNNER);
    }
    self->actor_count = 0;
    tf_plan_actor_t actors[TF_SUPERVISOR_MAX_ACTORS];
    size_t count = tf_plan_actors (self->plan, actors, TF_SUPERVISOR_MAX_ACTORS);
    if (count > TF_SUPERVISOR_MAX_ACTORS) {
        fprintf (err, "%s: the plan needs %zu actors; at most %d are supported\n", self->plan->name,
                 count, TF_SUPERVISOR_MAX_ACTORS);
        goto failed_printed;
    }
    for (size_t index = 0; index < count; index++)
        self->actors[self->actor_count++].plan = actors[index];
    tf_plan_errors_destroy (&errors);
    return self;

failed:
    tf_plan_errors_print (errors, err);
failed_printed:
    tf_plan_errors_destroy (&errors);
failed_printed_early:
    tf_supervisor_destroy (&self);
    return NULL;
}

void
tf_supervisor_destroy (tf_supervisor_t **self_p)
{
    assert (self_p);
    tf_supervisor_t *self = *self_p;
    if (!self)
        return;
    for (size_t index = 0; index < self->actor_count; index++)
        tf_spawn_destroy (&self->actors[index].spawn);
    tf_spawn_destroy (&self->coordinator);
    if (self->pids)
        fclose (self->pids);
    zsock_destroy (&self->control);
    zsock_destroy (&self->feed);
    zsock_destroy (&self->service);
    tf_progress_destroy (&self->progress);
    tf_plan_destroy (&self->plan);
    tf_run_dir_clear (&self->dir);
    free (self->listen);
    zlist_destroy (&self->allow);
    free (self->run_dir_requested);
    free (self->replay_recording);
    free (self->verdict);
    free (self->bin_dir);
    free (self);
    *self_p = NULL;
}


//  ---------------------------------------------------------------------------
//  Signals

static void
s_on_signal (int signal_number)
{
    int saved_errno = errno;
    if (signal_number != SIGCHLD)
        s_interrupts++; //  SIGINT, SIGTERM, SIGHUP
    char byte = (char) signal_number;
    ssize_t written = write (s_signal_pipe[1], &byte, 1);
    (void) written; //  A full pipe already means "wake up"
    errno = saved_errno;
}

static int
s_install_signals (void)
{
    if (s_signal_pipe[0] < 0 && pipe2 (s_signal_pipe, O_CLOEXEC | O_NONBLOCK))
        return -1;
    zsys_handler_set (NULL); //  CZMQ must not swallow SIGINT/SIGTERM
    struct sigaction action;
    memset (&action, 0, sizeof action);
    action.sa_handler = s_on_signal;
    action.sa_flags = SA_RESTART | SA_NOCLDSTOP;
    sigemptyset (&action.sa_mask);
    sigaction (SIGINT, &action, NULL);
    sigaction (SIGTERM, &action, NULL);
    sigaction (SIGHUP, &action, NULL); //  Terminal gone: clean up as for Ctrl-C
    sigaction (SIGCHLD, &action, NULL);
    signal (SIGPIPE, SIG_IGN); //  A closed stdout must not kill the supervisor
    return 0;
}

static void
s_drain_signal_pipe (void)
{
    char bytes[64];
    while (read (s_signal_pipe[0], bytes, sizeof bytes) > 0)
        ;
}


//  ---------------------------------------------------------------------------
//  Starting processes

static void
s_record_pid (tf_supervisor_t *self, tf_spawn_t *spawn)
{
    fprintf (self->pids, "%d %s\n", (int) tf_spawn_pid (spawn), tf_spawn_name (spawn));
    fflush (self->pids);
}

//  Environment every process of the run gets
static void
s_set_run_env (tf_supervisor_t *self, tf_spawn_t *spawn)
{
    tf_spawn_setenv (spawn, "TF_RUN_DIR", self->dir.path);
    tf_spawn_setenv (spawn, "TF_RUN_ID", self->dir.id);
    tf_spawn_setenv (spawn, "TF_CONTROL", self->dir.control_ep);
    tf_spawn_setenv (spawn, "TF_SERVICE", self->dir.service_ep);
    tf_spawn_setenv (spawn, "TF_FEED", self->dir.feed_ep);
    if (self->listen)
        tf_run_listen_env (&self->dir, spawn, NULL);
    if (self->replay_recording)
        tf_spawn_setenv (spawn, TF_REPLAY_RECORDING_ENV, self->replay_recording);
    const char *path = getenv ("PATH");
    char *search = zsys_sprintf ("%s%s%s", self->bin_dir, path ? ":" : "", path ? path : "");
    tf_spawn_setenv (spawn, "PATH", search);
    zstr_free (&search);
}

//  Log file of a process: logs/<name>.log, with anything path-like replaced
static char *
s_log_path (tf_supervisor_t *self, const char *name)
{
    char *path = zsys_sprintf ("%s/%s/%s.log", self->dir.path, TF_RUNDIR_LOGS, name);
    char *file = strrchr (path, '/') + 1;
    for (char *cursor = file; *cursor; cursor++)
        if (*cursor == '/' || (cursor == file && *cursor == '.'))
            *cursor = '_';
    return path;
}

static int
s_start_coordinator (tf_supervisor_t *self)
{
    self->coordinator = tf_spawn_new ("coordinator");
    char *program = zsys_sprintf ("%s/%s", self->bin_dir, TF_SUPERVISOR_COORDINATOR);
    char *plan_path = zsys_sprintf ("%s/%s", self->dir.path, TF_RUNDIR_PLAN);
    const char *args[] = {program,
                          "--run-dir",
                          self->dir.path,
                          "--run-id",
                          self->dir.id,
                          "--plan",
                          plan_path,
                          "--control",
                          self->dir.control_ep,
                          "--service",
                          self->dir.service_ep,
                          "--feed",
                          self->dir.feed_ep,
                          NULL};
    for (size_t index = 0; args[index]; index++)
        tf_spawn_arg (self->coordinator, args[index]);
    if (self->attach_timeout_ms > 0) {
        char *register_ms = zsys_sprintf ("%" PRId64, self->attach_timeout_ms);
        tf_spawn_arg (self->coordinator, "--register-ms");
        tf_spawn_arg (self->coordinator, register_ms);
        zstr_free (&register_ms);
    }
    s_set_run_env (self, self->coordinator);
    if (self->listen)
        tf_run_listen_env (&self->dir, self->coordinator, TF_RUN_LISTEN_COORDINATOR);
    char *log = s_log_path (self, "coordinator");
    int rc = tf_spawn_start (self->coordinator, log);
    if (rc == 0)
        s_record_pid (self, self->coordinator);
    else
        fprintf (self->err, "tf: cannot start %s (log: %s)\n", program, log);
    zstr_free (&log);
    zstr_free (&plan_path);
    zstr_free (&program);
    return rc;
}

static int
s_start_actor (tf_supervisor_t *self, s_actor_t *actor)
{
    const tf_plan_actor_t *plan = &actor->plan;
    if (!plan->program && !plan->command && self->listen) {
        fprintf (self->out,
                 "waiting for custom actor '%s' (%s) to attach; from any host, with a "
                 "certificate --allow names:\n"
                 "    TF_ACTOR_NAME=%s TF_ACTOR_ROLE=%s TF_JOIN=run.json TF_CERT=NAME.cert_secret "
                 "<your actor>\n    (run.json: %s/%s)\n",
                 plan->name, plan->role, plan->name, plan->role, self->dir.path, TF_CURVE_RUN_JSON);
        return 0;
    }
    if (!plan->program && !plan->command) {
        fprintf (self->out,
                 "waiting for custom actor '%s' (%s) to attach; start it with:\n"
                 "    TF_ACTOR_NAME=%s TF_ACTOR_ROLE=%s TF_CONTROL=%s TF_SERVICE=%s TF_FEED=%s "
                 "TF_RUN_DIR=%s TF_RUN_ID=%s <your actor>\n",
                 plan->name, plan->role, plan->name, plan->role, self->dir.control_ep,
                 self->dir.service_ep, self->dir.feed_ep, self->dir.path, self->dir.id);
        return 0;
    }
    actor->spawn = tf_spawn_new (plan->name);
    if (plan->program) {
        char *program = zsys_sprintf ("%s/%s", self->bin_dir, plan->program);
        const char *args[] = {program,
                              "--name",
                              plan->name,
                              "--control",
                              self->dir.control_ep,
                              "--service",
                              self->dir.service_ep,
                              "--feed",
                              self->dir.feed_ep,
                              "--run-dir",
                              self->dir.path,
                              NULL};
        for (size_t index = 0; args[index]; index++)
            tf_spawn_arg (actor->spawn, args[index]);
        zstr_free (&program);
    }
    else
        tf_spawn_shell (actor->spawn, plan->command);
    s_set_run_env (self, actor->spawn);
    tf_spawn_setenv (actor->spawn, "TF_ACTOR_NAME", plan->name);
    tf_spawn_setenv (actor->spawn, "TF_ACTOR_ROLE", plan->role);
    if (self->listen && streq (plan->role, "scanner"))
        tf_run_listen_env (&self->dir, actor->spawn, TF_RUN_LISTEN_SCANNER);
    if (self->listen && tf_run_listen_actor_cert (&self->dir, actor->spawn, plan->name, self->err))
        return -1;
    char *log = s_log_path (self, plan->name);
    int rc = tf_spawn_start (actor->spawn, log);
    if (rc == 0)
        s_record_pid (self, actor->spawn);
    else
        fprintf (self->err, "tf: cannot start actor %s (log: %s)\n", plan->name, log);
    zstr_free (&log);
    return rc;
}

//  Built-in programs must exist before anything starts. Returns 0 or -1.
static int
s_check_programs (tf_supervisor_t *self)
{
    int rc = 0;
    char *coordinator = zsys_sprintf ("%s/%s", self->bin_dir, TF_SUPERVISOR_COORDINATOR);
    if (access (coordinator, X_OK)) {
        fprintf (self->err, "tf: %s is missing (is the project built?)\n", coordinator);
        rc = -1;
    }
    zstr_free (&coordinator);
    for (size_t index = 0; index < self->actor_count; index++) {
        const tf_plan_actor_t *plan = &self->actors[index].plan;
        if (!plan->program)
            continue;
        char *program = zsys_sprintf ("%s/%s", self->bin_dir, plan->program);
        if (access (program, X_OK)) {
            fprintf (self->out,
                     "tf: actor %s (%s) needs %s, which is missing: this build does not "
                     "provide it\n",
                     plan->name, plan->role, program);
            rc = -1;
        }
        zstr_free (&program);
    }
    return rc;
}


//  ---------------------------------------------------------------------------
//  Watching processes

static bool
s_abnormal (tf_spawn_t *spawn)
{
    int code = tf_spawn_exit_code (spawn);
    return tf_spawn_term_signal (spawn) != 0 || (code != 0 && code != -1);
}

//  An actor's process ended: say so on the progress line when it failed, and tell
//  the coordinator at once unless tf stopped it (the coordinator decides whether
//  the run still needed it)
static void
s_on_actor_ended (tf_supervisor_t *self, s_actor_t *actor)
{
    char error[TF_SUPERVISOR_ERROR_SIZE] = "";
    if (tf_spawn_term_signal (actor->spawn) || tf_spawn_exit_code (actor->spawn) != 0)
        tf_progress_line (
            self->progress, "actor %s %s%s%s%s", actor->plan.name, tf_spawn_describe (actor->spawn),
            actor->stopped_by_us ? " (stopped by tf)" : "",
            !actor->stopped_by_us && tf_spawn_last_error (actor->spawn, error, sizeof error) ? ": "
                                                                                             : "",
            error);
    if (actor->stopped_by_us || !self->coordinator || !tf_spawn_running (self->coordinator))
        return;
    tf_actor_exited_t exited = {.name = (char *) actor->plan.name,
                                .status = (char *) tf_spawn_describe (actor->spawn)};
    if (tf_msg_send (self->service, TF_MSG_actor_exited, &exited))
        zsys_warning ("tf: cannot tell the coordinator actor %s ended: %s", actor->plan.name,
                      tf_msg_last_error ());
}

static void
s_on_coordinator_ended (tf_supervisor_t *self)
{
    self->coordinator_ended_at = zclock_mono ();
    int code = tf_spawn_exit_code (self->coordinator);
    if (code != TF_EXIT_OK && code != TF_EXIT_FAILED && code != TF_EXIT_ERROR)
        tf_progress_line (self->progress, "coordinator %s", tf_spawn_describe (self->coordinator));
}

//  Reap every child that ended (ours, and leftovers handed to us as subreaper)
static void
s_reap (tf_supervisor_t *self)
{
    while (true) {
        int status;
        pid_t pid = waitpid (-1, &status, WNOHANG);
        if (pid <= 0)
            break; //  None ended, or no children at all
        if (self->coordinator && tf_spawn_pid (self->coordinator) == pid
            && tf_spawn_running (self->coordinator)) {
            tf_spawn_set_status (self->coordinator, status);
            s_on_coordinator_ended (self);
            continue;
        }
        for (size_t index = 0; index < self->actor_count; index++) {
            s_actor_t *actor = &self->actors[index];
            if (actor->spawn && tf_spawn_pid (actor->spawn) == pid
                && tf_spawn_running (actor->spawn)) {
                tf_spawn_set_status (actor->spawn, status);
                s_on_actor_ended (self, actor);
                break;
            }
        }
    }
}

static size_t
s_running_count (tf_supervisor_t *self)
{
    size_t count = self->coordinator && tf_spawn_running (self->coordinator) ? 1 : 0;
    for (size_t index = 0; index < self->actor_count; index++)
        if (self->actors[index].spawn && tf_spawn_running (self->actors[index].spawn))
            count++;
    return count;
}

static void
s_signal_actors (tf_supervisor_t *self, int signal_number)
{
    for (size_t index = 0; index < self->actor_count; index++) {
        s_actor_t *actor = &self->actors[index];
        if (actor->spawn && tf_spawn_signal (actor->spawn, signal_number) == 0)
            actor->stopped_by_us = true;
    }
}

static void
s_on_interrupt (tf_supervisor_t *self)
{
    if (s_interrupts <= self->interrupts_handled)
        return;
    self->interrupts_handled = s_interrupts;
    if (self->interrupts_handled == 1 && self->coordinator
        && tf_spawn_running (self->coordinator)) {
        tf_progress_line (self->progress, "interrupted: cleaning up (Ctrl-C again to force)");
        tf_spawn_signal (self->coordinator, SIGTERM);
        return;
    }
    if (!self->forced) {
        tf_progress_line (self->progress, "interrupted%s: killing every process of the run",
                          self->interrupts_handled > 1 ? " again" : "");
        self->forced = true;
        if (self->coordinator)
            tf_spawn_signal (self->coordinator, SIGKILL);
        s_signal_actors (self, SIGKILL);
        self->kill_sent = true;
    }
}

//  Actors outstaying the coordinator: grace period, then SIGTERM, then SIGKILL
static void
s_escalate (tf_supervisor_t *self)
{
    if (!self->coordinator_ended_at || self->kill_sent)
        return;
    int64_t now = zclock_mono ();
    if (!self->term_sent_at && now - self->coordinator_ended_at >= TF_SUPERVISOR_ACTOR_GRACE_MS) {
        if (s_running_count (self) > 0)
            tf_progress_line (self->progress,
                              "%zu actor(s) still running %d ms after the coordinator: SIGTERM",
                              s_running_count (self), TF_SUPERVISOR_ACTOR_GRACE_MS);
        s_signal_actors (self, SIGTERM);
        self->term_sent_at = now;
    }
    else if (self->term_sent_at && now - self->term_sent_at >= TF_SUPERVISOR_TERM_GRACE_MS) {
        if (s_running_count (self) > 0)
            tf_progress_line (self->progress, "%zu actor(s) ignored SIGTERM: SIGKILL",
                              s_running_count (self));
        s_signal_actors (self, SIGKILL);
        self->kill_sent = true;
    }
}

//  Receive whatever the coordinator broadcast
static void
s_read_control (tf_supervisor_t *self)
{
    while (zsock_events (self->control) & ZMQ_POLLIN) {
        tf_msg_t *msg = tf_msg_recv (self->control);
        if (msg)
            tf_progress_message (self->progress, msg);
        tf_msg_destroy (&msg);
    }
}

//  Receive whatever the scanner (or a replay) published that progress shows
static void
s_read_feed (tf_supervisor_t *self)
{
    while (zsock_events (self->feed) & ZMQ_POLLIN) {
        tf_msg_t *msg = tf_msg_recv (self->feed);
        if (msg)
            tf_progress_message (self->progress, msg);
        tf_msg_destroy (&msg);
    }
}

//  Wait for an event (signal, control message, feed record) or the next tick
static void
s_wait (tf_supervisor_t *self, int64_t timeout_ms)
{
    zmq_pollitem_t items[3];
    int count = 0;
    int control_at = -1, feed_at = -1;
    if (self->control) {
        control_at = count;
        items[count++] = (zmq_pollitem_t){zsock_resolve (self->control), 0, ZMQ_POLLIN, 0};
    }
    if (self->feed) {
        feed_at = count;
        items[count++] = (zmq_pollitem_t){zsock_resolve (self->feed), 0, ZMQ_POLLIN, 0};
    }
    items[count++] = (zmq_pollitem_t){NULL, s_signal_pipe[0], ZMQ_POLLIN, 0};
    if (zmq_poll (items, count, (long) timeout_ms) > 0) {
        if (control_at >= 0 && (items[control_at].revents & ZMQ_POLLIN))
            s_read_control (self);
        if (feed_at >= 0 && (items[feed_at].revents & ZMQ_POLLIN))
            s_read_feed (self);
        s_drain_signal_pipe ();
    }
}

//  Our children's pids as the kernel lists them (every thread's children)
static size_t
s_list_children (pid_t *pids, size_t max)
{
    size_t count = 0;
    DIR *tasks = opendir ("/proc/self/task");
    if (!tasks)
        return 0;
    struct dirent *task;
    while ((task = readdir (tasks))) {
        if (task->d_name[0] == '.')
            continue;
        char path[PATH_MAX];
        snprintf (path, sizeof path, "/proc/self/task/%s/children", task->d_name);
        FILE *file = fopen (path, "r");
        if (!file)
            continue;
        int pid;
        while (count < max && fscanf (file, "%d", &pid) == 1)
            pids[count++] = (pid_t) pid;
        fclose (file);
    }
    closedir (tasks);
    return count;
}

//  Stop processes that our children left behind and that came to us
static void
s_sweep_strays (tf_supervisor_t *self)
{
    pid_t strays[TF_SUPERVISOR_MAX_STRAYS];
    size_t count = s_list_children (strays, TF_SUPERVISOR_MAX_STRAYS);
    if (count == 0)
        return;
    for (size_t index = 0; index < count; index++) {
        char path[64], name[64] = "?";
        snprintf (path, sizeof path, "/proc/%d/comm", (int) strays[index]);
        FILE *comm = fopen (path, "r");
        if (comm) {
            if (fgets (name, sizeof name, comm))
                name[strcspn (name, "\n")] = 0;
            fclose (comm);
        }
        tf_progress_line (self->progress, "stopping process %d (%s) left behind by the run",
                          (int) strays[index], name);
        kill (strays[index], SIGTERM);
    }
    int64_t deadline = zclock_mono () + TF_SUPERVISOR_TERM_GRACE_MS;
    while (zclock_mono () < deadline) {
        while (waitpid (-1, NULL, WNOHANG) > 0)
            ;
        if (s_list_children (strays, TF_SUPERVISOR_MAX_STRAYS) == 0)
            return;
        s_wait (self, TF_SUPERVISOR_TICK_MS);
    }
    count = s_list_children (strays, TF_SUPERVISOR_MAX_STRAYS);
    for (size_t index = 0; index < count; index++)
        kill (strays[index], SIGKILL);
    while (waitpid (-1, NULL, 0) > 0 || errno == EINTR)
        ;
}


//  ---------------------------------------------------------------------------
//  Verdict

//  Print the verdict from report.json, and every process that ended badly
static void
s_print_verdict (tf_supervisor_t *self)
{
    FILE *out = self->out;
    char *path = zsys_sprintf ("%s/%s", self->dir.path, TF_RUNDIR_REPORT);
    json_error_t error;
    json_t *report = json_load_file (path, 0, &error);
    if (!report)
        fprintf (out, "no report: %s (%s)\n", path, error.text);
    else {
        const char *verdict = json_string_value (json_object_get (report, "verdict"));
        free (self->verdict);
        self->verdict = verdict ? strdup (verdict) : NULL;
        const char **names = (const char **) zmalloc ((self->actor_count + 1) * sizeof (char *));
        for (size_t actor = 0; actor < self->actor_count; actor++)
            names[actor] = self->actors[actor].plan.name;
        tf_verdict_lines_report (out, report, names, self->actor_count);
        free (names);
        json_decref (report);
    }
    zstr_free (&path);
    if (self->coordinator && tf_spawn_started (self->coordinator)
        && tf_spawn_term_signal (self->coordinator))
        fprintf (out, "  coordinator %s\n", tf_spawn_describe (self->coordinator));
    for (size_t index = 0; index < self->actor_count; index++) {
        s_actor_t *actor = &self->actors[index];
        char last_error[TF_SUPERVISOR_ERROR_SIZE] = "";
        if (actor->spawn && tf_spawn_started (actor->spawn) && s_abnormal (actor->spawn))
            fprintf (out, "  actor %s %s%s%s%s\n", actor->plan.name,
                     tf_spawn_describe (actor->spawn),
                     actor->stopped_by_us ? " (stopped by tf)" : "",
                     !actor->stopped_by_us
                             && tf_spawn_last_error (actor->spawn, last_error, sizeof last_error)
                         ? ": "
                         : "",
                     last_error);
    }
}

//  A coordinator that died (a signal, or a status that is no verdict) wrote no
//  report: rebuild it from the bus recording, so the run still says what it saw
static void
s_salvage_report (tf_supervisor_t *self)
{
    if (!self->coordinator || !tf_spawn_started (self->coordinator))
        return;
    int code = tf_spawn_exit_code (self->coordinator);
    bool verdict = !tf_spawn_term_signal (self->coordinator)
                   && (code == TF_EXIT_OK || code == TF_EXIT_FAILED || code == TF_EXIT_ERROR);
    char *path = zsys_sprintf ("%s/%s", self->dir.path, TF_RUNDIR_REPORT);
    bool written = access (path, F_OK) == 0;
    zstr_free (&path);
    if (verdict || written)
        return;
    char *reason = zsys_sprintf ("coordinator %s", tf_spawn_describe (self->coordinator));
    if (tf_report_salvage (self->plan, self->dir.id, self->dir.path, reason))
        fprintf (self->err, "tf: could not rebuild report.json from the bus recording\n");
    zstr_free (&reason);
}

//  Keep the run directory, or remove it after a pass. A kept compose stack
//  mounts its config from the run directory and is described by its compose
//  file there: both stay, and tf says how to inspect and remove the stack
static void
s_dispose_run_dir (tf_supervisor_t *self, int exit_code)
{
    const char *preserve = getenv ("COMPOSE_RUNNER_PRESERVE");
    bool preserved =
        self->plan && self->plan->runner && streq (self->plan->runner, "compose") && preserve
        && (streq (preserve, "1") || streq (preserve, "true") || streq (preserve, "yes"));
    if (preserved) {
        char *project = zsys_sprintf ("tf-%s", self->dir.id); //  As the runner names it
        for (char *cursor = project; *cursor; cursor++)
            *cursor = (char) tolower ((unsigned char) *cursor);
        fprintf (self->out,
                 "compose stack kept (COMPOSE_RUNNER_PRESERVE): inspect it with\n"
                 "  docker ps -a --filter label=tf.run=%s\n"
                 "  docker-compose -p %s -f %s/compose/docker-compose.yml ps\n"
                 "remove it with\n"
                 "  tf clean --run-id %s\n",
                 self->dir.id, project, self->dir.path, self->dir.id);
        zstr_free (&project);
    }
    tf_run_dir_dispose (&self->dir, exit_code, self->keep_run_dir,
                        preserved ? "COMPOSE_RUNNER_PRESERVE" : NULL, self->out, self->err);
}

//  Exit code of the run: the coordinator's verdict, or an infrastructure error
static int
s_exit_code (tf_supervisor_t *self)
{
    if (!self->coordinator || !tf_spawn_started (self->coordinator))
        return TF_EXIT_ERROR;
    int code = tf_spawn_exit_code (self->coordinator);
    if (code == TF_EXIT_OK || code == TF_EXIT_FAILED || code == TF_EXIT_ERROR)
        return (self->start_failed && code == TF_EXIT_OK) ? TF_EXIT_ERROR : code;
    return TF_EXIT_ERROR;
}


//  ---------------------------------------------------------------------------
//  Run

int
tf_supervisor_run (tf_supervisor_t *self, FILE *out)
{
    assert (self && out);
    self->out = out;
    if (s_check_programs (self))
        return TF_EXIT_ERROR;
    int rc = tf_run_dir_make (&self->dir, self->run_dir_requested, out, self->err);
    if (rc)
        return rc;
    fprintf (out, "tf: run %s of scenario '%s' (runner %s, %zu actors)\nrun directory: %s\n",
             self->dir.id, self->plan->name, self->plan->runner, self->actor_count, self->dir.path);
    fflush (out);
    if (!(self->pids = tf_run_dir_fill (&self->dir, self->plan, self->err))) {
        fprintf (out, "run directory kept: %s\n", self->dir.path);
        return TF_EXIT_ERROR;
    }
    if ((rc = tf_run_listen_start (&self->dir, self->listen, self->allow, out, self->err)))
        return rc;
    if (s_install_signals ()) {
        fprintf (out, "tf: cannot set up signal handling: %s\n", strerror (errno));
        return TF_EXIT_ERROR;
    }
    //  Processes our children leave behind come back to us, so none survives
    prctl (PR_SET_CHILD_SUBREAPER, 1);
    self->progress = tf_progress_new (out, tf_progress_live_default ());
    self->control = zsock_new (ZMQ_SUB);
    self->feed = zsock_new (ZMQ_SUB);
    self->service = zsock_new (ZMQ_DEALER);
    assert (self->control && self->feed && self->service);
    zsock_set_linger (self->control, 0);
    zsock_set_rcvhwm (self->control, 0);
    zsock_set_subscribe (self->control, "run.");
    zsock_set_subscribe (self->control, "workload.");
    zsock_set_linger (self->feed, 0);
    zsock_set_subscribe (self->feed, "feed.tip");
    zsock_set_subscribe (self->feed, "feed.stats");
    zsock_set_linger (self->service, 0);
    zsock_set_sndtimeo (self->service, 0); //  Never block: the coordinator may be gone
    if (self->listen
        && tf_run_listen_clients (&self->dir, self->control, self->feed, self->service, self->err))
        return TF_EXIT_ERROR;
    zsock_connect (self->control, "%s", self->dir.control_ep); //  Retried until it binds
    zsock_connect (self->feed, "%s", self->dir.feed_ep);       //  A run without a feed never binds
    zsock_connect (self->service, "%s", self->dir.service_ep);

    if (s_start_coordinator (self))
        self->start_failed = true;
    for (size_t index = 0; index < self->actor_count && !self->start_failed; index++)
        if (s_start_actor (self, &self->actors[index]))
            self->start_failed = true;
    if (self->start_failed && self->coordinator && tf_spawn_running (self->coordinator)) {
        tf_progress_line (self->progress, "a process could not start: aborting the run");
        tf_spawn_signal (self->coordinator, SIGTERM);
    }

    while (s_running_count (self) > 0) {
        s_wait (self, TF_SUPERVISOR_TICK_MS);
        s_reap (self);
        s_on_interrupt (self);
        s_escalate (self);
        tf_progress_tick (self->progress);
    }
    s_read_control (self); //  Last broadcasts, e.g. the abort
    s_read_feed (self);
    s_sweep_strays (self);
    tf_progress_end (self->progress);
    fclose (self->pids);
    self->pids = NULL;
    s_salvage_report (self);
    s_print_verdict (self);
    rc = s_exit_code (self);
    s_dispose_run_dir (self, rc);
    fflush (out);
    return rc;
}


//  ---------------------------------------------------------------------------
//  After the run

const char *
tf_supervisor_verdict (tf_supervisor_t *self)
{
    assert (self);
    return self->verdict;
}

const char *
tf_supervisor_run_dir (tf_supervisor_t *self)
{
    assert (self);
    return self->dir.id ? self->dir.path : NULL; //  run_id: the directory was made
}

bool
tf_supervisor_run_dir_removed (tf_supervisor_t *self)
{
    assert (self);
    return self->dir.removed;
}
