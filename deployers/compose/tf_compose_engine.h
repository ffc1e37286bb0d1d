//  tf_compose_engine.h - running the Docker engine's command-line tools
//
//  The compose runner talks to the engine only through its own clients:
//  `docker` (and `docker-compose`, or the `docker compose` plugin), run as
//  child processes with a deadline. DOCKER_HOST and the rest of the
//  environment pass through, so the runner uses whichever engine the user's
//  `docker` would. Every call is bounded: past its deadline, or once cancel
//  says so (tf_deployer_cancelled), the child is killed and the call fails.

#ifndef TF_COMPOSE_ENGINE_H_INCLUDED
#define TF_COMPOSE_ENGINE_H_INCLUDED

#include <stdbool.h>
#include <stdint.h>

#define TF_COMPOSE_ENGINE_INFO_MS    10000   //  `docker info` must answer within this
#define TF_COMPOSE_ENGINE_COMMAND_MS 60000   //  Longest any one docker command may take
#define TF_COMPOSE_ENGINE_QUICK_MS   15000   //  Commands that touch one container
#define TF_COMPOSE_ENGINE_OUTPUT_MAX 1048576 //  Bytes of stdout kept (the rest is dropped)
#define TF_COMPOSE_ENGINE_MAX_ARGS   64      //  Words of one command
#define TF_COMPOSE_ENGINE_DOCKER     "docker"
#define TF_COMPOSE_ENGINE_COMPOSE    "docker-compose"

//  What one command did
typedef struct {
    int status;   //  Exit status, or -1 when it did not run to its end
    char *output; //  Its stdout, trailing whitespace trimmed (owned)
    char *error;  //  Its stderr trimmed, or why it did not run (owned)
} tf_compose_result_t;

//  Run argv (argv[0] looked up in PATH; NULL-terminated) with stdin on
//  /dev/null. When out_fd >= 0 the child's stdout and stderr both go to it
//  (nothing is captured). cancel is a tf_deployer_cancelled argument or NULL.
//  Fills result (free it with tf_compose_result_clear); returns 0 when the
//  command exited with status 0, else -1.
int tf_compose_exec (char *const argv[], int out_fd, int64_t timeout_ms, void *cancel,
                     tf_compose_result_t *result);

//  Free what result holds and zero it. Safe on a zeroed result.
void tf_compose_result_clear (tf_compose_result_t *result);

//  The one-line reason a failed command gives: its stderr, else its stdout,
//  else "exit status N". Borrowed from result.
const char *tf_compose_result_reason (const tf_compose_result_t *result);

//  Run `docker ARGS...` (NULL-terminated word list); as tf_compose_exec.
int tf_compose_docker (void *cancel, int64_t timeout_ms, tf_compose_result_t *result, ...);

//  Does the engine answer (`docker info` within TF_COMPOSE_ENGINE_INFO_MS)?
//  0, or -1 with *error_p (caller frees) saying what to start.
int tf_compose_engine_check (void *cancel, char **error_p);

//  The compose command to use: "docker-compose" when it is on PATH, else
//  "docker compose" (the v2 plugin) when that answers; NULL when neither does.
//  Writes the words into words (at most 2) and returns their count, or 0.
int tf_compose_engine_compose (const char *words[2]);

#endif
