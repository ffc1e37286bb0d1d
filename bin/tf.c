//  tf - the supervisor: runs scenarios (tf run) and checks them (tf validate)
//
//  See tf --help. Every process of a run is started, watched and stopped by
//  this program; the logic lives in actors/supervisor/tf_cli.c and tf_supervisor.c.

#include <czmq.h>
#include "tf_cli.h"

int
main (int argc, char **argv)
{
    zsys_init ();
    zsys_set_logident ("tf");
    zsys_set_logstream (stderr); //  stdout carries progress and the verdict
    return tf_cli_main (argc, argv);
}
