//  tf-scanner - the block scanner: follows every node and publishes the block feed

#include "tf_api_client.h"
#include "tf_scanner.h"

int
main (int argc, char **argv)
{
    tf_scanner_options_t options = {0};
    if (tf_scanner_options_take (&options, &argc, argv))
        return TF_EXIT_USAGE;
    tf_actor_config_t config;
    int rc = tf_actor_config_parse (
        &config, argc, argv, "scanner", NULL,
        "The block scanner: binds the block feed (--feed) and follows every node's chain.\n"
        "Also: --poll-only (no block streams: poll /cryptarchia/info), --poll-ms N (tip\n"
        "interval), --single-node (follow only the first node), as the seeds' anchor does.");
    if (rc)
        return rc > 0 ? 0 : TF_EXIT_USAGE;
    if (!config.feed_ep) {
        fprintf (stderr, "tf-scanner: --feed is required (or TF_FEED; try --help)\n");
        return TF_EXIT_USAGE;
    }
    zsys_init ();
    if (tf_api_client_global_init ()) {
        fprintf (stderr, "%s: cannot initialise libcurl\n", argv[0]);
        return TF_EXIT_ERROR;
    }
    zsys_set_logident ("tf-scanner");
    options.feed_ep = config.feed_ep;
    tf_scanner_t *scanner = tf_scanner_new (&config, &options);
    rc = scanner ? tf_scanner_run (scanner) : TF_EXIT_ERROR;
    tf_scanner_destroy (&scanner);
    return rc;
}
