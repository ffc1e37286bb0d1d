//  tf_node_verified.h - the transactions whose owners' signatures were found valid
//
//  A transfer is checked when it is admitted (its own node, or gossip), again when
//  a block of ours is filled from the mempool, and again in every block that
//  carries it. Its signatures sign its hash, and each input note's owner follows
//  from the note id (ids hash the owner's key), so once a tx's signatures
//  verified they verify again: the ledger asks here first, by a hash of the tx
//  hash and the signatures (a copy with other signatures is not the same). At most
//  TF_NODE_VERIFIED_MAX hashes; past that the oldest go (a miss only costs a
//  verification). One set per process, safe from any thread.
#ifndef TF_NODE_VERIFIED_H_INCLUDED
#define TF_NODE_VERIFIED_H_INCLUDED

#include <stdbool.h>
#include "tf_node_crypto.h"

#define TF_NODE_VERIFIED_MAX 16384

//  True when the signatures known by signed_id were found valid.
bool tf_node_verified_has (const tf_node_hash_t *signed_id);

//  Remember that they were.
void tf_node_verified_add (const tf_node_hash_t *signed_id);

//  How many hashes are held (for tests and metrics).
size_t tf_node_verified_size (void);

#endif
