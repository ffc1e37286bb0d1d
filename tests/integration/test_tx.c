//  test_tx.c - the transaction workload, tx_inclusion and tx_throughput through
//  real runs: tf, the local deployer, tf-node, the scanner,
//  tf-workload-transactions, tf-expect-tx-inclusion, tf-expect-tx-throughput,
//  and faults applied by tf-test-fault. A replay of each kept run must reach
//  the same verdict from the recording alone.

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include "spine_harness.h"

#define S_TITLE "tx_inclusion_expectation: "

//  The tx_inclusion entry of report.json (borrowed), or NULL
static json_t *
s_inclusion (json_t *report)
{
    return spine_expectation (report, "tx_inclusion");
}

//  An integer of the details map
static json_int_t
s_figure (json_t *details, const char *key)
{
    json_t *value = json_object_get (details, key);
    assert_true (json_is_integer (value));
    return json_integer_value (value);
}

//  Run a fixture to the end: coordinator, deployer, scanner, workload and
//  expectation at least; returns report.json (caller decrefs)
static json_t *
s_run (void **state, const char *scenario, int expected_exit)
{
    return spine_run_to_end (state, scenario, expected_exit, 5);
}

//  Percentile maps carry p50 <= p90 <= p99 <= max
static void
s_assert_percentiles (json_t *details, const char *key)
{
    json_t *map = json_object_get (details, key);
    assert_true (json_is_object (map));
    json_int_t p50 = s_figure (map, "p50"), p90 = s_figure (map, "p90");
    json_int_t p99 = s_figure (map, "p99"), max = s_figure (map, "max");
    assert_true (p50 <= p90 && p90 <= p99 && p99 <= max);
}

//  tf replay of the first run: same exit code, same figures, same first line
static void
s_assert_replay_agrees (spine_run_t *live, json_t *live_entry, int expected_exit)
{
    const char *args[] = {"replay", spine_run_dir (live), NULL};
    const char *env[] = {"LOGOS_BLOCKCHAIN_TESTS_KEEP_LOGS=1", NULL}; //  Keep a pass too
    spine_run_t *replay = spine_start_args (args, env);
    assert_non_null (replay);
    spine_assert_exit (replay, expected_exit);
    assert_true (spine_all_gone (SPINE_GONE_TIMEOUT_MS));
    json_t *report = spine_report (replay);
    assert_non_null (report);
    json_t *entry = s_inclusion (report);
    assert_non_null (entry);
    assert_int_equal (json_is_true (json_object_get (entry, "passed")),
                      json_is_true (json_object_get (live_entry, "passed")));
    json_t *details = json_object_get (entry, "details");
    json_t *live_details = json_object_get (live_entry, "details");
    const char *keys[] = {"submitted", "accepted",       "rejected", "included",
                          "required",  "lost_in_reorgs", "retried"};
    for (size_t index = 0; index < sizeof keys / sizeof keys[0]; index++)
        assert_int_equal (s_figure (details, keys[index]), s_figure (live_details, keys[index]));
    const char *message = json_string_value (json_object_get (entry, "message"));
    const char *live_message = json_string_value (json_object_get (live_entry, "message"));
    assert_string_equal (message, live_message);
    json_decref (report);
    spine_destroy (&replay);
}

static void
test_tx_recipe2_passes_with_details (void **state)
{
    json_t *report = s_run (state, "tx_recipe2.yaml", 0);
    json_t *entry = s_inclusion (report);
    assert_non_null (entry);
    assert_true (json_is_true (json_object_get (entry, "passed")));
    json_t *details = json_object_get (entry, "details");
    json_int_t submitted = s_figure (details, "submitted");
    json_int_t included = s_figure (details, "included");
    assert_true (submitted >= 50); //  10 per block over 6 s of 400 ms blocks
    assert_true (included > 0);
    assert_true (included >= s_figure (details, "required"));
    assert_int_equal (s_figure (details, "required"), (submitted + 1) / 2);
    assert_int_equal (s_figure (details, "accepted") + s_figure (details, "rejected")
                          + s_figure (details, "failed"),
                      submitted);
    assert_true (json_is_number (json_object_get (details, "min_ratio")));
    assert_true (json_number_value (json_object_get (details, "min_ratio")) == 0.5);
    assert_true (s_figure (details, "lost_in_reorgs") >= 0);
    s_assert_percentiles (details, "latency_ms");
    s_assert_percentiles (details, "lib_latency_ms");
    assert_true (s_figure (json_object_get (details, "latency_ms"), "max") > 0);
    json_t *latencies = json_object_get (details, "inclusion_latency_ms");
    assert_int_equal (json_array_size (latencies), (size_t) included);
    char *first_line =
        zsys_sprintf (S_TITLE "%" JSON_INTEGER_FORMAT "/%" JSON_INTEGER_FORMAT " included (",
                      included, submitted);
    const char *message = json_string_value (json_object_get (entry, "message"));
    assert_non_null (message);
    assert_ptr_equal (strstr (message, first_line), message);
    zstr_free (&first_line);
    s_assert_replay_agrees ((spine_run_t *) *state, entry, 0);
    json_decref (report);
}

static void
test_tx_inclusion_fails_when_every_node_drops_transactions (void **state)
{
    json_t *report = s_run (state, "tx_dropped.yaml", 1);
    json_t *entry = s_inclusion (report);
    assert_non_null (entry);
    assert_false (json_is_true (json_object_get (entry, "passed")));
    json_t *details = json_object_get (entry, "details");
    json_int_t submitted = s_figure (details, "submitted");
    json_int_t required = s_figure (details, "required");
    assert_true (submitted >= 4);                                 //  Every user sent at least once
    assert_int_equal (s_figure (details, "accepted"), submitted); //  Taken, then dropped
    assert_int_equal (s_figure (details, "included"), 0);
    assert_int_equal (required, (submitted + 1) / 2);
    char *expected =
        zsys_sprintf (S_TITLE "observed 0 below required %" JSON_INTEGER_FORMAT "\n- ", required);
    const char *message = json_string_value (json_object_get (entry, "message"));
    assert_non_null (message);
    assert_ptr_equal (strstr (message, expected), message);
    zstr_free (&expected);
    s_assert_replay_agrees ((spine_run_t *) *state, entry, 1);
    json_decref (report);
}

static void
test_tx_submissions_move_off_a_stopped_node (void **state)
{
    json_t *report = s_run (state, "tx_node_down.yaml", 0);
    json_t *entry = s_inclusion (report);
    assert_non_null (entry);
    assert_true (json_is_true (json_object_get (entry, "passed")));
    json_t *details = json_object_get (entry, "details");
    json_int_t accepted = s_figure (details, "accepted");
    assert_true (accepted >= 20);
    assert_int_equal (s_figure (details, "failed"), 0);
    assert_int_equal (s_figure (details, "rejected"), 0);
    //  About a third of the submissions drew validator-2 first and moved on
    assert_true (s_figure (details, "retried") > 0);
    json_t *by_node = json_object_get (details, "by_node");
    json_int_t moved_to = 0;
    if (json_object_get (by_node, "validator-0"))
        moved_to += s_figure (by_node, "validator-0");
    if (json_object_get (by_node, "validator-1"))
        moved_to += s_figure (by_node, "validator-1");
    assert_true (moved_to >= accepted - 6); //  At most one block's worth before the stop
    assert_non_null (
        strstr (json_string_value (json_object_get (entry, "message")), "moved to another node"));
    json_decref (report);
}

//  A number of the details map
static double
s_number (json_t *details, const char *key)
{
    json_t *value = json_object_get (details, key);
    assert_true (json_is_number (value));
    return json_number_value (value);
}

//  tf replay of the run: the same tx_throughput verdict, figures and message
static void
s_assert_throughput_replay_agrees (spine_run_t *live, json_t *live_entry, int expected_exit)
{
    const char *args[] = {"replay", spine_run_dir (live), NULL};
    const char *env[] = {"LOGOS_BLOCKCHAIN_TESTS_KEEP_LOGS=1", NULL};
    spine_run_t *replay = spine_start_args (args, env);
    assert_non_null (replay);
    spine_assert_exit (replay, expected_exit);
    assert_true (spine_all_gone (SPINE_GONE_TIMEOUT_MS));
    json_t *report = spine_report (replay);
    assert_non_null (report);
    json_t *entry = spine_expectation (report, "tx_throughput");
    assert_non_null (entry);
    assert_int_equal (json_is_true (json_object_get (entry, "passed")),
                      json_is_true (json_object_get (live_entry, "passed")));
    json_t *details = json_object_get (entry, "details");
    json_t *live_details = json_object_get (live_entry, "details");
    const char *keys[] = {"window_ms", "planned", "submitted", "accepted", "included"};
    for (size_t index = 0; index < sizeof keys / sizeof keys[0]; index++)
        assert_int_equal (s_figure (details, keys[index]), s_figure (live_details, keys[index]));
    assert_true (s_number (details, "accepted_tps") == s_number (live_details, "accepted_tps"));
    assert_true (s_number (details, "included_tps") == s_number (live_details, "included_tps"));
    assert_string_equal (json_string_value (json_object_get (entry, "message")),
                         json_string_value (json_object_get (live_entry, "message")));
    json_decref (report);
    spine_destroy (&replay);
}

static void
test_tx_throughput_passes_on_a_healthy_cluster (void **state)
{
    json_t *report = s_run (state, "tx_throughput.yaml", 0);
    json_t *entry = spine_expectation (report, "tx_throughput");
    assert_non_null (entry);
    assert_true (json_is_true (json_object_get (entry, "passed")));
    json_t *details = json_object_get (entry, "details");
    //  The window is the workload's execute (4 s), and the open loop kept to 40 tx/s
    assert_true (s_figure (details, "window_ms") >= 3900);
    assert_true (s_figure (details, "planned") >= 150);
    assert_true (s_number (details, "accepted_tps") >= 30);
    assert_true (s_number (details, "included_tps") >= 25);
    assert_true (json_is_integer (json_object_get (details, "latency_p99_ms")));
    assert_true (s_figure (details, "latency_p99_ms") <= 4000);
    const char *message = json_string_value (json_object_get (entry, "message"));
    assert_ptr_equal (strstr (message, "tx_throughput_expectation: accepted "), message);
    assert_non_null (strstr (message, "required >= 30"));
    //  The users fanned out at capture: one tx each, none in the window
    json_t *workload = json_object_get (json_object_get (report, "workloads"), "transactions");
    const char *detail = json_string_value (json_object_get (workload, "detail"));
    assert_non_null (detail);
    assert_non_null (strstr (detail, "fanout_txs=16 "));
    assert_true (s_figure (details, "submitted") <= s_figure (details, "planned"));
    s_assert_throughput_replay_agrees ((spine_run_t *) *state, entry, 0);
    json_decref (report);
}

static void
test_tx_throughput_fails_on_a_cluster_that_stops_including (void **state)
{
    json_t *report = s_run (state, "tx_throughput_stalled.yaml", 1);
    json_t *entry = spine_expectation (report, "tx_throughput");
    assert_non_null (entry);
    assert_false (json_is_true (json_object_get (entry, "passed")));
    json_t *details = json_object_get (entry, "details");
    assert_true (s_number (details, "accepted_tps") >= 30); //  Nodes still take txs ...
    assert_true (s_number (details, "included_tps") < 25);  //  ... blocks stopped
    assert_true (json_is_null (json_object_get (details, "latency_p99_ms")));
    const char *message = json_string_value (json_object_get (entry, "message"));
    assert_ptr_equal (strstr (message, "tx_throughput_expectation: included "), message);
    assert_non_null (strstr (message, " tx/s below required 25\n- "));
    assert_non_null (
        strstr (message, "latency to first block p99 never, allowed <= 4000 ms (FAILED)"));
    s_assert_throughput_replay_agrees ((spine_run_t *) *state, entry, 1);
    json_decref (report);
}

int
main (void)
{
    spine_init ();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown (test_tx_recipe2_passes_with_details, spine_teardown),
        cmocka_unit_test_teardown (test_tx_inclusion_fails_when_every_node_drops_transactions,
                                   spine_teardown),
        cmocka_unit_test_teardown (test_tx_submissions_move_off_a_stopped_node, spine_teardown),
        cmocka_unit_test_teardown (test_tx_throughput_passes_on_a_healthy_cluster, spine_teardown),
        cmocka_unit_test_teardown (test_tx_throughput_fails_on_a_cluster_that_stops_including,
                                   spine_teardown),
    };
    return cmocka_run_group_tests_name ("tx", tests, NULL, NULL);
}
