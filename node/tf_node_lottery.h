//  tf_node_lottery.h - stake-weighted leader lottery with an active slot coefficient
#ifndef TF_NODE_LOTTERY_H_INCLUDED
#define TF_NODE_LOTTERY_H_INCLUDED

#include <stdint.h>
#include "tf_node_crypto.h"

#define TF_NODE_LOTTERY_TAG "LEADER_PROOF_V1"

//  phi(alpha) = 1 - (1 - f)^alpha: the chance that a leader with relative stake alpha wins
//  a slot when the active slot coefficient is f. Clamped to [0, 1].
double tf_node_lottery_threshold (double active_slot_coeff, double relative_stake);

//  The leader's proof for a slot: Ed25519 over (tag || nonce || slot LE).
void tf_node_lottery_prove (const tf_node_key_t *key, const tf_node_hash_t *nonce, uint64_t slot,
                            uint8_t proof[TF_NODE_SIG_SIZE]);

//  The ticket of a proof in [0, 1): first 8 bytes of blake2b-256(proof), LE, over 2^64.
double tf_node_lottery_ticket (const uint8_t proof[TF_NODE_SIG_SIZE]);

//  True if the proof's ticket is below the threshold.
int tf_node_lottery_wins (const uint8_t proof[TF_NODE_SIG_SIZE], double threshold);

//  0 if proof is the leader's valid, winning proof for (nonce, slot); -1 otherwise.
int tf_node_lottery_verify (const tf_node_hash_t *leader, const tf_node_hash_t *nonce,
                            uint64_t slot, const uint8_t proof[TF_NODE_SIG_SIZE], double threshold);

#endif
