//  tf-deployer-compose - the compose deployer: a run's nodes as containers on a Docker engine
//  Started by `tf run` for `run: {runner: compose}`; see deployers/compose/tf_deployer_compose.h.
#include "tf_deployer_compose.h"

int
main (int argc, char **argv)
{
    return tf_actor_main (argc, argv, &tf_deployer_compose_class.actor_class);
}
