//  tf_rng.h - seeded random numbers: every random choice of a run comes from
//  the run's seed, so the same seed gives the same choices
//
//  splitmix64 seeding into xoshiro256**; each actor derives its own stream
//  from (seed, stream name), so adding an actor does not shift another's.

#ifndef TF_RNG_H_INCLUDED
#define TF_RNG_H_INCLUDED

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    uint64_t state[4]; //  xoshiro256** state
} tf_rng_t;

//  Seed a generator from the run seed and a stream name (e.g. the actor name).
void tf_rng_seed (tf_rng_t *self, uint64_t seed, const char *stream);

//  Next 64 random bits.
uint64_t tf_rng_next (tf_rng_t *self);

//  Uniform integer in [low, high] (inclusive); low when high <= low.
int64_t tf_rng_range (tf_rng_t *self, int64_t low, int64_t high);

#ifdef __cplusplus
}
#endif

#endif
