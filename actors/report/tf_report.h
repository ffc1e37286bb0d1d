//  tf_report.h - what a run leaves behind for people and CI: report.json
//
//  The coordinator feeds the report as the run goes (phases, events, results,
//  workload counters, nodes) and writes it once at the end. Every expectation
//  result is kept, pass or fail: nothing is short-circuited.

#ifndef TF_REPORT_H_INCLUDED
#define TF_REPORT_H_INCLUDED

#include "tf_msg.h"
#include "tf_phase.h"
#include "tf_exit.h"
#include "tf_plan.h"
#include "tf_recording_summary.h"
#include "tf_run_metrics.h"

typedef struct _tf_report_t tf_report_t;

//  A run's verdict is its exit code (tf_exit.h)
typedef enum {
    TF_VERDICT_PASSED = TF_EXIT_OK,     //  Every expectation passed
    TF_VERDICT_FAILED = TF_EXIT_FAILED, //  An expectation failed
    TF_VERDICT_ERROR = TF_EXIT_ERROR    //  Infrastructure failure, run aborted
} tf_verdict_t;

//  Create a report for a run of plan (borrowed for the report's life).
tf_report_t *tf_report_new (const char *run_id, const tf_plan_t *plan);

//  Destroy the report and nullify the reference. Safe on NULL.
void tf_report_destroy (tf_report_t **self_p);

//  A phase began at at_ms (Unix ms); the previous one ends there.
void tf_report_phase (tf_report_t *self, tf_phase_t phase, uint64_t at_ms);

//  Record an event, as published on the bus.
void tf_report_event (tf_report_t *self, const tf_run_event_t *event);

//  Record an expectation's result (kind from the plan).
void tf_report_result (tf_report_t *self, const tf_expect_result_t *result);

//  An expectation that acknowledged evaluate without a result.
void tf_report_missing_result (tf_report_t *self, const char *name);

//  Latest counters of a workload.
void tf_report_workload (tf_report_t *self, const tf_workload_status_t *status);

//  The deployed nodes.
void tf_report_nodes (tf_report_t *self, const tf_run_nodes_t *nodes);

//  The run was aborted.
//  An expectation that failed during the run ended the execute phase early
//  (fail_fast): which one, in which phase, when (Unix ms). The first counts.
void tf_report_ended_early (tf_report_t *self, const char *name, tf_phase_t phase, uint64_t at_ms);

void tf_report_abort (tf_report_t *self, const char *reason, const char *actor, tf_phase_t phase);

//  tf replay: the recording judged (its path, and how far its run went).
void tf_report_replay (tf_report_t *self, const char *recording_path,
                       const tf_recording_summary_t *summary);

//  A run on tcp: "security": {refused, refused_from} from the refusals of the
//  ZAP handlers (tf_curve.h), addresses a list of distinct peer addresses.
void tf_report_security (tf_report_t *self, size_t refused, zlist_t *addresses);

//  The verdict so far: error if aborted, failed if any expectation failed.
tf_verdict_t tf_report_verdict (tf_report_t *self);

//  Write report.json, junit.xml and report.html into run_dir. From the bus
//  recording in run_dir come per-node heights (feed.tip), transaction totals
//  (feed.stats, tx.submitted by outcome) and the height picture; from the
//  events, the chaos (node control) list; from the phases, their timings.
//  Returns 0 or -1 (logged).
int tf_report_write (tf_report_t *self, const char *run_dir, uint64_t rejected_messages);

#endif
