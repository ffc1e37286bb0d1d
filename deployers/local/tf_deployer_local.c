//  tf_deployer_local.c - the local runner behind the deployer seam (see
//  tf_deployer_local.h)
//
//  The ops: deploy writes every node's files (from the node profile's
//  templates and the genesis) and starts the nodes (tf_local_nodes);
//  node control is tf_local_control; cleanup stops the nodes (SIGTERM, then
//  SIGKILL after TF_DEPLOYER_LOCAL_STOP_GRACE_MS) and removes their data
//  unless it is kept. The logs are written in place, so there is no logs op.

#include "tf_deployer_local.h"
#include "tf_genesis.h"
#include "tf_keys.h"
#include "tf_local_control.h"
#include "tf_local_nodes.h"
#include "tf_node_spec.h"
#include "tf_prometheus.h"
#include "tf_rundir.h"
#include "tf_topology.h"

//  The backend's state
typedef struct {
    const tf_deployer_env_t *env; //  The run, not owned
    char *binary;                 //  Node binary to run
    char *log_dir;                //  LOGOS_BLOCKCHAIN_LOG_DIR, or NULL
    tf_local_nodes_t *nodes;      //  Once deployed
    tf_local_control_t *control;  //  Node control over them
    tf_prometheus_t *prometheus;  //  The run's Prometheus, once started
} s_local_t;

//  The node's environment variables, with their older NOMOS_ spellings
static const char *const s_env_names[][2] = {
    {"LOGOS_BLOCKCHAIN_LOG_DIR", "NOMOS_LOG_DIR"},
    {"LOGOS_BLOCKCHAIN_LOG_LEVEL", "NOMOS_LOG_LEVEL"},
    {"LOGOS_BLOCKCHAIN_LOG_FILTER", "NOMOS_LOG_FILTER"},
};
#define S_ENV_COUNT (sizeof s_env_names / sizeof s_env_names[0])

//  A variable by its name or its alias; NULL when unset or empty
static const char *
s_env_alias (const char *name, const char *alias)
{
    const char *value = getenv (name);
    if (!value || !*value)
        value = getenv (alias);
    return value && *value ? value : NULL;
}

static void *
s_create (const tf_deployer_env_t *env, char **error_p)
{
    if (!env->profile) {
        *error_p = zsys_sprintf ("unknown node profile '%s'", env->plan->node_profile);
        return NULL;
    }
    s_local_t *self = (s_local_t *) zmalloc (sizeof (s_local_t));
    self->env = env;
    self->binary = tf_profile_binary (env->profile);
    const char *log_dir = s_env_alias (TF_DEPLOYER_LOCAL_LOG_DIR_ENV, "NOMOS_LOG_DIR");
    self->log_dir = log_dir ? strdup (log_dir) : NULL;
    zsys_info ("deployer: local nodes profile=%s binary=%s network=%s", env->profile->name,
               self->binary, tf_topology_name (env->plan->network));
    return self;
}

//  After every node stopped: remove their data, or say where it stays
static void
s_release_data (s_local_t *self)
{
    for (size_t node = 0; node < tf_local_nodes_count (self->nodes); node++) {
        if (self->env->keep_data)
            zsys_notice ("deployer: kept node files name=%s dir=%s log=%s",
                         tf_local_nodes_name (self->nodes, node),
                         tf_local_nodes_dir (self->nodes, node),
                         tf_local_nodes_log_path (self->nodes, node));
        else {
            zdir_t *dir = zdir_new (tf_local_nodes_db_path (self->nodes, node), NULL);
            if (dir) {
                zdir_remove (dir, true);
                zdir_destroy (&dir);
            }
        }
    }
}

static void
s_destroy (void **ctx_p)
{
    assert (ctx_p);
    s_local_t *self = (s_local_t *) *ctx_p;
    if (!self)
        return;
    tf_prometheus_kill (&self->prometheus);
    if (self->nodes && tf_local_nodes_kill_all (self->nodes) > 0)
        s_release_data (self);
    tf_local_control_destroy (&self->control);
    tf_local_nodes_destroy (&self->nodes);
    free (self->binary);
    free (self->log_dir);
    free (self);
    *ctx_p = NULL;
}


//  ---------------------------------------------------------------------------
//  Deploy

//  The shared deployment file's text with the profile's template (caller frees)
static char *
s_deployment_text (s_local_t *self, const tf_deployment_spec_t *deployment)
{
    char *text = NULL;
    size_t size = 0;
    FILE *memory = open_memstream (&text, &size);
    assert (memory);
    self->env->profile->print_deployment (deployment, memory);
    fclose (memory);
    return text;
}

//  Write one node's two files with the profile's config templates: its node
//  file, and the deployment file (deployment_text), which node 0 holds and
//  every other node shares (a hard link: a large genesis is written once)
static int
s_write_node_files (s_local_t *self, size_t node, const tf_node_spec_t *config,
                    const char *deployment_text)
{
    const tf_profile_t *profile = self->env->profile;
    char *text = NULL;
    size_t size = 0;
    FILE *memory = open_memstream (&text, &size);
    assert (memory);
    profile->print_node (config, memory);
    fclose (memory);
    char *path = zsys_sprintf ("%s/%s", tf_local_nodes_dir (self->nodes, node), profile->node_file);
    int rc = tf_node_spec_write_file (path, text);
    zstr_free (&path);
    free (text);
    char *first =
        zsys_sprintf ("%s/%s", tf_local_nodes_dir (self->nodes, 0), profile->deployment_file);
    path = zsys_sprintf ("%s/%s", tf_local_nodes_dir (self->nodes, node), profile->deployment_file);
    if (rc == 0)
        rc = node == 0 ? tf_node_spec_write_file (path, deployment_text)
                       : tf_node_spec_share_file (first, path, deployment_text);
    zstr_free (&path);
    zstr_free (&first);
    return rc;
}

//  Set every node's command: the profile's command line, the log variables
static int
s_set_commands (s_local_t *self)
{
    char *env[S_ENV_COUNT + 1];
    size_t env_count = 0;
    for (size_t index = 0; index < S_ENV_COUNT; index++) {
        const char *value = s_env_alias (s_env_names[index][0], s_env_names[index][1]);
        if (value)
            env[env_count++] = zsys_sprintf ("%s=%s", s_env_names[index][0], value);
    }
    env[env_count] = NULL;
    int rc = 0;
    for (size_t node = 0; node < tf_local_nodes_count (self->nodes) && rc == 0; node++) {
        char *argv[TF_PROFILE_MAX_ARGS + 1];
        int argc = tf_profile_argv (self->env->profile, self->binary,
                                    tf_local_nodes_dir (self->nodes, node), argv);
        if (argc <= 0) {
            rc = -1;
            break;
        }
        tf_local_nodes_set_command (self->nodes, node, argv, env);
        for (int index = 0; index < argc; index++)
            free (argv[index]);
    }
    for (size_t index = 0; index < env_count; index++)
        zstr_free (&env[index]);
    return rc;
}

//  Build every node's files and commands; -1 after logging why
static int
s_prepare (s_local_t *self)
{
    const tf_plan_t *plan = self->env->plan;
    if (!self->env->run_dir) {
        zsys_error ("deployer: no run directory (--run-dir or TF_RUN_DIR)");
        return -1;
    }
    char *nodes_dir = zsys_sprintf ("%s/%s", self->env->run_dir, TF_RUNDIR_NODES);
    self->nodes = tf_local_nodes_new (nodes_dir, self->log_dir, plan->validators, plan->executors);
    zstr_free (&nodes_dir);
    tf_genesis_t *genesis = self->nodes ? tf_genesis_new (plan) : NULL;
    if (!genesis)
        return -1;
    int rc = -1;
    size_t count = tf_local_nodes_count (self->nodes);
    self->control = tf_local_control_new (self->nodes, self->env->profile, self->env->cancel);
    //  Shared deployment file: node 0's, linked from every other node's dir
    char start_time[TF_NODE_SPEC_TIME_SIZE];
    tf_node_spec_time ((int64_t) tf_actor_now_ms () + TF_DEPLOYER_LOCAL_START_MARGIN_MS,
                       start_time);
    tf_deployment_spec_t deployment = {.slot_ms = plan->slot_ms,
                                       .chain_start_time = start_time,
                                       .security_param = plan->security_param,
                                       .active_slot_coeff = plan->active_slot_coeff,
                                       .genesis = genesis};
    const char *log_level = s_env_alias ("LOGOS_BLOCKCHAIN_LOG_LEVEL", "NOMOS_LOG_LEVEL");
    const char *log_filter = s_env_alias ("LOGOS_BLOCKCHAIN_LOG_FILTER", "NOMOS_LOG_FILTER");
    char *deployment_text = s_deployment_text (self, &deployment);
    uint32_t *peers = (uint32_t *) zmalloc (TF_PLAN_MAX_NODES * sizeof (uint32_t));
    uint16_t *peer_ports = (uint16_t *) zmalloc (TF_PLAN_MAX_NODES * sizeof (uint16_t));
    for (uint32_t global = 0; global < count; global++) {
        size_t peer_count = tf_topology_initial_peers (plan->network, (uint32_t) count, global,
                                                       peers, TF_PLAN_MAX_NODES);
        for (size_t peer = 0; peer < peer_count; peer++)
            peer_ports[peer] = tf_local_nodes_port (self->nodes, peers[peer], TF_LOCAL_PORT_P2P);
        uint8_t node_key[TF_KEYS_SEED_SIZE];
        if (tf_keys_seed (TF_KEYS_PURPOSE_NODE, plan->seed, global, node_key))
            goto out;
        tf_node_spec_t config = {
            .http_port = tf_local_nodes_port (self->nodes, global, TF_LOCAL_PORT_HTTP),
            .testing_port = tf_local_nodes_port (self->nodes, global, TF_LOCAL_PORT_TESTING),
            .p2p_port = tf_local_nodes_port (self->nodes, global, TF_LOCAL_PORT_P2P),
            .node_key = node_key,
            .leader_key = genesis->leaders[global].key.seed,
            .peer_ports = peer_ports,
            .peer_count = peer_count,
            .db_path = tf_local_nodes_db_path (self->nodes, global),
            .log_dir = NULL, //  Stderr, which goes to the node's log
            .log_prefix = tf_local_nodes_name (self->nodes, global),
            .log_level = log_level,
            .log_filter = log_filter};
        if (s_write_node_files (self, global, &config, deployment_text))
            goto out;
    }
    rc = s_set_commands (self);
out:
    free (peers);
    free (peer_ports);
    free (deployment_text);
    tf_genesis_destroy (&genesis);
    return rc;
}

//  The driver's node table for our nodes
static tf_deployer_node_t *
s_node_table (s_local_t *self)
{
    size_t count = tf_local_nodes_count (self->nodes);
    tf_deployer_node_t *table =
        (tf_deployer_node_t *) zmalloc ((count + 1) * sizeof (tf_deployer_node_t));
    for (size_t node = 0; node < count; node++)
        table[node] = (tf_deployer_node_t){
            .name = strdup (tf_local_nodes_name (self->nodes, node)),
            .role = strdup (tf_local_nodes_role (self->nodes, node)),
            .index = tf_local_nodes_index (self->nodes, node),
            .api_url = tf_local_nodes_url (self->nodes, node, TF_LOCAL_PORT_HTTP, NULL),
            .testing_url = tf_local_nodes_url (self->nodes, node, TF_LOCAL_PORT_TESTING, NULL),
            .log_path = strdup (tf_local_nodes_log_path (self->nodes, node))};
    return table;
}

static int
s_deploy (void *ctx, tf_deployer_node_t **nodes_p, size_t *count_p, char **error_p)
{
    s_local_t *self = (s_local_t *) ctx;
    if (access (self->binary, X_OK) != 0) {
        *error_p = zsys_sprintf ("node binary %s is not executable: %s (set %s)", self->binary,
                                 strerror (errno), TF_PROFILE_BIN_ENV);
        return -1;
    }
    if (self->nodes || s_prepare (self)) {
        *error_p = strdup ("cannot prepare the nodes (see the deployer's log)");
        return -1;
    }
    for (size_t node = 0; node < tf_local_nodes_count (self->nodes); node++)
        if (tf_local_nodes_start (self->nodes, node)) {
            *error_p = zsys_sprintf ("cannot start node %s (see the deployer's log)",
                                     tf_local_nodes_name (self->nodes, node));
            return -1;
        }
    *count_p = tf_local_nodes_count (self->nodes);
    *nodes_p = s_node_table (self);
    return 0;
}


//  ---------------------------------------------------------------------------
//  Running nodes

static tf_deployer_state_t
s_state (void *ctx, size_t node, char text[TF_DEPLOYER_STATE_TEXT])
{
    s_local_t *self = (s_local_t *) ctx;
    return tf_local_nodes_state (self->nodes, node, text);
}

static int64_t
s_memory_kb (void *ctx, size_t node)
{
    s_local_t *self = (s_local_t *) ctx;
    return tf_local_nodes_rss_kb (self->nodes, node);
}

static pid_t
s_pid (void *ctx, size_t node)
{
    s_local_t *self = (s_local_t *) ctx;
    return self->nodes ? tf_local_nodes_pid (self->nodes, node) : -1;
}

static int
s_control (void *ctx, const tf_deployer_node_t *nodes, size_t count,
           const tf_node_control_t *request, char **text_p)
{
    s_local_t *self = (s_local_t *) ctx;
    return tf_local_control_run (self->control, nodes, count, request, text_p);
}

//  The run's Prometheus: RUN_DIR/prometheus, every node a target
static int
s_metrics (void *ctx, const tf_deployer_node_t *nodes, size_t count, char **url_p, char **error_p)
{
    s_local_t *self = (s_local_t *) ctx;
    if (!self->env->run_dir) {
        *error_p = strdup ("observability.prometheus needs a run directory");
        return -1;
    }
    tf_prometheus_target_t *targets =
        (tf_prometheus_target_t *) zmalloc ((count + 1) * sizeof (tf_prometheus_target_t));
    for (size_t index = 0; index < count; index++)
        targets[index] = (tf_prometheus_target_t){nodes[index].name, nodes[index].api_url};
    char *dir = zsys_sprintf ("%s/%s", self->env->run_dir, TF_DEPLOYER_LOCAL_PROMETHEUS_DIR);
    tf_prometheus_destroy (&self->prometheus);
    self->prometheus = tf_prometheus_start (
        dir, targets, count, tf_prometheus_interval_ms (self->env->plan->slot_ms), error_p);
    free (dir);
    free (targets);
    if (!self->prometheus
        || tf_prometheus_wait_up (self->prometheus, TF_PROMETHEUS_UP_MS, self->env->cancel,
                                  error_p))
        return -1;
    *url_p = strdup (tf_prometheus_url (self->prometheus));
    return 0;
}

static int
s_cleanup (void *ctx, char **error_p)
{
    s_local_t *self = (s_local_t *) ctx;
    tf_prometheus_destroy (&self->prometheus);
    if (!self->nodes)
        return 0; //  Nothing was deployed
    if (tf_local_nodes_stop_all (self->nodes, TF_DEPLOYER_LOCAL_STOP_GRACE_MS, self->env->cancel)) {
        *error_p = strdup ("not every node stopped");
        return -1;
    }
    s_release_data (self);
    return 0;
}

const tf_deployer_ops_t tf_deployer_local_ops = {
    .runner = "local",
    .stages = TF_READINESS_ALL,
    .create = s_create,
    .destroy = s_destroy,
    .deploy = s_deploy,
    .state = s_state,
    .memory_kb = s_memory_kb,
    .pid = s_pid,
    .control = s_control,
    .logs = NULL, //  Written in place: RUN_DIR/nodes/<name>/node.log
    .cleanup = s_cleanup,
    .metrics = s_metrics,
};

const tf_deployer_class_t tf_deployer_local_class = TF_DEPLOYER_CLASS (
    tf_deployer_local_ops, "local",
    "Deploy the run's nodes as local processes, wait for readiness, serve node control.\n"
    "Node binary: LOGOS_BLOCKCHAIN_NODE_BIN (alias NOMOS_NODE_BIN), else tf-node beside\n"
    "this program. Keep node data: LOGOS_BLOCKCHAIN_TESTS_KEEP_LOGS=1. Logs:\n"
    "LOGOS_BLOCKCHAIN_LOG_DIR, _LEVEL, _FILTER. SLOW_TEST_ENV=true doubles readiness "
    "timeouts.\n"
    "observability.prometheus: a Prometheus server (TF_PROMETHEUS_BIN, else\n"
    "/usr/bin/prometheus) on 127.0.0.1:TEST_FRAMEWORK_PROMETHEUS_PORT (default 9090, 0: any\n"
    "free port), data in RUN_DIR/prometheus; LOGOS_BLOCKCHAIN_METRICS_QUERY_URL names an\n"
    "existing one instead.\n");
