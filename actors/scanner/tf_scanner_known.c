//  tf_scanner_known.c - the blocks the feed has published, shared with the workers

#include <czmq.h>
#include <pthread.h>
#include "tf_scanner_known.h"

#define S_EVENT_PREFIX "{\"block\":{\"header\":{\"id\":\"" //  tf-node's compact stream line

struct _tf_scanner_known_t {
    pthread_mutex_t lock; //  Guards blocks and floor
    zhashx_t *blocks;     //  id -> s_entry_t
    uint64_t floor;       //  One past the highest forgotten slot
};

//  What a worker needs of a published block to walk past it
typedef struct {
    char parent[TF_API_ID_SIZE];
    uint64_t slot;
} s_entry_t;

static void
s_entry_free (void **item_p)
{
    free (*item_p);
    *item_p = NULL;
}

tf_scanner_known_t *
tf_scanner_known_new (void)
{
    tf_scanner_known_t *self = (tf_scanner_known_t *) zmalloc (sizeof (tf_scanner_known_t));
    pthread_mutex_init (&self->lock, NULL);
    self->blocks = zhashx_new ();
    zhashx_set_destructor (self->blocks, s_entry_free);
    return self;
}

void
tf_scanner_known_destroy (tf_scanner_known_t **self_p)
{
    assert (self_p);
    tf_scanner_known_t *self = *self_p;
    if (!self)
        return;
    zhashx_destroy (&self->blocks);
    pthread_mutex_destroy (&self->lock);
    free (self);
    *self_p = NULL;
}

void
tf_scanner_known_add (tf_scanner_known_t *self, const char *id, const char *parent, uint64_t slot)
{
    assert (self && id && parent);
    s_entry_t *entry = (s_entry_t *) zmalloc (sizeof (s_entry_t));
    snprintf (entry->parent, sizeof entry->parent, "%s", parent);
    entry->slot = slot;
    pthread_mutex_lock (&self->lock);
    if (zhashx_insert (self->blocks, id, entry) != 0)
        free (entry); //  Known already
    pthread_mutex_unlock (&self->lock);
}

tf_api_block_t *
tf_scanner_known_block (tf_scanner_known_t *self, const char *id)
{
    assert (self && id);
    tf_api_block_t *block = NULL;
    pthread_mutex_lock (&self->lock);
    const s_entry_t *entry = (const s_entry_t *) zhashx_lookup (self->blocks, id);
    if (entry) {
        block = (tf_api_block_t *) zmalloc (sizeof (tf_api_block_t));
        snprintf (block->id, sizeof block->id, "%s", id);
        memcpy (block->parent, entry->parent, sizeof block->parent);
        block->slot = entry->slot;
    }
    pthread_mutex_unlock (&self->lock);
    return block;
}

void
tf_scanner_known_forget (tf_scanner_known_t *self, const char *id)
{
    assert (self && id);
    pthread_mutex_lock (&self->lock);
    const s_entry_t *entry = (const s_entry_t *) zhashx_lookup (self->blocks, id);
    if (entry) {
        if (entry->slot + 1 > self->floor)
            self->floor = entry->slot + 1;
        zhashx_delete (self->blocks, id);
    }
    pthread_mutex_unlock (&self->lock);
}

uint64_t
tf_scanner_known_floor (tf_scanner_known_t *self)
{
    assert (self);
    pthread_mutex_lock (&self->lock);
    uint64_t floor = self->floor;
    pthread_mutex_unlock (&self->lock);
    return floor;
}

bool
tf_scanner_known_has (tf_scanner_known_t *self, const char *id)
{
    assert (self && id);
    pthread_mutex_lock (&self->lock);
    bool known = zhashx_lookup (self->blocks, id) != NULL;
    pthread_mutex_unlock (&self->lock);
    return known;
}

bool
tf_scanner_known_peek_id (const char *line, size_t size, char id[TF_API_ID_SIZE])
{
    assert (line && id);
    size_t prefix = strlen (S_EVENT_PREFIX);
    if (size < prefix + TF_API_ID_HEX + 1 || memcmp (line, S_EVENT_PREFIX, prefix) != 0
        || line[prefix + TF_API_ID_HEX] != '"')
        return false;
    for (size_t index = 0; index < TF_API_ID_HEX; index++) {
        char digit = line[prefix + index];
        if (!((digit >= '0' && digit <= '9') || (digit >= 'a' && digit <= 'f')))
            return false;
        id[index] = digit;
    }
    id[TF_API_ID_HEX] = 0;
    return true;
}

size_t
tf_scanner_known_size (tf_scanner_known_t *self)
{
    assert (self);
    pthread_mutex_lock (&self->lock);
    size_t size = zhashx_size (self->blocks);
    pthread_mutex_unlock (&self->lock);
    return size;
}
