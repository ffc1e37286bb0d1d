//  test_tf_supervisor.c - the supervisor's own logic that needs no processes:
//  durations on the command line (tf_cli), tf validate, refusing bad scenarios

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <czmq.h>
#include <unistd.h>
#include "tf_cli.h"
#include "tf_plan.h"
#include "tf_supervisor.h"

//  Run tf's command line in this process; returns its exit code, *err_p gets
//  what it wrote to stderr (caller frees)
static int
s_cli (const char *const *args, char **err_p)
{
    char *argv[16] = {"tf"};
    int argc = 1;
    for (; args[argc - 1]; argc++) {
        assert_true (argc < 15);
        argv[argc] = (char *) args[argc - 1];
    }
    FILE *capture = tmpfile ();
    assert_non_null (capture);
    fflush (stderr);
    int saved = dup (STDERR_FILENO);
    assert_true (saved >= 0);
    assert_true (dup2 (fileno (capture), STDERR_FILENO) >= 0);
    int code = tf_cli_main (argc, argv);
    fflush (stderr);
    assert_true (dup2 (saved, STDERR_FILENO) >= 0);
    close (saved);
    long size = ftell (capture);
    assert_true (size >= 0);
    char *text = (char *) zmalloc ((size_t) size + 1);
    rewind (capture);
    assert_int_equal (fread (text, 1, (size_t) size, capture), (size_t) size);
    fclose (capture);
    *err_p = text;
    return code;
}

//  The first error of a scenario that fails to load; caller frees
static char *
s_load_error (const char *yaml)
{
    tf_plan_errors_t *errors = tf_plan_errors_new ();
    tf_plan_t *plan = tf_plan_load_string (yaml, "inline.yaml", errors);
    assert_null (plan);
    assert_true (tf_plan_errors_count (errors) >= 1);
    const tf_plan_error_t *error = tf_plan_errors_at (errors, 0);
    char *text = zsys_sprintf ("%s: %s", error->path, error->message);
    tf_plan_errors_destroy (&errors);
    return text;
}

//  tf run --duration and tf clean --older-than speak the scenarios' duration
//  grammar: a bare number is refused with the loader's own explanation
static void
test_tf_supervisor_cli_durations_as_in_scenarios (void **state)
{
    char *yaml_error = s_load_error ("name: bare\nrun: {duration: 90}\n");
    assert_string_equal (yaml_error,
                         "run.duration: expected " TF_PLAN_DURATION_EXPECTED ", got '90'");
    char *err_text = NULL;
    const char *run_bare[] = {"run", "missing.yaml", "--duration", "90", NULL};
    assert_int_equal (s_cli (run_bare, &err_text), TF_EXIT_USAGE);
    assert_string_equal (err_text,
                         "tf run: --duration: expected " TF_PLAN_DURATION_EXPECTED ", got '90'\n");
    zstr_free (&err_text);
    const char *run_mixed[] = {"run", "missing.yaml", "--duration", "1m30s", NULL};
    assert_int_equal (s_cli (run_mixed, &err_text), TF_EXIT_USAGE);
    assert_non_null (strstr (err_text, "got '1m30s'"));
    zstr_free (&err_text);
    const char *clean_bare[] = {"clean", "--older-than", "90", NULL};
    assert_int_equal (s_cli (clean_bare, &err_text), TF_EXIT_USAGE);
    assert_string_equal (err_text, "tf clean: --older-than: expected " TF_PLAN_DURATION_EXPECTED
                                   ", got '90'\n");
    zstr_free (&err_text);
    //  With a unit, tf clean goes on (an empty directory: nothing to do)
    char root[] = "/tmp/tf-test-clean-XXXXXX";
    assert_non_null (mkdtemp (root));
    const char *clean_ok[] = {"clean", "--older-than", "90s", "--dir", root, "--dry-run", NULL};
    assert_int_equal (s_cli (clean_ok, &err_text), TF_EXIT_OK);
    zstr_free (&err_text);
    assert_int_equal (rmdir (root), 0);
    zstr_free (&yaml_error);
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
        cmocka_unit_test (test_tf_supervisor_cli_durations_as_in_scenarios),
        cmocka_unit_test (test_tf_supervisor_validate_prints_plan_or_errors),
        cmocka_unit_test (test_tf_supervisor_refuses_bad_overrides),
    };
    return cmocka_run_group_tests_name ("tf_supervisor", tests, NULL, NULL);
}
