//  tf_wl_tx.h - workload transactions: user transfers paced on the block feed
//
//  Knobs: rate (transactions per block), users (distinct wallets that send).
//  The users are `users` consecutive wallets of the plan, from an offset the
//  run's seed chooses; their keys and genesis notes come from the deployer's
//  rules (tf_keys, tf_genesis).
//  For every new block height on the feed during execute it builds and signs
//  `rate` transfers between the users (tf_wl_tx_wallets) and submits each to
//  a node chosen from the seed, over HTTP from worker threads that move on to
//  the next node when one does not answer (tf_wl_tx_submit). Every submission
//  is published as tx.submitted, rejected ones with the node's reason; an
//  accepted one that had to move carries the nodes passed over as reason.
//  Submissions are bounded: at most TF_WL_TX_BACKLOG_BLOCKS blocks' worth
//  queued, nothing new after execute, and cooldown waits for those in flight.
//
//  Consumes: run.plan, run.nodes, run.phase, feed.block
//  Emits:    tx.submitted (one per submission), workload.status (every
//            TF_WL_TX_STATUS_MS during execute and when done)

#ifndef TF_WL_TX_H_INCLUDED
#define TF_WL_TX_H_INCLUDED

#include "tf_actor.h"
#include "tf_wl_tx_wallets.h"

#define TF_WL_TX_KIND           "transactions"
#define TF_WL_TX_STATUS_MS      1000 //  workload.status interval
#define TF_WL_TX_BACKLOG_BLOCKS 4    //  Queued txs beyond this many blocks' worth wait
#define TF_WL_TX_STALE_BLOCKS   6    //  Accepted but not in a block after this many: expired
#define TF_WL_TX_PLAN_SLACK     3    //  At most this times the planned count in all
#define TF_WL_TX_WORKERS_ENV    "TF_TX_WORKERS" //  Submission threads (default 4)

//  The program tf-workload-transactions
extern const tf_actor_class_t tf_wl_tx_class;

#endif
