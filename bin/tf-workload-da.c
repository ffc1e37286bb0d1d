//  tf-workload-da - channel inscriptions and blobs dispersed through the
//  executors, every operation published as da.published
#include "tf_wl_da.h"

int
main (int argc, char **argv)
{
    return tf_actor_main (argc, argv, &tf_wl_da_class);
}
