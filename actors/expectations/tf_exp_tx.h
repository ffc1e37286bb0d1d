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

typedef struct _tf_exp_tx_t tf_exp_tx_t;

//  Create the expectation actor. NULL (logged) on failure.
tf_exp_tx_t *tf_exp_tx_new (const tf_actor_config_t *config);

//  Destroy and nullify. Safe on NULL.
void tf_exp_tx_destroy (tf_exp_tx_t **self_p);

//  Run until done or a signal; returns the process exit code.
int tf_exp_tx_run (tf_exp_tx_t *self);

#endif
