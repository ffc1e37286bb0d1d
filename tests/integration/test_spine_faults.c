//  test_spine_faults.c - faults through tf: an actor crash, a killed
//  coordinator, Ctrl-C once and twice, SIGKILL of tf itself, an actor that
//  outstays the run. Each ends with no process of the run left, checked by pid
//  (the run's pids file) and by reaping every orphan handed to the test.

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <signal.h>
#include "spine_harness.h"

#define SPINE_PROCESSES            5     //  Coordinator, deployer, three actors
#define SPINE_FORCE_MS             15000 //  A forced stop is much quicker than cleanup's deadline
#define SPINE_HEARTBEAT_TIMEOUT_MS 5000  //  The coordinator's default timeout_ms

//  Every one of the processes tf started is gone (after everything was reaped)
static void
s_assert_none_of_left (spine_run_t *run, size_t processes)
{
    assert_true (spine_all_gone (SPINE_GONE_TIMEOUT_MS));
    pid_t pids[SPINE_MAX_PIDS];
    size_t count = spine_run_pids (run, pids, SPINE_MAX_PIDS);
    assert_int_equal (count, processes);
    for (size_t index = 0; index < count; index++)
        assert_false (spine_pid_alive (pids[index]));
}

static void
s_assert_no_process_left (spine_run_t *run)
{
    s_assert_none_of_left (run, SPINE_PROCESSES);
}

static void
test_spine_actor_crash_aborts_and_cleans_up (void **state)
{
    spine_run_t *run = *state = spine_start ("spine_crash.yaml", true, NULL);
    assert_int_equal (spine_wait_exit (run, SPINE_RUN_TIMEOUT_MS), 3);
    char *output = spine_output (run);
    assert_non_null (strstr (output, "actor crasher killed by signal 6"));
    assert_non_null (strstr (output, "verdict: error"));
    assert_non_null (strstr (output, "ABORTED in execute by actor crasher"));
    free (output);
    json_t *report = spine_report (run);
    assert_non_null (report);
    json_t *abort_info = json_object_get (report, "abort");
    assert_true (json_is_object (abort_info));
    assert_string_equal (json_string_value (json_object_get (abort_info, "actor")), "crasher");
    assert_string_equal (json_string_value (json_object_get (abort_info, "phase")), "execute");
    assert_non_null (strstr (json_string_value (json_object_get (abort_info, "reason")),
                             "actor crasher killed by signal 6"));
    //  tf, the crasher's parent, told the coordinator at once: the abort comes well
    //  before a heartbeat timeout would have noticed
    uint64_t execute_ms = 0, abort_ms = 0;
    json_t *events = json_object_get (report, "events");
    for (size_t index = 0; index < json_array_size (events); index++) {
        json_t *event = json_array_get (events, index);
        const char *kind = json_string_value (json_object_get (event, "kind"));
        const char *detail = json_string_value (json_object_get (event, "detail"));
        uint64_t at = (uint64_t) json_integer_value (json_object_get (event, "at_ms"));
        if (streq (kind, "phase") && detail && streq (detail, "execute"))
            execute_ms = at;
        else if (streq (kind, "abort") && !abort_ms)
            abort_ms = at;
    }
    assert_true (execute_ms > 0 && abort_ms >= execute_ms);
    assert_true (abort_ms - execute_ms < SPINE_HEARTBEAT_TIMEOUT_MS / 2);
    json_decref (report);
    assert_true (spine_run_file_exists (run, "cleanup.done"));
    s_assert_no_process_left (run);
}

//  A coordinator killed in execute writes no report: tf rebuilds it from the
//  bus recording, naming the coordinator and the phase, and nothing survives
static void
test_spine_killed_coordinator_still_leaves_a_report (void **state)
{
    spine_run_t *run = *state = spine_start ("spine_long.yaml", true, NULL);
    assert_true (spine_wait_output (run, "phase execute", SPINE_EVENT_TIMEOUT_MS));
    pid_t coordinator = spine_run_pid_of (run, "coordinator");
    assert_true (coordinator > 0);
    assert_int_equal (kill (coordinator, SIGKILL), 0);
    assert_int_equal (spine_wait_exit (run, SPINE_RUN_TIMEOUT_MS), 3);
    char *output = spine_output (run);
    assert_non_null (strstr (output, "ABORTED in execute by actor coordinator: coordinator "
                                     "killed by signal 9"));
    free (output);
    json_t *report = spine_report (run);
    assert_non_null (report);
    assert_string_equal (json_string_value (json_object_get (report, "verdict")), "error");
    json_t *abort_info = json_object_get (report, "abort");
    assert_string_equal (json_string_value (json_object_get (abort_info, "actor")), "coordinator");
    assert_string_equal (json_string_value (json_object_get (abort_info, "phase")), "execute");
    assert_non_null (strstr (json_string_value (json_object_get (abort_info, "reason")),
                             "tf rebuilt this report from the bus recording"));
    //  What the recording held: the phases up to execute, and their events
    json_t *phases = json_object_get (report, "phases");
    assert_true (json_array_size (phases) >= 4);
    assert_string_equal (json_string_value (json_object_get (
                             json_array_get (phases, json_array_size (phases) - 1), "phase")),
                         "execute");
    assert_true (json_array_size (json_object_get (report, "events")) > 0);
    json_decref (report);
    assert_true (spine_run_file_exists (run, "junit.xml"));
    assert_true (spine_run_file_exists (run, "report.html"));
    s_assert_no_process_left (run);
}

static void
test_spine_sigint_cleans_up (void **state)
{
    spine_run_t *run = *state = spine_start ("spine_long.yaml", true, NULL);
    assert_true (spine_wait_output (run, "phase execute", SPINE_EVENT_TIMEOUT_MS));
    assert_false (spine_run_file_exists (run, "cleanup.done"));
    kill (run->pid, SIGINT);
    int code = spine_wait_exit (run, SPINE_RUN_TIMEOUT_MS);
    assert_int_equal (code, 3);
    char *output = spine_output (run);
    assert_non_null (strstr (output, "interrupted: cleaning up (Ctrl-C again to force)"));
    assert_non_null (strstr (output, "run directory kept"));
    free (output);
    assert_true (spine_run_file_exists (run, "cleanup.done"));
    json_t *report = spine_report (run);
    assert_non_null (report);
    json_t *abort_info = json_object_get (report, "abort");
    assert_true (json_is_object (abort_info));
    assert_non_null (
        strstr (json_string_value (json_object_get (abort_info, "reason")), "interrupted"));
    json_decref (report);
    s_assert_no_process_left (run);
}

static void
test_spine_sigkill_leaves_no_process (void **state)
{
    spine_run_t *run = *state = spine_start ("spine_long.yaml", true, NULL);
    assert_true (spine_wait_output (run, "phase execute", SPINE_EVENT_TIMEOUT_MS));
    pid_t pids[SPINE_MAX_PIDS];
    assert_int_equal (spine_run_pids (run, pids, SPINE_MAX_PIDS), SPINE_PROCESSES);
    for (size_t index = 0; index < SPINE_PROCESSES; index++)
        assert_true (spine_pid_alive (pids[index]));
    kill (run->pid, SIGKILL);
    assert_int_equal (spine_wait_exit (run, SPINE_EVENT_TIMEOUT_MS), 128 + SIGKILL);
    s_assert_no_process_left (run);
}

static void
test_spine_second_sigint_forces (void **state)
{
    spine_run_t *run = *state = spine_start ("spine_hang_cleanup.yaml", true, NULL);
    assert_true (spine_wait_output (run, "phase execute", SPINE_EVENT_TIMEOUT_MS));
    kill (run->pid, SIGINT);
    //  An actor never acknowledges cleanup: the run would wait for its deadline
    assert_true (spine_wait_output (run, "phase cleanup", SPINE_EVENT_TIMEOUT_MS));
    assert_false (spine_wait_output (run, "verdict:", 0));
    kill (run->pid, SIGINT);
    assert_int_equal (spine_wait_exit (run, SPINE_FORCE_MS), 3);
    char *output = spine_output (run);
    assert_non_null (strstr (output, "interrupted again: killing every process of the run"));
    assert_non_null (strstr (output, "coordinator killed by signal 9"));
    free (output);
    s_assert_none_of_left (run, 4); //  Coordinator, deployer, two actors
}

static void
test_spine_stubborn_actor_is_killed (void **state)
{
    spine_run_t *run = *state = spine_start ("spine_stubborn.yaml", true, NULL);
    //  The verdict stands; the actor that outstayed the run is named
    assert_int_equal (spine_wait_exit (run, SPINE_RUN_TIMEOUT_MS), 0);
    char *output = spine_output (run);
    assert_non_null (strstr (output, "still running"));
    assert_non_null (strstr (output, "ignored SIGTERM: SIGKILL"));
    assert_non_null (strstr (output, "actor stubborn killed by signal 9 (Killed) (stopped by tf)"));
    free (output);
    s_assert_none_of_left (run, 4); //  Coordinator, deployer, two actors
}

int
main (void)
{
    spine_init ();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown (test_spine_actor_crash_aborts_and_cleans_up, spine_teardown),
        cmocka_unit_test_teardown (test_spine_sigint_cleans_up, spine_teardown),
        cmocka_unit_test_teardown (test_spine_killed_coordinator_still_leaves_a_report,
                                   spine_teardown),
        cmocka_unit_test_teardown (test_spine_sigkill_leaves_no_process, spine_teardown),
        cmocka_unit_test_teardown (test_spine_second_sigint_forces, spine_teardown),
        cmocka_unit_test_teardown (test_spine_stubborn_actor_is_killed, spine_teardown),
    };
    return cmocka_run_group_tests_name ("spine_faults", tests, NULL, NULL);
}
