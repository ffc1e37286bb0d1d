//  tf_prometheus.c - a Prometheus server for a run (see tf_prometheus.h)
//
//  fork/exec as tf_local_nodes does: the child sets its parent-death signal
//  between the two, and only calls async-signal-safe functions there.

#include <arpa/inet.h>
#include <czmq.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "tf_api_client.h"
#include "tf_deployer.h"
#include "tf_prometheus.h"

#define S_LOG_MODE  0600
#define S_DIR_MODE  0700
#define S_REAP_MS   20
#define S_TEXT_SIZE 160 //  One target's last observation
#define S_EXEC_FAIL 127
#define S_ARGS      8
#define S_LOG_TAIL  600 //  Bytes of the log quoted when the process ends

struct _tf_prometheus_t {
    pid_t pid;       //  Running process, or 0
    char *dir;       //  Its directory
    char *log_path;  //  DIR/prometheus.log
    char *url;       //  http://127.0.0.1:PORT
    size_t expected; //  Node targets
    int exit_status; //  Once reaped
};

const char *
tf_prometheus_binary (void)
{
    const char *binary = getenv (TF_PROMETHEUS_BIN_ENV);
    return binary && *binary ? binary : TF_PROMETHEUS_DEFAULT_BIN;
}

int64_t
tf_prometheus_interval_ms (int64_t slot_ms)
{
    return slot_ms > TF_PROMETHEUS_MIN_SCRAPE ? slot_ms : TF_PROMETHEUS_MIN_SCRAPE;
}

//  "127.0.0.1:18080" from "http://127.0.0.1:18080/..." (caller frees)
static char *
s_authority (const char *url)
{
    const char *host = strstr (url, "://");
    host = host ? host + 3 : url;
    return strndup (host, strcspn (host, "/"));
}

int
tf_prometheus_write_config (const char *path, const tf_prometheus_target_t *targets, size_t count,
                            int64_t interval_ms, char **error_p)
{
    FILE *file = fopen (path, "w");
    if (!file) {
        *error_p = zsys_sprintf ("cannot write %s: %s", path, strerror (errno));
        return -1;
    }
    fprintf (file,
             "# Written by tf for this run: every node's /metrics\n"
             "global:\n"
             "  scrape_interval: %" PRId64 "ms\n"
             "  scrape_timeout: %" PRId64 "ms\n"
             "  evaluation_interval: %" PRId64 "ms\n"
             "scrape_configs:\n"
             "  - job_name: tf-nodes\n"
             "    metrics_path: /metrics\n"
             "    static_configs:\n",
             interval_ms, interval_ms, interval_ms);
    for (size_t index = 0; index < count; index++) {
        char *authority = s_authority (targets[index].api_url);
        fprintf (file, "      - targets: [\"%s\"]\n        labels: {node: \"%s\"}\n", authority,
                 targets[index].name);
        free (authority);
    }
    int rc = fclose (file);
    if (rc) {
        *error_p = zsys_sprintf ("cannot write %s: %s", path, strerror (errno));
        return -1;
    }
    return 0;
}

//  The port to listen on: TEST_FRAMEWORK_PROMETHEUS_PORT, 9090, or a free
//  one for 0; checked free by binding it. 0, or -1 with *error_p.
int
tf_prometheus_port (uint16_t *port_p, char **error_p)
{
    const char *text = getenv (TF_PROMETHEUS_PORT_ENV);
    long port = TF_PROMETHEUS_DEFAULT_PORT;
    if (text && *text) {
        char *end;
        port = strtol (text, &end, 10);
        if (*end || port < 0 || port > 65535) {
            *error_p = zsys_sprintf ("%s=%s: expected a port number (0: any free port)",
                                     TF_PROMETHEUS_PORT_ENV, text);
            return -1;
        }
    }
    int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons ((uint16_t) port)};
    address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (fd < 0 || bind (fd, (struct sockaddr *) &address, sizeof address)
        || getsockname (fd, (struct sockaddr *) &address, &length)) {
        int error = errno;
        if (fd >= 0)
            close (fd);
        *error_p = zsys_sprintf ("Prometheus cannot listen on 127.0.0.1:%ld: %s (set %s to "
                                 "another port, 0 for any free one)",
                                 port, strerror (error), TF_PROMETHEUS_PORT_ENV);
        return -1;
    }
    *port_p = ntohs (address.sin_port);
    close (fd);
    return 0;
}

//  Start the binary with argv; the child's pid, or -1
static pid_t
s_spawn (char *const argv[], const char *dir, const char *log_path)
{
    int log_fd = open (log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, S_LOG_MODE);
    if (log_fd < 0)
        return -1;
    sigset_t all, previous;
    sigfillset (&all);
    pthread_sigmask (SIG_SETMASK, &all, &previous);
    pid_t parent = getpid ();
    pid_t pid = fork ();
    if (pid == 0) {
        if (prctl (PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid () != parent)
            _exit (S_EXEC_FAIL);
        setpgid (0, 0);
        signal (SIGINT, SIG_DFL);
        signal (SIGTERM, SIG_DFL);
        signal (SIGPIPE, SIG_DFL);
        sigset_t none;
        sigemptyset (&none);
        sigprocmask (SIG_SETMASK, &none, NULL);
        int null_fd = open ("/dev/null", O_RDONLY);
        if (null_fd < 0 || dup2 (null_fd, STDIN_FILENO) < 0 || dup2 (log_fd, STDOUT_FILENO) < 0
            || dup2 (log_fd, STDERR_FILENO) < 0 || chdir (dir) != 0)
            _exit (S_EXEC_FAIL);
        execv (argv[0], argv);
        static const char failed[] = "tf: cannot execute the prometheus binary\n";
        ssize_t ignored = write (STDERR_FILENO, failed, sizeof failed - 1);
        (void) ignored;
        _exit (S_EXEC_FAIL);
    }
    pthread_sigmask (SIG_SETMASK, &previous, NULL);
    if (pid > 0)
        setpgid (pid, pid);
    close (log_fd);
    return pid;
}

tf_prometheus_t *
tf_prometheus_start (const char *dir, const tf_prometheus_target_t *targets, size_t count,
                     int64_t interval_ms, char **error_p)
{
    assert (dir && error_p);
    const char *binary = tf_prometheus_binary ();
    if (access (binary, X_OK) != 0) {
        *error_p =
            zsys_sprintf ("the Prometheus binary %s is not executable: %s (install the "
                          "Debian package prometheus, or set %s; or point tf at a running "
                          "server with %s)",
                          binary, strerror (errno), TF_PROMETHEUS_BIN_ENV, TF_PROMETHEUS_URL_ENV);
        return NULL;
    }
    if (mkdir (dir, S_DIR_MODE) && errno != EEXIST) {
        *error_p = zsys_sprintf ("cannot make %s: %s", dir, strerror (errno));
        return NULL;
    }
    char *config = zsys_sprintf ("%s/prometheus.yml", dir);
    if (tf_prometheus_write_config (config, targets, count, interval_ms, error_p)) {
        free (config);
        return NULL;
    }
    uint16_t port = 0;
    if (tf_prometheus_port (&port, error_p)) {
        free (config);
        return NULL;
    }
    tf_prometheus_t *self = (tf_prometheus_t *) zmalloc (sizeof (tf_prometheus_t));
    self->dir = strdup (dir);
    self->log_path = zsys_sprintf ("%s/prometheus.log", dir);
    self->url = zsys_sprintf ("http://127.0.0.1:%u", port);
    self->expected = count;
    char *config_arg = zsys_sprintf ("--config.file=%s", config);
    char *data_arg = zsys_sprintf ("--storage.tsdb.path=%s/data", dir);
    char *listen_arg = zsys_sprintf ("--web.listen-address=127.0.0.1:%u", port);
    char *argv[S_ARGS] = {(char *) binary, config_arg, data_arg, listen_arg, NULL};
    self->pid = s_spawn (argv, dir, self->log_path);
    free (config_arg);
    free (data_arg);
    free (listen_arg);
    free (config);
    if (self->pid < 0) {
        *error_p = zsys_sprintf ("cannot start %s: %s", binary, strerror (errno));
        self->pid = 0;
        tf_prometheus_destroy (&self);
        return NULL;
    }
    zsys_info ("deployer: prometheus started pid=%d url=%s targets=%zu interval=%" PRId64 "ms",
               (int) self->pid, self->url, count, interval_ms);
    return self;
}

//  Reap the process if it ended; true once it is gone
static bool
s_reap (tf_prometheus_t *self)
{
    if (self->pid <= 0)
        return true;
    int status = 0;
    if (waitpid (self->pid, &status, WNOHANG) != self->pid)
        return false;
    self->exit_status = status;
    self->pid = 0;
    return true;
}

//  The end of the log, for an error (caller frees)
static char *
s_log_tail (const tf_prometheus_t *self)
{
    char buffer[S_LOG_TAIL + 1] = "";
    FILE *file = fopen (self->log_path, "r");
    if (file) {
        fseek (file, 0, SEEK_END);
        long size = ftell (file);
        fseek (file, size > S_LOG_TAIL ? size - S_LOG_TAIL : 0, SEEK_SET);
        size_t got = fread (buffer, 1, S_LOG_TAIL, file);
        buffer[got] = 0;
        fclose (file);
    }
    return strdup (buffer);
}

size_t
tf_prometheus_count_up (const char *answer, char *text, size_t size)
{
    json_t *root = json_loads (answer, 0, NULL);
    json_t *active = json_object_get (json_object_get (root, "data"), "activeTargets");
    size_t up = 0, index;
    json_t *target;
    text[0] = 0;
    json_array_foreach (active, index, target)
    {
        const char *health = json_string_value (json_object_get (target, "health"));
        if (health && streq (health, "up"))
            up++;
        else {
            const char *node =
                json_string_value (json_object_get (json_object_get (target, "labels"), "node"));
            const char *error = json_string_value (json_object_get (target, "lastError"));
            size_t used = strlen (text);
            snprintf (text + used, size - used, "%s%s: %s%s%s", used ? "; " : "", node ? node : "?",
                      health ? health : "?", error && *error ? ", " : "", error ? error : "");
        }
    }
    json_decref (root);
    return up;
}

//  Our own server ended: why (caller frees), else NULL
static char *
s_own_alive (void *arg)
{
    tf_prometheus_t *self = (tf_prometheus_t *) arg;
    if (!s_reap (self))
        return NULL;
    char *tail = s_log_tail (self);
    char *why = zsys_sprintf ("Prometheus ended before its targets were up (wait status %d; "
                              "log %s):\n%s",
                              self->exit_status, self->log_path, tail);
    free (tail);
    return why;
}

int
tf_prometheus_wait_up (tf_prometheus_t *self, int64_t timeout_ms, void *cancel, char **error_p)
{
    assert (self && error_p);
    return tf_prometheus_wait_targets (self->url, self->expected, timeout_ms, cancel, s_own_alive,
                                       self, error_p);
}

int
tf_prometheus_wait_targets (const char *url, size_t expected, int64_t timeout_ms, void *cancel,
                            tf_prometheus_alive_fn *alive, void *arg, char **error_p)
{
    assert (url && error_p);
    tf_api_client_t *client = tf_api_client_new (url);
    if (!client) {
        *error_p = strdup ("cannot make an HTTP client for Prometheus");
        return -1;
    }
    int64_t deadline = zclock_mono () + timeout_ms;
    char last[S_TEXT_SIZE * 4] = "no answer yet";
    int rc = -1;
    while (true) {
        char *ended = alive ? alive (arg) : NULL;
        if (ended) {
            *error_p = ended;
            break;
        }
        long status = 0;
        char *answer = NULL;
        if (tf_api_client_request (client, "/api/v1/targets?state=active", NULL, &status, &answer)
                == 0
            && status == 200) {
            size_t up = tf_prometheus_count_up (answer, last, sizeof last);
            if (up >= expected) {
                free (answer);
                rc = 0;
                break;
            }
        }
        free (answer);
        if (zclock_mono () >= deadline) {
            *error_p = zsys_sprintf ("timed out waiting for Prometheus at %s to see every node "
                                     "target up: %s",
                                     url, last[0] ? last : "no target listed");
            break;
        }
        if (cancel ? tf_deployer_wait (cancel, TF_PROMETHEUS_POLL_MS)
                   : (zclock_sleep (TF_PROMETHEUS_POLL_MS), false)) {
            *error_p = strdup ("cancelled");
            break;
        }
    }
    tf_api_client_destroy (&client);
    if (rc == 0)
        zsys_info ("deployer: prometheus sees every node target up url=%s targets=%zu", url,
                   expected);
    return rc;
}

const char *
tf_prometheus_url (const tf_prometheus_t *self)
{
    assert (self);
    return self->url;
}

int
tf_prometheus_pid (const tf_prometheus_t *self)
{
    assert (self);
    return (int) self->pid;
}

//  Signal, then wait up to grace_ms for the end (SIGKILL after it)
static void
s_stop (tf_prometheus_t *self, int signal_number, int64_t grace_ms)
{
    if (s_reap (self))
        return;
    kill (-self->pid, signal_number);
    int64_t deadline = zclock_mono () + grace_ms;
    while (!s_reap (self) && zclock_mono () < deadline)
        zclock_sleep (S_REAP_MS);
    if (self->pid > 0) {
        kill (-self->pid, SIGKILL);
        int status = 0;
        waitpid (self->pid, &status, 0);
        self->pid = 0;
    }
}

static void
s_free (tf_prometheus_t **self_p)
{
    tf_prometheus_t *self = *self_p;
    free (self->dir);
    free (self->log_path);
    free (self->url);
    free (self);
    *self_p = NULL;
}

void
tf_prometheus_destroy (tf_prometheus_t **self_p)
{
    assert (self_p);
    if (!*self_p)
        return;
    s_stop (*self_p, SIGTERM, TF_PROMETHEUS_STOP_MS);
    zsys_info ("deployer: prometheus stopped");
    s_free (self_p);
}

void
tf_prometheus_kill (tf_prometheus_t **self_p)
{
    assert (self_p);
    if (!*self_p)
        return;
    s_stop (*self_p, SIGKILL, TF_PROMETHEUS_STOP_MS);
    s_free (self_p);
}
