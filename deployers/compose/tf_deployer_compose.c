//  tf_deployer_compose.c - the compose runner behind the deployer seam (see
//  tf_deployer_compose.h)
//
//  Inside a container every node uses the same ports (TF_COMPOSE_STACK_*):
//  its APIs bound on all its addresses and published on distinct loopback
//  ports of the host, its swarm on its fixed address in the run's network,
//  its peers named by their addresses there.

#include "tf_deployer_compose.h"
#include "tf_compose_control.h"
#include "tf_compose_engine.h"
#include "tf_compose_image.h"
#include "tf_compose_prometheus.h"
#include "tf_compose_reaper.h"
#include "tf_compose_stack.h"
#include "tf_genesis.h"
#include "tf_keys.h"
#include "tf_node_spec.h"
#include "tf_prometheus.h"
#include "tf_resources.h"
#include "tf_topology.h"

//  The backend's state
typedef struct {
    const tf_deployer_env_t *env;        //  The run, not owned
    bool preserve;                       //  COMPOSE_RUNNER_PRESERVE: keep the stack
    char *image;                         //  The node image, once known
    tf_compose_reaper_t *reaper;         //  Removes the stack if we die, or NULL
    tf_compose_stack_t *stack;           //  Once deployed
    tf_compose_control_t *control;       //  Node control over it
    tf_compose_prometheus_t *prometheus; //  The run's Prometheus, once started
    pid_t *pids;                         //  Each node container's host pid, last seen
    bool logs_taken;                     //  The logs op ran
    bool cleaned;                        //  The stack is gone (or kept on purpose)
} s_compose_t;

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
    s_compose_t *self = (s_compose_t *) zmalloc (sizeof (s_compose_t));
    self->env = env;
    self->preserve = s_env_true (TF_DEPLOYER_COMPOSE_PRESERVE_ENV);
    zsys_info ("deployer: compose nodes profile=%s network=%s preserve=%s", env->profile->name,
               tf_topology_name (env->plan->network), self->preserve ? "yes" : "no");
    return self;
}

//  Remove the stack (or say it stays), then let the reaper go
static int
s_teardown (s_compose_t *self, char **error_p)
{
    int rc = 0;
    if (self->stack && !self->cleaned) {
        if (self->preserve)
            tf_compose_stack_print_preserved (self->stack);
        else
            rc = tf_compose_stack_remove (self->stack, error_p);
        self->cleaned = rc == 0;
    }
    if (rc == 0)
        tf_compose_reaper_destroy (&self->reaper);
    return rc;
}

//  Copy every container's log into the run directory
static int
s_logs (void *ctx, const tf_deployer_node_t *nodes, size_t count)
{
    s_compose_t *self = (s_compose_t *) ctx;
    int rc = 0;
    for (size_t node = 0; self->stack && node < tf_compose_stack_count (self->stack); node++)
        if (tf_compose_stack_collect_log (self->stack, node))
            rc = -1;
    if (self->stack && !tf_compose_image_user ())
        tf_compose_stack_collect_service_log (self->stack);
    if (self->prometheus)
        tf_compose_prometheus_collect_log (self->prometheus);
    self->logs_taken = true;
    return rc;
}

static void
s_destroy (void **ctx_p)
{
    assert (ctx_p);
    s_compose_t *self = (s_compose_t *) *ctx_p;
    if (!self)
        return;
    if (self->stack && !self->cleaned && !self->logs_taken)
        s_logs (self, NULL, 0);
    char *error = NULL;
    if (s_teardown (self, &error))
        zsys_error ("deployer: cannot remove the stack: %s (the reaper will retry)", error);
    zstr_free (&error);
    tf_compose_reaper_detach (&self->reaper); //  Still here when teardown failed: it retries
    tf_compose_control_destroy (&self->control);
    tf_compose_prometheus_destroy (&self->prometheus);
    tf_compose_stack_destroy (&self->stack);
    free (self->pids);
    zstr_free (&self->image);
    free (self);
    *ctx_p = NULL;
}


//  ---------------------------------------------------------------------------
//  Deploy

//  Write one node's two files with the profile's config templates: its node
//  file, and the deployment file (deployment_text), which node 0 holds and
//  every other node shares (a hard link: a large genesis is written once)
static int
s_write_node_files (s_compose_t *self, size_t node, const tf_node_spec_t *config,
                    const char *deployment_text)
{
    const tf_profile_t *profile = self->env->profile;
    char *text = NULL;
    size_t size = 0;
    FILE *memory = open_memstream (&text, &size);
    assert (memory);
    profile->print_node (config, memory);
    fclose (memory);
    const char *dir = tf_compose_stack_config_dir (self->stack, node);
    char *path = zsys_sprintf ("%s/%s", dir, profile->node_file);
    int rc = tf_node_spec_write_file (path, text);
    //  The node in the container reads them as whatever user the image runs
    if (rc == 0)
        chmod (path, 0644);
    zstr_free (&path);
    free (text);
    char *first = zsys_sprintf ("%s/%s", tf_compose_stack_config_dir (self->stack, 0),
                                profile->deployment_file);
    path = zsys_sprintf ("%s/%s", dir, profile->deployment_file);
    if (rc == 0)
        rc = node == 0 ? tf_node_spec_write_file (path, deployment_text)
                       : tf_node_spec_share_file (first, path, deployment_text);
    if (rc == 0)
        chmod (path, 0644);
    zstr_free (&path);
    zstr_free (&first);
    return rc;
}

//  Every node's config, for addresses in the run's network
static int
s_write_configs (s_compose_t *self, char **error_p)
{
    const tf_plan_t *plan = self->env->plan;
    tf_genesis_t *genesis = tf_genesis_new (plan);
    if (!genesis) {
        *error_p = strdup ("cannot make the genesis (see the deployer's log)");
        return -1;
    }
    int rc = -1;
    size_t count = tf_compose_stack_count (self->stack);
    char start_time[TF_NODE_SPEC_TIME_SIZE];
    tf_node_spec_time ((int64_t) tf_actor_now_ms () + TF_DEPLOYER_COMPOSE_START_MARGIN_MS,
                       start_time);
    tf_deployment_spec_t deployment = {.slot_ms = plan->slot_ms,
                                       .chain_start_time = start_time,
                                       .security_param = plan->security_param,
                                       .active_slot_coeff = plan->active_slot_coeff,
                                       .genesis = genesis};
    const char *log_level = getenv ("LOGOS_BLOCKCHAIN_LOG_LEVEL");
    if (!log_level || !*log_level)
        log_level = getenv ("NOMOS_LOG_LEVEL");
    const char *log_filter = getenv ("LOGOS_BLOCKCHAIN_LOG_FILTER");
    if (!log_filter || !*log_filter)
        log_filter = getenv ("NOMOS_LOG_FILTER");
    char *deployment_text = NULL;
    size_t deployment_size = 0;
    FILE *memory = open_memstream (&deployment_text, &deployment_size);
    assert (memory);
    self->env->profile->print_deployment (&deployment, memory);
    fclose (memory);
    uint32_t *peers = (uint32_t *) zmalloc (TF_PLAN_MAX_NODES * sizeof (uint32_t));
    uint16_t *peer_ports = (uint16_t *) zmalloc (TF_PLAN_MAX_NODES * sizeof (uint16_t));
    const char **peer_hosts = (const char **) zmalloc (TF_PLAN_MAX_NODES * sizeof (char *));
    for (uint32_t global = 0; global < count; global++) {
        size_t peer_count = tf_topology_initial_peers (plan->network, (uint32_t) count, global,
                                                       peers, TF_PLAN_MAX_NODES);
        for (size_t peer = 0; peer < peer_count; peer++) {
            peer_ports[peer] = TF_COMPOSE_STACK_P2P_PORT;
            peer_hosts[peer] = tf_compose_stack_address (self->stack, peers[peer]);
        }
        uint8_t node_key[TF_KEYS_SEED_SIZE];
        if (tf_keys_seed (TF_KEYS_PURPOSE_NODE, plan->seed, global, node_key)) {
            *error_p = strdup ("cannot derive a node key");
            goto out;
        }
        tf_node_spec_t config = {.api_host = TF_DEPLOYER_COMPOSE_BIND_HOST,
                                 .p2p_host = tf_compose_stack_address (self->stack, global),
                                 .peer_hosts = peer_hosts,
                                 .http_port = TF_COMPOSE_STACK_HTTP_PORT,
                                 .testing_port = TF_COMPOSE_STACK_TESTING,
                                 .p2p_port = TF_COMPOSE_STACK_P2P_PORT,
                                 .node_key = node_key,
                                 .leader_key = genesis->leaders[global].key.seed,
                                 .peer_ports = peer_ports,
                                 .peer_count = peer_count,
                                 .db_path = TF_DEPLOYER_COMPOSE_DB_PATH,
                                 .log_dir = NULL, //  Stderr: the container's log
                                 .log_prefix = tf_compose_stack_name (self->stack, global),
                                 .log_level = log_level && *log_level ? log_level : NULL,
                                 .log_filter = log_filter && *log_filter ? log_filter : NULL};
        if (s_write_node_files (self, global, &config, deployment_text)) {
            *error_p = zsys_sprintf ("cannot write the config of %s",
                                     tf_compose_stack_name (self->stack, global));
            goto out;
        }
    }
    rc = 0;
out:
    free (peers);
    free (peer_ports);
    free (peer_hosts);
    free (deployment_text);
    tf_genesis_destroy (&genesis);
    return rc;
}

//  tf-cfgsync beside this program. Caller owns the result.
static char *
s_cfgsync_binary (void)
{
    char self_path[PATH_MAX];
    ssize_t length = readlink ("/proc/self/exe", self_path, sizeof self_path - 1);
    if (length <= 0)
        return strdup (TF_DEPLOYER_COMPOSE_CFGSYNC);
    self_path[length] = 0;
    char *slash = strrchr (self_path, '/');
    if (slash)
        *slash = 0;
    return zsys_sprintf ("%s/%s", self_path, TF_DEPLOYER_COMPOSE_CFGSYNC);
}

//  The compose file for our image (the binaries in its bin dir, the config
//  from cfgsync) or the user's (the profile's binary name, found on the
//  image's PATH; the config mounted)
static int
s_write_compose (s_compose_t *self, const char *binary, char **error_p)
{
    const char *name = strrchr (binary, '/') ? strrchr (binary, '/') + 1 : binary;
    char *in_image = tf_compose_image_user ()
                         ? strdup (self->env->profile->binary)
                         : zsys_sprintf ("%s/%s", TF_COMPOSE_IMAGE_BIN_DIR, name);
    char *argv[TF_PROFILE_MAX_ARGS + 1];
    int argc = tf_profile_argv (self->env->profile, in_image, TF_COMPOSE_IMAGE_CONFIG, argv);
    zstr_free (&in_image);
    if (argc <= 0) {
        *error_p = strdup ("the node profile's command line has too many words");
        return -1;
    }
    bool ours = !tf_compose_image_user ();
    char *cfgsync =
        ours ? zsys_sprintf ("%s/%s", TF_COMPOSE_IMAGE_BIN_DIR, TF_DEPLOYER_COMPOSE_CFGSYNC) : NULL;
    char *files[] = {(char *) self->env->profile->node_file,
                     (char *) self->env->profile->deployment_file, NULL};
    int rc = tf_compose_stack_write (self->stack, self->image, argv, cfgsync, files, error_p);
    zstr_free (&cfgsync);
    for (int index = 0; index < argc; index++)
        free (argv[index]);
    return rc;
}

//  The driver's node table for our containers
static tf_deployer_node_t *
s_node_table (s_compose_t *self)
{
    size_t count = tf_compose_stack_count (self->stack);
    tf_deployer_node_t *table =
        (tf_deployer_node_t *) zmalloc ((count + 1) * sizeof (tf_deployer_node_t));
    for (size_t node = 0; node < count; node++)
        table[node] = tf_deployer_node_at (
            tf_compose_stack_name (self->stack, node), tf_compose_stack_role (self->stack, node),
            tf_compose_stack_index (self->stack, node), TF_NODE_SPEC_HOST,
            tf_compose_stack_http_port (self->stack, node),
            tf_compose_stack_testing_port (self->stack, node),
            tf_compose_stack_log_path (self->stack, node));
    return table;
}

static int
s_deploy (void *ctx, tf_deployer_node_t **nodes_p, size_t *count_p, char **error_p)
{
    s_compose_t *self = (s_compose_t *) ctx;
    const tf_deployer_env_t *env = self->env;
    int rc = -1;
    char *binary = tf_profile_binary (env->profile);
    char *cfgsync = s_cfgsync_binary ();
    char *work_dir = zsys_sprintf ("%s/compose", env->run_dir);
    if (self->stack) {
        *error_p = strdup ("deployed already");
        goto out;
    }
    if (tf_compose_engine_check (env->cancel, error_p))
        goto out;
    if (!tf_compose_image_user () && access (binary, R_OK) != 0) {
        *error_p = zsys_sprintf ("node binary %s cannot be read for the node image: %s (set %s)",
                                 binary, strerror (errno), TF_PROFILE_BIN_ENV);
        goto out;
    }
    if (!tf_compose_image_user () && access (cfgsync, X_OK) != 0) {
        *error_p = zsys_sprintf ("%s cannot be run: %s (it is built beside this program)", cfgsync,
                                 strerror (errno));
        goto out;
    }
    self->stack = tf_compose_stack_new (env->run_dir, env->run_id, env->plan->validators,
                                        env->plan->executors, error_p);
    if (!self->stack)
        goto out;
    bool built = false;
    char *binaries[] = {binary, cfgsync, NULL};
    if (tf_compose_image_ensure (binaries, work_dir, env->cancel, &self->image, &built, error_p))
        goto out;
    zsys_info ("deployer: node image=%s (%s)", self->image,
               tf_compose_image_user () ? "the user's"
               : built                  ? "built now"
                                        : "reused");
    if (!self->preserve) {
        char *reaper_log = zsys_sprintf ("%s/reaper.log", work_dir);
        self->reaper = tf_compose_reaper_new (env->run_id, reaper_log);
        zstr_free (&reaper_log);
        if (!self->reaper) {
            *error_p = strdup ("cannot start the reaper (see the deployer's log)");
            goto out;
        }
    }
    if (tf_compose_stack_network (self->stack, env->cancel, error_p)
        || s_write_configs (self, error_p) || s_write_compose (self, binary, error_p))
        goto out;
    self->control = tf_compose_control_new (self->stack, work_dir, env->cancel);
    if (tf_compose_stack_up (self->stack, env->cancel, error_p))
        goto out;
    *count_p = tf_compose_stack_count (self->stack);
    *nodes_p = s_node_table (self);
    rc = 0;
out:
    zstr_free (&binary);
    zstr_free (&cfgsync);
    zstr_free (&work_dir);
    return rc;
}


//  ---------------------------------------------------------------------------
//  Running nodes

static tf_deployer_state_t
s_state (void *ctx, size_t node, char text[TF_DEPLOYER_STATE_TEXT])
{
    s_compose_t *self = (s_compose_t *) ctx;
    return tf_compose_stack_state (self->stack, node, text);
}

//  The container's first process (the node: cfgsync's fetch execs it) on this
//  host, asked of the engine again once the one known is gone. It runs
//  between commands, so it must not read the worker's pipe: no cancel (the
//  call is bounded by its timeout), else it would take the next command.
static pid_t
s_pid (void *ctx, size_t node)
{
    s_compose_t *self = (s_compose_t *) ctx;
    if (!self->stack || node >= tf_compose_stack_count (self->stack))
        return -1;
    if (!self->pids)
        self->pids =
            (pid_t *) zmalloc ((tf_compose_stack_count (self->stack) + 1) * sizeof (pid_t));
    if (self->pids[node] <= 0 || kill (self->pids[node], 0) != 0)
        self->pids[node] = tf_compose_stack_pid (self->stack, node, NULL);
    return self->pids[node];
}

//  The container's process's resident memory, for the diagnostics
static int64_t
s_memory_kb (void *ctx, size_t node)
{
    tf_resources_proc_t proc;
    return tf_resources_read (s_pid (ctx, node), &proc) == 0 ? (int64_t) (proc.rss / 1024) : -1;
}

static int
s_control (void *ctx, const tf_deployer_node_t *nodes, size_t count,
           const tf_node_control_t *request, char **text_p)
{
    s_compose_t *self = (s_compose_t *) ctx;
    return tf_compose_control_run (self->control, nodes, count, request, text_p);
}

//  The run's Prometheus, a container on the run's network scraping every node
static int
s_metrics (void *ctx, const tf_deployer_node_t *nodes, size_t count, char **url_p, char **error_p)
{
    s_compose_t *self = (s_compose_t *) ctx;
    if (!self->stack) {
        *error_p = strdup ("observability.prometheus: nothing deployed");
        return -1;
    }
    char *work_dir = zsys_sprintf ("%s/compose", self->env->run_dir);
    tf_compose_prometheus_destroy (&self->prometheus);
    self->prometheus = tf_compose_prometheus_start (
        self->stack, work_dir, tf_prometheus_interval_ms (self->env->plan->slot_ms),
        self->env->cancel, error_p);
    zstr_free (&work_dir);
    if (!self->prometheus
        || tf_compose_prometheus_wait_up (self->prometheus, TF_PROMETHEUS_UP_MS, self->env->cancel,
                                          error_p))
        return -1;
    *url_p = strdup (tf_compose_prometheus_url (self->prometheus));
    return 0;
}

static int
s_cleanup (void *ctx, char **error_p)
{
    s_compose_t *self = (s_compose_t *) ctx;
    return s_teardown (self, error_p);
}

const tf_deployer_ops_t tf_deployer_compose_ops = {
    .runner = "compose",
    .stages = TF_READINESS_ALL,
    .create = s_create,
    .destroy = s_destroy,
    .deploy = s_deploy,
    .state = s_state,
    .memory_kb = s_memory_kb,
    .pid = s_pid,
    .control = s_control,
    .logs = s_logs,
    .cleanup = s_cleanup,
    .metrics = s_metrics,
};

const tf_deployer_class_t tf_deployer_compose_class = TF_DEPLOYER_CLASS (
    tf_deployer_compose_ops, "compose",
    "Deploy the run's nodes as containers on a Docker engine (docker, docker-compose),\n"
    "wait for readiness through ports published on 127.0.0.1, serve node control\n"
    "through the engine. Engine: DOCKER_HOST, as docker uses it. Image: built from the\n"
    "node binary (LOGOS_BLOCKCHAIN_NODE_BIN, else tf-node beside this program), or\n"
    "LOGOS_BLOCKCHAIN_TESTNET_IMAGE (alias NOMOS_TESTNET_IMAGE). Keep the stack:\n"
    "COMPOSE_RUNNER_PRESERVE=1. Logs: LOGOS_BLOCKCHAIN_LOG_LEVEL, _FILTER.\n"
    "observability.prometheus: a Prometheus container on the run's network (its image\n"
    "built from TF_PROMETHEUS_BIN, else /usr/bin/prometheus), published on\n"
    "127.0.0.1:TEST_FRAMEWORK_PROMETHEUS_PORT (default 9090, 0: any free port);\n"
    "LOGOS_BLOCKCHAIN_METRICS_QUERY_URL names an existing server instead.\n");
