//  tf_node_main.c - the command line and main() of tf-node:
//  tf-node NODE.yaml --deployment DEPLOYMENT.yaml [--check-config]
//
//  Parses the arguments, loads both config files, sets the log level (the
//  environment wins over the config), stops on SIGTERM/SIGINT and runs the node.
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include "tf_node.h"
#include "tf_node_log.h"
#include "tf_node_p2p.h"

#define TF_NODE_EXIT_CONFIG 2   //  Bad command line or config
#define TF_NODE_FD_MARGIN   256 //  Open files beyond the peer connections (HTTP, store, logs)

static volatile sig_atomic_t s_stop = 0; //  Set by SIGTERM / SIGINT

//  SIGTERM/SIGINT handler: ask the slot loop to stop
static void
s_on_signal (int signum)
{
    (void) signum;
    s_stop = 1;
}

//  Print the usage text of tf-node to out
static void
s_usage (FILE *out)
{
    fprintf (out, "usage: tf-node NODE.yaml --deployment DEPLOYMENT.yaml [--check-config]\n"
                  "       tf-node --help | --version\n"
                  "The config keys, API and protocol are described in node/README.md.\n");
}

//  Room for every connection: a star's hub of thousands of nodes holds one socket
//  each, past the usual soft limit of 1024 open files; raise it toward the hard limit
static void
s_raise_open_files (void)
{
    struct rlimit limit;
    rlim_t want = TF_NODE_P2P_MAX_CONNS + TF_NODE_FD_MARGIN;
    if (getrlimit (RLIMIT_NOFILE, &limit) || limit.rlim_cur == RLIM_INFINITY
        || limit.rlim_cur >= want)
        return;
    limit.rlim_cur =
        limit.rlim_max != RLIM_INFINITY && limit.rlim_max < want ? limit.rlim_max : want;
    if (setrlimit (RLIMIT_NOFILE, &limit))
        tf_node_warn ("node: cannot raise the open-file limit to %llu",
                      (unsigned long long) limit.rlim_cur);
}

int
tf_node_main (int argc, char **argv)
{
    const char *node_path = NULL, *deployment_path = NULL;
    int check = 0;
    for (int index = 1; index < argc; index++) {
        if (strcmp (argv[index], "--help") == 0 || strcmp (argv[index], "-h") == 0) {
            s_usage (stdout);
            return 0;
        }
        if (strcmp (argv[index], "--version") == 0) {
            printf ("tf-node %s\n", TF_VERSION);
            return 0;
        }
        if (strcmp (argv[index], "--check-config") == 0)
            check = 1;
        else if (strcmp (argv[index], "--deployment") == 0 && index + 1 < argc)
            deployment_path = argv[++index];
        else if (argv[index][0] != '-' && !node_path)
            node_path = argv[index];
        else {
            fprintf (stderr, "tf-node: unexpected argument '%s'\n", argv[index]);
            s_usage (stderr);
            return TF_NODE_EXIT_CONFIG;
        }
    }
    if (!node_path || !deployment_path) {
        s_usage (stderr);
        return TF_NODE_EXIT_CONFIG;
    }
    if (tf_node_crypto_init ()) {
        fprintf (stderr, "tf-node: libsodium failed to initialise\n");
        return 1;
    }
    char error[TF_NODE_CONFIG_ERROR_MAX];
    tf_node_config_t *config =
        tf_node_config_load (node_path, deployment_path, check, error, sizeof error);
    if (!config) {
        fprintf (stderr, "tf-node: config error: %s\n", error);
        return TF_NODE_EXIT_CONFIG;
    }
    if (check) {
        printf ("tf-node: config OK\n");
        tf_node_config_destroy (&config);
        return 0;
    }
    const char *level = getenv ("LOGOS_BLOCKCHAIN_LOG_LEVEL");
    if (!level)
        level = getenv ("NOMOS_LOG_LEVEL");
    int parsed = level ? tf_node_log_level_parse (level) : -1;
    tf_node_log_set_level (parsed >= 0 ? parsed : config->log_level);
    if (tf_node_log_open (config->log_file, config->logger == TF_NODE_LOGGER_STDOUT)) {
        fprintf (stderr, "tf-node: cannot open log file %s\n", config->log_file);
        tf_node_config_destroy (&config);
        return TF_NODE_EXIT_CONFIG;
    }
    s_raise_open_files ();
    signal (SIGPIPE, SIG_IGN);
    struct sigaction action = {0};
    action.sa_handler = s_on_signal;
    sigaction (SIGTERM, &action, NULL);
    sigaction (SIGINT, &action, NULL);

    tf_node_t *node = tf_node_new (&config);
    int rc = 1;
    if (node)
        rc = tf_node_run (node, &s_stop) == 0 ? 0 : 1;
    tf_node_destroy (&node);
    tf_node_config_destroy (&config);
    tf_node_log_close ();
    return rc;
}
