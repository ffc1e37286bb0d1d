//  tf_tx_build.c - builds and signs user transfers (see tf_tx_build.h)

#include "tf_tx_build.h"
#include <assert.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_U64_SIZE 8                 //  Little-endian u64 in the encoding
#define S_SIG_SIZE crypto_sign_BYTES //  Ed25519 signature

static uint8_t *
s_put_u64_le (uint8_t *out, uint64_t value)
{
    for (size_t byte = 0; byte < S_U64_SIZE; byte++)
        out[byte] = (uint8_t) (value >> (8 * byte));
    return out + S_U64_SIZE;
}

size_t
tf_tx_encoded_size (size_t input_count, size_t output_count)
{
    //  n_ops, n_inputs, inputs, n_outputs, outputs, two gas prices
    return 1 + 1 + input_count * TF_KEYS_HASH_SIZE + 1
           + output_count * (S_U64_SIZE + TF_KEYS_PUBLIC_SIZE) + 2 * S_U64_SIZE;
}

size_t
tf_tx_encode (const tf_tx_input_t *inputs, size_t input_count, const tf_tx_output_t *outputs,
              size_t output_count, uint8_t *out)
{
    assert (inputs && outputs && out);
    assert (input_count <= TF_TX_MAX_INPUTS && output_count <= TF_TX_MAX_OUTPUTS);
    uint8_t *cursor = out;
    *cursor++ = 0; //  No ops
    *cursor++ = (uint8_t) input_count;
    for (size_t index = 0; index < input_count; index++) {
        memcpy (cursor, inputs[index].note_id, TF_KEYS_HASH_SIZE);
        cursor += TF_KEYS_HASH_SIZE;
    }
    *cursor++ = (uint8_t) output_count;
    for (size_t index = 0; index < output_count; index++) {
        cursor = s_put_u64_le (cursor, outputs[index].value);
        memcpy (cursor, outputs[index].public_key, TF_KEYS_PUBLIC_SIZE);
        cursor += TF_KEYS_PUBLIC_SIZE;
    }
    cursor = s_put_u64_le (cursor, 0); //  execution_gas_price
    cursor = s_put_u64_le (cursor, 0); //  storage_gas_price
    return (size_t) (cursor - out);
}

//  Write the SignedMantleTx JSON of a transfer whose hash is tx->hash
static char *
s_json (const tf_tx_input_t *inputs, size_t input_count, const tf_tx_output_t *outputs,
        size_t output_count, const tf_tx_t *tx)
{
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream (&text, &size);
    assert (out);
    char hex[TF_KEYS_HEX_SIZE];
    fputs ("{\"mantle_tx\":{\"ops\":[],\"ledger_tx\":{\"inputs\":[", out);
    for (size_t index = 0; index < input_count; index++) {
        tf_keys_hex32 (inputs[index].note_id, hex);
        fprintf (out, "%s\"%s\"", index ? "," : "", hex);
    }
    fputs ("],\"outputs\":[", out);
    for (size_t index = 0; index < output_count; index++) {
        tf_keys_hex32 (outputs[index].public_key, hex);
        fprintf (out, "%s{\"value\":%" PRIu64 ",\"pk\":\"%s\"}", index ? "," : "",
                 outputs[index].value, hex);
    }
    fputs ("]},\"execution_gas_price\":0,\"storage_gas_price\":0},\"ops_proofs\":[],"
           "\"ledger_tx_proof\":{\"Ed25519Sigs\":[",
           out);
    for (size_t index = 0; index < input_count; index++) {
        uint8_t signature[S_SIG_SIZE];
        crypto_sign_detached (signature, NULL, tx->hash, TF_KEYS_HASH_SIZE,
                              inputs[index].owner->secret_key);
        fputs (index ? ",[" : "[", out);
        for (size_t byte = 0; byte < S_SIG_SIZE; byte++)
            fprintf (out, "%s%u", byte ? "," : "", (unsigned) signature[byte]);
        fputs ("]", out);
    }
    fputs ("]}}", out);
    fclose (out);
    return text;
}

int
tf_tx_build (const tf_tx_input_t *inputs, size_t input_count, const tf_tx_output_t *outputs,
             size_t output_count, tf_tx_t *tx)
{
    assert (inputs && outputs && tx);
    memset (tx, 0, sizeof *tx);
    if (input_count < 1 || input_count > TF_TX_MAX_INPUTS || output_count < 1
        || output_count > TF_TX_MAX_OUTPUTS || sodium_init () < 0)
        return -1;
    size_t size = tf_tx_encoded_size (input_count, output_count);
    uint8_t *encoded = (uint8_t *) malloc (size);
    assert (encoded);
    size_t written = tf_tx_encode (inputs, input_count, outputs, output_count, encoded);
    assert (written == size);
    (void) written;
    tf_keys_tx_hash (encoded, size, tx->hash);
    free (encoded);
    tf_keys_hex32 (tx->hash, tx->hash_hex);
    tx->json = s_json (inputs, input_count, outputs, output_count, tx);
    return 0;
}

void
tf_tx_free (tf_tx_t *tx)
{
    assert (tx);
    free (tx->json);
    memset (tx, 0, sizeof *tx);
}
