//  test_deployer_keys - key derivation from the run seed (actors/nodeapi/tf_keys.h)
//
//  The vectors were computed independently (Python hashlib.blake2b and the
//  cryptography package's Ed25519) from the formulas in tf_keys.h, so a change
//  to the derivation, which would desynchronise the deployer's genesis and the
//  transaction workload's wallets, fails here.

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include "tf_keys.h"

static void
s_assert_hex (const uint8_t bytes[32], const char *expected)
{
    char hex[TF_KEYS_HEX_SIZE];
    tf_keys_hex32 (bytes, hex);
    assert_string_equal (hex, expected);
}

static void
test_tf_keys_seed_matches_vectors (void **state)
{
    (void) state;
    uint8_t seed[TF_KEYS_SEED_SIZE];
    assert_int_equal (tf_keys_seed (TF_KEYS_PURPOSE_LEADER, 42, 0, seed), 0);
    s_assert_hex (seed, "50ba205a53f3afc3abdd93968c9c8d8e660ce8d760006acce56f18faaa02fb9b");
    assert_int_equal (tf_keys_seed (TF_KEYS_PURPOSE_WALLET, 42, 3, seed), 0);
    s_assert_hex (seed, "83c770b765cd530c6016aa29a65a09e6baa3e42262c5cbd13adc496edcbb1ce5");
    assert_int_equal (tf_keys_seed (TF_KEYS_PURPOSE_NODE, 0, 1, seed), 0);
    s_assert_hex (seed, "ab96c368332a7f5baa9857a6b9b4503589f2c8724b965bc2152527eabffc205d");
}

static void
test_tf_keys_derive_gives_ed25519_pair_of_seed (void **state)
{
    (void) state;
    tf_key_t key;
    assert_int_equal (tf_keys_derive (TF_KEYS_PURPOSE_LEADER, 42, 0, &key), 0);
    s_assert_hex (key.seed, "50ba205a53f3afc3abdd93968c9c8d8e660ce8d760006acce56f18faaa02fb9b");
    s_assert_hex (key.public_key,
                  "1c012dd7503dfed9d0c5581c23e8ecc42a8dbe858db91f44e9adfeea84a7dee5");
    //  libsodium's secret key is seed || public key
    assert_memory_equal (key.secret_key, key.seed, TF_KEYS_SEED_SIZE);
    assert_memory_equal (key.secret_key + TF_KEYS_SEED_SIZE, key.public_key, TF_KEYS_PUBLIC_SIZE);
}

static void
test_tf_keys_purposes_and_indexes_differ (void **state)
{
    (void) state;
    tf_key_t leader, wallet, other_index, other_seed;
    tf_keys_derive (TF_KEYS_PURPOSE_LEADER, 7, 1, &leader);
    tf_keys_derive (TF_KEYS_PURPOSE_WALLET, 7, 1, &wallet);
    tf_keys_derive (TF_KEYS_PURPOSE_LEADER, 7, 2, &other_index);
    tf_keys_derive (TF_KEYS_PURPOSE_LEADER, 8, 1, &other_seed);
    assert_memory_not_equal (leader.public_key, wallet.public_key, TF_KEYS_PUBLIC_SIZE);
    assert_memory_not_equal (leader.public_key, other_index.public_key, TF_KEYS_PUBLIC_SIZE);
    assert_memory_not_equal (leader.public_key, other_seed.public_key, TF_KEYS_PUBLIC_SIZE);
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_tf_keys_seed_matches_vectors),
        cmocka_unit_test (test_tf_keys_derive_gives_ed25519_pair_of_seed),
        cmocka_unit_test (test_tf_keys_purposes_and_indexes_differ),
    };
    return cmocka_run_group_tests_name ("tf_keys", tests, NULL, NULL);
}
