//  tf_api_parse.c - the node's JSON as plain structs (see tf_api_parse.h)
//
//  Strict about what we use (ids, slot, parent, tx shapes), lenient about the
//  rest: unknown keys are ignored, as the real node's clients do.

#include <sodium.h>
#include "tf_api_parse.h"

#define S_TXHASH_TAG     "MANTLE_TXHASH_V1" //  node/README.md §3.2
#define S_HASH_SIZE      32                 //  BLAKE2b-256
#define S_SCALAR_BYTE    31                 //  Byte masked to keep a BN254 scalar
#define S_SCALAR_MASK    0x0f
#define S_OP_INSCRIBE    0   //  ChannelInscribe
#define S_OP_SDP_DECLARE 32  //  SDPDeclare
#define S_MAX_COUNT      255 //  Counts are encoded as one byte
#define S_ZERO_ID        "0000000000000000000000000000000000000000000000000000000000000000"

bool
tf_api_id_is_zero (const char *id)
{
    return id && strcmp (id, S_ZERO_ID) == 0;
}

int
tf_api_id_copy (const char *text, char out[TF_API_ID_SIZE])
{
    if (!text)
        return -1;
    if (text[0] == '0' && (text[1] == 'x' || text[1] == 'X'))
        text += 2;
    if (strlen (text) != TF_API_ID_HEX)
        return -1;
    for (size_t index = 0; index < TF_API_ID_HEX; index++) {
        if (!isxdigit ((unsigned char) text[index]))
            return -1;
        out[index] = (char) tolower ((unsigned char) text[index]);
    }
    out[TF_API_ID_HEX] = 0;
    return 0;
}

//  An unsigned JSON integer
static int
s_get_u64 (const json_t *value, uint64_t *out)
{
    if (!json_is_integer (value) || json_integer_value (value) < 0)
        return -1;
    *out = (uint64_t) json_integer_value (value);
    return 0;
}

int
tf_api_info_parse (const char *json, size_t size, tf_api_info_t *info)
{
    assert (json && info);
    int rc = -1;
    json_t *root = json_loadb (json, size, 0, NULL);
    tf_api_info_t parsed;
    memset (&parsed, 0, sizeof parsed);
    const char *mode = json_string_value (json_object_get (root, "mode"));
    if (!json_is_object (root)
        || tf_api_id_copy (json_string_value (json_object_get (root, "tip")), parsed.tip)
        || tf_api_id_copy (json_string_value (json_object_get (root, "lib")), parsed.lib)
        || s_get_u64 (json_object_get (root, "slot"), &parsed.slot)
        || s_get_u64 (json_object_get (root, "height"), &parsed.height))
        goto out;
    snprintf (parsed.mode, sizeof parsed.mode, "%s", mode ? mode : "");
    *info = parsed;
    rc = 0;
out:
    json_decref (root);
    return rc;
}

void
tf_api_block_destroy (tf_api_block_t **self_p)
{
    assert (self_p);
    tf_api_block_t *self = *self_p;
    if (!self)
        return;
    for (size_t index = 0; index < self->txs.count; index++)
        free (self->txs.items[index]);
    free (self->txs.items);
    for (size_t index = 0; index < self->outputs.count; index++)
        free (self->outputs.items[index]);
    free (self->outputs.items);
    free (self);
    *self_p = NULL;
}

//  Append a copy of text to strs
static void
s_strs_add (tf_strs_t *strs, const char *text)
{
    strs->items = (char **) realloc (strs->items, (strs->count + 1) * sizeof (char *));
    assert (strs->items);
    strs->items[strs->count++] = strdup (text);
}


//  ---------------------------------------------------------------------------
//  Tx hash, tf-node flavour: BLAKE2b-256 ("MANTLE_TXHASH_V1" || encoding)

//  Feed bytes to the hash
static void
s_put (crypto_generichash_state *state, const void *data, size_t size)
{
    crypto_generichash_update (state, (const unsigned char *) data, size);
}

static void
s_put_u8 (crypto_generichash_state *state, uint64_t value)
{
    uint8_t byte = (uint8_t) value;
    s_put (state, &byte, 1);
}

//  Feed an unsigned integer as width little-endian bytes
static void
s_put_le (crypto_generichash_state *state, uint64_t value, size_t width)
{
    uint8_t bytes[sizeof (uint64_t)];
    for (size_t index = 0; index < width; index++)
        bytes[index] = (uint8_t) (value >> (8 * index));
    s_put (state, bytes, width);
}

//  32 bytes from 64 hex characters
static int
s_put_hex32 (crypto_generichash_state *state, const json_t *value)
{
    char hex[TF_API_ID_SIZE];
    uint8_t bytes[S_HASH_SIZE];
    if (tf_api_id_copy (json_string_value (value), hex)
        || sodium_hex2bin (bytes, sizeof bytes, hex, TF_API_ID_HEX, NULL, NULL, NULL))
        return -1;
    s_put (state, bytes, sizeof bytes);
    return 0;
}

//  Feed one op in the node-api §6 encoding; -1 for an op tf-node does not take
static int
s_put_op (crypto_generichash_state *state, const json_t *op)
{
    uint64_t opcode = 0;
    const json_t *payload = json_object_get (op, "payload");
    if (s_get_u64 (json_object_get (op, "opcode"), &opcode) || !json_is_object (payload))
        return -1;
    s_put_u8 (state, opcode);
    if (opcode == S_OP_INSCRIBE) {
        const json_t *inscription = json_object_get (payload, "inscription");
        if (!json_is_array (inscription)
            || s_put_hex32 (state, json_object_get (payload, "channel_id")))
            return -1;
        s_put_le (state, json_array_size (inscription), sizeof (uint32_t));
        size_t index;
        const json_t *byte;
        json_array_foreach (inscription, index, byte)
        {
            uint64_t value;
            if (s_get_u64 (byte, &value) || value > UINT8_MAX)
                return -1;
            s_put_u8 (state, value);
        }
        return s_put_hex32 (state, json_object_get (payload, "parent"))
                       || s_put_hex32 (state, json_object_get (payload, "signer"))
                   ? -1
                   : 0;
    }
    if (opcode == S_OP_SDP_DECLARE) {
        const json_t *locators = json_object_get (payload, "locators");
        if (!json_is_array (locators) || json_array_size (locators) > S_MAX_COUNT)
            return -1;
        s_put_u8 (state, 0); //  service_type BN
        s_put_u8 (state, json_array_size (locators));
        size_t index;
        const json_t *locator;
        json_array_foreach (locators, index, locator)
        {
            if (!json_is_string (locator))
                return -1;
            s_put_le (state, json_string_length (locator), sizeof (uint32_t));
            s_put (state, json_string_value (locator), json_string_length (locator));
        }
        return s_put_hex32 (state, json_object_get (payload, "provider_id"))
                       || s_put_hex32 (state, json_object_get (payload, "zk_id"))
                       || s_put_hex32 (state, json_object_get (payload, "locked_note_id"))
                   ? -1
                   : 0;
    }
    return -1; //  tf-node accepts no other op
}

int
tf_api_tx_hash (const json_t *mantle_tx, char hash[TF_API_ID_SIZE])
{
    const json_t *ops = json_object_get (mantle_tx, "ops");
    const json_t *ledger = json_object_get (mantle_tx, "ledger_tx");
    const json_t *inputs = json_object_get (ledger, "inputs");
    const json_t *outputs = json_object_get (ledger, "outputs");
    uint64_t execution_gas = 0, storage_gas = 0;
    if (!json_is_array (ops) || !json_is_array (inputs) || !json_is_array (outputs)
        || json_array_size (ops) > S_MAX_COUNT || json_array_size (inputs) > S_MAX_COUNT
        || json_array_size (outputs) > S_MAX_COUNT
        || s_get_u64 (json_object_get (mantle_tx, "execution_gas_price"), &execution_gas)
        || s_get_u64 (json_object_get (mantle_tx, "storage_gas_price"), &storage_gas))
        return -1;
    crypto_generichash_state state;
    crypto_generichash_init (&state, NULL, 0, S_HASH_SIZE);
    s_put (&state, S_TXHASH_TAG, strlen (S_TXHASH_TAG));
    s_put_u8 (&state, json_array_size (ops));
    size_t index;
    const json_t *item;
    json_array_foreach (ops, index, item) if (s_put_op (&state, item)) return -1;
    s_put_u8 (&state, json_array_size (inputs));
    json_array_foreach (inputs, index, item) if (s_put_hex32 (&state, item)) return -1;
    s_put_u8 (&state, json_array_size (outputs));
    json_array_foreach (outputs, index, item)
    {
        uint64_t value = 0;
        if (s_get_u64 (json_object_get (item, "value"), &value))
            return -1;
        s_put_le (&state, value, sizeof (uint64_t));
        if (s_put_hex32 (&state, json_object_get (item, "pk")))
            return -1;
    }
    s_put_le (&state, execution_gas, sizeof (uint64_t));
    s_put_le (&state, storage_gas, sizeof (uint64_t));
    uint8_t digest[S_HASH_SIZE];
    crypto_generichash_final (&state, digest, sizeof digest);
    digest[S_SCALAR_BYTE] &= S_SCALAR_MASK;
    sodium_bin2hex (hash, TF_API_ID_SIZE, digest, sizeof digest);
    return 0;
}


//  ---------------------------------------------------------------------------
//  Blocks

//  Fill txs and outputs from a transactions array; api says whether each
//  mantle_tx carries its hash (ApiBlock) or it must be computed (storage form)
static int
s_parse_transactions (tf_api_block_t *block, const json_t *transactions, bool api)
{
    if (!json_is_array (transactions))
        return -1;
    size_t index;
    const json_t *tx;
    json_array_foreach (transactions, index, tx)
    {
        const json_t *mantle = json_object_get (tx, "mantle_tx");
        if (!json_is_object (mantle))
            return -1;
        char hash[TF_API_ID_SIZE];
        int rc = api ? tf_api_id_copy (json_string_value (json_object_get (mantle, "hash")), hash)
                     : tf_api_tx_hash (mantle, hash);
        if (rc)
            return -1;
        s_strs_add (&block->txs, hash);
        const json_t *outputs = json_object_get (json_object_get (mantle, "ledger_tx"), "outputs");
        size_t output_index;
        const json_t *output;
        json_array_foreach (outputs, output_index, output)
        {
            char pk[TF_API_ID_SIZE];
            if (tf_api_id_copy (json_string_value (json_object_get (output, "pk")), pk))
                return -1;
            s_strs_add (&block->outputs, pk);
        }
    }
    return 0;
}

//  Common part of both forms: header fields and transactions
static tf_api_block_t *
s_parse_block (const json_t *root, const char *id, bool api)
{
    tf_api_block_t *block = (tf_api_block_t *) zmalloc (sizeof (tf_api_block_t));
    const json_t *header = json_object_get (root, "header");
    const char *id_text = api ? json_string_value (json_object_get (header, "id")) : id;
    if (!json_is_object (header) || tf_api_id_copy (id_text, block->id)
        || tf_api_id_copy (json_string_value (json_object_get (header, "parent_block")),
                           block->parent)
        || s_get_u64 (json_object_get (header, "slot"), &block->slot)
        || s_parse_transactions (block, json_object_get (root, "transactions"), api))
        tf_api_block_destroy (&block);
    return block;
}

int
tf_api_block_parse_storage (const char *json, size_t size, const char *id, tf_api_block_t **block_p)
{
    assert (json && id && block_p);
    json_t *root = json_loadb (json, size, JSON_DECODE_ANY, NULL);
    int rc = -1;
    if (json_is_null (root))
        rc = 1;
    else if (json_is_object (root)) {
        tf_api_block_t *block = s_parse_block (root, id, false);
        if (block) {
            *block_p = block;
            rc = 0;
        }
    }
    json_decref (root);
    return rc;
}

tf_api_block_t *
tf_api_block_from_json (const json_t *api_block)
{
    return json_is_object (api_block) ? s_parse_block (api_block, NULL, true) : NULL;
}

int
tf_api_event_parse (const char *line, size_t size, tf_api_block_t **block_p,
                    char tip[TF_API_ID_SIZE], char lib[TF_API_ID_SIZE])
{
    assert (line && block_p && tip && lib);
    json_t *root = json_loadb (line, size, 0, NULL);
    int rc = -1;
    //  Older nodes streamed bare ApiBlocks, without tip and lib
    const json_t *api_block = json_object_get (root, "block");
    if (!api_block && json_object_get (root, "header"))
        api_block = root;
    tf_api_block_t *block = tf_api_block_from_json (api_block);
    if (block) {
        if (tf_api_id_copy (json_string_value (json_object_get (root, "tip")), tip))
            tip[0] = 0;
        if (tf_api_id_copy (json_string_value (json_object_get (root, "lib")), lib))
            lib[0] = 0;
        *block_p = block;
        rc = 0;
    }
    json_decref (root);
    return rc;
}
