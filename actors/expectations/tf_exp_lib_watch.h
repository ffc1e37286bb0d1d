//  tf_exp_lib_watch.h - irreversible blocks on two forks, seen while the run goes
//
//  A LIB is final: every node's LIB must lie on one chain, and a node's LIB
//  may only move along its own chain. Given each node's
//  latest LIB and the feed's blocks (id -> parent, height), the watch sorts the
//  nodes by LIB height and checks each LIB is an ancestor of the next (ancestry
//  is transitive, so neighbours suffice). A LIB the feed has not published yet
//  is left out until it has. Pure: consensus_liveness feeds it from the bus, so
//  a replay finds the same divergence at the same point of the recording.

#ifndef TF_EXP_LIB_WATCH_H_INCLUDED
#define TF_EXP_LIB_WATCH_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>
#include "tf_api_parse.h"

//  The feed's record of a block: 0 with its parent and height, -1 when unknown
typedef int (tf_exp_lib_lookup_fn) (void *arg, const char *id, char parent[TF_API_ID_SIZE],
                                    uint64_t *height_p);

//  One node's latest LIB
typedef struct {
    const char *node; //  Node name (borrowed)
    const char *lib;  //  LIB id (borrowed); "" when unknown
} tf_exp_lib_t;

//  Check that the LIBs lie on one chain. Returns NULL when they do (or cannot
//  be told yet), else a message naming the two nodes whose LIBs diverge, their
//  LIBs and heights, and the block the higher chain has at the lower height.
//  Caller frees.
char *tf_exp_lib_watch_check (const tf_exp_lib_t *libs, size_t count, tf_exp_lib_lookup_fn *lookup,
                              void *arg);

//  Check that one node's LIB, moving from previous to lib, stays on the chain
//  it had made irreversible. Returns NULL when it does (or the feed cannot tell
//  yet), else a message naming the node, both LIBs and their heights. Caller
//  frees.
char *tf_exp_lib_watch_moved (const char *node, const char *previous, const char *lib,
                              tf_exp_lib_lookup_fn *lookup, void *arg);

#endif
