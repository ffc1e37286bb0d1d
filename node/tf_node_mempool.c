//  tf_node_mempool.c - pending transactions in arrival order, with a cap
#include <assert.h>
#include <stdlib.h>
#include <sys/time.h>
#include "tf_node_idmap.h"
#include "tf_node_mempool.h"

typedef struct _item_t {
    tf_node_tx_t *tx;            //  Owned tx
    struct _item_t *prev, *next; //  Arrival order
} item_t;

struct _tf_node_mempool_t {
    tf_node_idmap_t *by_hash;  //  tx hash -> item_t (owned by the list)
    tf_node_idmap_t *by_input; //  note id -> item_t spending it
    item_t *head, *tail;       //  Oldest, newest
    size_t cap;                //  Most pending txs
    uint64_t last_add_ms;      //  Unix ms of the last add
};

tf_node_mempool_t *
tf_node_mempool_new (size_t cap)
{
    tf_node_mempool_t *self = calloc (1, sizeof *self);
    assert (self);
    self->by_hash = tf_node_idmap_new (NULL);
    self->by_input = tf_node_idmap_new (NULL);
    self->cap = cap;
    return self;
}

void
tf_node_mempool_destroy (tf_node_mempool_t **self_p)
{
    assert (self_p);
    tf_node_mempool_t *self = *self_p;
    if (!self)
        return;
    for (item_t *item = self->head, *next; item; item = next) {
        next = item->next;
        tf_node_tx_destroy (&item->tx);
        free (item);
    }
    tf_node_idmap_destroy (&self->by_hash);
    tf_node_idmap_destroy (&self->by_input);
    free (self);
    *self_p = NULL;
}

tf_node_mempool_rc_t
tf_node_mempool_add (tf_node_mempool_t *self, tf_node_tx_t **tx_p)
{
    assert (self);
    tf_node_tx_t *tx = *tx_p;
    if (tf_node_idmap_lookup (self->by_hash, &tx->hash))
        return TF_NODE_MEMPOOL_DUPLICATE;
    for (size_t index = 0; index < tx->ninputs; index++)
        if (tf_node_idmap_lookup (self->by_input, &tx->inputs[index]))
            return TF_NODE_MEMPOOL_CONFLICT;
    if (tf_node_idmap_size (self->by_hash) >= self->cap)
        return TF_NODE_MEMPOOL_FULL;
    item_t *item = calloc (1, sizeof *item);
    assert (item);
    item->tx = tx;
    item->prev = self->tail;
    if (self->tail)
        self->tail->next = item;
    else
        self->head = item;
    self->tail = item;
    tf_node_idmap_insert (self->by_hash, &tx->hash, item);
    for (size_t index = 0; index < tx->ninputs; index++)
        tf_node_idmap_insert (self->by_input, &tx->inputs[index], item);
    struct timeval now;
    gettimeofday (&now, NULL);
    self->last_add_ms = (uint64_t) now.tv_sec * 1000 + (uint64_t) now.tv_usec / 1000;
    *tx_p = NULL;
    return TF_NODE_MEMPOOL_OK;
}

int
tf_node_mempool_contains (const tf_node_mempool_t *self, const tf_node_hash_t *hash)
{
    return tf_node_idmap_lookup (self->by_hash, hash) != NULL;
}

int
tf_node_mempool_spends (const tf_node_mempool_t *self, const tf_node_hash_t *note_id)
{
    return tf_node_idmap_lookup (self->by_input, note_id) != NULL;
}

static void
s_unlink (tf_node_mempool_t *self, item_t *item)
{
    tf_node_idmap_take (self->by_hash, &item->tx->hash);
    for (size_t index = 0; index < item->tx->ninputs; index++)
        tf_node_idmap_take (self->by_input, &item->tx->inputs[index]);
    if (item->prev)
        item->prev->next = item->next;
    else
        self->head = item->next;
    if (item->next)
        item->next->prev = item->prev;
    else
        self->tail = item->prev;
    tf_node_tx_destroy (&item->tx);
    free (item);
}

void
tf_node_mempool_remove (tf_node_mempool_t *self, const tf_node_hash_t *hash)
{
    item_t *item = tf_node_idmap_lookup (self->by_hash, hash);
    if (item)
        s_unlink (self, item);
}

size_t
tf_node_mempool_select (tf_node_mempool_t *self, const tf_node_ledger_t *ledger, tf_node_tx_t **txs,
                        size_t max)
{
    assert (self);
    tf_node_ledger_t *scratch = tf_node_ledger_dup (ledger);
    size_t count = 0;
    for (item_t *item = self->head, *next; item && count < max; item = next) {
        next = item->next;
        char reason[160];
        if (tf_node_ledger_check (scratch, item->tx, reason, sizeof reason)) {
            s_unlink (self, item); //  Spent or unfunded on this chain: drop it
            continue;
        }
        tf_node_ledger_apply (scratch, item->tx);
        txs[count++] = tf_node_tx_dup (item->tx);
    }
    tf_node_ledger_destroy (&scratch);
    return count;
}

size_t
tf_node_mempool_size (const tf_node_mempool_t *self)
{
    return tf_node_idmap_size (self->by_hash);
}

uint64_t
tf_node_mempool_last_add_ms (const tf_node_mempool_t *self)
{
    return self->last_add_ms;
}

tf_node_tx_t *
tf_node_tx_dup (const tf_node_tx_t *tx)
{
    char error[200];
    json_t *json = tf_node_tx_json (tx);
    tf_node_tx_t *copy = tf_node_tx_new (json, 0, error, sizeof error);
    json_decref (json);
    assert (copy); //  It parsed before, so it parses again
    return copy;
}
