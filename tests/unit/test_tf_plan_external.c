//  test_tf_plan_external.c - runner external in the plan: topology.external,
//  the wallets' key file (tf_plan_keys), and what validation refuses, each
//  with its file:line:column

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <czmq.h>
#include "tf_plan.h"
#include "tf_plan_keys.h"

#define S_HEX_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define S_HEX_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

//  A scratch directory with a scenario file and a key file in it
typedef struct {
    char dir[256];      //  mkdtemp
    char scenario[300]; //  dir/s.yaml
    char keys[300];     //  dir/funded.keys
} s_files_t;

static int
s_setup (void **state)
{
    s_files_t *files = (s_files_t *) calloc (1, sizeof *files);
    snprintf (files->dir, sizeof files->dir, "/tmp/tf-plan-external-XXXXXX");
    assert_non_null (mkdtemp (files->dir));
    snprintf (files->scenario, sizeof files->scenario, "%s/s.yaml", files->dir);
    snprintf (files->keys, sizeof files->keys, "%s/funded.keys", files->dir);
    *state = files;
    return 0;
}

static int
s_teardown (void **state)
{
    s_files_t *files = (s_files_t *) *state;
    unlink (files->scenario);
    unlink (files->keys);
    rmdir (files->dir);
    free (files);
    return 0;
}

static void
s_write (const char *path, const char *text)
{
    FILE *file = fopen (path, "w");
    assert_non_null (file);
    fputs (text, file);
    fclose (file);
}

//  Load the scenario file; with want_error, expect that error (a substring of
//  "file:line:column: path: message" as printed) and no plan
static tf_plan_t *
s_load (s_files_t *files, const char *yaml, const char *want_error)
{
    s_write (files->scenario, yaml);
    tf_plan_errors_t *errors = tf_plan_errors_new ();
    tf_plan_t *plan = tf_plan_load (files->scenario, errors);
    char *text = NULL;
    size_t size = 0;
    FILE *memory = open_memstream (&text, &size);
    tf_plan_errors_print (errors, memory);
    fclose (memory);
    if (want_error) {
        assert_null (plan);
        if (!strstr (text, want_error))
            fail_msg ("expected error '%s', got:\n%s", want_error, text);
    }
    else if (!plan)
        fail_msg ("expected a plan, got:\n%s", text);
    free (text);
    tf_plan_errors_destroy (&errors);
    return plan;
}

#define S_NODES                                                                                    \
    "topology:\n"                                                                                  \
    "  external:\n"                                                                                \
    "    - {name: exec-a, url: \"http://10.0.0.9:8080/\", role: executor}\n"                       \
    "    - {name: devnet-0, url: \"http://10.0.0.1:8080\", role: validator}\n"

static void
test_tf_plan_external_loads_nodes_and_key_file (void **state)
{
    s_files_t *files = (s_files_t *) *state;
    s_write (files->keys,
             "# seed note value\n" S_HEX_A " " S_HEX_B " 1000\n\n" S_HEX_B "\t" S_HEX_A "   7\n");
    tf_plan_t *plan = s_load (files,
                              S_NODES "wallets: {keys: funded.keys}\n"
                                      "workloads:\n  - transactions: {rate: 1, users: 2}\n"
                                      "run: {runner: external}\n",
                              NULL);
    assert_int_equal (plan->external_count, 2);
    //  Validators first, counts from the list
    assert_string_equal (plan->externals[0].name, "devnet-0");
    assert_string_equal (plan->externals[1].name, "exec-a");
    assert_int_equal (plan->validators, 1);
    assert_int_equal (plan->executors, 1);
    //  The key file is kept absolute, beside the scenario, and counts the wallets
    assert_string_equal (plan->wallet_keys, files->keys);
    assert_int_equal (plan->wallets, 2);

    //  The wire form and the printed form both give the same plan back
    uint8_t *data = NULL;
    size_t size = 0;
    assert_int_equal (tf_plan_pack (plan, &data, &size), 0);
    tf_plan_t *unpacked = tf_plan_unpack (data, size);
    assert_non_null (unpacked);
    assert_int_equal (unpacked->external_count, 2);
    assert_string_equal (unpacked->externals[1].url, "http://10.0.0.9:8080/");
    assert_string_equal (unpacked->externals[1].role, "executor");
    assert_string_equal (unpacked->wallet_keys, files->keys);
    uint8_t *again = NULL;
    size_t again_size = 0;
    assert_int_equal (tf_plan_pack (unpacked, &again, &again_size), 0);
    assert_int_equal (again_size, size);
    assert_memory_equal (again, data, size);

    char *printed = NULL;
    size_t printed_size = 0;
    FILE *memory = open_memstream (&printed, &printed_size);
    tf_plan_print (plan, memory);
    fclose (memory);
    tf_plan_errors_t *errors = tf_plan_errors_new ();
    tf_plan_t *reloaded = tf_plan_load_string (printed, "printed.yaml", errors);
    if (!reloaded)
        tf_plan_errors_print (errors, stderr);
    assert_non_null (reloaded);
    uint8_t *third = NULL;
    size_t third_size = 0;
    free (reloaded->source);
    reloaded->source = NULL;
    assert_int_equal (tf_plan_pack (reloaded, &third, &third_size), 0);
    assert_int_equal (third_size, size);
    assert_memory_equal (third, data, size);

    tf_plan_t *copy = tf_plan_dup (plan);
    assert_string_equal (copy->externals[0].url, "http://10.0.0.1:8080");
    assert_string_equal (copy->wallet_keys, plan->wallet_keys);
    tf_plan_destroy (&copy);

    free (third);
    free (again);
    free (data);
    free (printed);
    tf_plan_errors_destroy (&errors);
    tf_plan_destroy (&reloaded);
    tf_plan_destroy (&unpacked);
    tf_plan_destroy (&plan);
}

static void
test_tf_plan_external_refuses_node_control_at_its_position (void **state)
{
    s_files_t *files = (s_files_t *) *state;
    char want[400];
    snprintf (want, sizeof want, "%s:6:15: node_control: runner 'external' cannot do node control",
              files->scenario);
    s_load (files, S_NODES "run: {runner: external}\nnode_control: true\n", want);
    //  A chaos workload without node_control is refused too
    snprintf (want, sizeof want,
              "%s:6:27: workloads[0].chaos_random_restart: chaos workloads require node control",
              files->scenario);
    s_load (files, S_NODES "workloads:\n  - chaos_random_restart: {}\nrun: {runner: external}\n",
            want);
}

static void
test_tf_plan_external_refuses_bad_nodes (void **state)
{
    s_files_t *files = (s_files_t *) *state;
    char want[400];
    snprintf (want, sizeof want,
              "%s:3:42: topology.external[0].role: expected validator or "
              "executor, got 'leader'",
              files->scenario);
    s_load (files,
            "topology:\n  external:\n    - {name: a, url: \"http://h:1\", role: leader}\n"
            "run: {runner: external}\n",
            want);
    snprintf (want, sizeof want, "%s:3:22: topology.external[0].url: expected the node's API base",
              files->scenario);
    s_load (files,
            "topology:\n  external:\n    - {name: a, url: \"ftp://h\", role: validator}\n"
            "run: {runner: external}\n",
            want);
    snprintf (want, sizeof want, "%s:4:14: topology.external[1].name: node name 'a' is already",
              files->scenario);
    s_load (files,
            "topology:\n  external:\n    - {name: a, url: \"http://h:1\", role: validator}\n"
            "    - {name: a, url: \"http://h:2\", role: validator}\nrun: {runner: external}\n",
            want);
    snprintf (want, sizeof want, "%s:3:7: topology.external[0].url: missing", files->scenario);
    s_load (files,
            "topology:\n  external:\n    - {name: a, role: validator}\nrun: {runner: external}\n",
            want);
    snprintf (want, sizeof want, "%s:1:37: topology.external: use either external or",
              files->scenario);
    s_load (files,
            "topology: {validators: 2, external: [{name: a, url: \"http://h:1\", role: validator}]}"
            "\nrun: {runner: external}\n",
            want);
}

static void
test_tf_plan_external_runner_and_list_go_together (void **state)
{
    s_files_t *files = (s_files_t *) *state;
    char want[400];
    snprintf (want, sizeof want, "%s:1:15: run.runner: runner 'external' needs the nodes",
              files->scenario);
    s_load (files, "run: {runner: external}\n", want);
    snprintf (want, sizeof want,
              "%s:3:5: topology.external: only runner 'external' runs against nodes",
              files->scenario);
    s_load (files, S_NODES "run: {runner: local}\n", want);
}

static void
test_tf_plan_external_checks_wallets (void **state)
{
    s_files_t *files = (s_files_t *) *state;
    char want[400];
    snprintf (want, sizeof want, "%s:5:10: wallets: runner 'external' cannot fund wallets",
              files->scenario);
    s_load (files, S_NODES "wallets: 4\nrun: {runner: external}\n", want);
    //  A bad line of the key file is named by the key file's own position
    s_write (files->keys, "# header\n" S_HEX_A " " S_HEX_B " 10\n" S_HEX_A " xyz 10\n");
    snprintf (want, sizeof want, "%s:3:66: wallets.keys: expected the note id as 64 hex",
              files->keys);
    s_load (files, S_NODES "wallets: {keys: funded.keys}\nrun: {runner: external}\n", want);
    s_write (files->keys, S_HEX_A " " S_HEX_B " 0\n");
    snprintf (want, sizeof want, "%s:1:131: wallets.keys: expected the value as an integer >= 1",
              files->keys);
    s_load (files, S_NODES "wallets: {keys: funded.keys}\nrun: {runner: external}\n", want);
    s_write (files->keys, "# nothing\n");
    snprintf (want, sizeof want, "%s:1:0: wallets.keys: no wallet in the key file", files->keys);
    s_load (files, S_NODES "wallets: {keys: funded.keys}\nrun: {runner: external}\n", want);
    snprintf (want, sizeof want, "wallets.keys: cannot open the key file");
    s_load (files, S_NODES "wallets: {keys: missing.keys}\nrun: {runner: external}\n", want);
    s_write (files->keys, S_HEX_A " " S_HEX_B " 5\n");
    snprintf (want, sizeof want, "%s:1:17: wallets.keys: only runner 'external' spends",
              files->scenario);
    s_load (files, "wallets: {keys: funded.keys}\n", want);
}

//  A key file of TF_PLAN_MAX_WALLETS wallets (values of 20 digits: the longest
//  lines) is read whole; one line more is refused
static void
test_tf_plan_external_reads_a_key_file_of_every_wallet (void **state)
{
    s_files_t *files = (s_files_t *) *state;
    FILE *file = fopen (files->keys, "w");
    assert_non_null (file);
    for (size_t line = 0; line < TF_PLAN_MAX_WALLETS; line++)
        fprintf (file, "%s  %s  %s\n", S_HEX_A, S_HEX_B, "10000000000000000000");
    fclose (file);
    tf_plan_errors_t *errors = tf_plan_errors_new ();
    tf_plan_key_t *keys = NULL;
    size_t count = 0;
    assert_int_equal (tf_plan_keys_read (files->keys, "wallets.keys", &keys, &count, errors), 0);
    assert_int_equal (count, TF_PLAN_MAX_WALLETS);
    assert_true (keys[count - 1].value == 10000000000000000000ull);
    free (keys);
    file = fopen (files->keys, "a");
    fprintf (file, "%s  %s  1\n", S_HEX_A, S_HEX_B);
    fclose (file);
    assert_int_equal (tf_plan_keys_read (files->keys, "wallets.keys", &keys, &count, errors), -1);
    char *text = NULL;
    size_t size = 0;
    FILE *memory = open_memstream (&text, &size);
    tf_plan_errors_print (errors, memory);
    fclose (memory);
    assert_non_null (strstr (text, "expected at most 100000 wallets"));
    free (text);
    tf_plan_errors_destroy (&errors);
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown (test_tf_plan_external_reads_a_key_file_of_every_wallet,
                                         s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_tf_plan_external_loads_nodes_and_key_file, s_setup,
                                         s_teardown),
        cmocka_unit_test_setup_teardown (test_tf_plan_external_refuses_node_control_at_its_position,
                                         s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_tf_plan_external_refuses_bad_nodes, s_setup,
                                         s_teardown),
        cmocka_unit_test_setup_teardown (test_tf_plan_external_runner_and_list_go_together, s_setup,
                                         s_teardown),
        cmocka_unit_test_setup_teardown (test_tf_plan_external_checks_wallets, s_setup, s_teardown),
    };
    return cmocka_run_group_tests_name ("tf_plan_external", tests, NULL, NULL);
}
