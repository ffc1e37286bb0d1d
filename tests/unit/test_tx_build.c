//  test_tx_build.c - signed transfers in tf-node's format

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <sodium.h>
#include "tf_api_client.h"
#include "tf_tx_build.h"

//  A transfer of wallet 0's note: 30 to wallet 1, 70 back
static void
s_build (tf_key_t *from, tf_key_t *to, tf_tx_t *tx)
{
    assert_int_equal (tf_keys_derive (TF_KEYS_PURPOSE_WALLET, 5, 0, from), 0);
    assert_int_equal (tf_keys_derive (TF_KEYS_PURPOSE_WALLET, 5, 1, to), 0);
    tf_tx_input_t input = {.owner = from};
    memset (input.note_id, 0x11, sizeof input.note_id);
    input.note_id[31] = 0x01;
    tf_tx_output_t outputs[2] = {{.value = 30}, {.value = 70}};
    memcpy (outputs[0].public_key, to->public_key, TF_KEYS_PUBLIC_SIZE);
    memcpy (outputs[1].public_key, from->public_key, TF_KEYS_PUBLIC_SIZE);
    assert_int_equal (tf_tx_build (&input, 1, outputs, 2, tx), 0);
}

static void
test_tx_build_hash_matches_the_nodes_rule (void **state)
{
    (void) state;
    tf_key_t from, to;
    tf_tx_t tx;
    s_build (&from, &to, &tx);
    json_error_t error;
    json_t *json = json_loads (tx.json, 0, &error);
    assert_non_null (json);
    //  The framework's second implementation of the rule (the scanner's) agrees
    char hash[TF_API_ID_SIZE];
    assert_int_equal (tf_api_tx_hash (json_object_get (json, "mantle_tx"), hash), 0);
    assert_string_equal (hash, tx.hash_hex);
    assert_int_equal (tx.hash[31] & ~TF_KEYS_SCALAR_MASK, 0);
    json_decref (json);
    tf_tx_free (&tx);
    assert_null (tx.json);
}

static void
test_tx_build_json_has_the_shape_and_a_valid_signature (void **state)
{
    (void) state;
    tf_key_t from, to;
    tf_tx_t tx;
    s_build (&from, &to, &tx);
    json_t *json = json_loads (tx.json, 0, NULL);
    assert_non_null (json);
    json_t *ledger = json_object_get (json_object_get (json, "mantle_tx"), "ledger_tx");
    assert_int_equal (json_array_size (json_object_get (ledger, "inputs")), 1);
    json_t *outputs = json_object_get (ledger, "outputs");
    assert_int_equal (json_array_size (outputs), 2);
    assert_int_equal (json_integer_value (json_object_get (json_array_get (outputs, 0), "value")),
                      30);
    char hex[TF_KEYS_HEX_SIZE];
    tf_keys_hex32 (to.public_key, hex);
    assert_string_equal (json_string_value (json_object_get (json_array_get (outputs, 0), "pk")),
                         hex);
    json_t *sigs = json_object_get (json_object_get (json, "ledger_tx_proof"), "Ed25519Sigs");
    assert_int_equal (json_array_size (sigs), 1);
    json_t *sig = json_array_get (sigs, 0);
    assert_int_equal (json_array_size (sig), crypto_sign_BYTES);
    uint8_t signature[crypto_sign_BYTES];
    for (size_t byte = 0; byte < crypto_sign_BYTES; byte++)
        signature[byte] = (uint8_t) json_integer_value (json_array_get (sig, byte));
    assert_int_equal (
        crypto_sign_verify_detached (signature, tx.hash, TF_KEYS_HASH_SIZE, from.public_key), 0);
    //  Signed by the wrong key, it would not verify
    assert_int_not_equal (
        crypto_sign_verify_detached (signature, tx.hash, TF_KEYS_HASH_SIZE, to.public_key), 0);
    json_decref (json);
    tf_tx_free (&tx);
}

static void
test_tx_build_refuses_counts_out_of_bounds (void **state)
{
    (void) state;
    tf_key_t owner;
    assert_int_equal (tf_keys_derive (TF_KEYS_PURPOSE_WALLET, 1, 0, &owner), 0);
    tf_tx_input_t input = {.owner = &owner};
    tf_tx_output_t outputs[TF_TX_MAX_OUTPUTS + 1] = {{.value = 1}};
    tf_tx_t tx;
    assert_int_equal (tf_tx_build (&input, 0, outputs, 1, &tx), -1);
    assert_int_equal (tf_tx_build (&input, 1, outputs, 0, &tx), -1);
    assert_int_equal (tf_tx_build (&input, 1, outputs, TF_TX_MAX_OUTPUTS + 1, &tx), -1);
    assert_null (tx.json);
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_tx_build_hash_matches_the_nodes_rule),
        cmocka_unit_test (test_tx_build_json_has_the_shape_and_a_valid_signature),
        cmocka_unit_test (test_tx_build_refuses_counts_out_of_bounds),
    };
    return cmocka_run_group_tests_name ("tx_build", tests, NULL, NULL);
}
