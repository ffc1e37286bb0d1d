//  test_node_lottery.c - leader lottery: threshold phi(alpha) = 1 - (1-f)^alpha, proofs,
//  tickets and verification
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>
#include "tf_node_lottery.h"

#define SLOTS 4000 //  Slots for the empirical win rate

static void
s_key (tf_node_key_t *key, uint8_t fill)
{
    uint8_t seed[32];
    memset (seed, fill, sizeof seed);
    tf_node_key_from_seed (seed, key);
}

static void
test_node_lottery_threshold_follows_the_formula (void **state)
{
    (void) state;
    assert_true (fabs (tf_node_lottery_threshold (0.5, 1.0) - 0.5) < 1e-12);
    assert_true (fabs (tf_node_lottery_threshold (0.1, 1.0) - 0.1) < 1e-12);
    assert_true (fabs (tf_node_lottery_threshold (0.5, 0.5) - (1 - sqrt (0.5))) < 1e-12);
    assert_true (fabs (tf_node_lottery_threshold (0.05, 0.25) - (1 - pow (0.95, 0.25))) < 1e-12);
    assert_true (tf_node_lottery_threshold (0.5, 0.0) == 0.0);
    assert_true (tf_node_lottery_threshold (1.0, 0.01) == 1.0);
    //  Monotonic in stake, and splitting stake does not change the chance that someone wins
    assert_true (tf_node_lottery_threshold (0.3, 0.2) < tf_node_lottery_threshold (0.3, 0.4));
    double half = tf_node_lottery_threshold (0.3, 0.5);
    assert_true (fabs ((1 - (1 - half) * (1 - half)) - 0.3) < 1e-12);
}

static void
test_node_lottery_proofs_are_deterministic_and_verifiable (void **state)
{
    (void) state;
    tf_node_key_t leader, other;
    s_key (&leader, 1);
    s_key (&other, 2);
    tf_node_hash_t nonce;
    memset (&nonce, 7, sizeof nonce);
    uint8_t first[TF_NODE_SIG_SIZE], second[TF_NODE_SIG_SIZE];
    tf_node_lottery_prove (&leader, &nonce, 42, first);
    tf_node_lottery_prove (&leader, &nonce, 42, second);
    assert_memory_equal (first, second, TF_NODE_SIG_SIZE);
    assert_int_equal (tf_node_lottery_verify (&leader.pk, &nonce, 42, first, 1.0), 0);
    //  Wrong slot, wrong key, wrong nonce, tampered proof
    assert_int_equal (tf_node_lottery_verify (&leader.pk, &nonce, 43, first, 1.0), -1);
    assert_int_equal (tf_node_lottery_verify (&other.pk, &nonce, 42, first, 1.0), -1);
    tf_node_hash_t other_nonce = nonce;
    other_nonce.bytes[0] ^= 1;
    assert_int_equal (tf_node_lottery_verify (&leader.pk, &other_nonce, 42, first, 1.0), -1);
    first[10] ^= 1;
    assert_int_equal (tf_node_lottery_verify (&leader.pk, &nonce, 42, first, 1.0), -1);
    //  A valid proof whose ticket is above the threshold does not win
    assert_int_equal (tf_node_lottery_verify (&leader.pk, &nonce, 42, second, 0.0), -1);
    double ticket = tf_node_lottery_ticket (second);
    assert_true (ticket >= 0 && ticket < 1);
    assert_true (tf_node_lottery_wins (second, ticket + 1e-9));
    assert_false (tf_node_lottery_wins (second, ticket * 0.999));
}

static void
test_node_lottery_win_rate_matches_threshold (void **state)
{
    (void) state;
    tf_node_key_t leader;
    s_key (&leader, 3);
    tf_node_hash_t nonce;
    memset (&nonce, 9, sizeof nonce);
    double threshold = tf_node_lottery_threshold (0.5, 1.0 / 3);
    int wins = 0;
    for (uint64_t slot = 0; slot < SLOTS; slot++) {
        uint8_t proof[TF_NODE_SIG_SIZE];
        tf_node_lottery_prove (&leader, &nonce, slot, proof);
        wins += tf_node_lottery_wins (proof, threshold);
    }
    double rate = (double) wins / SLOTS;
    //  Binomial: sd = sqrt(p(1-p)/n) ~ 0.0064; allow 5 sd
    assert_true (fabs (rate - threshold) < 0.035);
}

int
main (void)
{
    tf_node_crypto_init ();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_node_lottery_threshold_follows_the_formula),
        cmocka_unit_test (test_node_lottery_proofs_are_deterministic_and_verifiable),
        cmocka_unit_test (test_node_lottery_win_rate_matches_threshold),
    };
    return cmocka_run_group_tests_name ("tf_node_lottery", tests, NULL, NULL);
}
