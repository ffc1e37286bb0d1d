//  tf_deployer_k8s.h - the k8s runner: one Deployment and Service per node
//  in a namespace of the cluster of the current kubectl context
//
//  A backend of the deployer seam (tf_deployer.h). Deploy checks that the
//  cluster answers (`kubectl cluster-info`; when it does not, the deploy phase
//  fails, so tf exits 3, with a message naming the context it tried), writes
//  the run's kustomization into RUN_DIR/k8s (tf_k8s_manifests.h), applies it
//  (`kubectl apply -k`), waits until every node's pod is Ready (with the
//  pod's phase, reason and last events for each that is not), and forwards
//  every node's APIs to loopback ports (tf_k8s_pods.h); the driver then waits
//  for the http, network and chain stages through them. Node control:
//  tf_k8s_control.h. Before cleanup every pod's log goes to
//  RUN_DIR/nodes/<name>/node.log (also on failure); cleanup deletes the
//  namespace and waits for it to go, unless K8S_RUNNER_PRESERVE=1 keeps it
//  (tf says how to inspect and remove it). `tf clean` finds what a killed
//  run left by the namespace's tf.run label.
//
//  The image must be where the cluster's nodes find it: load tf's own into
//  kind or minikube, or push it (docs/runners.md); nothing here builds it.

#ifndef TF_DEPLOYER_K8S_H_INCLUDED
#define TF_DEPLOYER_K8S_H_INCLUDED

#include "tf_deployer.h"

#define TF_DEPLOYER_K8S_PRESERVE_ENV "K8S_RUNNER_PRESERVE"
#define TF_DEPLOYER_K8S_DELETE_MS    180000 //  `kubectl delete namespace --wait` bound

//  The k8s runner's backend
extern const tf_deployer_ops_t tf_deployer_k8s_ops;

//  The program tf-deployer-k8s
extern const tf_deployer_class_t tf_deployer_k8s_class;

#endif
