//  tf_exp_tx.h - expectation tx_inclusion
//
//  Submitted transactions must appear in blocks: at least min_ratio (0.5) of
//  them. Judged from bus records only (tf_exp_tx_judge): the workloads'
//  tx.submitted relayed on control, and the feed's blocks and tips, so `tf
//  replay` of a recording reaches the same verdict as the live run.
//
//  Consumes: run.plan, run.phase, tx.submitted (control), feed.block, feed.tip
//  Emits:    expect.result (in evaluate, before its ack)

#ifndef TF_EXP_TX_H_INCLUDED
#define TF_EXP_TX_H_INCLUDED

#include "tf_actor.h"

#define TF_EXP_TX_KIND "tx_inclusion"

//  The program tf-expect-tx-inclusion
extern const tf_actor_class_t tf_exp_tx_class;

#endif
