//  tf-expect-tx-inclusion - at least min_ratio of the submitted transactions
//  appear in blocks, judged from the bus alone
#include "tf_exp_tx.h"

int
main (int argc, char **argv)
{
    return tf_actor_main (argc, argv, &tf_exp_tx_class);
}
