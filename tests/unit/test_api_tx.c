//  test_api_tx.c - the framework's encoder of the node's tx format (actors/nodeapi/tf_api_tx.h)
//  against tf-node's own implementation (node/tf_node_tx.h)
//
//  Golden tests: the same transactions go through both sides, and the bytes, hashes, note
//  ids and JSON text must agree. The expected bytes are written out here from the layout
//  in node/README.md 3.2, independently of the encoder; tf-node's hash of its own encoding
//  then shows the encoder's bytes are the bytes tf-node hashes.

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <czmq.h>
#include "tf_api_parse.h"
#include "tf_api_tx.h"
#include "tf_genesis.h"
#include "tf_node_block.h"
#include "tf_node_config.h"
#include "tf_node_tx.h"
#include "tf_tx_build.h"

#define S_TX_TAG    "MANTLE_TXHASH_V1" //  node/README.md 3.2, written out independently
#define S_MAX_BYTES 4096               //  Room for any expected encoding here
#define S_HEX_A     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define S_HEX_B     "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

//  ---------------------------------------------------------------------------
//  Helpers

//  Expected bytes, written field by field
typedef struct {
    uint8_t data[S_MAX_BYTES]; //  Bytes so far
    size_t size;               //  Used
} s_bytes_t;

static void
s_bytes_put (s_bytes_t *bytes, const void *data, size_t size)
{
    assert_true (bytes->size + size <= sizeof bytes->data);
    memcpy (bytes->data + bytes->size, data, size);
    bytes->size += size;
}

//  An unsigned integer as width (at most 8) little-endian bytes
static void
s_bytes_le (s_bytes_t *bytes, uint64_t value, size_t width)
{
    assert_true (width <= sizeof value);
    for (size_t index = 0; index < width; index++) {
        uint8_t byte = (uint8_t) (value >> (8 * index));
        s_bytes_put (bytes, &byte, 1);
    }
}

//  A derived wallet key and the same key as tf-node holds it
static void
s_keys (uint32_t index, tf_key_t *key, tf_node_key_t *node_key)
{
    assert_int_equal (tf_keys_derive (TF_KEYS_PURPOSE_WALLET, 77, index, key), 0);
    if (node_key) {
        tf_node_key_from_seed (key->seed, node_key);
        assert_memory_equal (node_key->pk.bytes, key->public_key, TF_API_TX_FIELD_SIZE);
    }
}

//  32 bytes all set to fill
static void
s_field (uint8_t field[TF_API_TX_FIELD_SIZE], uint8_t fill)
{
    memset (field, fill, TF_API_TX_FIELD_SIZE);
}

//  The tx as tf-node parses it from the encoder's signed JSON; fails the test if refused
static tf_node_tx_t *
s_node_parse (const tf_api_tx_t *tx, int genesis)
{
    json_t *json = tf_api_tx_signed_json (tx);
    char error[256] = "";
    tf_node_tx_t *node_tx = tf_node_tx_new (json, genesis, error, sizeof error);
    if (!node_tx)
        fail_msg ("tf-node refuses the tx: %s", error);
    json_decref (json);
    return node_tx;
}

//  The encoder's bytes are what tf-node hashes: its hash rule over them gives its hash
static void
s_assert_node_hashes_bytes (const tf_api_tx_t *tx, const tf_node_tx_t *node_tx)
{
    uint8_t *encoded = NULL;
    size_t size = tf_api_tx_encode (tx, &encoded);
    uint8_t *tagged = (uint8_t *) malloc (strlen (S_TX_TAG) + size);
    memcpy (tagged, S_TX_TAG, strlen (S_TX_TAG));
    memcpy (tagged + strlen (S_TX_TAG), encoded, size);
    tf_node_hash_t hash;
    tf_node_blake2b (tagged, strlen (S_TX_TAG) + size, &hash);
    tf_node_hash_mask_fr (&hash);
    assert_memory_equal (hash.bytes, node_tx->hash.bytes, TF_API_TX_FIELD_SIZE);
    free (tagged);
    free (encoded);
}

static void
s_assert_encoding (const tf_api_tx_t *tx, const s_bytes_t *expected)
{
    uint8_t *encoded = NULL;
    size_t size = tf_api_tx_encode (tx, &encoded);
    assert_int_equal (size, expected->size);
    assert_memory_equal (encoded, expected->data, size);
    free (encoded);
}

//  The SignedMantleTx text tf-node keeps equals the encoder's text of the same tx
static void
s_assert_same_text (const tf_api_tx_t *tx, const tf_node_tx_t *node_tx)
{
    json_t *json = tf_api_tx_signed_json (tx);
    char *text = json_dumps (json, JSON_COMPACT);
    assert_string_equal (text, tf_node_tx_text (node_tx));
    free (text);
    json_decref (json);
}

static void
s_assert_hex (const uint8_t bytes[TF_API_TX_FIELD_SIZE], const char *expected)
{
    char hex[TF_API_TX_HEX_SIZE];
    tf_keys_hex32 (bytes, hex);
    assert_string_equal (hex, expected);
}

//  A transfer of three notes into four outputs, gas prices 7 and 9, signed
static tf_api_tx_t *
s_transfer (tf_key_t owners[3], s_bytes_t *expected)
{
    tf_api_tx_t *tx = tf_api_tx_new ();
    tx->execution_gas_price = 7;
    tx->storage_gas_price = 9;
    memset (expected, 0, sizeof *expected);
    s_bytes_le (expected, 0, 1); //  No ops
    s_bytes_le (expected, 3, 1);
    for (uint32_t index = 0; index < 3; index++) {
        s_keys (index, &owners[index], NULL);
        uint8_t note_id[TF_API_TX_FIELD_SIZE];
        s_field (note_id, (uint8_t) (0x10 + index));
        note_id[31] = 0x01;
        assert_int_equal (tf_api_tx_add_input (tx, note_id), 0);
        s_bytes_put (expected, note_id, sizeof note_id);
    }
    s_bytes_le (expected, 4, 1);
    for (uint32_t index = 0; index < 4; index++) {
        uint64_t value = 1000 + 0x0102 * index;
        const uint8_t *pk = owners[index % 3].public_key;
        assert_int_equal (tf_api_tx_add_output (tx, value, pk), 0);
        s_bytes_le (expected, value, 8);
        s_bytes_put (expected, pk, TF_API_TX_FIELD_SIZE);
    }
    s_bytes_le (expected, 7, 8);
    s_bytes_le (expected, 9, 8);
    for (size_t index = 0; index < 3; index++)
        tf_api_tx_sign_input (tx, index, &owners[index]);
    return tx;
}

//  A tx with one ChannelInscribe of "Test" by signer, signed
static tf_api_tx_t *
s_inscription (const tf_key_t *signer, s_bytes_t *expected)
{
    uint8_t channel[TF_API_TX_FIELD_SIZE], parent[TF_API_TX_FIELD_SIZE];
    s_field (channel, 0x42);
    s_field (parent, 0);
    tf_api_tx_t *tx = tf_api_tx_new ();
    assert_int_equal (tf_api_tx_add_inscribe (tx, channel, (const uint8_t *) "Test", 4, parent,
                                              signer->public_key),
                      0);
    tf_api_tx_sign_op (tx, 0, signer);
    memset (expected, 0, sizeof *expected);
    s_bytes_le (expected, 1, 1);
    s_bytes_le (expected, TF_API_TX_OP_INSCRIBE, 1);
    s_bytes_put (expected, channel, sizeof channel);
    s_bytes_le (expected, 4, 4);
    s_bytes_put (expected, "Test", 4);
    s_bytes_put (expected, parent, sizeof parent);
    s_bytes_put (expected, signer->public_key, TF_API_TX_FIELD_SIZE);
    s_bytes_le (expected, 0, 1); //  No inputs
    s_bytes_le (expected, 0, 1); //  No outputs
    s_bytes_le (expected, 0, 8); //  Gas prices
    s_bytes_le (expected, 0, 8);
    return tx;
}


//  ---------------------------------------------------------------------------
//  Golden: the same txs on both sides

static void
test_api_tx_transfer_matches_tf_node (void **state)
{
    (void) state;
    tf_key_t owners[3];
    s_bytes_t expected;
    tf_api_tx_t *tx = s_transfer (owners, &expected);
    s_assert_encoding (tx, &expected);
    tf_node_tx_t *node_tx = s_node_parse (tx, 0);
    uint8_t hash[TF_API_TX_FIELD_SIZE];
    tf_api_tx_digest (tx, hash);
    assert_memory_equal (hash, node_tx->hash.bytes, sizeof hash);
    //  tf-node's hash of it, pinned: a change on both sides at once shows here
    s_assert_hex (hash, "8e9b7a24cd06a664d49f306f9e480dd78342411cde0a74e4920f8d22fb790a0d");
    s_assert_node_hashes_bytes (tx, node_tx);
    s_assert_same_text (tx, node_tx);
    //  Each input is signed by its note's owner over the hash
    assert_int_equal (node_tx->ninputs, 3);
    for (size_t index = 0; index < 3; index++) {
        tf_node_hash_t pk;
        memcpy (pk.bytes, owners[index].public_key, sizeof pk.bytes);
        assert_int_equal (tf_node_verify (&pk, hash, sizeof hash, node_tx->input_sigs[index]), 0);
    }
    //  Note ids of the outputs are tf-node's
    for (size_t output = 0; output < tx->output_count; output++) {
        uint8_t note_id[TF_API_TX_FIELD_SIZE];
        tf_node_hash_t node_note;
        tf_api_tx_note_id (hash, output, tx->outputs[output].value, tx->outputs[output].pk,
                           note_id);
        tf_node_note_id (&node_tx->hash, output, &node_tx->outputs[output], &node_note);
        assert_memory_equal (note_id, node_note.bytes, sizeof note_id);
    }
    tf_node_tx_destroy (&node_tx);
    tf_api_tx_destroy (&tx);
    assert_null (tx);
}

static void
test_api_tx_inscribe_matches_tf_node (void **state)
{
    (void) state;
    tf_key_t signer;
    s_keys (5, &signer, NULL);
    s_bytes_t expected;
    tf_api_tx_t *tx = s_inscription (&signer, &expected);
    s_assert_encoding (tx, &expected);
    //  tf-node checks the op's signature over its own hash: accepting it means the
    //  hashes agree and the op is signed as tf-node expects
    tf_node_tx_t *node_tx = s_node_parse (tx, 0);
    uint8_t hash[TF_API_TX_FIELD_SIZE];
    tf_api_tx_digest (tx, hash);
    assert_memory_equal (hash, node_tx->hash.bytes, sizeof hash);
    s_assert_node_hashes_bytes (tx, node_tx);
    s_assert_same_text (tx, node_tx);
    tf_node_tx_destroy (&node_tx);
    //  The hash covers the inscription: changed after signing, tf-node refuses it
    tx->ops[0].inscribe.inscription[0] = 'B';
    json_t *json = tf_api_tx_signed_json (tx);
    char error[256];
    assert_null (tf_node_tx_new (json, 0, error, sizeof error));
    json_decref (json);
    tf_api_tx_destroy (&tx);
}

static void
test_api_tx_declare_matches_tf_node_genesis (void **state)
{
    (void) state;
    tf_key_t leaders[2];
    s_keys (0, &leaders[0], NULL);
    s_keys (1, &leaders[1], NULL);
    const char *locators[] = {"/ip4/127.0.0.1/tcp/3000", TF_GENESIS_EXECUTOR_LOCATOR};
    uint8_t zero[TF_API_TX_FIELD_SIZE], zk_id[TF_API_TX_FIELD_SIZE];
    s_field (zero, 0);
    s_field (zk_id, 0x07);
    tf_api_tx_t *tx = tf_api_tx_new ();
    assert_int_equal (tf_api_tx_add_declare (tx, locators, 2, leaders[0].public_key, zk_id, zero),
                      0);
    assert_int_equal (tf_api_tx_add_declare (tx, NULL, 0, leaders[1].public_key, zero, zero), 0);
    assert_int_equal (tf_api_tx_add_output (tx, 500, leaders[0].public_key), 0);
    assert_int_equal (tf_api_tx_add_output (tx, 300, leaders[1].public_key), 0);
    //  Hash first (it leaves locked note ids out), then lock each leader's stake note
    uint8_t hash[TF_API_TX_FIELD_SIZE];
    tf_api_tx_digest (tx, hash);
    uint8_t encoded_before[S_MAX_BYTES];
    uint8_t *encoded = NULL;
    size_t size = tf_api_tx_encode (tx, &encoded);
    memcpy (encoded_before, encoded, size);
    free (encoded);
    for (size_t node = 0; node < 2; node++)
        tf_api_tx_note_id (hash, node, tx->outputs[node].value, tx->outputs[node].pk,
                           tx->ops[node].declare.locked_note_id);
    uint8_t again[TF_API_TX_FIELD_SIZE];
    tf_api_tx_digest (tx, again);
    assert_memory_equal (again, hash, sizeof hash);

    s_bytes_t expected = {0};
    s_bytes_le (&expected, 2, 1);
    for (size_t node = 0; node < 2; node++) {
        s_bytes_le (&expected, TF_API_TX_OP_SDP_DECLARE, 1);
        s_bytes_le (&expected, TF_API_TX_SERVICE_BN, 1);
        s_bytes_le (&expected, node ? 0 : 2, 1);
        for (size_t locator = 0; node == 0 && locator < 2; locator++) {
            s_bytes_le (&expected, strlen (locators[locator]), 4);
            s_bytes_put (&expected, locators[locator], strlen (locators[locator]));
        }
        s_bytes_put (&expected, leaders[node].public_key, TF_API_TX_FIELD_SIZE);
        s_bytes_put (&expected, node ? zero : zk_id, TF_API_TX_FIELD_SIZE);
        s_bytes_put (&expected, zero, TF_API_TX_FIELD_SIZE); //  Not locked yet
    }
    s_bytes_le (&expected, 0, 1);
    s_bytes_le (&expected, 2, 1);
    s_bytes_le (&expected, 500, 8);
    s_bytes_put (&expected, leaders[0].public_key, TF_API_TX_FIELD_SIZE);
    s_bytes_le (&expected, 300, 8);
    s_bytes_put (&expected, leaders[1].public_key, TF_API_TX_FIELD_SIZE);
    s_bytes_le (&expected, 0, 8); //  Gas prices
    s_bytes_le (&expected, 0, 8);
    assert_int_equal (size, expected.size);
    assert_memory_equal (encoded_before, expected.data, size);
    //  Once locked, the encoding carries the locked note ids; the hash does not
    s_bytes_t locked = expected;
    size_t second_locked = expected.size - 1 - 1 - 2 * (8 + 32) - 16 - 32;
    size_t first_locked = 1 + 3 + 2 * 4 + strlen (locators[0]) + strlen (locators[1]) + 64;
    memcpy (locked.data + first_locked, tx->ops[0].declare.locked_note_id, TF_API_TX_FIELD_SIZE);
    memcpy (locked.data + second_locked, tx->ops[1].declare.locked_note_id, TF_API_TX_FIELD_SIZE);
    s_assert_encoding (tx, &locked);

    tf_node_tx_t *node_tx = s_node_parse (tx, 1);
    assert_memory_equal (hash, node_tx->hash.bytes, sizeof hash);
    assert_int_equal (node_tx->ndecls, 2);
    for (size_t node = 0; node < 2; node++) {
        assert_memory_equal (node_tx->decls[node].provider_id.bytes, leaders[node].public_key,
                             TF_API_TX_FIELD_SIZE);
        assert_memory_equal (node_tx->decls[node].locked_note_id.bytes,
                             tx->ops[node].declare.locked_note_id, TF_API_TX_FIELD_SIZE);
        assert_int_equal (node_tx->decls[node].executor, node == 0);
    }
    s_assert_same_text (tx, node_tx);
    tf_node_tx_destroy (&node_tx);
    tf_api_tx_destroy (&tx);
}

static void
test_api_tx_reads_what_tf_node_writes (void **state)
{
    (void) state;
    tf_key_t keys[2];
    tf_node_key_t node_keys[2];
    s_keys (0, &keys[0], &node_keys[0]);
    s_keys (1, &keys[1], &node_keys[1]);
    tf_node_hash_t inputs[2], channel;
    memset (&inputs[0], 0x21, sizeof inputs[0]);
    memset (&inputs[1], 0x22, sizeof inputs[1]);
    memset (&channel, 0x33, sizeof channel);
    tf_node_output_t outputs[2] = {{.value = 60, .pk = node_keys[1].pk},
                                   {.value = 40, .pk = node_keys[0].pk}};
    const tf_node_key_t *owners[2] = {&node_keys[0], &node_keys[1]};
    tf_node_tx_t *node_txs[2] = {
        tf_node_tx_new_transfer (inputs, owners, 2, outputs, 2),
        tf_node_tx_new_inscription (&node_keys[0], &channel, (const uint8_t *) "hello", 5)};
    for (size_t which = 0; which < 2; which++) {
        assert_non_null (node_txs[which]);
        json_t *json = json_loads (tf_node_tx_text (node_txs[which]), 0, NULL);
        tf_api_tx_t *tx = tf_api_tx_from_signed_json (json);
        assert_non_null (tx);
        uint8_t hash[TF_API_TX_FIELD_SIZE];
        tf_api_tx_digest (tx, hash);
        assert_memory_equal (hash, node_txs[which]->hash.bytes, sizeof hash);
        char hex[TF_API_TX_HEX_SIZE], node_hex[TF_API_TX_HEX_SIZE];
        assert_int_equal (tf_api_tx_hash (json_object_get (json, "mantle_tx"), hex), 0);
        assert_string_equal (hex, tf_node_hash_hex (&node_txs[which]->hash, node_hex));
        s_assert_same_text (tx, node_txs[which]);
        //  The ApiBlock form (mantle_tx gains a "hash") parses to the same tx
        json_t *api = tf_node_tx_api_json (node_txs[which]);
        tf_api_tx_t *from_api = tf_api_tx_from_signed_json (api);
        assert_non_null (from_api);
        json_t *ours = tf_api_tx_signed_json (from_api);
        assert_true (json_equal (ours, json));
        json_decref (ours);
        json_decref (api);
        tf_api_tx_destroy (&from_api);
        tf_api_tx_destroy (&tx);
        json_decref (json);
        tf_node_tx_destroy (&node_txs[which]);
    }
}

static void
test_api_tx_genesis_yaml_is_what_tf_node_loads (void **state)
{
    (void) state;
    tf_plan_t plan;
    memset (&plan, 0, sizeof plan);
    plan.validators = 2;
    plan.executors = 1;
    plan.wallets = 3;
    plan.wallet_amount = 250;
    plan.seed = 11;
    tf_genesis_t *genesis = tf_genesis_new (&plan);
    assert_non_null (genesis);
    char dir[] = "/tmp/test_api_tx.XXXXXX";
    assert_non_null (mkdtemp (dir));
    char *path = zsys_sprintf ("%s/genesis.yaml", dir);
    FILE *out = fopen (path, "w");
    assert_non_null (out);
    tf_genesis_print_yaml (genesis, out, 0);
    fclose (out);
    char error[256] = "";
    json_t *root = tf_node_config_yaml_load (path, error, sizeof error);
    if (!root)
        fail_msg ("tf-node cannot load the genesis YAML: %s", error);
    tf_node_tx_t *node_tx = tf_node_tx_new (root, 1, error, sizeof error);
    if (!node_tx)
        fail_msg ("tf-node refuses the genesis tx: %s", error);
    assert_memory_equal (node_tx->hash.bytes, genesis->tx_hashes[0], TF_API_TX_FIELD_SIZE);
    assert_int_equal (node_tx->ndecls, genesis->leader_count);
    for (size_t node = 0; node < genesis->leader_count; node++) {
        assert_memory_equal (node_tx->decls[node].locked_note_id.bytes,
                             genesis->leaders[node].note_id, TF_API_TX_FIELD_SIZE);
        assert_int_equal (node_tx->decls[node].executor, genesis->leaders[node].executor);
    }
    for (size_t wallet = 0; wallet < genesis->wallet_count; wallet++) {
        size_t output = genesis->leader_count + wallet;
        tf_node_hash_t note;
        tf_node_note_id (&node_tx->hash, output, &node_tx->outputs[output], &note);
        assert_memory_equal (note.bytes, genesis->wallets[wallet].note_id, TF_API_TX_FIELD_SIZE);
    }
    //  The block parser's hash of the genesis tx, read back as a node stores it, is
    //  tf-node's (locked note ids left out)
    char hex[TF_API_TX_HEX_SIZE], node_hex[TF_API_TX_HEX_SIZE];
    json_t *stored = tf_node_tx_json (node_tx);
    assert_int_equal (tf_api_tx_hash (json_object_get (stored, "mantle_tx"), hex), 0);
    assert_string_equal (hex, tf_node_hash_hex (&node_tx->hash, node_hex));
    //  So does the block parser reading tf-node's genesis block, in both forms
    tf_node_block_t *node_block = tf_node_block_new_genesis (&node_tx, 1);
    assert_non_null (node_block);
    json_t *forms[2] = {tf_node_block_storage_json (node_block),
                        tf_node_block_api_json (node_block)};
    for (size_t form = 0; form < 2; form++) {
        char *text = json_dumps (forms[form], JSON_COMPACT);
        tf_api_block_t *block = NULL;
        if (form == 0)
            assert_int_equal (tf_api_block_parse_storage (text, strlen (text), S_HEX_A, &block), 0);
        else
            block = tf_api_block_from_json (forms[form]);
        assert_non_null (block);
        assert_int_equal (block->txs.count, 1);
        assert_string_equal (block->txs.items[0], node_hex);
        assert_int_equal (block->outputs.count, genesis->leader_count + genesis->wallet_count);
        tf_api_block_destroy (&block);
        free (text);
        json_decref (forms[form]);
    }
    tf_node_block_destroy (&node_block);
    //  And the YAML reads back as the same tx
    tf_api_tx_t *parsed = tf_api_tx_from_signed_json (root);
    assert_non_null (parsed);
    json_t *ours = tf_api_tx_signed_json (genesis->txs[0]);
    json_t *again = tf_api_tx_signed_json (parsed);
    assert_true (json_equal (ours, again));
    json_decref (again);
    json_decref (ours);
    tf_api_tx_destroy (&parsed);
    json_decref (stored);
    tf_node_tx_destroy (&node_tx);
    json_decref (root);
    assert_int_equal (remove (path), 0);
    assert_int_equal (rmdir (dir), 0);
    zstr_free (&path);
    tf_genesis_destroy (&genesis);
}

static void
test_api_tx_built_transfers_are_what_tf_node_takes (void **state)
{
    (void) state;
    tf_key_t from[2], to;
    s_keys (0, &from[0], NULL);
    s_keys (1, &from[1], NULL);
    s_keys (2, &to, NULL);
    tf_tx_input_t inputs[2] = {{.owner = &from[0]}, {.owner = &from[1]}};
    s_field (inputs[0].note_id, 0x51);
    s_field (inputs[1].note_id, 0x52);
    tf_tx_output_t outputs[3] = {{.value = 5}, {.value = 6}, {.value = 7}};
    memcpy (outputs[0].public_key, to.public_key, TF_KEYS_PUBLIC_SIZE);
    memcpy (outputs[1].public_key, from[0].public_key, TF_KEYS_PUBLIC_SIZE);
    memcpy (outputs[2].public_key, from[1].public_key, TF_KEYS_PUBLIC_SIZE);
    tf_tx_t tx;
    assert_int_equal (tf_tx_build (inputs, 2, outputs, 3, &tx), 0);
    json_t *json = json_loads (tx.json, 0, NULL);
    assert_non_null (json);
    char error[256] = "";
    tf_node_tx_t *node_tx = tf_node_tx_new (json, 0, error, sizeof error);
    if (!node_tx)
        fail_msg ("tf-node refuses the transfer: %s", error);
    assert_memory_equal (node_tx->hash.bytes, tx.hash, TF_KEYS_HASH_SIZE);
    assert_string_equal (tf_node_tx_text (node_tx), tx.json);
    for (size_t index = 0; index < 2; index++) {
        tf_node_hash_t pk;
        memcpy (pk.bytes, from[index].public_key, sizeof pk.bytes);
        assert_int_equal (
            tf_node_verify (&pk, tx.hash, TF_KEYS_HASH_SIZE, node_tx->input_sigs[index]), 0);
    }
    tf_node_tx_destroy (&node_tx);
    json_decref (json);
    tf_tx_free (&tx);
}

static void
test_api_tx_note_id_matches_vector_and_tf_node (void **state)
{
    (void) state;
    //  Computed independently (Python hashlib.blake2b) from node/README.md 3.3
    uint8_t tx_hash[TF_API_TX_FIELD_SIZE], pk[TF_API_TX_FIELD_SIZE], note[TF_API_TX_FIELD_SIZE];
    for (size_t byte = 0; byte < sizeof tx_hash; byte++)
        tx_hash[byte] = (uint8_t) byte;
    s_field (pk, 7);
    tf_api_tx_note_id (tx_hash, 2, 1000, pk, note);
    s_assert_hex (note, "ff65a0df8419c5c5a32146ecb3cc53ede6bbe81aa98058c356292dbc87f45c08");
    assert_true (note[31] <= TF_KEYS_SCALAR_MASK);
    tf_node_hash_t node_hash, node_note;
    memcpy (node_hash.bytes, tx_hash, sizeof tx_hash);
    tf_node_output_t output = {.value = 1000};
    memcpy (output.pk.bytes, pk, sizeof pk);
    tf_node_note_id (&node_hash, 2, &output, &node_note);
    assert_memory_equal (note, node_note.bytes, sizeof note);
}


//  ---------------------------------------------------------------------------
//  JSON form

static void
test_api_tx_json_round_trips (void **state)
{
    (void) state;
    tf_key_t owners[3];
    s_bytes_t expected;
    tf_api_tx_t *txs[2] = {s_transfer (owners, &expected), s_inscription (&owners[0], &expected)};
    for (size_t which = 0; which < 2; which++) {
        //  mantle_tx: JSON -> struct -> JSON
        json_t *mantle = tf_api_tx_json (txs[which]);
        tf_api_tx_t *parsed = tf_api_tx_from_json (mantle);
        assert_non_null (parsed);
        json_t *again = tf_api_tx_json (parsed);
        assert_true (json_equal (mantle, again));
        uint8_t hash[TF_API_TX_FIELD_SIZE], parsed_hash[TF_API_TX_FIELD_SIZE];
        tf_api_tx_digest (txs[which], hash);
        tf_api_tx_digest (parsed, parsed_hash);
        assert_memory_equal (hash, parsed_hash, sizeof hash);
        json_decref (again);
        json_decref (mantle);
        tf_api_tx_destroy (&parsed);
        //  SignedMantleTx, proofs included
        json_t *signed_tx = tf_api_tx_signed_json (txs[which]);
        parsed = tf_api_tx_from_signed_json (signed_tx);
        assert_non_null (parsed);
        again = tf_api_tx_signed_json (parsed);
        assert_true (json_equal (signed_tx, again));
        json_decref (again);
        json_decref (signed_tx);
        tf_api_tx_destroy (&parsed);
        tf_api_tx_destroy (&txs[which]);
    }
}

static void
test_api_tx_parses_hex_of_either_case_with_or_without_0x (void **state)
{
    (void) state;
    const char *text =
        "{\"ops\":[],\"ledger_tx\":{\"inputs\":[\"0xAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"],\"outputs\":[{\"value\":3,\"pk\":\"" S_HEX_B
        "\"}]},\"execution_gas_price\":0,\"storage_gas_price\":0}";
    json_t *json = json_loads (text, 0, NULL);
    tf_api_tx_t *tx = tf_api_tx_from_json (json);
    assert_non_null (tx);
    json_t *written = tf_api_tx_json (tx);
    assert_string_equal (
        json_string_value (
            json_array_get (json_object_get (json_object_get (written, "ledger_tx"), "inputs"), 0)),
        S_HEX_A);
    json_decref (written);
    tf_api_tx_destroy (&tx);
    json_decref (json);
}

//  JSON text of mantle_txs and their parts, from the pieces given as JSON text
#define S_MANTLE(ops, inputs, outputs, gas)                                                        \
    "{\"ops\":" ops ",\"ledger_tx\":{\"inputs\":" inputs ",\"outputs\":" outputs                   \
    "},\"execution_gas_price\":" gas ",\"storage_gas_price\":0}"
//  One input and one output, no gas prices
#define S_MANTLE_OPS(ops)                                                                          \
    "{\"ops\":" ops ",\"ledger_tx\":{\"inputs\":[\"" S_HEX_A "\"],\"outputs\":[{\"value\":9,"      \
    "\"pk\":\"" S_HEX_B "\"}]}}"
#define S_OUTPUT(value, pk) "[{\"value\":" value ",\"pk\":" pk "}]"
#define S_INSCRIBE(channel, bytes)                                                                 \
    "[{\"opcode\":0,\"payload\":{\"channel_id\":" channel ",\"inscription\":" bytes                \
    ",\"parent\":\"" S_HEX_A "\",\"signer\":\"" S_HEX_B "\"}}]"
#define S_DECLARE(service, locators)                                                               \
    "[{\"opcode\":32,\"payload\":{\"service_type\":" service ",\"locators\":" locators             \
    ",\"provider_id\":\"" S_HEX_A "\",\"zk_id\":\"" S_HEX_B "\",\"locked_note_id\":\"" S_HEX_A     \
    "\"}}]"

static void
test_api_tx_rejects_malformed_shapes (void **state)
{
    (void) state;
    const char *valid[] = {
        S_MANTLE ("[]", "[\"" S_HEX_A "\"]", S_OUTPUT ("1", "\"" S_HEX_B "\""), "0"),
        S_MANTLE (S_INSCRIBE ("\"" S_HEX_A "\"", "[1,2,255]"), "[]", "[]", "0"),
        S_MANTLE (S_DECLARE ("\"BN\"", "[\"/tf/executor\"]"), "[]", "[]", "0"),
    };
    const char *malformed[] = {
        "[]",
        "{\"ledger_tx\":{\"inputs\":[],\"outputs\":[]},\"execution_gas_price\":0,"
        "\"storage_gas_price\":0}",
        S_MANTLE ("{}", "[]", "[]", "0"),
        S_MANTLE ("[]", "{}", "[]", "0"),
        S_MANTLE ("[]", "[]", "[]", "-1"),
        S_MANTLE ("[]", "[]", "[]", "1.5"),
        S_MANTLE ("[]", "[]", "[]", "\"0\""),
        S_MANTLE ("[]", "[\"" S_HEX_A "0\"]", "[]", "0"),
        S_MANTLE ("[]", "[\"zz" S_HEX_A "\"]", "[]", "0"),
        S_MANTLE ("[]", "[42]", "[]", "0"),
        S_MANTLE ("[]", "[]", S_OUTPUT ("-5", "\"" S_HEX_B "\""), "0"),
        S_MANTLE ("[]", "[]", S_OUTPUT ("\"5\"", "\"" S_HEX_B "\""), "0"),
        S_MANTLE ("[]", "[]", S_OUTPUT ("5", "\"abc\""), "0"),
        S_MANTLE ("[]", "[]", "[{\"value\":5}]", "0"),
        S_MANTLE ("[{\"opcode\":2,\"payload\":{}}]", "[]", "[]", "0"),
        S_MANTLE ("[{\"opcode\":\"0\",\"payload\":{}}]", "[]", "[]", "0"),
        S_MANTLE ("[{\"opcode\":0}]", "[]", "[]", "0"),
        S_MANTLE (S_INSCRIBE ("\"" S_HEX_A "\"", "[1,256]"), "[]", "[]", "0"),
        S_MANTLE (S_INSCRIBE ("\"" S_HEX_A "\"", "\"Test\""), "[]", "[]", "0"),
        S_MANTLE (S_INSCRIBE ("null", "[]"), "[]", "[]", "0"),
        S_MANTLE (S_DECLARE ("\"DA\"", "[]"), "[]", "[]", "0"),
        S_MANTLE (S_DECLARE ("\"BN\"", "[7]"), "[]", "[]", "0"),
        S_MANTLE (S_DECLARE ("\"BN\"", "\"/tf/executor\""), "[]", "[]", "0"),
    };
    for (size_t index = 0; index < sizeof valid / sizeof valid[0]; index++) {
        json_t *json = json_loads (valid[index], 0, NULL);
        assert_non_null (json);
        tf_api_tx_t *tx = tf_api_tx_from_json (json);
        if (!tx)
            fail_msg ("refused a valid tx: %s", valid[index]);
        tf_api_tx_destroy (&tx);
        json_decref (json);
    }
    for (size_t index = 0; index < sizeof malformed / sizeof malformed[0]; index++) {
        json_t *json = json_loads (malformed[index], 0, NULL);
        assert_non_null (json);
        if (tf_api_tx_from_json (json))
            fail_msg ("took a malformed tx: %s", malformed[index]);
        char hash[TF_API_TX_HEX_SIZE];
        assert_int_equal (tf_api_tx_hash (json, hash), -1);
        json_decref (json);
    }
    assert_null (tf_api_tx_from_json (NULL));
}

static void
test_api_tx_ledger_reads_past_ops_tf_node_does_not_know (void **state)
{
    (void) state;
    //  A real node's tx: a ChannelSetKeys op (opcode 2), gas prices left out
    const char *text =
        S_MANTLE_OPS ("[{\"opcode\":2,\"payload\":{\"channel\":\"" S_HEX_A "\",\"keys\":[]}}]");
    json_t *json = json_loads (text, 0, NULL);
    assert_non_null (json);
    assert_null (tf_api_tx_from_json (json));
    tf_api_tx_t *ledger = tf_api_tx_ledger_from_json (json);
    assert_non_null (ledger);
    assert_int_equal (ledger->op_count, 0);
    assert_int_equal (ledger->input_count, 1);
    assert_int_equal (ledger->output_count, 1);
    assert_int_equal (ledger->outputs[0].value, 9);
    s_assert_hex (ledger->outputs[0].pk, S_HEX_B);
    tf_api_tx_destroy (&ledger);
    //  Its ledger_tx is still checked
    json_array_set_new (json_object_get (json_object_get (json, "ledger_tx"), "inputs"), 0,
                        json_string ("short"));
    assert_null (tf_api_tx_ledger_from_json (json));
    json_decref (json);
}

static void
test_api_tx_rejects_malformed_proofs (void **state)
{
    (void) state;
    tf_key_t owners[3];
    s_bytes_t expected;
    tf_api_tx_t *txs[2] = {s_transfer (owners, &expected), s_inscription (&owners[0], &expected)};
    //  Transfer: one signature short, a signature one byte short, a byte out of range
    json_t *json = tf_api_tx_signed_json (txs[0]);
    json_t *signatures = json_object_get (json_object_get (json, "ledger_tx_proof"), "Ed25519Sigs");
    json_array_remove (signatures, 2);
    assert_null (tf_api_tx_from_signed_json (json));
    json_decref (json);
    json = tf_api_tx_signed_json (txs[0]);
    signatures = json_object_get (json_object_get (json, "ledger_tx_proof"), "Ed25519Sigs");
    json_array_remove (json_array_get (signatures, 0), 0);
    assert_null (tf_api_tx_from_signed_json (json));
    json_decref (json);
    json = tf_api_tx_signed_json (txs[0]);
    signatures = json_object_get (json_object_get (json, "ledger_tx_proof"), "Ed25519Sigs");
    json_array_set_new (json_array_get (signatures, 1), 0, json_integer (256));
    assert_null (tf_api_tx_from_signed_json (json));
    json_decref (json);
    //  Inscription: its proof must be an Ed25519Sig, one proof per op
    json = tf_api_tx_signed_json (txs[1]);
    json_array_set_new (json_object_get (json, "ops_proofs"), 0, json_string ("NoProof"));
    assert_null (tf_api_tx_from_signed_json (json));
    json_decref (json);
    json = tf_api_tx_signed_json (txs[1]);
    json_array_clear (json_object_get (json, "ops_proofs"));
    assert_null (tf_api_tx_from_signed_json (json));
    json_decref (json);
    for (size_t which = 0; which < 2; which++)
        tf_api_tx_destroy (&txs[which]);
}

static void
test_api_tx_refuses_what_the_encoding_cannot_hold (void **state)
{
    (void) state;
    uint8_t field[TF_API_TX_FIELD_SIZE];
    s_field (field, 1);
    tf_api_tx_t *tx = tf_api_tx_new ();
    for (size_t count = 0; count < TF_API_TX_MAX_COUNT; count++) {
        assert_int_equal (tf_api_tx_add_input (tx, field), 0);
        assert_int_equal (tf_api_tx_add_output (tx, count, field), 0);
    }
    assert_int_equal (tf_api_tx_add_input (tx, field), -1);
    assert_int_equal (tf_api_tx_add_output (tx, 1, field), -1);
    assert_int_equal (tx->input_count, TF_API_TX_MAX_COUNT);
    //  A full tx still encodes: counts are one byte each
    uint8_t *encoded = NULL;
    size_t size = tf_api_tx_encode (tx, &encoded);
    assert_int_equal (size, 1 + 1 + 255 * 32 + 1 + 255 * 40 + 16);
    assert_int_equal (encoded[1], TF_API_TX_MAX_COUNT);
    free (encoded);
    //  Too many to parse back into one tx
    json_t *json = tf_api_tx_json (tx);
    json_array_append_new (json_object_get (json_object_get (json, "ledger_tx"), "inputs"),
                           json_string (S_HEX_A));
    assert_null (tf_api_tx_from_json (json));
    json_decref (json);
    tf_api_tx_destroy (&tx);

    tx = tf_api_tx_new ();
    assert_int_equal (tf_api_tx_add_output (tx, TF_API_TX_MAX_VALUE, field), 0);
    assert_int_equal (tf_api_tx_add_output (tx, (uint64_t) TF_API_TX_MAX_VALUE + 1, field), -1);
    const char *locators[TF_API_TX_MAX_COUNT + 1];
    for (size_t index = 0; index <= TF_API_TX_MAX_COUNT; index++)
        locators[index] = "/tf/executor";
    assert_int_equal (
        tf_api_tx_add_declare (tx, locators, TF_API_TX_MAX_COUNT + 1, field, field, field), -1);
    assert_int_equal (
        tf_api_tx_add_declare (tx, locators, TF_API_TX_MAX_COUNT, field, field, field), 0);
    assert_int_equal (tx->op_count, 1);
    tf_api_tx_destroy (&tx);
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_api_tx_transfer_matches_tf_node),
        cmocka_unit_test (test_api_tx_inscribe_matches_tf_node),
        cmocka_unit_test (test_api_tx_declare_matches_tf_node_genesis),
        cmocka_unit_test (test_api_tx_reads_what_tf_node_writes),
        cmocka_unit_test (test_api_tx_genesis_yaml_is_what_tf_node_loads),
        cmocka_unit_test (test_api_tx_built_transfers_are_what_tf_node_takes),
        cmocka_unit_test (test_api_tx_note_id_matches_vector_and_tf_node),
        cmocka_unit_test (test_api_tx_json_round_trips),
        cmocka_unit_test (test_api_tx_parses_hex_of_either_case_with_or_without_0x),
        cmocka_unit_test (test_api_tx_rejects_malformed_shapes),
        cmocka_unit_test (test_api_tx_ledger_reads_past_ops_tf_node_does_not_know),
        cmocka_unit_test (test_api_tx_rejects_malformed_proofs),
        cmocka_unit_test (test_api_tx_refuses_what_the_encoding_cannot_hold),
    };
    return cmocka_run_group_tests_name ("tf_api_tx", tests, NULL, NULL);
}
