//  tf_run_listen.h - `tf run --listen`: a run's endpoints on tcp with CURVE,
//  its keys and run.json
//
//  --listen tcp://HOST[:PORT] (HOST a numeric IPv4 address the other hosts
//  reach): control on PORT, service on PORT+1, feed on PORT+2; without PORT
//  each is a free port the kernel gives (tf binds port 0 and reads the port
//  back). The run directory gets keys/: coordinator.cert and scanner.cert
//  (the servers', each with its _secret, mode 0600), local.cert (the client
//  certificate of tf itself and the coordinator), actors/NAME.cert (one per
//  actor tf starts) and allowed/, the certificates the ZAP handlers accept:
//  local.cert, each actor's, and a public copy of every --allow (a .cert
//  file, or every *.cert in a directory).
//
//  run.json (every run, ipc too) says how to join: run id, endpoints and, on
//  tcp, the servers' public keys.

#ifndef TF_RUN_LISTEN_H_INCLUDED
#define TF_RUN_LISTEN_H_INCLUDED

#include <stdio.h>
#include <czmq.h>
#include "tf_run_dir.h"
#include "tf_spawn.h"

#define TF_RUN_LISTEN_KEYS        "keys"
#define TF_RUN_LISTEN_ACTORS      "keys/actors"
#define TF_RUN_LISTEN_ALLOWED     "keys/allowed"
#define TF_RUN_LISTEN_LOCAL       "keys/local.cert_secret"
#define TF_RUN_LISTEN_COORDINATOR "keys/coordinator.cert_secret"
#define TF_RUN_LISTEN_SCANNER     "keys/scanner.cert_secret"

//  Check --listen's text: 0, or -1 after printing what was expected to err.
int tf_run_listen_check (const char *listen, FILE *err);

//  Put the run on tcp at listen: choose the ports (replacing dir's ipc
//  endpoints), make keys/ and allow the certificates of allow (paths,
//  NULL-terminated, or NULL). Returns 0, or an exit code after printing why.
int tf_run_listen_setup (tf_run_dir_t *dir, const char *listen, const char *const *allow,
                         FILE *err);

//  At the start of `tf run`: on tcp (listen not NULL) tf_run_listen_setup with
//  allow (a list of paths), then, on ipc too, run.json; says where to out.
//  Returns 0, or an exit code after printing why (and that the directory is kept).
int tf_run_listen_start (tf_run_dir_t *dir, const char *listen, zlist_t *allow, FILE *out,
                         FILE *err);

//  The environment of a process of a tcp run: TF_JOIN, TF_CERT (the run's
//  client certificate), TF_ALLOW_DIR and, for a server (server_cert the path
//  under the run directory of its certificate, or NULL), TF_SERVER_CERT.
void tf_run_listen_env (const tf_run_dir_t *dir, tf_spawn_t *spawn, const char *server_cert);

//  Give the actor tf starts as name a certificate of its own, made now in
//  keys/actors/ and allowed, as TF_CERT. Returns 0 or -1 (printed to err).
int tf_run_listen_actor_cert (const tf_run_dir_t *dir, tf_spawn_t *spawn, const char *name,
                              FILE *err);

//  Make tf's own sockets (SUB to control and feed, DEALER to service) CURVE
//  clients of the run's servers, before they connect. Returns 0 or -1 (printed).
int tf_run_listen_clients (const tf_run_dir_t *dir, zsock_t *control, zsock_t *feed,
                           zsock_t *service, FILE *err);

//  Write run.json for dir (keys from keys/ when on tcp). Returns 0, or an
//  exit code after printing why.
int tf_run_listen_write_json (const tf_run_dir_t *dir, bool curve, FILE *err);


#endif
