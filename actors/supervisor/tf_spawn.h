//  tf_spawn.h - one child process of a run: started safely, watched, stopped
//
//  The supervisor starts every process of a run through this class. Each child
//  runs in its own process group (a terminal Ctrl-C reaches only tf), gets
//  PR_SET_PDEATHSIG SIGTERM (so no child outlives a SIGKILLed tf), has stdin on
//  /dev/null and stdout+stderr appended to its log file. Signals go to the
//  child's process group, and only while the child has not been reaped, so a
//  recycled pid is never hit.

#ifndef TF_SPAWN_H_INCLUDED
#define TF_SPAWN_H_INCLUDED

#include <czmq.h>
#include <stdbool.h>
#include <sys/types.h>

#define TF_SPAWN_MAX_ARGS   64        //  Arguments of one program
#define TF_SPAWN_MAX_ENV    32        //  Variables added to the environment
#define TF_SPAWN_SHELL      "/bin/sh" //  Runs custom actors' commands
#define TF_SPAWN_TAIL_BYTES 16384     //  Of a log, read for its last error

typedef struct _tf_spawn_t tf_spawn_t;

//  Create a child description named name (used in messages). Nothing runs yet.
tf_spawn_t *tf_spawn_new (const char *name);

//  Destroy the description and nullify the reference. Safe on NULL. Does not
//  signal the process: the supervisor stops its children explicitly.
void tf_spawn_destroy (tf_spawn_t **self_p);

//  Append one argument; the first is the program (a path).
void tf_spawn_arg (tf_spawn_t *self, const char *arg);

//  Run a shell command instead of a program (/bin/sh -c). A single simple
//  command is run with `exec`, so the actor itself is the child and gets the
//  parent-death signal; compound commands keep the shell in between.
void tf_spawn_shell (tf_spawn_t *self, const char *command);

//  Add or replace an environment variable of the child.
void tf_spawn_setenv (tf_spawn_t *self, const char *key, const char *value);

//  Start the child with its output appended to log_path (created 0600).
//  Returns 0, or -1 (after logging why) when the log cannot be opened, the
//  fork fails, or the program cannot be executed.
int tf_spawn_start (tf_spawn_t *self, const char *log_path);

//  Take the exit status of this child, collected by the caller's waitpid
//  (the supervisor reaps every child with waitpid (-1, ...) as subreaper).
void tf_spawn_set_status (tf_spawn_t *self, int status);

//  Send a signal to the child's process group; a no-op once reaped.
//  Returns 0, or -1 when not running.
int tf_spawn_signal (tf_spawn_t *self, int signal_number);

//  Queries. exit_code is -1 while running or when killed by a signal;
//  term_signal is 0 unless a signal ended it.
const char *tf_spawn_name (tf_spawn_t *self);
pid_t tf_spawn_pid (tf_spawn_t *self);
bool tf_spawn_started (tf_spawn_t *self);
bool tf_spawn_running (tf_spawn_t *self);
int tf_spawn_exit_code (tf_spawn_t *self);
int tf_spawn_term_signal (tf_spawn_t *self);

//  How the child ended, e.g. "exited with status 3" or "killed by signal 9
//  (Killed)"; borrowed, valid until the next call.
const char *tf_spawn_describe (tf_spawn_t *self);

//  The last error its log holds (a line CZMQ's zsys_error wrote, "E: ...",
//  the "E: (program) date time " prefix cut), into text; false when its log
//  has none in its last TF_SPAWN_TAIL_BYTES or cannot be read.
bool tf_spawn_last_error (tf_spawn_t *self, char *text, size_t size);

//  True when command is one simple command that `exec` can replace the shell
//  with: no operators, redirections, subshells or leading assignments.
bool tf_spawn_shell_is_simple (const char *command);

#endif
