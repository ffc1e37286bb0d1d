//  tf-cfgsync - the config service of compose runs (serve) and the step a node
//  container runs first to get its config (fetch); see deployers/compose/tf_cfgsync.h.
#include "tf_cfgsync.h"

int
main (int argc, char **argv)
{
    return tf_cfgsync_main (argc, argv);
}
