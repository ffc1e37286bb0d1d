//  test_throughput_judge.c - the verdict of tx_throughput from bus records

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <czmq.h>
#include "tf_exp_throughput_judge.h"

#define S_START_MS 1000000 //  The workload's execute began here ...
#define S_END_MS   1010000 //  ... and lasted 10 s

//  64-hex ids made from a letter and a number
static void
s_id (char prefix, unsigned number, char out[65])
{
    snprintf (out, 65, "%c%063u", prefix, number);
}

//  Tx `number` planned at planned_ms, sent 1 ms later
static void
s_submit (tf_exp_throughput_judge_t *judge, unsigned number, uint64_t planned_ms,
          const char *outcome)
{
    char hash[65];
    s_id ('a', number, hash);
    tf_tx_submitted_t record = {.name = "transactions",
                                .hash = hash,
                                .node = "validator-0",
                                .at_ms = planned_ms + 1,
                                .outcome = (char *) outcome,
                                .planned_ms = planned_ms};
    tf_exp_throughput_judge_submitted (judge, &record);
}

//  Block `number` at `height` (parent number - 1, genesis for 1) carrying txs [first, last)
static void
s_block (tf_exp_throughput_judge_t *judge, unsigned number, uint64_t seen_ms, unsigned first,
         unsigned last)
{
    char id[65], parent[65];
    s_id ('b', number, id);
    s_id ('b', number - 1, parent);
    size_t count = last - first;
    char **hashes = (char **) zmalloc ((count + 1) * sizeof (char *));
    for (size_t index = 0; index < count; index++) {
        hashes[index] = (char *) malloc (65);
        s_id ('a', first + (unsigned) index, hashes[index]);
    }
    tf_feed_block_t block = {.id = id,
                             .parent = parent,
                             .slot = number,
                             .height = number,
                             .txs = {.items = hashes, .count = count},
                             .seen_ms = seen_ms};
    tf_exp_throughput_judge_block (judge, &block);
    for (size_t index = 0; index < count; index++)
        free (hashes[index]);
    free (hashes);
}

static void
s_lib (tf_exp_throughput_judge_t *judge, unsigned number, uint64_t at_ms)
{
    char lib[65];
    s_id ('b', number, lib);
    tf_feed_tip_t tip = {.node = "validator-0",
                         .tip = lib,
                         .lib = lib,
                         .mode = "Online",
                         .at_ms = at_ms,
                         .up = true};
    tf_exp_throughput_judge_tip (judge, &tip);
}

//  The workload's status: execute from S_START_MS, ended at ended_ms (0: still running)
static void
s_status (tf_exp_throughput_judge_t *judge, uint64_t ended_ms, uint64_t planned)
{
    tf_workload_status_t status = {.name = "transactions",
                                   .state = ended_ms ? "stopped" : "running",
                                   .started_ms = S_START_MS,
                                   .ended_ms = ended_ms,
                                   .planned = planned};
    tf_exp_throughput_judge_status (judge, &status);
}

//  A healthy 10 s: 20 tx/s planned, every one accepted, one block a second
//  carrying the previous second's 20 txs 400 ms after the last of them, each
//  block final two seconds later
static tf_exp_throughput_judge_t *
s_healthy (const tf_exp_throughput_limits_t *limits)
{
    tf_exp_throughput_judge_t *judge = tf_exp_throughput_judge_new (limits);
    s_status (judge, 0, 0);
    for (unsigned tx = 0; tx < 200; tx++)
        s_submit (judge, tx, S_START_MS + tx * 50, "accepted");
    for (unsigned second = 1; second <= 10; second++)
        s_block (judge, second, S_START_MS + second * 1000 + 400, (second - 1) * 20, second * 20);
    for (unsigned second = 3; second <= 12; second++)
        s_lib (judge, second - 2, S_START_MS + second * 1000 + 400);
    s_status (judge, S_END_MS, 200);
    return judge;
}

static void
test_throughput_judge_passes_with_the_measured_figures (void **state)
{
    (void) state;
    tf_exp_throughput_limits_t limits = {.min_accepted_tps = 19.5,
                                         .min_included_tps = 19.5,
                                         .max_latency_p99_ms = 1500,
                                         .max_latency_lib_p99_ms = 5000};
    tf_exp_throughput_judge_t *judge = s_healthy (&limits);
    tf_exp_throughput_verdict_t verdict;
    tf_exp_throughput_judge_verdict (judge, &verdict);
    assert_true (verdict.passed);
    assert_true (verdict.accepted_tps == 20.0);
    assert_true (verdict.included_tps == 20.0);
    //  The first tx of a second waits 1400 ms for its block, the last 450 ms
    assert_int_equal (verdict.latency_p99_ms, 1400);
    assert_int_equal (verdict.latency_lib_p99_ms, 3400);
    assert_non_null (strstr (verdict.message,
                             "tx_throughput_expectation: accepted 20.0 tx/s, "
                             "included 20.0 tx/s, latency p99 1400 ms over 10.0 s"));
    assert_non_null (strstr (verdict.message, "- included 20.0 tx/s, required >= 19.5\n"));
    assert_non_null (verdict.details);
    tf_exp_throughput_verdict_free (&verdict);
    tf_exp_throughput_judge_destroy (&judge);
    assert_null (judge);
}

static void
test_throughput_judge_fails_below_a_rate_and_says_both_figures (void **state)
{
    (void) state;
    tf_exp_throughput_limits_t limits = {.min_accepted_tps = 25, .min_included_tps = 30};
    tf_exp_throughput_judge_t *judge = s_healthy (&limits);
    tf_exp_throughput_verdict_t verdict;
    tf_exp_throughput_judge_verdict (judge, &verdict);
    assert_false (verdict.passed);
    assert_ptr_equal (strstr (verdict.message,
                              "tx_throughput_expectation: accepted 20.0 tx/s below required 25\n"),
                      verdict.message);
    assert_non_null (strstr (verdict.message, "- accepted 20.0 tx/s, required >= 25 (FAILED)"));
    assert_non_null (strstr (verdict.message, "- included 20.0 tx/s, required >= 30 (FAILED)"));
    tf_exp_throughput_verdict_free (&verdict);
    tf_exp_throughput_judge_destroy (&judge);
}

static void
test_throughput_judge_a_stalled_chain_fails_its_latency (void **state)
{
    (void) state;
    //  Blocks stop after 3 s: the rest is accepted but never included
    tf_exp_throughput_limits_t limits = {.min_accepted_tps = 15, .max_latency_p99_ms = 3000};
    tf_exp_throughput_judge_t *judge = tf_exp_throughput_judge_new (&limits);
    s_status (judge, S_END_MS, 200);
    for (unsigned tx = 0; tx < 200; tx++)
        s_submit (judge, tx, S_START_MS + tx * 50, "accepted");
    for (unsigned second = 1; second <= 3; second++)
        s_block (judge, second, S_START_MS + second * 1000 + 400, (second - 1) * 20, second * 20);
    tf_exp_throughput_verdict_t verdict;
    tf_exp_throughput_judge_verdict (judge, &verdict);
    assert_false (verdict.passed);
    assert_true (verdict.accepted_tps == 20.0);
    assert_true (verdict.included_tps == 6.0);
    assert_int_equal (verdict.latency_p99_ms, UINT64_MAX);
    assert_ptr_equal (strstr (verdict.message, "tx_throughput_expectation: latency p99 never above "
                                               "allowed 3000 ms"),
                      verdict.message);
    assert_non_null (strstr (verdict.message, "140 accepted txs never reached a kept block"));
    tf_exp_throughput_verdict_free (&verdict);
    tf_exp_throughput_judge_destroy (&judge);
}

static void
test_throughput_judge_window_is_the_execute_not_the_submissions (void **state)
{
    (void) state;
    //  A generator that went quiet after 2 s of its 10 s: 40 txs are 4 tx/s,
    //  not 20; a fan-out planned before execute does not count
    tf_exp_throughput_limits_t limits = {.min_accepted_tps = 10};
    tf_exp_throughput_judge_t *judge = tf_exp_throughput_judge_new (&limits);
    s_submit (judge, 999, S_START_MS - 2000, "accepted");
    for (unsigned tx = 0; tx < 40; tx++)
        s_submit (judge, tx, S_START_MS + tx * 50, "accepted");
    s_status (judge, S_END_MS, 200);
    tf_exp_throughput_verdict_t verdict;
    tf_exp_throughput_judge_verdict (judge, &verdict);
    assert_false (verdict.passed);
    assert_true (verdict.accepted_tps == 4.0);
    assert_non_null (strstr (verdict.message, "200 planned, 40 submitted, 40 accepted"));
    tf_exp_throughput_verdict_free (&verdict);
    tf_exp_throughput_judge_destroy (&judge);

    //  Without any workload.status, the submissions' span is the window
    judge = tf_exp_throughput_judge_new (&limits);
    for (unsigned tx = 0; tx <= 40; tx++)
        s_submit (judge, tx, S_START_MS + tx * 50, "accepted");
    tf_exp_throughput_judge_verdict (judge, &verdict);
    assert_true (verdict.passed);
    assert_true (verdict.accepted_tps == 20.5); //  41 txs over 2 s
    assert_non_null (strstr (verdict.message, "the submissions' times"));
    tf_exp_throughput_verdict_free (&verdict);
    tf_exp_throughput_judge_destroy (&judge);
}

static void
test_throughput_judge_refused_txs_are_not_accepted_and_nothing_fails (void **state)
{
    (void) state;
    tf_exp_throughput_limits_t limits = {.min_accepted_tps = 1};
    tf_exp_throughput_judge_t *judge = tf_exp_throughput_judge_new (&limits);
    s_status (judge, S_END_MS, 20);
    for (unsigned tx = 0; tx < 20; tx++)
        s_submit (judge, tx, S_START_MS + tx * 500, tx % 2 ? "rejected" : "failed");
    tf_exp_throughput_verdict_t verdict;
    tf_exp_throughput_judge_verdict (judge, &verdict);
    assert_false (verdict.passed);
    assert_true (verdict.accepted_tps == 0.0);
    tf_exp_throughput_verdict_free (&verdict);
    tf_exp_throughput_judge_destroy (&judge);

    judge = tf_exp_throughput_judge_new (&limits);
    s_status (judge, S_END_MS, 0);
    tf_exp_throughput_judge_verdict (judge, &verdict);
    assert_false (verdict.passed);
    assert_non_null (strstr (verdict.message, "no transaction was submitted in the window"));
    tf_exp_throughput_verdict_free (&verdict);
    tf_exp_throughput_judge_destroy (&judge);
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_throughput_judge_passes_with_the_measured_figures),
        cmocka_unit_test (test_throughput_judge_fails_below_a_rate_and_says_both_figures),
        cmocka_unit_test (test_throughput_judge_a_stalled_chain_fails_its_latency),
        cmocka_unit_test (test_throughput_judge_window_is_the_execute_not_the_submissions),
        cmocka_unit_test (test_throughput_judge_refused_txs_are_not_accepted_and_nothing_fails),
    };
    return cmocka_run_group_tests_name ("throughput_judge", tests, NULL, NULL);
}
