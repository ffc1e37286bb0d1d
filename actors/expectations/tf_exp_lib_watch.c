//  tf_exp_lib_watch.c - irreversible blocks on two forks, seen while the run goes

#include <czmq.h>
#include "tf_exp_lib_watch.h"

#define S_ID_SHOWN 12 //  Hex digits of an id in a message

//  A LIB whose height the feed knows
typedef struct {
    const char *node;
    const char *lib;
    uint64_t height;
} s_placed_t;

static int
s_by_height (const void *left, const void *right)
{
    const s_placed_t *a = (const s_placed_t *) left, *b = (const s_placed_t *) right;
    return a->height < b->height ? -1 : a->height > b->height ? 1 : strcmp (a->node, b->node);
}

//  The ancestor of id at height (id at or above it): 0 and *ancestor, or -1 when
//  the feed lacks a block on the way
static int
s_ancestor_at (const char *id, uint64_t id_height, uint64_t height, tf_exp_lib_lookup_fn *lookup,
               void *arg, char ancestor[TF_API_ID_SIZE])
{
    char cursor[TF_API_ID_SIZE];
    snprintf (cursor, sizeof cursor, "%s", id);
    for (uint64_t at = id_height; at > height; at--) {
        char parent[TF_API_ID_SIZE];
        uint64_t parent_height = 0;
        if (lookup (arg, cursor, parent, &parent_height))
            return -1;
        snprintf (cursor, sizeof cursor, "%s", parent);
    }
    snprintf (ancestor, TF_API_ID_SIZE, "%s", cursor);
    return 0;
}

char *
tf_exp_lib_watch_check (const tf_exp_lib_t *libs, size_t count, tf_exp_lib_lookup_fn *lookup,
                        void *arg)
{
    assert (lookup && (libs || count == 0));
    s_placed_t *placed = (s_placed_t *) zmalloc ((count + 1) * sizeof (s_placed_t));
    size_t known = 0;
    for (size_t index = 0; index < count; index++) {
        char parent[TF_API_ID_SIZE];
        uint64_t height = 0;
        if (libs[index].lib && *libs[index].lib
            && lookup (arg, libs[index].lib, parent, &height) == 0)
            placed[known++] = (s_placed_t){libs[index].node, libs[index].lib, height};
    }
    qsort (placed, known, sizeof (s_placed_t), s_by_height);
    char *message = NULL;
    for (size_t index = 1; index < known && !message; index++) {
        const s_placed_t *lower = &placed[index - 1], *higher = &placed[index];
        char ancestor[TF_API_ID_SIZE];
        if (s_ancestor_at (higher->lib, higher->height, lower->height, lookup, arg, ancestor))
            continue; //  The feed has a gap there: not known to diverge
        if (streq (ancestor, lower->lib))
            continue;
        if (higher->height == lower->height)
            message =
                zsys_sprintf ("LIB divergence: %s's LIB %.*s and %s's LIB %.*s are two "
                              "blocks at height %" PRIu64 ": irreversible blocks on two forks",
                              lower->node, S_ID_SHOWN, lower->lib, higher->node, S_ID_SHOWN,
                              higher->lib, lower->height);
        else
            message = zsys_sprintf (
                "LIB divergence: %s's LIB %.*s (height %" PRIu64 ") is not on %s's chain, "
                "whose LIB %.*s is at height %" PRIu64 " and has %.*s at height %" PRIu64
                ": irreversible blocks on two forks",
                lower->node, S_ID_SHOWN, lower->lib, lower->height, higher->node, S_ID_SHOWN,
                higher->lib, higher->height, S_ID_SHOWN, ancestor, lower->height);
    }
    free (placed);
    return message;
}

char *
tf_exp_lib_watch_moved (const char *node, const char *previous, const char *lib,
                        tf_exp_lib_lookup_fn *lookup, void *arg)
{
    assert (node && lookup);
    if (!previous || !*previous || !lib || !*lib || streq (previous, lib))
        return NULL;
    char parent[TF_API_ID_SIZE];
    uint64_t previous_height = 0, height = 0;
    if (lookup (arg, previous, parent, &previous_height) || lookup (arg, lib, parent, &height))
        return NULL; //  Not on the feed yet
    //  The lower of the two must be the higher one's ancestor
    bool forward = height >= previous_height;
    const char *lower = forward ? previous : lib, *higher = forward ? lib : previous;
    uint64_t lower_height = forward ? previous_height : height;
    char ancestor[TF_API_ID_SIZE];
    if (s_ancestor_at (higher, forward ? height : previous_height, lower_height, lookup, arg,
                       ancestor)
        || streq (ancestor, lower))
        return NULL;
    return zsys_sprintf ("LIB reverted: %s's LIB moved from %.*s (height %" PRIu64 ") to %.*s "
                         "(height %" PRIu64
                         "), which is not on the same chain (the higher has %.*s at "
                         "height %" PRIu64 "): an irreversible block was abandoned",
                         node, S_ID_SHOWN, previous, previous_height, S_ID_SHOWN, lib, height,
                         S_ID_SHOWN, ancestor, lower_height);
}
