//  test_tf_verdict_lines.c - one expectation's result as `tf run` prints it:
//  the title that repeats the name is dropped, figures only on a failure

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include "tf_verdict_lines.h"

//  What tf_verdict_lines_print writes; caller frees
static char *
s_print (const char *name, const char *kind, bool passed, const char *message)
{
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream (&text, &size);
    assert_non_null (out);
    tf_verdict_lines_print (out, name, kind, passed, message);
    fclose (out);
    return text;
}

static void
s_expect (const char *name, const char *kind, bool passed, const char *message,
          const char *expected)
{
    char *text = s_print (name, kind, passed, message);
    assert_string_equal (text, expected);
    free (text);
}

static void
test_tf_verdict_lines_drop_the_title_and_show_figures_on_failure (void **state)
{
    (void) state;
    const char *passing = "tx_inclusion_expectation: 104/104 included (100%)\n"
                          "- accepted 104, rejected 0, failed 0";
    //  The seeds' title (<kind>_expectation), then the kind itself as a title
    s_expect ("tx_inclusion", "tx_inclusion", true, passing,
              "  PASS tx_inclusion: 104/104 included (100%)\n");
    s_expect ("blocks", "prometheus_block_production", true,
              "prometheus_block_production: 27 blocks produced (required 1)",
              "  PASS blocks: 27 blocks produced (required 1)\n");
    //  A failure keeps its figures, indented under it
    s_expect ("tx", "tx_inclusion", false,
              "tx_inclusion_expectation: observed 15 below required 25\n- 15/50 included\n"
              "- lost in reorgs 0",
              "  FAIL tx: observed 15 below required 25\n"
              "           - 15/50 included\n"
              "           - lost in reorgs 0\n");
    //  A custom actor's message is its own: a title naming someone else stays
    s_expect ("judge", NULL, true, "all good", "  PASS judge: all good\n");
    s_expect ("judge", NULL, false, "other_expectation: too few blocks",
              "  FAIL judge: other_expectation: too few blocks\n");
    s_expect ("judge", NULL, true, "judge: fine", "  PASS judge: fine\n");
    //  Only a whole first word followed by ": " is a title
    s_expect ("tx", "tx_inclusion", true, "tx_inclusion_expectations: x",
              "  PASS tx: tx_inclusion_expectations: x\n");
    s_expect ("tx", "tx_inclusion", true, "tx_inclusion:x", "  PASS tx: tx_inclusion:x\n");
    s_expect ("tx", "tx_inclusion", false, NULL, "  FAIL tx: \n");
    s_expect ("tx", "tx_inclusion", false, "tx_inclusion_expectation: no\n", "  FAIL tx: no\n");
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_tf_verdict_lines_drop_the_title_and_show_figures_on_failure),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
