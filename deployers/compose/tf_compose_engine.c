//  tf_compose_engine.c - running docker commands with a deadline (see
//  tf_compose_engine.h)
//
//  posix_spawnp, because the deployer is threaded (CZMQ) and nothing has to
//  happen in the child between fork and exec. Two pipes carry the child's
//  stdout and stderr; one poll loop drains both so a chatty child never
//  blocks on a full pipe, and wakes at least every TF_DEPLOYER_CANCEL_MS to
//  ask the cancel flag and the deadline.

#define _GNU_SOURCE //  pipe2, POSIX_SPAWN_SETSID
#include <czmq.h>
#include <poll.h>
#include <spawn.h>
#include "tf_compose_engine.h"
#include "tf_deployer.h"

extern char **environ;

#define S_READ_CHUNK 4096 //  Bytes read per poll wake-up
#define S_REAP_MS    20   //  Poll period while a killed child ends

//  Append size bytes to a growing buffer (kept NUL-terminated), up to the cap
static void
s_append (char **buffer, size_t *length, const char *data, size_t size)
{
    if (*length + size > TF_COMPOSE_ENGINE_OUTPUT_MAX)
        size = TF_COMPOSE_ENGINE_OUTPUT_MAX - *length;
    char *longer = (char *) realloc (*buffer, *length + size + 1);
    assert (longer);
    memcpy (longer + *length, data, size);
    *length += size;
    longer[*length] = 0;
    *buffer = longer;
}

//  Drop trailing whitespace
static void
s_trim (char *text)
{
    size_t length = text ? strlen (text) : 0;
    while (length > 0 && isspace ((unsigned char) text[length - 1]))
        text[--length] = 0;
}

//  Read what is there on fd into buffer; false at end of file or error
static bool
s_drain (int fd, char **buffer, size_t *length)
{
    char chunk[S_READ_CHUNK];
    ssize_t size = read (fd, chunk, sizeof chunk);
    if (size < 0 && (errno == EINTR || errno == EAGAIN))
        return true;
    if (size <= 0)
        return false;
    s_append (buffer, length, chunk, (size_t) size);
    return true;
}

int
tf_compose_exec (char *const argv[], int out_fd, int64_t timeout_ms, void *cancel,
                 tf_compose_result_t *result)
{
    assert (argv && argv[0] && result);
    memset (result, 0, sizeof *result);
    result->status = -1;
    int out_pipe[2] = {-1, -1}, err_pipe[2] = {-1, -1};
    if (out_fd < 0 && (pipe2 (out_pipe, O_CLOEXEC) || pipe2 (err_pipe, O_CLOEXEC))) {
        result->error = zsys_sprintf ("cannot make a pipe: %s", strerror (errno));
        goto closed;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init (&actions);
    posix_spawn_file_actions_addopen (&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2 (&actions, out_fd >= 0 ? out_fd : out_pipe[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2 (&actions, out_fd >= 0 ? out_fd : err_pipe[1], STDERR_FILENO);
    pid_t pid = 0;
    int spawn_rc = posix_spawnp (&pid, argv[0], &actions, NULL, argv, environ);
    posix_spawn_file_actions_destroy (&actions);
    if (out_fd < 0) {
        close (out_pipe[1]);
        close (err_pipe[1]);
        out_pipe[1] = err_pipe[1] = -1;
    }
    if (spawn_rc != 0) {
        result->error = zsys_sprintf ("cannot run %s: %s", argv[0], strerror (spawn_rc));
        goto closed;
    }
    size_t out_length = 0, err_length = 0;
    result->output = strdup ("");
    result->error = strdup ("");
    bool out_open = out_fd < 0, err_open = out_fd < 0;
    int64_t deadline = zclock_mono () + timeout_ms;
    const char *stopped = NULL;
    int status = 0;
    bool reaped = false;
    while (!reaped) {
        if (zclock_mono () >= deadline)
            stopped = "timed out";
        else if (cancel && tf_deployer_cancelled (cancel))
            stopped = "cancelled";
        if (stopped)
            break;
        if (out_open || err_open) {
            struct pollfd fds[2] = {{.fd = out_open ? out_pipe[0] : -1, .events = POLLIN},
                                    {.fd = err_open ? err_pipe[0] : -1, .events = POLLIN}};
            if (poll (fds, 2, TF_DEPLOYER_CANCEL_MS) > 0) {
                if (out_open && fds[0].revents)
                    out_open = s_drain (out_pipe[0], &result->output, &out_length);
                if (err_open && fds[1].revents)
                    err_open = s_drain (err_pipe[0], &result->error, &err_length);
            }
            continue;
        }
        pid_t ended = waitpid (pid, &status, WNOHANG);
        if (ended == pid)
            reaped = true;
        else if (ended < 0 && errno != EINTR)
            break;
        else
            zclock_sleep (S_REAP_MS);
    }
    if (!reaped) {
        kill (pid, SIGKILL);
        while (waitpid (pid, &status, 0) < 0 && errno == EINTR)
            ;
        char *why = zsys_sprintf ("%s %s after %" PRId64 " ms", argv[0],
                                  stopped ? stopped : "could not be waited for", timeout_ms);
        zstr_free (&result->error);
        result->error = why;
    }
    else
        result->status = WIFEXITED (status) ? WEXITSTATUS (status) : -1;
    s_trim (result->output);
    s_trim (result->error);
closed:
    for (int end = 0; end < 2; end++) {
        if (out_pipe[end] >= 0)
            close (out_pipe[end]);
        if (err_pipe[end] >= 0)
            close (err_pipe[end]);
    }
    if (!result->output)
        result->output = strdup ("");
    return result->status == 0 ? 0 : -1;
}

void
tf_compose_result_clear (tf_compose_result_t *result)
{
    assert (result);
    free (result->output);
    free (result->error);
    memset (result, 0, sizeof *result);
}

const char *
tf_compose_result_reason (const tf_compose_result_t *result)
{
    static __thread char text[64];
    if (result->error && *result->error)
        return result->error;
    if (result->output && *result->output)
        return result->output;
    snprintf (text, sizeof text, "exit status %d", result->status);
    return text;
}

int
tf_compose_docker (void *cancel, int64_t timeout_ms, tf_compose_result_t *result, ...)
{
    char *argv[TF_COMPOSE_ENGINE_MAX_ARGS + 1];
    int count = 0;
    argv[count++] = (char *) TF_COMPOSE_ENGINE_DOCKER;
    va_list args;
    va_start (args, result);
    const char *word;
    while ((word = va_arg (args, const char *)) != NULL && count < TF_COMPOSE_ENGINE_MAX_ARGS)
        argv[count++] = (char *) word;
    va_end (args);
    argv[count] = NULL;
    return tf_compose_exec (argv, -1, timeout_ms, cancel, result);
}

int
tf_compose_engine_check (void *cancel, char **error_p)
{
    tf_compose_result_t result;
    int rc = tf_compose_docker (cancel, TF_COMPOSE_ENGINE_INFO_MS, &result, "info", "--format",
                                "{{.ServerVersion}}", NULL);
    if (rc == 0 && *result.output == 0)
        rc = -1;
    if (rc) {
        const char *host = getenv ("DOCKER_HOST");
        *error_p = zsys_sprintf (
            "the Docker engine does not answer (docker info, DOCKER_HOST=%s): %s; start it "
            "(systemctl start docker, or dockerd &), or point DOCKER_HOST at one",
            host && *host ? host : "unset", tf_compose_result_reason (&result));
    }
    else
        zsys_info ("compose: engine answers version=%s", result.output);
    tf_compose_result_clear (&result);
    return rc;
}

//  Is program an executable file in a directory of PATH?
static bool
s_on_path (const char *program)
{
    const char *path = getenv ("PATH");
    char *copy = strdup (path && *path ? path : "/usr/local/bin:/usr/bin:/bin");
    bool found = false;
    char *saveptr = NULL;
    for (char *dir = strtok_r (copy, ":", &saveptr); dir && !found;
         dir = strtok_r (NULL, ":", &saveptr)) {
        char *candidate = zsys_sprintf ("%s/%s", dir, program);
        found = access (candidate, X_OK) == 0;
        zstr_free (&candidate);
    }
    free (copy);
    return found;
}

int
tf_compose_engine_compose (const char *words[2])
{
    //  Looked up rather than run: docker-compose 1.29 takes a second to start
    if (s_on_path (TF_COMPOSE_ENGINE_COMPOSE)) {
        words[0] = TF_COMPOSE_ENGINE_COMPOSE;
        return 1;
    }
    tf_compose_result_t result;
    int rc =
        tf_compose_docker (NULL, TF_COMPOSE_ENGINE_QUICK_MS, &result, "compose", "version", NULL);
    tf_compose_result_clear (&result);
    if (rc)
        return 0;
    words[0] = TF_COMPOSE_ENGINE_DOCKER;
    words[1] = "compose";
    return 2;
}
