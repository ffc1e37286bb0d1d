//  spine_harness.c - runs the real `tf` for the spine's integration tests

#define _GNU_SOURCE //  nftw
#include "spine_harness.h"
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <ftw.h>
#include <signal.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define SPINE_MAX_ARGS     16
#define SPINE_MAX_ENV      512
#define SPINE_NFTW_FDS     16
#define SPINE_RUN_DIR_LINE "run directory: "
#define SPINE_CMDLINE_MAX  4096 //  Bytes of /proc/PID/cmdline read

extern char **environ;

void
spine_init (void)
{
    int rc = prctl (PR_SET_CHILD_SUBREAPER, 1);
    assert (rc == 0);
}

char *
spine_scenario_path (const char *scenario)
{
    const char *data = getenv ("TF_TEST_DATA");
    assert (data); //  Set by ctest
    return zsys_sprintf ("%s/scenarios/%s", data, scenario);
}

//  Is entry ("KEY=value") the variable key?
static bool
s_is_variable (const char *entry, const char *key)
{
    size_t length = strlen (key);
    return strncmp (entry, key, length) == 0 && entry[length] == '=';
}

//  Does one of extra_env ("KEY=value") set the variable of entry?
static bool
s_overridden (const char *entry, const char *const *extra_env)
{
    for (size_t index = 0; extra_env && extra_env[index]; index++) {
        const char *equals = strchr (extra_env[index], '=');
        size_t length = equals ? (size_t) (equals - extra_env[index]) : strlen (extra_env[index]);
        if (strncmp (entry, extra_env[index], length) == 0 && entry[length] == '=')
            return true;
    }
    return false;
}

//  Environment for tf: ours, minus keep-logs settings and what extras set,
//  plus CI, TMPDIR, extras
static char **
s_environment (const char *temp_dir, const char *const *extra_env)
{
    char **envp = (char **) zmalloc (SPINE_MAX_ENV * sizeof (char *));
    size_t count = 0;
    for (size_t index = 0; environ[index] && count < SPINE_MAX_ENV - 8; index++) {
        const char *entry = environ[index];
        if (s_overridden (entry, extra_env)
            || s_is_variable (entry, "LOGOS_BLOCKCHAIN_TESTS_KEEP_LOGS")
            || s_is_variable (entry, "NOMOS_TESTS_KEEP_LOGS") || s_is_variable (entry, "CI")
            || s_is_variable (entry, "TMPDIR"))
            continue;
        envp[count++] = strdup (entry);
    }
    envp[count++] = strdup ("CI=true");
    envp[count++] = zsys_sprintf ("TMPDIR=%s", temp_dir);
    for (size_t index = 0; extra_env && extra_env[index]; index++) {
        assert (count < SPINE_MAX_ENV - 1);
        envp[count++] = strdup (extra_env[index]);
    }
    envp[count] = NULL;
    return envp;
}

static void
s_free_strings (char **strings)
{
    for (size_t index = 0; strings[index]; index++)
        free (strings[index]);
    free (strings);
}

//  Start tf with argv in a fresh test directory
static spine_run_t *
s_start (spine_run_t *run, const char *const *args, const char *const *extra_env)
{
    const char *bin_dir = getenv ("TF_BIN_DIR");
    assert (bin_dir); //  Set by ctest
    char **argv = (char **) zmalloc ((SPINE_MAX_ARGS + 2) * sizeof (char *));
    argv[0] = zsys_sprintf ("%s/tf", bin_dir);
    size_t count = 1;
    for (size_t index = 0; args[index]; index++) {
        assert (count < SPINE_MAX_ARGS);
        argv[count++] = strdup (args[index]);
    }
    char **envp = s_environment (run->temp_dir, extra_env);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init (&actions);
    posix_spawn_file_actions_addopen (&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen (&actions, STDOUT_FILENO, run->output_path,
                                      O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_adddup2 (&actions, STDOUT_FILENO, STDERR_FILENO);
    int rc = posix_spawn (&run->pid, argv[0], &actions, NULL, argv, envp);
    posix_spawn_file_actions_destroy (&actions);
    s_free_strings (envp);
    s_free_strings (argv);
    assert (rc == 0);
    return run;
}

static spine_run_t *
s_new_run (void)
{
    spine_run_t *run = (spine_run_t *) zmalloc (sizeof (spine_run_t));
    const char *tmp = getenv ("TMPDIR");
    run->temp_dir = zsys_sprintf ("%s/tf-spine-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    char *made = mkdtemp (run->temp_dir);
    assert (made);
    run->output_path = zsys_sprintf ("%s/tf.out", run->temp_dir);
    return run;
}

spine_run_t *
spine_start (const char *scenario, bool use_run_dir, const char *const *extra_env)
{
    spine_run_t *run = s_new_run ();
    char *path = spine_scenario_path (scenario);
    if (use_run_dir)
        run->run_dir = zsys_sprintf ("%s/run", run->temp_dir);
    const char *args[] = {"run", path, use_run_dir ? "--run-dir" : NULL, run->run_dir, NULL};
    s_start (run, args, extra_env);
    zstr_free (&path);
    return run;
}

spine_run_t *
spine_start_options (const char *scenario, const char *const *options, const char *const *extra_env)
{
    spine_run_t *run = s_new_run ();
    char *path = spine_scenario_path (scenario);
    run->run_dir = zsys_sprintf ("%s/run", run->temp_dir);
    const char *args[SPINE_MAX_ARGS] = {"run", path, "--run-dir", run->run_dir};
    size_t count = 4;
    for (size_t index = 0; options[index]; index++) {
        assert (count < SPINE_MAX_ARGS - 1);
        args[count++] = options[index];
    }
    args[count] = NULL;
    s_start (run, args, extra_env);
    zstr_free (&path);
    return run;
}

spine_run_t *
spine_start_args (const char *const *args, const char *const *extra_env)
{
    return s_start (s_new_run (), args, extra_env);
}

char *
spine_output (spine_run_t *run)
{
    FILE *file = fopen (run->output_path, "r");
    if (!file)
        return strdup ("");
    char *text = NULL;
    size_t size = 0;
    FILE *memory = open_memstream (&text, &size);
    char chunk[4096];
    size_t got;
    while ((got = fread (chunk, 1, sizeof chunk, file)) > 0)
        fwrite (chunk, 1, got, memory);
    fclose (memory);
    fclose (file);
    return text;
}

//  Collect tf's status without blocking; true once it has exited
static bool
s_check_exit (spine_run_t *run)
{
    if (run->exited)
        return true;
    int status;
    if (waitpid (run->pid, &status, WNOHANG) == run->pid) {
        run->exited = true;
        run->status = status;
    }
    return run->exited;
}

bool
spine_wait_output (spine_run_t *run, const char *text, int64_t timeout_ms)
{
    int64_t deadline = zclock_mono () + timeout_ms;
    while (true) {
        bool exited = s_check_exit (run); //  Before reading: no lost last words
        char *output = spine_output (run);
        bool found = strstr (output, text) != NULL;
        free (output);
        if (found)
            return true;
        if (exited || zclock_mono () > deadline)
            return false;
        zclock_sleep (SPINE_POLL_MS);
    }
}

int
spine_wait_exit (spine_run_t *run, int64_t timeout_ms)
{
    int64_t deadline = zclock_mono () + timeout_ms;
    while (!s_check_exit (run)) {
        if (zclock_mono () > deadline)
            return -1;
        zclock_sleep (SPINE_POLL_MS);
    }
    if (WIFSIGNALED (run->status))
        return 128 + WTERMSIG (run->status);
    return WEXITSTATUS (run->status);
}

const char *
spine_run_dir (spine_run_t *run)
{
    if (run->run_dir)
        return run->run_dir;
    char *output = spine_output (run);
    char *line = strstr (output, SPINE_RUN_DIR_LINE);
    if (line) {
        line += strlen (SPINE_RUN_DIR_LINE);
        run->run_dir = strndup (line, strcspn (line, "\n"));
    }
    free (output);
    return run->run_dir;
}

bool
spine_run_file_exists (spine_run_t *run, const char *name)
{
    const char *dir = spine_run_dir (run);
    if (!dir)
        return false;
    char *path = zsys_sprintf ("%s/%s", dir, name);
    struct stat info;
    bool exists = stat (path, &info) == 0;
    zstr_free (&path);
    return exists;
}

json_t *
spine_report (spine_run_t *run)
{
    const char *dir = spine_run_dir (run);
    if (!dir)
        return NULL;
    char *path = zsys_sprintf ("%s/report.json", dir);
    json_t *report = json_load_file (path, 0, NULL);
    zstr_free (&path);
    return report;
}

size_t
spine_run_pids (spine_run_t *run, pid_t *pids, size_t max)
{
    const char *dir = spine_run_dir (run);
    if (!dir)
        return 0;
    char *path = zsys_sprintf ("%s/pids", dir);
    FILE *file = fopen (path, "r");
    zstr_free (&path);
    if (!file)
        return 0;
    size_t count = 0;
    int pid;
    char name[256];
    while (count < max && fscanf (file, "%d %255s", &pid, name) == 2)
        pids[count++] = (pid_t) pid;
    fclose (file);
    return count;
}

pid_t
spine_run_pid_of (spine_run_t *run, const char *name)
{
    const char *dir = spine_run_dir (run);
    char *path = dir ? zsys_sprintf ("%s/pids", dir) : NULL;
    FILE *file = path ? fopen (path, "r") : NULL;
    zstr_free (&path);
    pid_t found = 0;
    int pid;
    char entry[256];
    while (file && fscanf (file, "%d %255s", &pid, entry) == 2)
        if (strcmp (entry, name) == 0)
            found = (pid_t) pid;
    if (file)
        fclose (file);
    return found;
}

bool
spine_all_gone (int64_t timeout_ms)
{
    int64_t deadline = zclock_mono () + timeout_ms;
    while (true) {
        pid_t pid;
        while ((pid = waitpid (-1, NULL, WNOHANG)) > 0)
            ;
        if (pid < 0 && errno == ECHILD)
            return true; //  No child, no orphan handed to us
        if (zclock_mono () > deadline)
            return false;
        zclock_sleep (SPINE_POLL_MS);
    }
}

bool
spine_pid_alive (pid_t pid)
{
    return kill (pid, 0) == 0 || errno != ESRCH;
}

pid_t
spine_process_pid (const char *text)
{
    DIR *proc = opendir ("/proc");
    if (!proc)
        return 0;
    pid_t found = 0;
    struct dirent *entry;
    while (!found && (entry = readdir (proc))) {
        char *end = NULL;
        long pid = strtol (entry->d_name, &end, 10);
        if (*end || pid <= 0 || pid == getpid ())
            continue;
        char path[64];
        snprintf (path, sizeof path, "/proc/%ld/cmdline", pid);
        FILE *file = fopen (path, "rb");
        if (!file)
            continue;
        char cmdline[SPINE_CMDLINE_MAX];
        size_t size = fread (cmdline, 1, sizeof cmdline - 1, file);
        fclose (file);
        for (size_t index = 0; index < size; index++)
            if (cmdline[index] == 0)
                cmdline[index] = ' ';
        cmdline[size] = 0;
        if (strstr (cmdline, text) && spine_pid_alive ((pid_t) pid))
            found = (pid_t) pid;
    }
    closedir (proc);
    return found;
}

bool
spine_process_mentions (const char *text)
{
    return spine_process_pid (text) != 0;
}

json_t *
spine_expectation (json_t *report, const char *kind)
{
    size_t index;
    json_t *entry;
    json_array_foreach (
        json_object_get (report, "expectations"), index,
        entry) if (streq (json_string_value (json_object_get (entry, "kind")), kind)) return entry;
    return NULL;
}

void
spine_assert_exit (spine_run_t *run, int expected_exit)
{
    int code = spine_wait_exit (run, SPINE_RUN_TIMEOUT_MS);
    if (code != expected_exit) {
        char *output = spine_output (run);
        print_message ("tf output:\n%s\n", output);
        free (output);
    }
    assert_int_equal (code, expected_exit);
}

void
spine_assert_nothing_survives (spine_run_t *run, size_t min_pids)
{
    assert_true (spine_all_gone (SPINE_GONE_TIMEOUT_MS));
    pid_t pids[SPINE_MAX_PIDS];
    size_t count = spine_run_pids (run, pids, SPINE_MAX_PIDS);
    assert_true (count >= min_pids);
    for (size_t index = 0; index < count; index++)
        assert_false (spine_pid_alive (pids[index]));
    assert_false (spine_process_mentions (spine_run_dir (run)));
}

json_t *
spine_run_to_end (void **state, const char *scenario, int expected_exit, size_t min_pids)
{
    spine_run_t *run = *state = spine_start (scenario, true, NULL);
    assert_non_null (run);
    spine_assert_exit (run, expected_exit);
    spine_assert_nothing_survives (run, min_pids);
    json_t *report = spine_report (run);
    assert_non_null (report);
    return report;
}

static int
s_remove_entry (const char *path, const struct stat *info, int type, struct FTW *ftw)
{
    return remove (path);
}

//  Kill whatever is left: children of ours (tf, and orphans handed to us)
static void
s_kill_leftovers (void)
{
    DIR *tasks = opendir ("/proc/self/task");
    if (!tasks)
        return;
    struct dirent *task;
    while ((task = readdir (tasks))) {
        if (task->d_name[0] == '.')
            continue;
        char path[PATH_MAX];
        snprintf (path, sizeof path, "/proc/self/task/%s/children", task->d_name);
        FILE *file = fopen (path, "r");
        int pid;
        while (file && fscanf (file, "%d", &pid) == 1)
            kill ((pid_t) pid, SIGKILL);
        if (file)
            fclose (file);
    }
    closedir (tasks);
}

void
spine_destroy (spine_run_t **run_p)
{
    spine_run_t *run = *run_p;
    if (!run)
        return;
    if (!s_check_exit (run))
        kill (run->pid, SIGKILL);
    if (!spine_all_gone (SPINE_GONE_TIMEOUT_MS)) {
        s_kill_leftovers ();
        spine_all_gone (SPINE_GONE_TIMEOUT_MS);
    }
    nftw (run->temp_dir, s_remove_entry, SPINE_NFTW_FDS, FTW_DEPTH | FTW_PHYS);
    free (run->temp_dir);
    free (run->run_dir);
    free (run->output_path);
    free (run);
    *run_p = NULL;
}

int
spine_teardown (void **state)
{
    spine_run_t *run = (spine_run_t *) *state;
    spine_destroy (&run);
    *state = NULL;
    return 0;
}
