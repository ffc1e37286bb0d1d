//  test_deployer_genesis - the genesis of a run from its plan and seed
//  (actors/nodeapi/tf_genesis.h)
//
//  The hash and note-id vectors were computed independently (Python) from
//  tf-node's encoding (node/README.md 3.2, 3.3): a wrong encoding would give
//  nodes a genesis whose stake notes they cannot find.

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include "tf_genesis.h"

static void
s_plan (tf_plan_t *plan, uint32_t validators, uint32_t executors, uint32_t wallets, uint64_t amount,
        uint64_t seed)
{
    memset (plan, 0, sizeof *plan);
    plan->validators = validators;
    plan->executors = executors;
    plan->wallets = wallets;
    plan->wallet_amount = amount;
    plan->seed = seed;
}

static char *
s_yaml (const tf_genesis_t *genesis)
{
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream (&text, &size);
    tf_genesis_print_yaml (genesis, out, 0);
    fclose (out);
    return text;
}

static void
s_assert_hex (const uint8_t bytes[32], const char *expected)
{
    char hex[TF_KEYS_HEX_SIZE];
    tf_keys_hex32 (bytes, hex);
    assert_string_equal (hex, expected);
}

static void
test_tf_genesis_matches_node_encoding (void **state)
{
    (void) state;
    tf_plan_t plan;
    s_plan (&plan, 1, 1, 1, 500, 42);
    tf_genesis_t *genesis = tf_genesis_new (&plan);
    assert_non_null (genesis);
    assert_int_equal (genesis->tx_count, 1);
    s_assert_hex (genesis->tx_hashes[0],
                  "92fa00e6fac124498bc755bf980508cd45d9417a41dd7908b0dd609132e8b405");
    s_assert_hex (genesis->leaders[0].note_id,
                  "7cce915b1de4f51f7a0cf1ff7b33a6146c0e4739211d434e94ccc52ea2d96608");
    s_assert_hex (genesis->leaders[1].note_id,
                  "14b4178a19a30adef08cb7951cd3eb01a5fea86475da8fb93ff26302baef9c06");
    s_assert_hex (genesis->wallets[0].note_id,
                  "c2d67f01a33d036ddf257ad52bc50b2f92f29ff341fb56ac649edc61ea40d10a");
    tf_genesis_destroy (&genesis);
    assert_null (genesis);
}

static void
test_tf_genesis_is_deterministic_from_the_seed (void **state)
{
    (void) state;
    tf_plan_t plan;
    s_plan (&plan, 3, 1, 5, 1000, 7);
    tf_genesis_t *first = tf_genesis_new (&plan);
    tf_genesis_t *second = tf_genesis_new (&plan);
    plan.seed = 8;
    tf_genesis_t *other = tf_genesis_new (&plan);
    char *first_yaml = s_yaml (first);
    char *second_yaml = s_yaml (second);
    char *other_yaml = s_yaml (other);
    assert_string_equal (first_yaml, second_yaml);
    assert_string_not_equal (first_yaml, other_yaml);
    assert_memory_not_equal (first->tx_hashes[0], other->tx_hashes[0], TF_KEYS_HASH_SIZE);
    free (first_yaml);
    free (second_yaml);
    free (other_yaml);
    tf_genesis_destroy (&first);
    tf_genesis_destroy (&second);
    tf_genesis_destroy (&other);
}

static void
test_tf_genesis_every_node_leads_with_equal_stake (void **state)
{
    (void) state;
    tf_plan_t plan;
    s_plan (&plan, 3, 2, 0, 0, 1);
    tf_genesis_t *genesis = tf_genesis_new (&plan);
    assert_non_null (genesis);
    assert_int_equal (genesis->leader_count, 5);
    for (size_t node = 0; node < genesis->leader_count; node++) {
        assert_int_equal (genesis->leaders[node].stake, TF_GENESIS_LEADER_STAKE);
        assert_int_equal (genesis->leaders[node].executor, node >= 3);
        assert_int_equal (genesis->leaders[node].index, node >= 3 ? node - 3 : node);
        tf_key_t expected;
        tf_keys_derive (TF_KEYS_PURPOSE_LEADER, 1, (uint32_t) node, &expected);
        assert_memory_equal (genesis->leaders[node].key.public_key, expected.public_key,
                             TF_KEYS_PUBLIC_SIZE);
    }
    char *yaml = s_yaml (genesis);
    //  One declaration per leader, executors marked by their locator
    size_t declarations = 0, executors = 0;
    for (const char *at = yaml; (at = strstr (at, "opcode: 32")); at++)
        declarations++;
    for (const char *at = yaml; (at = strstr (at, TF_GENESIS_EXECUTOR_LOCATOR)); at++)
        executors++;
    assert_int_equal (declarations, 5);
    assert_int_equal (executors, 2);
    free (yaml);
    tf_genesis_destroy (&genesis);
}

static void
test_tf_genesis_funds_wallets_uniform_or_each (void **state)
{
    (void) state;
    tf_plan_t plan;
    s_plan (&plan, 1, 0, 3, 250, 9);
    tf_genesis_t *genesis = tf_genesis_new (&plan);
    assert_int_equal (genesis->wallet_count, 3);
    for (size_t wallet = 0; wallet < 3; wallet++) {
        assert_int_equal (genesis->wallets[wallet].amount, 250);
        tf_key_t expected;
        tf_keys_derive (TF_KEYS_PURPOSE_WALLET, 9, (uint32_t) wallet, &expected);
        assert_memory_equal (genesis->wallets[wallet].key.public_key, expected.public_key,
                             TF_KEYS_PUBLIC_SIZE);
        //  Note id of output (leaders first, then wallets)
        uint8_t note[TF_KEYS_HASH_SIZE];
        tf_api_tx_note_id (genesis->tx_hashes[0], 1 + wallet, 250, expected.public_key, note);
        assert_memory_equal (genesis->wallets[wallet].note_id, note, TF_KEYS_HASH_SIZE);
    }
    tf_genesis_destroy (&genesis);

    uint64_t amounts[3] = {10, 20, 30};
    plan.wallet_amounts = amounts;
    plan.wallet_amount_count = 3;
    genesis = tf_genesis_new (&plan);
    for (size_t wallet = 0; wallet < 3; wallet++)
        assert_int_equal (genesis->wallets[wallet].amount, amounts[wallet]);
    char *yaml = s_yaml (genesis);
    assert_non_null (strstr (yaml, "value: 20\n"));
    assert_non_null (strstr (yaml, "value: 30\n"));
    free (yaml);
    tf_genesis_destroy (&genesis);
}

//  255 notes fit one tx, printed as genesis_state itself (what a real node reads)
static void
test_tf_genesis_fills_one_tx_first (void **state)
{
    (void) state;
    tf_plan_t plan;
    s_plan (&plan, 2, 0, TF_GENESIS_MAX_COUNT - 2, 1, 1);
    tf_genesis_t *genesis = tf_genesis_new (&plan);
    assert_non_null (genesis);
    assert_int_equal (genesis->tx_count, 1);
    assert_int_equal (genesis->txs[0]->output_count, TF_GENESIS_MAX_COUNT);
    char *yaml = s_yaml (genesis);
    assert_true (strncmp (yaml, "mantle_tx:\n", 11) == 0);
    free (yaml);
    tf_genesis_destroy (&genesis);
}

//  Past 255 notes the genesis is several txs: note n is output n % 255 of tx
//  n / 255, each leader's declaration is in its stake note's tx, note ids derive
//  from each tx's own hash, and genesis_state is the list of them
static void
test_tf_genesis_spreads_notes_over_several_txs (void **state)
{
    (void) state;
    tf_plan_t plan;
    s_plan (&plan, 600, 4, 300, 7, 3);
    tf_genesis_t *genesis = tf_genesis_new (&plan);
    assert_non_null (genesis);
    assert_int_equal (genesis->tx_count, 4); //  904 notes
    size_t outputs = 0, declarations = 0;
    for (size_t tx = 0; tx < genesis->tx_count; tx++) {
        assert_true (genesis->txs[tx]->output_count <= TF_GENESIS_MAX_COUNT);
        assert_true (genesis->txs[tx]->op_count <= TF_GENESIS_MAX_COUNT);
        outputs += genesis->txs[tx]->output_count;
        declarations += genesis->txs[tx]->op_count;
        for (size_t earlier = 0; earlier < tx; earlier++)
            assert_memory_not_equal (genesis->tx_hashes[earlier], genesis->tx_hashes[tx],
                                     TF_KEYS_HASH_SIZE);
    }
    assert_int_equal (outputs, 904);
    assert_int_equal (declarations, 604);
    assert_int_equal (genesis->txs[2]->op_count, 604 - 2 * 255);
    assert_int_equal (genesis->txs[3]->op_count, 0);
    for (size_t node = 0; node < genesis->leader_count; node++) {
        const tf_genesis_leader_t *leader = &genesis->leaders[node];
        const tf_api_tx_t *tx = genesis->txs[node / TF_GENESIS_MAX_COUNT];
        size_t output = node % TF_GENESIS_MAX_COUNT;
        assert_int_equal (leader->tx, node / TF_GENESIS_MAX_COUNT);
        assert_int_equal (leader->executor, node >= 600);
        assert_memory_equal (tx->ops[output].declare.provider_id, leader->key.public_key,
                             TF_KEYS_PUBLIC_SIZE);
        assert_memory_equal (tx->ops[output].declare.locked_note_id, leader->note_id,
                             TF_KEYS_HASH_SIZE);
        uint8_t note[TF_KEYS_HASH_SIZE];
        tf_api_tx_note_id (genesis->tx_hashes[leader->tx], output, TF_GENESIS_LEADER_STAKE,
                           leader->key.public_key, note);
        assert_memory_equal (leader->note_id, note, TF_KEYS_HASH_SIZE);
    }
    //  The last wallet is note 903: output 138 of tx 3
    const tf_genesis_wallet_t *last = &genesis->wallets[299];
    assert_int_equal (last->tx, 3);
    uint8_t note[TF_KEYS_HASH_SIZE];
    tf_api_tx_note_id (genesis->tx_hashes[3], 903 - 3 * 255, 7, last->key.public_key, note);
    assert_memory_equal (last->note_id, note, TF_KEYS_HASH_SIZE);
    char *yaml = s_yaml (genesis);
    assert_true (strncmp (yaml, "- mantle_tx:\n", 13) == 0);
    size_t items = 0;
    for (const char *at = yaml; (at = strstr (at, "\n- mantle_tx:")); at++)
        items++;
    assert_int_equal (items, 3);
    free (yaml);
    tf_genesis_destroy (&genesis);
}

//  The printed text is indented as asked on every line
static void
test_tf_genesis_prints_at_an_indent (void **state)
{
    (void) state;
    tf_plan_t plan;
    s_plan (&plan, 300, 0, 0, 1, 5);
    tf_genesis_t *genesis = tf_genesis_new (&plan);
    char *plain = s_yaml (genesis);
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream (&text, &size);
    tf_genesis_print_yaml (genesis, out, 4);
    fclose (out);
    size_t lines = 0;
    for (const char *line = text; *line; line = strchr (line, '\n') + 1, lines++)
        assert_true (strncmp (line, "    ", 4) == 0 && line[4] != '\n');
    assert_int_equal (size, strlen (plain) + 4 * lines);
    free (plain);
    free (text);
    tf_genesis_destroy (&genesis);
}

static void
test_tf_genesis_rejects_more_notes_than_the_txs_hold (void **state)
{
    (void) state;
    tf_plan_t plan;
    s_plan (&plan, 2, 0, TF_GENESIS_MAX_TXS * TF_GENESIS_MAX_COUNT - 1, 1, 1);
    assert_null (tf_genesis_new (&plan));
    plan.wallets = TF_GENESIS_MAX_TXS * TF_GENESIS_MAX_COUNT - 2;
    tf_genesis_t *genesis = tf_genesis_new (&plan);
    assert_non_null (genesis);
    assert_int_equal (genesis->tx_count, TF_GENESIS_MAX_TXS);
    tf_genesis_destroy (&genesis);
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_tf_genesis_matches_node_encoding),
        cmocka_unit_test (test_tf_genesis_is_deterministic_from_the_seed),
        cmocka_unit_test (test_tf_genesis_every_node_leads_with_equal_stake),
        cmocka_unit_test (test_tf_genesis_funds_wallets_uniform_or_each),
        cmocka_unit_test (test_tf_genesis_fills_one_tx_first),
        cmocka_unit_test (test_tf_genesis_spreads_notes_over_several_txs),
        cmocka_unit_test (test_tf_genesis_prints_at_an_indent),
        cmocka_unit_test (test_tf_genesis_rejects_more_notes_than_the_txs_hold),
    };
    return cmocka_run_group_tests_name ("tf_genesis", tests, NULL, NULL);
}
