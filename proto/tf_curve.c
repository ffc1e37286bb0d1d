//  tf_curve.c - CurveZMQ certificates, socket keys, the ZAP handler and
//  run.json (see tf_curve.h)
//
//  The ZAP handler speaks RFC 27 on inproc://zeromq.zap.01 in the process's
//  CZMQ context: every CURVE server socket of the process asks it about each
//  client. It answers from a zcertstore on the allow directory, which CZMQ
//  reloads when the directory changes. It is ours rather than zauth so each
//  refusal's peer address reaches the run's report.

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <sys/stat.h>
#include <unistd.h>
#include "tf_curve.h"

#define TF_CURVE_ZAP_ENDPOINT "inproc://zeromq.zap.01"
#define TF_CURVE_ZAP_VERSION  "1.0"
#define TF_CURVE_SECRET_MODE  0600
#define TF_CURVE_PUBLIC_KEY   32 //  Bytes of a binary CURVE key

//  ---------------------------------------------------------------------------
//  run.json

int
tf_curve_run_write (const tf_curve_run_t *run, const char *path, FILE *err)
{
    assert (run && run->run_id && run->control && run->service && path && err);
    json_t *root = json_object ();
    json_object_set_new (root, "run_id", json_string (run->run_id));
    json_t *endpoints = json_object ();
    json_object_set_new (endpoints, "control", json_string (run->control));
    json_object_set_new (endpoints, "service", json_string (run->service));
    if (run->feed)
        json_object_set_new (endpoints, "feed", json_string (run->feed));
    json_object_set_new (root, "endpoints", endpoints);
    if (*run->coordinator_key) {
        json_t *keys = json_object ();
        json_object_set_new (keys, "coordinator", json_string (run->coordinator_key));
        json_object_set_new (keys, "scanner", json_string (run->scanner_key));
        json_object_set_new (root, "curve", keys);
    }
    char *text = json_dumps (root, JSON_INDENT (2) | JSON_SORT_KEYS);
    json_decref (root);
    char *temporary = zsys_sprintf ("%s.tmp", path);
    int fd = open (temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, TF_CURVE_SECRET_MODE);
    size_t size = strlen (text);
    int rc = -1;
    if (fd >= 0 && write (fd, text, size) == (ssize_t) size && write (fd, "\n", 1) == 1
        && close (fd) == 0 && rename (temporary, path) == 0)
        rc = 0;
    else {
        fprintf (err, "tf: cannot write %s: %s\n", path, strerror (errno));
        if (fd >= 0)
            close (fd);
        unlink (temporary);
    }
    zstr_free (&temporary);
    free (text);
    return rc;
}

//  A string member of object at key, or NULL after printing why
static const char *
s_member (json_t *object, const char *key, bool required, const char *path, FILE *err)
{
    json_t *value = json_object_get (object, key);
    if (!value && !required)
        return NULL;
    if (!json_is_string (value) || !*json_string_value (value)) {
        fprintf (err, "%s: '%s' must be a non-empty string\n", path, key);
        return NULL;
    }
    return json_string_value (value);
}

//  Copy a Z85 key from object at key into key_out. Returns 0 or -1 (printed).
static int
s_key (json_t *object, const char *key, char *key_out, const char *path, FILE *err)
{
    const char *text = s_member (object, key, true, path, err);
    if (!text)
        return -1;
    uint8_t binary[TF_CURVE_PUBLIC_KEY];
    if (strlen (text) != TF_CURVE_KEY_SIZE - 1 || !zmq_z85_decode (binary, text)) {
        fprintf (err, "%s: curve.%s must be a 40-character Z85 key\n", path, key);
        return -1;
    }
    memcpy (key_out, text, TF_CURVE_KEY_SIZE);
    return 0;
}

int
tf_curve_run_read (tf_curve_run_t *run, const char *path, FILE *err)
{
    assert (run && path && err);
    memset (run, 0, sizeof *run);
    json_error_t error;
    json_t *root = json_load_file (path, 0, &error);
    if (!root) {
        if (error.line > 0)
            fprintf (err, "%s:%d:%d: %s\n", path, error.line, error.column, error.text);
        else
            fprintf (err, "%s: %s\n", path, error.text); //  Not there, or not readable
        return -1;
    }
    int rc = -1;
    json_t *endpoints = json_object_get (root, "endpoints");
    if (!json_is_object (root) || !json_is_object (endpoints)) {
        fprintf (err, "%s: expected an object with 'run_id' and 'endpoints'\n", path);
        goto out;
    }
    const char *run_id = s_member (root, "run_id", true, path, err);
    const char *control = s_member (endpoints, "control", true, path, err);
    const char *service = control ? s_member (endpoints, "service", true, path, err) : NULL;
    if (!run_id || !control || !service)
        goto out;
    const char *feed = s_member (endpoints, "feed", false, path, err);
    json_t *keys = json_object_get (root, "curve");
    if (keys) {
        if (!json_is_object (keys)) {
            fprintf (err, "%s: 'curve' must be an object with 'coordinator' and 'scanner'\n", path);
            goto out;
        }
        if (s_key (keys, "coordinator", run->coordinator_key, path, err)
            || s_key (keys, "scanner", run->scanner_key, path, err))
            goto out;
    }
    else if (strncmp (control, "tcp://", 6) == 0) {
        fprintf (err, "%s: tcp endpoints need 'curve' keys\n", path);
        goto out;
    }
    run->run_id = strdup (run_id);
    run->control = strdup (control);
    run->service = strdup (service);
    run->feed = feed ? strdup (feed) : NULL;
    rc = 0;
out:
    json_decref (root);
    if (rc)
        tf_curve_run_clear (run);
    return rc;
}

void
tf_curve_run_clear (tf_curve_run_t *run)
{
    assert (run);
    free (run->run_id);
    free (run->control);
    free (run->service);
    free (run->feed);
    memset (run, 0, sizeof *run);
}


//  ---------------------------------------------------------------------------
//  Certificates and sockets

int
tf_curve_keys_new (const char *dir, const char *name, FILE *err)
{
    assert (dir && name && err);
    if (!*name || strchr (name, '/')) {
        fprintf (err, "tf keys: NAME must be a plain file name, got '%s'\n", name);
        return -1;
    }
    char *public_path = zsys_sprintf ("%s/%s.cert", dir, name);
    char *secret_path = zsys_sprintf ("%s/%s.cert_secret", dir, name);
    int rc = -1;
    if (access (public_path, F_OK) == 0 || access (secret_path, F_OK) == 0) {
        fprintf (err, "tf keys: %s or %s exists already: not overwritten\n", public_path,
                 secret_path);
        goto out;
    }
    zcert_t *cert = zcert_new ();
    zcert_set_meta (cert, "name", "%s", name);
    mode_t mask = umask (077); //  The secret file is never readable by others
    int saved = zcert_save (cert, public_path);
    umask (mask);
    zcert_destroy (&cert);
    if (saved || chmod (secret_path, TF_CURVE_SECRET_MODE) || chmod (public_path, 0644)) {
        fprintf (err, "tf keys: cannot write %s: %s\n", secret_path, strerror (errno));
        goto out;
    }
    rc = 0;
out:
    zstr_free (&public_path);
    zstr_free (&secret_path);
    return rc;
}

zcert_t *
tf_curve_cert_load (const char *path, bool need_secret, FILE *err)
{
    assert (path && err);
    if (access (path, R_OK)) {
        fprintf (err, "%s: cannot read the certificate: %s\n", path, strerror (errno));
        return NULL;
    }
    zcert_t *cert = zcert_load (path);
    //  A certificate without keys loads with the all-zero key's text
    if (!cert || streq (zcert_public_txt (cert), "0000000000000000000000000000000000000000")) {
        fprintf (err, "%s: not a CURVE certificate (expected a [curve] public-key)\n", path);
        zcert_destroy (&cert);
        return NULL;
    }
    if (need_secret
        && streq (zcert_secret_txt (cert), "0000000000000000000000000000000000000000")) {
        fprintf (err, "%s: no secret key (give the .cert_secret file)\n", path);
        zcert_destroy (&cert);
        return NULL;
    }
    return cert;
}

void
tf_curve_server (zsock_t *sock, zcert_t *cert)
{
    assert (sock && cert);
    zsock_set_zap_domain (sock, TF_CURVE_ZAP_DOMAIN);
    zcert_apply (cert, sock);
    zsock_set_curve_server (sock, 1);
}

void
tf_curve_client (zsock_t *sock, zcert_t *cert, const char *server_key)
{
    assert (sock && cert && server_key);
    zcert_apply (cert, sock);
    zsock_set_curve_serverkey (sock, server_key);
}


//  ---------------------------------------------------------------------------
//  The ZAP handler

typedef struct {
    char *allow_dir;
    char *refused_path;
} s_auth_args_t;

//  A refused peer reconnects (ZeroMQ retries): each attempt is counted, the
//  log says it once per address and key
static void
s_record_refusal (zhash_t *logged, const char *refused_path, const char *address, const char *key)
{
    char *pair = zsys_sprintf ("%s %s", address, key);
    if (!zhash_lookup (logged, pair)) {
        zhash_insert (logged, pair, (void *) "");
        zsys_warning ("curve: refused connection address=%s key=%s (its retries are counted, "
                      "not logged)",
                      address, key);
    }
    zstr_free (&pair);
    if (!refused_path)
        return;
    int fd = open (refused_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, TF_CURVE_SECRET_MODE);
    if (fd < 0)
        return;
    char line[256];
    int length = snprintf (line, sizeof line, "%s %s\n", address, key);
    if (write (fd, line, (size_t) length) != length)
        zsys_warning ("curve: cannot append to %s", refused_path);
    close (fd);
}

//  Answer one ZAP request (RFC 27): version, request id, domain, address,
//  identity, mechanism, credentials
static void
s_answer (zsock_t *handler, zcertstore_t *store, zhash_t *logged, const char *refused_path)
{
    zmsg_t *request = zmsg_recv (handler);
    if (!request)
        return;
    char *version = zmsg_popstr (request);
    char *request_id = zmsg_popstr (request);
    char *domain = zmsg_popstr (request);
    char *address = zmsg_popstr (request);
    zframe_t *identity = zmsg_pop (request);
    char *mechanism = zmsg_popstr (request);
    zframe_t *client_key = zmsg_pop (request);
    char key[TF_CURVE_KEY_SIZE] = "";
    bool curve = mechanism && streq (mechanism, "CURVE") && client_key
                 && zframe_size (client_key) == TF_CURVE_PUBLIC_KEY;
    if (curve)
        zmq_z85_encode (key, zframe_data (client_key), TF_CURVE_PUBLIC_KEY);
    bool allowed = curve && zcertstore_lookup (store, key) != NULL;
    if (!allowed)
        s_record_refusal (logged, refused_path, address ? address : "?", curve ? key : "-");
    zmsg_t *reply = zmsg_new ();
    zmsg_addstr (reply, TF_CURVE_ZAP_VERSION);
    zmsg_addstr (reply, request_id ? request_id : "");
    zmsg_addstr (reply, allowed ? "200" : "400");
    zmsg_addstr (reply, allowed ? "OK" : "No access");
    zmsg_addstr (reply, allowed ? key : "");
    zmsg_addmem (reply, NULL, 0); //  No metadata
    zmsg_send (&reply, handler);
    zframe_destroy (&client_key);
    zframe_destroy (&identity);
    zstr_free (&mechanism);
    zstr_free (&address);
    zstr_free (&domain);
    zstr_free (&request_id);
    zstr_free (&version);
    zmsg_destroy (&request);
}

static void
s_auth_actor (zsock_t *pipe, void *arg)
{
    s_auth_args_t *args = (s_auth_args_t *) arg;
    zsock_signal (pipe, 0); //  What zactor_new waits for; then whether it bound
    zsock_t *handler = zsock_new (ZMQ_REP);
    if (!handler || zsock_bind (handler, TF_CURVE_ZAP_ENDPOINT)) {
        zsys_error ("curve: cannot bind the ZAP handler");
        zsock_destroy (&handler);
        free (args->allow_dir);
        free (args->refused_path);
        free (args);
        zsock_signal (pipe, 1);
        return;
    }
    zcertstore_t *store = zcertstore_new (args->allow_dir);
    zhash_t *logged = zhash_new (); //  "address key" pairs already logged
    zpoller_t *poller = zpoller_new (pipe, handler, NULL);
    zsock_signal (pipe, 0);
    while (true) {
        void *which = zpoller_wait (poller, -1);
        if (which == handler)
            s_answer (handler, store, logged, args->refused_path);
        else if (which == pipe) {
            char *command = zstr_recv (pipe);
            bool term = !command || streq (command, "$TERM");
            zstr_free (&command);
            if (term)
                break;
        }
        else if (zpoller_terminated (poller))
            break;
    }
    zpoller_destroy (&poller);
    zhash_destroy (&logged);
    zcertstore_destroy (&store);
    zsock_destroy (&handler);
    free (args->allow_dir);
    free (args->refused_path);
    free (args);
}

zactor_t *
tf_curve_auth_new (const char *allow_dir, const char *refused_path)
{
    assert (allow_dir);
    s_auth_args_t *args = (s_auth_args_t *) zmalloc (sizeof (s_auth_args_t));
    args->allow_dir = strdup (allow_dir);
    args->refused_path = refused_path ? strdup (refused_path) : NULL;
    zactor_t *actor = zactor_new (s_auth_actor, args);
    if (actor && zsock_wait (actor) != 0)
        zactor_destroy (&actor); //  It said why and freed args
    return actor;
}

int
tf_curve_serve_from_env (zsock_t *sock, zactor_t **auth_p, const char *run_dir)
{
    assert (sock && auth_p);
    const char *cert_path = getenv ("TF_SERVER_CERT");
    if (!cert_path || !*cert_path)
        return 0;
    const char *allow_dir = getenv ("TF_ALLOW_DIR");
    if (!allow_dir || !*allow_dir) {
        zsys_error ("curve: TF_SERVER_CERT without TF_ALLOW_DIR");
        return -1;
    }
    zcert_t *cert = tf_curve_cert_load (cert_path, true, stderr);
    if (!cert)
        return -1;
    if (!*auth_p) {
        char *refused = run_dir ? zsys_sprintf ("%s/%s", run_dir, TF_CURVE_REFUSED_FILE) : NULL;
        *auth_p = tf_curve_auth_new (allow_dir, refused);
        zstr_free (&refused);
    }
    if (*auth_p)
        tf_curve_server (sock, cert);
    zcert_destroy (&cert);
    return *auth_p ? 0 : -1;
}

size_t
tf_curve_refused_read (const char *path, zlist_t **addresses_p)
{
    assert (path && addresses_p);
    zlist_t *addresses = zlist_new ();
    zlist_autofree (addresses);
    size_t count = 0;
    FILE *file = fopen (path, "r");
    char line[256];
    while (file && fgets (line, sizeof line, file)) {
        char *space = strchr (line, ' ');
        if (!space)
            continue;
        *space = 0;
        count++;
        bool known = false;
        for (char *item = (char *) zlist_first (addresses); item && !known;
             item = (char *) zlist_next (addresses))
            known = streq (item, line);
        if (!known)
            zlist_append (addresses, line);
    }
    if (file)
        fclose (file);
    *addresses_p = addresses;
    return count;
}


//  ---------------------------------------------------------------------------
//  Allowing certificates

//  Save cert's public part as allowed/NAME.cert. Returns 0 or -1 (printed).
static int
s_allow_cert (const char *allowed, const char *path, FILE *err)
{
    zcert_t *cert = tf_curve_cert_load (path, false, err);
    if (!cert) {
        fprintf (err, "tf: --allow %s: not a certificate tf keys new wrote\n", path);
        return -1;
    }
    const char *base = strrchr (path, '/');
    base = base ? base + 1 : path;
    //  Named after its key: two certificates of one name cannot overwrite each other
    char *copy = zsys_sprintf ("%s/%.*s-%.8s.cert", allowed, (int) strcspn (base, "."), base,
                               zcert_public_txt (cert));
    for (char *cursor = copy + strlen (allowed) + 1; *cursor; cursor++)
        if (!isalnum ((unsigned char) *cursor) && !strchr ("-_.", *cursor))
            *cursor = '_';
    int rc = zcert_save_public (cert, copy);
    if (rc)
        fprintf (err, "tf: cannot write %s: %s\n", copy, strerror (errno));
    zstr_free (&copy);
    zcert_destroy (&cert);
    return rc;
}

int
tf_curve_allow (const char *allowed, const char *path, FILE *err)
{
    struct stat info;
    if (stat (path, &info)) {
        fprintf (err, "tf: --allow %s: %s\n", path, strerror (errno));
        return -1;
    }
    if (!S_ISDIR (info.st_mode))
        return s_allow_cert (allowed, path, err);
    DIR *handle = opendir (path);
    if (!handle) {
        fprintf (err, "tf: --allow %s: %s\n", path, strerror (errno));
        return -1;
    }
    int rc = 0;
    size_t count = 0;
    struct dirent *entry;
    while (rc == 0 && (entry = readdir (handle))) {
        size_t length = strlen (entry->d_name);
        if (length > 5 && streq (entry->d_name + length - 5, ".cert")) {
            char *file = zsys_sprintf ("%s/%s", path, entry->d_name);
            rc = s_allow_cert (allowed, file, err);
            zstr_free (&file);
            count++;
        }
    }
    closedir (handle);
    if (rc == 0 && count == 0) {
        fprintf (err, "tf: --allow %s: the directory holds no *.cert file\n", path);
        rc = -1;
    }
    return rc;
}
