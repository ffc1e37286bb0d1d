//  test_external.c - runner external against nodes this test starts itself
//  (tf-node processes on loopback, through the node harness), not tf: a
//  transactions + liveness + tx_inclusion scenario passes, the nodes outlive
//  the run (no node cleanup), and an unreachable URL fails readiness naming
//  it (exit 3).

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include "spine_harness.h"
#include "test_node_harness.h"

#define S_NODES        2     //  Validators the harness runs
#define S_START_MS     20000 //  Their start-up, all answering
#define S_SLOT_MS      100   //  Short slots: many blocks in seconds
#define S_EXIT_MS      90000 //  Longest a whole run may take here
#define S_PATH_SIZE    700
#define S_UNUSED_PORTS 1 //  Port 1 on loopback: nothing listens there

typedef struct {
    nh_cluster_t *cluster; //  The nodes the test runs
    spine_run_t *run;      //  tf
} s_fixture_t;

static int
s_setup (void **state)
{
    s_fixture_t *fixture = calloc (1, sizeof *fixture);
    assert_non_null (fixture);
    *state = fixture;
    return 0;
}

//  The nodes first (killed and reaped by pid), then tf and whatever it left:
//  spine_destroy waits until the test has no child left
static int
s_teardown (void **state)
{
    s_fixture_t *fixture = (s_fixture_t *) *state;
    nh_cluster_destroy (&fixture->cluster);
    spine_destroy (&fixture->run);
    free (fixture);
    return 0;
}

//  Write the wallet key file of the harness's wallet: one line per genesis
//  note; unfunded: note ids no node knows (a wrong key file)
static void
s_write_keys (nh_cluster_t *cluster, const char *path, bool unfunded)
{
    FILE *file = fopen (path, "w");
    assert_non_null (file);
    char seed[65], note[65];
    tf_node_hex_encode (cluster->wallet.sk, 32, seed);
    fprintf (file, "# funded wallets of the test's network: seed, note id, value\n");
    for (size_t index = 0; index < NH_WALLET_NOTES; index++) {
        tf_node_hash_t id = cluster->notes[index];
        id.bytes[0] ^= unfunded ? 0xff : 0;
        tf_node_hex_encode (id.bytes, 32, note);
        fprintf (file, "%s %s %d\n", seed, note, NH_WALLET_VALUE);
    }
    fclose (file);
}

//  Write a scenario against the cluster's nodes; bad_port, when not 0, adds
//  a validator at that loopback port (nothing answers there)
static void
s_write_scenario (nh_cluster_t *cluster, const char *path, int bad_port)
{
    FILE *file = fopen (path, "w");
    assert_non_null (file);
    fprintf (file, "name: external\ntopology:\n  external:\n");
    for (size_t index = 0; index < cluster->count; index++)
        fprintf (file, "    - {name: devnet-%zu, url: \"http://127.0.0.1:%d/\", role: validator}\n",
                 index, cluster->nodes[index].api_port);
    if (bad_port)
        fprintf (file, "    - {name: devnet-gone, url: \"http://127.0.0.1:%d\", role: validator}\n",
                 bad_port);
    fprintf (file,
             "wallets: {keys: funded.keys}\n"
             "workloads:\n  - transactions: {rate: 1, users: 4}\n"
             "expectations:\n  - consensus_liveness: {}\n"
             "  - tx_inclusion: {min_ratio: 0.5}\n"
             "run: {duration: 5s, seed: 3, runner: external}\n"
             "consensus: {slot: %dms, active_slot_coeff: 0.9, security_param: 3}\n",
             S_SLOT_MS);
    fclose (file);
}

//  Start the cluster and write the scenario and key file beside it
static void
s_prepare (s_fixture_t *fixture, int bad_port, bool unfunded, char *scenario, size_t size)
{
    nh_options_t options = {S_SLOT_MS, 0.9, 3, 0};
    fixture->cluster = nh_cluster_start (S_NODES, &options, S_START_MS);
    assert_non_null (fixture->cluster);
    char keys[S_PATH_SIZE];
    snprintf (keys, sizeof keys, "%s/funded.keys", fixture->cluster->root);
    s_write_keys (fixture->cluster, keys, unfunded);
    snprintf (scenario, size, "%s/external.yaml", fixture->cluster->root);
    s_write_scenario (fixture->cluster, scenario, bad_port);
}

//  A healthy network someone else runs: the scenario passes, transactions
//  from the key file are included, and every node still runs afterwards
static void
test_external_passes_against_harness_nodes (void **state)
{
    s_fixture_t *fixture = (s_fixture_t *) *state;
    char scenario[S_PATH_SIZE];
    s_prepare (fixture, 0, false, scenario, sizeof scenario);
    const char *args[] = {"run", scenario, NULL};
    const char *env[] = {"LOGOS_BLOCKCHAIN_TESTS_KEEP_LOGS=1", NULL}; //  Keep a pass's report
    fixture->run = spine_start_args (args, env);
    assert_non_null (fixture->run);
    int code = spine_wait_exit (fixture->run, S_EXIT_MS);
    if (code != 0) {
        char *output = spine_output (fixture->run);
        fprintf (stderr, "%s\n", output);
        free (output);
    }
    assert_int_equal (code, 0);
    json_t *report = spine_report (fixture->run);
    assert_non_null (report);
    json_t *inclusion = spine_expectation (report, "tx_inclusion");
    assert_non_null (inclusion);
    assert_true (json_is_true (json_object_get (inclusion, "passed")));
    json_t *details = json_object_get (inclusion, "details");
    assert_true (json_integer_value (json_object_get (details, "included")) > 0);
    json_t *liveness = spine_expectation (report, "consensus_liveness");
    assert_non_null (liveness);
    assert_true (json_is_true (json_object_get (liveness, "passed")));
    json_decref (report);
    //  No node cleanup: the nodes are not the run's
    for (size_t index = 0; index < fixture->cluster->count; index++)
        assert_true (nh_alive (fixture->cluster, index));
}

//  One URL that nothing answers: readiness fails naming it, exit 3, and the
//  harness's nodes are left alone
static void
test_external_unreachable_url_fails_readiness (void **state)
{
    s_fixture_t *fixture = (s_fixture_t *) *state;
    char scenario[S_PATH_SIZE];
    s_prepare (fixture, S_UNUSED_PORTS, false, scenario, sizeof scenario);
    const char *args[] = {"run", scenario, NULL};
    const char *env[] = {"TF_READINESS_TIMEOUT=2s", NULL};
    fixture->run = spine_start_args (args, env);
    assert_non_null (fixture->run);
    assert_int_equal (spine_wait_exit (fixture->run, S_EXIT_MS), 3);
    char *output = spine_output (fixture->run);
    bool named = strstr (output, "timed out waiting for http readiness")
                 && strstr (output, "validator#2@http://127.0.0.1:1");
    if (!named)
        fprintf (stderr, "%s\n", output);
    free (output);
    assert_true (named);
    for (size_t index = 0; index < fixture->cluster->count; index++)
        assert_true (nh_alive (fixture->cluster, index));
}

//  A key file whose notes the network never funded: the nodes refuse every
//  transfer and tx_inclusion fails (exit 1), while liveness still passes
static void
test_external_unfunded_keys_fail_inclusion (void **state)
{
    s_fixture_t *fixture = (s_fixture_t *) *state;
    char scenario[S_PATH_SIZE];
    s_prepare (fixture, 0, true, scenario, sizeof scenario);
    const char *args[] = {"run", scenario, NULL};
    const char *env[] = {"LOGOS_BLOCKCHAIN_TESTS_KEEP_LOGS=1", NULL};
    fixture->run = spine_start_args (args, env);
    assert_non_null (fixture->run);
    assert_int_equal (spine_wait_exit (fixture->run, S_EXIT_MS), 1);
    json_t *report = spine_report (fixture->run);
    assert_non_null (report);
    json_t *inclusion = spine_expectation (report, "tx_inclusion");
    assert_non_null (inclusion);
    assert_false (json_is_true (json_object_get (inclusion, "passed")));
    json_t *details = json_object_get (inclusion, "details");
    assert_int_equal (json_integer_value (json_object_get (details, "included")), 0);
    json_t *liveness = spine_expectation (report, "consensus_liveness");
    assert_true (json_is_true (json_object_get (liveness, "passed")));
    json_decref (report);
}

int
main (void)
{
    spine_init ();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown (test_external_passes_against_harness_nodes, s_setup,
                                         s_teardown),
        cmocka_unit_test_setup_teardown (test_external_unreachable_url_fails_readiness, s_setup,
                                         s_teardown),
        cmocka_unit_test_setup_teardown (test_external_unfunded_keys_fail_inclusion, s_setup,
                                         s_teardown),
    };
    return cmocka_run_group_tests_name ("external", tests, NULL, NULL);
}
