//  tf_deployer_local.c - the local runner behind the deployer seam (see
//  tf_deployer_local.h)
//
//  The ops: deploy writes every node's files (from the node profile's
//  templates and the genesis) and starts the nodes (tf_local_nodes);
//  node control is tf_local_control; cleanup stops the nodes (SIGTERM, then
//  SIGKILL after TF_DEPLOYER_LOCAL_STOP_GRACE_MS) and removes their data
//  unless it is kept. The logs are written in place, so there is no logs op.

#include "tf_deployer_local.h"
#include "tf_agent_link.h"
#include "tf_curve.h"
#include "tf_local_config.h"
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
    //  A plan with hosts: (the nodes on several hosts)
    int own_host;                            //  Our entry in hosts:, or -1
    bool *mine;                              //  By global index: we run it (NULL: all)
    uint16_t (*remote)[TF_LOCAL_PORT_COUNT]; //  By global index: ports on its host
    tf_agent_link_t **links;                 //  By host: its agent's link (NULL: ours)
    zcert_t *client_cert;                    //  TF_AGENT_CERT, what the agents allow
    zactor_t *watch;                         //  Finds a lost agent once started
    char *cert_error;                        //  Why TF_AGENT_CERT is unusable: deploy fails
} s_local_t;

//  The host of node global, or -1 when the plan has no hosts:
static int
s_host_of (s_local_t *self, size_t global)
{
    return tf_plan_host_of (self->env->plan, (uint32_t) global);
}

//  True when node global runs on another host
static bool
s_remote (s_local_t *self, size_t global)
{
    return self->mine && !self->mine[global];
}

//  The link to the agent of node global's host
static tf_agent_link_t *
s_link_of (s_local_t *self, size_t global)
{
    return self->links[s_host_of (self, global)];
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
    const char *log_dir = tf_local_config_env (TF_DEPLOYER_LOCAL_LOG_DIR_ENV, "NOMOS_LOG_DIR");
    self->log_dir = log_dir ? strdup (log_dir) : NULL;
    self->own_host = -1;
    bool agents = false;
    for (size_t host = 0; host < env->plan->host_count; host++) {
        if (!env->plan->hosts[host].agent)
            self->own_host = (int) host;
        agents = agents || env->plan->hosts[host].agent;
    }
    const char *cert = getenv (TF_AGENT_CERT_ENV);
    if (agents && (!cert || !*cert))
        self->cert_error = zsys_sprintf ("the scenario's hosts: have agents: set %s to the secret "
                                         "certificate (NAME.cert_secret) they --allow",
                                         TF_AGENT_CERT_ENV);
    else if (agents) {
        char *text = NULL;
        size_t size = 0;
        FILE *err = open_memstream (&text, &size);
        self->client_cert = tf_curve_cert_load (cert, true, err);
        fclose (err);
        if (!self->client_cert)
            self->cert_error = zsys_sprintf ("%s: %s", TF_AGENT_CERT_ENV, text ? text : cert);
        free (text);
    }
    zsys_info ("deployer: local nodes profile=%s binary=%s network=%s", env->profile->name,
               self->binary, tf_topology_name (env->plan->network));
    return self;
}

//  After every node stopped: remove their data, or say where it stays
static void
s_release_data (s_local_t *self)
{
    for (size_t node = 0; node < tf_local_nodes_count (self->nodes); node++) {
        if (s_remote (self, node))
            continue; //  Its host's agent keeps or removes it
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
    zactor_destroy (&self->watch);
    for (size_t host = 0; self->links && host < self->env->plan->host_count; host++)
        tf_agent_link_destroy (&self->links[host], true); //  Its agent kills its nodes now
    free (self->links);
    if (self->nodes && tf_local_nodes_kill_all (self->nodes) > 0)
        s_release_data (self); //  Which asks mine
    tf_local_control_destroy (&self->control);
    tf_local_nodes_destroy (&self->nodes);
    free (self->mine);
    free (self->remote);
    zcert_destroy (&self->client_cert);
    free (self->cert_error);
    free (self->binary);
    free (self->log_dir);
    free (self);
    *ctx_p = NULL;
}


//  ---------------------------------------------------------------------------
//  Deploy

//  Ask each agent's host for its nodes' ports (PREPARE), into self->remote
static int
s_prepare_agents (s_local_t *self, char **error_p)
{
    const tf_plan_t *plan = self->env->plan;
    uint8_t *packed = NULL;
    size_t packed_size = 0;
    if (tf_plan_pack (plan, &packed, &packed_size)) {
        *error_p = strdup ("cannot pack the plan for the agents");
        return -1;
    }
    size_t count = tf_local_nodes_count (self->nodes);
    int rc = 0;
    for (size_t host = 0; rc == 0 && host < plan->host_count; host++) {
        if (!plan->hosts[host].agent)
            continue;
        self->links[host] =
            tf_agent_link_new (&plan->hosts[host], self->client_cert, self->env->run_id, error_p);
        zmsg_t *args = zmsg_new ();
        zmsg_addmem (args, packed, packed_size);
        zmsg_addstr (args, plan->hosts[host].name);
        zmsg_t *reply =
            self->links[host]
                ? tf_agent_link_request (self->links[host], "PREPARE", &args, "PREPARED",
                                         TF_AGENT_REQUEST_MS, self->env->cancel, error_p)
                : NULL;
        zmsg_destroy (&args);
        rc = reply ? 0 : -1;
        size_t answered = 0;
        for (char *line = reply ? zmsg_popstr (reply) : NULL; line; line = zmsg_popstr (reply)) {
            unsigned global = 0, ports[TF_LOCAL_PORT_COUNT] = {0};
            if (sscanf (line, "%u %u %u %u", &global, &ports[0], &ports[1], &ports[2]) == 4
                && global < count && s_host_of (self, global) == (int) host) {
                for (size_t port = 0; port < TF_LOCAL_PORT_COUNT; port++)
                    self->remote[global][port] = (uint16_t) ports[port];
                answered++;
            }
            zstr_free (&line);
        }
        zmsg_destroy (&reply);
        size_t expected = 0;
        for (size_t global = 0; global < count; global++)
            expected += s_host_of (self, global) == (int) host;
        if (rc == 0 && answered != expected) {
            *error_p = zsys_sprintf ("host %s: its agent gave the ports of %zu nodes, not %zu",
                                     plan->hosts[host].name, answered, expected);
            rc = -1;
        }
    }
    free (packed);
    return rc;
}

//  Have each agent write its nodes' files and start them (START)
static int
s_start_agents (s_local_t *self, const char *start_time, const tf_local_peer_t *peers,
                char **error_p)
{
    const tf_plan_t *plan = self->env->plan;
    for (size_t host = 0; host < plan->host_count; host++) {
        if (!self->links[host])
            continue;
        zmsg_t *args = zmsg_new ();
        zmsg_addstr (args, start_time);
        for (size_t global = 0; global < tf_local_nodes_count (self->nodes); global++)
            zmsg_addstrf (args, "%s %u", peers[global].host, peers[global].p2p_port);
        zmsg_t *reply = tf_agent_link_request (self->links[host], "START", &args, "STARTED",
                                               TF_AGENT_REQUEST_MS, self->env->cancel, error_p);
        zmsg_destroy (&args);
        if (!reply)
            return -1;
        zmsg_destroy (&reply);
    }
    return 0;
}

static tf_deployer_state_t s_state (void *ctx, size_t node, char text[TF_DEPLOYER_STATE_TEXT]);
static int s_act (void *ctx, size_t node, tf_local_proc_t proc, char error[TF_DEPLOYER_STATE_TEXT]);
static const tf_local_procs_t s_procs = {.state = s_state, .act = s_act};

//  Make the node table, then every node's files and command; with hosts:,
//  the agents' share too (started at once). -1 with *error_p.
static int
s_prepare (s_local_t *self, char **error_p)
{
    const tf_plan_t *plan = self->env->plan;
    if (!self->env->run_dir) {
        *error_p = strdup ("no run directory (--run-dir or TF_RUN_DIR)");
        return -1;
    }
    size_t count = (size_t) plan->validators + plan->executors;
    if (plan->host_count) { //  Which nodes are ours, before their directories are made
        self->mine = (bool *) zmalloc ((count + 1) * sizeof (bool));
        for (size_t global = 0; global < count; global++)
            self->mine[global] = s_host_of (self, global) == self->own_host;
    }
    char *nodes_dir = zsys_sprintf ("%s/%s", self->env->run_dir, TF_RUNDIR_NODES);
    self->nodes = tf_local_nodes_new_share (nodes_dir, self->log_dir, plan->validators,
                                            plan->executors, self->mine);
    zstr_free (&nodes_dir);
    if (!self->nodes) {
        *error_p = strdup ("cannot prepare the nodes (see the deployer's log)");
        return -1;
    }
    self->control =
        tf_local_control_new (count, &s_procs, self, self->env->profile, self->env->cancel);
    const char *address = self->own_host >= 0 ? plan->hosts[self->own_host].address : NULL;
    if (plan->host_count) {
        tf_local_nodes_set_address (self->nodes, address);
        self->remote = zmalloc ((count + 1) * sizeof *self->remote);
        self->links = (tf_agent_link_t **) zmalloc (plan->host_count * sizeof (tf_agent_link_t *));
        if (s_prepare_agents (self, error_p))
            return -1;
    }
    tf_local_peer_t *peers = (tf_local_peer_t *) zmalloc ((count + 1) * sizeof (tf_local_peer_t));
    for (size_t global = 0; global < count; global++) {
        int host = s_host_of (self, global);
        peers[global].host = host >= 0 ? plan->hosts[host].address : NULL;
        peers[global].p2p_port = s_remote (self, global)
                                     ? self->remote[global][TF_LOCAL_PORT_P2P]
                                     : tf_local_nodes_port (self->nodes, global, TF_LOCAL_PORT_P2P);
    }
    char start_time[TF_NODE_SPEC_TIME_SIZE];
    tf_node_spec_time ((int64_t) tf_actor_now_ms () + TF_DEPLOYER_LOCAL_START_MARGIN_MS,
                       start_time);
    int rc = tf_local_config_write (self->nodes, plan, self->env->profile, self->binary, start_time,
                                    peers, self->mine, address);
    if (rc)
        *error_p = strdup ("cannot write the nodes' files (see the deployer's log)");
    else if (plan->host_count && (rc = s_start_agents (self, start_time, peers, error_p)) == 0
             && self->client_cert)
        self->watch = tf_agent_watch_new (plan->hosts, plan->host_count, self->client_cert,
                                          self->env->run_id, self->env->alarm_ep);
    free (peers);
    return rc;
}
//  The driver's node table for our nodes
static tf_deployer_node_t *
s_node_table (s_local_t *self)
{
    size_t count = tf_local_nodes_count (self->nodes);
    tf_deployer_node_t *table =
        (tf_deployer_node_t *) zmalloc ((count + 1) * sizeof (tf_deployer_node_t));
    for (size_t node = 0; node < count; node++) {
        table[node] = (tf_deployer_node_t){
            .name = strdup (tf_local_nodes_name (self->nodes, node)),
            .role = strdup (tf_local_nodes_role (self->nodes, node)),
            .index = tf_local_nodes_index (self->nodes, node),
            .api_url = tf_local_nodes_url (self->nodes, node, TF_LOCAL_PORT_HTTP, NULL),
            .testing_url = tf_local_nodes_url (self->nodes, node, TF_LOCAL_PORT_TESTING, NULL),
            .log_path = strdup (tf_local_nodes_log_path (self->nodes, node))};
        int host = s_host_of (self, node);
        if (host >= 0)
            table[node].host = strdup (self->env->plan->hosts[host].name);
        if (s_remote (self, node)) { //  Its log is copied here before cleanup (s_logs)
            const char *address = self->env->plan->hosts[host].address;
            zstr_free (&table[node].api_url);
            zstr_free (&table[node].testing_url);
            zstr_free (&table[node].log_path);
            table[node].log_path = zsys_sprintf ("%s/%s/%s/%s", self->env->run_dir, TF_RUNDIR_NODES,
                                                 table[node].name, TF_RUNDIR_NODE_LOG);
            table[node].api_url =
                zsys_sprintf ("http://%s:%u", address, self->remote[node][TF_LOCAL_PORT_HTTP]);
            table[node].testing_url =
                zsys_sprintf ("http://%s:%u", address, self->remote[node][TF_LOCAL_PORT_TESTING]);
        }
    }
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
    if (self->nodes) {
        *error_p = strdup ("deployed already");
        return -1;
    }
    if (self->cert_error) { //  Said at deploy, where tf shows it, not at create
        *error_p = strdup (self->cert_error);
        return -1;
    }
    if (s_prepare (self, error_p))
        return -1;
    for (size_t node = 0; node < tf_local_nodes_count (self->nodes); node++)
        if (!s_remote (self, node) && tf_local_nodes_start (self->nodes, node)) {
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
    if (!s_remote (self, node))
        return tf_local_nodes_state (self->nodes, node, text);
    if (!s_link_of (self, node)) { //  Cleaned up: its host's agent stopped it
        snprintf (text, TF_DEPLOYER_STATE_TEXT, "stopped by its host's agent");
        return TF_DEPLOYER_EXITED;
    }
    zmsg_t *args = zmsg_new ();
    zmsg_addstrf (args, "%zu", node);
    char *error = NULL;
    zmsg_t *reply = tf_agent_link_request (s_link_of (self, node), "STATE", &args, "STATE",
                                           TF_AGENT_STATE_MS, self->env->cancel, &error);
    char *state = reply ? zmsg_popstr (reply) : NULL;
    char *how = reply ? zmsg_popstr (reply) : NULL;
    snprintf (text, TF_DEPLOYER_STATE_TEXT, "%s", how ? how : error ? error : "");
    tf_deployer_state_t result = state && streq (state, "exited")   ? TF_DEPLOYER_EXITED
                                 : state && streq (state, "paused") ? TF_DEPLOYER_PAUSED
                                                                    : TF_DEPLOYER_RUNNING;
    zstr_free (&state);
    zstr_free (&how);
    zstr_free (&error);
    zmsg_destroy (&reply);
    return result;
}

//  Do proc to node: ours through the table, another host's through its agent
//  (NODE run GLOBAL PROC -> DONE)
static int
s_act (void *ctx, size_t node, tf_local_proc_t proc, char error[TF_DEPLOYER_STATE_TEXT])
{
    s_local_t *self = (s_local_t *) ctx;
    if (!s_remote (self, node))
        return tf_local_nodes_act (self->nodes, node, proc, self->env->cancel, error);
    if (!s_link_of (self, node)) {
        snprintf (error, TF_DEPLOYER_STATE_TEXT, "its host's agent stopped it");
        return -1;
    }
    zmsg_t *args = zmsg_new ();
    zmsg_addstrf (args, "%zu", node);
    zmsg_addstr (args, tf_local_proc_str (proc));
    char *why = NULL;
    zmsg_t *reply = tf_agent_link_request (s_link_of (self, node), "NODE", &args, "DONE",
                                           TF_AGENT_REQUEST_MS, self->env->cancel, &why);
    if (!reply)
        snprintf (error, TF_DEPLOYER_STATE_TEXT, "host %s: %s",
                  self->env->plan->hosts[s_host_of (self, node)].name, why);
    zstr_free (&why);
    int rc = reply ? 0 : -1;
    zmsg_destroy (&reply);
    return rc;
}

static int64_t
s_memory_kb (void *ctx, size_t node)
{
    s_local_t *self = (s_local_t *) ctx;
    return s_remote (self, node) ? -1 : tf_local_nodes_rss_kb (self->nodes, node);
}

static pid_t
s_pid (void *ctx, size_t node)
{
    s_local_t *self = (s_local_t *) ctx;
    return self->nodes && !s_remote (self, node) ? tf_local_nodes_pid (self->nodes, node) : -1;
}

static int
s_control (void *ctx, const tf_deployer_node_t *nodes, size_t count,
           const tf_node_control_t *request, char **text_p)
{
    s_local_t *self = (s_local_t *) ctx;
    return tf_local_control_run (self->control, nodes, count, request, text_p);
}

//  Copy node's log from its host's agent to path, TF_AGENT_LOG_CHUNK bytes
//  a request (LOG run GLOBAL OFFSET -> LOG DATA, empty at its end). 0 or -1.
static int
s_fetch_log (s_local_t *self, size_t node, const char *path)
{
    char *dir = strdup (path);
    *strrchr (dir, '/') = 0;
    zsys_dir_create ("%s", dir);
    zstr_free (&dir);
    FILE *file = fopen (path, "w");
    if (!file) {
        zsys_warning ("deployer: cannot write %s: %s", path, strerror (errno));
        return -1;
    }
    int rc = 0;
    for (uint64_t offset = 0;;) {
        zmsg_t *args = zmsg_new ();
        zmsg_addstrf (args, "%zu", node);
        zmsg_addstrf (args, "%" PRIu64, offset);
        char *error = NULL;
        zmsg_t *reply = tf_agent_link_request (s_link_of (self, node), "LOG", &args, "LOG",
                                               TF_AGENT_REQUEST_MS, self->env->cancel, &error);
        zframe_t *data = reply ? zmsg_pop (reply) : NULL;
        zmsg_destroy (&reply);
        if (!data) {
            zsys_warning ("deployer: log of node %s not copied from its host: %s", path,
                          error ? error : "empty reply");
            zstr_free (&error);
            rc = -1;
            break;
        }
        size_t size = zframe_size (data);
        if (size && fwrite (zframe_data (data), 1, size, file) != size)
            rc = -1;
        zframe_destroy (&data);
        offset += size;
        if (size == 0 || rc)
            break;
    }
    if (fclose (file) != 0)
        rc = -1;
    return rc;
}

//  Before cleanup: copy the logs of the nodes on agents' hosts into the run
//  directory (ours are written there in place)
static int
s_logs (void *ctx, const tf_deployer_node_t *nodes, size_t count)
{
    s_local_t *self = (s_local_t *) ctx;
    int rc = 0;
    for (size_t node = 0; self->links && node < count; node++)
        if (s_remote (self, node) && s_link_of (self, node) && nodes[node].log_path
            && s_fetch_log (self, node, nodes[node].log_path))
            rc = -1;
    return rc;
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
    zactor_destroy (&self->watch); //  An agent lost now no longer fails the run
    char *error = NULL;
    for (size_t host = 0; self->links && host < self->env->plan->host_count; host++) {
        if (!self->links[host])
            continue;
        char *stop_error = NULL;
        zmsg_t *args = zmsg_new ();
        zmsg_addstr (args, self->env->keep_data ? "keep" : "release");
        zmsg_t *reply = tf_agent_link_request (self->links[host], "STOP", &args, "STOPPED",
                                               TF_AGENT_REQUEST_MS, self->env->cancel, &stop_error);
        zmsg_destroy (&args);
        if (!reply && !error)
            error = stop_error;
        else
            zstr_free (&stop_error);
        zmsg_destroy (&reply);
        tf_agent_link_destroy (&self->links[host], false);
    }
    if (self->nodes) {
        if (tf_local_nodes_stop_all (self->nodes, TF_DEPLOYER_LOCAL_STOP_GRACE_MS,
                                     self->env->cancel)) {
            if (!error)
                error = strdup ("not every node stopped");
        }
        else
            s_release_data (self);
    }
    if (error)
        *error_p = error;
    return error ? -1 : 0;
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
    .logs = s_logs, //  Ours are written in place: RUN_DIR/nodes/<name>/node.log
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
