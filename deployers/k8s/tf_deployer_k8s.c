//  tf_deployer_k8s.c - the k8s runner behind the deployer seam (see
//  tf_deployer_k8s.h)
//
//  Inside the cluster every node uses the same ports (TF_K8S_*_PORT) and
//  reaches its peers by their Service names; from here each node's APIs are
//  on two loopback ports, through its kubectl port-forward.

#include "tf_deployer_k8s.h"
#include "tf_k8s_control.h"
#include "tf_k8s_kubectl.h"
#include "tf_k8s_manifests.h"
#include "tf_k8s_pods.h"
#include "tf_node_spec.h"
#include "tf_prometheus.h"

//  The backend's state
typedef struct {
    const tf_deployer_env_t *env; //  The run, not owned
    bool preserve;                //  K8S_RUNNER_PRESERVE: keep the namespace
    const char *pull_policy;      //  Static
    char *namespace_name;         //  tf-<run id> or K8S_RUNNER_NAMESPACE
    char *k8s_dir;                //  RUN_DIR/k8s
    bool applied;                 //  kubectl apply ran: the namespace may exist
    bool foreign;                 //  The namespace existed before: only our objects go
    bool cleaned;                 //  It is gone (or kept on purpose)
    bool logs_taken;              //  The logs op ran
    tf_k8s_pods_t *pods;          //  Once deployed
    tf_k8s_control_t *control;    //  Node control over them
} s_k8s_t;

//  Is a variable set to something true ("1", "true", "yes")?
static bool
s_env_true (const char *name)
{
    const char *value = getenv (name);
    return value && (streq (value, "1") || streq (value, "true") || streq (value, "yes"));
}

static void *
s_create (const tf_deployer_env_t *env, char **error_p)
{
    if (!env->profile) {
        *error_p = zsys_sprintf ("unknown node profile '%s'", env->plan->node_profile);
        return NULL;
    }
    if (!env->run_dir) {
        *error_p = strdup ("no run directory (--run-dir or TF_RUN_DIR)");
        return NULL;
    }
    const char *pull_policy = tf_k8s_manifests_pull_policy (error_p);
    if (!pull_policy)
        return NULL;
    char *namespace_name = tf_k8s_manifests_namespace (env->run_id, error_p);
    if (!namespace_name)
        return NULL;
    s_k8s_t *self = (s_k8s_t *) zmalloc (sizeof (s_k8s_t));
    self->env = env;
    self->preserve = s_env_true (TF_DEPLOYER_K8S_PRESERVE_ENV);
    self->pull_policy = pull_policy;
    self->namespace_name = namespace_name;
    self->k8s_dir = zsys_sprintf ("%s/k8s", env->run_dir);
    zsys_info ("deployer: k8s nodes namespace=%s profile=%s preserve=%s", namespace_name,
               env->profile->name, self->preserve ? "yes" : "no");
    return self;
}

//  Print how to inspect and remove a preserved namespace
static void
s_print_preserved (s_k8s_t *self)
{
    zsys_notice ("k8s: %s is set: namespace %s of run %s is kept", TF_DEPLOYER_K8S_PRESERVE_ENV,
                 self->namespace_name, self->env->run_id);
    zsys_notice ("k8s: inspect it: kubectl -n %s get pods,deployments,services,networkpolicies; "
                 "kubectl -n %s logs deployment/validator-0; kubectl kustomize %s",
                 self->namespace_name, self->namespace_name, self->k8s_dir);
    zsys_notice ("k8s: remove it: kubectl delete namespace %s --wait   (or: tf clean --run-id %s)",
                 self->namespace_name, self->env->run_id);
}

//  Delete the namespace and wait for it to go (or say it stays)
static int
s_teardown (s_k8s_t *self, char **error_p)
{
    if (!self->applied || self->cleaned)
        return 0;
    if (self->pods)
        tf_k8s_pods_forward_stop_all (self->pods);
    if (self->preserve) {
        s_print_preserved (self);
        self->cleaned = true;
        return 0;
    }
    tf_compose_result_t result;
    //  No cancel: this is cleanup
    char *selector = zsys_sprintf (TF_K8S_LABEL_RUN "=%s", self->env->run_id);
    int rc =
        self->foreign
            ? tf_k8s_kubectl (NULL, TF_DEPLOYER_K8S_DELETE_MS, self->namespace_name, &result,
                              "delete", "deployments,services,configmaps,networkpolicies", "-l",
                              selector, "--wait", "--ignore-not-found", NULL)
            : tf_k8s_kubectl (NULL, TF_DEPLOYER_K8S_DELETE_MS, NULL, &result, "delete", "namespace",
                              self->namespace_name, "--wait", "--ignore-not-found", NULL);
    zstr_free (&selector);
    if (rc)
        *error_p = zsys_sprintf ("kubectl delete %s %s: %s",
                                 self->foreign ? "the run's objects in namespace" : "namespace",
                                 self->namespace_name, tf_compose_result_reason (&result));
    else
        zsys_info ("k8s: %s %s deleted",
                   self->foreign ? "the run's objects in namespace" : "namespace",
                   self->namespace_name);
    tf_compose_result_clear (&result);
    self->cleaned = rc == 0;
    return rc;
}

//  Every pod's log into its node.log
static int
s_logs (void *ctx, const tf_deployer_node_t *nodes, size_t count)
{
    (void) nodes;
    (void) count;
    s_k8s_t *self = (s_k8s_t *) ctx;
    int rc = 0;
    for (size_t node = 0; self->pods && self->applied && node < tf_k8s_pods_count (self->pods);
         node++)
        if (!tf_k8s_control_stopped (self->control, node)
            && tf_k8s_pods_collect_log (self->pods, node))
            rc = -1;
    self->logs_taken = true;
    return rc;
}

static void
s_destroy (void **ctx_p)
{
    assert (ctx_p);
    s_k8s_t *self = (s_k8s_t *) *ctx_p;
    if (!self)
        return;
    if (self->applied && !self->cleaned && !self->logs_taken)
        s_logs (self, NULL, 0);
    char *error = NULL;
    if (s_teardown (self, &error))
        zsys_error ("deployer: %s (remove it: kubectl delete namespace %s, or tf clean)", error,
                    self->namespace_name);
    zstr_free (&error);
    tf_k8s_control_destroy (&self->control);
    tf_k8s_pods_destroy (&self->pods);
    zstr_free (&self->namespace_name);
    zstr_free (&self->k8s_dir);
    free (self);
    *ctx_p = NULL;
}


//  ---------------------------------------------------------------------------
//  Deploy

//  The directory of this program (where tf-cfgsync is, for our image's tag).
//  Caller owns it.
static char *
s_program_dir (void)
{
    char path[PATH_MAX];
    ssize_t length = readlink ("/proc/self/exe", path, sizeof path - 1);
    if (length <= 0)
        return strdup (".");
    path[length] = 0;
    char *slash = strrchr (path, '/');
    if (slash)
        *slash = 0;
    return strdup (path);
}

//  The driver's node table: each node's APIs on its forwarded ports
static tf_deployer_node_t *
s_node_table (s_k8s_t *self)
{
    size_t count = tf_k8s_pods_count (self->pods);
    tf_deployer_node_t *table =
        (tf_deployer_node_t *) zmalloc ((count + 1) * sizeof (tf_deployer_node_t));
    for (size_t node = 0; node < count; node++)
        table[node] = tf_deployer_node_at (
            tf_k8s_pods_name (self->pods, node), tf_k8s_pods_role (self->pods, node),
            tf_k8s_pods_index (self->pods, node), TF_NODE_SPEC_HOST,
            tf_k8s_pods_http_port (self->pods, node), tf_k8s_pods_testing_port (self->pods, node),
            tf_k8s_pods_log_path (self->pods, node));
    return table;
}

//  Write the kustomization into RUN_DIR/k8s
static int
s_render (s_k8s_t *self, char **error_p)
{
    const tf_deployer_env_t *env = self->env;
    char *program_dir = s_program_dir ();
    char *image = NULL;
    int rc = tf_k8s_manifests_image (env->profile, program_dir, &image, error_p);
    if (rc == 0) {
        const char *prometheus = getenv (TF_K8S_PROMETHEUS_ENV);
        tf_k8s_render_t render = {
            .plan = env->plan,
            .profile = env->profile,
            .run_id = env->run_id,
            .run_dir = env->run_dir,
            .namespace_exists = self->foreign,
            .namespace_name = self->namespace_name,
            .image = image,
            .pull_policy = self->pull_policy,
            .prometheus_image = prometheus && *prometheus ? prometheus : TF_K8S_PROMETHEUS_IMAGE,
            .chain_start_ms = (int64_t) tf_actor_now_ms () + TF_K8S_START_MARGIN_MS};
        rc = tf_k8s_manifests_write (&render, self->k8s_dir, error_p);
        if (rc == 0)
            zsys_info ("k8s: manifests in %s image=%s pull=%s", self->k8s_dir, image,
                       self->pull_policy);
    }
    zstr_free (&image);
    zstr_free (&program_dir);
    return rc;
}

static int
s_deploy (void *ctx, tf_deployer_node_t **nodes_p, size_t *count_p, char **error_p)
{
    s_k8s_t *self = (s_k8s_t *) ctx;
    const tf_deployer_env_t *env = self->env;
    if (self->pods) {
        *error_p = strdup ("deployed already");
        return -1;
    }
    if (tf_k8s_kubectl_check (env->cancel, error_p))
        return -1;
    //  A namespace that exists (K8S_RUNNER_NAMESPACE=default, say) is used, never deleted
    tf_compose_result_t probe;
    self->foreign = tf_k8s_kubectl (env->cancel, TF_K8S_QUICK_MS, NULL, &probe, "get", "namespace",
                                    self->namespace_name, "-o", "name", NULL)
                    == 0;
    tf_compose_result_clear (&probe);
    if (self->foreign)
        zsys_notice ("k8s: namespace %s exists already: the run's objects go in it, and only "
                     "they are deleted at cleanup",
                     self->namespace_name);
    if (s_render (self, error_p))
        return -1;
    self->pods =
        tf_k8s_pods_new (env->plan, self->namespace_name, env->run_dir, env->cancel, error_p);
    if (!self->pods)
        return -1;
    self->control = tf_k8s_control_new (self->pods, self->namespace_name, env->run_id,
                                        self->k8s_dir, env->cancel);
    tf_compose_result_t result;
    self->applied = true; //  From here on the namespace may exist: cleanup deletes it
    int rc = tf_k8s_kubectl (env->cancel, TF_K8S_COMMAND_MS, NULL, &result, "apply", "-k",
                             self->k8s_dir, NULL);
    if (rc)
        *error_p = zsys_sprintf ("kubectl apply -k %s: %s", self->k8s_dir,
                                 tf_compose_result_reason (&result));
    tf_compose_result_clear (&result);
    if (rc
        || tf_k8s_pods_wait_ready (self->pods, TF_K8S_ALL_NODES, tf_readiness_timeout_ms (),
                                   error_p))
        return -1;
    for (size_t node = 0; node < tf_k8s_pods_count (self->pods); node++)
        if (tf_k8s_pods_forward (self->pods, node, error_p))
            return -1;
    *count_p = tf_k8s_pods_count (self->pods);
    *nodes_p = s_node_table (self);
    return 0;
}


//  ---------------------------------------------------------------------------
//  Running nodes

//  Stopped by node control, else running; a port-forward that died (its pod
//  went away under it) is started again
static tf_deployer_state_t
s_state (void *ctx, size_t node, char text[TF_DEPLOYER_STATE_TEXT])
{
    s_k8s_t *self = (s_k8s_t *) ctx;
    if (tf_k8s_control_stopped (self->control, node)) {
        snprintf (text, TF_DEPLOYER_STATE_TEXT, "stopped (scaled to 0)");
        return TF_DEPLOYER_EXITED;
    }
    if (!tf_k8s_pods_forward_alive (self->pods, node)) {
        char *error = NULL;
        if (tf_k8s_pods_forward (self->pods, node, &error))
            zsys_warning ("k8s: %s", error);
        zstr_free (&error);
    }
    return TF_DEPLOYER_RUNNING;
}

static int
s_control (void *ctx, const tf_deployer_node_t *nodes, size_t count,
           const tf_node_control_t *request, char **text_p)
{
    s_k8s_t *self = (s_k8s_t *) ctx;
    return tf_k8s_control_run (self->control, nodes, count, request, text_p);
}

//  The run's Prometheus (the manifests start it): its pod up, forwarded, and
//  seeing every node target up
static int
s_metrics (void *ctx, const tf_deployer_node_t *nodes, size_t count, char **url_p, char **error_p)
{
    (void) nodes;
    s_k8s_t *self = (s_k8s_t *) ctx;
    char *timeout = zsys_sprintf ("--timeout=%" PRId64 "ms", tf_readiness_timeout_ms ());
    tf_compose_result_t result;
    int rc = tf_k8s_kubectl (self->env->cancel, tf_readiness_timeout_ms () + TF_K8S_QUICK_MS,
                             self->namespace_name, &result, "rollout", "status",
                             "deployment/" TF_K8S_PROMETHEUS_NAME, timeout, NULL);
    if (rc)
        *error_p = zsys_sprintf ("the run's Prometheus is not up (kubectl rollout status "
                                 "deployment/%s): %s",
                                 TF_K8S_PROMETHEUS_NAME, tf_compose_result_reason (&result));
    tf_compose_result_clear (&result);
    zstr_free (&timeout);
    uint16_t port = 0;
    if (rc || tf_k8s_pods_forward_prometheus (self->pods, &port, error_p))
        return -1;
    char *url = zsys_sprintf ("http://%s:%u", TF_NODE_SPEC_HOST, port);
    if (tf_prometheus_wait_targets (url, count, TF_PROMETHEUS_UP_MS, self->env->cancel, NULL, NULL,
                                    error_p)) {
        zstr_free (&url);
        return -1;
    }
    *url_p = url;
    return 0;
}

static int
s_cleanup (void *ctx, char **error_p)
{
    s_k8s_t *self = (s_k8s_t *) ctx;
    return s_teardown (self, error_p);
}

const tf_deployer_ops_t tf_deployer_k8s_ops = {
    .runner = "k8s",
    .stages = TF_READINESS_ALL,
    .create = s_create,
    .destroy = s_destroy,
    .deploy = s_deploy,
    .state = s_state,
    .memory_kb = NULL,
    .control = s_control,
    .logs = s_logs,
    .cleanup = s_cleanup,
    .metrics = s_metrics,
};

const tf_deployer_class_t tf_deployer_k8s_class = TF_DEPLOYER_CLASS (
    tf_deployer_k8s_ops, "k8s",
    "Deploy the run's nodes as one Deployment and Service each in a namespace of the\n"
    "cluster of the current kubectl context (KUBECONFIG; TF_K8S_CONTEXT for another),\n"
    "wait for the pods and readiness through kubectl port-forward on 127.0.0.1, serve\n"
    "node control through the API server. Manifests: RUN_DIR/k8s (a kustomization).\n"
    "Namespace: tf-<run id>, or K8S_RUNNER_NAMESPACE; kept with K8S_RUNNER_PRESERVE=1.\n"
    "Image: TF_K8S_IMAGE or LOGOS_BLOCKCHAIN_TESTNET_IMAGE, else the tag the compose\n"
    "runner builds (load it into the cluster first); TF_K8S_IMAGE_PULL_POLICY.\n");
