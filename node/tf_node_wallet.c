//  tf_node_wallet.c - the node's wallet: balances of known keys, transfers signed with held keys
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tf_node_wallet.h"
#include "tf_node_internal.h"
#include "tf_node_log.h"

#define TF_NODE_WALLET_NOTES_MAX 4096 //  Notes scanned per funding key

//  The held key for pk, or NULL
static const tf_node_key_t *
s_held_key (const tf_node_t *node, const tf_node_hash_t *pk)
{
    for (size_t index = 0; index < node->config->nwallet_keys; index++)
        if (tf_node_hash_cmp (&node->config->wallet_keys[index].pk, pk) == 0)
            return &node->config->wallet_keys[index];
    return NULL;
}

static int
s_known (const tf_node_t *node, const tf_node_hash_t *pk)
{
    if (s_held_key (node, pk))
        return 1;
    for (size_t index = 0; index < node->config->nknown_keys; index++)
        if (tf_node_hash_cmp (&node->config->known_keys[index], pk) == 0)
            return 1;
    return 0;
}

//  Wallet answers are JSON text with a text/plain type, as the real node's
static void
s_reply_wallet (tf_node_reply_t *reply, int status, json_t *value)
{
    tf_node_reply_json (reply, status, value);
    reply->content_type = "text/plain; charset=utf-8";
}

void
tf_node_wallet_balance (tf_node_t *node, const char *pk_hex, const char *tip_hex,
                        tf_node_reply_t *reply)
{
    tf_node_hash_t pk, tip_id;
    if (tf_node_hex_decode (pk_hex, pk.bytes, TF_NODE_HASH_SIZE)) {
        tf_node_reply_text (reply, 400, "Invalid URL: the public key must be 64 hex digits");
        return;
    }
    if (tip_hex && tf_node_hex_decode (tip_hex, tip_id.bytes, TF_NODE_HASH_SIZE)) {
        tf_node_reply_text (reply, 400, "Failed to deserialize query string: tip must be 64 hex");
        return;
    }
    if (!s_known (node, &pk)) {
        tf_node_reply_text (reply, 404, "The requested address could not be found in the wallet");
        return;
    }
    const tf_node_chain_entry_t *entry =
        tip_hex ? tf_node_chain_lookup (node->chain, &tip_id) : tf_node_chain_tip (node->chain);
    if (!entry || !entry->ledger) {
        tf_node_reply_text (reply, 500, "The requested tip is unknown or below the LIB");
        return;
    }
    s_reply_wallet (reply, 200,
                    json_pack ("{s:o, s:I, s:o}", "tip", tf_node_json_hash (&entry->block->id),
                               "balance", (json_int_t) tf_node_ledger_balance (entry->ledger, &pk),
                               "address", tf_node_json_hash (&pk)));
}

void
tf_node_wallet_transfer (tf_node_t *node, json_t *body, tf_node_reply_t *reply)
{
    tf_node_hash_t change, recipient;
    uint64_t amount;
    json_t *funding = json_object_get (body, "funding_public_keys");
    if (!json_is_object (body)
        || tf_node_json_get_hash (json_object_get (body, "change_public_key"), &change)
        || tf_node_json_get_hash (json_object_get (body, "recipient_public_key"), &recipient)
        || tf_node_json_get_u64 (json_object_get (body, "amount"), &amount)
        || !json_is_array (funding) || json_array_size (funding) == 0) {
        tf_node_reply_text (reply, 422,
                            "Failed to deserialize the JSON body: expected "
                            "{change_public_key, funding_public_keys, "
                            "recipient_public_key, amount}");
        return;
    }
    const tf_node_chain_entry_t *tip = tf_node_chain_tip (node->chain);
    tf_node_hash_t inputs[TF_NODE_TX_MAX_INPUTS];
    const tf_node_key_t *keys[TF_NODE_TX_MAX_INPUTS];
    size_t ninputs = 0;
    uint64_t funds = 0;
    tf_node_hash_t *notes = calloc (TF_NODE_WALLET_NOTES_MAX, sizeof *notes);
    assert (notes);
    size_t index;
    json_t *item;
    json_array_foreach (funding, index, item)
    {
        tf_node_hash_t pk;
        const tf_node_key_t *key = NULL;
        if (tf_node_json_get_hash (item, &pk) == 0)
            key = s_held_key (node, &pk);
        if (!key) {
            free (notes);
            tf_node_reply_text (reply, 500, "The wallet holds no key for a funding public key");
            return;
        }
        size_t count = tf_node_ledger_notes_of (tip->ledger, &pk, notes, TF_NODE_WALLET_NOTES_MAX);
        for (size_t note = 0; note < count && funds < amount && ninputs < TF_NODE_TX_MAX_INPUTS;
             note++) {
            if (tf_node_mempool_spends (node->mempool, &notes[note]))
                continue;
            inputs[ninputs] = notes[note];
            keys[ninputs++] = key;
            funds += tf_node_ledger_note (tip->ledger, &notes[note])->value;
        }
    }
    free (notes);
    if (funds < amount || ninputs == 0) {
        tf_node_reply_text (reply, 500, "Insufficient funds");
        return;
    }
    tf_node_output_t outputs[2] = {{amount, recipient}, {funds - amount, change}};
    tf_node_tx_t *tx =
        tf_node_tx_new_transfer (inputs, keys, ninputs, outputs, funds > amount ? 2 : 1);
    tf_node_hash_t hash = tx->hash;
    char error[256];
    int status = tf_node_admit_tx (node, &tx, NULL, error, sizeof error);
    if (status != 200)
        tf_node_reply_text (reply, 500, error);
    else
        s_reply_wallet (reply, 201, json_pack ("{s:o}", "hash", tf_node_json_hash (&hash)));
}
