//  tf_run_listen.c - a run's endpoints on tcp with CURVE (see tf_run_listen.h)

#include <arpa/inet.h>
#include <czmq.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include "tf_curve.h"
#include "tf_exit.h"
#include "tf_run_listen.h"

#define TF_RUN_LISTEN_SCHEME "tcp://"
#define TF_RUN_LISTEN_MODE   0700
#define TF_RUN_LISTEN_PORTS  3 //  control, service, feed

//  Split tcp://HOST[:PORT] into host (a numeric IPv4 address) and port (0: none)
static int
s_parse (const char *listen, char *host, size_t host_size, int *port, FILE *err)
{
    const char *expected = "expected tcp://HOST or tcp://HOST:PORT, HOST a numeric IPv4 "
                           "address (e.g. tcp://127.0.0.1 or tcp://10.0.0.1:5555)";
    if (strncmp (listen, TF_RUN_LISTEN_SCHEME, strlen (TF_RUN_LISTEN_SCHEME)) != 0) {
        fprintf (err, "tf: --listen '%s': %s\n", listen, expected);
        return -1;
    }
    const char *rest = listen + strlen (TF_RUN_LISTEN_SCHEME);
    const char *colon = strchr (rest, ':');
    size_t length = colon ? (size_t) (colon - rest) : strlen (rest);
    *port = 0;
    if (length == 0 || length >= host_size) {
        fprintf (err, "tf: --listen '%s': %s\n", listen, expected);
        return -1;
    }
    memcpy (host, rest, length);
    host[length] = 0;
    struct in_addr address;
    if (inet_pton (AF_INET, host, &address) != 1) {
        fprintf (err, "tf: --listen '%s': '%s' is not a numeric IPv4 address; %s\n", listen, host,
                 expected);
        return -1;
    }
    if (colon) {
        char *end = NULL;
        long value = strtol (colon + 1, &end, 10);
        if (!colon[1] || *end || value < 1 || value > 65535 - (TF_RUN_LISTEN_PORTS - 1)) {
            fprintf (err,
                     "tf: --listen '%s': PORT must be 1 to %d (service and feed take the "
                     "next two)\n",
                     listen, 65535 - (TF_RUN_LISTEN_PORTS - 1));
            return -1;
        }
        *port = (int) value;
    }
    return 0;
}

int
tf_run_listen_check (const char *listen, FILE *err)
{
    char host[INET_ADDRSTRLEN];
    int port;
    return s_parse (listen, host, sizeof host, &port, err);
}

//  A free port on host, from the kernel: bind port 0, read it back, close
static int
s_free_port (const char *host, FILE *err)
{
    int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = 0};
    inet_pton (AF_INET, host, &address.sin_addr);
    socklen_t size = sizeof address;
    int reuse = 1;
    int port = -1;
    if (fd >= 0 && setsockopt (fd, SOL_SOCKET, SO_REUSEADDR, &reuse, sizeof reuse) == 0
        && bind (fd, (struct sockaddr *) &address, sizeof address) == 0
        && getsockname (fd, (struct sockaddr *) &address, &size) == 0)
        port = ntohs (address.sin_port);
    else
        fprintf (err, "tf: --listen: cannot bind %s: %s\n", host, strerror (errno));
    if (fd >= 0)
        close (fd);
    return port;
}

//  Make keys/NAME.cert and its secret, 0600 both (they are the run's)
static int
s_make_cert (const char *keys, const char *name, FILE *err)
{
    return tf_curve_keys_new (keys, name, err);
}

int
tf_run_listen_setup (tf_run_dir_t *dir, const char *listen, const char *const *allow, FILE *err)
{
    assert (dir && dir->path && listen && err);
    char host[INET_ADDRSTRLEN];
    int port;
    if (s_parse (listen, host, sizeof host, &port, err))
        return TF_EXIT_USAGE;
    int ports[TF_RUN_LISTEN_PORTS];
    for (int index = 0; index < TF_RUN_LISTEN_PORTS; index++) {
        ports[index] = port ? port + index : s_free_port (host, err);
        if (ports[index] < 0)
            return TF_EXIT_ERROR;
    }
    char *keys = zsys_sprintf ("%s/%s", dir->path, TF_RUN_LISTEN_KEYS);
    char *allowed = zsys_sprintf ("%s/%s", dir->path, TF_RUN_LISTEN_ALLOWED);
    int rc = TF_EXIT_ERROR;
    char *actors = zsys_sprintf ("%s/%s", dir->path, TF_RUN_LISTEN_ACTORS);
    int made = mkdir (keys, TF_RUN_LISTEN_MODE) || mkdir (allowed, TF_RUN_LISTEN_MODE)
               || mkdir (actors, TF_RUN_LISTEN_MODE);
    zstr_free (&actors);
    if (made) {
        fprintf (err, "tf: cannot create %s: %s\n", allowed, strerror (errno));
        goto out;
    }
    if (s_make_cert (keys, "coordinator", err) || s_make_cert (keys, "scanner", err)
        || s_make_cert (keys, "local", err))
        goto out;
    char *local = zsys_sprintf ("%s/local.cert", keys);
    int allowed_rc = tf_curve_allow (allowed, local, err);
    zstr_free (&local);
    if (allowed_rc)
        goto out;
    for (size_t index = 0; allow && allow[index]; index++)
        if (tf_curve_allow (allowed, allow[index], err)) {
            rc = TF_EXIT_USAGE;
            goto out;
        }
    free (dir->control_ep);
    free (dir->service_ep);
    free (dir->feed_ep);
    dir->control_ep = zsys_sprintf ("tcp://%s:%d", host, ports[0]);
    dir->service_ep = zsys_sprintf ("tcp://%s:%d", host, ports[1]);
    dir->feed_ep = zsys_sprintf ("tcp://%s:%d", host, ports[2]);
    rc = 0;
out:
    zstr_free (&allowed);
    zstr_free (&keys);
    return rc;
}

//  The public key of the run's keys/NAME.cert into key
static int
s_public_key (const tf_run_dir_t *dir, const char *relative, char *key, FILE *err)
{
    char *path = zsys_sprintf ("%s/%s", dir->path, relative);
    zcert_t *cert = tf_curve_cert_load (path, true, err);
    zstr_free (&path);
    if (!cert)
        return -1;
    snprintf (key, TF_CURVE_KEY_SIZE, "%s", zcert_public_txt (cert));
    zcert_destroy (&cert);
    return 0;
}

int
tf_run_listen_write_json (const tf_run_dir_t *dir, bool curve, FILE *err)
{
    assert (dir && dir->path && dir->id && err);
    tf_curve_run_t run = {.run_id = dir->id,
                          .control = dir->control_ep,
                          .service = dir->service_ep,
                          .feed = dir->feed_ep};
    if (curve
        && (s_public_key (dir, TF_RUN_LISTEN_COORDINATOR, run.coordinator_key, err)
            || s_public_key (dir, TF_RUN_LISTEN_SCANNER, run.scanner_key, err)))
        return TF_EXIT_ERROR;
    char *path = zsys_sprintf ("%s/%s", dir->path, TF_CURVE_RUN_JSON);
    int rc = tf_curve_run_write (&run, path, err);
    zstr_free (&path);
    return rc ? TF_EXIT_ERROR : 0;
}

int
tf_run_listen_start (tf_run_dir_t *dir, const char *listen, zlist_t *allow, FILE *out, FILE *err)
{
    assert (dir && out && err);
    int rc = 0;
    if (listen) {
        size_t count = allow ? zlist_size (allow) : 0;
        const char **paths = (const char **) zmalloc ((count + 1) * sizeof (char *));
        size_t index = 0;
        for (const char *item = allow ? (const char *) zlist_first (allow) : NULL; item;
             item = (const char *) zlist_next (allow))
            paths[index++] = item;
        rc = tf_run_listen_setup (dir, listen, paths, err);
        free (paths);
    }
    if (rc == 0)
        rc = tf_run_listen_write_json (dir, listen != NULL, err);
    if (rc)
        fprintf (out, "run directory kept: %s\n", dir->path);
    else if (listen)
        fprintf (out, "listening: control %s, service %s, feed %s (run.json: %s/%s)\n",
                 dir->control_ep, dir->service_ep, dir->feed_ep, dir->path, TF_CURVE_RUN_JSON);
    return rc;
}

static void
s_setenv_path (const tf_run_dir_t *dir, tf_spawn_t *spawn, const char *name, const char *relative)
{
    char *path = zsys_sprintf ("%s/%s", dir->path, relative);
    tf_spawn_setenv (spawn, name, path);
    zstr_free (&path);
}

void
tf_run_listen_env (const tf_run_dir_t *dir, tf_spawn_t *spawn, const char *server_cert)
{
    assert (dir && spawn);
    s_setenv_path (dir, spawn, "TF_JOIN", TF_CURVE_RUN_JSON);
    s_setenv_path (dir, spawn, "TF_CERT", TF_RUN_LISTEN_LOCAL);
    s_setenv_path (dir, spawn, "TF_ALLOW_DIR", TF_RUN_LISTEN_ALLOWED);
    if (server_cert)
        s_setenv_path (dir, spawn, "TF_SERVER_CERT", server_cert);
}

int
tf_run_listen_clients (const tf_run_dir_t *dir, zsock_t *control, zsock_t *feed, zsock_t *service,
                       FILE *err)
{
    assert (dir && control && feed && service && err);
    char *cert_path = zsys_sprintf ("%s/%s", dir->path, TF_RUN_LISTEN_LOCAL);
    char *join = zsys_sprintf ("%s/%s", dir->path, TF_CURVE_RUN_JSON);
    zcert_t *cert = tf_curve_cert_load (cert_path, true, err);
    tf_curve_run_t run;
    int rc = tf_curve_run_read (&run, join, err);
    if (cert && rc == 0) {
        tf_curve_client (control, cert, run.coordinator_key);
        tf_curve_client (service, cert, run.coordinator_key);
        tf_curve_client (feed, cert, run.scanner_key);
        tf_curve_run_clear (&run);
    }
    else
        rc = -1;
    zcert_destroy (&cert);
    zstr_free (&join);
    zstr_free (&cert_path);
    return rc;
}

int
tf_run_listen_actor_cert (const tf_run_dir_t *dir, tf_spawn_t *spawn, const char *name, FILE *err)
{
    assert (dir && spawn && name && err);
    char *actors = zsys_sprintf ("%s/%s", dir->path, TF_RUN_LISTEN_ACTORS);
    char *file = strdup (name); //  A plain file name, whatever the actor's name holds
    for (char *cursor = file; *cursor; cursor++)
        if (!isalnum ((unsigned char) *cursor) && !strchr ("-_", *cursor))
            *cursor = '_';
    char *public_path = zsys_sprintf ("%s/%s.cert", actors, file);
    char *secret_path = zsys_sprintf ("%s/%s.cert_secret", actors, file);
    char *allowed = zsys_sprintf ("%s/%s", dir->path, TF_RUN_LISTEN_ALLOWED);
    int rc = tf_curve_keys_new (actors, file, err);
    if (rc == 0)
        rc = tf_curve_allow (allowed, public_path, err);
    if (rc == 0)
        tf_spawn_setenv (spawn, "TF_CERT", secret_path);
    else
        fprintf (err, "tf: cannot make the certificate of actor %s\n", name);
    zstr_free (&allowed);
    zstr_free (&secret_path);
    zstr_free (&public_path);
    free (file);
    zstr_free (&actors);
    return rc;
}
