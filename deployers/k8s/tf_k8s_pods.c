//  tf_k8s_pods.c - a k8s run's node pods (see tf_k8s_pods.h)

#include <czmq.h>
#include <jansson.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include "tf_k8s_kubectl.h"
#include "tf_k8s_manifests.h"
#include "tf_k8s_pods.h"
#include "tf_rundir.h"

#define S_DIR_MODE 0755

//  One node
typedef struct {
    char name[TF_K8S_NAME_MAX + 1]; //  "validator-0", its Deployment and Service
    const char *role;               //  "validator" | "executor" (static)
    uint32_t index;                 //  Within its role
    uint16_t http_port;             //  Loopback port forwarded to its API
    uint16_t testing_port;          //  ... and to its testing API
    char *log_path;                 //  RUN_DIR/nodes/<name>/node.log
    pid_t forward;                  //  The kubectl port-forward child, or 0
} s_node_t;

struct _tf_k8s_pods_t {
    const char *namespace_name; //  Not owned
    char *run_dir;              //  The run's directory
    void *cancel;               //  For tf_deployer_cancelled
    s_node_t *nodes;            //  count of them
    size_t count;
    pid_t prometheus; //  The port-forward to the run's Prometheus, or 0
};

//  Take count loopback ports from the kernel (all bound at once, then closed)
static int
s_free_ports (uint16_t *ports, size_t count)
{
    int *fds = (int *) zmalloc ((count + 1) * sizeof (int));
    int rc = 0;
    size_t opened = 0;
    for (; opened < count && rc == 0; opened++) {
        struct sockaddr_in address = {.sin_family = AF_INET};
        address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
        socklen_t size = sizeof address;
        fds[opened] = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fds[opened] < 0 || bind (fds[opened], (struct sockaddr *) &address, sizeof address)
            || getsockname (fds[opened], (struct sockaddr *) &address, &size))
            rc = -1;
        else
            ports[opened] = ntohs (address.sin_port);
    }
    for (size_t index = 0; index < opened; index++)
        if (fds[index] >= 0)
            close (fds[index]);
    free (fds);
    return rc;
}

tf_k8s_pods_t *
tf_k8s_pods_new (const tf_plan_t *plan, const char *namespace_name, const char *run_dir,
                 void *cancel, char **error_p)
{
    assert (plan && namespace_name && run_dir && error_p);
    tf_k8s_pods_t *self = (tf_k8s_pods_t *) zmalloc (sizeof (tf_k8s_pods_t));
    self->namespace_name = namespace_name;
    self->run_dir = strdup (run_dir);
    self->cancel = cancel;
    self->count = plan->validators + plan->executors;
    self->nodes = (s_node_t *) zmalloc ((self->count + 1) * sizeof (s_node_t));
    uint16_t *ports = (uint16_t *) zmalloc ((2 * self->count + 1) * sizeof (uint16_t));
    if (s_free_ports (ports, 2 * self->count)) {
        *error_p = zsys_sprintf ("cannot take loopback ports: %s", strerror (errno));
        free (ports);
        tf_k8s_pods_destroy (&self);
        return NULL;
    }
    for (size_t node = 0; node < self->count; node++) {
        s_node_t *entry = &self->nodes[node];
        entry->role = tf_k8s_manifests_node_name (plan, node, entry->name);
        entry->index = (uint32_t) (node < plan->validators ? node : node - plan->validators);
        entry->http_port = ports[2 * node];
        entry->testing_port = ports[2 * node + 1];
        char *dir = zsys_sprintf ("%s/nodes/%s", run_dir, entry->name);
        zsys_dir_create ("%s", dir);
        entry->log_path = zsys_sprintf ("%s/" TF_RUNDIR_NODE_LOG, dir);
        zstr_free (&dir);
    }
    free (ports);
    return self;
}

void
tf_k8s_pods_destroy (tf_k8s_pods_t **self_p)
{
    assert (self_p);
    tf_k8s_pods_t *self = *self_p;
    if (!self)
        return;
    tf_k8s_pods_forward_stop_all (self);
    for (size_t node = 0; node < self->count; node++)
        zstr_free (&self->nodes[node].log_path);
    free (self->nodes);
    zstr_free (&self->run_dir);
    free (self);
    *self_p = NULL;
}

size_t
tf_k8s_pods_count (tf_k8s_pods_t *self)
{
    return self->count;
}

const char *
tf_k8s_pods_name (tf_k8s_pods_t *self, size_t node)
{
    assert (node < self->count);
    return self->nodes[node].name;
}

const char *
tf_k8s_pods_role (tf_k8s_pods_t *self, size_t node)
{
    assert (node < self->count);
    return self->nodes[node].role;
}

uint32_t
tf_k8s_pods_index (tf_k8s_pods_t *self, size_t node)
{
    assert (node < self->count);
    return self->nodes[node].index;
}

uint16_t
tf_k8s_pods_http_port (tf_k8s_pods_t *self, size_t node)
{
    assert (node < self->count);
    return self->nodes[node].http_port;
}

uint16_t
tf_k8s_pods_testing_port (tf_k8s_pods_t *self, size_t node)
{
    assert (node < self->count);
    return self->nodes[node].testing_port;
}

const char *
tf_k8s_pods_log_path (tf_k8s_pods_t *self, size_t node)
{
    assert (node < self->count);
    return self->nodes[node].log_path;
}


//  ---------------------------------------------------------------------------
//  Readiness

//  A string member of object, or fallback
static const char *
s_text (json_t *object, const char *key, const char *fallback)
{
    const char *text = json_string_value (json_object_get (object, key));
    return text ? text : fallback;
}

//  Position of the node a pod belongs to (its tf.node label), or -1
static ssize_t
s_pod_node (tf_k8s_pods_t *self, json_t *pod)
{
    const char *name = json_string_value (json_object_get (
        json_object_get (json_object_get (pod, "metadata"), "labels"), TF_K8S_LABEL_NODE));
    for (size_t node = 0; name && node < self->count; node++)
        if (streq (self->nodes[node].name, name))
            return (ssize_t) node;
    return -1;
}

//  Is the pod Ready and not on its way out?
static bool
s_pod_ready (json_t *pod)
{
    if (json_object_get (json_object_get (pod, "metadata"), "deletionTimestamp"))
        return false;
    json_t *conditions = json_object_get (json_object_get (pod, "status"), "conditions");
    size_t index;
    json_t *condition;
    json_array_foreach (conditions, index, condition)
    {
        if (streq (s_text (condition, "type", ""), "Ready"))
            return streq (s_text (condition, "status", ""), "True");
    }
    return false;
}

//  The last events of a pod, "; event: reason: message" each, appended to text
static void
s_pod_events (tf_k8s_pods_t *self, const char *pod, FILE *text)
{
    char *selector = zsys_sprintf ("involvedObject.name=%s", pod);
    tf_compose_result_t result;
    if (tf_k8s_kubectl (self->cancel, TF_K8S_QUICK_MS, self->namespace_name, &result, "get",
                        "events", "--field-selector", selector, "--sort-by=.lastTimestamp", "-o",
                        "json", NULL)
        == 0) {
        json_t *root = json_loads (result.output, 0, NULL);
        json_t *items = json_object_get (root, "items");
        size_t count = json_array_size (items);
        for (size_t index = count > TF_K8S_PODS_EVENTS ? count - TF_K8S_PODS_EVENTS : 0;
             index < count; index++) {
            json_t *event = json_array_get (items, index);
            fprintf (text, "; event: %s: %s", s_text (event, "reason", "?"),
                     s_text (event, "message", ""));
        }
        json_decref (root);
    }
    tf_compose_result_clear (&result);
    zstr_free (&selector);
}

//  One node's line of the diagnosis: its pod's phase, reason, last events
static void
s_diagnose (tf_k8s_pods_t *self, size_t node, json_t *pod, FILE *text)
{
    fprintf (text, "\n  %s: ", self->nodes[node].name);
    if (!pod) {
        fprintf (text, "no pod (is the Deployment there? kubectl -n %s describe deployment %s)",
                 self->namespace_name, self->nodes[node].name);
        return;
    }
    json_t *status = json_object_get (pod, "status");
    const char *pod_name = s_text (json_object_get (pod, "metadata"), "name", "?");
    fprintf (text, "pod %s phase %s", pod_name, s_text (status, "phase", "unknown"));
    if (json_object_get (status, "reason"))
        fprintf (text, " (%s)", s_text (status, "reason", ""));
    json_t *container = json_array_get (json_object_get (status, "containerStatuses"), 0);
    json_t *state = json_object_get (container, "state");
    const char *kinds[] = {"waiting", "terminated"};
    for (int kind = 0; kind < 2; kind++) {
        json_t *detail = json_object_get (state, kinds[kind]);
        if (detail)
            fprintf (text, ", container %s: %s%s%s", kinds[kind], s_text (detail, "reason", ""),
                     json_object_get (detail, "message") ? ": " : "",
                     s_text (detail, "message", ""));
    }
    s_pod_events (self, pod_name, text);
}

int
tf_k8s_pods_wait_ready (tf_k8s_pods_t *self, size_t node, int64_t timeout_ms, char **error_p)
{
    assert (self && error_p);
    int64_t deadline = zclock_mono () + timeout_ms;
    json_t **pods = (json_t **) zmalloc ((self->count + 1) * sizeof (json_t *));
    json_t *root = NULL;
    int rc = -1;
    while (true) {
        tf_compose_result_t result;
        json_decref (root);
        root = NULL;
        memset (pods, 0, self->count * sizeof (json_t *));
        if (tf_k8s_kubectl (self->cancel, TF_K8S_QUICK_MS, self->namespace_name, &result, "get",
                            "pods", "-l", TF_K8S_LABEL_NODE, "-o", "json", NULL)
            == 0)
            root = json_loads (result.output, 0, NULL);
        else
            zsys_warning ("k8s: get pods failed: %s", tf_compose_result_reason (&result));
        tf_compose_result_clear (&result);
        //  Per node the pod to judge: a ready one, else any not being deleted
        size_t index;
        json_t *pod;
        json_array_foreach (json_object_get (root, "items"), index, pod)
        {
            ssize_t owner = s_pod_node (self, pod);
            if (owner >= 0 && (!pods[owner] || s_pod_ready (pod)))
                pods[owner] = pod;
        }
        size_t waiting = 0;
        for (size_t each = 0; each < self->count; each++)
            if ((node == TF_K8S_ALL_NODES || node == each)
                && !(pods[each] && s_pod_ready (pods[each])))
                waiting++;
        if (waiting == 0) {
            rc = 0;
            break;
        }
        if (zclock_mono () >= deadline || tf_deployer_cancelled (self->cancel)) {
            char *text = NULL;
            size_t size = 0;
            FILE *out = open_memstream (&text, &size);
            assert (out);
            fprintf (out, "%zu node pod%s not ready after %" PRId64 " ms (namespace %s):", waiting,
                     waiting == 1 ? "" : "s", timeout_ms, self->namespace_name);
            for (size_t each = 0; each < self->count; each++)
                if ((node == TF_K8S_ALL_NODES || node == each)
                    && !(pods[each] && s_pod_ready (pods[each])))
                    s_diagnose (self, each, pods[each], out);
            fclose (out);
            *error_p = text;
            break;
        }
        tf_deployer_wait (self->cancel, TF_K8S_PODS_POLL_MS);
    }
    json_decref (root);
    free (pods);
    return rc;
}


//  ---------------------------------------------------------------------------
//  Port-forwards

//  Does 127.0.0.1:port accept a connection?
static bool
s_accepts (uint16_t port)
{
    int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons (port)};
    address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
    bool ok = fd >= 0 && connect (fd, (struct sockaddr *) &address, sizeof address) == 0;
    if (fd >= 0)
        close (fd);
    return ok;
}

//  Stop a forward child (SIGTERM, SIGKILL after a grace) and reap it
static void
s_stop_child (pid_t *pid_p)
{
    if (!*pid_p)
        return;
    kill (*pid_p, SIGTERM);
    int64_t deadline = zclock_mono () + TF_K8S_FORWARD_STOP_MS;
    while (waitpid (*pid_p, NULL, WNOHANG) == 0) {
        if (zclock_mono () >= deadline) {
            kill (*pid_p, SIGKILL);
            waitpid (*pid_p, NULL, 0);
            break;
        }
        zclock_sleep (20);
    }
    *pid_p = 0;
}

//  Is a forward child still running? Reaps it and zeroes *pid_p when not.
static bool
s_child_alive (pid_t *pid_p)
{
    if (*pid_p && waitpid (*pid_p, NULL, WNOHANG) != 0)
        *pid_p = 0;
    return *pid_p != 0;
}

//  Start `kubectl port-forward svc/<service> LOCAL:REMOTE ...` (count pairs)
//  into *pid_p and wait until every local port accepts. 0, or -1 with *error_p.
static int
s_forward (tf_k8s_pods_t *self, const char *service, const uint16_t *local, const int *remote,
           int count, pid_t *pid_p, char **error_p)
{
    assert (count >= 1 && count <= 2);
    s_stop_child (pid_p);
    char *log_path = zsys_sprintf ("%s/k8s/forward-%s.log", self->run_dir, service);
    char *target = zsys_sprintf ("svc/%s", service);
    char *pairs[2] = {NULL, NULL};
    for (int pair = 0; pair < count; pair++)
        pairs[pair] = zsys_sprintf ("%u:%d", local[pair], remote[pair]);
    const char *context = getenv (TF_K8S_CONTEXT_ENV);
    char *argv[12];
    int argc = 0;
    argv[argc++] = (char *) TF_K8S_KUBECTL;
    if (context && *context) {
        argv[argc++] = (char *) "--context";
        argv[argc++] = (char *) context;
    }
    argv[argc++] = (char *) "-n";
    argv[argc++] = (char *) self->namespace_name;
    argv[argc++] = (char *) "port-forward";
    argv[argc++] = (char *) "--address";
    argv[argc++] = (char *) "127.0.0.1";
    argv[argc++] = target;
    for (int pair = 0; pair < count; pair++)
        argv[argc++] = pairs[pair];
    argv[argc] = NULL;
    pid_t parent = getpid ();
    pid_t pid = fork ();
    if (pid == 0) {
        //  Never outlives us, even after SIGKILL
        if (prctl (PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid () != parent)
            _exit (127);
        int fd = open (log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        int null = open ("/dev/null", O_RDONLY);
        if (fd >= 0 && null >= 0) {
            dup2 (null, STDIN_FILENO);
            dup2 (fd, STDOUT_FILENO);
            dup2 (fd, STDERR_FILENO);
        }
        execvp (argv[0], argv);
        _exit (127);
    }
    int rc = -1;
    if (pid < 0)
        *error_p = zsys_sprintf ("cannot start kubectl port-forward: %s", strerror (errno));
    else {
        *pid_p = pid;
        int64_t deadline = zclock_mono () + TF_K8S_FORWARD_MS;
        while (rc != 0 && zclock_mono () < deadline && !tf_deployer_cancelled (self->cancel)
               && s_child_alive (pid_p)) {
            bool accepting = true;
            for (int pair = 0; pair < count; pair++)
                accepting = accepting && s_accepts (local[pair]);
            if (accepting)
                rc = 0;
            else
                tf_deployer_wait (self->cancel, TF_DEPLOYER_CANCEL_MS);
        }
        if (rc)
            *error_p = zsys_sprintf ("kubectl port-forward %s %s%s%s %s (see %s)", target, pairs[0],
                                     count > 1 ? " " : "", count > 1 ? pairs[1] : "",
                                     *pid_p ? "does not accept in time" : "exited", log_path);
    }
    if (rc == 0)
        zsys_info ("k8s: forward %s %s%s%s pid=%d", target, pairs[0], count > 1 ? " " : "",
                   count > 1 ? pairs[1] : "", (int) *pid_p);
    zstr_free (&log_path);
    zstr_free (&target);
    zstr_free (&pairs[0]);
    zstr_free (&pairs[1]);
    return rc;
}

int
tf_k8s_pods_forward (tf_k8s_pods_t *self, size_t node, char **error_p)
{
    assert (self && node < self->count && error_p);
    s_node_t *entry = &self->nodes[node];
    const uint16_t local[2] = {entry->http_port, entry->testing_port};
    const int remote[2] = {TF_K8S_HTTP_PORT, TF_K8S_TESTING_PORT};
    return s_forward (self, entry->name, local, remote, 2, &entry->forward, error_p);
}

int
tf_k8s_pods_forward_prometheus (tf_k8s_pods_t *self, uint16_t *port_p, char **error_p)
{
    assert (self && port_p && error_p);
    uint16_t local = 0;
    if (s_free_ports (&local, 1)) {
        *error_p = zsys_sprintf ("cannot take a loopback port: %s", strerror (errno));
        return -1;
    }
    const int remote = TF_K8S_PROMETHEUS_PORT;
    int rc =
        s_forward (self, TF_K8S_PROMETHEUS_NAME, &local, &remote, 1, &self->prometheus, error_p);
    if (rc == 0)
        *port_p = local;
    return rc;
}

void
tf_k8s_pods_forward_stop (tf_k8s_pods_t *self, size_t node)
{
    assert (self && node < self->count);
    s_stop_child (&self->nodes[node].forward);
}

void
tf_k8s_pods_forward_stop_all (tf_k8s_pods_t *self)
{
    assert (self);
    for (size_t node = 0; node < self->count; node++)
        tf_k8s_pods_forward_stop (self, node);
    s_stop_child (&self->prometheus);
}

bool
tf_k8s_pods_forward_alive (tf_k8s_pods_t *self, size_t node)
{
    assert (self && node < self->count);
    return s_child_alive (&self->nodes[node].forward);
}


//  ---------------------------------------------------------------------------
//  Logs

int
tf_k8s_pods_collect_log (tf_k8s_pods_t *self, size_t node)
{
    assert (self && node < self->count);
    s_node_t *entry = &self->nodes[node];
    int fd = open (entry->log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) {
        zsys_warning ("k8s: cannot open %s: %s", entry->log_path, strerror (errno));
        return -1;
    }
    char *selector = zsys_sprintf (TF_K8S_LABEL_NODE "=%s", entry->name);
    tf_compose_result_t result;
    //  No cancel: logs are taken on the way out too
    int rc = tf_k8s_kubectl_to_fd (NULL, TF_K8S_COMMAND_MS, self->namespace_name, fd, &result,
                                   "logs", "-l", selector, "--tail=-1", "--prefix", NULL);
    if (rc)
        zsys_warning ("k8s: cannot collect the log of %s (see %s): %s", entry->name,
                      entry->log_path, tf_compose_result_reason (&result));
    tf_compose_result_clear (&result);
    close (fd);
    zstr_free (&selector);
    return rc;
}
