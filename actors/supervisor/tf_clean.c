//  tf_clean.c - `tf clean`: remove what crashed runs left behind

#define _GNU_SOURCE //  nftw
#include <czmq.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>
#include "tf_clean.h"

#define S_PROC_READ_MAX   65536 //  Bytes of /proc/PID/cmdline or environ read
#define S_STARTTIME_FIELD 19    //  Field 22 of /proc/PID/stat, counted from state (3)
#define S_POLL_MS         50    //  Re-check interval while processes stop
#define S_NFTW_FDS        16
#define S_MS_PER_S        1000

//  Start time of a process in clock ticks since boot, or 0 when it is gone
static uint64_t
s_start_time (pid_t pid)
{
    char path[64], line[1024];
    snprintf (path, sizeof path, "/proc/%d/stat", (int) pid);
    FILE *file = fopen (path, "r");
    if (!file)
        return 0;
    size_t size = fread (line, 1, sizeof line - 1, file);
    fclose (file);
    line[size] = 0;
    char *cursor = strrchr (line, ')'); //  comm may hold spaces and parentheses
    if (!cursor)
        return 0;
    cursor++;
    if (cursor[0] == ' ' && cursor[1] == 'Z')
        return 0; //  A zombie has ended already
    for (int field = 0; field < S_STARTTIME_FIELD && cursor; field++)
        cursor = strchr (cursor + 1, ' ');
    return cursor ? strtoull (cursor + 1, NULL, 10) : 0;
}

int
tf_clean_mark (const char *run_dir, const char *run_id)
{
    assert (run_dir && run_id);
    char *path = zsys_sprintf ("%s/%s", run_dir, TF_RUNDIR_MARKER);
    int fd = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    zstr_free (&path);
    if (fd < 0)
        return -1;
    char *text =
        zsys_sprintf ("%d %" PRIu64 " %s\n", (int) getpid (), s_start_time (getpid ()), run_id);
    ssize_t length = (ssize_t) strlen (text);
    int rc = write (fd, text, (size_t) length) == length ? 0 : -1;
    zstr_free (&text);
    if (close (fd))
        rc = -1;
    return rc;
}

//  Read run_dir/tf.pid; 0 with its fields, or -1 when missing or malformed
static int
s_read_marker (const char *run_dir, pid_t *pid, uint64_t *start_time, char *run_id, size_t size)
{
    char *path = zsys_sprintf ("%s/%s", run_dir, TF_RUNDIR_MARKER);
    FILE *file = fopen (path, "r");
    zstr_free (&path);
    if (!file)
        return -1;
    int number = 0;
    unsigned long long ticks = 0;
    char id[128] = "";
    int fields = fscanf (file, "%d %llu %127s", &number, &ticks, id);
    fclose (file);
    if (fields != 3 || number <= 0)
        return -1;
    *pid = (pid_t) number;
    *start_time = ticks;
    snprintf (run_id, size, "%s", id);
    return 0;
}

bool
tf_clean_run_is_live (const char *run_dir)
{
    assert (run_dir);
    pid_t pid;
    uint64_t start_time;
    char run_id[128];
    if (s_read_marker (run_dir, &pid, &start_time, run_id, sizeof run_id))
        return false;
    return s_start_time (pid) == start_time && start_time != 0;
}

//  Read a /proc file of NUL-separated strings; NULs become newlines. Caller frees.
static char *
s_read_proc_strings (pid_t pid, const char *name)
{
    char path[64];
    snprintf (path, sizeof path, "/proc/%d/%s", (int) pid, name);
    FILE *file = fopen (path, "rb");
    if (!file)
        return NULL;
    char *text = (char *) zmalloc (S_PROC_READ_MAX + 1);
    size_t size = fread (text, 1, S_PROC_READ_MAX, file);
    fclose (file);
    for (size_t index = 0; index < size; index++)
        if (text[index] == 0)
            text[index] = '\n';
    text[size] = 0;
    return text;
}

//  Does text name path exactly (followed by '/', a newline or the end)?
static bool
s_names_path (const char *text, const char *path)
{
    size_t length = strlen (path);
    for (const char *found = text ? strstr (text, path) : NULL; found;
         found = strstr (found + 1, path)) {
        char next = found[length];
        if (next == 0 || next == '/' || next == '\n' || next == ' ')
            return true;
    }
    return false;
}

bool
tf_clean_pid_belongs (pid_t pid, const char *run_dir)
{
    assert (run_dir);
    if (pid <= 1 || pid == getpid () || pid == getppid () || s_start_time (pid) == 0)
        return false;
    char *cmdline = s_read_proc_strings (pid, "cmdline");
    bool belongs = s_names_path (cmdline, run_dir);
    free (cmdline);
    if (!belongs) {
        char *environ_text = s_read_proc_strings (pid, "environ");
        char *wanted = zsys_sprintf ("\nTF_RUN_DIR=%s\n", run_dir);
        char *padded = zsys_sprintf ("\n%s", environ_text ? environ_text : "");
        belongs = strstr (padded, wanted) != NULL;
        zstr_free (&padded);
        zstr_free (&wanted);
        free (environ_text);
    }
    return belongs;
}


//  ---------------------------------------------------------------------------
//  One run

//  Add pid to the list unless it is there already
static void
s_add_pid (pid_t *pids, size_t *count, pid_t pid)
{
    for (size_t index = 0; index < *count; index++)
        if (pids[index] == pid)
            return;
    if (*count < TF_CLEAN_MAX_PIDS)
        pids[(*count)++] = pid;
}

//  Every live process of the run: its pids file, then a look through /proc
static size_t
s_find_processes (const char *run_dir, pid_t *pids)
{
    size_t count = 0;
    char *path = zsys_sprintf ("%s/pids", run_dir);
    FILE *file = fopen (path, "r");
    zstr_free (&path);
    if (file) {
        char line[256];
        while (fgets (line, sizeof line, file)) {
            int pid = atoi (line);
            if (pid > 0 && tf_clean_pid_belongs ((pid_t) pid, run_dir))
                s_add_pid (pids, &count, (pid_t) pid);
        }
        fclose (file);
    }
    DIR *proc = opendir ("/proc");
    struct dirent *entry;
    while (proc && (entry = readdir (proc))) {
        char *end = NULL;
        long pid = strtol (entry->d_name, &end, 10);
        if (*end == 0 && pid > 0 && tf_clean_pid_belongs ((pid_t) pid, run_dir))
            s_add_pid (pids, &count, (pid_t) pid);
    }
    if (proc)
        closedir (proc);
    return count;
}

//  SIGTERM, then SIGKILL after the grace; every signal only after the pid
//  was checked to still belong to the run. Returns how many are left.
static size_t
s_stop_processes (const char *run_dir, pid_t *pids, size_t count)
{
    for (size_t index = 0; index < count; index++)
        if (tf_clean_pid_belongs (pids[index], run_dir))
            kill (pids[index], SIGTERM);
    int64_t deadline = zclock_mono () + TF_CLEAN_TERM_GRACE_MS;
    size_t left = count;
    while (left > 0) {
        left = 0;
        for (size_t index = 0; index < count; index++)
            if (s_start_time (pids[index]) != 0)
                left++;
        if (left == 0 || zclock_mono () >= deadline)
            break;
        zclock_sleep (S_POLL_MS); //  Polling processes we cannot wait for
    }
    if (left == 0)
        return 0;
    for (size_t index = 0; index < count; index++)
        if (tf_clean_pid_belongs (pids[index], run_dir))
            kill (pids[index], SIGKILL);
    deadline = zclock_mono () + TF_CLEAN_TERM_GRACE_MS;
    while (left > 0 && zclock_mono () < deadline) {
        zclock_sleep (S_POLL_MS);
        left = 0;
        for (size_t index = 0; index < count; index++)
            if (s_start_time (pids[index]) != 0)
                left++;
    }
    return left;
}

static int
s_remove_entry (const char *path, const struct stat *info, int type, struct FTW *ftw)
{
    return remove (path);
}

//  Newest modification time (Unix ms) of the directory and its top entries
static int64_t
s_last_activity_ms (const char *run_dir)
{
    struct stat info;
    int64_t newest = stat (run_dir, &info) == 0 ? (int64_t) info.st_mtime * S_MS_PER_S : 0;
    DIR *dir = opendir (run_dir);
    struct dirent *entry;
    while (dir && (entry = readdir (dir))) {
        char *path = zsys_sprintf ("%s/%s", run_dir, entry->d_name);
        if (lstat (path, &info) == 0 && (int64_t) info.st_mtime * S_MS_PER_S > newest)
            newest = (int64_t) info.st_mtime * S_MS_PER_S;
        zstr_free (&path);
    }
    if (dir)
        closedir (dir);
    return newest;
}

//  Did the run get as far as its report?
static bool
s_has_report (const char *run_dir)
{
    char *path = zsys_sprintf ("%s/%s", run_dir, TF_RUNDIR_REPORT);
    bool exists = access (path, F_OK) == 0;
    zstr_free (&path);
    return exists;
}

static bool
s_wanted (const tf_clean_config_t *config, const char *run_id)
{
    if (!config->run_ids)
        return true;
    for (size_t index = 0; config->run_ids[index]; index++)
        if (streq (config->run_ids[index], run_id))
            return true;
    return false;
}

//  Clean one run directory; returns 0 or -1 (printed)
static int
s_clean_one (const tf_clean_config_t *config, const char *run_dir, const char *name, FILE *out,
             FILE *err)
{
    pid_t supervisor;
    uint64_t start_time;
    char run_id[128];
    bool marked = s_read_marker (run_dir, &supervisor, &start_time, run_id, sizeof run_id) == 0;
    if (!marked)
        snprintf (run_id, sizeof run_id, "%s", name + strlen (TF_RUNDIR_PREFIX));
    if (!s_wanted (config, run_id))
        return 0;
    int64_t idle_ms = zclock_time () - s_last_activity_ms (run_dir);
    if (tf_clean_run_is_live (run_dir)) {
        fprintf (out, "run %s: live (tf pid %d), left alone: %s\n", run_id, (int) supervisor,
                 run_dir);
        return 0;
    }
    if (!marked && idle_ms < TF_CLEAN_UNMARKED_MIN_MS) {
        fprintf (out, "run %s: no %s and active %" PRId64 " s ago, left alone: %s\n", run_id,
                 TF_RUNDIR_MARKER, idle_ms / S_MS_PER_S, run_dir);
        return 0;
    }
    if (idle_ms < config->older_than_ms)
        return 0; //  Younger than asked: not a candidate
    pid_t pids[TF_CLEAN_MAX_PIDS];
    size_t count = s_find_processes (run_dir, pids);
    //  A run that reached its verdict and left nothing running was kept on
    //  purpose (a failure, or KEEP_LOGS): only removed when asked for by id or age
    bool asked = config->run_ids || config->older_than_ms > 0;
    if (!asked && count == 0 && s_has_report (run_dir)) {
        fprintf (out,
                 "run %s: finished with a report, kept (remove it with --run-id %s or "
                 "--older-than): %s\n",
                 run_id, run_id, run_dir);
        return 0;
    }
    if (config->dry_run) {
        fprintf (out, "run %s: would stop %zu process(es) and remove %s (idle %" PRId64 " s)\n",
                 run_id, count, run_dir, idle_ms / S_MS_PER_S);
        return 0;
    }
    size_t left = s_stop_processes (run_dir, pids, count);
    if (left > 0) {
        fprintf (err, "run %s: %zu of %zu process(es) would not stop; %s kept\n", run_id, left,
                 count, run_dir);
        return -1;
    }
    if (nftw (run_dir, s_remove_entry, S_NFTW_FDS, FTW_DEPTH | FTW_PHYS)) {
        fprintf (err, "run %s: cannot remove %s: %s\n", run_id, run_dir, strerror (errno));
        return -1;
    }
    fprintf (out, "run %s: stopped %zu process(es), removed %s\n", run_id, count, run_dir);
    return 0;
}

int
tf_clean_run (const tf_clean_config_t *config, FILE *out, FILE *err)
{
    assert (config && config->root && out && err);
    DIR *root = opendir (config->root);
    if (!root) {
        fprintf (err, "tf clean: cannot read %s: %s\n", config->root, strerror (errno));
        return 3;
    }
    int rc = 0;
    size_t seen = 0;
    struct dirent *entry;
    while ((entry = readdir (root))) {
        if (entry->d_name[0] == '.')
            continue;
        char *run_dir = zsys_sprintf ("%s/%s", config->root, entry->d_name);
        char *marker = zsys_sprintf ("%s/%s", run_dir, TF_RUNDIR_MARKER);
        struct stat info;
        bool candidate =
            lstat (run_dir, &info) == 0 && S_ISDIR (info.st_mode) && info.st_uid == getuid ()
            && (strncmp (entry->d_name, TF_RUNDIR_PREFIX, strlen (TF_RUNDIR_PREFIX)) == 0
                || access (marker, F_OK) == 0);
        if (candidate) {
            seen++;
            if (s_clean_one (config, run_dir, entry->d_name, out, err))
                rc = 3;
        }
        zstr_free (&marker);
        zstr_free (&run_dir);
    }
    closedir (root);
    if (seen == 0)
        fprintf (out, "no run directories under %s\n", config->root);
    return rc;
}
