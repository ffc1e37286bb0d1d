//  tf-node - the bundled reference node (see node/README.md)
#include "tf_node.h"

int
main (int argc, char **argv)
{
    return tf_node_main (argc, argv);
}
