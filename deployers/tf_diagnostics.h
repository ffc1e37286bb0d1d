//  tf_diagnostics.h - every node's state at the moment a run fails
//
//  When the run fails (an expectation reports a failure, or the run is
//  aborted), the deployer captures, before any node is stopped, what is needed
//  to see why, into RUN_DIR/diagnostics/:
//
//      summary.json    {"trigger", "captured_ms", "nodes": [per node: name, role,
//                      state (running | paused | exited), state_text, rss_kb (or
//                      null), info (/cryptarchia/info), network (/network/info),
//                      mempool_pending (/mantle/metrics), headers (the last 20
//                      ids from the tip down), errors (per request that had no
//                      answer: why), log (file name below, or null), log_lines]}
//      <node>.log      the last TF_DIAGNOSTICS_LOG_LINES lines of its log
//
//  The node requests go out as one batch bounded by TF_DIAGNOSTICS_TIMEOUT_MS
//  (a paused node answers nothing: its entries say so), so a capture takes at
//  most that long plus reading the logs. report.json and report.html carry the
//  summary (tf_report_write reads it).

#ifndef TF_DIAGNOSTICS_H_INCLUDED
#define TF_DIAGNOSTICS_H_INCLUDED

#include "tf_deployer.h"
#include "tf_rundir.h"

#define TF_DIAGNOSTICS_LOG_LINES  200  //  Log lines kept per node
#define TF_DIAGNOSTICS_HEADERS    20   //  Header ids kept per node
#define TF_DIAGNOSTICS_TIMEOUT_MS 3000 //  Every node request of a capture

//  Capture the state of count nodes (of the backend ops with state ctx) into
//  run_dir/diagnostics, saying what triggered it. cancel is the worker's
//  (tf_deployer_cancelled). Returns 0, or -1 when the directory or summary
//  cannot be written (logged).
int tf_diagnostics_capture (const tf_deployer_ops_t *ops, void *ctx,
                            const tf_deployer_node_t *nodes, size_t count, const char *run_dir,
                            const char *trigger, void *cancel);

//  The last lines (at most max_lines) of the file at path, as a heap string
//  (caller frees), and their count in *lines_p; NULL when it cannot be read.
char *tf_diagnostics_tail (const char *path, size_t max_lines, size_t *lines_p);

#endif
