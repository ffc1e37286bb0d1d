//  test_liveness.c - consensus_liveness through real runs: tf, the local
//  deployer, tf-node, the scanner and the expectation, with faults applied by
//  tf-test-fault. Every run must leave no node process behind.

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include "spine_harness.h"
#include "tf_msg.h"
#include "tf_recording.h"

#define S_ID_HEX             64    //  Hex characters of a block id
#define S_STALL_EXECUTE_MS   20000 //  run.duration of liveness_stall.yaml
#define S_FORK_EXECUTE_MS    20000 //  run.duration of liveness_fork_fault.yaml
#define S_LAG_EXECUTE_MS     20000 //  run.duration of liveness_lag.yaml
#define S_GOES_ON_EXECUTE_MS 6000  //  run.duration of liveness_stall_goes_on.yaml

//  The consensus_liveness entry of report.json (borrowed)
static json_t *
s_liveness (json_t *report)
{
    return spine_expectation (report, "consensus_liveness");
}

//  Run a fixture to the end: coordinator, deployer, scanner and expectation
//  at least; returns report.json (caller decrefs)
static json_t *
s_run (void **state, const char *scenario, int expected_exit)
{
    return spine_run_to_end (state, scenario, expected_exit, 4);
}

static void
test_liveness_smoke_passes_with_heights_per_node (void **state)
{
    json_t *report = s_run (state, "liveness_smoke.yaml", 0);
    json_t *liveness = s_liveness (report);
    assert_non_null (liveness);
    assert_true (json_is_true (json_object_get (liveness, "passed")));
    const char *message = json_string_value (json_object_get (liveness, "message"));
    assert_non_null (strstr (message, "consensus_liveness: target="));
    assert_non_null (strstr (message, "\u2713"));
    json_t *details = json_object_get (liveness, "details");
    json_int_t target = json_integer_value (json_object_get (details, "target"));
    assert_true (target >= 2);
    json_t *heights = json_object_get (details, "heights");
    assert_int_equal (json_object_size (heights), 3);
    const char *names[] = {"validator-0", "validator-1", "validator-2"};
    for (size_t index = 0; index < 3; index++) {
        json_t *height = json_object_get (heights, names[index]);
        assert_true (json_is_integer (height));
        assert_true (json_integer_value (height) >= target);
        assert_int_equal (strlen (json_string_value (
                              json_object_get (json_object_get (details, "libs"), names[index]))),
                          S_ID_HEX);
    }
    assert_string_equal (json_string_value (json_object_get (details, "agreement")), "ok");
    json_decref (report);
}

static void
test_liveness_fails_when_two_validators_stop_producing (void **state)
{
    json_t *report = s_run (state, "liveness_stop_producing.yaml", 1);
    json_t *liveness = s_liveness (report);
    assert_false (json_is_true (json_object_get (liveness, "passed")));
    const char *message = json_string_value (json_object_get (liveness, "message"));
    assert_non_null (strstr (message, "consensus liveness violated (target="));
    //  The nodes still follow the one producer: each is named below the target
    assert_non_null (strstr (message, "- validator-0 height "));
    assert_non_null (strstr (message, "- validator-1 height "));
    assert_non_null (strstr (message, "- validator-2 height "));
    assert_null (strstr (message, "unreachable"));
    json_decref (report);
}

static void
test_liveness_fails_when_two_validators_are_stopped (void **state)
{
    json_t *report = s_run (state, "liveness_stopped.yaml", 1);
    json_t *liveness = s_liveness (report);
    assert_false (json_is_true (json_object_get (liveness, "passed")));
    const char *message = json_string_value (json_object_get (liveness, "message"));
    assert_non_null (strstr (message, "- validator-1 height 0 below target "));
    assert_non_null (strstr (message, "- validator-2 height 0 below target "));
    assert_non_null (strstr (message, "(unreachable)"));
    assert_null (strstr (message, "- validator-0 "));
    json_decref (report);
}

static void
test_liveness_fails_agreement_on_a_partition_never_healed (void **state)
{
    json_t *report = s_run (state, "liveness_partition.yaml", 1);
    json_t *liveness = s_liveness (report);
    assert_false (json_is_true (json_object_get (liveness, "passed")));
    //  Seen while the run goes: the LIBs diverge during execute, and that is final
    const char *message = json_string_value (json_object_get (liveness, "message"));
    assert_non_null (
        strstr (message, "consensus liveness violated during execute: LIB divergence: "));
    assert_non_null (strstr (message, "validator-2"));
    json_t *details = json_object_get (liveness, "details");
    assert_string_equal (json_string_value (json_object_get (details, "agreement")), "violated");
    assert_string_equal (json_string_value (json_object_get (details, "failed_during")), "execute");
    json_decref (report);
}

//  The start of a phase in report.json, or 0
static json_int_t
s_phase_started (json_t *report, const char *wanted)
{
    json_t *phases = json_object_get (report, "phases");
    for (size_t index = 0; index < json_array_size (phases); index++) {
        json_t *phase = json_array_get (phases, index);
        if (streq (json_string_value (json_object_get (phase, "phase")), wanted))
            return json_integer_value (json_object_get (phase, "started_ms"));
    }
    return 0;
}

//  consensus_liveness ended the run early, less than within_ms into execute
static void
s_assert_ended_early (json_t *report, json_int_t within_ms)
{
    json_t *early = json_object_get (report, "ended_early");
    assert_string_equal (json_string_value (json_object_get (early, "by")), "consensus_liveness");
    json_int_t execute = s_phase_started (report, "execute");
    assert_true (execute > 0);
    json_int_t after = json_integer_value (json_object_get (early, "at_ms")) - execute;
    print_message ("ended %.1f s into execute\n", after / 1000.0);
    assert_true (after < within_ms);
}

//  A node that finalises a fork of its own (tf-node's fork_irreversibly fault,
//  no partition made by the framework): the safety check fires during execute,
//  naming it, well before the planned execute is over
static void
test_liveness_fails_fast_on_a_node_that_forks_irreversibly (void **state)
{
    json_t *report = s_run (state, "liveness_fork_fault.yaml", 1);
    json_t *liveness = s_liveness (report);
    assert_false (json_is_true (json_object_get (liveness, "passed")));
    const char *message = json_string_value (json_object_get (liveness, "message"));
    print_message ("consensus_liveness: %s\n", message);
    assert_non_null (
        strstr (message, "consensus liveness violated during execute: LIB divergence: "));
    assert_non_null (strstr (message, "validator-0"));
    assert_non_null (strstr (message, "irreversible blocks on two forks"));
    s_assert_ended_early (report, S_FORK_EXECUTE_MS / 2);
    json_decref (report);
}

//  A node left behind (its process frozen by the test, so no node control
//  exempts it): the lag check fails the run during execute, naming it
static void
test_liveness_fails_fast_on_a_node_left_behind (void **state)
{
    spine_run_t *run = *state = spine_start ("liveness_lag.yaml", true, NULL);
    assert_non_null (run);
    assert_true (spine_wait_output (run, "phase execute", SPINE_RUN_TIMEOUT_MS));
    char *config = zsys_sprintf ("%s/nodes/validator-2/", spine_run_dir (run));
    pid_t node = spine_process_pid (config);
    zstr_free (&config);
    assert_true (node > 0);
    assert_int_equal (kill (node, SIGSTOP), 0);
    spine_assert_exit (run, 1);
    kill (node, SIGCONT); //  Gone already: the deployer kills what it started
    json_t *report = spine_report (run);
    assert_non_null (report);
    const char *message = json_string_value (json_object_get (s_liveness (report), "message"));
    print_message ("consensus_liveness: %s\n", message);
    assert_non_null (strstr (message, "consensus liveness violated during execute: "
                                      "validator-2 lags: at height "));
    assert_non_null (strstr (message, "(max_lag 3 blocks, lag_window 2.0 s)"));
    s_assert_ended_early (report, S_LAG_EXECUTE_MS / 2);
    json_decref (report);
}

//  max_stall: both validators stop producing 1 s into a 20 s execute; the
//  expectation fails as soon as the feed has been quiet that long, and the run
//  goes straight to evaluate
static void
test_liveness_fails_fast_when_the_chain_stalls (void **state)
{
    json_t *report = s_run (state, "liveness_stall.yaml", 1);
    json_t *liveness = s_liveness (report);
    assert_false (json_is_true (json_object_get (liveness, "passed")));
    const char *message = json_string_value (json_object_get (liveness, "message"));
    assert_non_null (strstr (message, "consensus liveness violated during execute: no new block "
                                      "on the feed for "));
    assert_non_null (strstr (message, "(max_stall 2.0 s): the chain stalled"));
    json_t *details = json_object_get (liveness, "details");
    assert_string_equal (json_string_value (json_object_get (details, "stall")), "violated");
    //  Execute was cut short: evaluate began long before its planned 20 s
    json_t *phases = json_object_get (report, "phases");
    json_int_t execute = 0, evaluate = 0;
    for (size_t index = 0; index < json_array_size (phases); index++) {
        json_t *phase = json_array_get (phases, index);
        const char *name = json_string_value (json_object_get (phase, "phase"));
        json_int_t started = json_integer_value (json_object_get (phase, "started_ms"));
        if (streq (name, "execute"))
            execute = started;
        else if (streq (name, "evaluate"))
            evaluate = started;
    }
    assert_true (execute > 0 && evaluate > execute);
    assert_true (evaluate - execute < S_STALL_EXECUTE_MS / 2);
    //  The report names the check that ended the run, and when
    json_t *ended = json_object_get (report, "ended_early");
    assert_string_equal (json_string_value (json_object_get (ended, "by")), "consensus_liveness");
    assert_string_equal (json_string_value (json_object_get (ended, "phase")), "execute");
    assert_true (json_integer_value (json_object_get (ended, "at_ms")) <= evaluate);
    json_decref (report);
}

//  fail_fast: false: the same stall fails the expectation at once, but the run
//  goes on to its planned end, and nothing says it ended early
static void
test_liveness_stall_without_fail_fast_runs_to_the_end (void **state)
{
    json_t *report = s_run (state, "liveness_stall_goes_on.yaml", 1);
    json_t *liveness = s_liveness (report);
    assert_false (json_is_true (json_object_get (liveness, "passed")));
    const char *message = json_string_value (json_object_get (liveness, "message"));
    assert_non_null (strstr (message, "(max_stall 2.0 s): the chain stalled"));
    assert_true (json_is_null (json_object_get (report, "ended_early")));
    json_int_t execute = s_phase_started (report, "execute");
    json_int_t cooldown = s_phase_started (report, "cooldown");
    assert_true (execute > 0 && cooldown > 0);
    assert_true (cooldown - execute >= S_GOES_ON_EXECUTE_MS);
    json_decref (report);
}

//  The feed of a run, read back from its recording, is whole: every block
//  once, after its parent, at its parent's height plus one; every node's last
//  answered tip is in it at the height the node reported; feed.stats agrees.
static void
s_assert_feed_whole (spine_run_t *run)
{
    char *path = zsys_sprintf ("%s/%s", spine_run_dir (run), TF_RUNDIR_RECORDING);
    tf_recording_t *recording = tf_recording_open (path);
    zstr_free (&path);
    assert_non_null (recording);
    zhashx_t *heights = zhashx_new ();   //  id -> height + 1 (never NULL)
    zhashx_t *last_tips = zhashx_new (); //  node -> "tip height"
    zhashx_set_destructor (last_tips, (zhashx_destructor_fn *) zstr_free);
    char genesis[S_ID_HEX + 1] = "";
    uint64_t stats_blocks = 0;
    tf_record_t record;
    int rc;
    while ((rc = tf_recording_next (recording, &record)) == 1) {
        if (record.source != TF_SOURCE_FEED)
            continue;
        tf_msg_id_t id = tf_msg_id_by_topic (record.topic, strlen (record.topic));
        if (id == TF_MSG_feed_block) {
            tf_feed_block_t block;
            assert_int_equal (tf_msg_decode (id, record.body, record.size, &block), 0);
            assert_null (zhashx_lookup (heights, block.id)); //  Never twice
            assert_true (block.height >= 1);                 //  Genesis is not news
            if (block.height == 1) {
                if (!genesis[0])
                    snprintf (genesis, sizeof genesis, "%s", block.parent);
                assert_string_equal (block.parent, genesis);
            }
            else {
                uintptr_t parent = (uintptr_t) zhashx_lookup (heights, block.parent);
                assert_true (parent != 0);               //  Parent came first
                assert_int_equal (parent, block.height); //  Stored as height + 1
            }
            assert_true (block.nodes.count >= 1);
            zhashx_insert (heights, block.id, (void *) (uintptr_t) (block.height + 1));
            tf_msg_body_free (id, &block);
        }
        else if (id == TF_MSG_feed_tip) {
            tf_feed_tip_t tip;
            assert_int_equal (tf_msg_decode (id, record.body, record.size, &tip), 0);
            if (tip.up)
                zhashx_update (last_tips, tip.node,
                               zsys_sprintf ("%s %" PRIu64, tip.tip, tip.height));
            tf_msg_body_free (id, &tip);
        }
        else if (id == TF_MSG_feed_stats) {
            tf_feed_stats_t stats;
            assert_int_equal (tf_msg_decode (id, record.body, record.size, &stats), 0);
            stats_blocks = stats.blocks;
            tf_msg_body_free (id, &stats);
        }
    }
    assert_int_equal (rc, 0);
    assert_true (zhashx_size (heights) > 0);
    assert_int_equal (stats_blocks, zhashx_size (heights));
    assert_int_equal (zhashx_size (last_tips), 3);
    for (const char *sample = (const char *) zhashx_first (last_tips); sample;
         sample = (const char *) zhashx_next (last_tips)) {
        char tip[S_ID_HEX + 1];
        uint64_t height = 0;
        assert_int_equal (sscanf (sample, "%64s %" SCNu64, tip, &height), 2);
        uintptr_t known = (uintptr_t) zhashx_lookup (heights, tip);
        assert_true (known != 0); //  No tip was missed
        assert_int_equal (known - 1, height);
    }
    zhashx_destroy (&last_tips);
    zhashx_destroy (&heights);
    tf_recording_destroy (&recording);
}

static void
test_liveness_feed_is_whole_across_a_node_restart (void **state)
{
    spine_run_t *run = *state = spine_start ("liveness_restart.yaml", true, NULL);
    assert_non_null (run);
    int code = spine_wait_exit (run, SPINE_RUN_TIMEOUT_MS);
    assert_true (code == 0 || code == 1); //  The verdict is not what this test is about
    spine_assert_nothing_survives (run, 4);
    s_assert_feed_whole (run);
    char *path = zsys_sprintf ("%s/logs/fault.log", spine_run_dir (run));
    char *log = NULL;
    zfile_t *file = zfile_new (NULL, path);
    if (file && zfile_input (file) == 0) {
        zchunk_t *chunk = zfile_read (file, zfile_cursize (file), 0);
        log = zchunk_strdup (chunk);
        zchunk_destroy (&chunk);
    }
    zfile_destroy (&file);
    zstr_free (&path);
    assert_non_null (log);
    assert_non_null (strstr (log, "node control action=restart targets=validator-1"));
    zstr_free (&log);
}

int
main (void)
{
    spine_init ();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown (test_liveness_smoke_passes_with_heights_per_node,
                                   spine_teardown),
        cmocka_unit_test_teardown (test_liveness_fails_when_two_validators_stop_producing,
                                   spine_teardown),
        cmocka_unit_test_teardown (test_liveness_fails_when_two_validators_are_stopped,
                                   spine_teardown),
        cmocka_unit_test_teardown (test_liveness_fails_fast_when_the_chain_stalls, spine_teardown),
        cmocka_unit_test_teardown (test_liveness_stall_without_fail_fast_runs_to_the_end,
                                   spine_teardown),
        cmocka_unit_test_teardown (test_liveness_fails_fast_on_a_node_that_forks_irreversibly,
                                   spine_teardown),
        cmocka_unit_test_teardown (test_liveness_fails_fast_on_a_node_left_behind, spine_teardown),
        cmocka_unit_test_teardown (test_liveness_fails_agreement_on_a_partition_never_healed,
                                   spine_teardown),
        cmocka_unit_test_teardown (test_liveness_feed_is_whole_across_a_node_restart,
                                   spine_teardown),
    };
    return cmocka_run_group_tests_name ("liveness", tests, NULL, NULL);
}
