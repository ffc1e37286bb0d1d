//  tf_exp_tx_chain.h - which blocks are final and which were reorganised away,
//  from feed.block and feed.tip records, forgetting what is settled
//
//  Pure, like the judges built on it. Records come in any order:
//
//  * a block is final once it is a LIB or an ancestor of one; its final time
//    is the earliest report (feed.tip at_ms) of a LIB at or above it, kept up
//    to date as blocks and LIBs arrive;
//  * a block at or below the highest final height that is not final was
//    reorganised away (lost);
//  * settling: the chain's clock is the latest time any record carried
//    (tx.submitted's at_ms through tf_exp_tx_chain_clock, blocks' seen_ms,
//    tips' at_ms). A block final for TF_EXP_TX_SETTLE_MS of that clock, or
//    lost and seen that long ago, is settled: tf_exp_tx_chain_settle hands it
//    to a callback once and forgets it, and LIB reports that old are
//    forgotten too. So a long run holds only the last minute of blocks, and a
//    replay settles exactly what the live run settled (the clock is the
//    records', not the wall's). A block that arrives after blocks above it
//    were settled is judged on what is left (lost when at or below the final
//    height); the scanner publishes parents first, well within the window.

#ifndef TF_EXP_TX_CHAIN_H_INCLUDED
#define TF_EXP_TX_CHAIN_H_INCLUDED

#include <stdbool.h>
#include "tf_msg.h"

#define TF_EXP_TX_SETTLE_MS 60000 //  Record time after which a final or lost block is settled

typedef struct _tf_exp_tx_chain_t tf_exp_tx_chain_t;

//  One block as the judges see it (borrowed by callbacks)
typedef struct {
    const char *id;
    uint64_t height;
    uint64_t seen_ms;  //  First seen
    uint64_t final_ms; //  When it became final: 0 not final
    bool lost;         //  Reorganised away
    const tf_strs_t *txs;
} tf_exp_tx_chain_block_t;

typedef void (tf_exp_tx_chain_fn) (const tf_exp_tx_chain_block_t *block, void *arg);

//  Create an empty chain.
tf_exp_tx_chain_t *tf_exp_tx_chain_new (void);

//  Destroy and nullify. Safe on NULL.
void tf_exp_tx_chain_destroy (tf_exp_tx_chain_t **self_p);

//  Observations; records are copied.
void tf_exp_tx_chain_block (tf_exp_tx_chain_t *self, const tf_feed_block_t *block);
void tf_exp_tx_chain_tip (tf_exp_tx_chain_t *self, const tf_feed_tip_t *tip);

//  Move the chain's clock to at_ms when later (time carried by other records).
void tf_exp_tx_chain_clock (tf_exp_tx_chain_t *self, uint64_t at_ms);

//  Hand every block settled by now to fn (final ones before lost ones of a
//  pass, in no other order) and forget it. Cheap when the clock has moved less
//  than a second since the last pass. True when a pass ran.
bool tf_exp_tx_chain_settle (tf_exp_tx_chain_t *self, tf_exp_tx_chain_fn *fn, void *arg);

//  Call fn for every block still held, judged as of now: final, lost, or
//  neither (above the final height, not yet final).
void tf_exp_tx_chain_each (tf_exp_tx_chain_t *self, tf_exp_tx_chain_fn *fn, void *arg);

//  Blocks still held (settled ones are not), and blocks seen in all.
size_t tf_exp_tx_chain_held (tf_exp_tx_chain_t *self);
uint64_t tf_exp_tx_chain_seen (tf_exp_tx_chain_t *self);

#endif
