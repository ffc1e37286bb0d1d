//  tf - the supervisor: runs scenarios (tf run), checks them (tf validate)
//  and renders their Kubernetes manifests (tf render)
//
//  See tf --help. Every process of a run is started, watched and stopped by
//  this program; the logic lives in actors/supervisor/tf_cli.c and tf_supervisor.c.

#include <czmq.h>
#include "tf_cli.h"
#include "tf_render.h"

int
main (int argc, char **argv)
{
    zsys_init ();
    zsys_set_logident ("tf");
    zsys_set_logstream (stderr); //  stdout carries progress and the verdict
    if (argc > 1 && streq (argv[1], "render"))
        return tf_render_main (argc - 1, argv + 1); //  Not in libtf: it needs the deployers
    return tf_cli_main (argc, argv);
}
