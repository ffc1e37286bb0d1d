//  tf_coord_main.c - the command line and main() of tf-coordinator
//
//  Started by `tf run`; binds the control PUB and the service ROUTER, waits for
//  every actor of the plan, drives the phases and writes report.json. Exit code:
//  0 passed, 1 expectations failed, 2 usage, 3 infrastructure failure.

#include <getopt.h>
#include "tf_coord.h"
#include "tf_exit.h"

//  Print the usage text of tf-coordinator to out

static void
s_usage (FILE *out)
{
    fprintf (out, "Usage: tf-coordinator --run-dir DIR --run-id ID --plan FILE --control EP "
                  "--service EP [OPTIONS]\n"
                  "Drive one tf run: register actors, broadcast phases, aggregate results.\n\n"
                  "  --run-dir DIR       run directory (report.json goes there)\n"
                  "  --run-id ID         unique id of the run\n"
                  "  --plan FILE         plan in wire form (plan.msgpack, written by tf)\n"
                  "  --control EP        endpoint to bind the control PUB on\n"
                  "  --service EP        endpoint to bind the service ROUTER on\n"
                  "  --feed EP           scanner's feed endpoint, recorded with control\n"
                  "  --heartbeat-ms N    phase broadcast and heartbeat interval (default 250)\n"
                  "  --timeout-ms N      actor silence that aborts the run (default 5000)\n"
                  "  --register-ms N     time for every actor to register (default 30000)\n"
                  "  -v, --verbose       debug logging\n"
                  "  -h, --help          show this help\n\n"
                  "On tcp (tf run --listen) tf also sets TF_SERVER_CERT (the certificate\n"
                  "control and service serve CURVE with), TF_ALLOW_DIR (the client\n"
                  "certificates allowed; others are refused and counted in report.json),\n"
                  "TF_JOIN (run.json: the scanner's key) and TF_CERT (for the feed).\n");
}

int
tf_coord_main (int argc, char **argv)
{
    tf_coord_config_t config = {0};
    static const struct option options[] = {
        {"run-dir", required_argument, NULL, 'd'},
        {"run-id", required_argument, NULL, 'i'},
        {"plan", required_argument, NULL, 'p'},
        {"control", required_argument, NULL, 'c'},
        {"service", required_argument, NULL, 's'},
        {"feed", required_argument, NULL, 'f'},
        {"heartbeat-ms", required_argument, NULL, 'b'},
        {"timeout-ms", required_argument, NULL, 't'},
        {"register-ms", required_argument, NULL, 'r'},
        {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int option;
    while ((option = getopt_long (argc, argv, "vh", options, NULL)) != -1) {
        switch (option) {
            case 'd':
                config.run_dir = optarg;
                break;
            case 'i':
                config.run_id = optarg;
                break;
            case 'p':
                config.plan_path = optarg;
                break;
            case 'c':
                config.control_ep = optarg;
                break;
            case 's':
                config.service_ep = optarg;
                break;
            case 'f':
                config.feed_ep = optarg;
                break;
            case 'b':
                config.heartbeat_ms = atoll (optarg);
                break;
            case 't':
                config.timeout_ms = atoll (optarg);
                break;
            case 'r':
                config.register_ms = atoll (optarg);
                break;
            case 'v':
                config.verbose = true;
                break;
            case 'h':
                s_usage (stdout);
                return TF_EXIT_OK;
            default:
                s_usage (stderr);
                return TF_EXIT_USAGE;
        }
    }
    if (!config.run_dir || !config.run_id || !config.plan_path || !config.control_ep
        || !config.service_ep || optind < argc) {
        fprintf (stderr, "tf-coordinator: --run-dir, --run-id, --plan, --control and --service "
                         "are required (try --help)\n");
        return TF_EXIT_USAGE;
    }
    zsys_init ();
    zsys_set_logident ("tf-coordinator");
    tf_coord_t *coord = tf_coord_new (&config);
    if (!coord)
        return TF_EXIT_ERROR;
    int rc = tf_coord_run (coord);
    tf_coord_destroy (&coord);
    return rc;
}
