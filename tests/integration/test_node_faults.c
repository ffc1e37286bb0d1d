//  test_node_faults.c - the testing API's fault switches: stop producing blocks, silently
//  drop submitted transactions, fork irreversibly; readable and settable
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "test_node_harness.h"
#include "tf_node_p2p.h"

#define NODES       2
#define FAULTY      0
#define EVENT_MS    30000
#define QUIET_SLOTS 20 //  Slots watched to see that nothing happens

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
s_set_faults (nh_cluster_t *cluster, const char *body, int produce, int drop)
{
    json_t *answer = nh_post (cluster, FAULTY, 1, "/testing/faults", body);
    assert_non_null (answer);
    assert_int_equal (json_is_true (json_object_get (answer, "produce_blocks")), produce);
    assert_int_equal (json_is_true (json_object_get (answer, "drop_transactions")), drop);
    json_decref (answer);
    json_t *read = nh_get_on (cluster, FAULTY, 1, "/testing/faults");
    assert_int_equal (json_is_true (json_object_get (read, "produce_blocks")), produce);
    assert_int_equal (json_is_true (json_object_get (read, "drop_transactions")), drop);
    json_decref (read);
}

//  Wait until the node's own clock has moved QUIET_SLOTS slots past now
static void
s_let_slots_pass (nh_cluster_t *cluster, size_t index)
{
    int64_t start = nh_metric (cluster, index, "consensus_current_slot");
    int ok;
    NH_WAIT (ok, nh_metric (cluster, index, "consensus_current_slot") >= start + QUIET_SLOTS,
             EVENT_MS);
    assert_true (ok);
}

static void
test_node_faults_stop_producing_blocks (void **state)
{
    nh_cluster_t *cluster = *state;
    int ok;
    NH_WAIT (ok, nh_metric (cluster, FAULTY, "tf_node_blocks_produced_total") >= 2, EVENT_MS);
    assert_true (ok);
    s_set_faults (cluster, "{\"produce_blocks\":false}", 0, 0);
    int64_t produced = nh_metric (cluster, FAULTY, "tf_node_blocks_produced_total");
    int64_t height = nh_info_int (cluster, FAULTY, "height");
    s_let_slots_pass (cluster, FAULTY);
    assert_int_equal (nh_metric (cluster, FAULTY, "tf_node_blocks_produced_total"), produced);
    //  Still following the other node
    NH_WAIT (ok, nh_info_int (cluster, FAULTY, "height") > height, EVENT_MS);
    assert_true (ok);
    s_set_faults (cluster, "{\"produce_blocks\":true}", 1, 0);
    NH_WAIT (ok, nh_metric (cluster, FAULTY, "tf_node_blocks_produced_total") > produced, EVENT_MS);
    assert_true (ok);
}

static void
test_node_faults_drop_transactions (void **state)
{
    nh_cluster_t *cluster = *state;
    s_set_faults (cluster, "{\"drop_transactions\":true}", 1, 1);
    tf_node_tx_t *tx = nh_transfer (cluster, 1, &cluster->nodes[0].leader.pk);
    char *text = strdup (tf_node_tx_text (tx));
    char *body = NULL;
    assert_int_equal (nh_http (cluster, FAULTY, 0, "POST", "/mempool/add/tx", "application/json",
                               text, strlen (text), &body),
                      200);
    assert_string_equal (body, "null");
    free (body);
    json_t *metrics = nh_get (cluster, FAULTY, "/mantle/metrics");
    assert_int_equal (json_integer_value (json_object_get (metrics, "pending_items")), 0);
    json_decref (metrics);
    char note[65];
    tf_node_hash_hex (&cluster->notes[1], note);
    s_let_slots_pass (cluster, FAULTY);
    for (size_t index = 0; index < NODES; index++)
        assert_false (nh_chain_contains (cluster, index, note, 400));
    json_t *other = nh_get (cluster, 1, "/mantle/metrics");
    assert_int_equal (json_integer_value (json_object_get (other, "pending_items")), 0);
    json_decref (other);

    //  Switched off, the same tx goes through
    s_set_faults (cluster, "{\"drop_transactions\":false}", 1, 0);
    assert_int_equal (nh_http (cluster, FAULTY, 0, "POST", "/mempool/add/tx", "application/json",
                               text, strlen (text), NULL),
                      200);
    int ok;
    NH_WAIT (ok, nh_chain_contains (cluster, 1, note, 400), EVENT_MS);
    assert_true (ok);
    free (text);
    tf_node_tx_destroy (&tx);
}

//  The blocked set is bounded: TF_NODE_P2P_MAX_BLOCKED PeerIds, then 503 until one is
//  unblocked; blocking one that is blocked already is not a new entry
static void
test_node_faults_blocked_peers_are_bounded (void **state)
{
    nh_cluster_t *cluster = *state;
    char peer_id[TF_NODE_PEER_ID_MAX], body[TF_NODE_PEER_ID_MAX + 8];
    tf_node_hash_t pk;
    for (int index = 0; index <= TF_NODE_P2P_MAX_BLOCKED; index++) {
        memset (&pk, 0, sizeof pk);
        memcpy (pk.bytes, &index, sizeof index);
        tf_node_peer_id (&pk, peer_id);
        snprintf (body, sizeof body, "\"%s\"", peer_id);
        long status = nh_http (cluster, FAULTY, 1, "POST", "/testing/block-peer",
                               "application/json", body, strlen (body), NULL);
        assert_int_equal (status, index < TF_NODE_P2P_MAX_BLOCKED ? 200 : 503);
    }
    json_t *blocked = nh_get_on (cluster, FAULTY, 1, "/testing/blocked-peers");
    assert_int_equal (json_array_size (blocked), TF_NODE_P2P_MAX_BLOCKED);
    json_decref (blocked);
    //  The last one blocked can be blocked again; freeing one lets the refused one in
    char last[TF_NODE_PEER_ID_MAX + 8], refused[TF_NODE_PEER_ID_MAX + 8];
    snprintf (refused, sizeof refused, "%s", body);
    int index = TF_NODE_P2P_MAX_BLOCKED - 1;
    memset (&pk, 0, sizeof pk);
    memcpy (pk.bytes, &index, sizeof index);
    tf_node_peer_id (&pk, peer_id);
    snprintf (last, sizeof last, "\"%s\"", peer_id);
    assert_int_equal (nh_http (cluster, FAULTY, 1, "POST", "/testing/block-peer",
                               "application/json", last, strlen (last), NULL),
                      200);
    assert_int_equal (nh_http (cluster, FAULTY, 1, "POST", "/testing/unblock-peer",
                               "application/json", last, strlen (last), NULL),
                      200);
    assert_int_equal (nh_http (cluster, FAULTY, 1, "POST", "/testing/block-peer",
                               "application/json", refused, strlen (refused), NULL),
                      200);
}

//  Every node, after reorgs, orphans and restarts, stops on SIGTERM with exit code 0 (the
//  sanitizers turn a leak into a non-zero code)
//  fork_irreversibly: the node takes no block from its peer any more, so it grows by
//  its own blocks only, and each is final at once (LIB = tip). Last but one: the fork
//  is never undone
static void
test_node_faults_fork_irreversibly (void **state)
{
    nh_cluster_t *cluster = *state;
    json_t *answer =
        nh_post (cluster, FAULTY, 1, "/testing/faults", "{\"fork_irreversibly\":true}");
    assert_non_null (answer);
    assert_true (json_is_true (json_object_get (answer, "fork_irreversibly")));
    assert_true (json_is_true (json_object_get (answer, "produce_blocks")));
    json_decref (answer);
    int64_t produced = nh_metric (cluster, FAULTY, "tf_node_blocks_produced_total");
    int64_t height = nh_info_int (cluster, FAULTY, "height");
    int64_t other = nh_info_int (cluster, 1, "height");
    int ok;
    NH_WAIT (ok,
             nh_metric (cluster, FAULTY, "tf_node_blocks_produced_total") >= produced + 3
                 && nh_info_int (cluster, 1, "height") >= other + 3,
             EVENT_MS);
    assert_true (ok);
    json_t *info = nh_get (cluster, FAULTY, "/cryptarchia/info");
    int64_t grown = json_integer_value (json_object_get (info, "height")) - height;
    assert_string_equal (json_string_value (json_object_get (info, "lib")),
                         json_string_value (json_object_get (info, "tip")));
    json_decref (info);
    int64_t made = nh_metric (cluster, FAULTY, "tf_node_blocks_produced_total") - produced;
    assert_true (grown == made || grown == made - 1); //  Read between a block and its count
    //  Bad bodies name every switch
    char *text = NULL;
    const char *bad = "{\"fork_irreversibly\":1}";
    assert_int_equal (nh_http (cluster, FAULTY, 1, "POST", "/testing/faults", "application/json",
                               bad, strlen (bad), &text),
                      422);
    assert_non_null (strstr (text, "\"fork_irreversibly\": bool"));
    free (text);
}

static void
test_node_faults_stops_cleanly_on_sigterm (void **state)
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
        cmocka_unit_test (test_node_faults_stop_producing_blocks),
        cmocka_unit_test (test_node_faults_drop_transactions),
        cmocka_unit_test (test_node_faults_blocked_peers_are_bounded),
        cmocka_unit_test (test_node_faults_fork_irreversibly),
        cmocka_unit_test (test_node_faults_stops_cleanly_on_sigterm),
    };
    return cmocka_run_group_tests_name ("node_faults", tests, s_setup, s_teardown);
}
