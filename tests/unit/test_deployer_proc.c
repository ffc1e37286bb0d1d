//  test_deployer_proc - node processes: spawned with their log, environment and
//  directory, described when they end, signalled as a group
//  (deployers/local/tf_node_proc.h)

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <czmq.h>
#include "tf_node_proc.h"

#define PROC_DEADLINE_MS 10000 //  Longest wait for a child to end
#define PROC_POLL_MS     10

//  Wait for pid to end (with a deadline); returns its wait status
static int
s_wait (pid_t pid)
{
    int64_t deadline = zclock_mono () + PROC_DEADLINE_MS;
    int status = 0;
    while (!tf_node_proc_reap (pid, &status)) {
        assert_true (zclock_mono () < deadline);
        zclock_sleep (PROC_POLL_MS);
    }
    return status;
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

static void
test_tf_node_proc_runs_in_its_dir_with_its_log_and_env (void **state)
{
    (void) state;
    char dir[] = "/tmp/test-deployer-proc-XXXXXX";
    assert_non_null (mkdtemp (dir));
    char *log = zsys_sprintf ("%s/node.log", dir);
    char *const argv[] = {"/bin/sh", "-c", "echo \"cwd=$(pwd) extra=$TF_PROC_EXTRA\"; exit 3",
                          NULL};
    char *const env[] = {"TF_PROC_EXTRA=yes", NULL};
    pid_t pid = tf_node_proc_spawn (argv, dir, log, env);
    assert_true (pid > 0);
    int status = s_wait (pid);
    char text[TF_NODE_PROC_TEXT_SIZE];
    tf_node_proc_describe (status, text);
    assert_string_equal (text, "exited with status 3");
    char *output = s_read (log);
    char *expected = zsys_sprintf ("cwd=%s extra=yes\n", dir);
    assert_string_equal (output, expected);
    zstr_free (&expected);
    free (output);
    remove (log);
    rmdir (dir);
    zstr_free (&log);
}

static void
test_tf_node_proc_reports_a_binary_that_cannot_run (void **state)
{
    (void) state;
    char dir[] = "/tmp/test-deployer-proc-XXXXXX";
    assert_non_null (mkdtemp (dir));
    char *log = zsys_sprintf ("%s/node.log", dir);
    char *const argv[] = {"/nonexistent/tf-node", NULL};
    pid_t pid = tf_node_proc_spawn (argv, dir, log, NULL);
    assert_true (pid > 0);
    int status = s_wait (pid);
    assert_true (WIFEXITED (status));
    assert_int_equal (WEXITSTATUS (status), TF_NODE_PROC_EXEC_FAILED);
    char *output = s_read (log);
    assert_non_null (strstr (output, "cannot execute the node binary"));
    free (output);
    remove (log);
    rmdir (dir);
    zstr_free (&log);
}

static void
test_tf_node_proc_signal_reaches_the_whole_group (void **state)
{
    (void) state;
    char dir[] = "/tmp/test-deployer-proc-XXXXXX";
    assert_non_null (mkdtemp (dir));
    char *log = zsys_sprintf ("%s/node.log", dir);
    char *pid_file = zsys_sprintf ("%s/child.pid", dir);
    //  A wrapper that starts a child and waits: signalling the wrapper's group
    //  must end the child too
    char *script = zsys_sprintf ("sleep 60 & echo $! > %s; wait", pid_file);
    char *const argv[] = {"/bin/sh", "-c", script, NULL};
    pid_t pid = tf_node_proc_spawn (argv, dir, log, NULL);
    assert_true (pid > 0);
    int64_t deadline = zclock_mono () + PROC_DEADLINE_MS;
    while (!zsys_file_exists (pid_file) || zsys_file_size (pid_file) <= 0) {
        assert_true (zclock_mono () < deadline);
        zclock_sleep (PROC_POLL_MS);
    }
    char *child_text = s_read (pid_file);
    pid_t child = (pid_t) atoi (child_text);
    free (child_text);
    assert_true (child > 0);
    assert_int_equal (getpgid (pid), pid);
    assert_int_equal (getpgid (child), pid);
    assert_int_equal (tf_node_proc_signal (pid, SIGKILL), 0);
    int status = s_wait (pid);
    char text[TF_NODE_PROC_TEXT_SIZE];
    tf_node_proc_describe (status, text);
    assert_string_equal (text, "killed by signal 9 (Killed)");
    //  The grandchild went with the group (it is reparented, not ours to reap)
    deadline = zclock_mono () + PROC_DEADLINE_MS;
    while (!s_gone (child)) {
        assert_true (zclock_mono () < deadline);
        zclock_sleep (PROC_POLL_MS);
    }
    assert_int_equal (tf_node_proc_signal (0, SIGKILL), -1);
    remove (pid_file);
    remove (log);
    rmdir (dir);
    zstr_free (&script);
    zstr_free (&pid_file);
    zstr_free (&log);
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_tf_node_proc_runs_in_its_dir_with_its_log_and_env),
        cmocka_unit_test (test_tf_node_proc_reports_a_binary_that_cannot_run),
        cmocka_unit_test (test_tf_node_proc_signal_reaches_the_whole_group),
    };
    return cmocka_run_group_tests_name ("tf_node_proc", tests, NULL, NULL);
}
