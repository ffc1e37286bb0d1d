//  tf_recording_summary.h - how far the run behind a recording went
//
//  `tf replay` judges whatever a recording holds. A run killed mid-execute
//  leaves a recording that stops there; one that was aborted carries its
//  run.abort. The summary says which, so the replay can tell its user that
//  expectations were judged on a run cut short, in which phase and when.

#ifndef TF_RECORDING_SUMMARY_H_INCLUDED
#define TF_RECORDING_SUMMARY_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TF_RECORDING_SUMMARY_TEXT 512 //  Room for tf_recording_summary_text

typedef struct {
    uint64_t records;     //  Whole records read
    uint64_t first_ms;    //  Unix ms of the first record
    uint64_t last_ms;     //  Unix ms of the last record
    char phase[16];       //  Last phase the run reached ("" if none),
                          //  the abort's phase when it was aborted
    uint64_t phase_at_ms; //  Unix ms it began
    bool evaluated;       //  Evaluate was reached without an abort
    bool finished;        //  "done" was recorded
    bool aborted;         //  A run.abort was recorded
    uint64_t abort_at_ms; //  Its time (record time)
    char abort_reason[256];
    bool torn; //  A torn last record was dropped
} tf_recording_summary_t;

//  Read the recording at path and summarise it into *summary. Returns 0, or
//  -1 when it cannot be opened or a record is corrupt (logged); a torn last
//  record is not an error.
int tf_recording_summarize (const char *path, tf_recording_summary_t *summary);

//  Is the run behind the recording whole enough to judge as the live run
//  judged it (evaluate was reached)?
bool tf_recording_summary_whole (const tf_recording_summary_t *summary);

//  One sentence for people: "the recording ends in execute at 4.2 s into the
//  run (...)". Writes at most size bytes into text; returns text.
const char *tf_recording_summary_text (const tf_recording_summary_t *summary, char *text,
                                       size_t size);

#endif
