//  test_node_resources.c - resource evidence through real `tf run`s on the
//  local runner: the deployer's node.resources samples land in report.json
//  (per node cpu_seconds, max_rss, samples) and in report.html's CPU and
//  memory pictures, and node_resources passes on a
//  healthy run and on restarts node control asked for, and fails on a node
//  killed from outside (its exit counted) and on an RSS limit below what the
//  nodes use (each node named with its figure); `tf replay` of every run
//  reaches the same verdict and message.

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <signal.h>
#include "spine_harness.h"

#define S_KIND     "node_resources"
#define S_MIN_PIDS 4         //  coordinator, deployer, scanner, the expectation
#define S_MIN_RSS  1048576   //  A tf-node holds more than 1 MiB
#define S_MAX_RSS  536870912 //  ... and less than the healthy fixture's 512 MiB

//  Run scenario to expected_exit; report.json (caller decrefs)
static json_t *
s_run (void **state, const char *scenario, int expected_exit)
{
    spine_run_t *run = *state = spine_start (scenario, true, NULL);
    assert_non_null (run);
    spine_assert_exit (run, expected_exit);
    spine_assert_nothing_survives (run, S_MIN_PIDS);
    json_t *report = spine_report (run);
    assert_non_null (report);
    return report;
}

//  The node_resources entry's message (borrowed from report)
static const char *
s_message (json_t *report, bool passed)
{
    json_t *entry = spine_expectation (report, S_KIND);
    assert_non_null (entry);
    assert_int_equal (json_is_true (json_object_get (entry, "passed")), passed);
    const char *message = json_string_value (json_object_get (entry, "message"));
    assert_non_null (message);
    print_message ("%s\n", message);
    return message;
}

//  tf replay of the live run: same exit, same verdict and message
static void
s_assert_replay_agrees (spine_run_t *live, json_t *live_report, int expected_exit)
{
    const char *args[] = {"replay", spine_run_dir (live), NULL};
    const char *env[] = {"LOGOS_BLOCKCHAIN_TESTS_KEEP_LOGS=1", NULL};
    spine_run_t *replay = spine_start_args (args, env);
    assert_non_null (replay);
    spine_assert_exit (replay, expected_exit);
    assert_true (spine_all_gone (SPINE_GONE_TIMEOUT_MS));
    json_t *report = spine_report (replay);
    assert_non_null (report);
    json_t *live_entry = spine_expectation (live_report, S_KIND);
    json_t *entry = spine_expectation (report, S_KIND);
    assert_non_null (entry);
    assert_int_equal (json_is_true (json_object_get (entry, "passed")),
                      json_is_true (json_object_get (live_entry, "passed")));
    assert_string_equal (json_string_value (json_object_get (entry, "message")),
                         json_string_value (json_object_get (live_entry, "message")));
    json_decref (report);
    spine_destroy (&replay);
}

//  Every node of the run has figures in report.json's resources
static void
s_assert_resources (json_t *report, size_t nodes)
{
    json_t *resources = json_object_get (report, "resources");
    assert_true (json_is_object (resources));
    assert_int_equal (json_object_size (resources), nodes);
    const char *name;
    json_t *node;
    json_object_foreach (resources, name, node)
    {
        json_t *samples = json_object_get (node, "samples");
        assert_true (json_array_size (samples) >= 2);
        json_int_t max_rss = json_integer_value (json_object_get (node, "max_rss"));
        assert_true (max_rss > S_MIN_RSS && max_rss < S_MAX_RSS);
        assert_true (json_number_value (json_object_get (node, "cpu_seconds")) > 0);
        json_t *first = json_array_get (samples, 0);
        assert_true (json_integer_value (json_object_get (first, "rss")) > 0);
        assert_true (json_integer_value (json_object_get (first, "at_ms")) > 0);
    }
}

//  report.html draws each node's CPU and memory: two pictures, a line per node in each
static void
s_assert_plots (spine_run_t *run, size_t nodes)
{
    char *path = zsys_sprintf ("%s/report.html", spine_run_dir (run));
    FILE *file = fopen (path, "r");
    zstr_free (&path);
    assert_non_null (file);
    char *html = (char *) zmalloc (1 << 20);
    size_t size = fread (html, 1, (1 << 20) - 1, file);
    fclose (file);
    html[size] = 0;
    char *cpu = strstr (html, "<svg id=\"cpu\"");
    char *rss = strstr (html, "<svg id=\"rss\"");
    assert_non_null (cpu);
    assert_non_null (rss);
    size_t lines = 0;
    for (char *at = strstr (cpu, "<polyline class=\"node\""); at;
         at = strstr (at + 1, "<polyline class=\"node\""))
        lines++;
    assert_int_equal (lines, 2 * nodes);
    free (html);
}

//  A healthy run: figures for every node, the expectation passes
static void
test_node_resources_healthy_run_passes (void **state)
{
    json_t *report = s_run (state, "node_resources_healthy.yaml", 0);
    s_assert_resources (report, 3);
    s_assert_plots ((spine_run_t *) *state, 3);
    const char *message = s_message (report, true);
    assert_non_null (strstr (message, "3 nodes within limits over "));
    assert_non_null (strstr (message, "(max_rss 512.0 MiB), at most 0 exits not asked for"));
    s_assert_replay_agrees ((spine_run_t *) *state, report, 0);
    json_decref (report);
}

//  Restarts node control asked for are no exits
static void
test_node_resources_asked_restarts_pass (void **state)
{
    json_t *report = s_run (state, "node_resources_restarts.yaml", 0);
    size_t restarts = 0, index;
    json_t *event;
    json_array_foreach (json_object_get (report, "chaos"), index, event)
    {
        const char *detail = json_string_value (json_object_get (event, "detail"));
        if (streq (json_string_value (json_object_get (event, "kind")), "node.control.done")
            && detail && strstr (detail, "restart"))
            restarts++;
    }
    assert_true (restarts >= 2);
    s_message (report, true);
    s_assert_replay_agrees ((spine_run_t *) *state, report, 0);
    json_decref (report);
}

//  validator-1 killed from outside during execute: its exit is counted and named
static void
test_node_resources_node_killed_from_outside_fails (void **state)
{
    spine_run_t *run = *state = spine_start ("node_resources_healthy.yaml", true, NULL);
    assert_non_null (run);
    assert_true (spine_wait_output (run, "phase execute", SPINE_RUN_TIMEOUT_MS));
    char *config = zsys_sprintf ("%s/nodes/validator-1/node.yaml", spine_run_dir (run));
    pid_t node = spine_process_pid (config);
    zstr_free (&config);
    assert_true (node > 0);
    assert_int_equal (kill (node, SIGKILL), 0);
    spine_assert_exit (run, 1);
    spine_assert_nothing_survives (run, S_MIN_PIDS);
    json_t *report = spine_report (run);
    assert_non_null (report);
    const char *message = s_message (report, false);
    assert_string_equal (message, "node_resources: validator-1 exited or restarted 1 time without "
                                  "node control asking (max_restarts 0)");
    json_t *killed = json_object_get (json_object_get (report, "resources"), "validator-1");
    assert_int_equal (json_integer_value (json_object_get (killed, "exits")), 1);
    s_assert_replay_agrees (run, report, 1);
    json_decref (report);
}

//  max_rss 1 MiB, below what any node holds: both nodes named with their figure
static void
test_node_resources_rss_limit_below_the_figure_fails (void **state)
{
    json_t *report = s_run (state, "node_resources_rss_limit.yaml", 1);
    const char *message = s_message (report, false);
    assert_non_null (strstr (message, "validator-0's peak RSS "));
    assert_non_null (strstr (message, "validator-1's peak RSS "));
    assert_non_null (strstr (message, " is above max_rss 1.0 MiB"));
    s_assert_replay_agrees ((spine_run_t *) *state, report, 1);
    json_decref (report);
}

int
main (void)
{
    spine_init ();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown (test_node_resources_healthy_run_passes, spine_teardown),
        cmocka_unit_test_teardown (test_node_resources_asked_restarts_pass, spine_teardown),
        cmocka_unit_test_teardown (test_node_resources_node_killed_from_outside_fails,
                                   spine_teardown),
        cmocka_unit_test_teardown (test_node_resources_rss_limit_below_the_figure_fails,
                                   spine_teardown),
    };
    return cmocka_run_group_tests_name ("node_resources", tests, NULL, NULL);
}
