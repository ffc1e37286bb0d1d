//  test_deployer_driver - the one deployer actor (deployers/tf_deployer.h)
//  driving a fake backend built here, with the test as its coordinator: the
//  refusal of actions the runner cannot do and of bad arguments (before the
//  backend sees them), replies in arrival order and one each, a blocking op
//  that leaves the heartbeats beating and ends on cleanup or on stop, and
//  readiness failures reported per node.

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <pthread.h>
#include "tf_deployer.h"

#define S_NODES        3     //  Nodes the fake backend deploys
#define S_MAX_CALLS    32    //  Control calls the fake records
#define S_MAX_REPLIES  32    //  Replies the coordinator records
#define S_TEXT         256   //  Room for a reply's error
#define S_EVENT_MS     10000 //  Longest wait for anything the test expects
#define S_PUMP_MS      50    //  Phase broadcast period while waiting
#define S_HEARTBEAT_MS 50    //  Heartbeat period given in the welcome
#define S_SILENCE_MS   30000 //  Silence the actor tolerates
#define S_PROMPT_MS    2000  //  "Promptly": well under any op's own bound
#define S_BLOCK_MS     20000 //  How long the blocking op would block if not cancelled
#define S_RUN_ID       "run-driver"

//  ---------------------------------------------------------------------------
//  The fake backend: three nodes, records every call

typedef enum {
    S_MODE_PLAIN = 0, //  Control succeeds, except stop of validator-2
    S_MODE_BLOCKING,  //  pause blocks until cancelled
    S_MODE_EXITED,    //  validator-1's process has exited (with http readiness)
    S_MODE_DEPLOY_FAILS
} s_mode_t;

//  One control call the backend received
typedef struct {
    tf_control_action_t action;
    char node[S_TEXT];
    size_t group_count;
    uint64_t percent;
    uint64_t rate_kbit;
} s_call_t;

//  What the fake saw (its ops run on the driver's worker thread)
static struct {
    pthread_mutex_t lock;
    s_mode_t mode;
    s_call_t calls[S_MAX_CALLS];
    size_t call_count;
    bool blocking;   //  The blocking op is running
    bool cancelled;  //  The blocking op saw the cancel
    size_t cleanups; //  Cleanup op calls
    size_t destroys; //  Destroy op calls
} s_fake = {.lock = PTHREAD_MUTEX_INITIALIZER};

typedef struct {
    void *cancel; //  env->cancel
} s_fake_ctx_t;

static void *
s_fake_create (const tf_deployer_env_t *env, char **error_p)
{
    assert (env->plan && streq (env->run_id, S_RUN_ID)); //  Not cmocka's: another thread
    s_fake_ctx_t *self = (s_fake_ctx_t *) zmalloc (sizeof (s_fake_ctx_t));
    self->cancel = env->cancel;
    return self;
}

static void
s_fake_destroy (void **ctx_p)
{
    pthread_mutex_lock (&s_fake.lock);
    s_fake.destroys++;
    pthread_mutex_unlock (&s_fake.lock);
    free (*ctx_p);
    *ctx_p = NULL;
}

static int
s_fake_deploy (void *ctx, tf_deployer_node_t **nodes_p, size_t *count_p, char **error_p)
{
    if (s_fake.mode == S_MODE_DEPLOY_FAILS) {
        *error_p = strdup ("the fake cannot deploy");
        return -1;
    }
    tf_deployer_node_t *nodes =
        (tf_deployer_node_t *) zmalloc (S_NODES * sizeof (tf_deployer_node_t));
    for (uint32_t index = 0; index < S_NODES; index++)
        nodes[index] =
            (tf_deployer_node_t){.name = zsys_sprintf ("validator-%u", index),
                                 .role = strdup ("validator"),
                                 .index = index,
                                 .api_url = zsys_sprintf ("http://127.0.0.1:%u", 10000 + index),
                                 .log_path = zsys_sprintf ("/fake/validator-%u.log", index)};
    *nodes_p = nodes;
    *count_p = S_NODES;
    return 0;
}

static tf_deployer_state_t
s_fake_state (void *ctx, size_t node, char text[TF_DEPLOYER_STATE_TEXT])
{
    if (s_fake.mode == S_MODE_EXITED && node == 1) {
        snprintf (text, TF_DEPLOYER_STATE_TEXT, "exited with status 1");
        return TF_DEPLOYER_EXITED;
    }
    return TF_DEPLOYER_RUNNING;
}

static int
s_fake_control (void *ctx, const tf_deployer_node_t *nodes, size_t count,
                const tf_node_control_t *request, char **error_p)
{
    s_fake_ctx_t *self = (s_fake_ctx_t *) ctx;
    assert (count == S_NODES && nodes); //  Not cmocka's: the worker's thread
    pthread_mutex_lock (&s_fake.lock);
    assert (s_fake.call_count < S_MAX_CALLS);
    s_call_t *call = &s_fake.calls[s_fake.call_count++];
    call->action = request->action;
    snprintf (call->node, sizeof call->node, "%s", request->node ? request->node : "");
    call->group_count = request->group.count;
    call->percent = request->percent;
    call->rate_kbit = request->rate_kbit;
    bool block = s_fake.mode == S_MODE_BLOCKING && request->action == TF_CONTROL_PAUSE;
    s_fake.blocking = block;
    pthread_mutex_unlock (&s_fake.lock);
    if (block) {
        bool cancelled = tf_deployer_wait (self->cancel, S_BLOCK_MS);
        pthread_mutex_lock (&s_fake.lock);
        s_fake.cancelled = cancelled;
        s_fake.blocking = false;
        pthread_mutex_unlock (&s_fake.lock);
        *error_p = strdup ("pause: interrupted");
        return -1;
    }
    if (request->action == TF_CONTROL_STOP && streq (request->node, "validator-2")) {
        *error_p = strdup ("stop: the fake says no");
        return -1;
    }
    return 0;
}

static int
s_fake_cleanup (void *ctx, char **error_p)
{
    pthread_mutex_lock (&s_fake.lock);
    s_fake.cleanups++;
    pthread_mutex_unlock (&s_fake.lock);
    return 0;
}

//  The fake as runner local (its catalogue actions) and as runner external (none)
static const tf_deployer_ops_t s_fake_local_ops = {
    .runner = "local",
    .stages = 0,
    .create = s_fake_create,
    .destroy = s_fake_destroy,
    .deploy = s_fake_deploy,
    .state = s_fake_state,
    .control = s_fake_control,
    .cleanup = s_fake_cleanup,
};
static const tf_deployer_class_t s_fake_local = TF_DEPLOYER_CLASS (s_fake_local_ops, "local", "");

static const tf_deployer_ops_t s_fake_external_ops = {
    .runner = "external",
    .create = s_fake_create,
    .destroy = s_fake_destroy,
    .deploy = s_fake_deploy,
    .control = s_fake_control, //  Present, yet the catalogue says external cannot
    .cleanup = s_fake_cleanup,
};
static const tf_deployer_class_t s_fake_external =
    TF_DEPLOYER_CLASS (s_fake_external_ops, "external", "");

//  The fake as runner compose (network faults too)
static const tf_deployer_ops_t s_fake_compose_ops = {
    .runner = "compose",
    .create = s_fake_create,
    .destroy = s_fake_destroy,
    .deploy = s_fake_deploy,
    .state = s_fake_state,
    .control = s_fake_control,
    .cleanup = s_fake_cleanup,
};
static const tf_deployer_class_t s_fake_compose =
    TF_DEPLOYER_CLASS (s_fake_compose_ops, "compose", "");

static const tf_deployer_ops_t s_fake_ready_ops = {
    .runner = "local",
    .stages = TF_READINESS_BIT (TF_READINESS_HTTP),
    .create = s_fake_create,
    .destroy = s_fake_destroy,
    .deploy = s_fake_deploy,
    .state = s_fake_state,
    .control = s_fake_control,
    .cleanup = s_fake_cleanup,
};
static const tf_deployer_class_t s_fake_ready = TF_DEPLOYER_CLASS (s_fake_ready_ops, "local", "");

static void
s_fake_reset (s_mode_t mode)
{
    pthread_mutex_lock (&s_fake.lock);
    s_fake.mode = mode;
    s_fake.call_count = 0;
    s_fake.blocking = s_fake.cancelled = false;
    s_fake.cleanups = s_fake.destroys = 0;
    pthread_mutex_unlock (&s_fake.lock);
}


//  ---------------------------------------------------------------------------
//  The coordinator the test plays

//  One node.control.reply seen
typedef struct {
    char req_id[S_TEXT];
    bool ok;
    char error[S_TEXT];
} s_reply_t;

typedef struct {
    char *dir;                          //  Endpoints live here
    char *control_ep;                   //  "ipc://dir/control.ipc"
    char *service_ep;                   //  "ipc://dir/service.ipc"
    zsock_t *control;                   //  PUB, bound
    zsock_t *service;                   //  ROUTER, bound
    zframe_t *deployer;                 //  Its routing id, once it said hello
    const tf_deployer_class_t *backend; //  What the actor runs
    zactor_t *thread;                   //  The actor
    const char *phase;                  //  Phase being broadcast, or NULL
    uint64_t seq;                       //  Its sequence number
    bool acked;                         //  The deployer acknowledged it
    bool ack_ok;                        //  ... and how
    char ack_error[S_TEXT * 4];         //  ... and why not
    bool have_nodes;                    //  run.nodes arrived
    size_t node_count;                  //  How many it listed
    size_t heartbeats;                  //  Heartbeats seen
    s_reply_t replies[S_MAX_REPLIES];   //  In arrival order
    size_t reply_count;
} s_coord_t;

//  The actor's thread: runs the deployer until its run ends, sends its exit code
static void
s_actor_thread (zsock_t *pipe, void *args)
{
    s_coord_t *coord = (s_coord_t *) args;
    tf_actor_config_t config = {.name = "deployer",
                                .role = "deployer",
                                .kind = coord->backend->ops->runner,
                                .control_ep = coord->control_ep,
                                .service_ep = coord->service_ep,
                                .run_dir = coord->dir,
                                .actor_class = &coord->backend->actor_class};
    void *state = tf_deployer_create (&config);
    tf_actor_t *actor = tf_actor_new (&config, &tf_deployer_handlers, state);
    zsock_signal (pipe, 0);
    int rc = actor ? tf_actor_run (actor) : -1;
    tf_actor_destroy (&actor);
    tf_deployer_destroy (&state);
    zstr_sendf (pipe, "%d", rc);
}

static s_coord_t *
s_coord_new (const tf_deployer_class_t *backend)
{
    s_coord_t *self = (s_coord_t *) zmalloc (sizeof (s_coord_t));
    char pattern[] = "/tmp/test-deployer-driver-XXXXXX";
    assert_non_null (mkdtemp (pattern));
    self->dir = strdup (pattern);
    self->control_ep = zsys_sprintf ("ipc://%s/control.ipc", self->dir);
    self->service_ep = zsys_sprintf ("ipc://%s/service.ipc", self->dir);
    self->control = zsock_new_pub (NULL);
    self->service = zsock_new (ZMQ_ROUTER);
    assert_int_equal (zsock_bind (self->control, "%s", self->control_ep), 0);
    assert_int_equal (zsock_bind (self->service, "%s", self->service_ep), 0);
    self->backend = backend;
    self->thread = zactor_new (s_actor_thread, self);
    assert_non_null (self->thread);
    return self;
}

//  Wait for the actor's exit code (it must end by itself), then clean up
static int
s_coord_destroy (s_coord_t **self_p)
{
    s_coord_t *self = *self_p;
    zsock_set_rcvtimeo (self->thread, S_EVENT_MS);
    char *rc_text = zstr_recv (self->thread);
    assert_non_null (rc_text); //  The actor ended
    int rc = atoi (rc_text);
    zstr_free (&rc_text);
    zactor_destroy (&self->thread);
    zsock_destroy (&self->control);
    zsock_destroy (&self->service);
    zframe_destroy (&self->deployer);
    char *path = zsys_sprintf ("%s/control.ipc", self->dir);
    remove (path);
    zstr_free (&path);
    path = zsys_sprintf ("%s/service.ipc", self->dir);
    remove (path);
    zstr_free (&path);
    rmdir (self->dir);
    free (self->dir);
    free (self->control_ep);
    free (self->service_ep);
    free (self);
    *self_p = NULL;
    return rc;
}

static void
s_send_welcome (s_coord_t *self)
{
    tf_actor_welcome_t welcome = {.run_id = S_RUN_ID,
                                  .name = "deployer",
                                  .heartbeat_ms = S_HEARTBEAT_MS,
                                  .timeout_ms = S_SILENCE_MS};
    tf_msg_send_to (self->service, self->deployer, TF_MSG_actor_welcome, &welcome);
    tf_plan_t *plan = tf_plan_new ("driver");
    tf_plan_set_topology (plan, TF_NETWORK_STAR, S_NODES, 0);
    uint8_t *data = NULL;
    size_t size = 0;
    assert_int_equal (tf_plan_pack (plan, &data, &size), 0);
    tf_run_plan_t message = {.run_id = S_RUN_ID, .plan = {.data = data, .size = size}};
    tf_msg_send_to (self->service, self->deployer, TF_MSG_run_plan, &message);
    free (data);
    tf_plan_destroy (&plan);
}

//  Handle one message from the deployer
static void
s_on_service (s_coord_t *self, tf_msg_t *msg)
{
    switch (msg->id) {
        case TF_MSG_actor_hello:
            if (!self->deployer) {
                self->deployer = zframe_dup (msg->routing_id);
                s_send_welcome (self);
            }
            break;
        case TF_MSG_actor_heartbeat:
            self->heartbeats++;
            break;
        case TF_MSG_run_nodes:
            self->have_nodes = true;
            self->node_count = msg->run_nodes.nodes.count;
            break;
        case TF_MSG_run_phase_ack:
            if (msg->run_phase_ack.seq == self->seq) {
                self->acked = true;
                self->ack_ok = msg->run_phase_ack.ok;
                snprintf (self->ack_error, sizeof self->ack_error, "%s",
                          msg->run_phase_ack.error ? msg->run_phase_ack.error : "");
            }
            break;
        case TF_MSG_node_control_reply: {
            assert_true (self->reply_count < S_MAX_REPLIES);
            s_reply_t *reply = &self->replies[self->reply_count++];
            snprintf (reply->req_id, sizeof reply->req_id, "%s", msg->node_control_reply.req_id);
            reply->ok = msg->node_control_reply.ok;
            snprintf (reply->error, sizeof reply->error, "%s",
                      msg->node_control_reply.error ? msg->node_control_reply.error : "");
            break;
        }
        default:
            break;
    }
}

//  Broadcast the phase and handle messages for up to ms, or until done says so
typedef bool (s_done_fn) (s_coord_t *self, const void *arg);

static bool
s_pump_until (s_coord_t *self, s_done_fn *done, const void *arg, int64_t ms)
{
    int64_t deadline = zclock_mono () + ms;
    zpoller_t *poller = zpoller_new (self->service, NULL);
    bool reached = false;
    while (!(reached = done (self, arg)) && zclock_mono () < deadline) {
        if (self->phase) {
            tf_run_phase_t phase = {
                .run_id = S_RUN_ID, .phase = (char *) self->phase, .seq = self->seq};
            tf_msg_send (self->control, TF_MSG_run_phase, &phase);
        }
        int64_t left = deadline - zclock_mono ();
        if (zpoller_wait (poller, (int) (left < S_PUMP_MS ? (left > 0 ? left : 0) : S_PUMP_MS))) {
            tf_msg_t *msg = tf_msg_recv (self->service);
            if (msg)
                s_on_service (self, msg);
            tf_msg_destroy (&msg);
        }
    }
    zpoller_destroy (&poller);
    return reached;
}

static bool
s_is_welcomed (s_coord_t *self, const void *arg)
{
    return self->deployer != NULL;
}

static bool
s_is_acked (s_coord_t *self, const void *arg)
{
    return self->acked;
}

static bool
s_has_replies (s_coord_t *self, const void *arg)
{
    return self->reply_count >= *(const size_t *) arg;
}

static bool
s_has_heartbeats (s_coord_t *self, const void *arg)
{
    return self->heartbeats >= *(const size_t *) arg;
}

static bool
s_fake_is_blocking (s_coord_t *self, const void *arg)
{
    pthread_mutex_lock (&s_fake.lock);
    bool blocking = s_fake.blocking;
    pthread_mutex_unlock (&s_fake.lock);
    return blocking;
}

//  Enter phase and wait for its ack; returns whether it was ok
static bool
s_phase (s_coord_t *self, const char *phase)
{
    self->phase = phase;
    self->seq++;
    self->acked = false;
    assert_true (s_pump_until (self, s_is_acked, NULL, S_EVENT_MS));
    return self->ack_ok;
}

//  Start the actor, welcome it, deploy
static s_coord_t *
s_start_deployed (const tf_deployer_class_t *backend)
{
    s_coord_t *self = s_coord_new (backend);
    assert_true (s_pump_until (self, s_is_welcomed, NULL, S_EVENT_MS));
    assert_true (s_phase (self, "deploy"));
    assert_true (self->have_nodes);
    assert_int_equal (self->node_count, S_NODES);
    return self;
}

//  Clean up, end the run, and expect the actor to exit 0
static void
s_finish (s_coord_t **self_p)
{
    s_coord_t *self = *self_p;
    assert_true (s_phase (self, "cleanup"));
    self->phase = "done";
    self->seq++;
    tf_run_phase_t phase = {.run_id = S_RUN_ID, .phase = "done", .seq = self->seq};
    tf_msg_send (self->control, TF_MSG_run_phase, &phase);
    assert_int_equal (s_coord_destroy (self_p), TF_EXIT_OK);
}

//  Send a node.control request named req_id; group is comma-separated or NULL
static void
s_request (s_coord_t *self, const char *req_id, tf_control_action_t action, const char *node,
           const char *group)
{
    char *items[S_NODES * 2];
    size_t count = 0;
    char *copy = group ? strdup (group) : NULL;
    char *cursor = copy, *name;
    while (cursor && (name = strsep (&cursor, ",")))
        items[count++] = name;
    tf_node_control_t request = {
        .req_id = (char *) req_id, .action = action, .node = (char *) node, .requester = "tester"};
    request.group.items = items;
    request.group.count = count;
    assert_int_equal (tf_msg_send_to (self->service, self->deployer, TF_MSG_node_control, &request),
                      0);
    free (copy);
}


//  ---------------------------------------------------------------------------
//  Tests

static void
test_tf_deployer_refuses_actions_the_runner_cannot_do (void **state)
{
    (void) state;
    s_fake_reset (S_MODE_PLAIN);
    s_coord_t *coord = s_coord_new (&s_fake_external);
    assert_true (s_pump_until (coord, s_is_welcomed, NULL, S_EVENT_MS));
    //  Before deploy there is nothing to control
    s_request (coord, "early", TF_CONTROL_RESTART, "validator-0", NULL);
    size_t want = 1;
    assert_true (s_pump_until (coord, s_has_replies, &want, S_EVENT_MS));
    assert_false (coord->replies[0].ok);
    assert_string_equal (coord->replies[0].error, "nodes are not deployed");
    assert_true (s_phase (coord, "deploy"));
    s_request (coord, "r1", TF_CONTROL_RESTART, "validator-0", NULL);
    s_request (coord, "r2", TF_CONTROL_PARTITION, NULL, "validator-0");
    s_request (coord, "r3", TF_CONTROL_HEAL, NULL, NULL);
    want = 4;
    assert_true (s_pump_until (coord, s_has_replies, &want, S_EVENT_MS));
    static const char *const errors[] = {
        "restart: runner external cannot do node control action restart",
        "partition: runner external cannot do node control action partition",
        "heal: runner external cannot do node control action heal"};
    for (size_t index = 0; index < 3; index++) {
        char req_id[8];
        snprintf (req_id, sizeof req_id, "r%zu", index + 1);
        assert_string_equal (coord->replies[index + 1].req_id, req_id);
        assert_false (coord->replies[index + 1].ok);
        assert_string_equal (coord->replies[index + 1].error, errors[index]);
    }
    assert_int_equal (s_fake.call_count, 0); //  The backend never saw them
    s_finish (&coord);
    assert_int_equal (s_fake.cleanups, 1);
    assert_int_equal (s_fake.destroys, 1);
}

//  A request and the reply it must get
typedef struct {
    const char *req_id;
    tf_control_action_t action;
    const char *node;
    const char *group;
    const char *error; //  NULL: ok
} s_case_t;

static const s_case_t s_cases[] = {
    {"c1", TF_CONTROL_RESTART, NULL, NULL, "restart: unknown node (none given)"},
    {"c2", TF_CONTROL_RESTART, "validator-9", NULL, "restart: unknown node validator-9"},
    {"c3", TF_CONTROL_STOP, "validator-0", NULL, NULL},
    {"c4", TF_CONTROL_PARTITION, NULL, NULL,
     "partition: the group must name some but not all nodes"},
    {"c5", TF_CONTROL_PARTITION, NULL, "validator-0,validator-1,validator-2",
     "partition: the group must name some but not all nodes"},
    {"c6", TF_CONTROL_PARTITION, NULL, "validator-0,ghost", "partition: unknown node ghost"},
    {"c7", TF_CONTROL_PARTITION, NULL, "validator-1,validator-1", NULL},
    {"c8", TF_CONTROL_PAUSE, "", NULL, "pause: unknown node (none given)"},
    {"c9", TF_CONTROL_HEAL, NULL, NULL, NULL},
    {"c10", TF_CONTROL_STOP, "validator-2", NULL, "stop: the fake says no"},
    {"c11", TF_CONTROL_RESUME, "validator-1", NULL, NULL},
};
#define S_CASES (sizeof s_cases / sizeof s_cases[0])

static void
test_tf_deployer_checks_arguments_and_answers_in_order (void **state)
{
    (void) state;
    s_fake_reset (S_MODE_PLAIN);
    s_coord_t *coord = s_start_deployed (&s_fake_local);
    for (size_t index = 0; index < S_CASES; index++)
        s_request (coord, s_cases[index].req_id, s_cases[index].action, s_cases[index].node,
                   s_cases[index].group);
    size_t want = S_CASES;
    assert_true (s_pump_until (coord, s_has_replies, &want, S_EVENT_MS));
    size_t valid = 0;
    for (size_t index = 0; index < S_CASES; index++) {
        const s_reply_t *reply = &coord->replies[index];
        assert_string_equal (reply->req_id, s_cases[index].req_id); //  Arrival order
        if (s_cases[index].error) {
            assert_false (reply->ok);
            assert_string_equal (reply->error, s_cases[index].error);
        }
        else
            assert_true (reply->ok);
        //  Only well-formed requests reach the backend, in order
        bool reaches = !s_cases[index].error || streq (s_cases[index].req_id, "c10");
        if (reaches) {
            assert_true (valid < s_fake.call_count);
            assert_int_equal (s_fake.calls[valid].action, s_cases[index].action);
            assert_string_equal (s_fake.calls[valid].node,
                                 s_cases[index].node ? s_cases[index].node : "");
            valid++;
        }
    }
    s_finish (&coord);
    assert_int_equal (s_fake.call_count, valid);       //  Nothing else reached it
    assert_int_equal (s_fake.calls[1].group_count, 2); //  c7's group, as sent
}

//  A loss or bandwidth request with its argument
static void
s_request_amount (s_coord_t *self, const char *req_id, tf_control_action_t action, const char *node,
                  uint64_t amount)
{
    tf_node_control_t request = {.req_id = (char *) req_id,
                                 .action = action,
                                 .node = (char *) node,
                                 .percent = action == TF_CONTROL_LOSS ? amount : 0,
                                 .rate_kbit = action == TF_CONTROL_BANDWIDTH ? amount : 0,
                                 .requester = "tester"};
    assert_int_equal (tf_msg_send_to (self->service, self->deployer, TF_MSG_node_control, &request),
                      0);
}

typedef struct {
    const char *req_id;
    tf_control_action_t action;
    const char *node;
    uint64_t amount; //  percent or rate_kbit
    const char *error;
} s_amount_case_t;

static const s_amount_case_t s_amount_cases[] = {
    {"n1", TF_CONTROL_LOSS, "validator-0", 30, NULL},
    {"n2", TF_CONTROL_LOSS, "validator-0", 101,
     "loss: percent 101 is not 0 .. 100 (0 removes the loss)"},
    {"n3", TF_CONTROL_LOSS, NULL, 30, "loss: unknown node (none given)"},
    {"n4", TF_CONTROL_LOSS, "validator-7", 30, "loss: unknown node validator-7"},
    {"n5", TF_CONTROL_LOSS, "validator-1", 100, NULL},
    {"n6", TF_CONTROL_LOSS, "validator-1", 0, NULL},
    {"n7", TF_CONTROL_BANDWIDTH, "validator-2", 512, NULL},
    {"n8", TF_CONTROL_BANDWIDTH, "validator-2", 4,
     "bandwidth: rate_kbit 4 is below 8 kbit/s (0 removes the limit)"},
    {"n9", TF_CONTROL_BANDWIDTH, "validator-2", 10000001,
     "bandwidth: rate_kbit 10000001 is above 10000000 kbit/s (10 Gbit/s)"},
    {"n10", TF_CONTROL_BANDWIDTH, "validator-2", 0, NULL},
};
#define S_AMOUNT_CASES (sizeof s_amount_cases / sizeof s_amount_cases[0])

//  Network faults: refused on local (its catalogue entry lacks them); on
//  compose the percent and the rate are checked before the backend sees them
static void
test_tf_deployer_checks_network_fault_arguments (void **state)
{
    (void) state;
    s_fake_reset (S_MODE_PLAIN);
    s_coord_t *coord = s_start_deployed (&s_fake_local);
    s_request_amount (coord, "l1", TF_CONTROL_LOSS, "validator-0", 30);
    s_request_amount (coord, "l2", TF_CONTROL_BANDWIDTH, "validator-0", 512);
    size_t want = 2;
    assert_true (s_pump_until (coord, s_has_replies, &want, S_EVENT_MS));
    assert_string_equal (coord->replies[0].error,
                         "loss: runner local cannot do node control action loss");
    assert_string_equal (coord->replies[1].error,
                         "bandwidth: runner local cannot do node control action bandwidth");
    assert_int_equal (s_fake.call_count, 0);
    s_finish (&coord);

    s_fake_reset (S_MODE_PLAIN);
    coord = s_start_deployed (&s_fake_compose);
    for (size_t index = 0; index < S_AMOUNT_CASES; index++)
        s_request_amount (coord, s_amount_cases[index].req_id, s_amount_cases[index].action,
                          s_amount_cases[index].node, s_amount_cases[index].amount);
    want = S_AMOUNT_CASES;
    assert_true (s_pump_until (coord, s_has_replies, &want, S_EVENT_MS));
    size_t valid = 0;
    for (size_t index = 0; index < S_AMOUNT_CASES; index++) {
        const s_amount_case_t *expected = &s_amount_cases[index];
        const s_reply_t *reply = &coord->replies[index];
        assert_string_equal (reply->req_id, expected->req_id);
        if (expected->error) {
            assert_false (reply->ok);
            assert_string_equal (reply->error, expected->error);
            continue;
        }
        assert_true (reply->ok);
        assert_true (valid < s_fake.call_count);
        const s_call_t *call = &s_fake.calls[valid++];
        assert_int_equal (call->action, expected->action);
        assert_string_equal (call->node, expected->node);
        assert_int_equal (expected->action == TF_CONTROL_LOSS ? call->percent : call->rate_kbit,
                          expected->amount);
    }
    s_finish (&coord);
    assert_int_equal (s_fake.call_count, valid);
}

static void
test_tf_deployer_cleanup_cancels_a_blocking_op (void **state)
{
    (void) state;
    s_fake_reset (S_MODE_BLOCKING);
    s_coord_t *coord = s_start_deployed (&s_fake_local);
    s_request (coord, "b1", TF_CONTROL_PAUSE, "validator-1", NULL);
    s_request (coord, "b2", TF_CONTROL_RESTART, "validator-0", NULL);
    assert_true (s_pump_until (coord, s_fake_is_blocking, NULL, S_EVENT_MS));
    //  The actor keeps beating while its backend blocks
    size_t want = coord->heartbeats + 3;
    assert_true (s_pump_until (coord, s_has_heartbeats, &want, S_EVENT_MS));
    assert_true (s_fake_is_blocking (coord, NULL));
    assert_int_equal (coord->reply_count, 0);
    int64_t started = zclock_mono ();
    assert_true (s_phase (coord, "cleanup"));
    assert_true (zclock_mono () - started < S_PROMPT_MS);
    assert_int_equal (coord->reply_count, 2);
    for (size_t index = 0; index < 2; index++) {
        assert_string_equal (coord->replies[index].req_id, index == 0 ? "b1" : "b2");
        assert_false (coord->replies[index].ok);
        assert_string_equal (coord->replies[index].error, "the run is cleaning up");
    }
    assert_true (s_fake.cancelled);
    assert_int_equal (s_fake.call_count, 1); //  b2 never started
    assert_int_equal (s_fake.cleanups, 1);
    coord->phase = "done";
    coord->seq++;
    tf_run_phase_t phase = {.run_id = S_RUN_ID, .phase = "done", .seq = coord->seq};
    tf_msg_send (coord->control, TF_MSG_run_phase, &phase);
    //  Still one reply each
    assert_false (s_pump_until (coord, s_has_replies, &(size_t){3}, S_PUMP_MS * 4));
    assert_int_equal (s_coord_destroy (&coord), TF_EXIT_OK);
}

static void
test_tf_deployer_stop_ends_a_blocking_op (void **state)
{
    (void) state;
    s_fake_reset (S_MODE_BLOCKING);
    s_coord_t *coord = s_start_deployed (&s_fake_local);
    s_request (coord, "b1", TF_CONTROL_PAUSE, "validator-1", NULL);
    assert_true (s_pump_until (coord, s_fake_is_blocking, NULL, S_EVENT_MS));
    //  The run ends without cleanup: the stop path must not wait for the op
    int64_t started = zclock_mono ();
    coord->seq++;
    tf_run_phase_t phase = {.run_id = S_RUN_ID, .phase = "done", .seq = coord->seq};
    tf_msg_send (coord->control, TF_MSG_run_phase, &phase);
    assert_int_equal (s_coord_destroy (&coord), TF_EXIT_OK);
    assert_true (zclock_mono () - started < S_PROMPT_MS);
    assert_true (s_fake.cancelled);
    assert_int_equal (s_fake.destroys, 1); //  The backend was destroyed: its nodes killed
    assert_int_equal (s_fake.cleanups, 0);
}

static void
test_tf_deployer_reports_readiness_and_deploy_failures (void **state)
{
    (void) state;
    //  A node's process exited during http readiness: every node is listed
    s_fake_reset (S_MODE_EXITED);
    s_coord_t *coord = s_coord_new (&s_fake_ready);
    assert_true (s_pump_until (coord, s_is_welcomed, NULL, S_EVENT_MS));
    assert_false (s_phase (coord, "deploy"));
    assert_string_equal (coord->ack_error,
                         "node process exited during http readiness:\n"
                         "  validator#0@10000: api not answering (no answer)\n"
                         "  validator#1@10001: process exited with status 1 (log: "
                         "/fake/validator-1.log)\n"
                         "  validator#2@10002: api not answering (no answer)");
    assert_false (coord->have_nodes);
    s_finish (&coord);
    //  The backend cannot deploy: its reason is the deploy phase's
    s_fake_reset (S_MODE_DEPLOY_FAILS);
    coord = s_coord_new (&s_fake_local);
    assert_true (s_pump_until (coord, s_is_welcomed, NULL, S_EVENT_MS));
    assert_false (s_phase (coord, "deploy"));
    assert_string_equal (coord->ack_error, "the fake cannot deploy");
    s_finish (&coord);
    assert_int_equal (s_fake.cleanups, 1);
}

int
main (void)
{
    zsys_init ();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_tf_deployer_refuses_actions_the_runner_cannot_do),
        cmocka_unit_test (test_tf_deployer_checks_arguments_and_answers_in_order),
        cmocka_unit_test (test_tf_deployer_checks_network_fault_arguments),
        cmocka_unit_test (test_tf_deployer_cleanup_cancels_a_blocking_op),
        cmocka_unit_test (test_tf_deployer_stop_ends_a_blocking_op),
        cmocka_unit_test (test_tf_deployer_reports_readiness_and_deploy_failures),
    };
    return cmocka_run_group_tests_name ("tf_deployer", tests, NULL, NULL);
}
