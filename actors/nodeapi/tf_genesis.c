//  tf_genesis.c - the genesis state of a run (see tf_genesis.h)

#include <czmq.h>
#include "tf_genesis.h"

//  The value and owner of note n (leaders' stake notes, then wallets' notes)
static void
s_note (const tf_genesis_t *self, size_t note, uint64_t *value, const uint8_t **pk)
{
    if (note < self->leader_count) {
        *value = self->leaders[note].stake;
        *pk = self->leaders[note].key.public_key;
    }
    else {
        *value = self->wallets[note - self->leader_count].amount;
        *pk = self->wallets[note - self->leader_count].key.public_key;
    }
}

//  Build genesis tx index into self->txs: the declarations of its leaders, then
//  its notes; hash it and fill in the note ids
static int
s_build_tx (tf_genesis_t *self, size_t index)
{
    static const uint8_t zero[TF_KEYS_HASH_SIZE] = {0};
    static const char *const executor[] = {TF_GENESIS_EXECUTOR_LOCATOR};
    size_t first = index * TF_GENESIS_MAX_COUNT;
    size_t notes = self->leader_count + self->wallet_count;
    size_t last = first + TF_GENESIS_MAX_COUNT < notes ? first + TF_GENESIS_MAX_COUNT : notes;
    size_t leaders_last = last < self->leader_count ? last : self->leader_count;
    tf_api_tx_t *tx = tf_api_tx_new ();
    int rc = -1;
    for (size_t node = first; node < leaders_last; node++) {
        const tf_genesis_leader_t *leader = &self->leaders[node];
        //  Locked note ids stay zero until the hash, which leaves them out, gives them
        int added = tf_api_tx_add_declare (tx, executor, leader->executor ? 1 : 0,
                                           leader->key.public_key, zero, zero);
        assert (added == 0); //  At most TF_GENESIS_MAX_COUNT per tx
        (void) added;
    }
    for (size_t note = first; note < last; note++) {
        uint64_t value;
        const uint8_t *pk;
        s_note (self, note, &value, &pk);
        if (tf_api_tx_add_output (tx, value, pk)) {
            if (note < self->leader_count)
                zsys_error ("genesis: stake %" PRIu64 " of node %zu is too large", value, note);
            else
                zsys_error ("genesis: amount %" PRIu64
                            " of wallet %zu is too large (at most %" PRId64 ")",
                            value, note - self->leader_count, (int64_t) TF_API_TX_MAX_VALUE);
            goto out;
        }
    }
    tf_api_tx_digest (tx, self->tx_hashes[index]);
    for (size_t output = 0; output < tx->output_count; output++) {
        size_t note = first + output;
        uint8_t *note_id = note < self->leader_count
                               ? self->leaders[note].note_id
                               : self->wallets[note - self->leader_count].note_id;
        if (note < self->leader_count)
            self->leaders[note].tx = (uint32_t) index;
        else
            self->wallets[note - self->leader_count].tx = (uint32_t) index;
        tf_api_tx_note_id (self->tx_hashes[index], output, tx->outputs[output].value,
                           tx->outputs[output].pk, note_id);
    }
    for (size_t node = first; node < leaders_last; node++)
        memcpy (tx->ops[node - first].declare.locked_note_id, self->leaders[node].note_id,
                TF_KEYS_HASH_SIZE);
    self->txs[index] = tx;
    tx = NULL;
    rc = 0;
out:
    tf_api_tx_destroy (&tx);
    return rc;
}

static char *s_render_yaml (const tf_genesis_t *self);

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
    size_t notes = self->leader_count + self->wallet_count;
    self->tx_count = notes ? (notes + TF_GENESIS_MAX_COUNT - 1) / TF_GENESIS_MAX_COUNT : 1;
    if (self->tx_count > TF_GENESIS_MAX_TXS) {
        zsys_error ("genesis: %zu leaders and %zu wallets do not fit %d genesis txs (at most %d "
                    "notes)",
                    self->leader_count, self->wallet_count, TF_GENESIS_MAX_TXS,
                    TF_GENESIS_MAX_TXS * TF_GENESIS_MAX_COUNT);
        goto failed;
    }
    self->txs = (tf_api_tx_t **) zmalloc (self->tx_count * sizeof (tf_api_tx_t *));
    self->tx_hashes = zmalloc (self->tx_count * sizeof *self->tx_hashes);
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
    for (size_t index = 0; index < self->tx_count; index++)
        if (s_build_tx (self, index))
            goto failed;
    self->yaml = s_render_yaml (self);
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
    for (size_t index = 0; self->txs && index < self->tx_count; index++)
        tf_api_tx_destroy (&self->txs[index]);
    free (self->txs);
    free (self->tx_hashes);
    free (self->yaml);
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

//  genesis_state at indent 0: the tx, or the list of txs
static char *
s_render_yaml (const tf_genesis_t *self)
{
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream (&text, &size);
    assert (out);
    if (self->tx_count == 1) {
        json_t *json = tf_api_tx_signed_json (self->txs[0]);
        s_yaml_object (out, json, 0, false);
        json_decref (json);
    }
    else {
        json_t *list = json_array ();
        for (size_t index = 0; index < self->tx_count; index++)
            json_array_append_new (list, tf_api_tx_signed_json (self->txs[index]));
        s_yaml_array (out, list, 0);
        json_decref (list);
    }
    fclose (out);
    return text;
}

void
tf_genesis_print_yaml (const tf_genesis_t *self, FILE *out, int indent)
{
    assert (self && self->yaml && out);
    for (const char *line = self->yaml; *line;) {
        const char *end = strchr (line, '\n');
        size_t length = end ? (size_t) (end - line) + 1 : strlen (line);
        fprintf (out, "%*s", indent, "");
        fwrite (line, 1, length, out);
        line += length;
    }
}
