//  tf-workload-chaos-partition - chaos workload chaos_partition
//  Cut a group of nodes off from the rest for a window, then heal.
#include "tf_wl_chaos.h"

int
main (int argc, char **argv)
{
    return tf_actor_main (argc, argv, &tf_wl_chaos_partition_class);
}
