//  tf_keys.h - every key of a run, derived from the run's seed
//
//  The deployer (genesis, node identities) and the transaction workload (the
//  wallets it spends from) must agree on keys without talking, so both derive
//  them the same way from the plan's seed:
//
//      seed32 = BLAKE2b-256 ("tf-key" || purpose || run_seed as u64 LE || index as u32 LE)
//
//  where purpose is the ASCII name of the key's use without a terminator:
//  "leader" (a node's block-signing key, index = node's global index),
//  "node" (a node's p2p identity, swarm.node_key) or "wallet" (user wallet
//  index). The Ed25519 key pair is libsodium's crypto_sign_seed_keypair of
//  seed32; public keys travel as 64 lower-case hex characters. Tx hashes and
//  note ids are the tx format's (tf_api_tx).

#ifndef TF_KEYS_H_INCLUDED
#define TF_KEYS_H_INCLUDED

#include <stddef.h>
#include <stdint.h>

#define TF_KEYS_SEED_SIZE   32   //  Ed25519 seed
#define TF_KEYS_PUBLIC_SIZE 32   //  Ed25519 public key
#define TF_KEYS_SECRET_SIZE 64   //  libsodium secret key (seed || pk)
#define TF_KEYS_HASH_SIZE   32   //  Tx hashes and note ids
#define TF_KEYS_SCALAR_MASK 0x0f //  Byte 31 mask that keeps a hash a BN254 scalar
#define TF_KEYS_HEX_SIZE    65   //  32 bytes as hex plus terminator

#define TF_KEYS_PURPOSE_LEADER "leader"
#define TF_KEYS_PURPOSE_NODE   "node"
#define TF_KEYS_PURPOSE_WALLET "wallet"

//  One derived Ed25519 key
typedef struct {
    uint8_t seed[TF_KEYS_SEED_SIZE]; //  What a node's config carries
    uint8_t public_key[TF_KEYS_PUBLIC_SIZE];
    uint8_t secret_key[TF_KEYS_SECRET_SIZE];
} tf_key_t;

//  Derive the 32-byte seed of (purpose, run_seed, index). Returns 0, or -1 if
//  libsodium cannot be initialised.
int tf_keys_seed (const char *purpose, uint64_t run_seed, uint32_t index,
                  uint8_t seed[TF_KEYS_SEED_SIZE]);

//  Derive the Ed25519 key pair of (purpose, run_seed, index) into *key.
//  Returns 0, or -1 if libsodium cannot be initialised.
int tf_keys_derive (const char *purpose, uint64_t run_seed, uint32_t index, tf_key_t *key);

//  Write 32 bytes as 64 lower-case hex characters plus a terminator.
void tf_keys_hex32 (const uint8_t bytes[32], char hex[TF_KEYS_HEX_SIZE]);

#endif
