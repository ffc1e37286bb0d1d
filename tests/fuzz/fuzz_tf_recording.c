//  fuzz_tf_recording.c - libFuzzer target for the bus recording reader
//
//  The input is a bus.rec. It is read as `tf replay` reads one: record by
//  record through tf_recording_next, each body decoded as the message its
//  topic names; then summarised (tf_recording_summarize) and searched for an
//  expectation's details (tf_recording_result_details), the two other readers.
//  Nothing may crash, leak or read out of bounds (the sanitizers watch); a
//  record has a known source, a topic and a body inside the input; a reader
//  that fails says why; the three readers agree on whether the file is
//  corrupt, and the summary counts the records the reader read.
//  Seeds: tests/fuzz/corpus/fuzz_tf_recording (cuts of a real run's bus.rec).
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <czmq.h>
#include "tf_msg.h"
#include "tf_recording.h"
#include "tf_recording_summary.h"

static int s_fd = -1;   //  memfd holding the input: a regular file, as bus.rec is
static char s_path[64]; //  Its /proc/self/fd path, for the path-taking readers

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
    (void) argc;
    (void) argv;
    s_fd = memfd_create ("bus.rec", 0);
    if (s_fd < 0)
        abort ();
    snprintf (s_path, sizeof s_path, "/proc/self/fd/%d", s_fd);
    //  The readers log each corrupt record (zsys, to stdout): keep libFuzzer's output readable
    FILE *discard = fopen ("/dev/null", "w");
    if (!discard)
        abort ();
    zsys_set_logstream (discard);
    return 0;
}

//  Decode a body as its topic's message; what decodes must free cleanly
static void
s_decode (const tf_record_t *record)
{
    tf_msg_id_t id = tf_msg_id_by_topic (record->topic, strlen (record->topic));
    if (id == TF_MSG_INVALID)
        return;
    tf_msg_t msg;
    memset (&msg, 0, sizeof msg);
    if (tf_msg_decode (id, record->body, record->size, &msg.actor_hello) == 0)
        tf_msg_body_free (id, &msg.actor_hello);
}

//  Read every record; returns the reader's last answer (0 end, -1 corrupt)
static int
s_read_all (const uint8_t *data, size_t size, uint64_t *records)
{
    tf_recording_t *recording = tf_recording_open (s_path);
    if (!recording)
        abort (); //  A memfd is a regular file: opening cannot fail
    tf_record_t record;
    int rc;
    while ((rc = tf_recording_next (recording, &record)) == 1) {
        if (record.source != TF_SOURCE_CONTROL && record.source != TF_SOURCE_FEED)
            abort ();
        if (!record.topic || (record.size && !record.body))
            abort ();
        if (record.size > size || strlen (record.topic) > size)
            abort (); //  Nothing read can be larger than the file
        s_decode (&record);
    }
    if (rc == -1 && !*tf_recording_last_error ())
        abort (); //  A failure says why
    *records = tf_recording_count (recording);
    tf_recording_destroy (&recording);
    (void) data;
    return rc;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    if (ftruncate (s_fd, 0) || pwrite (s_fd, data, size, 0) != (ssize_t) size)
        abort ();
    uint64_t records = 0;
    int read_rc = s_read_all (data, size, &records);

    tf_recording_summary_t summary;
    int summary_rc = tf_recording_summarize (s_path, &summary);
    if ((summary_rc == -1) != (read_rc == -1))
        abort (); //  The summary and the reader disagree on whether it is corrupt
    if (summary_rc == 0) {
        if (summary.records != records)
            abort ();
        char text[TF_RECORDING_SUMMARY_TEXT];
        tf_recording_summary_text (&summary, text, sizeof text);
        if (!memchr (text, 0, sizeof text))
            abort ();
    }

    uint8_t *details = NULL;
    size_t details_size = 0;
    int details_rc = tf_recording_result_details (s_path, "tx_inclusion", &details, &details_size);
    if ((details_rc == -1) != (read_rc == -1))
        abort (); //  The details search reads the same records
    free (details);
    return 0;
}
