//  tf_keys.c - every key of a run, derived from the run's seed (see tf_keys.h)

#include "tf_keys.h"
#include <assert.h>
#include <sodium.h>
#include <string.h>

#define TF_KEYS_DOMAIN "tf-key" //  Domain of key seeds

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
tf_keys_hex32 (const uint8_t bytes[32], char hex[TF_KEYS_HEX_SIZE])
{
    assert (bytes && hex);
    sodium_bin2hex (hex, TF_KEYS_HEX_SIZE, bytes, 32);
}
