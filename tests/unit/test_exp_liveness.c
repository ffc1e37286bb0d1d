//  test_exp_liveness.c - consensus_liveness: target maths, the floor, verdicts
//  and their messages in the seeds' wording, the details map

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <czmq.h>
#include "tf_exp_liveness_judge.h"
#include "tf_json.h"

static void
s_id (char digit, char out[TF_API_ID_SIZE])
{
    memset (out, digit, TF_API_ID_HEX);
    out[TF_API_ID_HEX] = 0;
}

//  Observations of nodes named validator-0.. with the given heights
static void
s_obs (tf_exp_liveness_obs_t *obs, const uint64_t *heights, size_t count, uint64_t target)
{
    memset (obs, 0, sizeof *obs);
    obs->target = target;
    obs->expected_blocks = 10;
    obs->tolerance = 0.8;
    obs->agreement = true;
    obs->node_count = count;
    obs->nodes = (tf_exp_liveness_node_t *) zmalloc ((count + 1) * sizeof (tf_exp_liveness_node_t));
    for (size_t index = 0; index < count; index++) {
        tf_exp_liveness_node_t *node = &obs->nodes[index];
        node->name = zsys_sprintf ("validator-%zu", index);
        node->validator = true;
        node->source = TF_EXP_SOURCE_API;
        node->height = heights[index];
        s_id ('a', node->tip);
    }
}

static void
test_tf_exp_liveness_target_follows_the_seeds (void **state)
{
    (void) state;
    assert_int_equal (tf_exp_liveness_target (10, 0.8, 0), 8);
    assert_int_equal (tf_exp_liveness_target (20, 0.7, 0), 14); //  Not 14.000000000000002
    assert_int_equal (tf_exp_liveness_target (11, 0.8, 0), 9);  //  8.8 rounds up
    assert_int_equal (tf_exp_liveness_target (2, 0.1, 0), 1);   //  Never 0
    assert_int_equal (tf_exp_liveness_target (10, 0.8, 3), 3);  //  minimum wins
    assert_int_equal (tf_exp_liveness_target (10, 0.9, 0), 9);
}

static void
test_tf_exp_liveness_passes_with_the_seeds_message (void **state)
{
    (void) state;
    const uint64_t heights[] = {12, 11};
    tf_exp_liveness_obs_t obs;
    s_obs (&obs, heights, 2, 8);
    obs.agreement = false;
    tf_exp_liveness_verdict_t verdict;
    tf_exp_liveness_judge (&obs, &verdict);
    assert_true (verdict.passed);
    assert_string_equal (verdict.message,
                         "consensus_liveness: target=8, observed heights=[12, 11] \u2713");
    tf_exp_liveness_verdict_free (&verdict);
    tf_exp_liveness_obs_free (&obs);
}

static void
test_tf_exp_liveness_fails_naming_each_slow_validator (void **state)
{
    (void) state;
    const uint64_t heights[] = {2, 3, 9};
    tf_exp_liveness_obs_t obs;
    s_obs (&obs, heights, 3, 8);
    obs.agreement = false;
    tf_exp_liveness_verdict_t verdict;
    tf_exp_liveness_judge (&obs, &verdict);
    assert_false (verdict.passed);
    assert_string_equal (verdict.message, "consensus liveness violated (target=8):\n"
                                          "- validator-0 height 2 below target 8\n"
                                          "- validator-1 height 3 below target 8");
    tf_exp_liveness_verdict_free (&verdict);
    tf_exp_liveness_obs_free (&obs);
}

static void
test_tf_exp_liveness_counts_unreachable_as_zero_and_ignores_executors (void **state)
{
    (void) state;
    const uint64_t heights[] = {10, 0, 1};
    tf_exp_liveness_obs_t obs;
    s_obs (&obs, heights, 3, 8);
    obs.nodes[1].source = TF_EXP_SOURCE_NONE;
    obs.nodes[2].validator = false; //  An executor behind: not judged
    free (obs.nodes[2].name);
    obs.nodes[2].name = strdup ("executor-0");
    obs.agreement = false;
    tf_exp_liveness_verdict_t verdict;
    tf_exp_liveness_judge (&obs, &verdict);
    assert_false (verdict.passed);
    assert_string_equal (verdict.message, "consensus liveness violated (target=8):\n"
                                          "- validator-1 height 0 below target 8 (unreachable)");
    tf_exp_liveness_verdict_free (&verdict);
    tf_exp_liveness_obs_free (&obs);
}

static void
test_tf_exp_liveness_fails_without_validators (void **state)
{
    (void) state;
    tf_exp_liveness_obs_t obs;
    s_obs (&obs, NULL, 0, 8);
    tf_exp_liveness_verdict_t verdict;
    tf_exp_liveness_judge (&obs, &verdict);
    assert_false (verdict.passed);
    assert_non_null (strstr (verdict.message, "no validator was observed"));
    tf_exp_liveness_verdict_free (&verdict);
    tf_exp_liveness_obs_free (&obs);
}

//  Three nodes; LIBs at heights 20, 15, 18; node 2 forked below 15
static void
s_forked (tf_exp_liveness_obs_t *obs, bool healed)
{
    const uint64_t heights[] = {30, 25, 28};
    s_obs (obs, heights, 3, 8);
    const uint64_t libs[] = {20, 15, 18};
    const char lib_digits[] = "bcd";
    for (size_t index = 0; index < 3; index++) {
        obs->nodes[index].lib_height_known = true;
        obs->nodes[index].lib_height = libs[index];
        s_id (lib_digits[index], obs->nodes[index].lib);
    }
    tf_exp_liveness_pick_floor (obs);
    //  Chains at height 15: nodes 0 and 1 hold node 1's LIB, node 2 maybe not
    s_id ('c', obs->nodes[0].floor_id);
    s_id ('c', obs->nodes[1].floor_id);
    s_id (healed ? 'c' : 'e', obs->nodes[2].floor_id);
}

static void
test_tf_exp_liveness_floor_is_the_lowest_lib (void **state)
{
    (void) state;
    tf_exp_liveness_obs_t obs;
    s_forked (&obs, true);
    assert_true (obs.floor_known);
    assert_string_equal (obs.floor_node, "validator-1");
    assert_int_equal (obs.floor_height, 15);
    char lib[TF_API_ID_SIZE];
    s_id ('c', lib);
    assert_string_equal (obs.floor_lib, lib);
    tf_exp_liveness_verdict_t verdict;
    tf_exp_liveness_judge (&obs, &verdict);
    assert_true (verdict.passed);
    tf_exp_liveness_verdict_free (&verdict);
    tf_exp_liveness_obs_free (&obs);
}

static void
test_tf_exp_liveness_fails_agreement_on_an_unhealed_fork (void **state)
{
    (void) state;
    tf_exp_liveness_obs_t obs;
    s_forked (&obs, false);
    tf_exp_liveness_verdict_t verdict;
    tf_exp_liveness_judge (&obs, &verdict);
    assert_false (verdict.passed);
    char lib[TF_API_ID_SIZE], held[TF_API_ID_SIZE];
    s_id ('c', lib);
    s_id ('e', held);
    char *expected = zsys_sprintf (
        "consensus_liveness: target=8, observed heights=[30, 25, 28]\n"
        "consensus agreement violated: validator-2 does not hold validator-1's LIB %s at "
        "height 15 (it holds %s)",
        lib, held);
    assert_string_equal (verdict.message, expected);
    zstr_free (&expected);

    //  The details map carries target, heights and LIBs per node
    json_t *details = tf_json_from_msgpack (verdict.details, verdict.details_size);
    assert_non_null (details);
    assert_int_equal (json_integer_value (json_object_get (details, "target")), 8);
    assert_int_equal (
        json_integer_value (json_object_get (json_object_get (details, "heights"), "validator-2")),
        28);
    assert_string_equal (
        json_string_value (json_object_get (json_object_get (details, "libs"), "validator-1")),
        lib);
    assert_string_equal (json_string_value (json_object_get (details, "agreement")), "violated");
    json_decref (details);
    tf_exp_liveness_verdict_free (&verdict);
    tf_exp_liveness_obs_free (&obs);
}

static void
test_tf_exp_liveness_notes_an_unverified_chain_without_failing (void **state)
{
    (void) state;
    tf_exp_liveness_obs_t obs;
    s_forked (&obs, true);
    obs.nodes[2].floor_id[0] = 0;
    obs.nodes[2].walk_error = strdup ("cannot read block 0123");
    tf_exp_liveness_verdict_t verdict;
    tf_exp_liveness_judge (&obs, &verdict);
    assert_true (verdict.passed);
    assert_non_null (strstr (verdict.message,
                             "(agreement not verified for validator-2: cannot read block 0123)"));
    tf_exp_liveness_verdict_free (&verdict);
    tf_exp_liveness_obs_free (&obs);
}

//  A fake feed: blocks 1..6 on the main chain ('1'..'6'), a fork off 3 with
//  blocks at heights 4 and 5 ('d', 'e'); genesis ('0') is never in the feed
typedef struct {
    char id;
    char parent;
    uint64_t height;
} s_feed_block_t;

static const s_feed_block_t s_feed[] = {
    {'1', '0', 1}, {'2', '1', 2}, {'3', '2', 3}, {'4', '3', 4},
    {'5', '4', 5}, {'6', '5', 6}, {'d', '3', 4}, {'e', 'd', 5},
};

static int
s_feed_lookup (void *arg, const char *id, char parent[TF_API_ID_SIZE], uint64_t *height_p)
{
    size_t *lookups = (size_t *) arg;
    (*lookups)++;
    for (size_t index = 0; index < sizeof s_feed / sizeof s_feed[0]; index++) {
        char candidate[TF_API_ID_SIZE];
        s_id (s_feed[index].id, candidate);
        if (streq (candidate, id)) {
            s_id (s_feed[index].parent, parent);
            *height_p = s_feed[index].height;
            return 0;
        }
    }
    return -1;
}

static void
test_tf_exp_liveness_feed_settles_agreement_the_probe_could_not (void **state)
{
    (void) state;
    //  Node 0 on the main chain (tip 6, LIB 2), node 1 on the fork (tip e, LIB 3):
    //  the probe walked neither
    const uint64_t heights[] = {6, 5};
    tf_exp_liveness_obs_t obs;
    s_obs (&obs, heights, 2, 4);
    s_id ('6', obs.nodes[0].tip);
    s_id ('2', obs.nodes[0].lib);
    s_id ('e', obs.nodes[1].tip);
    s_id ('3', obs.nodes[1].lib);
    obs.nodes[1].walk_error = strdup ("cannot read block eeee");
    size_t lookups = 0;
    tf_exp_liveness_fill_from_feed (&obs, s_feed_lookup, &lookups);
    assert_true (obs.floor_known);
    assert_string_equal (obs.floor_node, "validator-0");
    assert_int_equal (obs.floor_height, 2);
    char two[TF_API_ID_SIZE];
    s_id ('2', two);
    assert_string_equal (obs.nodes[0].floor_id, two);
    assert_string_equal (obs.nodes[1].floor_id, two); //  The fork is above the floor
    assert_null (obs.nodes[1].walk_error);
    tf_exp_liveness_verdict_t verdict;
    tf_exp_liveness_judge (&obs, &verdict);
    assert_true (verdict.passed);
    tf_exp_liveness_verdict_free (&verdict);
    tf_exp_liveness_obs_free (&obs);
}

static void
test_tf_exp_liveness_feed_finds_a_fork_below_the_floor (void **state)
{
    (void) state;
    //  The probe found the floor (node 0's LIB '4' at height 4) but could not
    //  walk node 1, whose chain holds the fork block 'd' at height 4
    const uint64_t heights[] = {6, 5};
    tf_exp_liveness_obs_t obs;
    s_obs (&obs, heights, 2, 4);
    s_id ('6', obs.nodes[0].tip);
    s_id ('4', obs.nodes[0].lib);
    obs.nodes[0].lib_height_known = true;
    obs.nodes[0].lib_height = 4;
    s_id ('4', obs.nodes[0].floor_id);
    s_id ('e', obs.nodes[1].tip);
    tf_exp_liveness_pick_floor (&obs);
    size_t lookups = 0;
    tf_exp_liveness_fill_from_feed (&obs, s_feed_lookup, &lookups);
    char fork[TF_API_ID_SIZE];
    s_id ('d', fork);
    assert_string_equal (obs.nodes[1].floor_id, fork);
    tf_exp_liveness_verdict_t verdict;
    tf_exp_liveness_judge (&obs, &verdict);
    assert_false (verdict.passed);
    assert_non_null (strstr (verdict.message, "consensus agreement violated: validator-1 does not "
                                              "hold validator-0's LIB"));
    tf_exp_liveness_verdict_free (&verdict);
    tf_exp_liveness_obs_free (&obs);

    //  Down to genesis: the floor at height 0 needs no lookup of genesis itself
    const uint64_t low[] = {2};
    s_obs (&obs, low, 1, 1);
    s_id ('2', obs.nodes[0].tip);
    s_id ('0', obs.nodes[0].lib);
    obs.nodes[0].lib_height_known = true;
    tf_exp_liveness_pick_floor (&obs);
    tf_exp_liveness_fill_from_feed (&obs, s_feed_lookup, &lookups);
    char genesis[TF_API_ID_SIZE];
    s_id ('0', genesis);
    assert_string_equal (obs.nodes[0].floor_id, genesis);
    tf_exp_liveness_obs_free (&obs);
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_tf_exp_liveness_target_follows_the_seeds),
        cmocka_unit_test (test_tf_exp_liveness_passes_with_the_seeds_message),
        cmocka_unit_test (test_tf_exp_liveness_fails_naming_each_slow_validator),
        cmocka_unit_test (test_tf_exp_liveness_counts_unreachable_as_zero_and_ignores_executors),
        cmocka_unit_test (test_tf_exp_liveness_fails_without_validators),
        cmocka_unit_test (test_tf_exp_liveness_floor_is_the_lowest_lib),
        cmocka_unit_test (test_tf_exp_liveness_fails_agreement_on_an_unhealed_fork),
        cmocka_unit_test (test_tf_exp_liveness_notes_an_unverified_chain_without_failing),
        cmocka_unit_test (test_tf_exp_liveness_feed_settles_agreement_the_probe_could_not),
        cmocka_unit_test (test_tf_exp_liveness_feed_finds_a_fork_below_the_floor),
    };
    return cmocka_run_group_tests_name ("tf_exp_liveness", tests, NULL, NULL);
}
