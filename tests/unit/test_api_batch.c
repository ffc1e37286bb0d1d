//  test_api_batch - many requests to many nodes at once (tf_api_client_batch,
//  actors/nodeapi/tf_api_client.h) against fake nodes on loopback: a node that
//  answers (and echoes POST bodies), one that refuses connections and one that
//  accepts and never answers; the batch's deadline, the per-request limit and
//  cancel; and a client that watches its thread's pipe seeing $TERM at once.

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

#define S_SLACK_MS        400  //  Scheduling slack allowed on a bound (2 busy cores)
#define S_BATCH_MS        300  //  Deadline of a batch with a hung node in it
#define S_LONG_MS         5000 //  A deadline the test never reaches
#define S_CANCEL_AFTER_MS 100  //  When the cancel callback starts saying yes
#define S_MANY            (3 * TF_API_CLIENT_BATCH_PARALLEL + 1)
#define S_BODY_MAX        256 //  Longest POST body the fake node echoes
#define S_INFO            "{\"mode\":\"Online\"}"

//  A POST body being received
typedef struct {
    char data[S_BODY_MAX]; //  What arrived so far
    size_t size;           //  Its length
} s_upload_t;

static size_t s_active;     //  Requests the fake node is serving (its one thread)
static size_t s_active_max; //  The most at once

static void
s_completed (void *cls, struct MHD_Connection *connection, void **state,
             enum MHD_RequestTerminationCode code)
{
    if (*state)
        s_active--;
    free (*state);
    *state = NULL;
}

//  The fake node: /info answers, /echo returns the POST body, the rest is 500
static enum MHD_Result
s_handler (void *cls, struct MHD_Connection *connection, const char *url, const char *method,
           const char *version, const char *upload_data, size_t *upload_data_size, void **state)
{
    if (!*state) { //  First call: headers only
        *state = zmalloc (sizeof (s_upload_t));
        if (++s_active > s_active_max)
            s_active_max = s_active;
        return MHD_YES;
    }
    s_upload_t *upload = (s_upload_t *) *state;
    if (*upload_data_size) {
        size_t room = sizeof upload->data - upload->size;
        size_t take = *upload_data_size < room ? *upload_data_size : room;
        memcpy (upload->data + upload->size, upload_data, take);
        upload->size += take;
        *upload_data_size = 0;
        return MHD_YES;
    }
    struct MHD_Response *response;
    unsigned status = MHD_HTTP_OK;
    if (streq (url, "/info"))
        response = MHD_create_response_from_buffer (strlen (S_INFO), (void *) S_INFO,
                                                    MHD_RESPMEM_PERSISTENT);
    else if (streq (url, "/echo") && streq (method, "POST"))
        response =
            MHD_create_response_from_buffer (upload->size, upload->data, MHD_RESPMEM_MUST_COPY);
    else {
        status = MHD_HTTP_INTERNAL_SERVER_ERROR;
        response = MHD_create_response_from_buffer (4, (void *) "oops", MHD_RESPMEM_PERSISTENT);
    }
    enum MHD_Result rc = MHD_queue_response (connection, status, response);
    MHD_destroy_response (response);
    return rc;
}

//  Start the fake node; *base_p is its URL (caller frees)
static struct MHD_Daemon *
s_fake_node (char **base_p)
{
    struct MHD_Daemon *daemon = MHD_start_daemon (
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, 0, NULL, NULL, s_handler, NULL,
        MHD_OPTION_NOTIFY_COMPLETED, s_completed, NULL, MHD_OPTION_SOCK_ADDR,
        &(struct sockaddr_in){.sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK)},
        MHD_OPTION_END);
    assert_non_null (daemon);
    const union MHD_DaemonInfo *info = MHD_get_daemon_info (daemon, MHD_DAEMON_INFO_BIND_PORT);
    *base_p = zsys_sprintf ("http://127.0.0.1:%u", (unsigned) info->port);
    return daemon;
}

//  A socket bound on loopback; listening: a node that accepts connections (the
//  kernel does) and never answers; not listening: one that refuses them
static int
s_socket_node (bool listening, char **base_p)
{
    int fd = socket (AF_INET, SOCK_STREAM, 0);
    assert_true (fd >= 0);
    struct sockaddr_in address = {.sin_family = AF_INET,
                                  .sin_addr.s_addr = htonl (INADDR_LOOPBACK)};
    assert_int_equal (bind (fd, (struct sockaddr *) &address, sizeof address), 0);
    if (listening)
        assert_int_equal (listen (fd, SOMAXCONN), 0);
    socklen_t size = sizeof address;
    assert_int_equal (getsockname (fd, (struct sockaddr *) &address, &size), 0);
    *base_p = zsys_sprintf ("http://127.0.0.1:%u", (unsigned) ntohs (address.sin_port));
    return fd;
}

static void
test_tf_api_client_batch_gives_every_request_its_outcome (void **state)
{
    (void) state;
    char *base = NULL, *refusing = NULL;
    struct MHD_Daemon *daemon = s_fake_node (&base);
    int fd = s_socket_node (false, &refusing);
    char *info = zsys_sprintf ("%s/info", base);
    char *echo = zsys_sprintf ("%s/echo", base);
    char *missing = zsys_sprintf ("%s/missing", base);
    char *refused = zsys_sprintf ("%s/info", refusing);
    tf_api_request_t requests[] = {
        {.url = info}, {.url = echo, .body = "\"peer-1\""}, {.url = missing}, {.url = refused}};
    size_t count = sizeof requests / sizeof requests[0];
    assert_int_equal (tf_api_client_batch (requests, count, S_LONG_MS, NULL, NULL), 0);
    assert_int_equal (requests[0].status, 200);
    assert_string_equal (requests[0].answer, S_INFO);
    assert_string_equal (requests[0].error, "");
    assert_int_equal (requests[1].status, 200);
    assert_string_equal (requests[1].answer, "\"peer-1\""); //  Sent as a POST, body and all
    assert_int_equal (requests[2].status, 500);
    assert_string_equal (requests[2].answer, "oops");
    assert_int_equal (requests[3].status, 0);
    assert_null (requests[3].answer);
    assert_string_equal (requests[3].error, "Couldn't connect to server");
    for (size_t index = 0; index < count; index++) {
        tf_api_request_clear (&requests[index]);
        assert_null (requests[index].answer);
    }
    close (fd);
    MHD_stop_daemon (daemon);
    zstr_free (&info);
    zstr_free (&echo);
    zstr_free (&missing);
    zstr_free (&refused);
    zstr_free (&refusing);
    zstr_free (&base);
}

static void
test_tf_api_client_batch_runs_more_requests_than_at_once (void **state)
{
    (void) state;
    char *base = NULL;
    struct MHD_Daemon *daemon = s_fake_node (&base);
    char *info = zsys_sprintf ("%s/info", base);
    tf_api_request_t *requests = (tf_api_request_t *) zmalloc (S_MANY * sizeof (tf_api_request_t));
    for (size_t index = 0; index < S_MANY; index++)
        requests[index].url = info;
    s_active_max = 0;
    assert_int_equal (tf_api_client_batch (requests, S_MANY, S_LONG_MS, NULL, NULL), 0);
    assert_true (s_active_max <= TF_API_CLIENT_BATCH_PARALLEL);
    for (size_t index = 0; index < S_MANY; index++) {
        assert_int_equal (requests[index].status, 200);
        assert_string_equal (requests[index].answer, S_INFO);
        tf_api_request_clear (&requests[index]);
    }
    free (requests);
    assert_int_equal (tf_api_client_batch (NULL, 0, S_LONG_MS, NULL, NULL), 0);
    MHD_stop_daemon (daemon);
    zstr_free (&info);
    zstr_free (&base);
}

static void
test_tf_api_client_batch_ends_at_its_deadline_with_a_hung_node (void **state)
{
    (void) state;
    char *base = NULL, *hung_base = NULL;
    struct MHD_Daemon *daemon = s_fake_node (&base);
    int fd = s_socket_node (true, &hung_base);
    char *info = zsys_sprintf ("%s/info", base);
    char *hung = zsys_sprintf ("%s/info", hung_base);
    tf_api_request_t requests[] = {{.url = hung}, {.url = info}};
    int64_t started = zclock_mono ();
    assert_int_equal (tf_api_client_batch (requests, 2, S_BATCH_MS, NULL, NULL), 0);
    int64_t took = zclock_mono () - started;
    assert_true (took >= S_BATCH_MS - TF_API_CLIENT_TICK_MS);
    assert_true (took <= S_BATCH_MS + S_SLACK_MS);
    assert_int_equal (requests[0].status, 0);
    assert_string_equal (requests[0].error, "the batch ran out of time");
    assert_int_equal (requests[1].status, 200); //  The hung node held nobody else up
    tf_api_request_clear (&requests[1]);

    //  With time to spare, the hung request ends at the per-request limit
    started = zclock_mono ();
    assert_int_equal (tf_api_client_batch (requests, 1, S_LONG_MS, NULL, NULL), 0);
    took = zclock_mono () - started;
    assert_true (took >= TF_API_CLIENT_TIMEOUT_MS - TF_API_CLIENT_TICK_MS);
    assert_true (took <= TF_API_CLIENT_TIMEOUT_MS + S_SLACK_MS);
    assert_int_equal (requests[0].status, 0);
    assert_string_equal (requests[0].error, "Timeout was reached");
    close (fd);
    MHD_stop_daemon (daemon);
    zstr_free (&info);
    zstr_free (&hung);
    zstr_free (&hung_base);
    zstr_free (&base);
}

static int64_t s_cancel_at; //  zclock_mono from which cancel says yes
static size_t s_cancel_asked;

static bool
s_cancel (void *arg)
{
    assert_ptr_equal (arg, &s_cancel_at);
    s_cancel_asked++;
    return zclock_mono () >= s_cancel_at;
}

static void
test_tf_api_client_batch_ends_when_cancelled (void **state)
{
    (void) state;
    char *hung_base = NULL;
    int fd = s_socket_node (true, &hung_base);
    char *hung = zsys_sprintf ("%s/info", hung_base);
    tf_api_request_t requests[] = {{.url = hung}, {.url = hung}};
    int64_t started = zclock_mono ();
    s_cancel_at = started + S_CANCEL_AFTER_MS;
    s_cancel_asked = 0;
    assert_int_equal (tf_api_client_batch (requests, 2, S_LONG_MS, s_cancel, &s_cancel_at), -1);
    int64_t took = zclock_mono () - started;
    assert_true (took >= S_CANCEL_AFTER_MS);
    assert_true (took <= S_CANCEL_AFTER_MS + S_SLACK_MS);
    assert_true (s_cancel_asked > 1); //  Asked every tick, not once
    for (size_t index = 0; index < 2; index++) {
        assert_int_equal (requests[index].status, 0);
        assert_null (requests[index].answer);
        assert_string_equal (requests[index].error, "cancelled");
    }
    close (fd);
    zstr_free (&hung);
    zstr_free (&hung_base);
}

//  A zactor thread whose client watches its pipe: a request to a hung node, or
//  a pump with nothing to read, both far longer than the test
typedef struct {
    const char *url; //  The hung node's /info; NULL: pump instead
    int rc;          //  What the request or the pump returned
    long status;
} s_watcher_t;

static void
s_watcher (zsock_t *pipe, void *arg)
{
    s_watcher_t *watcher = (s_watcher_t *) arg;
    tf_api_client_pipe_t loop = {.pipe = pipe};
    tf_api_client_t *client = tf_api_client_new ("http://127.0.0.1:1");
    tf_api_client_set_timeout (client, S_LONG_MS);
    tf_api_client_watch_pipe (client, &loop);
    zsock_signal (pipe, 0);
    if (watcher->url) {
        tf_api_client_t *hung = tf_api_client_new (watcher->url);
        tf_api_client_set_timeout (hung, S_LONG_MS);
        tf_api_client_watch_pipe (hung, &loop);
        char *answer = NULL;
        watcher->rc = tf_api_client_request (hung, "/info", NULL, &watcher->status, &answer);
        zstr_free (&answer);
        tf_api_client_destroy (&hung);
    }
    else
        watcher->rc = tf_api_client_pump (client, S_LONG_MS);
    tf_api_client_destroy (&client);
}

//  $TERM ends the wait well before the fallback tick: the pipe's fd wakes it
static void
test_tf_api_client_watching_its_pipe_sees_term_at_once (void **state)
{
    (void) state;
    char *hung_base = NULL;
    int fd = s_socket_node (true, &hung_base);
    s_watcher_t cases[] = {{.url = hung_base, .rc = 1}, {.url = NULL, .rc = 1}};
    for (size_t index = 0; index < sizeof cases / sizeof cases[0]; index++) {
        zactor_t *actor = zactor_new (s_watcher, &cases[index]);
        int64_t started = zclock_mono ();
        zactor_destroy (&actor); //  Sends $TERM, returns when the thread has ended
        int64_t took = zclock_mono () - started;
        assert_true (took < TF_API_CLIENT_WAKE_TICK_MS / 2);
        assert_int_equal (cases[index].rc, -1);
        assert_int_equal (cases[index].status, 0);
    }
    close (fd);
    zstr_free (&hung_base);
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_tf_api_client_batch_gives_every_request_its_outcome),
        cmocka_unit_test (test_tf_api_client_batch_runs_more_requests_than_at_once),
        cmocka_unit_test (test_tf_api_client_batch_ends_at_its_deadline_with_a_hung_node),
        cmocka_unit_test (test_tf_api_client_batch_ends_when_cancelled),
        cmocka_unit_test (test_tf_api_client_watching_its_pipe_sees_term_at_once),
    };
    return cmocka_run_group_tests_name ("tf_api_client_batch", tests, NULL, NULL);
}
