//  tf_clean.c - `tf clean`: remove what crashed runs left behind
//
//  tf removes only what it can prove it made: a directory of ours (not a
//  link) holding tf's marker, written for that very directory, and named
//  tf-run-<the marker's run id>, as mkdtemp made it. A --run-dir directory's
//  processes are stopped but the directory is never removed. Everything else
//  is left alone, however it is named or whatever tf.pid it holds.

#define _GNU_SOURCE //  nftw
#include <czmq.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>
#include "tf_clean.h"
#include "tf_clean_engine.h"
#include "tf_clean_k8s.h"

#define S_PROC_READ_MAX   65536 //  Bytes of /proc/PID/cmdline or environ read
#define S_STARTTIME_FIELD 19    //  Field 22 of /proc/PID/stat, counted from state (3)
#define S_POLL_MS         50    //  Re-check interval while processes stop
#define S_NFTW_FDS        16
#define S_MS_PER_S        1000
#define S_MARKER_MAGIC    "tf-run"         //  First word of every marker tf writes
#define S_MARKER_VERSION  1                //  Its format
#define S_MARKER_MAX      (PATH_MAX + 256) //  Longest marker read, bytes
#define S_MAGIC_SIZE      16               //  Room for the first word
#define S_PRINT_MAX       128              //  Longest name printed

//  What a marker says
typedef struct {
    pid_t pid;                            //  The supervisor
    uint64_t start_time;                  //  Its start, in clock ticks since boot
    char run_id[TF_CLEAN_RUN_ID_MAX + 1]; //  The run
} s_marker_t;

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

bool
tf_clean_valid_run_id (const char *text)
{
    size_t length = text ? strlen (text) : 0;
    if (length == 0 || length > TF_CLEAN_RUN_ID_MAX)
        return false;
    for (size_t index = 0; index < length; index++)
        if (!isalnum ((unsigned char) text[index]) && text[index] != '-')
            return false;
    return true;
}

int
tf_clean_mark (const char *run_dir, const char *run_id)
{
    assert (run_dir && tf_clean_valid_run_id (run_id));
    int rc = -1;
    char *text = NULL;
    char *directory = realpath (run_dir, NULL);
    char *path = zsys_sprintf ("%s/%s", run_dir, TF_RUNDIR_MARKER);
    int fd =
        directory ? open (path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600) : -1;
    if (fd < 0)
        goto out;
    text = zsys_sprintf ("%s %d %d %" PRIu64 " %s\n%s\n", S_MARKER_MAGIC, S_MARKER_VERSION,
                         (int) getpid (), s_start_time (getpid ()), run_id, directory);
    ssize_t length = (ssize_t) strlen (text);
    rc = write (fd, text, (size_t) length) == length ? 0 : -1;
    if (close (fd))
        rc = -1;
out:
    zstr_free (&text);
    zstr_free (&path);
    free (directory);
    return rc;
}

//  Parse a marker's text: "tf-run 1 PID START RUN_ID\nDIRECTORY\n", and check
//  that it was written for directory. 0 with its fields, or -1.
static int
s_parse_marker (char *text, const char *directory, s_marker_t *marker)
{
    char *newline = strchr (text, '\n');
    if (!newline)
        return -1;
    *newline = 0;
    char *written_for = newline + 1;
    size_t length = strlen (written_for);
    if (length == 0 || written_for[length - 1] != '\n')
        return -1;
    written_for[length - 1] = 0;
    char magic[S_MAGIC_SIZE], id[TF_CLEAN_RUN_ID_MAX + 2], tail;
    int version = 0, pid = 0;
    unsigned long long ticks = 0;
    //  The widths are S_MAGIC_SIZE - 1 and TF_CLEAN_RUN_ID_MAX + 1 (one too many: refused)
    _Static_assert(S_MAGIC_SIZE == 16 && TF_CLEAN_RUN_ID_MAX == 64, "sscanf widths below");
    if (sscanf (text, "%15s %d %d %llu %65s %c", magic, &version, &pid, &ticks, id, &tail) != 5)
        return -1;
    if (!streq (magic, S_MARKER_MAGIC) || version != S_MARKER_VERSION || pid <= 0
        || !tf_clean_valid_run_id (id) || !streq (written_for, directory))
        return -1;
    marker->pid = (pid_t) pid;
    marker->start_time = ticks;
    memcpy (marker->run_id, id, strlen (id) + 1); //  At most TF_CLEAN_RUN_ID_MAX, checked
    return 0;
}

//  Read run_dir/tf.pid and prove it is tf's marker for this very directory: a
//  regular file of ours, not a link or a FIFO, that parses. 0, or -1.
static int
s_read_marker (const char *run_dir, s_marker_t *marker)
{
    memset (marker, 0, sizeof *marker);
    int rc = -1;
    char *text = NULL;
    char *directory = realpath (run_dir, NULL);
    char *path = zsys_sprintf ("%s/%s", run_dir, TF_RUNDIR_MARKER);
    int fd = open (path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    struct stat info;
    if (fd < 0 || !directory || fstat (fd, &info) || !S_ISREG (info.st_mode)
        || info.st_uid != getuid () || info.st_size <= 0 || info.st_size > S_MARKER_MAX)
        goto out;
    text = (char *) zmalloc ((size_t) info.st_size + 1);
    if (read (fd, text, (size_t) info.st_size) != (ssize_t) info.st_size
        || memchr (text, 0, (size_t) info.st_size))
        goto out;
    rc = s_parse_marker (text, directory, marker);
out:
    if (fd >= 0)
        close (fd);
    free (text);
    zstr_free (&path);
    free (directory);
    return rc;
}

bool
tf_clean_run_is_live (const char *run_dir)
{
    assert (run_dir);
    s_marker_t marker;
    if (s_read_marker (run_dir, &marker))
        return false;
    return s_start_time (marker.pid) == marker.start_time && marker.start_time != 0;
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
    char *path = zsys_sprintf ("%s/%s", run_dir, TF_RUNDIR_PIDS);
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

//  Newest modification time (Unix ms) of what is inside dir, depth levels
//  down at most: the run's own files, never following a link or ".."
static int64_t
s_newest_inside (const char *dir, int depth)
{
    int64_t newest = 0;
    DIR *handle = depth > 0 ? opendir (dir) : NULL;
    struct dirent *entry;
    while (handle && (entry = readdir (handle))) {
        if (streq (entry->d_name, ".") || streq (entry->d_name, ".."))
            continue;
        char *path = zsys_sprintf ("%s/%s", dir, entry->d_name);
        struct stat info;
        if (lstat (path, &info) == 0) {
            int64_t modified = (int64_t) info.st_mtime * S_MS_PER_S;
            if (S_ISDIR (info.st_mode)) {
                int64_t below = s_newest_inside (path, depth - 1);
                modified = below > modified ? below : modified;
            }
            newest = modified > newest ? modified : newest;
        }
        zstr_free (&path);
    }
    if (handle)
        closedir (handle);
    return newest;
}

//  When the run last wrote any of its own files (Unix ms)
static int64_t
s_last_activity_ms (const char *run_dir)
{
    return s_newest_inside (run_dir, TF_CLEAN_WALK_DEPTH);
}

//  A name as it may be printed: bytes that are not printable ASCII become '?'
static void
s_printable (const char *name, char out[S_PRINT_MAX])
{
    size_t length = 0;
    for (; name[length] && length < S_PRINT_MAX - 1; length++)
        out[length] = isprint ((unsigned char) name[length]) ? name[length] : '?';
    out[length] = 0;
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

//  Clean one run directory, proven to be tf's; returns 0 or -1 (printed).
//  made_by_tf: named tf-run-<id> by mkdtemp, so it may go; otherwise (a
//  --run-dir) only its processes are stopped.
static int
s_clean_one (const tf_clean_config_t *config, const char *run_dir, const s_marker_t *marker,
             bool made_by_tf, FILE *out, FILE *err)
{
    const char *run_id = marker->run_id;
    if (!s_wanted (config, run_id))
        return 0;
    if (tf_clean_run_is_live (run_dir)) {
        fprintf (out, "run %s: live (tf pid %d), left alone: %s\n", run_id, (int) marker->pid,
                 run_dir);
        return 0;
    }
    int64_t idle_ms = zclock_time () - s_last_activity_ms (run_dir);
    if (idle_ms < config->older_than_ms)
        return 0; //  Younger than asked: not a candidate
    pid_t pids[TF_CLEAN_MAX_PIDS];
    size_t count = s_find_processes (run_dir, pids);
    //  A run that reached its verdict and left nothing running was kept on
    //  purpose (a failure, or KEEP_LOGS): only removed when asked for by id or age
    bool asked = config->run_ids || config->older_than_ms > 0;
    if (made_by_tf && !asked && count == 0 && s_has_report (run_dir)) {
        fprintf (out,
                 "run %s: finished with a report, kept (remove it with --run-id %s or "
                 "--older-than): %s\n",
                 run_id, run_id, run_dir);
        return 0;
    }
    if (!made_by_tf && count == 0) {
        //  A --run-dir run with nothing left running: nothing to do
        if (config->run_ids)
            fprintf (out, "run %s: nothing running; %s kept (a --run-dir is never removed)\n",
                     run_id, run_dir);
        return 0;
    }
    if (config->dry_run) {
        fprintf (out, "run %s: would stop %zu process(es)%s%s (idle %" PRId64 " s)\n", run_id,
                 count, made_by_tf ? " and remove " : " in ", run_dir, idle_ms / S_MS_PER_S);
        return 0;
    }
    size_t left = s_stop_processes (run_dir, pids, count);
    if (left > 0) {
        fprintf (err, "run %s: %zu of %zu process(es) would not stop; %s kept\n", run_id, left,
                 count, run_dir);
        return -1;
    }
    if (!made_by_tf) {
        fprintf (out, "run %s: stopped %zu process(es); %s kept (a --run-dir is never removed)\n",
                 run_id, count, run_dir);
        return 0;
    }
    if (nftw (run_dir, s_remove_entry, S_NFTW_FDS, FTW_DEPTH | FTW_PHYS)) {
        fprintf (err, "run %s: cannot remove %s: %s\n", run_id, run_dir, strerror (errno));
        return -1;
    }
    fprintf (out, "run %s: stopped %zu process(es), removed %s\n", run_id, count, run_dir);
    return 0;
}

//  Is root/name a directory tf made, and which run? Only a directory of ours
//  (not a link) with a marker written for it counts; *made_by_tf says whether
//  its name is tf-run-<the marker's id>. Prints why a lookalike is left alone.
static bool
s_is_run_dir (const char *root, const char *name, s_marker_t *marker, bool *made_by_tf, FILE *out)
{
    char *run_dir = zsys_sprintf ("%s/%s", root, name);
    char *marker_path = zsys_sprintf ("%s/%s", run_dir, TF_RUNDIR_MARKER);
    struct stat info;
    bool ours = lstat (run_dir, &info) == 0 && S_ISDIR (info.st_mode) && info.st_uid == getuid ();
    bool named = strncmp (name, TF_RUNDIR_PREFIX, strlen (TF_RUNDIR_PREFIX)) == 0;
    bool has_marker = ours && lstat (marker_path, &info) == 0;
    bool run = ours && (named || has_marker) && s_read_marker (run_dir, marker) == 0;
    if (run)
        *made_by_tf = named && streq (name + strlen (TF_RUNDIR_PREFIX), marker->run_id);
    else if (ours && (named || has_marker)) {
        char printable[S_PRINT_MAX];
        s_printable (name, printable);
        fprintf (out, "%s/%s: not a run tf made (no valid %s written for it), left alone\n", root,
                 printable, TF_RUNDIR_MARKER);
    }
    zstr_free (&marker_path);
    zstr_free (&run_dir);
    return run;
}

int
tf_clean_run (const tf_clean_config_t *config, FILE *out, FILE *err)
{
    assert (config && config->root && out && err);
    DIR *root = opendir (config->root);
    if (!root) {
        fprintf (err, "tf clean: cannot read %s: %s\n", config->root, strerror (errno));
        return TF_EXIT_ERROR;
    }
    int rc = TF_EXIT_OK;
    size_t seen = 0;
    struct dirent *entry;
    while ((entry = readdir (root))) {
        if (entry->d_name[0] == '.')
            continue;
        s_marker_t marker;
        bool made_by_tf = false;
        if (!s_is_run_dir (config->root, entry->d_name, &marker, &made_by_tf, out))
            continue;
        seen++;
        char *run_dir = zsys_sprintf ("%s/%s", config->root, entry->d_name);
        if (s_clean_one (config, run_dir, &marker, made_by_tf, out, err))
            rc = TF_EXIT_ERROR;
        zstr_free (&run_dir);
    }
    closedir (root);
    if (seen == 0)
        fprintf (out, "no run directories under %s\n", config->root);
    //  Compose runs' containers, networks and volumes, found by label
    if (config->engine && tf_clean_engine_run (config, out, err) != TF_EXIT_OK)
        rc = TF_EXIT_ERROR;
    //  k8s runs' namespaces, found by label, when a cluster answers
    if (config->engine && tf_clean_k8s_run (config, out, err) != TF_EXIT_OK)
        rc = TF_EXIT_ERROR;
    return rc;
}
