//  test_node_mempool.c - pending txs: duplicates, conflicting inputs, the cap, selection
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include "test_node_common.h"
#include "tf_node_mempool.h"

static tf_node_tx_t *
s_spend (const tf_node_tx_t *genesis, const tf_node_key_t *owner, size_t note, uint64_t value,
         const tf_node_key_t *to)
{
    tf_node_hash_t input = tn_note (genesis, note);
    const tf_node_key_t *keys[1] = {owner};
    tf_node_output_t output = {value, to->pk};
    return tf_node_tx_new_transfer (&input, keys, 1, &output, 1);
}

static void
test_node_mempool_duplicates_conflicts_and_cap (void **state)
{
    (void) state;
    tf_node_key_t alice, bob;
    tn_key (&alice, 1);
    tn_key (&bob, 2);
    tf_node_tx_t *genesis = tn_genesis (&alice, 3, 50);
    tf_node_mempool_t *pool = tf_node_mempool_new (2);
    tf_node_tx_t *first = s_spend (genesis, &alice, 0, 50, &bob);
    tf_node_hash_t first_hash = first->hash;
    tf_node_tx_t *again = tf_node_tx_dup (first);
    tf_node_tx_t *conflict = s_spend (genesis, &alice, 0, 40, &bob);
    tf_node_tx_t *second = s_spend (genesis, &alice, 1, 50, &bob);
    tf_node_tx_t *third = s_spend (genesis, &alice, 2, 50, &bob);
    assert_int_equal (tf_node_mempool_add (pool, &first), TF_NODE_MEMPOOL_OK);
    assert_null (first);
    assert_int_equal (tf_node_mempool_add (pool, &again), TF_NODE_MEMPOOL_DUPLICATE);
    assert_int_equal (tf_node_mempool_add (pool, &conflict), TF_NODE_MEMPOOL_CONFLICT);
    assert_int_equal (tf_node_mempool_add (pool, &second), TF_NODE_MEMPOOL_OK);
    assert_int_equal (tf_node_mempool_add (pool, &third), TF_NODE_MEMPOOL_FULL);
    assert_int_equal (tf_node_mempool_size (pool), 2);
    assert_true (tf_node_mempool_contains (pool, &first_hash));
    assert_true (tf_node_mempool_last_add_ms (pool) > 0);
    tf_node_hash_t spent = tn_note (genesis, 0);
    assert_true (tf_node_mempool_spends (pool, &spent));
    tf_node_mempool_remove (pool, &first_hash);
    assert_false (tf_node_mempool_spends (pool, &spent));
    assert_int_equal (tf_node_mempool_add (pool, &conflict), TF_NODE_MEMPOOL_OK);
    tf_node_tx_destroy (&again);
    tf_node_tx_destroy (&third);
    tf_node_mempool_destroy (&pool);
    tf_node_tx_destroy (&genesis);
}

static void
test_node_mempool_selects_valid_in_order_and_drops_invalid (void **state)
{
    (void) state;
    tf_node_key_t alice, bob;
    tn_key (&alice, 1);
    tn_key (&bob, 2);
    tf_node_tx_t *genesis = tn_genesis (&alice, 3, 50);
    tf_node_ledger_t *ledger = tf_node_ledger_new ();
    tf_node_ledger_add_outputs (ledger, genesis);
    tf_node_mempool_t *pool = tf_node_mempool_new (10);
    tf_node_tx_t *good = s_spend (genesis, &alice, 0, 50, &bob);
    tf_node_tx_t *forged = s_spend (genesis, &bob, 1, 50, &bob); //  Bob cannot spend it
    tf_node_tx_t *later = s_spend (genesis, &alice, 2, 10, &bob);
    tf_node_hash_t good_hash = good->hash, later_hash = later->hash;
    tf_node_mempool_add (pool, &good);
    tf_node_mempool_add (pool, &forged);
    tf_node_mempool_add (pool, &later);
    tf_node_tx_t *chosen[4] = {0};
    assert_int_equal (tf_node_mempool_select (pool, ledger, chosen, 4), 2);
    assert_memory_equal (chosen[0]->hash.bytes, good_hash.bytes, 32);
    assert_memory_equal (chosen[1]->hash.bytes, later_hash.bytes, 32);
    assert_int_equal (tf_node_mempool_size (pool), 2); //  The forged one was dropped
    for (size_t index = 0; index < 2; index++)
        tf_node_tx_destroy (&chosen[index]);
    assert_int_equal (tf_node_mempool_select (pool, ledger, chosen, 1), 1);
    tf_node_tx_destroy (&chosen[0]);
    tf_node_mempool_destroy (&pool);
    tf_node_ledger_destroy (&ledger);
    tf_node_tx_destroy (&genesis);
}

int
main (void)
{
    tf_node_crypto_init ();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_node_mempool_duplicates_conflicts_and_cap),
        cmocka_unit_test (test_node_mempool_selects_valid_in_order_and_drops_invalid),
    };
    return cmocka_run_group_tests_name ("tf_node_mempool", tests, NULL, NULL);
}
