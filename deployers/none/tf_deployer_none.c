//  tf_deployer_none.c - the deployer of runner `none` (see tf_deployer_none.h)

#include <fcntl.h>
#include <unistd.h>
#include "tf_deployer_none.h"

#define TF_DEPLOYER_NONE_MARK "cleanup.done"
#define TF_DEPLOYER_NONE_TEXT "cleanup delivered\n"
#define TF_DEPLOYER_NONE_MODE 0600

static int
s_on_phase (tf_actor_t *actor, void *state, tf_phase_t phase)
{
    if (phase == TF_PHASE_DEPLOY) {
        tf_run_nodes_t nodes = {.run_id = (char *) tf_actor_run_id (actor)};
        if (tf_actor_send (actor, TF_MSG_run_nodes, &nodes))
            return TF_ACTOR_ERROR;
    }
    else if (phase == TF_PHASE_CLEANUP && tf_actor_run_dir (actor)) {
        char *path = zsys_sprintf ("%s/%s", tf_actor_run_dir (actor), TF_DEPLOYER_NONE_MARK);
        int fd = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, TF_DEPLOYER_NONE_MODE);
        size_t size = strlen (TF_DEPLOYER_NONE_TEXT);
        bool written = fd >= 0 && write (fd, TF_DEPLOYER_NONE_TEXT, size) == (ssize_t) size;
        if (fd >= 0)
            close (fd);
        if (!written)
            zsys_error ("deployer-none: cannot write path=%s", path);
        zstr_free (&path);
        if (!written)
            return TF_ACTOR_ERROR;
    }
    return TF_ACTOR_ACK;
}

static const tf_actor_handlers_t s_handlers = {.phase = s_on_phase};

const tf_actor_class_t tf_deployer_none_class = {
    .program = "tf-deployer-none",
    .role = "deployer",
    .kind = "none",
    .summary = "Deployer of runner none: a run with no nodes.\n",
    .handlers = &s_handlers,
};
