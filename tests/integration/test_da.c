//  test_da.c - DA through real runs: tf, the local deployer, tf-node executors and
//  validators, the scanner, tf-workload-da, tf-expect-da-inclusion, and faults applied
//  by tf-test-fault. Recipe 3 (shortened) passes; an executor that drops every
//  dispersal and a validator that loses its shares each fail da_inclusion; blobs
//  dispersed across an executor's restart are still included. A replay of each run
//  reaches the same verdict from the recording alone.

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include "spine_harness.h"

#define S_TITLE "da_workload_inclusions: "

static json_t *
s_inclusion (json_t *report)
{
    return spine_expectation (report, "da_inclusion");
}

static json_int_t
s_figure (json_t *details, const char *key)
{
    json_t *value = json_object_get (details, key);
    assert_true (json_is_integer (value));
    return json_integer_value (value);
}

//  tf replay of the run: same exit code, same figures, same message
static void
s_assert_replay_agrees (spine_run_t *live, json_t *live_entry, int expected_exit)
{
    const char *args[] = {"replay", spine_run_dir (live), NULL};
    const char *env[] = {"LOGOS_BLOCKCHAIN_TESTS_KEEP_LOGS=1", NULL};
    spine_run_t *replay = spine_start_args (args, env);
    assert_non_null (replay);
    spine_assert_exit (replay, expected_exit);
    assert_true (spine_all_gone (SPINE_GONE_TIMEOUT_MS));
    json_t *report = spine_report (replay);
    assert_non_null (report);
    json_t *entry = s_inclusion (report);
    assert_non_null (entry);
    assert_int_equal (json_is_true (json_object_get (entry, "passed")),
                      json_is_true (json_object_get (live_entry, "passed")));
    json_t *details = json_object_get (entry, "details");
    json_t *live_details = json_object_get (live_entry, "details");
    const char *keys[] = {"channels",       "channels_inscribed", "blobs",    "blobs_dispersed",
                          "blobs_included", "blobs_on_chain",     "samplings"};
    for (size_t index = 0; index < sizeof keys / sizeof keys[0]; index++)
        if (s_figure (details, keys[index]) != s_figure (live_details, keys[index]))
            fail_msg ("replay %s %" JSON_INTEGER_FORMAT ", live %" JSON_INTEGER_FORMAT, keys[index],
                      s_figure (details, keys[index]), s_figure (live_details, keys[index]));
    assert_string_equal (json_string_value (json_object_get (entry, "message")),
                         json_string_value (json_object_get (live_entry, "message")));
    json_decref (report);
    spine_destroy (&replay);
}

//  The message starts with the first line given
static void
s_assert_first_line (json_t *entry, const char *first)
{
    const char *message = json_string_value (json_object_get (entry, "message"));
    assert_non_null (message);
    if (strstr (message, first) != message)
        fail_msg ("message does not start with \"%s\": %s", first, message);
}

static void
test_da_recipe3_passes (void **state)
{
    json_t *report = spine_run_to_end (state, "da_pass.yaml", 0, 6);
    json_t *entry = s_inclusion (report);
    assert_non_null (entry);
    assert_true (json_is_true (json_object_get (entry, "passed")));
    json_t *details = json_object_get (entry, "details");
    json_int_t blobs = s_figure (details, "blobs");
    assert_int_equal (s_figure (details, "channels"), 3); //  2 + ceil (2 x 20 %)
    assert_int_equal (s_figure (details, "channels_inscribed"), 3);
    assert_true (blobs >= 4);
    assert_int_equal (s_figure (details, "blobs_dispersed"), blobs);
    assert_int_equal (s_figure (details, "blobs_included"), blobs);
    assert_int_equal (s_figure (details, "sample"), 1);
    assert_true (s_figure (details, "samplings") >= 1);
    char *first = zsys_sprintf (S_TITLE "3/3 channels inscribed, %" JSON_INTEGER_FORMAT
                                        "/%" JSON_INTEGER_FORMAT " blobs included",
                                blobs, blobs);
    s_assert_first_line (entry, first);
    zstr_free (&first);
    json_t *tx = spine_expectation (report, "tx_inclusion");
    assert_true (json_is_true (json_object_get (tx, "passed")));
    s_assert_replay_agrees ((spine_run_t *) *state, entry, 0);
    json_decref (report);
}

static void
test_da_fails_when_the_executor_drops_dispersals (void **state)
{
    json_t *report = spine_run_to_end (state, "da_dropped.yaml", 1, 4);
    json_t *entry = s_inclusion (report);
    assert_non_null (entry);
    assert_false (json_is_true (json_object_get (entry, "passed")));
    json_t *details = json_object_get (entry, "details");
    json_int_t blobs = s_figure (details, "blobs");
    assert_true (blobs >= 4);
    assert_int_equal (s_figure (details, "channels_inscribed"), 3);
    assert_int_equal (s_figure (details, "blobs_dispersed"), blobs); //  Answered, then dropped
    assert_int_equal (s_figure (details, "blobs_on_chain"), 0);
    assert_int_equal (s_figure (details, "blobs_included"), 0);
    json_t *missing = json_object_get (details, "missing_blobs");
    assert_int_equal (json_array_size (missing), (size_t) blobs);
    char *first = zsys_sprintf (S_TITLE "observed 0/%" JSON_INTEGER_FORMAT
                                        " blobs included below required %" JSON_INTEGER_FORMAT,
                                blobs, s_figure (details, "blobs_required"));
    s_assert_first_line (entry, first);
    zstr_free (&first);
    //  The message names the missing blobs (the first, sorted)
    char *named = zsys_sprintf ("%.16s", json_string_value (json_array_get (missing, 0)));
    assert_non_null (strstr (json_string_value (json_object_get (entry, "message")), named));
    zstr_free (&named);
    s_assert_replay_agrees ((spine_run_t *) *state, entry, 1);
    json_decref (report);
}

static void
test_da_fails_when_the_validator_loses_its_shares (void **state)
{
    json_t *report = spine_run_to_end (state, "da_lost_shares.yaml", 1, 4);
    json_t *entry = s_inclusion (report);
    assert_non_null (entry);
    assert_false (json_is_true (json_object_get (entry, "passed")));
    json_t *details = json_object_get (entry, "details");
    json_int_t on_chain = s_figure (details, "blobs_on_chain");
    assert_true (on_chain >= 4);                                //  The ops are in blocks ...
    assert_int_equal (s_figure (details, "blobs_included"), 0); //  ... but nothing is available
    assert_true (s_figure (details, "samplings") >= 1);
    const char *message = json_string_value (json_object_get (entry, "message"));
    assert_non_null (strstr (message, "sampled available"));
    s_assert_replay_agrees ((spine_run_t *) *state, entry, 1);
    json_decref (report);
}

static void
test_da_blobs_survive_an_executor_restart (void **state)
{
    json_t *report = spine_run_to_end (state, "da_executor_restart.yaml", 0, 5);
    json_t *entry = s_inclusion (report);
    assert_non_null (entry);
    assert_true (json_is_true (json_object_get (entry, "passed")));
    json_t *details = json_object_get (entry, "details");
    assert_true (s_figure (details, "blobs_included") >= s_figure (details, "blobs_required"));
    assert_true (s_figure (details, "blobs_included") > 0);
    json_decref (report);
}

int
main (void)
{
    spine_init ();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown (test_da_recipe3_passes, spine_teardown),
        cmocka_unit_test_teardown (test_da_fails_when_the_executor_drops_dispersals,
                                   spine_teardown),
        cmocka_unit_test_teardown (test_da_fails_when_the_validator_loses_its_shares,
                                   spine_teardown),
        cmocka_unit_test_teardown (test_da_blobs_survive_an_executor_restart, spine_teardown),
    };
    return cmocka_run_group_tests_name ("da", tests, NULL, NULL);
}
