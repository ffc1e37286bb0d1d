//  test_tx_wallets.c - the transaction workload's users and their notes

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <czmq.h>
#include <jansson.h>
#include "tf_wl_tx_wallets.h"

#define S_USERS  3
#define S_AMOUNT 100

//  Three users of 100 each, genesis notes from a made-up genesis hash
static tf_wl_tx_wallets_t *
s_wallets (void)
{
    tf_wl_tx_wallet_t users[S_USERS];
    uint8_t genesis[TF_KEYS_HASH_SIZE] = {7};
    for (uint32_t index = 0; index < S_USERS; index++) {
        assert_int_equal (tf_keys_derive (TF_KEYS_PURPOSE_WALLET, 9, index, &users[index].key), 0);
        users[index].amount = S_AMOUNT;
        tf_api_tx_note_id (genesis, index, S_AMOUNT, users[index].key.public_key,
                           users[index].note_id);
    }
    return tf_wl_tx_wallets_new (users, S_USERS, 9, "test");
}

//  A block at height carrying one hash, or none when hash is NULL
static size_t
s_include (tf_wl_tx_wallets_t *wallets, const char *hash, uint64_t height)
{
    char *items[] = {(char *) hash};
    tf_strs_t hashes = {.items = items, .count = hash ? 1 : 0};
    return tf_wl_tx_wallets_included (wallets, &hashes, height);
}

static void
test_tx_wallets_senders_take_turns_until_notes_run_out (void **state)
{
    (void) state;
    tf_wl_tx_wallets_t *wallets = s_wallets ();
    assert_int_equal (tf_wl_tx_wallets_spendable (wallets), S_USERS);
    tf_tx_t txs[S_USERS];
    for (size_t index = 0; index < S_USERS; index++) {
        size_t sender = S_USERS;
        assert_int_equal (tf_wl_tx_wallets_next (wallets, &txs[index], &sender), 0);
        assert_int_equal (sender, index);
    }
    tf_tx_t extra;
    size_t sender = 0;
    assert_int_equal (tf_wl_tx_wallets_next (wallets, &extra, &sender), -1); //  All pending
    assert_int_equal (tf_wl_tx_wallets_pending (wallets), S_USERS);
    assert_int_equal (tf_wl_tx_wallets_funds (wallets), S_USERS * S_AMOUNT);
    for (size_t index = 0; index < S_USERS; index++)
        tf_tx_free (&txs[index]);
    tf_wl_tx_wallets_destroy (&wallets);
    assert_null (wallets);
}

static void
test_tx_wallets_included_outputs_become_spendable (void **state)
{
    (void) state;
    tf_wl_tx_wallets_t *wallets = s_wallets ();
    tf_tx_t tx;
    size_t sender = 0;
    assert_int_equal (tf_wl_tx_wallets_next (wallets, &tx, &sender), 0);
    tf_wl_tx_wallets_accepted (wallets, tx.hash_hex, 1);
    assert_int_equal (s_include (wallets, "00ff", 1), 0); //  Not ours
    assert_int_equal (s_include (wallets, tx.hash_hex, 2), 1);
    assert_int_equal (s_include (wallets, tx.hash_hex, 2), 0); //  A fork block carrying it
    //  Payment and change: one more note than before, funds unchanged
    assert_int_equal (tf_wl_tx_wallets_spendable (wallets), S_USERS + 1);
    assert_int_equal (tf_wl_tx_wallets_pending (wallets), 0);
    assert_int_equal (tf_wl_tx_wallets_funds (wallets), S_USERS * S_AMOUNT);
    //  The change (50) is spent next, its note id derived from the tx hash
    json_t *json = json_loads (tx.json, 0, NULL);
    json_t *outputs = json_object_get (
        json_object_get (json_object_get (json, "mantle_tx"), "ledger_tx"), "outputs");
    assert_int_equal (json_integer_value (json_object_get (json_array_get (outputs, 0), "value")),
                      50);
    json_decref (json);
    //  The new notes ripen TF_WL_TX_CONFIRMATIONS blocks later: until then only
    //  the two genesis notes left can be spent
    tf_tx_t spent[S_USERS + 1];
    for (size_t round = 0; round < S_USERS - 1; round++)
        assert_int_equal (tf_wl_tx_wallets_next (wallets, &spent[round], &sender), 0);
    tf_tx_t early;
    assert_int_equal (tf_wl_tx_wallets_next (wallets, &early, &sender), -1);
    assert_int_equal (s_include (wallets, NULL, 2 + TF_WL_TX_CONFIRMATIONS - 1), 0);
    assert_int_equal (tf_wl_tx_wallets_next (wallets, &early, &sender), -1);
    assert_int_equal (s_include (wallets, NULL, 2 + TF_WL_TX_CONFIRMATIONS), 0);
    for (size_t round = S_USERS - 1; round < S_USERS + 1; round++)
        assert_int_equal (tf_wl_tx_wallets_next (wallets, &spent[round], &sender), 0);
    for (size_t round = 0; round < S_USERS + 1; round++)
        tf_tx_free (&spent[round]);
    tf_tx_free (&tx);
    tf_wl_tx_wallets_destroy (&wallets);
}

static void
test_tx_wallets_refused_input_comes_back_and_strikes_out (void **state)
{
    (void) state;
    tf_wl_tx_wallets_t *wallets = s_wallets ();
    for (size_t round = 0; round < S_USERS; round++) {
        //  Senders take turns, so each user's note gets one strike
        tf_tx_t tx;
        size_t sender = S_USERS;
        assert_int_equal (tf_wl_tx_wallets_next (wallets, &tx, &sender), 0);
        assert_int_equal (sender, round);
        tf_wl_tx_wallets_refused (wallets, tx.hash_hex, true);
        tf_tx_free (&tx);
    }
    assert_int_equal (tf_wl_tx_wallets_spendable (wallets), S_USERS);
    assert_int_equal (tf_wl_tx_wallets_pending (wallets), 0);
    //  A failure (no node answered) never strikes
    tf_wl_tx_wallets_t *other = s_wallets ();
    for (int round = 0; round < 10; round++) {
        tf_tx_t tx;
        size_t sender = 0;
        assert_int_equal (tf_wl_tx_wallets_next (other, &tx, &sender), 0);
        tf_wl_tx_wallets_refused (other, tx.hash_hex, false);
        tf_tx_free (&tx);
    }
    assert_int_equal (tf_wl_tx_wallets_spendable (other), S_USERS);
    assert_int_equal (tf_wl_tx_wallets_funds (other), S_USERS * S_AMOUNT);
    tf_wl_tx_wallets_destroy (&other);
    tf_wl_tx_wallets_destroy (&wallets);
}

static void
test_tx_wallets_rejected_three_times_a_note_is_given_up (void **state)
{
    (void) state;
    tf_wl_tx_wallet_t user;
    assert_int_equal (tf_keys_derive (TF_KEYS_PURPOSE_WALLET, 1, 0, &user.key), 0);
    user.amount = 10;
    memset (user.note_id, 3, sizeof user.note_id);
    tf_wl_tx_wallets_t *wallets = tf_wl_tx_wallets_new (&user, 1, 1, "alone");
    for (int strike = 0; strike < TF_WL_TX_MAX_STRIKES; strike++) {
        assert_int_equal (tf_wl_tx_wallets_spendable (wallets), 1);
        tf_tx_t tx;
        size_t sender = 1;
        assert_int_equal (tf_wl_tx_wallets_next (wallets, &tx, &sender), 0);
        assert_int_equal (sender, 0); //  Alone: pays itself
        tf_wl_tx_wallets_refused (wallets, tx.hash_hex, true);
        tf_tx_free (&tx);
    }
    assert_int_equal (tf_wl_tx_wallets_spendable (wallets), 0);
    assert_int_equal (tf_wl_tx_wallets_funds (wallets), 0);
    tf_wl_tx_wallets_destroy (&wallets);
}

static void
test_tx_wallets_expired_tx_frees_its_note_and_may_still_land (void **state)
{
    (void) state;
    tf_wl_tx_wallet_t user;
    assert_int_equal (tf_keys_derive (TF_KEYS_PURPOSE_WALLET, 1, 0, &user.key), 0);
    user.amount = 10;
    memset (user.note_id, 4, sizeof user.note_id);
    tf_wl_tx_wallets_t *wallets = tf_wl_tx_wallets_new (&user, 1, 1, "alone");
    tf_tx_t tx;
    size_t sender = 0;
    assert_int_equal (tf_wl_tx_wallets_next (wallets, &tx, &sender), 0);
    tf_wl_tx_wallets_accepted (wallets, tx.hash_hex, 10);
    assert_int_equal (tf_wl_tx_wallets_expire (wallets, 15, 6), 0); //  Not stale yet
    assert_int_equal (tf_wl_tx_wallets_expire (wallets, 16, 6), 1);
    assert_int_equal (tf_wl_tx_wallets_spendable (wallets), 1); //  The note is back
    assert_int_equal (tf_wl_tx_wallets_pending (wallets), 0);
    //  The same tx is built again (alone, same split): it replaces the record
    tf_tx_t again;
    assert_int_equal (tf_wl_tx_wallets_next (wallets, &again, &sender), 0);
    assert_string_equal (again.hash_hex, tx.hash_hex);
    tf_wl_tx_wallets_accepted (wallets, again.hash_hex, 16);
    assert_int_equal (tf_wl_tx_wallets_expire (wallets, 22, 6), 1);
    //  ... then a block carries it after all: the note is spent, outputs arrive
    assert_int_equal (s_include (wallets, tx.hash_hex, 23), 1);
    assert_int_equal (tf_wl_tx_wallets_spendable (wallets), 2); //  5 and 5
    assert_int_equal (tf_wl_tx_wallets_funds (wallets), 10);
    tf_tx_free (&tx);
    tf_tx_free (&again);
    tf_wl_tx_wallets_destroy (&wallets);
}

//  Output count of a tx's JSON
static size_t
s_output_count (const tf_tx_t *tx)
{
    json_t *json = json_loads (tx->json, 0, NULL);
    assert_non_null (json);
    size_t count = json_array_size (json_object_get (
        json_object_get (json_object_get (json, "mantle_tx"), "ledger_tx"), "outputs"));
    json_decref (json);
    return count;
}

static void
test_tx_wallets_fanout_splits_a_note_and_its_notes_spend_at_once (void **state)
{
    (void) state;
    tf_wl_tx_wallets_t *wallets = s_wallets ();
    tf_tx_t fanouts[S_USERS];
    for (size_t user = 0; user < S_USERS; user++) {
        assert_int_equal (tf_wl_tx_wallets_fanout (wallets, user, 10, &fanouts[user]), 0);
        assert_int_equal (s_output_count (&fanouts[user]), 10);
        tf_wl_tx_wallets_accepted (wallets, fanouts[user].hash_hex, 1);
    }
    uint64_t notes = 0;
    assert_int_equal (tf_wl_tx_wallets_fanouts (wallets, &notes), S_USERS);
    assert_int_equal (notes, 10 * S_USERS);
    assert_int_equal (tf_wl_tx_wallets_fanouts_pending (wallets), S_USERS);
    assert_false (tf_wl_tx_wallets_fanouts_ripe (wallets));
    tf_tx_t none;
    assert_int_equal (tf_wl_tx_wallets_fanout (wallets, 0, 10, &none), -1); //  No note left
    for (size_t user = 0; user < S_USERS; user++)
        assert_int_equal (s_include (wallets, fanouts[user].hash_hex, 2), 1);
    assert_int_equal (tf_wl_tx_wallets_fanouts_pending (wallets), 0);
    assert_false (tf_wl_tx_wallets_fanouts_ripe (wallets)); //  Still ripening
    assert_int_equal (tf_wl_tx_wallets_spendable (wallets), 10 * S_USERS);
    assert_int_equal (tf_wl_tx_wallets_funds (wallets), S_USERS * S_AMOUNT);
    s_include (wallets, NULL, 2 + TF_WL_TX_CONFIRMATIONS);
    assert_true (tf_wl_tx_wallets_fanouts_ripe (wallets));
    //  Now every note can be spent in the same block: 30 transfers, no waiting
    for (size_t round = 0; round < 10 * S_USERS; round++) {
        tf_tx_t tx;
        size_t sender = S_USERS;
        assert_int_equal (tf_wl_tx_wallets_next (wallets, &tx, &sender), 0);
        assert_int_equal (sender, round % S_USERS);
        tf_tx_free (&tx);
    }
    tf_tx_t more;
    size_t sender = 0;
    assert_int_equal (tf_wl_tx_wallets_next (wallets, &more, &sender), -1);
    assert_int_equal (tf_wl_tx_wallets_funds (wallets), S_USERS * S_AMOUNT);
    for (size_t user = 0; user < S_USERS; user++)
        tf_tx_free (&fanouts[user]);
    tf_wl_tx_wallets_destroy (&wallets);
}

static void
test_tx_wallets_fanout_is_bounded_by_value_and_outputs (void **state)
{
    (void) state;
    tf_wl_tx_wallet_t user;
    assert_int_equal (tf_keys_derive (TF_KEYS_PURPOSE_WALLET, 1, 0, &user.key), 0);
    user.amount = 5;
    memset (user.note_id, 5, sizeof user.note_id);
    tf_wl_tx_wallets_t *small = tf_wl_tx_wallets_new (&user, 1, 1, "alone");
    tf_tx_t tx;
    assert_int_equal (tf_wl_tx_wallets_fanout (small, 0, 50, &tx), 0);
    assert_int_equal (s_output_count (&tx), 5); //  Notes of value 1
    tf_tx_free (&tx);
    tf_wl_tx_wallets_destroy (&small);
    user.amount = 1000;
    tf_wl_tx_wallets_t *large = tf_wl_tx_wallets_new (&user, 1, 1, "alone");
    assert_int_equal (tf_wl_tx_wallets_fanout (large, 0, 500, &tx), 0);
    assert_int_equal (s_output_count (&tx), TF_TX_MAX_OUTPUTS);
    tf_tx_free (&tx);
    tf_wl_tx_wallets_destroy (&large);
    user.amount = 1;
    tf_wl_tx_wallets_t *unit = tf_wl_tx_wallets_new (&user, 1, 1, "alone");
    assert_int_equal (tf_wl_tx_wallets_fanout (unit, 0, 8, &tx), -1); //  1 does not split
    tf_wl_tx_wallets_destroy (&unit);
}

static void
test_tx_wallets_a_low_pool_refills_by_fanout (void **state)
{
    (void) state;
    tf_wl_tx_wallets_t *wallets = s_wallets ();
    tf_wl_tx_wallets_set_pool (wallets, 8, 2);
    //  Each user holds one note: below the low mark, so its next tx fans out
    for (size_t user = 0; user < S_USERS; user++) {
        tf_tx_t tx;
        size_t sender = S_USERS;
        assert_int_equal (tf_wl_tx_wallets_next (wallets, &tx, &sender), 0);
        assert_int_equal (sender, user);
        assert_int_equal (s_output_count (&tx), 8);
        assert_int_equal (s_include (wallets, tx.hash_hex, 1), 1);
        tf_tx_free (&tx);
    }
    assert_int_equal (tf_wl_tx_wallets_fanouts (wallets, NULL), S_USERS);
    s_include (wallets, NULL, 1 + TF_WL_TX_CONFIRMATIONS);
    //  Pools of 8 are above the mark: plain transfers (payment and change)
    tf_tx_t tx;
    size_t sender = 0;
    assert_int_equal (tf_wl_tx_wallets_next (wallets, &tx, &sender), 0);
    assert_int_equal (s_output_count (&tx), 2);
    tf_tx_free (&tx);
    assert_int_equal (tf_wl_tx_wallets_fanouts (wallets, NULL), S_USERS);
    assert_int_equal (tf_wl_tx_wallets_funds (wallets), S_USERS * S_AMOUNT);
    tf_wl_tx_wallets_destroy (&wallets);
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_tx_wallets_senders_take_turns_until_notes_run_out),
        cmocka_unit_test (test_tx_wallets_included_outputs_become_spendable),
        cmocka_unit_test (test_tx_wallets_refused_input_comes_back_and_strikes_out),
        cmocka_unit_test (test_tx_wallets_rejected_three_times_a_note_is_given_up),
        cmocka_unit_test (test_tx_wallets_expired_tx_frees_its_note_and_may_still_land),
        cmocka_unit_test (test_tx_wallets_fanout_splits_a_note_and_its_notes_spend_at_once),
        cmocka_unit_test (test_tx_wallets_fanout_is_bounded_by_value_and_outputs),
        cmocka_unit_test (test_tx_wallets_a_low_pool_refills_by_fanout),
    };
    return cmocka_run_group_tests_name ("tx_wallets", tests, NULL, NULL);
}
