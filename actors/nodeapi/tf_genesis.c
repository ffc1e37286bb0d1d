//  tf_genesis.c - the genesis state of a run (see tf_genesis.h)

#include <czmq.h>
#include "tf_genesis.h"

//  Append helpers for the tx encoding (node/README.md 3.2)
static void
s_put_u8 (zchunk_t *out, uint8_t value)
{
    zchunk_extend (out, &value, 1);
}

static void
s_put_le (zchunk_t *out, uint64_t value, size_t size)
{
    uint8_t bytes[sizeof (uint64_t)];
    for (size_t byte = 0; byte < size; byte++)
        bytes[byte] = (uint8_t) (value >> (8 * byte));
    zchunk_extend (out, bytes, size);
}

//  Encode the genesis mantle tx with zeroed locked_note_ids and hash it
static void
s_hash_tx (tf_genesis_t *self)
{
    static const uint8_t zero[TF_KEYS_HASH_SIZE] = {0};
    zchunk_t *out = zchunk_new (NULL, 0);
    s_put_u8 (out, (uint8_t) self->leader_count);
    for (size_t node = 0; node < self->leader_count; node++) {
        const tf_genesis_leader_t *leader = &self->leaders[node];
        s_put_u8 (out, TF_GENESIS_SDP_DECLARE);
        s_put_u8 (out, TF_GENESIS_SERVICE_BN);
        s_put_u8 (out, leader->executor ? 1 : 0);
        if (leader->executor) {
            s_put_le (out, strlen (TF_GENESIS_EXECUTOR_LOCATOR), sizeof (uint32_t));
            zchunk_extend (out, TF_GENESIS_EXECUTOR_LOCATOR, strlen (TF_GENESIS_EXECUTOR_LOCATOR));
        }
        zchunk_extend (out, leader->key.public_key, TF_KEYS_PUBLIC_SIZE);
        zchunk_extend (out, zero, sizeof zero); //  zk_id
        zchunk_extend (out, zero, sizeof zero); //  locked_note_id, zeroed for the hash
    }
    s_put_u8 (out, 0); //  No inputs
    s_put_u8 (out, (uint8_t) (self->leader_count + self->wallet_count));
    for (size_t node = 0; node < self->leader_count; node++) {
        s_put_le (out, self->leaders[node].stake, sizeof (uint64_t));
        zchunk_extend (out, self->leaders[node].key.public_key, TF_KEYS_PUBLIC_SIZE);
    }
    for (size_t index = 0; index < self->wallet_count; index++) {
        s_put_le (out, self->wallets[index].amount, sizeof (uint64_t));
        zchunk_extend (out, self->wallets[index].key.public_key, TF_KEYS_PUBLIC_SIZE);
    }
    s_put_le (out, 0, sizeof (uint64_t)); //  execution_gas_price
    s_put_le (out, 0, sizeof (uint64_t)); //  storage_gas_price
    tf_keys_tx_hash (zchunk_data (out), zchunk_size (out), self->tx_hash);
    zchunk_destroy (&out);
}

tf_genesis_t *
tf_genesis_new (const tf_plan_t *plan)
{
    assert (plan);
    tf_genesis_t *self = (tf_genesis_t *) zmalloc (sizeof (tf_genesis_t));
    self->leader_count = (size_t) plan->validators + plan->executors;
    self->wallet_count = plan->wallets;
    self->leaders = (tf_genesis_leader_t *) zmalloc ((self->leader_count ? self->leader_count : 1)
                                                     * sizeof (tf_genesis_leader_t));
    self->wallets = (tf_genesis_wallet_t *) zmalloc ((self->wallet_count ? self->wallet_count : 1)
                                                     * sizeof (tf_genesis_wallet_t));
    if (self->leader_count + self->wallet_count > TF_GENESIS_MAX_COUNT) {
        zsys_error ("genesis: %zu leaders and %zu wallets do not fit one genesis tx (at most %d "
                    "notes)",
                    self->leader_count, self->wallet_count, TF_GENESIS_MAX_COUNT);
        goto failed;
    }
    for (uint32_t node = 0; node < self->leader_count; node++) {
        tf_genesis_leader_t *leader = &self->leaders[node];
        leader->executor = node >= plan->validators;
        leader->index = leader->executor ? node - plan->validators : node;
        if (tf_keys_derive (TF_KEYS_PURPOSE_LEADER, plan->seed, node, &leader->key)) {
            zsys_error ("genesis: cannot derive leader key node=%u", node);
            goto failed;
        }
        leader->stake = TF_GENESIS_LEADER_STAKE;
    }
    for (uint32_t index = 0; index < self->wallet_count; index++) {
        tf_genesis_wallet_t *wallet = &self->wallets[index];
        if (tf_keys_derive (TF_KEYS_PURPOSE_WALLET, plan->seed, index, &wallet->key)) {
            zsys_error ("genesis: cannot derive wallet key wallet=%u", index);
            goto failed;
        }
        wallet->amount = plan->wallet_amounts && index < plan->wallet_amount_count
                             ? plan->wallet_amounts[index]
                             : plan->wallet_amount;
    }
    s_hash_tx (self);
    uint64_t output = 0;
    for (size_t node = 0; node < self->leader_count; node++, output++)
        tf_keys_note_id (self->tx_hash, output, self->leaders[node].stake,
                         self->leaders[node].key.public_key, self->leaders[node].note_id);
    for (size_t index = 0; index < self->wallet_count; index++, output++)
        tf_keys_note_id (self->tx_hash, output, self->wallets[index].amount,
                         self->wallets[index].key.public_key, self->wallets[index].note_id);
    return self;

failed:
    tf_genesis_destroy (&self);
    return NULL;
}

void
tf_genesis_destroy (tf_genesis_t **self_p)
{
    assert (self_p);
    tf_genesis_t *self = *self_p;
    if (!self)
        return;
    free (self->leaders);
    free (self->wallets);
    free (self);
    *self_p = NULL;
}

static void
s_print_output (FILE *out, int indent, uint64_t value, const uint8_t public_key[32])
{
    char hex[TF_KEYS_HEX_SIZE];
    tf_keys_hex32 (public_key, hex);
    fprintf (out, "%*s- value: %" PRIu64 "\n%*s  pk: \"%s\"\n", indent, "", value, indent, "", hex);
}

void
tf_genesis_print_yaml (const tf_genesis_t *self, FILE *out, int indent)
{
    assert (self && out);
    int inner = indent + 2;
    char provider[TF_KEYS_HEX_SIZE];
    char note[TF_KEYS_HEX_SIZE];
    static const uint8_t zero_bytes[TF_KEYS_HASH_SIZE] = {0};
    char zero[TF_KEYS_HEX_SIZE];
    tf_keys_hex32 (zero_bytes, zero);
    fprintf (out, "%*smantle_tx:\n", indent, "");
    fprintf (out, "%*sops:%s\n", inner, "", self->leader_count ? "" : " []");
    for (size_t node = 0; node < self->leader_count; node++) {
        const tf_genesis_leader_t *leader = &self->leaders[node];
        tf_keys_hex32 (leader->key.public_key, provider);
        tf_keys_hex32 (leader->note_id, note);
        int item = inner + 2;
        fprintf (out, "%*s- opcode: %d\n", inner, "", TF_GENESIS_SDP_DECLARE);
        fprintf (out, "%*spayload:\n", item, "");
        fprintf (out, "%*sservice_type: %s\n", item + 2, "", TF_GENESIS_SERVICE_TYPE);
        if (leader->executor)
            fprintf (out, "%*slocators: [\"%s\"]\n", item + 2, "", TF_GENESIS_EXECUTOR_LOCATOR);
        else
            fprintf (out, "%*slocators: []\n", item + 2, "");
        fprintf (out, "%*sprovider_id: \"%s\"\n", item + 2, "", provider);
        fprintf (out, "%*szk_id: \"%s\"\n", item + 2, "", zero);
        fprintf (out, "%*slocked_note_id: \"%s\"\n", item + 2, "", note);
    }
    fprintf (out, "%*sledger_tx:\n", inner, "");
    fprintf (out, "%*sinputs: []\n", inner + 2, "");
    bool any = self->leader_count + self->wallet_count > 0;
    fprintf (out, "%*soutputs:%s\n", inner + 2, "", any ? "" : " []");
    for (size_t node = 0; node < self->leader_count; node++)
        s_print_output (out, inner + 2, self->leaders[node].stake,
                        self->leaders[node].key.public_key);
    for (size_t index = 0; index < self->wallet_count; index++)
        s_print_output (out, inner + 2, self->wallets[index].amount,
                        self->wallets[index].key.public_key);
    fprintf (out, "%*sexecution_gas_price: 0\n", inner, "");
    fprintf (out, "%*sstorage_gas_price: 0\n", inner, "");
    fprintf (out, "%*sops_proofs:%s\n", indent, "", self->leader_count ? "" : " []");
    for (size_t node = 0; node < self->leader_count; node++)
        fprintf (out, "%*s- NoProof\n", inner, "");
    fprintf (out, "%*sledger_tx_proof:\n%*sEd25519Sigs: []\n", indent, "", inner, "");
}
