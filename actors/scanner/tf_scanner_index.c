//  tf_scanner_index.c - every block the feed has published, with its height

#include <czmq.h>
#include "tf_api_client.h"
#include "tf_scanner_index.h"

struct _tf_scanner_index_t {
    zhashx_t *heights; //  id -> uint64_t height (owned copies)
};

//  zhashx destructor of a stored height
static void
s_free_height (void **item_p)
{
    free (*item_p);
    *item_p = NULL;
}

tf_scanner_index_t *
tf_scanner_index_new (void)
{
    tf_scanner_index_t *self = (tf_scanner_index_t *) zmalloc (sizeof (tf_scanner_index_t));
    self->heights = zhashx_new ();
    zhashx_set_destructor (self->heights, s_free_height);
    return self;
}

void
tf_scanner_index_destroy (tf_scanner_index_t **self_p)
{
    assert (self_p);
    tf_scanner_index_t *self = *self_p;
    if (!self)
        return;
    zhashx_destroy (&self->heights);
    free (self);
    *self_p = NULL;
}

int
tf_scanner_index_height (tf_scanner_index_t *self, const char *id, uint64_t *height_p)
{
    assert (self && id && height_p);
    const uint64_t *height = (const uint64_t *) zhashx_lookup (self->heights, id);
    if (!height)
        return -1;
    *height_p = *height;
    return 0;
}

tf_scanner_index_rc_t
tf_scanner_index_add (tf_scanner_index_t *self, const char *id, const char *parent,
                      uint64_t *height_p)
{
    assert (self && id && parent && height_p);
    if (tf_scanner_index_height (self, id, height_p) == 0)
        return TF_SCANNER_INDEX_KNOWN;
    uint64_t height = 0;
    if (!tf_api_id_is_zero (parent)) {
        if (tf_scanner_index_height (self, parent, &height))
            return TF_SCANNER_INDEX_ORPHAN;
        height++;
    }
    uint64_t *stored = (uint64_t *) zmalloc (sizeof (uint64_t));
    *stored = height;
    zhashx_insert (self->heights, id, stored);
    *height_p = height;
    return TF_SCANNER_INDEX_NEW;
}

void
tf_scanner_index_forget_below (tf_scanner_index_t *self, uint64_t height,
                               tf_scanner_index_forget_fn *fn, void *arg)
{
    assert (self);
    zlistx_t *ids = zhashx_keys (self->heights);
    for (const char *id = (const char *) zlistx_first (ids); id;
         id = (const char *) zlistx_next (ids)) {
        if (*(uint64_t *) zhashx_lookup (self->heights, id) >= height)
            continue;
        zhashx_delete (self->heights, id);
        if (fn)
            fn (id, arg);
    }
    zlistx_destroy (&ids);
}

size_t
tf_scanner_index_size (tf_scanner_index_t *self)
{
    assert (self);
    return zhashx_size (self->heights);
}
