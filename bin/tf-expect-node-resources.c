//  tf-expect-node-resources - each node's peak memory and its exits that node
//  control did not ask for, against limits
#include "tf_exp_resources.h"

int
main (int argc, char **argv)
{
    return tf_actor_main (argc, argv, &tf_exp_resources_class);
}
