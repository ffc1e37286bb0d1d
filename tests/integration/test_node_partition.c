//  test_node_partition.c - a node that blocks its peers through the testing API forks off;
//  once it unblocks them it reorgs back onto the majority's chain
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "test_node_harness.h"

#define NODES    3
#define LONER    2
#define EVENT_MS 30000

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

static int64_t
s_peers (nh_cluster_t *cluster, size_t index)
{
    json_t *network = nh_get (cluster, index, "/network/info");
    int64_t peers = json_is_integer (json_object_get (network, "n_peers"))
                        ? (int64_t) json_integer_value (json_object_get (network, "n_peers"))
                        : -1;
    json_decref (network);
    return peers;
}

//  True if the node has a block with this id in storage
static int
s_has_block (nh_cluster_t *cluster, size_t index, const char *id)
{
    char request[96];
    snprintf (request, sizeof request, "\"%s\"", id);
    json_t *block = nh_post (cluster, index, 0, "/storage/block", request);
    int found = json_is_object (block);
    json_decref (block);
    return found;
}

//  The loner has a tip the majority lacks, and the majority is at least 3 blocks longer
static int
s_forked (nh_cluster_t *cluster, char *loner_tip)
{
    if (nh_info_str (cluster, LONER, "tip", loner_tip) || s_has_block (cluster, 0, loner_tip))
        return 0;
    return nh_info_int (cluster, 0, "height") >= nh_info_int (cluster, LONER, "height") + 3;
}

//  The loner's tip equals node 0's (checked a few times: tips move every ~200 ms)
static int
s_same_tip (nh_cluster_t *cluster)
{
    char left[65], right[65];
    return nh_info_str (cluster, 0, "tip", left) == 0
           && nh_info_str (cluster, LONER, "tip", right) == 0 && strcmp (left, right) == 0;
}

static void
s_switch_peers (nh_cluster_t *cluster, const char *path)
{
    for (size_t index = 0; index < NODES; index++) {
        if (index == LONER)
            continue;
        char body[96];
        snprintf (body, sizeof body, "\"%s\"", cluster->nodes[index].peer_id);
        json_t *answer = nh_post (cluster, LONER, 1, path, body);
        assert_true (json_is_true (answer));
        json_decref (answer);
    }
}

static void
test_node_partition_forks_and_reorgs_back (void **state)
{
    nh_cluster_t *cluster = *state;
    int ok;
    NH_WAIT (ok,
             s_peers (cluster, LONER) == NODES - 1 && nh_info_int (cluster, LONER, "height") >= 3,
             EVENT_MS);
    assert_true (ok);

    s_switch_peers (cluster, "/testing/block-peer");
    json_t *blocked = nh_get_on (cluster, LONER, 1, "/testing/blocked-peers");
    assert_int_equal (json_array_size (blocked), NODES - 1);
    json_decref (blocked);
    //  Blocked both ways: the loner drops them and refuses their re-dials
    NH_WAIT (ok, s_peers (cluster, LONER) == 0 && s_peers (cluster, 0) == 1, EVENT_MS);
    assert_true (ok);

    //  A tx only the loner sees ends up in its fork
    tf_node_tx_t *tx = nh_transfer (cluster, 2, &cluster->nodes[0].leader.pk);
    char *text = strdup (tf_node_tx_text (tx));
    assert_int_equal (nh_http (cluster, LONER, 0, "POST", "/mempool/add/tx", "application/json",
                               text, strlen (text), NULL),
                      200);
    free (text);
    tf_node_tx_destroy (&tx);
    char note[65];
    tf_node_hash_hex (&cluster->notes[2], note);
    char fork_tip[65];
    NH_WAIT (ok, nh_chain_contains (cluster, LONER, note, 100) && s_forked (cluster, fork_tip),
             EVENT_MS);
    if (!ok)
        nh_dump_log (cluster, LONER);
    assert_true (ok);
    assert_int_equal (s_peers (cluster, LONER), 0);

    s_switch_peers (cluster, "/testing/unblock-peer");
    NH_WAIT (ok, s_same_tip (cluster), EVENT_MS);
    if (!ok)
        nh_dump_log (cluster, LONER);
    assert_true (ok);
    //  The loner's own fork is no longer canonical: its tip's branch does not contain it
    char tip[65], path[200];
    assert_int_equal (nh_info_str (cluster, LONER, "tip", tip), 0);
    snprintf (path, sizeof path, "/cryptarchia/headers?from=%s", tip);
    json_t *headers = nh_get (cluster, LONER, path);
    assert_true (json_array_size (headers) > 0);
    size_t index;
    json_t *item;
    json_array_foreach (headers, index, item)
        assert_string_not_equal (json_string_value (item), fork_tip);
    json_decref (headers);
    assert_true (nh_metric (cluster, LONER, "consensus_forks_total") >= 1);
    //  The reorg returned the tx to the loner's pool, and it made it into the common chain
    NH_WAIT (ok, nh_chain_contains (cluster, 0, note, 400), EVENT_MS);
    assert_true (ok);
    assert_int_equal (s_peers (cluster, LONER), NODES - 1);
}

//  Every node, after reorgs, orphans and restarts, stops on SIGTERM with exit code 0 (the
//  sanitizers turn a leak into a non-zero code)
static void
test_node_partition_stops_cleanly_on_sigterm (void **state)
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
        cmocka_unit_test (test_node_partition_forks_and_reorgs_back),
        cmocka_unit_test (test_node_partition_stops_cleanly_on_sigterm),
    };
    return cmocka_run_group_tests_name ("node_partition", tests, s_setup, s_teardown);
}
