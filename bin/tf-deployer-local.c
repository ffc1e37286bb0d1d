//  tf-deployer-local - the local deployer: a run's nodes as processes on this host
//  Started by `tf run` for `run: {runner: local}`; see deployers/local/tf_deployer_local.h.

#include "tf_deployer_local.h"

int
main (int argc, char **argv)
{
    tf_actor_config_t config;
    int rc = tf_actor_config_parse (
        &config, argc, argv, "deployer", "local",
        "Deploy the run's nodes as local processes, wait for readiness, serve node control.\n"
        "Node binary: LOGOS_BLOCKCHAIN_NODE_BIN (alias NOMOS_NODE_BIN), else tf-node beside\n"
        "this program. Keep node data: LOGOS_BLOCKCHAIN_TESTS_KEEP_LOGS=1. Logs:\n"
        "LOGOS_BLOCKCHAIN_LOG_DIR, _LEVEL, _FILTER. SLOW_TEST_ENV=true doubles readiness "
        "timeouts.");
    if (rc)
        return rc > 0 ? 0 : TF_EXIT_USAGE;
    zsys_init ();
    zsys_set_logident ("tf-deployer-local");
    tf_deployer_local_t *deployer = tf_deployer_local_new ();
    tf_actor_t *actor = tf_actor_new (&config, tf_deployer_local_handlers (), deployer);
    rc = actor ? tf_actor_run (actor) : TF_EXIT_ERROR;
    tf_actor_destroy (&actor);
    tf_deployer_local_destroy (&deployer);
    return rc;
}
