//  tf_deployer_none.c - the deployer of runner `none` (see tf_deployer_none.h)

#include <fcntl.h>
#include <unistd.h>
#include "tf_deployer_none.h"

#define TF_DEPLOYER_NONE_MARK "cleanup.done"
#define TF_DEPLOYER_NONE_TEXT "cleanup delivered\n"
#define TF_DEPLOYER_NONE_MODE 0600

//  The backend's state
typedef struct {
    char *run_dir; //  Where cleanup.done goes, or NULL
} s_none_t;

static void *
s_create (const tf_deployer_env_t *env, char **error_p)
{
    s_none_t *self = (s_none_t *) zmalloc (sizeof (s_none_t));
    self->run_dir = env->run_dir ? strdup (env->run_dir) : NULL;
    return self;
}

static void
s_destroy (void **ctx_p)
{
    assert (ctx_p);
    s_none_t *self = (s_none_t *) *ctx_p;
    if (!self)
        return;
    free (self->run_dir);
    free (self);
    *ctx_p = NULL;
}

//  No nodes
static int
s_deploy (void *ctx, tf_deployer_node_t **nodes_p, size_t *count_p, char **error_p)
{
    *nodes_p = NULL;
    *count_p = 0;
    return 0;
}

//  Leave the mark that cleanup was delivered
static int
s_cleanup (void *ctx, char **error_p)
{
    s_none_t *self = (s_none_t *) ctx;
    if (!self->run_dir)
        return 0;
    char *path = zsys_sprintf ("%s/%s", self->run_dir, TF_DEPLOYER_NONE_MARK);
    int fd = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, TF_DEPLOYER_NONE_MODE);
    size_t size = strlen (TF_DEPLOYER_NONE_TEXT);
    bool written = fd >= 0 && write (fd, TF_DEPLOYER_NONE_TEXT, size) == (ssize_t) size;
    if (fd >= 0)
        close (fd);
    if (!written)
        *error_p = zsys_sprintf ("cannot write %s: %s", path, strerror (errno));
    zstr_free (&path);
    return written ? 0 : -1;
}

const tf_deployer_ops_t tf_deployer_none_ops = {
    .runner = "none",
    .stages = 0,
    .create = s_create,
    .destroy = s_destroy,
    .deploy = s_deploy,
    .cleanup = s_cleanup,
};

const tf_deployer_class_t tf_deployer_none_class = TF_DEPLOYER_CLASS (
    tf_deployer_none_ops, "none", "Deployer of runner none: a run with no nodes.\n");
