//  tf_node_da_api.c - the DA routes: dispersal, shares, sampling, membership, balancer
//  and monitor stats (node/README.md §4.2), and the da_share and da_share_ack p2p frames
//
//  All run with the node lock held. An executor encodes a blob into shares, keeps those
//  of its own subnetworks, sends every share to its peers as a da_share frame (peers
//  keep the shares of their subnetworks and relay each share once, so members reach
//  it on any connected topology), then puts the blob's ChannelBlob op in its mempool,
//  signed by the request's signer, a key of its key_management.
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tf_node_da_api.h"
#include "tf_node_internal.h"
#include "tf_node_erasure.h"
#include "tf_node_log.h"

//  Our declaration at genesis, or NULL when we have no leader key or are not declared
static const tf_node_decl_t *
s_own_decl (const tf_node_t *node)
{
    const tf_node_config_t *config = node->config;
    if (!config->has_leader)
        return NULL;
    for (size_t index = 0; index < config->genesis->ndecls; index++)
        if (tf_node_hash_cmp (&config->genesis->decls[index].provider_id, &config->leader.pk) == 0)
            return &config->genesis->decls[index];
    return NULL;
}

long
tf_node_da_api_member (const tf_node_t *node)
{
    const tf_node_decl_t *decl = s_own_decl (node);
    return decl ? (long) (decl - node->config->genesis->decls) : -1;
}

//  Parse a GET's optional JSON body (any content type); 400 on bad syntax
static json_t *
s_get_body (const tf_node_request_t *request, tf_node_reply_t *reply)
{
    json_error_t error;
    json_t *body = json_loadb (request->body ? request->body : "", request->body_size,
                               JSON_DECODE_ANY, &error);
    if (!body) {
        char text[300];
        snprintf (text, sizeof text, "Failed to parse the request body as JSON: %s", error.text);
        tf_node_reply_text (reply, 400, text);
    }
    return body;
}

//  Send a share to every peer but skip (NULL: all)
static void
s_send_share (tf_node_t *node, const tf_node_da_share_t *share, tf_node_p2p_conn_t *skip)
{
    json_t *frame =
        json_pack ("{s:s, s:o}", "type", "da_share", "share", tf_node_da_share_json (share));
    tf_node_p2p_broadcast (node->p2p, frame, skip);
    json_decref (frame);
}

static const tf_node_key_t *
s_key_for (const tf_node_t *node, const tf_node_hash_t *pk)
{
    const tf_node_config_t *config = node->config;
    if (config->has_leader && tf_node_hash_cmp (&config->leader.pk, pk) == 0)
        return &config->leader;
    for (size_t index = 0; index < config->nwallet_keys; index++)
        if (tf_node_hash_cmp (&config->wallet_keys[index].pk, pk) == 0)
            return &config->wallet_keys[index];
    return NULL;
}

//  POST /disperse-data {"channel_id","parent_msg_id","signer","data":[u8]} -> blob id
static void
s_disperse (tf_node_t *node, json_t *body, tf_node_reply_t *reply)
{
    const tf_node_decl_t *decl = s_own_decl (node);
    if (!decl || !decl->executor) {
        tf_node_reply_text (reply, 404, "Not Found: /disperse-data is served by executors only");
        return;
    }
    tf_node_hash_t channel, parent, signer;
    json_t *data = json_object_get (body, "data");
    if (tf_node_json_get_hash (json_object_get (body, "channel_id"), &channel)
        || tf_node_json_get_hash (json_object_get (body, "parent_msg_id"), &parent)
        || tf_node_json_get_hash (json_object_get (body, "signer"), &signer)
        || !json_is_array (data) || json_array_size (data) == 0
        || json_array_size (data) > TF_NODE_DA_MAX_BLOB) {
        tf_node_reply_text (reply, 422,
                            "Failed to deserialize the JSON body: expected {\"channel_id\": "
                            "64 hex, \"parent_msg_id\": 64 hex, \"signer\": 64 hex, \"data\": "
                            "[1 to 262144 bytes as integers]}");
        return;
    }
    size_t size = json_array_size (data);
    uint8_t *bytes = malloc (size);
    assert (bytes);
    if (tf_node_json_get_bytes (data, bytes, size)) {
        free (bytes);
        tf_node_reply_text (reply, 422, "Failed to deserialize the JSON body: data must be u8s");
        return;
    }
    const tf_node_key_t *key = s_key_for (node, &signer);
    if (!key) {
        free (bytes);
        tf_node_reply_text (reply, 422, "signer is not a key of this executor's key_management");
        return;
    }
    tf_node_hash_t blob_id;
    tf_node_da_share_t **shares =
        tf_node_da_encode (bytes, size, TF_NODE_DA_DATA_SHARES, TF_NODE_DA_SUBNETS, &blob_id);
    free (bytes);
    assert (shares);
    char hex[2 * TF_NODE_HASH_SIZE + 1];
    tf_node_hash_hex (&blob_id, hex);
    node->da_dispersed++;
    if (node->drop_dispersals) {
        tf_node_info ("da: dispersal dropped (fault) blob=%.12s size=%zu", hex, size);
        tf_node_da_shares_free (&shares, TF_NODE_DA_SUBNETS);
        tf_node_reply_json (reply, 200, json_string (hex));
        return;
    }
    for (uint32_t index = 0; index < TF_NODE_DA_SUBNETS; index++) {
        tf_node_da_mark_seen (node->da, &blob_id, index);
        s_send_share (node, shares[index], NULL);
        if (!node->lose_shares && tf_node_da_add (node->da, &shares[index]) < 0)
            node->fatal = 1;
    }
    tf_node_da_shares_free (&shares, TF_NODE_DA_SUBNETS);
    tf_node_tx_t *tx = tf_node_tx_new_blob (key, &channel, &blob_id, size, &parent);
    assert (tx);
    char error[256];
    int status = tf_node_admit_tx (node, &tx, NULL, error, sizeof error);
    if (status != 200) {
        tf_node_reply_text (reply, status, error);
        return;
    }
    tf_node_info ("da: blob dispersed blob=%.12s size=%zu channel=%.12s", hex, size,
                  tf_node_hash_hex (&channel, (char[65]){0}));
    tf_node_reply_json (reply, 200, json_string (hex));
}

//  The monitor counters of a peer (borrowed from node->da_monitor, created if missing)
static json_t *
s_monitor (tf_node_t *node, const char *peer_id)
{
    json_t *counters = json_object_get (node->da_monitor, peer_id);
    if (!counters) {
        counters =
            json_pack ("{s:I, s:I, s:I, s:I}", "acks", (json_int_t) 0, "refusals", (json_int_t) 0,
                       "received", (json_int_t) 0, "invalid", (json_int_t) 0);
        json_object_set_new (node->da_monitor, peer_id, counters);
    }
    return counters;
}

static void
s_count (json_t *counters, const char *key)
{
    json_object_set_new (counters, key,
                         json_integer (json_integer_value (json_object_get (counters, key)) + 1));
}

void
tf_node_da_api_on_share (tf_node_t *node, tf_node_p2p_conn_t *from, const json_t *json)
{
    char error[160];
    json_t *counters = s_monitor (node, tf_node_p2p_conn_peer_id (from));
    s_count (counters, "received");
    tf_node_da_share_t *share = tf_node_da_share_from_json (json, error, sizeof error);
    if (!share) {
        node->da_shares_invalid++;
        s_count (counters, "invalid");
        tf_node_debug ("da: bad share reason=%s", error);
        return;
    }
    if (!tf_node_da_mark_seen (node->da, &share->blob_id, share->index)) {
        tf_node_da_share_destroy (&share);
        return;
    }
    s_send_share (node, share, from);
    //  A member of the share's subnetwork tells the sender whether it took it
    if (tf_node_da_holds_subnet (node->da, share->index)) {
        json_t *ack = json_pack ("{s:s, s:o, s:I, s:b}", "type", "da_share_ack", "blob_id",
                                 tf_node_json_hash (&share->blob_id), "share_idx",
                                 (json_int_t) share->index, "ok", !node->lose_shares);
        tf_node_p2p_send (node->p2p, from, ack);
        json_decref (ack);
    }
    if (node->lose_shares) {
        tf_node_da_share_destroy (&share);
        return;
    }
    if (tf_node_da_add (node->da, &share) < 0)
        node->fatal = 1;
}

void
tf_node_da_api_on_ack (tf_node_t *node, tf_node_p2p_conn_t *from, const json_t *frame)
{
    json_t *ok = json_object_get (frame, "ok");
    if (!json_is_boolean (ok))
        return;
    json_t *counters = s_monitor (node, tf_node_p2p_conn_peer_id (from));
    s_count (counters, json_is_true (ok) ? "acks" : "refusals");
}

static double
s_rate (json_t *counters, const char *failures, const char *total_key, int add)
{
    double failed = (double) json_integer_value (json_object_get (counters, failures));
    double total = (double) json_integer_value (json_object_get (counters, total_key));
    if (add)
        total += failed;
    return total > 0 ? failed / total : 0.0;
}

//  GET /da/monitor-stats -> {"<PeerId>": {"dispersal_failure_rate", "sampling_failure_rate",
//  "replication_failure_rate"}}: of the shares this node sent a peer that is a member of
//  their subnetwork, the share it refused; of the shares a peer sent, the share that did
//  not verify; sampling asks no peer (always 0)
static json_t *
s_monitor_stats (tf_node_t *node)
{
    json_t *stats = json_object ();
    const char *peer_id;
    json_t *counters;
    json_object_foreach (node->da_monitor, peer_id, counters)
    {
        json_object_set_new (stats, peer_id,
                             json_pack ("{s:f, s:f, s:f}", "dispersal_failure_rate",
                                        s_rate (counters, "refusals", "acks", 1),
                                        "sampling_failure_rate", 0.0, "replication_failure_rate",
                                        s_rate (counters, "invalid", "received", 0)));
    }
    return stats;
}

//  {"blob_id": hex, "share_idx": n}
static int
s_share_key (const json_t *body, tf_node_hash_t *blob_id, uint64_t *index)
{
    return tf_node_json_get_hash (json_object_get (body, "blob_id"), blob_id)
           || tf_node_json_get_u64 (json_object_get (body, "share_idx"), index)
           || *index >= TF_NODE_ERASURE_MAX_SHARES;
}

//  GET /da/sampling/shares {"blob_id", "requested_shares": [n...]} -> [share...]
static void
s_sampling (tf_node_t *node, const json_t *body, tf_node_reply_t *reply)
{
    tf_node_hash_t blob_id;
    json_t *requested = json_object_get (body, "requested_shares");
    if (tf_node_json_get_hash (json_object_get (body, "blob_id"), &blob_id)
        || (requested && !json_is_array (requested))) {
        tf_node_reply_text (reply, 422,
                            "Failed to deserialize the JSON body: expected {\"blob_id\": 64 hex, "
                            "\"requested_shares\": [share indices] (optional)}");
        return;
    }
    json_t *answer = json_array ();
    for (uint32_t index = 0; index < TF_NODE_ERASURE_MAX_SHARES; index++) {
        const tf_node_da_share_t *share = tf_node_da_get (node->da, &blob_id, index);
        if (!share)
            continue;
        int wanted = !requested;
        size_t position;
        json_t *item;
        json_array_foreach (requested, position, item) wanted |=
            json_is_integer (item) && json_integer_value (item) == (json_int_t) index;
        if (wanted)
            json_array_append_new (answer, tf_node_da_share_json (share));
    }
    tf_node_reply_json (reply, 200, answer);
}

//  The block's blob ids (lock held); count in *count, caller frees
static tf_node_hash_t *
s_block_blobs (const tf_node_block_t *block, size_t *count)
{
    size_t total = 0;
    for (size_t index = 0; index < block->ntxs; index++)
        total += block->txs[index]->nblobs;
    tf_node_hash_t *blobs = calloc (total + 1, sizeof *blobs);
    assert (blobs);
    *count = 0;
    for (size_t index = 0; index < block->ntxs; index++)
        for (size_t blob = 0; blob < block->txs[index]->nblobs; blob++)
            blobs[(*count)++] = block->txs[index]->blobs[blob];
    return blobs;
}

//  Whether we hold a valid share of blob_id for each of our subnetworks
static int
s_sample_blob (const tf_node_t *node, const tf_node_hash_t *blob_id)
{
    if (tf_node_da_member (node->da) < 0)
        return 0;
    for (size_t subnet = 0; subnet < TF_NODE_DA_SUBNETS; subnet++) {
        if (!tf_node_da_holds_subnet (node->da, subnet))
            continue;
        const tf_node_da_share_t *share = tf_node_da_get (node->da, blob_id, (uint32_t) subnet);
        if (!share || tf_node_da_share_verify (share))
            return 0;
    }
    return 1;
}

//  POST /test/da/historic-sampling {"block_id", "blob_ids": [[blob_id, session]...]} -> bool
static void
s_historic_sampling (tf_node_t *node, const json_t *body, tf_node_reply_t *reply)
{
    tf_node_hash_t block_id;
    json_t *blob_ids = json_object_get (body, "blob_ids");
    if (tf_node_json_get_hash (json_object_get (body, "block_id"), &block_id)
        || !json_is_array (blob_ids)) {
        tf_node_reply_text (reply, 422,
                            "Failed to deserialize the JSON body: expected {\"block_id\": 64 hex, "
                            "\"blob_ids\": [[64 hex, session], ...]}");
        return;
    }
    const tf_node_chain_entry_t *entry = tf_node_chain_lookup (node->chain, &block_id);
    if (!entry) {
        tf_node_reply_json (reply, 200, json_false ());
        return;
    }
    size_t count;
    tf_node_hash_t *in_block = s_block_blobs (entry->block, &count);
    int available = 1;
    size_t position;
    json_t *item;
    json_array_foreach (blob_ids, position, item)
    {
        tf_node_hash_t blob_id;
        json_t *id = json_is_array (item) ? json_array_get (item, 0) : item;
        if (tf_node_json_get_hash (id, &blob_id)) {
            available = -1;
            break;
        }
        int found = 0;
        for (size_t index = 0; index < count && !found; index++)
            found = tf_node_hash_cmp (&in_block[index], &blob_id) == 0;
        available &= found && s_sample_blob (node, &blob_id);
    }
    free (in_block);
    node->da_samplings++;
    if (available < 0)
        tf_node_reply_text (reply, 422,
                            "Failed to deserialize the JSON body: a blob id is "
                            "not 64 hex");
    else {
        node->da_sampling_failures += !available;
        tf_node_reply_json (reply, 200, json_boolean (available));
    }
}

//  The genesis declaration index of a connected peer, by the leader key its hello
//  announced
static long
s_member_of (const tf_node_t *node, const tf_node_hash_t *provider)
{
    const tf_node_genesis_t *genesis = node->config->genesis;
    for (size_t index = 0; provider && index < genesis->ndecls; index++)
        if (tf_node_hash_cmp (&genesis->decls[index].provider_id, provider) == 0)
            return (long) index;
    return -1;
}

typedef struct {
    const tf_node_t *node;
    json_t *result; //  What is being built
    int membership; //  1 membership, 0 balancer stats
} s_visit_t;

static void
s_visit_peer (void *arg, const char *peer_id, const char *addr, const tf_node_hash_t *provider,
              int inbound)
{
    s_visit_t *visit = arg;
    long member = s_member_of (visit->node, provider);
    if (member < 0)
        return;
    const tf_node_genesis_t *genesis = visit->node->config->genesis;
    json_t *assignations = json_object_get (visit->result, "assignations");
    char key[16];
    for (size_t subnet = 0; subnet < TF_NODE_DA_SUBNETS; subnet++) {
        if (!tf_node_da_is_member ((size_t) member, genesis->ndecls, subnet, TF_NODE_DA_SUBNETS))
            continue;
        snprintf (key, sizeof key, "%zu", subnet);
        if (visit->membership) {
            //  A peer connected twice (both dialled) is listed once
            json_t *assigned = json_object_get (assignations, key);
            size_t position;
            json_t *item;
            int present = 0;
            json_array_foreach (assigned, position, item) present |=
                strcmp (json_string_value (item), peer_id) == 0;
            if (!present)
                json_array_append_new (assigned, json_string (peer_id));
            json_object_set_new (json_object_get (visit->result, "addressbook"), peer_id,
                                 json_string (addr));
            continue;
        }
        json_t *slot = json_object_get (visit->result, key);
        const char *direction = inbound ? "inbound" : "outbound";
        json_object_set_new (
            slot, direction,
            json_integer (json_integer_value (json_object_get (slot, direction)) + 1));
    }
}

//  GET /da/balancer-stats -> {"<subnetwork>": {"inbound": n, "outbound": n}}: connected
//  peers that are members of each subnetwork
json_t *
tf_node_da_api_balancer_stats (const tf_node_t *node)
{
    s_visit_t visit = {node, json_object (), 0};
    char key[16];
    for (size_t subnet = 0; subnet < TF_NODE_DA_SUBNETS; subnet++) {
        snprintf (key, sizeof key, "%zu", subnet);
        json_object_set_new (visit.result, key,
                             json_pack ("{s:i, s:i}", "inbound", 0, "outbound", 0));
    }
    tf_node_p2p_foreach (node->p2p, s_visit_peer, &visit);
    return visit.result;
}

//  POST /test/da/membership SessionNumber -> {"assignations": {"<subnetwork>": [PeerId...]},
//  "addressbook": {PeerId: multiaddr}}: ourselves and the members we are connected to
static void
s_membership (tf_node_t *node, const json_t *body, tf_node_reply_t *reply)
{
    if (!json_is_integer (body) || json_integer_value (body) < 0) {
        tf_node_reply_text (reply, 422,
                            "Failed to deserialize the JSON body: expected a session number");
        return;
    }
    s_visit_t visit = {node, json_pack ("{s:{}, s:{}}", "assignations", "addressbook"), 1};
    json_t *assignations = json_object_get (visit.result, "assignations");
    char key[16];
    for (size_t subnet = 0; subnet < TF_NODE_DA_SUBNETS; subnet++) {
        snprintf (key, sizeof key, "%zu", subnet);
        json_object_set_new (assignations, key, json_array ());
    }
    long own = tf_node_da_member (node->da);
    if (own >= 0) {
        const char *peer_id = tf_node_p2p_peer_id (node->p2p);
        for (size_t subnet = 0; subnet < TF_NODE_DA_SUBNETS; subnet++)
            if (tf_node_da_holds_subnet (node->da, subnet)) {
                snprintf (key, sizeof key, "%zu", subnet);
                json_array_append_new (json_object_get (assignations, key), json_string (peer_id));
            }
        char own_addr[80];
        snprintf (own_addr, sizeof own_addr, "/ip4/%s/tcp/%d", node->config->p2p_host,
                  tf_node_p2p_port (node->p2p));
        json_object_set_new (json_object_get (visit.result, "addressbook"), peer_id,
                             json_string (own_addr));
    }
    tf_node_p2p_foreach (node->p2p, s_visit_peer, &visit);
    tf_node_reply_json (reply, 200, visit.result);
}

int
tf_node_da_api_handle (tf_node_t *node, int testing, const tf_node_request_t *request, json_t *body,
                       tf_node_reply_t *reply)
{
    const char *path = request->path;
    if (testing) {
        if (strcmp (path, "/test/da/membership") == 0)
            s_membership (node, body, reply);
        else if (strcmp (path, "/test/da/historic-sampling") == 0)
            s_historic_sampling (node, body, reply);
        else
            return 0;
        return 1;
    }
    if (strcmp (path, "/disperse-data") == 0)
        s_disperse (node, body, reply);
    else if (strcmp (path, "/da/add-share") == 0) {
        char error[160];
        tf_node_da_share_t *share = tf_node_da_share_from_json (body, error, sizeof error);
        if (!share) {
            char text[256];
            snprintf (text, sizeof text, "Failed to deserialize the JSON body: %s", error);
            tf_node_reply_text (reply, 422, text);
            return 1;
        }
        tf_node_da_mark_seen (node->da, &share->blob_id, share->index);
        if (node->lose_shares)
            tf_node_da_share_destroy (&share);
        else if (tf_node_da_add (node->da, &share) < 0)
            node->fatal = 1;
        tf_node_reply_json (reply, 200, json_null ());
    }
    else if (strcmp (path, "/da/balancer-stats") == 0)
        tf_node_reply_json (reply, 200, tf_node_da_api_balancer_stats (node));
    else if (strcmp (path, "/da/monitor-stats") == 0)
        tf_node_reply_json (reply, 200, s_monitor_stats (node));
    else if (strcmp (path, "/da/get-share") == 0 || strcmp (path, "/da/sampling/shares") == 0) {
        json_t *query = body ? json_incref (body) : s_get_body (request, reply);
        if (!query)
            return 1;
        if (strcmp (path, "/da/sampling/shares") == 0)
            s_sampling (node, query, reply);
        else {
            tf_node_hash_t blob_id;
            uint64_t index;
            if (s_share_key (query, &blob_id, &index))
                tf_node_reply_text (reply, 422,
                                    "Failed to deserialize the JSON body: expected "
                                    "{\"blob_id\": 64 hex, \"share_idx\": n}");
            else {
                const tf_node_da_share_t *share =
                    tf_node_da_get (node->da, &blob_id, (uint32_t) index);
                tf_node_reply_json (reply, 200,
                                    share ? tf_node_da_share_json (share) : json_null ());
            }
        }
        json_decref (query);
    }
    else
        return 0;
    return 1;
}
