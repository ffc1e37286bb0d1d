//  tf-deployer-local - the local deployer: a run's nodes as processes on this host
//  Started by `tf run` for `run: {runner: local}`; see deployers/local/tf_deployer_local.h.
#include "tf_deployer_local.h"

int
main (int argc, char **argv)
{
    return tf_actor_main (argc, argv, &tf_deployer_local_class.actor_class);
}
