//  tf_progress.h - what `tf run` shows while a run goes on
//
//  Fed with the coordinator's broadcasts (run.phase, run.abort, workload.status)
//  and the feed's feed.tip and feed.stats that the supervisor receives on its
//  SUBs. On a terminal it keeps one live line (phase, time in the phase against
//  its planned length, run time, lowest-highest node height, transactions
//  included, actors awaited); in CI (CI=true, or stdout not a terminal) it prints plain
//  timestamped lines at each phase change and every few seconds.

#ifndef TF_PROGRESS_H_INCLUDED
#define TF_PROGRESS_H_INCLUDED

#include <stdbool.h>
#include <stdio.h>
#include "tf_msg.h"

#define TF_PROGRESS_CI_INTERVAL_MS 5000 //  Plain status line this often in CI
#define TF_PROGRESS_LIVE_WIDTH     100  //  Live line is cut to this many columns

typedef struct _tf_progress_t tf_progress_t;

//  Create a progress display on out (borrowed). live: one rewritten line
//  instead of plain lines.
tf_progress_t *tf_progress_new (FILE *out, bool live);

//  Destroy the display and nullify the reference. Safe on NULL.
void tf_progress_destroy (tf_progress_t **self_p);

//  Whether progress should be live on stdout: a terminal, and CI is not "true".
bool tf_progress_live_default (void);

//  Take one message from the coordinator or the feed; other types are ignored.
void tf_progress_message (tf_progress_t *self, const tf_msg_t *msg);

//  Refresh the live line, or print the periodic CI line when it is due.
void tf_progress_tick (tf_progress_t *self);

//  Print one line (timestamped in CI), keeping the live line below it.
void tf_progress_line (tf_progress_t *self, const char *format, ...)
    __attribute__ ((format (printf, 2, 3)));

//  Erase the live line for good (before the verdict is printed).
void tf_progress_end (tf_progress_t *self);

//  Lowest and highest last height of the nodes the feed reported; returns
//  how many nodes (outputs written only when > 0).
size_t tf_progress_heights (tf_progress_t *self, uint64_t *lowest, uint64_t *highest);

//  Name of the current phase ("" before the first broadcast); borrowed.
const char *tf_progress_phase (tf_progress_t *self);

#endif
