//  tf_k8s_manifests.h - a run's Kubernetes manifests, as a kustomization
//
//  The k8s runner applies, and `tf render SCENARIO --runner k8s` writes
//  without a cluster, the same directory DIR (RUN_DIR/k8s for a run):
//
//      kustomization.yaml   namespace, the resources below, one ConfigMap
//                           generator per node (its node.yaml) and one for the
//                           deployment.yaml they share (tf-deployment); each
//                           pod mounts both at /etc/tf (a projected volume)
//      namespace.yaml       the run's Namespace, labelled tf.run=<run id> and
//                           annotated tf.run_dir=<run directory> (for tf clean);
//                           left out when the namespace exists already (a
//                           K8S_RUNNER_NAMESPACE of the user's, never ours to label)
//      nodes.yaml           per node a Deployment (replicas 1) and a Service
//      prometheus.yaml      a Prometheus Deployment, Service and its config
//                           (only when the plan has observability.prometheus)
//      config/<node>/       node.yaml of that node
//      config/              deployment.yaml, prometheus.yml
//
//  `kubectl kustomize DIR` prints exactly what `kubectl apply -k DIR` applies.
//  Every object carries the labels tf.run=<run id> and
//  app.kubernetes.io/managed-by=tf; node objects also tf.node=<name> and
//  tf.role=<role>. Inside the cluster a node reaches its peers by their
//  Service names (validator-1), which tf-node resolves when it dials.

#ifndef TF_K8S_MANIFESTS_H_INCLUDED
#define TF_K8S_MANIFESTS_H_INCLUDED

#include "tf_deployer.h"

#define TF_K8S_NAMESPACE_ENV     "K8S_RUNNER_NAMESPACE"
#define TF_K8S_IMAGE_ENV         "TF_K8S_IMAGE"
#define TF_K8S_PULL_POLICY_ENV   "TF_K8S_IMAGE_PULL_POLICY"
#define TF_K8S_PULL_POLICY       "IfNotPresent" //  Default: a loaded image is used as it is
#define TF_K8S_PROMETHEUS_ENV    "TF_K8S_PROMETHEUS_IMAGE"
#define TF_K8S_PROMETHEUS_IMAGE  "prom/prometheus:v2.53.0"
#define TF_K8S_NAMESPACE_PREFIX  "tf-"
#define TF_K8S_NAME_MAX          63 //  A DNS label (namespace, service)
#define TF_K8S_HTTP_PORT         18080
#define TF_K8S_TESTING_PORT      18081
#define TF_K8S_P2P_PORT          3000
#define TF_K8S_PROMETHEUS_PORT   9090
#define TF_K8S_BIND_HOST         "0.0.0.0"
#define TF_K8S_DB_PATH           "/data/db"
#define TF_K8S_CONFIG_DIR        "/etc/tf"
#define TF_K8S_BIN_DIR           "/usr/local/bin"
#define TF_K8S_GRACE_S           2     //  terminationGracePeriodSeconds of a node pod
#define TF_K8S_START_MARGIN_MS   10000 //  chain_start_time after rendering: time to schedule
#define TF_K8S_LABEL_RUN         "tf.run"
#define TF_K8S_LABEL_NODE        "tf.node"
#define TF_K8S_LABEL_ROLE        "tf.role"
#define TF_K8S_PROMETHEUS_NAME   "prometheus"
#define TF_K8S_DEPLOYMENT_CONFIG "tf-deployment" //  The ConfigMap of the shared deployment.yaml

//  What to render
typedef struct {
    const tf_plan_t *plan;        //  The run's plan (validated)
    const tf_profile_t *profile;  //  Its node profile
    const char *run_id;           //  The tf.run label's value
    const char *run_dir;          //  The namespace's tf.run_dir annotation (tf clean), or NULL
    bool namespace_exists;        //  Someone else's namespace: not in the kustomization
    const char *namespace_name;   //  tf_k8s_manifests_namespace
    const char *image;            //  Node image (tf_k8s_manifests_image)
    const char *pull_policy;      //  Always | IfNotPresent | Never
    const char *prometheus_image; //  Used when plan->prometheus
    int64_t chain_start_ms;       //  deployment.yaml's chain_start_time, unix ms
} tf_k8s_render_t;

//  Write the kustomization into dir (made if missing; files replaced).
//  0, or -1 with *error_p (caller frees).
int tf_k8s_manifests_write (const tf_k8s_render_t *render, const char *dir, char **error_p);

//  The run's namespace: K8S_RUNNER_NAMESPACE, else tf-<run id> in lower case.
//  NULL with *error_p when the result is not a DNS label. Caller owns it.
char *tf_k8s_manifests_namespace (const char *run_id, char **error_p);

//  The node image: TF_K8S_IMAGE, else LOGOS_BLOCKCHAIN_TESTNET_IMAGE (alias
//  NOMOS_TESTNET_IMAGE), else the tag the compose runner builds from the
//  node binary and tf-cfgsync beside program_dir. 0 and *image_p (caller
//  owns), or -1 with *error_p.
int tf_k8s_manifests_image (const tf_profile_t *profile, const char *program_dir, char **image_p,
                            char **error_p);

//  TF_K8S_IMAGE_PULL_POLICY or TF_K8S_PULL_POLICY; NULL with *error_p when
//  the variable holds something else than Always, IfNotPresent or Never.
const char *tf_k8s_manifests_pull_policy (char **error_p);

//  Name of node (validators first, then executors): "validator-0". Writes
//  into name (at least TF_K8S_NAME_MAX + 1 bytes); returns its role.
const char *tf_k8s_manifests_node_name (const tf_plan_t *plan, size_t node, char *name);

#endif
