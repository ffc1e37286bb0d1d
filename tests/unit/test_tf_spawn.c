//  test_tf_spawn.c - child processes: logs, a log's last error, environment,
//  process groups, exec failures, and no survivor when the parent dies

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include "tf_spawn.h"

#define TEST_WAIT_MS 10000 //  Longest wait for a child to end
#define TEST_POLL_MS 10

typedef struct {
    char *dir; //  Private temporary directory
    char *log; //  dir/child.log
} s_fixture_t;

static int
s_setup (void **state)
{
    s_fixture_t *fixture = (s_fixture_t *) zmalloc (sizeof (s_fixture_t));
    fixture->dir = strdup ("/tmp/tf-spawn-XXXXXX");
    assert_non_null (mkdtemp (fixture->dir));
    fixture->log = zsys_sprintf ("%s/child.log", fixture->dir);
    *state = fixture;
    return 0;
}

static int
s_teardown (void **state)
{
    s_fixture_t *fixture = (s_fixture_t *) *state;
    unlink (fixture->log);
    rmdir (fixture->dir);
    zstr_free (&fixture->log);
    free (fixture->dir);
    free (fixture);
    return 0;
}

//  Reap the child as the supervisor does (waitpid, then tf_spawn_set_status),
//  waiting at most TEST_WAIT_MS for it to end
static void
s_wait (tf_spawn_t *spawn)
{
    int64_t deadline = zclock_mono () + TEST_WAIT_MS;
    while (tf_spawn_running (spawn) && zclock_mono () < deadline) {
        int status;
        if (waitpid (tf_spawn_pid (spawn), &status, WNOHANG) == tf_spawn_pid (spawn))
            tf_spawn_set_status (spawn, status);
        else
            zclock_sleep (TEST_POLL_MS);
    }
    assert_false (tf_spawn_running (spawn));
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
test_tf_spawn_logs_output_and_exit_code (void **state)
{
    s_fixture_t *fixture = (s_fixture_t *) *state;
    tf_spawn_t *spawn = tf_spawn_new ("echoer");
    tf_spawn_shell (spawn, "echo out-$TF_TEST_VALUE; echo err >&2; exit 7");
    tf_spawn_setenv (spawn, "TF_TEST_VALUE", "first");
    tf_spawn_setenv (spawn, "TF_TEST_VALUE", "second"); //  Replaces
    assert_int_equal (tf_spawn_start (spawn, fixture->log), 0);
    assert_true (tf_spawn_pid (spawn) > 0);
    s_wait (spawn);
    assert_int_equal (tf_spawn_exit_code (spawn), 7);
    assert_int_equal (tf_spawn_term_signal (spawn), 0);
    assert_string_equal (tf_spawn_describe (spawn), "exited with status 7");
    char *log = s_read (fixture->log);
    assert_string_equal (log, "out-second\nerr\n");
    free (log);
    tf_spawn_destroy (&spawn);
    assert_null (spawn);
}

//  Run command to its end with a fresh log, then ask for the log's last error
static bool
s_last_error (s_fixture_t *fixture, const char *command, char *text, size_t size)
{
    unlink (fixture->log);
    tf_spawn_t *spawn = tf_spawn_new ("failing");
    tf_spawn_shell (spawn, command);
    assert_int_equal (tf_spawn_start (spawn, fixture->log), 0);
    s_wait (spawn);
    bool found = tf_spawn_last_error (spawn, text, size);
    tf_spawn_destroy (&spawn);
    return found;
}

//  The last "E: " line of the child's log, without CZMQ's prefix; none in a
//  log without one
static void
test_tf_spawn_last_error_is_the_logs_last (void **state)
{
    s_fixture_t *fixture = (s_fixture_t *) *state;
    tf_spawn_t *spawn = tf_spawn_new ("unstarted");
    char text[128] = "";
    assert_false (tf_spawn_last_error (spawn, text, sizeof text));
    tf_spawn_destroy (&spawn);
    assert_true (s_last_error (fixture,
                               "echo 'I: (tf-x) 26-12-05 05:24:20 starting';"
                               " echo 'E: (tf-x) 26-12-05 05:24:21 first trouble';"
                               " echo 'E: 26-12-05 05:24:22 unknown node profile geth';"
                               " echo 'I: (tf-x) 26-12-05 05:24:23 stopping'; exit 3",
                               text, sizeof text));
    assert_string_equal (text, "unknown node profile geth");
    assert_true (s_last_error (fixture,
                               "echo 'E: (tf-x) 26-12-05 05:24:21 with its ident';"
                               " echo 'E: not one of CZMQ s lines'; exit 3",
                               text, sizeof text));
    assert_string_equal (text, "not one of CZMQ s lines");
    assert_false (s_last_error (fixture, "echo 'I: all well'; exit 3", text, sizeof text));
}

static void
test_tf_spawn_reports_exec_failure (void **state)
{
    s_fixture_t *fixture = (s_fixture_t *) *state;
    tf_spawn_t *spawn = tf_spawn_new ("ghost");
    tf_spawn_arg (spawn, "/nonexistent/tf-ghost");
    assert_int_equal (tf_spawn_start (spawn, fixture->log), -1);
    assert_false (tf_spawn_running (spawn));
    tf_spawn_destroy (&spawn);
}

static void
test_tf_spawn_runs_child_in_own_group_and_signals_it (void **state)
{
    s_fixture_t *fixture = (s_fixture_t *) *state;
    tf_spawn_t *spawn = tf_spawn_new ("sleeper");
    //  Compound: the shell stays, the sleep is a grandchild in the same group
    tf_spawn_shell (spawn, "sleep 60; echo never");
    assert_int_equal (tf_spawn_start (spawn, fixture->log), 0);
    pid_t pid = tf_spawn_pid (spawn);
    assert_int_equal (getpgid (pid), pid);
    assert_int_not_equal (getpgid (pid), getpgid (0));
    assert_int_equal (tf_spawn_signal (spawn, SIGTERM), 0);
    s_wait (spawn);
    assert_int_equal (tf_spawn_term_signal (spawn), SIGTERM);
    assert_non_null (strstr (tf_spawn_describe (spawn), "killed by signal 15"));
    assert_int_equal (tf_spawn_signal (spawn, SIGTERM), -1); //  Reaped: never again
    char *log = s_read (fixture->log);
    assert_null (strstr (log, "never"));
    free (log);
    tf_spawn_destroy (&spawn);
}

static void
test_tf_spawn_child_dies_with_its_parent (void **state)
{
    s_fixture_t *fixture = (s_fixture_t *) *state;
    //  We adopt orphans, so the child of a dead parent comes back to us
    assert_int_equal (prctl (PR_SET_CHILD_SUBREAPER, 1), 0);
    int channel[2];
    assert_int_equal (pipe (channel), 0);
    pid_t parent = fork ();
    assert_true (parent >= 0);
    if (parent == 0) {
        tf_spawn_t *spawn = tf_spawn_new ("orphan");
        tf_spawn_arg (spawn, "/bin/sleep");
        tf_spawn_arg (spawn, "60");
        if (tf_spawn_start (spawn, fixture->log))
            _exit (1);
        pid_t child = tf_spawn_pid (spawn);
        ssize_t written = write (channel[1], &child, sizeof child);
        _exit (written == sizeof child ? 0 : 1);
    }
    close (channel[1]);
    pid_t child = 0;
    assert_int_equal (read (channel[0], &child, sizeof child), sizeof child);
    close (channel[0]);
    int status;
    assert_int_equal (waitpid (parent, &status, 0), parent);
    assert_int_equal (WEXITSTATUS (status), 0);
    //  The orphan was reparented to us and got SIGTERM from its parent's death
    assert_int_equal (waitpid (child, &status, 0), child);
    assert_true (WIFSIGNALED (status));
    assert_int_equal (WTERMSIG (status), SIGTERM);
    prctl (PR_SET_CHILD_SUBREAPER, 0);
}

static void
test_tf_spawn_shell_is_simple (void **state)
{
    assert_true (tf_spawn_shell_is_simple ("tf-test-actor --role expectation"));
    assert_true (tf_spawn_shell_is_simple ("  ./actor --fail \"two words\" $HOME"));
    assert_false (tf_spawn_shell_is_simple ("a; b"));
    assert_false (tf_spawn_shell_is_simple ("a && b"));
    assert_false (tf_spawn_shell_is_simple ("a | b"));
    assert_false (tf_spawn_shell_is_simple ("a > log"));
    assert_false (tf_spawn_shell_is_simple ("(a)"));
    assert_false (tf_spawn_shell_is_simple ("FOO=1 actor"));
    assert_false (tf_spawn_shell_is_simple ("while true"));
    assert_false (tf_spawn_shell_is_simple ("exec actor"));
    assert_false (tf_spawn_shell_is_simple ("   "));
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown (test_tf_spawn_logs_output_and_exit_code, s_setup,
                                         s_teardown),
        cmocka_unit_test_setup_teardown (test_tf_spawn_last_error_is_the_logs_last, s_setup,
                                         s_teardown),
        cmocka_unit_test_setup_teardown (test_tf_spawn_reports_exec_failure, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_tf_spawn_runs_child_in_own_group_and_signals_it,
                                         s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_tf_spawn_child_dies_with_its_parent, s_setup,
                                         s_teardown),
        cmocka_unit_test (test_tf_spawn_shell_is_simple),
    };
    return cmocka_run_group_tests_name ("tf_spawn", tests, NULL, NULL);
}
