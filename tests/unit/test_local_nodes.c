//  test_local_nodes - the local runner's node table: names, directories and
//  ports; processes spawned with their log, environment and directory,
//  described when they end, signalled as a group, paused, stopped with
//  SIGTERM then SIGKILL (deployers/local/tf_local_nodes.h)

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <czmq.h>
#include <sys/resource.h>
#include "tf_local_nodes.h"

#define PROC_DEADLINE_MS 10000 //  Longest wait for a child to change state
#define PROC_POLL_MS     10    //  Processes give no event to wait on: poll them
#define STOP_GRACE_MS    300   //  Grace of the stop test

//  A fresh directory for a test's nodes; caller frees
static char *
s_temp_dir (void)
{
    char pattern[] = "/tmp/test-local-nodes-XXXXXX";
    assert_non_null (mkdtemp (pattern));
    return strdup (pattern);
}

static void
s_remove_tree (const char *path)
{
    zdir_t *dir = zdir_new (path, NULL);
    if (dir) {
        zdir_remove (dir, true);
        zdir_destroy (&dir);
    }
    rmdir (path);
}

//  Wait (with a deadline) until node's process is in state; returns its text
static void
s_wait_state (tf_local_nodes_t *nodes, size_t node, tf_deployer_state_t state,
              char text[TF_DEPLOYER_STATE_TEXT])
{
    int64_t deadline = zclock_mono () + PROC_DEADLINE_MS;
    while (tf_local_nodes_state (nodes, node, text) != state) {
        assert_true (zclock_mono () < deadline);
        zclock_sleep (PROC_POLL_MS);
    }
}

//  Wait (with a deadline) until path exists and is not empty
static void
s_wait_file (const char *path)
{
    int64_t deadline = zclock_mono () + PROC_DEADLINE_MS;
    while (!zsys_file_exists (path) || zsys_file_size (path) <= 0) {
        assert_true (zclock_mono () < deadline);
        zclock_sleep (PROC_POLL_MS);
    }
}

//  Gone: no such process, or a zombie nobody has reaped yet (a grandchild is
//  reparented to init, which reaps it when it gets to it)
static bool
s_gone (pid_t pid)
{
    if (kill (pid, 0) != 0)
        return true;
    char path[64];
    snprintf (path, sizeof path, "/proc/%d/stat", (int) pid);
    FILE *stat_file = fopen (path, "r");
    if (!stat_file)
        return true;
    char state = 0;
    int scanned = fscanf (stat_file, "%*d (%*[^)]) %c", &state);
    fclose (stat_file);
    return scanned == 1 && state == 'Z';
}

static char *
s_read (const char *path)
{
    zfile_t *file = zfile_new (NULL, path);
    assert_non_null (file);
    assert_int_equal (zfile_input (file), 0);
    zchunk_t *chunk = zfile_read (file, zfile_cursize (file), 0);
    char *text = zchunk_strdup (chunk);
    zchunk_destroy (&chunk);
    zfile_destroy (&file);
    return text;
}

//  The pid a script wrote to path
static pid_t
s_read_pid (const char *path)
{
    s_wait_file (path);
    char *text = s_read (path);
    pid_t pid = (pid_t) atoi (text);
    free (text);
    assert_true (pid > 0);
    return pid;
}

//  Run node as `/bin/sh -c script`
static void
s_start_script (tf_local_nodes_t *nodes, size_t node, const char *script, char *const env[])
{
    char *const argv[] = {"/bin/sh", "-c", (char *) script, NULL};
    tf_local_nodes_set_command (nodes, node, argv, env);
    assert_int_equal (tf_local_nodes_start (nodes, node), 0);
    assert_true (tf_local_nodes_running (nodes, node));
}

static void
test_tf_local_nodes_names_dirs_logs_and_ports (void **state)
{
    (void) state;
    char *root = s_temp_dir ();
    char *nodes_dir = zsys_sprintf ("%s/nodes", root);
    tf_local_nodes_t *nodes = tf_local_nodes_new (nodes_dir, NULL, 2, 1);
    assert_non_null (nodes);
    assert_int_equal (tf_local_nodes_count (nodes), 3);
    static const char *const names[] = {"validator-0", "validator-1", "executor-0"};
    uint16_t seen[3 * TF_LOCAL_PORT_COUNT];
    for (size_t node = 0; node < 3; node++) {
        assert_string_equal (tf_local_nodes_name (nodes, node), names[node]);
        assert_string_equal (tf_local_nodes_role (nodes, node),
                             node < 2 ? "validator" : "executor");
        assert_int_equal (tf_local_nodes_index (nodes, node), node < 2 ? node : 0);
        char *dir = zsys_sprintf ("%s/%s", nodes_dir, names[node]);
        char *log = zsys_sprintf ("%s/node.log", dir);
        assert_string_equal (tf_local_nodes_dir (nodes, node), dir);
        assert_string_equal (tf_local_nodes_log_path (nodes, node), log);
        assert_true (zsys_file_exists (tf_local_nodes_db_path (nodes, node)));
        zstr_free (&dir);
        zstr_free (&log);
        for (size_t port = 0; port < TF_LOCAL_PORT_COUNT; port++) {
            uint16_t number = tf_local_nodes_port (nodes, node, (tf_local_port_t) port);
            assert_true (number > 0);
            for (size_t before = 0; before < node * TF_LOCAL_PORT_COUNT + port; before++)
                assert_int_not_equal (seen[before], number); //  No two alike
            seen[node * TF_LOCAL_PORT_COUNT + port] = number;
        }
        assert_false (tf_local_nodes_running (nodes, node));
    }
    char *url = tf_local_nodes_url (nodes, 1, TF_LOCAL_PORT_TESTING, "/x");
    char *expected = zsys_sprintf ("http://127.0.0.1:%u/x",
                                   tf_local_nodes_port (nodes, 1, TF_LOCAL_PORT_TESTING));
    assert_string_equal (url, expected);
    zstr_free (&url);
    zstr_free (&expected);
    tf_local_nodes_destroy (&nodes);
    assert_null (nodes);

    //  A log directory of its own gathers the logs there
    char *log_dir = zsys_sprintf ("%s/logs", root);
    nodes = tf_local_nodes_new (nodes_dir, log_dir, 1, 0);
    char *log = zsys_sprintf ("%s/validator-0.log", log_dir);
    assert_string_equal (tf_local_nodes_log_path (nodes, 0), log);
    zstr_free (&log);
    tf_local_nodes_destroy (&nodes);
    zstr_free (&log_dir);
    zstr_free (&nodes_dir);
    s_remove_tree (root);
    free (root);
}

//  A large run: 3 ports per node held at once, past a soft limit of 1024 open
//  files (raised toward the hard limit), every port distinct. 1024 nodes, not
//  the limit: the kernel's search for a free port slows as they fill (4096
//  nodes take seconds)
#define S_LARGE_RUN 1024

static void
test_tf_local_nodes_take_ports_for_a_large_run (void **state)
{
    (void) state;
    struct rlimit limit;
    assert_int_equal (getrlimit (RLIMIT_NOFILE, &limit), 0);
    size_t want = S_LARGE_RUN * TF_LOCAL_PORT_COUNT + TF_LOCAL_NODES_FD_MARGIN;
    if (limit.rlim_max != RLIM_INFINITY && limit.rlim_max < want) {
        fprintf (stderr, "skipped: the hard open-file limit %llu is below %zu\n",
                 (unsigned long long) limit.rlim_max, want);
        skip ();
    }
    struct rlimit low = {1024, limit.rlim_max};
    assert_int_equal (setrlimit (RLIMIT_NOFILE, &low), 0);
    char *root = s_temp_dir ();
    tf_local_nodes_t *nodes = tf_local_nodes_new (root, NULL, S_LARGE_RUN - 1, 1);
    assert_non_null (nodes);
    assert_int_equal (tf_local_nodes_count (nodes), S_LARGE_RUN);
    assert_string_equal (tf_local_nodes_name (nodes, S_LARGE_RUN - 1), "executor-0");
    uint8_t *taken = (uint8_t *) zmalloc (65536);
    for (size_t node = 0; node < S_LARGE_RUN; node++)
        for (size_t port = 0; port < TF_LOCAL_PORT_COUNT; port++) {
            uint16_t number = tf_local_nodes_port (nodes, node, (tf_local_port_t) port);
            assert_true (number > 0);
            assert_false (taken[number]);
            taken[number] = 1;
        }
    free (taken);
    tf_local_nodes_destroy (&nodes);
    assert_int_equal (setrlimit (RLIMIT_NOFILE, &limit), 0);
    s_remove_tree (root);
    free (root);
}

static void
test_tf_local_nodes_run_in_their_dir_with_their_log_and_env (void **state)
{
    (void) state;
    char *root = s_temp_dir ();
    tf_local_nodes_t *nodes = tf_local_nodes_new (root, NULL, 1, 0);
    char *const env[] = {"TF_PROC_EXTRA=yes", NULL};
    s_start_script (nodes, 0, "echo \"cwd=$(pwd) extra=$TF_PROC_EXTRA\"; exit 3", env);
    char text[TF_DEPLOYER_STATE_TEXT];
    s_wait_state (nodes, 0, TF_DEPLOYER_EXITED, text);
    assert_string_equal (text, "exited with status 3");
    assert_false (tf_local_nodes_running (nodes, 0));
    char *output = s_read (tf_local_nodes_log_path (nodes, 0));
    char *expected = zsys_sprintf ("cwd=%s extra=yes\n", tf_local_nodes_dir (nodes, 0));
    assert_string_equal (output, expected);
    zstr_free (&expected);
    free (output);
    //  Started again with the same command, it appends to the same log
    assert_int_equal (tf_local_nodes_start (nodes, 0), 0);
    s_wait_state (nodes, 0, TF_DEPLOYER_EXITED, text);
    output = s_read (tf_local_nodes_log_path (nodes, 0));
    assert_non_null (strstr (strstr (output, "extra=yes") + 1, "extra=yes"));
    free (output);
    tf_local_nodes_destroy (&nodes);
    s_remove_tree (root);
    free (root);
}

static void
test_tf_local_nodes_report_a_binary_that_cannot_run (void **state)
{
    (void) state;
    char *root = s_temp_dir ();
    tf_local_nodes_t *nodes = tf_local_nodes_new (root, NULL, 1, 0);
    char *const argv[] = {"/nonexistent/tf-node", NULL};
    tf_local_nodes_set_command (nodes, 0, argv, NULL);
    assert_int_equal (tf_local_nodes_start (nodes, 0), 0);
    char text[TF_DEPLOYER_STATE_TEXT];
    s_wait_state (nodes, 0, TF_DEPLOYER_EXITED, text);
    char *expected = zsys_sprintf ("exited with status %d", TF_LOCAL_NODES_EXEC_FAILED);
    assert_string_equal (text, expected);
    zstr_free (&expected);
    char *output = s_read (tf_local_nodes_log_path (nodes, 0));
    assert_non_null (strstr (output, "cannot execute the node binary"));
    free (output);
    tf_local_nodes_destroy (&nodes);
    s_remove_tree (root);
    free (root);
}

static void
test_tf_local_nodes_kill_reaches_the_whole_group (void **state)
{
    (void) state;
    char *root = s_temp_dir ();
    tf_local_nodes_t *nodes = tf_local_nodes_new (root, NULL, 1, 0);
    //  A wrapper that starts a child and waits: killing the wrapper's group
    //  must end the child too
    char *pid_file = zsys_sprintf ("%s/child.pid", root);
    char *script = zsys_sprintf ("sleep 60 & echo $! > %s; wait", pid_file);
    s_start_script (nodes, 0, script, NULL);
    pid_t child = s_read_pid (pid_file);
    assert_int_equal (tf_local_nodes_kill (nodes, 0, NULL), 0);
    char text[TF_DEPLOYER_STATE_TEXT];
    assert_int_equal (tf_local_nodes_state (nodes, 0, text), TF_DEPLOYER_EXITED);
    assert_string_equal (text, "killed by signal 9 (Killed)");
    //  The grandchild went with the group (it is reparented, not ours to reap)
    int64_t deadline = zclock_mono () + PROC_DEADLINE_MS;
    while (!s_gone (child)) {
        assert_true (zclock_mono () < deadline);
        zclock_sleep (PROC_POLL_MS);
    }
    assert_int_equal (tf_local_nodes_pause (nodes, 0), -1); //  Nothing to signal
    zstr_free (&script);
    zstr_free (&pid_file);
    tf_local_nodes_destroy (&nodes);
    s_remove_tree (root);
    free (root);
}

//  The state letter of pid in /proc ('T' when stopped)
static char
s_proc_state (pid_t pid)
{
    char path[64];
    snprintf (path, sizeof path, "/proc/%d/stat", (int) pid);
    FILE *stat_file = fopen (path, "r");
    assert_non_null (stat_file);
    char letter = 0;
    assert_int_equal (fscanf (stat_file, "%*d (%*[^)]) %c", &letter), 1);
    fclose (stat_file);
    return letter;
}

static void
test_tf_local_nodes_pause_and_resume (void **state)
{
    (void) state;
    char *root = s_temp_dir ();
    tf_local_nodes_t *nodes = tf_local_nodes_new (root, NULL, 1, 0);
    char *pid_file = zsys_sprintf ("%s/self.pid", root);
    char *script = zsys_sprintf ("echo $$ > %s; exec sleep 60", pid_file);
    s_start_script (nodes, 0, script, NULL);
    pid_t pid = s_read_pid (pid_file);
    char text[TF_DEPLOYER_STATE_TEXT];
    assert_int_equal (tf_local_nodes_pause (nodes, 0), 0);
    assert_int_equal (tf_local_nodes_state (nodes, 0, text), TF_DEPLOYER_PAUSED);
    int64_t deadline = zclock_mono () + PROC_DEADLINE_MS;
    while (s_proc_state (pid) != 'T') {
        assert_true (zclock_mono () < deadline);
        zclock_sleep (PROC_POLL_MS);
    }
    assert_int_equal (tf_local_nodes_resume (nodes, 0), 0);
    assert_int_equal (tf_local_nodes_state (nodes, 0, text), TF_DEPLOYER_RUNNING);
    deadline = zclock_mono () + PROC_DEADLINE_MS;
    while (s_proc_state (pid) == 'T') {
        assert_true (zclock_mono () < deadline);
        zclock_sleep (PROC_POLL_MS);
    }
    //  Paused again, destroy still ends it
    assert_int_equal (tf_local_nodes_pause (nodes, 0), 0);
    tf_local_nodes_destroy (&nodes);
    assert_true (s_gone (pid));
    zstr_free (&script);
    zstr_free (&pid_file);
    s_remove_tree (root);
    free (root);
}

static void
test_tf_local_nodes_stop_all_terms_then_kills (void **state)
{
    (void) state;
    char *root = s_temp_dir ();
    tf_local_nodes_t *nodes = tf_local_nodes_new (root, NULL, 3, 0);
    //  Node 0 ends on SIGTERM; node 1 ignores it; node 2 is paused and ends on
    //  SIGTERM once continued
    char *ready_file = zsys_sprintf ("%s/ignoring", root);
    char *stubborn = zsys_sprintf ("trap '' TERM; echo yes > %s; exec sleep 60", ready_file);
    s_start_script (nodes, 0, "exec sleep 60", NULL);
    s_start_script (nodes, 1, stubborn, NULL);
    s_start_script (nodes, 2, "exec sleep 60", NULL);
    s_wait_file (ready_file);
    assert_int_equal (tf_local_nodes_pause (nodes, 2), 0);
    int64_t started = zclock_mono ();
    assert_int_equal (tf_local_nodes_stop_all (nodes, STOP_GRACE_MS, NULL), 0);
    assert_true (zclock_mono () - started >= STOP_GRACE_MS);
    char text[TF_DEPLOYER_STATE_TEXT];
    static const char *const ends[] = {"killed by signal 15 (Terminated)",
                                       "killed by signal 9 (Killed)",
                                       "killed by signal 15 (Terminated)"};
    for (size_t node = 0; node < 3; node++) {
        assert_int_equal (tf_local_nodes_state (nodes, node, text), TF_DEPLOYER_EXITED);
        assert_string_equal (text, ends[node]);
    }
    assert_int_equal (tf_local_nodes_kill_all (nodes), 0); //  Nothing left
    tf_local_nodes_destroy (&nodes);
    zstr_free (&stubborn);
    zstr_free (&ready_file);
    s_remove_tree (root);
    free (root);
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_tf_local_nodes_names_dirs_logs_and_ports),
        cmocka_unit_test (test_tf_local_nodes_take_ports_for_a_large_run),
        cmocka_unit_test (test_tf_local_nodes_run_in_their_dir_with_their_log_and_env),
        cmocka_unit_test (test_tf_local_nodes_report_a_binary_that_cannot_run),
        cmocka_unit_test (test_tf_local_nodes_kill_reaches_the_whole_group),
        cmocka_unit_test (test_tf_local_nodes_pause_and_resume),
        cmocka_unit_test (test_tf_local_nodes_stop_all_terms_then_kills),
    };
    return cmocka_run_group_tests_name ("tf_local_nodes", tests, NULL, NULL);
}
