//  test_node_chain.c - the block tree: longest-chain fork choice with a lowest-id tie-break,
//  orphans, invalid blocks, LIB at depth k that never moves back, stale forks, blocks of
//  the node's own log
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include "test_node_common.h"
#include "tf_node_chain.h"

#define K 3

typedef struct {
    tf_node_key_t leader;     //  Signs every block
    tf_node_key_t alice;      //  Owns the genesis notes
    tf_node_tx_t *genesis_tx; //  Genesis tx
    tf_node_chain_t *chain;   //  Tree under test
} fixture_t;

static int
s_setup (void **state)
{
    fixture_t *fixture = calloc (1, sizeof *fixture);
    tn_key (&fixture->leader, 0x11);
    tn_key (&fixture->alice, 0xa1);
    fixture->genesis_tx = tn_genesis (&fixture->alice, 2, 100);
    tf_node_ledger_t *ledger = tf_node_ledger_new ();
    tf_node_ledger_add_outputs (ledger, fixture->genesis_tx);
    fixture->chain =
        tf_node_chain_new (tf_node_block_new_genesis (&fixture->genesis_tx, 1), ledger, K);
    *state = fixture;
    return 0;
}

static int
s_teardown (void **state)
{
    fixture_t *fixture = *state;
    tf_node_chain_destroy (&fixture->chain);
    tf_node_tx_destroy (&fixture->genesis_tx);
    free (fixture);
    return 0;
}

//  A signed block on parent at slot with the given txs (owned by the block)
static tf_node_block_t *
s_block (fixture_t *fixture, const tf_node_hash_t *parent, uint64_t slot, tf_node_tx_t **txs,
         size_t ntxs)
{
    uint8_t proof[TF_NODE_SIG_SIZE];
    tf_node_sign (&fixture->leader, &slot, sizeof slot, proof);
    tf_node_tx_t **owned = calloc (ntxs + 1, sizeof *owned);
    for (size_t index = 0; index < ntxs; index++)
        owned[index] = txs[index];
    return tf_node_block_new_forged (parent, slot, &fixture->leader, proof, owned, ntxs);
}

//  Add an empty block; returns its id
static tf_node_hash_t
s_add (fixture_t *fixture, const tf_node_hash_t *parent, uint64_t slot, tf_node_chain_rc_t expect)
{
    tf_node_block_t *block = s_block (fixture, parent, slot, NULL, 0);
    tf_node_hash_t id = block->id;
    char error[200];
    assert_int_equal (tf_node_chain_add (fixture->chain, &block, error, sizeof error), expect);
    tf_node_block_destroy (&block); //  NULL when the tree took it
    return id;
}

static const tf_node_hash_t *
s_tip (fixture_t *fixture)
{
    return &tf_node_chain_tip (fixture->chain)->block->id;
}

static void
test_node_chain_longest_chain_wins (void **state)
{
    fixture_t *fixture = *state;
    tf_node_hash_t genesis = tf_node_chain_genesis (fixture->chain)->block->id;
    tf_node_hash_t a1 = s_add (fixture, &genesis, 1, TF_NODE_CHAIN_ADDED);
    tf_node_hash_t a2 = s_add (fixture, &a1, 2, TF_NODE_CHAIN_ADDED);
    assert_memory_equal (s_tip (fixture), &a2, 32);
    tf_node_hash_t b1 = s_add (fixture, &genesis, 3, TF_NODE_CHAIN_ADDED);
    tf_node_hash_t b2 = s_add (fixture, &b1, 4, TF_NODE_CHAIN_ADDED);
    //  Equal heights: the lower id wins
    const tf_node_hash_t *lower = tf_node_hash_cmp (&a2, &b2) < 0 ? &a2 : &b2;
    assert_memory_equal (s_tip (fixture), lower, 32);
    tf_node_hash_t b3 = s_add (fixture, &b2, 5, TF_NODE_CHAIN_ADDED);
    assert_memory_equal (s_tip (fixture), &b3, 32);
    assert_int_equal (tf_node_chain_tip (fixture->chain)->height, 3);
    assert_memory_equal (&tf_node_chain_at (fixture->chain, 1)->block->id, &b1, 32);
    assert_int_equal (tf_node_chain_size (fixture->chain), 6);
    const tf_node_chain_entry_t *fork = tf_node_chain_common (
        tf_node_chain_lookup (fixture->chain, &a2), tf_node_chain_lookup (fixture->chain, &b3));
    assert_memory_equal (&fork->block->id, &genesis, 32);
}

static void
test_node_chain_tie_break_is_order_independent (void **state)
{
    fixture_t *fixture = *state;
    tf_node_hash_t genesis = tf_node_chain_genesis (fixture->chain)->block->id;
    tf_node_block_t *left = s_block (fixture, &genesis, 1, NULL, 0);
    tf_node_block_t *right = s_block (fixture, &genesis, 2, NULL, 0);
    const tf_node_hash_t expected =
        tf_node_hash_cmp (&left->id, &right->id) < 0 ? left->id : right->id;
    char error[200];
    //  Add the higher id first, then the lower: the lower must win either way
    tf_node_block_t **first = tf_node_hash_cmp (&left->id, &right->id) < 0 ? &right : &left;
    tf_node_block_t **second = first == &left ? &right : &left;
    assert_int_equal (tf_node_chain_add (fixture->chain, first, error, sizeof error),
                      TF_NODE_CHAIN_ADDED);
    assert_int_equal (tf_node_chain_add (fixture->chain, second, error, sizeof error),
                      TF_NODE_CHAIN_ADDED);
    assert_memory_equal (s_tip (fixture), &expected, 32);
}

static void
test_node_chain_orphans_duplicates_and_invalid_blocks (void **state)
{
    fixture_t *fixture = *state;
    char error[200];
    tf_node_hash_t genesis = tf_node_chain_genesis (fixture->chain)->block->id;
    tf_node_hash_t unknown;
    memset (&unknown, 0x55, sizeof unknown);
    s_add (fixture, &unknown, 9, TF_NODE_CHAIN_ORPHAN);
    tf_node_hash_t a1 = s_add (fixture, &genesis, 5, TF_NODE_CHAIN_ADDED);
    tf_node_block_t *again = s_block (fixture, &genesis, 5, NULL, 0);
    assert_int_equal (tf_node_chain_add (fixture->chain, &again, error, sizeof error),
                      TF_NODE_CHAIN_DUPLICATE);
    tf_node_block_destroy (&again);
    s_add (fixture, &a1, 5, TF_NODE_CHAIN_INVALID); //  Slot not after the parent's
    s_add (fixture, &a1, 4, TF_NODE_CHAIN_INVALID);

    //  The same note spent twice in one block
    tf_node_hash_t note = tn_note (fixture->genesis_tx, 0);
    const tf_node_key_t *keys[1] = {&fixture->alice};
    tf_node_output_t to_one = {100, fixture->leader.pk}, to_other = {90, fixture->alice.pk};
    tf_node_tx_t *txs[2] = {tf_node_tx_new_transfer (&note, keys, 1, &to_one, 1),
                            tf_node_tx_new_transfer (&note, keys, 1, &to_other, 1)};
    tf_node_block_t *double_spend = s_block (fixture, &a1, 6, txs, 2);
    assert_int_equal (tf_node_chain_add (fixture->chain, &double_spend, error, sizeof error),
                      TF_NODE_CHAIN_INVALID);
    assert_non_null (strstr (error, "tx 1"));
    tf_node_block_destroy (&double_spend);

    //  One spend is fine, and the ledger after the block reflects it
    tf_node_tx_t *single[1] = {tf_node_tx_new_transfer (&note, keys, 1, &to_one, 1)};
    tf_node_block_t *block = s_block (fixture, &a1, 6, single, 1);
    tf_node_hash_t id = block->id;
    assert_int_equal (tf_node_chain_add (fixture->chain, &block, error, sizeof error),
                      TF_NODE_CHAIN_ADDED);
    const tf_node_chain_entry_t *entry = tf_node_chain_lookup (fixture->chain, &id);
    assert_int_equal (tf_node_ledger_balance (entry->ledger, &fixture->leader.pk), 100);
    assert_int_equal (tf_node_ledger_balance (entry->ledger, &fixture->alice.pk), 100);
}

//  Blocks read back from the node's own log (trusted): every check but the owners'
//  signatures is made again, so a double spend is still refused there
static void
test_node_chain_trusted_blocks_skip_only_signatures (void **state)
{
    fixture_t *fixture = *state;
    char error[200];
    tf_node_hash_t genesis = tf_node_chain_genesis (fixture->chain)->block->id;
    tf_node_hash_t note = tn_note (fixture->genesis_tx, 0);
    const tf_node_key_t *wrong[1] = {&fixture->leader}; //  Not the note's owner
    tf_node_output_t paid = {100, fixture->leader.pk};
    tf_node_tx_t *forged[1] = {tf_node_tx_new_transfer (&note, wrong, 1, &paid, 1)};
    tf_node_block_t *block = s_block (fixture, &genesis, 3, forged, 1);
    assert_int_equal (tf_node_chain_add (fixture->chain, &block, error, sizeof error),
                      TF_NODE_CHAIN_INVALID);
    assert_non_null (strstr (error, "signature"));
    tf_node_block_destroy (&block);

    tf_node_chain_set_trusted (fixture->chain, true);
    tf_node_output_t half = {50, fixture->alice.pk};
    tf_node_tx_t *twice[2] = {tf_node_tx_new_transfer (&note, wrong, 1, &half, 1),
                              tf_node_tx_new_transfer (&note, wrong, 1, &half, 1)};
    block = s_block (fixture, &genesis, 3, twice, 2);
    assert_int_equal (tf_node_chain_add (fixture->chain, &block, error, sizeof error),
                      TF_NODE_CHAIN_INVALID);
    assert_non_null (strstr (error, "tx 1"));
    tf_node_block_destroy (&block);
    tf_node_output_t more = {101, fixture->alice.pk};
    tf_node_tx_t *overspend[1] = {tf_node_tx_new_transfer (&note, wrong, 1, &more, 1)};
    block = s_block (fixture, &genesis, 3, overspend, 1);
    assert_int_equal (tf_node_chain_add (fixture->chain, &block, error, sizeof error),
                      TF_NODE_CHAIN_INVALID);
    tf_node_block_destroy (&block);
    forged[0] = tf_node_tx_new_transfer (&note, wrong, 1, &paid, 1);
    block = s_block (fixture, &genesis, 3, forged, 1);
    assert_int_equal (tf_node_chain_add (fixture->chain, &block, error, sizeof error),
                      TF_NODE_CHAIN_ADDED);
    tf_node_chain_set_trusted (fixture->chain, false);
}

static void
test_node_chain_lib_is_kth_ancestor_and_never_moves_back (void **state)
{
    fixture_t *fixture = *state;
    tf_node_hash_t ids[11];
    ids[0] = tf_node_chain_genesis (fixture->chain)->block->id;
    assert_int_equal (tf_node_chain_update_lib (fixture->chain), 0);
    for (uint64_t height = 1; height <= 10; height++)
        ids[height] = s_add (fixture, &ids[height - 1], height * 10, TF_NODE_CHAIN_ADDED);
    assert_int_equal (tf_node_chain_update_lib (fixture->chain), 1);
    const tf_node_chain_entry_t *lib = tf_node_chain_lib (fixture->chain);
    assert_int_equal (lib->height, 10 - K);
    assert_memory_equal (&lib->block->id, &ids[10 - K], 32);
    assert_int_equal (tf_node_chain_update_lib (fixture->chain), 0); //  Unchanged tip
    //  Ledgers below the LIB are released
    assert_null (tf_node_chain_lookup (fixture->chain, &ids[3])->ledger);
    assert_non_null (lib->ledger);

    //  A fork below the LIB is stale however long it would grow
    s_add (fixture, &ids[5], 61, TF_NODE_CHAIN_STALE);
    //  A longer fork from the LIB itself is adopted, and the LIB moves forward along it
    tf_node_hash_t fork = ids[7];
    for (uint64_t step = 1; step <= 5; step++)
        fork = s_add (fixture, &fork, 71 + step, TF_NODE_CHAIN_ADDED);
    assert_memory_equal (s_tip (fixture), &fork, 32);
    assert_int_equal (tf_node_chain_update_lib (fixture->chain), 1);
    assert_int_equal (tf_node_chain_lib (fixture->chain)->height, 12 - K);
    assert_int_equal (tf_node_chain_tip (fixture->chain)->height, 12);
    //  The old branch above the old LIB is no longer canonical
    assert_memory_not_equal (&tf_node_chain_at (fixture->chain, 8)->block->id, &ids[8], 32);
    //  The LIB's move freed the ledgers below it on both branches and kept those above
    assert_null (tf_node_chain_lookup (fixture->chain, &ids[12 - K - 1])->ledger);
    assert_null (tf_node_chain_at (fixture->chain, 12 - K - 1)->ledger);
    assert_non_null (tf_node_chain_lookup (fixture->chain, &ids[12 - K])->ledger);
    assert_non_null (tf_node_chain_lib (fixture->chain)->ledger);
}

int
main (void)
{
    tf_node_crypto_init ();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown (test_node_chain_longest_chain_wins, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_node_chain_tie_break_is_order_independent, s_setup,
                                         s_teardown),
        cmocka_unit_test_setup_teardown (test_node_chain_trusted_blocks_skip_only_signatures,
                                         s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_node_chain_orphans_duplicates_and_invalid_blocks,
                                         s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_node_chain_lib_is_kth_ancestor_and_never_moves_back,
                                         s_setup, s_teardown),
    };
    return cmocka_run_group_tests_name ("tf_node_chain", tests, NULL, NULL);
}
