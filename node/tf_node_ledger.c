//  tf_node_ledger.c - the UTXO set: unspent notes, tx validation against it, balances
#include <assert.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tf_node_idmap.h"
#include "tf_node_ledger.h"
#include "tf_node_verified.h"

struct _tf_node_ledger_t {
    tf_node_idmap_t *notes; //  note id -> tf_node_output_t
};

static void *
s_note_dup (const void *value)
{
    tf_node_output_t *copy = malloc (sizeof *copy);
    assert (copy);
    memcpy (copy, value, sizeof *copy);
    return copy;
}

tf_node_ledger_t *
tf_node_ledger_new (void)
{
    tf_node_ledger_t *self = calloc (1, sizeof *self);
    assert (self);
    self->notes = tf_node_idmap_new (free);
    return self;
}

void
tf_node_ledger_destroy (tf_node_ledger_t **self_p)
{
    assert (self_p);
    tf_node_ledger_t *self = *self_p;
    if (!self)
        return;
    tf_node_idmap_destroy (&self->notes);
    free (self);
    *self_p = NULL;
}

tf_node_ledger_t *
tf_node_ledger_dup (const tf_node_ledger_t *self)
{
    assert (self);
    tf_node_ledger_t *copy = calloc (1, sizeof *copy);
    assert (copy);
    copy->notes = tf_node_idmap_dup (self->notes, s_note_dup);
    return copy;
}

//  The checks of tf_node_ledger_check, the owners' signatures only when signatures
static int
s_check (const tf_node_ledger_t *self, const tf_node_tx_t *tx, bool signatures, char *error,
         size_t error_size)
{
    assert (self);
    assert (tx);
    uint64_t funds = 0, spent = 0;
    //  Signatures that verified once verify again (tf_node_verified.h): known by the
    //  hash of the tx hash and the signatures themselves, so another copy of the
    //  same tx with other signatures is verified afresh
    tf_node_hash_t signed_id;
    bool verify = false;
    if (signatures && tx->ninputs > 0) {
        assert (tx->ninputs <= TF_NODE_TX_MAX_INPUTS); //  tf_node_tx_new's bound
        uint8_t both[TF_NODE_HASH_SIZE + TF_NODE_TX_MAX_INPUTS * TF_NODE_SIG_SIZE];
        size_t size = TF_NODE_HASH_SIZE + tx->ninputs * TF_NODE_SIG_SIZE;
        memcpy (both, tx->hash.bytes, TF_NODE_HASH_SIZE);
        memcpy (both + TF_NODE_HASH_SIZE, tx->input_sigs, tx->ninputs * TF_NODE_SIG_SIZE);
        tf_node_blake2b (both, size, &signed_id);
        verify = !tf_node_verified_has (&signed_id);
    }
    for (size_t index = 0; index < tx->ninputs; index++) {
        const tf_node_output_t *note = tf_node_idmap_lookup (self->notes, &tx->inputs[index]);
        if (!note) {
            snprintf (error, error_size, "input %zu is not an unspent note", index);
            return -1;
        }
        if (verify
            && tf_node_verify (&note->pk, tx->hash.bytes, TF_NODE_HASH_SIZE,
                               tx->input_sigs[index])) {
            snprintf (error, error_size, "input %zu: signature by the note owner is invalid",
                      index);
            return -1;
        }
        if (funds + note->value < funds) {
            snprintf (error, error_size, "input values overflow");
            return -1;
        }
        funds += note->value;
    }
    for (size_t index = 0; index < tx->noutputs; index++) {
        if (spent + tx->outputs[index].value < spent) {
            snprintf (error, error_size, "output values overflow");
            return -1;
        }
        spent += tx->outputs[index].value;
    }
    if (verify)
        tf_node_verified_add (&signed_id); //  Every input's signature held
    if (spent > funds) {
        snprintf (error, error_size, "outputs (%llu) exceed inputs (%llu)",
                  (unsigned long long) spent, (unsigned long long) funds);
        return -1;
    }
    return 0;
}

int
tf_node_ledger_check (const tf_node_ledger_t *self, const tf_node_tx_t *tx, char *error,
                      size_t error_size)
{
    return s_check (self, tx, true, error, error_size);
}

int
tf_node_ledger_check_trusted (const tf_node_ledger_t *self, const tf_node_tx_t *tx, char *error,
                              size_t error_size)
{
    return s_check (self, tx, false, error, error_size);
}

void
tf_node_ledger_apply (tf_node_ledger_t *self, const tf_node_tx_t *tx)
{
    assert (self);
    for (size_t index = 0; index < tx->ninputs; index++)
        tf_node_idmap_delete (self->notes, &tx->inputs[index]);
    tf_node_ledger_add_outputs (self, tx);
}

void
tf_node_ledger_add_outputs (tf_node_ledger_t *self, const tf_node_tx_t *tx)
{
    assert (self);
    for (size_t index = 0; index < tx->noutputs; index++) {
        tf_node_hash_t note_id;
        tf_node_note_id (&tx->hash, index, &tx->outputs[index], &note_id);
        tf_node_output_t *note = s_note_dup (&tx->outputs[index]);
        if (tf_node_idmap_insert (self->notes, &note_id, note))
            free (note); //  Same note twice: impossible unless hashes collide
    }
}

const tf_node_output_t *
tf_node_ledger_note (const tf_node_ledger_t *self, const tf_node_hash_t *note_id)
{
    assert (self);
    return tf_node_idmap_lookup (self->notes, note_id);
}

typedef struct {
    const tf_node_hash_t *pk; //  Owner searched
    uint64_t balance;         //  Running sum
    tf_node_hash_t *ids;      //  Output ids, or NULL
    size_t count;             //  Ids written
    size_t max;               //  Room in ids
} owner_scan_t;

static int
s_scan_owner (const tf_node_hash_t *id, void *value, void *arg)
{
    owner_scan_t *scan = arg;
    tf_node_output_t *note = value;
    if (tf_node_hash_cmp (&note->pk, scan->pk) == 0) {
        scan->balance += note->value;
        if (scan->ids && scan->count < scan->max)
            scan->ids[scan->count++] = *id;
    }
    return 0;
}

uint64_t
tf_node_ledger_balance (const tf_node_ledger_t *self, const tf_node_hash_t *pk)
{
    owner_scan_t scan = {pk, 0, NULL, 0, 0};
    tf_node_idmap_foreach (self->notes, s_scan_owner, &scan);
    return scan.balance;
}

size_t
tf_node_ledger_notes_of (const tf_node_ledger_t *self, const tf_node_hash_t *pk,
                         tf_node_hash_t *ids, size_t max)
{
    owner_scan_t scan = {pk, 0, ids, 0, max};
    tf_node_idmap_foreach (self->notes, s_scan_owner, &scan);
    return scan.count;
}

size_t
tf_node_ledger_size (const tf_node_ledger_t *self)
{
    return tf_node_idmap_size (self->notes);
}
