//  test_tf_supervisor.c - the supervisor's own logic that needs no processes:
//  durations on the command line, tf validate, refusing bad scenarios

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <czmq.h>
#include "tf_supervisor.h"

static void
test_tf_supervisor_parses_durations (void **state)
{
    int64_t duration_ms = -1;
    assert_int_equal (tf_supervisor_parse_duration ("90", &duration_ms), 0);
    assert_int_equal (duration_ms, 90000);
    assert_int_equal (tf_supervisor_parse_duration ("30s", &duration_ms), 0);
    assert_int_equal (duration_ms, 30000);
    assert_int_equal (tf_supervisor_parse_duration ("500ms", &duration_ms), 0);
    assert_int_equal (duration_ms, 500);
    assert_int_equal (tf_supervisor_parse_duration ("2m", &duration_ms), 0);
    assert_int_equal (duration_ms, 120000);
    assert_int_equal (tf_supervisor_parse_duration ("1h", &duration_ms), 0);
    assert_int_equal (duration_ms, 3600000);
    duration_ms = 7;
    assert_int_equal (tf_supervisor_parse_duration ("soon", &duration_ms), -1);
    assert_int_equal (tf_supervisor_parse_duration ("", &duration_ms), -1);
    assert_int_equal (tf_supervisor_parse_duration ("-5s", &duration_ms), -1);
    assert_int_equal (tf_supervisor_parse_duration ("5 s", &duration_ms), -1);
    assert_int_equal (tf_supervisor_parse_duration ("5d", &duration_ms), -1);
    assert_int_equal (tf_supervisor_parse_duration ("99999999999999999999h", &duration_ms), -1);
    assert_int_equal (duration_ms, 7); //  Written only on success
}

//  Path of a scenario fixture; caller frees
static char *
s_scenario (const char *name)
{
    const char *data = getenv ("TF_TEST_DATA");
    assert_non_null (data);
    return zsys_sprintf ("%s/scenarios/%s", data, name);
}

static void
test_tf_supervisor_validate_prints_plan_or_errors (void **state)
{
    char *out_text = NULL, *err_text = NULL;
    size_t out_size = 0, err_size = 0;
    FILE *out = open_memstream (&out_text, &out_size);
    FILE *err = open_memstream (&err_text, &err_size);
    char *good = s_scenario ("spine_pass.yaml");
    char *bad = s_scenario ("spine_invalid.yaml");
    assert_int_equal (tf_supervisor_validate (good, out, err), TF_EXIT_OK);
    assert_int_equal (tf_supervisor_validate (bad, out, err), TF_EXIT_USAGE);
    fclose (out);
    fclose (err);
    assert_non_null (strstr (out_text, "spine_pass"));
    //  Every problem, each with file:line:column and the key path
    char *expected = zsys_sprintf ("%s:5:", bad);
    assert_non_null (strstr (err_text, expected));
    assert_non_null (strstr (err_text, "run.duration"));
    assert_non_null (strstr (err_text, "custom[0].role"));
    zstr_free (&expected);
    zstr_free (&good);
    zstr_free (&bad);
    free (out_text);
    free (err_text);
}

static void
test_tf_supervisor_refuses_bad_overrides (void **state)
{
    char *err_text = NULL;
    size_t err_size = 0;
    FILE *err = open_memstream (&err_text, &err_size);
    char *scenario = s_scenario ("spine_pass.yaml");
    tf_supervisor_config_t config = {
        .scenario = scenario, .runner = "teleport", .duration_ms = -1, .bin_dir = "/nonexistent"};
    tf_supervisor_t *supervisor = tf_supervisor_new (&config, err);
    assert_null (supervisor);
    config.runner = NULL;
    config.duration_ms = 2000;
    supervisor = tf_supervisor_new (&config, err);
    assert_non_null (supervisor);
    tf_supervisor_destroy (&supervisor);
    assert_null (supervisor);
    fclose (err);
    assert_non_null (strstr (err_text, "teleport"));
    zstr_free (&scenario);
    free (err_text);
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_tf_supervisor_parses_durations),
        cmocka_unit_test (test_tf_supervisor_validate_prints_plan_or_errors),
        cmocka_unit_test (test_tf_supervisor_refuses_bad_overrides),
    };
    return cmocka_run_group_tests_name ("tf_supervisor", tests, NULL, NULL);
}
