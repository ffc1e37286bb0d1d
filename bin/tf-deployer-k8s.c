//  tf-deployer-k8s - the k8s deployer: a run's nodes as pods in a Kubernetes namespace
//  Started by `tf run` for `run: {runner: k8s}`; see deployers/k8s/tf_deployer_k8s.h.
#include "tf_deployer_k8s.h"

int
main (int argc, char **argv)
{
    return tf_actor_main (argc, argv, &tf_deployer_k8s_class.actor_class);
}
