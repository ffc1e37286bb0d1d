//  tf_scanner_walk.c - one node's chain, as the scanner has reported it so far

#include "tf_scanner_walk.h"

struct _tf_scanner_walk_t {
    zhashx_t *known;            //  Emitted id -> its slot + 1 (as a pointer)
    uint64_t floor;             //  Slots below are settled
    tf_scanner_fetch_fn *fetch; //  Reads a block from the node
    void *fetch_arg;
    tf_scanner_emit_fn *emit; //  Publishes a block
    void *emit_arg;
};

tf_scanner_walk_t *
tf_scanner_walk_new (tf_scanner_fetch_fn *fetch, void *fetch_arg, tf_scanner_emit_fn *emit,
                     void *emit_arg)
{
    assert (fetch && emit);
    tf_scanner_walk_t *self = (tf_scanner_walk_t *) zmalloc (sizeof (tf_scanner_walk_t));
    self->known = zhashx_new ();
    self->fetch = fetch;
    self->fetch_arg = fetch_arg;
    self->emit = emit;
    self->emit_arg = emit_arg;
    return self;
}

void
tf_scanner_walk_destroy (tf_scanner_walk_t **self_p)
{
    assert (self_p);
    tf_scanner_walk_t *self = *self_p;
    if (!self)
        return;
    zhashx_destroy (&self->known);
    free (self);
    *self_p = NULL;
}

bool
tf_scanner_walk_known (tf_scanner_walk_t *self, const char *id)
{
    assert (self && id);
    return zhashx_lookup (self->known, id) != NULL;
}

size_t
tf_scanner_walk_size (tf_scanner_walk_t *self)
{
    assert (self);
    return zhashx_size (self->known);
}

void
tf_scanner_walk_forget_below (tf_scanner_walk_t *self, uint64_t floor)
{
    assert (self);
    if (floor <= self->floor)
        return;
    self->floor = floor;
    zlistx_t *ids = zhashx_keys (self->known);
    for (const char *id = (const char *) zlistx_first (ids); id;
         id = (const char *) zlistx_next (ids))
        if ((uint64_t) (uintptr_t) zhashx_lookup (self->known, id) - 1 < floor)
            zhashx_delete (self->known, id);
    zlistx_destroy (&ids);
}

//  Mark a block known, then hand it on
static void
s_emit (tf_scanner_walk_t *self, const tf_api_block_t *block)
{
    zhashx_insert (self->known, block->id, (void *) (uintptr_t) (block->slot + 1));
    self->emit (self->emit_arg, block);
}

int
tf_scanner_walk_block (tf_scanner_walk_t *self, const tf_api_block_t *block)
{
    assert (self && block);
    if (tf_scanner_walk_known (self, block->id) || block->slot < self->floor)
        return 0;
    //  Ancestors we have not emitted, newest first
    zlistx_t *ancestors = zlistx_new ();
    int rc = 0;
    const char *cursor = block->parent;
    while (!tf_api_id_is_zero (cursor) && !tf_scanner_walk_known (self, cursor)) {
        tf_api_block_t *ancestor = NULL;
        if (zlistx_size (ancestors) >= TF_SCANNER_WALK_MAX
            || self->fetch (self->fetch_arg, cursor, &ancestor) != 0) {
            tf_api_block_destroy (&ancestor);
            rc = -1;
            break;
        }
        if (strcmp (ancestor->id, cursor) != 0 || strcmp (ancestor->parent, ancestor->id) == 0) {
            tf_api_block_destroy (&ancestor); //  A node answering nonsense: a gap
            rc = -1;
            break;
        }
        if (ancestor->slot < self->floor) {
            tf_api_block_destroy (&ancestor); //  Settled: published long ago
            break;
        }
        zlistx_add_end (ancestors, ancestor);
        cursor = ancestor->parent;
    }
    tf_api_block_t *ancestor = (tf_api_block_t *) zlistx_last (ancestors);
    while (ancestor) {
        if (rc == 0 && !tf_scanner_walk_known (self, ancestor->id))
            s_emit (self, ancestor);
        tf_api_block_destroy (&ancestor);
        ancestor = (tf_api_block_t *) zlistx_prev (ancestors);
    }
    zlistx_destroy (&ancestors);
    if (rc == 0)
        s_emit (self, block);
    return rc;
}

int
tf_scanner_walk_tip (tf_scanner_walk_t *self, const char *tip)
{
    assert (self && tip);
    if (tf_scanner_walk_known (self, tip))
        return 0;
    tf_api_block_t *block = NULL;
    if (self->fetch (self->fetch_arg, tip, &block) != 0) {
        tf_api_block_destroy (&block);
        return -1;
    }
    int rc = tf_scanner_walk_block (self, block);
    tf_api_block_destroy (&block);
    return rc;
}
