//  tf_deployer.c - the deployer actor, for every backend (see tf_deployer.h)
//
//  The actor's loop never blocks: every op but create runs in the worker
//  (tf_deployer_worker.h), one command at a time. Node-control requests queue
//  here; the head is checked (the runner can do the action, its arguments
//  name known nodes) when its turn comes, then handed to the worker, so
//  replies leave in arrival order, one each. Cleanup answers every request
//  still waiting, cancels the command in flight and runs after it.
//
//  The first failure seen on control (an expect.result that did not pass, or a
//  run.abort) has the worker capture every node's state (tf_diagnostics.h)
//  before anything else it is given, cleanup included: a capture is never
//  cancelled, it is bounded by its own deadline.

#include "tf_api_client.h"
#include "tf_catalog.h"
#include "tf_env.h"
#include "tf_deployer_cancel.h"
#include "tf_deployer_worker.h"

//  Control topics beyond run.*: results, to capture the nodes when one fails
const char *const tf_deployer_control_topics[] = {"expect.result", NULL};

//  One node-control request, copied out of its message
typedef struct {
    char *req_id;               //  The requester's id
    char *requester;            //  Set by the coordinator, or NULL
    tf_control_action_t action; //  What to do
    char *node;                 //  Target of a node action, or NULL
    char **group;               //  Partition group
    size_t group_count;         //  Its length
    uint64_t percent;           //  loss: share dropped, 0 removes
    uint64_t rate_kbit;         //  bandwidth: egress limit, 0 removes
} s_request_t;

//  The actor's state
typedef struct {
    const tf_deployer_ops_t *ops;      //  The backend
    const tf_catalog_runner_t *runner; //  Its catalogue entry
    tf_actor_t *actor;                 //  Not owned; set by the first handler call
    tf_deployer_env_t env;             //  What the backend borrows
    tf_deployer_cancel_t *cancel;      //  env.cancel
    zactor_t *worker;                  //  Runs the ops, owns the backend
    bool busy;                         //  A command is in the worker
    tf_deployer_command_t running;     //  Which, when busy
    bool diagnosed;                    //  A failure was seen: diagnostics asked for once
    char *diagnose_trigger;            //  What failed, while DIAGNOSE waits for the worker
    bool deployed;                     //  The nodes are up and reported
    bool cleaning;                     //  The cleanup phase began
    bool cleanup_sent;                 //  CLEANUP is (or was) in the worker
    tf_run_nodes_t nodes;              //  As reported in run.nodes
    zlistx_t *requests;                //  Waiting requests; the head may be in the worker
    bool head_answered;                //  The head in the worker got its reply already
    zsock_t *alarm;                    //  PULL at env.alarm_ep: the backend's threads' failures
    char *alarm_ep;                    //  Its inproc endpoint
} s_deployer_t;

static void s_request_destroy (s_request_t **self_p);


//  ---------------------------------------------------------------------------
//  Class

void *
tf_deployer_create (const tf_actor_config_t *config)
{
    assert (config && config->actor_class);
    const tf_deployer_class_t *deployer_class = (const tf_deployer_class_t *) config->actor_class;
    s_deployer_t *self = (s_deployer_t *) zmalloc (sizeof (s_deployer_t));
    self->ops = deployer_class->ops;
    assert (self->ops && self->ops->runner && self->ops->create && self->ops->destroy
            && self->ops->deploy);
    self->requests = zlistx_new ();
    //  libcurl's setup on this, the main thread, before the worker uses it
    if (tf_api_client_init ())
        zsys_warning ("deployer: libcurl could not be initialised; nodes cannot be reached");
    const char *keep = getenv (TF_DEPLOYER_KEEP_ENV);
    if (!keep || !*keep)
        keep = getenv (TF_DEPLOYER_KEEP_ALIAS);
    self->env.keep_data = keep && *keep && strcmp (keep, "0") != 0 && strcmp (keep, "false") != 0;
    return self;
}

//  End the worker, which destroys the backend: whatever still runs is killed
static void
s_end_worker (s_deployer_t *self)
{
    if (self->worker) {
        if (self->actor)
            tf_actor_remove_reader (self->actor, zactor_sock (self->worker));
        zactor_destroy (&self->worker);
    }
    self->busy = false;
}

void
tf_deployer_destroy (void **state_p)
{
    assert (state_p);
    s_deployer_t *self = (s_deployer_t *) *state_p;
    if (!self)
        return;
    s_end_worker (self);
    zsock_destroy (&self->alarm); //  Its reader left the loop at stop, or the loop is gone
    zstr_free (&self->alarm_ep);
    tf_deployer_cancel_destroy (&self->cancel);
    s_request_t *request;
    while ((request = (s_request_t *) zlistx_detach (self->requests, NULL)))
        s_request_destroy (&request);
    zlistx_destroy (&self->requests);
    tf_msg_body_free (TF_MSG_run_nodes, &self->nodes);
    zstr_free (&self->diagnose_trigger);
    free (self);
    *state_p = NULL;
}


//  ---------------------------------------------------------------------------
//  Node-control requests

static s_request_t *
s_request_new (const tf_node_control_t *message)
{
    s_request_t *self = (s_request_t *) zmalloc (sizeof (s_request_t));
    self->req_id = strdup (message->req_id);
    self->requester = message->requester ? strdup (message->requester) : NULL;
    self->action = message->action;
    self->node = message->node ? strdup (message->node) : NULL;
    self->percent = message->percent;
    self->rate_kbit = message->rate_kbit;
    self->group_count = message->group.count;
    self->group = (char **) zmalloc ((self->group_count + 1) * sizeof (char *));
    for (size_t index = 0; index < self->group_count; index++)
        self->group[index] = strdup (message->group.items[index]);
    return self;
}

static void
s_request_destroy (s_request_t **self_p)
{
    assert (self_p);
    s_request_t *self = *self_p;
    if (!self)
        return;
    free (self->req_id);
    free (self->requester);
    free (self->node);
    for (size_t index = 0; index < self->group_count; index++)
        free (self->group[index]);
    free (self->group);
    free (self);
    *self_p = NULL;
}

//  The request as a message body (borrowing its strings)
static tf_node_control_t
s_request_message (const s_request_t *self)
{
    tf_node_control_t message = {.req_id = self->req_id,
                                 .action = self->action,
                                 .node = self->node,
                                 .percent = self->percent,
                                 .rate_kbit = self->rate_kbit,
                                 .requester = self->requester};
    message.group.items = self->group;
    message.group.count = self->group_count;
    return message;
}

//  Send a node.control.reply; text is the error, or when ok the note (or NULL)
static void
s_send_reply (s_deployer_t *self, const char *req_id, const char *requester, bool ok,
              const char *text)
{
    tf_node_control_reply_t reply = {.req_id = (char *) req_id,
                                     .ok = ok,
                                     .error = ok ? NULL : (char *) text,
                                     .requester = (char *) requester,
                                     .note = ok ? (char *) text : NULL};
    tf_actor_send (self->actor, TF_MSG_node_control_reply, &reply);
}

//  Answer a request (and log how it ended); text as s_send_reply's
static void
s_answer (s_deployer_t *self, const s_request_t *request, bool ok, const char *text)
{
    const char *error = text;
    s_send_reply (self, request->req_id, request->requester, ok, text);
    const char *action = tf_control_action_str (request->action);
    const char *node = request->node ? request->node : "-";
    if (ok)
        zsys_info ("deployer: node control done action=%s node=%s note=\"%s\"", action, node,
                   text ? text : "");
    else
        zsys_warning ("deployer: node control failed action=%s node=%s error=\"%s\"", action, node,
                      error);
}

//  Answer the request at the head of the queue and drop it
static void
s_answer_head (s_deployer_t *self, bool ok, const char *error)
{
    s_request_t *request = (s_request_t *) zlistx_detach (self->requests, NULL);
    assert (request);
    s_answer (self, request, ok, error);
    s_request_destroy (&request);
}

//  Is the node called name one of the deployed nodes?
static bool
s_known (s_deployer_t *self, const char *name)
{
    for (size_t index = 0; index < self->nodes.nodes.count; index++)
        if (streq (self->nodes.nodes.items[index].name, name))
            return true;
    return false;
}

//  What is wrong with a request, or NULL when the backend may carry it out.
//  Caller frees the text.
static char *
s_check (s_deployer_t *self, const s_request_t *request)
{
    const char *action = tf_control_action_str (request->action);
    if (request->action >= TF_CONTROL_COUNT)
        return strdup ("unknown node control action");
    if (!(self->runner->actions & TF_CATALOG_ACTION (request->action)) || !self->ops->control)
        return zsys_sprintf ("%s: runner %s cannot do node control action %s", action,
                             self->runner->name, action);
    switch (request->action) {
        case TF_CONTROL_RESTART:
        case TF_CONTROL_STOP:
        case TF_CONTROL_START:
        case TF_CONTROL_PAUSE:
        case TF_CONTROL_RESUME:
        case TF_CONTROL_LOSS:
        case TF_CONTROL_BANDWIDTH:
            if (!request->node || !*request->node)
                return zsys_sprintf ("%s: unknown node (none given)", action);
            if (!s_known (self, request->node))
                return zsys_sprintf ("%s: unknown node %s", action, request->node);
            if (request->action == TF_CONTROL_LOSS && request->percent > 100)
                return zsys_sprintf ("%s: percent %" PRIu64 " is not 0 .. 100 (0 removes the loss)",
                                     action, request->percent);
            if (request->action == TF_CONTROL_BANDWIDTH && request->rate_kbit > 0
                && request->rate_kbit < TF_DEPLOYER_MIN_RATE_KBIT)
                return zsys_sprintf ("%s: rate_kbit %" PRIu64
                                     " is below %d kbit/s (0 removes the limit)",
                                     action, request->rate_kbit, TF_DEPLOYER_MIN_RATE_KBIT);
            if (request->action == TF_CONTROL_BANDWIDTH
                && request->rate_kbit > TF_DEPLOYER_MAX_RATE_KBIT)
                return zsys_sprintf ("%s: rate_kbit %" PRIu64 " is above %d kbit/s (10 Gbit/s)",
                                     action, request->rate_kbit, TF_DEPLOYER_MAX_RATE_KBIT);
            return NULL;
        case TF_CONTROL_PARTITION: {
            //  Some but not all nodes, counting each once
            size_t members = 0;
            for (size_t member = 0; member < request->group_count; member++) {
                const char *name = request->group[member];
                if (!s_known (self, name))
                    return zsys_sprintf ("%s: unknown node %s", action, name);
                bool repeated = false;
                for (size_t before = 0; before < member && !repeated; before++)
                    repeated = streq (request->group[before], name);
                members += repeated ? 0 : 1;
            }
            if (members == 0 || members >= self->nodes.nodes.count)
                return zsys_sprintf ("%s: the group must name some but not all nodes", action);
            return NULL;
        }
        case TF_CONTROL_HEAL:
        case TF_CONTROL_COUNT:
            break;
    }
    return NULL;
}

//  Hand the next valid request to the worker, answering the invalid ones
static void
s_next_request (s_deployer_t *self)
{
    s_request_t *request;
    while (!self->busy && !self->cleaning
           && (request = (s_request_t *) zlistx_first (self->requests))) {
        char *error = s_check (self, request);
        if (error)
            s_answer_head (self, false, error);
        else {
            tf_node_control_t message = s_request_message (request);
            if (tf_deployer_worker_send (self->worker, TF_DEPLOYER_WORKER_CONTROL, &message))
                s_answer_head (self, false, "cannot reach the deployer's worker");
            else {
                self->busy = true;
                self->running = TF_DEPLOYER_WORKER_CONTROL;
                self->head_answered = false;
            }
        }
        zstr_free (&error);
    }
}

//  Answer every waiting request with reason. The head, when it is in the
//  worker, is answered too but stays queued until the worker is done with it.
static void
s_refuse_all (s_deployer_t *self, const char *reason)
{
    s_request_t *in_worker = NULL;
    if (self->busy && self->running == TF_DEPLOYER_WORKER_CONTROL
        && zlistx_size (self->requests) > 0) {
        in_worker = (s_request_t *) zlistx_detach (self->requests, NULL);
        if (!self->head_answered)
            s_answer (self, in_worker, false, reason);
        self->head_answered = true;
    }
    while (zlistx_size (self->requests) > 0)
        s_answer_head (self, false, reason);
    if (in_worker)
        zlistx_add_start (self->requests, in_worker);
}


//  ---------------------------------------------------------------------------
//  Worker replies

//  Deploy finished: report the nodes and acknowledge
static void
s_on_deployed (s_deployer_t *self, tf_deployer_reply_t *reply)
{
    if (!reply->ok) {
        tf_actor_phase_done (self->actor, false, reply->text ? reply->text : "deploy failed");
        return;
    }
    tf_msg_body_free (TF_MSG_run_nodes, &self->nodes);
    self->nodes = reply->nodes; //  Take the list over from the reply
    memset (&reply->nodes, 0, sizeof reply->nodes);
    free (self->nodes.run_id);
    self->nodes.run_id = strdup (tf_actor_run_id (self->actor));
    if (tf_actor_send (self->actor, TF_MSG_run_nodes, &self->nodes)) {
        tf_actor_phase_done (self->actor, false, "cannot send the node list to the coordinator");
        return;
    }
    self->deployed = true;
    zsys_info ("deployer: all nodes ready nodes=%zu", self->nodes.nodes.count);
    tf_actor_phase_done (self->actor, true, NULL);
}

//  Hand the waiting capture to the worker
static void
s_send_diagnose (s_deployer_t *self)
{
    if (tf_deployer_worker_diagnose (self->worker, self->diagnose_trigger) == 0) {
        self->busy = true;
        self->running = TF_DEPLOYER_WORKER_DIAGNOSE;
    }
    else
        zsys_warning ("deployer: cannot ask the worker for diagnostics");
    zstr_free (&self->diagnose_trigger);
}

//  Hand cleanup to the worker (it follows whatever ran)
static void
s_send_cleanup (s_deployer_t *self)
{
    if (tf_deployer_worker_send (self->worker, TF_DEPLOYER_WORKER_CLEANUP, NULL) == 0) {
        self->busy = self->cleanup_sent = true;
        self->running = TF_DEPLOYER_WORKER_CLEANUP;
    }
    else
        tf_actor_phase_done (self->actor, false, "cannot reach the deployer's worker");
}

//  A failure was seen: capture the nodes once, now or when the worker is free
static void
s_failure_seen (s_deployer_t *self, const char *trigger)
{
    if (self->diagnosed || !self->worker || self->cleanup_sent)
        return;
    self->diagnosed = true;
    self->diagnose_trigger = strdup (trigger);
    zsys_info ("deployer: failure seen, capturing diagnostics trigger=\"%s\"", trigger);
    if (!self->busy)
        s_send_diagnose (self);
}

static int
s_on_worker (tf_actor_t *actor, void *state, zsock_t *reader)
{
    s_deployer_t *self = (s_deployer_t *) state;
    tf_deployer_reply_t reply;
    if (tf_deployer_worker_recv (self->worker, &reply)) {
        tf_actor_fail (actor, "malformed reply from the deployer's worker");
        return -1;
    }
    if (reply.command == TF_DEPLOYER_WORKER_SAMPLE) {
        //  No reply: the worker sampled the nodes between commands
        if (!self->cleaning)
            tf_actor_send (actor, TF_MSG_node_resources, &reply.resources);
        tf_deployer_reply_free (&reply);
        return 0;
    }
    self->busy = false;
    switch (reply.command) {
        case TF_DEPLOYER_WORKER_DEPLOY:
            if (!self->cleaning) //  Else it was cancelled: cleanup acknowledges instead
                s_on_deployed (self, &reply);
            break;
        case TF_DEPLOYER_WORKER_CONTROL:
            if (self->head_answered) {
                s_request_t *head = (s_request_t *) zlistx_detach (self->requests, NULL);
                s_request_destroy (&head);
            }
            else
                s_answer_head (self, reply.ok, reply.text || reply.ok ? reply.text : "failed");
            self->head_answered = false;
            break;
        case TF_DEPLOYER_WORKER_CLEANUP:
            tf_actor_phase_done (self->actor, reply.ok, reply.text);
            break;
        case TF_DEPLOYER_WORKER_DIAGNOSE:
            if (!reply.ok)
                zsys_warning ("deployer: %s", reply.text ? reply.text : "diagnostics failed");
            break;
        case TF_DEPLOYER_WORKER_SAMPLE: //  Taken above
            break;
    }
    tf_deployer_reply_free (&reply);
    if (self->diagnose_trigger && !self->cleanup_sent)
        s_send_diagnose (self);
    else if (self->cleaning && !self->cleanup_sent)
        s_send_cleanup (self);
    else
        s_next_request (self);
    return 0;
}


//  A failure a backend's thread saw (tf_deployer_env_t.alarm_ep): it ends the
//  run unless the run is cleaning up already
static int
s_on_alarm (tf_actor_t *actor, void *state, zsock_t *reader)
{
    s_deployer_t *self = (s_deployer_t *) state;
    char *text = zstr_recv (reader);
    if (text && !self->cleaning) {
        tf_actor_fail (actor, "%s", text);
        zstr_free (&text);
        return -1;
    }
    zstr_free (&text);
    return 0;
}


//  ---------------------------------------------------------------------------
//  Runtime handlers

static int
s_on_plan (tf_actor_t *actor, void *state, const tf_plan_t *plan)
{
    s_deployer_t *self = (s_deployer_t *) state;
    self->actor = actor;
    self->runner = tf_catalog_runner (self->ops->runner);
    if (!self->runner) {
        tf_actor_fail (actor, "runner '%s' is not in the catalogue", self->ops->runner);
        return -1;
    }
    char *env_error = tf_env_error (); //  tf run checked already; a deployer run alone did not
    if (env_error) {
        tf_actor_fail (actor, "%s", env_error);
        zstr_free (&env_error);
        return -1;
    }
    self->env.plan = plan;
    self->env.profile = tf_profile_find (plan->node_profile);
    self->env.run_dir = tf_actor_run_dir (actor);
    self->env.run_id = tf_actor_run_id (actor);
    if (!self->env.profile && self->ops->stages) {
        tf_actor_fail (actor, "unknown node profile '%s'", plan->node_profile);
        return -1;
    }
    self->cancel = tf_deployer_cancel_new ();
    self->env.cancel = self->cancel;
    self->alarm_ep = zsys_sprintf ("inproc://tf-deployer-alarm-%p", (void *) self);
    self->alarm = zsock_new_pull (self->alarm_ep);
    if (!self->alarm || tf_actor_add_reader (actor, self->alarm, s_on_alarm)) {
        tf_actor_fail (actor, "cannot make the deployer's alarm socket");
        return -1;
    }
    self->env.alarm_ep = self->alarm_ep;
    char *error = NULL;
    void *ctx = self->ops->create (&self->env, &error);
    if (!ctx) {
        tf_actor_fail (actor, "%s", error ? error : "cannot create the deployer");
        zstr_free (&error);
        return -1;
    }
    self->worker = tf_deployer_worker_new (self->ops, &ctx, &self->env);
    if (!self->worker || tf_actor_add_reader (actor, zactor_sock (self->worker), s_on_worker)) {
        if (ctx)
            self->ops->destroy (&ctx);
        tf_actor_fail (actor, "cannot start the deployer's worker");
        return -1;
    }
    zsys_info ("deployer: plan received runner=%s profile=%s validators=%u executors=%u",
               self->runner->name, plan->node_profile ? plan->node_profile : "-", plan->validators,
               plan->executors);
    return 0;
}

//  Cleanup: answer what waits, cancel what runs, then clean up
static int
s_begin_cleanup (s_deployer_t *self)
{
    self->cleaning = true;
    self->deployed = false;
    s_refuse_all (self, "the run is cleaning up");
    if (!self->worker)
        return TF_ACTOR_ACK; //  Nothing was created
    if (self->busy) {
        //  Cleanup follows its reply; a capture runs to its own deadline
        if (!self->cleanup_sent && self->running != TF_DEPLOYER_WORKER_DIAGNOSE)
            tf_deployer_worker_cancel (self->worker);
        return TF_ACTOR_PENDING;
    }
    if (self->diagnose_trigger) {
        s_send_diagnose (self); //  Cleanup follows its reply
        return TF_ACTOR_PENDING;
    }
    if (tf_deployer_worker_send (self->worker, TF_DEPLOYER_WORKER_CLEANUP, NULL))
        return TF_ACTOR_ERROR;
    self->busy = self->cleanup_sent = true;
    self->running = TF_DEPLOYER_WORKER_CLEANUP;
    return TF_ACTOR_PENDING;
}

static int
s_on_phase (tf_actor_t *actor, void *state, tf_phase_t phase)
{
    s_deployer_t *self = (s_deployer_t *) state;
    self->actor = actor;
    if (phase == TF_PHASE_DEPLOY) {
        if (!self->worker || self->busy
            || tf_deployer_worker_send (self->worker, TF_DEPLOYER_WORKER_DEPLOY, NULL))
            return TF_ACTOR_ERROR;
        self->busy = true;
        self->running = TF_DEPLOYER_WORKER_DEPLOY;
        return TF_ACTOR_PENDING;
    }
    if (phase == TF_PHASE_CLEANUP)
        return s_begin_cleanup (self);
    return TF_ACTOR_ACK;
}

static int
s_on_message (tf_actor_t *actor, void *state, tf_msg_t *msg)
{
    s_deployer_t *self = (s_deployer_t *) state;
    self->actor = actor;
    if (msg->id == TF_MSG_expect_result && !msg->expect_result.passed) {
        //  Its first line, without the colon that introduces the rest
        const char *message = msg->expect_result.message;
        int length = (int) strcspn (message, "\n");
        while (length > 0 && (message[length - 1] == ':' || message[length - 1] == ' '))
            length--;
        char *trigger = zsys_sprintf ("%s failed: %.*s", msg->expect_result.name, length, message);
        s_failure_seen (self, trigger);
        zstr_free (&trigger);
    }
    else if (msg->id == TF_MSG_run_abort) {
        char *trigger = zsys_sprintf ("run aborted: %s", msg->run_abort.reason);
        s_failure_seen (self, trigger);
        zstr_free (&trigger);
    }
    if (msg->id != TF_MSG_node_control)
        return 0;
    const tf_node_control_t *message = &msg->node_control;
    if (!self->deployed || self->cleaning) {
        s_send_reply (self, message->req_id, message->requester, false, "nodes are not deployed");
        return 0;
    }
    s_request_t *request = s_request_new (message);
    zlistx_add_end (self->requests, request);
    zsys_info ("deployer: node control queued action=%s node=%s requester=%s",
               tf_control_action_str (request->action), request->node ? request->node : "-",
               request->requester ? request->requester : "-");
    s_next_request (self);
    return 0;
}

static void
s_on_stop (tf_actor_t *actor, void *state)
{
    s_deployer_t *self = (s_deployer_t *) state;
    self->actor = actor;
    s_end_worker (self);
    if (self->alarm) {
        tf_actor_remove_reader (actor, self->alarm);
        zsock_destroy (&self->alarm);
    }
}

const tf_actor_handlers_t tf_deployer_handlers = {
    .plan = s_on_plan,
    .phase = s_on_phase,
    .message = s_on_message,
    .stop = s_on_stop,
};
