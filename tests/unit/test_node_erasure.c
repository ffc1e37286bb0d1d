//  test_node_erasure.c - Reed-Solomon over GF(2^8): any k of n shares rebuild the blob,
//  fewer do not
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include "tf_node_erasure.h"

#define S_BLOB_SIZE 1001 //  Not a multiple of k: the last data share is padded
#define S_EVEN_SIZE 1000 //  A multiple of k = 4: no padding, for the linearity argument

//  Fill a blob with a fixed pseudo-random pattern
static void
s_pattern (uint8_t *blob, size_t size, uint32_t seed)
{
    for (size_t i = 0; i < size; i++) {
        seed = seed * 1103515245u + 12345u;
        blob[i] = (uint8_t) (seed >> 16);
    }
}

//  n shares of a blob, in one allocation
static uint8_t **
s_encode (const uint8_t *blob, size_t size, size_t k, size_t n)
{
    size_t share_size = tf_node_erasure_share_size (size, k);
    uint8_t **shares = (uint8_t **) calloc (n, sizeof *shares);
    for (size_t i = 0; i < n; i++)
        shares[i] = (uint8_t *) malloc (share_size);
    assert_int_equal (tf_node_erasure_encode (blob, size, k, n, shares), 0);
    return shares;
}

static void
s_free (uint8_t **shares, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free (shares[i]);
    free (shares);
}

//  Decode from the shares whose bits are set in mask; 0 if it rebuilt the blob
static int
s_decode_mask (uint8_t **shares, const uint8_t *blob, size_t size, size_t k, size_t n,
               unsigned mask)
{
    size_t indices[16];
    const uint8_t *picked[16];
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
        if (mask & (1u << i)) {
            indices[count] = i;
            picked[count++] = shares[i];
        }
    uint8_t *out = (uint8_t *) malloc (size);
    memset (out, 0xee, size);
    int rc = tf_node_erasure_decode (k, n, indices, picked, count,
                                     tf_node_erasure_share_size (size, k), out, size);
    if (rc == 0 && memcmp (out, blob, size) != 0)
        rc = 1;
    free (out);
    return rc;
}

static void
test_node_erasure_data_shares_are_the_blob (void **state)
{
    (void) state;
    uint8_t blob[S_BLOB_SIZE];
    s_pattern (blob, sizeof blob, 7);
    uint8_t **shares = s_encode (blob, sizeof blob, 4, 8);
    size_t share_size = tf_node_erasure_share_size (sizeof blob, 4);
    assert_int_equal (share_size, 251);
    assert_memory_equal (shares[0], blob, share_size);
    assert_memory_equal (shares[3], blob + 3 * share_size, sizeof blob - 3 * share_size);
    assert_int_equal (shares[3][share_size - 1], 0); //  Padding
    s_free (shares, 8);
}

static void
test_node_erasure_any_k_of_n_rebuild (void **state)
{
    (void) state;
    const size_t cases[][2] = {{1, 1}, {1, 3}, {2, 4}, {3, 6}, {4, 8}, {5, 7}, {6, 12}};
    uint8_t blob[S_BLOB_SIZE];
    s_pattern (blob, sizeof blob, 11);
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        size_t k = cases[c][0], n = cases[c][1];
        uint8_t **shares = s_encode (blob, sizeof blob, k, n);
        size_t subsets = 0;
        for (unsigned mask = 0; mask < (1u << n); mask++) {
            if ((size_t) __builtin_popcount (mask) != k)
                continue;
            assert_int_equal (s_decode_mask (shares, blob, sizeof blob, k, n, mask), 0);
            subsets++;
        }
        assert_true (subsets > 0);
        s_free (shares, n);
    }
}

static void
test_node_erasure_fewer_than_k_do_not (void **state)
{
    (void) state;
    uint8_t blob[S_BLOB_SIZE];
    s_pattern (blob, S_EVEN_SIZE, 13);
    size_t k = 4, n = 8;
    uint8_t **shares = s_encode (blob, S_EVEN_SIZE, k, n);
    for (unsigned mask = 0; mask < (1u << n); mask++)
        if ((size_t) __builtin_popcount (mask) < k)
            assert_int_equal (s_decode_mask (shares, blob, S_EVEN_SIZE, k, n, mask), -1);
    //  A share given twice counts once
    size_t indices[] = {5, 5, 6, 7};
    const uint8_t *picked[] = {shares[5], shares[5], shares[6], shares[7]};
    uint8_t out[S_BLOB_SIZE];
    assert_int_equal (tf_node_erasure_decode (k, n, indices, picked, 4,
                                              tf_node_erasure_share_size (S_EVEN_SIZE, k), out,
                                              S_EVEN_SIZE),
                      -1);
    //  k - 1 shares leave the blob undetermined: a difference D whose shares 4, 5, 6 are
    //  zero (rebuilt from those and a non-zero share 7) gives blob ^ D, another blob with
    //  the same shares 4, 5, 6 (the code is linear)
    size_t share_size = tf_node_erasure_share_size (S_EVEN_SIZE, k);
    uint8_t *zero = (uint8_t *) calloc (1, share_size);
    uint8_t *seven = (uint8_t *) malloc (share_size);
    memset (seven, 0x42, share_size);
    size_t diff_indices[] = {4, 5, 6, 7};
    const uint8_t *diff_shares[] = {zero, zero, zero, seven};
    uint8_t diff[S_BLOB_SIZE];
    assert_int_equal (
        tf_node_erasure_decode (k, n, diff_indices, diff_shares, 4, share_size, diff, S_EVEN_SIZE),
        0);
    uint8_t other[S_BLOB_SIZE];
    for (size_t i = 0; i < S_EVEN_SIZE; i++)
        other[i] = blob[i] ^ diff[i];
    assert_memory_not_equal (other, blob, S_EVEN_SIZE);
    uint8_t **other_shares = s_encode (other, S_EVEN_SIZE, k, n);
    for (size_t i = 4; i <= 6; i++)
        assert_memory_equal (other_shares[i], shares[i], share_size);
    s_free (other_shares, n);
    free (zero);
    free (seven);
    s_free (shares, n);
}

static void
test_node_erasure_a_wrong_share_gives_another_blob (void **state)
{
    (void) state;
    uint8_t blob[S_BLOB_SIZE];
    s_pattern (blob, sizeof blob, 17);
    uint8_t **shares = s_encode (blob, sizeof blob, 3, 6);
    shares[4][10] ^= 0x5a;
    assert_int_equal (s_decode_mask (shares, blob, sizeof blob, 3, 6, 0x31), 1); //  0, 4, 5
    assert_int_equal (s_decode_mask (shares, blob, sizeof blob, 3, 6, 0x2c), 0); //  2, 3, 5
    s_free (shares, 6);
}

static void
test_node_erasure_wide_code_from_parity_only (void **state)
{
    (void) state;
    uint8_t blob[S_BLOB_SIZE];
    s_pattern (blob, sizeof blob, 19);
    size_t k = 16, n = 256;
    uint8_t **shares = s_encode (blob, sizeof blob, k, n);
    size_t indices[16];
    const uint8_t *picked[16];
    for (size_t i = 0; i < k; i++) {
        indices[i] = 255 - 7 * i;
        picked[i] = shares[indices[i]];
    }
    uint8_t out[S_BLOB_SIZE];
    assert_int_equal (tf_node_erasure_decode (k, n, indices, picked, k,
                                              tf_node_erasure_share_size (sizeof blob, k), out,
                                              sizeof blob),
                      0);
    assert_memory_equal (out, blob, sizeof blob);
    s_free (shares, n);
}

static void
test_node_erasure_bad_parameters (void **state)
{
    (void) state;
    uint8_t blob[4] = {1, 2, 3, 4};
    uint8_t share[4];
    uint8_t *shares[1] = {share};
    assert_int_equal (tf_node_erasure_encode (blob, 4, 0, 1, shares), -1);
    assert_int_equal (tf_node_erasure_encode (blob, 4, 2, 1, shares), -1);
    assert_int_equal (tf_node_erasure_encode (blob, 4, 1, 257, shares), -1);
    size_t index = 0;
    const uint8_t *picked[1] = {share};
    uint8_t out[4];
    assert_int_equal (tf_node_erasure_decode (1, 1, &index, picked, 1, 3, out, 4), -1);
    index = 1;
    assert_int_equal (tf_node_erasure_decode (1, 1, &index, picked, 1, 4, out, 4), -1);
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_node_erasure_data_shares_are_the_blob),
        cmocka_unit_test (test_node_erasure_any_k_of_n_rebuild),
        cmocka_unit_test (test_node_erasure_fewer_than_k_do_not),
        cmocka_unit_test (test_node_erasure_a_wrong_share_gives_another_blob),
        cmocka_unit_test (test_node_erasure_wide_code_from_parity_only),
        cmocka_unit_test (test_node_erasure_bad_parameters),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
