//  tf_actor_main.c - an actor program's command line and main() (see tf_actor.h)
//
//  One parser for every actor: the runtime's flags, each falling back to the
//  environment tf sets, and the program's own flags from its class, all listed
//  by --help. tf_actor_main then runs the class: create its state, run the
//  actor loop, destroy both on every path.

#include "tf_actor.h"
#include <errno.h>
#include <getopt.h>
#include <sys/resource.h>
#include "tf_curve.h"

#define S_IDENTITY_SIZE   160 //  "tf-workload-transactions[transactions_2]"
#define S_RUNTIME_OPTIONS 10  //  Entries of the runtime's own options (--name ... --help)

//  Options of the runtime itself, then the class's own flags from S_FLAG_BASE
enum {
    S_OPT_NAME = 1000,
    S_OPT_CONTROL,
    S_OPT_SERVICE,
    S_OPT_FEED,
    S_OPT_RUN_DIR,
    S_OPT_ROLE,
    S_OPT_JOIN,
    S_OPT_CERT,
    S_FLAG_BASE = 2000
};

static void
s_usage (FILE *out, const tf_actor_class_t *actor_class)
{
    fprintf (out,
             "Usage: %s [OPTIONS]\n"
             "%s\n"
             "A tf actor: started by `tf run`, or by hand to attach to a running scenario.\n\n"
             "Options (each defaults to the environment variable in brackets):\n"
             "  --name NAME        unique actor name             [TF_ACTOR_NAME]\n"
             "  --control EP       coordinator's control PUB     [TF_CONTROL]\n"
             "  --service EP       coordinator's service ROUTER  [TF_SERVICE]\n"
             "  --feed EP          scanner's block feed PUB      [TF_FEED]%s\n"
             "  --run-dir DIR      run directory                 [TF_RUN_DIR]\n"
             "  --role ROLE        the role the plan gives it    [TF_ACTOR_ROLE]\n"
             "                     (default %s; e.g. a scanner attached as a custom workload)\n"
             "  --join RUN_JSON    the run's run.json: endpoints and CURVE keys [TF_JOIN]\n"
             "  --cert FILE        own certificate (.cert_secret) for tcp [TF_CERT]\n",
             actor_class->program, actor_class->summary,
             actor_class->publishes_feed ? " (binds it)" : "", actor_class->role);
    for (size_t index = 0; index < actor_class->flag_count; index++) {
        const tf_actor_flag_t *flag = &actor_class->flags[index];
        char *spelling = zsys_sprintf ("--%s%s%s", flag->name, flag->value ? " " : "",
                                       flag->value ? flag->value : "");
        fprintf (out, "  %-18s %s\n", spelling, flag->help);
        zstr_free (&spelling);
    }
    fprintf (out, "  -v, --verbose      debug logging\n"
                  "  -h, --help         show this help\n");
}

//  True when text is a positive decimal integer that fits an int64_t
static bool
s_positive (const char *text)
{
    char *end = NULL;
    errno = 0;
    long long value = text && *text != '-' ? strtoll (text, &end, 10) : 0;
    return text && end != text && !*end && !errno && value > 0;
}

//  What --join read: it lives as long as the process, as argv does
static tf_curve_run_t s_joined;

//  Take from run.json the endpoints not given otherwise and the CURVE keys
static int
s_join (tf_actor_config_t *config)
{
    const char *program = config->actor_class->program;
    tf_curve_run_clear (&s_joined);
    if (tf_curve_run_read (&s_joined, config->join_path, stderr)) {
        fprintf (stderr, "%s: cannot join the run of --join %s\n", program, config->join_path);
        return -1;
    }
    if (!config->control_ep)
        config->control_ep = s_joined.control;
    if (!config->service_ep)
        config->service_ep = s_joined.service;
    if (!config->feed_ep)
        config->feed_ep = s_joined.feed;
    if (*s_joined.coordinator_key) {
        config->coordinator_key = s_joined.coordinator_key;
        config->scanner_key = s_joined.scanner_key;
        if (!config->cert_path || !*config->cert_path) {
            fprintf (stderr,
                     "%s: the run of %s listens on tcp with CURVE: --cert FILE (or "
                     "TF_CERT) names the .cert_secret tf keys new wrote\n",
                     program, config->join_path);
            return -1;
        }
    }
    return 0;
}

int
tf_actor_config_parse (tf_actor_config_t *config, int argc, char **argv,
                       const tf_actor_class_t *actor_class)
{
    assert (config && actor_class && actor_class->program && actor_class->role);
    assert (actor_class->summary && actor_class->flag_count <= TF_ACTOR_MAX_FLAGS);
    memset (config, 0, sizeof *config);
    config->actor_class = actor_class;
    config->role = actor_class->role;
    config->kind = actor_class->kind;
    config->name = getenv ("TF_ACTOR_NAME");
    config->control_ep = getenv ("TF_CONTROL");
    config->service_ep = getenv ("TF_SERVICE");
    config->feed_ep = getenv ("TF_FEED");
    config->run_dir = getenv ("TF_RUN_DIR");
    config->join_path = getenv ("TF_JOIN");
    config->cert_path = getenv ("TF_CERT");
    if (getenv ("TF_ACTOR_ROLE") && *getenv ("TF_ACTOR_ROLE"))
        config->role = getenv ("TF_ACTOR_ROLE");

    struct option options[S_RUNTIME_OPTIONS + TF_ACTOR_MAX_FLAGS + 1] = {
        {"name", required_argument, NULL, S_OPT_NAME},
        {"control", required_argument, NULL, S_OPT_CONTROL},
        {"service", required_argument, NULL, S_OPT_SERVICE},
        {"feed", required_argument, NULL, S_OPT_FEED},
        {"run-dir", required_argument, NULL, S_OPT_RUN_DIR},
        {"role", required_argument, NULL, S_OPT_ROLE},
        {"join", required_argument, NULL, S_OPT_JOIN},
        {"cert", required_argument, NULL, S_OPT_CERT},
        {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},
    };
    for (size_t index = 0; index < actor_class->flag_count; index++) {
        const tf_actor_flag_t *flag = &actor_class->flags[index];
        options[S_RUNTIME_OPTIONS + index] =
            (struct option){flag->name, flag->value ? required_argument : no_argument, NULL,
                            S_FLAG_BASE + (int) index};
    }
    optind = 1;
    int option;
    while ((option = getopt_long (argc, argv, "vh", options, NULL)) != -1) {
        if (option >= S_FLAG_BASE) {
            const tf_actor_flag_t *flag = &actor_class->flags[option - S_FLAG_BASE];
            if (flag->number && !s_positive (optarg)) {
                fprintf (stderr, "%s: --%s needs a positive integer, got '%s'\n",
                         actor_class->program, flag->name, optarg);
                return -1;
            }
            config->flag_values[option - S_FLAG_BASE] = optarg ? optarg : "";
            continue;
        }
        switch (option) {
            case S_OPT_NAME:
                config->name = optarg;
                break;
            case S_OPT_CONTROL:
                config->control_ep = optarg;
                break;
            case S_OPT_SERVICE:
                config->service_ep = optarg;
                break;
            case S_OPT_FEED:
                config->feed_ep = optarg;
                break;
            case S_OPT_RUN_DIR:
                config->run_dir = optarg;
                break;
            case S_OPT_ROLE:
                config->role = optarg;
                break;
            case S_OPT_JOIN:
                config->join_path = optarg;
                break;
            case S_OPT_CERT:
                config->cert_path = optarg;
                break;
            case 'v':
                config->verbose = true;
                break;
            case 'h':
                s_usage (stdout, actor_class);
                return 1;
            default:
                fprintf (stderr, "%s: try --help\n", actor_class->program);
                return -1;
        }
    }
    if (optind < argc) {
        fprintf (stderr, "%s: unexpected argument '%s' (try --help)\n", actor_class->program,
                 argv[optind]);
        return -1;
    }
    if (config->join_path && *config->join_path && s_join (config))
        return -1;
    if (config->feed_ep && !*config->feed_ep)
        config->feed_ep = NULL;
    const char *missing = !config->name                                     ? "--name"
                          : !config->control_ep                             ? "--control"
                          : !config->service_ep                             ? "--service"
                          : actor_class->publishes_feed && !config->feed_ep ? "--feed"
                                                                            : NULL;
    if (missing) {
        fprintf (stderr, "%s: %s is required (or its environment variable; try --help)\n",
                 actor_class->program, missing);
        return -1;
    }
    return 0;
}

const char *
tf_actor_config_flag (const tf_actor_config_t *config, const char *name)
{
    assert (config && config->actor_class && name);
    const tf_actor_class_t *actor_class = config->actor_class;
    for (size_t index = 0; index < actor_class->flag_count; index++)
        if (streq (actor_class->flags[index].name, name))
            return config->flag_values[index];
    assert (false); //  Asking for a flag the class does not declare is our bug
    return NULL;
}

//  "tf-scanner" for the one actor of its kind, "tf-workload-transactions[tx_2]"
//  when the name says more than the role or kind
static void
s_set_identity (const tf_actor_config_t *config)
{
    const char *program = config->actor_class->program;
    bool plain =
        streq (config->name, config->role) || (config->kind && streq (config->name, config->kind));
    char identity[S_IDENTITY_SIZE];
    if (plain)
        snprintf (identity, sizeof identity, "%s", program);
    else
        snprintf (identity, sizeof identity, "%s[%s]", program, config->name);
    zsys_set_logident (identity);
}

int
tf_actor_raise_limits (void)
{
    int rc = 0;
    struct rlimit limit;
    if (getrlimit (RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY
        && limit.rlim_cur < TF_ACTOR_MAX_FILES) {
        limit.rlim_cur = limit.rlim_max != RLIM_INFINITY && limit.rlim_max < TF_ACTOR_MAX_FILES
                             ? limit.rlim_max
                             : TF_ACTOR_MAX_FILES;
        if (setrlimit (RLIMIT_NOFILE, &limit)) {
            zsys_warning ("actor: cannot raise the open-file limit to %llu error=\"%s\"",
                          (unsigned long long) limit.rlim_cur, strerror (errno));
            rc = -1;
        }
    }
    size_t sockets = zsys_socket_limit ();
    zsys_set_max_sockets (sockets && sockets < TF_ACTOR_MAX_SOCKETS ? sockets
                                                                    : TF_ACTOR_MAX_SOCKETS);
    return rc;
}

int
tf_actor_main (int argc, char **argv, const tf_actor_class_t *actor_class)
{
    assert (actor_class && actor_class->handlers);
    tf_actor_config_t config;
    int rc = tf_actor_config_parse (&config, argc, argv, actor_class);
    if (rc)
        return rc > 0 ? TF_EXIT_OK : TF_EXIT_USAGE;
    zsys_init ();
    tf_actor_raise_limits (); //  Short limits are logged; a small run needs neither
    s_set_identity (&config);
    void *state = NULL;
    if (actor_class->create) {
        state = actor_class->create (&config);
        if (!state)
            return TF_EXIT_ERROR;
    }
    tf_actor_t *actor = tf_actor_new (&config, actor_class->handlers, state);
    rc = actor ? tf_actor_run (actor) : TF_EXIT_ERROR;
    tf_actor_destroy (&actor);
    if (actor_class->destroy)
        actor_class->destroy (&state);
    return rc;
}
