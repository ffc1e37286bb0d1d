//  tf_compose_reaper.c - the run's reaper process (see tf_compose_reaper.h)
//
//  The reaper is /bin/sh running a short script, started with posix_spawn
//  (POSIX_SPAWN_SETSID) with the pipe on its stdin: `read` returns at end of
//  file, and what it read says whether the run ended cleanly.

#define _GNU_SOURCE //  pipe2, POSIX_SPAWN_SETSID
#include <czmq.h>
#include <spawn.h>
#include "tf_compose_reaper.h"

extern char **environ;

#define S_DONE_WORD "done"
#define S_REAP_MS   20

struct _tf_compose_reaper_t {
    pid_t pid;     //  The reaper
    int write_end; //  Our end of its pipe
};

//  The script: wait for the word or end of file, then remove by label
static const char s_script[] =
    "trap '' TERM INT HUP PIPE\n"
    "read -r word\n"
    "[ \"$word\" = " S_DONE_WORD " ] && exit 0\n"
    "label=\"tf.run=$1\"\n"
    "echo \"reaper: run $1 ended without cleanup; removing what is labelled $label\"\n"
    "ids=$(docker ps -aq --filter \"label=$label\")\n"
    "[ -n \"$ids\" ] && docker rm -f $ids\n"
    "ids=$(docker network ls -q --filter \"label=$label\")\n"
    "[ -n \"$ids\" ] && docker network rm $ids\n"
    "ids=$(docker volume ls -q --filter \"label=$label\")\n"
    "[ -n \"$ids\" ] && docker volume rm $ids\n"
    "echo \"reaper: done\"\n";

tf_compose_reaper_t *
tf_compose_reaper_new (const char *run_id, const char *log_path)
{
    assert (run_id && log_path);
    for (const char *cursor = run_id; *cursor; cursor++)
        assert (isalnum ((unsigned char) *cursor) || *cursor == '-'); //  The runtime checked it
    int ends[2];
    if (pipe2 (ends, O_CLOEXEC)) {
        zsys_error ("compose: cannot make the reaper's pipe: %s", strerror (errno));
        return NULL;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init (&actions);
    posix_spawn_file_actions_adddup2 (&actions, ends[0], STDIN_FILENO);
    posix_spawn_file_actions_addopen (&actions, STDOUT_FILENO, log_path,
                                      O_WRONLY | O_CREAT | O_APPEND, 0600);
    posix_spawn_file_actions_adddup2 (&actions, STDOUT_FILENO, STDERR_FILENO);
    posix_spawnattr_t attr;
    posix_spawnattr_init (&attr);
    posix_spawnattr_setflags (&attr, POSIX_SPAWN_SETSID);
    char *argv[] = {(char *) "/bin/sh",           (char *) "-c",   (char *) s_script,
                    (char *) "tf-compose-reaper", (char *) run_id, NULL};
    pid_t pid = 0;
    int rc = posix_spawn (&pid, argv[0], &actions, &attr, argv, environ);
    posix_spawn_file_actions_destroy (&actions);
    posix_spawnattr_destroy (&attr);
    close (ends[0]);
    if (rc) {
        zsys_error ("compose: cannot start the reaper: %s", strerror (rc));
        close (ends[1]);
        return NULL;
    }
    tf_compose_reaper_t *self = (tf_compose_reaper_t *) zmalloc (sizeof (tf_compose_reaper_t));
    self->pid = pid;
    self->write_end = ends[1];
    zsys_info ("compose: reaper started pid=%d run=%s", (int) pid, run_id);
    return self;
}

void
tf_compose_reaper_destroy (tf_compose_reaper_t **self_p)
{
    assert (self_p);
    tf_compose_reaper_t *self = *self_p;
    if (!self)
        return;
    const char word[] = S_DONE_WORD "\n";
    if (write (self->write_end, word, sizeof word - 1) < 0)
        zsys_warning ("compose: cannot tell the reaper: %s", strerror (errno));
    close (self->write_end);
    int64_t deadline = zclock_mono () + TF_COMPOSE_REAPER_WAIT_MS;
    while (waitpid (self->pid, NULL, WNOHANG) == 0 && zclock_mono () < deadline)
        zclock_sleep (S_REAP_MS);
    free (self);
    *self_p = NULL;
}

void
tf_compose_reaper_detach (tf_compose_reaper_t **self_p)
{
    assert (self_p);
    tf_compose_reaper_t *self = *self_p;
    if (!self)
        return;
    close (self->write_end); //  End of file without "done": it removes what is labelled
    zsys_notice ("compose: reaper pid=%d removes what is left", (int) self->pid);
    free (self);
    *self_p = NULL;
}

pid_t
tf_compose_reaper_pid (tf_compose_reaper_t *self)
{
    assert (self);
    return self->pid;
}
