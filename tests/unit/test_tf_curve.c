//  test_tf_curve.c - CurveZMQ for tcp runs: certificates (tf keys new), run.json
//  written and read back, the ZAP handler allowing known keys and counting the
//  others with their address, and --listen's parsing, ports and keys/

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <czmq.h>
#include <sys/stat.h>
#include "tf_curve.h"
#include "tf_run_listen.h"

#define S_RECV_TIMEOUT_MS 5000

typedef struct {
    char dir[64];
    FILE *err; //  What the code under test says is wrong
    char *err_text;
    size_t err_size;
} fixture_t;

static int
setup (void **state)
{
    fixture_t *fixture = (fixture_t *) calloc (1, sizeof (fixture_t));
    strcpy (fixture->dir, "/tmp/tf-test-curve-XXXXXX");
    assert_non_null (mkdtemp (fixture->dir));
    fixture->err = open_memstream (&fixture->err_text, &fixture->err_size);
    *state = fixture;
    return 0;
}

static int
teardown (void **state)
{
    fixture_t *fixture = (fixture_t *) *state;
    char *command = zsys_sprintf ("rm -rf '%s'", fixture->dir);
    assert_int_equal (system (command), 0);
    zstr_free (&command);
    fclose (fixture->err);
    free (fixture->err_text);
    free (fixture);
    return 0;
}

//  What was printed to err so far
static const char *
s_err (fixture_t *fixture)
{
    fflush (fixture->err);
    return fixture->err_text ? fixture->err_text : "";
}

static void
s_write (const char *path, const char *text)
{
    FILE *file = fopen (path, "w");
    assert_non_null (file);
    fputs (text, file);
    fclose (file);
}

static void
test_keys_new (void **state)
{
    fixture_t *fixture = (fixture_t *) *state;
    assert_int_equal (tf_curve_keys_new (fixture->dir, "alice", fixture->err), 0);
    char *public_path = zsys_sprintf ("%s/alice.cert", fixture->dir);
    char *secret_path = zsys_sprintf ("%s/alice.cert_secret", fixture->dir);
    struct stat info;
    assert_int_equal (stat (secret_path, &info), 0);
    assert_int_equal (info.st_mode & 0777, 0600);
    zcert_t *secret = tf_curve_cert_load (secret_path, true, fixture->err);
    zcert_t *public_only = tf_curve_cert_load (public_path, false, fixture->err);
    assert_non_null (secret);
    assert_non_null (public_only);
    assert_string_equal (zcert_public_txt (secret), zcert_public_txt (public_only));
    zcert_destroy (&secret);
    zcert_destroy (&public_only);
    //  The public file alone (renamed so the _secret is not found) has no secret
    char *lone = zsys_sprintf ("%s/lone.cert", fixture->dir);
    assert_int_equal (rename (public_path, lone), 0);
    assert_null (tf_curve_cert_load (lone, true, fixture->err));
    assert_non_null (strstr (s_err (fixture), "no secret key"));
    assert_int_equal (rename (lone, public_path), 0);
    //  Never overwritten; names are plain file names
    assert_int_equal (tf_curve_keys_new (fixture->dir, "alice", fixture->err), -1);
    assert_non_null (strstr (s_err (fixture), "not overwritten"));
    assert_int_equal (tf_curve_keys_new (fixture->dir, "a/b", fixture->err), -1);
    //  Not a certificate
    char *junk = zsys_sprintf ("%s/junk.cert", fixture->dir);
    s_write (junk, "hello\n");
    assert_null (tf_curve_cert_load (junk, false, fixture->err));
    assert_non_null (strstr (s_err (fixture), "not a CURVE certificate"));
    zstr_free (&junk);
    zstr_free (&lone);
    zstr_free (&secret_path);
    zstr_free (&public_path);
}

static void
test_run_json (void **state)
{
    fixture_t *fixture = (fixture_t *) *state;
    char *path = zsys_sprintf ("%s/run.json", fixture->dir);
    zcert_t *coordinator = zcert_new ();
    zcert_t *scanner = zcert_new ();
    tf_curve_run_t run = {.run_id = "r1",
                          .control = "tcp://10.0.0.1:5555",
                          .service = "tcp://10.0.0.1:5556",
                          .feed = "tcp://10.0.0.1:5557"};
    snprintf (run.coordinator_key, TF_CURVE_KEY_SIZE, "%s", zcert_public_txt (coordinator));
    snprintf (run.scanner_key, TF_CURVE_KEY_SIZE, "%s", zcert_public_txt (scanner));
    assert_int_equal (tf_curve_run_write (&run, path, fixture->err), 0);
    struct stat info;
    assert_int_equal (stat (path, &info), 0);
    assert_int_equal (info.st_mode & 0777, 0600);
    tf_curve_run_t read_back;
    assert_int_equal (tf_curve_run_read (&read_back, path, fixture->err), 0);
    assert_string_equal (read_back.run_id, "r1");
    assert_string_equal (read_back.control, "tcp://10.0.0.1:5555");
    assert_string_equal (read_back.service, "tcp://10.0.0.1:5556");
    assert_string_equal (read_back.feed, "tcp://10.0.0.1:5557");
    assert_string_equal (read_back.coordinator_key, zcert_public_txt (coordinator));
    assert_string_equal (read_back.scanner_key, zcert_public_txt (scanner));
    tf_curve_run_clear (&read_back);
    zcert_destroy (&coordinator);
    zcert_destroy (&scanner);

    //  ipc: no keys
    tf_curve_run_t ipc = {.run_id = "r2",
                          .control = "ipc:///tmp/x/control.ipc",
                          .service = "ipc:///tmp/x/service.ipc"};
    assert_int_equal (tf_curve_run_write (&ipc, path, fixture->err), 0);
    assert_int_equal (tf_curve_run_read (&read_back, path, fixture->err), 0);
    assert_string_equal (read_back.coordinator_key, "");
    assert_null (read_back.feed);
    tf_curve_run_clear (&read_back);

    //  What is wrong is said, with file:line:column for bad JSON
    s_write (path, "{\"run_id\": \"r\",\n \"endpoints\": {\"control\": }}\n");
    assert_int_equal (tf_curve_run_read (&read_back, path, fixture->err), -1);
    char *where = zsys_sprintf ("%s:2:", path);
    assert_non_null (strstr (s_err (fixture), where));
    zstr_free (&where);
    s_write (path, "{\"run_id\": \"r\", \"endpoints\": {\"control\": \"tcp://1.2.3.4:1\", "
                   "\"service\": \"tcp://1.2.3.4:2\"}}\n");
    assert_int_equal (tf_curve_run_read (&read_back, path, fixture->err), -1);
    assert_non_null (strstr (s_err (fixture), "tcp endpoints need 'curve' keys"));
    s_write (path, "{\"run_id\": \"r\", \"endpoints\": {\"control\": \"tcp://1.2.3.4:1\", "
                   "\"service\": \"tcp://1.2.3.4:2\"}, \"curve\": {\"coordinator\": \"short\", "
                   "\"scanner\": \"short\"}}\n");
    assert_int_equal (tf_curve_run_read (&read_back, path, fixture->err), -1);
    assert_non_null (strstr (s_err (fixture), "curve.coordinator must be a 40-character"));
    s_write (path, "{\"run_id\": \"r\", \"endpoints\": {\"service\": \"x\"}}\n");
    assert_int_equal (tf_curve_run_read (&read_back, path, fixture->err), -1);
    assert_non_null (strstr (s_err (fixture), "'control' must be a non-empty string"));
    zstr_free (&path);
}

//  A DEALER with cert, client of server_key at endpoint
static zsock_t *
s_client (zcert_t *cert, const char *server_key, const char *endpoint)
{
    zsock_t *client = zsock_new (ZMQ_DEALER);
    assert_non_null (client);
    zsock_set_linger (client, 0);
    zsock_set_rcvtimeo (client, S_RECV_TIMEOUT_MS);
    tf_curve_client (client, cert, server_key);
    assert_int_equal (zsock_connect (client, "%s", endpoint), 0);
    return client;
}

static void
test_auth (void **state)
{
    fixture_t *fixture = (fixture_t *) *state;
    char *allowed_dir = zsys_sprintf ("%s/allowed", fixture->dir);
    char *refused = zsys_sprintf ("%s/%s", fixture->dir, TF_CURVE_REFUSED_FILE);
    assert_int_equal (mkdir (allowed_dir, 0700), 0);
    zcert_t *server_cert = zcert_new ();
    zcert_t *friend = zcert_new ();
    zcert_t *stranger = zcert_new ();
    char *friend_path = zsys_sprintf ("%s/friend.cert", allowed_dir);
    assert_int_equal (zcert_save_public (friend, friend_path), 0);

    zactor_t *auth = tf_curve_auth_new (allowed_dir, refused);
    assert_non_null (auth);
    zsock_t *server = zsock_new (ZMQ_ROUTER);
    zsock_set_linger (server, 0);
    zsock_set_rcvtimeo (server, S_RECV_TIMEOUT_MS);
    tf_curve_server (server, server_cert);
    assert_true (zsock_bind (server, "tcp://127.0.0.1:*") > 0);
    const char *endpoint = zsock_endpoint (server);

    //  The allowed key gets through, both ways
    zsock_t *good = s_client (friend, zcert_public_txt (server_cert), endpoint);
    assert_int_equal (zstr_send (good, "hello"), 0);
    zmsg_t *request = zmsg_recv (server);
    assert_non_null (request);
    zframe_t *routing_id = zmsg_pop (request);
    char *text = zmsg_popstr (request);
    assert_string_equal (text, "hello");
    zstr_free (&text);
    zmsg_destroy (&request);
    zframe_send (&routing_id, server, ZFRAME_MORE);
    zstr_send (server, "welcome");
    text = zstr_recv (good);
    assert_non_null (text);
    assert_string_equal (text, "welcome");
    zstr_free (&text);

    //  The stranger is refused: nothing reaches the server, the refusal is written
    zsock_t *bad = s_client (stranger, zcert_public_txt (server_cert), endpoint);
    zsock_set_sndtimeo (bad, 0);
    zstr_send (bad, "let me in");
    zsock_set_rcvtimeo (server, 500);
    zmsg_t *nothing = zmsg_recv (server);
    assert_null (nothing);
    zlist_t *addresses = NULL;
    size_t count = 0;
    for (int attempt = 0; attempt < 100 && count == 0; attempt++) {
        zlist_destroy (&addresses);
        count = tf_curve_refused_read (refused, &addresses);
        if (count == 0)
            zclock_sleep (50); //  The ZAP handler writes from its own thread
    }
    assert_true (count >= 1);
    assert_int_equal (zlist_size (addresses), 1); //  Distinct addresses
    assert_string_equal ((char *) zlist_first (addresses), "127.0.0.1");
    zlist_destroy (&addresses);

    zsock_destroy (&bad);
    zsock_destroy (&good);
    zsock_destroy (&server);
    zactor_destroy (&auth);
    //  No refused file: nothing refused
    char *absent = zsys_sprintf ("%s/none.log", fixture->dir);
    assert_int_equal (tf_curve_refused_read (absent, &addresses), 0);
    assert_int_equal (zlist_size (addresses), 0);
    zlist_destroy (&addresses);
    zstr_free (&absent);
    zcert_destroy (&server_cert);
    zcert_destroy (&friend);
    zcert_destroy (&stranger);
    zstr_free (&friend_path);
    zstr_free (&refused);
    zstr_free (&allowed_dir);
}

static void
test_listen (void **state)
{
    fixture_t *fixture = (fixture_t *) *state;
    assert_int_equal (tf_run_listen_check ("tcp://127.0.0.1", fixture->err), 0);
    assert_int_equal (tf_run_listen_check ("tcp://10.0.0.1:5555", fixture->err), 0);
    assert_int_equal (tf_run_listen_check ("ipc:///tmp/x", fixture->err), -1);
    assert_int_equal (tf_run_listen_check ("tcp://localhost", fixture->err), -1);
    assert_non_null (strstr (s_err (fixture), "'localhost' is not a numeric IPv4 address"));
    assert_int_equal (tf_run_listen_check ("tcp://127.0.0.1:65535", fixture->err), -1);
    assert_int_equal (tf_run_listen_check ("tcp://127.0.0.1:x", fixture->err), -1);
    assert_int_equal (tf_run_listen_check ("tcp://:5", fixture->err), -1);

    //  A run directory on tcp: ports from the kernel, keys/, allowed/ and run.json
    tf_curve_keys_new (fixture->dir, "remote", fixture->err);
    char *run_path = zsys_sprintf ("%s/run", fixture->dir);
    assert_int_equal (mkdir (run_path, 0700), 0);
    tf_run_dir_t dir = {.path = run_path,
                        .id = strdup ("abc"),
                        .control_ep = strdup ("ipc://c"),
                        .service_ep = strdup ("ipc://s"),
                        .feed_ep = strdup ("ipc://f")};
    char *remote = zsys_sprintf ("%s/remote.cert", fixture->dir);
    const char *allow[] = {remote, NULL};
    assert_int_equal (tf_run_listen_setup (&dir, "tcp://127.0.0.1", allow, fixture->err), 0);
    int port = 0;
    assert_int_equal (sscanf (dir.control_ep, "tcp://127.0.0.1:%d", &port), 1);
    assert_true (port > 0);
    assert_int_equal (sscanf (dir.feed_ep, "tcp://127.0.0.1:%d", &port), 1);
    assert_int_equal (tf_run_listen_write_json (&dir, true, fixture->err), 0);
    char *json = zsys_sprintf ("%s/%s", run_path, TF_CURVE_RUN_JSON);
    tf_curve_run_t run;
    assert_int_equal (tf_curve_run_read (&run, json, fixture->err), 0);
    assert_string_equal (run.control, dir.control_ep);
    char *coordinator_path = zsys_sprintf ("%s/%s", run_path, TF_RUN_LISTEN_COORDINATOR);
    zcert_t *coordinator = tf_curve_cert_load (coordinator_path, true, fixture->err);
    assert_non_null (coordinator);
    assert_string_equal (run.coordinator_key, zcert_public_txt (coordinator));
    zcert_destroy (&coordinator);
    struct stat info;
    assert_int_equal (stat (coordinator_path, &info), 0);
    assert_int_equal (info.st_mode & 0777, 0600);
    tf_curve_run_clear (&run);
    //  allowed/: the local certificate and remote's, public only
    char *allowed = zsys_sprintf ("%s/%s", run_path, TF_RUN_LISTEN_ALLOWED);
    zcertstore_t *store = zcertstore_new (allowed);
    zcert_t *remote_cert = tf_curve_cert_load (remote, false, fixture->err);
    assert_non_null (zcertstore_lookup (store, zcert_public_txt (remote_cert)));
    zcert_destroy (&remote_cert);
    zcertstore_destroy (&store);
    char *listing = zsys_sprintf ("ls '%s' | grep -c _secret", allowed);
    assert_int_not_equal (system (listing), 0); //  grep found no secret file
    zstr_free (&listing);

    //  A given port: control, service and feed on PORT, PORT+1, PORT+2
    char *run2 = zsys_sprintf ("%s/run2", fixture->dir);
    assert_int_equal (mkdir (run2, 0700), 0);
    tf_run_dir_t dir2 = {.path = run2, .id = strdup ("def")};
    assert_int_equal (tf_run_listen_setup (&dir2, "tcp://127.0.0.1:5555", NULL, fixture->err), 0);
    assert_string_equal (dir2.service_ep, "tcp://127.0.0.1:5556");
    assert_string_equal (dir2.feed_ep, "tcp://127.0.0.1:5557");
    //  --allow of a directory without certificates, or of nothing
    char *run3 = zsys_sprintf ("%s/run3", fixture->dir);
    assert_int_equal (mkdir (run3, 0700), 0);
    tf_run_dir_t dir3 = {.path = run3, .id = strdup ("ghi")};
    const char *empty[] = {allowed, NULL}; //  Not empty: holds certs
    char *nothing = zsys_sprintf ("%s/nothing", fixture->dir);
    assert_int_equal (mkdir (nothing, 0700), 0);
    empty[0] = nothing;
    assert_int_not_equal (tf_run_listen_setup (&dir3, "tcp://127.0.0.1", empty, fixture->err), 0);
    assert_non_null (strstr (s_err (fixture), "holds no *.cert file"));
    zstr_free (&nothing);
    //  --allow of a directory: every *.cert in it (remote.cert; not the _secret)
    char *run4 = zsys_sprintf ("%s/run4", fixture->dir);
    assert_int_equal (mkdir (run4, 0700), 0);
    tf_run_dir_t dir4 = {.path = run4, .id = strdup ("jkl")};
    const char *whole[] = {fixture->dir, NULL};
    assert_int_equal (tf_run_listen_setup (&dir4, "tcp://127.0.0.1", whole, fixture->err), 0);
    char *allowed4 = zsys_sprintf ("%s/%s", run4, TF_RUN_LISTEN_ALLOWED);
    zcertstore_t *store4 = zcertstore_new (allowed4);
    zcert_t *remote4 = tf_curve_cert_load (remote, false, fixture->err);
    assert_non_null (zcertstore_lookup (store4, zcert_public_txt (remote4)));
    zcert_destroy (&remote4);
    zcertstore_destroy (&store4);
    zstr_free (&allowed4);
    tf_run_dir_clear (&dir4);
    tf_run_dir_clear (&dir3);
    tf_run_dir_clear (&dir2);
    tf_run_dir_clear (&dir);
    zstr_free (&allowed);
    zstr_free (&coordinator_path);
    zstr_free (&json);
    zstr_free (&remote);
}

int
main (void)
{
    zsys_init ();
    zsys_set_logstream (NULL);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown (test_keys_new, setup, teardown),
        cmocka_unit_test_setup_teardown (test_run_json, setup, teardown),
        cmocka_unit_test_setup_teardown (test_auth, setup, teardown),
        cmocka_unit_test_setup_teardown (test_listen, setup, teardown),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
