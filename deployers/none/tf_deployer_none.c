//  tf-deployer-none - the deployer of runner `none`: a run without nodes
//
//  Runs the whole framework (coordinator, phases, actors, report) with an
//  empty cluster: deploy reports an empty node list; cleanup has nothing to
//  stop and leaves run_dir/cleanup.done behind, the proof that cleanup was
//  delivered. Emits run.nodes and run.phase.ack.

#include <fcntl.h>
#include <unistd.h>
#include "tf_actor.h"

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

int
main (int argc, char **argv)
{
    tf_actor_config_t config;
    int rc = tf_actor_config_parse (&config, argc, argv, "deployer", "none",
                                    "Deployer of runner none: a run with no nodes.");
    if (rc)
        return rc > 0 ? 0 : TF_EXIT_USAGE;
    zsys_init ();
    zsys_set_logident ("tf-deployer-none");
    config.feed_ep = NULL; //  No nodes, no blocks to follow
    tf_actor_handlers_t handlers = {.phase = s_on_phase};
    tf_actor_t *actor = tf_actor_new (&config, &handlers, NULL);
    rc = actor ? tf_actor_run (actor) : TF_EXIT_ERROR;
    tf_actor_destroy (&actor);
    return rc;
}
