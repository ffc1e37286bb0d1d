//  tf_recording.c - the bus recording: every message of control and feed, in order

#include <czmq.h>
#include "tf_msg.h"
#include "tf_recording.h"

#define TF_RECORD_HEAD (4 + 8 + 1 + 1) //  Length, time, source, topic length
#define TF_RECORD_STEP (64 * 1024)     //  Most bytes read into new room at once
#define TF_RECORD_READ (64 * 1024)     //  Bytes read from the file at once

struct _tf_recording_t {
    int fd;          //  Open file
    bool writing;    //  Append mode
    bool failed;     //  A write failed (logged once)
    bool torn;       //  Reading stopped at a torn last record
    uint64_t count;  //  Records so far
    uint8_t *buffer; //  Read buffer for the current record
    size_t capacity;
    uint8_t *input;               //  Bytes read from the file ahead of the records (TF_RECORD_READ)
    size_t input_size;            //  Bytes in it
    size_t input_offset;          //  Bytes of it already handed out
    char topic[TF_MAX_TOPIC + 1]; //  Current record's topic
};

//  Why the last open or read in this thread failed (tf_recording_last_error)
static _Thread_local char s_last_error[TF_RECORDING_ERROR_SIZE];

static void s_fail (const char *format, ...) __attribute__ ((format (printf, 1, 2)));

//  Say why (kept for tf_recording_last_error, and logged)
static void
s_fail (const char *format, ...)
{
    va_list args;
    va_start (args, format);
    vsnprintf (s_last_error, sizeof s_last_error, format, args);
    va_end (args);
    zsys_error ("recording: %s", s_last_error);
}

const char *
tf_recording_last_error (void)
{
    return s_last_error;
}

static tf_recording_t *
s_new (const char *path, int flags, bool writing)
{
    //  O_NONBLOCK: a FIFO must not block the open; it is refused below
    int fd = open (path, flags | O_NONBLOCK, 0600);
    if (fd < 0) {
        s_fail ("cannot open %s: %s", path, strerror (errno));
        return NULL;
    }
    struct stat status;
    if (fstat (fd, &status) || !S_ISREG (status.st_mode)) {
        s_fail ("%s is not a regular file", path);
        close (fd);
        return NULL;
    }
    fcntl (fd, F_SETFL, fcntl (fd, F_GETFL) & ~O_NONBLOCK);
    tf_recording_t *self = (tf_recording_t *) zmalloc (sizeof (tf_recording_t));
    self->fd = fd;
    self->writing = writing;
    return self;
}

tf_recording_t *
tf_recording_create (const char *path)
{
    assert (path);
    return s_new (path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, true);
}

tf_recording_t *
tf_recording_open (const char *path)
{
    assert (path);
    return s_new (path, O_RDONLY | O_CLOEXEC, false);
}

void
tf_recording_destroy (tf_recording_t **self_p)
{
    assert (self_p);
    tf_recording_t *self = *self_p;
    if (!self)
        return;
    if (self->writing)
        fsync (self->fd);
    close (self->fd);
    free (self->buffer);
    free (self->input);
    free (self);
    *self_p = NULL;
}

static void
s_put_be (uint8_t *out, uint64_t value, size_t width)
{
    for (size_t index = 0; index < width; index++)
        out[index] = (uint8_t) (value >> (8 * (width - 1 - index)));
}

static uint64_t
s_get_be (const uint8_t *in, size_t width)
{
    uint64_t value = 0;
    for (size_t index = 0; index < width; index++)
        value = (value << 8) | in[index];
    return value;
}

int
tf_recording_append (tf_recording_t *self, tf_source_t source, const char *topic,
                     const uint8_t *body, size_t size)
{
    assert (self && self->writing && topic && body);
    size_t topic_size = strlen (topic);
    if (topic_size > TF_MAX_TOPIC || size > TF_MSG_MAX_SIZE)
        return -1;
    size_t total = TF_RECORD_HEAD + topic_size + size;
    uint8_t *record = (uint8_t *) malloc (total);
    assert (record);
    s_put_be (record, total - 4, 4);
    s_put_be (record + 4, (uint64_t) zclock_time (), 8);
    record[12] = (uint8_t) source;
    record[13] = (uint8_t) topic_size;
    memcpy (record + TF_RECORD_HEAD, topic, topic_size);
    memcpy (record + TF_RECORD_HEAD + topic_size, body, size);
    //  One write per record: a kill leaves whole records, at worst a torn last one
    ssize_t written = write (self->fd, record, total);
    free (record);
    if (written != (ssize_t) total) {
        if (!self->failed)
            zsys_error ("recording: write failed error=\"%s\"", strerror (errno));
        self->failed = true;
        return -1;
    }
    self->count++;
    return 0;
}

//  Read exactly size bytes, through the input buffer (one read(2) per
//  TF_RECORD_READ bytes, not two per record); returns 1, 0 at a clean end,
//  -1 at a torn end, -2 when read fails (logged): an I/O error is not an end
static int
s_read_exact (tf_recording_t *self, uint8_t *out, size_t size)
{
    if (!self->input) {
        self->input = (uint8_t *) malloc (TF_RECORD_READ);
        assert (self->input);
    }
    size_t done = 0;
    while (done < size) {
        if (self->input_offset == self->input_size) {
            ssize_t got = read (self->fd, self->input, TF_RECORD_READ);
            if (got < 0 && errno == EINTR)
                continue;
            if (got < 0) {
                s_fail ("read failed: %s", strerror (errno));
                return -2;
            }
            if (got == 0)
                return done == 0 ? 0 : -1;
            self->input_size = (size_t) got;
            self->input_offset = 0;
        }
        size_t left = self->input_size - self->input_offset;
        size_t take = size - done < left ? size - done : left;
        memcpy (out + done, self->input + self->input_offset, take);
        self->input_offset += take;
        done += take;
    }
    return 1;
}

//  Read a record's length bytes into the buffer, growing it as the bytes arrive, so a
//  corrupt length costs no more memory than the file holds; as s_read_exact
static int
s_read_body (tf_recording_t *self, size_t length)
{
    size_t done = 0;
    while (done < length) {
        size_t want = length - done < TF_RECORD_STEP ? length - done : TF_RECORD_STEP;
        if (done + want > self->capacity) {
            size_t room = self->capacity * 2 < length ? self->capacity * 2 : length;
            if (room < done + want)
                room = done + want;
            self->buffer = (uint8_t *) realloc (self->buffer, room);
            assert (self->buffer);
            self->capacity = room;
        }
        int rc = s_read_exact (self, self->buffer + done, want);
        if (rc != 1)
            return rc == 0 ? -1 : rc; //  The header promised more: torn
        done += want;
    }
    return 1;
}

int
tf_recording_next (tf_recording_t *self, tf_record_t *record)
{
    assert (self && !self->writing && record);
    uint8_t length_bytes[4];
    int rc = s_read_exact (self, length_bytes, sizeof length_bytes);
    if (rc == -2)
        return -1;
    if (rc <= 0) {
        self->torn = rc < 0;
        return 0; //  End, or torn length: stop there
    }
    size_t length = (size_t) s_get_be (length_bytes, 4);
    if (length < TF_RECORD_HEAD - 4 || length > TF_MSG_MAX_SIZE + TF_MAX_TOPIC + TF_RECORD_HEAD) {
        s_fail ("corrupt record after %" PRIu64 " records: length %zu", self->count, length);
        return -1;
    }
    rc = s_read_body (self, length);
    if (rc == -2)
        return -1;
    if (rc != 1) {
        self->torn = true;
        return 0; //  Torn last record
    }
    size_t topic_size = self->buffer[9];
    if (topic_size > TF_MAX_TOPIC || 10 + topic_size > length || self->buffer[8] > TF_SOURCE_FEED) {
        s_fail ("corrupt record after %" PRIu64 " records: bad topic or source", self->count);
        return -1;
    }
    memcpy (self->topic, self->buffer + 10, topic_size);
    self->topic[topic_size] = 0;
    record->at_ms = s_get_be (self->buffer, 8);
    record->source = (tf_source_t) self->buffer[8];
    record->topic = self->topic;
    record->body = self->buffer + 10 + topic_size;
    record->size = length - 10 - topic_size;
    self->count++;
    return 1;
}

uint64_t
tf_recording_count (const tf_recording_t *self)
{
    assert (self);
    return self->count;
}

bool
tf_recording_torn (const tf_recording_t *self)
{
    assert (self);
    return self->torn;
}

int
tf_recording_result_details (const char *path, const char *name, uint8_t **details_p,
                             size_t *size_p)
{
    assert (path && name && details_p && size_p);
    tf_recording_t *self = tf_recording_open (path);
    if (!self)
        return -1;
    uint8_t *details = NULL;
    size_t size = 0;
    tf_record_t record;
    int rc;
    while ((rc = tf_recording_next (self, &record)) == 1) {
        if (record.source != TF_SOURCE_CONTROL || !streq (record.topic, "expect.result"))
            continue;
        tf_expect_result_t result;
        if (tf_msg_decode (TF_MSG_expect_result, record.body, record.size, &result))
            continue;
        if (streq (result.name, name) && result.details.size > 0) {
            free (details);
            size = result.details.size;
            details = (uint8_t *) malloc (size);
            assert (details);
            memcpy (details, result.details.data, size);
        }
        tf_msg_body_free (TF_MSG_expect_result, &result);
    }
    tf_recording_destroy (&self);
    if (rc < 0) {
        zsys_error ("recording: corrupt record path=%s", path);
        free (details);
        return -1;
    }
    if (!details)
        return 1;
    *details_p = details;
    *size_p = size;
    return 0;
}
