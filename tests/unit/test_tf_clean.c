//  test_tf_clean.c - tf clean: crashed runs are stopped and removed, live runs
//  and processes that are not the run's are left alone

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <czmq.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "tf_clean.h"

#define S_HOUR_MS (60 * 60 * 1000)

extern char **environ;

typedef struct {
    char root[64]; //  The TMPDIR under test
    char *output;  //  What tf clean printed
    size_t output_size;
} fixture_t;

static int
setup (void **state)
{
    fixture_t *fixture = (fixture_t *) calloc (1, sizeof (fixture_t));
    strcpy (fixture->root, "/tmp/tf-test-clean-XXXXXX");
    assert_non_null (mkdtemp (fixture->root));
    *state = fixture;
    return 0;
}

static int
teardown (void **state)
{
    fixture_t *fixture = (fixture_t *) *state;
    char *command = zsys_sprintf ("rm -rf '%s'", fixture->root);
    assert_int_equal (system (command), 0);
    zstr_free (&command);
    free (fixture->output);
    free (fixture);
    return 0;
}

//  A run directory root/tf-run-<id>; caller frees
static char *
s_make_run_dir (fixture_t *fixture, const char *id)
{
    char *dir = zsys_sprintf ("%s/%s%s", fixture->root, TF_RUNDIR_PREFIX, id);
    assert_int_equal (mkdir (dir, 0700), 0);
    return dir;
}

static void
s_write (const char *dir, const char *name, const char *text)
{
    char *path = zsys_sprintf ("%s/%s", dir, name);
    FILE *file = fopen (path, "w");
    assert_non_null (file);
    fputs (text, file);
    fclose (file);
    zstr_free (&path);
}

//  A crashed run's marker: a supervisor pid that has ended
static void
s_mark_crashed (const char *dir, const char *id)
{
    pid_t pid = fork ();
    assert_true (pid >= 0);
    if (pid == 0)
        _exit (0);
    assert_int_equal (waitpid (pid, NULL, 0), pid);
    char *text = zsys_sprintf ("%d 12345 %s\n", (int) pid, id);
    s_write (dir, TF_RUNDIR_MARKER, text);
    zstr_free (&text);
}

//  Start /bin/sleep 60 named arg0 (its argv[0]) with env_entry added (or not)
static pid_t
s_start_sleeper (const char *arg0, const char *env_entry)
{
    size_t count = 0;
    while (environ[count])
        count++;
    char **envp = (char **) calloc (count + 2, sizeof (char *));
    for (size_t index = 0; index < count; index++)
        envp[index] = environ[index];
    envp[count] = (char *) env_entry;
    char *argv[] = {(char *) arg0, "60", NULL};
    pid_t pid;
    assert_int_equal (posix_spawn (&pid, "/bin/sleep", NULL, NULL, argv, envp), 0);
    free (envp);
    return pid;
}

//  Wait until the sleeper runs sleep with its arguments in place (exec sets
//  the name before the arguments, and posix_spawn may return in between)
static void
s_wait_exec (pid_t pid)
{
    char path[64];
    snprintf (path, sizeof path, "/proc/%d/cmdline", (int) pid);
    int64_t deadline = zclock_mono () + 5000;
    while (zclock_mono () < deadline) {
        char cmdline[512];
        size_t size = 0;
        FILE *file = fopen (path, "rb");
        if (file) {
            size = fread (cmdline, 1, sizeof cmdline, file);
            fclose (file);
        }
        if (size >= 4
            && memcmp (cmdline + size - 4,
                       "\0"
                       "60\0",
                       4)
                   == 0)
            return;
        zclock_sleep (10); //  Polling /proc against a deadline
    }
    fail_msg ("process %d never ran sleep 60", (int) pid);
}

static int
s_clean (fixture_t *fixture, int64_t older_than_ms, const char *const *run_ids, bool dry_run)
{
    free (fixture->output);
    fixture->output = NULL;
    FILE *out = open_memstream (&fixture->output, &fixture->output_size);
    tf_clean_config_t config = {.root = fixture->root,
                                .older_than_ms = older_than_ms,
                                .run_ids = run_ids,
                                .dry_run = dry_run};
    int rc = tf_clean_run (&config, out, stderr);
    fclose (out);
    print_message ("tf clean:\n%s", fixture->output);
    return rc;
}

static bool
s_exists (const char *path)
{
    struct stat info;
    return stat (path, &info) == 0;
}

static void
test_tf_clean_stops_a_crashed_runs_processes_and_removes_it (void **state)
{
    fixture_t *fixture = (fixture_t *) *state;
    char *dir = s_make_run_dir (fixture, "abc123");
    s_mark_crashed (dir, "abc123");
    //  One process of the run (TF_RUN_DIR), one stranger listed by mistake
    char *env_entry = zsys_sprintf ("TF_RUN_DIR=%s", dir);
    pid_t actor = s_start_sleeper ("actor", env_entry);
    pid_t stranger = s_start_sleeper ("stranger", NULL);
    //  A node: names the run directory on its command line
    char *config = zsys_sprintf ("%s/nodes/node-0/node.yaml", dir);
    pid_t node = s_start_sleeper (config, NULL);
    s_wait_exec (actor);
    s_wait_exec (stranger);
    s_wait_exec (node);
    char *pids = zsys_sprintf ("%d coordinator\n%d deployer\n", (int) actor, (int) stranger);
    s_write (dir, "pids", pids);
    assert_true (tf_clean_pid_belongs (actor, dir));
    assert_true (tf_clean_pid_belongs (node, dir));
    assert_false (tf_clean_pid_belongs (stranger, dir));
    assert_false (tf_clean_run_is_live (dir));

    assert_int_equal (s_clean (fixture, 0, NULL, false), 0);
    assert_false (s_exists (dir));
    assert_non_null (strstr (fixture->output, "run abc123: stopped 2 process(es), removed "));
    int status;
    assert_int_equal (waitpid (actor, &status, 0), actor);
    assert_true (WIFSIGNALED (status) && WTERMSIG (status) == SIGTERM);
    assert_int_equal (waitpid (node, &status, 0), node);
    assert_true (WIFSIGNALED (status) && WTERMSIG (status) == SIGTERM);
    //  The stranger was left alone
    assert_int_equal (waitpid (stranger, &status, WNOHANG), 0);
    assert_int_equal (kill (stranger, SIGKILL), 0);
    assert_int_equal (waitpid (stranger, &status, 0), stranger);
    zstr_free (&pids);
    zstr_free (&config);
    zstr_free (&env_entry);
    zstr_free (&dir);
}

static void
test_tf_clean_leaves_a_live_run_alone (void **state)
{
    fixture_t *fixture = (fixture_t *) *state;
    char *dir = s_make_run_dir (fixture, "live01");
    assert_int_equal (tf_clean_mark (dir, "live01"), 0); //  We are its supervisor
    assert_true (tf_clean_run_is_live (dir));
    assert_int_equal (s_clean (fixture, 0, NULL, false), 0);
    assert_true (s_exists (dir));
    assert_non_null (strstr (fixture->output, "run live01: live (tf pid "));
    //  A marker of a pid that runs but started at another time is not live
    char *text = zsys_sprintf ("%d 1 live01\n", (int) getpid ());
    s_write (dir, TF_RUNDIR_MARKER, text);
    assert_false (tf_clean_run_is_live (dir));
    zstr_free (&text);
    zstr_free (&dir);
}

static void
test_tf_clean_honours_run_ids_dry_run_and_age (void **state)
{
    fixture_t *fixture = (fixture_t *) *state;
    char *first = s_make_run_dir (fixture, "first1");
    char *second = s_make_run_dir (fixture, "second");
    s_mark_crashed (first, "first1");
    s_mark_crashed (second, "second");
    //  A directory that is not a run is never a candidate
    char *other = zsys_sprintf ("%s/other", fixture->root);
    assert_int_equal (mkdir (other, 0700), 0);

    assert_int_equal (s_clean (fixture, 0, NULL, true), 0);
    assert_true (s_exists (first) && s_exists (second));
    assert_non_null (strstr (fixture->output, "run first1: would stop 0 process(es) and remove"));

    assert_int_equal (s_clean (fixture, S_HOUR_MS, NULL, false), 0);
    assert_true (s_exists (first) && s_exists (second)); //  Both are seconds old

    const char *only[] = {"second", NULL};
    assert_int_equal (s_clean (fixture, 0, only, false), 0);
    assert_true (s_exists (first));
    assert_false (s_exists (second));
    assert_null (strstr (fixture->output, "first1"));

    assert_int_equal (s_clean (fixture, 0, NULL, false), 0);
    assert_false (s_exists (first));
    assert_true (s_exists (other));
    zstr_free (&other);
    zstr_free (&second);
    zstr_free (&first);
}

static void
test_tf_clean_waits_for_an_unmarked_young_directory (void **state)
{
    fixture_t *fixture = (fixture_t *) *state;
    char *dir = s_make_run_dir (fixture, "young1"); //  No tf.pid: maybe starting
    assert_int_equal (s_clean (fixture, 0, NULL, false), 0);
    assert_true (s_exists (dir));
    assert_non_null (strstr (fixture->output, "run young1: no tf.pid and active "));
    zstr_free (&dir);
}

static void
test_tf_clean_keeps_a_finished_run_unless_asked (void **state)
{
    fixture_t *fixture = (fixture_t *) *state;
    char *dir = s_make_run_dir (fixture, "kept01");
    s_mark_crashed (dir, "kept01");
    s_write (dir, "report.json", "{\"verdict\": \"failed\"}\n");
    assert_int_equal (s_clean (fixture, 0, NULL, false), 0);
    assert_true (s_exists (dir));
    assert_non_null (strstr (fixture->output, "run kept01: finished with a report, kept"));
    const char *only[] = {"kept01", NULL};
    assert_int_equal (s_clean (fixture, 0, only, false), 0);
    assert_false (s_exists (dir));
    zstr_free (&dir);
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown (
            test_tf_clean_stops_a_crashed_runs_processes_and_removes_it, setup, teardown),
        cmocka_unit_test_setup_teardown (test_tf_clean_leaves_a_live_run_alone, setup, teardown),
        cmocka_unit_test_setup_teardown (test_tf_clean_keeps_a_finished_run_unless_asked, setup,
                                         teardown),
        cmocka_unit_test_setup_teardown (test_tf_clean_honours_run_ids_dry_run_and_age, setup,
                                         teardown),
        cmocka_unit_test_setup_teardown (test_tf_clean_waits_for_an_unmarked_young_directory, setup,
                                         teardown),
    };
    return cmocka_run_group_tests_name ("tf_clean", tests, NULL, NULL);
}
