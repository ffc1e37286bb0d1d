//  test_spine_cli.c - tf's command line: help, version, validate, catalog, usage errors

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <sys/stat.h>
#include "spine_harness.h"

#define SPINE_CLI_TIMEOUT_MS 10000

//  Run tf with args; returns its exit code, *output_p gets what it printed
static int
s_tf (const char *const *args, char **output_p)
{
    spine_run_t *run = spine_start_args (args, NULL);
    int code = spine_wait_exit (run, SPINE_CLI_TIMEOUT_MS);
    *output_p = spine_output (run);
    spine_destroy (&run);
    return code;
}

static void
test_spine_cli_help_and_version (void **state)
{
    char *output;
    const char *help[] = {"--help", NULL};
    assert_int_equal (s_tf (help, &output), 0);
    assert_non_null (strstr (output, "Usage: tf COMMAND"));
    free (output);
    const char *run_help[] = {"run", "--help", NULL};
    assert_int_equal (s_tf (run_help, &output), 0);
    assert_non_null (strstr (output, "--runner"));
    free (output);
    const char *replay_help[] = {"replay", "--help", NULL};
    assert_int_equal (s_tf (replay_help, &output), 0);
    assert_non_null (strstr (output, "Usage: tf replay RUN_DIR"));
    free (output);
    const char *replay_seed[] = {"replay", "/tmp", "--seed", "3", NULL};
    assert_int_equal (s_tf (replay_seed, &output), 2); //  A replay keeps the recorded plan
    free (output);
    const char *version[] = {"--version", NULL};
    assert_int_equal (s_tf (version, &output), 0);
    assert_non_null (strstr (output, "tf " TF_VERSION));
    free (output);
}

static void
test_spine_cli_usage_errors_exit_2 (void **state)
{
    char *output;
    const char *none[] = {NULL};
    assert_int_equal (s_tf (none, &output), 2);
    free (output);
    const char *unknown[] = {"frobnicate", NULL};
    assert_int_equal (s_tf (unknown, &output), 2);
    assert_non_null (strstr (output, "unknown command 'frobnicate'"));
    free (output);
    char *scenario = spine_scenario_path ("spine_pass.yaml");
    const char *duration[] = {"run", scenario, "--duration", "soon", NULL};
    assert_int_equal (s_tf (duration, &output), 2);
    assert_non_null (strstr (output, "--duration: expected a duration such as 500ms, 60s, 2m or "
                                     "1h, got 'soon'"));
    free (output);
    //  A bare number is refused as the scenario loader refuses run.duration: 90
    const char *bare[] = {"run", scenario, "--duration", "90", NULL};
    assert_int_equal (s_tf (bare, &output), 2);
    assert_non_null (strstr (output, "tf run: --duration: expected a duration such as 500ms, "
                                     "60s, 2m or 1h, got '90'"));
    free (output);
    const char *older[] = {"clean", "--older-than", "90", NULL};
    assert_int_equal (s_tf (older, &output), 2);
    assert_non_null (strstr (output, "tf clean: --older-than: expected a duration such as 500ms, "
                                     "60s, 2m or 1h, got '90'"));
    free (output);
    const char *seed[] = {"run", scenario, "--seed", "-4", NULL};
    assert_int_equal (s_tf (seed, &output), 2);
    free (output);
    //  --run-dir must not be a non-empty directory
    const char *busy[] = {"run", scenario, "--run-dir", getenv ("TF_TEST_DATA"), NULL};
    assert_int_equal (s_tf (busy, &output), 2);
    assert_non_null (strstr (output, "is not an empty directory"));
    free (output);
    const char *runner[] = {"run", scenario, "--runner", "teleport", NULL};
    assert_int_equal (s_tf (runner, &output), 2);
    assert_non_null (strstr (output, "teleport"));
    free (output);
    //  What a deployer would refuse (or wait 30 s for) is refused before anything starts
    const char *replay[] = {"run", scenario, "--runner", "replay", NULL};
    assert_int_equal (s_tf (replay, &output), 2);
    assert_non_null (strstr (output, "runner 'replay' is the one `tf replay RUN_DIR` uses"));
    free (output);
    setenv ("TF_READINESS_TIMEOUT", "20", 1);
    const char *plain[] = {"run", scenario, NULL};
    assert_int_equal (s_tf (plain, &output), 2);
    unsetenv ("TF_READINESS_TIMEOUT");
    assert_non_null (strstr (output, "tf: TF_READINESS_TIMEOUT must be a positive duration such "
                                     "as 20s or 500ms (got '20')"));
    free (output);
    //  ipc:// paths have a length limit; tf says so instead of failing later
    char long_dir[200];
    memset (long_dir, 'd', sizeof long_dir - 1);
    long_dir[0] = '/';
    long_dir[sizeof long_dir - 1] = 0;
    const char *too_long[] = {"run", scenario, "--run-dir", long_dir, NULL};
    assert_int_equal (s_tf (too_long, &output), 2);
    assert_non_null (strstr (output, "too long for ipc endpoints"));
    free (output);
    const char *missing[] = {"run", "/nonexistent/scenario.yaml", NULL};
    assert_int_equal (s_tf (missing, &output), 2);
    free (output);
    zstr_free (&scenario);
}

static void
test_spine_cli_validate (void **state)
{
    char *output;
    char *good = spine_scenario_path ("spine_pass.yaml");
    const char *valid[] = {"validate", good, NULL};
    assert_int_equal (s_tf (valid, &output), 0);
    assert_non_null (strstr (output, "spine_pass"));
    free (output);
    char *bad = spine_scenario_path ("spine_invalid.yaml");
    const char *invalid[] = {"validate", bad, NULL};
    assert_int_equal (s_tf (invalid, &output), 2);
    //  Every error names the file, line and column
    char *expected = zsys_sprintf ("%s:", bad);
    assert_non_null (strstr (output, expected));
    free (output);
    zstr_free (&expected);
    const char *run_invalid[] = {"run", bad, NULL};
    assert_int_equal (s_tf (run_invalid, &output), 2);
    free (output);
    zstr_free (&bad);
    zstr_free (&good);
}

//  tf catalog: listed by tf --help, prints the catalogue as text or markdown,
//  refuses other formats and arguments
static void
test_spine_cli_catalog (void **state)
{
    char *output;
    const char *help[] = {"--help", NULL};
    assert_int_equal (s_tf (help, &output), 0);
    assert_non_null (strstr (output, "  catalog "));
    free (output);
    const char *catalog_help[] = {"catalog", "--help", NULL};
    assert_int_equal (s_tf (catalog_help, &output), 0);
    assert_non_null (strstr (output, "Usage: tf catalog [--format text|markdown]"));
    free (output);
    const char *text[] = {"catalog", NULL};
    assert_int_equal (s_tf (text, &output), 0);
    assert_non_null (strstr (output, "WORKLOADS (scenario key: workloads)\n\ntransactions\n"));
    assert_non_null (strstr (output, "    program:  tf-workload-chaos-random-restart\n"));
    assert_non_null (strstr (output, "      min_delay        duration  default 45s    > 0ms and "
                                     "<= 24h\n"));
    assert_non_null (strstr (output, "local\n    node processes on this host\n"));
    free (output);
    const char *markdown[] = {"catalog", "--format", "markdown", NULL};
    assert_int_equal (s_tf (markdown, &output), 0);
    assert_non_null (strstr (output, "### `tx_inclusion`\n"));
    assert_non_null (strstr (output, "| `min_ratio` | number | `0.5` | > 0 and <= 1 | share of "
                                     "submitted transactions that must be included |\n"));
    free (output);
    const char *html[] = {"catalog", "--format", "html", NULL};
    assert_int_equal (s_tf (html, &output), 2);
    assert_non_null (strstr (output, "expected text or markdown, got 'html'"));
    free (output);
    const char *extra[] = {"catalog", "workloads", NULL};
    assert_int_equal (s_tf (extra, &output), 2);
    assert_non_null (strstr (output, "unexpected argument 'workloads'"));
    free (output);
}

int
main (void)
{
    spine_init ();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_spine_cli_help_and_version),
        cmocka_unit_test (test_spine_cli_usage_errors_exit_2),
        cmocka_unit_test (test_spine_cli_validate),
        cmocka_unit_test (test_spine_cli_catalog),
    };
    return cmocka_run_group_tests_name ("spine_cli", tests, NULL, NULL);
}
