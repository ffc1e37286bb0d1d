//  tf_node_verified.c - the transactions whose owners' signatures were found valid
//  (see tf_node_verified.h): a set of hashes and the ring that ages them out

#include <pthread.h>
#include "tf_node_idmap.h"
#include "tf_node_verified.h"

static pthread_mutex_t s_lock = PTHREAD_MUTEX_INITIALIZER;
static tf_node_idmap_t *s_set;                      //  hash -> (non-NULL marker)
static tf_node_hash_t s_ring[TF_NODE_VERIFIED_MAX]; //  In the order they came
static size_t s_next;                               //  Ring slot the next hash takes

bool
tf_node_verified_has (const tf_node_hash_t *signed_id)
{
    pthread_mutex_lock (&s_lock);
    bool found = s_set && tf_node_idmap_lookup (s_set, signed_id) != NULL;
    pthread_mutex_unlock (&s_lock);
    return found;
}

void
tf_node_verified_add (const tf_node_hash_t *signed_id)
{
    pthread_mutex_lock (&s_lock);
    if (!s_set)
        s_set = tf_node_idmap_new (NULL);
    if (!tf_node_idmap_lookup (s_set, signed_id)) {
        if (tf_node_idmap_size (s_set) == TF_NODE_VERIFIED_MAX)
            tf_node_idmap_take (s_set, &s_ring[s_next]); //  The oldest goes
        s_ring[s_next] = *signed_id;
        s_next = (s_next + 1) % TF_NODE_VERIFIED_MAX;
        tf_node_idmap_insert (s_set, signed_id, (void *) s_ring);
    }
    pthread_mutex_unlock (&s_lock);
}

size_t
tf_node_verified_size (void)
{
    pthread_mutex_lock (&s_lock);
    size_t size = s_set ? tf_node_idmap_size (s_set) : 0;
    pthread_mutex_unlock (&s_lock);
    return size;
}
