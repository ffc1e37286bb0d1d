//  test_node_da.c - DA shares: commitment, placement on subnetworks, the share store and
//  its log (a reopened store serves what it held), the ChannelBlob op
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "tf_node_da.h"
#include "tf_node_erasure.h"
#include "tf_node_tx.h"

#define S_BLOB_SIZE 777 //  Not a multiple of k

static void
s_pattern (uint8_t *blob, size_t size, uint32_t seed)
{
    for (size_t index = 0; index < size; index++) {
        seed = seed * 1103515245u + 12345u;
        blob[index] = (uint8_t) (seed >> 16);
    }
}

static tf_node_da_share_t **
s_encode (tf_node_hash_t *blob_id, uint32_t seed)
{
    uint8_t blob[S_BLOB_SIZE];
    s_pattern (blob, sizeof blob, seed);
    tf_node_da_share_t **shares =
        tf_node_da_encode (blob, sizeof blob, TF_NODE_DA_DATA_SHARES, TF_NODE_DA_SUBNETS, blob_id);
    assert_non_null (shares);
    return shares;
}

//  A temporary data dir (caller removes it with s_rmdir)
static char *
s_tempdir (void)
{
    char *dir = strdup ("/tmp/test_node_da.XXXXXX");
    assert_non_null (mkdtemp (dir));
    return dir;
}

static void
s_rmdir (char *dir)
{
    char path[256];
    snprintf (path, sizeof path, "%s/%s", dir, TF_NODE_DA_FILE);
    unlink (path);
    rmdir (dir);
    free (dir);
}

//  The blob id is the commitment the README gives, and every share verifies
static void
test_node_da_commitment (void **state)
{
    (void) state;
    tf_node_hash_t blob_id;
    tf_node_da_share_t **shares = s_encode (&blob_id, 1);
    //  Recompute: blake2b ("DA_BLOB_ID_V1" || k || n || size || share hashes)
    tf_node_buf_t buf = {0};
    tf_node_buf_put (&buf, "DA_BLOB_ID_V1", 13);
    tf_node_buf_u32 (&buf, TF_NODE_DA_DATA_SHARES);
    tf_node_buf_u32 (&buf, TF_NODE_DA_SUBNETS);
    tf_node_buf_u64 (&buf, S_BLOB_SIZE);
    for (uint32_t index = 0; index < TF_NODE_DA_SUBNETS; index++) {
        tf_node_buf_t one = {0};
        tf_node_buf_put (&one, "DA_SHARE_V1", 11);
        tf_node_buf_u32 (&one, index);
        tf_node_buf_put (&one, shares[index]->data, shares[index]->size);
        tf_node_hash_t hash;
        tf_node_blake2b (one.data, one.size, &hash);
        tf_node_buf_reset (&one);
        assert_memory_equal (hash.bytes, shares[index]->hashes[index].bytes, TF_NODE_HASH_SIZE);
        tf_node_buf_put (&buf, hash.bytes, TF_NODE_HASH_SIZE);
    }
    tf_node_hash_t expected;
    tf_node_blake2b (buf.data, buf.size, &expected);
    tf_node_buf_reset (&buf);
    assert_memory_equal (expected.bytes, blob_id.bytes, TF_NODE_HASH_SIZE);
    for (uint32_t index = 0; index < TF_NODE_DA_SUBNETS; index++) {
        assert_int_equal (shares[index]->index, index);
        assert_int_equal (tf_node_da_share_verify (shares[index]), 0);
    }
    //  A flipped byte, a foreign hash list or another blob id: refused
    shares[1]->data[3] ^= 1;
    assert_int_equal (tf_node_da_share_verify (shares[1]), -1);
    shares[1]->data[3] ^= 1;
    shares[2]->hashes[0].bytes[0] ^= 1;
    assert_int_equal (tf_node_da_share_verify (shares[2]), -1);
    shares[2]->hashes[0].bytes[0] ^= 1;
    shares[3]->blob_id.bytes[5] ^= 1;
    assert_int_equal (tf_node_da_share_verify (shares[3]), -1);
    shares[3]->blob_id.bytes[5] ^= 1;
    //  Two different shares of the systematic code rebuild the blob
    uint8_t blob[S_BLOB_SIZE], rebuilt[S_BLOB_SIZE];
    s_pattern (blob, sizeof blob, 1);
    size_t indices[] = {1, 3};
    const uint8_t *picked[] = {shares[1]->data, shares[3]->data};
    assert_int_equal (tf_node_erasure_decode (TF_NODE_DA_DATA_SHARES, TF_NODE_DA_SUBNETS, indices,
                                              picked, 2, shares[1]->size, rebuilt, sizeof rebuilt),
                      0);
    assert_memory_equal (blob, rebuilt, sizeof blob);
    //  Sizes out of range are refused
    tf_node_hash_t unused;
    assert_null (tf_node_da_encode (blob, 0, 2, 4, &unused));
    assert_null (tf_node_da_encode (blob, sizeof blob, 5, 4, &unused));
    tf_node_da_shares_free (&shares, TF_NODE_DA_SUBNETS);
}

//  JSON round trip; malformed or tampered JSON is refused with a reason
static void
test_node_da_share_json (void **state)
{
    (void) state;
    tf_node_hash_t blob_id;
    tf_node_da_share_t **shares = s_encode (&blob_id, 2);
    json_t *json = tf_node_da_share_json (shares[2]);
    char error[160] = "";
    tf_node_da_share_t *back = tf_node_da_share_from_json (json, error, sizeof error);
    assert_non_null (back);
    assert_int_equal (back->index, 2);
    assert_int_equal (back->blob_size, S_BLOB_SIZE);
    assert_memory_equal (back->data, shares[2]->data, back->size);
    tf_node_da_share_destroy (&back);
    //  Another share index over the same bytes does not verify
    json_object_set_new (json, "share_idx", json_integer (1));
    assert_null (tf_node_da_share_from_json (json, error, sizeof error));
    assert_non_null (strstr (error, "does not match"));
    json_object_set_new (json, "share_idx", json_integer (9));
    assert_null (tf_node_da_share_from_json (json, error, sizeof error));
    assert_non_null (strstr (error, "out of range"));
    json_object_del (json, "data");
    assert_null (tf_node_da_share_from_json (json, error, sizeof error));
    assert_non_null (strstr (error, "needs"));
    json_decref (json);
    tf_node_da_shares_free (&shares, TF_NODE_DA_SUBNETS);
}

//  Placement: every subnetwork has a member, every node one subnetwork at least
static void
test_node_da_placement (void **state)
{
    (void) state;
    for (size_t nodes = 1; nodes <= 9; nodes++) {
        for (size_t subnet = 0; subnet < TF_NODE_DA_SUBNETS; subnet++) {
            size_t members = 0;
            for (size_t member = 0; member < nodes; member++)
                members += tf_node_da_is_member (member, nodes, subnet, TF_NODE_DA_SUBNETS);
            assert_true (members >= 1);
        }
        for (size_t member = 0; member < nodes; member++) {
            size_t subnets = 0;
            for (size_t subnet = 0; subnet < TF_NODE_DA_SUBNETS; subnet++)
                subnets += tf_node_da_is_member (member, nodes, subnet, TF_NODE_DA_SUBNETS);
            assert_true (subnets >= 1);
        }
    }
    //  Two nodes (a validator and an executor): 0 holds 0 and 2, 1 holds 1 and 3, so each
    //  alone has k = 2 shares, enough to rebuild
    assert_true (tf_node_da_is_member (0, 2, 0, 4) && tf_node_da_is_member (0, 2, 2, 4));
    assert_true (tf_node_da_is_member (1, 2, 1, 4) && tf_node_da_is_member (1, 2, 3, 4));
    assert_false (tf_node_da_is_member (0, 2, 1, 4));
    assert_false (tf_node_da_is_member (2, 2, 0, 4)); //  Not a DA node
}

//  The store keeps only its subnetworks' shares, once; a reopened store serves them;
//  forgetting empties memory and log
static void
test_node_da_store_persists (void **state)
{
    (void) state;
    char *dir = s_tempdir ();
    tf_node_hash_t blob_id;
    tf_node_da_share_t **shares = s_encode (&blob_id, 3);
    tf_node_da_t *store = tf_node_da_new (dir, 1, 2); //  Member 1 of 2: subnetworks 1, 3
    assert_non_null (store);
    int kept = 0;
    for (uint32_t index = 0; index < TF_NODE_DA_SUBNETS; index++) {
        tf_node_da_share_t *copy = NULL;
        json_t *json = tf_node_da_share_json (shares[index]);
        char error[160];
        copy = tf_node_da_share_from_json (json, error, sizeof error);
        json_decref (json);
        kept += tf_node_da_add (store, &copy);
        assert_null (copy);
    }
    assert_int_equal (kept, 2);
    json_t *again = tf_node_da_share_json (shares[1]);
    char error[160];
    tf_node_da_share_t *duplicate = tf_node_da_share_from_json (again, error, sizeof error);
    json_decref (again);
    assert_int_equal (tf_node_da_add (store, &duplicate), 0); //  Held already
    assert_int_equal (tf_node_da_share_count (store), 2);
    assert_null (tf_node_da_get (store, &blob_id, 0));
    assert_non_null (tf_node_da_get (store, &blob_id, 3));
    tf_node_da_destroy (&store);

    store = tf_node_da_new (dir, 1, 2);
    assert_non_null (store);
    assert_int_equal (tf_node_da_share_count (store), 2);
    assert_int_equal (tf_node_da_blob_count (store), 1);
    const tf_node_da_share_t *served = tf_node_da_get (store, &blob_id, 1);
    assert_non_null (served);
    assert_memory_equal (served->data, shares[1]->data, served->size);
    assert_int_equal (tf_node_da_share_verify (served), 0);

    assert_int_equal (tf_node_da_mark_seen (store, &blob_id, 1), 1);
    assert_int_equal (tf_node_da_mark_seen (store, &blob_id, 1), 0);

    tf_node_da_forget (store);
    assert_int_equal (tf_node_da_share_count (store), 0);
    tf_node_da_destroy (&store);
    store = tf_node_da_new (dir, 1, 2);
    assert_int_equal (tf_node_da_share_count (store), 0);
    tf_node_da_destroy (&store);
    tf_node_da_shares_free (&shares, TF_NODE_DA_SUBNETS);
    s_rmdir (dir);
}

//  A ChannelBlob tx: built, signed by its signer, parsed back with its blob id; a bad
//  proof is refused
static void
test_node_da_blob_op (void **state)
{
    (void) state;
    uint8_t seed[32] = {7};
    tf_node_key_t signer;
    tf_node_key_from_seed (seed, &signer);
    tf_node_hash_t channel = {{1}}, blob_id = {{2}}, parent = {{3}};
    tf_node_tx_t *tx = tf_node_tx_new_blob (&signer, &channel, &blob_id, 2048, &parent);
    assert_non_null (tx);
    assert_int_equal (tx->nblobs, 1);
    assert_memory_equal (tx->blobs[0].bytes, blob_id.bytes, TF_NODE_HASH_SIZE);
    json_t *json = tf_node_tx_json (tx);
    char error[160];
    tf_node_tx_t *back = tf_node_tx_new (json, 0, error, sizeof error);
    assert_non_null (back);
    assert_memory_equal (back->hash.bytes, tx->hash.bytes, TF_NODE_HASH_SIZE);
    tf_node_tx_destroy (&back);
    //  Another blob size changes the hash: the signature no longer verifies
    json_t *payload = json_object_get (
        json_array_get (json_object_get (json_object_get (json, "mantle_tx"), "ops"), 0),
        "payload");
    json_object_set_new (payload, "blob_size", json_integer (2049));
    assert_null (tf_node_tx_new (json, 0, error, sizeof error));
    assert_non_null (strstr (error, "ChannelBlob proof"));
    json_object_del (payload, "blob_id");
    assert_null (tf_node_tx_new (json, 0, error, sizeof error));
    assert_non_null (strstr (error, "ChannelBlob needs"));
    json_decref (json);
    tf_node_tx_destroy (&tx);
}

int
main (void)
{
    tf_node_crypto_init ();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_node_da_commitment), cmocka_unit_test (test_node_da_share_json),
        cmocka_unit_test (test_node_da_placement),  cmocka_unit_test (test_node_da_store_persists),
        cmocka_unit_test (test_node_da_blob_op),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
