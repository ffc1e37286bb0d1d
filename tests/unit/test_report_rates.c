//  test_report_rates.c - transactions over time from a recording: buckets of
//  planned send time, distinct txs, first sighting in a block, latency
//  percentiles, never-included txs, bucket width over long runs

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <czmq.h>
#include <jansson.h>
#include "tf_msg.h"
#include "tf_recording.h"
#include "tf_report_rates.h"

#define S_T0 1700000000000ULL //  Unix ms the fake run starts at

typedef struct {
    char dir[64];   //  Temporary directory
    char path[128]; //  The recording in it
} fixture_t;

static int
setup (void **state)
{
    fixture_t *fixture = (fixture_t *) calloc (1, sizeof (fixture_t));
    strcpy (fixture->dir, "/tmp/tf-test-rates-XXXXXX");
    assert_non_null (mkdtemp (fixture->dir));
    snprintf (fixture->path, sizeof fixture->path, "%s/bus.rec", fixture->dir);
    *state = fixture;
    return 0;
}

static int
teardown (void **state)
{
    fixture_t *fixture = (fixture_t *) *state;
    unlink (fixture->path);
    rmdir (fixture->dir);
    free (fixture);
    return 0;
}

static void
s_append (tf_recording_t *recording, tf_source_t source, tf_msg_id_t id, const void *body)
{
    uint8_t *data = NULL;
    size_t size = 0;
    assert_int_equal (tf_msg_encode (id, body, &data, &size), 0);
    assert_int_equal (tf_recording_append (recording, source, tf_msg_topic (id), data, size), 0);
    free (data);
}

static void
s_submit (tf_recording_t *recording, const char *hash, uint64_t planned_ms, uint64_t at_ms,
          const char *outcome)
{
    tf_tx_submitted_t tx = {.name = "transactions",
                            .hash = (char *) hash,
                            .node = "validator-0",
                            .at_ms = at_ms,
                            .outcome = (char *) outcome,
                            .planned_ms = planned_ms};
    s_append (recording, TF_SOURCE_CONTROL, TF_MSG_tx_submitted, &tx);
}

static void
s_block (tf_recording_t *recording, uint64_t height, uint64_t seen_ms, char **txs, size_t count)
{
    char *id = "bb00000000000000000000000000000000000000000000000000000000000000";
    char *nodes[] = {"validator-0"};
    tf_feed_block_t block = {.id = id,
                             .parent = id,
                             .slot = height,
                             .height = height,
                             .txs = {txs, count},
                             .nodes = {nodes, 1},
                             .seen_ms = seen_ms};
    s_append (recording, TF_SOURCE_FEED, TF_MSG_feed_block, &block);
}

static json_t *
s_bucket (json_t *rates, size_t index)
{
    json_t *bucket = json_array_get (json_object_get (rates, "buckets"), index);
    assert_non_null (bucket);
    return bucket;
}

static json_int_t
s_field (json_t *rates, size_t index, const char *key)
{
    json_t *value = json_object_get (s_bucket (rates, index), key);
    assert_true (json_is_integer (value));
    return json_integer_value (value);
}

static void
test_report_rates_buckets_by_planned_time (void **state)
{
    fixture_t *fixture = (fixture_t *) *state;
    tf_recording_t *recording = tf_recording_create (fixture->path);
    assert_non_null (recording);
    char *a = "a000000000000000000000000000000000000000000000000000000000000000";
    char *b = "b000000000000000000000000000000000000000000000000000000000000000";
    char *c = "c000000000000000000000000000000000000000000000000000000000000000";
    char *d = "d000000000000000000000000000000000000000000000000000000000000000";
    char *foreign = "e000000000000000000000000000000000000000000000000000000000000000";
    //  a: planned at 0.1 s, sent late at 0.4 s, in a block at 0.6 s: 500 ms from its plan
    s_submit (recording, a, S_T0 + 100, S_T0 + 400, "accepted");
    s_submit (recording, b, S_T0 + 200, S_T0 + 200, "rejected");
    //  c: no planned time (at_ms counts), failed over to a second node: one tx
    s_submit (recording, c, 0, S_T0 + 1500, "failed");
    s_submit (recording, c, 0, S_T0 + 1600, "accepted");
    char *first[] = {a, foreign};
    s_block (recording, 1, S_T0 + 600, first, 2);
    char *second[] = {a, c}; //  a again, later (a fork's copy): its first sighting counts
    s_block (recording, 2, S_T0 + 3500, second, 2);
    //  d: accepted at 4.5 s, never in a block
    s_submit (recording, d, S_T0 + 4500, S_T0 + 4500, "accepted");
    tf_recording_destroy (&recording);

    json_t *rates = tf_report_rates (fixture->path);
    assert_non_null (rates);
    assert_int_equal (json_integer_value (json_object_get (rates, "bucket_ms")), 1000);
    assert_int_equal (json_integer_value (json_object_get (rates, "start_ms")), S_T0 + 100);
    assert_int_equal (json_array_size (json_object_get (rates, "buckets")), 5);
    assert_int_equal (s_field (rates, 0, "submitted"), 2);
    assert_int_equal (s_field (rates, 0, "accepted"), 1);
    assert_int_equal (s_field (rates, 0, "included"), 1);
    assert_int_equal (s_field (rates, 0, "latency_p50_ms"), 500);
    assert_int_equal (s_field (rates, 0, "latency_p99_ms"), 500);
    assert_int_equal (s_field (rates, 1, "submitted"), 1);
    assert_int_equal (s_field (rates, 1, "accepted"), 1);
    assert_int_equal (s_field (rates, 1, "latency_p99_ms"), 2000);
    assert_int_equal (s_field (rates, 2, "submitted"), 0);
    assert_true (json_is_null (json_object_get (s_bucket (rates, 2), "latency_p50_ms")));
    assert_int_equal (s_field (rates, 4, "accepted"), 1);
    assert_int_equal (s_field (rates, 4, "included"), 0);
    assert_int_equal (s_field (rates, 4, "never_included"), 1);
    assert_true (json_is_null (json_object_get (s_bucket (rates, 4), "latency_p99_ms")));
    json_decref (rates);
}

//  Percentiles within one bucket: 100 included txs, 1..100 ms late
static void
test_report_rates_percentiles_per_bucket (void **state)
{
    fixture_t *fixture = (fixture_t *) *state;
    tf_recording_t *recording = tf_recording_create (fixture->path);
    char hashes[100][65];
    char *txs[100];
    for (size_t index = 0; index < 100; index++) {
        snprintf (hashes[index], sizeof hashes[index], "%064zx", index + 1);
        txs[index] = hashes[index];
        s_submit (recording, hashes[index], S_T0, S_T0, "accepted");
        s_block (recording, index + 1, S_T0 + index + 1, &txs[index], 1);
    }
    tf_recording_destroy (&recording);
    json_t *rates = tf_report_rates (fixture->path);
    assert_int_equal (json_array_size (json_object_get (rates, "buckets")), 1);
    assert_int_equal (s_field (rates, 0, "included"), 100);
    assert_int_equal (s_field (rates, 0, "latency_p50_ms"), 50);
    assert_int_equal (s_field (rates, 0, "latency_p99_ms"), 99);
    json_decref (rates);
}

//  A 10-minute run: whole-second buckets, never more than the cap
static void
test_report_rates_widens_buckets_over_long_runs (void **state)
{
    fixture_t *fixture = (fixture_t *) *state;
    tf_recording_t *recording = tf_recording_create (fixture->path);
    s_submit (recording, "01", S_T0, S_T0, "accepted");
    s_submit (recording, "02", S_T0 + 600000, S_T0 + 600000, "accepted");
    tf_recording_destroy (&recording);
    json_t *rates = tf_report_rates (fixture->path);
    json_int_t width = json_integer_value (json_object_get (rates, "bucket_ms"));
    assert_int_equal (width % TF_REPORT_RATES_MIN_BUCKET_MS, 0);
    assert_true (json_array_size (json_object_get (rates, "buckets"))
                 <= TF_REPORT_RATES_MAX_BUCKETS);
    assert_int_equal (json_array_size (json_object_get (rates, "buckets")), 600000 / width + 1);
    json_decref (rates);
}

//  Nothing to draw: no submissions, or no recording
static void
test_report_rates_is_null_without_submissions (void **state)
{
    fixture_t *fixture = (fixture_t *) *state;
    assert_null (tf_report_rates (fixture->path));
    tf_recording_t *recording = tf_recording_create (fixture->path);
    char *txs[] = {"ff"};
    s_block (recording, 1, S_T0, txs, 1);
    tf_recording_destroy (&recording);
    assert_null (tf_report_rates (fixture->path));
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown (test_report_rates_buckets_by_planned_time, setup,
                                         teardown),
        cmocka_unit_test_setup_teardown (test_report_rates_percentiles_per_bucket, setup, teardown),
        cmocka_unit_test_setup_teardown (test_report_rates_widens_buckets_over_long_runs, setup,
                                         teardown),
        cmocka_unit_test_setup_teardown (test_report_rates_is_null_without_submissions, setup,
                                         teardown),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
