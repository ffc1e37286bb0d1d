//  tf-expect-tx-inclusion - at least min_ratio of the submitted transactions
//  appear in blocks, judged from the bus alone

#include "tf_exp_tx.h"

int
main (int argc, char **argv)
{
    tf_actor_config_t config;
    int rc = tf_actor_config_parse (
        &config, argc, argv, "expectation", TF_EXP_TX_KIND,
        "Expectation tx_inclusion: at least max (1, ceil (submitted x min_ratio)) of the\n"
        "transactions the workloads submitted appear in blocks that were not reorganised\n"
        "away; reports inclusion latency to the first block and to the LIB.");
    if (rc)
        return rc > 0 ? 0 : TF_EXIT_USAGE;
    zsys_init ();
    zsys_set_logident ("tf-expect-tx-inclusion");
    tf_exp_tx_t *expectation = tf_exp_tx_new (&config);
    rc = expectation ? tf_exp_tx_run (expectation) : TF_EXIT_ERROR;
    tf_exp_tx_destroy (&expectation);
    return rc;
}
