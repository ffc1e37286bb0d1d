//  test_tf_clean.c - tf clean: crashed runs are stopped and removed; live runs,
//  processes that are not the run's and directories tf did not make are left alone

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <czmq.h>
#include <ctype.h>
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

//  A crashed run's marker, written by tf's own code in a supervisor that has
//  since ended
static void
s_mark_crashed (const char *dir, const char *id)
{
    pid_t pid = fork ();
    assert_true (pid >= 0);
    if (pid == 0)
        _exit (tf_clean_mark (dir, id) == 0 ? 0 : 1);
    int status;
    assert_int_equal (waitpid (pid, &status, 0), pid);
    assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
}

//  Set the modification time of path and everything below it ago_ms back
static void
s_age (const char *path, int64_t ago_ms)
{
    char *command = zsys_sprintf ("find '%s' -exec touch -h -d '@%" PRId64 "' {} +", path,
                                  (zclock_time () - ago_ms) / 1000);
    assert_int_equal (system (command), 0);
    zstr_free (&command);
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
    char *real = realpath (dir, NULL);
    char *text = zsys_sprintf ("tf-run 1 %d 1 live01\n%s\n", (int) getpid (), real);
    free (real);
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

//  What tf did not make is never touched, whatever it is named or holds
static void
test_tf_clean_never_touches_what_tf_did_not_make (void **state)
{
    fixture_t *fixture = (fixture_t *) *state;
    //  A project of someone's with a tf.pid that is not tf's
    char *project = zsys_sprintf ("%s/myproject", fixture->root);
    assert_int_equal (mkdir (project, 0700), 0);
    s_write (project, TF_RUNDIR_MARKER, "12345\n");
    s_write (project, "notes.txt", "keep me\n");
    //  A short name, and a name with bytes that are not printable
    char *short_name = zsys_sprintf ("%s/ab", fixture->root);
    assert_int_equal (mkdir (short_name, 0700), 0);
    s_write (short_name, TF_RUNDIR_MARKER, "1 2 x\n");
    char *odd = zsys_sprintf ("%s/odd\x01\x7f", fixture->root);
    assert_int_equal (mkdir (odd, 0700), 0);
    s_write (odd, TF_RUNDIR_MARKER, "tf-run 1 1 1 odd\n/elsewhere\n");
    //  Named like a run, no marker (tf writes it the moment it makes the directory)
    char *unmarked = s_make_run_dir (fixture, "nomark");
    s_age (unmarked, 2 * S_HOUR_MS);
    //  Named like a run, a marker copied from another run's directory
    char *original = s_make_run_dir (fixture, "orig01");
    s_mark_crashed (original, "orig01");
    char *copy = s_make_run_dir (fixture, "copy01");
    char *command = zsys_sprintf ("cp '%s/%s' '%s/'", original, TF_RUNDIR_MARKER, copy);
    assert_int_equal (system (command), 0);
    zstr_free (&command);
    //  A marker that is a link to a real one, and one that is a FIFO (no hang)
    char *linked = s_make_run_dir (fixture, "link01");
    command = zsys_sprintf ("ln -s '%s/%s' '%s/%s'", original, TF_RUNDIR_MARKER, linked,
                            TF_RUNDIR_MARKER);
    assert_int_equal (system (command), 0);
    zstr_free (&command);
    char *fifo_dir = s_make_run_dir (fixture, "fifo01");
    char *fifo = zsys_sprintf ("%s/%s", fifo_dir, TF_RUNDIR_MARKER);
    assert_int_equal (mkfifo (fifo, 0600), 0);
    //  A link named like a run, to a run: never followed
    char *alias = zsys_sprintf ("%s/%salias1", fixture->root, TF_RUNDIR_PREFIX);
    assert_int_equal (symlink (original, alias), 0);

    const char *only_ours[] = {"copy01", "link01", "fifo01", "nomark", "alias1", NULL};
    assert_int_equal (s_clean (fixture, 0, only_ours, false), 0);
    assert_int_equal (s_clean (fixture, 0, NULL, false), 0);
    assert_true (s_exists (project) && s_exists (short_name) && s_exists (odd));
    char *notes = zsys_sprintf ("%s/notes.txt", project);
    assert_true (s_exists (notes));
    assert_true (s_exists (unmarked) && s_exists (copy) && s_exists (linked));
    struct stat link_info;
    assert_true (s_exists (fifo_dir) && lstat (alias, &link_info) == 0);
    assert_non_null (strstr (fixture->output, "/myproject: not a run tf made"));
    assert_non_null (strstr (fixture->output, "/odd??: not a run tf made"));
    assert_non_null (strstr (fixture->output, "/tf-run-nomark: not a run tf made"));
    assert_non_null (strstr (fixture->output, "/tf-run-copy01: not a run tf made"));
    //  The one real run went, and only it
    assert_false (s_exists (original));
    assert_non_null (strstr (fixture->output, "run orig01: stopped 0 process(es), removed "));
    for (const char *byte = fixture->output; *byte; byte++)
        assert_true (*byte == '\n' || isprint ((unsigned char) *byte));
    zstr_free (&notes);
    zstr_free (&alias);
    zstr_free (&fifo);
    zstr_free (&fifo_dir);
    zstr_free (&linked);
    zstr_free (&copy);
    zstr_free (&original);
    zstr_free (&unmarked);
    zstr_free (&odd);
    zstr_free (&short_name);
    zstr_free (&project);
}

//  A --run-dir run: its processes are stopped, its directory is never removed
static void
test_tf_clean_stops_a_given_run_dirs_processes_but_keeps_it (void **state)
{
    fixture_t *fixture = (fixture_t *) *state;
    char *dir = zsys_sprintf ("%s/my-run", fixture->root);
    assert_int_equal (mkdir (dir, 0700), 0);
    s_mark_crashed (dir, "1a2b3c4d");
    char *env_entry = zsys_sprintf ("TF_RUN_DIR=%s", dir);
    pid_t actor = s_start_sleeper ("actor", env_entry);
    s_wait_exec (actor);
    assert_int_equal (s_clean (fixture, 0, NULL, false), 0);
    assert_true (s_exists (dir));
    assert_non_null (strstr (fixture->output, "run 1a2b3c4d: stopped 1 process(es); "));
    assert_non_null (strstr (fixture->output, "(a --run-dir is never removed)"));
    int status;
    assert_int_equal (waitpid (actor, &status, 0), actor);
    //  Nothing left running: nothing to say, still kept, even when asked for by id
    assert_int_equal (s_clean (fixture, 0, NULL, false), 0);
    assert_true (s_exists (dir));
    const char *by_id[] = {"1a2b3c4d", NULL};
    assert_int_equal (s_clean (fixture, 0, by_id, false), 0);
    assert_true (s_exists (dir));
    assert_non_null (strstr (fixture->output, "run 1a2b3c4d: nothing running; "));
    zstr_free (&env_entry);
    zstr_free (&dir);
}

//  Idleness is the age of the run's own files, not of its neighbours'
static void
test_tf_clean_measures_idleness_by_the_runs_own_files (void **state)
{
    fixture_t *fixture = (fixture_t *) *state;
    char *old_run = s_make_run_dir (fixture, "old001");
    s_mark_crashed (old_run, "old001");
    char *logs = zsys_sprintf ("%s/logs", old_run);
    assert_int_equal (mkdir (logs, 0700), 0);
    s_write (logs, "coordinator.log", "done\n");
    s_age (old_run, 3 * S_HOUR_MS);
    char *busy_run = s_make_run_dir (fixture, "busy01");
    s_mark_crashed (busy_run, "busy01");
    char *busy_logs = zsys_sprintf ("%s/logs", busy_run);
    assert_int_equal (mkdir (busy_logs, 0700), 0);
    s_write (busy_logs, "node.log", "still writing\n");
    s_age (busy_run, 3 * S_HOUR_MS);
    s_write (busy_logs, "node.log", "written just now\n"); //  Deep inside: still counts
    //  A sibling touched now: nothing to do with either run
    char *sibling = zsys_sprintf ("%s/sibling", fixture->root);
    assert_int_equal (mkdir (sibling, 0700), 0);

    assert_int_equal (s_clean (fixture, 2 * S_HOUR_MS, NULL, false), 0);
    assert_false (s_exists (old_run));
    assert_true (s_exists (busy_run) && s_exists (sibling));
    zstr_free (&sibling);
    zstr_free (&busy_logs);
    zstr_free (&busy_run);
    zstr_free (&logs);
    zstr_free (&old_run);
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
        cmocka_unit_test_setup_teardown (test_tf_clean_never_touches_what_tf_did_not_make, setup,
                                         teardown),
        cmocka_unit_test_setup_teardown (
            test_tf_clean_stops_a_given_run_dirs_processes_but_keeps_it, setup, teardown),
        cmocka_unit_test_setup_teardown (test_tf_clean_measures_idleness_by_the_runs_own_files,
                                         setup, teardown),
    };
    return cmocka_run_group_tests_name ("tf_clean", tests, NULL, NULL);
}
