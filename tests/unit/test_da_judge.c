//  test_da_judge.c - the verdict of da_inclusion from bus records: channels, blobs,
//  reorganised blocks, blobs never dispersed, sampling

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <czmq.h>
#include <msgpack.h>
#include "tf_exp_da_judge.h"

//  64-hex ids made from a letter and a number
static void
s_id (char prefix, unsigned number, char out[65])
{
    snprintf (out, 65, "%c%063u", prefix, number);
}

//  Channel `number`: its inscription tx is t<number>
static void
s_channel (tf_exp_da_judge_t *judge, unsigned number, const char *outcome)
{
    char channel[65], tx[65];
    s_id ('c', number, channel);
    s_id ('t', number, tx);
    tf_da_published_t record = {.name = "da",
                                .what = "channel",
                                .channel = channel,
                                .id = tx,
                                .node = "validator-0",
                                .at_ms = 1000,
                                .outcome = (char *) outcome};
    tf_exp_da_judge_published (judge, &record);
}

//  Blob `number` on channel 1 (number 0: never dispersed, empty id)
static void
s_blob (tf_exp_da_judge_t *judge, unsigned number, const char *outcome)
{
    char channel[65], blob[65];
    s_id ('c', 1, channel);
    if (number)
        s_id ('d', number, blob);
    else
        blob[0] = 0;
    tf_da_published_t record = {.name = "da",
                                .what = "blob",
                                .channel = channel,
                                .id = blob,
                                .node = "executor-0",
                                .at_ms = 2000,
                                .outcome = (char *) outcome,
                                .size = 2048};
    tf_exp_da_judge_published (judge, &record);
}

//  Block `number` on `parent`, carrying channel txs [tx_first, tx_last) and blobs
//  [blob_first, blob_last)
static void
s_block (tf_exp_da_judge_t *judge, unsigned number, unsigned parent, uint64_t height,
         unsigned tx_first, unsigned tx_last, unsigned blob_first, unsigned blob_last)
{
    char id[65], parent_id[65];
    s_id ('b', number, id);
    s_id ('b', parent, parent_id);
    char *txs[16], *blobs[16];
    size_t tx_count = 0, blob_count = 0;
    for (unsigned tx = tx_first; tx < tx_last; tx++) {
        txs[tx_count] = (char *) malloc (65);
        s_id ('t', tx, txs[tx_count++]);
    }
    for (unsigned blob = blob_first; blob < blob_last; blob++) {
        blobs[blob_count] = (char *) malloc (65);
        s_id ('d', blob, blobs[blob_count++]);
    }
    tf_feed_block_t block = {.id = id,
                             .parent = parent_id,
                             .slot = height,
                             .height = height,
                             .txs = {.items = txs, .count = tx_count},
                             .seen_ms = 3000 + height,
                             .blobs = {.items = blobs, .count = blob_count}};
    tf_exp_da_judge_block (judge, &block);
    for (size_t index = 0; index < tx_count; index++)
        free (txs[index]);
    for (size_t index = 0; index < blob_count; index++)
        free (blobs[index]);
}

static void
s_lib (tf_exp_da_judge_t *judge, unsigned number)
{
    char id[65];
    s_id ('b', number, id);
    tf_feed_tip_t tip = {
        .node = "validator-0", .tip = id, .lib = id, .mode = "Online", .at_ms = 9000, .up = true};
    tf_exp_da_judge_tip (judge, &tip);
}

//  A sampling answer for block `number` about blobs [first, last)
static void
s_sampled (tf_exp_da_judge_t *judge, unsigned number, unsigned first, unsigned last, bool available)
{
    char block[65];
    s_id ('b', number, block);
    char *blobs[16];
    size_t count = 0;
    for (unsigned blob = first; blob < last; blob++) {
        blobs[count] = (char *) malloc (65);
        s_id ('d', blob, blobs[count++]);
    }
    tf_da_sampled_t record = {.name = "da_inclusion",
                              .node = "validator-0",
                              .block = block,
                              .blobs = {.items = blobs, .count = count},
                              .available = available,
                              .at_ms = 9500};
    tf_exp_da_judge_sampled (judge, &record);
    for (size_t index = 0; index < count; index++)
        free (blobs[index]);
}

static void
s_targets (const char *block_id, const tf_strs_t *blobs, void *arg)
{
    size_t *count = (size_t *) arg;
    assert_int_equal (strlen (block_id), 64);
    *count += blobs->count;
}

//  Everything included: passes with the seeds' first line
static void
test_da_judge_passes (void **state)
{
    (void) state;
    tf_exp_da_judge_t *judge = tf_exp_da_judge_new (0.8, 0.5);
    s_channel (judge, 1, "accepted");
    s_channel (judge, 2, "accepted");
    for (unsigned blob = 1; blob <= 4; blob++)
        s_blob (judge, blob, "accepted");
    s_block (judge, 1, 0, 1, 1, 3, 0, 0);
    s_block (judge, 2, 1, 2, 0, 0, 1, 5);
    tf_exp_da_verdict_t verdict;
    tf_exp_da_judge_verdict (judge, &verdict);
    assert_true (verdict.passed);
    assert_int_equal (verdict.inscribed, 2);
    assert_int_equal (verdict.included, 4);
    assert_non_null (strstr (verdict.message,
                             "da_workload_inclusions: 2/2 channels inscribed, 4/4 blobs included"));
    tf_exp_da_verdict_free (&verdict);
    tf_exp_da_judge_destroy (&judge);
}

//  Blobs dispersed but never in a block: fails naming them; undispersed count too
static void
test_da_judge_fails_on_missing_blobs (void **state)
{
    (void) state;
    tf_exp_da_judge_t *judge = tf_exp_da_judge_new (0.8, 0.5);
    s_channel (judge, 1, "accepted");
    for (unsigned blob = 1; blob <= 4; blob++)
        s_blob (judge, blob, "accepted");
    s_blob (judge, 0, "failed");
    s_block (judge, 1, 0, 1, 1, 2, 0, 0);
    s_block (judge, 2, 1, 2, 0, 0, 1, 3); //  Only blobs 1 and 2
    tf_exp_da_verdict_t verdict;
    tf_exp_da_judge_verdict (judge, &verdict);
    assert_false (verdict.passed); //  2 of 5 planned, 3 required
    assert_int_equal (verdict.blobs, 5);
    assert_int_equal (verdict.blobs_required, 3);
    assert_non_null (strstr (verdict.message,
                             "da_workload_inclusions: observed 2/5 blobs included below "
                             "required 3"));
    assert_non_null (strstr (verdict.message, "1 never dispersed"));
    assert_non_null (strstr (verdict.message, "d000000000000000")); //  Blob 3 and 4 named
    tf_exp_da_verdict_free (&verdict);
    tf_exp_da_judge_destroy (&judge);
}

//  A blob only in a reorganised block is not included; a channel never inscribed fails
static void
test_da_judge_reorgs_and_channels (void **state)
{
    (void) state;
    tf_exp_da_judge_t *judge = tf_exp_da_judge_new (0.8, 1.0);
    s_channel (judge, 1, "accepted");
    s_blob (judge, 1, "accepted");
    s_block (judge, 1, 0, 1, 1, 2, 0, 0);
    s_block (judge, 2, 1, 2, 0, 0, 1, 2); //  Lost to block 3
    s_block (judge, 3, 1, 2, 0, 0, 0, 0);
    s_block (judge, 4, 3, 3, 0, 0, 0, 0);
    s_lib (judge, 4);
    tf_exp_da_verdict_t verdict;
    tf_exp_da_judge_verdict (judge, &verdict);
    assert_false (verdict.passed);
    assert_int_equal (verdict.included, 0);
    tf_exp_da_verdict_free (&verdict);
    tf_exp_da_judge_destroy (&judge);

    judge = tf_exp_da_judge_new (0.8, 0.5);
    s_channel (judge, 1, "accepted");
    s_channel (judge, 2, "rejected");
    tf_exp_da_judge_verdict (judge, &verdict);
    assert_false (verdict.passed);
    assert_int_equal (verdict.channels_required, 2);
    assert_non_null (strstr (verdict.message, "observed 0/2 channels inscribed below required 2"));
    tf_exp_da_verdict_free (&verdict);
    tf_exp_da_judge_destroy (&judge);

    judge = tf_exp_da_judge_new (0.8, 0.5); //  Nothing published at all
    tf_exp_da_judge_verdict (judge, &verdict);
    assert_false (verdict.passed);
    assert_non_null (strstr (verdict.message, "no channel was published"));
    tf_exp_da_verdict_free (&verdict);
    tf_exp_da_judge_destroy (&judge);
}

//  With sampling, an included blob counts only when sampled available
static void
test_da_judge_sampling (void **state)
{
    (void) state;
    tf_exp_da_judge_t *judge = tf_exp_da_judge_new (0.8, 0.5);
    tf_exp_da_judge_set_sample (judge, true);
    s_channel (judge, 1, "accepted");
    for (unsigned blob = 1; blob <= 4; blob++)
        s_blob (judge, blob, "accepted");
    s_block (judge, 1, 0, 1, 1, 2, 0, 0);
    s_block (judge, 2, 1, 2, 0, 0, 1, 3);
    s_block (judge, 3, 2, 3, 0, 0, 3, 5);
    size_t targets = 0;
    tf_exp_da_judge_targets (judge, s_targets, &targets);
    assert_int_equal (targets, 4);
    tf_exp_da_verdict_t verdict;
    tf_exp_da_judge_verdict (judge, &verdict); //  No answer yet: nothing available
    assert_false (verdict.passed);
    assert_non_null (strstr (verdict.message, "0 of 4 blobs on chain sampled available"));
    tf_exp_da_verdict_free (&verdict);
    s_sampled (judge, 2, 1, 3, false);
    s_sampled (judge, 3, 3, 5, true);
    tf_exp_da_judge_verdict (judge, &verdict);
    assert_true (verdict.passed); //  2 of 4, 2 required
    assert_int_equal (verdict.included, 2);
    tf_exp_da_verdict_free (&verdict);
    tf_exp_da_judge_destroy (&judge);
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_da_judge_passes),
        cmocka_unit_test (test_da_judge_fails_on_missing_blobs),
        cmocka_unit_test (test_da_judge_reorgs_and_channels),
        cmocka_unit_test (test_da_judge_sampling),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
