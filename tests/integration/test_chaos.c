//  test_chaos.c - the chaos workloads through real runs: tf, the local
//  deployer's node control, tf-node on loopback, the scanner and
//  consensus_liveness. Each run must pass or fail for the right reason, show
//  every node-control request and its outcome in report.json with the
//  workload's seeded schedule, let the nodes settle before evaluation, and
//  leave no process behind.
//
//  Partition, pause and restart together (chaos_overlap.yaml) must compose:
//  a heal while a node is paused, a restart of a paused node.
//
//  Two of three validators stopped for good through node control is
//  test_liveness's "two validators are stopped" case; it is not repeated here.

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include "spine_harness.h"
#include "tf_msg.h"
#include "tf_recording.h"
#include "tf_run_metrics.h"
#include "tf_wl_chaos.h"

#define S_MAX_EVENTS          64   //  Node-control events one test looks at
#define S_EARLY_MS            100  //  Clock slack between timer and event stamp
#define S_RESTART_SEED        8    //  run.seed of chaos_restart.yaml
#define S_OTHER_SEED          5    //  Another seed, another schedule
#define S_GROUP_TEXT_SIZE     512  //  A partition group as "a,b,c"
#define S_UNHEALED_EXECUTE_MS 8000 //  run.duration of chaos_partition_unhealed.yaml

//  Restart order of the first Recipe 4 run, for the same-seed test
static char *s_first_order;

//  ---------------------------------------------------------------------------
//  Helpers

//  Run a fixture to the end: coordinator, deployer, scanner, workload and
//  expectation at least; returns report.json (caller decrefs)
static json_t *
s_run (void **state, const char *scenario, int expected_exit)
{
    return spine_run_to_end (state, scenario, expected_exit, 5);
}

//  The consensus_liveness entry of report.json (borrowed)
static json_t *
s_liveness (json_t *report)
{
    json_t *entry = spine_expectation (report, "consensus_liveness");
    if (!entry)
        fail_msg ("no consensus_liveness result in the report");
    return entry;
}

//  When a phase started (Unix ms)
static int64_t
s_phase_started (json_t *report, const char *phase)
{
    size_t index;
    json_t *entry;
    json_array_foreach (
        json_object_get (report, "phases"), index,
        entry) if (streq (json_string_value (json_object_get (entry, "phase")),
                          phase)) return json_integer_value (json_object_get (entry, "started_ms"));
    fail_msg ("phase %s missing from the report", phase);
    return 0;
}

//  When a phase ended, from report.json phases (fails the test when missing)
static int64_t
s_phase_ended (json_t *report, const char *phase)
{
    size_t index;
    json_t *entry;
    json_array_foreach (json_object_get (report, "phases"), index, entry)
    {
        if (streq (json_string_value (json_object_get (entry, "phase")), phase))
            return json_integer_value (json_object_get (entry, "ended_ms"));
    }
    fail_msg ("phase %s missing from the report", phase);
    return 0;
}

//  The run events of one kind that an actor caused, in order (borrowed)
static size_t
s_events (json_t *report, const char *kind, const char *actor, json_t **found, size_t max)
{
    size_t count = 0;
    size_t index;
    json_t *event;
    json_array_foreach (
        json_object_get (report, "events"), index,
        event) if (streq (json_string_value (json_object_get (event, "kind")), kind)
                   && streq (json_string_value (json_object_get (event, "actor")), actor))
    {
        assert_true (count < max);
        found[count++] = event;
    }
    return count;
}

static int64_t
s_at (json_t *event)
{
    return json_integer_value (json_object_get (event, "at_ms"));
}

static const char *
s_str (json_t *object, const char *key)
{
    return json_string_value (json_object_get (object, key));
}

//  The schedule a workload of a fixture plans with this seed, as described
static char *
s_planned (const char *scenario, const char *workload, uint64_t seed, tf_chaos_schedule_t *schedule)
{
    char *path = spine_scenario_path (scenario);
    tf_plan_errors_t *errors = tf_plan_errors_new ();
    tf_plan_t *plan = tf_plan_load (path, errors);
    assert_non_null (plan);
    tf_plan_set_seed (plan, seed);
    const tf_plan_item_t *item = tf_plan_item_by_name (plan, workload);
    assert_non_null (item);
    char error[256] = "";
    assert_int_equal (tf_chaos_schedule_build (plan, item, tf_run_metrics (plan).duration_ms,
                                               schedule, error, sizeof error),
                      0);
    char *described = tf_chaos_schedule_describe (schedule);
    tf_plan_destroy (&plan);
    tf_plan_errors_destroy (&errors);
    zstr_free (&path);
    return described;
}

//  The workload's status in the report: stopped, every request answered
//  well, and the schedule shown with the seed it came from
static void
s_assert_workload (json_t *report, const char *name, uint64_t seed, const char *schedule,
                   size_t steps)
{
    json_t *status = json_object_get (json_object_get (report, "workloads"), name);
    assert_non_null (status);
    assert_string_equal (s_str (status, "state"), "stopped");
    assert_int_equal (json_integer_value (json_object_get (status, "submitted")), steps);
    assert_int_equal (json_integer_value (json_object_get (status, "accepted")), steps);
    assert_int_equal (json_integer_value (json_object_get (status, "rejected")), 0);
    char *expected = zsys_sprintf ("seed %" PRIu64 ": %s", seed, schedule);
    assert_string_equal (s_str (status, "detail"), expected);
    zstr_free (&expected);
}

//  Every step of the schedule was requested through the coordinator at its
//  planned time (or later; a step planned past execute as the cooldown starts)
//  and succeeded; request and outcome name the node. Evaluation began no
//  sooner than the run's cooldown after the last outcome.
static void
s_assert_steps_done (json_t *report, const char *workload, const tf_chaos_schedule_t *schedule)
{
    json_t *requests[S_MAX_EVENTS], *outcomes[S_MAX_EVENTS], *failures[S_MAX_EVENTS];
    size_t count = s_events (report, "node.control", workload, requests, S_MAX_EVENTS);
    assert_int_equal (count, schedule->count);
    assert_int_equal (s_events (report, "node.control.done", workload, outcomes, S_MAX_EVENTS),
                      count);
    assert_int_equal (s_events (report, "node.control.failed", workload, failures, S_MAX_EVENTS),
                      0);
    int64_t execute = s_phase_started (report, "execute");
    int64_t cooldown_started = s_phase_started (report, "cooldown");
    for (size_t index = 0; index < count; index++) {
        const tf_chaos_step_t *step = &schedule->steps[index];
        const char *node = step->node[0] ? step->node : NULL;
        int64_t due = execute + step->at_ms;
        if (due > cooldown_started)
            due = cooldown_started;
        assert_true (s_at (requests[index]) >= due - S_EARLY_MS);
        assert_true (s_at (outcomes[index]) >= s_at (requests[index]));
        if (index)
            assert_true (s_at (requests[index]) >= s_at (outcomes[index - 1]));
        if (node) {
            assert_string_equal (s_str (requests[index], "node"), node);
            assert_string_equal (s_str (outcomes[index], "node"), node);
        }
        else if (step->group_count > 0) {
            //  A partition's events name its group, comma-separated
            char group[S_GROUP_TEXT_SIZE] = "";
            for (size_t member = 0; member < step->group_count; member++)
                snprintf (group + strlen (group), sizeof group - strlen (group), "%s%s",
                          member ? "," : "", step->group[member]);
            assert_string_equal (s_str (requests[index], "node"), group);
            assert_string_equal (s_str (outcomes[index], "node"), group);
        }
        else //  heal: every cut, no one node
            assert_null (json_string_value (json_object_get (requests[index], "node")));
        assert_non_null (
            strstr (s_str (requests[index], "detail"), tf_control_action_str (step->action)));
        assert_non_null (
            strstr (s_str (outcomes[index], "detail"), tf_control_action_str (step->action)));
    }
    int64_t cooldown = json_integer_value (
        json_object_get (json_object_get (report, "run_metrics"), "cooldown_ms"));
    assert_true (cooldown > 0);
    assert_true (s_phase_started (report, "evaluate") >= s_at (outcomes[count - 1]) + cooldown);
}

//  The nodes restarted, in order, as the report's outcomes say: "a,b,c"
static char *
s_restart_order (json_t *report)
{
    json_t *outcomes[S_MAX_EVENTS];
    size_t count =
        s_events (report, "node.control.done", "chaos_random_restart", outcomes, S_MAX_EVENTS);
    char *order = strdup ("");
    for (size_t index = 0; index < count; index++) {
        char *longer =
            zsys_sprintf ("%s%s%s", order, index ? "," : "", s_str (outcomes[index], "node"));
        free (order);
        order = longer;
    }
    return order;
}

//  node.control.done run events in the run's bus recording
static size_t
s_recorded_outcomes (spine_run_t *run)
{
    char *path = zsys_sprintf ("%s/%s", spine_run_dir (run), TF_RUNDIR_RECORDING);
    tf_recording_t *recording = tf_recording_open (path);
    zstr_free (&path);
    assert_non_null (recording);
    size_t count = 0;
    tf_record_t record;
    int rc;
    while ((rc = tf_recording_next (recording, &record)) == 1) {
        if (record.source != TF_SOURCE_CONTROL || !streq (record.topic, "run.event"))
            continue;
        tf_run_event_t event;
        assert_int_equal (tf_msg_decode (TF_MSG_run_event, record.body, record.size, &event), 0);
        if (streq (event.kind, "node.control.done"))
            count++;
        tf_msg_body_free (TF_MSG_run_event, &event);
    }
    assert_int_equal (rc, 0);
    tf_recording_destroy (&recording);
    return count;
}

//  `tf replay` of the live run in *state judges it alike: the same verdict,
//  and each expectation passed or failed with the same message (a check
//  during the run fires in the same phase, as the whole feed comes first)
static void
s_assert_replays_alike (void **state, json_t *live, int expected_exit)
{
    const char *args[] = {"replay", spine_run_dir ((spine_run_t *) *state), NULL};
    const char *keep_env[] = {"LOGOS_BLOCKCHAIN_TESTS_KEEP_LOGS=1", NULL}; //  Also a pass's report
    spine_run_t *replay = spine_start_args (args, keep_env);
    assert_non_null (replay);
    spine_assert_exit (replay, expected_exit);
    json_t *judged = spine_report (replay);
    assert_non_null (judged);
    assert_string_equal (s_str (judged, "verdict"), s_str (live, "verdict"));
    json_t *expectations = json_object_get (live, "expectations");
    assert_int_equal (json_array_size (json_object_get (judged, "expectations")),
                      json_array_size (expectations));
    size_t index;
    json_t *entry;
    json_array_foreach (expectations, index, entry)
    {
        json_t *again = spine_expectation (judged, s_str (entry, "kind"));
        assert_non_null (again);
        assert_int_equal (json_is_true (json_object_get (again, "passed")),
                          json_is_true (json_object_get (entry, "passed")));
        assert_string_equal (s_str (again, "message"), s_str (entry, "message"));
    }
    json_decref (judged);
    spine_destroy (&replay);
}

//  Recipe 4 in short: passes with the seed's restarts done; returns the order
static char *
s_recipe4 (void **state)
{
    json_t *report = s_run (state, "chaos_restart.yaml", 0);
    json_t *liveness = s_liveness (report);
    assert_true (json_is_true (json_object_get (liveness, "passed")));
    assert_string_equal (s_str (json_object_get (liveness, "details"), "agreement"), "ok");

    tf_chaos_schedule_t *schedule = calloc (1, sizeof *schedule);
    char *planned =
        s_planned ("chaos_restart.yaml", "chaos_random_restart", S_RESTART_SEED, schedule);
    assert_true (schedule->count >= 2);
    for (size_t index = 0; index < schedule->count; index++)
        assert_int_equal (schedule->steps[index].action, TF_CONTROL_RESTART);
    s_assert_workload (report, "chaos_random_restart", S_RESTART_SEED, planned, schedule->count);
    s_assert_steps_done (report, "chaos_random_restart", schedule);
    assert_int_equal (s_recorded_outcomes ((spine_run_t *) *state), schedule->count);
    //  Seed 8 restarts validators and the executor; its last restart, due
    //  0.1 s before execute ends, is answered in the cooldown, which then
    //  lasts a full cooldown after it (s_assert_steps_done)
    char *order = s_restart_order (report);
    assert_string_equal (order, "validator-2,executor-0,validator-0,validator-1");
    //  Users kept sending through the restarts
    json_t *transactions = json_object_get (json_object_get (report, "workloads"), "transactions");
    assert_true (json_integer_value (json_object_get (transactions, "accepted")) > 0);
    s_assert_replays_alike (state, report, 0);
    free (planned);
    free (schedule);
    json_decref (report);
    return order;
}


//  ---------------------------------------------------------------------------
//  Tests

static void
test_chaos_recipe4_passes_with_restarts_in_the_report (void **state)
{
    free (s_first_order);
    s_first_order = s_recipe4 (state);
}

static void
test_chaos_same_seed_restarts_the_same_nodes_in_order (void **state)
{
    if (!s_first_order) { //  Run on its own
        s_first_order = s_recipe4 (state);
        spine_teardown (state);
    }
    char *order = s_recipe4 (state);
    assert_string_equal (order, s_first_order);
    free (order);

    //  Another seed plans another schedule for the same scenario
    tf_chaos_schedule_t *schedule = calloc (1, sizeof *schedule);
    char *first =
        s_planned ("chaos_restart.yaml", "chaos_random_restart", S_RESTART_SEED, schedule);
    tf_chaos_schedule_clear (schedule);
    char *other = s_planned ("chaos_restart.yaml", "chaos_random_restart", S_OTHER_SEED, schedule);
    assert_string_not_equal (first, other);
    free (first);
    free (other);
    free (schedule);
}

static void
test_chaos_partition_healed_passes_liveness_and_agreement (void **state)
{
    json_t *report = s_run (state, "chaos_partition_heal.yaml", 0);
    json_t *liveness = s_liveness (report);
    assert_true (json_is_true (json_object_get (liveness, "passed")));
    json_t *details = json_object_get (liveness, "details");
    assert_string_equal (s_str (details, "agreement"), "ok");
    json_int_t target = json_integer_value (json_object_get (details, "target"));
    json_t *heights = json_object_get (details, "heights");
    assert_int_equal (json_object_size (heights), 3);
    assert_true (json_integer_value (json_object_get (heights, "validator-2")) >= target);

    tf_chaos_schedule_t *schedule = calloc (1, sizeof *schedule);
    char *planned = s_planned ("chaos_partition_heal.yaml", "chaos_partition", 21, schedule);
    assert_string_equal (planned, "+2.0s partition {validator-2}; +4.0s heal");
    s_assert_workload (report, "chaos_partition", 21, planned, 2);
    s_assert_steps_done (report, "chaos_partition", schedule);
    tf_chaos_schedule_clear (schedule);
    free (planned);
    free (schedule);
    json_decref (report);
}

static void
test_chaos_partition_never_healed_fails_agreement (void **state)
{
    json_t *report = s_run (state, "chaos_partition_unhealed.yaml", 1);
    json_t *liveness = s_liveness (report);
    assert_false (json_is_true (json_object_get (liveness, "passed")));
    //  The two sides' LIBs diverge within seconds of the cut: the expectation
    //  fails during execute, and the coordinator goes to evaluate at once
    const char *message = s_str (liveness, "message");
    assert_non_null (strstr (message, "consensus liveness violated during execute: LIB "
                                      "divergence: "));
    assert_non_null (strstr (message, "validator-2"));
    assert_non_null (strstr (message, "irreversible blocks on two forks"));
    json_t *details = json_object_get (liveness, "details");
    assert_string_equal (s_str (details, "agreement"), "violated");
    assert_string_equal (s_str (details, "failed_during"), "execute");
    assert_string_equal (s_str (report, "verdict"), "failed");
    int64_t execute = s_phase_started (report, "execute");
    assert_true (s_phase_started (report, "evaluate") < execute + S_UNHEALED_EXECUTE_MS);
    assert_int_equal (s_phase_started (report, "evaluate"), s_phase_ended (report, "execute"));

    tf_chaos_schedule_t *schedule = calloc (1, sizeof *schedule);
    char *planned = s_planned ("chaos_partition_unhealed.yaml", "chaos_partition", 21, schedule);
    assert_string_equal (planned, "+2.0s partition {validator-2}");
    s_assert_workload (report, "chaos_partition", 21, planned, 1);
    json_t *outcomes[S_MAX_EVENTS];
    assert_int_equal (
        s_events (report, "node.control.done", "chaos_partition", outcomes, S_MAX_EVENTS), 1);
    s_assert_replays_alike (state, report, 1);
    tf_chaos_schedule_clear (schedule);
    free (planned);
    free (schedule);
    json_decref (report);
}

static void
test_chaos_pause_then_resume_passes (void **state)
{
    json_t *report = s_run (state, "chaos_pause.yaml", 0);
    json_t *liveness = s_liveness (report);
    assert_true (json_is_true (json_object_get (liveness, "passed")));
    assert_string_equal (s_str (json_object_get (liveness, "details"), "agreement"), "ok");

    tf_chaos_schedule_t *schedule = calloc (1, sizeof *schedule);
    char *planned = s_planned ("chaos_pause.yaml", "chaos_pause", 22, schedule);
    assert_string_equal (planned, "+2.0s pause validator-1; +9.0s resume validator-1");
    s_assert_workload (report, "chaos_pause", 22, planned, 2);
    s_assert_steps_done (report, "chaos_pause", schedule);
    //  Paused until the end of execute; resumed as the cooldown started, and
    //  the cooldown held open a full cooldown after that (s_assert_steps_done)
    json_t *requests[S_MAX_EVENTS], *outcomes[S_MAX_EVENTS];
    assert_int_equal (s_events (report, "node.control", "chaos_pause", requests, S_MAX_EVENTS), 2);
    assert_int_equal (s_events (report, "node.control.done", "chaos_pause", outcomes, S_MAX_EVENTS),
                      2);
    int64_t cooldown_started = s_phase_started (report, "cooldown");
    assert_true (s_at (outcomes[0]) < cooldown_started);
    assert_true (s_at (requests[1]) >= cooldown_started);
    s_assert_replays_alike (state, report, 0);
    free (planned);
    free (schedule);
    json_decref (report);
}

//  chaos_overlap.yaml run with seed: passes, every step of its three
//  workloads done on time, and the heal came while validator-1 was paused,
//  saying that its part waits. Returns the pause workload's resume outcome
//  detail (caller frees).
static char *
s_overlap (void **state, uint64_t seed, const char *restarts)
{
    char seed_text[32];
    snprintf (seed_text, sizeof seed_text, "%" PRIu64, seed);
    const char *options[] = {"--seed", seed_text, NULL};
    spine_run_t *run = *state = spine_start_options ("chaos_overlap.yaml", options, NULL);
    assert_non_null (run);
    spine_assert_exit (run, 0);
    spine_assert_nothing_survives (run, 5);
    json_t *report = spine_report (run);
    assert_non_null (report);
    json_t *liveness = s_liveness (report);
    assert_true (json_is_true (json_object_get (liveness, "passed")));
    assert_string_equal (s_str (json_object_get (liveness, "details"), "agreement"), "ok");

    const char *workloads[] = {"chaos_partition", "chaos_pause", "chaos_random_restart"};
    const char *plans[] = {"+1.0s partition {validator-2}; +4.0s heal",
                           "+2.0s pause validator-1; +6.0s resume validator-1", restarts};
    tf_chaos_schedule_t *schedule = calloc (1, sizeof *schedule);
    for (size_t index = 0; index < 3; index++) {
        char *planned = s_planned ("chaos_overlap.yaml", workloads[index], seed, schedule);
        assert_string_equal (planned, plans[index]);
        s_assert_workload (report, workloads[index], seed, planned, schedule->count);
        s_assert_steps_done (report, workloads[index], schedule);
        tf_chaos_schedule_clear (schedule);
        free (planned);
    }
    free (schedule);

    //  The heal was answered while validator-1 was paused, and said its part waits
    json_t *heal[S_MAX_EVENTS], *pause[S_MAX_EVENTS], *pause_asked[S_MAX_EVENTS];
    assert_int_equal (s_events (report, "node.control.done", "chaos_partition", heal, S_MAX_EVENTS),
                      2);
    assert_int_equal (s_events (report, "node.control.done", "chaos_pause", pause, S_MAX_EVENTS),
                      2);
    assert_int_equal (s_events (report, "node.control", "chaos_pause", pause_asked, S_MAX_EVENTS),
                      2);
    assert_true (s_at (heal[1]) >= s_at (pause[0]));
    assert_true (s_at (heal[1]) <= s_at (pause_asked[1]));
    assert_string_equal (s_str (heal[1], "detail"),
                         "heal ok (validator-1 is paused: 1 peer change waits for its resume)");
    char *resumed = strdup (s_str (pause[1], "detail"));
    json_decref (report);
    return resumed;
}

//  A heal while another node is paused: the paused node's unblock waits and
//  its resume sends it
static void
test_chaos_overlap_heal_during_pause_is_applied_at_resume (void **state)
{
    char *resumed = s_overlap (
        state, 8,
        "+2.5s restart validator-2; +4.6s restart validator-3; +7.1s restart validator-0");
    assert_string_equal (
        resumed, "resume validator-1 ok (1 peer change that waited for validator-1 applied)");
    free (resumed);
}

//  The paused node is restarted before its resume: what waited is dropped,
//  and the resume is done with nothing to do
static void
test_chaos_overlap_restart_during_pause_leaves_nothing_to_resume (void **state)
{
    char *resumed = s_overlap (
        state, 19,
        "+2.2s restart validator-2; +4.7s restart validator-1; +7.3s restart validator-0");
    assert_string_equal (
        resumed, "resume validator-1 ok (validator-1 was restarted while paused: nothing to "
                 "resume)");
    free (resumed);
}

//  tf validate (and tf run) refuse chaos without node control, and node
//  control on a runner that cannot do it, at the key's line and column
static void
test_chaos_refused_without_node_control (void **state)
{
    struct {
        const char *scenario;
        const char *where;
        const char *message;
    } cases[] = {
        {"chaos_refused.yaml", ":5:18: workloads[0].chaos_pause: ",
         "chaos workloads require node control (set node_control: true)"},
        {"chaos_none.yaml", ":4:15: node_control: ",
         "runner 'none' cannot do node control, which chaos workloads need"},
        {"chaos_k8s.yaml", ":7:18: workloads[0].chaos_pause: ",
         "chaos_pause needs node control that runner 'k8s' cannot do: pause, resume"},
    };
    for (size_t index = 0; index < sizeof cases / sizeof cases[0]; index++)
        for (int command = 0; command < 2; command++) {
            char *path = spine_scenario_path (cases[index].scenario);
            const char *args[] = {command ? "run" : "validate", path, NULL};
            spine_run_t *run = *state = spine_start_args (args, NULL);
            assert_non_null (run);
            assert_int_equal (spine_wait_exit (run, SPINE_EVENT_TIMEOUT_MS), 2);
            char *output = spine_output (run);
            char *expected =
                zsys_sprintf ("%s%s%s", path, cases[index].where, cases[index].message);
            if (!strstr (output, expected))
                print_message ("expected '%s' in:\n%s\n", expected, output);
            assert_non_null (strstr (output, expected));
            assert_null (strstr (output, "run directory: ")); //  Nothing started
            assert_true (spine_all_gone (SPINE_GONE_TIMEOUT_MS));
            zstr_free (&expected);
            free (output);
            zstr_free (&path);
            spine_teardown (state);
        }
}

int
main (void)
{
    spine_init ();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown (test_chaos_refused_without_node_control, spine_teardown),
        cmocka_unit_test_teardown (test_chaos_recipe4_passes_with_restarts_in_the_report,
                                   spine_teardown),
        cmocka_unit_test_teardown (test_chaos_same_seed_restarts_the_same_nodes_in_order,
                                   spine_teardown),
        cmocka_unit_test_teardown (test_chaos_partition_healed_passes_liveness_and_agreement,
                                   spine_teardown),
        cmocka_unit_test_teardown (test_chaos_partition_never_healed_fails_agreement,
                                   spine_teardown),
        cmocka_unit_test_teardown (test_chaos_pause_then_resume_passes, spine_teardown),
        cmocka_unit_test_teardown (test_chaos_overlap_heal_during_pause_is_applied_at_resume,
                                   spine_teardown),
        cmocka_unit_test_teardown (test_chaos_overlap_restart_during_pause_leaves_nothing_to_resume,
                                   spine_teardown),
    };
    int rc = cmocka_run_group_tests_name ("chaos", tests, NULL, NULL);
    free (s_first_order);
    return rc;
}
