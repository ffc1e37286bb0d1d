//  test_node_ledger.c - tx validation against the UTXO set: signatures, funds, unknown and
//  spent inputs, balances, signatures remembered once verified; and the shape checks of
//  tf_node_tx_new
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include "test_node_common.h"
#include "tf_node_mempool.h"
#include "tf_node_verified.h"

typedef struct {
    tf_node_key_t alice, bob; //  Owners
    tf_node_tx_t *genesis;    //  4 notes of 100 for alice
    tf_node_ledger_t *ledger; //  After genesis
} fixture_t;

static int
s_setup (void **state)
{
    fixture_t *fixture = calloc (1, sizeof *fixture);
    tn_key (&fixture->alice, 0xa1);
    tn_key (&fixture->bob, 0xb0);
    fixture->genesis = tn_genesis (&fixture->alice, 4, 100);
    fixture->ledger = tf_node_ledger_new ();
    tf_node_ledger_add_outputs (fixture->ledger, fixture->genesis);
    *state = fixture;
    return fixture->genesis ? 0 : -1;
}

static int
s_teardown (void **state)
{
    fixture_t *fixture = *state;
    tf_node_tx_destroy (&fixture->genesis);
    tf_node_ledger_destroy (&fixture->ledger);
    free (fixture);
    return 0;
}

static tf_node_tx_t *
s_spend (fixture_t *fixture, const tf_node_key_t *signer, size_t note, uint64_t value)
{
    tf_node_hash_t input = tn_note (fixture->genesis, note);
    const tf_node_key_t *keys[1] = {signer};
    tf_node_output_t output = {value, fixture->bob.pk};
    return tf_node_tx_new_transfer (&input, keys, 1, &output, 1);
}

static void
test_node_ledger_accepts_signed_funded_spend (void **state)
{
    fixture_t *fixture = *state;
    char error[160];
    assert_int_equal (tf_node_ledger_balance (fixture->ledger, &fixture->alice.pk), 400);
    tf_node_tx_t *tx = s_spend (fixture, &fixture->alice, 0, 60);
    assert_non_null (tx);
    assert_int_equal (tf_node_ledger_check (fixture->ledger, tx, error, sizeof error), 0);
    tf_node_ledger_t *after = tf_node_ledger_dup (fixture->ledger);
    tf_node_ledger_apply (after, tx);
    assert_int_equal (tf_node_ledger_balance (after, &fixture->alice.pk), 300);
    assert_int_equal (tf_node_ledger_balance (after, &fixture->bob.pk), 60);
    assert_int_equal (tf_node_ledger_size (after), 4);
    //  The copy is independent, and the note is now spent there
    assert_int_equal (tf_node_ledger_balance (fixture->ledger, &fixture->alice.pk), 400);
    assert_int_equal (tf_node_ledger_check (after, tx, error, sizeof error), -1);
    assert_non_null (strstr (error, "not an unspent note"));
    //  The new note is spendable by bob, with its documented id
    tf_node_hash_t bob_note;
    tf_node_note_id (&tx->hash, 0, &tx->outputs[0], &bob_note);
    const tf_node_output_t *note = tf_node_ledger_note (after, &bob_note);
    assert_non_null (note);
    assert_int_equal (note->value, 60);
    tf_node_ledger_destroy (&after);
    tf_node_tx_destroy (&tx);
}

static void
test_node_ledger_rejects_wrong_signer (void **state)
{
    fixture_t *fixture = *state;
    char error[160];
    tf_node_tx_t *tx = s_spend (fixture, &fixture->bob, 1, 10);
    assert_int_equal (tf_node_ledger_check (fixture->ledger, tx, error, sizeof error), -1);
    assert_non_null (strstr (error, "signature"));
    tf_node_tx_destroy (&tx);
}

static void
test_node_ledger_rejects_overspend (void **state)
{
    fixture_t *fixture = *state;
    char error[160];
    tf_node_tx_t *tx = s_spend (fixture, &fixture->alice, 2, 101);
    assert_int_equal (tf_node_ledger_check (fixture->ledger, tx, error, sizeof error), -1);
    assert_non_null (strstr (error, "exceed"));
    tf_node_tx_destroy (&tx);
}

static void
test_node_ledger_rejects_unknown_input (void **state)
{
    fixture_t *fixture = *state;
    char error[160];
    tf_node_hash_t input;
    memset (&input, 0x42, sizeof input);
    const tf_node_key_t *keys[1] = {&fixture->alice};
    tf_node_output_t output = {1, fixture->bob.pk};
    tf_node_tx_t *tx = tf_node_tx_new_transfer (&input, keys, 1, &output, 1);
    assert_int_equal (tf_node_ledger_check (fixture->ledger, tx, error, sizeof error), -1);
    tf_node_tx_destroy (&tx);
}

static void
test_node_ledger_tx_shape_checks (void **state)
{
    fixture_t *fixture = *state;
    char error[160];
    //  Same input twice
    tf_node_hash_t inputs[2] = {tn_note (fixture->genesis, 0), tn_note (fixture->genesis, 0)};
    const tf_node_key_t *keys[2] = {&fixture->alice, &fixture->alice};
    tf_node_output_t output = {1, fixture->bob.pk};
    assert_null (tf_node_tx_new_transfer (inputs, keys, 2, &output, 1));
    //  A tampered signature still parses but fails the ledger
    tf_node_tx_t *tx = s_spend (fixture, &fixture->alice, 3, 5);
    json_t *copy = tf_node_tx_json (tx);
    json_t *sig = json_array_get (
        json_object_get (json_object_get (copy, "ledger_tx_proof"), "Ed25519Sigs"), 0);
    json_array_set_new (sig, 0,
                        json_integer ((json_integer_value (json_array_get (sig, 0)) + 1) % 256));
    tf_node_tx_t *tampered = tf_node_tx_new (copy, 0, error, sizeof error);
    assert_non_null (tampered);
    assert_int_equal (tf_node_ledger_check (fixture->ledger, tampered, error, sizeof error), -1);
    tf_node_tx_destroy (&tampered);
    //  Missing signatures, a ZK proof shape, a bad value: refused at parse
    json_object_set_new (copy, "ledger_tx_proof", json_pack ("{s:[]}", "Ed25519Sigs"));
    assert_null (tf_node_tx_new (copy, 0, error, sizeof error));
    json_object_set_new (copy, "ledger_tx_proof",
                         json_pack ("{s:[], s:[], s:[]}", "pi_a", "pi_b", "pi_c"));
    assert_null (tf_node_tx_new (copy, 0, error, sizeof error));
    json_decref (copy);
    tf_node_tx_destroy (&tx);
}

//  A tx whose signatures verified is known after (tf_node_verified): checked again
//  without verifying, while a copy with one signature changed is verified and refused
static void
test_node_ledger_remembers_verified_signatures (void **state)
{
    fixture_t *fixture = *state;
    char error[160];
    tf_node_tx_t *tx = s_spend (fixture, &fixture->alice, 1, 70);
    size_t before = tf_node_verified_size ();
    assert_int_equal (tf_node_ledger_check (fixture->ledger, tx, error, sizeof error), 0);
    assert_int_equal (tf_node_verified_size (), before + 1);
    assert_int_equal (tf_node_ledger_check (fixture->ledger, tx, error, sizeof error), 0);
    assert_int_equal (tf_node_verified_size (), before + 1); //  Known: not verified again
    tf_node_tx_t *forged = tf_node_tx_dup (tx);
    forged->input_sigs[0][5] ^= 0x40; //  Same hash, another signature
    assert_int_equal (tf_node_ledger_check (fixture->ledger, forged, error, sizeof error), -1);
    assert_non_null (strstr (error, "signature"));
    assert_int_equal (tf_node_verified_size (), before + 1);
    tf_node_tx_destroy (&forged);
    tf_node_tx_destroy (&tx);
}

int
main (void)
{
    tf_node_crypto_init ();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown (test_node_ledger_accepts_signed_funded_spend, s_setup,
                                         s_teardown),
        cmocka_unit_test_setup_teardown (test_node_ledger_rejects_wrong_signer, s_setup,
                                         s_teardown),
        cmocka_unit_test_setup_teardown (test_node_ledger_rejects_overspend, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_node_ledger_rejects_unknown_input, s_setup,
                                         s_teardown),
        cmocka_unit_test_setup_teardown (test_node_ledger_tx_shape_checks, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_node_ledger_remembers_verified_signatures, s_setup,
                                         s_teardown),
    };
    return cmocka_run_group_tests_name ("tf_node_ledger", tests, NULL, NULL);
}
