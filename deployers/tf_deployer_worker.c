//  tf_deployer_worker.c - the deployer's worker thread (see tf_deployer_worker.h)
//
//  Readiness is polled here for every backend alike: each round asks the
//  backend for every node's process state (an exited node fails the stage at
//  once), then probes every node not yet ready with one concurrent batch of
//  HTTP requests (tf_api_client_batch), then waits TF_READINESS_POLL_MS; the
//  stage fails when its deadline (tf_readiness_timeout_ms) passes.

#include "tf_api_client.h"
#include "tf_deployer_cancel.h"
#include "tf_deployer_worker.h"
#include "tf_diagnostics.h"
#include "tf_resources.h"
#include "tf_topology.h"


//  Names of the commands on the pipe, by tf_deployer_command_t
static const char *const s_command_names[] = {"DEPLOY", "CONTROL", "CLEANUP", "DIAGNOSE", "SAMPLE"};
#define S_COMMAND_COUNT (sizeof s_command_names / sizeof s_command_names[0])

//  How waiting for a stage ended
typedef enum {
    S_STAGE_READY = 0, //  Every node passed
    S_STAGE_EXITED,    //  A node's process ended
    S_STAGE_TIMED_OUT, //  The deadline passed
    S_STAGE_CANCELLED  //  Asked to end
} s_stage_rc_t;

//  The thread's state
typedef struct {
    const tf_deployer_ops_t *ops; //  The backend
    void *ctx;                    //  Its state, owned
    const tf_deployer_env_t *env; //  What it was made for, not owned
    tf_deployer_cancel_t *cancel; //  env->cancel, not owned
    zsock_t *pipe;                //  To the actor, not owned
    tf_deployer_node_t *nodes;    //  The node table, once deployed
    size_t node_count;            //  Its length
    tf_readiness_node_t *ready;   //  Readiness of each node
    char *metrics_url;            //  Prometheus query API of the run, or NULL
    tf_resources_t *resources;    //  Node accounts while sampling, else NULL
    int64_t next_sample;          //  When to sample next (zclock_mono)
} s_worker_t;


//  ---------------------------------------------------------------------------
//  Replies

//  Send a command's reply; nodes (DEPLOY) may be NULL
static void
s_reply (s_worker_t *self, tf_deployer_command_t command, bool ok, const char *text,
         const tf_run_nodes_t *nodes)
{
    zmsg_t *msg = zmsg_new ();
    zmsg_addstr (msg, s_command_names[command]);
    zmsg_addstr (msg, ok ? "1" : "0");
    zmsg_addstr (msg, text ? text : "");
    if (nodes) {
        uint8_t *data = NULL;
        size_t size = 0;
        //  Every field comes from our own table, so encoding cannot fail
        if (tf_msg_encode (TF_MSG_run_nodes, nodes, &data, &size) == 0)
            zmsg_addmem (msg, data, size);
        else
            zsys_error ("deployer: cannot encode run.nodes: %s", tf_msg_last_error ());
        free (data);
    }
    zmsg_send (&msg, self->pipe);
}

//  Report the node table
static void
s_reply_nodes (s_worker_t *self)
{
    tf_node_info_t *infos =
        (tf_node_info_t *) zmalloc ((self->node_count + 1) * sizeof (tf_node_info_t));
    for (size_t index = 0; index < self->node_count; index++) {
        const tf_deployer_node_t *node = &self->nodes[index];
        infos[index] = (tf_node_info_t){.name = node->name,
                                        .role = node->role,
                                        .index = node->index,
                                        .api_url = node->api_url,
                                        .testing_url = node->testing_url,
                                        .peer_id = node->peer_id,
                                        .log_path = node->log_path,
                                        .host = node->host};
    }
    tf_run_nodes_t nodes = {.run_id = (char *) (self->env->run_id ? self->env->run_id : "")};
    nodes.nodes.items = infos;
    nodes.nodes.count = self->node_count;
    nodes.metrics_url = self->metrics_url;
    s_reply (self, TF_DEPLOYER_WORKER_DEPLOY, true, NULL, &nodes);
    free (infos);
}


//  ---------------------------------------------------------------------------
//  Resource samples

//  Start sampling every node (after a deploy that succeeded), if the backend can
static void
s_sampling_start (s_worker_t *self)
{
    tf_resources_destroy (&self->resources);
    if (!self->ops->pid || self->node_count == 0)
        return;
    self->resources = tf_resources_new (self->node_count);
    self->next_sample = zclock_mono ();
}

//  Sample every node and send each sample to the actor. Between commands the
//  pipe holds the next command, so the backend's ops must not read it: the
//  cancel is unbound meanwhile (it never says cancelled, waits just sleep).
static void
s_sample (s_worker_t *self)
{
    tf_deployer_cancel_bind (self->cancel, NULL);
    uint64_t now = (uint64_t) tf_actor_now_ms ();
    for (size_t node = 0; node < self->node_count; node++) {
        char text[TF_DEPLOYER_STATE_TEXT] = "";
        bool exited =
            self->ops->state && self->ops->state (self->ctx, node, text) == TF_DEPLOYER_EXITED;
        pid_t pid = exited ? -1 : self->ops->pid (self->ctx, node);
        tf_resources_proc_t proc;
        bool read = pid > 0 && tf_resources_read (pid, &proc) == 0;
        tf_node_resources_t sample;
        tf_resources_account (self->resources, node, pid, read ? &proc : NULL, now, &sample);
        sample.node = self->nodes[node].name;
        uint8_t *data = NULL;
        size_t size = 0;
        if (tf_msg_encode (TF_MSG_node_resources, &sample, &data, &size) == 0) {
            zmsg_t *msg = zmsg_new ();
            zmsg_addstr (msg, s_command_names[TF_DEPLOYER_WORKER_SAMPLE]);
            zmsg_addstr (msg, "1");
            zmsg_addstr (msg, "");
            zmsg_addmem (msg, data, size);
            zmsg_send (&msg, self->pipe);
        }
        free (data);
    }
    tf_deployer_cancel_bind (self->cancel, self->pipe);
    self->next_sample = zclock_mono () + TF_RESOURCES_SAMPLE_MS;
}


//  ---------------------------------------------------------------------------
//  Readiness

//  The port of a URL's authority ("http://127.0.0.1:18080/x" -> 18080), or 0
static uint16_t
s_url_port (const char *url)
{
    const char *host = strstr (url, "://");
    host = host ? host + strlen ("://") : url;
    const char *end = host + strcspn (host, "/");
    const char *bracket = memchr (host, ']', (size_t) (end - host)); //  [::1]:80
    const char *colon = NULL;
    for (const char *at = bracket ? bracket : host; at < end; at++)
        if (*at == ':')
            colon = at;
    return colon ? (uint16_t) atoi (colon + 1) : 0;
}

//  Set up readiness for a fresh node table
static void
s_ready_init (s_worker_t *self)
{
    const tf_plan_t *plan = self->env->plan;
    self->ready =
        (tf_readiness_node_t *) zmalloc ((self->node_count + 1) * sizeof (tf_readiness_node_t));
    for (size_t index = 0; index < self->node_count; index++) {
        tf_readiness_node_t *ready = &self->ready[index];
        const tf_deployer_node_t *node = &self->nodes[index];
        ready->role = node->role;
        ready->index = node->index;
        ready->http_port = s_url_port (node->api_url);
        ready->url = self->ops->name_by_url ? node->api_url : NULL;
        ready->log_path = node->log_path;
        ready->host = node->host;
        ready->expected_peers =
            tf_topology_degree (plan->network, (uint32_t) self->node_count, (uint32_t) index);
    }
}

//  Ask the backend how each listed node's process is; true when one exited
static bool
s_refresh_states (s_worker_t *self, const size_t *which, size_t count)
{
    bool exited = false;
    for (size_t at = 0; at < count && self->ops->state; at++) {
        tf_readiness_node_t *ready = &self->ready[which[at]];
        char text[TF_DEPLOYER_STATE_TEXT] = "";
        ready->exited = self->ops->state (self->ctx, which[at], text) == TF_DEPLOYER_EXITED;
        if (ready->exited)
            snprintf (ready->exit_text, sizeof ready->exit_text, "%s", text);
        exited = exited || ready->exited;
    }
    return exited;
}

//  Wait until every listed node passes stage, or deadline (zclock_mono)
static s_stage_rc_t
s_wait_stage (s_worker_t *self, tf_readiness_stage_t stage, const size_t *which, size_t count,
              int64_t deadline)
{
    assert (self->env->profile); //  The driver refuses stages without a profile
    const char *path = tf_readiness_stage_path (stage, self->env->profile);
    tf_api_request_t *requests =
        (tf_api_request_t *) zmalloc ((count + 1) * sizeof (tf_api_request_t));
    size_t *probed = (size_t *) zmalloc ((count + 1) * sizeof (size_t));
    char **urls = (char **) zmalloc ((count + 1) * sizeof (char *));
    for (size_t at = 0; at < count; at++) {
        self->ready[which[at]].ready = false;
        urls[at] = zsys_sprintf ("%s%s", self->nodes[which[at]].api_url, path);
    }
    s_stage_rc_t rc;
    while (true) {
        if (s_refresh_states (self, which, count)) {
            rc = S_STAGE_EXITED;
            break;
        }
        int64_t left = deadline - zclock_mono ();
        if (left <= 0) {
            rc = S_STAGE_TIMED_OUT;
            break;
        }
        size_t probe_count = 0;
        for (size_t at = 0; at < count; at++)
            if (!self->ready[which[at]].ready) {
                requests[probe_count] = (tf_api_request_t){.url = urls[at]};
                probed[probe_count++] = which[at];
            }
        int batch_rc =
            tf_api_client_batch (requests, probe_count, left, tf_deployer_cancelled, self->cancel);
        bool all = true;
        for (size_t probe = 0; probe < probe_count; probe++) {
            tf_api_request_t *request = &requests[probe];
            if (batch_rc == 0)
                tf_readiness_observe (stage, &self->ready[probed[probe]], request->status,
                                      request->status ? request->answer : request->error);
            all = all && self->ready[probed[probe]].ready;
            tf_api_request_clear (request);
        }
        if (batch_rc != 0 || (!all && tf_deployer_wait (self->cancel, TF_READINESS_POLL_MS))) {
            rc = S_STAGE_CANCELLED;
            break;
        }
        if (all) {
            rc = S_STAGE_READY;
            break;
        }
    }
    for (size_t at = 0; at < count; at++)
        zstr_free (&urls[at]);
    free (urls);
    free (probed);
    free (requests);
    return rc;
}

//  The run's Prometheus, once the nodes are ready: LOGOS_BLOCKCHAIN_METRICS_QUERY_URL
//  names one already running; else the backend starts one when the plan asks
//  (observability.prometheus). 0, or -1 with *error_p.
static int
s_metrics (s_worker_t *self, char **error_p)
{
    zstr_free (&self->metrics_url);
    const char *existing = getenv (TF_DEPLOYER_METRICS_URL_ENV);
    if (existing && *existing) {
        self->metrics_url = strdup (existing);
        size_t length = strlen (self->metrics_url);
        while (length > 0 && self->metrics_url[length - 1] == '/')
            self->metrics_url[--length] = 0; //  The API paths are appended to it
        zsys_info ("deployer: metrics from an existing Prometheus url=%s (%s)", self->metrics_url,
                   TF_DEPLOYER_METRICS_URL_ENV);
        return 0;
    }
    if (!self->env->plan->prometheus || tf_plan_is_replay (self->env->plan))
        return 0; //  A replay judges what was recorded: no server
    if (!self->ops->metrics) {
        *error_p = zsys_sprintf ("observability.prometheus: the %s runner cannot start a "
                                 "Prometheus server (not built yet); set %s to one that scrapes "
                                 "the nodes",
                                 self->ops->runner, TF_DEPLOYER_METRICS_URL_ENV);
        return -1;
    }
    return self->ops->metrics (self->ctx, self->nodes, self->node_count, &self->metrics_url,
                               error_p);
}

//  Deploy, then walk the backend's readiness stages over every node
static void
s_deploy (s_worker_t *self)
{
    char *error = NULL;
    tf_deployer_node_t *nodes = NULL;
    size_t count = 0;
    if (self->ops->deploy (self->ctx, &nodes, &count, &error)) {
        s_reply (self, TF_DEPLOYER_WORKER_DEPLOY, false, error ? error : "deploy failed", NULL);
        zstr_free (&error);
        return;
    }
    tf_deployer_nodes_free (&self->nodes, self->node_count);
    free (self->ready);
    self->nodes = nodes;
    self->node_count = count;
    s_ready_init (self);
    size_t *every = (size_t *) zmalloc ((count + 1) * sizeof (size_t));
    for (size_t index = 0; index < count; index++)
        every[index] = index;
    s_stage_rc_t rc = S_STAGE_READY;
    tf_readiness_stage_t stage;
    for (stage = TF_READINESS_HTTP; stage < TF_READINESS_DONE && rc == S_STAGE_READY; stage++) {
        if (!(self->ops->stages & TF_READINESS_BIT (stage)) || count == 0)
            continue;
        //  The DA balancer: only with executors, and a profile that has it
        if (stage == TF_READINESS_DA
            && (self->env->plan->executors == 0
                || !tf_readiness_stage_path (stage, self->env->profile)))
            continue;
        zsys_info ("deployer: waiting for %s readiness nodes=%zu", tf_readiness_stage_name (stage),
                   count);
        rc = s_wait_stage (self, stage, every, count, zclock_mono () + tf_readiness_timeout_ms ());
        if (rc != S_STAGE_READY)
            break;
        for (size_t index = 0; index < count; index++)
            if (self->ready[index].peer_id[0] && !self->nodes[index].peer_id)
                self->nodes[index].peer_id = strdup (self->ready[index].peer_id);
    }
    free (every);
    if (rc == S_STAGE_READY && s_metrics (self, &error)) {
        s_reply (self, TF_DEPLOYER_WORKER_DEPLOY, false, error ? error : "metrics failed", NULL);
        zstr_free (&error);
    }
    else if (rc == S_STAGE_READY) {
        s_reply_nodes (self);
        s_sampling_start (self);
    }
    else if (rc == S_STAGE_CANCELLED)
        s_reply (self, TF_DEPLOYER_WORKER_DEPLOY, false, "cancelled", NULL);
    else {
        char *report = tf_readiness_report (stage, rc == S_STAGE_TIMED_OUT, self->ready, count);
        s_reply (self, TF_DEPLOYER_WORKER_DEPLOY, false, report, NULL);
        free (report);
    }
}


//  ---------------------------------------------------------------------------
//  Node control and cleanup

//  Restart and start bring a node up: the request is done once its API answers
static bool
s_brings_up (tf_control_action_t action)
{
    return action == TF_CONTROL_RESTART || action == TF_CONTROL_START;
}

//  Carry out one request; the error, when it failed (caller frees), else NULL.
//  *note_p gets the control op's note when it has one (caller frees).
static char *
s_control (s_worker_t *self, const tf_node_control_t *request, char **note_p)
{
    char *text = NULL;
    const char *action = tf_control_action_str (request->action);
    if (!self->ops->control)
        return zsys_sprintf ("%s: this deployer has no node control", action);
    if (self->ops->control (self->ctx, self->nodes, self->node_count, request, &text))
        return text ? text : zsys_sprintf ("%s: failed", action);
    *note_p = text;
    ssize_t touched =
        request->node ? tf_deployer_node_find (self->nodes, self->node_count, request->node) : -1;
    if (self->resources && touched >= 0
        && (s_brings_up (request->action) || request->action == TF_CONTROL_STOP))
        tf_resources_asked (self->resources, (size_t) touched);
    if (!s_brings_up (request->action)
        || !(self->ops->stages & TF_READINESS_BIT (TF_READINESS_HTTP)))
        return NULL;
    ssize_t found = tf_deployer_node_find (self->nodes, self->node_count, request->node);
    assert (found >= 0); //  The driver checked the name
    size_t node = (size_t) found;
    int64_t timeout_ms = tf_readiness_timeout_ms ();
    tf_readiness_node_t *ready = &self->ready[node];
    switch (s_wait_stage (self, TF_READINESS_HTTP, &node, 1, zclock_mono () + timeout_ms)) {
        case S_STAGE_READY:
            return NULL;
        case S_STAGE_EXITED:
            return zsys_sprintf ("%s: node %s process %s (log: %s)", action, self->nodes[node].name,
                                 ready->exit_text,
                                 self->nodes[node].log_path ? self->nodes[node].log_path : "none");
        case S_STAGE_TIMED_OUT:
            return zsys_sprintf ("%s: node %s api not answering after %" PRId64 " ms (%s)", action,
                                 self->nodes[node].name, timeout_ms, ready->error);
        case S_STAGE_CANCELLED:
            break;
    }
    return zsys_sprintf ("%s: cancelled", action);
}

//  Decode and carry out a CONTROL command
static void
s_on_control (s_worker_t *self, zmsg_t *msg)
{
    zframe_t *frame = zmsg_pop (msg);
    tf_node_control_t request;
    memset (&request, 0, sizeof request);
    int rc = frame ? tf_msg_decode (TF_MSG_node_control, zframe_data (frame), zframe_size (frame),
                                    &request)
                   : -1;
    zframe_destroy (&frame);
    //  The actor encoded it, so a request that does not decode is a bug, refused all the same
    char *note = NULL;
    char *error = rc == 0 ? s_control (self, &request, &note)
                          : zsys_sprintf ("node.control does not decode: %s", tf_msg_last_error ());
    s_reply (self, TF_DEPLOYER_WORKER_CONTROL, error == NULL, error ? error : note, NULL);
    zstr_free (&error);
    zstr_free (&note);
    tf_msg_body_free (TF_MSG_node_control, &request);
}

//  Collect the logs, then stop every node and release their data
static void
s_cleanup (s_worker_t *self)
{
    tf_resources_destroy (&self->resources); //  No samples of nodes being stopped
    if (self->ops->logs && self->ops->logs (self->ctx, self->nodes, self->node_count))
        zsys_warning ("deployer: could not collect every node's log");
    char *error = NULL;
    int rc = self->ops->cleanup ? self->ops->cleanup (self->ctx, &error) : 0;
    if (rc == 0)
        zsys_info ("deployer: every node stopped nodes=%zu", self->node_count);
    s_reply (self, TF_DEPLOYER_WORKER_CLEANUP, rc == 0,
             rc == 0 ? NULL
             : error ? error
                     : "cleanup failed",
             NULL);
    zstr_free (&error);
}


//  Capture every node's state for a failed run (nothing to capture before deploy)
static void
s_diagnose (s_worker_t *self, zmsg_t *msg)
{
    char *trigger = zmsg_popstr (msg);
    int rc = 0;
    if (self->node_count && self->env->run_dir)
        rc = tf_diagnostics_capture (self->ops, self->ctx, self->nodes, self->node_count,
                                     self->env->run_dir, trigger ? trigger : "the run failed",
                                     self->cancel);
    s_reply (self, TF_DEPLOYER_WORKER_DIAGNOSE, rc == 0,
             rc == 0 ? NULL : "cannot write the diagnostics", NULL);
    zstr_free (&trigger);
}


//  ---------------------------------------------------------------------------
//  The thread

static void
s_worker (zsock_t *pipe, void *args)
{
    s_worker_t *self = (s_worker_t *) args;
    self->pipe = pipe;
    tf_deployer_cancel_bind (self->cancel, pipe);
    zsock_signal (pipe, 0);
    while (!tf_deployer_cancel_terminated (self->cancel)) {
        if (self->resources) {
            int64_t wait = self->next_sample - zclock_mono ();
            zmq_pollitem_t item = {zsock_resolve (pipe), 0, ZMQ_POLLIN, 0};
            if (wait <= 0 || zmq_poll (&item, 1, (long) wait) == 0) {
                s_sample (self);
                continue;
            }
        }
        zmsg_t *msg = zmsg_recv (pipe);
        char *command = msg ? zmsg_popstr (msg) : NULL;
        tf_deployer_cancel_reset (self->cancel);
        if (!command || streq (command, TF_DEPLOYER_CANCEL_TERM))
            tf_deployer_cancel_terminate (self->cancel);
        else if (streq (command, s_command_names[TF_DEPLOYER_WORKER_DEPLOY]))
            s_deploy (self);
        else if (streq (command, s_command_names[TF_DEPLOYER_WORKER_CONTROL]))
            s_on_control (self, msg);
        else if (streq (command, s_command_names[TF_DEPLOYER_WORKER_CLEANUP]))
            s_cleanup (self);
        else if (streq (command, s_command_names[TF_DEPLOYER_WORKER_DIAGNOSE]))
            s_diagnose (self, msg);
        //  else CANCEL after its command ended: nothing left to cancel
        zstr_free (&command);
        zmsg_destroy (&msg);
    }
    tf_deployer_cancel_bind (self->cancel, NULL);
    self->ops->destroy (&self->ctx);
    tf_deployer_nodes_free (&self->nodes, self->node_count);
    free (self->ready);
    free (self->metrics_url);
    tf_resources_destroy (&self->resources);
    free (self);
}

zactor_t *
tf_deployer_worker_new (const tf_deployer_ops_t *ops, void **ctx_p, const tf_deployer_env_t *env)
{
    assert (ops && ctx_p && *ctx_p && env && env->cancel);
    s_worker_t *self = (s_worker_t *) zmalloc (sizeof (s_worker_t));
    self->ops = ops;
    self->ctx = *ctx_p;
    self->env = env;
    self->cancel = (tf_deployer_cancel_t *) env->cancel;
    zactor_t *worker = zactor_new (s_worker, self);
    if (worker)
        *ctx_p = NULL; //  The thread owns it and self now
    else
        free (self);
    return worker;
}

int
tf_deployer_worker_send (zactor_t *worker, tf_deployer_command_t command,
                         const tf_node_control_t *request)
{
    assert (worker && command < S_COMMAND_COUNT && command != TF_DEPLOYER_WORKER_DIAGNOSE
            && command != TF_DEPLOYER_WORKER_SAMPLE);
    assert ((command == TF_DEPLOYER_WORKER_CONTROL) == (request != NULL));
    zmsg_t *msg = zmsg_new ();
    zmsg_addstr (msg, s_command_names[command]);
    if (request) {
        uint8_t *data = NULL;
        size_t size = 0;
        if (tf_msg_encode (TF_MSG_node_control, request, &data, &size)) {
            zmsg_destroy (&msg);
            return -1;
        }
        zmsg_addmem (msg, data, size);
        free (data);
    }
    return zmsg_send (&msg, worker);
}

int
tf_deployer_worker_diagnose (zactor_t *worker, const char *trigger)
{
    assert (worker && trigger);
    zmsg_t *msg = zmsg_new ();
    zmsg_addstr (msg, s_command_names[TF_DEPLOYER_WORKER_DIAGNOSE]);
    zmsg_addstr (msg, trigger);
    return zmsg_send (&msg, worker);
}

int
tf_deployer_worker_cancel (zactor_t *worker)
{
    assert (worker);
    return zstr_send (worker, TF_DEPLOYER_CANCEL_COMMAND);
}

int
tf_deployer_worker_recv (zactor_t *worker, tf_deployer_reply_t *reply)
{
    assert (worker && reply);
    memset (reply, 0, sizeof *reply);
    zmsg_t *msg = zmsg_recv (worker);
    char *command = msg ? zmsg_popstr (msg) : NULL;
    char *ok = msg ? zmsg_popstr (msg) : NULL;
    char *error = msg ? zmsg_popstr (msg) : NULL;
    zframe_t *body = msg ? zmsg_pop (msg) : NULL;
    int rc = -1;
    size_t index = 0;
    while (command && index < S_COMMAND_COUNT && !streq (command, s_command_names[index]))
        index++;
    if (index < S_COMMAND_COUNT && ok && error) {
        reply->command = (tf_deployer_command_t) index;
        reply->ok = streq (ok, "1");
        reply->text = *error ? strdup (error) : NULL;
        rc = 0;
        if (body && reply->command == TF_DEPLOYER_WORKER_SAMPLE)
            rc = tf_msg_decode (TF_MSG_node_resources, zframe_data (body), zframe_size (body),
                                &reply->resources)
                     ? -1
                     : 0;
        else if (body
                 && tf_msg_decode (TF_MSG_run_nodes, zframe_data (body), zframe_size (body),
                                   &reply->nodes))
            rc = -1;
    }
    if (rc)
        tf_deployer_reply_free (reply);
    zstr_free (&command);
    zstr_free (&ok);
    zstr_free (&error);
    zframe_destroy (&body);
    zmsg_destroy (&msg);
    return rc;
}

void
tf_deployer_reply_free (tf_deployer_reply_t *reply)
{
    assert (reply);
    zstr_free (&reply->text);
    tf_msg_body_free (TF_MSG_run_nodes, &reply->nodes);
    tf_msg_body_free (TF_MSG_node_resources, &reply->resources);
    memset (reply, 0, sizeof *reply);
}
