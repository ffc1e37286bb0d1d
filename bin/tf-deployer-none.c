//  tf-deployer-none - the deployer of runner `none`: a run without nodes
#include "tf_deployer_none.h"

int
main (int argc, char **argv)
{
    return tf_actor_main (argc, argv, &tf_deployer_none_class.actor_class);
}
