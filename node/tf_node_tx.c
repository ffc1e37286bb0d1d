//  tf_node_tx.c - SignedMantleTx: JSON shape, canonical encoding, hash, note ids, signatures
//
//  tf-node keeps the real node's JSON shape and encoding (node-api §6) but hashes with
//  blake2b-256 instead of Poseidon2 and proves ownership with Ed25519 signatures instead
//  of ZK proofs. node/README.md §3 is the contract for workloads.
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tf_node_tx.h"

#define TF_NODE_TXHASH_TAG "MANTLE_TXHASH_V1"
#define TF_NODE_NOTEID_TAG "NOTE_ID_V1"

static int s_parse_ops (tf_node_tx_t *self, json_t *ops, json_t *proofs, int genesis,
                        tf_node_buf_t *encoding, const char **why);
static int s_parse_ledger (tf_node_tx_t *self, json_t *ledger, int genesis, tf_node_buf_t *encoding,
                           const char **why);
static int s_parse_ledger_proof (tf_node_tx_t *self, json_t *proof, const char **why);
static int s_check_op_proofs (tf_node_tx_t *self, json_t *ops, json_t *proofs, int genesis,
                              const char **why);

tf_node_tx_t *
tf_node_tx_new (json_t *json, int genesis, char *error, size_t error_size)
{
    const char *why = NULL;
    tf_node_buf_t encoding = {0};
    tf_node_tx_t *self = calloc (1, sizeof *self);
    assert (self);

    json_t *mantle = json_object_get (json, "mantle_tx");
    json_t *ops = json_object_get (mantle, "ops");
    json_t *ledger = json_object_get (mantle, "ledger_tx");
    json_t *proofs = json_object_get (json, "ops_proofs");
    uint64_t exec_gas = 0, storage_gas = 0;
    if (!json_is_object (json) || !json_is_object (mantle)) {
        why = "expected an object with mantle_tx";
        goto out;
    }
    if (!json_is_array (ops) || !json_is_object (ledger)) {
        why = "mantle_tx needs ops (array) and ledger_tx (object)";
        goto out;
    }
    if (!json_is_array (proofs) || json_array_size (proofs) != json_array_size (ops)) {
        why = "ops_proofs must be an array as long as ops";
        goto out;
    }
    if (tf_node_json_get_u64 (json_object_get (mantle, "execution_gas_price"), &exec_gas)
        || tf_node_json_get_u64 (json_object_get (mantle, "storage_gas_price"), &storage_gas)) {
        why = "execution_gas_price and storage_gas_price must be unsigned integers";
        goto out;
    }
    if (s_parse_ops (self, ops, proofs, genesis, &encoding, &why)
        || s_parse_ledger (self, ledger, genesis, &encoding, &why))
        goto out;
    tf_node_buf_u64 (&encoding, exec_gas);
    tf_node_buf_u64 (&encoding, storage_gas);
    if (self->nops == 0 && self->ninputs == 0 && self->noutputs == 0) {
        why = "a tx without inputs and outputs needs an op";
        goto out;
    }

    //  Hash = blake2b-256 (tag || encoding), masked to a BN254 scalar like the real TxHash
    crypto_generichash_state state;
    crypto_generichash_init (&state, NULL, 0, TF_NODE_HASH_SIZE);
    crypto_generichash_update (&state, (const uint8_t *) TF_NODE_TXHASH_TAG,
                               strlen (TF_NODE_TXHASH_TAG));
    crypto_generichash_update (&state, encoding.data, encoding.size);
    crypto_generichash_final (&state, self->hash.bytes, TF_NODE_HASH_SIZE);
    tf_node_hash_mask_fr (&self->hash);

    if (s_check_op_proofs (self, ops, proofs, genesis, &why))
        goto out;
    if (!genesis && s_parse_ledger_proof (self, json_object_get (json, "ledger_tx_proof"), &why))
        goto out;
    self->text = json_dumps (json, JSON_COMPACT | JSON_PRESERVE_ORDER);
    assert (self->text);
out:
    tf_node_buf_reset (&encoding);
    if (why) {
        snprintf (error, error_size, "%s", why);
        tf_node_tx_destroy (&self);
    }
    return self;
}

void
tf_node_tx_destroy (tf_node_tx_t **self_p)
{
    assert (self_p);
    tf_node_tx_t *self = *self_p;
    if (!self)
        return;
    free (self->text);
    free (self->inputs);
    free (self->input_sigs);
    free (self->outputs);
    free (self->decls);
    free (self->blobs);
    free (self);
    *self_p = NULL;
}

void
tf_node_note_id (const tf_node_hash_t *tx_hash, uint64_t index, const tf_node_output_t *output,
                 tf_node_hash_t *out)
{
    tf_node_buf_t buf = {0};
    tf_node_buf_put (&buf, TF_NODE_NOTEID_TAG, strlen (TF_NODE_NOTEID_TAG));
    tf_node_buf_put (&buf, tx_hash->bytes, TF_NODE_HASH_SIZE);
    tf_node_buf_u64 (&buf, index);
    tf_node_buf_u64 (&buf, output->value);
    tf_node_buf_put (&buf, output->pk.bytes, TF_NODE_HASH_SIZE);
    tf_node_blake2b (buf.data, buf.size, out);
    tf_node_hash_mask_fr (out);
    tf_node_buf_reset (&buf);
}

json_t *
tf_node_tx_json (const tf_node_tx_t *self)
{
    assert (self);
    json_t *json = json_loads (self->text, 0, NULL);
    assert (json); //  We wrote the text
    return json;
}

const char *
tf_node_tx_text (const tf_node_tx_t *self)
{
    assert (self);
    return self->text;
}

json_t *
tf_node_tx_api_json (const tf_node_tx_t *self)
{
    assert (self);
    json_t *copy = tf_node_tx_json (self);
    json_t *mantle = json_object_get (copy, "mantle_tx");
    json_t *api_mantle = json_object ();
    json_object_set_new (api_mantle, "hash", tf_node_json_hash (&self->hash));
    const char *key;
    json_t *value;
    json_object_foreach (mantle, key, value) json_object_set (api_mantle, key, value);
    json_object_set_new (copy, "mantle_tx", api_mantle); //  Frees the old mantle_tx
    return copy;
}

tf_node_tx_t *
tf_node_tx_new_transfer (const tf_node_hash_t *inputs, const tf_node_key_t **keys, size_t ninputs,
                         const tf_node_output_t *outputs, size_t noutputs)
{
    json_t *input_list = json_array ();
    for (size_t index = 0; index < ninputs; index++)
        json_array_append_new (input_list, tf_node_json_hash (&inputs[index]));
    json_t *output_list = json_array ();
    for (size_t index = 0; index < noutputs; index++)
        json_array_append_new (output_list,
                               json_pack ("{s:I, s:o}", "value", (json_int_t) outputs[index].value,
                                          "pk", tf_node_json_hash (&outputs[index].pk)));
    json_t *json =
        json_pack ("{s:{s:[], s:{s:o, s:o}, s:i, s:i}, s:[], s:{s:[]}}", "mantle_tx", "ops",
                   "ledger_tx", "inputs", input_list, "outputs", output_list, "execution_gas_price",
                   0, "storage_gas_price", 0, "ops_proofs", "ledger_tx_proof", "Ed25519Sigs");
    assert (json);

    //  Hash first (the proof is not part of it), then sign the hash with each input's key
    tf_node_buf_t encoding = {0};
    tf_node_buf_u8 (&encoding, 0);
    tf_node_buf_u8 (&encoding, (uint8_t) ninputs);
    for (size_t index = 0; index < ninputs; index++)
        tf_node_buf_put (&encoding, inputs[index].bytes, TF_NODE_HASH_SIZE);
    tf_node_buf_u8 (&encoding, (uint8_t) noutputs);
    for (size_t index = 0; index < noutputs; index++) {
        tf_node_buf_u64 (&encoding, outputs[index].value);
        tf_node_buf_put (&encoding, outputs[index].pk.bytes, TF_NODE_HASH_SIZE);
    }
    tf_node_buf_u64 (&encoding, 0);
    tf_node_buf_u64 (&encoding, 0);
    tf_node_buf_t tagged = {0};
    tf_node_buf_put (&tagged, TF_NODE_TXHASH_TAG, strlen (TF_NODE_TXHASH_TAG));
    tf_node_buf_put (&tagged, encoding.data, encoding.size);
    tf_node_hash_t hash;
    tf_node_blake2b (tagged.data, tagged.size, &hash);
    tf_node_hash_mask_fr (&hash);
    tf_node_buf_reset (&encoding);
    tf_node_buf_reset (&tagged);

    json_t *sigs = json_object_get (json_object_get (json, "ledger_tx_proof"), "Ed25519Sigs");
    for (size_t index = 0; index < ninputs; index++) {
        uint8_t signature[TF_NODE_SIG_SIZE];
        tf_node_sign (keys[index], hash.bytes, TF_NODE_HASH_SIZE, signature);
        json_array_append_new (sigs, tf_node_json_bytes (signature, TF_NODE_SIG_SIZE));
    }
    char error[128];
    tf_node_tx_t *self = tf_node_tx_new (json, 0, error, sizeof error);
    json_decref (json);
    return self;
}

tf_node_tx_t *
tf_node_tx_new_inscription (const tf_node_key_t *signer, const tf_node_hash_t *channel,
                            const uint8_t *inscription, size_t size)
{
    static const tf_node_hash_t root; //  Parent message id of a channel's first message
    tf_node_buf_t encoding = {0};
    tf_node_buf_put (&encoding, TF_NODE_TXHASH_TAG, strlen (TF_NODE_TXHASH_TAG));
    tf_node_buf_u8 (&encoding, 1);
    tf_node_buf_u8 (&encoding, TF_NODE_OP_INSCRIBE);
    tf_node_buf_put (&encoding, channel->bytes, TF_NODE_HASH_SIZE);
    tf_node_buf_u32 (&encoding, (uint32_t) size);
    tf_node_buf_put (&encoding, inscription, size);
    tf_node_buf_put (&encoding, root.bytes, TF_NODE_HASH_SIZE);
    tf_node_buf_put (&encoding, signer->pk.bytes, TF_NODE_HASH_SIZE);
    tf_node_buf_u8 (&encoding, 0);
    tf_node_buf_u8 (&encoding, 0);
    tf_node_buf_u64 (&encoding, 0);
    tf_node_buf_u64 (&encoding, 0);
    tf_node_hash_t hash;
    tf_node_blake2b (encoding.data, encoding.size, &hash);
    tf_node_hash_mask_fr (&hash);
    tf_node_buf_reset (&encoding);
    uint8_t signature[TF_NODE_SIG_SIZE];
    tf_node_sign (signer, hash.bytes, TF_NODE_HASH_SIZE, signature);
    json_t *json = json_pack (
        "{s:{s:[{s:i, s:{s:o, s:o, s:o, s:o}}], s:{s:[], s:[]}, s:i, s:i}, s:[{s:o}], s:{s:[]}}",
        "mantle_tx", "ops", "opcode", TF_NODE_OP_INSCRIBE, "payload", "channel_id",
        tf_node_json_hash (channel), "inscription", tf_node_json_bytes (inscription, size),
        "parent", tf_node_json_hash (&root), "signer", tf_node_json_hash (&signer->pk), "ledger_tx",
        "inputs", "outputs", "execution_gas_price", 0, "storage_gas_price", 0, "ops_proofs",
        "Ed25519Sig", tf_node_json_bytes (signature, TF_NODE_SIG_SIZE), "ledger_tx_proof",
        "Ed25519Sigs");
    assert (json);
    char error[128];
    tf_node_tx_t *self = tf_node_tx_new (json, 0, error, sizeof error);
    json_decref (json);
    return self;
}

tf_node_tx_t *
tf_node_tx_new_blob (const tf_node_key_t *signer, const tf_node_hash_t *channel,
                     const tf_node_hash_t *blob_id, uint64_t size, const tf_node_hash_t *parent)
{
    tf_node_buf_t encoding = {0};
    tf_node_buf_put (&encoding, TF_NODE_TXHASH_TAG, strlen (TF_NODE_TXHASH_TAG));
    tf_node_buf_u8 (&encoding, 1);
    tf_node_buf_u8 (&encoding, TF_NODE_OP_BLOB);
    tf_node_buf_put (&encoding, channel->bytes, TF_NODE_HASH_SIZE);
    tf_node_buf_put (&encoding, blob_id->bytes, TF_NODE_HASH_SIZE);
    tf_node_buf_u64 (&encoding, size);
    tf_node_buf_u64 (&encoding, 0); //  da_storage_gas_price
    tf_node_buf_put (&encoding, parent->bytes, TF_NODE_HASH_SIZE);
    tf_node_buf_put (&encoding, signer->pk.bytes, TF_NODE_HASH_SIZE);
    tf_node_buf_u8 (&encoding, 0);
    tf_node_buf_u8 (&encoding, 0);
    tf_node_buf_u64 (&encoding, 0);
    tf_node_buf_u64 (&encoding, 0);
    tf_node_hash_t hash;
    tf_node_blake2b (encoding.data, encoding.size, &hash);
    tf_node_hash_mask_fr (&hash);
    tf_node_buf_reset (&encoding);
    uint8_t signature[TF_NODE_SIG_SIZE];
    tf_node_sign (signer, hash.bytes, TF_NODE_HASH_SIZE, signature);
    json_t *json = json_pack (
        "{s:{s:[{s:i, s:{s:o, s:o, s:I, s:i, s:o, s:o}}], s:{s:[], s:[]}, s:i, s:i}, s:[{s:o}], "
        "s:{s:[]}}",
        "mantle_tx", "ops", "opcode", TF_NODE_OP_BLOB, "payload", "channel_id",
        tf_node_json_hash (channel), "blob_id", tf_node_json_hash (blob_id), "blob_size",
        (json_int_t) size, "da_storage_gas_price", 0, "parent", tf_node_json_hash (parent),
        "signer", tf_node_json_hash (&signer->pk), "ledger_tx", "inputs", "outputs",
        "execution_gas_price", 0, "storage_gas_price", 0, "ops_proofs", "Ed25519Sig",
        tf_node_json_bytes (signature, TF_NODE_SIG_SIZE), "ledger_tx_proof", "Ed25519Sigs");
    assert (json);
    char error[128];
    tf_node_tx_t *self = tf_node_tx_new (json, 0, error, sizeof error);
    json_decref (json);
    return self;
}

json_t *
tf_node_json_hash (const tf_node_hash_t *hash)
{
    char hex[2 * TF_NODE_HASH_SIZE + 1];
    return json_string (tf_node_hash_hex (hash, hex));
}

json_t *
tf_node_json_bytes (const uint8_t *data, size_t size)
{
    json_t *array = json_array ();
    for (size_t index = 0; index < size; index++)
        json_array_append_new (array, json_integer (data[index]));
    return array;
}

int
tf_node_json_get_hash (const json_t *value, tf_node_hash_t *out)
{
    if (!json_is_string (value))
        return -1;
    return tf_node_hex_decode (json_string_value (value), out->bytes, TF_NODE_HASH_SIZE);
}

int
tf_node_json_get_bytes (const json_t *value, uint8_t *out, size_t size)
{
    if (!json_is_array (value) || json_array_size (value) != size)
        return -1;
    for (size_t index = 0; index < size; index++) {
        json_t *item = json_array_get (value, index);
        if (!json_is_integer (item) || json_integer_value (item) < 0
            || json_integer_value (item) > 255)
            return -1;
        out[index] = (uint8_t) json_integer_value (item);
    }
    return 0;
}

int
tf_node_json_get_u64 (const json_t *value, uint64_t *out)
{
    if (!json_is_integer (value) || json_integer_value (value) < 0)
        return -1;
    *out = (uint64_t) json_integer_value (value);
    return 0;
}

//  Walk the ops, encode them for the hash, and note SDPDeclares.
static int
s_parse_ops (tf_node_tx_t *self, json_t *ops, json_t *proofs, int genesis, tf_node_buf_t *encoding,
             const char **why)
{
    self->nops = json_array_size (ops);
    if (self->nops > (genesis ? 255 : TF_NODE_TX_MAX_OPS)) {
        *why = "too many ops";
        return -1;
    }
    self->decls = calloc (self->nops ? self->nops : 1, sizeof *self->decls);
    self->blobs = calloc (self->nops ? self->nops : 1, sizeof *self->blobs);
    assert (self->decls && self->blobs);
    tf_node_buf_u8 (encoding, (uint8_t) self->nops);
    size_t index;
    json_t *op;
    json_array_foreach (ops, index, op)
    {
        uint64_t opcode;
        json_t *payload = json_object_get (op, "payload");
        if (tf_node_json_get_u64 (json_object_get (op, "opcode"), &opcode)
            || !json_is_object (payload)) {
            *why = "an op must be {opcode, payload}";
            return -1;
        }
        if (opcode == TF_NODE_OP_INSCRIBE) {
            tf_node_hash_t channel, parent, signer;
            json_t *inscription = json_object_get (payload, "inscription");
            if (tf_node_json_get_hash (json_object_get (payload, "channel_id"), &channel)
                || tf_node_json_get_hash (json_object_get (payload, "parent"), &parent)
                || tf_node_json_get_hash (json_object_get (payload, "signer"), &signer)
                || !json_is_array (inscription)
                || json_array_size (inscription) > TF_NODE_TX_MAX_INSCRIPTION) {
                *why = "ChannelInscribe needs channel_id, inscription (bytes), parent, signer";
                return -1;
            }
            size_t length = json_array_size (inscription);
            uint8_t *bytes = malloc (length + 1);
            assert (bytes);
            int rc = tf_node_json_get_bytes (inscription, bytes, length);
            tf_node_buf_u8 (encoding, TF_NODE_OP_INSCRIBE);
            tf_node_buf_put (encoding, channel.bytes, TF_NODE_HASH_SIZE);
            tf_node_buf_u32 (encoding, (uint32_t) length);
            tf_node_buf_put (encoding, bytes, length);
            tf_node_buf_put (encoding, parent.bytes, TF_NODE_HASH_SIZE);
            tf_node_buf_put (encoding, signer.bytes, TF_NODE_HASH_SIZE);
            free (bytes);
            if (rc || !tf_node_pk_is_valid (&signer)) {
                *why = "ChannelInscribe inscription must be bytes and signer a valid key";
                return -1;
            }
        }
        else if (opcode == TF_NODE_OP_BLOB) {
            tf_node_hash_t channel, blob_id, parent, signer;
            uint64_t size, gas;
            if (tf_node_json_get_hash (json_object_get (payload, "channel_id"), &channel)
                || tf_node_json_get_hash (json_object_get (payload, "blob_id"), &blob_id)
                || tf_node_json_get_u64 (json_object_get (payload, "blob_size"), &size)
                || tf_node_json_get_u64 (json_object_get (payload, "da_storage_gas_price"), &gas)
                || tf_node_json_get_hash (json_object_get (payload, "parent"), &parent)
                || tf_node_json_get_hash (json_object_get (payload, "signer"), &signer)
                || !tf_node_pk_is_valid (&signer)) {
                *why = "ChannelBlob needs channel_id, blob_id, blob_size, da_storage_gas_price, "
                       "parent, signer (a valid key)";
                return -1;
            }
            tf_node_buf_u8 (encoding, TF_NODE_OP_BLOB);
            tf_node_buf_put (encoding, channel.bytes, TF_NODE_HASH_SIZE);
            tf_node_buf_put (encoding, blob_id.bytes, TF_NODE_HASH_SIZE);
            tf_node_buf_u64 (encoding, size);
            tf_node_buf_u64 (encoding, gas);
            tf_node_buf_put (encoding, parent.bytes, TF_NODE_HASH_SIZE);
            tf_node_buf_put (encoding, signer.bytes, TF_NODE_HASH_SIZE);
            self->blobs[self->nblobs++] = blob_id;
        }
        else if (opcode == TF_NODE_OP_SDP_DECLARE && genesis) {
            tf_node_decl_t *decl = &self->decls[self->ndecls];
            tf_node_hash_t zk_id;
            json_t *locators = json_object_get (payload, "locators");
            json_t *locked = json_object_get (payload, "locked_note_id");
            if (tf_node_json_get_hash (json_object_get (payload, "provider_id"), &decl->provider_id)
                || tf_node_json_get_hash (json_object_get (payload, "zk_id"), &zk_id)
                || !json_is_array (locators) || json_array_size (locators) > 255
                || !(json_is_string (locked) || json_is_integer (locked))) {
                *why = "SDPDeclare needs provider_id, zk_id, locators, locked_note_id";
                return -1;
            }
            //  An output index is resolved to its note id once the hash is known
            if (tf_node_json_get_hash (locked, &decl->locked_note_id)) {
                char number[32];
                snprintf (number, sizeof number, "%lld",
                          json_is_integer (locked) ? (long long) json_integer_value (locked)
                                                   : -1LL);
                const char *text = json_is_string (locked) ? json_string_value (locked) : number;
                char *end;
                unsigned long output = strtoul (text, &end, 10);
                if (*end || end == text || text[0] == '-' || output > 255) {
                    *why = "SDPDeclare locked_note_id must be 64 hex or an output index";
                    return -1;
                }
                memset (&decl->locked_note_id, 0, sizeof decl->locked_note_id);
                decl->locked_note_id.bytes[0] = (uint8_t) output;
                decl->locked_note_id.bytes[31] = 0xff; //  Marks "index", see below
            }
            tf_node_buf_u8 (encoding, TF_NODE_OP_SDP_DECLARE);
            tf_node_buf_u8 (encoding, 0); //  Service type BN
            tf_node_buf_u8 (encoding, (uint8_t) json_array_size (locators));
            size_t position;
            json_t *locator;
            json_array_foreach (locators, position, locator)
            {
                if (!json_is_string (locator)) {
                    *why = "SDPDeclare locators must be strings";
                    return -1;
                }
                const char *text = json_string_value (locator);
                tf_node_buf_u32 (encoding, (uint32_t) strlen (text));
                tf_node_buf_put (encoding, text, strlen (text));
                if (strcmp (text, TF_NODE_EXECUTOR_LOCATOR) == 0)
                    decl->executor = 1;
            }
            static const uint8_t zero[TF_NODE_HASH_SIZE];
            tf_node_buf_put (encoding, decl->provider_id.bytes, TF_NODE_HASH_SIZE);
            tf_node_buf_put (encoding, zk_id.bytes, TF_NODE_HASH_SIZE);
            tf_node_buf_put (encoding, zero, TF_NODE_HASH_SIZE); //  Zeroed: see README 1.2
            self->ndecls++;
        }
        else {
            *why = "unsupported op (only ChannelInscribe, opcode 0, and ChannelBlob, opcode 1)";
            return -1;
        }
    }
    (void) proofs;
    return 0;
}

//  Inputs and outputs, encoded for the hash.
static int
s_parse_ledger (tf_node_tx_t *self, json_t *ledger, int genesis, tf_node_buf_t *encoding,
                const char **why)
{
    json_t *inputs = json_object_get (ledger, "inputs");
    json_t *outputs = json_object_get (ledger, "outputs");
    if (!json_is_array (inputs) || !json_is_array (outputs)) {
        *why = "ledger_tx needs inputs and outputs arrays";
        return -1;
    }
    size_t max_outputs = genesis ? TF_NODE_GENESIS_MAX_OUTPUTS : TF_NODE_TX_MAX_OUTPUTS;
    if (json_array_size (inputs) > TF_NODE_TX_MAX_INPUTS
        || json_array_size (outputs) > max_outputs) {
        *why = "too many inputs or outputs";
        return -1;
    }
    self->ninputs = json_array_size (inputs);
    self->noutputs = json_array_size (outputs);
    self->inputs = calloc (self->ninputs + 1, sizeof *self->inputs);
    self->input_sigs = calloc (self->ninputs + 1, sizeof *self->input_sigs);
    self->outputs = calloc (self->noutputs + 1, sizeof *self->outputs);
    assert (self->inputs && self->input_sigs && self->outputs);

    tf_node_buf_u8 (encoding, (uint8_t) self->ninputs);
    for (size_t index = 0; index < self->ninputs; index++) {
        if (tf_node_json_get_hash (json_array_get (inputs, index), &self->inputs[index])) {
            *why = "an input must be a 64-hex note id";
            return -1;
        }
        for (size_t earlier = 0; earlier < index; earlier++)
            if (tf_node_hash_cmp (&self->inputs[earlier], &self->inputs[index]) == 0) {
                *why = "the same input appears twice";
                return -1;
            }
        tf_node_buf_put (encoding, self->inputs[index].bytes, TF_NODE_HASH_SIZE);
    }
    tf_node_buf_u8 (encoding, (uint8_t) self->noutputs);
    for (size_t index = 0; index < self->noutputs; index++) {
        json_t *output = json_array_get (outputs, index);
        tf_node_output_t *note = &self->outputs[index];
        if (tf_node_json_get_u64 (json_object_get (output, "value"), &note->value)
            || tf_node_json_get_hash (json_object_get (output, "pk"), &note->pk)) {
            *why = "an output must be {value: u64, pk: 64 hex}";
            return -1;
        }
        tf_node_buf_u64 (encoding, note->value);
        tf_node_buf_put (encoding, note->pk.bytes, TF_NODE_HASH_SIZE);
    }
    //  Locked note ids given as output indexes become real note ids now
    return 0;
}

static int
s_parse_ledger_proof (tf_node_tx_t *self, json_t *proof, const char **why)
{
    json_t *sigs = json_object_get (proof, "Ed25519Sigs");
    if (!json_is_array (sigs) || json_array_size (sigs) != self->ninputs) {
        *why = "ledger_tx_proof must be {Ed25519Sigs: [one signature per input]}";
        return -1;
    }
    for (size_t index = 0; index < self->ninputs; index++)
        if (tf_node_json_get_bytes (json_array_get (sigs, index), self->input_sigs[index],
                                    TF_NODE_SIG_SIZE)) {
            *why = "a ledger signature must be an array of 64 integers";
            return -1;
        }
    return 0;
}

//  Op proofs need the hash: ChannelInscribe is signed by its signer over the tx hash.
static int
s_check_op_proofs (tf_node_tx_t *self, json_t *ops, json_t *proofs, int genesis, const char **why)
{
    size_t index;
    json_t *op;
    json_array_foreach (ops, index, op)
    {
        json_t *payload = json_object_get (op, "payload");
        json_t *proof = json_array_get (proofs, index);
        json_int_t opcode = json_integer_value (json_object_get (op, "opcode"));
        if (opcode == TF_NODE_OP_INSCRIBE || opcode == TF_NODE_OP_BLOB) {
            uint8_t signature[TF_NODE_SIG_SIZE];
            tf_node_hash_t signer;
            tf_node_json_get_hash (json_object_get (payload, "signer"), &signer);
            if (tf_node_json_get_bytes (json_object_get (proof, "Ed25519Sig"), signature,
                                        TF_NODE_SIG_SIZE)
                || tf_node_verify (&signer, self->hash.bytes, TF_NODE_HASH_SIZE, signature)) {
                *why = opcode == TF_NODE_OP_BLOB
                           ? "ChannelBlob proof must be a valid Ed25519Sig by signer"
                           : "ChannelInscribe proof must be a valid Ed25519Sig by signer";
                return -1;
            }
        }
    }
    //  Genesis: resolve output-index locked note ids
    for (size_t decl = 0; genesis && decl < self->ndecls; decl++) {
        tf_node_hash_t *locked = &self->decls[decl].locked_note_id;
        if (locked->bytes[31] == 0xff) {
            size_t output = locked->bytes[0];
            if (output >= self->noutputs) {
                *why = "SDPDeclare locked_note_id index is past the outputs";
                return -1;
            }
            tf_node_note_id (&self->hash, output, &self->outputs[output], locked);
        }
    }
    return 0;
}
