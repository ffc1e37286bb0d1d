//  tf_node_idmap.c - hash map from 32-byte ids to owned values (separate chaining)
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include "tf_node_idmap.h"

#define TF_NODE_IDMAP_START 64 //  Initial bucket count (power of two)

typedef struct _entry_t {
    tf_node_hash_t id;     //  Key
    void *value;           //  Owned value
    struct _entry_t *next; //  Chain
} entry_t;

struct _tf_node_idmap_t {
    entry_t **buckets;              //  Bucket heads
    size_t nbuckets;                //  Power of two
    size_t size;                    //  Entries
    tf_node_idmap_free_fn *free_fn; //  Value destructor or NULL
};

static size_t
s_bucket (const tf_node_idmap_t *self, const tf_node_hash_t *id)
{
    uint64_t mix;
    memcpy (&mix, id->bytes, sizeof mix); //  Ids are hashes: any 8 bytes spread well
    return (size_t) (mix ^ (mix >> 29)) & (self->nbuckets - 1);
}

static void
s_grow (tf_node_idmap_t *self)
{
    size_t old_count = self->nbuckets;
    entry_t **old = self->buckets;
    self->nbuckets *= 2;
    self->buckets = calloc (self->nbuckets, sizeof *self->buckets);
    assert (self->buckets);
    for (size_t index = 0; index < old_count; index++)
        for (entry_t *entry = old[index], *next; entry; entry = next) {
            next = entry->next;
            size_t bucket = s_bucket (self, &entry->id);
            entry->next = self->buckets[bucket];
            self->buckets[bucket] = entry;
        }
    free (old);
}

tf_node_idmap_t *
tf_node_idmap_new (tf_node_idmap_free_fn *free_fn)
{
    tf_node_idmap_t *self = calloc (1, sizeof *self);
    assert (self);
    self->nbuckets = TF_NODE_IDMAP_START;
    self->buckets = calloc (self->nbuckets, sizeof *self->buckets);
    assert (self->buckets);
    self->free_fn = free_fn;
    return self;
}

void
tf_node_idmap_destroy (tf_node_idmap_t **self_p)
{
    assert (self_p);
    tf_node_idmap_t *self = *self_p;
    if (!self)
        return;
    for (size_t index = 0; index < self->nbuckets; index++)
        for (entry_t *entry = self->buckets[index], *next; entry; entry = next) {
            next = entry->next;
            if (self->free_fn)
                self->free_fn (entry->value);
            free (entry);
        }
    free (self->buckets);
    free (self);
    *self_p = NULL;
}

tf_node_idmap_t *
tf_node_idmap_dup (const tf_node_idmap_t *self, tf_node_idmap_dup_fn *dup_fn)
{
    assert (self);
    //  As many buckets as the original, so every entry goes to the same bucket: no
    //  lookups, no growing
    tf_node_idmap_t *copy = calloc (1, sizeof *copy);
    assert (copy);
    copy->nbuckets = self->nbuckets;
    copy->buckets = calloc (copy->nbuckets, sizeof *copy->buckets);
    assert (copy->buckets);
    copy->free_fn = self->free_fn;
    copy->size = self->size;
    for (size_t index = 0; index < self->nbuckets; index++)
        for (entry_t *entry = self->buckets[index]; entry; entry = entry->next) {
            entry_t *twin = malloc (sizeof *twin);
            assert (twin);
            twin->id = entry->id;
            twin->value = dup_fn ? dup_fn (entry->value) : entry->value;
            twin->next = copy->buckets[index];
            copy->buckets[index] = twin;
        }
    return copy;
}

int
tf_node_idmap_insert (tf_node_idmap_t *self, const tf_node_hash_t *id, void *value)
{
    assert (self);
    if (tf_node_idmap_lookup (self, id))
        return -1;
    if (self->size >= self->nbuckets)
        s_grow (self);
    entry_t *entry = malloc (sizeof *entry);
    assert (entry);
    entry->id = *id;
    entry->value = value;
    size_t bucket = s_bucket (self, id);
    entry->next = self->buckets[bucket];
    self->buckets[bucket] = entry;
    self->size++;
    return 0;
}

void *
tf_node_idmap_lookup (const tf_node_idmap_t *self, const tf_node_hash_t *id)
{
    assert (self);
    for (entry_t *entry = self->buckets[s_bucket (self, id)]; entry; entry = entry->next)
        if (tf_node_hash_cmp (&entry->id, id) == 0)
            return entry->value;
    return NULL;
}

void *
tf_node_idmap_take (tf_node_idmap_t *self, const tf_node_hash_t *id)
{
    assert (self);
    for (entry_t **link = &self->buckets[s_bucket (self, id)]; *link; link = &(*link)->next)
        if (tf_node_hash_cmp (&(*link)->id, id) == 0) {
            entry_t *entry = *link;
            void *value = entry->value;
            *link = entry->next;
            free (entry);
            self->size--;
            return value;
        }
    return NULL;
}

int
tf_node_idmap_delete (tf_node_idmap_t *self, const tf_node_hash_t *id)
{
    void *value = tf_node_idmap_take (self, id);
    if (!value)
        return -1;
    if (self->free_fn)
        self->free_fn (value);
    return 0;
}

size_t
tf_node_idmap_size (const tf_node_idmap_t *self)
{
    assert (self);
    return self->size;
}

int
tf_node_idmap_foreach (const tf_node_idmap_t *self, tf_node_idmap_visit_fn *visit, void *arg)
{
    assert (self);
    for (size_t index = 0; index < self->nbuckets; index++)
        for (entry_t *entry = self->buckets[index], *next; entry; entry = next) {
            next = entry->next; //  The visitor may delete this entry
            int rc = visit (&entry->id, entry->value, arg);
            if (rc)
                return rc;
        }
    return 0;
}
