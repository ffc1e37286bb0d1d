//  tf_clean_k8s.h - `tf clean`'s pass over the Kubernetes cluster: the
//  namespaces that k8s runs left behind
//
//  The k8s runner labels its namespace tf.run=<run id> and annotates it
//  tf.run_dir=<run directory>. This pass, made only when `kubectl` is
//  installed and the cluster of the current context answers `kubectl
//  cluster-info` within TF_CLEAN_K8S_CHECK_S, lists the namespaces that carry
//  the label and deletes (and waits for) each whose run's tf is gone (its
//  run directory's marker names no live supervisor, or the directory is
//  gone): one kept with K8S_RUNNER_PRESERVE, or one a killed run left. A live
//  run is left alone, and a namespace without the label is never touched.
//  With --older-than it deletes nothing (a namespace's age is not the run's).

#ifndef TF_CLEAN_K8S_H_INCLUDED
#define TF_CLEAN_K8S_H_INCLUDED

#include "tf_clean.h"

#define TF_CLEAN_K8S_CHECK_S  "5"   //  cluster-info must answer within this, seconds
#define TF_CLEAN_K8S_LIST_S   "20"  //  Longest the listing may take
#define TF_CLEAN_K8S_DELETE_S "180" //  Longest one namespace deletion may take
#define TF_CLEAN_K8S_MAX_RUNS 256   //  Namespaces handled per pass

//  Delete what dead k8s runs left in the cluster (config as tf_clean_run).
//  Prints one line per namespace to out, problems to err. Returns
//  TF_EXIT_OK, or TF_EXIT_ERROR when a namespace could not be deleted.
int tf_clean_k8s_run (const tf_clean_config_t *config, FILE *out, FILE *err);

#endif
