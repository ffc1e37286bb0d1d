//  tf-expect-consensus-liveness - every validator reaches the target height and
//  all nodes agree on the chain up to the lowest LIB
#include "tf_exp_liveness.h"

int
main (int argc, char **argv)
{
    return tf_actor_main (argc, argv, &tf_exp_liveness_class);
}
