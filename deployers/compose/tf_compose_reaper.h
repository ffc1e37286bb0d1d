//  tf_compose_reaper.h - removes a run's containers when the run is gone
//
//  In the manner of Testcontainers' Ryuk: a small process in a session of its
//  own (so signals to the run's process group miss it) holding the read end
//  of a pipe whose write end only the deployer has. When the deployer ends
//  its run cleanly it says "done" and the reaper exits; when the pipe reaches
//  end of file without that word (the deployer was killed, even with
//  SIGKILL) it removes every container, network and volume labelled with the
//  run (tf.run=<id>) and exits. It ignores SIGTERM, SIGINT and SIGHUP; its
//  output goes to a log file in the run directory.

#ifndef TF_COMPOSE_REAPER_H_INCLUDED
#define TF_COMPOSE_REAPER_H_INCLUDED

#include <sys/types.h>

#define TF_COMPOSE_REAPER_WAIT_MS 5000 //  Longest wait for it to exit after "done"

typedef struct _tf_compose_reaper_t tf_compose_reaper_t;

//  Start a reaper for the run (label value run_id: letters, digits, '-'),
//  logging to log_path. NULL (after logging why) when it cannot start.
tf_compose_reaper_t *tf_compose_reaper_new (const char *run_id, const char *log_path);

//  Tell the reaper the run cleaned up after itself, wait for it to exit, and
//  nullify the reference. Safe on NULL.
void tf_compose_reaper_destroy (tf_compose_reaper_t **self_p);

//  Let the reaper go without that word, and nullify the reference: it
//  removes everything labelled with the run now (cleanup failed). Does not
//  wait. Safe on NULL.
void tf_compose_reaper_detach (tf_compose_reaper_t **self_p);

//  The reaper's pid (for tests and logs).
pid_t tf_compose_reaper_pid (tf_compose_reaper_t *self);

#endif
