//  tf_exp_lag_watch.h - a node left behind the others, seen while the run goes
//
//  Each node's height from the feed's tip samples is compared with the best
//  height of the nodes that answer. A node more than max_lag blocks behind for
//  longer than window is lagging. A node that node control stopped, paused,
//  restarted or cut off is exempt from the request until window after it was
//  brought back (started, resumed, restarted, healed), so chaos is not taken
//  for a fault. A node under loss or a bandwidth limit is not exempt: those
//  degrade the network, and the nodes are judged on keeping up. Pure: consensus_liveness feeds it from the bus, so a replay
//  finds the same lag at the same point of the recording.

#ifndef TF_EXP_LAG_WATCH_H_INCLUDED
#define TF_EXP_LAG_WATCH_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "tf_msg.h"

typedef struct tf_exp_lag_watch_t tf_exp_lag_watch_t;

//  Create a watch: max_lag blocks behind for longer than window_ms is a fault.
tf_exp_lag_watch_t *tf_exp_lag_watch_new (uint64_t max_lag, int64_t window_ms);

//  Destroy the watch and nullify the caller's reference. Safe on NULL.
void tf_exp_lag_watch_destroy (tf_exp_lag_watch_t **self_p);

//  A node-control event (run.event of kind node.control, node.control.done or
//  node.control.failed) as the coordinator records it: the exemptions follow.
void tf_exp_lag_watch_event (tf_exp_lag_watch_t *self, const tf_run_event_t *event);

//  A tip sample of one node (feed.tip): height counts only when up.
void tf_exp_lag_watch_sample (tf_exp_lag_watch_t *self, const char *node, uint64_t height, bool up,
                              uint64_t at_ms);

//  Returns NULL while no node lags (at now_ms), else a message naming the
//  node, its height against the best, and for how long. Caller frees.
char *tf_exp_lag_watch_check (tf_exp_lag_watch_t *self, uint64_t now_ms);

#endif
