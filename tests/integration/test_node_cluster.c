//  test_node_cluster.c - three tf-node processes with 100 ms slots: progress, agreement up
//  to the LIB, a tx reaching blocks on every node, and the NDJSON block stream
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "test_node_harness.h"

#define NODES    3
#define EVENT_MS 30000 //  Generous: shared 2-core machines under ASan

static int
s_setup (void **state)
{
    nh_options_t options = {100, 0.5, 20, 0};
    nh_cluster_t *cluster = nh_cluster_start (NODES, &options, EVENT_MS);
    *state = cluster;
    return cluster ? 0 : -1;
}

static int
s_teardown (void **state)
{
    nh_cluster_t *cluster = *state;
    nh_cluster_destroy (&cluster);
    return 0;
}

static void
s_dump (nh_cluster_t *cluster)
{
    for (size_t index = 0; index < NODES; index++)
        nh_dump_log (cluster, index);
}

static int
s_all_online_with_peers (nh_cluster_t *cluster)
{
    for (size_t index = 0; index < NODES; index++) {
        json_t *network = nh_get (cluster, index, "/network/info");
        json_int_t peers = json_integer_value (json_object_get (network, "n_peers"));
        json_decref (network);
        json_t *info = nh_get (cluster, index, "/cryptarchia/info");
        int online = json_is_string (json_object_get (info, "mode"))
                     && strcmp (json_string_value (json_object_get (info, "mode")), "Online") == 0;
        json_decref (info);
        if (peers != NODES - 1 || !online)
            return 0;
    }
    return 1;
}

static int
s_all_at_least (nh_cluster_t *cluster, int64_t height)
{
    for (size_t index = 0; index < NODES; index++)
        if (nh_info_int (cluster, index, "height") < height)
            return 0;
    return 1;
}

//  Is block id (of slot) on a node's canonical chain? Above the node's LIB the
//  headers from its tip hold it; below, its immutable blocks of that slot do.
//  A LIB moving between the two requests only makes the caller ask again.
static int
s_canonical_on (nh_cluster_t *cluster, size_t index, const char *id, json_int_t slot)
{
    json_t *headers = nh_get (cluster, index, "/cryptarchia/headers");
    size_t position;
    json_t *entry;
    int found = 0;
    json_array_foreach (headers, position, entry) found |=
        strcmp (json_string_value (entry), id) == 0;
    json_decref (headers);
    char path[120];
    snprintf (path, sizeof path,
              "/cryptarchia/blocks?slot_from=%" JSON_INTEGER_FORMAT
              "&slot_to=%" JSON_INTEGER_FORMAT,
              slot, slot);
    json_t *immutable = found ? NULL : nh_get (cluster, index, path);
    json_array_foreach (immutable, position, entry)
    {
        const char *block_id =
            json_string_value (json_object_get (json_object_get (entry, "header"), "id"));
        found |= block_id && strcmp (block_id, id) == 0;
    }
    json_decref (immutable);
    return found;
}

static void
test_node_cluster_progresses_and_agrees_up_to_lib (void **state)
{
    nh_cluster_t *cluster = *state;
    int ok;
    NH_WAIT (ok, s_all_online_with_peers (cluster), EVENT_MS);
    if (!ok)
        s_dump (cluster);
    assert_true (ok);
    //  k = 20 at ~5 blocks/s: the LIB moves after a few seconds
    NH_WAIT (ok, s_all_at_least (cluster, 40), EVENT_MS);
    if (!ok)
        s_dump (cluster);
    assert_true (ok);
    for (size_t index = 0; index < NODES; index++)
        assert_true (nh_info_int (cluster, index, "height") >= 40);

    //  Every node's LIB is a block every other node has on its canonical chain
    for (size_t index = 0; index < NODES; index++) {
        json_t *info = nh_get (cluster, index, "/cryptarchia/info");
        assert_non_null (info);
        char lib[65];
        snprintf (lib, sizeof lib, "%s", json_string_value (json_object_get (info, "lib")));
        json_decref (info);
        char request[80];
        snprintf (request, sizeof request, "\"%s\"", lib);
        json_t *block = nh_post (cluster, index, 0, "/storage/block", request);
        assert_true (json_is_object (block));
        json_int_t slot =
            json_integer_value (json_object_get (json_object_get (block, "header"), "slot"));
        assert_true (slot > 0); //  Past genesis
        for (size_t other = 0; other < NODES; other++) {
            int found;
            NH_WAIT (found, s_canonical_on (cluster, other, lib, slot), EVENT_MS);
            assert_true (found);
        }
        json_decref (block);
    }
}

static void
test_node_cluster_immutable_blocks_by_slot (void **state)
{
    nh_cluster_t *cluster = *state;
    //  The LIB may move during the request: the answer ends just below one of these two
    int64_t lib_before = nh_metric (cluster, 1, "consensus_finalized_height");
    json_t *blocks = nh_get (cluster, 1, "/cryptarchia/blocks?slot_from=1&slot_to=1000000000");
    int64_t lib_after = nh_metric (cluster, 1, "consensus_finalized_height");
    assert_true (lib_before > 1);
    //  Slot 1 onwards leaves out genesis: heights 1 .. LIB-1
    assert_true ((int64_t) json_array_size (blocks) >= lib_before - 1);
    assert_true ((int64_t) json_array_size (blocks) <= lib_after - 1);
    //  Ascending slots, each block the parent of the next
    json_int_t previous_slot = 0;
    const char *previous_id = NULL;
    size_t index;
    json_t *block;
    json_array_foreach (blocks, index, block)
    {
        json_t *header = json_object_get (block, "header");
        json_int_t slot = json_integer_value (json_object_get (header, "slot"));
        assert_true (slot > previous_slot);
        if (previous_id)
            assert_string_equal (json_string_value (json_object_get (header, "parent_block")),
                                 previous_id);
        previous_slot = slot;
        previous_id = json_string_value (json_object_get (header, "id"));
    }
    //  A range of two slots holds at most two blocks
    json_t *few = nh_get (cluster, 1, "/cryptarchia/blocks?slot_from=1&slot_to=2");
    assert_true (json_is_array (few) && json_array_size (few) <= 2);
    json_decref (few);
    json_decref (blocks);
}

static json_int_t
s_balance (nh_cluster_t *cluster, size_t index, const char *path)
{
    json_t *balance = nh_get (cluster, index, path);
    json_int_t value = json_integer_value (json_object_get (balance, "balance"));
    json_decref (balance);
    return value;
}

static void
test_node_cluster_tx_reaches_blocks_on_all_nodes (void **state)
{
    nh_cluster_t *cluster = *state;
    tf_node_tx_t *tx = nh_transfer (cluster, 0, &cluster->nodes[1].leader.pk);
    assert_non_null (tx);
    char *text = strdup (tf_node_tx_text (tx));
    char *body = NULL;
    long status = nh_http (cluster, 0, 0, "POST", "/mempool/add/tx", "application/json", text,
                           strlen (text), &body);
    assert_int_equal (status, 200);
    assert_string_equal (body, "null");
    free (body);
    //  A duplicate is refused the way the real node does
    status = nh_http (cluster, 0, 0, "POST", "/mempool/add/tx", "application/json", text,
                      strlen (text), &body);
    assert_true (status == 500 || status == 422);
    free (body);
    free (text);
    char note[65];
    tf_node_hash_hex (&cluster->notes[0], note);
    for (size_t index = 0; index < NODES; index++) {
        int found;
        NH_WAIT (found, nh_chain_contains (cluster, index, note, 400), EVENT_MS);
        if (!found)
            nh_dump_log (cluster, index);
        assert_true (found);
    }
    //  Every node's wallet (all hold the sender's key) sees the sender one note poorer
    char path[120], hex[65];
    snprintf (path, sizeof path, "/wallet/%s/balance", tf_node_hash_hex (&cluster->wallet.pk, hex));
    for (size_t index = 0; index < NODES; index++) {
        int moved;
        NH_WAIT (moved, s_balance (cluster, index, path) == (NH_WALLET_NOTES - 1) * NH_WALLET_VALUE,
                 EVENT_MS);
        assert_true (moved);
    }
    tf_node_tx_destroy (&tx);
}

//  Read want NDJSON lines from a stream path on node 2; returns them (caller frees)
static char *
s_read_stream (nh_cluster_t *cluster, const char *path, int want)
{
    char *data = nh_read_lines (cluster, 2, path, want, EVENT_MS);
    assert_non_null (data);
    return data;
}

static void
test_node_cluster_block_stream_delivers_ndjson (void **state)
{
    nh_cluster_t *cluster = *state;
    char *data = s_read_stream (cluster, "/cryptarchia/events/blocks/stream", 3);
    char *line = data;
    for (int index = 0; index < 3; index++) {
        char *end = strchr (line, '\n');
        assert_non_null (end);
        json_t *event = json_loadb (line, (size_t) (end - line), 0, NULL);
        assert_non_null (event);
        json_t *header = json_object_get (json_object_get (event, "block"), "header");
        assert_true (json_is_string (json_object_get (header, "id")));
        assert_true (json_is_string (json_object_get (event, "tip")));
        assert_true (json_is_string (json_object_get (event, "lib")));
        json_decref (event);
        line = end + 1;
    }
    free (data);
    data = s_read_stream (cluster, "/cryptarchia/lib-stream", 2);
    json_t *first = json_loadb (data, (size_t) (strchr (data, '\n') - data), 0, NULL);
    json_t *second = json_loads (strchr (data, '\n') + 1, JSON_DISABLE_EOF_CHECK, NULL);
    assert_non_null (first);
    assert_non_null (second);
    assert_true (json_is_string (json_object_get (first, "header_id")));
    assert_true (json_integer_value (json_object_get (second, "height"))
                 > json_integer_value (json_object_get (first, "height")));
    json_decref (first);
    json_decref (second);
    free (data);
    //  The node keeps serving after the clients went away
    assert_true (nh_info_int (cluster, 2, "height") > 0);
}

static void
test_node_cluster_open_streams_do_not_block_requests (void **state)
{
    nh_cluster_t *cluster = *state;
    int fds[4];
    for (size_t index = 0; index < 4; index++) {
        fds[index] = socket (AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in addr = {0};
        addr.sin_family = AF_INET;
        addr.sin_port = htons ((uint16_t) cluster->nodes[0].api_port);
        addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
        assert_int_equal (connect (fds[index], (struct sockaddr *) &addr, sizeof addr), 0);
        const char *request =
            index % 2 ? "GET /cryptarchia/lib-stream HTTP/1.1\r\nHost: x\r\n\r\n"
                      : "GET /cryptarchia/events/blocks/stream HTTP/1.1\r\nHost: x\r\n\r\n";
        assert_true (send (fds[index], request, strlen (request), 0) > 0);
    }
    //  Never read from them: ordinary requests still get answers
    for (int round = 0; round < 20; round++)
        assert_true (nh_info_int (cluster, 0, "height") >= 0);
    for (size_t index = 0; index < 4; index++)
        close (fds[index]);
    assert_true (nh_info_int (cluster, 0, "height") >= 0);
}

static void
test_node_cluster_wallet_transfer_funds (void **state)
{
    nh_cluster_t *cluster = *state;
    char wallet[65], recipient[65], body[400], path[120];
    tf_node_hash_hex (&cluster->wallet.pk, wallet);
    tf_node_hash_hex (&cluster->nodes[2].leader.pk, recipient);
    snprintf (path, sizeof path, "/wallet/%s/balance", wallet);
    json_int_t before = s_balance (cluster, 1, path);
    assert_true (before >= 10);
    snprintf (body, sizeof body,
              "{\"tip\":null,\"change_public_key\":\"%s\",\"funding_public_keys\":[\"%s\"],"
              "\"recipient_public_key\":\"%s\",\"amount\":10}",
              wallet, wallet, recipient);
    char *answer = NULL;
    long status = nh_http (cluster, 1, 0, "POST", "/wallet/transactions/transfer-funds",
                           "application/json", body, strlen (body), &answer);
    assert_int_equal (status, 201);
    json_t *reply = json_loads (answer, 0, NULL);
    const char *hash = json_string_value (json_object_get (reply, "hash"));
    assert_non_null (hash);
    assert_int_equal (strlen (hash), 64);
    free (answer);
    //  Paid out of one note, change back: 10 less everywhere once it is in a block
    for (size_t index = 0; index < NODES; index++) {
        int moved;
        NH_WAIT (moved, s_balance (cluster, index, path) == before - 10, EVENT_MS);
        assert_true (moved);
    }
    char status_body[100];
    snprintf (status_body, sizeof status_body, "[\"%s\"]", hash);
    json_t *pool = nh_post (cluster, 1, 0, "/mantle/status", status_body);
    assert_string_equal (json_string_value (json_array_get (pool, 0)), "Unknown");
    json_decref (pool);
    json_decref (reply);
}

static void
test_node_cluster_stops_cleanly_on_sigterm (void **state)
{
    nh_cluster_t *cluster = *state;
    for (size_t index = 0; index < cluster->count; index++) {
        int code = nh_stop (cluster, index, EVENT_MS);
        if (code != 0)
            nh_dump_log (cluster, index);
        assert_int_equal (code, 0);
    }
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_node_cluster_progresses_and_agrees_up_to_lib),
        cmocka_unit_test (test_node_cluster_immutable_blocks_by_slot),
        cmocka_unit_test (test_node_cluster_tx_reaches_blocks_on_all_nodes),
        cmocka_unit_test (test_node_cluster_block_stream_delivers_ndjson),
        cmocka_unit_test (test_node_cluster_open_streams_do_not_block_requests),
        cmocka_unit_test (test_node_cluster_wallet_transfer_funds),
        cmocka_unit_test (test_node_cluster_stops_cleanly_on_sigterm),
    };
    return cmocka_run_group_tests_name ("node_cluster", tests, s_setup, s_teardown);
}
