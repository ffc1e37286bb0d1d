//  test_liveness_client.c - the node HTTP client that the scanner and the
//  liveness expectation share, against fake nodes on loopback: answers,
//  stream lines split across chunks, and bounded waits on a node that never
//  answers (timeout and cancel), which is what keeps their loops beating.

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include "tf_api_client.h"

#define S_SLACK_MS         250  //  Scheduling slack allowed on a bound
#define S_SHORT_TIMEOUT_MS 300  //  Request timeout used against the hung node
#define S_CANCEL_AFTER_MS  100  //  When the cancel callback starts saying yes
#define S_STREAM_WAIT_MS   2000 //  Longest wait for the stream's lines

#define S_ID_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define S_ID_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define S_INFO                                                                                     \
    "{\"lib\":\"" S_ID_B "\",\"tip\":\"" S_ID_A "\",\"slot\":9,\"height\":4,\"mode\":\"Online\"}"
#define S_LINE_1                                                                                   \
    "{\"block\":{\"header\":{\"id\":\"" S_ID_A "\",\"parent_block\":\"" S_ID_B                     \
    "\",\"slot\":9},\"transactions\":[]}}"
#define S_LINE_2 "{\"tip\":\"" S_ID_A "\"}"

//  The stream is served in pieces that split lines in awkward places
static const char *s_stream_chunks[] = {"{\"block\":{\"hea", S_LINE_1 + 14, "\n" S_LINE_2, "\n",
                                        NULL};

static ssize_t
s_stream_reader (void *cls, uint64_t pos, char *buf, size_t max)
{
    size_t *next = (size_t *) cls;
    const char *chunk = s_stream_chunks[*next];
    if (!chunk)
        return MHD_CONTENT_READER_END_OF_STREAM;
    size_t length = strlen (chunk);
    assert_true (length <= max);
    memcpy (buf, chunk, length);
    (*next)++;
    return (ssize_t) length;
}

static void
s_stream_free (void *cls)
{
    free (cls);
}

//  The fake node: info, a storage miss, a 500, and a short stream
static enum MHD_Result
s_handler (void *cls, struct MHD_Connection *connection, const char *url, const char *method,
           const char *version, const char *upload_data, size_t *upload_data_size, void **state)
{
    if (!*state) { //  First call: headers only
        *state = (void *) 1;
        return MHD_YES;
    }
    if (*upload_data_size) { //  Swallow a POST body
        *upload_data_size = 0;
        return MHD_YES;
    }
    struct MHD_Response *response;
    unsigned status = MHD_HTTP_OK;
    if (streq (url, TF_API_PATH_INFO))
        response = MHD_create_response_from_buffer (strlen (S_INFO), (void *) S_INFO,
                                                    MHD_RESPMEM_PERSISTENT);
    else if (streq (url, TF_API_PATH_BLOCK))
        response = MHD_create_response_from_buffer (4, (void *) "null", MHD_RESPMEM_PERSISTENT);
    else if (streq (url, TF_API_PATH_STREAM)) {
        size_t *next = (size_t *) zmalloc (sizeof (size_t));
        response = MHD_create_response_from_callback (MHD_SIZE_UNKNOWN, 64, s_stream_reader, next,
                                                      s_stream_free);
    }
    else {
        status = MHD_HTTP_INTERNAL_SERVER_ERROR;
        response = MHD_create_response_from_buffer (4, (void *) "oops", MHD_RESPMEM_PERSISTENT);
    }
    enum MHD_Result rc = MHD_queue_response (connection, status, response);
    MHD_destroy_response (response);
    return rc;
}

static struct MHD_Daemon *
s_fake_node (char **url_p)
{
    struct MHD_Daemon *daemon = MHD_start_daemon (
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, 0, NULL, NULL, s_handler, NULL,
        MHD_OPTION_SOCK_ADDR,
        &(struct sockaddr_in){.sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK)},
        MHD_OPTION_END);
    assert_non_null (daemon);
    const union MHD_DaemonInfo *info = MHD_get_daemon_info (daemon, MHD_DAEMON_INFO_BIND_PORT);
    *url_p = zsys_sprintf ("http://127.0.0.1:%u/", (unsigned) info->port);
    return daemon;
}

//  A node that accepts connections (the kernel does) and never answers
static int
s_hung_node (char **url_p)
{
    int fd = socket (AF_INET, SOCK_STREAM, 0);
    assert_true (fd >= 0);
    struct sockaddr_in address = {.sin_family = AF_INET,
                                  .sin_addr.s_addr = htonl (INADDR_LOOPBACK)};
    assert_int_equal (bind (fd, (struct sockaddr *) &address, sizeof address), 0);
    assert_int_equal (listen (fd, SOMAXCONN), 0);
    socklen_t size = sizeof address;
    assert_int_equal (getsockname (fd, (struct sockaddr *) &address, &size), 0);
    *url_p = zsys_sprintf ("http://127.0.0.1:%u", (unsigned) ntohs (address.sin_port));
    return fd;
}

static void
test_tf_api_client_reads_info_and_storage_misses (void **state)
{
    (void) state;
    char *url = NULL;
    struct MHD_Daemon *daemon = s_fake_node (&url);
    tf_api_client_t *client = tf_api_client_new (url); //  Trailing slash is fine
    assert_non_null (client);
    tf_api_info_t info;
    assert_int_equal (tf_api_client_info (client, &info), 0);
    assert_string_equal (info.tip, S_ID_A);
    assert_int_equal (info.height, 4);
    tf_api_block_t *block = NULL;
    assert_int_equal (tf_api_client_block (client, S_ID_A, &block), 1);
    assert_null (block);
    long status = 0;
    char *answer = NULL;
    assert_int_equal (tf_api_client_request (client, "/nowhere", NULL, &status, &answer), 0);
    assert_int_equal (status, 500);
    assert_string_equal (answer, "oops");
    free (answer);
    tf_api_client_destroy (&client);
    assert_null (client);
    MHD_stop_daemon (daemon);
    zstr_free (&url);
}

typedef struct {
    zlistx_t *lines;
} s_lines_t;

static void
s_on_line (void *arg, const char *line, size_t size)
{
    s_lines_t *lines = (s_lines_t *) arg;
    char *copy = strndup (line, size);
    zlistx_add_end (lines->lines, copy);
}

static void
test_tf_api_client_stream_reassembles_lines_across_chunks (void **state)
{
    (void) state;
    char *url = NULL;
    struct MHD_Daemon *daemon = s_fake_node (&url);
    tf_api_client_t *client = tf_api_client_new (url);
    s_lines_t lines = {.lines = zlistx_new ()};
    zlistx_set_destructor (lines.lines, (zlistx_destructor_fn *) zstr_free);
    assert_int_equal (tf_api_client_stream_open (client, s_on_line, &lines), 0);
    int64_t deadline = zclock_mono () + S_STREAM_WAIT_MS;
    while (tf_api_client_streaming (client) && zclock_mono () < deadline)
        assert_int_equal (tf_api_client_pump (client, TF_API_CLIENT_TICK_MS), 0);
    assert_false (tf_api_client_streaming (client)); //  The fake stream ended
    assert_int_equal (zlistx_size (lines.lines), 2);
    assert_string_equal ((char *) zlistx_first (lines.lines), S_LINE_1);
    assert_string_equal ((char *) zlistx_next (lines.lines), S_LINE_2);
    tf_api_block_t *block = NULL;
    char tip[TF_API_ID_SIZE], lib[TF_API_ID_SIZE];
    const char *first = (const char *) zlistx_first (lines.lines);
    assert_int_equal (tf_api_event_parse (first, strlen (first), &block, tip, lib), 0);
    assert_string_equal (block->parent, S_ID_B);
    tf_api_block_destroy (&block);
    zlistx_destroy (&lines.lines);
    tf_api_client_destroy (&client);
    MHD_stop_daemon (daemon);
    zstr_free (&url);
}

static void
test_tf_api_client_gives_up_on_a_hung_node_in_time (void **state)
{
    (void) state;
    char *url = NULL;
    int fd = s_hung_node (&url);
    tf_api_client_t *client = tf_api_client_new (url);
    tf_api_client_set_timeout (client, S_SHORT_TIMEOUT_MS);
    int64_t started = zclock_mono ();
    tf_api_info_t info;
    assert_int_equal (tf_api_client_info (client, &info), -1);
    int64_t took = zclock_mono () - started;
    assert_true (took >= S_SHORT_TIMEOUT_MS - TF_API_CLIENT_TICK_MS);
    assert_true (took <= S_SHORT_TIMEOUT_MS + S_SLACK_MS);
    tf_api_client_destroy (&client);
    close (fd);
    zstr_free (&url);
}

static int64_t s_cancel_at; //  zclock_mono from which cancel says yes

static bool
s_cancel (void *arg)
{
    (void) arg;
    return zclock_mono () >= s_cancel_at;
}

static void
test_tf_api_client_cancel_ends_a_request_and_a_pump (void **state)
{
    (void) state;
    char *url = NULL;
    int fd = s_hung_node (&url);
    tf_api_client_t *client = tf_api_client_new (url); //  Default timeout: 1 s
    tf_api_client_set_cancel (client, s_cancel, NULL);
    int64_t started = zclock_mono ();
    s_cancel_at = started + S_CANCEL_AFTER_MS;
    long status = 0;
    char *answer = NULL;
    assert_int_equal (tf_api_client_request (client, TF_API_PATH_INFO, NULL, &status, &answer), -1);
    assert_null (answer);
    assert_int_equal (status, 0);
    assert_true (zclock_mono () - started < S_CANCEL_AFTER_MS + S_SLACK_MS);
    //  A pump asked to wait long returns as soon as cancel says so
    started = zclock_mono ();
    assert_int_equal (tf_api_client_pump (client, TF_API_CLIENT_TIMEOUT_MS * 10), -1);
    assert_true (zclock_mono () - started < S_SLACK_MS);
    tf_api_client_destroy (&client);
    close (fd);
    zstr_free (&url);
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_tf_api_client_reads_info_and_storage_misses),
        cmocka_unit_test (test_tf_api_client_stream_reassembles_lines_across_chunks),
        cmocka_unit_test (test_tf_api_client_gives_up_on_a_hung_node_in_time),
        cmocka_unit_test (test_tf_api_client_cancel_ends_a_request_and_a_pump),
    };
    return cmocka_run_group_tests_name ("tf_api_client", tests, NULL, NULL);
}
