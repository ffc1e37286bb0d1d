//  tf_compose_prometheus.c - the run's Prometheus alongside its compose nodes
//  (see tf_compose_prometheus.h)
//
//  The container is started with `docker run -d` once the nodes are ready,
//  not from the compose file: its address and port are fixed the same way,
//  and removal goes by label either way.

#include <czmq.h>
#include <sys/stat.h>
#include "tf_compose_engine.h"
#include "tf_compose_image.h"
#include "tf_compose_prometheus.h"
#include "tf_deployer.h"
#include "tf_prometheus.h"

#define S_DIR_MODE   0700
#define S_LOG_MODE   0600
#define S_CONFIG_IN  "/etc/prometheus/prometheus.yml"
#define S_STATE_SIZE 32

struct _tf_compose_prometheus_t {
    char *container; //  <project>-prometheus
    char *dir;       //  RUN_DIR/prometheus
    char *url;       //  http://127.0.0.1:PORT
    size_t expected; //  Node targets
};

//  The container's state ("running", "exited" ...), its exit code in *code
static void
s_state (tf_compose_prometheus_t *self, void *cancel, char state[S_STATE_SIZE], long *code)
{
    tf_compose_result_t result;
    int rc = tf_compose_docker (cancel, TF_COMPOSE_ENGINE_QUICK_MS, &result, "inspect", "--format",
                                "{{.State.Status}} {{.State.ExitCode}}", self->container, NULL);
    state[0] = 0;
    *code = 0;
    if (rc == 0)
        sscanf (result.output, "%31s %ld", state, code);
    else
        snprintf (state, S_STATE_SIZE, "gone");
    tf_compose_result_clear (&result);
}

tf_compose_prometheus_t *
tf_compose_prometheus_start (tf_compose_stack_t *stack, const char *work_dir, int64_t interval_ms,
                             void *cancel, char **error_p)
{
    assert (stack && work_dir && error_p);
    const char *binary = tf_prometheus_binary ();
    if (access (binary, X_OK) != 0) {
        *error_p =
            zsys_sprintf ("the Prometheus binary %s is not executable: %s (install the "
                          "Debian package prometheus, or set %s; or point tf at a running "
                          "server with %s)",
                          binary, strerror (errno), TF_PROMETHEUS_BIN_ENV, TF_PROMETHEUS_URL_ENV);
        return NULL;
    }
    uint16_t port = 0;
    if (tf_prometheus_port (&port, error_p))
        return NULL;
    char *binaries[] = {(char *) binary, NULL};
    char *image = NULL;
    bool built = false;
    if (tf_compose_image_build (TF_COMPOSE_PROMETHEUS_REPO, binaries, work_dir, cancel, &image,
                                &built, error_p))
        return NULL;
    zsys_info ("compose: prometheus image=%s (%s)", image, built ? "built now" : "reused");
    tf_compose_prometheus_t *self =
        (tf_compose_prometheus_t *) zmalloc (sizeof (tf_compose_prometheus_t));
    self->container =
        zsys_sprintf ("%s-%s", tf_compose_stack_project (stack), TF_COMPOSE_PROMETHEUS_SERVICE);
    self->dir = zsys_sprintf ("%s/%s", tf_compose_stack_run_dir (stack), TF_COMPOSE_PROMETHEUS_DIR);
    self->url = zsys_sprintf ("http://127.0.0.1:%u", port);
    size_t count = tf_compose_stack_count (stack);
    self->expected = count;
    tf_prometheus_target_t *targets =
        (tf_prometheus_target_t *) zmalloc ((count + 1) * sizeof (tf_prometheus_target_t));
    char **urls = (char **) zmalloc ((count + 1) * sizeof (char *));
    for (size_t node = 0; node < count; node++) {
        urls[node] = zsys_sprintf ("http://%s:%u", tf_compose_stack_address (stack, node),
                                   TF_COMPOSE_STACK_HTTP_PORT);
        targets[node] = (tf_prometheus_target_t){tf_compose_stack_name (stack, node), urls[node]};
    }
    char *config = zsys_sprintf ("%s/prometheus.yml", self->dir);
    int rc = mkdir (self->dir, S_DIR_MODE) == 0 || errno == EEXIST ? 0 : -1;
    if (rc)
        *error_p = zsys_sprintf ("cannot make %s: %s", self->dir, strerror (errno));
    else
        rc = tf_prometheus_write_config (config, targets, count, interval_ms, error_p);
    //  The server in the container reads it as whatever user the image runs
    if (rc == 0)
        chmod (config, 0644);
    for (size_t node = 0; node < count; node++)
        zstr_free (&urls[node]);
    free (urls);
    free (targets);
    if (rc == 0) {
        char *run_label =
            zsys_sprintf ("%s=%s", TF_COMPOSE_STACK_LABEL_RUN, tf_compose_stack_run_id (stack));
        char *dir_label =
            zsys_sprintf ("%s=%s", TF_COMPOSE_STACK_LABEL_DIR, tf_compose_stack_run_dir (stack));
        char *service_label =
            zsys_sprintf ("%s=%s", TF_COMPOSE_STACK_LABEL_SERVICE, TF_COMPOSE_PROMETHEUS_SERVICE);
        char *publish = zsys_sprintf ("127.0.0.1:%u:%u", port, TF_COMPOSE_PROMETHEUS_PORT);
        char *mount = zsys_sprintf ("%s:%s:ro", config, S_CONFIG_IN);
        char *in_image = zsys_sprintf ("%s/prometheus", TF_COMPOSE_IMAGE_BIN_DIR);
        char *listen = zsys_sprintf ("--web.listen-address=0.0.0.0:%u", TF_COMPOSE_PROMETHEUS_PORT);
        tf_compose_result_t result;
        rc = tf_compose_docker (
            cancel, TF_COMPOSE_ENGINE_COMMAND_MS, &result, "run", "-d", "--name", self->container,
            "--label", run_label, "--label", dir_label, "--label", service_label, "--network",
            tf_compose_stack_network_name (stack), "--ip",
            tf_compose_stack_prometheus_address (stack), "-p", publish, "-v", mount, image,
            in_image, "--config.file=" S_CONFIG_IN,
            "--storage.tsdb.path=" TF_COMPOSE_IMAGE_DATA "/prometheus", listen, NULL);
        if (rc) {
            const char *reason = tf_compose_result_reason (&result);
            if (strstr (reason, "address already in use") || strstr (reason, "port is already"))
                *error_p = zsys_sprintf ("Prometheus cannot be published on 127.0.0.1:%u: %s (set "
                                         "%s to another port, 0 for any free one)",
                                         port, reason, TF_PROMETHEUS_PORT_ENV);
            else
                *error_p = zsys_sprintf ("cannot start the Prometheus container %s: %s",
                                         self->container, reason);
        }
        tf_compose_result_clear (&result);
        zstr_free (&run_label);
        zstr_free (&dir_label);
        zstr_free (&service_label);
        zstr_free (&publish);
        zstr_free (&mount);
        zstr_free (&in_image);
        zstr_free (&listen);
    }
    zstr_free (&config);
    zstr_free (&image);
    if (rc) {
        tf_compose_prometheus_destroy (&self);
        return NULL;
    }
    zsys_info ("compose: prometheus started container=%s url=%s targets=%zu interval=%" PRId64 "ms",
               self->container, self->url, count, interval_ms);
    return self;
}

//  What the wait asks between polls: the container and the run's cancel
typedef struct {
    tf_compose_prometheus_t *self;
    void *cancel;
} s_watch_t;

//  The container ended (or is gone): why, its log collected; else NULL
static char *
s_alive (void *arg)
{
    s_watch_t *watch = (s_watch_t *) arg;
    char state[S_STATE_SIZE];
    long code = 0;
    s_state (watch->self, watch->cancel, state, &code);
    if (streq (state, "running") || streq (state, "created"))
        return NULL;
    tf_compose_prometheus_collect_log (watch->self);
    return zsys_sprintf ("the Prometheus container %s is %s (exit code %ld) before its targets "
                         "were up; its log: %s/prometheus.log",
                         watch->self->container, state, code, watch->self->dir);
}

int
tf_compose_prometheus_wait_up (tf_compose_prometheus_t *self, int64_t timeout_ms, void *cancel,
                               char **error_p)
{
    assert (self && error_p);
    s_watch_t watch = {self, cancel};
    int rc = tf_prometheus_wait_targets (self->url, self->expected, timeout_ms, cancel, s_alive,
                                         &watch, error_p);
    if (rc == 0)
        zsys_info ("compose: prometheus sees every node target up url=%s targets=%zu", self->url,
                   self->expected);
    return rc;
}

const char *
tf_compose_prometheus_url (const tf_compose_prometheus_t *self)
{
    assert (self);
    return self->url;
}

int
tf_compose_prometheus_collect_log (tf_compose_prometheus_t *self)
{
    assert (self);
    char *path = zsys_sprintf ("%s/prometheus.log", self->dir);
    int rc = -1;
    int fd = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, S_LOG_MODE);
    if (fd >= 0) {
        char *argv[] = {(char *) TF_COMPOSE_ENGINE_DOCKER, (char *) "logs", self->container, NULL};
        tf_compose_result_t result;
        rc = tf_compose_exec (argv, fd, TF_COMPOSE_ENGINE_COMMAND_MS, NULL, &result);
        tf_compose_result_clear (&result);
        close (fd);
    }
    if (rc)
        zsys_warning ("compose: cannot copy the log of %s into %s", self->container, path);
    zstr_free (&path);
    return rc;
}

void
tf_compose_prometheus_destroy (tf_compose_prometheus_t **self_p)
{
    assert (self_p);
    tf_compose_prometheus_t *self = *self_p;
    if (!self)
        return;
    zstr_free (&self->container);
    zstr_free (&self->dir);
    zstr_free (&self->url);
    free (self);
    *self_p = NULL;
}
