//  tf-deployer-replay - the deployer of the replay runner: plays a past run's
//  bus recording back so its expectations can be judged again offline
#include "tf_replayer.h"

int
main (int argc, char **argv)
{
    return tf_actor_main (argc, argv, &tf_replayer_class);
}
