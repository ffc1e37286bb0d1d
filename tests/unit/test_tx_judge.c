//  test_tx_judge.c - the verdict of tx_inclusion from bus records

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <czmq.h>
#include <msgpack.h>
#include "tf_exp_latency.h"
#include "tf_exp_tx_chain.h"
#include "tf_exp_tx_judge.h"

//  64-hex ids made from a letter and a number
static void
s_id (char prefix, unsigned number, char out[65])
{
    snprintf (out, 65, "%c%063u", prefix, number);
}

static void
s_submit (tf_exp_tx_judge_t *judge, unsigned number, uint64_t at_ms, const char *outcome,
          const char *reason)
{
    char hash[65];
    s_id ('a', number, hash);
    tf_tx_submitted_t record = {.name = "transactions",
                                .hash = hash,
                                .node = "validator-0",
                                .at_ms = at_ms,
                                .outcome = (char *) outcome,
                                .reason = (char *) reason};
    tf_exp_tx_judge_submitted (judge, &record);
}

//  Block `number` at `height` on parent `parent_number` (0: genesis), carrying txs [first, last)
static void
s_block (tf_exp_tx_judge_t *judge, unsigned number, unsigned parent_number, uint64_t height,
         uint64_t seen_ms, unsigned first, unsigned last)
{
    char id[65], parent[65];
    s_id ('b', number, id);
    s_id ('b', parent_number, parent);
    char *hashes[64];
    size_t count = 0;
    for (unsigned tx = first; tx < last; tx++) {
        hashes[count] = (char *) malloc (65);
        s_id ('a', tx, hashes[count++]);
    }
    tf_feed_block_t block = {.id = id,
                             .parent = parent,
                             .slot = height,
                             .height = height,
                             .txs = {.items = hashes, .count = count},
                             .seen_ms = seen_ms};
    tf_exp_tx_judge_block (judge, &block);
    for (size_t index = 0; index < count; index++)
        free (hashes[index]);
}

static void
s_lib (tf_exp_tx_judge_t *judge, unsigned number, uint64_t at_ms)
{
    char lib[65];
    s_id ('b', number, lib);
    tf_feed_tip_t tip = {.node = "validator-0",
                         .tip = lib,
                         .lib = lib,
                         .mode = "Online",
                         .at_ms = at_ms,
                         .up = true};
    tf_exp_tx_judge_tip (judge, &tip);
}

//  details[key] as an unsigned integer (the key must be there)
static uint64_t
s_detail (const tf_exp_tx_verdict_t *verdict, const char *key, const char *inner)
{
    msgpack_unpacked unpacked;
    msgpack_unpacked_init (&unpacked);
    assert_int_equal (msgpack_unpack_next (&unpacked, (const char *) verdict->details,
                                           verdict->details_size, NULL),
                      MSGPACK_UNPACK_SUCCESS);
    const msgpack_object *map = &unpacked.data;
    uint64_t value = UINT64_MAX;
    for (int pass = 0; pass < 2 && map; pass++) {
        const char *wanted = pass == 0 ? key : inner;
        const msgpack_object *found = NULL;
        for (uint32_t index = 0; index < map->via.map.size; index++) {
            const msgpack_object_kv *entry = &map->via.map.ptr[index];
            if (entry->key.via.str.size == strlen (wanted)
                && memcmp (entry->key.via.str.ptr, wanted, strlen (wanted)) == 0)
                found = &entry->val;
        }
        assert_non_null (found);
        if (pass == 0 && inner && found->type == MSGPACK_OBJECT_MAP) {
            map = found;
            continue;
        }
        if (found->type == MSGPACK_OBJECT_ARRAY)
            value = found->via.array.size;
        else if (found->type == MSGPACK_OBJECT_POSITIVE_INTEGER)
            value = found->via.u64;
        break;
    }
    msgpack_unpacked_destroy (&unpacked);
    return value;
}

static void
test_tx_judge_fails_in_the_seeds_form (void **state)
{
    (void) state;
    tf_exp_tx_judge_t *judge = tf_exp_tx_judge_new (0.5);
    for (unsigned tx = 0; tx < 50; tx++)
        s_submit (judge, tx, 1000, "accepted", NULL);
    s_block (judge, 1, 0, 1, 1400, 0, 15); //  15 of 50 included
    tf_exp_tx_verdict_t verdict;
    tf_exp_tx_judge_verdict (judge, &verdict);
    assert_false (verdict.passed);
    assert_int_equal (verdict.required, 25);
    assert_int_equal (verdict.included, 15);
    const char *first = "tx_inclusion_expectation: observed 15 below required 25\n- ";
    assert_memory_equal (verdict.message, first, strlen (first));
    assert_int_equal (s_detail (&verdict, "submitted", NULL), 50);
    assert_int_equal (s_detail (&verdict, "inclusion_latency_ms", NULL), 15);
    assert_int_equal (s_detail (&verdict, "latency_ms", "p50"), 400);
    assert_int_equal (s_detail (&verdict, "lib_latency_ms", "max"), 0); //  No LIB yet
    tf_exp_tx_verdict_free (&verdict);
    tf_exp_tx_judge_destroy (&judge);
    assert_null (judge);
}

static void
test_tx_judge_passes_counts_rejections_and_latencies (void **state)
{
    (void) state;
    tf_exp_tx_judge_t *judge = tf_exp_tx_judge_new (0.5);
    for (unsigned tx = 0; tx < 8; tx++)
        s_submit (judge, tx, 1000 + tx, "accepted", tx == 3 ? "validator-1: no answer" : NULL);
    s_submit (judge, 8, 1000, "rejected", "http 422: input spent");
    s_submit (judge, 9, 1000, "failed", "validator-0: no answer; validator-1: no answer");
    s_block (judge, 1, 0, 1, 1100, 0, 4);
    s_block (judge, 2, 1, 2, 1500, 4, 8);
    s_lib (judge, 1, 3000);
    tf_exp_tx_verdict_t verdict;
    tf_exp_tx_judge_verdict (judge, &verdict);
    assert_true (verdict.passed);
    const char *first = "tx_inclusion_expectation: 8/10 included (80%)\n";
    assert_memory_equal (verdict.message, first, strlen (first));
    assert_non_null (strstr (verdict.message, "1 not accepted: http 422: input spent"));
    assert_int_equal (s_detail (&verdict, "required", NULL), 5);
    assert_int_equal (s_detail (&verdict, "accepted", NULL), 8);
    assert_int_equal (s_detail (&verdict, "rejected", NULL), 1);
    assert_int_equal (s_detail (&verdict, "failed", NULL), 1);
    assert_int_equal (s_detail (&verdict, "retried", NULL), 1);
    assert_int_equal (s_detail (&verdict, "finalized", NULL), 4); //  Block 1 only
    assert_int_equal (s_detail (&verdict, "lib_latency_ms", "max"), 2000);
    assert_int_equal (s_detail (&verdict, "latency_ms", "max"), 1500 - 1004);
    assert_int_equal (s_detail (&verdict, "by_node", "validator-0"), 8);
    tf_exp_tx_verdict_free (&verdict);
    tf_exp_tx_judge_destroy (&judge);
}

static void
test_tx_judge_counts_txs_lost_in_reorgs (void **state)
{
    (void) state;
    tf_exp_tx_judge_t *judge = tf_exp_tx_judge_new (0.5);
    for (unsigned tx = 0; tx < 4; tx++)
        s_submit (judge, tx, 1000, "accepted", NULL);
    //  Fork at height 1: block 2 carries txs 0-1 and loses; block 1 carries 1-2 and wins
    s_block (judge, 2, 0, 1, 1100, 0, 2);
    s_block (judge, 1, 0, 1, 1200, 1, 3);
    s_block (judge, 3, 1, 2, 1300, 3, 4); //  Above the LIB: undecided, included
    s_lib (judge, 1, 2500);
    tf_exp_tx_verdict_t verdict;
    tf_exp_tx_judge_verdict (judge, &verdict);
    assert_int_equal (verdict.included, 3);                            //  1 (block 1), 2, 3
    assert_int_equal (s_detail (&verdict, "lost_in_reorgs", NULL), 1); //  tx 0
    assert_int_equal (s_detail (&verdict, "finalized", NULL), 2);
    //  Tx 1's latency is from the winning block, not the first it was seen in
    assert_int_equal (s_detail (&verdict, "latency_ms", "p50"), 200);
    tf_exp_tx_verdict_free (&verdict);
    tf_exp_tx_judge_destroy (&judge);
}

static void
test_tx_judge_is_order_independent_and_never_passes_empty (void **state)
{
    (void) state;
    //  Blocks and LIBs before the submissions (feed and control race)
    tf_exp_tx_judge_t *judge = tf_exp_tx_judge_new (1.0);
    s_lib (judge, 1, 2000);
    s_block (judge, 1, 0, 1, 1500, 0, 2);
    s_submit (judge, 0, 1000, "rejected", "http 422: x");
    s_submit (judge, 0, 1001, "accepted", NULL); //  Same hash: the acceptance counts
    s_submit (judge, 1, 1000, "accepted", NULL);
    s_submit (judge, 1, 1200, "failed", NULL); //  ... and is kept over a later failure
    tf_exp_tx_verdict_t verdict;
    tf_exp_tx_judge_verdict (judge, &verdict);
    assert_true (verdict.passed);
    assert_int_equal (verdict.submitted, 2);
    assert_int_equal (s_detail (&verdict, "finalized", NULL), 2);
    tf_exp_tx_verdict_free (&verdict);
    tf_exp_tx_judge_destroy (&judge);

    judge = tf_exp_tx_judge_new (0.5);
    tf_exp_tx_judge_verdict (judge, &verdict);
    assert_false (verdict.passed);
    assert_non_null (strstr (verdict.message, "observed 0 below required 1"));
    tf_exp_tx_verdict_free (&verdict);
    tf_exp_tx_judge_destroy (&judge);
}

static void
test_tx_judge_percentiles_are_nearest_rank (void **state)
{
    (void) state;
    const uint64_t sorted[] = {10, 20, 30, 40, 50, 60, 70, 80, 90, 100};
    assert_int_equal (tf_exp_tx_percentile (sorted, 10, 0.5), 50);
    assert_int_equal (tf_exp_tx_percentile (sorted, 10, 0.9), 90);
    assert_int_equal (tf_exp_tx_percentile (sorted, 10, 0.99), 100);
    assert_int_equal (tf_exp_tx_percentile (sorted, 1, 0.5), 10);
    assert_int_equal (tf_exp_tx_percentile (sorted, 0, 0.5), 0);
}

static void
test_tx_judge_latency_counts_from_the_planned_time (void **state)
{
    (void) state;
    tf_exp_tx_judge_t *judge = tf_exp_tx_judge_new (0.5);
    char hash[65];
    s_id ('a', 0, hash);
    //  Planned at 1000, sent at 1300 (the generator was behind), in a block at 1500
    tf_tx_submitted_t record = {.name = "transactions",
                                .hash = hash,
                                .node = "validator-0",
                                .at_ms = 1300,
                                .outcome = "accepted",
                                .planned_ms = 1000};
    tf_exp_tx_judge_submitted (judge, &record);
    s_block (judge, 1, 0, 1, 1500, 0, 1);
    tf_exp_tx_verdict_t verdict;
    tf_exp_tx_judge_verdict (judge, &verdict);
    assert_int_equal (s_detail (&verdict, "latency_ms", "max"), 500);
    tf_exp_tx_verdict_free (&verdict);
    tf_exp_tx_judge_destroy (&judge);
}

//  A 30-minute run, in record time: a block every 500 ms carrying 10 txs
//  submitted 200 ms before it, the LIB 4 blocks behind; every 100th height a
//  losing sibling carries one more tx; every 50th block one record comes 70 s
//  late, after its block settled. Memory holds about a minute of it; the
//  verdict counts every tx exactly.
#define S_LONG_BLOCKS 3600
#define S_LONG_TXS    10
#define S_LONG_STEP   500

static void
test_tx_judge_settles_a_long_run_in_flat_memory (void **state)
{
    (void) state;
    tf_exp_tx_judge_t *judge = tf_exp_tx_judge_new (1.0);
    uint64_t start = 1700000000000ULL;
    unsigned forks = 0, late = 0;
    size_t most_txs = 0, most_blocks = 0;
    for (unsigned height = 1; height <= S_LONG_BLOCKS; height++) {
        uint64_t at = start + (uint64_t) height * S_LONG_STEP;
        unsigned first = height * S_LONG_TXS;
        for (unsigned tx = first; tx < first + S_LONG_TXS; tx++)
            if (!(height % 50 == 0 && tx == first))
                s_submit (judge, tx, at - 200, "accepted", NULL);
        s_block (judge, height, height - 1, height, at, first, first + S_LONG_TXS);
        if (height % 100 == 0 && height < S_LONG_BLOCKS) { //  The last would be undecided
            unsigned lost_tx = 1000000 + height;
            s_submit (judge, lost_tx, at - 200, "accepted", NULL);
            s_block (judge, 500000 + height, height - 1, height, at + 1, lost_tx, lost_tx + 1);
            forks++;
        }
        unsigned late_height = height >= 140 ? height - 140 : 0; //  70 s ago
        if (late_height && late_height % 50 == 0) {
            char hash[65];
            s_id ('a', late_height * S_LONG_TXS, hash);
            uint64_t planned = start + (uint64_t) late_height * S_LONG_STEP - 200;
            tf_tx_submitted_t record = {.name = "transactions",
                                        .hash = hash,
                                        .node = "validator-0",
                                        .at_ms = at,
                                        .outcome = "accepted",
                                        .planned_ms = planned};
            tf_exp_tx_judge_submitted (judge, &record);
            late++;
        }
        if (height > 4)
            s_lib (judge, height - 4, at + 250);
        size_t txs, blocks;
        tf_exp_tx_judge_held (judge, &txs, &blocks);
        if (height > 240) { //  After the first two minutes
            most_txs = txs > most_txs ? txs : most_txs;
            most_blocks = blocks > most_blocks ? blocks : most_blocks;
        }
    }
    //  About a minute of blocks (120 of 500 ms, a few more between passes) and
    //  their txs, with the orphans that wait for a late record: not 3,600 blocks
    assert_true (most_blocks <= 140);
    assert_true (most_txs <= 140 * S_LONG_TXS);
    tf_exp_tx_verdict_t verdict;
    tf_exp_tx_judge_verdict (judge, &verdict);
    uint64_t on_chain = S_LONG_BLOCKS * S_LONG_TXS - (S_LONG_BLOCKS / 50 - late);
    assert_int_equal (verdict.submitted, on_chain + forks);
    assert_int_equal (verdict.included, on_chain);
    assert_int_equal (s_detail (&verdict, "lost_in_reorgs", NULL), forks);
    //  The last 4 blocks are above the LIB; one of their txs (height 3600's first) has no record
    assert_int_equal (s_detail (&verdict, "finalized", NULL), on_chain - (4 * S_LONG_TXS - 1));
    assert_int_equal (s_detail (&verdict, "latency_ms", "max"), 200);
    assert_int_equal (s_detail (&verdict, "lib_latency_ms", "p50"), 4 * S_LONG_STEP + 250 + 200);
    assert_int_equal (s_detail (&verdict, "inclusion_latency_ms", NULL), on_chain);
    assert_int_equal (s_detail (&verdict, "blocks", NULL), S_LONG_BLOCKS + forks);
    tf_exp_tx_verdict_free (&verdict);
    tf_exp_tx_judge_destroy (&judge);
}

//  The multiset's percentiles are those of the sorted values
static int
s_compare_u64 (const void *left, const void *right)
{
    uint64_t a = *(const uint64_t *) left, b = *(const uint64_t *) right;
    return a < b ? -1 : a > b;
}

static void
test_tx_judge_latency_multiset_is_exact (void **state)
{
    (void) state;
    enum { COUNT = 5000 };
    uint64_t *values = (uint64_t *) malloc (COUNT * sizeof (uint64_t));
    tf_exp_latency_t *latencies = tf_exp_latency_new ();
    assert_int_equal (tf_exp_latency_percentile (latencies, 0.5), 0);
    uint64_t seed = 7;
    for (size_t index = 0; index < COUNT; index++) {
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        values[index] = 150 + (seed >> 33) % 900;
        tf_exp_latency_add (latencies, values[index]);
    }
    qsort (values, COUNT, sizeof (uint64_t), s_compare_u64);
    const double qs[] = {0.001, 0.25, 0.5, 0.9, 0.99, 0.999, 1.0};
    for (size_t index = 0; index < sizeof qs / sizeof qs[0]; index++)
        assert_int_equal (tf_exp_latency_percentile (latencies, qs[index]),
                          tf_exp_tx_percentile (values, COUNT, qs[index]));
    assert_int_equal (tf_exp_latency_count (latencies), COUNT);
    assert_true (tf_exp_latency_distinct (latencies) <= 900);
    assert_int_equal (tf_exp_latency_max (latencies), values[COUNT - 1]);
    free (values);
    tf_exp_latency_destroy (&latencies);
    assert_null (latencies);
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_tx_judge_fails_in_the_seeds_form),
        cmocka_unit_test (test_tx_judge_passes_counts_rejections_and_latencies),
        cmocka_unit_test (test_tx_judge_counts_txs_lost_in_reorgs),
        cmocka_unit_test (test_tx_judge_is_order_independent_and_never_passes_empty),
        cmocka_unit_test (test_tx_judge_percentiles_are_nearest_rank),
        cmocka_unit_test (test_tx_judge_latency_counts_from_the_planned_time),
        cmocka_unit_test (test_tx_judge_settles_a_long_run_in_flat_memory),
        cmocka_unit_test (test_tx_judge_latency_multiset_is_exact),
    };
    return cmocka_run_group_tests_name ("tx_judge", tests, NULL, NULL);
}
