//  tf_node_crypto.c - hashes, Ed25519 keys, hex, PeerIds and checksums for tf-node
#include <assert.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "tf_node_crypto.h"

static const char s_base58[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

//  Multihash identity prefix + protobuf PublicKey{type=Ed25519, data[32]}
static const uint8_t s_peer_prefix[] = {0x00, 0x24, 0x08, 0x01, 0x12, 0x20};
#define TF_NODE_PEER_BYTES (sizeof s_peer_prefix + TF_NODE_HASH_SIZE)

int
tf_node_crypto_init (void)
{
    return sodium_init () < 0 ? -1 : 0;
}

static int
s_hex_value (char digit)
{
    if (digit >= '0' && digit <= '9')
        return digit - '0';
    if (digit >= 'a' && digit <= 'f')
        return digit - 'a' + 10;
    if (digit >= 'A' && digit <= 'F')
        return digit - 'A' + 10;
    return -1;
}

int
tf_node_hex_decode (const char *hex, uint8_t *out, size_t size)
{
    if (!hex)
        return -1;
    if (hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X'))
        hex += 2;
    if (strlen (hex) != 2 * size)
        return -1;
    for (size_t index = 0; index < size; index++) {
        int high = s_hex_value (hex[2 * index]);
        int low = s_hex_value (hex[2 * index + 1]);
        if (high < 0 || low < 0)
            return -1;
        out[index] = (uint8_t) (high << 4 | low);
    }
    return 0;
}

void
tf_node_hex_encode (const uint8_t *data, size_t size, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t index = 0; index < size; index++) {
        out[2 * index] = digits[data[index] >> 4];
        out[2 * index + 1] = digits[data[index] & 15];
    }
    out[2 * size] = 0;
}

char *
tf_node_hash_hex (const tf_node_hash_t *hash, char *out)
{
    tf_node_hex_encode (hash->bytes, TF_NODE_HASH_SIZE, out);
    return out;
}

int
tf_node_hash_cmp (const tf_node_hash_t *left, const tf_node_hash_t *right)
{
    return memcmp (left->bytes, right->bytes, TF_NODE_HASH_SIZE);
}

int
tf_node_hash_is_zero (const tf_node_hash_t *hash)
{
    static const tf_node_hash_t zero;
    return tf_node_hash_cmp (hash, &zero) == 0;
}

void
tf_node_hash_mask_fr (tf_node_hash_t *hash)
{
    //  The BN254 modulus starts 0x30 in its most significant byte (byte 31, LE)
    hash->bytes[31] &= 0x0f;
}

void
tf_node_blake2b (const void *data, size_t size, tf_node_hash_t *out)
{
    crypto_generichash (out->bytes, TF_NODE_HASH_SIZE, data, size, NULL, 0);
}

void
tf_node_key_from_seed (const uint8_t seed[32], tf_node_key_t *key)
{
    crypto_sign_seed_keypair (key->pk.bytes, key->sk, seed);
}

void
tf_node_sign (const tf_node_key_t *key, const void *data, size_t size,
              uint8_t signature[TF_NODE_SIG_SIZE])
{
    crypto_sign_detached (signature, NULL, data, size, key->sk);
}

int
tf_node_verify (const tf_node_hash_t *pk, const void *data, size_t size,
                const uint8_t signature[TF_NODE_SIG_SIZE])
{
    return crypto_sign_verify_detached (signature, data, size, pk->bytes) == 0 ? 0 : -1;
}

int
tf_node_pk_is_valid (const tf_node_hash_t *pk)
{
    //  All zeros is accepted by the real node's decoder, so accept it too
    return tf_node_hash_is_zero (pk) || crypto_core_ed25519_is_valid_point (pk->bytes);
}

void
tf_node_peer_id (const tf_node_hash_t *pk, char *out)
{
    uint8_t input[TF_NODE_PEER_BYTES];
    memcpy (input, s_peer_prefix, sizeof s_peer_prefix);
    memcpy (input + sizeof s_peer_prefix, pk->bytes, TF_NODE_HASH_SIZE);

    //  Classic base58: repeated division of a big-endian number, leading zeros as '1'
    uint8_t digits[TF_NODE_PEER_ID_MAX] = {0};
    size_t ndigits = 0;
    for (size_t index = 0; index < sizeof input; index++) {
        unsigned carry = input[index];
        for (size_t position = 0; position < ndigits; position++) {
            carry += (unsigned) digits[position] << 8;
            digits[position] = (uint8_t) (carry % 58);
            carry /= 58;
        }
        while (carry) {
            digits[ndigits++] = (uint8_t) (carry % 58);
            carry /= 58;
        }
    }
    size_t length = 0;
    for (size_t index = 0; index < sizeof input && input[index] == 0; index++)
        out[length++] = '1';
    while (ndigits)
        out[length++] = s_base58[digits[--ndigits]];
    out[length] = 0;
}

int
tf_node_peer_id_decode (const char *peer_id, tf_node_hash_t *pk)
{
    if (!peer_id || strlen (peer_id) >= TF_NODE_PEER_ID_MAX)
        return -1;
    uint8_t bytes[TF_NODE_PEER_ID_MAX] = {0}; //  Little-endian big number
    size_t nbytes = 0;
    size_t zeros = 0;
    for (const char *cursor = peer_id; *cursor == '1'; cursor++)
        zeros++;
    for (const char *cursor = peer_id; *cursor; cursor++) {
        const char *found = strchr (s_base58, *cursor);
        if (!found)
            return -1;
        unsigned carry = (unsigned) (found - s_base58);
        for (size_t position = 0; position < nbytes; position++) {
            carry += (unsigned) bytes[position] * 58;
            bytes[position] = (uint8_t) (carry & 0xff);
            carry >>= 8;
        }
        while (carry) {
            if (nbytes >= sizeof bytes)
                return -1;
            bytes[nbytes++] = (uint8_t) (carry & 0xff);
            carry >>= 8;
        }
    }
    if (zeros + nbytes != TF_NODE_PEER_BYTES)
        return -1;
    uint8_t decoded[TF_NODE_PEER_BYTES] = {0};
    for (size_t index = 0; index < nbytes; index++)
        decoded[zeros + index] = bytes[nbytes - 1 - index];
    if (memcmp (decoded, s_peer_prefix, sizeof s_peer_prefix) != 0)
        return -1;
    memcpy (pk->bytes, decoded + sizeof s_peer_prefix, TF_NODE_HASH_SIZE);
    return 0;
}

//  The CRC of each byte value, made on first use (a byte a step, not a bit)
static uint32_t s_crc_table[256];
static pthread_once_t s_crc_once = PTHREAD_ONCE_INIT;

static void
s_crc_table_make (void)
{
    for (uint32_t value = 0; value < 256; value++) {
        uint32_t crc = value;
        for (int bit = 0; bit < 8; bit++)
            crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
        s_crc_table[value] = crc;
    }
}

uint32_t
tf_node_crc32 (const void *data, size_t size)
{
    pthread_once (&s_crc_once, s_crc_table_make);
    const uint8_t *bytes = data;
    uint32_t crc = 0xffffffffu;
    for (size_t index = 0; index < size; index++)
        crc = (crc >> 8) ^ s_crc_table[(crc ^ bytes[index]) & 0xffu];
    return ~crc;
}

void
tf_node_buf_put (tf_node_buf_t *buf, const void *data, size_t size)
{
    if (buf->size + size > buf->room) {
        size_t room = buf->room ? buf->room : 256;
        while (room < buf->size + size)
            room *= 2;
        buf->data = realloc (buf->data, room);
        assert (buf->data);
        buf->room = room;
    }
    if (size)
        memcpy (buf->data + buf->size, data, size);
    buf->size += size;
}

void
tf_node_buf_u8 (tf_node_buf_t *buf, uint8_t value)
{
    tf_node_buf_put (buf, &value, 1);
}

void
tf_node_buf_u32 (tf_node_buf_t *buf, uint32_t value)
{
    uint8_t bytes[4];
    for (int index = 0; index < 4; index++)
        bytes[index] = (uint8_t) (value >> (8 * index));
    tf_node_buf_put (buf, bytes, 4);
}

void
tf_node_buf_u64 (tf_node_buf_t *buf, uint64_t value)
{
    uint8_t bytes[8];
    for (int index = 0; index < 8; index++)
        bytes[index] = (uint8_t) (value >> (8 * index));
    tf_node_buf_put (buf, bytes, 8);
}

void
tf_node_buf_reset (tf_node_buf_t *buf)
{
    free (buf->data);
    buf->data = NULL;
    buf->size = buf->room = 0;
}
