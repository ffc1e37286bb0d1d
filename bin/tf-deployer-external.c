//  tf-deployer-external - the deployer of runner `external`: nodes someone else runs
#include "tf_deployer_external.h"

int
main (int argc, char **argv)
{
    return tf_actor_main (argc, argv, &tf_deployer_external_class.actor_class);
}
