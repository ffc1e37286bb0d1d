//  test_tf_report.c - report.json, junit.xml and report.html from a run's
//  results and its bus recording: figures, escaping, valid XML

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <czmq.h>
#include <jansson.h>
#include <msgpack.h>
#include <unistd.h>
#include "tf_recording.h"
#include "tf_report.h"
#include "tf_report_bus.h"

#define S_T0 1700000000000ULL //  Unix ms the fake run starts at

typedef struct {
    char dir[64]; //  The fake run directory
    tf_plan_t *plan;
} fixture_t;

static int
setup (void **state)
{
    fixture_t *fixture = (fixture_t *) calloc (1, sizeof (fixture_t));
    strcpy (fixture->dir, "/tmp/tf-test-report-XXXXXX");
    assert_non_null (mkdtemp (fixture->dir));
    char *path = zsys_sprintf ("%s/scenarios/liveness_smoke.yaml", getenv ("TF_TEST_DATA"));
    tf_plan_errors_t *errors = tf_plan_errors_new ();
    fixture->plan = tf_plan_load (path, errors);
    tf_plan_errors_destroy (&errors);
    zstr_free (&path);
    assert_non_null (fixture->plan);
    *state = fixture;
    return 0;
}

static int
teardown (void **state)
{
    fixture_t *fixture = (fixture_t *) *state;
    char *command = zsys_sprintf ("rm -rf '%s'", fixture->dir);
    assert_int_equal (system (command), 0);
    zstr_free (&command);
    tf_plan_destroy (&fixture->plan);
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

//  A recording: two nodes' tips (node-1 goes down at the end), stats, three txs
static void
s_write_recording (const char *dir)
{
    char *path = zsys_sprintf ("%s/%s", dir, TF_RUNDIR_RECORDING);
    tf_recording_t *recording = tf_recording_create (path);
    zstr_free (&path);
    assert_non_null (recording);
    const char *tip = "aa00000000000000000000000000000000000000000000000000000000000000";
    for (uint64_t height = 1; height <= 5; height++) {
        tf_feed_tip_t sample = {.node = "validator-0",
                                .tip = (char *) tip,
                                .height = height,
                                .slot = height * 2,
                                .lib = (char *) tip,
                                .mode = "Online",
                                .at_ms = S_T0 + height * 1000,
                                .up = true};
        s_append (recording, TF_SOURCE_FEED, TF_MSG_feed_tip, &sample);
        sample.node = "validator-1";
        sample.height = height < 5 ? height : 0;
        sample.up = height < 5; //  Stopped answering at the last sample
        s_append (recording, TF_SOURCE_FEED, TF_MSG_feed_tip, &sample);
    }
    tf_feed_stats_t stats = {
        .blocks = 5, .transactions = 7, .nodes_up = 1, .nodes = 2, .at_ms = S_T0 + 5000};
    s_append (recording, TF_SOURCE_FEED, TF_MSG_feed_stats, &stats);
    const char *outcomes[] = {"accepted", "accepted", "rejected"};
    for (size_t index = 0; index < 3; index++) {
        tf_tx_submitted_t tx = {.name = "transactions",
                                .hash = (char *) tip,
                                .node = "validator-0",
                                .at_ms = S_T0 + 2000,
                                .outcome = (char *) outcomes[index]};
        s_append (recording, TF_SOURCE_CONTROL, TF_MSG_tx_submitted, &tx);
    }
    tf_recording_destroy (&recording);
}

//  Details of a tx expectation: {"inclusion_latency_ms": [100, 200, ..., 1000]}
static void
s_pack_latencies (msgpack_sbuffer *buffer)
{
    msgpack_sbuffer_init (buffer);
    msgpack_packer packer;
    msgpack_packer_init (&packer, buffer, msgpack_sbuffer_write);
    msgpack_pack_map (&packer, 1);
    msgpack_pack_str (&packer, 20);
    msgpack_pack_str_body (&packer, "inclusion_latency_ms", 20);
    msgpack_pack_array (&packer, 10);
    for (int value = 1; value <= 10; value++)
        msgpack_pack_int (&packer, value * 100);
}

static char *
s_read (const char *dir, const char *name)
{
    char *path = zsys_sprintf ("%s/%s", dir, name);
    FILE *file = fopen (path, "r");
    zstr_free (&path);
    assert_non_null (file);
    char *text = (char *) zmalloc (1 << 20);
    size_t size = fread (text, 1, (1 << 20) - 1, file);
    text[size] = 0;
    fclose (file);
    return text;
}

static void
test_tf_report_writes_figures_from_results_and_recording (void **state)
{
    fixture_t *fixture = (fixture_t *) *state;
    s_write_recording (fixture->dir);
    tf_report_t *report = tf_report_new ("run1", fixture->plan);
    tf_report_phase (report, TF_PHASE_REGISTER, S_T0);
    tf_report_phase (report, TF_PHASE_EXECUTE, S_T0 + 500);
    tf_report_phase (report, TF_PHASE_EVALUATE, S_T0 + 6500);
    tf_run_event_t restart = {.run_id = "run1",
                              .at_ms = S_T0 + 3000,
                              .kind = "node.control.done",
                              .actor = "chaos",
                              .node = "validator-1",
                              .detail = "restart validator-1 ok"};
    tf_report_event (report, &restart);
    tf_run_event_t phase = {.run_id = "run1", .at_ms = S_T0, .kind = "phase", .detail = "register"};
    tf_report_event (report, &phase);
    msgpack_sbuffer latencies;
    s_pack_latencies (&latencies);
    tf_expect_result_t included = {
        .name = "tx_inclusion",
        .passed = true,
        .message = "every tx included",
        .details = {.data = (uint8_t *) latencies.data, .size = latencies.size}};
    tf_report_result (report, &included);
    msgpack_sbuffer_destroy (&latencies);
    tf_expect_result_t failed = {.name = "consensus_liveness",
                                 .passed = false,
                                 .message = "height <3> & \"low\" 'here'\n- validator-1 \x01"};
    tf_report_result (report, &failed);
    assert_int_equal (tf_report_verdict (report), TF_VERDICT_FAILED);
    assert_int_equal (tf_report_write (report, fixture->dir, 0), 0);
    tf_report_destroy (&report);

    char *path = zsys_sprintf ("%s/report.json", fixture->dir);
    json_error_t error;
    json_t *root = json_load_file (path, 0, &error);
    zstr_free (&path);
    assert_non_null (root);
    assert_string_equal (json_string_value (json_object_get (root, "verdict")), "failed");
    //  Heights: the last answered height; a node that went down keeps it
    json_t *heights = json_object_get (root, "heights");
    json_t *first = json_object_get (heights, "validator-0");
    json_t *second = json_object_get (heights, "validator-1");
    assert_int_equal (json_integer_value (json_object_get (first, "height")), 5);
    assert_true (json_is_true (json_object_get (first, "up")));
    assert_int_equal (json_integer_value (json_object_get (second, "height")), 4);
    assert_int_equal (json_integer_value (json_object_get (second, "max_height")), 4);
    assert_false (json_is_true (json_object_get (second, "up")));
    assert_int_equal (json_integer_value (json_object_get (second, "samples")), 5);
    //  Transactions: feed.stats, tx.submitted by outcome, latency summary
    json_t *tx = json_object_get (root, "tx");
    assert_int_equal (json_integer_value (json_object_get (tx, "included")), 7);
    assert_int_equal (json_integer_value (json_object_get (tx, "blocks")), 5);
    assert_int_equal (json_integer_value (json_object_get (tx, "submitted")), 3);
    //  Over time: the three records are one tx (one hash), accepted, in no block
    json_t *over_time = json_object_get (tx, "over_time");
    assert_int_equal (json_integer_value (json_object_get (over_time, "start_ms")), S_T0 + 2000);
    json_t *bucket = json_array_get (json_object_get (over_time, "buckets"), 0);
    assert_int_equal (json_integer_value (json_object_get (bucket, "submitted")), 1);
    assert_int_equal (json_integer_value (json_object_get (bucket, "never_included")), 1);
    json_t *outcomes = json_object_get (tx, "outcomes");
    assert_int_equal (json_integer_value (json_object_get (outcomes, "accepted")), 2);
    assert_int_equal (json_integer_value (json_object_get (outcomes, "rejected")), 1);
    json_t *latency = json_object_get (tx, "inclusion_latency_ms");
    assert_int_equal (json_integer_value (json_object_get (latency, "count")), 10);
    assert_true (json_real_value (json_object_get (latency, "p50")) == 500.0);
    assert_true (json_real_value (json_object_get (latency, "p95")) == 1000.0);
    assert_true (json_real_value (json_object_get (latency, "min")) == 100.0);
    //  Chaos events and phase timings
    json_t *chaos = json_object_get (root, "chaos");
    assert_int_equal (json_array_size (chaos), 1);
    assert_string_equal (json_string_value (json_object_get (json_array_get (chaos, 0), "node")),
                         "validator-1");
    json_t *timings = json_object_get (root, "timings_ms");
    assert_int_equal (json_integer_value (json_object_get (timings, "register")), 500);
    assert_int_equal (json_integer_value (json_object_get (timings, "execute")), 6000);
    json_decref (root);

    //  junit.xml: one case per expectation, the failure's message escaped
    char *junit = s_read (fixture->dir, "junit.xml");
    assert_non_null (strstr (junit, "tests=\"2\" failures=\"1\" errors=\"0\" skipped=\"0\""));
    assert_non_null (
        strstr (junit, "<testcase classname=\"tf.liveness_smoke\" name=\"tx_inclusion\""));
    assert_non_null (strstr (junit, "<failure message=\"height &lt;3&gt; &amp; &quot;low&quot; "
                                    "&apos;here&apos;\">height &lt;3&gt;"));
    assert_null (strstr (junit, "\x01"));
    free (junit);
    if (access ("/usr/bin/xmllint", X_OK) == 0) {
        char *command = zsys_sprintf ("/usr/bin/xmllint --noout '%s/junit.xml'", fixture->dir);
        assert_int_equal (system (command), 0);
        zstr_free (&command);
    }
    else
        print_message ("xmllint is missing: junit.xml checked by string only\n");

    //  report.html: the height picture with the chaos mark, the latency chart
    char *html = s_read (fixture->dir, "report.html");
    assert_non_null (strstr (html, "<svg id=\"heights\""));
    assert_non_null (strstr (html, "class=\"node-height\" data-node=\"validator-0\""));
    assert_non_null (strstr (html, "<g class=\"chaos-event\">"));
    assert_non_null (strstr (html, "<svg id=\"latency\""));
    assert_non_null (strstr (html, "<svg id=\"tx-rates\""));
    assert_non_null (strstr (html, "<svg id=\"tx-latency\""));
    assert_non_null (strstr (html, "height &lt;3&gt; &amp;"));
    free (html);
}

static void
test_tf_report_latency_summary_refuses_what_is_not_numbers (void **state)
{
    json_t *empty = json_array ();
    assert_null (tf_report_latency_summary (empty));
    json_t *mixed = json_pack ("[i, s]", 1, "x");
    assert_null (tf_report_latency_summary (mixed));
    json_t *one = json_pack ("[f]", 42.0);
    json_t *summary = tf_report_latency_summary (one);
    assert_true (json_real_value (json_object_get (summary, "p95")) == 42.0);
    json_decref (summary);
    json_decref (one);
    json_decref (mixed);
    json_decref (empty);
}

static void
test_tf_report_without_recording_has_empty_figures (void **state)
{
    fixture_t *fixture = (fixture_t *) *state;
    tf_report_t *report = tf_report_new ("run2", fixture->plan);
    tf_report_phase (report, TF_PHASE_REGISTER, S_T0);
    tf_report_abort (report, "deploy failed", "deployer", TF_PHASE_DEPLOY);
    assert_int_equal (tf_report_write (report, fixture->dir, 0), 0);
    tf_report_destroy (&report);
    char *path = zsys_sprintf ("%s/report.json", fixture->dir);
    json_error_t error;
    json_t *root = json_load_file (path, 0, &error);
    zstr_free (&path);
    assert_non_null (root);
    assert_string_equal (json_string_value (json_object_get (root, "verdict")), "error");
    assert_int_equal (json_object_size (json_object_get (root, "heights")), 0);
    assert_false (json_is_true (json_object_get (json_object_get (root, "tx"), "stats_seen")));
    //  The plan, whole: the expectation that was never judged is still a case
    json_t *expectations = json_object_get (json_object_get (root, "plan"), "expectations");
    assert_int_equal (json_array_size (expectations), 1);
    assert_string_equal (
        json_string_value (json_object_get (json_array_get (expectations, 0), "kind")),
        "consensus_liveness");
    json_t *knobs = json_object_get (json_array_get (expectations, 0), "knobs");
    assert_true (json_is_true (json_object_get (knobs, "agreement")));
    json_decref (root);
    char *junit = s_read (fixture->dir, "junit.xml");
    assert_non_null (strstr (junit, "<error message=\"deploy failed\">"));
    assert_non_null (strstr (junit, "tests=\"2\" failures=\"0\" errors=\"1\" skipped=\"1\""));
    assert_non_null (strstr (junit, "name=\"consensus_liveness\" time=\"0\">\n      <skipped "
                                    "message=\"not judged: the run was aborted in deploy\"/>"));
    free (junit);
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown (test_tf_report_writes_figures_from_results_and_recording,
                                         setup, teardown),
        cmocka_unit_test (test_tf_report_latency_summary_refuses_what_is_not_numbers),
        cmocka_unit_test_setup_teardown (test_tf_report_without_recording_has_empty_figures, setup,
                                         teardown),
    };
    return cmocka_run_group_tests_name ("tf_report", tests, NULL, NULL);
}
