//  tf_node_erasure.c - Reed-Solomon over GF(2^8) (see tf_node_erasure.h)

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "tf_node_erasure.h"

#define S_FIELD_POLY 0x11d //  x^8 + x^4 + x^3 + x^2 + 1, generator 2

static uint8_t s_exp[512];
static uint8_t s_log[256];
static pthread_once_t s_once = PTHREAD_ONCE_INIT;

static void
s_tables (void)
{
    unsigned value = 1;
    for (unsigned power = 0; power < 255; power++) {
        s_exp[power] = (uint8_t) value;
        s_log[value] = (uint8_t) power;
        value <<= 1;
        if (value & 0x100)
            value ^= S_FIELD_POLY;
    }
    for (unsigned power = 255; power < 512; power++)
        s_exp[power] = s_exp[power - 255];
}

static uint8_t
s_mul (uint8_t a, uint8_t b)
{
    if (a == 0 || b == 0)
        return 0;
    return s_exp[s_log[a] + s_log[b]];
}

//  a / b, b != 0
static uint8_t
s_div (uint8_t a, uint8_t b)
{
    if (a == 0)
        return 0;
    return s_exp[s_log[a] + 255 - s_log[b]];
}

//  Lagrange basis at x over the points xs[0..k-1] (distinct): coef[i] = L_i(x)
static void
s_basis (const uint8_t *xs, size_t k, uint8_t x, uint8_t *coef)
{
    for (size_t i = 0; i < k; i++) {
        uint8_t num = 1, den = 1;
        for (size_t j = 0; j < k; j++) {
            if (j == i)
                continue;
            num = s_mul (num, (uint8_t) (x ^ xs[j]));
            den = s_mul (den, (uint8_t) (xs[i] ^ xs[j]));
        }
        coef[i] = s_div (num, den);
    }
}

//  out[b] = sum_i coef[i] * in[i][b]
static void
s_combine (const uint8_t *coef, const uint8_t *const *in, size_t k, size_t share_size, uint8_t *out)
{
    memset (out, 0, share_size);
    for (size_t i = 0; i < k; i++) {
        if (coef[i] == 0)
            continue;
        const uint8_t *row = &s_exp[s_log[coef[i]]];
        for (size_t b = 0; b < share_size; b++)
            if (in[i][b])
                out[b] ^= row[s_log[in[i][b]]];
    }
}

size_t
tf_node_erasure_share_size (size_t size, size_t k)
{
    if (k == 0)
        return 0;
    size_t share_size = (size + k - 1) / k;
    return share_size ? share_size : 1;
}

int
tf_node_erasure_encode (const uint8_t *blob, size_t size, size_t k, size_t n,
                        uint8_t *const *shares)
{
    if (k < 1 || n < k || n > TF_NODE_ERASURE_MAX_SHARES || (size && !blob) || !shares)
        return -1;
    pthread_once (&s_once, s_tables);
    size_t share_size = tf_node_erasure_share_size (size, k);
    for (size_t i = 0; i < k; i++) {
        memset (shares[i], 0, share_size);
        size_t from = i * share_size;
        if (from < size)
            memcpy (shares[i], blob + from, size - from < share_size ? size - from : share_size);
    }
    uint8_t xs[TF_NODE_ERASURE_MAX_SHARES];
    uint8_t coef[TF_NODE_ERASURE_MAX_SHARES];
    for (size_t i = 0; i < k; i++)
        xs[i] = (uint8_t) i;
    for (size_t p = k; p < n; p++) {
        s_basis (xs, k, (uint8_t) p, coef);
        s_combine (coef, (const uint8_t *const *) shares, k, share_size, shares[p]);
    }
    return 0;
}

int
tf_node_erasure_decode (size_t k, size_t n, const size_t *indices, const uint8_t *const *shares,
                        size_t count, size_t share_size, uint8_t *blob, size_t size)
{
    if (k < 1 || n < k || n > TF_NODE_ERASURE_MAX_SHARES || !indices || !shares || !blob
        || share_size != tf_node_erasure_share_size (size, k))
        return -1;
    pthread_once (&s_once, s_tables);
    uint8_t xs[TF_NODE_ERASURE_MAX_SHARES];
    const uint8_t *picked[TF_NODE_ERASURE_MAX_SHARES];
    uint8_t seen[TF_NODE_ERASURE_MAX_SHARES] = {0};
    size_t have = 0;
    for (size_t i = 0; i < count && have < k; i++) {
        if (indices[i] >= n || seen[indices[i]] || !shares[i])
            continue;
        seen[indices[i]] = 1;
        xs[have] = (uint8_t) indices[i];
        picked[have++] = shares[i];
    }
    if (have < k)
        return -1;
    uint8_t coef[TF_NODE_ERASURE_MAX_SHARES];
    uint8_t *row = (uint8_t *) malloc (share_size);
    if (!row)
        return -1;
    for (size_t d = 0; d < k; d++) {
        size_t from = d * share_size;
        if (from >= size)
            break;
        s_basis (xs, k, (uint8_t) d, coef);
        s_combine (coef, picked, k, share_size, row);
        memcpy (blob + from, row, size - from < share_size ? size - from : share_size);
    }
    free (row);
    return 0;
}
