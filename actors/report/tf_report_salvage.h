//  tf_report_salvage.h - report.json for a run whose coordinator died
//
//  The coordinator writes the report at the end of a run; when it is killed it
//  writes none, but its bus recording holds the run up to the kill. tf rebuilds
//  the report from it: the phases and events (run.event), the results and
//  workload counters the coordinator republished, the nodes (run.nodes), then
//  an abort naming the coordinator and the phase the run was in. The verdict is
//  error; junit.xml and report.html follow as for any run.

#ifndef TF_REPORT_SALVAGE_H_INCLUDED
#define TF_REPORT_SALVAGE_H_INCLUDED

#include "tf_plan.h"

//  Write report.json, junit.xml and report.html into run_dir from its bus
//  recording, for the run run_id of plan; reason says how the coordinator
//  ended ("coordinator killed by signal 9 (Killed)"). Returns 0 or -1.
int tf_report_salvage (const tf_plan_t *plan, const char *run_id, const char *run_dir,
                       const char *reason);

#endif
