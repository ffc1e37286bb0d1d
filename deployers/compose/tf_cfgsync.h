//  tf_cfgsync.h - tf-cfgsync: the compose runner's config service and its client
//
//  Serve (`tf-cfgsync serve`): an HTTP server (libmicrohttpd) holding a
//  run's generated node configs, a directory with one <id>/config/ folder
//  per node. GET /config/<id>/<file> answers the file; an identifier that
//  has no folder is 404 "unknown node identifier '<id>'", a file it lacks is
//  404 naming both; /health answers 200. It runs as the stack's `cfgsync`
//  container, so a restarted node (or a preserved stack) finds it again.
//
//  Fetch (`tf-cfgsync fetch`): what a node container runs first. It GETs
//  each named file for its identifier (retrying while the server is not up
//  yet, until a deadline), writes them into a directory, then executes the
//  node's own command line in its place. A 404 ends it at once with the
//  server's message, exit TF_CFGSYNC_EXIT_UNKNOWN.
//
//  Neither links CZMQ: both go into the node image, whose libraries are the
//  node's own (libmicrohttpd and libc), so tf-cfgsync adds none.

#ifndef TF_CFGSYNC_H_INCLUDED
#define TF_CFGSYNC_H_INCLUDED

#include <stdint.h>

#define TF_CFGSYNC_PORT         4400    //  Where the server listens in the run's network
#define TF_CFGSYNC_WAIT_MS      30000   //  How long fetch retries a server that is not up
#define TF_CFGSYNC_RETRY_MS     100     //  Between two tries
#define TF_CFGSYNC_FILE_MAX     1048576 //  Largest config file served or fetched
#define TF_CFGSYNC_EXIT_UNKNOWN 2       //  fetch: the server does not know the identifier
#define TF_CFGSYNC_EXIT_FAILED  3       //  fetch: no answer, or a file cannot be written
#define TF_CFGSYNC_NAME_MAX     128     //  Longest identifier or file name

//  Serve dir on host:port until SIGTERM/SIGINT. Returns a process exit code.
int tf_cfgsync_serve (const char *dir, const char *host, uint16_t port);

//  Fetch files (NULL-terminated) for id from base_url ("http://IP:PORT")
//  into out_dir, waiting up to wait_ms for the server. 0, or an exit code
//  after printing why.
int tf_cfgsync_fetch (const char *base_url, const char *id, const char *out_dir,
                      char *const files[], int64_t wait_ms);

//  The program: `tf-cfgsync serve|fetch ...` (--help says how). Exit code.
int tf_cfgsync_main (int argc, char **argv);

#endif
