//  test_exp_lag_watch.c - a node behind the best for longer than the window is
//  named; one behind for less, or one that node control took down, is not

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <czmq.h>
#include "tf_exp_lag_watch.h"

#define S_MAX_LAG   10
#define S_WINDOW_MS 5000

static void
s_samples (tf_exp_lag_watch_t *watch, uint64_t best, uint64_t behind, uint64_t at_ms)
{
    tf_exp_lag_watch_sample (watch, "validator-0", best, true, at_ms);
    tf_exp_lag_watch_sample (watch, "validator-1", best, true, at_ms);
    tf_exp_lag_watch_sample (watch, "validator-2", behind, true, at_ms);
}

static void
s_event (tf_exp_lag_watch_t *watch, const char *kind, const char *node, const char *detail,
         uint64_t at_ms)
{
    tf_run_event_t event = {.run_id = (char *) "r",
                            .at_ms = at_ms,
                            .kind = (char *) kind,
                            .node = (char *) node,
                            .detail = (char *) detail};
    tf_exp_lag_watch_event (watch, &event);
}

static void
test_exp_lag_watch_within_the_lag_passes (void **state)
{
    (void) state;
    tf_exp_lag_watch_t *watch = tf_exp_lag_watch_new (S_MAX_LAG, S_WINDOW_MS);
    for (uint64_t at = 0; at <= 60000; at += 500) {
        s_samples (watch, 100 + at / 100, 100 + at / 100 - S_MAX_LAG, at);
        assert_null (tf_exp_lag_watch_check (watch, at));
    }
    tf_exp_lag_watch_destroy (&watch);
    assert_null (watch);
}

static void
test_exp_lag_watch_names_a_node_left_behind (void **state)
{
    (void) state;
    tf_exp_lag_watch_t *watch = tf_exp_lag_watch_new (S_MAX_LAG, S_WINDOW_MS);
    s_samples (watch, 100, 89, 1000); //  11 behind from 1 s
    assert_null (tf_exp_lag_watch_check (watch, 1000));
    s_samples (watch, 105, 89, 6000); //  5 s behind: not yet longer than the window
    assert_null (tf_exp_lag_watch_check (watch, 6000));
    s_samples (watch, 106, 89, 6500);
    char *message = tf_exp_lag_watch_check (watch, 6500);
    assert_non_null (message);
    assert_string_equal (message, "validator-2 lags: at height 89, 17 blocks behind validator-0 "
                                  "(height 106) for 5.5 s (max_lag 10 blocks, lag_window 5.0 s)");
    zstr_free (&message);
    //  Catching up clears it
    s_samples (watch, 106, 100, 7000);
    assert_null (tf_exp_lag_watch_check (watch, 7000));
    tf_exp_lag_watch_destroy (&watch);
}

//  Loss and a bandwidth limit degrade the network: the node is still judged
static void
test_exp_lag_watch_judges_a_node_under_loss (void **state)
{
    (void) state;
    tf_exp_lag_watch_t *watch = tf_exp_lag_watch_new (S_MAX_LAG, S_WINDOW_MS);
    s_event (watch, "node.control", "validator-2", "loss requested by chaos_loss (chaos_loss-0)",
             500);
    s_event (watch, "node.control.done", "validator-2", "loss validator-2 ok", 600);
    s_event (watch, "node.control", "validator-2", "bandwidth requested by t (t-0)", 700);
    s_event (watch, "node.control.done", "validator-2", "bandwidth validator-2 ok", 800);
    s_samples (watch, 100, 89, 1000);
    assert_null (tf_exp_lag_watch_check (watch, 1000));
    s_samples (watch, 106, 89, 6500);
    char *message = tf_exp_lag_watch_check (watch, 6500);
    assert_non_null (message);
    assert_non_null (strstr (message, "validator-2 lags"));
    zstr_free (&message);
    tf_exp_lag_watch_destroy (&watch);
}

static void
test_exp_lag_watch_names_a_node_that_stopped_answering (void **state)
{
    (void) state;
    tf_exp_lag_watch_t *watch = tf_exp_lag_watch_new (S_MAX_LAG, S_WINDOW_MS);
    s_samples (watch, 100, 100, 0);
    tf_exp_lag_watch_sample (watch, "validator-2", 0, false, 1000); //  Crashed at 100
    for (uint64_t at = 1000; at <= 20000; at += 1000) {
        tf_exp_lag_watch_sample (watch, "validator-0", 100 + at / 100, true, at);
        char *message = tf_exp_lag_watch_check (watch, at);
        if (message) {
            assert_non_null (strstr (message, "validator-2 lags: at height 100 and not answering"));
            assert_true (at > 2000 + S_WINDOW_MS); //  110 is the first height 10 behind
            zstr_free (&message);
            tf_exp_lag_watch_destroy (&watch);
            return;
        }
    }
    fail_msg ("the node that stopped answering was never named");
}

static void
test_exp_lag_watch_exempts_what_node_control_took_down (void **state)
{
    (void) state;
    tf_exp_lag_watch_t *watch = tf_exp_lag_watch_new (S_MAX_LAG, S_WINDOW_MS);
    s_samples (watch, 100, 100, 0);
    s_event (watch, "node.control", "validator-2", "pause requested by chaos_pause (seed 1)", 500);
    s_event (watch, "node.control.done", "validator-2", "pause validator-2 ok", 600);
    for (uint64_t at = 1000; at <= 30000; at += 1000) {
        s_samples (watch, 100 + at / 100, 100, at); //  Paused: it stays at 100
        assert_null (tf_exp_lag_watch_check (watch, at));
    }
    //  Resumed at 30 s: the window to catch up, then it counts again
    s_event (watch, "node.control", "validator-2", "resume requested by chaos_pause", 30000);
    assert_null (tf_exp_lag_watch_check (watch, 30100));
    s_event (watch, "node.control.done", "validator-2", "resume validator-2 ok", 30200);
    s_samples (watch, 400, 100, 35000);
    assert_null (tf_exp_lag_watch_check (watch, 35000)); //  Still within the grace
    s_samples (watch, 410, 100, 36000);
    assert_null (tf_exp_lag_watch_check (watch, 36000)); //  Behind since 36 s only
    s_samples (watch, 470, 100, 41500);
    char *message = tf_exp_lag_watch_check (watch, 41500);
    assert_non_null (message);
    assert_non_null (strstr (message, "validator-2 lags"));
    zstr_free (&message);
    tf_exp_lag_watch_destroy (&watch);
}

static void
test_exp_lag_watch_exempts_both_sides_of_a_partition_until_healed (void **state)
{
    (void) state;
    tf_exp_lag_watch_t *watch = tf_exp_lag_watch_new (S_MAX_LAG, S_WINDOW_MS);
    s_samples (watch, 100, 100, 0);
    //  The cut group is the larger side: the other node falls behind too
    s_event (watch, "node.control", "validator-0,validator-1", "partition requested by chaos", 100);
    for (uint64_t at = 1000; at <= 20000; at += 1000) {
        tf_exp_lag_watch_sample (watch, "validator-0", 100 + at / 100, true, at);
        tf_exp_lag_watch_sample (watch, "validator-1", 100 + at / 100, true, at);
        tf_exp_lag_watch_sample (watch, "validator-2", 100 + at / 1000, true, at);
        assert_null (tf_exp_lag_watch_check (watch, at));
    }
    s_event (watch, "node.control.done", NULL, "heal ok", 20000);
    s_samples (watch, 300, 120, 24000);
    assert_null (tf_exp_lag_watch_check (watch, 24000));
    s_samples (watch, 320, 120, 26000);
    assert_null (tf_exp_lag_watch_check (watch, 26000));
    s_samples (watch, 390, 120, 31500);
    char *message = tf_exp_lag_watch_check (watch, 31500);
    assert_non_null (message);
    zstr_free (&message);
    tf_exp_lag_watch_destroy (&watch);
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_exp_lag_watch_within_the_lag_passes),
        cmocka_unit_test (test_exp_lag_watch_names_a_node_left_behind),
        cmocka_unit_test (test_exp_lag_watch_judges_a_node_under_loss),
        cmocka_unit_test (test_exp_lag_watch_names_a_node_that_stopped_answering),
        cmocka_unit_test (test_exp_lag_watch_exempts_what_node_control_took_down),
        cmocka_unit_test (test_exp_lag_watch_exempts_both_sides_of_a_partition_until_healed),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
