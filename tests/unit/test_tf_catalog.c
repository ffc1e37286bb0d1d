//  test_tf_catalog.c - the catalogue of kinds and runners, and `tf catalog`'s listing
//
//  The listing tests walk the catalogue's own table, so a kind or knob added to
//  the table and missing from the listing (or printed wrong) fails here.

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <czmq.h>
#include "tf_catalog.h"
#include "tf_plan.h"

#define TEST_TEXT_SIZE  512 //  Room for one expected line
#define TEST_RANGE_SIZE 64  //  Room for one knob range

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
test_tf_catalog_lists_every_kind_with_program_and_knobs (void **state)
{
    (void) state;
    static const char *programs[][2] = {
        {"transactions", "tf-workload-transactions"},
        {"da", "tf-workload-da"},
        {"chaos_random_restart", "tf-workload-chaos-random-restart"},
        {"chaos_partition", "tf-workload-chaos-partition"},
        {"chaos_pause", "tf-workload-chaos-pause"},
        {"chaos_loss", "tf-workload-chaos-loss"},
        {"chaos_bandwidth", "tf-workload-chaos-bandwidth"},
        {"consensus_liveness", "tf-expect-consensus-liveness"},
        {"tx_inclusion", "tf-expect-tx-inclusion"},
        {"tx_throughput", "tf-expect-tx-throughput"},
        {"prometheus_block_production", "tf-expect-prometheus-block-production"},
        {"prometheus_query", "tf-expect-prometheus-query"},
        {"da_inclusion", "tf-expect-da-inclusion"},
        {"node_resources", "tf-expect-node-resources"},
    };
    assert_int_equal (tf_catalog_kind_count (), sizeof programs / sizeof programs[0]);
    for (size_t index = 0; index < tf_catalog_kind_count (); index++) {
        const tf_catalog_kind_t *kind = tf_catalog_kind (programs[index][0]);
        assert_non_null (kind);
        assert_ptr_equal (kind, tf_catalog_kind_at (index));
        assert_string_equal (kind->program, programs[index][1]);
        assert_true (kind->knob_count > 0);
        for (size_t knob = 0; knob < kind->knob_count; knob++) {
            //  Every default parses as its own type and lies within its bounds
            tf_plan_t *plan = tf_plan_new ("probe");
            tf_plan_item_t *item = kind->role == TF_ROLE_WORKLOAD
                                       ? tf_plan_add_workload (plan, kind->kind)
                                       : tf_plan_add_expectation (plan, kind->kind);
            tf_plan_errors_t *errors = tf_plan_errors_new ();
            tf_plan_validate (plan, errors);
            char path[128];
            snprintf (path, sizeof path, "%ss[0].%s.%s", tf_catalog_role_str (kind->role),
                      kind->kind, kind->knobs[knob].name);
            assert_null (s_error_at (errors, path));
            assert_non_null (kind->knobs[knob].help);
            assert_true (
                item
                == (kind->role == TF_ROLE_WORKLOAD ? &plan->workloads[0] : &plan->expectations[0]));
            tf_plan_errors_destroy (&errors);
            tf_plan_destroy (&plan);
        }
    }
    assert_null (tf_catalog_kind ("nope"));
    assert_null (tf_catalog_kind_at (tf_catalog_kind_count ()));
    //  Network faults only where a node has a network stack of its own
    unsigned network =
        TF_CATALOG_ACTION (TF_CONTROL_LOSS) | TF_CATALOG_ACTION (TF_CONTROL_BANDWIDTH);
    assert_int_equal (tf_catalog_runner ("local")->actions, TF_CATALOG_ALL_ACTIONS & ~network);
    assert_int_equal (tf_catalog_runner ("compose")->actions, TF_CATALOG_ALL_ACTIONS);
    unsigned frozen = TF_CATALOG_ACTION (TF_CONTROL_PAUSE) | TF_CATALOG_ACTION (TF_CONTROL_RESUME);
    assert_int_equal (tf_catalog_runner ("k8s")->actions,
                      TF_CATALOG_ALL_ACTIONS & ~network & ~frozen);
    assert_int_equal (tf_catalog_runner ("none")->actions, 0);
    assert_false (tf_catalog_runner ("none")->scanner);
    assert_null (tf_catalog_runner ("cloud"));
}

//  The range of a knob of the table, by kind and knob name
static void
s_range (const char *kind, const char *knob, char *out, size_t size)
{
    const tf_catalog_kind_t *entry = tf_catalog_kind (kind);
    assert_non_null (entry);
    assert_non_null (tf_catalog_knob (entry, knob));
    tf_catalog_knob_range (tf_catalog_knob (entry, knob), out, size);
}

//  Ranges say minimum, maximum and whether the minimum is exclusive, in the
//  knob's units, as the validator's errors do
static void
test_tf_catalog_knob_range_spells_bounds (void **state)
{
    (void) state;
    char range[TEST_TEXT_SIZE];
    s_range ("transactions", "rate", range, sizeof range);
    assert_string_equal (range, ">= 1");
    s_range ("transactions", "users", range, sizeof range);
    assert_string_equal (range, "between 1 and 100000");
    s_range ("consensus_liveness", "tolerance", range, sizeof range);
    assert_string_equal (range, "> 0 and <= 1");
    s_range ("consensus_liveness", "agreement", range, sizeof range);
    assert_string_equal (range, "");
    s_range ("chaos_random_restart", "min_delay", range, sizeof range);
    assert_string_equal (range, "> 0ms and <= 24h");
    s_range ("chaos_random_restart", "target_cooldown", range, sizeof range);
    assert_string_equal (range, "between 0ms and 24h");
    s_range ("chaos_partition", "group", range, sizeof range);
    assert_string_equal (range, "");
    //  An integer bound is written whole, never as 1e+06
    tf_catalog_knob_t wide = {"wide", TF_KNOB_INT, "1", 0, 1e6, false, "a wide knob"};
    tf_catalog_knob_range (&wide, range, sizeof range);
    assert_string_equal (range, "between 0 and 1000000");

    //  The validator refuses an out-of-range value in the same words
    tf_plan_t *plan = tf_plan_new ("range");
    tf_plan_item_t *item = tf_plan_add_expectation (plan, "consensus_liveness");
    assert_non_null (item);
    tf_plan_item_set_float (item, "tolerance", 1.5);
    tf_plan_errors_t *errors = tf_plan_errors_new ();
    assert_int_equal (tf_plan_validate (plan, errors), -1);
    s_range ("consensus_liveness", "tolerance", range, sizeof range);
    char *expected = zsys_sprintf ("expected a number %s, got 1.5", range);
    assert_string_equal (s_error_at (errors, "expectations[0].consensus_liveness.tolerance"),
                         expected);
    zstr_free (&expected);
    tf_plan_errors_destroy (&errors);
    tf_plan_destroy (&plan);
}

//  The whole listing in one format; caller frees
static char *
s_listing (tf_catalog_format_t format)
{
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream (&text, &size);
    assert_non_null (out);
    tf_catalog_print (out, format);
    fclose (out);
    assert_non_null (text);
    return text;
}

//  Where line (a whole line) first occurs in text at or after from; fails when absent.
//  Not inlined: gcc -O2 -Wdangling-pointer misreads the loop once inlined into callers.
static __attribute__ ((noinline)) const char *
s_line_at (const char *text, const char *from, const char *line)
{
    size_t length = strlen (line);
    for (const char *at = strstr (from, line); at; at = strstr (at + 1, line))
        if ((at == text || at[-1] == '\n') && at[length] == '\n')
            return at;
    fail_msg ("missing line: '%s'", line);
    return NULL;
}

//  A default as the listing shows it: the YAML spelling, "" for the empty string
static const char *
s_default (const tf_catalog_knob_t *knob)
{
    return *knob->fallback ? knob->fallback : "\"\"";
}

//  What the listing must say a kind needs, checked part by part
static void
s_assert_needs (const tf_catalog_kind_t *kind, const char *needs)
{
    bool none = true;
    if (kind->needs & TF_CATALOG_NEEDS_EXECUTORS) {
        assert_non_null (strstr (needs, "executors"));
        none = false;
    }
    if (kind->needs & TF_CATALOG_NEEDS_WALLETS) {
        assert_non_null (strstr (needs, "wallets"));
        none = false;
    }
    for (int action = 0; action < TF_CONTROL_COUNT; action++)
        if (kind->actions & TF_CATALOG_ACTION (action)) {
            assert_non_null (strstr (needs, tf_control_action_str ((tf_control_action_t) action)));
            assert_non_null (strstr (needs, "node_control"));
            none = false;
        }
    if (kind->companion) {
        char *workload = zsys_sprintf ("%s workload", kind->companion);
        assert_non_null (strstr (needs, workload));
        zstr_free (&workload);
        none = false;
    }
    if (none)
        assert_string_equal (needs, "nothing");
    else
        assert_null (strstr (needs, "nothing"));
}

//  The text listing has every kind under its role's heading with program,
//  needs, and every knob (type, default, range, help) in table order; then
//  every runner with program and node-control actions
static void
test_tf_catalog_text_lists_every_kind_knob_and_runner (void **state)
{
    (void) state;
    char *text = s_listing (TF_CATALOG_FORMAT_TEXT);
    const char *workloads = s_line_at (text, text, "WORKLOADS (scenario key: workloads)");
    const char *expectations = s_line_at (text, text, "EXPECTATIONS (scenario key: expectations)");
    const char *runners = s_line_at (text, text, "RUNNERS (scenario key: run.runner)");
    assert_true (workloads < expectations && expectations < runners);
    char line[TEST_TEXT_SIZE];
    const char *cursor = workloads;
    for (size_t index = 0; index < tf_catalog_kind_count (); index++) {
        const tf_catalog_kind_t *kind = tf_catalog_kind_at (index);
        cursor = s_line_at (text, cursor, kind->kind);
        if (kind->role == TF_ROLE_WORKLOAD)
            assert_true (cursor < expectations);
        else
            assert_true (cursor > expectations && cursor < runners);
        const char *end = strstr (cursor, "\n\n"); //  A kind's block ends at a blank line
        assert_non_null (end);
        snprintf (line, sizeof line, "    %s", kind->help);
        assert_ptr_equal (s_line_at (text, cursor, line), strchr (cursor, '\n') + 1);
        snprintf (line, sizeof line, "    program:  %s", kind->program);
        assert_true (s_line_at (text, cursor, line) < end);
        const char *needs = strstr (cursor, "    needs:    ");
        assert_true (needs && needs < end);
        char *needs_line = strndup (needs + 14, (size_t) (strchr (needs, '\n') - needs - 14));
        s_assert_needs (kind, needs_line);
        free (needs_line);
        for (size_t knob_index = 0; knob_index < kind->knob_count; knob_index++) {
            const tf_catalog_knob_t *knob = &kind->knobs[knob_index];
            char range[TEST_RANGE_SIZE];
            tf_catalog_knob_range (knob, range, sizeof range);
            snprintf (line, sizeof line, "      %-16s %-9s default %-6s %s", knob->name,
                      tf_catalog_type_str (knob->type), s_default (knob), range);
            while (line[strlen (line) - 1] == ' ')
                line[strlen (line) - 1] = 0;
            cursor = s_line_at (text, cursor, line); //  Knobs in table order
            assert_true (cursor < end);
            snprintf (line, sizeof line, "          %s", knob->help);
            assert_ptr_equal (s_line_at (text, cursor, line), strchr (cursor, '\n') + 1);
        }
        cursor = end;
    }
    for (size_t index = 0; index < tf_catalog_runner_count (); index++) {
        const tf_catalog_runner_t *runner = tf_catalog_runner_at (index);
        cursor = s_line_at (text, runners, runner->name);
        char *actions = tf_catalog_action_names (runner->actions);
        char *block =
            zsys_sprintf ("%s\n    %s\n    program:       %s\n    node control:  %s\n",
                          runner->name, runner->help, runner->program, *actions ? actions : "none");
        assert_int_equal (strncmp (cursor, block, strlen (block)), 0);
        zstr_free (&block);
        free (actions);
    }
    //  The runners that can do a chaos kind's actions are named with it
    assert_non_null (strstr (text, "node control: restart (node_control: true; runners: local, "
                                   "compose, k8s)"));
    assert_non_null (strstr (text, "node control: pause, resume (node_control: true; runners: "
                                   "local, compose)\n"));
    free (text);
}

//  The markdown listing: a heading per kind under its role, a table row per
//  knob, a row per runner; every row has as many cells as its header
static void
test_tf_catalog_markdown_has_a_row_per_knob_and_runner (void **state)
{
    (void) state;
    char *text = s_listing (TF_CATALOG_FORMAT_MARKDOWN);
    const char *workloads = s_line_at (text, text, "## Workloads");
    const char *expectations = s_line_at (text, text, "## Expectations");
    const char *runners = s_line_at (text, text, "## Runners");
    assert_true (workloads < expectations && expectations < runners);
    char line[TEST_TEXT_SIZE];
    const char *cursor = workloads;
    for (size_t index = 0; index < tf_catalog_kind_count (); index++) {
        const tf_catalog_kind_t *kind = tf_catalog_kind_at (index);
        snprintf (line, sizeof line, "### `%s`", kind->kind);
        cursor = s_line_at (text, cursor, line);
        assert_true (kind->role == TF_ROLE_WORKLOAD ? cursor < expectations
                                                    : cursor > expectations && cursor < runners);
        snprintf (line, sizeof line, "* program: `%s`", kind->program);
        cursor = s_line_at (text, cursor, line);
        s_line_at (text, cursor, "| Knob | Type | Default | Range | Meaning |");
        for (size_t knob_index = 0; knob_index < kind->knob_count; knob_index++) {
            const tf_catalog_knob_t *knob = &kind->knobs[knob_index];
            char range[TEST_RANGE_SIZE];
            tf_catalog_knob_range (knob, range, sizeof range);
            snprintf (line, sizeof line, "| `%s` | %s | `%s` | %s | %s |", knob->name,
                      tf_catalog_type_str (knob->type), s_default (knob), range, knob->help);
            cursor = s_line_at (text, cursor, line);
        }
    }
    for (size_t index = 0; index < tf_catalog_runner_count (); index++) {
        const tf_catalog_runner_t *runner = tf_catalog_runner_at (index);
        char *actions = tf_catalog_action_names (runner->actions);
        snprintf (line, sizeof line, "| `%s` | `%s` | %s | %s |", runner->name, runner->program,
                  *actions ? actions : "none", runner->help);
        assert_true (s_line_at (text, runners, line) > runners);
        free (actions);
    }
    //  Every table line has five cells (knobs) or four (runners)
    char *copy = strdup (text);
    for (char *row = strtok (copy, "\n"); row; row = strtok (NULL, "\n")) {
        if (*row != '|')
            continue;
        size_t bars = 0;
        for (const char *at = row; *at; at++)
            bars += *at == '|' && (at == row || at[-1] != '\\');
        assert_true (bars == 6 || bars == 5);
        assert_int_equal (row[strlen (row) - 1], '|');
    }
    free (copy);
    free (text);
}

//  Format names as tf catalog --format takes them
static void
test_tf_catalog_format_parse (void **state)
{
    (void) state;
    tf_catalog_format_t format = TF_CATALOG_FORMAT_MARKDOWN;
    assert_int_equal (tf_catalog_format_parse ("text", &format), 0);
    assert_int_equal (format, TF_CATALOG_FORMAT_TEXT);
    assert_int_equal (tf_catalog_format_parse ("markdown", &format), 0);
    assert_int_equal (format, TF_CATALOG_FORMAT_MARKDOWN);
    assert_int_equal (tf_catalog_format_parse ("html", &format), -1);
    assert_int_equal (tf_catalog_format_parse (NULL, &format), -1);
    assert_int_equal (format, TF_CATALOG_FORMAT_MARKDOWN); //  Written only on success
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_tf_catalog_lists_every_kind_with_program_and_knobs),
        cmocka_unit_test (test_tf_catalog_knob_range_spells_bounds),
        cmocka_unit_test (test_tf_catalog_text_lists_every_kind_knob_and_runner),
        cmocka_unit_test (test_tf_catalog_markdown_has_a_row_per_knob_and_runner),
        cmocka_unit_test (test_tf_catalog_format_parse),
    };
    return cmocka_run_group_tests_name ("tf_catalog", tests, NULL, NULL);
}
