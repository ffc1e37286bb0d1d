//  tf-workload-transactions - user transfers between seeded wallets, paced on
//  the block feed: `rate` per block from `users` wallets
#include "tf_wl_tx.h"

int
main (int argc, char **argv)
{
    return tf_actor_main (argc, argv, &tf_wl_tx_class);
}
