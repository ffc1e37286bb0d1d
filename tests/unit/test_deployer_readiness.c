//  test_deployer_readiness - readiness observations and the failure message
//  in the seeds' format (deployers/tf_readiness.h)

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tf_env.h"
#include "tf_readiness.h"
#include <czmq.h>

static tf_readiness_node_t
s_node (const char *role, uint32_t index, uint16_t port, uint32_t expected)
{
    tf_readiness_node_t node;
    memset (&node, 0, sizeof node);
    node.role = role;
    node.index = index;
    node.http_port = port;
    node.expected_peers = expected;
    node.log_path = "/run/nodes/x/node.log";
    return node;
}

static void
test_tf_readiness_report_network_timeout_as_the_seeds_show (void **state)
{
    (void) state;
    tf_readiness_node_t nodes[2] = {s_node ("validator", 0, 18800, 1),
                                    s_node ("validator", 1, 18810, 1)};
    char *report = tf_readiness_report (TF_READINESS_NETWORK, true, nodes, 2);
    assert_string_equal (report, "timed out waiting for network readiness:\n"
                                 "  validator#0@18800: 0 peers (expected 1)\n"
                                 "  validator#1@18810: 0 peers (expected 1)");
    free (report);
}

//  Nodes on several hosts (hosts:): each line says the node's host
static void
test_tf_readiness_report_names_each_nodes_host (void **state)
{
    (void) state;
    tf_readiness_node_t nodes[2] = {s_node ("validator", 0, 18800, 1),
                                    s_node ("validator", 1, 18810, 1)};
    nodes[0].host = "main";
    nodes[1].host = "far";
    char *report = tf_readiness_report (TF_READINESS_NETWORK, true, nodes, 2);
    assert_string_equal (report, "timed out waiting for network readiness:\n"
                                 "  validator#0@18800 on host main: 0 peers (expected 1)\n"
                                 "  validator#1@18810 on host far: 0 peers (expected 1)");
    free (report);
}

static void
test_tf_readiness_report_names_an_exited_process_and_its_log (void **state)
{
    (void) state;
    tf_readiness_node_t nodes[2] = {s_node ("validator", 0, 18800, 1),
                                    s_node ("executor", 0, 18810, 1)};
    snprintf (nodes[0].error, sizeof nodes[0].error, "Couldn't connect to server");
    nodes[1].exited = true;
    snprintf (nodes[1].exit_text, sizeof nodes[1].exit_text, "exited with status 1");
    nodes[1].log_path = "/run/nodes/executor-0/node.log";
    char *report = tf_readiness_report (TF_READINESS_HTTP, false, nodes, 2);
    assert_string_equal (report,
                         "node process exited during http readiness:\n"
                         "  validator#0@18800: api not answering (Couldn't connect to server)\n"
                         "  executor#0@18810: process exited with status 1 (log: "
                         "/run/nodes/executor-0/node.log)");
    free (report);
}

static void
test_tf_readiness_report_chain_mode (void **state)
{
    (void) state;
    tf_readiness_node_t nodes[1] = {s_node ("validator", 2, 20000, 0)};
    tf_readiness_observe (TF_READINESS_CHAIN, &nodes[0], 200,
                          "{\"lib\":\"00\",\"tip\":\"00\",\"slot\":0,\"height\":0,"
                          "\"mode\":\"Bootstrapping\"}");
    assert_false (nodes[0].ready);
    char *report = tf_readiness_report (TF_READINESS_CHAIN, true, nodes, 1);
    assert_string_equal (report, "timed out waiting for chain readiness:\n"
                                 "  validator#2@20000: mode Bootstrapping (expected Online)");
    free (report);
    tf_readiness_observe (TF_READINESS_CHAIN, &nodes[0], 200, "{\"mode\":\"Online\"}");
    assert_true (nodes[0].ready);
}

static void
test_tf_readiness_observe_each_stage (void **state)
{
    (void) state;
    tf_readiness_node_t node = s_node ("validator", 0, 1, 2);
    tf_readiness_observe (TF_READINESS_HTTP, &node, 0, "Couldn't connect to server");
    assert_false (node.ready);
    assert_string_equal (node.error, "Couldn't connect to server");
    tf_readiness_observe (TF_READINESS_HTTP, &node, 500, "boom");
    assert_false (node.ready);
    assert_string_equal (node.error, "HTTP 500");
    tf_readiness_observe (TF_READINESS_HTTP, &node, 200, "not json");
    assert_false (node.ready);
    tf_readiness_observe (TF_READINESS_HTTP, &node, 200, "{\"mode\":\"Bootstrapping\"}");
    assert_true (node.ready);
    tf_readiness_observe (TF_READINESS_NETWORK, &node, 200, "{\"peer_id\":\"p\",\"n_peers\":1}");
    assert_false (node.ready);
    assert_int_equal (node.peers, 1);
    tf_readiness_observe (TF_READINESS_NETWORK, &node, 200, "{\"n_peers\":2}");
    assert_true (node.ready);
    tf_readiness_observe (TF_READINESS_NETWORK, &node, 200, "{\"n_peers\":\"two\"}");
    assert_false (node.ready);
}

//  DA balancer: executors need a subnetwork peer connection, validators pass at once
static void
test_tf_readiness_da_balancer (void **state)
{
    (void) state;
    tf_readiness_node_t nodes[3] = {s_node ("validator", 0, 18800, 1),
                                    s_node ("executor", 0, 18810, 1),
                                    s_node ("executor", 1, 18820, 0)};
    tf_readiness_observe (TF_READINESS_DA, &nodes[0], 0, "Couldn't connect to server");
    assert_true (nodes[0].ready); //  Not an executor
    const char *none = "{\"0\":{\"inbound\":0,\"outbound\":0},\"1\":{\"inbound\":0,"
                       "\"outbound\":0}}";
    tf_readiness_observe (TF_READINESS_DA, &nodes[1], 200, none);
    assert_false (nodes[1].ready);
    tf_readiness_observe (TF_READINESS_DA, &nodes[2], 200, none);
    assert_true (nodes[2].ready); //  The topology gives it no peer
    char *report = tf_readiness_report (TF_READINESS_DA, true, nodes, 3);
    assert_string_equal (report,
                         "timed out waiting for da readiness:\n"
                         "  validator#0@18800: not an executor (passes)\n"
                         "  executor#0@18810: 0 subnetwork peer connections (expected >= 1)\n"
                         "  executor#1@18820: no peer in the topology (passes)");
    free (report);
    tf_readiness_observe (TF_READINESS_DA, &nodes[1], 200, "{\"0\":{\"inbound\":\"x\"}}");
    assert_false (nodes[1].ready);
    assert_non_null (strstr (nodes[1].error, "no inbound/outbound"));
    tf_readiness_node_t silent = s_node ("executor", 2, 18830, 1);
    tf_readiness_observe (TF_READINESS_DA, &silent, 404, "Not Found");
    report = tf_readiness_report (TF_READINESS_DA, true, &silent, 1);
    assert_string_equal (report, "timed out waiting for da readiness:\n"
                                 "  executor#2@18830: no balancer stats (HTTP 404)");
    free (report);
    tf_readiness_observe (TF_READINESS_DA, &nodes[1], 200,
                          "{\"0\":{\"inbound\":0,\"outbound\":1},\"1\":{\"inbound\":0,"
                          "\"outbound\":0}}");
    assert_true (nodes[1].ready);
    assert_int_equal (nodes[1].da_connections, 1);
}

static void
test_tf_readiness_slow_env_doubles_timeouts (void **state)
{
    (void) state;
    unsetenv ("SLOW_TEST_ENV");
    assert_int_equal (tf_readiness_timeout_ms (), TF_READINESS_TIMEOUT_MS);
    setenv ("SLOW_TEST_ENV", "true", 1);
    assert_int_equal (tf_readiness_timeout_ms (), 2 * TF_READINESS_TIMEOUT_MS);
    setenv ("SLOW_TEST_ENV", "false", 1);
    assert_int_equal (tf_readiness_timeout_ms (), TF_READINESS_TIMEOUT_MS);
    unsetenv ("SLOW_TEST_ENV");
}

static void
test_tf_readiness_timeout_from_env (void **state)
{
    (void) state;
    unsetenv ("SLOW_TEST_ENV");
    setenv (TF_ENV_READINESS_TIMEOUT, "4s", 1);
    assert_null (tf_env_error ());
    assert_int_equal (tf_readiness_timeout_ms (), 4000);
    setenv ("SLOW_TEST_ENV", "true", 1);
    assert_int_equal (tf_readiness_timeout_ms (), 8000);
    unsetenv ("SLOW_TEST_ENV");
    const char *bad[] = {"", "4", "soon", "0s", "-1s"};
    for (size_t index = 0; index < sizeof bad / sizeof bad[0]; index++) {
        setenv (TF_ENV_READINESS_TIMEOUT, bad[index], 1);
        char *error = tf_env_error ();
        assert_non_null (strstr (error, "TF_READINESS_TIMEOUT must be a positive duration"));
        zstr_free (&error);
        assert_int_equal (tf_readiness_timeout_ms (), TF_READINESS_TIMEOUT_MS);
    }
    unsetenv (TF_ENV_READINESS_TIMEOUT);
    assert_null (tf_env_error ());
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_tf_readiness_report_network_timeout_as_the_seeds_show),
        cmocka_unit_test (test_tf_readiness_report_names_an_exited_process_and_its_log),
        cmocka_unit_test (test_tf_readiness_report_names_each_nodes_host),
        cmocka_unit_test (test_tf_readiness_report_chain_mode),
        cmocka_unit_test (test_tf_readiness_observe_each_stage),
        cmocka_unit_test (test_tf_readiness_da_balancer),
        cmocka_unit_test (test_tf_readiness_slow_env_doubles_timeouts),
        cmocka_unit_test (test_tf_readiness_timeout_from_env),
    };
    return cmocka_run_group_tests_name ("tf_readiness", tests, NULL, NULL);
}
