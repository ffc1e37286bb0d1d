//  test_tf_progress.c - what tf shows while a run goes on: plain lines in CI,
//  one live line on a terminal

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <inttypes.h>
#include <stdio.h>
#include "tf_plan.h"
#include "tf_progress.h"

typedef struct {
    char *text; //  Everything printed so far
    size_t size;
    FILE *out; //  Memory stream over text
} s_screen_t;

static int
s_setup (void **state)
{
    s_screen_t *screen = (s_screen_t *) zmalloc (sizeof (s_screen_t));
    screen->out = open_memstream (&screen->text, &screen->size);
    assert_non_null (screen->out);
    *state = screen;
    return 0;
}

static int
s_teardown (void **state)
{
    s_screen_t *screen = (s_screen_t *) *state;
    fclose (screen->out);
    free (screen->text);
    free (screen);
    return 0;
}

//  A run.phase broadcast as the coordinator sends it
static tf_msg_t
s_phase (const char *name, uint64_t seq, uint64_t phase_ms, char **awaiting, size_t count)
{
    tf_msg_t msg = {.id = TF_MSG_run_phase};
    msg.run_phase = (tf_run_phase_t){.run_id = "run-1",
                                     .phase = (char *) name,
                                     .seq = seq,
                                     .elapsed_ms = 1500,
                                     .phase_ms = phase_ms,
                                     .awaiting = {.items = awaiting, .count = count}};
    return msg;
}

//  Occurrences of needle in haystack
static size_t
s_count (const char *haystack, const char *needle)
{
    size_t count = 0;
    for (const char *found = strstr (haystack, needle); found; found = strstr (found + 1, needle))
        count++;
    return count;
}

static void
test_tf_progress_prints_each_phase_once_in_ci (void **state)
{
    s_screen_t *screen = (s_screen_t *) *state;
    tf_progress_t *progress = tf_progress_new (screen->out, false);
    char *awaiting[] = {"judge"};
    tf_msg_t deploy = s_phase ("deploy", 2, 0, awaiting, 1);
    tf_msg_t execute = s_phase ("execute", 4, 30000, NULL, 0);
    tf_progress_message (progress, &deploy);
    tf_progress_message (progress, &deploy); //  Repeated every heartbeat
    tf_progress_message (progress, &execute);
    tf_progress_message (progress, &execute);
    assert_string_equal (tf_progress_phase (progress), "execute");
    fflush (screen->out);
    assert_int_equal (s_count (screen->text, "phase deploy, run 1.5s"), 1);
    assert_int_equal (s_count (screen->text, "phase execute (30.0s planned), run 1.5s"), 1);
    assert_int_equal (screen->text[0], '[');   //  Timestamped
    assert_null (strstr (screen->text, "\r")); //  No terminal control in CI
    tf_progress_destroy (&progress);
    assert_null (progress);
}

static void
test_tf_progress_reports_abort (void **state)
{
    s_screen_t *screen = (s_screen_t *) *state;
    tf_progress_t *progress = tf_progress_new (screen->out, false);
    tf_msg_t abort_msg = {.id = TF_MSG_run_abort};
    abort_msg.run_abort = (tf_run_abort_t){
        .run_id = "run-1", .reason = "actor crasher lost", .actor = "crasher", .phase = "execute"};
    tf_progress_message (progress, &abort_msg);
    fflush (screen->out);
    assert_non_null (strstr (screen->text, "run aborted in execute by actor crasher: actor "
                                           "crasher lost"));
    tf_progress_destroy (&progress);
}

static void
test_tf_progress_keeps_one_live_line (void **state)
{
    s_screen_t *screen = (s_screen_t *) *state;
    tf_progress_t *progress = tf_progress_new (screen->out, true);
    char *awaiting[] = {"deployer", "judge"};
    tf_msg_t capture = s_phase ("capture", 3, 0, awaiting, 2);
    tf_progress_message (progress, &capture);
    tf_progress_tick (progress);
    fflush (screen->out);
    assert_non_null (strstr (screen->text, "\r\033[Kcapture "));
    assert_non_null (strstr (screen->text, "awaiting: deployer, judge"));
    tf_progress_line (progress, "something happened");
    tf_progress_end (progress);
    fflush (screen->out);
    //  The line is printed on a clean line, and the live line erased at the end
    assert_non_null (strstr (screen->text, "\r\033[Ksomething happened\n"));
    size_t length = strlen (screen->text);
    assert_true (length >= 4);
    assert_string_equal (screen->text + length - 4, "\r\033[K");
    tf_progress_destroy (&progress);
}

static void
test_tf_progress_done_awaits_nobody (void **state)
{
    s_screen_t *screen = (s_screen_t *) *state;
    tf_progress_t *progress = tf_progress_new (screen->out, true);
    char *awaiting[] = {"deployer"};
    tf_msg_t done = s_phase ("done", 8, 0, awaiting, 1);
    tf_progress_message (progress, &done);
    tf_progress_tick (progress);
    fflush (screen->out);
    assert_non_null (strstr (screen->text, "phase done"));
    assert_null (strstr (screen->text, "awaiting"));
    tf_progress_destroy (&progress);
}

//  A feed.tip sample of node at height (up or not)
static tf_msg_t
s_tip (const char *node, uint64_t height, bool up)
{
    tf_msg_t msg = {.id = TF_MSG_feed_tip};
    msg.feed_tip = (tf_feed_tip_t){.node = (char *) node,
                                   .tip = "t",
                                   .height = height,
                                   .lib = "l",
                                   .mode = "Online",
                                   .up = up};
    return msg;
}

static void
test_tf_progress_shows_heights_and_transactions_from_the_feed (void **state)
{
    s_screen_t *screen = (s_screen_t *) *state;
    tf_progress_t *progress = tf_progress_new (screen->out, true);
    tf_msg_t execute = s_phase ("execute", 4, 30000, NULL, 0);
    tf_progress_message (progress, &execute);
    tf_msg_t tips[] = {s_tip ("validator-0", 12, true), s_tip ("validator-1", 10, true),
                       s_tip ("validator-2", 11, true), s_tip ("validator-1", 0, false)};
    for (size_t index = 0; index < 4; index++)
        tf_progress_message (progress, &tips[index]);
    tf_msg_t stats = {.id = TF_MSG_feed_stats};
    stats.feed_stats =
        (tf_feed_stats_t){.blocks = 13, .transactions = 34, .nodes_up = 2, .nodes = 3};
    tf_progress_message (progress, &stats);
    uint64_t lowest = 0, highest = 0;
    //  A node that stops answering keeps the last height it answered with
    assert_int_equal (tf_progress_heights (progress, &lowest, &highest), 3);
    assert_int_equal (lowest, 10);
    assert_int_equal (highest, 12);
    tf_progress_tick (progress);
    fflush (screen->out);
    assert_non_null (strstr (screen->text, "\r\033[Kexecute "));
    assert_non_null (strstr (screen->text, "s/30.0s, run "));
    assert_non_null (strstr (screen->text, ", height 10-12, txs 34"));
    tf_progress_destroy (&progress);
}

//  A run of TF_PLAN_MAX_NODES nodes: every one is followed; one more name is not
static void
test_tf_progress_follows_every_node_at_the_limit (void **state)
{
    s_screen_t *screen = (s_screen_t *) *state;
    tf_progress_t *progress = tf_progress_new (screen->out, true);
    char name[32];
    for (int round = 0; round < 2; round++)
        for (uint64_t node = 0; node <= TF_PLAN_MAX_NODES; node++) {
            snprintf (name, sizeof name, "validator-%" PRIu64, node);
            tf_msg_t tip = s_tip (name, 100 + node + (uint64_t) round, true);
            tf_progress_message (progress, &tip);
        }
    uint64_t lowest = 0, highest = 0;
    assert_int_equal (tf_progress_heights (progress, &lowest, &highest), TF_PLAN_MAX_NODES);
    assert_int_equal (lowest, 101);
    assert_int_equal (highest, 100 + TF_PLAN_MAX_NODES);
    tf_progress_destroy (&progress);
}

static void
test_tf_progress_without_feed_shows_no_heights (void **state)
{
    s_screen_t *screen = (s_screen_t *) *state;
    tf_progress_t *progress = tf_progress_new (screen->out, true);
    tf_msg_t execute = s_phase ("execute", 4, 30000, NULL, 0);
    tf_progress_message (progress, &execute);
    tf_progress_tick (progress);
    fflush (screen->out);
    assert_null (strstr (screen->text, "height"));
    assert_null (strstr (screen->text, "txs"));
    tf_progress_destroy (&progress);
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown (test_tf_progress_prints_each_phase_once_in_ci, s_setup,
                                         s_teardown),
        cmocka_unit_test_setup_teardown (test_tf_progress_reports_abort, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_tf_progress_keeps_one_live_line, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_tf_progress_done_awaits_nobody, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (
            test_tf_progress_shows_heights_and_transactions_from_the_feed, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_tf_progress_follows_every_node_at_the_limit, s_setup,
                                         s_teardown),
        cmocka_unit_test_setup_teardown (test_tf_progress_without_feed_shows_no_heights, s_setup,
                                         s_teardown),
    };
    return cmocka_run_group_tests_name ("tf_progress", tests, NULL, NULL);
}
