//  test_tf_plan.c - the plan model: builder, knobs, durations, actors
//
//  Also the usage example of the builder API for people embedding tf in C tests.

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <czmq.h>
#include "tf_catalog.h"
#include "tf_plan.h"

#define TEST_MAX_ACTORS 16

//  The message of the first error whose path is path, or NULL
static const char *
s_error_at (const tf_plan_errors_t *errors, const char *path)
{
    for (size_t index = 0; index < tf_plan_errors_count (errors); index++)
        if (streq (tf_plan_errors_at (errors, index)->path, path))
            return tf_plan_errors_at (errors, index)->message;
    return NULL;
}

static void
test_tf_plan_new_has_documented_defaults (void **state)
{
    (void) state;
    tf_plan_t *plan = tf_plan_new ("defaults");
    assert_string_equal (plan->name, "defaults");
    assert_int_equal (plan->network, TF_NETWORK_STAR);
    assert_int_equal (plan->validators, 1);
    assert_int_equal (plan->executors, 0);
    assert_int_equal (plan->duration_ms, 60000);
    assert_int_equal (plan->seed, 0);
    assert_int_equal (plan->slot_ms, 1000);
    assert_true (plan->active_slot_coeff == 0.9);
    assert_int_equal (plan->security_param, 10);
    assert_string_equal (plan->runner, "local");
    assert_string_equal (plan->node_profile, "tf-node");
    assert_int_equal (plan->wallet_amount, 100);
    assert_false (plan->node_control);
    tf_plan_errors_t *errors = tf_plan_errors_new ();
    assert_int_equal (tf_plan_build (plan, errors), 0);
    assert_int_equal (tf_plan_errors_count (errors), 0);
    tf_plan_errors_destroy (&errors);
    tf_plan_destroy (&plan);
    assert_null (plan);
    tf_plan_destroy (&plan); //  Safe on NULL
}

static void
test_tf_plan_duration_parse_table (void **state)
{
    (void) state;
    static const struct {
        const char *text;
        int rc;
        int64_t ms;
    } cases[] = {
        {"500ms", 0, 500},
        {"60s", 0, 60000},
        {"2m", 0, 120000},
        {"1h", 0, 3600000},
        {"0s", 0, 0},
        {"0ms", 0, 0},
        {"007s", 0, 7000},
        {"60", -1, 0},
        {"", -1, 0},
        {"s", -1, 0},
        {"-5s", -1, 0},
        {"+5s", -1, 0},
        {"1.5s", -1, 0},
        {"5 s", -1, 0},
        {" 5s", -1, 0},
        {"5S", -1, 0},
        {"5sec", -1, 0},
        {"5d", -1, 0},
        {"5s5", -1, 0},
        {"1m30s", -1, 0},
        {"9223372036854775807ms", 0, INT64_MAX},
        {"9223372036854775808ms", -1, 0},
        {"2562047788015216h", -1, 0},
        {"99999999999999999999999s", -1, 0},
    };
    for (size_t index = 0; index < sizeof cases / sizeof cases[0]; index++) {
        int64_t ms = -1;
        int rc = tf_plan_duration_parse (cases[index].text, &ms);
        if (rc != cases[index].rc)
            fail_msg ("'%s': rc %d, expected %d", cases[index].text, rc, cases[index].rc);
        if (rc == 0 && ms != cases[index].ms)
            fail_msg ("'%s': %" PRId64 " ms, expected %" PRId64, cases[index].text, ms,
                      cases[index].ms);
        if (rc != 0)
            assert_int_equal (ms, -1); //  Written only on success
    }
    assert_int_equal (tf_plan_duration_parse (NULL, &(int64_t){0}), -1);
}

static void
test_tf_plan_duration_format_uses_largest_exact_unit (void **state)
{
    (void) state;
    static const struct {
        int64_t ms;
        const char *text;
    } cases[] = {
        {0, "0ms"},     {500, "500ms"},  {1000, "1s"},     {1500, "1500ms"}, {60000, "1m"},
        {90000, "90s"}, {3600000, "1h"}, {5400000, "90m"}, {-2000, "-2s"},
    };
    char text[32];
    for (size_t index = 0; index < sizeof cases / sizeof cases[0]; index++) {
        tf_plan_duration_format (cases[index].ms, text, sizeof text);
        assert_string_equal (text, cases[index].text);
        int64_t back;
        if (cases[index].ms >= 0) {
            assert_int_equal (tf_plan_duration_parse (text, &back), 0);
            assert_int_equal (back, cases[index].ms);
        }
    }
}

//  The genesis funds every node and wallet with 64 txs of 255 notes; the nodes
//  alone may be 4096 (their stake notes and declarations span 17 txs)
static void
test_tf_plan_wallets_fit_the_genesis_with_the_nodes (void **state)
{
    (void) state;
    tf_plan_t *plan = tf_plan_new ("genesis");
    tf_plan_set_topology (plan, TF_NETWORK_STAR, 3, 0);
    tf_plan_set_wallets (plan, TF_PLAN_MAX_GENESIS_NOTES - 3, 100);
    tf_plan_errors_t *errors = tf_plan_errors_new ();
    assert_int_equal (tf_plan_build (plan, errors), 0);
    tf_plan_set_wallets (plan, TF_PLAN_MAX_GENESIS_NOTES - 2, 100);
    assert_int_equal (tf_plan_build (plan, errors), -1);
    assert_string_equal (s_error_at (errors, "wallets"),
                         "expected at most 16317 wallets with 3 nodes (the genesis holds 16320 "
                         "notes, one per node and wallet: 64 transactions of 255), got 16318");
    tf_plan_set_topology (plan, TF_NETWORK_STAR, TF_PLAN_MAX_NODES - 1, 1);
    tf_plan_set_wallets (plan, TF_PLAN_MAX_GENESIS_NOTES - TF_PLAN_MAX_NODES, 100);
    assert_int_equal (tf_plan_build (plan, errors), 0);
    tf_plan_set_topology (plan, TF_NETWORK_STAR, TF_PLAN_MAX_NODES, 1);
    assert_int_equal (tf_plan_build (plan, errors), -1);
    assert_non_null (strstr (s_error_at (errors, "topology"), "expected between 1 and 4096 nodes"));
    tf_plan_errors_destroy (&errors);
    tf_plan_destroy (&plan);
}

static void
test_tf_plan_builder_fills_knob_defaults_in_catalogue_order (void **state)
{
    (void) state;
    tf_plan_t *plan = tf_plan_new ("builder");
    tf_plan_set_wallets (plan, 10, 100);
    tf_plan_item_t *item = tf_plan_add_workload (plan, "transactions");
    tf_plan_item_set_int (item, "users", 4); //  Set out of catalogue order
    tf_plan_item_t *liveness = tf_plan_add_expectation (plan, "consensus_liveness");
    tf_plan_item_set_int (liveness, "tolerance", 1); //  An int where a number goes
    tf_plan_errors_t *errors = tf_plan_errors_new ();
    assert_int_equal (tf_plan_build (plan, errors), 0);

    item = &plan->workloads[0];
    assert_int_equal (item->knob_count, 5);
    assert_string_equal (item->knobs[0].key, "rate");
    assert_int_equal (item->knobs[0].value.i, 1);
    assert_string_equal (item->knobs[1].key, "users");
    assert_int_equal (tf_plan_knob_int (item, "users", 0), 4);
    assert_string_equal (item->knobs[2].key, "tps");
    assert_int_equal (tf_plan_knob_int (item, "tps", -1), 0); //  Per block unless asked
    assert_string_equal (item->knobs[3].key, "notes");
    assert_string_equal (item->knobs[4].key, "workers");

    liveness = &plan->expectations[0];
    assert_int_equal (liveness->knob_count, 6);
    assert_int_equal (liveness->knobs[0].type, TF_KNOB_FLOAT);
    assert_true (tf_plan_knob_float (liveness, "tolerance", 0) == 1.0);
    assert_int_equal (tf_plan_knob_int (liveness, "minimum", -1), 0);
    assert_true (tf_plan_knob_bool (liveness, "agreement", false));
    assert_int_equal (liveness->knobs[3].type, TF_KNOB_DURATION);
    assert_int_equal (tf_plan_knob_ms (liveness, "max_stall", -1), 0); //  0: derived from the slot
    assert_int_equal (tf_plan_knob_int (liveness, "max_lag", -1), 0);
    assert_int_equal (tf_plan_knob_ms (liveness, "lag_window", -1), 0);

    //  Validation is idempotent: a second pass changes nothing and finds nothing
    uint8_t *first, *second;
    size_t first_size, second_size;
    assert_int_equal (tf_plan_pack (plan, &first, &first_size), 0);
    assert_int_equal (tf_plan_validate (plan, errors), 0);
    assert_int_equal (tf_plan_pack (plan, &second, &second_size), 0);
    assert_int_equal (first_size, second_size);
    assert_memory_equal (first, second, first_size);
    free (first);
    free (second);
    tf_plan_errors_destroy (&errors);
    tf_plan_destroy (&plan);
}

static void
test_tf_plan_knob_access_falls_back_on_missing_or_wrong_type (void **state)
{
    (void) state;
    tf_plan_t *plan = tf_plan_new ("knobs");
    tf_plan_item_t *item = tf_plan_add_custom (plan, "mine", "workload", NULL);
    tf_plan_item_set_int (item, "count", 7);
    tf_plan_item_set_float (item, "ratio", 0.25);
    tf_plan_item_set_bool (item, "loud", true);
    tf_plan_item_set_str (item, "label", "first");
    tf_plan_item_set_str (item, "label", "second"); //  Replaces, does not add
    tf_plan_item_set_ms (item, "every", 1500);
    assert_int_equal (item->knob_count, 5);
    assert_int_equal (tf_plan_knob_int (item, "count", 0), 7);
    assert_true (tf_plan_knob_float (item, "ratio", 0) == 0.25);
    assert_true (tf_plan_knob_float (item, "count", 0) == 7.0);
    assert_true (tf_plan_knob_bool (item, "loud", false));
    assert_string_equal (tf_plan_knob_str (item, "label", NULL), "second");
    assert_int_equal (tf_plan_knob_ms (item, "every", 0), 1500);
    //  Wrong type or missing: the fallback
    assert_int_equal (tf_plan_knob_int (item, "label", -1), -1);
    assert_int_equal (tf_plan_knob_ms (item, "count", -1), -1);
    assert_false (tf_plan_knob_bool (item, "count", false));
    assert_null (tf_plan_knob_str (item, "missing", NULL));
    assert_true (tf_plan_knob_float (item, "loud", 2.5) == 2.5);
    assert_int_equal (tf_plan_knob_int (NULL, "count", 3), 3);
    assert_ptr_equal (tf_plan_item_by_name (plan, "mine"), &plan->customs[0]);
    assert_null (tf_plan_item_by_name (plan, "other"));
    tf_plan_destroy (&plan);
}

static void
test_tf_plan_actors_are_named_after_kinds (void **state)
{
    (void) state;
    tf_plan_t *plan = tf_plan_new ("actors");
    tf_plan_set_topology (plan, TF_NETWORK_STAR, 3, 1);
    tf_plan_set_wallets (plan, 8, 100);
    tf_plan_enable_node_control (plan);
    tf_plan_add_workload (plan, "transactions");
    tf_plan_add_workload (plan, "chaos_pause");
    tf_plan_add_workload (plan, "transactions");
    tf_plan_add_workload (plan, "transactions");
    tf_plan_add_expectation (plan, "consensus_liveness");
    tf_plan_add_expectation (plan, "tx_inclusion");
    tf_plan_add_custom (plan, "my-checker", "expectation", "python3 checker.py");
    tf_plan_add_custom (plan, "attached", "workload", NULL);
    tf_plan_errors_t *errors = tf_plan_errors_new ();
    assert_int_equal (tf_plan_build (plan, errors), 0);

    tf_plan_actor_t actors[TEST_MAX_ACTORS];
    size_t count = tf_plan_actors (plan, actors, TEST_MAX_ACTORS);
    static const char *expected[][3] = {
        {"deployer", "deployer", "tf-deployer-local"},
        {"scanner", "scanner", "tf-scanner"},
        {"transactions", "workload", "tf-workload-transactions"},
        {"chaos_pause", "workload", "tf-workload-chaos-pause"},
        {"transactions-2", "workload", "tf-workload-transactions"},
        {"transactions-3", "workload", "tf-workload-transactions"},
        {"consensus_liveness", "expectation", "tf-expect-consensus-liveness"},
        {"tx_inclusion", "expectation", "tf-expect-tx-inclusion"},
        {"my-checker", "expectation", NULL},
        {"attached", "workload", NULL},
    };
    assert_int_equal (count, sizeof expected / sizeof expected[0]);
    for (size_t index = 0; index < count; index++) {
        assert_string_equal (actors[index].name, expected[index][0]);
        assert_string_equal (actors[index].role, expected[index][1]);
        if (expected[index][2])
            assert_string_equal (actors[index].program, expected[index][2]);
        else
            assert_null (actors[index].program);
    }
    assert_string_equal (actors[8].command, "python3 checker.py");
    assert_null (actors[9].command);
    assert_null (actors[2].command);

    //  Too small an array: filled up to max, the full count returned
    assert_int_equal (tf_plan_actors (plan, actors, 2), count);
    assert_int_equal (tf_plan_actors (plan, NULL, 0), count);

    //  Runner none deploys no nodes: no scanner
    tf_plan_set_runner (plan, "none");
    plan->node_control = false;
    count = tf_plan_actors (plan, actors, TEST_MAX_ACTORS);
    assert_int_equal (count, sizeof expected / sizeof expected[0] - 1);
    assert_string_equal (actors[0].program, "tf-deployer-none");
    assert_string_equal (actors[1].name, "transactions");
    tf_plan_errors_destroy (&errors);
    tf_plan_destroy (&plan);
}

static void
test_tf_plan_custom_names_must_be_unique_and_safe (void **state)
{
    (void) state;
    tf_plan_t *plan = tf_plan_new ("names");
    tf_plan_add_expectation (plan, "consensus_liveness");
    tf_plan_add_custom (plan, "consensus_liveness", "expectation", NULL);
    tf_plan_add_custom (plan, "twin", "workload", NULL);
    tf_plan_add_custom (plan, "twin", "workload", NULL);
    tf_plan_add_custom (plan, "scanner", "workload", NULL);
    tf_plan_add_custom (plan, "bad name", "workload", NULL);
    tf_plan_add_custom (plan, "fine", "judge", "");
    tf_plan_errors_t *errors = tf_plan_errors_new ();
    assert_int_equal (tf_plan_build (plan, errors), -1);
    assert_non_null (strstr (s_error_at (errors, "custom[0].name"), "already taken"));
    assert_null (s_error_at (errors, "custom[1].name"));
    assert_non_null (strstr (s_error_at (errors, "custom[2].name"), "already taken"));
    assert_non_null (strstr (s_error_at (errors, "custom[3].name"), "already taken"));
    assert_non_null (strstr (s_error_at (errors, "custom[4].name"), "got 'bad name'"));
    assert_non_null (strstr (s_error_at (errors, "custom[5].role"), "got 'judge'"));
    assert_non_null (s_error_at (errors, "custom[5].command"));
    assert_int_equal (tf_plan_errors_count (errors), 6);
    assert_int_equal (tf_plan_errors_at (errors, 0)->line, 0); //  Builder: no position
    tf_plan_errors_destroy (&errors);
    tf_plan_destroy (&plan);
}

static void
test_tf_plan_builder_rejects_impossible_combinations (void **state)
{
    (void) state;
    tf_plan_t *plan = tf_plan_new ("impossible");
    tf_plan_set_topology (plan, TF_NETWORK_RING, 3, 0);
    tf_plan_set_runner (plan, "none");
    tf_plan_add_workload (plan, "da");
    tf_plan_add_workload (plan, "transactions");
    tf_plan_item_t *restart = tf_plan_add_workload (plan, "chaos_random_restart");
    tf_plan_item_set_ms (restart, "min_delay", 5000);
    tf_plan_item_set_ms (restart, "max_delay", 1000);
    tf_plan_add_expectation (plan, "da_inclusion");
    tf_plan_add_expectation (plan, "tx_inclusion"); //  Has its companion: no error
    tf_plan_add_expectation (plan, "no_such_thing");
    tf_plan_add_workload (plan, "consensus_liveness");
    tf_plan_errors_t *errors = tf_plan_errors_new ();
    assert_int_equal (tf_plan_build (plan, errors), -1);
    tf_plan_errors_print (errors, stderr);
    assert_non_null (strstr (s_error_at (errors, "workloads[0].da"),
                             "da workload requires at least one executor"));
    assert_non_null (strstr (s_error_at (errors, "workloads[1].transactions"),
                             "transaction workload requires seeded wallets"));
    assert_non_null (strstr (s_error_at (errors, "workloads[2].chaos_random_restart"),
                             "chaos workloads require node control"));
    assert_non_null (strstr (s_error_at (errors, "workloads[2].chaos_random_restart.min_delay"),
                             "min_delay (5s) must not exceed max_delay (1s)"));
    assert_non_null (strstr (s_error_at (errors, "expectations[2]"),
                             "unknown expectation kind 'no_such_thing'"));
    assert_non_null (strstr (s_error_at (errors, "workloads[3]"),
                             "'consensus_liveness' is an expectation, not a workload"));
    assert_null (s_error_at (errors, "expectations[0].da_inclusion"));
    assert_null (s_error_at (errors, "expectations[1].tx_inclusion"));

    //  Node control on a runner without it
    tf_plan_enable_node_control (plan);
    tf_plan_errors_destroy (&errors);
    errors = tf_plan_errors_new ();
    assert_int_equal (tf_plan_build (plan, errors), -1);
    assert_non_null (
        strstr (s_error_at (errors, "node_control"), "runner 'none' cannot do node control"));
    assert_null (s_error_at (errors, "workloads[2].chaos_random_restart"));
    tf_plan_errors_destroy (&errors);
    tf_plan_destroy (&plan);
}

static void
test_tf_plan_builder_checks_scalars_and_knob_types (void **state)
{
    (void) state;
    tf_plan_t *plan = tf_plan_new ("");
    tf_plan_set_topology (plan, TF_NETWORK_STAR, 0, 0);
    tf_plan_set_duration_ms (plan, 0);
    tf_plan_set_slot (plan, -1, 1.5);
    tf_plan_set_security_param (plan, 0);
    tf_plan_set_runner (plan, "cloud");
    tf_plan_set_node_profile (plan, "");
    tf_plan_item_t *item = tf_plan_add_expectation (plan, "consensus_liveness");
    tf_plan_item_set_str (item, "tolerance", "high");
    tf_plan_item_set_float (item, "minimum", 2.5);
    tf_plan_item_set_float (item, "agreement", 1);
    tf_plan_item_set_int (item, "surprise", 1);
    uint64_t amounts[] = {100, 0, 5};
    tf_plan_set_wallet_amounts (plan, amounts, 3);
    tf_plan_errors_t *errors = tf_plan_errors_new ();
    assert_int_equal (tf_plan_build (plan, errors), -1);
    assert_non_null (s_error_at (errors, "name"));
    assert_non_null (strstr (s_error_at (errors, "topology"), "expected between 1 and 4096 nodes"));
    assert_string_equal (s_error_at (errors, "run.duration"), "expected a duration > 0, got 0ms");
    assert_string_equal (s_error_at (errors, "consensus.slot"),
                         "expected a duration > 0, got -1ms");
    assert_string_equal (s_error_at (errors, "consensus.active_slot_coeff"),
                         "expected a number > 0 and <= 1, got 1.5");
    assert_non_null (s_error_at (errors, "consensus.security_param"));
    assert_non_null (strstr (s_error_at (errors, "run.runner"),
                             "unknown runner 'cloud' (known: local, compose, k8s, external, none"));
    assert_non_null (s_error_at (errors, "node.profile"));
    assert_string_equal (s_error_at (errors, "wallets.amounts[1]"),
                         "expected an integer >= 1, got 0");
    assert_string_equal (s_error_at (errors, "expectations[0].consensus_liveness.tolerance"),
                         "expected a number > 0 and <= 1, got a string");
    assert_string_equal (s_error_at (errors, "expectations[0].consensus_liveness.minimum"),
                         "expected an integer >= 0, got a number");
    assert_string_equal (s_error_at (errors, "expectations[0].consensus_liveness.agreement"),
                         "expected true or false, got a number");
    assert_non_null (strstr (s_error_at (errors, "expectations[0].consensus_liveness.surprise"),
                             "unknown knob 'surprise' of consensus_liveness (known: tolerance, "
                             "minimum, agreement, max_stall, max_lag, lag_window)"));
    assert_int_equal (tf_plan_errors_count (errors), 13);
    tf_plan_errors_destroy (&errors);
    tf_plan_destroy (&plan);
}

static void
test_tf_plan_dup_is_deep (void **state)
{
    (void) state;
    tf_plan_t *plan = tf_plan_new ("dup");
    uint64_t amounts[] = {1, 2, 3};
    tf_plan_set_wallet_amounts (plan, amounts, 3);
    tf_plan_item_t *item = tf_plan_add_workload (plan, "transactions");
    tf_plan_item_set_int (item, "users", 2);
    tf_plan_add_custom (plan, "c", "workload", "run-me");
    tf_plan_item_set_str (&plan->customs[0], "label", "x");
    tf_plan_errors_t *errors = tf_plan_errors_new ();
    assert_int_equal (tf_plan_build (plan, errors), 0);
    tf_plan_t *copy = tf_plan_dup (plan);
    uint8_t *first, *second;
    size_t first_size, second_size;
    assert_int_equal (tf_plan_pack (plan, &first, &first_size), 0);
    tf_plan_destroy (&plan); //  The copy shares nothing with it
    assert_int_equal (tf_plan_pack (copy, &second, &second_size), 0);
    assert_int_equal (first_size, second_size);
    assert_memory_equal (first, second, first_size);
    assert_string_equal (tf_plan_knob_str (&copy->customs[0], "label", ""), "x");
    assert_int_equal (copy->wallet_amounts[2], 3);
    free (first);
    free (second);
    tf_plan_destroy (&copy);
    tf_plan_errors_destroy (&errors);
}

//  `amounts: []` is a list of no amounts, not "no list": the copy keeps it
static void
test_tf_plan_dup_keeps_an_empty_amounts_list (void **state)
{
    (void) state;
    tf_plan_errors_t *errors = tf_plan_errors_new ();
    tf_plan_t *plan = tf_plan_load_string ("wallets: {amounts: []}\n", "empty.yaml", errors);
    assert_non_null (plan);
    assert_non_null (plan->wallet_amounts);
    assert_int_equal (plan->wallet_amount_count, 0);
    tf_plan_t *copy = tf_plan_dup (plan);
    assert_non_null (copy->wallet_amounts);
    uint8_t *first, *second;
    size_t first_size, second_size;
    assert_int_equal (tf_plan_pack (plan, &first, &first_size), 0);
    assert_int_equal (tf_plan_pack (copy, &second, &second_size), 0);
    assert_int_equal (first_size, second_size);
    assert_memory_equal (first, second, first_size);
    free (first);
    free (second);
    tf_plan_destroy (&copy);
    tf_plan_destroy (&plan);
    tf_plan_errors_destroy (&errors);
}

//  A built-in actor's name is its kind and place: a hand-set one (a file name
//  in the run's logs) is refused, the one tf would give is accepted
static void
test_tf_plan_builtin_names_follow_their_kinds (void **state)
{
    (void) state;
    static const struct {
        const char *first;  //  Name given to the first transactions workload
        const char *second; //  ... and to the second
        bool valid;
    } cases[] = {
        {"transactions", "transactions-2", true},
        {"../../escape", "transactions-2", false},
        {"transactions", "transactions", false},
        {"transactions-2", "transactions", false},
    };
    for (size_t index = 0; index < sizeof cases / sizeof cases[0]; index++) {
        tf_plan_t *plan = tf_plan_new ("names");
        tf_plan_set_wallets (plan, 4, 100);
        tf_plan_item_t *first = tf_plan_add_workload (plan, "transactions");
        free (first->name);
        first->name = strdup (cases[index].first);
        tf_plan_item_t *second = tf_plan_add_workload (plan, "transactions");
        free (second->name);
        second->name = strdup (cases[index].second);
        tf_plan_errors_t *errors = tf_plan_errors_new ();
        assert_int_equal (tf_plan_build (plan, errors), cases[index].valid ? 0 : -1);
        if (!cases[index].valid) {
            const char *first_error = s_error_at (errors, "workloads[0].transactions");
            const char *second_error = s_error_at (errors, "workloads[1].transactions");
            assert_true (first_error || second_error);
            assert_non_null (strstr (first_error ? first_error : second_error,
                                     "is not the one its kind and place give it"));
        }
        tf_plan_errors_destroy (&errors);
        tf_plan_destroy (&plan);
    }
}

//  Free text is UTF-8 (YAML and the reports hold it): broken sequences,
//  overlong forms and surrogates are refused wherever a plan carries text
static void
test_tf_plan_text_must_be_utf8 (void **state)
{
    (void) state;
    tf_plan_t *plan = tf_plan_new ("caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9d\x84\x9e");
    tf_plan_add_custom (plan, "checker", "expectation", "echo \xc3\xa9");
    tf_plan_item_set_str (&plan->customs[0], "note", "\xe2\x80\xa8 line separator");
    tf_plan_errors_t *errors = tf_plan_errors_new ();
    assert_int_equal (tf_plan_build (plan, errors), 0);
    tf_plan_destroy (&plan);

    static const char *broken[] = {"\xff",
                                   "\xc3",
                                   "\xc0\xaf",
                                   "\xe0\x80\xaf",
                                   "\xed\xa0\x80",
                                   "\xf4\x90\x80\x80",
                                   "a\x80"
                                   "b"};
    for (size_t index = 0; index < sizeof broken / sizeof broken[0]; index++) {
        plan = tf_plan_new (broken[index]);
        tf_plan_add_custom (plan, "checker", "expectation", broken[index]);
        tf_plan_item_set_str (&plan->customs[0], "note", broken[index]);
        tf_plan_errors_destroy (&errors);
        errors = tf_plan_errors_new ();
        assert_int_equal (tf_plan_build (plan, errors), -1);
        assert_string_equal (s_error_at (errors, "name"), "expected UTF-8 text");
        assert_string_equal (s_error_at (errors, "custom[0].command"), "expected UTF-8 text");
        assert_string_equal (s_error_at (errors, "custom[0].knobs.note"), "expected UTF-8 text");
        tf_plan_destroy (&plan);
    }
    tf_plan_errors_destroy (&errors);
}

static void
test_tf_plan_errors_print_formats_positions (void **state)
{
    (void) state;
    tf_plan_errors_t *errors = tf_plan_errors_new ();
    tf_plan_errors_add (errors, "smoke.yaml", 7, 31, "workloads[0].transactions.rate",
                        "expected an integer >= %d, got %d", 1, 0);
    tf_plan_errors_add (errors, NULL, 0, 0, "run.duration", "expected a duration > 0");
    tf_plan_errors_add (errors, "x.yaml", 0, 0, "", "cannot open");
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream (&text, &size);
    tf_plan_errors_print (errors, out);
    fclose (out);
    assert_string_equal (text, "smoke.yaml:7:31: workloads[0].transactions.rate: expected an "
                               "integer >= 1, got 0\n"
                               "plan: run.duration: expected a duration > 0\n"
                               "x.yaml: cannot open\n");
    free (text);
    assert_int_equal (tf_plan_errors_count (errors), 3);
    assert_null (tf_plan_errors_at (errors, 3));
    tf_plan_errors_destroy (&errors);
}

//  tx_throughput with every limit at 0 judges nothing: refused; one limit is enough
static void
test_tf_plan_tx_throughput_needs_one_limit (void **state)
{
    (void) state;
    tf_plan_t *plan = tf_plan_new ("throughput");
    tf_plan_set_wallets (plan, 4, 100);
    tf_plan_add_workload (plan, "transactions");
    tf_plan_item_t *throughput = tf_plan_add_expectation (plan, "tx_throughput");
    tf_plan_errors_t *errors = tf_plan_errors_new ();
    assert_int_equal (tf_plan_validate (plan, errors), -1);
    const char *message = s_error_at (errors, "expectations[0].tx_throughput");
    assert_non_null (message);
    assert_non_null (strstr (message, "judges nothing"));
    tf_plan_errors_destroy (&errors);
    tf_plan_item_set_float (throughput, "min_included_tps", 2.5);
    errors = tf_plan_errors_new ();
    tf_plan_validate (plan, errors);
    assert_null (s_error_at (errors, "expectations[0].tx_throughput"));
    tf_plan_errors_destroy (&errors);
    tf_plan_destroy (&plan);
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_tf_plan_new_has_documented_defaults),
        cmocka_unit_test (test_tf_plan_duration_parse_table),
        cmocka_unit_test (test_tf_plan_duration_format_uses_largest_exact_unit),
        cmocka_unit_test (test_tf_plan_builder_fills_knob_defaults_in_catalogue_order),
        cmocka_unit_test (test_tf_plan_knob_access_falls_back_on_missing_or_wrong_type),
        cmocka_unit_test (test_tf_plan_actors_are_named_after_kinds),
        cmocka_unit_test (test_tf_plan_custom_names_must_be_unique_and_safe),
        cmocka_unit_test (test_tf_plan_builder_rejects_impossible_combinations),
        cmocka_unit_test (test_tf_plan_builder_checks_scalars_and_knob_types),
        cmocka_unit_test (test_tf_plan_dup_is_deep),
        cmocka_unit_test (test_tf_plan_dup_keeps_an_empty_amounts_list),
        cmocka_unit_test (test_tf_plan_builtin_names_follow_their_kinds),
        cmocka_unit_test (test_tf_plan_text_must_be_utf8),
        cmocka_unit_test (test_tf_plan_tx_throughput_needs_one_limit),
        cmocka_unit_test (test_tf_plan_wallets_fit_the_genesis_with_the_nodes),
        cmocka_unit_test (test_tf_plan_errors_print_formats_positions),
    };
    return cmocka_run_group_tests_name ("tf_plan", tests, NULL, NULL);
}
