//  test_deploy_control.c - node control requests to the local deployer, from
//  an actor the test itself attaches to a real `tf run`
//
//  The custom actor `controller` (tests/data/scenarios/deploy_control_direct.yaml)
//  runs in the test process: in execute it sends one node.control request after
//  another and records each reply, so the test checks what the deployer does
//  with each action, good and bad, on stand-in nodes (tests/data/nodes/stub-node.py).

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include "spine_harness.h"
#include "tf_actor.h"

#define CONTROL_MAX_TEXT 256

//  One request and what the deployer must answer
typedef struct {
    tf_control_action_t action;
    const char *node;
    const char *group; //  Comma-separated partition group, or NULL
    bool ok;           //  Expected outcome
    const char *error; //  Expected part of the error, when not ok
} s_step_t;

static const s_step_t s_steps[] = {
    {TF_CONTROL_STOP, "validator-1", NULL, true, NULL},
    {TF_CONTROL_STOP, "validator-1", NULL, false, "already stopped"},
    {TF_CONTROL_START, "validator-1", NULL, true, NULL},
    {TF_CONTROL_START, "validator-1", NULL, false, "already running"},
    {TF_CONTROL_RESTART, "validator-9", NULL, false, "unknown node validator-9"},
    {TF_CONTROL_PAUSE, "validator-0", NULL, true, NULL},
    {TF_CONTROL_RESUME, "validator-0", NULL, true, NULL},
    {TF_CONTROL_RESUME, "validator-0", NULL, false, "not paused"},
    {TF_CONTROL_RESTART, NULL, NULL, false, "unknown node (none given)"},
    {TF_CONTROL_PARTITION, NULL, "validator-0,validator-1,validator-2", false, "some but not all"},
    {TF_CONTROL_PARTITION, NULL, "validator-2", true, NULL},
    {TF_CONTROL_HEAL, NULL, NULL, true, NULL},
};
#define CONTROL_STEPS (sizeof s_steps / sizeof s_steps[0])

typedef struct {
    size_t next; //  Step whose reply we wait for
    bool replied[CONTROL_STEPS];
    bool ok[CONTROL_STEPS];
    char error[CONTROL_STEPS][CONTROL_MAX_TEXT];
    char req_id[CONTROL_MAX_TEXT];
} s_controller_t;

static void
s_send_step (tf_actor_t *actor, s_controller_t *self)
{
    const s_step_t *step = &s_steps[self->next];
    snprintf (self->req_id, sizeof self->req_id, "controller-%zu", self->next);
    char *items[TF_PLAN_MAX_NODES];
    size_t count = 0;
    char *group = step->group ? strdup (step->group) : NULL;
    char *cursor = group, *name;
    while (cursor && (name = strsep (&cursor, ",")))
        items[count++] = name;
    tf_node_control_t request = {.req_id = self->req_id,
                                 .action = step->action,
                                 .node = (char *) step->node,
                                 .group = {.items = items, .count = count}};
    tf_actor_send (actor, TF_MSG_node_control, &request);
    free (group);
}

static int
s_on_phase (tf_actor_t *actor, void *state, tf_phase_t phase)
{
    if (phase != TF_PHASE_EXECUTE)
        return TF_ACTOR_ACK;
    s_send_step (actor, (s_controller_t *) state);
    return TF_ACTOR_PENDING;
}

static int
s_on_message (tf_actor_t *actor, void *state, tf_msg_t *msg)
{
    s_controller_t *self = (s_controller_t *) state;
    if (msg->id != TF_MSG_node_control_reply || self->next >= CONTROL_STEPS
        || strcmp (msg->node_control_reply.req_id, self->req_id) != 0)
        return 0;
    self->replied[self->next] = true;
    self->ok[self->next] = msg->node_control_reply.ok;
    snprintf (self->error[self->next], CONTROL_MAX_TEXT, "%s",
              msg->node_control_reply.error ? msg->node_control_reply.error : "");
    if (++self->next < CONTROL_STEPS)
        s_send_step (actor, self);
    else
        tf_actor_phase_done (actor, true, NULL);
    return 0;
}

//  The value of KEY=value in tf's attach line; caller frees
static char *
s_attach_value (const char *output, const char *key)
{
    char *needle = zsys_sprintf ("%s=", key);
    const char *at = strstr (output, needle);
    char *value = at ? strndup (at + strlen (needle), strcspn (at + strlen (needle), " \n")) : NULL;
    zstr_free (&needle);
    return value;
}

static void
test_deploy_control_every_action_answers (void **state)
{
    char *stub =
        zsys_sprintf ("LOGOS_BLOCKCHAIN_NODE_BIN=%s/nodes/stub-node.py", getenv ("TF_TEST_DATA"));
    const char *env[] = {stub, NULL};
    spine_run_t *run = *state = spine_start ("deploy_control_direct.yaml", true, env);
    zstr_free (&stub);
    assert_true (spine_wait_output (run, "<your actor>", SPINE_EVENT_TIMEOUT_MS));
    char *output = spine_output (run);
    char *name = s_attach_value (output, "TF_ACTOR_NAME");
    char *control = s_attach_value (output, "TF_CONTROL");
    char *service = s_attach_value (output, "TF_SERVICE");
    char *run_dir = s_attach_value (output, "TF_RUN_DIR");
    free (output);
    assert_non_null (name);
    assert_non_null (control);
    assert_non_null (service);

    s_controller_t controller;
    memset (&controller, 0, sizeof controller);
    tf_actor_config_t config = {.name = name,
                                .role = "workload",
                                .control_ep = control,
                                .service_ep = service,
                                .run_dir = run_dir};
    tf_actor_handlers_t handlers = {.phase = s_on_phase, .message = s_on_message};
    tf_actor_t *actor = tf_actor_new (&config, &handlers, &controller);
    assert_non_null (actor);
    int actor_rc = tf_actor_run (actor);
    tf_actor_destroy (&actor);
    int tf_rc = spine_wait_exit (run, SPINE_RUN_TIMEOUT_MS);
    for (size_t index = 0; index < CONTROL_STEPS; index++) {
        const s_step_t *step = &s_steps[index];
        if (!controller.replied[index] || controller.ok[index] != step->ok
            || (step->error && !strstr (controller.error[index], step->error)))
            fail_msg ("step %zu (%s %s): replied=%d ok=%d error='%s'", index,
                      tf_control_action_str (step->action), step->node ? step->node : step->group,
                      controller.replied[index], controller.ok[index], controller.error[index]);
    }
    assert_int_equal (actor_rc, TF_EXIT_OK);
    assert_int_equal (tf_rc, 0);
    //  The deployer ended cleanly (no crash, no sanitizer report)
    char *tf_output = spine_output (run);
    bool deployer_failed = strstr (tf_output, "actor deployer exited") != NULL
                           || strstr (tf_output, "actor deployer killed") != NULL;
    free (tf_output);
    assert_false (deployer_failed);
    //  validator-1 really went down and came back: started twice
    char *log_path = zsys_sprintf ("%s/logs/deployer.log", spine_run_dir (run));
    zfile_t *file = zfile_new (NULL, log_path);
    assert_int_equal (zfile_input (file), 0);
    zchunk_t *chunk = zfile_read (file, zfile_cursize (file), 0);
    char *log = zchunk_strdup (chunk);
    size_t starts = 0;
    for (const char *at = log; (at = strstr (at, "node started name=validator-1 ")); at++)
        starts++;
    assert_int_equal (starts, 2);
    assert_non_null (strstr (log, "deployer: every node stopped nodes=3"));
    free (log);
    zchunk_destroy (&chunk);
    zfile_destroy (&file);
    zstr_free (&log_path);
    assert_true (spine_all_gone (SPINE_GONE_TIMEOUT_MS));
    free (name);
    free (control);
    free (service);
    free (run_dir);
}

int
main (void)
{
    spine_init ();
    zsys_init ();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown (test_deploy_control_every_action_answers, spine_teardown),
    };
    return cmocka_run_group_tests_name ("deploy_control", tests, NULL, NULL);
}
