//  test_node_da_network.c - tf-node as a DA network: 2 validators and 1 executor. The
//  executor disperses a blob, every member holds the shares of its subnetworks, the
//  ChannelBlob op reaches a block, historic sampling finds it available, membership,
//  balancer and monitor stats have the reference's shapes; a validator with
//  lose_shares refuses shares (the executor's monitor shows it, its sampling fails);
//  a restarted validator still serves its shares
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "test_node_harness.h"

#define NODES    3
#define EXECUTOR 2 //  The last node
#define EVENT_MS 30000
#define S_ZERO   "0000000000000000000000000000000000000000000000000000000000000000"

static int
s_setup (void **state)
{
    nh_options_t options = {100, 0.5, 20, 1};
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

//  POST /disperse-data on node; the status, and the blob id into blob_id on 200
static long
s_disperse (nh_cluster_t *cluster, size_t node, const char *signer, char blob_id[65])
{
    char body[512];
    snprintf (body, sizeof body,
              "{\"channel_id\":\"%s\",\"parent_msg_id\":\"%s\",\"signer\":\"%s\","
              "\"data\":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,%d]}",
              S_ZERO, S_ZERO, signer, (int) (nh_now_ms () % 200));
    char *answer = NULL;
    long status = nh_http (cluster, node, 0, "POST", "/disperse-data", "application/json", body,
                           strlen (body), &answer);
    if (status == 200) {
        json_t *id = json_loads (answer, JSON_DECODE_ANY, NULL);
        assert_true (json_is_string (id));
        assert_int_equal (strlen (json_string_value (id)), 64);
        snprintf (blob_id, 65, "%s", json_string_value (id));
        json_decref (id);
    }
    free (answer);
    return status;
}

//  GET with a JSON body on node's main API; parsed answer on 200, else NULL
static json_t *
s_get_body (nh_cluster_t *cluster, size_t node, const char *path, const char *body)
{
    char *answer = NULL;
    long status =
        nh_http (cluster, node, 0, "GET", path, "application/json", body, strlen (body), &answer);
    json_t *json = status == 200 ? json_loads (answer, JSON_DECODE_ANY, NULL) : NULL;
    free (answer);
    return json;
}

//  Whether node holds share index of blob_id
static int
s_holds (nh_cluster_t *cluster, size_t node, const char *blob_id, int index)
{
    char body[160];
    snprintf (body, sizeof body, "{\"blob_id\":\"%s\",\"share_idx\":%d}", blob_id, index);
    json_t *share = s_get_body (cluster, node, "/da/get-share", body);
    int held = json_is_object (share)
               && json_integer_value (json_object_get (share, "share_idx")) == index;
    json_decref (share);
    return held;
}

//  The id of the block on node's chain whose JSON mentions text, into out; 0 or -1
static int
s_block_with (nh_cluster_t *cluster, size_t node, const char *text, char out[65])
{
    char tip[65];
    if (nh_info_str (cluster, node, "tip", tip))
        return -1;
    for (int depth = 0; depth < 200; depth++) {
        char quoted[80];
        snprintf (quoted, sizeof quoted, "\"%s\"", tip);
        char *answer = NULL;
        long status = nh_http (cluster, node, 0, "POST", "/storage/block", "application/json",
                               quoted, strlen (quoted), &answer);
        json_t *block = status == 200 ? json_loads (answer, 0, NULL) : NULL;
        int found = answer && strstr (answer, text) != NULL;
        free (answer);
        const char *parent =
            json_string_value (json_object_get (json_object_get (block, "header"), "parent_block"));
        if (found) {
            snprintf (out, 65, "%s", tip);
            json_decref (block);
            return 0;
        }
        if (!parent || strcmp (parent, S_ZERO) == 0) {
            json_decref (block);
            return -1;
        }
        snprintf (tip, sizeof tip, "%s", parent);
        json_decref (block);
    }
    return -1;
}

//  POST /test/da/historic-sampling on node for blob_id in block; 1 true, 0 false, -1 error
static int
s_sample (nh_cluster_t *cluster, size_t node, const char *block, const char *blob_id)
{
    char body[256];
    snprintf (body, sizeof body, "{\"block_id\":\"%s\",\"blob_ids\":[[\"%s\",0]]}", block, blob_id);
    json_t *answer = nh_post (cluster, node, 1, "/test/da/historic-sampling", body);
    int rc = json_is_boolean (answer) ? json_is_true (answer) : -1;
    json_decref (answer);
    return rc;
}

//  The executor's monitor figure for a peer, or -1
static double
s_monitor (nh_cluster_t *cluster, size_t peer, const char *key)
{
    json_t *stats = nh_get (cluster, EXECUTOR, "/da/monitor-stats");
    json_t *value = json_object_get (json_object_get (stats, cluster->nodes[peer].peer_id), key);
    double rate = json_is_number (value) ? json_number_value (value) : -1;
    json_decref (stats);
    return rate;
}

static void
test_node_da_network_disperses_samples_and_persists (void **state)
{
    nh_cluster_t *cluster = *state;
    int ok;
    char signer[65], blob_id[65] = "", block[65] = "";
    tf_node_hash_hex (&cluster->nodes[EXECUTOR].leader.pk, signer);
    //  Peers first: the executor needs its subnetwork peers
    NH_WAIT (ok, nh_metric (cluster, EXECUTOR, "consensus_peers_connected") >= NODES - 1, EVENT_MS);
    assert_true (ok);
    //  Only executors disperse, and only with a key they hold
    assert_int_equal (s_disperse (cluster, 0, signer, blob_id), 404);
    char stranger[65];
    tf_node_hash_hex (&cluster->nodes[0].leader.pk, stranger);
    assert_int_equal (s_disperse (cluster, EXECUTOR, stranger, blob_id), 422);
    assert_int_equal (s_disperse (cluster, EXECUTOR, signer, blob_id), 200);

    //  Placement with 3 DA nodes and 4 subnetworks: node 0 holds 0 and 3, 1 holds 1, 2 holds 2
    NH_WAIT (ok,
             s_holds (cluster, 0, blob_id, 0) && s_holds (cluster, 0, blob_id, 3)
                 && s_holds (cluster, 1, blob_id, 1) && s_holds (cluster, EXECUTOR, blob_id, 2),
             EVENT_MS);
    assert_true (ok);
    assert_false (s_holds (cluster, 0, blob_id, 1));
    char body[160];
    snprintf (body, sizeof body, "{\"blob_id\":\"%s\"}", blob_id);
    json_t *sampled = s_get_body (cluster, 0, "/da/sampling/shares", body);
    assert_int_equal (json_array_size (sampled), 2);
    json_decref (sampled);

    //  The ChannelBlob op reaches a block; sampling finds the blob available
    NH_WAIT (ok, s_block_with (cluster, 0, blob_id, block) == 0, EVENT_MS);
    assert_true (ok);
    assert_int_equal (s_sample (cluster, 0, block, blob_id), 1);
    assert_int_equal (s_sample (cluster, 1, block, blob_id), 1);
    assert_int_equal (s_sample (cluster, 0, block, S_ZERO), 0); //  Not in that block

    //  Membership, balancer and monitor stats
    json_t *membership = nh_post (cluster, 0, 1, "/test/da/membership", "0");
    assert_non_null (membership);
    json_t *assignations = json_object_get (membership, "assignations");
    assert_int_equal (json_object_size (assignations), 4);
    assert_string_equal (
        json_string_value (json_array_get (json_object_get (assignations, "0"), 0)),
        cluster->nodes[0].peer_id);
    assert_int_equal (json_object_size (json_object_get (membership, "addressbook")), NODES);
    json_decref (membership);
    json_t *balancer = nh_get (cluster, EXECUTOR, "/da/balancer-stats");
    json_int_t connections = 0;
    const char *subnet;
    json_t *counts;
    json_object_foreach (balancer, subnet, counts) connections +=
        json_integer_value (json_object_get (counts, "inbound"))
        + json_integer_value (json_object_get (counts, "outbound"));
    assert_true (connections >= 2);
    json_decref (balancer);
    NH_WAIT (ok, s_monitor (cluster, 0, "dispersal_failure_rate") == 0.0, EVENT_MS);
    assert_true (ok);
    assert_true (s_monitor (cluster, 0, "replication_failure_rate") == 0.0);

    //  A validator that loses its shares refuses new ones: the executor sees it
    json_t *faults = nh_post (cluster, 1, 1, "/testing/faults", "{\"lose_shares\":true}");
    assert_true (json_is_true (json_object_get (faults, "lose_shares")));
    json_decref (faults);
    assert_false (s_holds (cluster, 1, blob_id, 1));
    assert_int_equal (s_sample (cluster, 1, block, blob_id), 0);
    char second[65], second_block[65];
    assert_int_equal (s_disperse (cluster, EXECUTOR, signer, second), 200);
    NH_WAIT (ok, s_monitor (cluster, 1, "dispersal_failure_rate") > 0.0, EVENT_MS);
    assert_true (ok);
    NH_WAIT (ok, s_block_with (cluster, 0, second, second_block) == 0, EVENT_MS);
    assert_true (ok);
    assert_int_equal (s_sample (cluster, 0, second_block, second), 1);
    assert_int_equal (s_sample (cluster, 1, second_block, second), 0);

    //  A restarted validator serves its shares from its share log
    assert_true (nh_kill (cluster, 0, SIGKILL) >= 0);
    assert_int_equal (nh_start (cluster, 0), 0);
    assert_int_equal (nh_wait_ready (cluster, 0, EVENT_MS), 0);
    assert_true (s_holds (cluster, 0, blob_id, 0) && s_holds (cluster, 0, blob_id, 3));
    assert_int_equal (s_sample (cluster, 0, block, blob_id), 1);
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown (test_node_da_network_disperses_samples_and_persists,
                                         s_setup, s_teardown),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
