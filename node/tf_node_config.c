//  tf_node_config.c - node.yaml and deployment.yaml: the keys tf-node reads
//
//  YAML is loaded into a JSON tree first (libyaml's document API), so the genesis tx can
//  go straight to the tx parser. Tags become: a tagged scalar -> {"!tag": T, "value": V};
//  a tagged mapping gains a "!tag" member.
#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <yaml.h>
#include "tf_node_config.h"
#include "tf_node_log.h"

#define TF_NODE_TAG_KEY              "!tag"
#define TF_NODE_DEFAULT_BOOTSTRAP_US 1000000
#define TF_NODE_MAX_SEGMENTS         8
#define TF_NODE_DEFAULT_MEMPOOL_CAP  20000

//  Parsing context: which file, where to put the error
typedef struct {
    const char *file;  //  File being read
    char *error;       //  Error buffer
    size_t error_size; //  Its size
    int failed;        //  An error was written
} ctx_t;

static void s_fail (ctx_t *ctx, const char *path, const char *format, ...)
    __attribute__ ((format (printf, 3, 4)));

static void
s_fail (ctx_t *ctx, const char *path, const char *format, ...)
{
    if (ctx->failed)
        return; //  Keep the first error
    ctx->failed = 1;
    char what[256];
    va_list args;
    va_start (args, format);
    vsnprintf (what, sizeof what, format, args);
    va_end (args);
    snprintf (ctx->error, ctx->error_size, "%s: %s: %s", ctx->file, path, what);
}

//  Follow a dotted path through objects; NULL if any step is missing.
static json_t *
s_get (json_t *root, const char *path)
{
    char copy[256];
    snprintf (copy, sizeof copy, "%s", path);
    json_t *node = root;
    char *saveptr = NULL;
    for (char *step = strtok_r (copy, ".", &saveptr); step && node;
         step = strtok_r (NULL, ".", &saveptr))
        node = json_object_get (node, step);
    return node;
}

//  A tagged scalar's tag and value, or NULL tag for untagged values.
static const char *
s_tag (json_t *node, json_t **value)
{
    json_t *tag = json_object_get (node, TF_NODE_TAG_KEY);
    *value = json_object_get (node, "value");
    if (!json_is_string (tag))
        *value = node;
    return json_is_string (tag) ? json_string_value (tag) : NULL;
}

static int
s_address (ctx_t *ctx, json_t *root, const char *path, char *host, int *port)
{
    json_t *node = s_get (root, path);
    const char *text = json_string_value (node);
    const char *colon = text ? strrchr (text, ':') : NULL;
    char *end = NULL;
    long number = colon ? strtol (colon + 1, &end, 10) : -1;
    if (!colon || colon == text || (size_t) (colon - text) >= TF_NODE_HOST_MAX || *end || number < 0
        || number > 65535) {
        s_fail (ctx, path, "expected \"HOST:PORT\" (e.g. \"127.0.0.1:18080\")");
        return -1;
    }
    snprintf (host, TF_NODE_HOST_MAX, "%.*s", (int) (colon - text), text);
    *port = (int) number;
    return 0;
}

static int
s_seed_key (ctx_t *ctx, json_t *node, const char *path, const char *want_tag, tf_node_key_t *key)
{
    json_t *value;
    const char *tag = s_tag (node, &value);
    uint8_t seed[32];
    if ((want_tag && (!tag || strcmp (tag, want_tag) != 0))
        || tf_node_hex_decode (json_string_value (value), seed, sizeof seed)) {
        s_fail (ctx, path, "expected %s%s64 hex digits (a 32-byte Ed25519 seed)",
                want_tag ? "!" : "", want_tag ? want_tag : "");
        return -1;
    }
    tf_node_key_from_seed (seed, key);
    sodium_memzero (seed, sizeof seed);
    return 0;
}

//  Resolve a path relative to the directory of the file that names it.
static char *
s_relative (const char *file, const char *path)
{
    if (path[0] == '/')
        return strdup (path);
    char *copy = strdup (file);
    assert (copy);
    const char *dir = dirname (copy);
    size_t size = strlen (dir) + strlen (path) + 2;
    char *joined = malloc (size);
    assert (joined);
    snprintf (joined, size, "%s/%s", dir, path);
    free (copy);
    return joined;
}

static void
s_check_keys (ctx_t *ctx, json_t *object, const char *path, const char *const *known, int strict,
              int *warnings)
{
    const char *key;
    json_t *value;
    json_object_foreach (object, key, value)
    {
        int found = strcmp (key, TF_NODE_TAG_KEY) == 0;
        for (const char *const *name = known; *name && !found; name++)
            found = strcmp (key, *name) == 0;
        if (found)
            continue;
        char where[256];
        snprintf (where, sizeof where, "%s%s%s", path, *path ? "." : "", key);
        if (strict)
            s_fail (ctx, where, "unknown key");
        else
            tf_node_warn ("config: unknown key file=%s key=%s", ctx->file, where);
        (*warnings)++;
    }
}

static void s_read_node (ctx_t *ctx, json_t *root, tf_node_config_t *self, int strict);
static void s_read_deployment (ctx_t *ctx, json_t *root, tf_node_config_t *self, int strict);

tf_node_config_t *
tf_node_config_load (const char *node_path, const char *deployment_path, int strict, char *error,
                     size_t error_size)
{
    tf_node_config_t *self = calloc (1, sizeof *self);
    assert (self);
    ctx_t ctx = {node_path, error, error_size, 0};
    json_t *node_root = tf_node_config_yaml_load (node_path, error, error_size);
    json_t *deployment_root = NULL;
    if (!node_root) {
        ctx.failed = 1;
        goto out;
    }
    s_read_node (&ctx, node_root, self, strict);
    if (ctx.failed)
        goto out;
    ctx.file = deployment_path;
    deployment_root = tf_node_config_yaml_load (deployment_path, error, error_size);
    if (!deployment_root) {
        ctx.failed = 1;
        goto out;
    }
    s_read_deployment (&ctx, deployment_root, self, strict);
out:
    json_decref (node_root);
    json_decref (deployment_root);
    if (ctx.failed)
        tf_node_config_destroy (&self);
    return self;
}

void
tf_node_config_destroy (tf_node_config_t **self_p)
{
    assert (self_p);
    tf_node_config_t *self = *self_p;
    if (!self)
        return;
    free (self->peers);
    free (self->db_path);
    if (self->wallet_keys)
        sodium_memzero (self->wallet_keys, self->nwallet_keys * sizeof *self->wallet_keys);
    free (self->wallet_keys);
    free (self->known_keys);
    free (self->log_file);
    tf_node_genesis_destroy (&self->genesis);
    sodium_memzero (self, sizeof *self);
    free (self);
    *self_p = NULL;
}

int
tf_node_config_duration (const json_t *value, int64_t *out)
{
    if (json_is_object (value)) {
        json_t *secs = json_object_get (value, "secs");
        json_t *nanos = json_object_get (value, "nanos");
        if (!json_is_integer (secs) || (nanos && !json_is_integer (nanos))
            || json_integer_value (secs) < 0 || json_integer_value (nanos) < 0)
            return -1;
        *out = (int64_t) json_integer_value (secs) * 1000000
               + (int64_t) json_integer_value (nanos) / 1000;
        return 0;
    }
    if (json_is_number (value)) {
        double seconds = json_number_value (value);
        if (seconds < 0 || seconds > 1e9)
            return -1;
        *out = (int64_t) llround (seconds * 1e6);
        return 0;
    }
    const char *text = json_string_value (value);
    if (!text || !*text)
        return -1;
    char *end;
    errno = 0;
    double number = strtod (text, &end);
    if (errno || end == text || number < 0 || number > 1e9 || isspace ((unsigned char) *text))
        return -1;
    double scale = 1e6; //  Bare numbers and "s" are seconds
    if (strcmp (end, "ms") == 0)
        scale = 1e3;
    else if (strcmp (end, "us") == 0)
        scale = 1;
    else if (strcmp (end, "m") == 0 || strcmp (end, "min") == 0)
        scale = 60e6;
    else if (*end && strcmp (end, "s") != 0)
        return -1;
    *out = (int64_t) llround (number * scale);
    return 0;
}

int
tf_node_config_time (const char *text, int64_t *out)
{
    if (!text)
        return -1;
    struct tm parts = {0};
    int consumed = 0;
    char separator;
    if (sscanf (text, "%4d-%2d-%2d%c%2d:%2d:%2d%n", &parts.tm_year, &parts.tm_mon, &parts.tm_mday,
                &separator, &parts.tm_hour, &parts.tm_min, &parts.tm_sec, &consumed)
            != 7
        || (separator != ' ' && separator != 'T' && separator != 't'))
        return -1;
    const char *cursor = text + consumed;
    int64_t micros = 0;
    if (*cursor == '.') {
        int64_t scale = 100000;
        for (cursor++; isdigit ((unsigned char) *cursor); cursor++) {
            micros += (*cursor - '0') * scale;
            scale /= 10;
        }
    }
    while (*cursor == ' ')
        cursor++;
    int64_t offset = 0;
    if (*cursor == 'Z' || *cursor == 'z')
        cursor++;
    else if (*cursor == '+' || *cursor == '-') {
        int sign = *cursor == '-' ? -1 : 1;
        int hours = 0, minutes = 0, seconds = 0;
        int fields = sscanf (cursor + 1, "%2d:%2d:%2d%n", &hours, &minutes, &seconds, &consumed);
        if (fields < 3) {
            seconds = 0;
            fields = sscanf (cursor + 1, "%2d:%2d%n", &hours, &minutes, &consumed);
            if (fields != 2)
                return -1;
        }
        offset = sign * (hours * 3600 + minutes * 60 + seconds);
        cursor += 1 + consumed;
    }
    if (*cursor)
        return -1;
    parts.tm_year -= 1900;
    parts.tm_mon -= 1;
    time_t seconds = timegm (&parts);
    if (seconds == (time_t) -1)
        return -1;
    *out = ((int64_t) seconds - offset) * 1000000 + micros;
    return 0;
}

int
tf_node_config_multiaddr (const char *text, tf_node_peer_addr_t *out)
{
    if (!text || text[0] != '/')
        return -1;
    char copy[256];
    if (strlen (text) >= sizeof copy)
        return -1;
    snprintf (copy, sizeof copy, "%s", text + 1);
    char *segments[TF_NODE_MAX_SEGMENTS];
    size_t count = 0;
    char *saveptr = NULL;
    for (char *part = strtok_r (copy, "/", &saveptr); part && count < TF_NODE_MAX_SEGMENTS;
         part = strtok_r (NULL, "/", &saveptr))
        segments[count++] = part;
    tf_node_peer_addr_t addr = {0};
    size_t next;
    if (count < 4
        || (strcmp (segments[0], "ip4") != 0 && strcmp (segments[0], "dns4") != 0
            && strcmp (segments[0], "dns") != 0))
        return -1;
    if (strlen (segments[1]) >= TF_NODE_HOST_MAX)
        return -1;
    snprintf (addr.host, sizeof addr.host, "%s", segments[1]);
    char *end;
    long port = strtol (segments[3], &end, 10);
    if (*end || port <= 0 || port > 65535)
        return -1;
    addr.port = (int) port;
    if (strcmp (segments[2], "tcp") == 0)
        next = 4;
    else if (strcmp (segments[2], "udp") == 0 && count >= 5 && strcmp (segments[4], "quic-v1") == 0)
        next = 5;
    else
        return -1;
    if (next < count) {
        tf_node_hash_t pk;
        if (next + 2 != count || strcmp (segments[next], "p2p") != 0
            || tf_node_peer_id_decode (segments[next + 1], &pk))
            return -1;
        snprintf (addr.peer_id, sizeof addr.peer_id, "%s", segments[next + 1]);
    }
    *out = addr;
    return 0;
}

//  Plain YAML scalars become numbers, booleans or null where they look like one
static json_t *
s_scalar (const yaml_node_t *node)
{
    const char *text = (const char *) node->data.scalar.value;
    if (node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return json_string (text);
    if (!*text || strcmp (text, "~") == 0 || strcmp (text, "null") == 0)
        return json_null ();
    if (strcmp (text, "true") == 0)
        return json_true ();
    if (strcmp (text, "false") == 0)
        return json_false ();
    size_t length = strlen (text);
    char *end;
    errno = 0;
    long long integer = strtoll (text, &end, 10);
    if (!*end && !errno && length <= 18 && !(length > 1 && text[0] == '0'))
        return json_integer (integer);
    double real = strtod (text, &end);
    if (!*end && !errno && strchr (text, '.') && isdigit ((unsigned char) text[0]))
        return json_real (real);
    return json_string (text);
}

static json_t *
s_convert (yaml_document_t *document, yaml_node_t *node, int depth)
{
    if (!node || depth > 64)
        return NULL;
    const char *tag = (const char *) node->tag;
    int custom = tag && tag[0] == '!';
    json_t *result = NULL;
    if (node->type == YAML_SCALAR_NODE) {
        result = s_scalar (node);
        if (custom)
            result = json_pack ("{s:s, s:o}", TF_NODE_TAG_KEY, tag + 1, "value", result);
    }
    else if (node->type == YAML_SEQUENCE_NODE) {
        result = json_array ();
        for (yaml_node_item_t *item = node->data.sequence.items.start;
             item < node->data.sequence.items.top; item++) {
            json_t *child =
                s_convert (document, yaml_document_get_node (document, *item), depth + 1);
            if (!child) {
                json_decref (result);
                return NULL;
            }
            json_array_append_new (result, child);
        }
    }
    else if (node->type == YAML_MAPPING_NODE) {
        result = json_object ();
        if (custom)
            json_object_set_new (result, TF_NODE_TAG_KEY, json_string (tag + 1));
        for (yaml_node_pair_t *pair = node->data.mapping.pairs.start;
             pair < node->data.mapping.pairs.top; pair++) {
            yaml_node_t *key = yaml_document_get_node (document, pair->key);
            json_t *value =
                s_convert (document, yaml_document_get_node (document, pair->value), depth + 1);
            if (!key || key->type != YAML_SCALAR_NODE || !value) {
                json_decref (value);
                json_decref (result);
                return NULL;
            }
            json_object_set_new (result, (const char *) key->data.scalar.value, value);
        }
    }
    return result;
}

json_t *
tf_node_config_yaml_load (const char *path, char *error, size_t error_size)
{
    FILE *file = fopen (path, "r");
    if (!file) {
        snprintf (error, error_size, "%s: cannot open: %s", path, strerror (errno));
        return NULL;
    }
    yaml_parser_t parser;
    yaml_document_t document;
    json_t *root = NULL;
    yaml_parser_initialize (&parser);
    yaml_parser_set_input_file (&parser, file);
    if (!yaml_parser_load (&parser, &document)) {
        snprintf (error, error_size, "%s: line %zu: YAML syntax error: %s", path,
                  parser.problem_mark.line + 1, parser.problem ? parser.problem : "unknown");
        goto out_parser;
    }
    root = s_convert (&document, yaml_document_get_root_node (&document), 0);
    if (!json_is_object (root)) {
        snprintf (error, error_size, "%s: (root): expected a mapping with string keys", path);
        json_decref (root);
        root = NULL;
    }
    yaml_document_delete (&document);
out_parser:
    yaml_parser_delete (&parser);
    fclose (file);
    return root;
}

static const char *const s_node_sections[] = {
    "network", "blend",   "cryptarchia",    "time",   "mempool",      "tracing", "sdp",
    "http",    "storage", "key_management", "wallet", "testing_http", "leader",  NULL};

static void
s_read_node (ctx_t *ctx, json_t *root, tf_node_config_t *self, int strict)
{
    s_check_keys (ctx, root, "", s_node_sections, strict, &self->warnings);
    if (s_address (ctx, root, "http.backend_settings.address", self->http_host, &self->http_port))
        return;
    self->max_body_size = TF_NODE_DEFAULT_BODY_LIMIT;
    json_t *limit = s_get (root, "http.backend_settings.max_body_size");
    if (limit) {
        if (!json_is_integer (limit) || json_integer_value (limit) <= 0) {
            s_fail (ctx, "http.backend_settings.max_body_size", "expected a positive integer");
            return;
        }
        self->max_body_size = (size_t) json_integer_value (limit);
    }
    if (s_get (root, "testing_http")) {
        self->has_testing = 1;
        if (s_address (ctx, root, "testing_http.backend_settings.address", self->testing_host,
                       &self->testing_port))
            return;
    }
    json_t *host = s_get (root, "network.backend.swarm.host");
    json_t *port = s_get (root, "network.backend.swarm.port");
    if (host && !json_is_string (host)) {
        s_fail (ctx, "network.backend.swarm.host", "expected an IPv4 address string");
        return;
    }
    snprintf (self->p2p_host, sizeof self->p2p_host, "%s",
              host ? json_string_value (host) : "127.0.0.1");
    if (!json_is_integer (port) || json_integer_value (port) < 0
        || json_integer_value (port) > 65535) {
        s_fail (ctx, "network.backend.swarm.port", "expected a port number (0..65535)");
        return;
    }
    self->p2p_port = (int) json_integer_value (port);
    if (s_seed_key (ctx, s_get (root, "network.backend.swarm.node_key"),
                    "network.backend.swarm.node_key", NULL, &self->node_key))
        return;
    json_t *peers = s_get (root, "network.backend.initial_peers");
    if (peers && !json_is_array (peers) && !json_is_null (peers)) {
        s_fail (ctx, "network.backend.initial_peers", "expected a list of multiaddrs");
        return;
    }
    self->peers = calloc (json_array_size (peers) + 1, sizeof *self->peers);
    assert (self->peers);
    size_t index;
    json_t *peer;
    json_array_foreach (peers, index, peer)
    {
        if (tf_node_config_multiaddr (json_string_value (peer), &self->peers[self->npeers])) {
            char where[64];
            snprintf (where, sizeof where, "network.backend.initial_peers[%zu]", index);
            s_fail (ctx, where,
                    "expected /ip4/HOST/tcp/PORT[/p2p/PEERID] or "
                    "/ip4/HOST/udp/PORT/quic-v1[/p2p/PEERID]");
            return;
        }
        self->npeers++;
    }
    json_t *db_path = s_get (root, "storage.db_path");
    if (!json_is_string (db_path) || !*json_string_value (db_path)) {
        s_fail (ctx, "storage.db_path", "expected a directory path");
        return;
    }
    self->db_path = s_relative (ctx->file, json_string_value (db_path));

    //  Keys: "leader" signs blocks; every Ed25519 key is also a wallet key
    json_t *keys = s_get (root, "key_management.keys");
    if (keys && !json_is_object (keys)) {
        s_fail (ctx, "key_management.keys", "expected a mapping of key ids to keys");
        return;
    }
    self->wallet_keys = calloc (json_object_size (keys) + 1, sizeof *self->wallet_keys);
    assert (self->wallet_keys);
    const char *key_id;
    json_t *key;
    json_object_foreach (keys, key_id, key)
    {
        char where[160];
        snprintf (where, sizeof where, "key_management.keys.%s", key_id);
        json_t *value;
        const char *tag = s_tag (key, &value);
        if (tag && strcmp (tag, "Ed25519") != 0 && strcmp (key_id, "leader") != 0)
            continue; //  !Zk keys belong to the real node's wallet; nothing to do here
        tf_node_key_t *slot = &self->wallet_keys[self->nwallet_keys];
        if (s_seed_key (ctx, key, where, "Ed25519", slot))
            return;
        self->nwallet_keys++;
        if (strcmp (key_id, "leader") == 0) {
            self->has_leader = 1;
            self->leader = *slot;
        }
    }
    json_t *known = s_get (root, "wallet.known_keys");
    self->known_keys = calloc (json_object_size (known) + 1, sizeof *self->known_keys);
    assert (self->known_keys);
    json_object_foreach (known, key_id, key)
    {
        json_t *value;
        s_tag (key, &value);
        if (tf_node_json_get_hash (value, &self->known_keys[self->nknown_keys])) {
            char where[160];
            snprintf (where, sizeof where, "wallet.known_keys.%s", key_id);
            s_fail (ctx, where, "expected a public key, 64 hex digits");
            return;
        }
        self->nknown_keys++;
    }

    //  Logs
    json_t *logger = s_get (root, "tracing.logger");
    json_t *logger_value;
    const char *logger_tag = s_tag (logger, &logger_value);
    if (!logger || (json_is_string (logger) && strcmp (json_string_value (logger), "Stderr") == 0)
        || (json_is_string (logger) && strcmp (json_string_value (logger), "None") == 0))
        self->logger = TF_NODE_LOGGER_STDERR;
    else if (json_is_string (logger) && strcmp (json_string_value (logger), "Stdout") == 0)
        self->logger = TF_NODE_LOGGER_STDOUT;
    else if (logger_tag && strcmp (logger_tag, "File") == 0
             && json_is_string (json_object_get (logger, "directory"))) {
        json_t *prefix = json_object_get (logger, "prefix");
        char *dir =
            s_relative (ctx->file, json_string_value (json_object_get (logger, "directory")));
        size_t size = strlen (dir) + 80;
        self->log_file = malloc (size);
        assert (self->log_file);
        snprintf (self->log_file, size, "%s/%s.log", dir,
                  json_is_string (prefix) ? json_string_value (prefix) : "tf-node");
        free (dir);
        self->logger = TF_NODE_LOGGER_FILE;
    }
    else {
        s_fail (ctx, "tracing.logger", "expected Stdout, Stderr or !File {directory, prefix}");
        return;
    }
    self->log_level = TF_NODE_LOG_INFO;
    json_t *level = s_get (root, "tracing.level");
    if (level) {
        int parsed =
            json_is_string (level) ? tf_node_log_level_parse (json_string_value (level)) : -1;
        if (parsed < 0) {
            s_fail (ctx, "tracing.level", "expected ERROR, WARN, INFO, DEBUG or TRACE");
            return;
        }
        self->log_level = parsed;
    }
    self->mempool_cap = TF_NODE_DEFAULT_MEMPOOL_CAP;
    json_t *cap = s_get (root, "mempool.max_txs");
    if (cap) {
        if (!json_is_integer (cap) || json_integer_value (cap) < 1) {
            s_fail (ctx, "mempool.max_txs", "expected a positive integer");
            return;
        }
        self->mempool_cap = (size_t) json_integer_value (cap);
    }
    self->bootstrap_period_us = TF_NODE_DEFAULT_BOOTSTRAP_US;
    json_t *period = s_get (root, "cryptarchia.service.bootstrap.prolonged_bootstrap_period");
    if (period && tf_node_config_duration (period, &self->bootstrap_period_us)) {
        s_fail (ctx, "cryptarchia.service.bootstrap.prolonged_bootstrap_period",
                "expected a duration ({secs, nanos}, '1.0', 100ms or 2s)");
        return;
    }
}

static const char *const s_deployment_sections[] = {"blend", "network", "cryptarchia",
                                                    "time",  "mempool", NULL};
static const char *const s_cryptarchia_keys[] = {
    "epoch_config",  "security_param",    "sdp_config", "gossipsub_protocol",
    "genesis_state", "active_slot_coeff", NULL};
static const char *const s_time_keys[] = {"slot_duration", "chain_start_time", NULL};

static void
s_read_deployment (ctx_t *ctx, json_t *root, tf_node_config_t *self, int strict)
{
    s_check_keys (ctx, root, "", s_deployment_sections, strict, &self->warnings);
    s_check_keys (ctx, s_get (root, "cryptarchia"), "cryptarchia", s_cryptarchia_keys, strict,
                  &self->warnings);
    s_check_keys (ctx, s_get (root, "time"), "time", s_time_keys, strict, &self->warnings);
    if (ctx->failed)
        return;
    if (tf_node_config_duration (s_get (root, "time.slot_duration"), &self->slot_duration_us)
        || self->slot_duration_us < 1000) {
        s_fail (ctx, "time.slot_duration",
                "expected a duration of at least 1ms ({secs, nanos}, '1.0', 100ms or 2s)");
        return;
    }
    if (tf_node_config_time (json_string_value (s_get (root, "time.chain_start_time")),
                             &self->chain_start_us)) {
        s_fail (ctx, "time.chain_start_time",
                "expected \"YYYY-MM-DD HH:MM:SS[.ffffff] +HH:MM:SS\" or RFC 3339");
        return;
    }
    json_t *k = s_get (root, "cryptarchia.security_param");
    if (!json_is_integer (k) || json_integer_value (k) < 1) {
        s_fail (ctx, "cryptarchia.security_param", "expected a positive integer");
        return;
    }
    self->security_param = (uint64_t) json_integer_value (k);
    json_t *coeff = s_get (root, "cryptarchia.active_slot_coeff");
    self->active_slot_coeff = coeff ? json_number_value (coeff) : 0.1;
    if (coeff
        && (!json_is_number (coeff) || self->active_slot_coeff <= 0
            || self->active_slot_coeff > 1)) {
        s_fail (ctx, "cryptarchia.active_slot_coeff", "expected a number in (0, 1]");
        return;
    }
    json_t *genesis = s_get (root, "cryptarchia.genesis_state");
    if (!genesis) {
        s_fail (ctx, "cryptarchia.genesis_state",
                "missing: expected a SignedMantleTx or a list of them");
        return;
    }
    char where[TF_NODE_GENESIS_WHERE_SIZE], reason[256];
    self->genesis = tf_node_genesis_new (genesis, where, sizeof where, reason, sizeof reason);
    if (!self->genesis) {
        char path[TF_NODE_GENESIS_WHERE_SIZE + 32];
        snprintf (path, sizeof path, "cryptarchia.genesis_state%s%s",
                  where[0] && where[0] != '[' ? "." : "", where);
        s_fail (ctx, path, "%s", reason);
        return;
    }
}
