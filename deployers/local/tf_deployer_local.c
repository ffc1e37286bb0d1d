//  tf_deployer_local.c - the local deployer (see tf_deployer_local.h)
//
//  Everything that waits is driven by one ticking timer (TF_READINESS_POLL_MS)
//  and by the HTTP worker's answers: the readiness stages, node-control
//  requests (one at a time, in arrival order) and cleanup. At most one HTTP
//  batch is in flight; whoever needs the worker while it is busy tries again
//  on the next tick.

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <curl/curl.h>
#include "tf_deployer_local_private.h"
#include "tf_rundir.h"

static void s_tick (tf_deployer_local_t *self);
static void s_kill_all_now (tf_deployer_local_t *self);

tf_deployer_local_t *
tf_deployer_local_new (void)
{
    tf_deployer_local_t *self = (tf_deployer_local_t *) zmalloc (sizeof (tf_deployer_local_t));
    //  Initialise libcurl (and its TLS library) here, in the main thread, so
    //  the worker never does it implicitly and cleanup frees it
    curl_global_init (CURL_GLOBAL_DEFAULT);
    self->controls = zlistx_new ();
    const char *keep = getenv (TF_DEPLOYER_LOCAL_KEEP_ENV);
    if (!keep || !*keep)
        keep = getenv (TF_DEPLOYER_LOCAL_KEEP_ALIAS);
    self->keep_logs = keep && *keep && strcmp (keep, "0") != 0 && strcmp (keep, "false") != 0;
    const char *log_dir = getenv (TF_DEPLOYER_LOCAL_LOG_DIR_ENV);
    if (!log_dir || !*log_dir)
        log_dir = getenv ("NOMOS_LOG_DIR");
    self->log_dir = log_dir && *log_dir ? strdup (log_dir) : NULL;
    return self;
}

void
tf_deployer_local_destroy (tf_deployer_local_t **self_p)
{
    assert (self_p);
    tf_deployer_local_t *self = *self_p;
    if (!self)
        return;
    s_kill_all_now (self);
    zactor_destroy (&self->http);
    tf_deployer_local_control_refuse_all (self, NULL);
    zlistx_destroy (&self->controls);
    for (size_t index = 0; index < self->node_count; index++) {
        tf_local_node_t *node = &self->nodes[index];
        free (node->dir);
        free (node->db_path);
        free (node->log_path);
        free (node->peer_id);
    }
    free (self->nodes);
    free (self->blocked);
    free (self->probe_nodes);
    free (self->binary);
    free (self->nodes_dir);
    free (self->log_dir);
    free (self);
    curl_global_cleanup ();
    *self_p = NULL;
}


//  ---------------------------------------------------------------------------
//  Helpers

static const char *
s_env_alias (const char *name, const char *alias)
{
    const char *value = getenv (name);
    if (!value || !*value)
        value = getenv (alias);
    return value && *value ? value : NULL;
}

void
tf_deployer_local_arm_tick (tf_deployer_local_t *self)
{
    if (!self->ticking) {
        self->ticking = true;
        tf_actor_set_timer (self->actor, TF_READINESS_POLL_MS);
    }
}

char *
tf_deployer_local_url (uint16_t port, const char *path)
{
    return zsys_sprintf ("http://%s:%u%s", TF_NODE_SPEC_HOST, port, path ? path : "");
}

//  Take ports from the kernel: bind every socket to port 0 first and close
//  them only after, so no two of ours collide
static int
s_free_ports (uint16_t *ports, size_t count)
{
    int rc = -1;
    int *fds = (int *) zmalloc (count * sizeof (int));
    size_t opened = 0;
    for (; opened < count; opened++) {
        fds[opened] = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        struct sockaddr_in address = {.sin_family = AF_INET};
        address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
        socklen_t length = sizeof address;
        if (fds[opened] < 0 || bind (fds[opened], (struct sockaddr *) &address, sizeof address)
            || getsockname (fds[opened], (struct sockaddr *) &address, &length)) {
            zsys_error ("deployer: cannot get a free port error=\"%s\"", strerror (errno));
            if (fds[opened] >= 0)
                close (fds[opened]);
            goto out;
        }
        ports[opened] = ntohs (address.sin_port);
    }
    rc = 0;
out:
    while (opened > 0)
        close (fds[--opened]);
    free (fds);
    return rc;
}

static int
s_mkdir (const char *path)
{
    if (mkdir (path, TF_DIR_MODE) == 0 || errno == EEXIST)
        return 0;
    zsys_error ("deployer: cannot create directory path=%s error=\"%s\"", path, strerror (errno));
    return -1;
}

//  Write a node's two files with the profile's config templates
static int
s_write_node_files (tf_deployer_local_t *self, tf_local_node_t *node, const tf_node_spec_t *config,
                    const tf_deployment_spec_t *deployment)
{
    int rc = 0;
    for (int file = 0; file < 2 && rc == 0; file++) {
        char *text = NULL;
        size_t size = 0;
        FILE *memory = open_memstream (&text, &size);
        assert (memory);
        if (file == 0)
            self->profile->print_node (config, memory);
        else
            self->profile->print_deployment (deployment, memory);
        fclose (memory);
        char *path =
            zsys_sprintf ("%s/%s", node->dir,
                          file == 0 ? self->profile->node_file : self->profile->deployment_file);
        rc = tf_node_spec_write_file (path, text);
        zstr_free (&path);
        free (text);
    }
    return rc;
}


//  ---------------------------------------------------------------------------
//  Processes

//  Start a node from its files; -1 after logging why
int
tf_deployer_local_start_node (tf_deployer_local_t *self, tf_local_node_t *node)
{
    char *argv[TF_PROFILE_MAX_ARGS + 1];
    int argc = tf_profile_argv (self->profile, self->binary, node->dir, argv);
    if (argc <= 0)
        return -1;
    //  The older NOMOS_LOG_* spellings reach the node under the new names too
    static const char *const names[][2] = {
        {"LOGOS_BLOCKCHAIN_LOG_DIR", "NOMOS_LOG_DIR"},
        {"LOGOS_BLOCKCHAIN_LOG_LEVEL", "NOMOS_LOG_LEVEL"},
        {"LOGOS_BLOCKCHAIN_LOG_FILTER", "NOMOS_LOG_FILTER"},
    };
    char *env[sizeof names / sizeof names[0] + 1];
    size_t env_count = 0;
    for (size_t index = 0; index < sizeof names / sizeof names[0]; index++) {
        const char *value = s_env_alias (names[index][0], names[index][1]);
        if (value)
            env[env_count++] = zsys_sprintf ("%s=%s", names[index][0], value);
    }
    env[env_count] = NULL;
    pid_t pid = tf_node_proc_spawn (argv, node->dir, node->log_path, env);
    for (size_t index = 0; index < env_count; index++)
        zstr_free (&env[index]);
    for (int index = 0; index < argc; index++)
        free (argv[index]);
    if (pid < 0)
        return -1;
    node->pid = pid;
    node->paused = false;
    node->ready.exited = false;
    node->ready.exit_text[0] = 0;
    zsys_info ("deployer: node started name=%s pid=%d http=%u", node->name, (int) pid,
               node->http_port);
    return 0;
}

//  Reap every node that ended; log the unexpected ones
static void
s_reap (tf_deployer_local_t *self)
{
    for (size_t index = 0; index < self->node_count; index++) {
        tf_local_node_t *node = &self->nodes[index];
        int status;
        if (!tf_node_proc_reap (node->pid, &status))
            continue;
        char text[TF_NODE_PROC_TEXT_SIZE];
        tf_node_proc_describe (status, text);
        snprintf (node->ready.exit_text, sizeof node->ready.exit_text, "%s", text);
        node->ready.exited = true;
        node->pid = 0;
        node->paused = false;
        if (!self->cleaning)
            zsys_notice ("deployer: node process ended name=%s %s log=%s", node->name, text,
                         node->log_path);
    }
}

//  Kill every node and wait for it: the stop handler's path, where blocking
//  no longer matters
static void
s_kill_all_now (tf_deployer_local_t *self)
{
    for (size_t index = 0; index < self->node_count; index++) {
        tf_local_node_t *node = &self->nodes[index];
        if (node->pid > 0) {
            tf_node_proc_signal (node->pid, SIGKILL);
            int status;
            waitpid (node->pid, &status, 0);
            zsys_info ("deployer: node killed name=%s pid=%d", node->name, (int) node->pid);
            node->pid = 0;
        }
    }
}

static void
s_remove_tree (const char *path)
{
    zdir_t *dir = zdir_new (path, NULL);
    if (dir) {
        zdir_remove (dir, true);
        zdir_destroy (&dir);
    }
}

//  After every node stopped: remove their data, or say where it stays
static void
s_release_data (tf_deployer_local_t *self)
{
    for (size_t index = 0; index < self->node_count; index++) {
        tf_local_node_t *node = &self->nodes[index];
        if (self->keep_logs)
            zsys_notice ("deployer: kept node files name=%s dir=%s log=%s", node->name, node->dir,
                         node->log_path);
        else
            s_remove_tree (node->db_path);
    }
}


//  ---------------------------------------------------------------------------
//  Deploy

//  Build every node's files and start them; -1 after logging why
static int
s_prepare (tf_deployer_local_t *self, const tf_plan_t *plan)
{
    int rc = -1;
    tf_genesis_t *genesis = NULL;
    uint16_t *ports = NULL;
    const char *run_dir = tf_actor_run_dir (self->actor);
    if (!run_dir) {
        zsys_error ("deployer: no run directory (--run-dir or TF_RUN_DIR)");
        goto out;
    }
    self->nodes_dir = zsys_sprintf ("%s/%s", run_dir, TF_RUNDIR_NODES);
    if (s_mkdir (self->nodes_dir) || (self->log_dir && s_mkdir (self->log_dir)))
        goto out;
    genesis = tf_genesis_new (plan);
    if (!genesis)
        goto out;

    self->node_count = (size_t) plan->validators + plan->executors;
    self->nodes = (tf_local_node_t *) zmalloc ((self->node_count ? self->node_count : 1)
                                               * sizeof (tf_local_node_t));
    self->blocked = (bool *) zmalloc ((self->node_count ? self->node_count * self->node_count : 1)
                                      * sizeof (bool));
    ports = (uint16_t *) zmalloc ((self->node_count * TF_PORTS_PER_NODE + 1) * sizeof (uint16_t));
    if (s_free_ports (ports, self->node_count * TF_PORTS_PER_NODE))
        goto out;
    for (uint32_t global = 0; global < self->node_count; global++) {
        tf_local_node_t *node = &self->nodes[global];
        bool executor = global >= plan->validators;
        node->role = executor ? "executor" : "validator";
        node->index = executor ? global - plan->validators : global;
        snprintf (node->name, sizeof node->name, "%s-%u", node->role, node->index);
        node->dir = zsys_sprintf ("%s/%s", self->nodes_dir, node->name);
        node->db_path = zsys_sprintf ("%s/db", node->dir);
        node->log_path = self->log_dir ? zsys_sprintf ("%s/%s.log", self->log_dir, node->name)
                                       : zsys_sprintf ("%s/node.log", node->dir);
        node->http_port = ports[global * TF_PORTS_PER_NODE];
        node->testing_port = ports[global * TF_PORTS_PER_NODE + 1];
        node->p2p_port = ports[global * TF_PORTS_PER_NODE + 2];
        node->ready.role = node->role;
        node->ready.index = node->index;
        node->ready.http_port = node->http_port;
        node->ready.log_path = node->log_path;
        node->ready.expected_peers =
            tf_topology_degree (plan->network, (uint32_t) self->node_count, global);
        if (s_mkdir (node->dir) || s_mkdir (node->db_path))
            goto out;
    }

    //  Shared deployment file, one copy per node
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
    for (uint32_t global = 0; global < self->node_count; global++) {
        tf_local_node_t *node = &self->nodes[global];
        uint32_t peers[TF_PLAN_MAX_NODES];
        uint16_t peer_ports[TF_PLAN_MAX_NODES];
        size_t peer_count = tf_topology_initial_peers (plan->network, (uint32_t) self->node_count,
                                                       global, peers, TF_PLAN_MAX_NODES);
        for (size_t peer = 0; peer < peer_count; peer++)
            peer_ports[peer] = self->nodes[peers[peer]].p2p_port;
        uint8_t node_key[TF_KEYS_SEED_SIZE];
        if (tf_keys_seed (TF_KEYS_PURPOSE_NODE, plan->seed, global, node_key))
            goto out;
        tf_node_spec_t config = {.http_port = node->http_port,
                                 .testing_port = node->testing_port,
                                 .p2p_port = node->p2p_port,
                                 .node_key = node_key,
                                 .leader_key = genesis->leaders[global].key.seed,
                                 .peer_ports = peer_ports,
                                 .peer_count = peer_count,
                                 .db_path = node->db_path,
                                 .log_dir = NULL, //  Stderr, which goes to log_path
                                 .log_prefix = node->name,
                                 .log_level = log_level,
                                 .log_filter = log_filter};
        if (s_write_node_files (self, node, &config, &deployment))
            goto out;
    }
    for (size_t index = 0; index < self->node_count; index++)
        if (tf_deployer_local_start_node (self, &self->nodes[index]))
            goto out;
    rc = 0;
out:
    free (ports);
    tf_genesis_destroy (&genesis);
    return rc;
}

static void
s_enter_stage (tf_deployer_local_t *self, tf_readiness_stage_t stage)
{
    self->stage = stage;
    self->stage_deadline = zclock_mono () + tf_readiness_timeout_ms ();
    for (size_t index = 0; index < self->node_count; index++)
        self->nodes[index].ready.ready = false;
    if (stage != TF_READINESS_DONE)
        zsys_info ("deployer: waiting for %s readiness nodes=%zu", tf_readiness_stage_name (stage),
                   self->node_count);
}

//  Fail the deploy phase with the report of every node
static void
s_fail_readiness (tf_deployer_local_t *self, bool timed_out)
{
    tf_readiness_node_t *states =
        (tf_readiness_node_t *) zmalloc ((self->node_count + 1) * sizeof (tf_readiness_node_t));
    for (size_t index = 0; index < self->node_count; index++)
        states[index] = self->nodes[index].ready;
    char *report = tf_readiness_report (self->stage, timed_out, states, self->node_count);
    free (states);
    self->deploying = false;
    tf_actor_phase_done (self->actor, false, report);
    free (report);
}

//  Report the nodes and acknowledge the deploy phase
static void
s_deployed (tf_deployer_local_t *self)
{
    tf_node_info_t *infos =
        (tf_node_info_t *) zmalloc ((self->node_count + 1) * sizeof (tf_node_info_t));
    for (size_t index = 0; index < self->node_count; index++) {
        tf_local_node_t *node = &self->nodes[index];
        infos[index] =
            (tf_node_info_t){.name = node->name,
                             .role = (char *) node->role,
                             .index = node->index,
                             .api_url = tf_deployer_local_url (node->http_port, NULL),
                             .testing_url = tf_deployer_local_url (node->testing_port, NULL),
                             .peer_id = node->peer_id,
                             .log_path = node->log_path};
    }
    tf_run_nodes_t nodes = {.run_id = (char *) tf_actor_run_id (self->actor)};
    nodes.nodes.items = infos;
    nodes.nodes.count = self->node_count;
    int rc = tf_actor_send (self->actor, TF_MSG_run_nodes, &nodes);
    for (size_t index = 0; index < self->node_count; index++) {
        free (infos[index].api_url);
        free (infos[index].testing_url);
    }
    free (infos);
    self->deploying = false;
    if (rc)
        tf_actor_phase_done (self->actor, false, "cannot send the node list to the coordinator");
    else {
        zsys_info ("deployer: all nodes ready nodes=%zu", self->node_count);
        tf_actor_phase_done (self->actor, true, NULL);
    }
}

//  One readiness step per tick
static void
s_readiness_tick (tf_deployer_local_t *self)
{
    for (size_t index = 0; index < self->node_count; index++)
        if (self->nodes[index].ready.exited) {
            s_fail_readiness (self, false);
            return;
        }
    if (zclock_mono () >= self->stage_deadline) {
        s_fail_readiness (self, true);
        return;
    }
    if (self->http_busy)
        return;
    const char *path = self->stage == TF_READINESS_NETWORK ? self->profile->network_path
                                                           : self->profile->info_path;
    tf_http_request_t *requests =
        (tf_http_request_t *) zmalloc ((self->node_count + 1) * sizeof (tf_http_request_t));
    free (self->probe_nodes);
    self->probe_nodes = (size_t *) zmalloc ((self->node_count + 1) * sizeof (size_t));
    self->probe_count = 0;
    for (size_t index = 0; index < self->node_count; index++) {
        if (self->nodes[index].ready.ready)
            continue;
        requests[self->probe_count].method = "GET";
        requests[self->probe_count].url =
            tf_deployer_local_url (self->nodes[index].http_port, path);
        self->probe_nodes[self->probe_count++] = index;
    }
    char *tag = zsys_sprintf ("%s:%d", TF_TAG_READY, (int) self->stage);
    if (tf_http_worker_send (self->http, tag, requests, self->probe_count) == 0)
        self->http_busy = true;
    zstr_free (&tag);
    for (size_t index = 0; index < self->probe_count; index++)
        zstr_free (&requests[index].url);
    free (requests);
}

static void
s_readiness_answers (tf_deployer_local_t *self, int stage, tf_http_request_t *answers, size_t count)
{
    if (!self->deploying || stage != (int) self->stage || count != self->probe_count)
        return; //  Stale: the stage moved on
    for (size_t answer = 0; answer < count; answer++) {
        tf_local_node_t *node = &self->nodes[self->probe_nodes[answer]];
        tf_readiness_observe (self->stage, &node->ready, answers[answer].status,
                              answers[answer].answer);
        if (self->stage == TF_READINESS_NETWORK && answers[answer].status >= TF_HTTP_OK_MIN
            && answers[answer].status <= TF_HTTP_OK_MAX) {
            json_t *root = json_loads (answers[answer].answer, 0, NULL);
            const char *peer_id = json_string_value (json_object_get (root, "peer_id"));
            if (peer_id) {
                free (node->peer_id);
                node->peer_id = strdup (peer_id);
            }
            json_decref (root);
        }
    }
    bool all = true;
    for (size_t index = 0; index < self->node_count; index++)
        all = all && self->nodes[index].ready.ready;
    if (!all)
        return;
    s_enter_stage (self, (tf_readiness_stage_t) (self->stage + 1));
    if (self->stage == TF_READINESS_DONE)
        s_deployed (self);
}

static int
s_begin_deploy (tf_deployer_local_t *self)
{
    const tf_plan_t *plan = tf_actor_plan (self->actor);
    assert (plan); //  The runtime delivers the plan before phases
    if (access (self->binary, X_OK) != 0) {
        char *reason = zsys_sprintf ("node binary %s is not executable: %s (set %s)", self->binary,
                                     strerror (errno), TF_PROFILE_BIN_ENV);
        tf_actor_phase_done (self->actor, false, reason);
        zstr_free (&reason);
        return TF_ACTOR_PENDING;
    }
    if (s_prepare (self, plan)) {
        tf_actor_phase_done (self->actor, false,
                             "cannot prepare the nodes (see the deployer's log)");
        return TF_ACTOR_PENDING;
    }
    self->deploying = true;
    s_enter_stage (self, TF_READINESS_HTTP);
    tf_deployer_local_arm_tick (self);
    return TF_ACTOR_PENDING;
}


//  ---------------------------------------------------------------------------
//  Cleanup

static int
s_begin_cleanup (tf_deployer_local_t *self)
{
    self->deploying = false;
    self->cleaning = true;
    tf_deployer_local_control_refuse_all (self, "the run is cleaning up");
    for (size_t index = 0; index < self->node_count; index++) {
        tf_local_node_t *node = &self->nodes[index];
        if (node->pid > 0) {
            tf_node_proc_signal (node->pid, SIGTERM);
            if (node->paused) //  A stopped process acts on SIGTERM once continued
                tf_node_proc_signal (node->pid, SIGCONT);
        }
    }
    self->kill_at = zclock_mono () + TF_DEPLOYER_LOCAL_STOP_GRACE_MS;
    tf_deployer_local_arm_tick (self);
    return TF_ACTOR_PENDING;
}

static void
s_cleanup_tick (tf_deployer_local_t *self)
{
    bool running = false;
    for (size_t index = 0; index < self->node_count; index++)
        running = running || self->nodes[index].pid > 0;
    if (!running) {
        self->cleaning = false;
        s_release_data (self);
        zsys_info ("deployer: every node stopped nodes=%zu", self->node_count);
        tf_actor_phase_done (self->actor, true, NULL);
        return;
    }
    if (zclock_mono () >= self->kill_at) {
        for (size_t index = 0; index < self->node_count; index++)
            if (self->nodes[index].pid > 0) {
                zsys_notice ("deployer: node ignored SIGTERM name=%s; killing",
                             self->nodes[index].name);
                tf_node_proc_signal (self->nodes[index].pid, SIGKILL);
            }
        self->kill_at = INT64_MAX;
    }
}


//  ---------------------------------------------------------------------------
//  Runtime handlers

static void
s_tick (tf_deployer_local_t *self)
{
    s_reap (self);
    if (self->deploying)
        s_readiness_tick (self);
    else if (self->cleaning)
        s_cleanup_tick (self);
    else
        tf_deployer_local_control_tick (self);
}

static int
s_on_http (tf_actor_t *actor, void *state, zsock_t *reader)
{
    tf_deployer_local_t *self = (tf_deployer_local_t *) state;
    tf_http_request_t *answers = NULL;
    size_t count = 0;
    char *tag = tf_http_worker_recv (self->http, &answers, &count);
    self->http_busy = false;
    if (!tag)
        return 0;
    if (strncmp (tag, TF_TAG_READY ":", strlen (TF_TAG_READY ":")) == 0)
        s_readiness_answers (self, atoi (tag + strlen (TF_TAG_READY ":")), answers, count);
    else if (streq (tag, TF_TAG_CONTROL) && !self->cleaning)
        tf_deployer_local_control_answers (self, answers, count);
    zstr_free (&tag);
    tf_http_requests_free (&answers, count);
    return 0;
}

static int
s_on_plan (tf_actor_t *actor, void *state, const tf_plan_t *plan)
{
    tf_deployer_local_t *self = (tf_deployer_local_t *) state;
    self->actor = actor;
    self->profile = tf_profile_find (plan->node_profile);
    if (!self->profile) {
        tf_actor_fail (actor, "unknown node profile '%s'", plan->node_profile);
        return -1;
    }
    const char *timeout_error = tf_readiness_timeout_error ();
    if (timeout_error) {
        tf_actor_fail (actor, "%s (got '%s')", timeout_error, getenv (TF_READINESS_TIMEOUT_ENV));
        return -1;
    }
    self->binary = tf_profile_binary (self->profile);
    self->http = tf_http_worker_new ();
    if (!self->http || tf_actor_add_reader (actor, zactor_sock (self->http), s_on_http)) {
        tf_actor_fail (actor, "cannot start the HTTP worker");
        return -1;
    }
    zsys_info ("deployer: plan received profile=%s binary=%s validators=%u executors=%u "
               "network=%s",
               self->profile->name, self->binary, plan->validators, plan->executors,
               tf_topology_name (plan->network));
    return 0;
}

static int
s_on_phase (tf_actor_t *actor, void *state, tf_phase_t phase)
{
    tf_deployer_local_t *self = (tf_deployer_local_t *) state;
    self->actor = actor;
    if (phase == TF_PHASE_DEPLOY)
        return s_begin_deploy (self);
    if (phase == TF_PHASE_CLEANUP)
        return s_begin_cleanup (self);
    return TF_ACTOR_ACK;
}

static int
s_on_message (tf_actor_t *actor, void *state, tf_msg_t *msg)
{
    tf_deployer_local_t *self = (tf_deployer_local_t *) state;
    self->actor = actor;
    if (msg->id == TF_MSG_node_control)
        tf_deployer_local_control_request (self, &msg->node_control);
    return 0;
}

static int
s_on_timer (tf_actor_t *actor, void *state)
{
    tf_deployer_local_t *self = (tf_deployer_local_t *) state;
    self->ticking = false;
    s_tick (self);
    bool work = self->deploying || self->cleaning || zlistx_size (self->controls) > 0;
    if (work)
        tf_deployer_local_arm_tick (self);
    return 0;
}

static void
s_on_stop (tf_actor_t *actor, void *state)
{
    tf_deployer_local_t *self = (tf_deployer_local_t *) state;
    bool any = false;
    for (size_t index = 0; index < self->node_count; index++)
        any = any || self->nodes[index].pid > 0;
    s_kill_all_now (self);
    if (any)
        s_release_data (self);
    if (self->http) {
        tf_actor_remove_reader (actor, zactor_sock (self->http));
        zactor_destroy (&self->http);
    }
}

static const tf_actor_handlers_t s_handlers = {
    .plan = s_on_plan,
    .phase = s_on_phase,
    .message = s_on_message,
    .timer = s_on_timer,
    .stop = s_on_stop,
};

static void *
s_create (const tf_actor_config_t *config)
{
    return tf_deployer_local_new ();
}

static void
s_destroy (void **state_p)
{
    tf_deployer_local_destroy ((tf_deployer_local_t **) state_p);
}

const tf_actor_class_t tf_deployer_local_class = {
    .program = "tf-deployer-local",
    .role = "deployer",
    .kind = "local",
    .summary =
        "Deploy the run's nodes as local processes, wait for readiness, serve node control.\n"
        "Node binary: LOGOS_BLOCKCHAIN_NODE_BIN (alias NOMOS_NODE_BIN), else tf-node beside\n"
        "this program. Keep node data: LOGOS_BLOCKCHAIN_TESTS_KEEP_LOGS=1. Logs:\n"
        "LOGOS_BLOCKCHAIN_LOG_DIR, _LEVEL, _FILTER. SLOW_TEST_ENV=true doubles readiness "
        "timeouts.\n",
    .create = s_create,
    .destroy = s_destroy,
    .handlers = &s_handlers,
};
