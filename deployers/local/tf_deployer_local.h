//  tf_deployer_local.h - the local runner: nodes as processes on this host
//
//  A backend of the deployer seam (tf_deployer.h). Deploy writes every node's
//  config under RUN_DIR/nodes/<name>/ and starts the nodes; the driver then
//  waits for every readiness stage (http, network, chain). Node control:
//  restart, stop, start, pause, resume, partition, heal (tf_local_control.h).
//  Cleanup stops every node (SIGTERM, then SIGKILL after a grace) and removes
//  their data unless LOGOS_BLOCKCHAIN_TESTS_KEEP_LOGS is set; the stop path
//  kills them at once. A plan with observability.prometheus gets a Prometheus
//  server (tf_prometheus.h) in RUN_DIR/prometheus once the nodes are ready,
//  stopped at cleanup and killed on the stop path like the nodes. The pieces: tf_local_nodes (names, ports, processes),
//  tf_local_control (the actions), this file (the ops table).

#ifndef TF_DEPLOYER_LOCAL_H_INCLUDED
#define TF_DEPLOYER_LOCAL_H_INCLUDED

#include "tf_deployer.h"

#define TF_DEPLOYER_LOCAL_STOP_GRACE_MS   2000 //  SIGTERM, then SIGKILL after this
#define TF_DEPLOYER_LOCAL_START_MARGIN_MS 1000 //  chain_start_time after generation
#define TF_DEPLOYER_LOCAL_LOG_DIR_ENV     "LOGOS_BLOCKCHAIN_LOG_DIR"
#define TF_DEPLOYER_LOCAL_PROMETHEUS_DIR  "prometheus" //  Under the run directory

//  The local runner's backend
extern const tf_deployer_ops_t tf_deployer_local_ops;

//  The program tf-deployer-local
extern const tf_deployer_class_t tf_deployer_local_class;

#endif
