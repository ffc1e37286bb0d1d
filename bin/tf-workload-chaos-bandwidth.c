//  tf-workload-chaos-bandwidth - chaos workload chaos_bandwidth
//  Limit some nodes' egress to a rate for a window, then lift the limit.
#include "tf_wl_chaos.h"

int
main (int argc, char **argv)
{
    return tf_actor_main (argc, argv, &tf_wl_chaos_bandwidth_class);
}
