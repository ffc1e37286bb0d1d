//  tf_node_da.h - DA shares: commitment, placement on subnetworks, the share store
//
//  A blob is cut by the erasure code (tf_node_erasure) into k data and n - k parity
//  shares, share i belonging to subnetwork i. Its commitment, the blob id, binds all
//  of them:
//
//      share_hash(i) = blake2b-256 ("DA_SHARE_V1" || u32 LE i || share bytes)
//      blob_id       = blake2b-256 ("DA_BLOB_ID_V1" || u32 LE k || u32 LE n ||
//                                   u64 LE blob size || share_hash(0) .. share_hash(n-1))
//
//  Every share travels with the n share hashes (its "commitments"), so any holder
//  checks one share against the blob id alone. Membership (one session, 0): the DA
//  nodes are the genesis declarations in order; with m = min (nodes, n), node j is a
//  member of subnetwork s iff j mod m == s mod m, so every subnetwork has a member
//  and every node one subnetwork at least. A node keeps the shares of its own
//  subnetworks, in memory and in <db_path>/shares.log (the block log's record format),
//  so a restarted node still serves them.
#ifndef TF_NODE_DA_H_INCLUDED
#define TF_NODE_DA_H_INCLUDED

#include <jansson.h>
#include "tf_node_crypto.h"

#define TF_NODE_DA_DATA_SHARES 2            //  k: shares that rebuild a blob
#define TF_NODE_DA_SUBNETS     4            //  n: shares per blob, one per subnetwork
#define TF_NODE_DA_MAX_BLOB    (256 * 1024) //  Bytes per dispersed blob
#define TF_NODE_DA_FILE        "shares.log" //  In db_path
#define TF_NODE_DA_SEEN_MAX    65536        //  Relayed share keys remembered

//  One share of one blob
typedef struct {
    tf_node_hash_t blob_id; //  The blob's commitment
    uint32_t index;         //  Share number, = its subnetwork
    uint32_t k;             //  Data shares
    uint32_t n;             //  All shares
    uint64_t blob_size;     //  Bytes of the blob
    size_t size;            //  Bytes of this share
    uint8_t *data;          //  Its bytes (owned)
    tf_node_hash_t *hashes; //  The n share hashes (owned)
} tf_node_da_share_t;

typedef struct _tf_node_da_t tf_node_da_t;

//  Encode blob (size bytes, 1 <= size <= TF_NODE_DA_MAX_BLOB) into n shares of k data
//  shares; writes the blob id and returns the n shares (caller owns each and the array),
//  or NULL when the sizes do not fit.
tf_node_da_share_t **tf_node_da_encode (const uint8_t *blob, size_t size, uint32_t k, uint32_t n,
                                        tf_node_hash_t *blob_id);

//  0 when the share's hashes commit to its blob id and its bytes to its own hash.
int tf_node_da_share_verify (const tf_node_da_share_t *share);

//  JSON form: {"blob_id","share_idx","data_shares","total_shares","blob_size","data"
//  (hex),"commitments" [hex...]}. Caller owns the result.
json_t *tf_node_da_share_json (const tf_node_da_share_t *share);

//  Parse the JSON form (borrowed) and verify it; NULL with a reason in error.
tf_node_da_share_t *tf_node_da_share_from_json (const json_t *json, char *error, size_t error_size);

//  Destroy a share; safe on NULL.
void tf_node_da_share_destroy (tf_node_da_share_t **self_p);

//  Free an array of count shares from tf_node_da_encode; safe on NULL.
void tf_node_da_shares_free (tf_node_da_share_t ***shares_p, size_t count);

//  Whether DA node member (0-based, of nodes) belongs to subnetwork subnet (of subnets).
int tf_node_da_is_member (size_t member, size_t nodes, size_t subnet, size_t subnets);

//  Open the share store in dir for DA node member of nodes (member < 0: not a DA node,
//  it keeps no share) and replay its log. NULL after logging why.
tf_node_da_t *tf_node_da_new (const char *dir, long member, size_t nodes);

//  Close; safe on NULL.
void tf_node_da_destroy (tf_node_da_t **self_p);

//  Whether the store keeps shares of subnetwork subnet.
int tf_node_da_holds_subnet (const tf_node_da_t *self, size_t subnet);

//  Keep a verified share when it belongs to one of our subnetworks: persisted (fsync)
//  before it is kept. Takes ownership of *share_p in every case. Returns 1 kept,
//  0 not ours or already held, -1 storage failed.
int tf_node_da_add (tf_node_da_t *self, tf_node_da_share_t **share_p);

//  The share index of blob_id we hold, or NULL (borrowed).
const tf_node_da_share_t *tf_node_da_get (const tf_node_da_t *self, const tf_node_hash_t *blob_id,
                                          uint32_t index);

//  Remember (blob_id, index) as relayed; 1 when it was new, 0 when seen already.
int tf_node_da_mark_seen (tf_node_da_t *self, const tf_node_hash_t *blob_id, uint32_t index);

//  Shares held, blobs with a share held.
size_t tf_node_da_share_count (const tf_node_da_t *self);
size_t tf_node_da_blob_count (const tf_node_da_t *self);

//  Forget every held share, in memory and on disk (the lose_shares fault).
void tf_node_da_forget (tf_node_da_t *self);

//  Our member index (-1 none) and the number of DA nodes.
long tf_node_da_member (const tf_node_da_t *self);
size_t tf_node_da_nodes (const tf_node_da_t *self);

#endif
