//  tf-coordinator - owns the plan and the phase machine of one run (see tf_coord.h)
#include "tf_coord.h"

int
main (int argc, char **argv)
{
    return tf_coord_main (argc, argv);
}
