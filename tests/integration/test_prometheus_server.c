//  test_prometheus_server.c - the run's own Prometheus server on the local
//  runner (observability.prometheus): prometheus_block_production queries it
//  and passes on a healthy run, fails when every node stops producing, and a
//  replay of either reaches the same verdict without a server; a port already
//  taken is a clear error naming it. Exits 77 (ctest SKIP) and says why when
//  the prometheus binary is not installed.

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

//  tf replay of the live run: same exit code, verdict and message, no server
static void
s_assert_replay_agrees (spine_run_t *live, json_t *live_entry, int expected_exit)
{
    const char *args[] = {"replay", spine_run_dir (live), NULL};
    const char *env[] = {"LOGOS_BLOCKCHAIN_TESTS_KEEP_LOGS=1", NULL};
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
    assert_string_equal (json_string_value (json_object_get (entry, "message")),
                         json_string_value (json_object_get (live_entry, "message")));
    json_decref (report);
    spine_destroy (&replay);
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
    s_assert_replay_agrees ((spine_run_t *) *state, entry, 0);
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
    s_assert_replay_agrees ((spine_run_t *) *state, entry, 1);
    json_decref (report);
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
        cmocka_unit_test_teardown (test_prometheus_server_taken_port_is_a_clear_error,
                                   spine_teardown),
    };
    return cmocka_run_group_tests_name ("prometheus_server", tests, NULL, NULL);
}
