//  tf_genesis.c - the genesis state of a run (see tf_genesis.h)

#include <czmq.h>
#include "tf_genesis.h"

//  Build the genesis tx into self->tx: one declaration per leader, then the
//  leaders' and the wallets' notes; hash it and fill in the note ids
static int
s_build_tx (tf_genesis_t *self)
{
    static const uint8_t zero[TF_KEYS_HASH_SIZE] = {0};
    static const char *const executor[] = {TF_GENESIS_EXECUTOR_LOCATOR};
    tf_api_tx_t *tx = tf_api_tx_new ();
    int rc = -1;
    for (size_t node = 0; node < self->leader_count; node++) {
        const tf_genesis_leader_t *leader = &self->leaders[node];
        //  Locked note ids stay zero until the hash, which leaves them out, gives them
        int added = tf_api_tx_add_declare (tx, executor, leader->executor ? 1 : 0,
                                           leader->key.public_key, zero, zero);
        assert (added == 0); //  Counts were checked
        (void) added;
    }
    for (size_t node = 0; node < self->leader_count; node++)
        if (tf_api_tx_add_output (tx, self->leaders[node].stake,
                                  self->leaders[node].key.public_key)) {
            zsys_error ("genesis: stake %" PRIu64 " of node %zu is too large",
                        self->leaders[node].stake, node);
            goto out;
        }
    for (size_t index = 0; index < self->wallet_count; index++)
        if (tf_api_tx_add_output (tx, self->wallets[index].amount,
                                  self->wallets[index].key.public_key)) {
            zsys_error ("genesis: amount %" PRIu64 " of wallet %zu is too large (at most %" PRId64
                        ")",
                        self->wallets[index].amount, index, (int64_t) TF_API_TX_MAX_VALUE);
            goto out;
        }
    tf_api_tx_digest (tx, self->tx_hash);
    for (size_t output = 0; output < tx->output_count; output++) {
        uint8_t *note_id = output < self->leader_count
                               ? self->leaders[output].note_id
                               : self->wallets[output - self->leader_count].note_id;
        tf_api_tx_note_id (self->tx_hash, output, tx->outputs[output].value, tx->outputs[output].pk,
                           note_id);
    }
    for (size_t node = 0; node < self->leader_count; node++)
        memcpy (tx->ops[node].declare.locked_note_id, self->leaders[node].note_id,
                TF_KEYS_HASH_SIZE);
    self->tx = tx;
    tx = NULL;
    rc = 0;
out:
    tf_api_tx_destroy (&tx);
    return rc;
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
    if (s_build_tx (self))
        goto failed;
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
    tf_api_tx_destroy (&self->tx);
    free (self);
    *self_p = NULL;
}

//  ---------------------------------------------------------------------------
//  YAML: the tx's JSON form (tf_api_tx_signed_json) in block style, so the format's
//  fields are written in one place. Keys are plain (the format's are identifiers);
//  scalars are written as JSON, whose quoted strings YAML reads the same.

static void s_yaml_block (FILE *out, const json_t *value, int indent);

//  A scalar or an empty container after what the line holds; false for others
static bool
s_yaml_inline (FILE *out, const json_t *value)
{
    if (json_is_array (value) || json_is_object (value)) {
        size_t size = json_is_array (value) ? json_array_size (value) : json_object_size (value);
        if (size)
            return false;
        fputs (json_is_array (value) ? " []\n" : " {}\n", out);
        return true;
    }
    char *text = json_dumps (value, JSON_ENCODE_ANY);
    assert (text);
    fprintf (out, " %s\n", text);
    free (text);
    return true;
}

//  The members of object at indent; first_inline puts the first one on the
//  current line (a sequence item's "- ")
static void
s_yaml_object (FILE *out, const json_t *object, int indent, bool first_inline)
{
    const char *key;
    json_t *member;
    bool first = true;
    json_object_foreach ((json_t *) object, key, member)
    {
        fprintf (out, "%*s%s:", first && first_inline ? 0 : indent, "", key);
        first = false;
        if (!s_yaml_inline (out, member)) {
            fputc ('\n', out);
            s_yaml_block (out, member, indent + 2);
        }
    }
}

//  The items of array at indent
static void
s_yaml_array (FILE *out, const json_t *array, int indent)
{
    size_t index;
    json_t *item;
    json_array_foreach (array, index, item)
    {
        fprintf (out, "%*s-", indent, "");
        if (json_is_object (item) && json_object_size (item)) {
            fputc (' ', out);
            s_yaml_object (out, item, indent + 2, true);
        }
        else if (!s_yaml_inline (out, item)) {
            fputc ('\n', out);
            s_yaml_block (out, item, indent + 2);
        }
    }
}

//  A non-empty container on the lines that follow, at indent
static void
s_yaml_block (FILE *out, const json_t *value, int indent)
{
    if (json_is_object (value))
        s_yaml_object (out, value, indent, false);
    else
        s_yaml_array (out, value, indent);
}

void
tf_genesis_print_yaml (const tf_genesis_t *self, FILE *out, int indent)
{
    assert (self && out);
    json_t *json = tf_api_tx_signed_json (self->tx);
    s_yaml_object (out, json, indent, false);
    json_decref (json);
}
