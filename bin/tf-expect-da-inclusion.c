//  tf-expect-da-inclusion - the da workload's channels and blobs are included
//  on chain, judged from the bus alone
#include "tf_exp_da.h"

int
main (int argc, char **argv)
{
    return tf_actor_main (argc, argv, &tf_exp_da_class);
}
