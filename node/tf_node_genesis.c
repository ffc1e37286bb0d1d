//  tf_node_genesis.c - the genesis state: one SignedMantleTx or a list of them (see the header)
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tf_node_genesis.h"
#include "tf_node_idmap.h"

//  The prefix of a key path for tx index of a list ("" when genesis_state is one tx)
static void
s_prefix (char *out, size_t size, int list, size_t index)
{
    if (list)
        snprintf (out, size, "[%zu].", index);
    else
        out[0] = '\0';
}

//  Every locked note id names a genesis note; -1 with where and error set if not
static int
s_check_stakes (const tf_node_genesis_t *self, int list, char *where, size_t where_size,
                char *error, size_t error_size)
{
    tf_node_ledger_t *ledger = tf_node_genesis_ledger (self);
    int rc = 0;
    size_t decl = 0;
    for (size_t tx = 0; tx < self->ntxs && rc == 0; tx++)
        for (size_t op = 0; op < self->txs[tx]->ndecls && rc == 0; op++, decl++)
            if (!tf_node_ledger_note (ledger, &self->decls[decl].locked_note_id)) {
                char prefix[32];
                s_prefix (prefix, sizeof prefix, list, tx);
                snprintf (where, where_size, "%smantle_tx.ops[%zu].payload.locked_note_id", prefix,
                          op);
                snprintf (error, error_size,
                          "expected the note id of a genesis output (see node/README.md 1.2)");
                rc = -1;
            }
    tf_node_ledger_destroy (&ledger);
    return rc;
}

tf_node_genesis_t *
tf_node_genesis_new (json_t *value, char *where, size_t where_size, char *error, size_t error_size)
{
    assert (where && error);
    where[0] = error[0] = '\0';
    int list = json_is_array (value);
    size_t count = list ? json_array_size (value) : 1;
    if (!value || (!list && !json_is_object (value)) || count == 0
        || count > TF_NODE_GENESIS_MAX_TXS) {
        snprintf (error, error_size,
                  "expected a SignedMantleTx or a list of 1 to %d of them (tf-node extension)",
                  TF_NODE_GENESIS_MAX_TXS);
        return NULL;
    }
    tf_node_genesis_t *self = calloc (1, sizeof *self);
    assert (self);
    self->txs = calloc (count, sizeof *self->txs);
    assert (self->txs);
    tf_node_idmap_t *hashes = tf_node_idmap_new (NULL);
    char prefix[32], reason[200];
    for (size_t index = 0; index < count; index++) {
        s_prefix (prefix, sizeof prefix, list, index);
        json_t *item = list ? json_array_get (value, index) : value;
        tf_node_tx_t *tx = tf_node_tx_new (item, 1, reason, sizeof reason);
        if (!tx) {
            snprintf (where, where_size, "%.*s", (int) (list ? strlen (prefix) - 1 : 0), prefix);
            snprintf (error, error_size, "expected a SignedMantleTx: %s", reason);
            goto failed;
        }
        self->txs[self->ntxs++] = tx;
        if (tx->ninputs) {
            snprintf (where, where_size, "%smantle_tx.ledger_tx.inputs", prefix);
            snprintf (error, error_size, "expected []");
            goto failed;
        }
        //  Equal txs would give equal note ids
        if (tf_node_idmap_lookup (hashes, &tx->hash)) {
            snprintf (where, where_size, "%.*s", (int) strlen (prefix) - 1, prefix);
            snprintf (error, error_size, "expected a tx unlike every earlier one (same hash)");
            goto failed;
        }
        tf_node_idmap_insert (hashes, &tx->hash, tx);
        self->ndecls += tx->ndecls;
    }
    self->decls = calloc (self->ndecls + 1, sizeof *self->decls);
    assert (self->decls);
    size_t decl = 0;
    for (size_t index = 0; index < self->ntxs; index++) {
        memcpy (&self->decls[decl], self->txs[index]->decls,
                self->txs[index]->ndecls * sizeof *self->decls);
        decl += self->txs[index]->ndecls;
    }
    if (s_check_stakes (self, list, where, where_size, error, error_size))
        goto failed;
    tf_node_idmap_destroy (&hashes);
    return self;

failed:
    tf_node_idmap_destroy (&hashes);
    tf_node_genesis_destroy (&self);
    return NULL;
}

void
tf_node_genesis_destroy (tf_node_genesis_t **self_p)
{
    assert (self_p);
    tf_node_genesis_t *self = *self_p;
    if (!self)
        return;
    for (size_t index = 0; index < self->ntxs; index++)
        tf_node_tx_destroy (&self->txs[index]);
    free (self->txs);
    free (self->decls);
    free (self);
    *self_p = NULL;
}

tf_node_ledger_t *
tf_node_genesis_ledger (const tf_node_genesis_t *self)
{
    assert (self);
    tf_node_ledger_t *ledger = tf_node_ledger_new ();
    for (size_t index = 0; index < self->ntxs; index++)
        tf_node_ledger_add_outputs (ledger, self->txs[index]);
    return ledger;
}

size_t
tf_node_genesis_notes (const tf_node_genesis_t *self)
{
    assert (self);
    size_t notes = 0;
    for (size_t index = 0; index < self->ntxs; index++)
        notes += self->txs[index]->noutputs;
    return notes;
}
