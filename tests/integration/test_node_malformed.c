//  test_node_malformed.c - a corpus of malformed HTTP requests, p2p garbage and bad command
//  lines: every request gets its 4xx, and the node keeps serving
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include "test_node_harness.h"

#define EVENT_MS 30000
#define BIG_BODY (11 * 1024 * 1024) //  Over the default 10 MiB limit

extern char **environ;

static int
s_setup (void **state)
{
    nh_options_t options = {100, 0.5, 20, 0};
    nh_cluster_t *cluster = nh_cluster_start (1, &options, EVENT_MS);
    *state = cluster;
    return cluster ? 0 : -1;
}

static int
s_teardown (void **state)
{
    nh_cluster_t *cluster = *state;
    nh_cluster_destroy (&cluster);
    return 0;
}

typedef struct {
    int testing;        //  Testing server
    const char *method; //  Method
    const char *path;   //  Path and query
    const char *type;   //  Content-Type or NULL
    const char *body;   //  Body or NULL
    long status;        //  Expected status
} case_t;

#define ZERO64 "0000000000000000000000000000000000000000000000000000000000000000"
#define JSON   "application/json"

static const case_t s_corpus[] = {
    {0, "GET", "/nope", NULL, NULL, 404},
    {0, "GET", "/cryptarchia/info/extra", NULL, NULL, 404},
    {0, "POST", "/cryptarchia/info", JSON, "{}", 405},
    {0, "GET", "/mempool/add/tx", NULL, NULL, 405},
    {0, "DELETE", "/storage/block", NULL, NULL, 405},
    {0, "POST", "/mempool/add/tx", NULL, "{}", 415},
    {0, "POST", "/mempool/add/tx", "text/plain", "{}", 415},
    {0, "POST", "/mempool/add/tx", JSON, "{", 400},
    {0, "POST", "/mempool/add/tx", JSON, "", 400},
    {0, "POST", "/mempool/add/tx", JSON, "\x01\x02\xff\xfe", 400},
    {0, "POST", "/mempool/add/tx", JSON, "{}", 422},
    {0, "POST", "/mempool/add/tx", JSON, "[]", 422},
    {0, "POST", "/mempool/add/tx", JSON, "null", 422},
    {0, "POST", "/mempool/add/tx", JSON, "\"tx\"", 422},
    {0, "POST", "/mempool/add/tx", JSON, "-1", 422},
    {0, "POST", "/mempool/add/tx", JSON,
     "{\"mantle_tx\":{\"ops\":[],\"ledger_tx\":{\"inputs\":[],"
     "\"outputs\":[]},\"execution_gas_price\":0,"
     "\"storage_gas_price\":0},\"ops_proofs\":[],"
     "\"ledger_tx_proof\":{\"Ed25519Sigs\":[]}}",
     422},
    {0, "POST", "/mempool/add/tx", JSON,
     "{\"mantle_tx\":{\"ops\":[],\"ledger_tx\":{\"inputs\":"
     "[\"xyz\"],\"outputs\":[]},\"execution_gas_price\":0,"
     "\"storage_gas_price\":0},\"ops_proofs\":[],"
     "\"ledger_tx_proof\":{\"Ed25519Sigs\":[]}}",
     422},
    {0, "POST", "/mempool/add/tx", JSON,
     "{\"mantle_tx\":{\"ops\":[],\"ledger_tx\":{\"inputs\":"
     "[],\"outputs\":[{\"value\":-5,\"pk\":\"" ZERO64 "\"}]},"
     "\"execution_gas_price\":0,\"storage_gas_price\":0},"
     "\"ops_proofs\":[],\"ledger_tx_proof\":{\"Ed25519Sigs\":[]}}",
     422},
    {0, "POST", "/mempool/add/tx", JSON,
     "{\"mantle_tx\":{\"ops\":[{\"opcode\":99,\"payload\":{}}],"
     "\"ledger_tx\":{\"inputs\":[],\"outputs\":[]},"
     "\"execution_gas_price\":0,\"storage_gas_price\":0},"
     "\"ops_proofs\":[\"NoProof\"],"
     "\"ledger_tx_proof\":{\"Ed25519Sigs\":[]}}",
     422},
    {0, "POST", "/mempool/add/tx", JSON,
     "{\"mantle_tx\":{\"ops\":[],\"ledger_tx\":{\"inputs\":"
     "[\"" ZERO64 "\"],\"outputs\":[]},\"execution_gas_price\":0,"
     "\"storage_gas_price\":0},\"ops_proofs\":[],"
     "\"ledger_tx_proof\":{\"pi_a\":[],\"pi_b\":[],\"pi_c\":[]}}",
     422},
    {0, "POST", "/storage/block", JSON, "\"zz\"", 422},
    {0, "POST", "/storage/block", JSON, "12", 422},
    {0, "POST", "/storage/block", JSON, "\"" ZERO64, 400},
    {0, "POST", "/storage/block", "application/x-www-form-urlencoded", "a=b", 415},
    {0, "POST", "/storage/block", JSON, "\"" ZERO64 "\"", 200}, //  Unknown id: null
    {0, "GET", "/cryptarchia/headers?from=xyz", NULL, NULL, 400},
    {0, "GET", "/cryptarchia/headers?to=" ZERO64 "00", NULL, NULL, 400},
    {0, "GET", "/cryptarchia/blocks", NULL, NULL, 400},
    {0, "GET", "/cryptarchia/blocks?slot_from=5", NULL, NULL, 400},
    {0, "GET", "/cryptarchia/blocks?slot_from=9&slot_to=3", NULL, NULL, 400},
    {0, "GET", "/cryptarchia/blocks?slot_from=-1&slot_to=3", NULL, NULL, 400},
    {0, "GET", "/cryptarchia/blocks?slot_from=0&slot_to=3", NULL, NULL, 200},
    {0, "POST", "/mantle/status", JSON, "{}", 422},
    {0, "POST", "/mantle/status", JSON, "[1,2]", 422},
    {0, "GET", "/wallet/abc/balance", NULL, NULL, 400},
    {0, "GET", "/wallet/" ZERO64 "/balance", NULL, NULL, 404},
    {0, "GET", "/wallet/" ZERO64 "/balance?tip=nothex", NULL, NULL, 400},
    {0, "POST", "/wallet/transactions/transfer-funds", JSON, "{}", 422},
    {0, "POST", "/wallet/transactions/transfer-funds", JSON,
     "{\"change_public_key\":\"" ZERO64 "\",\"funding_public_keys\":[\"" ZERO64 "\"],"
     "\"recipient_public_key\":\"" ZERO64 "\",\"amount\":1}",
     500},
    {1, "POST", "/testing/block-peer", JSON, "\"not-a-peer\"", 422},
    {1, "POST", "/testing/block-peer", JSON, "42", 422},
    {1, "POST", "/testing/unblock-peer", "text/plain", "x", 415},
    {1, "POST", "/testing/faults", JSON, "{\"produce_blocks\":1}", 422},
    {1, "POST", "/testing/faults", JSON, "{\"surprise\":true}", 422},
    {1, "POST", "/testing/faults", JSON, "[]", 422},
    {1, "GET", "/cryptarchia/info", NULL, NULL, 404},
    {1, "PUT", "/testing/faults", JSON, "{}", 405},
};

static void
test_node_malformed_requests_get_4xx (void **state)
{
    nh_cluster_t *cluster = *state;
    for (size_t index = 0; index < sizeof s_corpus / sizeof s_corpus[0]; index++) {
        const case_t *item = &s_corpus[index];
        char *body = NULL;
        long status = nh_http (cluster, 0, item->testing, item->method, item->path, item->type,
                               item->body, item->body ? strlen (item->body) : 0, &body);
        if (status != item->status)
            fprintf (stderr, "case %zu: %s %s -> %ld (%s), expected %ld\n", index, item->method,
                     item->path, status, body, item->status);
        assert_int_equal (status, item->status);
        free (body);
    }
    assert_true (nh_alive (cluster, 0));
}

static void
test_node_malformed_deep_and_huge_bodies (void **state)
{
    nh_cluster_t *cluster = *state;
    size_t depth = 100000;
    char *deep = malloc (2 * depth + 1);
    memset (deep, '[', depth);
    memset (deep + depth, ']', depth);
    deep[2 * depth] = 0;
    assert_int_equal (
        nh_http (cluster, 0, 0, "POST", "/mempool/add/tx", JSON, deep, 2 * depth, NULL), 400);
    free (deep);
    char *huge = malloc (BIG_BODY);
    memset (huge, ' ', BIG_BODY);
    huge[0] = '"';
    assert_int_equal (
        nh_http (cluster, 0, 0, "POST", "/mempool/add/tx", JSON, huge, BIG_BODY, NULL), 413);
    free (huge);
    assert_true (nh_info_int (cluster, 0, "height") >= 0);
}

static int
s_connect (int port)
{
    int fd = socket (AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = {0};
    addr.sin_family = AF_INET;
    addr.sin_port = htons ((uint16_t) port);
    addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
    if (connect (fd, (struct sockaddr *) &addr, sizeof addr)) {
        close (fd);
        return -1;
    }
    return fd;
}

static void
test_node_malformed_raw_garbage_on_every_port (void **state)
{
    nh_cluster_t *cluster = *state;
    nh_node_t *node = &cluster->nodes[0];
    static const char *const garbage[] = {
        "\x00\x01\x02garbage\r\n\r\n",
        "GET / HTTP/9.9\r\n\r\n",
        "\xff\xff\xff\xff{}",                   //  p2p: a 4 GiB frame
        "\x00\x00\x00\x05{bad}",                //  p2p: bad JSON
        "\x00\x00\x00\x0f{\"type\":\"hello\"}", //  p2p: hello without a key
        "\x00\x00\x00\x10{\"type\":\"block\"}", //  p2p: frame before hello
    };
    int ports[] = {node->api_port, node->testing_port, node->p2p_port};
    for (size_t port = 0; port < 3; port++)
        for (size_t index = 0; index < sizeof garbage / sizeof garbage[0]; index++) {
            int fd = s_connect (ports[port]);
            assert_true (fd >= 0);
            size_t length = index == 0 ? 14 : strlen (garbage[index]);
            if (index >= 2)
                length = 4 + strlen (garbage[index] + 4);
            ssize_t sent = send (fd, garbage[index], length, MSG_NOSIGNAL);
            (void) sent; //  The node may close first: that is fine
            shutdown (fd, SHUT_WR);
            char reply[256];
            while (recv (fd, reply, sizeof reply, 0) > 0)
                ; //  Until the node closes or answers
            close (fd);
        }
    assert_true (nh_alive (cluster, 0));
    assert_true (nh_info_int (cluster, 0, "height") >= 0);
    json_t *network = nh_get (cluster, 0, "/network/info");
    assert_int_equal (json_integer_value (json_object_get (network, "n_peers")), 0);
    json_decref (network);
}

//  Send a raw request, read until the node closes (deadline: the socket's
//  receive timeout); returns what came back (caller frees)
static char *
s_exchange (int port, const char *request)
{
    int fd = s_connect (port);
    assert_true (fd >= 0);
    struct timeval timeout = {.tv_sec = EVENT_MS / 1000};
    setsockopt (fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    assert_int_equal (send (fd, request, strlen (request), MSG_NOSIGNAL),
                      (ssize_t) strlen (request));
    char *reply = (char *) calloc (1, 65536);
    size_t size = 0;
    ssize_t got;
    while (size < 65535 && (got = recv (fd, reply + size, 65535 - size, 0)) > 0)
        size += (size_t) got;
    assert_int_equal (got, 0); //  Closed by the node, not by the deadline
    close (fd);
    return reply;
}

//  RFC 9112 6.3: a body length that can be read two ways is refused with 400
//  and the connection closed (the shapes of request smuggling)
static void
test_node_malformed_ambiguous_framing_is_refused (void **state)
{
    nh_cluster_t *cluster = *state;
    int port = cluster->nodes[0].api_port;
    static const char *const requests[] = {
        "POST /mempool/add/tx HTTP/1.1\r\nHost: n\r\nContent-Type: application/json\r\n"
        "Content-Length: 2\r\nContent-Length: 5\r\n\r\n{}",
        "POST /mempool/add/tx HTTP/1.1\r\nHost: n\r\nContent-Type: application/json\r\n"
        "Content-Length: 7\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
    };
    static const char *const reasons[] = {"Content-Length headers that differ",
                                          "both Content-Length and Transfer-Encoding"};
    for (size_t index = 0; index < 2; index++) {
        char *reply = s_exchange (port, requests[index]);
        print_message ("reply: %.60s\n", reply);
        assert_int_equal (strncmp (reply, "HTTP/1.1 400 ", 13), 0);
        assert_non_null (strstr (reply, reasons[index]));
        assert_null (strstr (reply, "HTTP/1.1 422")); //  The body was not handled
        free (reply);
    }
    //  The same request framed once is handled (422: {} is not a transaction)
    char *reply = s_exchange (port, "POST /mempool/add/tx HTTP/1.1\r\nHost: n\r\n"
                                    "Content-Type: application/json\r\nConnection: close\r\n"
                                    "Content-Length: 2\r\n\r\n{}");
    assert_int_equal (strncmp (reply, "HTTP/1.1 422 ", 13), 0);
    free (reply);
    assert_true (nh_alive (cluster, 0));
}

//  Run tf-node with arguments; returns its exit code
static int
s_run_cli (nh_cluster_t *cluster, const char *const *args)
{
    char *argv[8] = {cluster->bin};
    size_t count = 1;
    for (; args[count - 1] && count < 7; count++)
        argv[count] = (char *) args[count - 1];
    argv[count] = NULL;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init (&actions);
    posix_spawn_file_actions_addopen (&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen (&actions, 2, "/dev/null", O_WRONLY, 0);
    pid_t pid;
    int rc = posix_spawn (&pid, cluster->bin, &actions, NULL, argv, environ);
    posix_spawn_file_actions_destroy (&actions);
    assert_int_equal (rc, 0);
    int status;
    assert_int_equal (waitpid (pid, &status, 0), pid);
    return WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status);
}

static void
test_node_malformed_command_lines_exit_2 (void **state)
{
    nh_cluster_t *cluster = *state;
    char config[700], deployment[700], broken[700];
    snprintf (config, sizeof config, "%s/node.yaml", cluster->nodes[0].dir);
    snprintf (deployment, sizeof deployment, "%s/deployment.yaml", cluster->root);
    snprintf (broken, sizeof broken, "%s/broken.yaml", cluster->root);
    FILE *file = fopen (broken, "w");
    fputs ("time: {slot_duration: soon}\n", file);
    fclose (file);
    const char *help[] = {"--help", NULL};
    const char *version[] = {"--version", NULL};
    const char *none[] = {NULL};
    const char *no_deployment[] = {config, NULL};
    const char *missing[] = {"/nonexistent/node.yaml", "--deployment", deployment, NULL};
    const char *bad[] = {config, "--deployment", broken, "--check-config", NULL};
    const char *good[] = {config, "--deployment", deployment, "--check-config", NULL};
    const char *unknown_flag[] = {config, "--deployment", deployment, "--frobnicate", NULL};
    assert_int_equal (s_run_cli (cluster, help), 0);
    assert_int_equal (s_run_cli (cluster, version), 0);
    assert_int_equal (s_run_cli (cluster, none), 2);
    assert_int_equal (s_run_cli (cluster, no_deployment), 2);
    assert_int_equal (s_run_cli (cluster, missing), 2);
    assert_int_equal (s_run_cli (cluster, bad), 2);
    assert_int_equal (s_run_cli (cluster, good), 0);
    assert_int_equal (s_run_cli (cluster, unknown_flag), 2);
}

static void
test_node_malformed_stops_cleanly_on_sigterm (void **state)
{
    nh_cluster_t *cluster = *state;
    for (size_t index = 0; index < cluster->count; index++) {
        int code = nh_stop (cluster, index, EVENT_MS);
        if (code != 0)
            nh_dump_log (cluster, index);
        assert_int_equal (code, 0);
    }
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_node_malformed_requests_get_4xx),
        cmocka_unit_test (test_node_malformed_deep_and_huge_bodies),
        cmocka_unit_test (test_node_malformed_raw_garbage_on_every_port),
        cmocka_unit_test (test_node_malformed_ambiguous_framing_is_refused),
        cmocka_unit_test (test_node_malformed_command_lines_exit_2),
        cmocka_unit_test (test_node_malformed_stops_cleanly_on_sigterm),
    };
    return cmocka_run_group_tests_name ("node_malformed", tests, s_setup, s_teardown);
}
