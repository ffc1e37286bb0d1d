//  tf-workload-chaos-loss - chaos workload chaos_loss
//  Drop a share of some nodes' swarm packets for a window, then stop.
#include "tf_wl_chaos.h"

int
main (int argc, char **argv)
{
    return tf_actor_main (argc, argv, &tf_wl_chaos_loss_class);
}
