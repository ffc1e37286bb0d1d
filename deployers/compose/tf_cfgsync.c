//  tf_cfgsync.c - the config service of compose runs and its client (see tf_cfgsync.h)
//
//  The client speaks plain HTTP/1.0 over a socket to an IPv4 literal: the
//  server is always at the run network's fixed address, and a library for
//  it would put more files in the image than the whole client is.

#define _GNU_SOURCE //  strdup, usleep under -std=c11
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <microhttpd.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include "tf_cfgsync.h"

#define S_PREFIX       "/config/"
#define S_REQUEST_MAX  512
#define S_MS_PER_S     1000
#define S_NS_PER_MS    1000000
#define S_HTTP_OK      200
#define S_HTTP_MISSING 404

static volatile sig_atomic_t s_stop = 0;

//  One line on stderr, prefixed with the program's name
static void s_log (const char *format, ...) __attribute__ ((format (printf, 1, 2)));

static void
s_log (const char *format, ...)
{
    va_list args;
    va_start (args, format);
    fprintf (stderr, "tf-cfgsync: ");
    vfprintf (stderr, format, args);
    fputc ('\n', stderr);
    va_end (args);
}

//  Monotonic milliseconds
static int64_t
s_now_ms (void)
{
    struct timespec now;
    clock_gettime (CLOCK_MONOTONIC, &now);
    return (int64_t) now.tv_sec * S_MS_PER_S + now.tv_nsec / S_NS_PER_MS;
}

//  Is name a plain name: letters, digits, '-', '_', '.', not starting with '.'?
static bool
s_plain_name (const char *name, size_t length)
{
    if (length == 0 || length >= TF_CFGSYNC_NAME_MAX || name[0] == '.')
        return false;
    for (size_t at = 0; at < length; at++)
        if (!isalnum ((unsigned char) name[at]) && name[at] != '-' && name[at] != '_'
            && name[at] != '.')
            return false;
    return true;
}

//  Read a whole file (at most TF_CFGSYNC_FILE_MAX); NULL when it cannot be read
static char *
s_read_file (const char *path, size_t *size_p)
{
    int fd = open (path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    char *data = (char *) malloc (TF_CFGSYNC_FILE_MAX + 1);
    size_t size = 0;
    ssize_t got;
    while (data && size < TF_CFGSYNC_FILE_MAX
           && (got = read (fd, data + size, TF_CFGSYNC_FILE_MAX - size)) > 0)
        size += (size_t) got;
    close (fd);
    *size_p = size;
    return data;
}


//  ---------------------------------------------------------------------------
//  Server

//  Queue a response of text (copied)
static enum MHD_Result
s_answer (struct MHD_Connection *connection, unsigned int status, const char *text, size_t size)
{
    struct MHD_Response *response =
        MHD_create_response_from_buffer (size, (void *) text, MHD_RESPMEM_MUST_COPY);
    MHD_add_response_header (response, MHD_HTTP_HEADER_CONTENT_TYPE,
                             status == S_HTTP_OK ? "application/yaml" : "text/plain");
    enum MHD_Result rc = MHD_queue_response (connection, status, response);
    MHD_destroy_response (response);
    return rc;
}

//  Answer one request: GET /config/<id>/<file> or /health
static enum MHD_Result
s_access (void *cls, struct MHD_Connection *connection, const char *url, const char *method,
          const char *version, const char *upload_data, size_t *upload_size, void **con_cls)
{
    const char *dir = (const char *) cls;
    char text[S_REQUEST_MAX];
    if (strcmp (method, "GET") != 0)
        return s_answer (connection, MHD_HTTP_METHOD_NOT_ALLOWED, "GET only\n", 9);
    if (strcmp (url, "/health") == 0)
        return s_answer (connection, S_HTTP_OK, "ok\n", 3);
    const char *id =
        strncmp (url, S_PREFIX, strlen (S_PREFIX)) == 0 ? url + strlen (S_PREFIX) : NULL;
    const char *slash = id ? strchr (id, '/') : NULL;
    if (!slash || !s_plain_name (id, (size_t) (slash - id))
        || !s_plain_name (slash + 1, strlen (slash + 1))) {
        int length =
            snprintf (text, sizeof text, "expected /config/<id>/<file>, got '%.200s'\n", url);
        return s_answer (connection, MHD_HTTP_BAD_REQUEST, text, (size_t) length);
    }
    char path[PATH_MAX];
    struct stat info;
    snprintf (path, sizeof path, "%s/%.*s/config", dir, (int) (slash - id), id);
    if (stat (path, &info) != 0 || !S_ISDIR (info.st_mode)) {
        int length = snprintf (text, sizeof text, "unknown node identifier '%.*s'\n",
                               (int) (slash - id), id);
        s_log ("unknown identifier requested: %.*s", (int) (slash - id), id);
        return s_answer (connection, S_HTTP_MISSING, text, (size_t) length);
    }
    snprintf (path, sizeof path, "%s/%.*s/config/%s", dir, (int) (slash - id), id, slash + 1);
    size_t size = 0;
    char *data = s_read_file (path, &size);
    if (!data) {
        int length = snprintf (text, sizeof text, "node '%.*s' has no config file '%s'\n",
                               (int) (slash - id), id, slash + 1);
        return s_answer (connection, S_HTTP_MISSING, text, (size_t) length);
    }
    s_log ("served %.*s/%s bytes=%zu", (int) (slash - id), id, slash + 1, size);
    enum MHD_Result rc = s_answer (connection, S_HTTP_OK, data, size);
    free (data);
    return rc;
}

static void
s_on_signal (int signal_number)
{
    (void) signal_number;
    s_stop = 1;
}

int
tf_cfgsync_serve (const char *dir, const char *host, uint16_t port)
{
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons (port)};
    if (inet_pton (AF_INET, host, &address.sin_addr) != 1) {
        s_log ("--listen: expected an IPv4 address, got '%s'", host);
        return TF_CFGSYNC_EXIT_UNKNOWN;
    }
    struct MHD_Daemon *daemon =
        MHD_start_daemon (MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL, port, NULL, NULL,
                          s_access, (void *) dir, MHD_OPTION_SOCK_ADDR, &address, MHD_OPTION_END);
    if (!daemon) {
        s_log ("cannot listen on %s:%u: %s", host, port, strerror (errno));
        return TF_CFGSYNC_EXIT_FAILED;
    }
    signal (SIGTERM, s_on_signal);
    signal (SIGINT, s_on_signal);
    s_log ("serving %s on %s:%u", dir, host, port);
    while (!s_stop)
        pause ();
    MHD_stop_daemon (daemon);
    s_log ("stopped");
    return 0;
}


//  ---------------------------------------------------------------------------
//  Client

//  One GET; *status_p the HTTP status (0: no answer), *body_p the body
//  (caller frees). 0 when an answer came, -1 when none did.
static int
s_get (const struct sockaddr_in *address, const char *host, const char *path, int *status_p,
       char **body_p, size_t *size_p)
{
    int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect (fd, (const struct sockaddr *) address, sizeof *address)) {
        if (fd >= 0)
            close (fd);
        return -1;
    }
    char request[S_REQUEST_MAX];
    int length =
        snprintf (request, sizeof request, "GET %s HTTP/1.0\r\nHost: %s\r\n\r\n", path, host);
    if (write (fd, request, (size_t) length) != length) {
        close (fd);
        return -1;
    }
    size_t capacity = TF_CFGSYNC_FILE_MAX + S_REQUEST_MAX, size = 0;
    char *answer = (char *) malloc (capacity + 1);
    ssize_t got;
    while (answer && size < capacity && (got = read (fd, answer + size, capacity - size)) > 0)
        size += (size_t) got;
    close (fd);
    if (!answer)
        return -1;
    answer[size] = 0;
    char *body = strstr (answer, "\r\n\r\n");
    int status = 0;
    if (!body || sscanf (answer, "HTTP/%*d.%*d %d", &status) != 1) {
        free (answer);
        return -1;
    }
    body += 4;
    *size_p = size - (size_t) (body - answer);
    *body_p = (char *) malloc (*size_p + 1);
    memcpy (*body_p, body, *size_p + 1);
    *status_p = status;
    free (answer);
    return 0;
}

int
tf_cfgsync_fetch (const char *base_url, const char *id, const char *out_dir, char *const files[],
                  int64_t wait_ms)
{
    char host[64];
    unsigned port = 0;
    struct sockaddr_in address = {.sin_family = AF_INET};
    if (sscanf (base_url, "http://%63[0-9.]:%u", host, &port) != 2 || port == 0 || port > 65535
        || inet_pton (AF_INET, host, &address.sin_addr) != 1) {
        s_log ("--url: expected http://IPV4:PORT, got '%s'", base_url);
        return TF_CFGSYNC_EXIT_FAILED;
    }
    address.sin_port = htons ((uint16_t) port);
    int64_t deadline = s_now_ms () + wait_ms;
    for (size_t index = 0; files[index]; index++) {
        char path[S_REQUEST_MAX];
        snprintf (path, sizeof path, "%s%s/%s", S_PREFIX, id, files[index]);
        int status = 0;
        char *body = NULL;
        size_t size = 0;
        while (s_get (&address, host, path, &status, &body, &size) != 0) {
            if (s_now_ms () >= deadline) {
                s_log ("no answer from %s within %lld ms (for %s of node %s)", base_url,
                       (long long) wait_ms, files[index], id);
                return TF_CFGSYNC_EXIT_FAILED;
            }
            usleep (TF_CFGSYNC_RETRY_MS * S_MS_PER_S);
        }
        if (status != S_HTTP_OK) {
            s_log ("%s%s: HTTP %d: %s", base_url, path, status, body);
            free (body);
            return status == S_HTTP_MISSING ? TF_CFGSYNC_EXIT_UNKNOWN : TF_CFGSYNC_EXIT_FAILED;
        }
        char out_path[PATH_MAX];
        snprintf (out_path, sizeof out_path, "%s/%s", out_dir, files[index]);
        mkdir (out_dir, 0755);
        int fd = open (out_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        bool written = fd >= 0 && write (fd, body, size) == (ssize_t) size;
        if (fd >= 0)
            close (fd);
        free (body);
        if (!written) {
            s_log ("cannot write %s: %s", out_path, strerror (errno));
            return TF_CFGSYNC_EXIT_FAILED;
        }
        s_log ("fetched %s for node %s bytes=%zu", files[index], id, size);
    }
    return 0;
}


//  ---------------------------------------------------------------------------
//  The program

static void
s_usage (FILE *out)
{
    fprintf (out,
             "Usage: tf-cfgsync serve --dir DIR [--listen IP:PORT]\n"
             "       tf-cfgsync fetch --url http://IP:PORT --id ID --out DIR --file NAME...\n"
             "                        [--wait-ms MS] [-- COMMAND ARGS...]\n"
             "The config service of compose runs. serve answers GET /config/<id>/<file> with\n"
             "DIR/<id>/config/<file> (404 for an unknown identifier) and /health. fetch gets\n"
             "each --file for --id into --out (retrying up to --wait-ms, default %d, while\n"
             "the server is not up), then executes COMMAND in its place.\n"
             "Exit codes: 0 done, %d unknown identifier or file (or usage), %d no answer or\n"
             "a file cannot be written.\n",
             TF_CFGSYNC_WAIT_MS, TF_CFGSYNC_EXIT_UNKNOWN, TF_CFGSYNC_EXIT_FAILED);
}

int
tf_cfgsync_main (int argc, char **argv)
{
    if (argc < 2 || strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0) {
        s_usage (argc < 2 ? stderr : stdout);
        return argc < 2 ? TF_CFGSYNC_EXIT_UNKNOWN : 0;
    }
    bool serve = strcmp (argv[1], "serve") == 0;
    if (!serve && strcmp (argv[1], "fetch") != 0) {
        s_log ("unknown command '%s' (serve or fetch; try --help)", argv[1]);
        return TF_CFGSYNC_EXIT_UNKNOWN;
    }
    static const struct option options[] = {
        {"dir", required_argument, NULL, 'd'},
        {"listen", required_argument, NULL, 'l'},
        {"url", required_argument, NULL, 'u'},
        {"id", required_argument, NULL, 'i'},
        {"out", required_argument, NULL, 'o'},
        {"file", required_argument, NULL, 'f'},
        {"wait-ms", required_argument, NULL, 'w'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *dir = NULL, *listen = "0.0.0.0", *url = NULL, *id = NULL, *out = NULL;
    char **files = (char **) calloc ((size_t) argc + 1, sizeof (char *));
    size_t file_count = 0;
    long wait_ms = TF_CFGSYNC_WAIT_MS;
    int rc = TF_CFGSYNC_EXIT_UNKNOWN;
    int option;
    optind = 2;
    while ((option = getopt_long (argc, argv, "+h", options, NULL)) != -1) {
        switch (option) {
            case 'd':
                dir = optarg;
                break;
            case 'l':
                listen = optarg;
                break;
            case 'u':
                url = optarg;
                break;
            case 'i':
                id = optarg;
                break;
            case 'o':
                out = optarg;
                break;
            case 'f':
                files[file_count++] = optarg;
                break;
            case 'w':
                wait_ms = strtol (optarg, NULL, 10);
                break;
            case 'h':
                s_usage (stdout);
                rc = 0;
                goto out;
            default:
                s_log ("try --help");
                goto out;
        }
    }
    if (serve) {
        char host[64];
        unsigned port = TF_CFGSYNC_PORT;
        if (!dir || sscanf (listen, "%63[0-9.]:%u", host, &port) < 1 || port > 65535) {
            s_log ("serve needs --dir DIR and --listen IP[:PORT] (try --help)");
            goto out;
        }
        rc = tf_cfgsync_serve (dir, host, (uint16_t) port);
        goto out;
    }
    if (!url || !id || !out || file_count == 0 || wait_ms < 0) {
        s_log ("fetch needs --url, --id, --out and at least one --file (try --help)");
        goto out;
    }
    if (!s_plain_name (id, strlen (id))) {
        s_log ("--id: expected letters, digits, '-', '_' or '.', got '%s'", id);
        goto out;
    }
    rc = tf_cfgsync_fetch (url, id, out, files, wait_ms);
    if (rc == 0 && optind < argc) {
        execvp (argv[optind], argv + optind);
        s_log ("cannot run %s: %s", argv[optind], strerror (errno));
        rc = TF_CFGSYNC_EXIT_FAILED;
    }
out:
    free (files);
    return rc;
}
