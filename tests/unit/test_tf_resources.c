//  test_tf_resources.c - sizes as scenarios write them; the deployer's
//  per-node accounts (CPU over restarts, peak memory, exits node control did
//  not ask for) and /proc of this process; the node_resources judge passing
//  within limits, naming each node over one with its figure, a node never
//  sampled, and its details read back for a replay

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <czmq.h>
#include <unistd.h>
#include "tf_exp_resources_judge.h"
#include "tf_resources.h"
#include "tf_size.h"

#define S_MIB 1048576ull

static void
test_tf_size_parses_bytes_and_units (void **state)
{
    (void) state;
    uint64_t bytes = 0;
    assert_int_equal (tf_size_parse ("4096", &bytes), 0);
    assert_int_equal (bytes, 4096);
    assert_int_equal (tf_size_parse ("512MiB", &bytes), 0);
    assert_int_equal (bytes, 512 * S_MIB);
    assert_int_equal (tf_size_parse ("1.5GiB", &bytes), 0);
    assert_int_equal (bytes, 1536 * S_MIB);
    assert_int_equal (tf_size_parse ("200MB", &bytes), 0);
    assert_int_equal (bytes, 200000000);
    assert_int_equal (tf_size_parse ("8 kB", &bytes), 0);
    assert_int_equal (bytes, 8000);
    assert_int_equal (tf_size_parse ("0", &bytes), 0);
    assert_int_equal (bytes, 0);
    const char *bad[] = {"", "MiB", "12XB", "-1", "1e30GiB", "12 MiBs", NULL};
    for (size_t index = 0; bad[index]; index++)
        assert_int_equal (tf_size_parse (bad[index], &bytes), -1);
    char text[TF_SIZE_TEXT];
    tf_size_print (812, text);
    assert_string_equal (text, "812 B");
    tf_size_print (9751756, text);
    assert_string_equal (text, "9.3 MiB");
}

//  /proc of this very process reads, with memory and some CPU
static void
test_tf_resources_reads_this_process (void **state)
{
    (void) state;
    volatile uint64_t spin = 0;
    for (uint64_t round = 0; round < 50000000; round++)
        spin += round;
    tf_resources_proc_t proc;
    assert_int_equal (tf_resources_read (getpid (), &proc), 0);
    assert_true (proc.rss > 0);
    assert_true (proc.peak_rss >= proc.rss);
    assert_true (proc.cpu_ms > 0);
    assert_int_equal (tf_resources_read (-1, &proc), -1);
    assert_int_equal (tf_resources_read (0, &proc), -1);
}

static void
s_account (tf_resources_t *accounts, pid_t pid, uint64_t cpu_ms, uint64_t peak,
           tf_node_resources_t *sample)
{
    tf_resources_proc_t proc = {.cpu_ms = cpu_ms, .rss = peak / 2, .peak_rss = peak};
    tf_resources_account (accounts, 0, pid, pid > 0 ? &proc : NULL, 1000, sample);
}

//  An exit not asked for counts once; an asked restart does not; CPU and the
//  peak carry over the node's processes
static void
test_tf_resources_counts_exits_not_asked_for (void **state)
{
    (void) state;
    tf_resources_t *accounts = tf_resources_new (1);
    tf_node_resources_t sample;
    s_account (accounts, 100, 500, 8 * S_MIB, &sample);
    assert_true (sample.running);
    assert_int_equal (sample.exits, 0);
    assert_int_equal (sample.cpu_ms, 500);
    //  Asked restart: a new pid, no exit
    tf_resources_asked (accounts, 0);
    s_account (accounts, 101, 100, 4 * S_MIB, &sample);
    assert_int_equal (sample.exits, 0);
    assert_int_equal (sample.cpu_ms, 600);
    assert_int_equal (sample.peak_rss, 8 * S_MIB);
    //  Killed from outside: gone, counted once however long it stays down
    s_account (accounts, -1, 0, 0, &sample);
    assert_false (sample.running);
    assert_int_equal (sample.exits, 1);
    assert_int_equal (sample.rss, 0);
    s_account (accounts, -1, 0, 0, &sample);
    assert_int_equal (sample.exits, 1);
    //  Started again (asked), then replaced by another process unasked
    tf_resources_asked (accounts, 0);
    s_account (accounts, 102, 50, 2 * S_MIB, &sample);
    assert_int_equal (sample.exits, 1);
    assert_int_equal (sample.cpu_ms, 650);
    s_account (accounts, 103, 10, 16 * S_MIB, &sample);
    assert_int_equal (sample.exits, 2);
    assert_int_equal (sample.cpu_ms, 660);
    assert_int_equal (sample.peak_rss, 16 * S_MIB);
    //  An asked stop: down without an exit
    tf_resources_asked (accounts, 0);
    s_account (accounts, -1, 0, 0, &sample);
    assert_int_equal (sample.exits, 2);
    tf_resources_destroy (&accounts);
    assert_null (accounts);
}

static void
s_sample (tf_exp_resources_judge_t *judge, const char *node, uint64_t peak, uint64_t exits)
{
    tf_node_resources_t sample = {
        .node = (char *) node, .at_ms = 1, .running = true, .peak_rss = peak, .exits = exits};
    tf_exp_resources_judge_sample (judge, &sample);
}

static void
test_exp_resources_judge_passes_within_limits (void **state)
{
    (void) state;
    tf_exp_resources_knobs_t knobs = {.max_rss = 512 * S_MIB, .max_restarts = 1};
    tf_exp_resources_judge_t *judge = tf_exp_resources_judge_new (&knobs);
    s_sample (judge, "validator-0", 9 * S_MIB, 0);
    s_sample (judge, "validator-1", 12 * S_MIB, 1);
    const char *expected[] = {"validator-0", "validator-1", NULL};
    tf_exp_resources_verdict_t verdict;
    tf_exp_resources_judge_verdict (judge, expected, &verdict);
    assert_true (verdict.passed);
    assert_string_equal (verdict.message,
                         "node_resources: 2 nodes within limits over 2 samples: highest peak RSS "
                         "12.0 MiB (validator-1) (max_rss 512.0 MiB), at most 1 exits not asked "
                         "for (max_restarts 1)");
    uint64_t samples = 0;
    assert_int_equal (
        tf_exp_resources_details_samples (verdict.details, verdict.details_size, &samples), 0);
    assert_int_equal (samples, 2);
    tf_exp_resources_verdict_free (&verdict);
    tf_exp_resources_judge_destroy (&judge);
}

//  Each node over a limit is named with its figure; one never sampled too
static void
test_exp_resources_judge_names_each_breach (void **state)
{
    (void) state;
    tf_exp_resources_knobs_t knobs = {.max_rss = S_MIB, .max_restarts = 0};
    tf_exp_resources_judge_t *judge = tf_exp_resources_judge_new (&knobs);
    s_sample (judge, "validator-0", S_MIB, 0); //  At the limit: holds
    s_sample (judge, "validator-1", 3 * S_MIB, 0);
    s_sample (judge, "validator-1", 2 * S_MIB, 2); //  The peak is the highest seen
    const char *expected[] = {"validator-0", "validator-1", "validator-2", NULL};
    tf_exp_resources_verdict_t verdict;
    tf_exp_resources_judge_verdict (judge, expected, &verdict);
    assert_false (verdict.passed);
    assert_string_equal (verdict.message,
                         "node_resources: validator-1's peak RSS 3.0 MiB is above max_rss 1.0 "
                         "MiB; validator-1 exited or restarted 2 times without node control "
                         "asking (max_restarts 0); validator-2 was never sampled (the runner "
                         "sends no node.resources for it)");
    tf_exp_resources_verdict_free (&verdict);
    tf_exp_resources_judge_destroy (&judge);
    assert_int_equal (tf_exp_resources_details_samples (NULL, 0, &(uint64_t){0}), -1);
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_tf_size_parses_bytes_and_units),
        cmocka_unit_test (test_tf_resources_reads_this_process),
        cmocka_unit_test (test_tf_resources_counts_exits_not_asked_for),
        cmocka_unit_test (test_exp_resources_judge_passes_within_limits),
        cmocka_unit_test (test_exp_resources_judge_names_each_breach),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
