//  test_tf_run.c - the run API (tf_run.h) in this process: plans from the
//  builder on the `none` runner with tf-test-actor as custom actors, the
//  options (run dir, keep, duration and seed overrides, runner), the verdict,
//  the exit code and the report, and the refusals (a bad plan, no programs)

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <czmq.h>
#include <jansson.h>
#include <unistd.h>
#include "tf_plan.h"
#include "tf_run.h"

#define S_RUN_DIR_MAX 64 //  Bytes of a scratch run directory path

//  A dry plan: a workload and an expectation (failing with fail_message, or
//  passing when NULL), no nodes. Caller owns it.
static tf_plan_t *
s_plan (const char *fail_message)
{
    tf_plan_t *plan = tf_plan_new ("run_api");
    tf_plan_set_runner (plan, "none");
    tf_plan_set_slot (plan, 100, 0.9);
    tf_plan_set_duration_ms (plan, 60000); //  Overridden by every run below
    tf_plan_add_custom (plan, "worker", "workload", "tf-test-actor --role workload");
    char *judge = fail_message
                      ? zsys_sprintf ("tf-test-actor --role expectation --fail '%s'", fail_message)
                      : strdup ("tf-test-actor --role expectation");
    tf_plan_add_custom (plan, "judge", "expectation", judge);
    free (judge);
    tf_plan_errors_t *errors = tf_plan_errors_new ();
    assert_int_equal (tf_plan_build (plan, errors), 0);
    tf_plan_errors_destroy (&errors);
    return plan;
}

//  report.json of a run, parsed
static json_t *
s_report (tf_run_t *run)
{
    assert_non_null (tf_run_report_path (run));
    json_error_t error;
    json_t *report = json_load_file (tf_run_report_path (run), 0, &error);
    assert_non_null (report);
    return report;
}

//  A passing plan: exit 0, verdict passed, the kept run directory holds the
//  report, and the overrides reached the plan the run used
static void
test_tf_run_passes_and_keeps_what_it_was_given (void **state)
{
    (void) state;
    char run_dir[S_RUN_DIR_MAX];
    snprintf (run_dir, sizeof run_dir, "/tmp/tf-run-api-XXXXXX");
    assert_non_null (mkdtemp (run_dir));
    tf_plan_t *plan = s_plan (NULL);
    tf_run_options_t options = {.run_dir = run_dir,
                                .has_duration = true,
                                .duration_ms = 500,
                                .has_seed = true,
                                .seed = 99,
                                .bin_dir = getenv ("TF_BIN_DIR")};
    tf_run_t *run = tf_run_new (plan, &options);
    tf_plan_destroy (&plan); //  The run keeps its own copy
    assert_non_null (run);
    assert_int_equal (tf_run_exit_code (run), -1);
    assert_null (tf_run_verdict (run));
    assert_int_equal (tf_run_wait (run), TF_EXIT_OK);
    assert_int_equal (tf_run_exit_code (run), TF_EXIT_OK);
    assert_string_equal (tf_run_verdict (run), "passed");
    assert_string_equal (tf_run_dir (run), run_dir);
    char *expected = zsys_sprintf ("%s/report.json", run_dir);
    assert_string_equal (tf_run_report_path (run), expected);
    zstr_free (&expected);
    json_t *report = s_report (run);
    json_t *used = json_object_get (report, "plan");
    assert_int_equal (json_integer_value (json_object_get (json_object_get (used, "run"), "seed")),
                      99);
    assert_int_equal (
        json_integer_value (json_object_get (json_object_get (used, "run"), "duration_ms")), 500);
    json_decref (report);
    tf_run_destroy (&run);
    assert_null (run);
    char *command = zsys_sprintf ("rm -rf '%s'", run_dir);
    assert_int_equal (system (command), 0);
    zstr_free (&command);
}

//  A failing expectation: exit 1, verdict failed, and the run directory tf made
//  is kept (a failed run's always is), with the verdict's message in the report
static void
test_tf_run_fails_with_the_expectation (void **state)
{
    (void) state;
    tf_plan_t *plan = s_plan ("too few blocks");
    tf_run_options_t options = {
        .has_duration = true, .duration_ms = 500, .bin_dir = getenv ("TF_BIN_DIR")};
    tf_run_t *run = tf_run_new (plan, &options);
    tf_plan_destroy (&plan);
    assert_non_null (run);
    assert_int_equal (tf_run_wait (run), TF_EXIT_FAILED);
    assert_string_equal (tf_run_verdict (run), "failed");
    assert_non_null (tf_run_dir (run));
    json_t *report = s_report (run);
    json_t *judged = json_array_get (json_object_get (report, "expectations"), 0);
    assert_string_equal (json_string_value (json_object_get (judged, "message")), "too few blocks");
    json_decref (report);
    char *command = zsys_sprintf ("rm -rf '%s'", tf_run_dir (run));
    assert_int_equal (system (command), 0);
    zstr_free (&command);
    tf_run_destroy (&run);
}

//  A pass in a directory tf made: removed afterwards unless keep_run_dir, so
//  neither the directory nor the report is given
static void
test_tf_run_removes_a_passed_run_unless_kept (void **state)
{
    (void) state;
    tf_plan_t *plan = s_plan (NULL);
    tf_run_options_t options = {
        .has_duration = true, .duration_ms = 500, .bin_dir = getenv ("TF_BIN_DIR")};
    tf_run_t *run = tf_run_new (plan, &options);
    assert_non_null (run);
    assert_int_equal (tf_run_wait (run), TF_EXIT_OK);
    assert_string_equal (tf_run_verdict (run), "passed");
    assert_null (tf_run_dir (run));
    assert_null (tf_run_report_path (run));
    tf_run_destroy (&run);

    options.keep_run_dir = true;
    run = tf_run_new (plan, &options);
    tf_plan_destroy (&plan);
    assert_non_null (run);
    assert_int_equal (tf_run_wait (run), TF_EXIT_OK);
    assert_non_null (tf_run_dir (run));
    assert_int_equal (access (tf_run_report_path (run), R_OK), 0);
    char *command = zsys_sprintf ("rm -rf '%s'", tf_run_dir (run));
    assert_int_equal (system (command), 0);
    zstr_free (&command);
    tf_run_destroy (&run);
}

//  What tf_run_new refuses, saying why: a plan the builder left invalid (an
//  override is checked too), and a directory without tf's programs
static void
test_tf_run_refuses_bad_plans_and_missing_programs (void **state)
{
    (void) state;
    char *text = NULL;
    size_t size = 0;
    FILE *err = open_memstream (&text, &size);
    assert_non_null (err);
    tf_plan_t *plan = tf_plan_new ("bad");
    tf_plan_add_expectation (plan, "no_such_kind");
    tf_run_options_t options = {.bin_dir = getenv ("TF_BIN_DIR"), .err = err};
    assert_null (tf_run_new (plan, &options));
    tf_plan_destroy (&plan);
    plan = s_plan (NULL);
    options.runner = "no_such_runner";
    assert_null (tf_run_new (plan, &options));
    fflush (err);
    assert_non_null (strstr (text, "no_such_kind"));
    assert_non_null (strstr (text, "no_such_runner"));
    //  A directory without tf-coordinator: the run says so and fails as infrastructure
    options.runner = NULL;
    options.bin_dir = "/nonexistent-tf-programs";
    options.out = err;
    tf_run_t *run = tf_run_new (plan, &options);
    assert_non_null (run);
    assert_int_equal (tf_run_wait (run), TF_EXIT_ERROR);
    assert_null (tf_run_verdict (run));
    assert_null (tf_run_report_path (run));
    fflush (err);
    assert_non_null (strstr (text, "/nonexistent-tf-programs/tf-coordinator is missing"));
    tf_run_destroy (&run);
    tf_plan_destroy (&plan);
    fclose (err);
    free (text);
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_tf_run_passes_and_keeps_what_it_was_given),
        cmocka_unit_test (test_tf_run_fails_with_the_expectation),
        cmocka_unit_test (test_tf_run_removes_a_passed_run_unless_kept),
        cmocka_unit_test (test_tf_run_refuses_bad_plans_and_missing_programs),
    };
    return cmocka_run_group_tests_name ("tf_run", tests, NULL, NULL);
}
