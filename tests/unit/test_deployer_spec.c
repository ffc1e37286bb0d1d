//  test_deployer_spec - node.yaml and deployment.yaml render and parse back
//  with the keys tf-node reads (deployers/tf_node_spec.h, tf_profile.h)

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>
#include "tf_node_spec.h"
#include "tf_profile.h"

#define PATH_SIZE 256

//  A parsed document and the node a dotted path leads to ("a.b.0.c")
static yaml_node_t *
s_lookup (yaml_document_t *document, const char *path)
{
    yaml_node_t *node = yaml_document_get_root_node (document);
    char copy[PATH_SIZE];
    snprintf (copy, sizeof copy, "%s", path);
    char *cursor = copy, *key;
    while (node && (key = strsep (&cursor, "."))) {
        yaml_node_t *found = NULL;
        if (node->type == YAML_MAPPING_NODE) {
            for (yaml_node_pair_t *pair = node->data.mapping.pairs.start;
                 pair < node->data.mapping.pairs.top && !found; pair++) {
                yaml_node_t *name = yaml_document_get_node (document, pair->key);
                if (name && name->type == YAML_SCALAR_NODE
                    && strcmp ((char *) name->data.scalar.value, key) == 0)
                    found = yaml_document_get_node (document, pair->value);
            }
        }
        else if (node->type == YAML_SEQUENCE_NODE) {
            long index = strtol (key, NULL, 10);
            yaml_node_item_t *item = node->data.sequence.items.start + index;
            if (item < node->data.sequence.items.top)
                found = yaml_document_get_node (document, *item);
        }
        node = found;
    }
    return node;
}

static const char *
s_scalar (yaml_document_t *document, const char *path)
{
    yaml_node_t *node = s_lookup (document, path);
    return node && node->type == YAML_SCALAR_NODE ? (const char *) node->data.scalar.value : NULL;
}

static size_t
s_length (yaml_document_t *document, const char *path)
{
    yaml_node_t *node = s_lookup (document, path);
    assert_non_null (node);
    assert_int_equal (node->type, YAML_SEQUENCE_NODE);
    return (size_t) (node->data.sequence.items.top - node->data.sequence.items.start);
}

//  Parse text into document; fails the test on a YAML error
static void
s_parse (const char *text, yaml_document_t *document)
{
    yaml_parser_t parser;
    yaml_parser_initialize (&parser);
    yaml_parser_set_input_string (&parser, (const unsigned char *) text, strlen (text));
    int loaded = yaml_parser_load (&parser, document);
    if (!loaded)
        fail_msg ("YAML does not parse: %s at line %zu\n%s", parser.problem,
                  parser.problem_mark.line + 1, text);
    yaml_parser_delete (&parser);
}

static void
test_tf_node_spec_node_yaml_has_the_node_keys (void **state)
{
    (void) state;
    uint8_t node_key[32], leader_key[32];
    memset (node_key, 0x11, sizeof node_key);
    memset (leader_key, 0xab, sizeof leader_key);
    const uint16_t peers[2] = {41001, 41002};
    tf_node_spec_t config = {.http_port = 40000,
                             .testing_port = 40001,
                             .p2p_port = 40002,
                             .node_key = node_key,
                             .leader_key = leader_key,
                             .peer_ports = peers,
                             .peer_count = 2,
                             .db_path = "/run dir/nodes/validator-0/db",
                             .log_level = "DEBUG"};
    const tf_profile_t *profile = tf_profile_find (NULL);
    assert_non_null (profile);
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream (&text, &size);
    profile->print_node (&config, out);
    fclose (out);

    yaml_document_t document;
    s_parse (text, &document);
    assert_string_equal (s_scalar (&document, "http.backend_settings.address"), "127.0.0.1:40000");
    assert_string_equal (s_scalar (&document, "testing_http.backend_settings.address"),
                         "127.0.0.1:40001");
    assert_string_equal (s_scalar (&document, "network.backend.swarm.host"), "127.0.0.1");
    assert_string_equal (s_scalar (&document, "network.backend.swarm.port"), "40002");
    assert_string_equal (s_scalar (&document, "network.backend.swarm.node_key"),
                         "1111111111111111111111111111111111111111111111111111111111111111");
    assert_int_equal (s_length (&document, "network.backend.initial_peers"), 2);
    assert_string_equal (s_scalar (&document, "network.backend.initial_peers.1"),
                         "/ip4/127.0.0.1/tcp/41002");
    assert_string_equal (s_scalar (&document, "storage.db_path"), "/run dir/nodes/validator-0/db");
    yaml_node_t *leader = s_lookup (&document, "key_management.keys.leader");
    assert_non_null (leader);
    assert_string_equal ((char *) leader->tag, "!Ed25519");
    assert_string_equal ((char *) leader->data.scalar.value,
                         "abababababababababababababababababababababababababababababababab");
    assert_string_equal (s_scalar (&document, "tracing.logger"), "Stderr");
    assert_string_equal (s_scalar (&document, "tracing.level"), "DEBUG");
    yaml_document_delete (&document);
    free (text);

    //  A node without peers, logging to files
    config.peer_count = 0;
    config.log_dir = "/logs";
    config.log_prefix = "executor-1";
    out = open_memstream (&text, &size);
    tf_node_spec_print (&config, out);
    fclose (out);
    s_parse (text, &document);
    assert_int_equal (s_length (&document, "network.backend.initial_peers"), 0);
    yaml_node_t *logger = s_lookup (&document, "tracing.logger");
    assert_non_null (logger);
    assert_string_equal ((char *) logger->tag, "!File");
    assert_string_equal (s_scalar (&document, "tracing.logger.directory"), "/logs");
    assert_string_equal (s_scalar (&document, "tracing.logger.prefix"), "executor-1");
    yaml_document_delete (&document);
    free (text);
}

//  A node in a container: APIs on every address, its swarm and its peers on
//  the addresses of the run's network, or by name (a Kubernetes Service: dns4)
static void
test_tf_node_spec_node_yaml_takes_its_hosts (void **state)
{
    (void) state;
    uint8_t node_key[32], leader_key[32];
    memset (node_key, 0x22, sizeof node_key);
    memset (leader_key, 0xcd, sizeof leader_key);
    const uint16_t peers[2] = {3000, 3000};
    const char *const hosts[2] = {"10.213.7.10", "validator-2"}; //  A name: a Service
    tf_node_spec_t config = {.api_host = "0.0.0.0",
                             .p2p_host = "10.213.7.11",
                             .peer_hosts = hosts,
                             .http_port = 18080,
                             .testing_port = 18081,
                             .p2p_port = 3000,
                             .node_key = node_key,
                             .leader_key = leader_key,
                             .peer_ports = peers,
                             .peer_count = 2,
                             .db_path = "/data/db"};
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream (&text, &size);
    tf_node_spec_print (&config, out);
    fclose (out);
    yaml_document_t document;
    s_parse (text, &document);
    assert_string_equal (s_scalar (&document, "http.backend_settings.address"), "0.0.0.0:18080");
    assert_string_equal (s_scalar (&document, "testing_http.backend_settings.address"),
                         "0.0.0.0:18081");
    assert_string_equal (s_scalar (&document, "network.backend.swarm.host"), "10.213.7.11");
    assert_string_equal (s_scalar (&document, "network.backend.initial_peers.0"),
                         "/ip4/10.213.7.10/tcp/3000");
    assert_string_equal (s_scalar (&document, "network.backend.initial_peers.1"),
                         "/dns4/validator-2/tcp/3000");
    yaml_document_delete (&document);
    free (text);
}

static void
test_tf_node_spec_deployment_yaml_has_time_consensus_and_genesis (void **state)
{
    (void) state;
    tf_plan_t plan;
    memset (&plan, 0, sizeof plan);
    plan.validators = 2;
    plan.executors = 1;
    plan.wallets = 4;
    plan.wallet_amount = 100;
    plan.seed = 5;
    tf_genesis_t *genesis = tf_genesis_new (&plan);
    char start[TF_NODE_SPEC_TIME_SIZE];
    tf_node_spec_time (1768031276891LL, start);
    tf_deployment_spec_t config = {.slot_ms = 1500,
                                   .chain_start_time = start,
                                   .security_param = 10,
                                   .active_slot_coeff = 0.9,
                                   .genesis = genesis};
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream (&text, &size);
    tf_deployment_config_print (&config, out);
    fclose (out);

    yaml_document_t document;
    s_parse (text, &document);
    assert_string_equal (s_scalar (&document, "time.slot_duration.secs"), "1");
    assert_string_equal (s_scalar (&document, "time.slot_duration.nanos"), "500000000");
    assert_string_equal (s_scalar (&document, "time.chain_start_time"),
                         "2026-01-10 07:47:56.891000 +00:00:00");
    assert_string_equal (s_scalar (&document, "cryptarchia.security_param"), "10");
    assert_string_equal (s_scalar (&document, "cryptarchia.active_slot_coeff"), "0.9");
    assert_int_equal (s_length (&document, "cryptarchia.genesis_state.mantle_tx.ops"), 3);
    assert_string_equal (s_scalar (&document, "cryptarchia.genesis_state.mantle_tx.ops.0.opcode"),
                         "32");
    char provider[TF_KEYS_HEX_SIZE], note[TF_KEYS_HEX_SIZE], wallet[TF_KEYS_HEX_SIZE];
    tf_keys_hex32 (genesis->leaders[2].key.public_key, provider);
    tf_keys_hex32 (genesis->leaders[2].note_id, note);
    tf_keys_hex32 (genesis->wallets[3].key.public_key, wallet);
    assert_string_equal (
        s_scalar (&document, "cryptarchia.genesis_state.mantle_tx.ops.2.payload.provider_id"),
        provider);
    assert_string_equal (
        s_scalar (&document, "cryptarchia.genesis_state.mantle_tx.ops.2.payload.locked_note_id"),
        note);
    assert_string_equal (
        s_scalar (&document, "cryptarchia.genesis_state.mantle_tx.ops.2.payload.locators.0"),
        TF_GENESIS_EXECUTOR_LOCATOR);
    assert_int_equal (
        s_length (&document, "cryptarchia.genesis_state.mantle_tx.ops.0.payload.locators"), 0);
    assert_int_equal (s_length (&document, "cryptarchia.genesis_state.mantle_tx.ledger_tx.outputs"),
                      7);
    assert_string_equal (
        s_scalar (&document, "cryptarchia.genesis_state.mantle_tx.ledger_tx.outputs.6.pk"), wallet);
    assert_string_equal (
        s_scalar (&document, "cryptarchia.genesis_state.mantle_tx.ledger_tx.outputs.6.value"),
        "100");
    assert_string_equal (s_scalar (&document, "cryptarchia.genesis_state.ops_proofs.1"), "NoProof");
    assert_int_equal (s_length (&document, "cryptarchia.genesis_state.ledger_tx_proof.Ed25519Sigs"),
                      0);
    yaml_document_delete (&document);
    free (text);
    tf_genesis_destroy (&genesis);
}

static void
test_tf_profile_expands_its_command (void **state)
{
    (void) state;
    const tf_profile_t *profile = tf_profile_find ("tf-node");
    assert_non_null (profile);
    assert_null (tf_profile_find ("no-such-node"));
    char *argv[TF_PROFILE_MAX_ARGS + 1];
    int argc = tf_profile_argv (profile, "/opt/bin/tf-node", "/run/nodes/validator-0", argv);
    assert_int_equal (argc, 4);
    assert_string_equal (argv[0], "/opt/bin/tf-node");
    assert_string_equal (argv[1], "/run/nodes/validator-0/node.yaml");
    assert_string_equal (argv[2], "--deployment");
    assert_string_equal (argv[3], "/run/nodes/validator-0/deployment.yaml");
    assert_null (argv[4]);
    for (int index = 0; index < argc; index++)
        free (argv[index]);
}

static void
test_tf_profile_binary_follows_the_environment (void **state)
{
    (void) state;
    const tf_profile_t *profile = tf_profile_find (NULL);
    unsetenv (TF_PROFILE_BIN_ENV);
    unsetenv (TF_PROFILE_BIN_ALIAS);
    char *binary = tf_profile_binary (profile);
    //  Beside the running program by default
    size_t length = strlen (binary);
    assert_true (length > strlen ("/tf-node"));
    assert_string_equal (binary + length - strlen ("/tf-node"), "/tf-node");
    free (binary);
    setenv (TF_PROFILE_BIN_ALIAS, "/old/name", 1);
    binary = tf_profile_binary (profile);
    assert_string_equal (binary, "/old/name");
    free (binary);
    setenv (TF_PROFILE_BIN_ENV, "/new/name", 1);
    binary = tf_profile_binary (profile);
    assert_string_equal (binary, "/new/name");
    free (binary);
    unsetenv (TF_PROFILE_BIN_ENV);
    unsetenv (TF_PROFILE_BIN_ALIAS);
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_tf_node_spec_node_yaml_has_the_node_keys),
        cmocka_unit_test (test_tf_node_spec_node_yaml_takes_its_hosts),
        cmocka_unit_test (test_tf_node_spec_deployment_yaml_has_time_consensus_and_genesis),
        cmocka_unit_test (test_tf_profile_expands_its_command),
        cmocka_unit_test (test_tf_profile_binary_follows_the_environment),
    };
    return cmocka_run_group_tests_name ("tf_node_spec", tests, NULL, NULL);
}
