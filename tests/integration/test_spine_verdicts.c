//  test_spine_verdicts.c - whole runs through tf: pass, keep or remove the run
//  directory, aggregated expectation failures

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "spine_harness.h"
#include "tf_msg.h"

#define SPINE_REGISTER_DEADLINE_MS 30000 //  The coordinator waits this long for every hello

#define SPINE_ATTACH_VARS 16 //  TF_* variables tf prints for attaching

extern char **environ;

static bool
s_dir_exists (const char *path)
{
    struct stat info;
    return stat (path, &info) == 0 && S_ISDIR (info.st_mode);
}

//  Expectation named name in report.json, or NULL (borrowed from report)
static json_t *
s_expectation (json_t *report, const char *name)
{
    size_t index;
    json_t *entry;
    json_array_foreach (
        json_object_get (report, "expectations"), index,
        entry) if (strcmp (json_string_value (json_object_get (entry, "name")), name)
                   == 0) return entry;
    return NULL;
}

static void
test_spine_pass_removes_run_dir (void **state)
{
    spine_run_t *run = *state = spine_start ("spine_pass.yaml", false, NULL);
    assert_int_equal (spine_wait_exit (run, SPINE_RUN_TIMEOUT_MS), 0);
    char *output = spine_output (run);
    assert_non_null (strstr (output, "verdict: passed"));
    assert_non_null (strstr (output, "PASS judge: all good"));
    assert_non_null (strstr (output, "phase execute"));
    assert_non_null (strstr (output, "run directory removed"));
    free (output);
    const char *run_dir = spine_run_dir (run);
    assert_non_null (run_dir);
    assert_non_null (strstr (run_dir, "/tf-run-"));
    assert_false (s_dir_exists (run_dir));
    assert_true (spine_all_gone (SPINE_GONE_TIMEOUT_MS));
}

static void
test_spine_pass_keeps_run_dir_when_asked (void **state)
{
    const char *env[] = {"LOGOS_BLOCKCHAIN_TESTS_KEEP_LOGS=1", NULL};
    spine_run_t *run = *state = spine_start ("spine_pass.yaml", false, env);
    assert_int_equal (spine_wait_exit (run, SPINE_RUN_TIMEOUT_MS), 0);
    const char *run_dir = spine_run_dir (run);
    assert_non_null (run_dir);
    assert_true (s_dir_exists (run_dir));
    struct stat info;
    assert_int_equal (stat (run_dir, &info), 0);
    assert_int_equal (info.st_mode & 0777, 0700);
    assert_true (spine_run_file_exists (run, "plan.yaml"));
    assert_true (spine_run_file_exists (run, "plan.msgpack"));
    assert_true (spine_run_file_exists (run, "logs/coordinator.log"));
    assert_true (spine_run_file_exists (run, "logs/judge.log"));
    assert_true (spine_run_file_exists (run, "cleanup.done"));
    json_t *report = spine_report (run);
    assert_non_null (report);
    assert_string_equal (json_string_value (json_object_get (report, "verdict")), "passed");
    json_t *judge = s_expectation (report, "judge");
    assert_non_null (judge);
    assert_true (json_is_true (json_object_get (judge, "passed")));
    json_decref (report);
    char *output = spine_output (run);
    assert_non_null (strstr (output, "run directory kept"));
    free (output);
}

static void
test_spine_two_expectations_fail (void **state)
{
    spine_run_t *run = *state = spine_start ("spine_two_fail.yaml", true, NULL);
    assert_int_equal (spine_wait_exit (run, SPINE_RUN_TIMEOUT_MS), 1);
    json_t *report = spine_report (run);
    assert_non_null (report);
    assert_string_equal (json_string_value (json_object_get (report, "verdict")), "failed");
    json_t *first = s_expectation (report, "strict-a");
    json_t *second = s_expectation (report, "strict-b");
    json_t *lenient = s_expectation (report, "lenient");
    assert_non_null (first);
    assert_non_null (second);
    assert_non_null (lenient);
    assert_false (json_is_true (json_object_get (first, "passed")));
    assert_false (json_is_true (json_object_get (second, "passed")));
    assert_true (json_is_true (json_object_get (lenient, "passed")));
    assert_string_equal (json_string_value (json_object_get (first, "message")), "too few blocks");
    assert_string_equal (json_string_value (json_object_get (second, "message")),
                         "tx never included");
    json_decref (report);
    char *output = spine_output (run);
    assert_non_null (strstr (output, "verdict: failed"));
    assert_non_null (strstr (output, "FAIL strict-a: too few blocks"));
    assert_non_null (strstr (output, "FAIL strict-b: tx never included"));
    assert_non_null (strstr (output, "PASS lenient: all good"));
    //  In the plan's order, whatever order the results arrived in
    assert_true (strstr (output, "FAIL strict-a") < strstr (output, "FAIL strict-b"));
    assert_true (strstr (output, "FAIL strict-b") < strstr (output, "PASS lenient"));
    assert_non_null (strstr (output, "run directory kept"));
    free (output);
    assert_true (spine_run_file_exists (run, "cleanup.done"));
}

static void
test_spine_overrides_apply (void **state)
{
    //  A two-minute scenario cut to one second, with another seed
    const char *options[] = {"--duration", "1s", "--seed", "77", "--runner", "none", NULL};
    spine_run_t *run = *state = spine_start_options ("spine_long.yaml", options, NULL);
    assert_int_equal (spine_wait_exit (run, SPINE_RUN_TIMEOUT_MS), 0);
    json_t *report = spine_report (run);
    assert_non_null (report);
    json_t *run_plan = json_object_get (json_object_get (report, "plan"), "run");
    assert_int_equal (json_integer_value (json_object_get (run_plan, "duration_ms")), 1000);
    assert_int_equal (json_integer_value (json_object_get (run_plan, "seed")), 77);
    assert_string_equal (json_string_value (json_object_get (run_plan, "runner")), "none");
    json_decref (report);
}

//  The endpoints tf printed for a custom actor without a command, as
//  "KEY=value" strings (NULL-terminated, caller frees each and the array)
static char **
s_attach_env (const char *output)
{
    const char *line = strstr (output, "TF_ACTOR_NAME=");
    assert_non_null (line);
    char **env = (char **) zmalloc ((SPINE_ATTACH_VARS + 1) * sizeof (char *));
    size_t count = 0;
    while (*line && *line != '\n' && *line != '<' && count < SPINE_ATTACH_VARS) {
        size_t length = strcspn (line, " \n");
        env[count++] = strndup (line, length);
        line += length;
        line += strspn (line, " ");
    }
    return env;
}

static void
test_spine_custom_actor_attaches_by_endpoint (void **state)
{
    spine_run_t *run = *state = spine_start ("spine_attach.yaml", true, NULL);
    assert_true (
        spine_wait_output (run, "waiting for custom actor 'visitor'", SPINE_EVENT_TIMEOUT_MS));
    assert_true (spine_wait_output (run, "<your actor>", SPINE_EVENT_TIMEOUT_MS));
    char *output = spine_output (run);
    char **attach = s_attach_env (output);
    free (output);
    //  Start the actor ourselves, from nothing but what tf printed
    size_t inherited = 0;
    while (environ[inherited])
        inherited++;
    char **envp = (char **) zmalloc ((inherited + SPINE_ATTACH_VARS + 1) * sizeof (char *));
    size_t count = 0;
    for (size_t index = 0; attach[index]; index++)
        envp[count++] = attach[index];
    for (size_t index = 0; index < inherited; index++)
        if (strncmp (environ[index], "TF_", 3) != 0)
            envp[count++] = environ[index];
    char *program = zsys_sprintf ("%s/tf-test-actor", getenv ("TF_BIN_DIR"));
    char *argv[] = {program, "--role", "expectation", NULL};
    pid_t actor;
    assert_int_equal (posix_spawn (&actor, program, NULL, NULL, argv, envp), 0);
    assert_int_equal (spine_wait_exit (run, SPINE_RUN_TIMEOUT_MS), 0);
    int status;
    assert_int_equal (waitpid (actor, &status, 0), actor);
    assert_int_equal (WEXITSTATUS (status), 0);
    json_t *report = spine_report (run);
    assert_non_null (report);
    json_t *visitor = s_expectation (report, "visitor");
    assert_non_null (visitor);
    assert_true (json_is_true (json_object_get (visitor, "passed")));
    json_decref (report);
    for (size_t index = 0; attach[index]; index++)
        free (attach[index]);
    free (attach);
    free (envp);
    zstr_free (&program);
}

//  The value of KEY= in tf's attach line; caller frees
static char *
s_attach_value (const char *output, const char *key)
{
    char *needle = zsys_sprintf ("%s=", key);
    const char *at = strstr (output, needle);
    char *value = at ? strndup (at + strlen (needle), strcspn (at + strlen (needle), " \n")) : NULL;
    zstr_free (&needle);
    return value;
}

//  A hello must carry the role the plan gives its name: another is refused,
//  naming both; the right one is welcomed. Its pid, when only a later hello
//  brings it, is recorded then (event actor.pid)
static void
test_spine_hello_with_another_role_is_refused (void **state)
{
    spine_run_t *run = *state = spine_start ("spine_attach.yaml", true, NULL);
    assert_true (spine_wait_output (run, "<your actor>", SPINE_EVENT_TIMEOUT_MS));
    char *output = spine_output (run);
    char *service = s_attach_value (output, "TF_SERVICE");
    free (output);
    assert_non_null (service);
    zsock_t *dealer = zsock_new (ZMQ_DEALER);
    assert_non_null (dealer);
    zsock_set_rcvtimeo (dealer, SPINE_EVENT_TIMEOUT_MS);
    assert_int_equal (zsock_connect (dealer, "%s", service), 0);
    tf_actor_hello_t hello = {.name = "visitor", .role = "workload"};
    assert_int_equal (tf_msg_send (dealer, TF_MSG_actor_hello, &hello), 0);
    tf_msg_t *answer = tf_msg_recv (dealer);
    assert_non_null (answer);
    assert_int_equal (answer->id, TF_MSG_actor_error);
    assert_int_equal (answer->actor_error.code, 409);
    assert_non_null (strstr (answer->actor_error.reason,
                             "actor 'visitor' says role 'workload', but the plan gives it "
                             "role 'expectation'"));
    tf_msg_destroy (&answer);
    hello.role = "expectation";
    assert_int_equal (tf_msg_send (dealer, TF_MSG_actor_hello, &hello), 0);
    answer = tf_msg_recv (dealer);
    assert_non_null (answer);
    assert_int_equal (answer->id, TF_MSG_actor_welcome);
    tf_msg_destroy (&answer);
    //  That hello had no pid; a later one that has it is welcomed again and recorded
    hello.pid = 4242;
    assert_int_equal (tf_msg_send (dealer, TF_MSG_actor_hello, &hello), 0);
    do {
        tf_msg_destroy (&answer);
        answer = tf_msg_recv (dealer); //  The plan (and nodes) of the first welcome first
        assert_non_null (answer);
    } while (answer->id != TF_MSG_actor_welcome);
    tf_msg_destroy (&answer);
    //  It says no more: the run aborts on its silence and still ends cleanly
    assert_int_equal (spine_wait_exit (run, SPINE_RUN_TIMEOUT_MS), 3);
    json_t *report = spine_report (run);
    assert_non_null (report);
    const char *registered = NULL, *pid = NULL;
    size_t index;
    json_t *event;
    json_array_foreach (json_object_get (report, "events"), index, event)
    {
        const char *kind = json_string_value (json_object_get (event, "kind"));
        const char *actor = json_string_value (json_object_get (event, "actor"));
        if (!kind || !actor || strcmp (actor, "visitor") != 0)
            continue;
        if (strcmp (kind, "actor.registered") == 0)
            registered = json_string_value (json_object_get (event, "detail"));
        else if (strcmp (kind, "actor.pid") == 0)
            pid = json_string_value (json_object_get (event, "detail"));
    }
    assert_non_null (registered);
    assert_string_equal (registered, "pid unknown");
    assert_non_null (pid);
    assert_string_equal (pid, "pid 4242");
    json_decref (report);
    zsock_destroy (&dealer);
    zstr_free (&service);
}

//  A built-in program attached as a custom actor takes the plan's role from
//  tf (TF_ACTOR_ROLE): a second scanner registers as the workload it is here
static void
test_spine_builtin_program_attaches_in_the_plans_role (void **state)
{
    json_t *report = spine_run_to_end (state, "spine_custom_scanner.yaml", 0, 3);
    assert_string_equal (json_string_value (json_object_get (report, "verdict")), "passed");
    json_decref (report);
}

//  An actor that insists on another role is refused at hello and stops at once,
//  saying why in its log; tf, its parent, tells the coordinator, which aborts
//  without waiting for the 30 s registration deadline
static void
test_spine_actor_refused_at_hello_stops_at_once (void **state)
{
    spine_run_t *run = *state = spine_start ("spine_custom_wrong_role.yaml", true, NULL);
    assert_int_equal (spine_wait_exit (run, SPINE_REGISTER_DEADLINE_MS / 2), 3);
    json_t *report = spine_report (run);
    json_t *abort_info = json_object_get (report, "abort");
    assert_string_equal (json_string_value (json_object_get (abort_info, "reason")),
                         "actor anchor exited with status 3 during register");
    assert_string_equal (json_string_value (json_object_get (abort_info, "actor")), "anchor");
    json_decref (report);
    char *path = zsys_sprintf ("%s/logs/anchor.log", spine_run_dir (run));
    FILE *file = fopen (path, "r");
    assert_non_null (file);
    char log[8192] = "";
    size_t size = fread (log, 1, sizeof log - 1, file);
    log[size] = 0;
    fclose (file);
    zstr_free (&path);
    assert_non_null (strstr (log, "the coordinator refused this actor: actor 'anchor' says role "
                                  "'scanner', but the plan gives it role 'workload'"));
}

//  --attach-timeout sets how long tf waits for an actor that attaches by itself
static void
test_spine_attach_timeout_bounds_the_wait (void **state)
{
    const char *options[] = {"--attach-timeout", "1s", NULL};
    spine_run_t *run = *state = spine_start_options ("spine_attach.yaml", options, NULL);
    assert_int_equal (spine_wait_exit (run, SPINE_REGISTER_DEADLINE_MS / 2), 3);
    json_t *report = spine_report (run);
    const char *reason =
        json_string_value (json_object_get (json_object_get (report, "abort"), "reason"));
    assert_non_null (reason);
    //  1000 ms, or 2000 ms under SLOW_TEST_ENV, which doubles every deadline
    assert_true (strstr (reason, "actors never registered within 1000 ms: visitor")
                 || strstr (reason, "actors never registered within 2000 ms: visitor"));
    json_decref (report);
}

static void
test_spine_replay_judges_the_recording_again (void **state)
{
    spine_run_t *run = *state = spine_start ("spine_two_fail.yaml", true, NULL);
    assert_int_equal (spine_wait_exit (run, SPINE_RUN_TIMEOUT_MS), 1);
    //  The replay keeps the expectations, drops the workload, plays bus.rec back
    const char *args[] = {"replay", spine_run_dir (run), NULL};
    spine_run_t *replay = spine_start_args (args, NULL);
    int code = spine_wait_exit (replay, SPINE_RUN_TIMEOUT_MS);
    char *output = spine_output (replay);
    json_t *report = spine_report (replay);
    bool has_replayer_log = spine_run_file_exists (replay, "logs/deployer.log");
    pid_t pids[SPINE_MAX_PIDS];
    size_t processes = spine_run_pids (replay, pids, SPINE_MAX_PIDS);
    spine_destroy (&replay);
    assert_int_equal (code, 1);
    assert_non_null (strstr (output, "runner replay"));
    assert_non_null (strstr (output, "FAIL strict-a: too few blocks"));
    assert_non_null (strstr (output, "FAIL strict-b: tx never included"));
    assert_non_null (strstr (output, "PASS lenient: all good"));
    free (output);
    assert_non_null (report);
    assert_string_equal (json_string_value (json_object_get (report, "runner")), "replay");
    assert_null (s_expectation (report, "worker"));
    assert_non_null (s_expectation (report, "strict-a"));
    json_decref (report);
    assert_true (has_replayer_log);
    assert_int_equal (processes, 5); //  Coordinator, replayer, three expectations
    //  A directory that holds no run is refused
    const char *bad[] = {"replay", getenv ("TF_TEST_DATA"), NULL};
    spine_run_t *refused = spine_start_args (bad, NULL);
    code = spine_wait_exit (refused, SPINE_RUN_TIMEOUT_MS);
    output = spine_output (refused);
    spine_destroy (&refused);
    assert_int_equal (code, 2);
    assert_non_null (strstr (output, "a run directory?"));
    free (output);
}

int
main (void)
{
    spine_init ();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown (test_spine_pass_removes_run_dir, spine_teardown),
        cmocka_unit_test_teardown (test_spine_pass_keeps_run_dir_when_asked, spine_teardown),
        cmocka_unit_test_teardown (test_spine_two_expectations_fail, spine_teardown),
        cmocka_unit_test_teardown (test_spine_overrides_apply, spine_teardown),
        cmocka_unit_test_teardown (test_spine_custom_actor_attaches_by_endpoint, spine_teardown),
        cmocka_unit_test_teardown (test_spine_hello_with_another_role_is_refused, spine_teardown),
        cmocka_unit_test_teardown (test_spine_builtin_program_attaches_in_the_plans_role,
                                   spine_teardown),
        cmocka_unit_test_teardown (test_spine_actor_refused_at_hello_stops_at_once, spine_teardown),
        cmocka_unit_test_teardown (test_spine_attach_timeout_bounds_the_wait, spine_teardown),
        cmocka_unit_test_teardown (test_spine_replay_judges_the_recording_again, spine_teardown),
    };
    return cmocka_run_group_tests_name ("spine_verdicts", tests, NULL, NULL);
}
