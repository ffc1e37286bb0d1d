//  test_tf_recording_summary.c - how far the run behind a recording went: whole,
//  aborted before evaluate, or cut by a kill (with a torn last record)

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <czmq.h>
#include <fcntl.h>
#include <unistd.h>
#include "tf_msg.h"
#include "tf_recording.h"
#include "tf_recording_summary.h"

typedef struct {
    char dir[64];
    char path[128];
} fixture_t;

static int
setup (void **state)
{
    fixture_t *fixture = (fixture_t *) calloc (1, sizeof (fixture_t));
    strcpy (fixture->dir, "/tmp/tf-test-summary-XXXXXX");
    assert_non_null (mkdtemp (fixture->dir));
    snprintf (fixture->path, sizeof fixture->path, "%s/%s", fixture->dir, TF_RUNDIR_RECORDING);
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

//  Record the phases given (NULL-terminated), then an abort in abort_phase if set
static void
s_record (const char *path, const char *const *phases, const char *abort_phase)
{
    tf_recording_t *recording = tf_recording_create (path);
    assert_non_null (recording);
    for (size_t index = 0; phases[index]; index++) {
        tf_run_phase_t phase = {.run_id = "r", .phase = (char *) phases[index], .seq = index};
        uint8_t *data = NULL;
        size_t size = 0;
        assert_int_equal (tf_msg_encode (TF_MSG_run_phase, &phase, &data, &size), 0);
        //  Twice, as the heartbeat repeats a phase
        assert_int_equal (
            tf_recording_append (recording, TF_SOURCE_CONTROL, "run.phase", data, size), 0);
        assert_int_equal (
            tf_recording_append (recording, TF_SOURCE_CONTROL, "run.phase", data, size), 0);
        free (data);
        if (abort_phase && streq (phases[index], abort_phase)) {
            tf_run_abort_t abort_msg = {
                .run_id = "r", .reason = "interrupted by signal", .phase = (char *) abort_phase};
            assert_int_equal (tf_msg_encode (TF_MSG_run_abort, &abort_msg, &data, &size), 0);
            assert_int_equal (
                tf_recording_append (recording, TF_SOURCE_CONTROL, "run.abort", data, size), 0);
            free (data);
        }
    }
    tf_recording_destroy (&recording);
}

static void
test_tf_recording_summary_of_a_whole_run (void **state)
{
    fixture_t *fixture = (fixture_t *) *state;
    const char *phases[] = {"register", "deploy", "execute", "evaluate", "cleanup", "done", NULL};
    s_record (fixture->path, phases, NULL);
    tf_recording_summary_t summary;
    assert_int_equal (tf_recording_summarize (fixture->path, &summary), 0);
    assert_int_equal (summary.records, 12);
    assert_true (tf_recording_summary_whole (&summary));
    assert_true (summary.finished);
    assert_string_equal (summary.phase, "done");
    char text[TF_RECORDING_SUMMARY_TEXT];
    assert_non_null (strstr (tf_recording_summary_text (&summary, text, sizeof text),
                             "the recording is whole: 12 records"));
}

static void
test_tf_recording_summary_of_a_run_aborted_in_execute (void **state)
{
    fixture_t *fixture = (fixture_t *) *state;
    const char *phases[] = {"register", "deploy", "execute", "cleanup", "done", NULL};
    s_record (fixture->path, phases, "execute");
    tf_recording_summary_t summary;
    assert_int_equal (tf_recording_summarize (fixture->path, &summary), 0);
    assert_false (tf_recording_summary_whole (&summary));
    assert_true (summary.aborted);
    assert_string_equal (summary.phase, "execute"); //  Not cleanup: where it stopped
    char text[TF_RECORDING_SUMMARY_TEXT];
    tf_recording_summary_text (&summary, text, sizeof text);
    assert_non_null (strstr (text, "the live run was aborted in execute at "));
    assert_non_null (strstr (text, "(interrupted by signal)"));
}

static void
test_tf_recording_summary_of_a_killed_run_with_a_torn_record (void **state)
{
    fixture_t *fixture = (fixture_t *) *state;
    const char *phases[] = {"register", "deploy", "execute", NULL};
    s_record (fixture->path, phases, NULL);
    //  The kill cut the next record after its length and part of its head
    int fd = open (fixture->path, O_WRONLY | O_APPEND);
    assert_true (fd >= 0);
    const uint8_t torn[] = {0x00, 0x00, 0x00, 0x40, 0x00, 0x00, 0x01};
    assert_int_equal (write (fd, torn, sizeof torn), (ssize_t) sizeof torn);
    close (fd);
    tf_recording_summary_t summary;
    assert_int_equal (tf_recording_summarize (fixture->path, &summary), 0);
    assert_int_equal (summary.records, 6);
    assert_true (summary.torn);
    assert_false (summary.aborted);
    assert_false (tf_recording_summary_whole (&summary));
    char text[TF_RECORDING_SUMMARY_TEXT];
    tf_recording_summary_text (&summary, text, sizeof text);
    assert_non_null (strstr (text, "the recording ends in execute at "));
    assert_non_null (strstr (text, "6 records, a torn last record dropped"));
}

static void
test_tf_recording_summary_refuses_a_missing_recording (void **state)
{
    tf_recording_summary_t summary;
    assert_int_equal (tf_recording_summarize ("/nonexistent/bus.rec", &summary), -1);
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown (test_tf_recording_summary_of_a_whole_run, setup, teardown),
        cmocka_unit_test_setup_teardown (test_tf_recording_summary_of_a_run_aborted_in_execute,
                                         setup, teardown),
        cmocka_unit_test_setup_teardown (
            test_tf_recording_summary_of_a_killed_run_with_a_torn_record, setup, teardown),
        cmocka_unit_test (test_tf_recording_summary_refuses_a_missing_recording),
    };
    return cmocka_run_group_tests_name ("tf_recording_summary", tests, NULL, NULL);
}
