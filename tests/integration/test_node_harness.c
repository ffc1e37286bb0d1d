//  test_node_harness.c - runs real tf-node processes on loopback for the node's integration tests
#include <arpa/inet.h>
#include <assert.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "test_node_harness.h"

extern char **environ;

#define NH_HTTP_TIMEOUT_MS 10000 //  Longest single request

int64_t
nh_now_ms (void)
{
    struct timespec now;
    clock_gettime (CLOCK_MONOTONIC, &now);
    return (int64_t) now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

void
nh_pause (void)
{
    struct timespec pause = {0, NH_POLL_MS * 1000000L};
    nanosleep (&pause, NULL);
}

#define PORT_LOW  20000 //  Ports handed to nodes: [PORT_LOW, PORT_HIGH)
#define PORT_HIGH 32000

//  Sockets held open until every port is chosen, so no port is handed out twice
static int s_held[1024];
static size_t s_nheld;

static int
s_free_port (void)
{
    //  Below the kernel's ephemeral range (32768 and up by default), so no outgoing
    //  connection takes the port between now and the node's bind; random, so tests running
    //  in parallel rarely try the same one
    static unsigned seed;
    if (!seed)
        seed = (unsigned) getpid () ^ (unsigned) time (NULL);
    for (int attempt = 0; attempt < 1000; attempt++) {
        int port = PORT_LOW + (int) (rand_r (&seed) % (PORT_HIGH - PORT_LOW));
        int fd = socket (AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in addr = {0};
        addr.sin_family = AF_INET;
        addr.sin_port = htons ((uint16_t) port);
        addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
        if (fd >= 0 && bind (fd, (struct sockaddr *) &addr, sizeof addr) == 0
            && s_nheld < sizeof s_held / sizeof s_held[0]) {
            s_held[s_nheld++] = fd;
            return port;
        }
        if (fd >= 0)
            close (fd);
    }
    return -1;
}

//  Release the sockets behind the chosen ports
static void
s_release_ports (void)
{
    while (s_nheld)
        close (s_held[--s_nheld]);
}

static void
s_seed (uint8_t seed[32], uint8_t kind, size_t index)
{
    memset (seed, 0, 32);
    seed[0] = kind;
    seed[1] = (uint8_t) index;
    seed[2] = (uint8_t) (getpid () & 0xff); //  Distinct identities across test runs
}

//  Genesis: one stake note per node, NH_WALLET_NOTES wallet notes; note ids derived the
//  documented way (hash with zeroed locked ids, then note id of each output)
static json_t *
s_genesis (nh_cluster_t *self)
{
    char hex[65];
    json_t *outputs = json_array ();
    json_t *ops = json_array ();
    json_t *proofs = json_array ();
    for (size_t index = 0; index < self->count; index++) {
        json_array_append_new (outputs,
                               json_pack ("{s:i, s:s}", "value", 100, "pk",
                                          tf_node_hash_hex (&self->nodes[index].leader.pk, hex)));
        char locator[64];
        snprintf (locator, sizeof locator, "/ip4/127.0.0.1/tcp/%d", self->nodes[index].p2p_port);
        json_t *payload = json_pack (
            "{s:s, s:[s], s:s, s:s, s:s}", "service_type", "BN", "locators", locator, "provider_id",
            hex, "zk_id", "0000000000000000000000000000000000000000000000000000000000000000",
            "locked_note_id", "0000000000000000000000000000000000000000000000000000000000000000");
        if (index + self->executors >= self->count)
            json_array_append_new (json_object_get (payload, "locators"),
                                   json_string (TF_NODE_EXECUTOR_LOCATOR));
        json_object_set_new (payload, "provider_id",
                             json_string (tf_node_hash_hex (&self->nodes[index].leader.pk, hex)));
        json_array_append_new (ops, json_pack ("{s:i, s:o}", "opcode", 32, "payload", payload));
        json_array_append_new (proofs, json_string ("NoProof"));
    }
    for (size_t index = 0; index < NH_WALLET_NOTES; index++)
        json_array_append_new (outputs, json_pack ("{s:i, s:s}", "value", NH_WALLET_VALUE, "pk",
                                                   tf_node_hash_hex (&self->wallet.pk, hex)));
    json_t *genesis =
        json_pack ("{s:{s:o, s:{s:[], s:o}, s:i, s:i}, s:o, s:{s:[]}}", "mantle_tx", "ops", ops,
                   "ledger_tx", "inputs", "outputs", outputs, "execution_gas_price", 0,
                   "storage_gas_price", 0, "ops_proofs", proofs, "ledger_tx_proof", "Ed25519Sigs");
    char error[200];
    tf_node_tx_t *tx = tf_node_tx_new (genesis, 1, error, sizeof error);
    assert (tx);
    for (size_t index = 0; index < tx->noutputs; index++) {
        tf_node_hash_t note_id;
        tf_node_note_id (&tx->hash, index, &tx->outputs[index], &note_id);
        if (index < self->count) {
            json_t *payload = json_object_get (json_array_get (ops, index), "payload");
            json_object_set_new (payload, "locked_note_id", tf_node_json_hash (&note_id));
        }
        else
            self->notes[index - self->count] = note_id;
    }
    tf_node_tx_destroy (&tx);
    return genesis;
}

nh_cluster_t *
nh_cluster_new (size_t count, const nh_options_t *options)
{
    assert (count <= NH_MAX_NODES);
    curl_global_init (CURL_GLOBAL_DEFAULT);
    tf_node_crypto_init ();
    nh_cluster_t *self = calloc (1, sizeof *self);
    assert (self);
    self->executors = options->executors > 0 ? (size_t) options->executors : 0;
    const char *tmp = getenv ("TMPDIR");
    snprintf (self->root, sizeof self->root, "%s/tf-node-test-XXXXXX", tmp ? tmp : "/tmp");
    if (!mkdtemp (self->root)) {
        free (self);
        return NULL;
    }
    const char *bin_dir = getenv ("TF_BIN_DIR");
    snprintf (self->bin, sizeof self->bin, "%s/tf-node", bin_dir ? bin_dir : ".");
    self->count = count;
    uint8_t seed[32];
    s_seed (seed, 0xee, 0);
    tf_node_key_from_seed (seed, &self->wallet);
    for (size_t index = 0; index < count; index++) {
        nh_node_t *node = &self->nodes[index];
        node->api_port = s_free_port ();
        node->testing_port = s_free_port ();
        node->p2p_port = s_free_port ();
        s_seed (seed, 0xaa, index);
        tf_node_key_from_seed (seed, &node->node_key);
        s_seed (seed, 0xbb, index);
        tf_node_key_from_seed (seed, &node->leader);
        tf_node_peer_id (&node->node_key.pk, node->peer_id);
        snprintf (node->dir, sizeof node->dir, "%s/node-%zu", self->root, index);
        mkdir (node->dir, 0755);
    }
    s_release_ports ();

    //  deployment.yaml: JSON is YAML, so the genesis tx goes in as a flow mapping
    char path[600];
    snprintf (path, sizeof path, "%s/deployment.yaml", self->root);
    FILE *file = fopen (path, "w");
    assert (file);
    struct timeval now;
    gettimeofday (&now, NULL);
    struct tm parts;
    gmtime_r (&now.tv_sec, &parts);
    char stamp[64];
    strftime (stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", &parts);
    json_t *genesis = s_genesis (self);
    char *genesis_text = json_dumps (genesis, JSON_COMPACT);
    fprintf (file,
             "time:\n  slot_duration: %dms\n  chain_start_time: %s.%06ld +00:00:00\n"
             "cryptarchia:\n  security_param: %d\n  active_slot_coeff: %g\n"
             "  genesis_state: %s\n",
             options->slot_ms, stamp, (long) now.tv_usec, options->security_param,
             options->active_slot_coeff, genesis_text);
    free (genesis_text);
    json_decref (genesis);
    fclose (file);

    //  node.yaml per node: each dials every lower-index node
    for (size_t index = 0; index < count; index++) {
        nh_node_t *node = &self->nodes[index];
        char hex[65], leader_hex[65];
        snprintf (path, sizeof path, "%s/node.yaml", node->dir);
        file = fopen (path, "w");
        assert (file);
        tf_node_hex_encode (node->node_key.sk, 32, hex);
        tf_node_hex_encode (node->leader.sk, 32, leader_hex);
        fprintf (file,
                 "http:\n  backend_settings:\n    address: 127.0.0.1:%d\n"
                 "testing_http:\n  backend_settings:\n    address: 127.0.0.1:%d\n"
                 "network:\n  backend:\n    swarm:\n      host: 127.0.0.1\n      port: %d\n"
                 "      node_key: %s\n    initial_peers:\n",
                 node->api_port, node->testing_port, node->p2p_port, hex);
        for (size_t peer = 0; peer < index; peer++)
            fprintf (file, "      - /ip4/127.0.0.1/tcp/%d/p2p/%s\n", self->nodes[peer].p2p_port,
                     self->nodes[peer].peer_id);
        char wallet_hex[65];
        tf_node_hex_encode (self->wallet.sk, 32, wallet_hex);
        fprintf (file,
                 "cryptarchia:\n  service:\n    bootstrap:\n      prolonged_bootstrap_period: "
                 "{secs: 1, nanos: 0}\n"
                 "storage:\n  db_path: ./db\n"
                 "key_management:\n  keys:\n    leader: !Ed25519 %s\n    wallet: !Ed25519 %s\n"
                 "tracing:\n  logger: Stderr\n  level: INFO\n",
                 leader_hex, wallet_hex);
        fclose (file);
    }
    return self;
}

void
nh_cluster_destroy (nh_cluster_t **self_p)
{
    nh_cluster_t *self = *self_p;
    if (!self)
        return;
    for (size_t index = 0; index < self->count; index++)
        if (self->nodes[index].pid > 0)
            nh_kill (self, index, SIGKILL);
    if (!getenv ("TF_NODE_TEST_KEEP")) {
        char command[600];
        snprintf (command, sizeof command, "rm -rf '%s'", self->root);
        if (system (command) != 0)
            fprintf (stderr, "harness: could not remove %s\n", self->root);
    }
    free (self);
    *self_p = NULL;
    curl_global_cleanup ();
}

int
nh_start (nh_cluster_t *self, size_t index)
{
    nh_node_t *node = &self->nodes[index];
    char config[600], deployment[600], log[600];
    snprintf (config, sizeof config, "%s/node.yaml", node->dir);
    snprintf (deployment, sizeof deployment, "%s/deployment.yaml", self->root);
    snprintf (log, sizeof log, "%s/node.log", node->dir);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init (&actions);
    posix_spawn_file_actions_addopen (&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2 (&actions, 1, 2);
    posix_spawn_file_actions_addopen (&actions, 0, "/dev/null", O_RDONLY, 0);
    char *argv[] = {self->bin, config, "--deployment", deployment, NULL};
    int rc = posix_spawn (&node->pid, self->bin, &actions, NULL, argv, environ);
    posix_spawn_file_actions_destroy (&actions);
    if (rc) {
        node->pid = 0;
        fprintf (stderr, "harness: spawn %s failed: %s\n", self->bin, strerror (rc));
        return -1;
    }
    return 0;
}

int
nh_kill (nh_cluster_t *self, size_t index, int signum)
{
    nh_node_t *node = &self->nodes[index];
    if (node->pid <= 0)
        return -1;
    kill (node->pid, signum);
    int status = -1;
    while (waitpid (node->pid, &status, 0) < 0 && errno == EINTR)
        ;
    node->pid = 0;
    return status;
}

int
nh_stop (nh_cluster_t *self, size_t index, int timeout_ms)
{
    nh_node_t *node = &self->nodes[index];
    if (node->pid <= 0)
        return -1;
    kill (node->pid, SIGTERM);
    int64_t deadline = nh_now_ms () + timeout_ms;
    int status = -1;
    while (nh_now_ms () < deadline) {
        if (waitpid (node->pid, &status, WNOHANG) == node->pid) {
            node->pid = 0;
            return WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status);
        }
        nh_pause ();
    }
    nh_kill (self, index, SIGKILL);
    return -1;
}

int
nh_alive (nh_cluster_t *self, size_t index)
{
    nh_node_t *node = &self->nodes[index];
    if (node->pid <= 0)
        return 0;
    int status;
    if (waitpid (node->pid, &status, WNOHANG) == node->pid) {
        node->pid = 0;
        return 0;
    }
    return 1;
}

typedef struct {
    char *data;  //  Body so far
    size_t size; //  Its length
} sink_t;

static size_t
s_sink (char *data, size_t size, size_t count, void *arg)
{
    sink_t *sink = arg;
    sink->data = realloc (sink->data, sink->size + size * count + 1);
    assert (sink->data);
    memcpy (sink->data + sink->size, data, size * count);
    sink->size += size * count;
    sink->data[sink->size] = 0;
    return size * count;
}

long
nh_http (nh_cluster_t *self, size_t index, int testing, const char *method, const char *path,
         const char *content_type, const char *data, size_t size, char **body)
{
    nh_node_t *node = &self->nodes[index];
    char url[512];
    snprintf (url, sizeof url, "http://127.0.0.1:%d%s",
              testing ? node->testing_port : node->api_port, path);
    CURL *curl = curl_easy_init ();
    assert (curl);
    sink_t sink = {NULL, 0};
    struct curl_slist *headers = NULL;
    if (content_type) {
        char header[256];
        snprintf (header, sizeof header, "Content-Type: %s", content_type);
        headers = curl_slist_append (headers, header);
    }
    headers = curl_slist_append (headers, "Expect:");
    curl_easy_setopt (curl, CURLOPT_URL, url);
    curl_easy_setopt (curl, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt (curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt (curl, CURLOPT_TIMEOUT_MS, (long) NH_HTTP_TIMEOUT_MS);
    curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, s_sink);
    curl_easy_setopt (curl, CURLOPT_WRITEDATA, &sink);
    if (data) {
        curl_easy_setopt (curl, CURLOPT_POSTFIELDS, data);
        curl_easy_setopt (curl, CURLOPT_POSTFIELDSIZE, (long) size);
    }
    long status = -1;
    if (curl_easy_perform (curl) == CURLE_OK)
        curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all (headers);
    curl_easy_cleanup (curl);
    if (body)
        *body = sink.data ? sink.data : strdup ("");
    else
        free (sink.data);
    return status;
}

//  What a line reader collected
typedef struct {
    sink_t sink; //  Received bytes
    int lines;   //  Complete lines seen
    int want;    //  Stop after this many
} s_lines_t;

static size_t
s_line_sink (char *data, size_t size, size_t count, void *arg)
{
    s_lines_t *reader = arg;
    s_sink (data, size, count, &reader->sink);
    for (size_t index = 0; index < size * count; index++)
        reader->lines += data[index] == '\n';
    return reader->lines >= reader->want ? 0 : size * count; //  0 aborts the transfer
}

char *
nh_read_lines (nh_cluster_t *self, size_t index, const char *path, int want, int timeout_ms)
{
    char url[512];
    snprintf (url, sizeof url, "http://127.0.0.1:%d%s", self->nodes[index].api_port, path);
    CURL *curl = curl_easy_init ();
    assert (curl);
    s_lines_t reader = {{NULL, 0}, 0, want};
    curl_easy_setopt (curl, CURLOPT_URL, url);
    curl_easy_setopt (curl, CURLOPT_TIMEOUT_MS, (long) timeout_ms);
    curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, s_line_sink);
    curl_easy_setopt (curl, CURLOPT_WRITEDATA, &reader);
    CURLcode rc = curl_easy_perform (curl);
    curl_easy_cleanup (curl);
    if (rc != CURLE_WRITE_ERROR || reader.lines < want) { //  We hang up after enough lines
        free (reader.sink.data);
        return NULL;
    }
    return reader.sink.data;
}

json_t *
nh_get (nh_cluster_t *self, size_t index, const char *path)
{
    return nh_get_on (self, index, 0, path);
}

json_t *
nh_get_on (nh_cluster_t *self, size_t index, int testing, const char *path)
{
    char *body = NULL;
    long status = nh_http (self, index, testing, "GET", path, NULL, NULL, 0, &body);
    json_t *json = status >= 200 && status < 300 ? json_loads (body, JSON_DECODE_ANY, NULL) : NULL;
    free (body);
    return json;
}

json_t *
nh_post (nh_cluster_t *self, size_t index, int testing, const char *path, const char *json_text)
{
    char *body = NULL;
    long status = nh_http (self, index, testing, "POST", path, "application/json", json_text,
                           strlen (json_text), &body);
    json_t *json = status >= 200 && status < 300 ? json_loads (body, JSON_DECODE_ANY, NULL) : NULL;
    free (body);
    return json;
}

int64_t
nh_info_int (nh_cluster_t *self, size_t index, const char *field)
{
    json_t *info = nh_get (self, index, "/cryptarchia/info");
    json_t *value = json_object_get (info, field);
    int64_t result = json_is_integer (value) ? (int64_t) json_integer_value (value) : -1;
    json_decref (info);
    return result;
}

int
nh_info_str (nh_cluster_t *self, size_t index, const char *field, char *out)
{
    json_t *info = nh_get (self, index, "/cryptarchia/info");
    const char *value = json_string_value (json_object_get (info, field));
    int rc = -1;
    if (value && strlen (value) == 64) {
        memcpy (out, value, 65);
        rc = 0;
    }
    json_decref (info);
    return rc;
}

int
nh_info_tip (nh_cluster_t *self, size_t index, char tip[65], int64_t *height_p)
{
    json_t *info = nh_get (self, index, "/cryptarchia/info");
    const char *value = json_string_value (json_object_get (info, "tip"));
    json_t *height = json_object_get (info, "height");
    int rc = -1;
    if (value && strlen (value) == 64 && json_is_integer (height)) {
        memcpy (tip, value, 65);
        *height_p = (int64_t) json_integer_value (height);
        rc = 0;
    }
    json_decref (info);
    return rc;
}

int64_t
nh_metric (nh_cluster_t *self, size_t index, const char *name)
{
    char *body = NULL;
    int64_t value = -1;
    if (nh_http (self, index, 0, "GET", "/metrics", NULL, NULL, 0, &body) == 200) {
        size_t length = strlen (name);
        for (char *line = body; line && *line;
             line = strchr (line, '\n') ? strchr (line, '\n') + 1 : NULL)
            if (strncmp (line, name, length) == 0 && line[length] == ' ') {
                value = strtoll (line + length + 1, NULL, 10);
                break;
            }
    }
    free (body);
    return value;
}

int
nh_wait_ready (nh_cluster_t *self, size_t index, int timeout_ms)
{
    int ready;
    NH_WAIT (ready, nh_info_int (self, index, "height") >= 0 || !nh_alive (self, index),
             timeout_ms);
    return ready && nh_alive (self, index) ? 0 : -1;
}

tf_node_tx_t *
nh_transfer (nh_cluster_t *self, size_t note, const tf_node_hash_t *pk)
{
    const tf_node_key_t *keys[1] = {&self->wallet};
    tf_node_output_t output = {NH_WALLET_VALUE, *pk};
    return tf_node_tx_new_transfer (&self->notes[note], keys, 1, &output, 1);
}

int
nh_chain_contains (nh_cluster_t *self, size_t index, const char *text, int max_blocks)
{
    char id[65];
    if (nh_info_str (self, index, "tip", id))
        return 0;
    int found = 0;
    for (int count = 0; count < max_blocks && !found; count++) {
        char request[96], *body = NULL;
        snprintf (request, sizeof request, "\"%s\"", id);
        long status = nh_http (self, index, 0, "POST", "/storage/block", "application/json",
                               request, strlen (request), &body);
        json_t *block = status == 200 ? json_loads (body, JSON_DECODE_ANY, NULL) : NULL;
        found = body && strstr (body, text) != NULL;
        free (body);
        const char *parent =
            json_string_value (json_object_get (json_object_get (block, "header"), "parent_block"));
        int more = parent && strspn (parent, "0") != strlen (parent);
        if (more)
            snprintf (id, sizeof id, "%s", parent);
        json_decref (block);
        if (!more)
            break;
    }
    return found;
}

void
nh_dump_log (nh_cluster_t *self, size_t index)
{
    char command[700];
    snprintf (command, sizeof command, "tail -n 30 '%s/node.log' >&2", self->nodes[index].dir);
    if (system (command) != 0)
        fprintf (stderr, "harness: no log for node %zu\n", index);
}

nh_cluster_t *
nh_cluster_start (size_t count, const nh_options_t *options, int timeout_ms)
{
    for (int attempt = 0; attempt < NH_START_ATTEMPTS; attempt++) {
        nh_cluster_t *self = nh_cluster_new (count, options);
        if (!self)
            return NULL;
        int ok = 1;
        for (size_t index = 0; index < count && ok; index++)
            ok = nh_start (self, index) == 0;
        for (size_t index = 0; index < count && ok; index++)
            ok = nh_wait_ready (self, index, timeout_ms) == 0;
        if (ok)
            return self;
        //  Most likely a port taken meanwhile by another test: start over on new ports
        for (size_t index = 0; index < count; index++)
            nh_dump_log (self, index);
        nh_cluster_destroy (&self);
    }
    return NULL;
}
