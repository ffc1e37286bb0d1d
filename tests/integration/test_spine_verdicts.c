//  test_spine_verdicts.c - whole runs through tf: pass, keep or remove the run
//  directory, aggregated expectation failures

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <sys/stat.h>
#include "spine_harness.h"

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
    json_array_foreach (json_object_get (report, "expectations"), index, entry)
        if (strcmp (json_string_value (json_object_get (entry, "name")), name) == 0)
            return entry;
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
    assert_string_equal (json_string_value (json_object_get (first, "message")),
                         "too few blocks");
    assert_string_equal (json_string_value (json_object_get (second, "message")),
                         "tx never included");
    json_decref (report);
    char *output = spine_output (run);
    assert_non_null (strstr (output, "verdict: failed"));
    assert_non_null (strstr (output, "FAIL strict-a: too few blocks"));
    assert_non_null (strstr (output, "FAIL strict-b: tx never included"));
    assert_non_null (strstr (output, "PASS lenient: all good"));
    assert_non_null (strstr (output, "run directory kept"));
    free (output);
    assert_true (spine_run_file_exists (run, "cleanup.done"));
}

int
main (void)
{
    spine_init ();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown (test_spine_pass_removes_run_dir, spine_teardown),
        cmocka_unit_test_teardown (test_spine_pass_keeps_run_dir_when_asked, spine_teardown),
        cmocka_unit_test_teardown (test_spine_two_expectations_fail, spine_teardown),
    };
    return cmocka_run_group_tests_name ("spine_verdicts", tests, NULL, NULL);
}
