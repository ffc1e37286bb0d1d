//  tf-workload-chaos-random-restart - chaos workload chaos_random_restart
//  Restart nodes at seeded random times (the seeds' chaos_random_restart).

#include "tf_wl_chaos.h"

int
main (int argc, char **argv)
{
    return tf_wl_chaos_main (argc, argv, "chaos_random_restart",
                             "Restart nodes at seeded random times "
                             "(the seeds' chaos_random_restart).");
}
