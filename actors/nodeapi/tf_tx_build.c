//  tf_tx_build.c - builds and signs user transfers (see tf_tx_build.h)

#include "tf_tx_build.h"
#include <assert.h>
#include <stdlib.h>
#include <string.h>

int
tf_tx_build (const tf_tx_input_t *inputs, size_t input_count, const tf_tx_output_t *outputs,
             size_t output_count, tf_tx_t *tx)
{
    assert (inputs && outputs && tx);
    memset (tx, 0, sizeof *tx);
    if (input_count < 1 || input_count > TF_TX_MAX_INPUTS || output_count < 1
        || output_count > TF_TX_MAX_OUTPUTS)
        return -1;
    int rc = -1;
    tf_api_tx_t *mantle = tf_api_tx_new ();
    for (size_t index = 0; index < input_count; index++)
        if (tf_api_tx_add_input (mantle, inputs[index].note_id))
            goto out;
    for (size_t index = 0; index < output_count; index++)
        if (tf_api_tx_add_output (mantle, outputs[index].value, outputs[index].public_key))
            goto out;
    for (size_t index = 0; index < input_count; index++)
        tf_api_tx_sign_input (mantle, index, inputs[index].owner);
    tf_api_tx_digest (mantle, tx->hash);
    tf_keys_hex32 (tx->hash, tx->hash_hex);
    json_t *json = tf_api_tx_signed_json (mantle);
    tx->json = json_dumps (json, JSON_COMPACT);
    assert (tx->json);
    json_decref (json);
    rc = 0;
out:
    tf_api_tx_destroy (&mantle);
    return rc;
}

void
tf_tx_free (tf_tx_t *tx)
{
    assert (tx);
    free (tx->json);
    memset (tx, 0, sizeof *tx);
}
