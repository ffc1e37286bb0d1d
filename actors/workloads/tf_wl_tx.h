//  tf_wl_tx.h - workload transactions: user transfers, per block or per second
//
//  Knobs: rate (transactions per block), tps (transactions per second on a
//  fixed schedule; when above 0 it replaces rate), users (distinct wallets
//  that send), notes (spendable notes each user keeps; 0 sizes the pool from
//  the rate) and workers (submission threads; 0 sizes them from the rate).
//  The users are `users` consecutive wallets of the plan, from an offset the
//  run's seed chooses; their keys and genesis notes come from the deployer's
//  rules (tf_keys, tf_genesis).
//
//  Capture: when the planned rate needs more notes than the users hold, every
//  user sends one fan-out tx splitting its note into `notes` notes of its own
//  (tf_wl_tx_wallets), and capture is acknowledged once they are spendable
//  (or after TF_WL_TX_FANOUT_WAIT_MS, with what there is). The cost (txs,
//  notes, time) is logged and reported in workload.status.
//
//  Execute: the schedule plans submissions: `rate` of them at every new block
//  height on the feed, or one every 1/tps s from the start of execute whatever
//  the chain does (open loop). Each planned submission is built and signed
//  when a worker is free (tf_wl_tx_wallets) and POSTed to a node chosen from
//  the seed, from worker threads that move on to the next node when one does
//  not answer (tf_wl_tx_submit). Every submission is published as
//  tx.submitted with the time its schedule planned it (planned_ms), so time
//  spent waiting for a free worker or a ripe note counts as latency, not as a
//  quieter generator. A planned submission still unsent TF_WL_TX_LATE_MS (or
//  TF_WL_TX_BACKLOG_BLOCKS blocks) after its time is given up and counted
//  (starved: no note was ready; behind: no worker was free).
//
//  Consumes: run.plan, run.nodes, run.phase, feed.block
//  Emits:    tx.submitted (one per submission), workload.status (every
//            TF_WL_TX_STATUS_MS from capture on and when done, with the
//            execute window and the planned count)

#ifndef TF_WL_TX_H_INCLUDED
#define TF_WL_TX_H_INCLUDED

#include "tf_actor.h"
#include "tf_wl_tx_wallets.h"

#define TF_WL_TX_KIND              "transactions"
#define TF_WL_TX_STATUS_MS         1000  //  workload.status interval
#define TF_WL_TX_TICK_MS           5     //  Open-loop schedule resolution
#define TF_WL_TX_LATE_MS           2000  //  A planned tx unsent this long after its time is dropped
#define TF_WL_TX_BACKLOG_BLOCKS    4     //  ... or this many blocks, if longer
#define TF_WL_TX_STALE_BLOCKS      6     //  Accepted but not in a block after this many: expired
#define TF_WL_TX_PLAN_SLACK        3     //  At most this times the planned count in all
#define TF_WL_TX_TURNAROUND_BLOCKS 4     //  Blocks before a spent note's change is back, and margin
#define TF_WL_TX_POOL_SLACK        1.5   //  Pool size over the notes the rate keeps in flight
#define TF_WL_TX_FANOUT_WAIT_MS    20000 //  Longest capture waits for fan-outs to ripen
#define TF_WL_TX_TPS_PER_WORKER    100   //  Automatic workers: one per this many tx/s
#define TF_WL_TX_WORKERS_ENV       "TF_TX_WORKERS" //  Submission threads, over the knob

//  The program tf-workload-transactions
extern const tf_actor_class_t tf_wl_tx_class;

#endif
