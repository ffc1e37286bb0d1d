//  test_fault_matrix.c - SIGKILL of each process of a run in each phase
//
//  Coordinator, deployer, scanner, the transaction workload and the liveness
//  expectation, each killed in deploy, capture, execute, cooldown and evaluate
//  (25 runs on real nodes; a holder actor keeps every phase open long enough
//  to aim at it). Every run must end with exit 3, a report.json whose abort
//  names the dead process and the phase, tf's output naming it, and nothing of
//  the run left running. Then SIGKILL and a double Ctrl-C of tf itself.

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <signal.h>
#include "spine_harness.h"

#define FAULT_MATRIX_SCENARIO  "fault_matrix.yaml"
#define FAULT_MATRIX_PROCESSES 6 //  Coordinator, deployer, scanner, three actors

static const char *s_phases[] = {"deploy", "capture", "execute", "cooldown", "evaluate"};

//  Kill victim with SIGKILL once the run is in phase, and check how it ends
static void
s_kill_in_phase (void **state, const char *victim, const char *phase)
{
    print_message ("fault matrix: SIGKILL %s in %s\n", victim, phase);
    spine_run_t *run = *state = spine_start (FAULT_MATRIX_SCENARIO, true, NULL);
    char *line = zsys_sprintf ("phase %s", phase);
    assert_true (spine_wait_output (run, line, SPINE_EVENT_TIMEOUT_MS));
    zstr_free (&line);
    pid_t pid = spine_run_pid_of (run, victim);
    assert_true (pid > 0);
    assert_int_equal (kill (pid, SIGKILL), 0);
    spine_assert_exit (run, 3);
    char *output = spine_output (run);
    char *named = zsys_sprintf ("%s killed by signal 9", victim);
    assert_non_null (strstr (output, named));
    zstr_free (&named);
    free (output);
    json_t *report = spine_report (run);
    assert_non_null (report);
    assert_string_equal (json_string_value (json_object_get (report, "verdict")), "error");
    json_t *abort_info = json_object_get (report, "abort");
    assert_string_equal (json_string_value (json_object_get (abort_info, "actor")), victim);
    assert_string_equal (json_string_value (json_object_get (abort_info, "phase")), phase);
    json_decref (report);
    spine_assert_nothing_survives (run, FAULT_MATRIX_PROCESSES);
    spine_destroy (&run);
    *state = NULL;
}

static void
s_kill_in_every_phase (void **state, const char *victim)
{
    for (size_t index = 0; index < sizeof s_phases / sizeof s_phases[0]; index++)
        s_kill_in_phase (state, victim, s_phases[index]);
}

static void
test_fault_matrix_coordinator (void **state)
{
    s_kill_in_every_phase (state, "coordinator");
}

static void
test_fault_matrix_deployer (void **state)
{
    s_kill_in_every_phase (state, "deployer");
}

static void
test_fault_matrix_scanner (void **state)
{
    s_kill_in_every_phase (state, "scanner");
}

static void
test_fault_matrix_workload (void **state)
{
    s_kill_in_every_phase (state, "transactions");
}

static void
test_fault_matrix_expectation (void **state)
{
    s_kill_in_every_phase (state, "consensus_liveness");
}

//  SIGKILL of tf in execute: its nodes and actors go too
static void
test_fault_matrix_tf_sigkill (void **state)
{
    spine_run_t *run = *state = spine_start (FAULT_MATRIX_SCENARIO, true, NULL);
    assert_true (spine_wait_output (run, "phase execute", SPINE_EVENT_TIMEOUT_MS));
    assert_int_equal (kill (run->pid, SIGKILL), 0);
    assert_int_equal (spine_wait_exit (run, SPINE_EVENT_TIMEOUT_MS), 128 + SIGKILL);
    spine_assert_nothing_survives (run, FAULT_MATRIX_PROCESSES);
}

//  Ctrl-C twice in execute: the second forces, exit 3, nothing left
static void
test_fault_matrix_tf_double_sigint (void **state)
{
    spine_run_t *run = *state = spine_start (FAULT_MATRIX_SCENARIO, true, NULL);
    assert_true (spine_wait_output (run, "phase execute", SPINE_EVENT_TIMEOUT_MS));
    assert_int_equal (kill (run->pid, SIGINT), 0);
    assert_true (spine_wait_output (run, "interrupted: cleaning up", SPINE_EVENT_TIMEOUT_MS));
    assert_int_equal (kill (run->pid, SIGINT), 0);
    spine_assert_exit (run, 3);
    spine_assert_nothing_survives (run, FAULT_MATRIX_PROCESSES);
}

int
main (void)
{
    spine_init ();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown (test_fault_matrix_coordinator, spine_teardown),
        cmocka_unit_test_teardown (test_fault_matrix_deployer, spine_teardown),
        cmocka_unit_test_teardown (test_fault_matrix_scanner, spine_teardown),
        cmocka_unit_test_teardown (test_fault_matrix_workload, spine_teardown),
        cmocka_unit_test_teardown (test_fault_matrix_expectation, spine_teardown),
        cmocka_unit_test_teardown (test_fault_matrix_tf_sigkill, spine_teardown),
        cmocka_unit_test_teardown (test_fault_matrix_tf_double_sigint, spine_teardown),
    };
    return cmocka_run_group_tests_name ("fault_matrix", tests, NULL, NULL);
}
