//  tf_rundir.h - what a run directory holds, by name, defined once
//
//  tf creates the directory (mode 0700) and writes the plan, the pids file and
//  the marker; the coordinator writes the recording and the reports; every
//  program names these files through the macros below. docs/running.md
//  describes each file for users.

#ifndef TF_RUNDIR_H_INCLUDED
#define TF_RUNDIR_H_INCLUDED

#define TF_RUNDIR_PREFIX              "tf-run-" //  mkdtemp name: tf-run-XXXXXX, the run id after it
#define TF_RUNDIR_MARKER              "tf.pid"  //  "PID START RUN_ID" of the tf that made the run
#define TF_RUNDIR_PIDS                "pids"    //  One "PID NAME" line per process started
#define TF_RUNDIR_PLAN_YAML           "plan.yaml" //  The normalised plan, as tf validate prints it
#define TF_RUNDIR_PLAN                "plan.msgpack" //  The plan in wire form, as actors receive it
#define TF_RUNDIR_RECORDING           "bus.rec" //  Every control and feed message, as it happens
#define TF_RUNDIR_REPORT              "report.json" //  The verdict and every figure
#define TF_RUNDIR_JUNIT               "junit.xml"   //  One test case per expectation
#define TF_RUNDIR_HTML                "report.html" //  Heights over time, events, latency
#define TF_RUNDIR_LOGS                "logs"        //  logs/<process>.log, one per process
#define TF_RUNDIR_NODES               "nodes"       //  nodes/<name>/: each node's files and log
#define TF_RUNDIR_NODE_LOG            "node.log"    //  nodes/<name>/node.log: the node's output
#define TF_RUNDIR_DIAGNOSTICS         "diagnostics" //  Every node's state when the run failed
#define TF_RUNDIR_DIAGNOSTICS_SUMMARY "diagnostics/summary.json" //  ... and what it holds

#endif
