//  tf_k8s_control.h - node control on a k8s run, through the API server
//
//  restart  the node's pod is deleted (its log taken first); the Deployment
//           makes a new one, which is waited for, and the port-forward restarts
//  stop     the Deployment is scaled to 0 (the pod's log taken first) and its
//           port-forward stopped
//  start    scaled back to 1, waited for, forwarded again
//  partition  two NetworkPolicies (labelled tf.partition=true): the group's
//           pods talk only among themselves, the other nodes only among
//           themselves (DNS and the run's Prometheus still allowed). Whether
//           traffic is really cut depends on the cluster's CNI: one that does
//           not enforce NetworkPolicy (flannel, for one) accepts the objects
//           and cuts nothing. The runner cannot know: the outcome says so.
//  heal     those NetworkPolicies are deleted
//  pause, resume, loss and bandwidth are not in the runner's catalogue
//  actions (tf_catalog.c): a scenario that needs them is refused at validate.

#ifndef TF_K8S_CONTROL_H_INCLUDED
#define TF_K8S_CONTROL_H_INCLUDED

#include "tf_k8s_pods.h"

#define TF_K8S_LABEL_PARTITION "tf.partition"

typedef struct _tf_k8s_control_t tf_k8s_control_t;

//  Node control over pods (borrowed, must outlive it), for run_id's nodes in
//  namespace_name (borrowed); manifests written under k8s_dir.
tf_k8s_control_t *tf_k8s_control_new (tf_k8s_pods_t *pods, const char *namespace_name,
                                      const char *run_id, const char *k8s_dir, void *cancel);

//  Destroy and nullify. Safe on NULL.
void tf_k8s_control_destroy (tf_k8s_control_t **self_p);

//  Carry out one request (the driver checked it). As the ops table's control:
//  0 with *text_p a note or NULL, or -1 with *text_p the error.
int tf_k8s_control_run (tf_k8s_control_t *self, const tf_deployer_node_t *nodes, size_t count,
                        const tf_node_control_t *request, char **text_p);

//  Write the two NetworkPolicies that cut group off the other nodes of the
//  run into path (what partition applies). 0, or -1 with errno.
int tf_k8s_control_write_partition (const char *path, const char *namespace_name,
                                    const char *run_id, const tf_strs_t *group);

//  Was node stopped by node control (scaled to 0)?
bool tf_k8s_control_stopped (tf_k8s_control_t *self, size_t node);

#endif
