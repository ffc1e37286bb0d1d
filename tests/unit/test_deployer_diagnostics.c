//  test_deployer_diagnostics.c - the tail of a node's log that a failed run's
//  diagnostics keep: the last lines, whole, however the file ends
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "tf_diagnostics.h"

//  Write text to a fresh file and return its tail of max_lines lines
static char *
s_tail_of (const char *text, size_t max_lines, size_t *lines_p)
{
    char path[] = "/tmp/tf-test-tail-XXXXXX";
    int fd = mkstemp (path);
    assert_true (fd >= 0);
    assert_int_equal (write (fd, text, strlen (text)), (ssize_t) strlen (text));
    close (fd);
    char *tail = tf_diagnostics_tail (path, max_lines, lines_p);
    unlink (path);
    return tail;
}

static void
test_diagnostics_tail_keeps_the_last_lines (void **state)
{
    (void) state;
    struct {
        const char *text;
        size_t max_lines;
        const char *tail;
        size_t lines;
    } cases[] = {
        {"a\nb\nc\n", 2, "b\nc\n", 2},    //  Cut before the kept lines
        {"a\nb\nc\n", 3, "a\nb\nc\n", 3}, //  Exactly all of them
        {"a\nb\nc\n", 9, "a\nb\nc\n", 3}, //  Fewer than asked
        {"a\nb\nc", 2, "b\nc", 2},        //  No newline at the end
        {"abc", 5, "abc", 1},             //  One unterminated line
        {"", 5, "", 0},                   //  Empty
        {"\n\n\n", 2, "\n\n", 2},         //  Empty lines count
    };
    for (size_t index = 0; index < sizeof cases / sizeof cases[0]; index++) {
        size_t lines = 99;
        char *tail = s_tail_of (cases[index].text, cases[index].max_lines, &lines);
        assert_non_null (tail);
        assert_string_equal (tail, cases[index].tail);
        assert_int_equal (lines, cases[index].lines);
        free (tail);
    }
}

static void
test_diagnostics_tail_of_a_long_log (void **state)
{
    (void) state;
    //  5000 numbered lines: the last 200 are 4800..4999
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream (&text, &size);
    for (int line = 0; line < 5000; line++)
        fprintf (out, "line %d of the node's log\n", line);
    fclose (out);
    size_t lines = 0;
    char *tail = s_tail_of (text, TF_DIAGNOSTICS_LOG_LINES, &lines);
    assert_int_equal (lines, TF_DIAGNOSTICS_LOG_LINES);
    assert_true (strncmp (tail, "line 4800 of", 12) == 0);
    assert_non_null (strstr (tail, "line 4999 of the node's log\n"));
    assert_null (strstr (tail, "line 4799 "));
    free (tail);
    free (text);
}

static void
test_diagnostics_tail_of_what_cannot_be_read (void **state)
{
    (void) state;
    size_t lines = 0;
    assert_null (tf_diagnostics_tail ("/nonexistent/tf/node.log", 10, &lines));
    assert_null (tf_diagnostics_tail ("/tmp", 10, &lines)); //  A directory
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_diagnostics_tail_keeps_the_last_lines),
        cmocka_unit_test (test_diagnostics_tail_of_a_long_log),
        cmocka_unit_test (test_diagnostics_tail_of_what_cannot_be_read),
    };
    return cmocka_run_group_tests_name ("deployer_diagnostics", tests, NULL, NULL);
}
