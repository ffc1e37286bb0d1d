//  tf_recording_summary.c - how far the run behind a recording went

#include <czmq.h>
#include "tf_msg.h"
#include "tf_recording.h"
#include "tf_recording_summary.h"

#define S_MS_PER_S 1000.0

//  A control record: follow the phases and the abort
static void
s_on_control (tf_recording_summary_t *summary, const tf_record_t *record)
{
    if (strcmp (record->topic, "run.phase") == 0) {
        tf_run_phase_t phase;
        if (tf_msg_decode (TF_MSG_run_phase, record->body, record->size, &phase))
            return;
        //  After an abort the phases go on to cleanup: the abort's phase is kept
        if (!summary->aborted && strcmp (summary->phase, phase.phase) != 0) {
            snprintf (summary->phase, sizeof summary->phase, "%s", phase.phase);
            summary->phase_at_ms = record->at_ms;
            if (streq (phase.phase, "evaluate"))
                summary->evaluated = true;
        }
        if (streq (phase.phase, "done"))
            summary->finished = true;
        tf_msg_body_free (TF_MSG_run_phase, &phase);
    }
    else if (strcmp (record->topic, "run.abort") == 0 && !summary->aborted) {
        tf_run_abort_t abort_msg;
        if (tf_msg_decode (TF_MSG_run_abort, record->body, record->size, &abort_msg))
            return;
        summary->aborted = true;
        summary->abort_at_ms = record->at_ms;
        snprintf (summary->abort_reason, sizeof summary->abort_reason, "%s", abort_msg.reason);
        snprintf (summary->phase, sizeof summary->phase, "%s", abort_msg.phase);
        tf_msg_body_free (TF_MSG_run_abort, &abort_msg);
    }
}

int
tf_recording_summarize (const char *path, tf_recording_summary_t *summary)
{
    assert (path && summary);
    memset (summary, 0, sizeof *summary);
    tf_recording_t *recording = tf_recording_open (path);
    if (!recording)
        return -1;
    tf_record_t record;
    int rc;
    while ((rc = tf_recording_next (recording, &record)) == 1) {
        if (summary->records++ == 0)
            summary->first_ms = record.at_ms;
        summary->last_ms = record.at_ms;
        if (record.source == TF_SOURCE_CONTROL)
            s_on_control (summary, &record);
    }
    summary->torn = tf_recording_torn (recording);
    tf_recording_destroy (&recording);
    if (rc < 0) {
        zsys_error ("recording: corrupt record path=%s after=%" PRIu64, path, summary->records);
        return -1;
    }
    return 0;
}

bool
tf_recording_summary_whole (const tf_recording_summary_t *summary)
{
    assert (summary);
    return summary->evaluated;
}

const char *
tf_recording_summary_text (const tf_recording_summary_t *summary, char *text, size_t size)
{
    assert (summary && text && size > 0);
    const char *phase = summary->phase[0] ? summary->phase : "register";
    double ended = summary->last_ms > summary->first_ms
                       ? (double) (summary->last_ms - summary->first_ms) / S_MS_PER_S
                       : 0.0;
    if (summary->records == 0)
        snprintf (text, size, "the recording is empty: the live run recorded nothing");
    else if (summary->evaluated)
        snprintf (text, size,
                  "the recording is whole: %" PRIu64 " records over %.1f s, the live run "
                  "reached evaluate%s",
                  summary->records, ended, summary->aborted ? " (then was aborted)" : "");
    else if (summary->aborted) {
        double at = (double) (summary->abort_at_ms - summary->first_ms) / S_MS_PER_S;
        snprintf (text, size,
                  "the live run was aborted in %s at %.1f s (%s): expectations are judged on "
                  "what it recorded up to there",
                  phase, at, summary->abort_reason);
    }
    else
        snprintf (text, size,
                  "the recording ends in %s at %.1f s into the run (%" PRIu64 " records%s; the "
                  "live run was killed or is still going): expectations are judged on what it "
                  "recorded up to there",
                  phase, ended, summary->records,
                  summary->torn ? ", a torn last record dropped" : "");
    return text;
}
