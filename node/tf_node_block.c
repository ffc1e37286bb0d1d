//  tf_node_block.c - blocks: header fields, id, Merkle root, storage and ApiBlock JSON forms
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tf_node_block.h"

#define TF_NODE_BLOCK_ID_TAG  "BLOCK_ID_V1"
#define TF_NODE_BLOCK_VERSION "Bedrock"

static tf_node_block_t *
s_block_new (void)
{
    tf_node_block_t *self = calloc (1, sizeof *self);
    assert (self);
    return self;
}

tf_node_block_t *
tf_node_block_new_genesis (tf_node_tx_t *const *txs, size_t ntxs)
{
    assert (txs && ntxs);
    tf_node_block_t *self = s_block_new ();
    char error[128];
    self->txs = calloc (ntxs, sizeof *self->txs);
    assert (self->txs);
    for (size_t index = 0; index < ntxs; index++) {
        json_t *json = tf_node_tx_json (txs[index]);
        self->txs[index] = tf_node_tx_new (json, 1, error, sizeof error);
        json_decref (json);
        assert (self->txs[index]); //  It parsed once already
    }
    self->ntxs = ntxs;
    tf_node_block_merkle_root (self->txs, ntxs, &self->block_root);
    tf_node_block_compute_id (self);
    return self;
}

tf_node_block_t *
tf_node_block_new_forged (const tf_node_hash_t *parent, uint64_t slot, const tf_node_key_t *leader,
                          const uint8_t lottery_proof[TF_NODE_SIG_SIZE], tf_node_tx_t **txs,
                          size_t ntxs)
{
    tf_node_block_t *self = s_block_new ();
    self->parent = *parent;
    self->slot = slot;
    self->txs = txs;
    self->ntxs = ntxs;
    tf_node_block_merkle_root (txs, ntxs, &self->block_root);
    memcpy (self->proof, lottery_proof, TF_NODE_SIG_SIZE);
    tf_node_blake2b (lottery_proof, TF_NODE_SIG_SIZE, &self->entropy);
    tf_node_hash_mask_fr (&self->entropy);
    self->leader_key = leader->pk;
    tf_node_block_compute_id (self);
    tf_node_sign (leader, self->id.bytes, TF_NODE_HASH_SIZE, self->signature);
    return self;
}

tf_node_block_t *
tf_node_block_new_from_json (const json_t *json, char *error, size_t error_size)
{
    const char *why = NULL;
    char tx_error[200] = "";
    tf_node_block_t *self = s_block_new ();
    json_t *header = json_object_get (json, "header");
    json_t *pol = json_object_get (header, "proof_of_leadership");
    json_t *txs = json_object_get (json, "transactions");
    if (!json_is_object (header) || !json_is_object (pol) || !json_is_array (txs)) {
        why = "a block needs header, header.proof_of_leadership and transactions";
        goto out;
    }
    if (tf_node_json_get_hash (json_object_get (header, "parent_block"), &self->parent)
        || tf_node_json_get_u64 (json_object_get (header, "slot"), &self->slot)
        || tf_node_json_get_hash (json_object_get (header, "block_root"), &self->block_root)
        || tf_node_json_get_bytes (json_object_get (pol, "proof"), self->proof, TF_NODE_PROOF_SIZE)
        || tf_node_json_get_hash (json_object_get (pol, "entropy_contribution"), &self->entropy)
        || tf_node_json_get_hash (json_object_get (pol, "leader_key"), &self->leader_key)
        || tf_node_json_get_hash (json_object_get (pol, "voucher_cm"), &self->voucher_cm)
        || tf_node_json_get_bytes (json_object_get (json, "signature"), self->signature,
                                   TF_NODE_SIG_SIZE)) {
        why = "a block header field is missing or malformed";
        goto out;
    }
    if (json_array_size (txs) > TF_NODE_BLOCK_MAX_TXS) {
        why = "too many transactions in a block";
        goto out;
    }
    self->txs = calloc (json_array_size (txs) + 1, sizeof *self->txs);
    assert (self->txs);
    size_t index;
    json_t *tx_json;
    json_array_foreach (txs, index, tx_json)
    {
        self->txs[index] = tf_node_tx_new (tx_json, 0, tx_error, sizeof tx_error);
        if (!self->txs[index]) {
            why = tx_error;
            goto out;
        }
        self->ntxs++;
    }
    tf_node_hash_t root;
    tf_node_block_merkle_root (self->txs, self->ntxs, &root);
    if (tf_node_hash_cmp (&root, &self->block_root) != 0) {
        why = "block_root does not match the transactions";
        goto out;
    }
    tf_node_block_compute_id (self);
    if (tf_node_verify (&self->leader_key, self->id.bytes, TF_NODE_HASH_SIZE, self->signature)) {
        why = "block signature is invalid";
        goto out;
    }
out:
    if (why) {
        snprintf (error, error_size, "%s", why);
        tf_node_block_destroy (&self);
    }
    return self;
}

void
tf_node_block_destroy (tf_node_block_t **self_p)
{
    assert (self_p);
    tf_node_block_t *self = *self_p;
    if (!self)
        return;
    for (size_t index = 0; index < self->ntxs; index++)
        tf_node_tx_destroy (&self->txs[index]);
    free (self->txs);
    free (self);
    *self_p = NULL;
}

void
tf_node_block_compute_id (tf_node_block_t *self)
{
    assert (self);
    tf_node_buf_t buf = {0};
    tf_node_buf_put (&buf, TF_NODE_BLOCK_ID_TAG, strlen (TF_NODE_BLOCK_ID_TAG));
    tf_node_buf_u8 (&buf, 1);
    tf_node_buf_put (&buf, self->parent.bytes, TF_NODE_HASH_SIZE);
    tf_node_buf_u64 (&buf, self->slot);
    tf_node_buf_put (&buf, self->block_root.bytes, TF_NODE_HASH_SIZE);
    tf_node_buf_put (&buf, self->voucher_cm.bytes, TF_NODE_HASH_SIZE);
    tf_node_buf_put (&buf, self->entropy.bytes, TF_NODE_HASH_SIZE);
    tf_node_buf_put (&buf, self->proof, TF_NODE_PROOF_SIZE);
    tf_node_buf_put (&buf, self->leader_key.bytes, TF_NODE_HASH_SIZE);
    tf_node_blake2b (buf.data, buf.size, &self->id);
    tf_node_buf_reset (&buf);
}

void
tf_node_block_merkle_root (tf_node_tx_t *const *txs, size_t ntxs, tf_node_hash_t *out)
{
    size_t width = 1;
    while (width < ntxs)
        width *= 2;
    tf_node_hash_t *level = calloc (width, sizeof *level);
    assert (level);
    static const uint8_t zero[TF_NODE_HASH_SIZE];
    for (size_t index = 0; index < width; index++)
        tf_node_blake2b (index < ntxs ? txs[index]->hash.bytes : zero, TF_NODE_HASH_SIZE,
                         &level[index]);
    while (width > 1) {
        for (size_t index = 0; index < width / 2; index++) {
            uint8_t pair[2 * TF_NODE_HASH_SIZE];
            memcpy (pair, level[2 * index].bytes, TF_NODE_HASH_SIZE);
            memcpy (pair + TF_NODE_HASH_SIZE, level[2 * index + 1].bytes, TF_NODE_HASH_SIZE);
            tf_node_blake2b (pair, sizeof pair, &level[index]);
        }
        width /= 2;
    }
    *out = level[0];
    free (level);
}

static json_t *
s_header_json (const tf_node_block_t *self, int api)
{
    json_t *header = json_object ();
    if (api)
        json_object_set_new (header, "id", tf_node_json_hash (&self->id));
    else
        json_object_set_new (header, "version", json_string (TF_NODE_BLOCK_VERSION));
    json_object_set_new (header, "parent_block", tf_node_json_hash (&self->parent));
    json_object_set_new (header, "slot", json_integer ((json_int_t) self->slot));
    json_object_set_new (header, "block_root", tf_node_json_hash (&self->block_root));
    json_t *pol = json_object ();
    json_object_set_new (pol, "proof", tf_node_json_bytes (self->proof, TF_NODE_PROOF_SIZE));
    json_object_set_new (pol, "entropy_contribution", tf_node_json_hash (&self->entropy));
    json_object_set_new (pol, "leader_key", tf_node_json_hash (&self->leader_key));
    json_object_set_new (pol, "voucher_cm", tf_node_json_hash (&self->voucher_cm));
    json_object_set_new (header, "proof_of_leadership", pol);
    return header;
}

json_t *
tf_node_block_storage_json (const tf_node_block_t *self)
{
    assert (self);
    json_t *block = json_object ();
    json_object_set_new (block, "header", s_header_json (self, 0));
    json_object_set_new (block, "signature",
                         tf_node_json_bytes (self->signature, TF_NODE_SIG_SIZE));
    json_t *txs = json_array ();
    for (size_t index = 0; index < self->ntxs; index++)
        json_array_append_new (txs, tf_node_tx_json (self->txs[index]));
    json_object_set_new (block, "transactions", txs);
    return block;
}

json_t *
tf_node_block_api_json (const tf_node_block_t *self)
{
    assert (self);
    json_t *block = json_object ();
    json_object_set_new (block, "header", s_header_json (self, 1));
    json_t *txs = json_array ();
    for (size_t index = 0; index < self->ntxs; index++)
        json_array_append_new (txs, tf_node_tx_api_json (self->txs[index]));
    json_object_set_new (block, "transactions", txs);
    return block;
}
