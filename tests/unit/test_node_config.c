//  test_node_config.c - node.yaml and deployment.yaml: a full config loads; each kind of
//  error names the file, the key path and what was expected; durations, times, multiaddrs
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "test_node_common.h"
#include "tf_node_config.h"

#define SEED_A "0101010101010101010101010101010101010101010101010101010101010101"
#define SEED_B "0202020202020202020202020202020202020202020202020202020202020202"
#define ZERO64 "0000000000000000000000000000000000000000000000000000000000000000"

typedef struct {
    char dir[128];        //  mkdtemp directory
    char node[256];       //  node.yaml path
    char deployment[256]; //  deployment.yaml path
    char error[TF_NODE_CONFIG_ERROR_MAX];
} fixture_t;

static const char s_node_yaml[] =
    "http:\n  backend_settings:\n    address: 127.0.0.1:18080\n    max_body_size: 1000\n"
    "testing_http:\n  backend_settings: {address: '127.0.0.1:18081'}\n"
    "network:\n  backend:\n    swarm:\n      host: 127.0.0.1\n      port: 3000\n"
    "      node_key: " SEED_A "\n      gossipsub_config: {whatever: 1}\n"
    "    initial_peers:\n      - /ip4/127.0.0.1/tcp/3001\n"
    "      - "
    "/ip4/127.0.0.1/udp/3002/quic-v1/p2p/12D3KooW9pP4Seg3kZYhySpuVjn1RPdQBsUFZKiFxGMGQN5MeL6A\n"
    "cryptarchia:\n  service:\n    bootstrap:\n      prolonged_bootstrap_period: '1.500000000'\n"
    "storage:\n  db_path: ./db\n"
    "key_management:\n  keys:\n    leader: !Ed25519 " SEED_B "\n    zk_thing: !Zk " ZERO64 "\n"
    "wallet:\n  known_keys:\n    someone: " ZERO64 "\n"
    "tracing:\n  logger: !File {directory: ./logs, prefix: node-a}\n  level: debug\n";

//  Genesis with one leader whose stake is output 0 (given by index)
static const char s_deployment_yaml[] =
    "time:\n  slot_duration: {secs: 0, nanos: 250000000}\n"
    "  chain_start_time: 2026-01-10 07:47:56.891858 +00:00:00\n"
    "cryptarchia:\n  security_param: 10\n  active_slot_coeff: 0.25\n"
    "  genesis_state:\n    mantle_tx:\n      ops:\n        - opcode: 32\n          payload:\n"
    "            service_type: BN\n            locators: [/tf/executor]\n"
    "            provider_id: 8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c\n"
    "            zk_id: " ZERO64 "\n            locked_note_id: '0'\n"
    "      ledger_tx:\n        inputs: []\n        outputs:\n"
    "          - {value: 100, pk: "
    "8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c}\n"
    "      execution_gas_price: 0\n      storage_gas_price: 0\n"
    "    ops_proofs: [NoProof]\n    ledger_tx_proof: {Ed25519Sigs: []}\n";

static void
s_write (const char *path, const char *text)
{
    FILE *file = fopen (path, "w");
    assert_non_null (file);
    fputs (text, file);
    fclose (file);
}

static int
s_setup (void **state)
{
    fixture_t *fixture = calloc (1, sizeof *fixture);
    snprintf (fixture->dir, sizeof fixture->dir, "/tmp/tf-node-config-XXXXXX");
    if (!mkdtemp (fixture->dir))
        return -1;
    snprintf (fixture->node, sizeof fixture->node, "%s/node.yaml", fixture->dir);
    snprintf (fixture->deployment, sizeof fixture->deployment, "%s/deployment.yaml", fixture->dir);
    s_write (fixture->node, s_node_yaml);
    s_write (fixture->deployment, s_deployment_yaml);
    *state = fixture;
    return 0;
}

static int
s_teardown (void **state)
{
    fixture_t *fixture = *state;
    unlink (fixture->node);
    unlink (fixture->deployment);
    rmdir (fixture->dir);
    free (fixture);
    return 0;
}

static tf_node_config_t *
s_load (fixture_t *fixture, int strict)
{
    return tf_node_config_load (fixture->node, fixture->deployment, strict, fixture->error,
                                sizeof fixture->error);
}

//  Replace the first occurrence of old in a file's text with new, write it to path
static void
s_patch (const char *path, const char *base, const char *old, const char *new)
{
    const char *at = strstr (base, old);
    assert_non_null (at);
    char text[8192];
    snprintf (text, sizeof text, "%.*s%s%s", (int) (at - base), base, new, at + strlen (old));
    s_write (path, text);
}

static void
test_node_config_full_config_loads (void **state)
{
    fixture_t *fixture = *state;
    tf_node_config_t *config = s_load (fixture, 1);
    if (!config)
        fprintf (stderr, "%s\n", fixture->error);
    assert_non_null (config);
    assert_string_equal (config->http_host, "127.0.0.1");
    assert_int_equal (config->http_port, 18080);
    assert_int_equal (config->max_body_size, 1000);
    assert_true (config->has_testing);
    assert_int_equal (config->testing_port, 18081);
    assert_int_equal (config->p2p_port, 3000);
    assert_int_equal (config->npeers, 2);
    assert_int_equal (config->peers[1].port, 3002);
    assert_string_equal (config->peers[1].peer_id,
                         "12D3KooW9pP4Seg3kZYhySpuVjn1RPdQBsUFZKiFxGMGQN5MeL6A");
    assert_true (config->has_leader);
    assert_int_equal (config->nwallet_keys, 1); //  The !Zk key is not ours to use
    assert_int_equal (config->nknown_keys, 1);
    char expected[300];
    snprintf (expected, sizeof expected, "%s/./db", fixture->dir);
    assert_string_equal (config->db_path, expected);
    snprintf (expected, sizeof expected, "%s/./logs/node-a.log", fixture->dir);
    assert_string_equal (config->log_file, expected);
    assert_int_equal (config->log_level, 3);
    assert_int_equal (config->bootstrap_period_us, 1500000);
    assert_int_equal (config->slot_duration_us, 250000);
    assert_int_equal (config->chain_start_us, 1768031276891858LL);
    assert_int_equal (config->security_param, 10);
    assert_true (config->active_slot_coeff == 0.25);
    assert_int_equal (config->genesis->ntxs, 1);
    assert_int_equal (config->genesis->ndecls, 1);
    assert_true (config->genesis->decls[0].executor);
    tf_node_hash_t stake = tn_note (config->genesis->txs[0], 0);
    assert_memory_equal (stake.bytes, config->genesis->decls[0].locked_note_id.bytes, 32);
    assert_int_equal (config->warnings, 0);
    tf_node_config_destroy (&config);
    assert_null (config);
}

//  Each broken variant must fail with the file and key path in the message
static void
test_node_config_errors_name_file_and_key (void **state)
{
    fixture_t *fixture = *state;
    struct {
        int deployment;        //  Patch deployment.yaml instead of node.yaml
        const char *old, *new; //  Replacement
        const char *key;       //  Expected in the message
    } cases[] = {
        {0, "address: 127.0.0.1:18080", "address: nowhere", "http.backend_settings.address"},
        {0, "address: 127.0.0.1:18080", "address: 127.0.0.1:99999",
         "http.backend_settings.address"},
        {0, "port: 3000", "port: many", "network.backend.swarm.port"},
        {0, "node_key: " SEED_A, "node_key: 1234", "network.backend.swarm.node_key"},
        {0, "- /ip4/127.0.0.1/tcp/3001", "- /ip6/::1/tcp/3001", "network.backend.initial_peers[0]"},
        {0, "db_path: ./db", "db_path: ''", "storage.db_path"},
        {0, "leader: !Ed25519 " SEED_B, "leader: !Zk " SEED_B, "key_management.keys.leader"},
        {0, "logger: !File {directory: ./logs, prefix: node-a}", "logger: Syslog",
         "tracing.logger"},
        {0, "level: debug", "level: loud", "tracing.level"},
        {0, "'1.500000000'", "soon", "prolonged_bootstrap_period"},
        {0, "http:\n", "http: [\n", "line"},
        {1, "{secs: 0, nanos: 250000000}", "fast", "time.slot_duration"},
        {1, "2026-01-10 07:47:56.891858 +00:00:00", "yesterday", "time.chain_start_time"},
        {1, "security_param: 10", "security_param: -1", "cryptarchia.security_param"},
        {1, "active_slot_coeff: 0.25", "active_slot_coeff: 2", "cryptarchia.active_slot_coeff"},
        {1, "locked_note_id: '0'", "locked_note_id: '7'", "cryptarchia.genesis_state"},
        {1, "locked_note_id: '0'", "locked_note_id: " SEED_A, "ops[0].payload.locked_note_id"},
        {1, "inputs: []", "inputs: [" ZERO64 "]", "ledger_tx.inputs"},
        {1, "opcode: 32", "opcode: 77", "cryptarchia.genesis_state"},
    };
    for (size_t index = 0; index < sizeof cases / sizeof cases[0]; index++) {
        const char *path = cases[index].deployment ? fixture->deployment : fixture->node;
        s_patch (path, cases[index].deployment ? s_deployment_yaml : s_node_yaml, cases[index].old,
                 cases[index].new);
        tf_node_config_t *config = s_load (fixture, 0);
        if (config || !strstr (fixture->error, cases[index].key) || !strstr (fixture->error, path))
            fprintf (stderr, "case %zu: %s\n", index, config ? "loaded" : fixture->error);
        assert_null (config);
        assert_non_null (strstr (fixture->error, path));
        assert_non_null (strstr (fixture->error, cases[index].key));
        s_write (path, cases[index].deployment ? s_deployment_yaml : s_node_yaml);
    }
    //  A missing file is named too
    unlink (fixture->deployment);
    assert_null (s_load (fixture, 0));
    assert_non_null (strstr (fixture->error, fixture->deployment));
    s_write (fixture->deployment, s_deployment_yaml);
}

static void
test_node_config_unknown_keys_warn_or_fail_under_check (void **state)
{
    fixture_t *fixture = *state;
    s_patch (fixture->node, s_node_yaml, "storage:\n", "surprise: 1\nstorage:\n");
    tf_node_config_t *config = s_load (fixture, 0);
    assert_non_null (config);
    assert_int_equal (config->warnings, 1);
    tf_node_config_destroy (&config);
    assert_null (s_load (fixture, 1));
    assert_non_null (strstr (fixture->error, "surprise"));
    assert_non_null (strstr (fixture->error, "unknown key"));
}

static void
test_node_config_durations_times_and_multiaddrs (void **state)
{
    (void) state;
    struct {
        const char *yaml;
        int64_t micros;
    } durations[] = {{"{secs: 1, nanos: 500}", 1000000},
                     {"'1.000000000'", 1000000},
                     {"100ms", 100000},
                     {"2s", 2000000},
                     {"1.5s", 1500000},
                     {"3", 3000000},
                     {"0.25", 250000}};
    for (size_t index = 0; index < sizeof durations / sizeof durations[0]; index++) {
        char text[64];
        snprintf (text, sizeof text, "{\"d\": %s}", durations[index].yaml);
        int64_t micros = -1;
        json_t *value;
        if (durations[index].yaml[0] == '{' || durations[index].yaml[0] == '\'') {
            //  Through YAML, as a config would carry it
            char path[] = "/tmp/tf-node-duration-XXXXXX";
            int fd = mkstemp (path);
            assert_true (fd >= 0);
            dprintf (fd, "d: %s\n", durations[index].yaml);
            close (fd);
            char error[200];
            json_t *root = tf_node_config_yaml_load (path, error, sizeof error);
            unlink (path);
            assert_non_null (root);
            value = json_incref (json_object_get (root, "d"));
            json_decref (root);
        }
        else if (strspn (durations[index].yaml, "0123456789.") == strlen (durations[index].yaml))
            value = json_real (atof (durations[index].yaml));
        else
            value = json_string (durations[index].yaml);
        assert_int_equal (tf_node_config_duration (value, &micros), 0);
        assert_int_equal (micros, durations[index].micros);
        json_decref (value);
    }
    json_t *bad = json_string ("fast");
    int64_t micros;
    assert_int_equal (tf_node_config_duration (bad, &micros), -1);
    json_decref (bad);

    int64_t at;
    assert_int_equal (tf_node_config_time ("2026-01-10 07:47:56.891858 +00:00:00", &at), 0);
    assert_int_equal (at, 1768031276891858LL);
    assert_int_equal (tf_node_config_time ("2026-01-10T07:47:56.891858Z", &at), 0);
    assert_int_equal (at, 1768031276891858LL);
    assert_int_equal (tf_node_config_time ("2026-01-10T08:47:56.891858+01:00", &at), 0);
    assert_int_equal (at, 1768031276891858LL);
    assert_int_equal (tf_node_config_time ("2026-01-10", &at), -1);
    assert_int_equal (tf_node_config_time ("2026-01-10 07:47:56 +00:00:00 junk", &at), -1);

    tf_node_peer_addr_t addr;
    assert_int_equal (tf_node_config_multiaddr ("/ip4/127.0.0.1/tcp/4000", &addr), 0);
    assert_int_equal (addr.port, 4000);
    assert_string_equal (addr.peer_id, "");
    assert_int_equal (tf_node_config_multiaddr ("/ip4/127.0.0.1/udp/4001/quic-v1", &addr), 0);
    assert_int_equal (addr.port, 4001);
    assert_int_equal (tf_node_config_multiaddr ("/ip4/127.0.0.1/tcp/4000/p2p/garbage", &addr), -1);
    assert_int_equal (tf_node_config_multiaddr ("/ip4/127.0.0.1/udp/4001", &addr), -1);
    assert_int_equal (tf_node_config_multiaddr ("/ip4/127.0.0.1/tcp/0", &addr), -1);
    assert_int_equal (tf_node_config_multiaddr ("127.0.0.1:4000", &addr), -1);
}

//  genesis_state as a list of txs (JSON flow style, which YAML reads): it loads, and a
//  fault names the tx's index in the key path
static void
test_node_config_genesis_list_names_the_tx (void **state)
{
    fixture_t *fixture = *state;
    static const char head[] = "time:\n  slot_duration: 100ms\n"
                               "  chain_start_time: 2026-01-10T07:47:56Z\n"
                               "cryptarchia:\n  security_param: 10\n  genesis_state: [";
    static const char tx[] =
        "{mantle_tx: {ops: [], ledger_tx: {inputs: [%s], outputs: [{value: %d, pk: " ZERO64
        "}]}, execution_gas_price: 0, storage_gas_price: 0}, ops_proofs: [], "
        "ledger_tx_proof: {Ed25519Sigs: []}}";
    char first[512], second[512], text[2048];
    snprintf (first, sizeof first, tx, "", 1);
    snprintf (second, sizeof second, tx, "", 2);
    snprintf (text, sizeof text, "%s%s, %s]\n", head, first, second);
    s_write (fixture->deployment, text);
    tf_node_config_t *config = s_load (fixture, 1);
    if (!config)
        fprintf (stderr, "%s\n", fixture->error);
    assert_non_null (config);
    assert_int_equal (config->genesis->ntxs, 2);
    assert_int_equal (tf_node_genesis_notes (config->genesis), 2);
    tf_node_config_destroy (&config);
    snprintf (second, sizeof second, tx, ZERO64, 2);
    snprintf (text, sizeof text, "%s%s, %s]\n", head, first, second);
    s_write (fixture->deployment, text);
    assert_null (s_load (fixture, 1));
    assert_non_null (strstr (
        fixture->error, "cryptarchia.genesis_state[1].mantle_tx.ledger_tx.inputs: expected []"));
    s_write (fixture->deployment, s_deployment_yaml);
}

int
main (void)
{
    tf_node_crypto_init ();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown (test_node_config_full_config_loads, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_node_config_errors_name_file_and_key, s_setup,
                                         s_teardown),
        cmocka_unit_test_setup_teardown (test_node_config_unknown_keys_warn_or_fail_under_check,
                                         s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_node_config_genesis_list_names_the_tx, s_setup,
                                         s_teardown),
        cmocka_unit_test (test_node_config_durations_times_and_multiaddrs),
    };
    return cmocka_run_group_tests_name ("tf_node_config", tests, NULL, NULL);
}
