//  tf-expect-consensus-liveness - every validator reaches the target height and
//  all nodes agree on the chain up to the lowest LIB

#include "tf_exp_liveness.h"
#include "tf_api_client.h"

int
main (int argc, char **argv)
{
    tf_actor_config_t config;
    int rc = tf_actor_config_parse (
        &config, argc, argv, "expectation", TF_EXP_LIVENESS_KIND,
        "Expectation consensus_liveness: every validator reaches ceil(expected blocks x\n"
        "tolerance) (or `minimum`), and every node holds the lowest LIB (`agreement`).");
    if (rc)
        return rc > 0 ? 0 : TF_EXIT_USAGE;
    zsys_init ();
    if (tf_api_client_global_init ()) {
        fprintf (stderr, "%s: cannot initialise libcurl\n", argv[0]);
        return TF_EXIT_ERROR;
    }
    zsys_set_logident ("tf-expect-consensus-liveness");
    tf_exp_liveness_t *expectation = tf_exp_liveness_new (&config);
    rc = expectation ? tf_exp_liveness_run (expectation) : TF_EXIT_ERROR;
    tf_exp_liveness_destroy (&expectation);
    return rc;
}
