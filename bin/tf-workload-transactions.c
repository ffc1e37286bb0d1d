//  tf-workload-transactions - user transfers between seeded wallets, paced on
//  the block feed: `rate` per block from `users` wallets

#include "tf_genesis.h"
#include "tf_api_client.h"
#include "tf_wl_tx.h"

//  The plan's wallets, exactly as the deployer funds them in genesis
static int
s_genesis_wallets (const tf_plan_t *plan, tf_wl_tx_wallet_t **wallets_p, size_t *count_p)
{
    tf_genesis_t *genesis = tf_genesis_new (plan);
    if (!genesis)
        return -1;
    size_t count = genesis->wallet_count;
    tf_wl_tx_wallet_t *wallets = (tf_wl_tx_wallet_t *) zmalloc ((count + 1) * sizeof *wallets);
    for (size_t index = 0; index < count; index++) {
        wallets[index].key = genesis->wallets[index].key;
        wallets[index].amount = genesis->wallets[index].amount;
        memcpy (wallets[index].note_id, genesis->wallets[index].note_id, TF_KEYS_HASH_SIZE);
    }
    tf_genesis_destroy (&genesis);
    *wallets_p = wallets;
    *count_p = count;
    return 0;
}

int
main (int argc, char **argv)
{
    tf_actor_config_t config;
    int rc = tf_actor_config_parse (
        &config, argc, argv, "workload", TF_WL_TX_KIND,
        "Workload transactions: for every new block, `rate` signed transfers between `users`\n"
        "seeded wallets, each POSTed to a node chosen from the seed (the next node when one\n"
        "does not answer); every submission is published as tx.submitted.\n"
        "Environment: TF_TX_WORKERS, submissions in flight at once (default 4).");
    if (rc)
        return rc > 0 ? 0 : TF_EXIT_USAGE;
    zsys_init ();
    if (tf_api_client_global_init ()) {
        fprintf (stderr, "%s: cannot initialise libcurl\n", argv[0]);
        return TF_EXIT_ERROR;
    }
    char identity[128];
    snprintf (identity, sizeof identity, "tf-workload[%s]", config.name);
    zsys_set_logident (identity);
    const char *workers = getenv ("TF_TX_WORKERS");
    tf_wl_tx_t *workload =
        tf_wl_tx_new (&config, s_genesis_wallets, workers ? (size_t) atoi (workers) : 0);
    rc = workload ? tf_wl_tx_run (workload) : TF_EXIT_ERROR;
    tf_wl_tx_destroy (&workload);
    return rc;
}
