//  tf_report_salvage.c - report.json for a run whose coordinator died

#include <czmq.h>
#include "tf_recording.h"
#include "tf_report.h"
#include "tf_report_salvage.h"
#include "tf_rundir.h"

//  One control record of the recording into the report; returns the phase it
//  started, or -1
static int
s_take (tf_report_t *report, const tf_record_t *record)
{
    tf_msg_id_t id = tf_msg_id_by_topic (record->topic, strlen (record->topic));
    if (id != TF_MSG_run_event && id != TF_MSG_expect_result && id != TF_MSG_workload_status
        && id != TF_MSG_run_nodes)
        return -1;
    tf_msg_t msg = {.id = id}; //  Decoded into its body union (every member starts there)
    if (tf_msg_decode (id, record->body, record->size, &msg.run_event))
        return -1;
    int started = -1;
    if (id == TF_MSG_run_event) {
        tf_report_event (report, &msg.run_event);
        if (streq (msg.run_event.kind, "phase") && msg.run_event.detail
            && (started = tf_phase_by_name (msg.run_event.detail)) >= 0)
            tf_report_phase (report, (tf_phase_t) started, msg.run_event.at_ms);
    }
    else if (id == TF_MSG_expect_result)
        tf_report_result (report, &msg.expect_result);
    else if (id == TF_MSG_workload_status)
        tf_report_workload (report, &msg.workload_status);
    else
        tf_report_nodes (report, &msg.run_nodes);
    tf_msg_body_free (id, &msg.run_event);
    return started;
}

int
tf_report_salvage (const tf_plan_t *plan, const char *run_id, const char *run_dir,
                   const char *reason)
{
    assert (plan && run_id && run_dir && reason);
    tf_report_t *report = tf_report_new (run_id, plan);
    tf_phase_t phase = TF_PHASE_REGISTER;
    char *path = zsys_sprintf ("%s/%s", run_dir, TF_RUNDIR_RECORDING);
    tf_recording_t *recording = tf_recording_open (path);
    zstr_free (&path);
    if (recording) {
        tf_record_t record;
        while (tf_recording_next (recording, &record) == 1) {
            int started = record.source == TF_SOURCE_CONTROL ? s_take (report, &record) : -1;
            if (started >= 0)
                phase = (tf_phase_t) started;
        }
        tf_recording_destroy (&recording);
    }
    char *why = zsys_sprintf ("%s during %s; tf rebuilt this report from the bus recording", reason,
                              tf_phase_name (phase));
    tf_report_abort (report, why, "coordinator", phase);
    zstr_free (&why);
    int rc = tf_report_write (report, run_dir, 0);
    tf_report_destroy (&report);
    return rc;
}
