//  tf_run_dir.c - a run's directory (see tf_run_dir.h)

#define _GNU_SOURCE //  nftw
#include <czmq.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>
#include "tf_clean.h"
#include "tf_exit.h"
#include "tf_run_dir.h"
#include "tf_rundir.h"
#include "tf_supervisor.h"

#define TF_RUN_DIR_ID_SIZE     8    //  Hex digits of a generated run id
#define TF_RUN_DIR_MODE        0700 //  The directory and logs/
#define TF_RUN_DIR_FILE_MODE   0600
#define TF_RUN_DIR_NFTW_FDS    16            //  Descriptors nftw may hold open
#define TF_RUN_DIR_LONGEST_IPC "service.ipc" //  Longest endpoint file name

//  Is dir an existing, empty directory? Sets *exists.
static bool
s_dir_is_empty (const char *dir, bool *exists)
{
    struct stat info;
    *exists = stat (dir, &info) == 0;
    if (!*exists || !S_ISDIR (info.st_mode))
        return false;
    DIR *handle = opendir (dir);
    if (!handle)
        return false;
    bool empty = true;
    struct dirent *entry;
    while (empty && (entry = readdir (handle)))
        empty = strcmp (entry->d_name, ".") == 0 || strcmp (entry->d_name, "..") == 0;
    closedir (handle);
    return empty;
}

int
tf_run_dir_make (tf_run_dir_t *self, const char *requested, FILE *out, FILE *err)
{
    assert (self && out && err);
    self->given = requested != NULL;
    self->path = requested ? strdup (requested) : NULL;
    if (!self->path) {
        const char *tmpdir = getenv ("TMPDIR");
        if (!tmpdir || !*tmpdir)
            tmpdir = "/tmp";
        self->path = zsys_sprintf ("%s/%sXXXXXX", tmpdir, TF_RUNDIR_PREFIX);
    }
    //  Absolute, so the endpoints we print work from anywhere
    if (self->path[0] != '/') {
        char cwd[PATH_MAX];
        if (!getcwd (cwd, sizeof cwd)) {
            fprintf (err, "tf: cannot read the current directory: %s\n", strerror (errno));
            return TF_EXIT_ERROR;
        }
        char *absolute = zsys_sprintf ("%s/%s", cwd, self->path);
        free (self->path);
        self->path = absolute;
    }
    size_t ipc_length = strlen (self->path) + 1 + strlen (TF_RUN_DIR_LONGEST_IPC);
    if (ipc_length > TF_SUPERVISOR_IPC_MAX) {
        fprintf (out,
                 "tf: run directory path too long for ipc endpoints (%zu bytes, at most %d): "
                 "%s\n    use a shorter --run-dir or TMPDIR\n",
                 ipc_length, TF_SUPERVISOR_IPC_MAX, self->path);
        return TF_EXIT_USAGE;
    }
    if (self->given) {
        bool exists;
        bool empty = s_dir_is_empty (self->path, &exists);
        if (exists && !empty) {
            fprintf (err, "tf: --run-dir %s exists and is not an empty directory\n", self->path);
            return TF_EXIT_USAGE;
        }
        if (!exists && mkdir (self->path, TF_RUN_DIR_MODE)) {
            fprintf (err, "tf: cannot create run directory %s: %s\n", self->path, strerror (errno));
            return TF_EXIT_USAGE;
        }
        if (chmod (self->path, TF_RUN_DIR_MODE)) {
            fprintf (err, "tf: cannot set mode 0700 on %s: %s\n", self->path, strerror (errno));
            return TF_EXIT_ERROR;
        }
        zuuid_t *uuid = zuuid_new ();
        self->id = strndup (zuuid_str_canonical (uuid), TF_RUN_DIR_ID_SIZE);
        zuuid_destroy (&uuid);
    }
    else {
        if (!mkdtemp (self->path)) {
            fprintf (err, "tf: cannot create a run directory from %s: %s\n", self->path,
                     strerror (errno));
            return TF_EXIT_ERROR;
        }
        //  The random part of the directory name is the run id
        const char *name = strrchr (self->path, '/') + 1;
        self->id = strdup (name + strlen (TF_RUNDIR_PREFIX));
    }
    //  The marker first: it is what tells tf clean the directory is a run's
    if (tf_clean_mark (self->path, self->id)) {
        fprintf (err, "tf: cannot write %s/%s: %s\n", self->path, TF_RUNDIR_MARKER,
                 strerror (errno));
        return TF_EXIT_ERROR;
    }
    self->control_ep = zsys_sprintf ("ipc://%s/control.ipc", self->path);
    self->service_ep = zsys_sprintf ("ipc://%s/service.ipc", self->path);
    self->feed_ep = zsys_sprintf ("ipc://%s/feed.ipc", self->path);
    return 0;
}

//  Write data to the run directory's name with mode 0600. Returns 0 or -1 (printed).
static int
s_write_file (const tf_run_dir_t *self, const char *name, const void *data, size_t size, FILE *err)
{
    char *path = zsys_sprintf ("%s/%s", self->path, name);
    int fd = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, TF_RUN_DIR_FILE_MODE);
    int rc = -1;
    if (fd >= 0 && write (fd, data, size) == (ssize_t) size && close (fd) == 0)
        rc = 0;
    else {
        fprintf (err, "tf: cannot write %s: %s\n", path, strerror (errno));
        if (fd >= 0)
            close (fd);
    }
    zstr_free (&path);
    return rc;
}

FILE *
tf_run_dir_fill (const tf_run_dir_t *self, const tf_plan_t *plan, FILE *err)
{
    assert (self && self->path && plan && err);
    char *text = NULL;
    size_t text_size = 0;
    FILE *memory = open_memstream (&text, &text_size);
    assert (memory);
    tf_plan_print (plan, memory);
    fclose (memory);
    int rc = s_write_file (self, TF_RUNDIR_PLAN_YAML, text, text_size, err);
    free (text);
    if (rc)
        return NULL;
    uint8_t *packed = NULL;
    size_t packed_size = 0;
    if (tf_plan_pack (plan, &packed, &packed_size)) {
        fprintf (err, "tf: cannot encode the plan\n");
        return NULL;
    }
    rc = s_write_file (self, TF_RUNDIR_PLAN, packed, packed_size, err);
    free (packed);
    if (rc)
        return NULL;
    char *logs = zsys_sprintf ("%s/%s", self->path, TF_RUNDIR_LOGS);
    rc = mkdir (logs, TF_RUN_DIR_MODE);
    if (rc)
        fprintf (err, "tf: cannot create %s: %s\n", logs, strerror (errno));
    zstr_free (&logs);
    if (rc)
        return NULL;
    char *path = zsys_sprintf ("%s/%s", self->path, TF_RUNDIR_PIDS);
    int fd = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, TF_RUN_DIR_FILE_MODE);
    FILE *pids = fd >= 0 ? fdopen (fd, "w") : NULL;
    if (!pids)
        fprintf (err, "tf: cannot create %s: %s\n", path, strerror (errno));
    zstr_free (&path);
    return pids;
}

static int
s_remove_entry (const char *path, const struct stat *info, int type, struct FTW *ftw)
{
    return remove (path);
}

void
tf_run_dir_dispose (tf_run_dir_t *self, int exit_code, bool keep, const char *kept_by, FILE *out,
                    FILE *err)
{
    assert (self && self->path && out && err);
    const char *keep_env = getenv ("LOGOS_BLOCKCHAIN_TESTS_KEEP_LOGS");
    if (!keep_env)
        keep_env = getenv ("NOMOS_TESTS_KEEP_LOGS");
    bool keep_asked =
        keep_env && *keep_env && strcmp (keep_env, "0") != 0 && strcmp (keep_env, "false") != 0;
    if (exit_code != TF_EXIT_OK || keep)
        fprintf (out, "run directory kept: %s\n", self->path);
    else if (self->given)
        fprintf (out, "run directory kept (given with --run-dir): %s\n", self->path);
    else if (keep_asked)
        fprintf (out, "run directory kept (LOGOS_BLOCKCHAIN_TESTS_KEEP_LOGS): %s\n", self->path);
    else if (kept_by)
        fprintf (out, "run directory kept (%s): %s\n", kept_by, self->path);
    else if (nftw (self->path, s_remove_entry, TF_RUN_DIR_NFTW_FDS, FTW_DEPTH | FTW_PHYS))
        fprintf (err, "tf: could not remove run directory %s: %s\n", self->path, strerror (errno));
    else {
        self->removed = true;
        fprintf (out, "run directory removed: %s (LOGOS_BLOCKCHAIN_TESTS_KEEP_LOGS=1 keeps it)\n",
                 self->path);
    }
}

void
tf_run_dir_clear (tf_run_dir_t *self)
{
    assert (self);
    free (self->feed_ep);
    free (self->service_ep);
    free (self->control_ep);
    free (self->id);
    free (self->path);
    memset (self, 0, sizeof *self);
}
