//  tf_node_crypto.h - hashes, Ed25519 keys, hex, PeerIds and checksums for tf-node
#ifndef TF_NODE_CRYPTO_H_INCLUDED
#define TF_NODE_CRYPTO_H_INCLUDED

#include <stddef.h>
#include <stdint.h>
#include <sodium.h>

#define TF_NODE_HASH_SIZE   32 //  blake2b-256 output, block ids, note ids, keys
#define TF_NODE_SIG_SIZE    64 //  Ed25519 signature
#define TF_NODE_PEER_ID_MAX 64 //  Room for a base58 PeerId and its NUL

//  A 32-byte value: hash, block id, note id, tx hash, public key
typedef struct {
    uint8_t bytes[TF_NODE_HASH_SIZE];
} tf_node_hash_t;

//  An Ed25519 key pair built from a 32-byte seed
typedef struct {
    tf_node_hash_t pk;                      //  Public key
    uint8_t sk[crypto_sign_SECRETKEYBYTES]; //  Secret key (seed || pk)
} tf_node_key_t;

//  Initialise libsodium; 0 or -1.
int tf_node_crypto_init (void);

//  Decode exactly 2*size hex digits (an optional 0x prefix allowed) into out; 0 or -1.
int tf_node_hex_decode (const char *hex, uint8_t *out, size_t size);

//  Encode size bytes as lowercase hex into out (2*size+1 bytes).
void tf_node_hex_encode (const uint8_t *data, size_t size, char *out);

//  Hash to hex: out has room for 65 bytes. Returns out.
char *tf_node_hash_hex (const tf_node_hash_t *hash, char *out);

//  Compare two hashes like memcmp.
int tf_node_hash_cmp (const tf_node_hash_t *left, const tf_node_hash_t *right);

//  True if every byte is zero.
int tf_node_hash_is_zero (const tf_node_hash_t *hash);

//  Clear the top bits so the hash, read little-endian, is a valid BN254 scalar.
void tf_node_hash_mask_fr (tf_node_hash_t *hash);

//  blake2b-256 over one buffer.
void tf_node_blake2b (const void *data, size_t size, tf_node_hash_t *out);

//  Build a key pair from a 32-byte seed.
void tf_node_key_from_seed (const uint8_t seed[32], tf_node_key_t *key);

//  Sign data (deterministic Ed25519).
void tf_node_sign (const tf_node_key_t *key, const void *data, size_t size,
                   uint8_t signature[TF_NODE_SIG_SIZE]);

//  Verify an Ed25519 signature; 0 if valid, -1 if not (also for invalid keys).
int tf_node_verify (const tf_node_hash_t *pk, const void *data, size_t size,
                    const uint8_t signature[TF_NODE_SIG_SIZE]);

//  True if pk is a valid compressed Edwards point.
int tf_node_pk_is_valid (const tf_node_hash_t *pk);

//  The libp2p PeerId (base58btc of the identity multihash of the protobuf key) of an
//  Ed25519 public key, into out (TF_NODE_PEER_ID_MAX bytes).
void tf_node_peer_id (const tf_node_hash_t *pk, char *out);

//  Decode a PeerId back to its Ed25519 public key; 0 or -1.
int tf_node_peer_id_decode (const char *peer_id, tf_node_hash_t *pk);

//  CRC-32 (IEEE) of a buffer.
uint32_t tf_node_crc32 (const void *data, size_t size);

//  Incremental blake2b-256: a tiny growable byte buffer that is hashed at the end
typedef struct {
    uint8_t *data; //  Bytes so far
    size_t size;   //  Used
    size_t room;   //  Allocated
} tf_node_buf_t;

//  Append bytes, a u8, a u32 LE, a u64 LE to a buffer.
void tf_node_buf_put (tf_node_buf_t *buf, const void *data, size_t size);
void tf_node_buf_u8 (tf_node_buf_t *buf, uint8_t value);
void tf_node_buf_u32 (tf_node_buf_t *buf, uint32_t value);
void tf_node_buf_u64 (tf_node_buf_t *buf, uint64_t value);

//  Free a buffer's bytes and reset it.
void tf_node_buf_reset (tf_node_buf_t *buf);

#endif
