//  tf-workload-chaos-pause - chaos workload chaos_pause
//  Pause one node (SIGSTOP) for a window, then resume it.
#include "tf_wl_chaos.h"

int
main (int argc, char **argv)
{
    return tf_actor_main (argc, argv, &tf_wl_chaos_pause_class);
}
