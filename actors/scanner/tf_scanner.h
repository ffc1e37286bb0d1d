//  tf_scanner.h - the block scanner: follows every node, publishes the block feed
//
//  Binds the feed PUB, registers with the coordinator as role "scanner", and
//  when run.nodes arrives starts one worker thread per node
//  (tf_scanner_worker). Workers report blocks parents first and tip samples;
//  the scanner deduplicates blocks across nodes, computes heights
//  (tf_scanner_index) and publishes:
//
//      feed.block  once per distinct block but genesis (height 0, which only
//                  anchors heights, as the seeds' scanner never reports it),
//                  when first seen; `nodes` names the
//                  node(s) that reported it first. A block is not published
//                  again when more nodes turn out to hold it: per-node
//                  progress is in feed.tip.
//      feed.tip    every node's tip sample, every tip interval; up=false when
//                  the node does not answer, the other fields then repeating
//                  its last answer (empty before the first)
//      feed.stats  running totals every TF_SCANNER_STATS_MS
//
//  Heights count from genesis (0), as tf-node's /cryptarchia/info does; the
//  real node restarts its count at the recovered LIB, the feed does not.
//  Workers stop on the cleanup phase and on every exit path.
//
//  Consumes: run.plan, run.nodes, run.phase
//  Emits:    feed.block, feed.tip, feed.stats (on the feed PUB)

#ifndef TF_SCANNER_H_INCLUDED
#define TF_SCANNER_H_INCLUDED

#include "tf_actor.h"

#define TF_SCANNER_STATS_MS   1000 //  feed.stats interval
#define TF_SCANNER_TIP_MAX_MS 250  //  Tip sampling: every slot, at most this
#define TF_SCANNER_TIP_MIN_MS 20   //  ... and at least this

typedef struct {
    const char *feed_ep; //  Where to bind the feed PUB
    bool poll_only;      //  No streams: poll info every poll_ms
    int64_t poll_ms;     //  Tip interval override (0: from the slot)
    bool single_node;    //  Follow only the first node
} tf_scanner_options_t;

typedef struct _tf_scanner_t tf_scanner_t;

//  Create the scanner and bind the feed. NULL (logged) on failure.
tf_scanner_t *tf_scanner_new (const tf_actor_config_t *config, const tf_scanner_options_t *options);

//  Destroy and nullify. Safe on NULL.
void tf_scanner_destroy (tf_scanner_t **self_p);

//  Run until the done phase or a signal; returns the process exit code.
int tf_scanner_run (tf_scanner_t *self);

//  Parse the scanner's own flags out of argv (--feed is the runtime's):
//  --poll-only, --poll-ms N, --single-node. Returns 0, or -1 (printed).
int tf_scanner_options_take (tf_scanner_options_t *options, int *argc, char **argv);

#endif
