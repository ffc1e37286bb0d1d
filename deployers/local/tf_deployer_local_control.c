//  tf_deployer_local_control.c - node control by the local deployer
//
//  restart (SIGKILL, relaunch with the same files, wait for HTTP), stop
//  (SIGKILL), start, pause (SIGSTOP), resume (SIGCONT), partition (each pair
//  across the cut blocks the other's PeerId through the testing API) and heal
//  (unblock every blocked pair). Requests are served one at a time in arrival
//  order; each gets exactly one node.control.reply.

#include "tf_deployer_local_private.h"

//  Steps of a node-control request
typedef enum {
    S_CONTROL_QUEUED = 0, //  Not started
    S_CONTROL_KILLING,    //  SIGKILL sent, waiting to reap
    S_CONTROL_STARTING,   //  Spawned, waiting for HTTP
    S_CONTROL_HTTP,       //  Waiting for the worker's answers
} s_control_state_t;

//  One node-control request
typedef struct {
    char *req_id;
    char *requester; //  Or NULL
    tf_control_action_t action;
    char *node_name; //  Or NULL
    char **group;    //  Partition group
    size_t group_count;
    s_control_state_t state;
    tf_local_node_t *node; //  Target, not owned
    bool relaunch;         //  Restart: start again after the kill
    int64_t deadline;      //  zclock_mono deadline of a start
    size_t *pairs;         //  Partition/heal: (a, b) node indexes per request
    size_t pair_count;
    bool sent; //  Partition/heal batch handed to the worker
} s_control_t;

static tf_local_node_t *
s_node_by_name (tf_deployer_local_t *self, const char *name)
{
    for (size_t index = 0; name && index < self->node_count; index++)
        if (streq (self->nodes[index].name, name))
            return &self->nodes[index];
    return NULL;
}

static void
s_control_destroy (s_control_t **self_p)
{
    assert (self_p);
    s_control_t *self = *self_p;
    if (!self)
        return;
    free (self->req_id);
    free (self->requester);
    free (self->node_name);
    for (size_t index = 0; index < self->group_count; index++)
        free (self->group[index]);
    free (self->group);
    free (self->pairs);
    free (self);
    *self_p = NULL;
}

//  Answer the request at the head of the queue and drop it
static void s_control_reply (tf_deployer_local_t *self, bool ok, const char *format, ...)
    __attribute__ ((format (printf, 3, 4)));

static void
s_control_reply (tf_deployer_local_t *self, bool ok, const char *format, ...)
{
    s_control_t *control = (s_control_t *) zlistx_first (self->controls);
    assert (control);
    char *error = NULL;
    if (format) {
        va_list args;
        va_start (args, format);
        error = zsys_vprintf (format, args);
        va_end (args);
    }
    tf_node_control_reply_t reply = {.req_id = control->req_id,
                                     .ok = ok,
                                     .error = ok ? NULL : error,
                                     .requester = control->requester};
    tf_actor_send (self->actor, TF_MSG_node_control_reply, &reply);
    if (ok)
        zsys_info ("deployer: node control done action=%s node=%s",
                   tf_control_action_str (control->action),
                   control->node_name ? control->node_name : "-");
    else
        zsys_warning ("deployer: node control failed action=%s node=%s error=\"%s\"",
                      tf_control_action_str (control->action),
                      control->node_name ? control->node_name : "-", error);
    zstr_free (&error);
    zlistx_delete (self->controls, zlistx_cursor (self->controls));
    s_control_destroy (&control);
}

//  Send a batch of block/unblock requests for the listed pairs (both ways)
static void
s_control_send_pairs (tf_deployer_local_t *self, s_control_t *control, const char *path)
{
    size_t count = control->pair_count * 2;
    tf_http_request_t *requests =
        (tf_http_request_t *) zmalloc ((count + 1) * sizeof (tf_http_request_t));
    for (size_t pair = 0; pair < control->pair_count; pair++)
        for (size_t side = 0; side < 2; side++) {
            tf_local_node_t *from = &self->nodes[control->pairs[pair * 2 + side]];
            tf_local_node_t *to = &self->nodes[control->pairs[pair * 2 + 1 - side]];
            tf_http_request_t *request = &requests[pair * 2 + side];
            request->method = "POST";
            request->url = tf_deployer_local_url (from->testing_port, path);
            json_t *body = json_string (to->peer_id);
            request->body = json_dumps (body, JSON_COMPACT | JSON_ENCODE_ANY);
            json_decref (body);
        }
    if (tf_http_worker_send (self->http, TF_TAG_CONTROL, requests, count) == 0) {
        self->http_busy = true;
        control->sent = true;
    }
    for (size_t index = 0; index < count; index++) {
        zstr_free (&requests[index].url);
        free (requests[index].body);
    }
    free (requests);
}

//  Partition: check the group and list every pair across the cut
static bool
s_control_plan_partition (tf_deployer_local_t *self, s_control_t *control)
{
    bool *inside = (bool *) zmalloc ((self->node_count + 1) * sizeof (bool));
    bool ok = false;
    size_t members = 0;
    for (size_t member = 0; member < control->group_count; member++) {
        tf_local_node_t *node = s_node_by_name (self, control->group[member]);
        if (!node) {
            s_control_reply (self, false, "partition: unknown node %s", control->group[member]);
            goto out;
        }
        if (!inside[node - self->nodes])
            members++;
        inside[node - self->nodes] = true;
    }
    if (members == 0 || members >= self->node_count) {
        s_control_reply (self, false, "partition: the group must name some but not all nodes");
        goto out;
    }
    control->pairs = (size_t *) zmalloc (2 * members * self->node_count * sizeof (size_t));
    for (size_t a = 0; a < self->node_count; a++)
        for (size_t b = 0; b < self->node_count; b++)
            if (inside[a] && !inside[b]) {
                if (!self->nodes[a].peer_id || !self->nodes[b].peer_id) {
                    s_control_reply (self, false, "partition: peer id of %s unknown",
                                     self->nodes[a].peer_id ? self->nodes[b].name
                                                            : self->nodes[a].name);
                    goto out;
                }
                control->pairs[control->pair_count * 2] = a;
                control->pairs[control->pair_count * 2 + 1] = b;
                control->pair_count++;
            }
    ok = true;
out:
    free (inside);
    return ok;
}

//  Heal: every blocked pair
static void
s_control_plan_heal (tf_deployer_local_t *self, s_control_t *control)
{
    control->pairs =
        (size_t *) zmalloc ((self->node_count * self->node_count + 1) * 2 * sizeof (size_t));
    for (size_t a = 0; a < self->node_count; a++)
        for (size_t b = a + 1; b < self->node_count; b++)
            if (self->blocked[a * self->node_count + b]
                || self->blocked[b * self->node_count + a]) {
                control->pairs[control->pair_count * 2] = a;
                control->pairs[control->pair_count * 2 + 1] = b;
                control->pair_count++;
            }
}

//  Start the request at the head of the queue
static void
s_control_begin (tf_deployer_local_t *self, s_control_t *control)
{
    const char *action = tf_control_action_str (control->action);
    bool is_group = control->action == TF_CONTROL_PARTITION || control->action == TF_CONTROL_HEAL;
    if (!is_group) {
        control->node = s_node_by_name (self, control->node_name);
        if (!control->node) {
            s_control_reply (self, false, "%s: unknown node %s", action,
                             control->node_name ? control->node_name : "(none given)");
            return;
        }
    }
    tf_local_node_t *node = control->node;
    switch (control->action) {
        case TF_CONTROL_STOP:
            if (node->pid <= 0)
                s_control_reply (self, false, "stop: node %s is already stopped", node->name);
            else {
                tf_node_proc_signal (node->pid, SIGKILL);
                control->state = S_CONTROL_KILLING;
            }
            break;
        case TF_CONTROL_RESTART:
            control->relaunch = true;
            if (node->pid > 0)
                tf_node_proc_signal (node->pid, SIGKILL);
            control->state = S_CONTROL_KILLING; //  Already down: the next tick starts it
            break;
        case TF_CONTROL_START:
            if (node->pid > 0)
                s_control_reply (self, false, "start: node %s is already running", node->name);
            else {
                control->relaunch = true;
                control->state = S_CONTROL_KILLING;
            }
            break;
        case TF_CONTROL_PAUSE:
            if (node->pid <= 0)
                s_control_reply (self, false, "pause: node %s is stopped", node->name);
            else if (node->paused)
                s_control_reply (self, false, "pause: node %s is already paused", node->name);
            else if (tf_node_proc_signal (node->pid, SIGSTOP))
                s_control_reply (self, false, "pause: cannot signal %s: %s", node->name,
                                 strerror (errno));
            else {
                node->paused = true;
                s_control_reply (self, true, NULL);
            }
            break;
        case TF_CONTROL_RESUME:
            if (node->pid <= 0 || !node->paused)
                s_control_reply (self, false, "resume: node %s is not paused", node->name);
            else if (tf_node_proc_signal (node->pid, SIGCONT))
                s_control_reply (self, false, "resume: cannot signal %s: %s", node->name,
                                 strerror (errno));
            else {
                node->paused = false;
                s_control_reply (self, true, NULL);
            }
            break;
        case TF_CONTROL_PARTITION:
            if (s_control_plan_partition (self, control))
                control->state = S_CONTROL_HTTP; //  Sent when the worker is free
            break;
        case TF_CONTROL_HEAL:
            s_control_plan_heal (self, control);
            if (control->pair_count == 0)
                s_control_reply (self, true, NULL);
            else
                control->state = S_CONTROL_HTTP;
            break;
        case TF_CONTROL_COUNT:
            s_control_reply (self, false, "unknown node control action");
            break;
    }
}

//  Advance the request at the head of the queue, once per tick
void
tf_deployer_local_control_tick (tf_deployer_local_t *self)
{
    s_control_t *control = (s_control_t *) zlistx_first (self->controls);
    if (!control)
        return;
    if (control->state == S_CONTROL_QUEUED) {
        s_control_begin (self, control);
        return; //  Any next request starts on the next tick
    }
    tf_local_node_t *node = control->node;
    if (control->state == S_CONTROL_KILLING) {
        if (node->pid > 0)
            return; //  Not reaped yet
        if (!control->relaunch) {
            s_control_reply (self, true, NULL);
            return;
        }
        //  A restarted node forgets the peers it blocked; the others still
        //  block it, so heal still unblocks those pairs
        size_t at = (size_t) (node - self->nodes);
        for (size_t other = 0; other < self->node_count; other++)
            self->blocked[at * self->node_count + other] = false;
        if (tf_deployer_local_start_node (self, node))
            s_control_reply (self, false, "%s: cannot start node %s",
                             tf_control_action_str (control->action), node->name);
        else {
            control->state = S_CONTROL_STARTING;
            control->deadline = zclock_mono () + tf_readiness_timeout_ms ();
        }
        return;
    }
    if (control->state == S_CONTROL_STARTING) {
        if (node->ready.exited) {
            s_control_reply (self, false, "%s: node %s process %s (log: %s)",
                             tf_control_action_str (control->action), node->name,
                             node->ready.exit_text, node->log_path);
            return;
        }
        if (zclock_mono () >= control->deadline) {
            s_control_reply (self, false, "%s: node %s api not answering after %" PRId64 " ms (%s)",
                             tf_control_action_str (control->action), node->name,
                             tf_readiness_timeout_ms (), node->ready.error);
            return;
        }
        if (!self->http_busy) {
            tf_http_request_t request = {
                .method = "GET",
                .url = tf_deployer_local_url (node->http_port, self->profile->info_path)};
            if (tf_http_worker_send (self->http, TF_TAG_CONTROL, &request, 1) == 0)
                self->http_busy = true;
            zstr_free (&request.url);
        }
        return;
    }
    if (control->state == S_CONTROL_HTTP && !self->http_busy && !control->sent) {
        bool heal = control->action == TF_CONTROL_HEAL;
        s_control_send_pairs (self, control,
                              heal ? self->profile->unblock_peer_path
                                   : self->profile->block_peer_path);
    }
}

//  The worker answered a control batch
void
tf_deployer_local_control_answers (tf_deployer_local_t *self, tf_http_request_t *answers,
                                   size_t count)
{
    s_control_t *control = (s_control_t *) zlistx_first (self->controls);
    if (!control)
        return;
    if (control->state == S_CONTROL_STARTING) {
        if (count == 1) {
            tf_readiness_observe (TF_READINESS_HTTP, &control->node->ready, answers[0].status,
                                  answers[0].answer);
            if (control->node->ready.ready)
                s_control_reply (self, true, NULL);
        }
        return;
    }
    if (control->state != S_CONTROL_HTTP || count != control->pair_count * 2)
        return;
    bool heal = control->action == TF_CONTROL_HEAL;
    char *failures = NULL;
    for (size_t pair = 0; pair < control->pair_count; pair++)
        for (size_t side = 0; side < 2; side++) {
            size_t from = control->pairs[pair * 2 + side];
            size_t to = control->pairs[pair * 2 + 1 - side];
            const tf_http_request_t *answer = &answers[pair * 2 + side];
            bool ok = answer->status >= TF_HTTP_OK_MIN && answer->status <= TF_HTTP_OK_MAX;
            if (ok)
                self->blocked[from * self->node_count + to] = !heal;
            else if (!failures)
                failures = zsys_sprintf ("%s on %s (%s): HTTP %ld %s", heal ? "unblock" : "block",
                                         self->nodes[from].name, self->nodes[to].name,
                                         answer->status, answer->answer ? answer->answer : "");
        }
    if (failures)
        s_control_reply (self, false, "%s: %s", tf_control_action_str (control->action), failures);
    else
        s_control_reply (self, true, NULL);
    zstr_free (&failures);
}

//  A node.control request arrived: queue it, or refuse it at once when there
//  are no nodes to act on
void
tf_deployer_local_control_request (tf_deployer_local_t *self, const tf_node_control_t *request)
{
    if (self->node_count == 0 || self->deploying || self->cleaning) {
        tf_node_control_reply_t reply = {.req_id = request->req_id,
                                         .ok = false,
                                         .error = "nodes are not deployed",
                                         .requester = request->requester};
        tf_actor_send (self->actor, TF_MSG_node_control_reply, &reply);
        return;
    }
    s_control_t *control = (s_control_t *) zmalloc (sizeof (s_control_t));
    control->req_id = strdup (request->req_id);
    control->requester = request->requester ? strdup (request->requester) : NULL;
    control->action = request->action;
    control->node_name = request->node ? strdup (request->node) : NULL;
    control->group_count = request->group.count;
    control->group = (char **) zmalloc ((control->group_count + 1) * sizeof (char *));
    for (size_t index = 0; index < control->group_count; index++)
        control->group[index] = strdup (request->group.items[index]);
    zlistx_add_end (self->controls, control);
    zsys_info ("deployer: node control queued action=%s node=%s requester=%s",
               tf_control_action_str (control->action),
               control->node_name ? control->node_name : "-",
               control->requester ? control->requester : "-");
    tf_deployer_local_arm_tick (self);
}


//  Refuse every queued request with reason (the run is ending), or just
//  drop them when reason is NULL (the deployer is being destroyed)
void
tf_deployer_local_control_refuse_all (tf_deployer_local_t *self, const char *reason)
{
    s_control_t *control = (s_control_t *) zlistx_first (self->controls);
    while (control) {
        if (reason)
            s_control_reply (self, false, "%s", reason);
        else {
            zlistx_delete (self->controls, zlistx_cursor (self->controls));
            s_control_destroy (&control);
        }
        control = (s_control_t *) zlistx_first (self->controls);
    }
}
