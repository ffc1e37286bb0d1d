//  tf_node_da.c - DA shares: commitment, placement on subnetworks, the share store
//  (see tf_node_da.h)
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tf_node_da.h"
#include "tf_node_erasure.h"
#include "tf_node_idmap.h"
#include "tf_node_log.h"
#include "tf_node_store.h"
#include "tf_node_tx.h"

#define S_SHARE_TAG "DA_SHARE_V1"
#define S_BLOB_TAG  "DA_BLOB_ID_V1"

//  The shares of one blob we hold
typedef struct {
    uint32_t n;                  //  Shares of the blob
    tf_node_da_share_t **shares; //  n slots, NULL where not held
} s_blob_t;

struct _tf_node_da_t {
    long member;            //  Our DA node index, -1 none
    size_t nodes;           //  DA nodes
    tf_node_idmap_t *blobs; //  blob id -> s_blob_t
    tf_node_idmap_t *seen;  //  share key -> marker (relay dedup)
    tf_node_store_t *store; //  shares.log
    size_t share_count;     //  Shares held
};

static void
s_share_hash (uint32_t index, const uint8_t *data, size_t size, tf_node_hash_t *out)
{
    tf_node_buf_t buf = {0};
    tf_node_buf_put (&buf, S_SHARE_TAG, strlen (S_SHARE_TAG));
    tf_node_buf_u32 (&buf, index);
    tf_node_buf_put (&buf, data, size);
    tf_node_blake2b (buf.data, buf.size, out);
    tf_node_buf_reset (&buf);
}

static void
s_blob_id (uint32_t k, uint32_t n, uint64_t size, const tf_node_hash_t *hashes, tf_node_hash_t *out)
{
    tf_node_buf_t buf = {0};
    tf_node_buf_put (&buf, S_BLOB_TAG, strlen (S_BLOB_TAG));
    tf_node_buf_u32 (&buf, k);
    tf_node_buf_u32 (&buf, n);
    tf_node_buf_u64 (&buf, size);
    for (uint32_t index = 0; index < n; index++)
        tf_node_buf_put (&buf, hashes[index].bytes, TF_NODE_HASH_SIZE);
    tf_node_blake2b (buf.data, buf.size, out);
    tf_node_buf_reset (&buf);
}

tf_node_da_share_t **
tf_node_da_encode (const uint8_t *blob, size_t size, uint32_t k, uint32_t n,
                   tf_node_hash_t *blob_id)
{
    if (size == 0 || size > TF_NODE_DA_MAX_BLOB || k == 0 || k > n
        || n > TF_NODE_ERASURE_MAX_SHARES)
        return NULL;
    size_t share_size = tf_node_erasure_share_size (size, k);
    tf_node_da_share_t **shares = calloc (n, sizeof *shares);
    uint8_t **buffers = calloc (n, sizeof *buffers);
    tf_node_hash_t *hashes = calloc (n, sizeof *hashes);
    assert (shares && buffers && hashes);
    for (uint32_t index = 0; index < n; index++) {
        buffers[index] = malloc (share_size);
        assert (buffers[index]);
    }
    int rc = tf_node_erasure_encode (blob, size, k, n, buffers);
    assert (rc == 0); //  Its arguments were checked above
    (void) rc;
    for (uint32_t index = 0; index < n; index++)
        s_share_hash (index, buffers[index], share_size, &hashes[index]);
    s_blob_id (k, n, size, hashes, blob_id);
    for (uint32_t index = 0; index < n; index++) {
        tf_node_da_share_t *share = calloc (1, sizeof *share);
        assert (share);
        share->blob_id = *blob_id;
        share->index = index;
        share->k = k;
        share->n = n;
        share->blob_size = size;
        share->size = share_size;
        share->data = buffers[index];
        share->hashes = malloc (n * sizeof *hashes);
        assert (share->hashes);
        memcpy (share->hashes, hashes, n * sizeof *hashes);
        shares[index] = share;
    }
    free (buffers);
    free (hashes);
    return shares;
}

int
tf_node_da_share_verify (const tf_node_da_share_t *share)
{
    assert (share);
    if (share->k == 0 || share->k > share->n || share->index >= share->n
        || share->size != tf_node_erasure_share_size (share->blob_size, share->k))
        return -1;
    tf_node_hash_t hash;
    s_share_hash (share->index, share->data, share->size, &hash);
    if (tf_node_hash_cmp (&hash, &share->hashes[share->index]) != 0)
        return -1;
    s_blob_id (share->k, share->n, share->blob_size, share->hashes, &hash);
    return tf_node_hash_cmp (&hash, &share->blob_id) == 0 ? 0 : -1;
}

json_t *
tf_node_da_share_json (const tf_node_da_share_t *share)
{
    char *hex = malloc (2 * share->size + 1);
    assert (hex);
    tf_node_hex_encode (share->data, share->size, hex);
    json_t *commitments = json_array ();
    for (uint32_t index = 0; index < share->n; index++)
        json_array_append_new (commitments, tf_node_json_hash (&share->hashes[index]));
    json_t *json = json_pack (
        "{s:o, s:I, s:I, s:I, s:I, s:s, s:o}", "blob_id", tf_node_json_hash (&share->blob_id),
        "share_idx", (json_int_t) share->index, "data_shares", (json_int_t) share->k,
        "total_shares", (json_int_t) share->n, "blob_size", (json_int_t) share->blob_size, "data",
        hex, "commitments", commitments);
    assert (json);
    free (hex);
    return json;
}

tf_node_da_share_t *
tf_node_da_share_from_json (const json_t *json, char *error, size_t error_size)
{
    tf_node_da_share_t *share = calloc (1, sizeof *share);
    assert (share);
    uint64_t index, k, n, blob_size;
    const char *why = NULL;
    json_t *data = json_object_get (json, "data");
    json_t *commitments = json_object_get (json, "commitments");
    if (tf_node_json_get_hash (json_object_get (json, "blob_id"), &share->blob_id)
        || tf_node_json_get_u64 (json_object_get (json, "share_idx"), &index)
        || tf_node_json_get_u64 (json_object_get (json, "data_shares"), &k)
        || tf_node_json_get_u64 (json_object_get (json, "total_shares"), &n)
        || tf_node_json_get_u64 (json_object_get (json, "blob_size"), &blob_size)
        || !json_is_string (data) || !json_is_array (commitments)) {
        why = "a share needs blob_id, share_idx, data_shares, total_shares, blob_size, data "
              "(hex) and commitments";
        goto out;
    }
    if (k == 0 || k > n || n > TF_NODE_ERASURE_MAX_SHARES || index >= n || blob_size == 0
        || blob_size > TF_NODE_DA_MAX_BLOB || json_array_size (commitments) != n) {
        why = "share numbers out of range (1 <= data_shares <= total_shares <= 256, "
              "share_idx < total_shares, one commitment per share)";
        goto out;
    }
    share->index = (uint32_t) index;
    share->k = (uint32_t) k;
    share->n = (uint32_t) n;
    share->blob_size = blob_size;
    share->size = tf_node_erasure_share_size (blob_size, share->k);
    share->data = malloc (share->size);
    share->hashes = calloc (n, sizeof *share->hashes);
    assert (share->data && share->hashes);
    if (strlen (json_string_value (data)) != 2 * share->size
        || tf_node_hex_decode (json_string_value (data), share->data, share->size)) {
        why = "share data must be hex of ceil (blob_size / data_shares) bytes";
        goto out;
    }
    for (size_t position = 0; position < n; position++)
        if (tf_node_json_get_hash (json_array_get (commitments, position),
                                   &share->hashes[position])) {
            why = "commitments must be 64-hex share hashes";
            goto out;
        }
    if (tf_node_da_share_verify (share))
        why = "share does not match its commitments and blob id";
out:
    if (why) {
        snprintf (error, error_size, "%s", why);
        tf_node_da_share_destroy (&share);
    }
    return share;
}

void
tf_node_da_share_destroy (tf_node_da_share_t **self_p)
{
    assert (self_p);
    tf_node_da_share_t *self = *self_p;
    if (!self)
        return;
    free (self->data);
    free (self->hashes);
    free (self);
    *self_p = NULL;
}

void
tf_node_da_shares_free (tf_node_da_share_t ***shares_p, size_t count)
{
    assert (shares_p);
    tf_node_da_share_t **shares = *shares_p;
    if (!shares)
        return;
    for (size_t index = 0; index < count; index++)
        tf_node_da_share_destroy (&shares[index]);
    free (shares);
    *shares_p = NULL;
}

int
tf_node_da_is_member (size_t member, size_t nodes, size_t subnet, size_t subnets)
{
    if (nodes == 0 || subnets == 0 || member >= nodes)
        return 0;
    size_t modulus = nodes < subnets ? nodes : subnets;
    return member % modulus == subnet % modulus;
}


//  ---------------------------------------------------------------------------
//  The store

static void
s_blob_free (void *value)
{
    s_blob_t *blob = value;
    for (uint32_t index = 0; index < blob->n; index++)
        tf_node_da_share_destroy (&blob->shares[index]);
    free (blob->shares);
    free (blob);
}

//  Keep share in memory (no disk); takes it. 1 kept, 0 duplicate or not ours.
static int
s_keep (tf_node_da_t *self, tf_node_da_share_t **share_p)
{
    tf_node_da_share_t *share = *share_p;
    *share_p = NULL;
    s_blob_t *blob = tf_node_idmap_lookup (self->blobs, &share->blob_id);
    if (!tf_node_da_holds_subnet (self, share->index)
        || (blob && (blob->n != share->n || blob->shares[share->index]))) {
        tf_node_da_share_destroy (&share);
        return 0;
    }
    if (!blob) {
        blob = calloc (1, sizeof *blob);
        assert (blob);
        blob->n = share->n;
        blob->shares = calloc (share->n, sizeof *blob->shares);
        assert (blob->shares);
        tf_node_idmap_insert (self->blobs, &share->blob_id, blob);
    }
    blob->shares[share->index] = share;
    self->share_count++;
    return 1;
}

static void
s_replay_share (json_t *json, void *arg)
{
    tf_node_da_t *self = arg;
    char error[160];
    tf_node_da_share_t *share = tf_node_da_share_from_json (json, error, sizeof error);
    if (!share) {
        tf_node_warn ("da: stored share unreadable reason=%s", error);
        return;
    }
    s_keep (self, &share);
}

tf_node_da_t *
tf_node_da_new (const char *dir, long member, size_t nodes)
{
    tf_node_da_t *self = calloc (1, sizeof *self);
    assert (self);
    self->member = member;
    self->nodes = nodes;
    self->blobs = tf_node_idmap_new (s_blob_free);
    self->seen = tf_node_idmap_new (NULL);
    self->store = tf_node_store_new_file (dir, TF_NODE_DA_FILE);
    if (!self->store || tf_node_store_replay (self->store, s_replay_share, self) < 0) {
        tf_node_error ("da: cannot read share log dir=%s", dir);
        tf_node_da_destroy (&self);
        return NULL;
    }
    tf_node_info ("da: shares restored shares=%zu blobs=%zu member=%ld nodes=%zu",
                  self->share_count, tf_node_idmap_size (self->blobs), member, nodes);
    return self;
}

void
tf_node_da_destroy (tf_node_da_t **self_p)
{
    assert (self_p);
    tf_node_da_t *self = *self_p;
    if (!self)
        return;
    tf_node_idmap_destroy (&self->blobs);
    tf_node_idmap_destroy (&self->seen);
    tf_node_store_destroy (&self->store);
    free (self);
    *self_p = NULL;
}

int
tf_node_da_holds_subnet (const tf_node_da_t *self, size_t subnet)
{
    return self->member >= 0
           && tf_node_da_is_member ((size_t) self->member, self->nodes, subnet, TF_NODE_DA_SUBNETS);
}

int
tf_node_da_add (tf_node_da_t *self, tf_node_da_share_t **share_p)
{
    assert (self && share_p && *share_p);
    tf_node_da_share_t *share = *share_p;
    s_blob_t *blob = tf_node_idmap_lookup (self->blobs, &share->blob_id);
    if (!tf_node_da_holds_subnet (self, share->index)
        || (blob && (blob->n != share->n || blob->shares[share->index]))) {
        tf_node_da_share_destroy (share_p);
        return 0;
    }
    json_t *json = tf_node_da_share_json (share);
    int rc = tf_node_store_append (self->store, json);
    json_decref (json);
    if (rc) {
        tf_node_da_share_destroy (share_p);
        return -1;
    }
    return s_keep (self, share_p);
}

const tf_node_da_share_t *
tf_node_da_get (const tf_node_da_t *self, const tf_node_hash_t *blob_id, uint32_t index)
{
    s_blob_t *blob = tf_node_idmap_lookup (self->blobs, blob_id);
    return blob && index < blob->n ? blob->shares[index] : NULL;
}

int
tf_node_da_mark_seen (tf_node_da_t *self, const tf_node_hash_t *blob_id, uint32_t index)
{
    tf_node_buf_t buf = {0};
    tf_node_buf_put (&buf, blob_id->bytes, TF_NODE_HASH_SIZE);
    tf_node_buf_u32 (&buf, index);
    tf_node_hash_t key;
    tf_node_blake2b (buf.data, buf.size, &key);
    tf_node_buf_reset (&buf);
    if (tf_node_idmap_lookup (self->seen, &key))
        return 0;
    if (tf_node_idmap_size (self->seen) >= TF_NODE_DA_SEEN_MAX) {
        tf_node_idmap_destroy (&self->seen);
        self->seen = tf_node_idmap_new (NULL);
    }
    static char marker;
    tf_node_idmap_insert (self->seen, &key, &marker);
    return 1;
}

size_t
tf_node_da_share_count (const tf_node_da_t *self)
{
    return self->share_count;
}

size_t
tf_node_da_blob_count (const tf_node_da_t *self)
{
    return tf_node_idmap_size (self->blobs);
}

void
tf_node_da_forget (tf_node_da_t *self)
{
    tf_node_idmap_destroy (&self->blobs);
    self->blobs = tf_node_idmap_new (s_blob_free);
    self->share_count = 0;
    tf_node_store_clear (self->store);
}

long
tf_node_da_member (const tf_node_da_t *self)
{
    return self->member;
}

size_t
tf_node_da_nodes (const tf_node_da_t *self)
{
    return self->nodes;
}
