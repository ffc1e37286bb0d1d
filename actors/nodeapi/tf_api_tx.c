//  tf_api_tx.c - the node's transaction format (see tf_api_tx.h)
//
//  The one place on the framework's side that knows the format. Encoding (node-api §6,
//  node/README.md §3.2):
//      u8 n_ops || ops || u8 n_inputs || inputs (32 each) || u8 n_outputs ||
//      outputs (u64 LE value || pk 32) || u64 LE execution_gas_price || u64 LE storage_gas_price
//      op = u8 opcode || payload
//        ChannelInscribe: channel_id 32 || u32 LE size || inscription || parent 32 || signer 32
//        SDPDeclare: u8 service_type || u8 n_locators || (u32 LE size || utf8)* ||
//                    provider_id 32 || zk_id 32 || locked_note_id 32
//  Hashes (node/README.md §3.2, §3.3), byte 31 of each masked to keep a BN254 scalar:
//      tx hash = BLAKE2b-256 ("MANTLE_TXHASH_V1" || encoding, locked_note_ids zeroed)
//      note id = BLAKE2b-256 ("NOTE_ID_V1" || tx hash || u64 LE index || u64 LE value || pk)

#include <czmq.h>
#include <ctype.h>
#include <sodium.h>
#include "tf_api_tx.h"

#define S_TX_TAG       "MANTLE_TXHASH_V1" //  Personalisation of tx hashes
#define S_NOTE_TAG     "NOTE_ID_V1"       //  Personalisation of note ids
#define S_SCALAR_BYTE  31                 //  Byte masked to keep a hash a BN254 scalar
#define S_SCALAR_MASK  TF_KEYS_SCALAR_MASK
#define S_U32_SIZE     4    //  Little-endian u32 (lengths) in the encoding
#define S_U64_SIZE     8    //  Little-endian u64 (values, gas prices)
#define S_HEX_DIGITS   64   //  A 32-byte field in JSON
#define S_SERVICE_BN   "BN" //  The one service_type tf-node knows
#define S_NO_PROOF     "NoProof"
#define S_INITIAL_ROOM 256 //  First allocation of an encoding buffer

_Static_assert(TF_API_TX_SIG_SIZE == crypto_sign_BYTES, "Ed25519 signature size");
_Static_assert(TF_API_TX_FIELD_SIZE == TF_KEYS_PUBLIC_SIZE, "public keys are 32-byte fields");

//  libsodium must start before its hashes and signatures; it cannot fail short of a
//  broken system, which ends the process like running out of memory does
static void
s_init_sodium (void)
{
    if (sodium_init () < 0) {
        zsys_error ("api_tx: libsodium cannot start");
        abort ();
    }
}

tf_api_tx_t *
tf_api_tx_new (void)
{
    s_init_sodium ();
    return (tf_api_tx_t *) zmalloc (sizeof (tf_api_tx_t));
}

//  Free what one op owns
static void
s_op_free (tf_api_op_t *op)
{
    if (op->opcode == TF_API_TX_OP_INSCRIBE)
        free (op->inscribe.inscription);
    else if (op->opcode == TF_API_TX_OP_SDP_DECLARE) {
        for (size_t index = 0; index < op->declare.locator_count; index++)
            free (op->declare.locators[index]);
        free (op->declare.locators);
    }
}

void
tf_api_tx_destroy (tf_api_tx_t **self_p)
{
    assert (self_p);
    tf_api_tx_t *self = *self_p;
    if (!self)
        return;
    for (size_t index = 0; index < self->op_count; index++)
        s_op_free (&self->ops[index]);
    free (self->ops);
    free (self->inputs);
    free (self->outputs);
    free (self);
    *self_p = NULL;
}

//  Array items of count items of size bytes grown by one zeroed item (not yet
//  counted); NULL, items untouched, when it already holds TF_API_TX_MAX_COUNT
static void *
s_grow (void *items, size_t count, size_t size)
{
    if (count >= TF_API_TX_MAX_COUNT)
        return NULL;
    uint8_t *grown = (uint8_t *) realloc (items, (count + 1) * size);
    assert (grown);
    memset (grown + count * size, 0, size);
    return grown;
}

int
tf_api_tx_add_input (tf_api_tx_t *self, const uint8_t note_id[TF_API_TX_FIELD_SIZE])
{
    assert (self && note_id);
    tf_api_input_t *inputs =
        (tf_api_input_t *) s_grow (self->inputs, self->input_count, sizeof (tf_api_input_t));
    if (!inputs)
        return -1;
    self->inputs = inputs;
    memcpy (inputs[self->input_count++].note_id, note_id, TF_API_TX_FIELD_SIZE);
    return 0;
}

int
tf_api_tx_add_output (tf_api_tx_t *self, uint64_t value, const uint8_t pk[TF_API_TX_FIELD_SIZE])
{
    assert (self && pk);
    if (value > TF_API_TX_MAX_VALUE)
        return -1;
    tf_api_output_t *outputs =
        (tf_api_output_t *) s_grow (self->outputs, self->output_count, sizeof (tf_api_output_t));
    if (!outputs)
        return -1;
    self->outputs = outputs;
    tf_api_output_t *output = &outputs[self->output_count++];
    output->value = value;
    memcpy (output->pk, pk, TF_API_TX_FIELD_SIZE);
    return 0;
}

//  A new zeroed op at the end of the ops, counted; NULL when the tx is full
static tf_api_op_t *
s_grow_ops (tf_api_tx_t *self)
{
    tf_api_op_t *ops = (tf_api_op_t *) s_grow (self->ops, self->op_count, sizeof (tf_api_op_t));
    if (!ops)
        return NULL;
    self->ops = ops;
    return &ops[self->op_count++];
}

int
tf_api_tx_add_inscribe (tf_api_tx_t *self, const uint8_t channel_id[TF_API_TX_FIELD_SIZE],
                        const uint8_t *inscription, size_t size,
                        const uint8_t parent[TF_API_TX_FIELD_SIZE],
                        const uint8_t signer[TF_API_TX_FIELD_SIZE])
{
    assert (self && channel_id && (inscription || size == 0) && parent && signer);
    if (size > UINT32_MAX)
        return -1;
    tf_api_op_t *op = s_grow_ops (self);
    if (!op)
        return -1;
    op->opcode = TF_API_TX_OP_INSCRIBE;
    memcpy (op->inscribe.channel_id, channel_id, TF_API_TX_FIELD_SIZE);
    op->inscribe.inscription = (uint8_t *) zmalloc (size ? size : 1);
    if (size)
        memcpy (op->inscribe.inscription, inscription, size);
    op->inscribe.inscription_size = size;
    memcpy (op->inscribe.parent, parent, TF_API_TX_FIELD_SIZE);
    memcpy (op->inscribe.signer, signer, TF_API_TX_FIELD_SIZE);
    return 0;
}

//  Append a ChannelBlob (the op executors write); -1 when the tx is full
static int
s_add_blob (tf_api_tx_t *self, const tf_api_blob_t *blob)
{
    tf_api_op_t *op = s_grow_ops (self);
    if (!op)
        return -1;
    op->opcode = TF_API_TX_OP_BLOB;
    op->blob = *blob;
    return 0;
}

int
tf_api_tx_add_declare (tf_api_tx_t *self, const char *const *locators, size_t locator_count,
                       const uint8_t provider_id[TF_API_TX_FIELD_SIZE],
                       const uint8_t zk_id[TF_API_TX_FIELD_SIZE],
                       const uint8_t locked_note_id[TF_API_TX_FIELD_SIZE])
{
    assert (self && (locators || locator_count == 0) && provider_id && zk_id && locked_note_id);
    if (locator_count > TF_API_TX_MAX_COUNT)
        return -1;
    for (size_t index = 0; index < locator_count; index++)
        if (strlen (locators[index]) > UINT32_MAX)
            return -1;
    tf_api_op_t *op = s_grow_ops (self);
    if (!op)
        return -1;
    op->opcode = TF_API_TX_OP_SDP_DECLARE;
    tf_api_declare_t *declare = &op->declare;
    declare->service_type = TF_API_TX_SERVICE_BN;
    declare->locators = (char **) zmalloc ((locator_count ? locator_count : 1) * sizeof (char *));
    for (size_t index = 0; index < locator_count; index++)
        declare->locators[index] = strdup (locators[index]);
    declare->locator_count = locator_count;
    memcpy (declare->provider_id, provider_id, TF_API_TX_FIELD_SIZE);
    memcpy (declare->zk_id, zk_id, TF_API_TX_FIELD_SIZE);
    memcpy (declare->locked_note_id, locked_note_id, TF_API_TX_FIELD_SIZE);
    return 0;
}


//  ---------------------------------------------------------------------------
//  Encoding and hashes

//  A growing byte buffer
typedef struct {
    uint8_t *data; //  Bytes so far (owned)
    size_t size;   //  Used
    size_t room;   //  Allocated
} s_buffer_t;

//  Append size bytes, growing the buffer
static void
s_put (s_buffer_t *buffer, const void *data, size_t size)
{
    if (buffer->size + size > buffer->room) {
        size_t room = buffer->room ? buffer->room : S_INITIAL_ROOM;
        while (room < buffer->size + size)
            room *= 2;
        buffer->data = (uint8_t *) realloc (buffer->data, room);
        assert (buffer->data);
        buffer->room = room;
    }
    if (size)
        memcpy (buffer->data + buffer->size, data, size);
    buffer->size += size;
}

//  Append a count as its one byte
static void
s_put_u8 (s_buffer_t *buffer, size_t value)
{
    assert (value <= UINT8_MAX); //  Counts are bounded when added
    uint8_t byte = (uint8_t) value;
    s_put (buffer, &byte, 1);
}

//  An unsigned integer as width little-endian bytes
static void
s_put_le (s_buffer_t *buffer, uint64_t value, size_t width)
{
    uint8_t bytes[S_U64_SIZE];
    for (size_t index = 0; index < width; index++)
        bytes[index] = (uint8_t) (value >> (8 * index));
    s_put (buffer, bytes, width);
}

//  Encode one op; zero_locked writes SDPDeclare's locked_note_id as zeros
static void
s_encode_op (s_buffer_t *buffer, const tf_api_op_t *op, bool zero_locked)
{
    static const uint8_t zero[TF_API_TX_FIELD_SIZE] = {0};
    s_put_u8 (buffer, op->opcode);
    if (op->opcode == TF_API_TX_OP_INSCRIBE) {
        const tf_api_inscribe_t *inscribe = &op->inscribe;
        s_put (buffer, inscribe->channel_id, TF_API_TX_FIELD_SIZE);
        s_put_le (buffer, inscribe->inscription_size, S_U32_SIZE);
        s_put (buffer, inscribe->inscription, inscribe->inscription_size);
        s_put (buffer, inscribe->parent, TF_API_TX_FIELD_SIZE);
        s_put (buffer, inscribe->signer, TF_API_TX_FIELD_SIZE);
        return;
    }
    if (op->opcode == TF_API_TX_OP_BLOB) {
        const tf_api_blob_t *blob = &op->blob;
        s_put (buffer, blob->channel_id, TF_API_TX_FIELD_SIZE);
        s_put (buffer, blob->blob_id, TF_API_TX_FIELD_SIZE);
        s_put_le (buffer, blob->blob_size, S_U64_SIZE);
        s_put_le (buffer, blob->da_storage_gas_price, S_U64_SIZE);
        s_put (buffer, blob->parent, TF_API_TX_FIELD_SIZE);
        s_put (buffer, blob->signer, TF_API_TX_FIELD_SIZE);
        return;
    }
    assert (op->opcode == TF_API_TX_OP_SDP_DECLARE);
    const tf_api_declare_t *declare = &op->declare;
    s_put_u8 (buffer, declare->service_type);
    s_put_u8 (buffer, declare->locator_count);
    for (size_t index = 0; index < declare->locator_count; index++) {
        size_t size = strlen (declare->locators[index]);
        s_put_le (buffer, size, S_U32_SIZE);
        s_put (buffer, declare->locators[index], size);
    }
    s_put (buffer, declare->provider_id, TF_API_TX_FIELD_SIZE);
    s_put (buffer, declare->zk_id, TF_API_TX_FIELD_SIZE);
    s_put (buffer, zero_locked ? zero : declare->locked_note_id, TF_API_TX_FIELD_SIZE);
}

//  Encode the mantle tx into buffer
static void
s_encode (const tf_api_tx_t *self, bool zero_locked, s_buffer_t *buffer)
{
    s_put_u8 (buffer, self->op_count);
    for (size_t index = 0; index < self->op_count; index++)
        s_encode_op (buffer, &self->ops[index], zero_locked);
    s_put_u8 (buffer, self->input_count);
    for (size_t index = 0; index < self->input_count; index++)
        s_put (buffer, self->inputs[index].note_id, TF_API_TX_FIELD_SIZE);
    s_put_u8 (buffer, self->output_count);
    for (size_t index = 0; index < self->output_count; index++) {
        s_put_le (buffer, self->outputs[index].value, S_U64_SIZE);
        s_put (buffer, self->outputs[index].pk, TF_API_TX_FIELD_SIZE);
    }
    s_put_le (buffer, self->execution_gas_price, S_U64_SIZE);
    s_put_le (buffer, self->storage_gas_price, S_U64_SIZE);
}

size_t
tf_api_tx_encode (const tf_api_tx_t *self, uint8_t **bytes_p)
{
    assert (self && bytes_p);
    s_buffer_t buffer = {0};
    s_encode (self, false, &buffer);
    *bytes_p = buffer.data;
    return buffer.size;
}

//  BLAKE2b-256 of tag || data, masked to a BN254 scalar
static void
s_tagged_hash (const char *tag, const uint8_t *data, size_t size,
               uint8_t hash[TF_API_TX_FIELD_SIZE])
{
    crypto_generichash_state state;
    crypto_generichash_init (&state, NULL, 0, TF_API_TX_FIELD_SIZE);
    crypto_generichash_update (&state, (const uint8_t *) tag, strlen (tag));
    crypto_generichash_update (&state, data, size);
    crypto_generichash_final (&state, hash, TF_API_TX_FIELD_SIZE);
    hash[S_SCALAR_BYTE] &= S_SCALAR_MASK;
}

void
tf_api_tx_digest (const tf_api_tx_t *self, uint8_t hash[TF_API_TX_FIELD_SIZE])
{
    assert (self && hash);
    s_buffer_t buffer = {0};
    s_encode (self, true, &buffer);
    s_tagged_hash (S_TX_TAG, buffer.data, buffer.size, hash);
    free (buffer.data);
}

void
tf_api_tx_note_id (const uint8_t tx_hash[TF_API_TX_FIELD_SIZE], uint64_t index, uint64_t value,
                   const uint8_t pk[TF_API_TX_FIELD_SIZE], uint8_t note_id[TF_API_TX_FIELD_SIZE])
{
    assert (tx_hash && pk && note_id);
    s_init_sodium ();
    s_buffer_t buffer = {0};
    s_put (&buffer, tx_hash, TF_API_TX_FIELD_SIZE);
    s_put_le (&buffer, index, S_U64_SIZE);
    s_put_le (&buffer, value, S_U64_SIZE);
    s_put (&buffer, pk, TF_API_TX_FIELD_SIZE);
    s_tagged_hash (S_NOTE_TAG, buffer.data, buffer.size, note_id);
    free (buffer.data);
}

void
tf_api_tx_sign_input (tf_api_tx_t *self, size_t index, const tf_key_t *owner)
{
    assert (self && index < self->input_count && owner);
    uint8_t hash[TF_API_TX_FIELD_SIZE];
    tf_api_tx_digest (self, hash);
    crypto_sign_detached (self->inputs[index].signature, NULL, hash, sizeof hash,
                          owner->secret_key);
}

void
tf_api_tx_sign_op (tf_api_tx_t *self, size_t index, const tf_key_t *signer)
{
    assert (self && index < self->op_count && signer);
    assert (self->ops[index].opcode == TF_API_TX_OP_INSCRIBE);
    uint8_t hash[TF_API_TX_FIELD_SIZE];
    tf_api_tx_digest (self, hash);
    crypto_sign_detached (self->ops[index].inscribe.signature, NULL, hash, sizeof hash,
                          signer->secret_key);
}


//  ---------------------------------------------------------------------------
//  JSON form (node-api §6; proofs as tf-node takes them, node/README.md §3.1)

//  A 32-byte field as 64 lower-case hex
static json_t *
s_json_field (const uint8_t field[TF_API_TX_FIELD_SIZE])
{
    char hex[TF_API_TX_HEX_SIZE];
    sodium_bin2hex (hex, sizeof hex, field, TF_API_TX_FIELD_SIZE);
    return json_string (hex);
}

//  Bytes as an array of integers
static json_t *
s_json_bytes (const uint8_t *data, size_t size)
{
    json_t *array = json_array ();
    for (size_t index = 0; index < size; index++)
        json_array_append_new (array, json_integer (data[index]));
    return array;
}

//  An unsigned value (bounded when added or parsed) as a JSON integer
static json_t *
s_json_u64 (uint64_t value)
{
    assert (value <= TF_API_TX_MAX_VALUE);
    return json_integer ((json_int_t) value);
}

//  One op as {"opcode", "payload"}
static json_t *
s_json_op (const tf_api_op_t *op)
{
    json_t *payload = json_object ();
    if (op->opcode == TF_API_TX_OP_INSCRIBE) {
        const tf_api_inscribe_t *inscribe = &op->inscribe;
        json_object_set_new (payload, "channel_id", s_json_field (inscribe->channel_id));
        json_object_set_new (payload, "inscription",
                             s_json_bytes (inscribe->inscription, inscribe->inscription_size));
        json_object_set_new (payload, "parent", s_json_field (inscribe->parent));
        json_object_set_new (payload, "signer", s_json_field (inscribe->signer));
    }
    else if (op->opcode == TF_API_TX_OP_BLOB) {
        const tf_api_blob_t *blob = &op->blob;
        json_object_set_new (payload, "channel_id", s_json_field (blob->channel_id));
        json_object_set_new (payload, "blob_id", s_json_field (blob->blob_id));
        json_object_set_new (payload, "blob_size", s_json_u64 (blob->blob_size));
        json_object_set_new (payload, "da_storage_gas_price",
                             s_json_u64 (blob->da_storage_gas_price));
        json_object_set_new (payload, "parent", s_json_field (blob->parent));
        json_object_set_new (payload, "signer", s_json_field (blob->signer));
    }
    else {
        const tf_api_declare_t *declare = &op->declare;
        assert (declare->service_type == TF_API_TX_SERVICE_BN);
        json_t *locators = json_array ();
        for (size_t index = 0; index < declare->locator_count; index++)
            json_array_append_new (locators, json_string (declare->locators[index]));
        json_object_set_new (payload, "service_type", json_string (S_SERVICE_BN));
        json_object_set_new (payload, "locators", locators);
        json_object_set_new (payload, "provider_id", s_json_field (declare->provider_id));
        json_object_set_new (payload, "zk_id", s_json_field (declare->zk_id));
        json_object_set_new (payload, "locked_note_id", s_json_field (declare->locked_note_id));
    }
    json_t *json = json_object ();
    json_object_set_new (json, "opcode", json_integer (op->opcode));
    json_object_set_new (json, "payload", payload);
    return json;
}

json_t *
tf_api_tx_json (const tf_api_tx_t *self)
{
    assert (self);
    json_t *ops = json_array ();
    for (size_t index = 0; index < self->op_count; index++)
        json_array_append_new (ops, s_json_op (&self->ops[index]));
    json_t *inputs = json_array ();
    for (size_t index = 0; index < self->input_count; index++)
        json_array_append_new (inputs, s_json_field (self->inputs[index].note_id));
    json_t *outputs = json_array ();
    for (size_t index = 0; index < self->output_count; index++) {
        json_t *output = json_object ();
        json_object_set_new (output, "value", s_json_u64 (self->outputs[index].value));
        json_object_set_new (output, "pk", s_json_field (self->outputs[index].pk));
        json_array_append_new (outputs, output);
    }
    json_t *ledger = json_object ();
    json_object_set_new (ledger, "inputs", inputs);
    json_object_set_new (ledger, "outputs", outputs);
    json_t *mantle = json_object ();
    json_object_set_new (mantle, "ops", ops);
    json_object_set_new (mantle, "ledger_tx", ledger);
    json_object_set_new (mantle, "execution_gas_price", s_json_u64 (self->execution_gas_price));
    json_object_set_new (mantle, "storage_gas_price", s_json_u64 (self->storage_gas_price));
    return mantle;
}

json_t *
tf_api_tx_signed_json (const tf_api_tx_t *self)
{
    assert (self);
    json_t *ops_proofs = json_array ();
    for (size_t index = 0; index < self->op_count; index++) {
        const tf_api_op_t *op = &self->ops[index];
        if (op->opcode == TF_API_TX_OP_INSCRIBE)
            json_array_append_new (
                ops_proofs, json_pack ("{s:o}", "Ed25519Sig",
                                       s_json_bytes (op->inscribe.signature, TF_API_TX_SIG_SIZE)));
        else if (op->opcode == TF_API_TX_OP_BLOB)
            json_array_append_new (
                ops_proofs, json_pack ("{s:o}", "Ed25519Sig",
                                       s_json_bytes (op->blob.signature, TF_API_TX_SIG_SIZE)));
        else
            json_array_append_new (ops_proofs, json_string (S_NO_PROOF));
    }
    json_t *signatures = json_array ();
    for (size_t index = 0; index < self->input_count; index++)
        json_array_append_new (signatures,
                               s_json_bytes (self->inputs[index].signature, TF_API_TX_SIG_SIZE));
    json_t *json = json_object ();
    json_object_set_new (json, "mantle_tx", tf_api_tx_json (self));
    json_object_set_new (json, "ops_proofs", ops_proofs);
    json_object_set_new (json, "ledger_tx_proof", json_pack ("{s:o}", "Ed25519Sigs", signatures));
    return json;
}


//  ---------------------------------------------------------------------------
//  Parsing: strict about every field the encoding or a proof uses

//  An unsigned JSON integer
static int
s_get_u64 (const json_t *value, uint64_t *out)
{
    if (!json_is_integer (value) || json_integer_value (value) < 0)
        return -1;
    *out = (uint64_t) json_integer_value (value);
    return 0;
}

//  A 32-byte field: 64 hex digits of either case, an optional 0x prefix
static int
s_get_field (const json_t *value, uint8_t out[TF_API_TX_FIELD_SIZE])
{
    const char *text = json_string_value (value);
    if (!text)
        return -1;
    if (text[0] == '0' && (text[1] == 'x' || text[1] == 'X'))
        text += 2;
    if (strlen (text) != S_HEX_DIGITS)
        return -1;
    for (size_t index = 0; index < S_HEX_DIGITS; index++)
        if (!isxdigit ((unsigned char) text[index]))
            return -1;
    return sodium_hex2bin (out, TF_API_TX_FIELD_SIZE, text, S_HEX_DIGITS, NULL, NULL, NULL);
}

//  An array of integers 0..255 into *bytes_p (caller owns) and *size_p
static int
s_get_bytes (const json_t *value, uint8_t **bytes_p, size_t *size_p)
{
    if (!json_is_array (value))
        return -1;
    size_t size = json_array_size (value);
    uint8_t *bytes = (uint8_t *) zmalloc (size ? size : 1);
    for (size_t index = 0; index < size; index++) {
        uint64_t byte;
        if (s_get_u64 (json_array_get (value, index), &byte) || byte > UINT8_MAX) {
            free (bytes);
            return -1;
        }
        bytes[index] = (uint8_t) byte;
    }
    *bytes_p = bytes;
    *size_p = size;
    return 0;
}

//  Exactly TF_API_TX_SIG_SIZE bytes
static int
s_get_signature (const json_t *value, uint8_t out[TF_API_TX_SIG_SIZE])
{
    uint8_t *bytes = NULL;
    size_t size = 0;
    if (s_get_bytes (value, &bytes, &size))
        return -1;
    int rc = size == TF_API_TX_SIG_SIZE ? 0 : -1;
    if (!rc)
        memcpy (out, bytes, size);
    free (bytes);
    return rc;
}

//  Append the ChannelInscribe whose payload is given
static int
s_parse_inscribe (tf_api_tx_t *self, const json_t *payload)
{
    uint8_t channel_id[TF_API_TX_FIELD_SIZE], parent[TF_API_TX_FIELD_SIZE],
        signer[TF_API_TX_FIELD_SIZE];
    uint8_t *inscription = NULL;
    size_t size = 0;
    int rc = -1;
    if (s_get_field (json_object_get (payload, "channel_id"), channel_id)
        || s_get_field (json_object_get (payload, "parent"), parent)
        || s_get_field (json_object_get (payload, "signer"), signer)
        || s_get_bytes (json_object_get (payload, "inscription"), &inscription, &size))
        goto out;
    rc = tf_api_tx_add_inscribe (self, channel_id, inscription, size, parent, signer);
out:
    free (inscription);
    return rc;
}

//  Append the SDPDeclare whose payload is given; service_type may be left out,
//  as tf-node encodes BN whatever it says
static int
s_parse_declare (tf_api_tx_t *self, const json_t *payload)
{
    uint8_t provider_id[TF_API_TX_FIELD_SIZE], zk_id[TF_API_TX_FIELD_SIZE],
        locked_note_id[TF_API_TX_FIELD_SIZE];
    const json_t *service = json_object_get (payload, "service_type");
    const json_t *locators = json_object_get (payload, "locators");
    if ((service
         && !(json_is_string (service) && strcmp (json_string_value (service), S_SERVICE_BN) == 0))
        || !json_is_array (locators) || json_array_size (locators) > TF_API_TX_MAX_COUNT
        || s_get_field (json_object_get (payload, "provider_id"), provider_id)
        || s_get_field (json_object_get (payload, "zk_id"), zk_id)
        || s_get_field (json_object_get (payload, "locked_note_id"), locked_note_id))
        return -1;
    size_t count = json_array_size (locators);
    const char *texts[TF_API_TX_MAX_COUNT];
    for (size_t index = 0; index < count; index++) {
        texts[index] = json_string_value (json_array_get (locators, index));
        if (!texts[index])
            return -1;
    }
    return tf_api_tx_add_declare (self, texts, count, provider_id, zk_id, locked_note_id);
}

//  Append the op {"opcode", "payload"}; -1 for an op tf-node does not take
static int
s_parse_op (tf_api_tx_t *self, const json_t *op)
{
    uint64_t opcode;
    const json_t *payload = json_object_get (op, "payload");
    if (s_get_u64 (json_object_get (op, "opcode"), &opcode) || !json_is_object (payload))
        return -1;
    if (opcode == TF_API_TX_OP_INSCRIBE)
        return s_parse_inscribe (self, payload);
    if (opcode == TF_API_TX_OP_SDP_DECLARE)
        return s_parse_declare (self, payload);
    if (opcode == TF_API_TX_OP_BLOB) {
        tf_api_blob_t blob = {0};
        if (s_get_field (json_object_get (payload, "channel_id"), blob.channel_id)
            || s_get_field (json_object_get (payload, "blob_id"), blob.blob_id)
            || s_get_u64 (json_object_get (payload, "blob_size"), &blob.blob_size)
            || s_get_u64 (json_object_get (payload, "da_storage_gas_price"),
                          &blob.da_storage_gas_price)
            || s_get_field (json_object_get (payload, "parent"), blob.parent)
            || s_get_field (json_object_get (payload, "signer"), blob.signer))
            return -1;
        return s_add_blob (self, &blob);
    }
    return -1; //  tf-node takes no other op
}

//  Parse mantle_tx; ledger_only reads its ledger_tx and nothing else
static tf_api_tx_t *
s_parse (const json_t *mantle_tx, bool ledger_only)
{
    tf_api_tx_t *self = tf_api_tx_new ();
    const json_t *ops = json_object_get (mantle_tx, "ops");
    const json_t *ledger = json_object_get (mantle_tx, "ledger_tx");
    const json_t *inputs = json_object_get (ledger, "inputs");
    const json_t *outputs = json_object_get (ledger, "outputs");
    if (!json_is_object (mantle_tx) || !json_is_object (ledger) || !json_is_array (inputs)
        || !json_is_array (outputs))
        goto failed;
    if (!ledger_only
        && (!json_is_array (ops)
            || s_get_u64 (json_object_get (mantle_tx, "execution_gas_price"),
                          &self->execution_gas_price)
            || s_get_u64 (json_object_get (mantle_tx, "storage_gas_price"),
                          &self->storage_gas_price)))
        goto failed;
    size_t index;
    const json_t *item;
    json_array_foreach (ledger_only ? NULL : ops, index, item)
    {
        if (s_parse_op (self, item))
            goto failed;
    }
    json_array_foreach (inputs, index, item)
    {
        uint8_t note_id[TF_API_TX_FIELD_SIZE];
        if (s_get_field (item, note_id) || tf_api_tx_add_input (self, note_id))
            goto failed;
    }
    json_array_foreach (outputs, index, item)
    {
        uint64_t value;
        uint8_t pk[TF_API_TX_FIELD_SIZE];
        if (s_get_u64 (json_object_get (item, "value"), &value)
            || s_get_field (json_object_get (item, "pk"), pk)
            || tf_api_tx_add_output (self, value, pk))
            goto failed;
    }
    return self;

failed:
    tf_api_tx_destroy (&self);
    return NULL;
}

tf_api_tx_t *
tf_api_tx_from_json (const json_t *mantle_tx)
{
    return s_parse (mantle_tx, false);
}

tf_api_tx_t *
tf_api_tx_ledger_from_json (const json_t *mantle_tx)
{
    return s_parse (mantle_tx, true);
}

//  One op proof, of the form its opcode takes
static int
s_parse_op_proof (tf_api_op_t *op, const json_t *proof)
{
    if (op->opcode == TF_API_TX_OP_INSCRIBE)
        return s_get_signature (json_object_get (proof, "Ed25519Sig"), op->inscribe.signature);
    if (op->opcode == TF_API_TX_OP_BLOB)
        return s_get_signature (json_object_get (proof, "Ed25519Sig"), op->blob.signature);
    return json_is_string (proof) && strcmp (json_string_value (proof), S_NO_PROOF) == 0 ? 0 : -1;
}

tf_api_tx_t *
tf_api_tx_from_signed_json (const json_t *signed_tx)
{
    tf_api_tx_t *self = tf_api_tx_from_json (json_object_get (signed_tx, "mantle_tx"));
    const json_t *ops_proofs = json_object_get (signed_tx, "ops_proofs");
    const json_t *signatures =
        json_object_get (json_object_get (signed_tx, "ledger_tx_proof"), "Ed25519Sigs");
    if (!self || !json_is_array (ops_proofs) || json_array_size (ops_proofs) != self->op_count
        || !json_is_array (signatures) || json_array_size (signatures) != self->input_count)
        goto failed;
    for (size_t index = 0; index < self->op_count; index++)
        if (s_parse_op_proof (&self->ops[index], json_array_get (ops_proofs, index)))
            goto failed;
    for (size_t index = 0; index < self->input_count; index++)
        if (s_get_signature (json_array_get (signatures, index), self->inputs[index].signature))
            goto failed;
    return self;

failed:
    tf_api_tx_destroy (&self);
    return NULL;
}

int
tf_api_tx_hash (const json_t *mantle_tx, char hash[TF_API_TX_HEX_SIZE])
{
    assert (hash);
    tf_api_tx_t *tx = tf_api_tx_from_json (mantle_tx);
    if (!tx)
        return -1;
    uint8_t digest[TF_API_TX_FIELD_SIZE];
    tf_api_tx_digest (tx, digest);
    sodium_bin2hex (hash, TF_API_TX_HEX_SIZE, digest, sizeof digest);
    tf_api_tx_destroy (&tx);
    return 0;
}
