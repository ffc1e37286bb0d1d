//  tf_rng.c - seeded random numbers (splitmix64 + xoshiro256**)

#include "tf_rng.h"

static uint64_t
s_splitmix (uint64_t *state)
{
    uint64_t value = (*state += 0x9e3779b97f4a7c15ull);
    value = (value ^ (value >> 30)) * 0xbf58476d1ce4e5b9ull;
    value = (value ^ (value >> 27)) * 0x94d049bb133111ebull;
    return value ^ (value >> 31);
}

static uint64_t
s_rotate (uint64_t value, int bits)
{
    return (value << bits) | (value >> (64 - bits));
}

void
tf_rng_seed (tf_rng_t *self, uint64_t seed, const char *stream)
{
    //  FNV-1a of the stream name, mixed into the seed
    uint64_t mixed = 0xcbf29ce484222325ull;
    for (const char *cursor = stream ? stream : ""; *cursor; cursor++)
        mixed = (mixed ^ (uint8_t) *cursor) * 0x100000001b3ull;
    uint64_t state = seed ^ mixed;
    for (int index = 0; index < 4; index++)
        self->state[index] = s_splitmix (&state);
}

uint64_t
tf_rng_next (tf_rng_t *self)
{
    uint64_t *s = self->state;
    uint64_t result = s_rotate (s[1] * 5, 7) * 9;
    uint64_t shifted = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= shifted;
    s[3] = s_rotate (s[3], 45);
    return result;
}

int64_t
tf_rng_range (tf_rng_t *self, int64_t low, int64_t high)
{
    if (high <= low)
        return low;
    uint64_t span = (uint64_t) (high - low) + 1;
    //  Rejection sampling keeps the distribution uniform
    uint64_t limit = UINT64_MAX - UINT64_MAX % span;
    uint64_t value;
    do
        value = tf_rng_next (self);
    while (value >= limit);
    return low + (int64_t) (value % span);
}
