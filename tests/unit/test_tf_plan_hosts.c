//  test_tf_plan_hosts.c - the scenario's hosts: section: loading, which host
//  carries each node, the validator's refusals (with line and column), the
//  printed and packed forms

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <czmq.h>
#include "tf_plan.h"

#define TEST_FILE "hosts.yaml" //  Name given to inline scenarios

//  Load yaml, which must be valid
static tf_plan_t *
s_load_ok (const char *yaml)
{
    tf_plan_errors_t *errors = tf_plan_errors_new ();
    tf_plan_t *plan = tf_plan_load_string (yaml, TEST_FILE, errors);
    if (!plan)
        tf_plan_errors_print (errors, stderr);
    assert_non_null (plan);
    tf_plan_errors_destroy (&errors);
    return plan;
}

//  Load yaml, which must fail with one error at line:column, path, holding message
static void
s_expect_error (const char *yaml, int line, int column, const char *path, const char *message)
{
    tf_plan_errors_t *errors = tf_plan_errors_new ();
    tf_plan_t *plan = tf_plan_load_string (yaml, TEST_FILE, errors);
    assert_null (plan);
    if (tf_plan_errors_count (errors) != 1)
        tf_plan_errors_print (errors, stderr);
    assert_int_equal (tf_plan_errors_count (errors), 1);
    const tf_plan_error_t *error = tf_plan_errors_at (errors, 0);
    if (error->line != line || error->column != column || !streq (error->path, path)
        || !strstr (error->message, message)) {
        tf_plan_errors_print (errors, stderr);
        fail_msg ("got %d:%d %s '%s', expected %d:%d %s '%s'", error->line, error->column,
                  error->path, error->message, line, column, path, message);
    }
    tf_plan_errors_destroy (&errors);
}

#define S_HEAD "name: h\ntopology: {validators: 5}\n"

static void
test_tf_plan_hosts_lists_and_spreads (void **state)
{
    (void) state;
    tf_plan_t *plan = s_load_ok (S_HEAD "hosts:\n"
                                        "  - {name: main, address: 10.0.0.1}\n"
                                        "  - {name: far, agent: \"tcp://10.0.0.2:7100\", cert: "
                                        "/k/far.cert, address: 10.0.0.2, nodes: [validator-3]}\n"
                                        "  - {name: near, agent: \"tcp://10.0.0.3:7100\", cert: "
                                        "near.cert, address: 10.0.0.3}\n");
    assert_int_equal (plan->host_count, 3);
    assert_null (plan->hosts[0].agent);
    assert_null (plan->hosts[0].nodes);
    assert_string_equal (plan->hosts[1].agent, "tcp://10.0.0.2:7100");
    assert_string_equal (plan->hosts[1].cert, "/k/far.cert");
    assert_int_equal (plan->hosts[1].node_count, 1);
    //  A relative cert is taken from the scenario's directory (here the working one)
    assert_true (plan->hosts[2].cert[0] == '/');
    assert_non_null (strstr (plan->hosts[2].cert, "/near.cert"));
    //  validator-3 is far's; the four others are cut into two blocks: main, near
    const int expected[] = {0, 0, 2, 1, 2};
    for (uint32_t global = 0; global < 5; global++)
        assert_int_equal (tf_plan_host_of (plan, global), expected[global]);
    char name[TF_PLAN_MAX_NAME];
    tf_plan_node_name (plan, 4, name, sizeof name);
    assert_string_equal (name, "validator-4");
    tf_plan_destroy (&plan);
}

static void
test_tf_plan_hosts_without_hosts_is_minus_one (void **state)
{
    (void) state;
    tf_plan_t *plan = s_load_ok (S_HEAD);
    assert_int_equal (plan->host_count, 0);
    assert_int_equal (tf_plan_host_of (plan, 0), -1);
    tf_plan_destroy (&plan);
}

//  Pack, unpack, pack: the same bytes, and the hosts survive; the printed plan
//  loads back to the same bytes too
static void
test_tf_plan_hosts_pack_and_print_round_trip (void **state)
{
    (void) state;
    tf_plan_t *plan = s_load_ok (S_HEAD "hosts:\n"
                                        "  - {name: main, address: 10.0.0.1, nodes: []}\n"
                                        "  - {name: far, agent: \"tcp://10.0.0.2:7100\", cert: "
                                        "/k/far.cert, address: 10.0.0.2}\n");
    uint8_t *bytes = NULL, *again = NULL;
    size_t size = 0, again_size = 0;
    assert_int_equal (tf_plan_pack (plan, &bytes, &size), 0);
    tf_plan_t *copy = tf_plan_unpack (bytes, size);
    assert_non_null (copy);
    assert_int_equal (copy->host_count, 2);
    assert_non_null (copy->hosts[0].nodes); //  An empty list stays a list
    assert_int_equal (copy->hosts[0].node_count, 0);
    assert_null (copy->hosts[1].nodes);
    assert_int_equal (tf_plan_host_of (copy, 0), 1);
    assert_int_equal (tf_plan_pack (copy, &again, &again_size), 0);
    assert_int_equal (size, again_size);
    assert_memory_equal (bytes, again, size);
    free (again);

    char *text = NULL;
    size_t text_size = 0;
    FILE *out = open_memstream (&text, &text_size);
    tf_plan_print (copy, out);
    fclose (out);
    tf_plan_t *printed = s_load_ok (text);
    assert_int_equal (tf_plan_pack (printed, &again, &again_size), 0);
    assert_int_equal (size, again_size);
    assert_memory_equal (bytes, again, size);
    free (again);
    free (text);
    tf_plan_t *dup = tf_plan_dup (printed);
    assert_int_equal (tf_plan_pack (dup, &again, &again_size), 0);
    assert_memory_equal (bytes, again, size);
    free (again);
    tf_plan_destroy (&dup);
    tf_plan_destroy (&printed);
    tf_plan_destroy (&copy);
    tf_plan_destroy (&plan);
    free (bytes);
}

static void
test_tf_plan_hosts_refusals (void **state)
{
    (void) state;
    //  main takes the nodes far does not list
    const char *far = "  - {name: main, address: 10.0.0.1}\n"
                      "  - {name: far, agent: \"tcp://10.0.0.2:7100\", cert: /k.cert, "
                      "address: 10.0.0.2";
    char *yaml;
    //  A name that is no node of the topology
    yaml = zsys_sprintf (S_HEAD "hosts:\n%s, nodes: [validator-1, validator-9]}\n", far);
    s_expect_error (yaml, 5, 102, "hosts[1].nodes[1]", "unknown node 'validator-9'");
    zstr_free (&yaml);
    //  A node on two hosts
    yaml = zsys_sprintf (S_HEAD "hosts:\n%s, nodes: [validator-1]}\n"
                                "  - {name: other, agent: \"tcp://10.0.0.3:1\", cert: /k.cert, "
                                "address: 10.0.0.3, nodes: [validator-1]}\n",
                         far);
    s_expect_error (yaml, 6, 88, "hosts[2].nodes[0]",
                    "'validator-1' is on two hosts: far and other");
    zstr_free (&yaml);
    //  A node no host gets: every host lists its nodes
    yaml = zsys_sprintf (S_HEAD "hosts:\n  - {name: main, address: 10.0.0.1, nodes: "
                                "[validator-0]}\n");
    s_expect_error (yaml, 4, 3, "hosts", "node 'validator-1' (and 3 more) is on no host");
    zstr_free (&yaml);
    //  An agent without its certificate, an endpoint without a port
    s_expect_error (S_HEAD "hosts:\n  - {name: far, agent: \"tcp://10.0.0.2:7100\", address: "
                           "10.0.0.2}\n",
                    4, 5, "hosts[0]", "missing cert");
    s_expect_error (S_HEAD "hosts:\n  - {name: far, agent: \"tcp://10.0.0.2\", cert: /k.cert, "
                           "address: 10.0.0.2}\n",
                    4, 24, "hosts[0].agent", "expected the agent's endpoint tcp://HOST:PORT");
    //  An address that is not a numeric IPv4 address
    s_expect_error (S_HEAD "hosts:\n  - {name: main, address: devnet-0.example}\n", 4, 27,
                    "hosts[0].address", "expected a numeric IPv4 address");
    //  Two hosts without an agent, two of one name
    s_expect_error (S_HEAD "hosts:\n  - {name: a, address: 10.0.0.1}\n  - {name: b, address: "
                           "10.0.0.2}\n",
                    5, 5, "hosts[1]", "only one host can be tf's own");
    s_expect_error (S_HEAD "hosts:\n  - {name: a, address: 10.0.0.1}\n"
                           "  - {name: a, agent: \"tcp://10.0.0.2:1\", cert: /k.cert, address: "
                           "10.0.0.2}\n",
                    5, 12, "hosts[1].name", "host 'a' is named twice");
    //  Another runner
    yaml = zsys_sprintf (S_HEAD "run: {runner: compose}\nhosts:\n%s}\n", far);
    s_expect_error (yaml, 5, 3, "hosts", "need runner 'local'");
    zstr_free (&yaml);
    //  Not a list
    s_expect_error (S_HEAD "hosts: {name: far}\n", 3, 8, "hosts", "expected a list of hosts");
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_tf_plan_hosts_lists_and_spreads),
        cmocka_unit_test (test_tf_plan_hosts_without_hosts_is_minus_one),
        cmocka_unit_test (test_tf_plan_hosts_pack_and_print_round_trip),
        cmocka_unit_test (test_tf_plan_hosts_refusals),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
