//  tf_node_api.c - HTTP routes of the main and testing servers (node-api §1, §3 to §9)
//
//  Each handler takes the node lock, reads or changes state, and builds a reply. Errors
//  are plain text with the status axum would give: 400 syntax, 415 content type, 422 shape.
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tf_node_api.h"
#include "tf_node_da_api.h"
#include "tf_node_wallet.h"
#include "tf_node_internal.h"
#include "tf_node_log.h"

#define TF_NODE_HEADERS_LIMIT 512   //  Most ids /cryptarchia/headers returns
#define TF_NODE_STATUS_MAX    10000 //  Most hashes per /mantle/status request

typedef struct {
    const char *path;      //  Exact path
    const char *method;    //  Required method
    int testing;           //  Served by the testing server
    tf_node_route_t route; //  Kind
} route_t;

static const route_t s_routes[] = {
    {"/cryptarchia/info", "GET", 0, TF_NODE_ROUTE_PLAIN},
    {"/cryptarchia/headers", "GET", 0, TF_NODE_ROUTE_PLAIN},
    {"/cryptarchia/blocks", "GET", 0, TF_NODE_ROUTE_PLAIN},
    {"/storage/block", "POST", 0, TF_NODE_ROUTE_PLAIN},
    {"/cryptarchia/events/blocks/stream", "GET", 0, TF_NODE_ROUTE_BLOCK_STREAM},
    {"/cryptarchia/lib-stream", "GET", 0, TF_NODE_ROUTE_LIB_STREAM},
    {"/mempool/add/tx", "POST", 0, TF_NODE_ROUTE_PLAIN},
    {"/network/info", "GET", 0, TF_NODE_ROUTE_PLAIN},
    {"/mantle/metrics", "GET", 0, TF_NODE_ROUTE_PLAIN},
    {"/mantle/status", "POST", 0, TF_NODE_ROUTE_PLAIN},
    {"/wallet/transactions/transfer-funds", "POST", 0, TF_NODE_ROUTE_PLAIN},
    {"/metrics", "GET", 0, TF_NODE_ROUTE_PLAIN},
    {"/disperse-data", "POST", 0, TF_NODE_ROUTE_PLAIN},
    {"/da/add-share", "POST", 0, TF_NODE_ROUTE_PLAIN},
    {"/da/get-share", "GET", 0, TF_NODE_ROUTE_PLAIN},
    {"/da/sampling/shares", "GET", 0, TF_NODE_ROUTE_PLAIN},
    {"/da/balancer-stats", "GET", 0, TF_NODE_ROUTE_PLAIN},
    {"/da/monitor-stats", "GET", 0, TF_NODE_ROUTE_PLAIN},
    {"/test/da/membership", "POST", 1, TF_NODE_ROUTE_PLAIN},
    {"/test/da/historic-sampling", "POST", 1, TF_NODE_ROUTE_PLAIN},
    {"/testing/block-peer", "POST", 1, TF_NODE_ROUTE_PLAIN},
    {"/testing/unblock-peer", "POST", 1, TF_NODE_ROUTE_PLAIN},
    {"/testing/blocked-peers", "GET", 1, TF_NODE_ROUTE_PLAIN},
    {"/da/block-peer", "POST", 1, TF_NODE_ROUTE_PLAIN},
    {"/da/unblock-peer", "POST", 1, TF_NODE_ROUTE_PLAIN},
    {"/da/blacklisted-peers", "GET", 1, TF_NODE_ROUTE_PLAIN},
    {"/testing/faults", "GET", 1, TF_NODE_ROUTE_PLAIN},
    {"/testing/faults", "POST", 1, TF_NODE_ROUTE_PLAIN},
    {NULL, NULL, 0, TF_NODE_ROUTE_NONE}};

//  /wallet/<64 hex>/balance
static int
s_is_balance_path (const char *path)
{
    return strncmp (path, "/wallet/", 8) == 0 && strlen (path) > 16
           && strcmp (path + strlen (path) - 8, "/balance") == 0;
}

tf_node_route_t
tf_node_api_route (const char *path, int testing, const char *method, int *allowed)
{
    tf_node_route_t found = TF_NODE_ROUTE_NONE;
    *allowed = 0;
    for (const route_t *route = s_routes; route->path; route++)
        if (route->testing == testing && strcmp (route->path, path) == 0) {
            found = route->route;
            *allowed |= strcmp (route->method, method) == 0;
        }
    if (!testing && s_is_balance_path (path)) {
        found = TF_NODE_ROUTE_PLAIN;
        *allowed = strcmp (method, "GET") == 0;
    }
    return found;
}

void
tf_node_reply_json (tf_node_reply_t *reply, int status, json_t *value)
{
    reply->status = status;
    reply->body = json_dumps (value, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
    assert (reply->body);
    reply->content_type = "application/json";
    json_decref (value);
}

void
tf_node_reply_text (tf_node_reply_t *reply, int status, const char *text)
{
    reply->status = status;
    reply->body = strdup (text);
    assert (reply->body);
    reply->content_type = "text/plain; charset=utf-8";
}

//  Parse a JSON body for a POST: 415 without application/json, 400 on bad syntax.
static json_t *
s_body (const tf_node_request_t *request, tf_node_reply_t *reply)
{
    if (!request->content_type || !strstr (request->content_type, "application/json")) {
        tf_node_reply_text (reply, 415, "Expected request with `Content-Type: application/json`");
        return NULL;
    }
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

static void
s_info (tf_node_t *node, tf_node_reply_t *reply)
{
    const tf_node_chain_entry_t *tip = tf_node_chain_tip (node->chain);
    const tf_node_chain_entry_t *lib = tf_node_chain_lib (node->chain);
    tf_node_reply_json (
        reply, 200,
        json_pack ("{s:o, s:o, s:I, s:I, s:s}", "lib", tf_node_json_hash (&lib->block->id), "tip",
                   tf_node_json_hash (&tip->block->id), "slot", (json_int_t) tip->block->slot,
                   "height", (json_int_t) tip->height, "mode",
                   node->online ? "Online" : "Bootstrapping"));
}

static void
s_headers (tf_node_t *node, const tf_node_request_t *request, tf_node_reply_t *reply)
{
    tf_node_hash_t from_id, to_id;
    if ((request->query_from && tf_node_hex_decode (request->query_from, from_id.bytes, 32))
        || (request->query_to && tf_node_hex_decode (request->query_to, to_id.bytes, 32))) {
        tf_node_reply_text (reply, 400,
                            "Failed to deserialize query string: from and to must "
                            "be 64 hex digits");
        return;
    }
    const tf_node_chain_entry_t *lib = tf_node_chain_lib (node->chain);
    const tf_node_chain_entry_t *entry = request->query_from
                                             ? tf_node_chain_lookup (node->chain, &from_id)
                                             : tf_node_chain_tip (node->chain);
    if (!request->query_to)
        to_id = lib->block->id;
    json_t *ids = json_array ();
    for (size_t count = 0; entry && count < TF_NODE_HEADERS_LIMIT; count++) {
        json_array_append_new (ids, tf_node_json_hash (&entry->block->id));
        if (tf_node_hash_cmp (&entry->block->id, &to_id) == 0 || entry == lib)
            break;
        entry = entry->parent;
    }
    tf_node_reply_json (reply, 200, ids);
}

static int
s_parse_slot (const char *text, uint64_t *out)
{
    if (!text || !*text || strspn (text, "0123456789") != strlen (text) || strlen (text) > 19)
        return -1;
    *out = strtoull (text, NULL, 10);
    return 0;
}

//  Immutable blocks (strictly below the LIB) with slot_from <= slot <= slot_to, ascending
static void
s_blocks (tf_node_t *node, const tf_node_request_t *request, tf_node_reply_t *reply)
{
    uint64_t slot_from, slot_to;
    if (s_parse_slot (request->query_slot_from, &slot_from)
        || s_parse_slot (request->query_slot_to, &slot_to) || slot_from > slot_to) {
        tf_node_reply_text (reply, 400,
                            "Failed to deserialize query string: slot_from and "
                            "slot_to are required unsigned integers, "
                            "slot_from <= slot_to");
        return;
    }
    //  Slots grow along the chain: binary search for the first block at or after slot_from
    uint64_t low = 0, high = tf_node_chain_lib (node->chain)->height;
    while (low < high) {
        uint64_t middle = low + (high - low) / 2;
        if (tf_node_chain_at (node->chain, middle)->block->slot < slot_from)
            low = middle + 1;
        else
            high = middle;
    }
    json_t *blocks = json_array ();
    uint64_t limit = slot_to - slot_from + 1;
    for (uint64_t height = low;
         height < tf_node_chain_lib (node->chain)->height && json_array_size (blocks) < limit;
         height++) {
        const tf_node_block_t *block = tf_node_chain_at (node->chain, height)->block;
        if (block->slot > slot_to)
            break;
        json_array_append_new (blocks, tf_node_block_api_json (block));
    }
    tf_node_reply_json (reply, 200, blocks);
}

static void
s_storage_block (tf_node_t *node, json_t *body, tf_node_reply_t *reply)
{
    tf_node_hash_t id;
    if (tf_node_json_get_hash (body, &id)) {
        tf_node_reply_text (reply, 422,
                            "Failed to deserialize the JSON body: expected a "
                            "HeaderId (64 hex digits string)");
        return;
    }
    const tf_node_chain_entry_t *entry = tf_node_chain_lookup (node->chain, &id);
    tf_node_reply_json (reply, 200,
                        entry ? tf_node_block_storage_json (entry->block) : json_null ());
}

//  Parse and check a submitted tx before taking the lock (JSON walk and signature checks
//  are the costly part); NULL with the 422 reply written on failure
static tf_node_tx_t *
s_parse_tx (json_t *body, tf_node_reply_t *reply)
{
    char error[256];
    tf_node_tx_t *tx = tf_node_tx_new (body, 0, error, sizeof error);
    if (tx && strlen (tf_node_tx_text (tx)) > TF_NODE_TX_MAX_JSON) {
        snprintf (error, sizeof error, "transaction larger than %d bytes", TF_NODE_TX_MAX_JSON);
        tf_node_tx_destroy (&tx);
    }
    if (!tx) {
        char message[320];
        snprintf (message, sizeof message, "Failed to deserialize the JSON body: %s", error);
        tf_node_reply_text (reply, 422, message);
    }
    return tx;
}

static void
s_add_tx (tf_node_t *node, tf_node_tx_t **tx_p, tf_node_reply_t *reply)
{
    char error[256];
    int status = tf_node_admit_tx (node, tx_p, NULL, error, sizeof error);
    if (status == 200)
        tf_node_reply_json (reply, 200, json_null ());
    else
        tf_node_reply_text (reply, status, error);
}

static void
s_network_info (tf_node_t *node, tf_node_reply_t *reply)
{
    char address[128];
    snprintf (address, sizeof address, "/ip4/%s/tcp/%d", node->config->p2p_host,
              tf_node_p2p_port (node->p2p));
    tf_node_reply_json (reply, 200,
                        json_pack ("{s:[s], s:s, s:I, s:I, s:I}", "listen_addresses", address,
                                   "peer_id", tf_node_p2p_peer_id (node->p2p), "n_peers",
                                   (json_int_t) tf_node_p2p_peers (node->p2p), "n_connections",
                                   (json_int_t) tf_node_p2p_connections (node->p2p),
                                   "n_pending_connections",
                                   (json_int_t) tf_node_p2p_pending (node->p2p)));
}

static void
s_mantle_status (tf_node_t *node, json_t *body, tf_node_reply_t *reply)
{
    if (!json_is_array (body) || json_array_size (body) > TF_NODE_STATUS_MAX) {
        tf_node_reply_text (reply, 422,
                            "Failed to deserialize the JSON body: expected an array "
                            "of tx hashes");
        return;
    }
    json_t *answer = json_array ();
    size_t index;
    json_t *item;
    json_array_foreach (body, index, item)
    {
        tf_node_hash_t hash;
        if (tf_node_json_get_hash (item, &hash)) {
            json_decref (answer);
            tf_node_reply_text (reply, 422,
                                "Failed to deserialize the JSON body: a tx hash is "
                                "not 64 hex digits");
            return;
        }
        json_array_append_new (
            answer,
            json_string (tf_node_mempool_contains (node->mempool, &hash) ? "Pending" : "Unknown"));
    }
    tf_node_reply_json (reply, 200, answer);
}

static void
s_metrics (tf_node_t *node, tf_node_reply_t *reply)
{
    const tf_node_chain_entry_t *tip = tf_node_chain_tip (node->chain);
    const tf_node_chain_entry_t *lib = tf_node_chain_lib (node->chain);
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream (&text, &size);
    assert (out);
    struct {
        const char *name, *type, *help;
        unsigned long long value;
    } rows[] = {
        {"consensus_tip_height", "gauge", "Height of the canonical tip", tip->height},
        {"consensus_finalized_height", "gauge", "Height of the last immutable block", lib->height},
        {"consensus_current_slot", "gauge", "Wall-clock slot", tf_node_current_slot (node)},
        {"consensus_tip_slot", "gauge", "Slot of the canonical tip", tip->block->slot},
        {"consensus_peers_connected", "gauge", "Distinct connected peers",
         tf_node_p2p_peers (node->p2p)},
        {"consensus_connections", "gauge", "Open peer connections",
         tf_node_p2p_connections (node->p2p)},
        {"consensus_forks_total", "counter", "Fork switches (reorgs)", node->reorgs},
        {"mempool_transactions_pending", "gauge", "Transactions in the mempool",
         tf_node_mempool_size (node->mempool)},
        {"mempool_transactions_added_total", "counter", "Transactions admitted to the mempool",
         node->txs_added},
        {"consensus_blocks_imported_total", "counter", "Blocks added to the block tree",
         node->blocks_imported},
        {"consensus_block_transactions_total", "counter", "Transactions in imported blocks",
         node->block_txs},
        {"tf_node_blocks_produced_total", "counter", "Blocks this node produced",
         node->blocks_produced},
        {"tf_node_online", "gauge", "1 when the mode is Online", (unsigned long long) node->online},
    };
    for (size_t index = 0; index < sizeof rows / sizeof rows[0]; index++)
        fprintf (out, "# HELP %s %s\n# TYPE %s %s\n%s %llu\n", rows[index].name, rows[index].help,
                 rows[index].name, rows[index].type, rows[index].name, rows[index].value);
    fclose (out);
    reply->status = 200;
    reply->body = text;
    reply->content_type = "text/plain; version=0.0.4; charset=utf-8";
}

static void
s_peer_switch (tf_node_t *node, json_t *body, int block, tf_node_reply_t *reply)
{
    const char *peer_id = json_string_value (body);
    int rc = -1;
    if (peer_id)
        rc = block ? tf_node_p2p_block (node->p2p, peer_id)
                   : tf_node_p2p_unblock (node->p2p, peer_id);
    if (rc == -2) {
        char text[100];
        snprintf (text, sizeof text, "Too many blocked peers: at most %d at once",
                  TF_NODE_P2P_MAX_BLOCKED);
        tf_node_reply_text (reply, 503, text);
    }
    else if (rc)
        tf_node_reply_text (reply, 422,
                            "Failed to deserialize the JSON body: expected a PeerId "
                            "string");
    else
        tf_node_reply_json (reply, 200, json_true ());
}

static json_t *
s_faults_json (tf_node_t *node)
{
    return json_pack ("{s:b, s:b, s:b, s:b, s:b}", "produce_blocks", node->produce_blocks,
                      "drop_transactions", node->drop_transactions, "drop_dispersals",
                      node->drop_dispersals, "lose_shares", node->lose_shares, "fork_irreversibly",
                      node->fork_irreversibly);
}

static const char *const s_fault_names[] = {"produce_blocks",    "drop_transactions",
                                            "drop_dispersals",   "lose_shares",
                                            "fork_irreversibly", NULL};

static void
s_set_faults (tf_node_t *node, json_t *body, tf_node_reply_t *reply)
{
    int bad = !json_is_object (body);
    const char *key;
    json_t *value;
    json_object_foreach (body, key, value)
    {
        int known = 0;
        for (const char *const *name = s_fault_names; *name; name++)
            known |= strcmp (key, *name) == 0;
        bad |= !known || !json_is_boolean (value);
    }
    if (bad) {
        tf_node_reply_text (reply, 422,
                            "Failed to deserialize the JSON body: expected "
                            "{\"produce_blocks\": bool, \"drop_transactions\": bool, "
                            "\"drop_dispersals\": bool, \"lose_shares\": bool, "
                            "\"fork_irreversibly\": bool}");
        return;
    }
    int *switches[] = {&node->produce_blocks, &node->drop_transactions, &node->drop_dispersals,
                       &node->lose_shares};
    for (size_t index = 0; index < sizeof switches / sizeof switches[0]; index++) {
        json_t *flag = json_object_get (body, s_fault_names[index]);
        if (flag)
            *switches[index] = json_is_true (flag);
    }
    if (node->lose_shares)
        tf_node_da_forget (node->da);
    json_t *fork = json_object_get (body, "fork_irreversibly");
    if (fork) //  Not a plain switch: it changes the chain's k too
        tf_node_set_fork_irreversibly (node, json_is_true (fork));
    tf_node_info ("node: faults produce_blocks=%d drop_transactions=%d drop_dispersals=%d "
                  "lose_shares=%d fork_irreversibly=%d",
                  node->produce_blocks, node->drop_transactions, node->drop_dispersals,
                  node->lose_shares, node->fork_irreversibly);
    tf_node_reply_json (reply, 200, s_faults_json (node));
}

void
tf_node_api_handle (tf_node_t *node, int testing, const tf_node_request_t *request,
                    tf_node_reply_t *reply)
{
    const char *path = request->path;
    int post = strcmp (request->method, "POST") == 0;
    json_t *body = NULL;
    if (post && !(body = s_body (request, reply)))
        return;
    tf_node_tx_t *tx = NULL;
    if (!testing && strcmp (path, "/mempool/add/tx") == 0 && !(tx = s_parse_tx (body, reply))) {
        json_decref (body);
        return;
    }
    pthread_mutex_lock (&node->mutex);
    if (tf_node_da_api_handle (node, testing, request, body, reply))
        ;
    else if (testing) {
        if (strcmp (path, "/testing/block-peer") == 0 || strcmp (path, "/da/block-peer") == 0)
            s_peer_switch (node, body, 1, reply);
        else if (strcmp (path, "/testing/unblock-peer") == 0
                 || strcmp (path, "/da/unblock-peer") == 0)
            s_peer_switch (node, body, 0, reply);
        else if (strcmp (path, "/testing/faults") == 0 && post)
            s_set_faults (node, body, reply);
        else if (strcmp (path, "/testing/faults") == 0)
            tf_node_reply_json (reply, 200, s_faults_json (node));
        else
            tf_node_reply_json (reply, 200, tf_node_p2p_blocked (node->p2p));
    }
    else if (strcmp (path, "/cryptarchia/info") == 0)
        s_info (node, reply);
    else if (strcmp (path, "/cryptarchia/headers") == 0)
        s_headers (node, request, reply);
    else if (strcmp (path, "/cryptarchia/blocks") == 0)
        s_blocks (node, request, reply);
    else if (strcmp (path, "/storage/block") == 0)
        s_storage_block (node, body, reply);
    else if (strcmp (path, "/mempool/add/tx") == 0)
        s_add_tx (node, &tx, reply);
    else if (strcmp (path, "/network/info") == 0)
        s_network_info (node, reply);
    else if (strcmp (path, "/mantle/metrics") == 0)
        tf_node_reply_json (reply, 200,
                            json_pack ("{s:I, s:I}", "pending_items",
                                       (json_int_t) tf_node_mempool_size (node->mempool),
                                       "last_item_timestamp",
                                       (json_int_t) tf_node_mempool_last_add_ms (node->mempool)));
    else if (strcmp (path, "/mantle/status") == 0)
        s_mantle_status (node, body, reply);
    else if (strcmp (path, "/metrics") == 0)
        s_metrics (node, reply);
    else if (strcmp (path, "/wallet/transactions/transfer-funds") == 0)
        tf_node_wallet_transfer (node, body, reply);
    else {
        //  /wallet/<pk>/balance
        char pk[80];
        size_t length = strlen (path) - 8 - 8;
        snprintf (pk, sizeof pk, "%.*s", (int) (length < sizeof pk ? length : sizeof pk - 1),
                  path + 8);
        tf_node_wallet_balance (node, pk, request->query_tip, reply);
    }
    pthread_mutex_unlock (&node->mutex);
    tf_node_tx_destroy (&tx);
    json_decref (body);
}
