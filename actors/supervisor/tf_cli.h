//  tf_cli.h - the command line of `tf`: run, validate, replay, clean, catalog, help
//  and version
//
//  bin/tf.c hands its arguments here; the commands do their work through the
//  supervisor (tf_supervisor.h).

#ifndef TF_CLI_H_INCLUDED
#define TF_CLI_H_INCLUDED

//  Run the tf command line; returns the process exit code (0 passed,
//  1 expectations failed, 2 bad scenario or usage, 3 infrastructure failure).
int tf_cli_main (int argc, char **argv);

#endif
