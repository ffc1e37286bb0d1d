//  tf_wl_tx_wallets.h - the transaction workload's users and their notes
//
//  Pure bookkeeping, no sockets. Each user owns a wallet funded in genesis
//  and a pool of notes it may spend: notes on chain that no pending tx of
//  ours spends. A transfer spends one note of the sender and pays half its
//  value to another user (the whole of it when the value is 1), the rest
//  back to the sender as change. Funds never leave the users (no fees), so
//  every user can keep sending for the whole run. A tx's outputs (note ids
//  follow from the tx hash, tf_keys) become spendable once the block that
//  carried it is TF_WL_TX_CONFIRMATIONS blocks deep on the feed: spent any
//  sooner, a node that has not got that block yet, or is on another fork,
//  refuses the tx. Senders take turns and spend their oldest ready note;
//  recipients come from the seeded generator.
//
//  Fan-out: one tx of a user spends one of its notes into many notes of its
//  own, so the user has several notes ready at once and a high rate never
//  waits for notes to ripen. The workload fans every user out before execute
//  (tf_wl_tx_wallets_fanout), and a user whose pool (notes held and its txs
//  in flight, each of which brings a note back) falls below the low mark
//  refills: its next tx is a fan-out of its largest ready note
//  (tf_wl_tx_wallets_set_pool). Outputs stay with the sender: funds never
//  leave the users.
//
//  A pending tx ends in one of three ways: a block carries it (its outputs
//  join the pools), a node rejected it or none took it (its input goes back
//  to the pool; after TF_WL_TX_MAX_STRIKES rejections a note is given up,
//  it is probably spent), or it stays out of blocks for too long (expired:
//  its input goes back with a strike, and if a block carries it after all
//  its outputs still join the pools).

#ifndef TF_WL_TX_WALLETS_H_INCLUDED
#define TF_WL_TX_WALLETS_H_INCLUDED

#include <stdbool.h>
#include "tf_msg.h"
#include "tf_tx_build.h"

#define TF_WL_TX_MAX_STRIKES   3 //  Rejections before a note is given up
#define TF_WL_TX_CONFIRMATIONS 2 //  Blocks on top of a note's before it is spent
#define TF_WL_TX_MIN_FANOUT    2 //  Fewer outputs than this is no fan-out

//  One funded wallet, as genesis holds it
typedef struct {
    tf_key_t key;                       //  Wallet key
    uint64_t amount;                    //  Value of its genesis note
    uint8_t note_id[TF_KEYS_HASH_SIZE]; //  Its genesis note
} tf_wl_tx_wallet_t;

typedef struct _tf_wl_tx_wallets_t tf_wl_tx_wallets_t;

//  Create the pools of `count` users (copied) whose random choices come from
//  (seed, stream). Caller owns the result.
tf_wl_tx_wallets_t *tf_wl_tx_wallets_new (const tf_wl_tx_wallet_t *users, size_t count,
                                          uint64_t seed, const char *stream);

//  Destroy and nullify. Safe on NULL.
void tf_wl_tx_wallets_destroy (tf_wl_tx_wallets_t **self_p);

//  Build and sign the next transfer into *tx (free with tf_tx_free) and write
//  the sender's index. Returns 0, or -1 when no user has a note ready to spend.
int tf_wl_tx_wallets_next (tf_wl_tx_wallets_t *self, tf_tx_t *tx, size_t *sender_p);

//  Build and sign a fan-out of the user's largest ready note into as many
//  notes as bring its pool to `notes` (at most TF_TX_MAX_OUTPUTS, at most the
//  note's value) into *tx (free with tf_tx_free). Returns 0, or -1 when the
//  user has no ready note that splits into TF_WL_TX_MIN_FANOUT or more.
int tf_wl_tx_wallets_fanout (tf_wl_tx_wallets_t *self, size_t user, size_t notes, tf_tx_t *tx);

//  Refills: a user whose notes held plus txs in flight fall below `low` fans
//  its largest ready note out towards `target` notes in its next tx. low 0
//  (the default) never refills.
void tf_wl_tx_wallets_set_pool (tf_wl_tx_wallets_t *self, size_t target, size_t low);

//  Number of users.
size_t tf_wl_tx_wallets_users (tf_wl_tx_wallets_t *self);

//  Fan-out txs built so far (and, in *notes_p if not NULL, the notes they make),
//  and those still pending (not included, refused or expired).
uint64_t tf_wl_tx_wallets_fanouts (tf_wl_tx_wallets_t *self, uint64_t *notes_p);
size_t tf_wl_tx_wallets_fanouts_pending (tf_wl_tx_wallets_t *self);

//  True once no fan-out is pending and the outputs of every included one are
//  ready to spend at the height the feed has reached.
bool tf_wl_tx_wallets_fanouts_ripe (tf_wl_tx_wallets_t *self);

//  A node accepted the tx hash (64 hex) while the chain was at `height`.
void tf_wl_tx_wallets_accepted (tf_wl_tx_wallets_t *self, const char *hash, uint64_t height);

//  No node took the tx: its input goes back to the pool; `rejected` (a node
//  refused it as invalid) counts a strike against the note.
void tf_wl_tx_wallets_refused (tf_wl_tx_wallets_t *self, const char *hash, bool rejected);

//  A block at height carried these tx hashes (pass every block, also those
//  without txs of ours: heights ripen notes): the outputs of ours join the
//  pools, to be spent TF_WL_TX_CONFIRMATIONS blocks later. Returns how many of
//  the hashes were ours.
size_t tf_wl_tx_wallets_included (tf_wl_tx_wallets_t *self, const tf_strs_t *hashes,
                                  uint64_t height);

//  Expire txs accepted at a height older than height - stale_blocks; returns
//  how many expired.
size_t tf_wl_tx_wallets_expire (tf_wl_tx_wallets_t *self, uint64_t height, uint64_t stale_blocks);

//  Notes in the users' pools, ready or still ripening, all users together.
size_t tf_wl_tx_wallets_spendable (tf_wl_tx_wallets_t *self);

//  Txs built and not yet included, refused or expired.
size_t tf_wl_tx_wallets_pending (tf_wl_tx_wallets_t *self);

//  Sum of the values of spendable and pending notes (constant when nothing is lost).
uint64_t tf_wl_tx_wallets_funds (tf_wl_tx_wallets_t *self);

#endif
