//  tf-deployer-replay - the deployer of the replay runner: plays a past run's
//  bus recording back so its expectations can be judged again offline.
//  Started by `tf replay`; the recording comes from TF_REPLAY_RECORDING.

#include "tf_replayer.h"

int
main (int argc, char **argv)
{
    tf_actor_config_t config;
    int rc = tf_actor_config_parse (&config, argc, argv, "deployer", "replay",
                                    "Replay a past run's recording (set TF_REPLAY_RECORDING).");
    if (rc)
        return rc > 0 ? 0 : TF_EXIT_USAGE;
    const char *recording = getenv ("TF_REPLAY_RECORDING");
    if (!recording || !config.feed_ep) {
        fprintf (stderr, "tf-deployer-replay: TF_REPLAY_RECORDING and --feed are required\n");
        return TF_EXIT_USAGE;
    }
    zsys_init ();
    zsys_set_logident ("tf-deployer-replay");
    tf_replayer_t *replayer = tf_replayer_new (recording, config.feed_ep);
    if (!replayer)
        return TF_EXIT_ERROR;
    config.feed_ep = NULL; //  We publish the feed; we do not follow it
    tf_actor_t *actor = tf_actor_new (&config, tf_replayer_handlers (), replayer);
    rc = actor ? tf_actor_run (actor) : TF_EXIT_ERROR;
    tf_actor_destroy (&actor);
    tf_replayer_destroy (&replayer);
    return rc;
}
