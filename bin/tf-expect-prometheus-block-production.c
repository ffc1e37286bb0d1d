//  tf-expect-prometheus-block-production - the nodes' Prometheus metrics show
//  at least min_blocks blocks produced during the run

#include "tf_exp_prometheus.h"
#include "tf_api_client.h"

int
main (int argc, char **argv)
{
    tf_actor_config_t config;
    int rc = tf_actor_config_parse (
        &config, argc, argv, "expectation", TF_EXP_PROMETHEUS_KIND,
        "Expectation prometheus_block_production: the blocks-produced counters of the\n"
        "nodes' /metrics rise by at least `min_blocks` (default 1) between capture and\n"
        "evaluate, summed over the nodes.");
    if (rc)
        return rc > 0 ? 0 : TF_EXIT_USAGE;
    zsys_init ();
    if (tf_api_client_global_init ()) {
        fprintf (stderr, "%s: cannot initialise libcurl\n", argv[0]);
        return TF_EXIT_ERROR;
    }
    zsys_set_logident ("tf-expect-prometheus-block-production");
    tf_exp_prometheus_t *expectation = tf_exp_prometheus_new (&config);
    rc = expectation ? tf_exp_prometheus_run (expectation) : TF_EXIT_ERROR;
    tf_exp_prometheus_destroy (&expectation);
    return rc;
}
