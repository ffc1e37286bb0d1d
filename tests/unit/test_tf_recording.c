//  test_tf_recording.c - the bus recording survives kills and reads back in order

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <czmq.h>
#include "tf_msg.h"
#include "tf_recording.h"
#include "tf_recording_summary.h"

typedef struct {
    char dir[64];   //  mkdtemp directory
    char path[128]; //  Recording inside it
} fixture_t;

static int
setup (void **state)
{
    fixture_t *fixture = (fixture_t *) calloc (1, sizeof (fixture_t));
    strcpy (fixture->dir, "/tmp/tf-test-recording-XXXXXX");
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

static void
test_tf_recording_reads_back_records_in_order (void **state)
{
    fixture_t *fixture = (fixture_t *) *state;
    tf_recording_t *writer = tf_recording_create (fixture->path);
    assert_non_null (writer);
    const uint8_t first[] = {0x81, 0xa1, 'v', 0x01};
    const uint8_t second[] = {0x80};
    assert_int_equal (
        tf_recording_append (writer, TF_SOURCE_CONTROL, "run.phase", first, sizeof first), 0);
    assert_int_equal (
        tf_recording_append (writer, TF_SOURCE_FEED, "feed.block", second, sizeof second), 0);
    assert_int_equal (tf_recording_count (writer), 2);
    tf_recording_destroy (&writer);
    assert_null (writer);

    tf_recording_t *reader = tf_recording_open (fixture->path);
    assert_non_null (reader);
    tf_record_t record;
    assert_int_equal (tf_recording_next (reader, &record), 1);
    assert_string_equal (record.topic, "run.phase");
    assert_int_equal (record.source, TF_SOURCE_CONTROL);
    assert_int_equal (record.size, sizeof first);
    assert_memory_equal (record.body, first, sizeof first);
    assert_true (record.at_ms > 0);
    assert_int_equal (tf_recording_next (reader, &record), 1);
    assert_string_equal (record.topic, "feed.block");
    assert_int_equal (record.source, TF_SOURCE_FEED);
    assert_int_equal (tf_recording_next (reader, &record), 0);
    tf_recording_destroy (&reader);
}

static void
test_tf_recording_stops_at_a_torn_last_record (void **state)
{
    fixture_t *fixture = (fixture_t *) *state;
    tf_recording_t *writer = tf_recording_create (fixture->path);
    const uint8_t body[] = {0x80};
    assert_int_equal (
        tf_recording_append (writer, TF_SOURCE_CONTROL, "run.event", body, sizeof body), 0);
    tf_recording_destroy (&writer);
    //  Half a record, as a kill in the middle of a write would leave
    FILE *file = fopen (fixture->path, "ab");
    assert_non_null (file);
    const uint8_t torn[] = {0x00, 0x00, 0x00, 0x20, 0x00, 0x00};
    assert_int_equal (fwrite (torn, 1, sizeof torn, file), sizeof torn);
    fclose (file);

    tf_recording_t *reader = tf_recording_open (fixture->path);
    tf_record_t record;
    assert_int_equal (tf_recording_next (reader, &record), 1);
    assert_string_equal (record.topic, "run.event");
    assert_int_equal (tf_recording_next (reader, &record), 0);
    assert_int_equal (tf_recording_count (reader), 1);
    tf_recording_destroy (&reader);
}

static void
test_tf_recording_reads_a_record_larger_than_a_read_step (void **state)
{
    fixture_t *fixture = (fixture_t *) *state;
    tf_recording_t *writer = tf_recording_create (fixture->path);
    size_t size = 200 * 1024; //  Three 64 KB steps and a part
    uint8_t *body = malloc (size);
    assert_non_null (body);
    for (size_t index = 0; index < size; index++)
        body[index] = (uint8_t) (index * 7);
    assert_int_equal (tf_recording_append (writer, TF_SOURCE_FEED, "feed.block", body, size), 0);
    tf_recording_destroy (&writer);

    tf_recording_t *reader = tf_recording_open (fixture->path);
    tf_record_t record;
    assert_int_equal (tf_recording_next (reader, &record), 1);
    assert_int_equal (record.size, size);
    assert_memory_equal (record.body, body, size);
    assert_int_equal (tf_recording_next (reader, &record), 0);
    assert_false (tf_recording_torn (reader));
    tf_recording_destroy (&reader);
    free (body);
}

static void
test_tf_recording_a_length_past_the_end_is_a_torn_record (void **state)
{
    //  A header that promises 8 MB followed by a few bytes: torn, read as far as it goes
    fixture_t *fixture = (fixture_t *) *state;
    FILE *file = fopen (fixture->path, "wb");
    assert_non_null (file);
    const uint8_t head[] = {0x00, 0x80, 0x00, 0x00, 0, 0, 0, 0, 0, 0, 0, 1, 0, 3, 'a', 'b', 'c'};
    assert_int_equal (fwrite (head, 1, sizeof head, file), sizeof head);
    fclose (file);
    tf_recording_t *reader = tf_recording_open (fixture->path);
    tf_record_t record;
    assert_int_equal (tf_recording_next (reader, &record), 0);
    assert_true (tf_recording_torn (reader));
    assert_int_equal (tf_recording_count (reader), 0);
    tf_recording_destroy (&reader);
}

static void
test_tf_recording_rejects_a_corrupt_length (void **state)
{
    fixture_t *fixture = (fixture_t *) *state;
    FILE *file = fopen (fixture->path, "wb");
    const uint8_t corrupt[] = {0x00, 0x00, 0x00, 0x02, 0xff, 0xff};
    fwrite (corrupt, 1, sizeof corrupt, file);
    fclose (file);
    tf_recording_t *reader = tf_recording_open (fixture->path);
    tf_record_t record;
    assert_int_equal (tf_recording_next (reader, &record), -1);
    tf_recording_destroy (&reader);
}

static void
test_tf_recording_open_fails_on_missing_file (void **state)
{
    fixture_t *fixture = (fixture_t *) *state;
    char missing[160];
    snprintf (missing, sizeof missing, "%s/none/bus.rec", fixture->dir);
    assert_null (tf_recording_open (missing));
}

//  A directory or a FIFO where bus.rec should be: refused at open, never read
//  as an empty recording, and the FIFO (no writer) does not block the open
static void
test_tf_recording_open_refuses_what_is_not_a_regular_file (void **state)
{
    fixture_t *fixture = (fixture_t *) *state;
    assert_int_equal (mkdir (fixture->path, 0700), 0);
    assert_null (tf_recording_open (fixture->path));
    assert_non_null (strstr (tf_recording_last_error (), "is not a regular file"));
    tf_recording_summary_t summary;
    assert_int_equal (tf_recording_summarize (fixture->path, &summary), -1);
    assert_int_equal (rmdir (fixture->path), 0);

    assert_int_equal (mkfifo (fixture->path, 0600), 0);
    assert_null (tf_recording_open (fixture->path));
    assert_null (tf_recording_create (fixture->path));
}

//  Append an expect.result of name with details (a msgpack map), or none
static void
s_append_result (tf_recording_t *writer, const char *name, const uint8_t *details, size_t size)
{
    tf_expect_result_t result = {.name = (char *) name,
                                 .passed = true,
                                 .message = "ok",
                                 .details = {.data = (uint8_t *) details, .size = size}};
    uint8_t *body;
    size_t body_size;
    assert_int_equal (tf_msg_encode (TF_MSG_expect_result, &result, &body, &body_size), 0);
    assert_int_equal (
        tf_recording_append (writer, TF_SOURCE_CONTROL, "expect.result", body, body_size), 0);
    free (body);
}

static void
test_tf_recording_finds_the_last_result_details_of_an_expectation (void **state)
{
    fixture_t *fixture = (fixture_t *) *state;
    tf_recording_t *writer = tf_recording_create (fixture->path);
    const uint8_t first[] = {0x81, 0xa1, 'n', 0x01}; //  {"n": 1}
    const uint8_t last[] = {0x81, 0xa1, 'n', 0x02};  //  {"n": 2}
    const uint8_t other[] = {0x81, 0xa1, 'n', 0x03};
    s_append_result (writer, "alpha", first, sizeof first);
    s_append_result (writer, "beta", other, sizeof other);
    s_append_result (writer, "alpha", last, sizeof last);
    s_append_result (writer, "gamma", NULL, 0); //  A result without details
    tf_recording_destroy (&writer);

    uint8_t *details = NULL;
    size_t size = 0;
    assert_int_equal (tf_recording_result_details (fixture->path, "alpha", &details, &size), 0);
    assert_int_equal (size, sizeof last);
    assert_memory_equal (details, last, sizeof last);
    free (details);
    assert_int_equal (tf_recording_result_details (fixture->path, "gamma", &details, &size), 1);
    assert_int_equal (tf_recording_result_details (fixture->path, "delta", &details, &size), 1);
    char *missing = zsys_sprintf ("%s/none.rec", fixture->dir);
    assert_int_equal (tf_recording_result_details (missing, "alpha", &details, &size), -1);
    zstr_free (&missing);
}

int
main (void)
{
    zsys_init ();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown (test_tf_recording_reads_back_records_in_order, setup,
                                         teardown),
        cmocka_unit_test_setup_teardown (test_tf_recording_stops_at_a_torn_last_record, setup,
                                         teardown),
        cmocka_unit_test_setup_teardown (test_tf_recording_reads_a_record_larger_than_a_read_step,
                                         setup, teardown),
        cmocka_unit_test_setup_teardown (test_tf_recording_a_length_past_the_end_is_a_torn_record,
                                         setup, teardown),
        cmocka_unit_test_setup_teardown (test_tf_recording_rejects_a_corrupt_length, setup,
                                         teardown),
        cmocka_unit_test_setup_teardown (
            test_tf_recording_finds_the_last_result_details_of_an_expectation, setup, teardown),
        cmocka_unit_test_setup_teardown (test_tf_recording_open_fails_on_missing_file, setup,
                                         teardown),
        cmocka_unit_test_setup_teardown (test_tf_recording_open_refuses_what_is_not_a_regular_file,
                                         setup, teardown),
    };
    return cmocka_run_group_tests_name ("tf_recording", tests, NULL, NULL);
}
