//  fuzz_tf_node_api.c - libFuzzer target for tf-node's HTTP routes, in process
//
//  One real node (tf_node_new: genesis, chain, mempool, p2p and both HTTP
//  servers on free loopback ports, never driven) answers each input as the
//  HTTP layer would hand it over: route, method check, body limit, then
//  tf_node_api_handle. The input is a request in three parts:
//
//      m POST /mempool/add/tx?from=...&tip=...\n     server (m main, t testing), method, target
//      application/json\n                             Content-Type ("" for none)
//      {"mantle_tx": ...}                             body: the rest of the input
//
//  The query is split on & and = as libmicrohttpd would (without %-decoding).
//  Every reply must have a status the API documents, a body and a content
//  type, and a JSON reply must parse as JSON. State is reset between inputs
//  (mempool, fault switches, blocked peers) so a finding replays alone.
//  TF_FUZZ_VERBOSE=1 prints each answer's status and start, to see which
//  seeds reach a handler's real work rather than its first refusal:
//      TF_FUZZ_VERBOSE=1 build-fuzz/tests/fuzz_tf_node_api tests/fuzz/corpus/fuzz_tf_node_api/*
//
//  The genesis gives the wallet key of seed 32 x 0x11 one note of 1000:
//  public key 36e8...8ba1 (FUZZ_WALLET_PK below); the seeds in
//  tests/fuzz/corpus/fuzz_tf_node_api use it, and the signed transactions in
//  them are tf-node-benchgen's (ChannelInscribe, valid on any genesis).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "tf_node_api.h"
#include "tf_node_crypto.h"
#include "tf_node_internal.h"
#include "tf_node_log.h"

#define FUZZ_WALLET_SEED 0x11 //  Seed byte of the wallet key the genesis pays
#define FUZZ_MEMPOOL_CAP 64   //  Mempool bound: inputs add a few at most

static tf_node_t *s_node;
static int s_verbose; //  TF_FUZZ_VERBOSE: print every answer

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

//  A free loopback TCP port (bound, read, released)
static int
s_free_port (void)
{
    int fd = socket (AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK)};
    socklen_t length = sizeof addr;
    if (fd < 0 || bind (fd, (struct sockaddr *) &addr, sizeof addr)
        || getsockname (fd, (struct sockaddr *) &addr, &length))
        abort ();
    close (fd);
    return ntohs (addr.sin_port);
}

static void
s_write (const char *path, const char *text)
{
    FILE *file = fopen (path, "w");
    if (!file || fputs (text, file) < 0 || fclose (file))
        abort ();
}

//  node.yaml and deployment.yaml in dir: no leader, one wallet key with a note
static void
s_write_configs (const char *dir)
{
    uint8_t seed[32];
    memset (seed, FUZZ_WALLET_SEED, sizeof seed);
    tf_node_key_t wallet;
    tf_node_key_from_seed (seed, &wallet);
    char sk[65], pk[65], path[512], text[2048];
    char node_key[65]; //  p2p identity: seed 32 x 0x22
    memset (seed, 0x22, sizeof seed);
    tf_node_hex_encode (seed, 32, node_key);
    tf_node_hex_encode (wallet.sk, 32, sk);
    tf_node_hash_hex (&wallet.pk, pk);
    snprintf (text, sizeof text,
              "http:\n  backend_settings: {address: '127.0.0.1:%d'}\n"
              "testing_http:\n  backend_settings: {address: '127.0.0.1:%d'}\n"
              "network:\n  backend:\n    swarm: {host: 127.0.0.1, port: %d, node_key: %s}\n"
              "    initial_peers: []\n"
              "storage: {db_path: %s/db}\n"
              "mempool: {max_txs: %d}\n"
              "key_management:\n  keys:\n    alice: !Ed25519 %s\n"
              "tracing:\n  logger: !File {directory: %s, prefix: node}\n  level: ERROR\n",
              s_free_port (), s_free_port (), s_free_port (), node_key, dir, FUZZ_MEMPOOL_CAP, sk,
              dir);
    snprintf (path, sizeof path, "%s/node.yaml", dir);
    s_write (path, text);
    snprintf (text, sizeof text,
              "time:\n  slot_duration: 100ms\n  chain_start_time: 2026-01-01T00:00:00Z\n"
              "cryptarchia:\n  security_param: 4\n  active_slot_coeff: 0.5\n"
              "  genesis_state:\n    mantle_tx:\n      ops: []\n"
              "      ledger_tx:\n        inputs: []\n        outputs: [{value: 1000, pk: %s}]\n"
              "      execution_gas_price: 0\n      storage_gas_price: 0\n"
              "    ops_proofs: []\n    ledger_tx_proof: {Ed25519Sigs: []}\n",
              pk);
    snprintf (path, sizeof path, "%s/deployment.yaml", dir);
    s_write (path, text);
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
    (void) argc;
    (void) argv;
    static char dir[] = "/tmp/tf-fuzz-node-XXXXXX";
    if (tf_node_crypto_init () || !mkdtemp (dir))
        abort ();
    s_write_configs (dir);
    char node_path[512], deployment_path[512], error[TF_NODE_CONFIG_ERROR_MAX];
    snprintf (node_path, sizeof node_path, "%s/node.yaml", dir);
    snprintf (deployment_path, sizeof deployment_path, "%s/deployment.yaml", dir);
    tf_node_config_t *config =
        tf_node_config_load (node_path, deployment_path, 1, error, sizeof error);
    if (!config) {
        fprintf (stderr, "fuzz_tf_node_api: %s\n", error);
        abort ();
    }
    tf_node_log_set_level (config->log_level);
    if (tf_node_log_open (config->log_file, 0))
        abort ();
    s_node = tf_node_new (&config);
    if (!s_node)
        abort ();
    const char *verbose = getenv ("TF_FUZZ_VERBOSE");
    s_verbose = verbose && strcmp (verbose, "0") != 0;
    if (s_verbose) {
        char genesis[65];
        tf_node_hash_hex (&s_node->nonce, genesis);
        fprintf (stderr, "fuzz_tf_node_api: genesis %s, wallet key %s\n", genesis,
                 s_node->config->wallet_keys
                     ? tf_node_hash_hex (&s_node->config->wallet_keys[0].pk, error)
                     : "none");
    }
    return 0;
}

//  Back to the state after start: an empty mempool, no faults, no blocked peer
static void
s_reset (tf_node_t *node)
{
    pthread_mutex_lock (&node->mutex);
    tf_node_mempool_destroy (&node->mempool);
    node->mempool = tf_node_mempool_new (node->config->mempool_cap);
    node->produce_blocks = 1;
    node->drop_transactions = 0;
    json_t *blocked = tf_node_p2p_blocked (node->p2p);
    size_t index;
    json_t *peer;
    json_array_foreach (blocked, index, peer)
        tf_node_p2p_unblock (node->p2p, json_string_value (peer));
    json_decref (blocked);
    pthread_mutex_unlock (&node->mutex);
}

//  Split "k=v&k=v" (in place) into the request's query fields
static void
s_parse_query (char *query, tf_node_request_t *request)
{
    for (char *pair = strtok (query, "&"); pair; pair = strtok (NULL, "&")) {
        char *value = strchr (pair, '=');
        if (value)
            *value++ = 0;
        const char *text = value ? value : "";
        if (!strcmp (pair, "from"))
            request->query_from = text;
        else if (!strcmp (pair, "to"))
            request->query_to = text;
        else if (!strcmp (pair, "tip"))
            request->query_tip = text;
        else if (!strcmp (pair, "slot_from"))
            request->query_slot_from = text;
        else if (!strcmp (pair, "slot_to"))
            request->query_slot_to = text;
    }
}

//  Statuses tf-node's API answers with (node/README.md)
static int
s_known_status (int status)
{
    static const int known[] = {200, 201, 400, 404, 405, 413, 415, 422, 500, 503};
    for (size_t index = 0; index < sizeof known / sizeof known[0]; index++)
        if (status == known[index])
            return 1;
    return 0;
}

static void
s_check_reply (const tf_node_reply_t *reply)
{
    if (!s_known_status (reply->status) || !reply->body || !reply->content_type)
        abort ();
    if (strstr (reply->content_type, "application/json")) {
        json_t *value = json_loads (reply->body, JSON_DECODE_ANY, NULL);
        if (!value)
            abort (); //  The node answered JSON that does not parse
        json_decref (value);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    //  One NUL-terminated copy, cut into the three parts
    char *copy = malloc (size + 1);
    if (!copy)
        abort ();
    memcpy (copy, data, size);
    copy[size] = 0;
    char *line_end = memchr (copy, '\n', size);
    char *type = NULL, *body = NULL;
    size_t body_size = 0;
    if (line_end) {
        *line_end = 0;
        type = line_end + 1;
        char *type_end = strchr (type, '\n');
        if (type_end) {
            *type_end = 0;
            body = type_end + 1;
            body_size = size - (size_t) (body - copy);
        }
    }
    //  First line: server, method, target; anything shorter is not a request
    char *server = strtok (copy, " "), *method = strtok (NULL, " "), *target = strtok (NULL, " ");
    if (!server || !method || !target) {
        free (copy);
        return 0;
    }
    int testing = server[0] == 't';
    char *query = strchr (target, '?');
    if (query)
        *query++ = 0;
    tf_node_request_t request = {.method = method,
                                 .path = target,
                                 .content_type = type && *type ? type : NULL,
                                 .body = body,
                                 .body_size = body_size};
    if (query)
        s_parse_query (query, &request);

    int allowed;
    tf_node_route_t route = tf_node_api_route (target, testing, method, &allowed);
    if (route == TF_NODE_ROUTE_PLAIN && allowed && body_size <= s_node->config->max_body_size) {
        tf_node_reply_t reply = {0};
        tf_node_api_handle (s_node, testing, &request, &reply);
        s_check_reply (&reply);
        if (s_verbose)
            fprintf (stderr, "fuzz_tf_node_api: %s %s -> %d %.200s\n", method, target, reply.status,
                     reply.body);
        free (reply.body);
    }
    s_reset (s_node);
    free (copy);
    return 0;
}
