//  tf_k8s_pods.h - a k8s run's node pods: readiness with diagnosis, the
//  port-forwards that reach them, their logs
//
//  Each node is one Deployment (tf_k8s_manifests.h) whose pod carries the
//  label tf.node=<name>. Readiness polls `kubectl get pods -o json` until
//  every wanted node has a pod that is Ready (and not being deleted); when
//  time runs out the error lists, per node not ready, the pod's phase, its
//  container's waiting or terminated reason and message, and its last events.
//  Every node's two APIs are reached through one `kubectl port-forward`
//  child of this process (svc/<name>, on two free loopback ports), which
//  dies with it (PR_SET_PDEATHSIG) and is stopped and reaped on stop and
//  destroy; its output goes to RUN_DIR/k8s/forward-<name>.log. The run's
//  Prometheus, when it has one, is forwarded the same way.

#ifndef TF_K8S_PODS_H_INCLUDED
#define TF_K8S_PODS_H_INCLUDED

#include "tf_deployer.h"

#define TF_K8S_PODS_POLL_MS    1000  //  Between `kubectl get pods`
#define TF_K8S_PODS_EVENTS     3     //  Last events shown per node not ready
#define TF_K8S_FORWARD_MS      15000 //  A port-forward must accept within this
#define TF_K8S_FORWARD_STOP_MS 2000  //  SIGTERM, then SIGKILL after this
#define TF_K8S_ALL_NODES       SIZE_MAX

typedef struct _tf_k8s_pods_t tf_k8s_pods_t;

//  The pods of plan's nodes in namespace_name (borrowed, must outlive the
//  object); logs and forward logs under run_dir. Free loopback ports from
//  the kernel. NULL with *error_p when the ports cannot be had.
tf_k8s_pods_t *tf_k8s_pods_new (const tf_plan_t *plan, const char *namespace_name,
                                const char *run_dir, void *cancel, char **error_p);

//  Stop every port-forward and free. Safe on NULL.
void tf_k8s_pods_destroy (tf_k8s_pods_t **self_p);

//  Queries; node 0 .. count-1, strings borrowed.
size_t tf_k8s_pods_count (tf_k8s_pods_t *self);
const char *tf_k8s_pods_name (tf_k8s_pods_t *self, size_t node);
const char *tf_k8s_pods_role (tf_k8s_pods_t *self, size_t node);
uint32_t tf_k8s_pods_index (tf_k8s_pods_t *self, size_t node);
uint16_t tf_k8s_pods_http_port (tf_k8s_pods_t *self, size_t node);
uint16_t tf_k8s_pods_testing_port (tf_k8s_pods_t *self, size_t node);
const char *tf_k8s_pods_log_path (tf_k8s_pods_t *self, size_t node);

//  Wait until node's pod (or every node's: TF_K8S_ALL_NODES) is Ready, up to
//  timeout_ms. 0, or -1 with *error_p: the per-node diagnosis, or why polling failed.
int tf_k8s_pods_wait_ready (tf_k8s_pods_t *self, size_t node, int64_t timeout_ms, char **error_p);

//  (Re)start node's port-forward and wait until it accepts. 0, or -1 with *error_p.
int tf_k8s_pods_forward (tf_k8s_pods_t *self, size_t node, char **error_p);

//  Stop node's port-forward (if any) and reap it.
void tf_k8s_pods_forward_stop (tf_k8s_pods_t *self, size_t node);

//  Forward svc/prometheus (the run's server) to a free loopback port and wait
//  until it accepts. 0 and *port_p, or -1 with *error_p.
int tf_k8s_pods_forward_prometheus (tf_k8s_pods_t *self, uint16_t *port_p, char **error_p);

//  Stop every port-forward, the Prometheus one too.
void tf_k8s_pods_forward_stop_all (tf_k8s_pods_t *self);

//  Is node's port-forward still running? Reaps it when not.
bool tf_k8s_pods_forward_alive (tf_k8s_pods_t *self, size_t node);

//  Append the log of node's current pod to its node.log (append: a restart
//  deletes the pod, so its log is taken first). 0, or -1 after logging why.
int tf_k8s_pods_collect_log (tf_k8s_pods_t *self, size_t node);

#endif
