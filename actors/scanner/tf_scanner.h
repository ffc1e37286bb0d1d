//  tf_scanner.h - the block scanner: follows every node, publishes the block feed
//
//  Binds the feed PUB (on a tcp run a CURVE server with TF_SERVER_CERT, its
//  ZAP handler allowing TF_ALLOW_DIR: tf_curve.h), registers with the
//  coordinator as role "scanner", and
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
//  Memory stays flat over a long run: once every followed node has reported a
//  LIB the feed holds, blocks more than TF_SCANNER_KEEP_BELOW_LIB below the
//  lowest of them are forgotten (index, registry, walks), and a node that
//  announces one again is not walked back past them: it was published long
//  ago, and nothing builds below every node's LIB.
//
//  Consumes: run.plan, run.nodes, run.phase
//  Emits:    feed.block, feed.tip, feed.stats (on the feed PUB)

#ifndef TF_SCANNER_H_INCLUDED
#define TF_SCANNER_H_INCLUDED

#include "tf_actor.h"

#define TF_SCANNER_STATS_MS       1000  //  feed.stats interval
#define TF_SCANNER_KEEP_BELOW_LIB 64    //  Blocks kept below the lowest node's LIB
#define TF_SCANNER_TRIM_MS        30000 //  Freed memory given back at most this often
#define TF_SCANNER_TIP_MAX_MS     250   //  Tip sampling: every slot, at most this
#define TF_SCANNER_TIP_MIN_MS     20    //  ... and at least this

//  The program tf-scanner (flags --poll-only, --poll-ms N, --single-node)
extern const tf_actor_class_t tf_scanner_class;

#endif
