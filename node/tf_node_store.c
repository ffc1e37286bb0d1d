//  tf_node_store.c - the block log: append-only, fsync'd, replayed on start
//
//  Record: u32 LE length || u32 LE crc32(payload) || payload (block JSON). A crash can only
//  tear the last record, which replay detects by length or checksum and cuts off.
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "tf_node_crypto.h"
#include "tf_node_log.h"
#include "tf_node_store.h"

#define TF_NODE_STORE_HEADER 8

struct _tf_node_store_t {
    int fd;     //  Log file, O_APPEND
    char *path; //  Its path
};

static int
s_mkdirs (const char *dir)
{
    char path[4096];
    if (strlen (dir) >= sizeof path)
        return -1;
    snprintf (path, sizeof path, "%s", dir);
    for (char *cursor = path + 1; *cursor; cursor++)
        if (*cursor == '/') {
            *cursor = 0;
            if (mkdir (path, 0755) && errno != EEXIST)
                return -1;
            *cursor = '/';
        }
    if (mkdir (path, 0755) && errno != EEXIST)
        return -1;
    return 0;
}

tf_node_store_t *
tf_node_store_new (const char *dir)
{
    return tf_node_store_new_file (dir, TF_NODE_STORE_FILE);
}

tf_node_store_t *
tf_node_store_new_file (const char *dir, const char *file)
{
    tf_node_store_t *self = calloc (1, sizeof *self);
    assert (self);
    self->fd = -1;
    size_t size = strlen (dir) + strlen (file) + 2;
    self->path = malloc (size);
    assert (self->path);
    snprintf (self->path, size, "%s/%s", dir, file);
    if (s_mkdirs (dir)) {
        tf_node_error ("store: cannot create data dir=%s: %s", dir, strerror (errno));
        tf_node_store_destroy (&self);
        return NULL;
    }
    self->fd = open (self->path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (self->fd < 0) {
        tf_node_error ("store: cannot open file=%s: %s", self->path, strerror (errno));
        tf_node_store_destroy (&self);
    }
    return self;
}

void
tf_node_store_destroy (tf_node_store_t **self_p)
{
    assert (self_p);
    tf_node_store_t *self = *self_p;
    if (!self)
        return;
    if (self->fd >= 0)
        close (self->fd);
    free (self->path);
    free (self);
    *self_p = NULL;
}

static uint32_t
s_u32 (const uint8_t *bytes)
{
    return (uint32_t) bytes[0] | (uint32_t) bytes[1] << 8 | (uint32_t) bytes[2] << 16
           | (uint32_t) bytes[3] << 24;
}

long
tf_node_store_replay (tf_node_store_t *self, tf_node_store_replay_fn *replay, void *arg)
{
    assert (self);
    struct stat info;
    if (fstat (self->fd, &info))
        return -1;
    size_t size = (size_t) info.st_size;
    uint8_t *data = malloc (size + 1);
    assert (data);
    size_t got = 0;
    while (got < size) {
        ssize_t rc = pread (self->fd, data + got, size - got, (off_t) got);
        if (rc <= 0) {
            free (data);
            return -1;
        }
        got += (size_t) rc;
    }
    long count = 0;
    size_t offset = 0;
    while (offset + TF_NODE_STORE_HEADER <= size) {
        uint32_t length = s_u32 (data + offset);
        uint32_t crc = s_u32 (data + offset + 4);
        if (length > TF_NODE_STORE_MAX_RECORD || offset + TF_NODE_STORE_HEADER + length > size)
            break;
        const uint8_t *payload = data + offset + TF_NODE_STORE_HEADER;
        if (tf_node_crc32 (payload, length) != crc)
            break;
        json_t *block = json_loadb ((const char *) payload, length, 0, NULL);
        if (!block)
            break;
        replay (block, arg);
        json_decref (block);
        count++;
        offset += TF_NODE_STORE_HEADER + length;
    }
    free (data);
    if (offset < size) {
        tf_node_warn ("store: truncating torn tail file=%s offset=%zu size=%zu", self->path, offset,
                      size);
        if (ftruncate (self->fd, (off_t) offset) || fsync (self->fd))
            return -1;
    }
    return count;
}

int
tf_node_store_append (tf_node_store_t *self, const json_t *block)
{
    assert (self);
    char *text = json_dumps (block, JSON_COMPACT | JSON_PRESERVE_ORDER);
    assert (text);
    size_t length = strlen (text);
    size_t total = TF_NODE_STORE_HEADER + length;
    uint8_t *record = malloc (total);
    assert (record);
    uint32_t crc = tf_node_crc32 (text, length);
    for (int index = 0; index < 4; index++) {
        record[index] = (uint8_t) (length >> (8 * index));
        record[4 + index] = (uint8_t) (crc >> (8 * index));
    }
    memcpy (record + TF_NODE_STORE_HEADER, text, length);
    free (text);
    int rc = -1;
    size_t written = 0;
    while (written < total) {
        ssize_t sent = write (self->fd, record + written, total - written);
        if (sent < 0 && errno == EINTR)
            continue;
        if (sent <= 0) {
            tf_node_error ("store: write failed file=%s: %s", self->path, strerror (errno));
            goto out;
        }
        written += (size_t) sent;
    }
    if (fdatasync (self->fd)) {
        tf_node_error ("store: fsync failed file=%s: %s", self->path, strerror (errno));
        goto out;
    }
    rc = 0;
out:
    free (record);
    return rc;
}

int
tf_node_store_clear (tf_node_store_t *self)
{
    assert (self);
    if (ftruncate (self->fd, 0) || fsync (self->fd)) {
        tf_node_error ("store: cannot truncate file=%s: %s", self->path, strerror (errno));
        return -1;
    }
    return 0;
}
