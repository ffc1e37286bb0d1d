//  tf_node_chain.c - the block tree: ledgers per block, longest-chain fork choice, LIB
//
//  Every block keeps the ledger as it stands after the block, so a block on any fork can
//  be validated against its own parent. Ledgers of blocks below the LIB are freed: no new
//  block may build on them, since a fork below the LIB is never adopted.
#include <assert.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tf_node_chain.h"
#include "tf_node_idmap.h"

struct _tf_node_chain_t {
    tf_node_idmap_t *entries;          //  block id -> tf_node_chain_entry_t
    tf_node_chain_entry_t *genesis;    //  Root
    tf_node_chain_entry_t *tip;        //  Canonical tip
    tf_node_chain_entry_t *lib;        //  Last immutable block
    tf_node_chain_entry_t **canonical; //  Canonical entry per height
    size_t canonical_room;             //  Allocated slots in canonical
    tf_node_chain_entry_t **ledgered;  //  The entries that still hold a ledger
    size_t nledgered, ledgered_room;   //  Their count, allocated slots
    uint64_t security_param;           //  k
    bool trusted;                      //  Blocks come from our own block log
};

//  Remember that entry holds a ledger, so pruning visits only those
static void
s_ledgered_push (tf_node_chain_t *self, tf_node_chain_entry_t *entry)
{
    if (self->nledgered == self->ledgered_room) {
        self->ledgered_room = self->ledgered_room ? self->ledgered_room * 2 : 64;
        self->ledgered = realloc (self->ledgered, self->ledgered_room * sizeof *self->ledgered);
        assert (self->ledgered);
    }
    self->ledgered[self->nledgered++] = entry;
}

static void
s_entry_free (void *value)
{
    tf_node_chain_entry_t *entry = value;
    tf_node_block_destroy (&entry->block);
    tf_node_ledger_destroy (&entry->ledger);
    free (entry);
}

static void s_set_tip (tf_node_chain_t *self, tf_node_chain_entry_t *tip);

tf_node_chain_t *
tf_node_chain_new (tf_node_block_t *genesis, tf_node_ledger_t *ledger, uint64_t security_param)
{
    tf_node_chain_t *self = calloc (1, sizeof *self);
    assert (self);
    self->entries = tf_node_idmap_new (s_entry_free);
    self->security_param = security_param;
    tf_node_chain_entry_t *entry = calloc (1, sizeof *entry);
    assert (entry);
    entry->block = genesis;
    entry->ledger = ledger;
    tf_node_idmap_insert (self->entries, &genesis->id, entry);
    s_ledgered_push (self, entry);
    self->genesis = self->lib = entry;
    s_set_tip (self, entry);
    return self;
}

void
tf_node_chain_destroy (tf_node_chain_t **self_p)
{
    assert (self_p);
    tf_node_chain_t *self = *self_p;
    if (!self)
        return;
    tf_node_idmap_destroy (&self->entries);
    free (self->canonical);
    free (self->ledgered);
    free (self);
    *self_p = NULL;
}

tf_node_chain_rc_t
tf_node_chain_add (tf_node_chain_t *self, tf_node_block_t **block_p, char *error, size_t error_size)
{
    assert (self);
    assert (block_p && *block_p);
    tf_node_block_t *block = *block_p;
    if (tf_node_idmap_lookup (self->entries, &block->id))
        return TF_NODE_CHAIN_DUPLICATE;
    tf_node_chain_entry_t *parent = tf_node_idmap_lookup (self->entries, &block->parent);
    if (!parent)
        return TF_NODE_CHAIN_ORPHAN;
    if (!parent->ledger || parent->height < self->lib->height)
        return TF_NODE_CHAIN_STALE;
    if (block->slot <= parent->block->slot) {
        snprintf (error, error_size, "slot %llu is not after the parent's slot %llu",
                  (unsigned long long) block->slot, (unsigned long long) parent->block->slot);
        return TF_NODE_CHAIN_INVALID;
    }
    //  Apply the txs in order to a copy of the parent's ledger: a note spent twice within
    //  the block is missing the second time, so double spends fail here too
    tf_node_ledger_t *ledger = tf_node_ledger_dup (parent->ledger);
    for (size_t index = 0; index < block->ntxs; index++) {
        char reason[160];
        int invalid =
            self->trusted
                ? tf_node_ledger_check_trusted (ledger, block->txs[index], reason, sizeof reason)
                : tf_node_ledger_check (ledger, block->txs[index], reason, sizeof reason);
        if (invalid) {
            snprintf (error, error_size, "tx %zu: %s", index, reason);
            tf_node_ledger_destroy (&ledger);
            return TF_NODE_CHAIN_INVALID;
        }
        tf_node_ledger_apply (ledger, block->txs[index]);
    }
    tf_node_chain_entry_t *entry = calloc (1, sizeof *entry);
    assert (entry);
    entry->block = block;
    entry->height = parent->height + 1;
    entry->parent = parent;
    entry->ledger = ledger;
    tf_node_idmap_insert (self->entries, &block->id, entry);
    s_ledgered_push (self, entry);
    *block_p = NULL;

    //  Switch to the new branch if it wins and does not fork below the LIB
    if (tf_node_chain_better (entry, self->tip)) {
        const tf_node_chain_entry_t *fork = tf_node_chain_common (entry, self->tip);
        if (fork->height >= self->lib->height)
            s_set_tip (self, entry);
    }
    return TF_NODE_CHAIN_ADDED;
}

int
tf_node_chain_update_lib (tf_node_chain_t *self)
{
    assert (self);
    uint64_t height =
        self->tip->height > self->security_param ? self->tip->height - self->security_param : 0;
    if (height <= self->lib->height)
        return 0; //  Never moves back
    self->lib = self->canonical[height];
    //  Free the ledgers below it (on every fork), keep the others
    size_t kept = 0;
    for (size_t index = 0; index < self->nledgered; index++) {
        tf_node_chain_entry_t *entry = self->ledgered[index];
        if (entry->height < height)
            tf_node_ledger_destroy (&entry->ledger);
        else
            self->ledgered[kept++] = entry;
    }
    self->nledgered = kept;
    return 1;
}

void
tf_node_chain_set_trusted (tf_node_chain_t *self, bool trusted)
{
    assert (self);
    self->trusted = trusted;
}

void
tf_node_chain_set_security_param (tf_node_chain_t *self, uint64_t security_param)
{
    assert (self);
    self->security_param = security_param;
}

const tf_node_chain_entry_t *
tf_node_chain_tip (const tf_node_chain_t *self)
{
    return self->tip;
}

const tf_node_chain_entry_t *
tf_node_chain_lib (const tf_node_chain_t *self)
{
    return self->lib;
}

const tf_node_chain_entry_t *
tf_node_chain_genesis (const tf_node_chain_t *self)
{
    return self->genesis;
}

const tf_node_chain_entry_t *
tf_node_chain_lookup (const tf_node_chain_t *self, const tf_node_hash_t *id)
{
    return tf_node_idmap_lookup (self->entries, id);
}

const tf_node_chain_entry_t *
tf_node_chain_at (const tf_node_chain_t *self, uint64_t height)
{
    return height <= self->tip->height ? self->canonical[height] : NULL;
}

const tf_node_chain_entry_t *
tf_node_chain_common (const tf_node_chain_entry_t *left, const tf_node_chain_entry_t *right)
{
    while (left->height > right->height)
        left = left->parent;
    while (right->height > left->height)
        right = right->parent;
    while (left != right) {
        left = left->parent;
        right = right->parent;
    }
    return left;
}

size_t
tf_node_chain_size (const tf_node_chain_t *self)
{
    return tf_node_idmap_size (self->entries);
}

int
tf_node_chain_better (const tf_node_chain_entry_t *candidate, const tf_node_chain_entry_t *current)
{
    if (candidate->height != current->height)
        return candidate->height > current->height;
    return tf_node_hash_cmp (&candidate->block->id, &current->block->id) < 0;
}

//  Make tip canonical: rewrite the per-height index from the tip down to the fork point.
static void
s_set_tip (tf_node_chain_t *self, tf_node_chain_entry_t *tip)
{
    if (tip->height + 1 > self->canonical_room) {
        size_t room = self->canonical_room ? self->canonical_room * 2 : 1024;
        while (room < tip->height + 1)
            room *= 2;
        self->canonical = realloc (self->canonical, room * sizeof *self->canonical);
        assert (self->canonical);
        self->canonical_room = room;
    }
    for (tf_node_chain_entry_t *entry = tip; entry; entry = entry->parent) {
        if (self->tip && entry->height <= self->tip->height
            && self->canonical[entry->height] == entry)
            break;
        self->canonical[entry->height] = entry;
    }
    self->tip = tip;
}
