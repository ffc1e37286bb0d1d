//  test_node_json.c - the JSON shapes pinned: golden tx, storage-form block and ApiBlock,
//  plus known-answer checks of the hash, note id, block id, Merkle root, PeerId and CRC rules
//  that node/README.md documents for workloads
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include "test_node_common.h"
#include "tf_node_lottery.h"
#include "tf_node_mempool.h"

//  Fixed inputs: alice (seed a1..a1) owns one genesis note of 100 and pays it to bob
//  (seed b0..b0); leader (seed 11..11) puts that tx in a block at slot 7 on genesis
static const char s_golden_tx[] =
    "{\"mantle_tx\":{\"ops\":[],\"ledger_tx\":{\"inputs\":[\"b1bafda7e3d996fd4a463e41c170cc3f0"
    "7bb6b37b35998c1069e740bffbcfc0b\"],\"outputs\":[{\"value\":100,\"pk\":\"705fbac01f551989"
    "9f437bc42e40255ae9ab54bff00de3433af7d687d9e71ad5\"}]},\"execution_gas_price\":0,\"st"
    "orage_gas_price\":0},\"ops_proofs\":[],\"ledger_tx_proof\":{\"Ed25519Sigs\":[[227,250,7"
    "0,160,48,149,34,101,181,1,200,80,95,171,163,101,156,83,178,167,117,212,203,77,32"
    ",227,204,151,228,106,161,103,226,181,138,72,23,238,159,114,138,7,146,5,8,192,228"
    ",90,123,112,220,76,171,32,17,211,29,103,64,94,70,253,148,8]]}}";

static const char s_golden_storage[] =
    "{\"header\":{\"version\":\"Bedrock\",\"parent_block\":\"2d383f6f7e154f67a4ebc1e0cf5112dc5"
    "2e9d8b8c2a1e3e7331887d57b8e707a\",\"slot\":7,\"block_root\":\"d78a9196eac71b34a29944df"
    "7472ea89e358f71ba4edefd2251cceb74ea4cd7b\",\"proof_of_leadership\":{\"proof\":[106,25"
    "3,34,147,150,112,160,171,159,177,182,25,92,144,115,132,239,223,214,126,10,106,22"
    "8,2,126,161,50,126,231,105,227,104,112,17,45,254,140,174,142,80,22,14,99,78,252,"
    "89,56,144,18,110,125,67,192,158,231,73,170,128,62,120,173,156,147,5,0,0,0,0,0,0,"
    "0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,"
    "0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0],\"entropy_contribution\":\"bf0d6ff39ad298de428"
    "752c3d8bed0bffad380a2e666ec18e96b13ecf6df500d\",\"leader_key\":\"d04ab232742bb4ab3a1"
    "368bd4615e4e6d0224ab71a016baf8520a332c9778737\",\"voucher_cm\":\"0000000000000000000"
    "000000000000000000000000000000000000000000000\"}},\"signature\":[96,154,167,253,135"
    ",122,239,204,12,157,99,180,161,0,105,185,247,186,100,154,152,199,1,53,225,15,5,7"
    "6,253,107,143,147,247,106,17,248,45,67,109,197,60,59,34,179,254,246,32,188,35,12"
    "8,110,13,174,193,195,239,244,75,221,167,238,125,140,12],\"transactions\":[{\"mantle"
    "_tx\":{\"ops\":[],\"ledger_tx\":{\"inputs\":[\"b1bafda7e3d996fd4a463e41c170cc3f07bb6b37b"
    "35998c1069e740bffbcfc0b\"],\"outputs\":[{\"value\":100,\"pk\":\"705fbac01f5519899f437bc4"
    "2e40255ae9ab54bff00de3433af7d687d9e71ad5\"}]},\"execution_gas_price\":0,\"storage_ga"
    "s_price\":0},\"ops_proofs\":[],\"ledger_tx_proof\":{\"Ed25519Sigs\":[[227,250,70,160,48"
    ",149,34,101,181,1,200,80,95,171,163,101,156,83,178,167,117,212,203,77,32,227,204"
    ",151,228,106,161,103,226,181,138,72,23,238,159,114,138,7,146,5,8,192,228,90,123,"
    "112,220,76,171,32,17,211,29,103,64,94,70,253,148,8]]}}]}";

static const char s_golden_api[] =
    "{\"header\":{\"id\":\"6d0451f4e0ed682084893676bf48f25ea2ffb9037df2a55d5106557c2f98143"
    "6\",\"parent_block\":\"2d383f6f7e154f67a4ebc1e0cf5112dc52e9d8b8c2a1e3e7331887d57b8e7"
    "07a\",\"slot\":7,\"block_root\":\"d78a9196eac71b34a29944df7472ea89e358f71ba4edefd2251c"
    "ceb74ea4cd7b\",\"proof_of_leadership\":{\"proof\":[106,253,34,147,150,112,160,171,159"
    ",177,182,25,92,144,115,132,239,223,214,126,10,106,228,2,126,161,50,126,231,105,2"
    "27,104,112,17,45,254,140,174,142,80,22,14,99,78,252,89,56,144,18,110,125,67,192,"
    "158,231,73,170,128,62,120,173,156,147,5,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,"
    "0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,"
    "0,0,0,0],\"entropy_contribution\":\"bf0d6ff39ad298de428752c3d8bed0bffad380a2e666ec1"
    "8e96b13ecf6df500d\",\"leader_key\":\"d04ab232742bb4ab3a1368bd4615e4e6d0224ab71a016ba"
    "f8520a332c9778737\",\"voucher_cm\":\"00000000000000000000000000000000000000000000000"
    "00000000000000000\"}},\"transactions\":[{\"mantle_tx\":{\"hash\":\"840af20f46e4e3db49dfc"
    "86227d73dfe39efecbb10abb7da0b153a447b9b290c\",\"ops\":[],\"ledger_tx\":{\"inputs\":[\"b1"
    "bafda7e3d996fd4a463e41c170cc3f07bb6b37b35998c1069e740bffbcfc0b\"],\"outputs\":[{\"va"
    "lue\":100,\"pk\":\"705fbac01f5519899f437bc42e40255ae9ab54bff00de3433af7d687d9e71ad5\""
    "}]},\"execution_gas_price\":0,\"storage_gas_price\":0},\"ops_proofs\":[],\"ledger_tx_pr"
    "oof\":{\"Ed25519Sigs\":[[227,250,70,160,48,149,34,101,181,1,200,80,95,171,163,101,1"
    "56,83,178,167,117,212,203,77,32,227,204,151,228,106,161,103,226,181,138,72,23,23"
    "8,159,114,138,7,146,5,8,192,228,90,123,112,220,76,171,32,17,211,29,103,64,94,70,"
    "253,148,8]]}}]}";

static const char s_golden_genesis[] =
    "2d383f6f7e154f67a4ebc1e0cf5112dc52e9d8b8c2a1e3e7331887d57b8e707a";

typedef struct {
    tf_node_key_t alice, bob, leader; //  Keys
    tf_node_tx_t *genesis_tx;         //  Genesis
    tf_node_block_t *genesis;         //  Genesis block
    tf_node_tx_t *tx;                 //  The transfer (a copy is in block)
    tf_node_block_t *block;           //  The block at slot 7
} fixture_t;

static int
s_setup (void **state)
{
    fixture_t *fixture = calloc (1, sizeof *fixture);
    tn_key (&fixture->alice, 0xa1);
    tn_key (&fixture->bob, 0xb0);
    tn_key (&fixture->leader, 0x11);
    fixture->genesis_tx = tn_genesis (&fixture->alice, 1, 100);
    fixture->genesis = tf_node_block_new_genesis (&fixture->genesis_tx, 1);
    tf_node_hash_t note = tn_note (fixture->genesis_tx, 0);
    const tf_node_key_t *keys[1] = {&fixture->alice};
    tf_node_output_t output = {100, fixture->bob.pk};
    fixture->tx = tf_node_tx_new_transfer (&note, keys, 1, &output, 1);
    uint8_t proof[TF_NODE_SIG_SIZE];
    tf_node_lottery_prove (&fixture->leader, &fixture->genesis->id, 7, proof);
    tf_node_tx_t **txs = calloc (1, sizeof *txs);
    txs[0] = tf_node_tx_dup (fixture->tx);
    fixture->block =
        tf_node_block_new_forged (&fixture->genesis->id, 7, &fixture->leader, proof, txs, 1);
    *state = fixture;
    return 0;
}

static int
s_teardown (void **state)
{
    fixture_t *fixture = *state;
    tf_node_block_destroy (&fixture->block);
    tf_node_block_destroy (&fixture->genesis);
    tf_node_tx_destroy (&fixture->tx);
    tf_node_tx_destroy (&fixture->genesis_tx);
    free (fixture);
    return 0;
}

static void
s_assert_json (json_t *value, const char *golden)
{
    char *text = json_dumps (value, JSON_COMPACT | JSON_PRESERVE_ORDER);
    if (strcmp (text, golden) != 0)
        fprintf (stderr, "got:      %s\nexpected: %s\n", text, golden);
    assert_string_equal (text, golden);
    free (text);
}

static void
test_node_json_golden_tx_and_blocks (void **state)
{
    fixture_t *fixture = *state;
    char hex[65];
    assert_string_equal (tf_node_hash_hex (&fixture->genesis->id, hex), s_golden_genesis);
    json_t *tx_json = tf_node_tx_json (fixture->tx);
    s_assert_json (tx_json, s_golden_tx);
    json_decref (tx_json);
    json_t *storage = tf_node_block_storage_json (fixture->block);
    s_assert_json (storage, s_golden_storage);
    json_t *api = tf_node_block_api_json (fixture->block);
    s_assert_json (api, s_golden_api);
    //  ApiBlock: header has id and no version, no signature, each tx's mantle_tx gains a
    //  leading hash
    json_t *header = json_object_get (api, "header");
    assert_string_equal (json_string_value (json_object_get (header, "id")),
                         tf_node_hash_hex (&fixture->block->id, hex));
    assert_null (json_object_get (header, "version"));
    assert_null (json_object_get (api, "signature"));
    json_t *mantle =
        json_object_get (json_array_get (json_object_get (api, "transactions"), 0), "mantle_tx");
    assert_string_equal (json_object_iter_key (json_object_iter (mantle)), "hash");
    assert_string_equal (json_string_value (json_object_get (mantle, "hash")),
                         tf_node_hash_hex (&fixture->tx->hash, hex));
    //  The storage form parses back to the same block
    char error[200];
    tf_node_block_t *parsed = tf_node_block_new_from_json (storage, error, sizeof error);
    assert_non_null (parsed);
    assert_memory_equal (parsed->id.bytes, fixture->block->id.bytes, 32);
    tf_node_block_destroy (&parsed);
    //  A changed field is caught by the root or the signature
    json_object_set_new (json_object_get (storage, "header"), "slot", json_integer (8));
    assert_null (tf_node_block_new_from_json (storage, error, sizeof error));
    json_decref (storage);
    json_decref (api);
}

//  blake2b-256 of tag || data, byte 31 masked: the README's recipe
static void
s_tagged (const char *tag, const uint8_t *data, size_t size, uint8_t out[32])
{
    crypto_generichash_state hasher;
    crypto_generichash_init (&hasher, NULL, 0, 32);
    crypto_generichash_update (&hasher, (const uint8_t *) tag, strlen (tag));
    crypto_generichash_update (&hasher, data, size);
    crypto_generichash_final (&hasher, out, 32);
    out[31] &= 0x0f;
}

static void
test_node_json_hash_rules_match_the_readme (void **state)
{
    fixture_t *fixture = *state;
    //  Tx hash: u8 n_ops || u8 n_inputs || input || u8 n_outputs || value LE || pk || gas LE x2
    uint8_t encoding[1 + 1 + 32 + 1 + 8 + 32 + 16] = {0};
    size_t at = 0;
    encoding[at++] = 0;
    encoding[at++] = 1;
    memcpy (encoding + at, fixture->tx->inputs[0].bytes, 32);
    at += 32;
    encoding[at++] = 1;
    encoding[at] = 100;
    at += 8;
    memcpy (encoding + at, fixture->bob.pk.bytes, 32);
    at += 32 + 16;
    uint8_t hash[32];
    s_tagged ("MANTLE_TXHASH_V1", encoding, at, hash);
    assert_memory_equal (hash, fixture->tx->hash.bytes, 32);

    //  Note id: H || u64 index || u64 value || pk
    uint8_t note_input[32 + 8 + 8 + 32] = {0};
    memcpy (note_input, fixture->genesis_tx->hash.bytes, 32);
    note_input[40] = 100;
    memcpy (note_input + 48, fixture->alice.pk.bytes, 32);
    uint8_t note[32];
    s_tagged ("NOTE_ID_V1", note_input, sizeof note_input, note);
    assert_memory_equal (note, fixture->tx->inputs[0].bytes, 32);

    //  Merkle root of one tx is its leaf; block id over the real node's field order
    uint8_t leaf[32];
    crypto_generichash (leaf, 32, fixture->tx->hash.bytes, 32, NULL, 0);
    assert_memory_equal (leaf, fixture->block->block_root.bytes, 32);
    const tf_node_block_t *block = fixture->block;
    uint8_t header[11 + 1 + 32 + 8 + 32 * 4 + 128] = {0};
    at = 0;
    memcpy (header, "BLOCK_ID_V1", 11);
    at = 11;
    header[at++] = 1;
    memcpy (header + at, block->parent.bytes, 32);
    at += 32;
    header[at] = 7;
    at += 8;
    memcpy (header + at, block->block_root.bytes, 32);
    at += 32 + 32; //  voucher_cm is zero
    memcpy (header + at, block->entropy.bytes, 32);
    at += 32;
    memcpy (header + at, block->proof, 128);
    at += 128;
    memcpy (header + at, block->leader_key.bytes, 32);
    at += 32;
    uint8_t id[32];
    crypto_generichash (id, 32, header, at, NULL, 0);
    assert_memory_equal (id, block->id.bytes, 32);
    //  Empty blocks: root = leaf of 32 zero bytes
    uint8_t zero[32] = {0}, zero_leaf[32];
    crypto_generichash (zero_leaf, 32, zero, 32, NULL, 0);
    tf_node_hash_t root;
    tf_node_block_merkle_root (NULL, 0, &root);
    assert_memory_equal (zero_leaf, root.bytes, 32);
}

static void
test_node_json_inscription_hash_and_proof (void **state)
{
    fixture_t *fixture = *state;
    tf_node_hash_t channel;
    memset (&channel, 0x42, sizeof channel);
    tf_node_tx_t *tx =
        tf_node_tx_new_inscription (&fixture->alice, &channel, (const uint8_t *) "Test", 4);
    assert_non_null (tx);
    //  u8 1 || opcode 0 || channel || u32 4 || "Test" || parent 0 || signer || 0 || 0 || gas
    uint8_t encoding[2 + 32 + 4 + 4 + 32 + 32 + 2 + 16] = {0};
    size_t at = 0;
    encoding[at++] = 1;
    encoding[at++] = 0;
    memcpy (encoding + at, channel.bytes, 32);
    at += 32;
    encoding[at] = 4;
    at += 4;
    memcpy (encoding + at, "Test", 4);
    at += 4 + 32;
    memcpy (encoding + at, fixture->alice.pk.bytes, 32);
    at += 32 + 2 + 16;
    uint8_t hash[32];
    s_tagged ("MANTLE_TXHASH_V1", encoding, at, hash);
    assert_memory_equal (hash, tx->hash.bytes, 32);
    //  The op proof is checked at parse: a tampered one is refused
    json_t *copy = tf_node_tx_json (tx);
    json_t *sig =
        json_object_get (json_array_get (json_object_get (copy, "ops_proofs"), 0), "Ed25519Sig");
    json_array_set_new (sig, 5,
                        json_integer ((json_integer_value (json_array_get (sig, 5)) + 1) % 256));
    char error[200];
    assert_null (tf_node_tx_new (copy, 0, error, sizeof error));
    assert_non_null (strstr (error, "Ed25519Sig"));
    json_decref (copy);
    tf_node_tx_destroy (&tx);
}

static void
test_node_json_peer_id_known_answer (void **state)
{
    (void) state;
    tf_node_hash_t pk, back;
    for (int index = 0; index < 32; index++)
        pk.bytes[index] = (uint8_t) index;
    char peer_id[TF_NODE_PEER_ID_MAX];
    tf_node_peer_id (&pk, peer_id);
    assert_string_equal (peer_id, "12D3KooW9pP4Seg3kZYhySpuVjn1RPdQBsUFZKiFxGMGQN5MeL6A");
    assert_int_equal (tf_node_peer_id_decode (peer_id, &back), 0);
    assert_memory_equal (back.bytes, pk.bytes, 32);
    assert_int_equal (
        tf_node_peer_id_decode ("12D3KooW9pP4Seg3kZYhySpuVjn1RPdQBsUFZKiFxGMGQN5MeL6", &back), -1);
    assert_int_equal (tf_node_peer_id_decode ("not-base58-0OIl", &back), -1);
    assert_int_equal (tf_node_peer_id_decode ("", &back), -1);
}

//  The block log's record checksum is the common CRC-32 (IEEE, reflected)
static void
test_node_json_crc32_known_answer (void **state)
{
    (void) state;
    assert_int_equal (tf_node_crc32 ("123456789", 9), 0xcbf43926u);
    assert_int_equal (tf_node_crc32 ("", 0), 0);
    uint8_t bytes[256];
    for (int index = 0; index < 256; index++)
        bytes[index] = (uint8_t) index;
    assert_int_equal (tf_node_crc32 (bytes, sizeof bytes), 0x29058c73u);
}

int
main (void)
{
    tf_node_crypto_init ();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_node_json_golden_tx_and_blocks),
        cmocka_unit_test (test_node_json_hash_rules_match_the_readme),
        cmocka_unit_test (test_node_json_inscription_hash_and_proof),
        cmocka_unit_test (test_node_json_peer_id_known_answer),
        cmocka_unit_test (test_node_json_crc32_known_answer),
    };
    return cmocka_run_group_tests_name ("tf_node_json", tests, s_setup, s_teardown);
}
