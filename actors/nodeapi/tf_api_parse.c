//  tf_api_parse.c - the node's JSON as plain structs (see tf_api_parse.h)
//
//  Strict about what we use (ids, slot, parent, tx shapes), lenient about the
//  rest: unknown keys are ignored, as the real node's clients do.

#include <czmq.h>
#include "tf_api_parse.h"

#define S_ZERO_ID "0000000000000000000000000000000000000000000000000000000000000000"

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
    for (size_t index = 0; index < self->blobs.count; index++)
        free (self->blobs.items[index]);
    free (self->blobs.items);
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
//  Blocks

//  Add one tx's hash and output pks to block; api says whether the mantle_tx
//  carries its hash (ApiBlock, whose txs may hold ops tf-node does not know) or
//  it must be computed (storage form)
static int
s_parse_tx (tf_api_block_t *block, const json_t *mantle, bool api)
{
    int rc = -1;
    tf_api_tx_t *tx = api ? tf_api_tx_ledger_from_json (mantle) : tf_api_tx_from_json (mantle);
    char hash[TF_API_ID_SIZE];
    if (!tx)
        goto out;
    if (!api) {
        uint8_t digest[TF_API_TX_FIELD_SIZE];
        tf_api_tx_digest (tx, digest);
        tf_keys_hex32 (digest, hash);
    }
    else if (tf_api_id_copy (json_string_value (json_object_get (mantle, "hash")), hash))
        goto out;
    s_strs_add (&block->txs, hash);
    for (size_t output = 0; output < tx->output_count; output++) {
        char pk[TF_API_TX_HEX_SIZE];
        tf_keys_hex32 (tx->outputs[output].pk, pk);
        s_strs_add (&block->outputs, pk);
    }
    //  ChannelBlob ops, read from the JSON so both forms give them
    size_t index;
    const json_t *op;
    json_array_foreach (json_object_get (mantle, "ops"), index, op)
    {
        const json_t *opcode = json_object_get (op, "opcode");
        char blob_id[TF_API_ID_SIZE];
        if (!json_is_integer (opcode) || json_integer_value (opcode) != TF_API_TX_OP_BLOB)
            continue;
        if (tf_api_id_copy (
                json_string_value (json_object_get (json_object_get (op, "payload"), "blob_id")),
                blob_id))
            goto out;
        s_strs_add (&block->blobs, blob_id);
    }
    rc = 0;
out:
    tf_api_tx_destroy (&tx);
    return rc;
}

//  Fill txs and outputs from a transactions array
static int
s_parse_transactions (tf_api_block_t *block, const json_t *transactions, bool api)
{
    if (!json_is_array (transactions))
        return -1;
    size_t index;
    const json_t *item;
    json_array_foreach (transactions, index, item)
    {
        if (s_parse_tx (block, json_object_get (item, "mantle_tx"), api))
            return -1;
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
