//  tf_curve.h - CurveZMQ for a run's tcp endpoints: certificates, the sockets'
//  keys, the ZAP handler that allows known client keys, and run.json
//
//  A run that listens on tcp (`tf run --listen`) gives the coordinator and the
//  scanner server certificates of their own and every process tf starts one
//  client certificate, all in the run directory's keys/ (secret files 0600).
//  A server process runs tf_curve_auth: an in-process ZAP handler that accepts
//  a client whose public key has a certificate in the allow directory (the
//  run's own client certificate and every --allow) and refuses any other,
//  logging the peer's address and appending "ADDRESS KEY" to the run's
//  refused file, which report.json counts.
//
//  run.json says where a run is and how to join it: the run id, the three
//  endpoints and, for tcp, the servers' public keys (Z85).

#ifndef TF_CURVE_H_INCLUDED
#define TF_CURVE_H_INCLUDED

#include <czmq.h>
#include <stdbool.h>

#define TF_CURVE_KEY_SIZE     41            //  A Z85 key and its NUL
#define TF_CURVE_REFUSED_FILE "refused.log" //  In the run directory
#define TF_CURVE_RUN_JSON     "run.json"    //  In the run directory
#define TF_CURVE_ZAP_DOMAIN   "tf"

//  What run.json holds. Keys are "" for ipc endpoints.
typedef struct {
    char *run_id;
    char *control;
    char *service;
    char *feed;
    char coordinator_key[TF_CURVE_KEY_SIZE]; //  Serves control and service
    char scanner_key[TF_CURVE_KEY_SIZE];     //  Serves feed
} tf_curve_run_t;

//  Write run.json to path (mode 0600, replaced atomically). Returns 0, or -1
//  after printing why to err.
int tf_curve_run_write (const tf_curve_run_t *run, const char *path, FILE *err);

//  Read run.json from path into run (cleared first). Returns 0, or -1 after
//  printing why (file, line, column, the key) to err.
int tf_curve_run_read (tf_curve_run_t *run, const char *path, FILE *err);

//  Free what run holds.
void tf_curve_run_clear (tf_curve_run_t *run);

//  Make a new certificate NAME.cert (public) and NAME.cert_secret (0600) in
//  dir. Refuses to overwrite either. Returns 0, or -1 after printing why.
int tf_curve_keys_new (const char *dir, const char *name, FILE *err);

//  Load a certificate (NAME.cert or NAME.cert_secret). need_secret: it must
//  hold a secret key. Returns NULL after printing why to err.
zcert_t *tf_curve_cert_load (const char *path, bool need_secret, FILE *err);

//  --allow PATH: save the public part of a certificate, or of every *.cert
//  in a directory, into the allow directory allowed (as NAME-KEY.cert, so
//  two of one name do not collide). Returns 0, or -1 after printing why.
int tf_curve_allow (const char *allowed, const char *path, FILE *err);

//  Make sock a CURVE server with cert's keys (before it binds).
void tf_curve_server (zsock_t *sock, zcert_t *cert);

//  Make sock a CURVE client of server_key with cert's keys (before it connects).
void tf_curve_client (zsock_t *sock, zcert_t *cert, const char *server_key);

//  Start the ZAP handler of this process: allow the public keys of the
//  certificates in allow_dir (read again when it changes), append refusals to
//  refused_path (or NULL). Returns the handler (zactor_destroy stops it), or
//  NULL after logging why.
zactor_t *tf_curve_auth_new (const char *allow_dir, const char *refused_path);

//  A server process tf started: when TF_SERVER_CERT names its certificate,
//  start the ZAP handler (into *auth_p, once) on TF_ALLOW_DIR with the
//  refused file in run_dir (or none) and make sock a CURVE server. Nothing
//  when TF_SERVER_CERT is unset. Returns 0, or -1 after logging why.
int tf_curve_serve_from_env (zsock_t *sock, zactor_t **auth_p, const char *run_dir);

//  Read a refused file: the number of refusals and the distinct addresses
//  (caller destroys). Returns 0 with zero refusals when the file is absent.
size_t tf_curve_refused_read (const char *path, zlist_t **addresses_p);


#endif
