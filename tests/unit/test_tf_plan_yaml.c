//  test_tf_plan_yaml.c - the scenario loader and printer
//
//  Every error class is checked with its exact line, column and key path, as
//  a user reads them in `tf validate`.

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <czmq.h>
#include <dirent.h>
#include "tf_plan.h"

#define TEST_FILE         "test.yaml" //  Name given to inline scenarios
#define TEST_MIN_EXAMPLES 5           //  Example scenarios shipped in scenarios/

typedef struct {
    int line;
    int column;
    const char *path;
    const char *message; //  Must appear in the error's message
} s_expected_t;

//  Path of a file in tests/data, or of the repository's scenarios/ when
//  under is "../../scenarios". Caller frees.
static char *
s_data_path (const char *under, const char *file)
{
    const char *data = getenv ("TF_TEST_DATA");
    assert_non_null (data);
    return zsys_sprintf ("%s/%s/%s", data, under, file);
}

static void
s_dump (const tf_plan_errors_t *errors)
{
    tf_plan_errors_print (errors, stderr);
}

//  Load yaml, expect failure with exactly these errors in this order
static void
s_expect_errors (const char *yaml, const s_expected_t *expected, size_t count)
{
    tf_plan_errors_t *errors = tf_plan_errors_new ();
    tf_plan_t *plan = tf_plan_load_string (yaml, TEST_FILE, errors);
    assert_null (plan);
    if (tf_plan_errors_count (errors) != count)
        s_dump (errors);
    assert_int_equal (tf_plan_errors_count (errors), count);
    for (size_t index = 0; index < count; index++) {
        const tf_plan_error_t *error = tf_plan_errors_at (errors, index);
        if (error->line != expected[index].line || error->column != expected[index].column
            || !streq (error->path, expected[index].path)
            || !strstr (error->message, expected[index].message)) {
            s_dump (errors);
            fail_msg ("error %zu: got %d:%d %s '%s', expected %d:%d %s '%s'", index, error->line,
                      error->column, error->path, error->message, expected[index].line,
                      expected[index].column, expected[index].path, expected[index].message);
        }
        assert_string_equal (error->file, TEST_FILE);
    }
    tf_plan_errors_destroy (&errors);
}

#define S_EXPECT(yaml, ...)                                                                        \
    do {                                                                                           \
        const s_expected_t expected[] = {__VA_ARGS__};                                             \
        s_expect_errors (yaml, expected, sizeof expected / sizeof expected[0]);                    \
    } while (0)

//  Load a string that must be valid
static tf_plan_t *
s_load_ok (const char *yaml)
{
    tf_plan_errors_t *errors = tf_plan_errors_new ();
    tf_plan_t *plan = tf_plan_load_string (yaml, TEST_FILE, errors);
    if (!plan)
        s_dump (errors);
    assert_non_null (plan);
    assert_int_equal (tf_plan_errors_count (errors), 0);
    tf_plan_errors_destroy (&errors);
    return plan;
}

//  Print plan, load the text back, and require the same packed bytes
static void
s_assert_print_round_trips (const tf_plan_t *plan)
{
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream (&text, &size);
    tf_plan_print (plan, out);
    fclose (out);
    tf_plan_errors_t *errors = tf_plan_errors_new ();
    tf_plan_t *again = tf_plan_load_string (text, "printed.yaml", errors);
    if (!again) {
        fprintf (stderr, "%s", text);
        s_dump (errors);
    }
    assert_non_null (again);
    uint8_t *first, *second;
    size_t first_size, second_size;
    assert_int_equal (tf_plan_pack (plan, &first, &first_size), 0);
    assert_int_equal (tf_plan_pack (again, &second, &second_size), 0);
    assert_int_equal (first_size, second_size);
    assert_memory_equal (first, second, first_size);
    free (first);
    free (second);
    free (text);
    tf_plan_destroy (&again);
    tf_plan_errors_destroy (&errors);
}

static void
test_tf_plan_yaml_loads_every_example_scenario (void **state)
{
    (void) state;
    char *folder = s_data_path ("../../scenarios", "");
    DIR *dir = opendir (folder);
    assert_non_null (dir);
    size_t loaded = 0;
    struct dirent *entry;
    while ((entry = readdir (dir))) {
        size_t length = strlen (entry->d_name);
        if (length < 5 || !streq (entry->d_name + length - 5, ".yaml"))
            continue;
        char *path = zsys_sprintf ("%s%s", folder, entry->d_name);
        tf_plan_errors_t *errors = tf_plan_errors_new ();
        tf_plan_t *plan = tf_plan_load (path, errors);
        if (!plan)
            s_dump (errors);
        assert_non_null (plan);
        assert_string_equal (plan->source, path);
        s_assert_print_round_trips (plan);
        tf_plan_destroy (&plan);
        tf_plan_errors_destroy (&errors);
        zstr_free (&path);
        loaded++;
    }
    closedir (dir);
    zstr_free (&folder);
    assert_true (loaded >= TEST_MIN_EXAMPLES);
}

static void
test_tf_plan_yaml_loads_the_smoke_recipe (void **state)
{
    (void) state;
    char *path = s_data_path ("../../scenarios", "smoke.yaml");
    tf_plan_errors_t *errors = tf_plan_errors_new ();
    tf_plan_t *plan = tf_plan_load (path, errors);
    assert_non_null (plan);
    assert_string_equal (plan->name, "smoke");
    assert_int_equal (plan->validators, 2);
    assert_int_equal (plan->executors, 0);
    assert_int_equal (plan->duration_ms, 30000);
    assert_int_equal (plan->slot_ms, 100);
    assert_int_equal (plan->expectation_count, 1);
    assert_string_equal (plan->expectations[0].name, "consensus_liveness");
    assert_true (tf_plan_knob_float (&plan->expectations[0], "tolerance", 0) == 0.8);
    tf_plan_destroy (&plan);
    tf_plan_errors_destroy (&errors);
    zstr_free (&path);
}

static void
test_tf_plan_yaml_loads_every_section (void **state)
{
    (void) state;
    char *path = s_data_path ("scenarios", "plan_full.yaml");
    tf_plan_errors_t *errors = tf_plan_errors_new ();
    tf_plan_t *plan = tf_plan_load (path, errors);
    if (!plan)
        s_dump (errors);
    assert_non_null (plan);
    assert_string_equal (plan->name, "full");
    assert_int_equal (plan->network, TF_NETWORK_RING);
    assert_int_equal (plan->validators, 4);
    assert_int_equal (plan->executors, 2);
    assert_int_equal (plan->wallets, 4);
    assert_int_equal (plan->wallet_amount_count, 4);
    assert_int_equal (plan->wallet_amounts[1], 250);
    assert_true (plan->node_control);
    assert_int_equal (plan->duration_ms, 90000);
    assert_true (plan->seed == UINT64_MAX);
    assert_string_equal (plan->runner, "compose");
    assert_int_equal (plan->slot_ms, 250);
    assert_true (plan->active_slot_coeff == 0.5);
    assert_int_equal (plan->security_param, 4);
    assert_string_equal (plan->node_profile, "tf-node");

    assert_int_equal (plan->workload_count, 6);
    const tf_plan_item_t *restart = tf_plan_item_by_name (plan, "chaos_random_restart");
    assert_non_null (restart);
    assert_false (tf_plan_knob_bool (restart, "validators", true));
    assert_true (tf_plan_knob_bool (restart, "executors", false));
    assert_int_equal (tf_plan_knob_ms (restart, "min_delay", 0), 500);
    assert_int_equal (tf_plan_knob_ms (restart, "target_cooldown", -1), 0);
    const tf_plan_item_t *partition = tf_plan_item_by_name (plan, "chaos_partition");
    assert_string_equal (tf_plan_knob_str (partition, "group", ""), "validator-0,executor-1");
    assert_int_equal (tf_plan_knob_ms (partition, "delay", 0), 10000); //  Default
    const tf_plan_item_t *second = tf_plan_item_by_name (plan, "transactions-2");
    assert_ptr_equal (second, &plan->workloads[5]);
    assert_int_equal (tf_plan_knob_int (second, "rate", 0), 1);

    assert_int_equal (plan->expectation_count, 4);
    assert_false (tf_plan_knob_bool (&plan->expectations[0], "agreement", true));
    assert_true (tf_plan_knob_float (&plan->expectations[1], "min_ratio", 0) == 1.0);
    assert_int_equal (plan->expectations[3].knob_count, 3); //  `da_inclusion:` gets defaults

    assert_int_equal (plan->custom_count, 2);
    const tf_plan_item_t *checker = &plan->customs[0];
    assert_null (checker->kind);
    assert_string_equal (checker->role, "expectation");
    assert_string_equal (checker->command, "python3 checker.py --strict");
    assert_int_equal (checker->knob_count, 6);
    assert_int_equal (tf_plan_knob_int (checker, "count", 0), 3);
    assert_true (tf_plan_knob_float (checker, "ratio", 0) == 0.5);
    assert_true (tf_plan_knob_bool (checker, "loud", false));
    assert_string_equal (tf_plan_knob_str (checker, "label", ""), "hello");
    assert_string_equal (tf_plan_knob_str (checker, "quoted", ""), "42"); //  Quoted: a string
    assert_string_equal (tf_plan_knob_str (checker, "every", ""), "45s"); //  No catalogue type
    assert_null (plan->customs[1].command);
    assert_string_equal (plan->customs[1].role, "workload");
    s_assert_print_round_trips (plan);
    tf_plan_destroy (&plan);
    tf_plan_errors_destroy (&errors);
    zstr_free (&path);
}

static void
test_tf_plan_yaml_accepts_both_topology_spellings (void **state)
{
    (void) state;
    tf_plan_t *plan = s_load_ok ("topology: {nodes: 3}\n");
    assert_string_equal (plan->name, "test"); //  From the file name
    assert_int_equal (plan->validators, 3);
    assert_int_equal (plan->executors, 0);
    tf_plan_destroy (&plan);
    plan = s_load_ok ("topology: {network: full, validators: 2, executors: 1}\nwallets: 7\n");
    assert_int_equal (plan->network, TF_NETWORK_FULL);
    assert_int_equal (plan->validators, 2);
    assert_int_equal (plan->executors, 1);
    assert_int_equal (plan->wallets, 7);
    assert_int_equal (plan->wallet_amount, 100);
    assert_null (plan->wallet_amounts);
    tf_plan_destroy (&plan);
    plan = s_load_ok ("wallets: {count: 5, amount: 1000}\nworkloads:\nexpectations: []\n");
    assert_int_equal (plan->wallets, 5);
    assert_int_equal (plan->wallet_amount, 1000);
    assert_int_equal (plan->workload_count, 0);
    tf_plan_destroy (&plan);
}

static void
test_tf_plan_yaml_rejects_unknown_keys_and_kinds (void **state)
{
    (void) state;
    S_EXPECT ("name: t\ntopolgy: {nodes: 2}\n",
              {2, 1, "topolgy", "unknown key 'topolgy' (expected one of: name, topology,"});
    S_EXPECT ("name: t\nwallets: 5\nworkloads:\n  - transaction: {rate: 1}\n",
              {4, 5, "workloads[0]",
               "unknown workload kind 'transaction' (known: transactions, "
               "da, chaos_random_restart, chaos_partition, chaos_pause, chaos_loss, "
               "chaos_bandwidth)"});
    S_EXPECT ("name: t\nwallets: 5\nworkloads:\n  - transactions: {rate: 1, user: 5}\n",
              {4, 29, "workloads[0].transactions.user",
               "unknown knob 'user' of transactions (known: rate, users, tps, notes, workers)"});
    S_EXPECT ("name: t\nrun: {duration: 1s, color: red}\nconsensus: {slots: 1s}\n",
              {2, 21, "run.color",
               "unknown key 'color' (expected one of: duration, seed, runner, fail_fast)"},
              {3, 13, "consensus.slots", "unknown key 'slots'"});
    S_EXPECT ("name: t\nworkloads:\n  - {transactions: {}, da: {}}\n",
              {3, 5, "workloads[0]", "expected one kind per entry"});
    S_EXPECT ("name: t\nrun: {runner: cloud}\n",
              {2, 15, "run.runner",
               "unknown runner 'cloud' (known: local, compose, k8s, external, none"});
    //  What the deployer would refuse later is refused here, where the line is known
    S_EXPECT ("name: t\nnode: {profile: geth}\n",
              {2, 17, "node.profile", "unknown node profile 'geth' (known: tf-node)"});
    S_EXPECT ("name: t\nrun: {runner: replay}\n",
              {2, 15, "run.runner", "runner 'replay' is the one `tf replay RUN_DIR` uses"});
}

static void
test_tf_plan_yaml_rejects_out_of_bounds_values (void **state)
{
    (void) state;
    S_EXPECT ("name: t\nwallets: 5\nworkloads:\n  - transactions: {rate: 0, users: 5}\n",
              {4, 26, "workloads[0].transactions.rate", "expected an integer >= 1, got 0"});
    S_EXPECT ("name: t\ntopology: {validators: 0, executors: 0}\nrun: {duration: 0s}\n",
              {2, 11, "topology",
               "expected between 1 and 4096 nodes (validators + executors), "
               "got 0"},
              {3, 17, "run.duration", "expected a duration > 0, got 0ms"});
    S_EXPECT ("name: t\nexpectations:\n  - consensus_liveness: {tolerance: 1.5}\n",
              {3, 37, "expectations[0].consensus_liveness.tolerance",
               "expected a number > 0 and <= 1, got 1.5"});
    S_EXPECT ("consensus: {active_slot_coeff: 0, security_param: 0}\n",
              {1, 32, "consensus.active_slot_coeff", "expected a number > 0 and <= 1, got 0"},
              {1, 51, "consensus.security_param", "expected an integer >= 1, got 0"});
}

static void
test_tf_plan_yaml_rejects_bad_durations (void **state)
{
    (void) state;
    S_EXPECT ("name: t\nrun: {duration: 60}\nconsensus: {slot: 1.5s}\n",
              {2, 17, "run.duration", "expected a duration such as 500ms, 60s, 2m or 1h, got '60'"},
              {3, 19, "consensus.slot", "got '1.5s'"});
    S_EXPECT ("run: {duration: \"60s\"}\n", //  Quoted: a string, not a duration
              {1, 17, "run.duration", "got '60s'"});
    S_EXPECT ("node_control: true\ntopology: {nodes: 2}\nworkloads:\n"
              "  - chaos_pause: {delay: -1s, window: 3d}\n",
              {4, 26, "workloads[0].chaos_pause.delay", "got '-1s'"},
              {4, 39, "workloads[0].chaos_pause.window", "got '3d'"});
}

static void
test_tf_plan_yaml_rejects_wrong_types (void **state)
{
    (void) state;
    S_EXPECT ("name: t\nwallets: [1, 2]\nnode_control: yes\ntopology: {validators: \"3\"}\n"
              "workloads: {transactions: {}}\n",
              {2, 10, "wallets", "expected a mapping, got a list"},
              {3, 15, "node_control", "expected true or false, got 'yes'"},
              {4, 24, "topology.validators",
               "expected an integer between 0 and 4294967295, "
               "got '3'"},
              {5, 12, "workloads", "expected a list, got a mapping"});
    S_EXPECT ("name: [a]\ntopology: {validators: -1}\n",
              {1, 7, "name", "expected a string of 1 to 64 bytes, got a list"},
              {2, 24, "topology.validators", "got '-1'"});
    S_EXPECT (
        "node_control: true\ntopology: {nodes: 3}\nworkloads:\n"
        "  - chaos_random_restart: {validators: maybe, min_delay: [1s]}\n",
        {4, 40, "workloads[0].chaos_random_restart.validators", "expected a bool, got 'maybe'"},
        {4, 58, "workloads[0].chaos_random_restart.min_delay",
         "expected a duration value, got a list"});
    S_EXPECT ("- a\n- b\n", {1, 1, "", "expected a mapping, got a list"});
}

static void
test_tf_plan_yaml_rejects_duplicate_keys (void **state)
{
    (void) state;
    S_EXPECT ("name: t\nrun: {duration: 10s}\nrun: {duration: 20s}\n",
              {3, 1, "run", "duplicate key 'run' (first at line 2)"});
    S_EXPECT ("name: t\nrun: {duration: 10s, duration: 20s}\n",
              {2, 22, "run.duration", "duplicate key 'duration' (first at line 2)"});
    S_EXPECT ("wallets: 3\nworkloads:\n  - transactions:\n      rate: 1\n      rate: 2\n",
              {5, 7, "workloads[0].transactions.rate", "duplicate key 'rate' (first at line 4)"});
}

static void
test_tf_plan_yaml_rejects_impossible_combinations (void **state)
{
    (void) state;
    S_EXPECT ("name: t\ntopology: {validators: 2}\nworkloads:\n  - da: {}\n",
              {4, 9, "workloads[0].da", "da workload requires at least one executor"});
    S_EXPECT ("name: t\ntopology: {validators: 3}\nworkloads:\n  - chaos_random_restart: {}\n",
              {4, 27, "workloads[0].chaos_random_restart",
               "chaos workloads require node control (set node_control: true)"});
    S_EXPECT ("name: t\ntopology: {validators: 3}\nnode_control: true\nworkloads:\n"
              "  - chaos_pause\nrun: {runner: none}\n",
              {3, 15, "node_control", "runner 'none' cannot do node control"});
    //  An action the runner lacks: network faults are compose's alone
    S_EXPECT ("name: t\ntopology: {validators: 3}\nnode_control: true\nworkloads:\n"
              "  - chaos_loss: {nodes: validator-1, percent: 30}\nrun: {runner: local}\n",
              {5, 17, "workloads[0].chaos_loss",
               "chaos_loss needs node control that runner 'local' cannot do: loss"});
    S_EXPECT ("name: t\ntopology: {validators: 3}\nnode_control: true\nworkloads:\n"
              "  - chaos_loss: {nodes: 'validator-1,validator-3'}\nrun: {runner: compose}\n",
              {5, 25, "workloads[0].chaos_loss.nodes",
               "no node 'validator-3' in this topology (expected validator-<i> or executor-<i>, "
               "comma-separated)"});
    S_EXPECT ("name: t\ntopology: {validators: 3}\nnode_control: true\nworkloads:\n"
              "  - chaos_loss: {percent: 101}\nrun: {runner: compose}\n",
              {5, 27, "workloads[0].chaos_loss.percent",
               "expected an integer between 1 and 100, got 101"});
    S_EXPECT ("name: t\ntopology: {validators: 3}\nnode_control: true\nworkloads:\n"
              "  - chaos_bandwidth: {nodes: validator-1, rate_kbit: 64}\nrun: {runner: local}\n",
              {5, 22, "workloads[0].chaos_bandwidth",
               "chaos_bandwidth needs node control that runner 'local' cannot do: bandwidth"});
    S_EXPECT ("name: t\ntopology: {validators: 3}\nnode_control: true\nworkloads:\n"
              "  - chaos_bandwidth: {nodes: validator-4}\nrun: {runner: compose}\n",
              {5, 30, "workloads[0].chaos_bandwidth.nodes",
               "no node 'validator-4' in this topology (expected validator-<i> or executor-<i>, "
               "comma-separated)"});
    S_EXPECT ("name: t\ntopology: {validators: 3}\nnode_control: true\nworkloads:\n"
              "  - chaos_bandwidth: {rate_kbit: 0}\nrun: {runner: compose}\n",
              {5, 34, "workloads[0].chaos_bandwidth.rate_kbit",
               "expected an integer between 8 and 10000000, got 0"});
    S_EXPECT ("name: t\nworkloads:\n  - transactions: {users: 3}\nexpectations:\n"
              "  - tx_inclusion\n",
              {3, 19, "workloads[0].transactions",
               "transaction workload requires seeded wallets (set wallets: N)"});
    S_EXPECT ("name: t\nwallets: {count: 2}\nworkloads:\n  - transactions: {users: 3}\n",
              {4, 27, "workloads[0].transactions.users",
               "expected at most 2 users (the number of wallets), got 3"});
    S_EXPECT (
        "name: t\nexpectations:\n  - tx_inclusion: {min_ratio: 0.9}\n",
        {3, 19, "expectations[0].tx_inclusion", "tx_inclusion requires a transactions workload"});
    S_EXPECT ("name: t\ntopology: {validators: 3}\nnode_control: true\nworkloads:\n"
              "  - chaos_random_restart: {min_delay: 2m, max_delay: 1m}\n",
              {5, 39, "workloads[0].chaos_random_restart.min_delay",
               "min_delay (2m) must not exceed max_delay (1m)"});
    S_EXPECT ("topology: {nodes: 1}\nnode_control: true\nworkloads:\n"
              "  - chaos_random_restart: {executors: false}\n",
              {4, 27, "workloads[0].chaos_random_restart", "no eligible targets"});
    S_EXPECT ("topology: {nodes: 3, validators: 2}\n",
              {1, 19, "topology.nodes", "use either nodes or validators/executors, not both"});
    S_EXPECT ("topology: {nodes: 3}\nnode_control: true\nworkloads:\n"
              "  - chaos_partition: {group: \"validator-0,validator-1,validator-2\"}\n"
              "  - chaos_partition: {group: validator-3}\n",
              {4, 30, "workloads[0].chaos_partition.group", "must leave at least one node"},
              {5, 30, "workloads[1].chaos_partition.group", "no node 'validator-3'"});
}

static void
test_tf_plan_yaml_checks_wallet_configs (void **state)
{
    (void) state;
    S_EXPECT ("wallets: {count: 3, amounts: [1, 0]}\n",
              {1, 30, "wallets.amounts", "expected 3 amounts (one per wallet), got 2"},
              {1, 34, "wallets.amounts[1]", "expected an integer >= 1, got 0"});
    S_EXPECT ("wallets: {amount: 0}\n",
              {1, 19, "wallets.amount", "expected an integer >= 1, got 0"});
    S_EXPECT ("wallets: 200000\n",
              {1, 10, "wallets", "expected at most 100000 wallets, got 200000"});
    S_EXPECT ("wallets: {amounts: 5, size: 2}\n",
              {1, 20, "wallets.amounts", "expected a list of amounts, got '5'"},
              {1, 23, "wallets.size",
               "unknown key 'size' (expected one of: count, amount, amounts, keys)"});
    tf_plan_t *plan = s_load_ok ("wallets: {amounts: [7, 8]}\n");
    assert_int_equal (plan->wallets, 2);
    assert_int_equal (plan->wallet_amounts[0], 7);
    tf_plan_destroy (&plan);
}

static void
test_tf_plan_yaml_checks_custom_actors (void **state)
{
    (void) state;
    S_EXPECT ("name: t\nexpectations:\n  - consensus_liveness\ncustom:\n"
              "  - {name: consensus_liveness, role: expectation}\n"
              "  - {name: probe, command: \"python3 probe.py\"}\n"
              "  - {name: probe2, role: judge, cmd: x}\n",
              {5, 12, "custom[0].name", "actor name 'consensus_liveness' is already taken"},
              {6, 5, "custom[1].role", "missing: expected workload or expectation"},
              {7, 26, "custom[2].role", "expected workload or expectation, got 'judge'"},
              {7, 33, "custom[2].cmd", "unknown key 'cmd'"});
}

static void
test_tf_plan_yaml_reports_syntax_and_document_errors (void **state)
{
    (void) state;
    S_EXPECT ("name: t\nrun: {duration: 10s\n",
              {3, 1, "", "YAML syntax error: did not find expected ',' or '}'"});
    S_EXPECT ("name: a\n---\nname: b\n", {3, 1, "", "expected one YAML document"});

    tf_plan_errors_t *errors = tf_plan_errors_new ();
    assert_null (tf_plan_load ("/nonexistent/scenario.yaml", errors));
    assert_int_equal (tf_plan_errors_count (errors), 1);
    assert_non_null (strstr (tf_plan_errors_at (errors, 0)->message, "cannot open"));
    tf_plan_errors_destroy (&errors);
}

//  Every key is optional: an empty file, or one of comments only, is `{}`
static void
test_tf_plan_yaml_takes_an_empty_file_as_an_empty_mapping (void **state)
{
    (void) state;
    const char *texts[] = {"{}\n", "", "# nothing but a comment\n"};
    char *printed[3] = {NULL};
    for (size_t index = 0; index < 3; index++) {
        tf_plan_errors_t *errors = tf_plan_errors_new ();
        tf_plan_t *plan = tf_plan_load_string (texts[index], TEST_FILE, errors);
        if (!plan)
            s_dump (errors);
        assert_non_null (plan);
        size_t size;
        FILE *out = open_memstream (&printed[index], &size);
        tf_plan_print (plan, out);
        fclose (out);
        tf_plan_destroy (&plan);
        tf_plan_errors_destroy (&errors);
    }
    assert_string_equal (printed[1], printed[0]);
    assert_string_equal (printed[2], printed[0]);
    for (size_t index = 0; index < 3; index++)
        free (printed[index]);
}

//  A FIFO (no writer: an open would block) or a directory is refused at once
static void
test_tf_plan_yaml_refuses_what_is_not_a_regular_file (void **state)
{
    (void) state;
    char dir[] = "/tmp/tf-test-scenario-XXXXXX";
    assert_non_null (mkdtemp (dir));
    char *fifo = zsys_sprintf ("%s/scenario.yaml", dir);
    assert_int_equal (mkfifo (fifo, 0600), 0);
    const char *paths[] = {fifo, dir};
    for (size_t index = 0; index < 2; index++) {
        tf_plan_errors_t *errors = tf_plan_errors_new ();
        assert_null (tf_plan_load (paths[index], errors));
        assert_int_equal (tf_plan_errors_count (errors), 1);
        assert_string_equal (tf_plan_errors_at (errors, 0)->message,
                             "not a regular file: a scenario is a YAML file");
        tf_plan_errors_destroy (&errors);
    }
    unlink (fifo);
    rmdir (dir);
    zstr_free (&fifo);
}

static void
test_tf_plan_yaml_collects_all_errors_in_file_order (void **state)
{
    (void) state;
    char *path = s_data_path ("scenarios", "plan_many_errors.yaml");
    tf_plan_errors_t *errors = tf_plan_errors_new ();
    assert_null (tf_plan_load (path, errors));
    static const s_expected_t expected[] = {
        {3, 50, "topology.network", "expected star, ring or full, got 'mesh'"},
        {6, 26, "workloads[0].transactions.rate", "expected an integer >= 1, got 0"},
        {6, 36, "workloads[0].transactions.users", "expected at most 3 users"},
        {7, 9, "workloads[1].da", "requires at least one executor"},
        {8, 18, "workloads[2].chaos_pause", "chaos workloads require node control"},
        {8, 27, "workloads[2].chaos_pause.window", "got 'forever'"},
        {10, 37, "expectations[0].consensus_liveness.tolerance", "got 0"},
        {11, 5, "expectations[1]", "unknown expectation kind 'liveness'"},
        {12, 17, "run.duration", "got '1d'"},
        {12, 36, "run.color", "unknown key 'color'"},
    };
    size_t count = sizeof expected / sizeof expected[0];
    if (tf_plan_errors_count (errors) != count)
        s_dump (errors);
    assert_int_equal (tf_plan_errors_count (errors), count);
    for (size_t index = 0; index < count; index++) {
        const tf_plan_error_t *error = tf_plan_errors_at (errors, index);
        assert_string_equal (error->file, path);
        assert_int_equal (error->line, expected[index].line);
        assert_int_equal (error->column, expected[index].column);
        assert_string_equal (error->path, expected[index].path);
        assert_non_null (strstr (error->message, expected[index].message));
    }
    tf_plan_errors_destroy (&errors);
    zstr_free (&path);
}

static void
test_tf_plan_yaml_print_round_trips_awkward_strings (void **state)
{
    (void) state;
    tf_plan_t *plan = s_load_ok (
        "name: \"odd name: \\\"quoted\\\"\"\n"
        "custom:\n"
        "  - name: x\n"
        "    role: workload\n"
        "    command: 'sh -c \"echo #1, {a}: [b]\"'\n"
        "    knobs: {empty: \"\", yes: \"true\", num: \"1e3\", nul: \"null\", tab: \"a\\tb\","
        " big: 1e300, small: 0.1, whole: 2.0, negative: -7, word: inf}\n");
    assert_string_equal (plan->name, "odd name: \"quoted\"");
    const tf_plan_item_t *custom = &plan->customs[0];
    assert_string_equal (tf_plan_knob_str (custom, "yes", ""), "true");
    assert_string_equal (tf_plan_knob_str (custom, "tab", ""), "a\tb");
    assert_true (tf_plan_knob_float (custom, "whole", 0) == 2.0);
    assert_int_equal (tf_plan_knob_int (custom, "negative", 0), -7);
    assert_string_equal (tf_plan_knob_str (custom, "word", ""), "inf");
    s_assert_print_round_trips (plan);
    tf_plan_destroy (&plan);
}

//  Code points a YAML reader refuses raw or reads as line breaks (C1 controls,
//  NEL, LS, PS, U+FFFE), a byte order mark, and numbers too small for a
//  normal double: printed so that they load back as they were
static void
test_tf_plan_yaml_print_round_trips_escaped_code_points (void **state)
{
    (void) state;
    tf_plan_t *plan = tf_plan_new ("escapes");
    tf_plan_add_custom (plan, "checker", "expectation", "echo \xc2\x85 \xe2\x80\xa8");
    tf_plan_item_t *custom = &plan->customs[0];
    tf_plan_item_set_str (custom, "c1",
                          "a\xc2\x80"
                          "b\xc2\x9f");
    tf_plan_item_set_str (custom, "breaks", "\xc2\x85\xe2\x80\xa8\xe2\x80\xa9");
    tf_plan_item_set_str (custom, "marks", "\xef\xbb\xbf\xef\xbf\xbe\xef\xbf\xbf");
    tf_plan_item_set_str (custom, "plain", "caf\xc3\xa9 \xf0\x9d\x84\x9e \xc2\xa0");
    tf_plan_item_set_float (custom, "tiny", 5.28631593143906e-310);
    tf_plan_errors_t *errors = tf_plan_errors_new ();
    assert_int_equal (tf_plan_build (plan, errors), 0);
    tf_plan_errors_destroy (&errors);
    s_assert_print_round_trips (plan);
    tf_plan_destroy (&plan);
}

//  A buffer needs no terminating NUL, holds none, and is at most 1 MiB: the
//  checks the file loader makes, on the one path both take
static void
test_tf_plan_yaml_loads_from_a_buffer (void **state)
{
    (void) state;
    static const char text[] = "name: buffered\nwallets: 4\nworkloads: [transactions]\nXXXX";
    tf_plan_errors_t *errors = tf_plan_errors_new ();
    tf_plan_t *plan = tf_plan_load_buffer (text, strlen (text) - 4, "buffer.yaml", errors);
    assert_non_null (plan);
    assert_string_equal (plan->name, "buffered");
    assert_int_equal (plan->workload_count, 1);
    tf_plan_destroy (&plan);

    static const char with_nul[] = "name: x\0\n";
    assert_null (tf_plan_load_buffer (with_nul, sizeof with_nul - 1, "nul.yaml", errors));
    assert_int_equal (tf_plan_errors_count (errors), 1);
    assert_string_equal (tf_plan_errors_at (errors, 0)->message,
                         "not a text file (holds a NUL byte)");
    assert_string_equal (tf_plan_errors_at (errors, 0)->file, "nul.yaml");

    size_t size = (1u << 20) + 1;
    char *large = (char *) malloc (size);
    memset (large, '#', size); //  Only a comment, but too long
    assert_null (tf_plan_load_buffer (large, size, "large.yaml", errors));
    assert_non_null (strstr (tf_plan_errors_at (errors, 1)->message, "too large"));
    plan = tf_plan_load_buffer (large, size - 1, "large.yaml", errors);
    assert_non_null (plan); //  An empty scenario at the limit
    tf_plan_destroy (&plan);
    free (large);
    plan = tf_plan_load_buffer (NULL, 0, "empty.yaml", errors);
    assert_non_null (plan); //  Nothing at all is an empty scenario, named after the file
    assert_string_equal (plan->name, "empty");
    tf_plan_destroy (&plan);
    assert_int_equal (tf_plan_errors_count (errors), 2);
    tf_plan_errors_destroy (&errors);
}

static void
test_tf_plan_yaml_survives_text_mutations (void **state)
{
    (void) state;
    static const char replacements[] = ":{}[]-\"&*\n#!,";
    char *path = s_data_path ("scenarios", "plan_full.yaml");
    FILE *file = fopen (path, "rb");
    assert_non_null (file);
    char text[4096];
    size_t size = fread (text, 1, sizeof text - 1, file);
    fclose (file);
    text[size] = 0;
    size_t loaded = 0, rejected = 0;
    for (size_t offset = 0; offset < size; offset++)
        for (const char *with = replacements; *with; with++) {
            char saved = text[offset];
            text[offset] = *with;
            tf_plan_errors_t *errors = tf_plan_errors_new ();
            tf_plan_t *plan = tf_plan_load_string (text, "mutant.yaml", errors);
            //  Either a plan and no errors, or errors and no plan
            assert_true ((plan != NULL) == (tf_plan_errors_count (errors) == 0));
            if (plan)
                loaded++;
            else
                rejected++;
            tf_plan_destroy (&plan);
            tf_plan_errors_destroy (&errors);
            text[offset] = saved;
        }
    assert_true (loaded > 0 && rejected > 0);
    zstr_free (&path);
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_tf_plan_yaml_loads_every_example_scenario),
        cmocka_unit_test (test_tf_plan_yaml_loads_the_smoke_recipe),
        cmocka_unit_test (test_tf_plan_yaml_loads_every_section),
        cmocka_unit_test (test_tf_plan_yaml_accepts_both_topology_spellings),
        cmocka_unit_test (test_tf_plan_yaml_rejects_unknown_keys_and_kinds),
        cmocka_unit_test (test_tf_plan_yaml_rejects_out_of_bounds_values),
        cmocka_unit_test (test_tf_plan_yaml_rejects_bad_durations),
        cmocka_unit_test (test_tf_plan_yaml_rejects_wrong_types),
        cmocka_unit_test (test_tf_plan_yaml_rejects_duplicate_keys),
        cmocka_unit_test (test_tf_plan_yaml_rejects_impossible_combinations),
        cmocka_unit_test (test_tf_plan_yaml_checks_wallet_configs),
        cmocka_unit_test (test_tf_plan_yaml_checks_custom_actors),
        cmocka_unit_test (test_tf_plan_yaml_reports_syntax_and_document_errors),
        cmocka_unit_test (test_tf_plan_yaml_takes_an_empty_file_as_an_empty_mapping),
        cmocka_unit_test (test_tf_plan_yaml_refuses_what_is_not_a_regular_file),
        cmocka_unit_test (test_tf_plan_yaml_collects_all_errors_in_file_order),
        cmocka_unit_test (test_tf_plan_yaml_print_round_trips_awkward_strings),
        cmocka_unit_test (test_tf_plan_yaml_print_round_trips_escaped_code_points),
        cmocka_unit_test (test_tf_plan_yaml_loads_from_a_buffer),
        cmocka_unit_test (test_tf_plan_yaml_survives_text_mutations),
    };
    return cmocka_run_group_tests_name ("tf_plan_yaml", tests, NULL, NULL);
}
