//  test_prometheus_server.c - the run's own Prometheus server on the local
//  runner (observability.prometheus): prometheus_block_production queries it
//  and passes on a healthy run, fails when every node stops producing;
//  prometheus_query passes at evaluate and through a healthy run, fails at
//  the first breach during the run (which ends early), and fails with the
//  server's own error on a malformed query; a replay of each run reaches the
//  same verdicts without a server; LOGOS_BLOCKCHAIN_METRICS_QUERY_URL
//  replaces the run's own server; a port already taken is a clear error
//  naming it. Exits 77 (ctest SKIP) and says why when the prometheus binary
//  is not installed.

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include "spine_harness.h"

#define S_KIND  "prometheus_block_production"
#define S_NODES 3
#define S_SKIP  77 //  ctest SKIP_RETURN_CODE
#define S_BIN   "/usr/bin/prometheus"

//  Every run picks a free port for its server
static const char *const s_env[] = {"TEST_FRAMEWORK_PROMETHEUS_PORT=0", NULL};

//  Start scenario with a run directory and a free port, wait for the exit
//  code, check that nothing survives (the server neither); report.json
static json_t *
s_run (void **state, const char *scenario, int expected_exit)
{
    spine_run_t *run = *state = spine_start (scenario, true, s_env);
    assert_non_null (run);
    spine_assert_exit (run, expected_exit);
    spine_assert_nothing_survives (run, S_NODES + 1);
    json_t *report = spine_report (run);
    assert_non_null (report);
    return report;
}

//  The report and the output name the server the expectation queried
static void
s_assert_server_named (void **state, json_t *report, json_t *entry)
{
    const char *url = json_string_value (json_object_get (report, "metrics_url"));
    assert_non_null (url);
    assert_true (strncmp (url, "http://127.0.0.1:", strlen ("http://127.0.0.1:")) == 0);
    char said[128];
    snprintf (said, sizeof said, "queried the Prometheus server at %s", url);
    assert_non_null (strstr (json_string_value (json_object_get (entry, "message")), said));
    char *output = spine_output ((spine_run_t *) *state);
    char line[128];
    snprintf (line, sizeof line, "prometheus: %s\n", url);
    assert_non_null (strstr (output, line));
    free (output);
    assert_true (spine_run_file_exists ((spine_run_t *) *state, "prometheus/prometheus.yml"));
}

//  tf replay of the live run: same exit code, and every expectation's verdict
//  and message, with no server
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
    json_t *expected = json_object_get (live_report, "expectations");
    json_t *got = json_object_get (report, "expectations");
    assert_int_equal (json_array_size (got), json_array_size (expected));
    size_t index;
    json_t *live_entry;
    json_array_foreach (expected, index, live_entry)
    {
        const char *name = json_string_value (json_object_get (live_entry, "name"));
        json_t *entry = NULL;
        for (size_t at = 0; at < json_array_size (got) && !entry; at++)
            if (streq (json_string_value (json_object_get (json_array_get (got, at), "name")),
                       name))
                entry = json_array_get (got, at);
        assert_non_null (entry);
        assert_int_equal (json_is_true (json_object_get (entry, "passed")),
                          json_is_true (json_object_get (live_entry, "passed")));
        assert_string_equal (json_string_value (json_object_get (entry, "message")),
                             json_string_value (json_object_get (live_entry, "message")));
    }
    json_decref (report);
    spine_destroy (&replay);
}

//  The expectation called name in a report
static json_t *
s_entry (json_t *report, const char *name)
{
    size_t index;
    json_t *entry;
    json_array_foreach (json_object_get (report, "expectations"), index, entry)
    {
        if (streq (json_string_value (json_object_get (entry, "name")), name))
            return entry;
    }
    fail_msg ("no expectation %s in the report", name);
    return NULL;
}

//  The run ended early, by name, before its planned execute of planned_ms
static void
s_assert_ended_early (json_t *report, const char *name, int64_t planned_ms)
{
    json_t *early = json_object_get (report, "ended_early");
    assert_true (json_is_object (early));
    assert_string_equal (json_string_value (json_object_get (early, "by")), name);
    json_int_t execute = 0;
    size_t index;
    json_t *phase;
    json_array_foreach (json_object_get (report, "phases"), index, phase)
    {
        if (streq (json_string_value (json_object_get (phase, "phase")), "execute"))
            execute = json_integer_value (json_object_get (phase, "started_ms"));
    }
    assert_true (execute > 0);
    json_int_t after = json_integer_value (json_object_get (early, "at_ms")) - execute;
    print_message ("ended %.1f s into execute (planned %.1f s)\n", after / 1000.0,
                   planned_ms / 1000.0);
    assert_true (after < planned_ms);
}

static void
test_prometheus_server_healthy_run_passes (void **state)
{
    json_t *report = s_run (state, "prometheus_server_healthy.yaml", 0);
    json_t *entry = spine_expectation (report, S_KIND);
    assert_non_null (entry);
    assert_true (json_is_true (json_object_get (entry, "passed")));
    json_t *details = json_object_get (entry, "details");
    assert_true (json_integer_value (json_object_get (details, "observed")) > 0);
    s_assert_server_named (state, report, entry);
    s_assert_replay_agrees ((spine_run_t *) *state, report, 0);
    json_decref (report);
}

static void
test_prometheus_server_fails_when_every_node_stops_producing (void **state)
{
    json_t *report = s_run (state, "prometheus_server_stop_producing.yaml", 1);
    json_t *entry = spine_expectation (report, S_KIND);
    assert_non_null (entry);
    assert_false (json_is_true (json_object_get (entry, "passed")));
    json_t *details = json_object_get (entry, "details");
    assert_true (json_integer_value (json_object_get (details, "observed")) < 5);
    const char *message = json_string_value (json_object_get (entry, "message"));
    assert_non_null (strstr (message, S_KIND ": observed "));
    assert_null (strstr (message, "no fresh sample"));
    s_assert_server_named (state, report, entry);
    s_assert_replay_agrees ((spine_run_t *) *state, report, 1);
    json_decref (report);
}

//  prometheus_query at evaluate and through the run, beside prometheus_block_production
static void
test_prometheus_query_healthy_run_passes (void **state)
{
    json_t *report = s_run (state, "prometheus_query_healthy.yaml", 0);
    assert_true (json_is_true (json_object_get (s_entry (report, S_KIND), "passed")));
    json_t *once = s_entry (report, "prometheus_query");
    assert_true (json_is_true (json_object_get (once, "passed")));
    assert_non_null (strstr (json_string_value (json_object_get (once, "message")),
                             "`sum(tf_node_blocks_produced_total)` is "));
    json_t *during = s_entry (report, "prometheus_query-2");
    assert_true (json_is_true (json_object_get (during, "passed")));
    const char *message = json_string_value (json_object_get (during, "message"));
    assert_non_null (strstr (message, "every series of `tf_node_online` held == 1 at each of "));
    assert_non_null (strstr (message, "(last: 3 series at "));
    assert_true (
        json_integer_value (json_object_get (json_object_get (during, "details"), "checks")) >= 2);
    assert_true (json_is_null (json_object_get (report, "ended_early")));
    s_assert_replay_agrees ((spine_run_t *) *state, report, 0);
    json_decref (report);
}

//  Nodes that stop producing: the check through the run breaks, naming the
//  time and the value, and ends the run early; both expectations fail
static void
test_prometheus_query_during_run_fails_at_the_first_breach (void **state)
{
    json_t *report = s_run (state, "prometheus_query_stop_producing.yaml", 1);
    assert_false (json_is_true (json_object_get (s_entry (report, S_KIND), "passed")));
    json_t *query = s_entry (report, "prometheus_query");
    assert_false (json_is_true (json_object_get (query, "passed")));
    const char *message = json_string_value (json_object_get (query, "message"));
    print_message ("%s\n", message);
    assert_non_null (
        strstr (message, "`sum(increase(tf_node_blocks_produced_total[3s]))` is 0 at "));
    assert_non_null (strstr (message, " UTC, which breaks > 0 (during the run)"));
    json_t *details = json_object_get (query, "details");
    assert_string_equal (json_string_value (json_object_get (details, "outcome")), "breach");
    s_assert_ended_early (report, "prometheus_query", 15000);
    s_assert_replay_agrees ((spine_run_t *) *state, report, 1);
    json_decref (report);
}

//  A query Prometheus cannot parse fails with Prometheus's own error, at once
static void
test_prometheus_query_malformed_fails_with_the_server_error (void **state)
{
    json_t *report = s_run (state, "prometheus_query_malformed.yaml", 1);
    json_t *query = s_entry (report, "prometheus_query");
    assert_false (json_is_true (json_object_get (query, "passed")));
    const char *message = json_string_value (json_object_get (query, "message"));
    print_message ("%s\n", message);
    assert_non_null (strstr (message, "Prometheus rejected `sum(tf_node_online`: bad_data: "));
    assert_non_null (strstr (message, "parse error"));
    s_assert_ended_early (report, "prometheus_query", 5000);
    s_assert_replay_agrees ((spine_run_t *) *state, report, 1);
    json_decref (report);
}

//  LOGOS_BLOCKCHAIN_METRICS_QUERY_URL names the server: none is started, the
//  expectation asks that one (here nothing answers, so every node is named)
static void
test_prometheus_server_query_url_replaces_the_own_server (void **state)
{
    int fd = socket (AF_INET, SOCK_STREAM, 0); //  Bound, not listening: refused
    struct sockaddr_in address = {.sin_family = AF_INET};
    address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    assert_int_equal (bind (fd, (struct sockaddr *) &address, sizeof address), 0);
    assert_int_equal (getsockname (fd, (struct sockaddr *) &address, &length), 0);
    char url[96], variable[160];
    snprintf (url, sizeof url, "http://127.0.0.1:%u", ntohs (address.sin_port));
    snprintf (variable, sizeof variable, "LOGOS_BLOCKCHAIN_METRICS_QUERY_URL=%s/", url);
    const char *env[] = {variable, NULL};
    spine_run_t *run = *state = spine_start ("prometheus_server_healthy.yaml", true, env);
    assert_non_null (run);
    spine_assert_exit (run, 1);
    spine_assert_nothing_survives (run, S_NODES);
    assert_false (spine_run_file_exists (run, "prometheus/prometheus.yml"));
    json_t *report = spine_report (run);
    assert_non_null (report);
    assert_string_equal (json_string_value (json_object_get (report, "metrics_url")), url);
    const char *message =
        json_string_value (json_object_get (spine_expectation (report, S_KIND), "message"));
    char said[160];
    snprintf (said, sizeof said, "queried the Prometheus server at %s", url);
    assert_non_null (strstr (message, said));
    assert_non_null (strstr (message, "- validator-2: 0 produced (prometheus: Prometheus did not "
                                      "answer at capture"));
    json_decref (report);
    close (fd);
}

static void
test_prometheus_server_taken_port_is_a_clear_error (void **state)
{
    int fd = socket (AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in address = {.sin_family = AF_INET};
    address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    assert_int_equal (bind (fd, (struct sockaddr *) &address, sizeof address), 0);
    assert_int_equal (listen (fd, 1), 0);
    assert_int_equal (getsockname (fd, (struct sockaddr *) &address, &length), 0);
    char port[64];
    snprintf (port, sizeof port, "TEST_FRAMEWORK_PROMETHEUS_PORT=%u", ntohs (address.sin_port));
    const char *env[] = {port, NULL};
    spine_run_t *run = *state = spine_start ("prometheus_server_healthy.yaml", true, env);
    assert_non_null (run);
    spine_assert_exit (run, 3);
    spine_assert_nothing_survives (run, S_NODES);
    char *output = spine_output (run);
    char said[96];
    snprintf (said, sizeof said, "Prometheus cannot listen on 127.0.0.1:%u",
              ntohs (address.sin_port));
    if (!strstr (output, said))
        fprintf (stderr, "%s\n", output);
    assert_non_null (strstr (output, said));
    assert_non_null (strstr (output, "TEST_FRAMEWORK_PROMETHEUS_PORT"));
    free (output);
    close (fd);
}

int
main (void)
{
    const char *binary = getenv ("TF_PROMETHEUS_BIN");
    if (access (binary && *binary ? binary : S_BIN, X_OK) != 0) {
        printf ("SKIP: the prometheus binary %s is not installed (Debian package prometheus, "
                "or set TF_PROMETHEUS_BIN)\n",
                binary && *binary ? binary : S_BIN);
        return S_SKIP;
    }
    spine_init ();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown (test_prometheus_server_healthy_run_passes, spine_teardown),
        cmocka_unit_test_teardown (test_prometheus_server_fails_when_every_node_stops_producing,
                                   spine_teardown),
        cmocka_unit_test_teardown (test_prometheus_query_healthy_run_passes, spine_teardown),
        cmocka_unit_test_teardown (test_prometheus_query_during_run_fails_at_the_first_breach,
                                   spine_teardown),
        cmocka_unit_test_teardown (test_prometheus_query_malformed_fails_with_the_server_error,
                                   spine_teardown),
        cmocka_unit_test_teardown (test_prometheus_server_query_url_replaces_the_own_server,
                                   spine_teardown),
        cmocka_unit_test_teardown (test_prometheus_server_taken_port_is_a_clear_error,
                                   spine_teardown),
    };
    return cmocka_run_group_tests_name ("prometheus_server", tests, NULL, NULL);
}
