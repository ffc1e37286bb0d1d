//  test_node_restart.c - SIGKILL a tf-node, tear its block log's tail, restart it: it keeps
//  every block it had and catches up with the others
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
#define VICTIM   2
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

//  Walk parent links from id back to genesis on a node; returns blocks found, -1 on a gap
static int
s_walk_to_genesis (nh_cluster_t *cluster, size_t index, const char *from)
{
    char id[65];
    snprintf (id, sizeof id, "%s", from);
    int count = 0;
    while (1) {
        char request[96];
        snprintf (request, sizeof request, "\"%s\"", id);
        json_t *block = nh_post (cluster, index, 0, "/storage/block", request);
        if (!json_is_object (block)) {
            json_decref (block);
            return -1;
        }
        count++;
        const char *parent =
            json_string_value (json_object_get (json_object_get (block, "header"), "parent_block"));
        int genesis = !parent || strspn (parent, "0") == 64;
        if (!genesis)
            snprintf (id, sizeof id, "%s", parent);
        json_decref (block);
        if (genesis)
            return count;
    }
}

static void
test_node_restart_after_sigkill_keeps_blocks_and_catches_up (void **state)
{
    nh_cluster_t *cluster = *state;
    int ok;
    NH_WAIT (ok, nh_info_int (cluster, VICTIM, "height") >= 15, EVENT_MS);
    assert_true (ok);
    char tip[65];
    int64_t height;
    assert_int_equal (nh_info_tip (cluster, VICTIM, tip, &height), 0);
    int status = nh_kill (cluster, VICTIM, SIGKILL);
    assert_true (WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL);

    //  A torn record at the end of the log, as a crash in the middle of a write leaves
    char path[700];
    snprintf (path, sizeof path, "%s/db/blocks.log", cluster->nodes[VICTIM].dir);
    FILE *log = fopen (path, "ab");
    assert_non_null (log);
    fwrite ("\x40\x00\x00\x00\x01\x02\x03\x04{\"header\":", 1, 19, log);
    fclose (log);

    //  The others go on meanwhile
    NH_WAIT (ok, nh_info_int (cluster, 0, "height") >= height + 10, EVENT_MS);
    assert_true (ok);
    assert_int_equal (nh_start (cluster, VICTIM), 0);
    assert_int_equal (nh_wait_ready (cluster, VICTIM, EVENT_MS), 0);

    //  Everything it had is there right after the restart, back to genesis
    int blocks = s_walk_to_genesis (cluster, VICTIM, tip);
    if (blocks < 0)
        nh_dump_log (cluster, VICTIM);
    assert_int_equal (blocks, height + 1);
    assert_true (nh_info_int (cluster, VICTIM, "height") >= height);

    //  And it catches up with the others
    int64_t target = nh_info_int (cluster, 0, "height");
    NH_WAIT (ok, nh_info_int (cluster, VICTIM, "height") >= target, EVENT_MS);
    if (!ok)
        nh_dump_log (cluster, VICTIM);
    assert_true (ok);
    char new_tip[65];
    assert_int_equal (nh_info_str (cluster, VICTIM, "tip", new_tip), 0);
    assert_true (s_walk_to_genesis (cluster, VICTIM, new_tip) > height);
}

//  Kill at whatever moment the loop happens to be in, a few times in a row: each restart
//  keeps the chain it had and rejoins
static void
test_node_restart_repeated_sigkill_loses_nothing (void **state)
{
    nh_cluster_t *cluster = *state;
    for (int round = 0; round < 3; round++) {
        int ok;
        int64_t before = nh_info_int (cluster, 0, "height");
        NH_WAIT (ok, nh_info_int (cluster, VICTIM, "height") > before, EVENT_MS);
        assert_true (ok);
        char tip[65];
        int64_t height;
        assert_int_equal (nh_info_tip (cluster, VICTIM, tip, &height), 0);
        nh_kill (cluster, VICTIM, SIGKILL);
        assert_int_equal (nh_start (cluster, VICTIM), 0);
        assert_int_equal (nh_wait_ready (cluster, VICTIM, EVENT_MS), 0);
        assert_int_equal (s_walk_to_genesis (cluster, VICTIM, tip), height + 1);
    }
    int64_t target = nh_info_int (cluster, 0, "height");
    int ok;
    NH_WAIT (ok, nh_info_int (cluster, VICTIM, "height") >= target, EVENT_MS);
    assert_true (ok);
}

//  Every node, after reorgs, orphans and restarts, stops on SIGTERM with exit code 0 (the
//  sanitizers turn a leak into a non-zero code)
static void
test_node_restart_stops_cleanly_on_sigterm (void **state)
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
        cmocka_unit_test (test_node_restart_after_sigkill_keeps_blocks_and_catches_up),
        cmocka_unit_test (test_node_restart_repeated_sigkill_loses_nothing),
        cmocka_unit_test (test_node_restart_stops_cleanly_on_sigterm),
    };
    return cmocka_run_group_tests_name ("node_restart", tests, s_setup, s_teardown);
}
