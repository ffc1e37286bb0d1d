//  tf_recording.h - the bus recording: every message of control and feed, in order
//
//  A recording is an append-only file of records, each written with one
//  write(2) as it happens, so a run killed at any moment leaves a readable
//  file up to the kill (a torn last record is detected and ignored).
//
//  Record: u32 BE length of what follows | u64 BE unix ms | u8 source
//          | u8 topic length | topic | msgpack body

#ifndef TF_RECORDING_H_INCLUDED
#define TF_RECORDING_H_INCLUDED

#include "tf_rundir.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

//  In `tf replay`, the variable naming the bus.rec that plays the nodes' part
#define TF_REPLAY_RECORDING_ENV "TF_REPLAY_RECORDING"

typedef enum {
    TF_SOURCE_CONTROL = 0, //  The coordinator's control PUB
    TF_SOURCE_FEED = 1     //  The scanner's feed PUB
} tf_source_t;

typedef struct _tf_recording_t tf_recording_t;

//  One record as read back; pointers are valid until the next read.
typedef struct {
    uint64_t at_ms; //  When it was recorded
    tf_source_t source;
    const char *topic; //  NUL-terminated
    const uint8_t *body;
    size_t size;
} tf_record_t;

//  Open a recording for appending (created with mode 0600). NULL on error (logged).
tf_recording_t *tf_recording_create (const char *path);

//  Open a recording for reading. NULL on error (logged), and for anything
//  that is not a regular file (a directory, a FIFO: never blocks).
tf_recording_t *tf_recording_open (const char *path);

//  Why the last tf_recording_open, _create or _next in this thread failed:
//  "PATH is not a regular file", "read failed: Is a directory"
const char *tf_recording_last_error (void);
#define TF_RECORDING_ERROR_SIZE 320

//  Close and nullify. Safe on NULL.
void tf_recording_destroy (tf_recording_t **self_p);

//  Append one message. Returns 0 or -1 (logged once).
int tf_recording_append (tf_recording_t *self, tf_source_t source, const char *topic,
                         const uint8_t *body, size_t size);

//  Read the next record. Returns 1 with *record filled, 0 at the end (or at a
//  torn last record), -1 on a corrupt record or a read error (logged).
int tf_recording_next (tf_recording_t *self, tf_record_t *record);

//  Did reading stop at a torn last record (a write cut short by a kill)?
bool tf_recording_torn (const tf_recording_t *self);

//  Records read or written so far.
uint64_t tf_recording_count (const tf_recording_t *self);

//  The details of the last expect.result that the expectation `name`
//  published, as the recording at path holds it on control. Returns 0 with
//  *details_p (caller frees) and *size_p set, 1 when there is none, -1 when
//  the recording cannot be read (logged). How an expectation re-judges, in a
//  replay, what it observed live.
int tf_recording_result_details (const char *path, const char *name, uint8_t **details_p,
                                 size_t *size_p);

#endif
