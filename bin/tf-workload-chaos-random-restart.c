//  tf-workload-chaos-random-restart - chaos workload chaos_random_restart
//  Restart nodes at seeded random times (the seeds' chaos_random_restart).
#include "tf_wl_chaos.h"

int
main (int argc, char **argv)
{
    return tf_actor_main (argc, argv, &tf_wl_chaos_restart_class);
}
