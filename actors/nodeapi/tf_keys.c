//  tf_keys.c - every key of a run, derived from the run's seed (see tf_keys.h)

#include "tf_keys.h"
#include <assert.h>
#include <sodium.h>
#include <string.h>

#define TF_KEYS_DOMAIN      "tf-key"           //  Domain of key seeds
#define TF_KEYS_TX_DOMAIN   "MANTLE_TXHASH_V1" //  Domain of tx hashes
#define TF_KEYS_NOTE_DOMAIN "NOTE_ID_V1"       //  Domain of note ids
#define TF_KEYS_LAST_BYTE   31                 //  Byte masked into a scalar

static void
s_put_u64_le (uint8_t *out, uint64_t value)
{
    for (size_t byte = 0; byte < sizeof value; byte++)
        out[byte] = (uint8_t) (value >> (8 * byte));
}

static void
s_put_u32_le (uint8_t *out, uint32_t value)
{
    for (size_t byte = 0; byte < sizeof value; byte++)
        out[byte] = (uint8_t) (value >> (8 * byte));
}

int
tf_keys_seed (const char *purpose, uint64_t run_seed, uint32_t index,
              uint8_t seed[TF_KEYS_SEED_SIZE])
{
    assert (purpose && seed);
    if (sodium_init () < 0)
        return -1;
    uint8_t seed_le[sizeof (uint64_t)];
    uint8_t index_le[sizeof (uint32_t)];
    s_put_u64_le (seed_le, run_seed);
    s_put_u32_le (index_le, index);
    crypto_generichash_state state;
    crypto_generichash_init (&state, NULL, 0, TF_KEYS_SEED_SIZE);
    crypto_generichash_update (&state, (const uint8_t *) TF_KEYS_DOMAIN, strlen (TF_KEYS_DOMAIN));
    crypto_generichash_update (&state, (const uint8_t *) purpose, strlen (purpose));
    crypto_generichash_update (&state, seed_le, sizeof seed_le);
    crypto_generichash_update (&state, index_le, sizeof index_le);
    crypto_generichash_final (&state, seed, TF_KEYS_SEED_SIZE);
    return 0;
}

int
tf_keys_derive (const char *purpose, uint64_t run_seed, uint32_t index, tf_key_t *key)
{
    assert (purpose && key);
    if (tf_keys_seed (purpose, run_seed, index, key->seed))
        return -1;
    crypto_sign_seed_keypair (key->public_key, key->secret_key, key->seed);
    return 0;
}

void
tf_keys_tx_hash (const uint8_t *encoded, size_t size, uint8_t tx_hash[TF_KEYS_HASH_SIZE])
{
    assert ((encoded || size == 0) && tx_hash);
    crypto_generichash_state state;
    crypto_generichash_init (&state, NULL, 0, TF_KEYS_HASH_SIZE);
    crypto_generichash_update (&state, (const uint8_t *) TF_KEYS_TX_DOMAIN,
                               strlen (TF_KEYS_TX_DOMAIN));
    crypto_generichash_update (&state, encoded, size);
    crypto_generichash_final (&state, tx_hash, TF_KEYS_HASH_SIZE);
    tx_hash[TF_KEYS_LAST_BYTE] &= TF_KEYS_SCALAR_MASK;
}

void
tf_keys_note_id (const uint8_t tx_hash[TF_KEYS_HASH_SIZE], uint64_t output_index, uint64_t value,
                 const uint8_t public_key[TF_KEYS_PUBLIC_SIZE], uint8_t note_id[TF_KEYS_HASH_SIZE])
{
    assert (tx_hash && public_key && note_id);
    uint8_t index_le[sizeof (uint64_t)];
    uint8_t value_le[sizeof (uint64_t)];
    s_put_u64_le (index_le, output_index);
    s_put_u64_le (value_le, value);
    crypto_generichash_state state;
    crypto_generichash_init (&state, NULL, 0, TF_KEYS_HASH_SIZE);
    crypto_generichash_update (&state, (const uint8_t *) TF_KEYS_NOTE_DOMAIN,
                               strlen (TF_KEYS_NOTE_DOMAIN));
    crypto_generichash_update (&state, tx_hash, TF_KEYS_HASH_SIZE);
    crypto_generichash_update (&state, index_le, sizeof index_le);
    crypto_generichash_update (&state, value_le, sizeof value_le);
    crypto_generichash_update (&state, public_key, TF_KEYS_PUBLIC_SIZE);
    crypto_generichash_final (&state, note_id, TF_KEYS_HASH_SIZE);
    note_id[TF_KEYS_LAST_BYTE] &= TF_KEYS_SCALAR_MASK;
}

void
tf_keys_hex32 (const uint8_t bytes[32], char hex[TF_KEYS_HEX_SIZE])
{
    assert (bytes && hex);
    sodium_bin2hex (hex, TF_KEYS_HEX_SIZE, bytes, 32);
}
