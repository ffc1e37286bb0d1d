//  tf_node_lottery.c - stake-weighted leader lottery with an active slot coefficient
//
//  The real node proves leadership with a ZK proof over a note; tf-node uses a
//  deterministic Ed25519 signature as a verifiable random value instead (RFC 8032
//  signatures are deterministic, so a leader cannot grind slots by re-signing).
#include <math.h>
#include <string.h>
#include "tf_node_lottery.h"

double
tf_node_lottery_threshold (double active_slot_coeff, double relative_stake)
{
    if (relative_stake <= 0 || active_slot_coeff <= 0)
        return 0;
    if (active_slot_coeff >= 1)
        return 1;
    if (relative_stake > 1)
        relative_stake = 1;
    return 1 - pow (1 - active_slot_coeff, relative_stake);
}

static void
s_message (const tf_node_hash_t *nonce, uint64_t slot, uint8_t *message, size_t *size)
{
    size_t tag = strlen (TF_NODE_LOTTERY_TAG);
    memcpy (message, TF_NODE_LOTTERY_TAG, tag);
    memcpy (message + tag, nonce->bytes, TF_NODE_HASH_SIZE);
    for (int index = 0; index < 8; index++)
        message[tag + TF_NODE_HASH_SIZE + index] = (uint8_t) (slot >> (8 * index));
    *size = tag + TF_NODE_HASH_SIZE + 8;
}

void
tf_node_lottery_prove (const tf_node_key_t *key, const tf_node_hash_t *nonce, uint64_t slot,
                       uint8_t proof[TF_NODE_SIG_SIZE])
{
    uint8_t message[64];
    size_t size;
    s_message (nonce, slot, message, &size);
    tf_node_sign (key, message, size, proof);
}

static uint64_t
s_ticket_bits (const uint8_t proof[TF_NODE_SIG_SIZE])
{
    tf_node_hash_t digest;
    tf_node_blake2b (proof, TF_NODE_SIG_SIZE, &digest);
    uint64_t bits = 0;
    for (int index = 7; index >= 0; index--)
        bits = bits << 8 | digest.bytes[index];
    return bits;
}

double
tf_node_lottery_ticket (const uint8_t proof[TF_NODE_SIG_SIZE])
{
    return (double) s_ticket_bits (proof) / 18446744073709551616.0;
}

int
tf_node_lottery_wins (const uint8_t proof[TF_NODE_SIG_SIZE], double threshold)
{
    if (threshold >= 1)
        return 1;
    if (threshold <= 0)
        return 0;
    //  Compare in integers so every peer decides the same way
    uint64_t limit = (uint64_t) (threshold * 18446744073709551616.0);
    return s_ticket_bits (proof) < limit;
}

int
tf_node_lottery_verify (const tf_node_hash_t *leader, const tf_node_hash_t *nonce, uint64_t slot,
                        const uint8_t proof[TF_NODE_SIG_SIZE], double threshold)
{
    uint8_t message[64];
    size_t size;
    s_message (nonce, slot, message, &size);
    if (tf_node_verify (leader, message, size, proof))
        return -1;
    return tf_node_lottery_wins (proof, threshold) ? 0 : -1;
}
