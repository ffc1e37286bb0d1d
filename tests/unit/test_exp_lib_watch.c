//  test_exp_lib_watch.c - LIBs on one chain pass; LIBs on two forks are named,
//  with their heights; a LIB that leaves its node's chain is named; what the
//  feed has not published is not judged

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <czmq.h>
#include "tf_exp_lib_watch.h"

#define S_BLOCKS 16

//  A tiny feed: genesis g, then a0..a4 on one fork and b2..b3 off a1 on another
typedef struct {
    const char *id, *parent;
    uint64_t height;
} s_block_t;

static s_block_t s_feed[S_BLOCKS];
static size_t s_feed_count;

static void
s_add (const char *id, const char *parent, uint64_t height)
{
    s_feed[s_feed_count++] = (s_block_t){id, parent, height};
}

static int
s_lookup (void *arg, const char *id, char parent[TF_API_ID_SIZE], uint64_t *height_p)
{
    (void) arg;
    for (size_t index = 0; index < s_feed_count; index++)
        if (streq (s_feed[index].id, id)) {
            snprintf (parent, TF_API_ID_SIZE, "%s", s_feed[index].parent);
            *height_p = s_feed[index].height;
            return 0;
        }
    return -1;
}

static int
setup (void **state)
{
    (void) state;
    s_feed_count = 0;
    s_add ("g", "0", 0);
    s_add ("a1", "g", 1);
    s_add ("a2", "a1", 2);
    s_add ("a3", "a2", 3);
    s_add ("a4", "a3", 4);
    s_add ("b2", "a1", 2);
    s_add ("b3", "b2", 3);
    return 0;
}

static void
test_exp_lib_watch_one_chain_passes (void **state)
{
    (void) state;
    tf_exp_lib_t libs[] = {{"v0", "a4"}, {"v1", "a2"}, {"v2", "a1"}, {"v3", "a2"}, {"v4", ""}};
    assert_null (tf_exp_lib_watch_check (libs, 5, s_lookup, NULL));
    assert_null (tf_exp_lib_watch_check (libs, 0, s_lookup, NULL));
}

static void
test_exp_lib_watch_names_two_forks (void **state)
{
    (void) state;
    //  v1's LIB b2 (height 2) is not below v0's a4, which has a2 there
    tf_exp_lib_t libs[] = {{"v0", "a4"}, {"v1", "b2"}};
    char *message = tf_exp_lib_watch_check (libs, 2, s_lookup, NULL);
    assert_non_null (message);
    assert_string_equal (message, "LIB divergence: v1's LIB b2 (height 2) is not on v0's chain, "
                                  "whose LIB a4 is at height 4 and has a2 at height 2: "
                                  "irreversible blocks on two forks");
    free (message);
    //  The same height, two blocks
    tf_exp_lib_t level[] = {{"v0", "a3"}, {"v1", "b3"}};
    message = tf_exp_lib_watch_check (level, 2, s_lookup, NULL);
    assert_non_null (message);
    assert_string_equal (message, "LIB divergence: v0's LIB a3 and v1's LIB b3 are two blocks at "
                                  "height 3: irreversible blocks on two forks");
    free (message);
    //  Neighbours in height order suffice: v2 on the b fork between two a's
    tf_exp_lib_t three[] = {{"v0", "a1"}, {"v1", "a4"}, {"v2", "b3"}};
    message = tf_exp_lib_watch_check (three, 3, s_lookup, NULL);
    assert_non_null (message);
    free (message);
}

static void
test_exp_lib_watch_leaves_out_what_the_feed_lacks (void **state)
{
    (void) state;
    //  A LIB the feed has not published, and a gap on the way down: not judged
    tf_exp_lib_t unknown[] = {{"v0", "a4"}, {"v1", "c9"}};
    assert_null (tf_exp_lib_watch_check (unknown, 2, s_lookup, NULL));
    s_add ("d5", "missing", 5);
    tf_exp_lib_t gap[] = {{"v0", "d5"}, {"v1", "b2"}};
    assert_null (tf_exp_lib_watch_check (gap, 2, s_lookup, NULL));
}

static void
test_exp_lib_watch_moved_along_the_chain_passes (void **state)
{
    (void) state;
    assert_null (tf_exp_lib_watch_moved ("validator-0", "a1", "a3", s_lookup, NULL));
    assert_null (tf_exp_lib_watch_moved ("validator-0", "a3", "a3", s_lookup, NULL));
    assert_null (tf_exp_lib_watch_moved ("validator-0", "", "a2", s_lookup, NULL));
    assert_null (tf_exp_lib_watch_moved ("validator-0", "a3", "zz", s_lookup, NULL));
    //  Back down the same chain (a restarted node) abandons nothing
    assert_null (tf_exp_lib_watch_moved ("validator-0", "a3", "a1", s_lookup, NULL));
}

static void
test_exp_lib_watch_moved_off_the_chain_is_named (void **state)
{
    (void) state;
    char *message = tf_exp_lib_watch_moved ("validator-1", "a2", "b3", s_lookup, NULL);
    assert_non_null (message);
    assert_non_null (strstr (message, "LIB reverted: validator-1's LIB moved from a2 (height 2) "
                                      "to b3 (height 3)"));
    assert_non_null (strstr (message, "has b2 at height 2"));
    zstr_free (&message);
    message = tf_exp_lib_watch_moved ("validator-1", "a4", "b2", s_lookup, NULL);
    assert_non_null (message);
    assert_non_null (strstr (message, "has a2 at height 2"));
    zstr_free (&message);
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup (test_exp_lib_watch_one_chain_passes, setup),
        cmocka_unit_test_setup (test_exp_lib_watch_names_two_forks, setup),
        cmocka_unit_test_setup (test_exp_lib_watch_leaves_out_what_the_feed_lacks, setup),
        cmocka_unit_test_setup (test_exp_lib_watch_moved_along_the_chain_passes, setup),
        cmocka_unit_test_setup (test_exp_lib_watch_moved_off_the_chain_is_named, setup),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
