//  tf_exp_tx_chain.c - final and lost blocks, settled as they age
//  (see tf_exp_tx_chain.h)

#include <czmq.h>
#include "tf_exp_tx_chain.h"

#define S_HEX_SIZE 65   //  64 hex and a terminator
#define S_PASS_MS  1000 //  Clock time between two settling passes

//  One block of the feed
typedef struct {
    char parent[S_HEX_SIZE];
    uint64_t height;
    uint64_t seen_ms;
    uint64_t final_ms; //  0: not final
    tf_strs_t txs;     //  Owned copies
} s_block_t;

//  When a LIB was first reported
typedef struct {
    uint64_t at_ms;
} s_lib_t;

struct _tf_exp_tx_chain_t {
    zhashx_t *blocks;      //  block id -> s_block_t (owned)
    zhashx_t *libs;        //  lib id -> s_lib_t (owned)
    uint64_t now_ms;       //  Latest time any record carried
    uint64_t passed_ms;    //  Clock at the last settling pass
    uint64_t final_height; //  Highest height of a final block
    uint64_t seen;         //  Blocks seen in all
};

static void
s_block_free (void **item_p)
{
    s_block_t *block = (s_block_t *) *item_p;
    if (block) {
        for (size_t index = 0; index < block->txs.count; index++)
            free (block->txs.items[index]);
        free (block->txs.items);
    }
    free (block);
    *item_p = NULL;
}

static void
s_lib_free (void **item_p)
{
    free (*item_p);
    *item_p = NULL;
}

tf_exp_tx_chain_t *
tf_exp_tx_chain_new (void)
{
    tf_exp_tx_chain_t *self = (tf_exp_tx_chain_t *) zmalloc (sizeof (tf_exp_tx_chain_t));
    self->blocks = zhashx_new ();
    zhashx_set_destructor (self->blocks, s_block_free);
    self->libs = zhashx_new ();
    zhashx_set_destructor (self->libs, s_lib_free);
    return self;
}

void
tf_exp_tx_chain_destroy (tf_exp_tx_chain_t **self_p)
{
    assert (self_p);
    tf_exp_tx_chain_t *self = *self_p;
    if (!self)
        return;
    zhashx_destroy (&self->blocks);
    zhashx_destroy (&self->libs);
    free (self);
    *self_p = NULL;
}

void
tf_exp_tx_chain_clock (tf_exp_tx_chain_t *self, uint64_t at_ms)
{
    assert (self);
    if (at_ms > self->now_ms)
        self->now_ms = at_ms;
}

//  Block and its ancestors are final at `at` unless they already were earlier
static void
s_mark_final (tf_exp_tx_chain_t *self, s_block_t *block, uint64_t at)
{
    if (at == 0)
        at = 1; //  0 means "not final"
    while (block && (block->final_ms == 0 || block->final_ms > at)) {
        block->final_ms = at;
        if (block->height > self->final_height)
            self->final_height = block->height;
        block = (s_block_t *) zhashx_lookup (self->blocks, block->parent);
    }
}

void
tf_exp_tx_chain_block (tf_exp_tx_chain_t *self, const tf_feed_block_t *block)
{
    assert (self && block && block->id);
    tf_exp_tx_chain_clock (self, block->seen_ms);
    if (zhashx_lookup (self->blocks, block->id))
        return;
    s_block_t *copy = (s_block_t *) zmalloc (sizeof (s_block_t));
    snprintf (copy->parent, sizeof copy->parent, "%s", block->parent ? block->parent : "");
    copy->height = block->height;
    copy->seen_ms = block->seen_ms;
    copy->txs.count = block->txs.count;
    copy->txs.items = (char **) zmalloc ((block->txs.count + 1) * sizeof (char *));
    for (size_t index = 0; index < block->txs.count; index++)
        copy->txs.items[index] = strdup (block->txs.items[index]);
    zhashx_insert (self->blocks, block->id, copy);
    self->seen++;
    //  Final already: a LIB was reported for it, or a final child came first
    s_lib_t *lib = (s_lib_t *) zhashx_lookup (self->libs, block->id);
    uint64_t final_ms = lib ? lib->at_ms : 0;
    for (s_block_t *child = (s_block_t *) zhashx_first (self->blocks); child;
         child = (s_block_t *) zhashx_next (self->blocks))
        if (child->final_ms && streq (child->parent, block->id)
            && (final_ms == 0 || child->final_ms < final_ms))
            final_ms = child->final_ms;
    if (lib || final_ms)
        s_mark_final (self, copy, final_ms);
}

void
tf_exp_tx_chain_tip (tf_exp_tx_chain_t *self, const tf_feed_tip_t *tip)
{
    assert (self && tip);
    tf_exp_tx_chain_clock (self, tip->at_ms);
    if (!tip->up || !tip->lib || strlen (tip->lib) != S_HEX_SIZE - 1)
        return;
    s_lib_t *lib = (s_lib_t *) zhashx_lookup (self->libs, tip->lib);
    if (lib && lib->at_ms <= tip->at_ms)
        return;
    if (!lib) {
        lib = (s_lib_t *) zmalloc (sizeof (s_lib_t));
        zhashx_insert (self->libs, tip->lib, lib);
    }
    lib->at_ms = tip->at_ms;
    s_mark_final (self, (s_block_t *) zhashx_lookup (self->blocks, tip->lib), tip->at_ms);
}

//  The block as callbacks see it, judged as of now
static tf_exp_tx_chain_block_t
s_view (tf_exp_tx_chain_t *self, const char *id, const s_block_t *block)
{
    return (tf_exp_tx_chain_block_t){.id = id,
                                     .height = block->height,
                                     .seen_ms = block->seen_ms,
                                     .final_ms = block->final_ms,
                                     .lost = block->final_ms == 0
                                             && block->height <= self->final_height,
                                     .txs = &block->txs};
}

//  Is the block settled: final, or lost, for long enough?
static bool
s_settled (tf_exp_tx_chain_t *self, const s_block_t *block, bool final)
{
    if (final)
        return block->final_ms && block->final_ms + TF_EXP_TX_SETTLE_MS <= self->now_ms;
    return block->final_ms == 0 && block->height <= self->final_height
           && block->seen_ms + TF_EXP_TX_SETTLE_MS <= self->now_ms;
}

//  Hand the settled blocks of one kind to fn and forget them
static void
s_settle_kind (tf_exp_tx_chain_t *self, bool final, tf_exp_tx_chain_fn *fn, void *arg)
{
    zlistx_t *ids = zhashx_keys (self->blocks); //  Copies: the blocks can go meanwhile
    for (const char *id = (const char *) zlistx_first (ids); id;
         id = (const char *) zlistx_next (ids)) {
        s_block_t *block = (s_block_t *) zhashx_lookup (self->blocks, id);
        if (!s_settled (self, block, final))
            continue;
        tf_exp_tx_chain_block_t view = s_view (self, id, block);
        fn (&view, arg);
        zhashx_delete (self->blocks, id);
    }
    zlistx_destroy (&ids);
}

bool
tf_exp_tx_chain_settle (tf_exp_tx_chain_t *self, tf_exp_tx_chain_fn *fn, void *arg)
{
    assert (self && fn);
    if (self->now_ms < self->passed_ms + S_PASS_MS)
        return false;
    self->passed_ms = self->now_ms;
    s_settle_kind (self, true, fn, arg);
    s_settle_kind (self, false, fn, arg);
    //  LIB reports that old have marked every block they will
    zlistx_t *ids = zhashx_keys (self->libs);
    for (const char *id = (const char *) zlistx_first (ids); id;
         id = (const char *) zlistx_next (ids))
        if (((s_lib_t *) zhashx_lookup (self->libs, id))->at_ms + TF_EXP_TX_SETTLE_MS
            <= self->now_ms)
            zhashx_delete (self->libs, id);
    zlistx_destroy (&ids);
    return true;
}

void
tf_exp_tx_chain_each (tf_exp_tx_chain_t *self, tf_exp_tx_chain_fn *fn, void *arg)
{
    assert (self && fn);
    for (s_block_t *block = (s_block_t *) zhashx_first (self->blocks); block;
         block = (s_block_t *) zhashx_next (self->blocks)) {
        tf_exp_tx_chain_block_t view =
            s_view (self, (const char *) zhashx_cursor (self->blocks), block);
        fn (&view, arg);
    }
}

size_t
tf_exp_tx_chain_held (tf_exp_tx_chain_t *self)
{
    assert (self);
    return zhashx_size (self->blocks);
}

uint64_t
tf_exp_tx_chain_seen (tf_exp_tx_chain_t *self)
{
    assert (self);
    return self->seen;
}
