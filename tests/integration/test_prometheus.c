//  test_prometheus.c - prometheus_block_production through real runs: tf, the
//  local deployer, tf-node's /metrics, the expectation, and tf-test-fault
//  switching block production off. A replay of each kept run must reach the
//  same verdict and message from the recording alone.

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include "spine_harness.h"

#define S_KIND  "prometheus_block_production"
#define S_NODES 3

//  An integer of the details map
static json_int_t
s_figure (json_t *details, const char *key)
{
    json_t *value = json_object_get (details, key);
    assert_true (json_is_integer (value));
    return json_integer_value (value);
}

//  The per_node figures add up to observed, one per validator
static void
s_assert_per_node (json_t *details)
{
    json_t *per_node = json_object_get (details, "per_node");
    assert_int_equal (json_object_size (per_node), S_NODES);
    json_int_t sum = 0;
    const char *name;
    json_t *value;
    json_object_foreach (per_node, name, value)
    {
        assert_true (json_is_integer (value));
        sum += json_integer_value (value);
    }
    assert_int_equal (sum, s_figure (details, "observed"));
    assert_int_equal (json_array_size (json_object_get (details, "observations")), S_NODES);
}

//  tf replay of the live run: same exit code, verdict, figures and message
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
    json_t *entry = spine_expectation (report, S_KIND);
    assert_non_null (entry);
    assert_int_equal (json_is_true (json_object_get (entry, "passed")),
                      json_is_true (json_object_get (live_entry, "passed")));
    json_t *details = json_object_get (entry, "details");
    json_t *live_details = json_object_get (live_entry, "details");
    assert_int_equal (s_figure (details, "observed"), s_figure (live_details, "observed"));
    assert_int_equal (s_figure (details, "required"), s_figure (live_details, "required"));
    assert_string_equal (json_string_value (json_object_get (entry, "message")),
                         json_string_value (json_object_get (live_entry, "message")));
    json_decref (report);
    spine_destroy (&replay);
}

static void
test_prometheus_healthy_run_passes (void **state)
{
    json_t *report = spine_run_to_end (state, "prometheus_healthy.yaml", 0, 4);
    json_t *entry = spine_expectation (report, S_KIND);
    assert_non_null (entry);
    assert_true (json_is_true (json_object_get (entry, "passed")));
    json_t *details = json_object_get (entry, "details");
    json_int_t observed = s_figure (details, "observed");
    assert_true (observed > 0);
    assert_int_equal (s_figure (details, "required"), 1);
    s_assert_per_node (details);
    char first[192];
    snprintf (first, sizeof first,
              S_KIND ": %lld blocks produced (required 1; read each node's /metrics: no "
                     "Prometheus server)",
              (long long) observed);
    assert_string_equal (json_string_value (json_object_get (entry, "message")), first);
    s_assert_replay_agrees ((spine_run_t *) *state, entry, 0);
    json_decref (report);
}

static void
test_prometheus_fails_when_every_node_stops_producing (void **state)
{
    json_t *report = spine_run_to_end (state, "prometheus_stop_producing.yaml", 1, 5);
    json_t *entry = spine_expectation (report, S_KIND);
    assert_non_null (entry);
    assert_false (json_is_true (json_object_get (entry, "passed")));
    json_t *details = json_object_get (entry, "details");
    json_int_t observed = s_figure (details, "observed");
    //  The switch lands at the start of execute, after the baseline: at most
    //  a block or two made in between, far below the 5 required
    assert_true (observed <= 2);
    s_assert_per_node (details);
    char first[192];
    snprintf (first, sizeof first,
              S_KIND ": observed %lld blocks below required 5 (read each node's /metrics: no "
                     "Prometheus server)\n",
              (long long) observed);
    const char *message = json_string_value (json_object_get (entry, "message"));
    assert_true (strncmp (message, first, strlen (first)) == 0);
    const char *names[S_NODES] = {"validator-0", "validator-1", "validator-2"};
    for (size_t index = 0; index < S_NODES; index++) {
        char line[64];
        snprintf (line, sizeof line, "- %s: ", names[index]);
        assert_non_null (strstr (message, line));
    }
    assert_null (strstr (message, "no answer"));
    s_assert_replay_agrees ((spine_run_t *) *state, entry, 1);
    json_decref (report);
}

int
main (void)
{
    spine_init ();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown (test_prometheus_healthy_run_passes, spine_teardown),
        cmocka_unit_test_teardown (test_prometheus_fails_when_every_node_stops_producing,
                                   spine_teardown),
    };
    return cmocka_run_group_tests_name ("prometheus", tests, NULL, NULL);
}
