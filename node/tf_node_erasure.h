//  tf_node_erasure.h - Reed-Solomon erasure code over GF(2^8) for DA blobs
//
//  A blob is cut into k data shares of share_size = ceil(size / k) bytes (the last
//  one padded with zeros) and n - k parity shares of the same size. Byte j of the
//  n shares are the values at x = 0 .. n-1 of the one polynomial of degree < k
//  over GF(2^8) (field polynomial x^8 + x^4 + x^3 + x^2 + 1) whose values at
//  x = 0 .. k-1 are byte j of the data shares, so the code is systematic and any
//  k distinct shares rebuild the blob (Lagrange interpolation); fewer cannot.
#ifndef TF_NODE_ERASURE_H_INCLUDED
#define TF_NODE_ERASURE_H_INCLUDED

#include <stddef.h>
#include <stdint.h>

#define TF_NODE_ERASURE_MAX_SHARES 256 //  Distinct evaluation points in GF(2^8)

//  Bytes of each share of a blob of size bytes cut into k data shares (at least 1).
size_t tf_node_erasure_share_size (size_t size, size_t k);

//  Encode: shares is n buffers of tf_node_erasure_share_size (size, k) bytes each,
//  filled here. Returns 0, or -1 unless 1 <= k <= n <= TF_NODE_ERASURE_MAX_SHARES.
int tf_node_erasure_encode (const uint8_t *blob, size_t size, size_t k, size_t n,
                            uint8_t *const *shares);

//  Decode: count shares, share i being share number indices[i] (< n), each
//  share_size bytes; writes the first size bytes of the blob. Returns 0, or -1 when
//  fewer than k distinct valid indices are given or the sizes do not fit.
int tf_node_erasure_decode (size_t k, size_t n, const size_t *indices, const uint8_t *const *shares,
                            size_t count, size_t share_size, uint8_t *blob, size_t size);

#endif
