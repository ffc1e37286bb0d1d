//  tf-scanner - the block scanner: follows every node and publishes the block feed
#include "tf_scanner.h"

int
main (int argc, char **argv)
{
    return tf_actor_main (argc, argv, &tf_scanner_class);
}
