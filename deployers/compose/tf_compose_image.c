//  tf_compose_image.c - building the node image (see tf_compose_image.h)
//
//  The root is copied file by file (symlinks resolved: each library lands at
//  the path the loader asks for) and imported from a tarball; the image's
//  PATH holds /usr/local/bin so a profile command's bare binary name works in
//  ours as in a user's image.

#include <czmq.h>
#include <sys/stat.h>
#include "tf_compose_engine.h"
#include "tf_compose_image.h"

#define S_DIR_MODE   0755
#define S_FILE_MODE  0755
#define S_COPY_CHUNK 65536
#define S_MAX_FILES  64 //  Binary and libraries

//  Make every directory of path's parent (mkdir -p)
static int
s_make_parents (const char *path)
{
    char *copy = strdup (path);
    int rc = 0;
    for (char *slash = strchr (copy + 1, '/'); slash && rc == 0; slash = strchr (slash + 1, '/')) {
        *slash = 0;
        if (mkdir (copy, S_DIR_MODE) && errno != EEXIST)
            rc = -1;
        *slash = '/';
    }
    free (copy);
    return rc;
}

//  Copy from (following links) to to, executable
static int
s_copy (const char *from, const char *to)
{
    int rc = -1;
    int in = open (from, O_RDONLY | O_CLOEXEC);
    int out = in >= 0 && s_make_parents (to) == 0
                  ? open (to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, S_FILE_MODE)
                  : -1;
    if (out < 0)
        goto out;
    char chunk[S_COPY_CHUNK];
    ssize_t size;
    while ((size = read (in, chunk, sizeof chunk)) > 0)
        if (write (out, chunk, (size_t) size) != size)
            goto out;
    rc = size == 0 ? 0 : -1;
out:
    if (in >= 0)
        close (in);
    if (out >= 0)
        close (out);
    return rc;
}

//  Add a file's content to digest; -1 when it cannot be read
static int
s_digest_file (zdigest_t *digest, const char *path)
{
    int fd = open (path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    byte chunk[S_COPY_CHUNK];
    ssize_t size;
    while ((size = read (fd, chunk, sizeof chunk)) > 0)
        zdigest_update (digest, chunk, (size_t) size);
    close (fd);
    return size == 0 ? 0 : -1;
}

//  Add path to files unless it is there already
static void
s_add_file (char *files[S_MAX_FILES], int *count, const char *path)
{
    for (int index = 0; index < *count; index++)
        if (streq (files[index], path))
            return;
    if (*count < S_MAX_FILES)
        files[(*count)++] = strdup (path);
}

//  The files of the image: the binaries (NULL-terminated) first, then each
//  library ldd names for any of them (absolute paths, once each). Returns
//  the count, or -1 with *error_p.
static int
s_list_files (char *const binaries[], char *files[S_MAX_FILES], char **error_p)
{
    int count = 0;
    for (size_t binary = 0; binaries[binary]; binary++)
        s_add_file (files, &count, binaries[binary]);
    for (size_t binary = 0; binaries[binary]; binary++) {
        char *argv[] = {(char *) "ldd", binaries[binary], NULL};
        tf_compose_result_t result;
        if (tf_compose_exec (argv, -1, TF_COMPOSE_ENGINE_QUICK_MS, NULL, &result)) {
            *error_p = zsys_sprintf ("cannot list the libraries of %s (ldd): %s", binaries[binary],
                                     tf_compose_result_reason (&result));
            tf_compose_result_clear (&result);
            for (int index = 0; index < count; index++)
                free (files[index]);
            return -1;
        }
        char *saveptr = NULL;
        for (char *line = strtok_r (result.output, "\n", &saveptr); line;
             line = strtok_r (NULL, "\n", &saveptr)) {
            char *arrow = strstr (line, "=> ");
            char *path = arrow ? arrow + 3 : line;
            while (*path == ' ' || *path == '\t')
                path++;
            if (*path != '/')
                continue; //  linux-vdso, or "not found"
            path[strcspn (path, " (")] = 0;
            s_add_file (files, &count, path);
        }
        tf_compose_result_clear (&result);
    }
    return count;
}

//  Does the image exist in the engine?
static bool
s_image_exists (const char *tag, void *cancel)
{
    tf_compose_result_t result;
    int rc = tf_compose_docker (cancel, TF_COMPOSE_ENGINE_QUICK_MS, &result, "image", "inspect",
                                "--format", "{{.Id}}", tag, NULL);
    tf_compose_result_clear (&result);
    return rc == 0;
}

//  Remove a scratch tree (best effort)
static void
s_remove_tree (const char *path)
{
    zdir_t *dir = zdir_new (path, NULL);
    if (dir) {
        zdir_remove (dir, true);
        zdir_destroy (&dir);
    }
}

//  Make the root under work_dir and import it as tag
static int
s_build (char *files[], int count, int binary_count, const char *work_dir, const char *repo,
         const char *tag, void *cancel, char **error_p)
{
    int rc = -1;
    char *label = zsys_sprintf ("LABEL %s=%s", TF_COMPOSE_IMAGE_LABEL, repo);
    char *root = zsys_sprintf ("%s/image-root", work_dir);
    char *tarball = zsys_sprintf ("%s/image-root.tar", work_dir);
    s_remove_tree (root);
    for (int index = 0; index < count; index++) {
        const char *name = strrchr (files[index], '/') + 1;
        char *target = index < binary_count
                           ? zsys_sprintf ("%s%s/%s", root, TF_COMPOSE_IMAGE_BIN_DIR, name)
                           : zsys_sprintf ("%s%s", root, files[index]);
        int copied = s_copy (files[index], target);
        zstr_free (&target);
        if (copied) {
            *error_p = zsys_sprintf ("cannot copy %s into the image root %s: %s", files[index],
                                     root, strerror (errno));
            goto out;
        }
    }
    const char *dirs[] = {TF_COMPOSE_IMAGE_CONFIG, TF_COMPOSE_IMAGE_DATA, "/tmp"};
    for (size_t index = 0; index < sizeof dirs / sizeof dirs[0]; index++) {
        char *path = zsys_sprintf ("%s%s/", root, dirs[index]);
        s_make_parents (path);
        zstr_free (&path);
    }
    chmod (tarball, 0600);
    tf_compose_result_t result;
    char *tar_argv[] = {(char *) "tar", (char *) "-C", root, (char *) "-cf",
                        tarball,        (char *) ".",  NULL};
    if (tf_compose_exec (tar_argv, -1, TF_COMPOSE_ENGINE_COMMAND_MS, cancel, &result)) {
        *error_p =
            zsys_sprintf ("cannot pack the image root: %s", tf_compose_result_reason (&result));
        tf_compose_result_clear (&result);
        goto out;
    }
    tf_compose_result_clear (&result);
    if (tf_compose_docker (cancel, TF_COMPOSE_ENGINE_COMMAND_MS, &result, "import", "--change",
                           "ENV PATH=" TF_COMPOSE_IMAGE_BIN_DIR ":/usr/bin:/bin", "--change",
                           "WORKDIR " TF_COMPOSE_IMAGE_DATA, "--change", label, tarball, tag,
                           NULL)) {
        *error_p =
            zsys_sprintf ("cannot import image %s: %s", tag, tf_compose_result_reason (&result));
        tf_compose_result_clear (&result);
        goto out;
    }
    tf_compose_result_clear (&result);
    rc = 0;
out:
    s_remove_tree (root);
    unlink (tarball);
    zstr_free (&label);
    zstr_free (&root);
    zstr_free (&tarball);
    return rc;
}

const char *
tf_compose_image_user (void)
{
    const char *image = getenv (TF_COMPOSE_IMAGE_ENV);
    if (!image || !*image)
        image = getenv (TF_COMPOSE_IMAGE_ALIAS);
    return image && *image ? image : NULL;
}

//  The tag of our image for binaries: repository, version, content hash
static int
s_tag (const char *repo, char *files[], int count, char **tag_p, char **error_p)
{
    zdigest_t *digest = zdigest_new ();
    int rc = 0;
    for (int index = 0; index < count && rc == 0; index++)
        if (s_digest_file (digest, files[index])) {
            *error_p = zsys_sprintf ("cannot read %s for the node image: %s", files[index],
                                     strerror (errno));
            rc = -1;
        }
    if (rc == 0) {
        char *tag = zsys_sprintf ("%s:%s-%.*s", repo, TF_VERSION, TF_COMPOSE_IMAGE_HASH_SIZE,
                                  zdigest_string (digest));
        for (char *cursor = tag; *cursor; cursor++)
            *cursor = (char) tolower ((unsigned char) *cursor);
        *tag_p = tag;
    }
    zdigest_destroy (&digest);
    return rc;
}

int
tf_compose_image_tag (char *const binaries[], char **tag_p, char **error_p)
{
    assert (binaries && binaries[0] && tag_p && error_p);
    char *files[S_MAX_FILES];
    int count = s_list_files (binaries, files, error_p);
    if (count < 0)
        return -1;
    int rc = s_tag (TF_COMPOSE_IMAGE_REPO, files, count, tag_p, error_p);
    for (int index = 0; index < count; index++)
        free (files[index]);
    return rc;
}

int
tf_compose_image_ensure (char *const binaries[], const char *work_dir, void *cancel, char **tag_p,
                         bool *built, char **error_p)
{
    assert (binaries && binaries[0] && work_dir && tag_p && built && error_p);
    *built = false;
    const char *user = tf_compose_image_user ();
    if (user) {
        if (!s_image_exists (user, cancel)) {
            *error_p = zsys_sprintf ("image %s (from %s) is not in the engine and nothing is "
                                     "pulled: load or build it first (docker load, docker build)",
                                     user, TF_COMPOSE_IMAGE_ENV);
            return -1;
        }
        *tag_p = strdup (user);
        return 0;
    }
    return tf_compose_image_build (TF_COMPOSE_IMAGE_REPO, binaries, work_dir, cancel, tag_p, built,
                                   error_p);
}

int
tf_compose_image_build (const char *repo, char *const binaries[], const char *work_dir,
                        void *cancel, char **tag_p, bool *built, char **error_p)
{
    assert (repo && binaries && binaries[0] && work_dir && tag_p && built && error_p);
    *built = false;
    char *files[S_MAX_FILES];
    int count = s_list_files (binaries, files, error_p);
    int binary_count = 0;
    while (binaries[binary_count])
        binary_count++;
    if (count < 0)
        return -1;
    int rc = -1;
    char *tag = NULL;
    if (s_tag (repo, files, count, &tag, error_p))
        goto out;
    if (!s_image_exists (tag, cancel)) {
        int64_t started = zclock_mono ();
        if (s_build (files, count, binary_count, work_dir, repo, tag, cancel, error_p))
            goto out;
        *built = true;
        zsys_info ("compose: built image=%s files=%d ms=%" PRId64, tag, count,
                   zclock_mono () - started);
    }
    rc = 0;
out:
    for (int index = 0; index < count; index++)
        free (files[index]);
    if (rc == 0)
        *tag_p = tag;
    else
        zstr_free (&tag);
    return rc;
}
