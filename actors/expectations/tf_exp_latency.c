//  tf_exp_latency.c - latencies kept as a multiset (see tf_exp_latency.h)

#include <czmq.h>
#include <math.h>
#include "tf_exp_latency.h"

#define S_EPSILON    1e-9 //  Keeps ceil (50 x 0.5) at 25, as tf_exp_tx_percentile
#define S_FIRST_ROOM 16   //  Runs allocated at the first add

//  One distinct value and how often it was added
typedef struct {
    uint64_t value;
    uint64_t count;
} s_run_t;

struct _tf_exp_latency_t {
    s_run_t *runs; //  Ascending by value
    size_t used;
    size_t room;
    uint64_t total;
};

tf_exp_latency_t *
tf_exp_latency_new (void)
{
    return (tf_exp_latency_t *) zmalloc (sizeof (tf_exp_latency_t));
}

void
tf_exp_latency_destroy (tf_exp_latency_t **self_p)
{
    assert (self_p);
    tf_exp_latency_t *self = *self_p;
    if (!self)
        return;
    free (self->runs);
    free (self);
    *self_p = NULL;
}

//  Index of the first run whose value is >= value
static size_t
s_lower_bound (const tf_exp_latency_t *self, uint64_t value)
{
    size_t low = 0, high = self->used;
    while (low < high) {
        size_t middle = low + (high - low) / 2;
        if (self->runs[middle].value < value)
            low = middle + 1;
        else
            high = middle;
    }
    return low;
}

void
tf_exp_latency_add (tf_exp_latency_t *self, uint64_t value)
{
    assert (self);
    self->total++;
    size_t index = s_lower_bound (self, value);
    if (index < self->used && self->runs[index].value == value) {
        self->runs[index].count++;
        return;
    }
    if (self->used == self->room) {
        self->room = self->room ? self->room * 2 : S_FIRST_ROOM;
        self->runs = (s_run_t *) realloc (self->runs, self->room * sizeof (s_run_t));
        assert (self->runs);
    }
    memmove (self->runs + index + 1, self->runs + index, (self->used - index) * sizeof (s_run_t));
    self->runs[index] = (s_run_t){.value = value, .count = 1};
    self->used++;
}

uint64_t
tf_exp_latency_count (const tf_exp_latency_t *self)
{
    assert (self);
    return self->total;
}

size_t
tf_exp_latency_distinct (const tf_exp_latency_t *self)
{
    assert (self);
    return self->used;
}

uint64_t
tf_exp_latency_percentile (const tf_exp_latency_t *self, double q)
{
    assert (self);
    if (self->total == 0)
        return 0;
    double rank = ceil (q * (double) self->total - S_EPSILON);
    uint64_t wanted = rank < 1 ? 1 : (uint64_t) rank;
    uint64_t seen = 0;
    for (size_t index = 0; index < self->used; index++) {
        seen += self->runs[index].count;
        if (seen >= wanted)
            return self->runs[index].value;
    }
    return self->runs[self->used - 1].value;
}

uint64_t
tf_exp_latency_max (const tf_exp_latency_t *self)
{
    assert (self);
    return self->used ? self->runs[self->used - 1].value : 0;
}

void
tf_exp_latency_pack (const tf_exp_latency_t *self, msgpack_packer *packer)
{
    assert (self && packer);
    msgpack_pack_array (packer, (size_t) self->total);
    for (size_t index = 0; index < self->used; index++)
        for (uint64_t count = 0; count < self->runs[index].count; count++)
            msgpack_pack_uint64 (packer, self->runs[index].value);
}
