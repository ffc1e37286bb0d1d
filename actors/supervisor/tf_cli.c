//  tf_cli.c - the command line of `tf`: run, validate, render, replay, clean, catalog, help and version

#include <czmq.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <unistd.h>
#include "tf_clean.h"
#include "tf_catalog.h"
#include "tf_cli.h"
#include "tf_curve.h"
#include "tf_plan.h"
#include "tf_run.h"
#include "tf_run_listen.h"
#include "tf_supervisor.h"

static void
s_usage (FILE *out)
{
    fprintf (out, "Usage: tf COMMAND [OPTIONS]\n"
                  "Multi-node scenario testing for blockchain nodes.\n\n"
                  "Commands:\n"
                  "  run SCENARIO       deploy, drive, judge and clean up one scenario\n"
                  "  validate FILE      print the normalised plan of a scenario, or every error\n"
                  "  render SCENARIO    write the Kubernetes manifests of a k8s run, no cluster\n"
                  "  replay RUN_DIR     judge a past run's recording again with its expectations\n"
                  "  clean              stop and remove what crashed runs left behind\n"
                  "  catalog            list the workload and expectation kinds, their knobs,\n"
                  "                     and the runners\n"
                  "  keys new NAME      make a certificate to join a `tf run --listen` run\n"
                  "  agent              run this host's share of the nodes of runs whose\n"
                  "                     scenario names it in hosts: (tf agent --help)\n\n"
                  "Options:\n"
                  "  -h, --help         show this help (tf COMMAND --help for a command)\n"
                  "  --version          print the version\n\n"
                  "Exit codes: 0 passed, 1 expectations failed, 2 bad scenario or usage,\n"
                  "3 infrastructure failure (deploy, readiness, actor crash).\n");
}

static void
s_run_usage (FILE *out)
{
    fprintf (out,
             "Usage: tf run SCENARIO [OPTIONS]\n"
             "Run one scenario: start the coordinator and every actor, show progress,\n"
             "print the verdict and exit with it.\n\n"
             "Options:\n"
             "  --runner NAME      local|compose|k8s|external|none (overrides run.runner)\n"
             "  --duration D       execute phase length (overrides run.duration): a whole number\n"
             "                     and a unit, 500ms, 90s, 2m or 1h, as in scenarios (90 alone\n"
             "                     is refused: it does not say which unit)\n"
             "  --seed N           seed of every random choice (overrides run.seed)\n"
             "  --run-dir DIR      run directory; must not exist or be empty; never removed\n"
             "  --attach-timeout D how long every actor has to register (default 30s): time\n"
             "                     to start a custom actor that attaches by itself\n"
             "  --listen ADDR      control, service and feed on tcp with CURVE instead of\n"
             "                     ipc: tcp://HOST (ports from the kernel) or tcp://HOST:PORT\n"
             "                     (PORT, PORT+1, PORT+2), HOST a numeric IPv4 address the\n"
             "                     other hosts reach; run.json in the run directory says\n"
             "                     how to join (endpoints, server keys)\n"
             "  --allow CERT       a certificate (tf keys new) allowed to join a --listen run,\n"
             "                     or a directory: every *.cert in it (repeatable); tf's own\n"
             "                     processes are allowed anyway, others are refused, logged\n"
             "                     and counted in report.json (security)\n"
             "  -h, --help         show this help\n\n"
             "The run directory (default: a fresh tf-run-XXXXXX under ${TMPDIR:-/tmp}, mode\n"
             "0700) holds plan.yaml, plan.msgpack, logs/<process>.log, pids (one \"PID NAME\"\n"
             "line per process started), run.json, the bus recording and report.json (and\n"
             "keys/ with --listen). It is kept when\n"
             "the run fails, and removed after a pass unless LOGOS_BLOCKCHAIN_TESTS_KEEP_LOGS=1\n"
             "(or NOMOS_TESTS_KEEP_LOGS=1) or --run-dir was given.\n\n"
             "Ctrl-C once: the run is aborted and cleaned up. Twice: every process is killed.\n"
             "Progress is one live line on a terminal, plain lines when CI=true or piped.\n");
}

static void
s_replay_usage (FILE *out)
{
    fprintf (out, "Usage: tf replay RUN_DIR [OPTIONS]\n"
                  "Judge a past run again, offline: its expectations (built-in and custom) run\n"
                  "against the recording in RUN_DIR/bus.rec instead of live nodes and workloads.\n"
                  "RUN_DIR is the run directory of a kept run (plan.msgpack and bus.rec).\n\n"
                  "Options:\n"
                  "  --expect NAME      judge only this expectation of the plan (repeatable)\n"
                  "  --run-dir DIR      run directory of the replay; must not exist or be empty\n"
                  "  -h, --help         show this help\n\n"
                  "A recording whose run never reached evaluate (killed, or aborted) is judged\n"
                  "on what it holds; tf says in which phase and when it ends.\n"
                  "Exit codes as for tf run.\n");
}

//  A duration flag in the scenarios' own grammar (tf_plan_duration_parse): 0 and
//  *ms_p set, or -1 after saying why as the scenario loader does
static int
s_parse_duration (const char *command, const char *flag, const char *text, int64_t *ms_p)
{
    if (tf_plan_duration_parse (text, ms_p) == 0)
        return 0;
    fprintf (stderr, "%s: %s: expected " TF_PLAN_DURATION_EXPECTED ", got '%s'\n", command, flag,
             text);
    return -1;
}

static void
s_clean_usage (FILE *out)
{
    fprintf (out,
             "Usage: tf clean [OPTIONS]\n"
             "Find the run directories tf made under ${TMPDIR:-/tmp} (a directory of yours\n"
             "holding tf's marker tf.pid, written for it), stop the processes a run whose tf\n"
             "is gone left behind (from its pids file, and any naming its directory), and\n"
             "remove the directory if tf made it (tf-run-<id>; a --run-dir is never removed).\n"
             "Then remove, from the Docker engine (when it answers), the containers, networks\n"
             "and volumes labelled tf.run=<id> of compose runs whose tf is gone, and, from\n"
             "the cluster of the current kubectl context (when it answers within 5 s), the\n"
             "namespaces labelled tf.run=<id> of k8s runs whose tf is gone.\n"
             "A live run, and anything tf did not make, is never touched.\n\n"
             "Options:\n"
             "  --older-than D     only runs whose own files are all older than D: a whole\n"
             "                     number and a unit, 500ms, 90s, 30m or 2h, as in scenarios\n"
             "  --run-id ID        only this run (repeatable)\n"
             "  --dir DIR          look in DIR instead of ${TMPDIR:-/tmp}\n"
             "  --dry-run          say what would be done, do nothing\n"
             "  -h, --help         show this help\n\n"
             "Exit codes: 0 done, 2 usage, 3 something could not be read, stopped or removed.\n");
}

static int
s_clean (int argc, char **argv)
{
    static const struct option options[] = {
        {"older-than", required_argument, NULL, 'o'},
        {"run-id", required_argument, NULL, 'i'},
        {"dir", required_argument, NULL, 'D'},
        {"dry-run", no_argument, NULL, 'n'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *tmpdir = getenv ("TMPDIR");
    tf_clean_config_t config = {.root = tmpdir && *tmpdir ? tmpdir : "/tmp", .engine = true};
    const char **run_ids = (const char **) zmalloc ((size_t) (argc + 1) * sizeof (char *));
    size_t run_id_count = 0;
    int rc = TF_EXIT_USAGE;
    optind = 1;
    int option;
    while ((option = getopt_long (argc, argv, "h", options, NULL)) != -1) {
        switch (option) {
            case 'o':
                if (s_parse_duration ("tf clean", "--older-than", optarg, &config.older_than_ms))
                    goto out;
                break;
            case 'i':
                run_ids[run_id_count++] = optarg;
                break;
            case 'D':
                config.root = optarg;
                break;
            case 'n':
                config.dry_run = true;
                break;
            case 'h':
                s_clean_usage (stdout);
                rc = TF_EXIT_OK;
                goto out;
            default:
                fprintf (stderr, "tf clean: try --help\n");
                goto out;
        }
    }
    if (optind != argc) {
        fprintf (stderr, "tf clean: unexpected argument '%s' (try --help)\n", argv[optind]);
        goto out;
    }
    config.run_ids = run_id_count ? run_ids : NULL;
    rc = tf_clean_run (&config, stdout, stderr);
out:
    free (run_ids);
    return rc;
}

static void
s_validate_usage (FILE *out)
{
    fprintf (out, "Usage: tf validate FILE\n"
                  "Load and check a scenario. Prints the normalised plan (exit 0), or every\n"
                  "error as file:line:column: path: message (exit 2).\n\n"
                  "Options:\n"
                  "  -h, --help         show this help\n");
}

static void
s_catalog_usage (FILE *out)
{
    fprintf (out,
             "Usage: tf catalog [--format text|markdown]\n"
             "List what a scenario may name: every workload and expectation kind with the\n"
             "program that runs it, what it needs (executors, wallets, node-control actions,\n"
             "a companion workload) and every knob with its type, default, range and help;\n"
             "then the runners with their program and the node-control actions they can do.\n\n"
             "Options:\n"
             "  --format F         text (default) or markdown (headings and tables)\n"
             "  -h, --help         show this help\n");
}

static int
s_catalog (int argc, char **argv)
{
    static const struct option options[] = {
        {"format", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    tf_catalog_format_t format = TF_CATALOG_FORMAT_TEXT;
    optind = 1;
    int option;
    while ((option = getopt_long (argc, argv, "h", options, NULL)) != -1) {
        switch (option) {
            case 'f':
                if (tf_catalog_format_parse (optarg, &format)) {
                    fprintf (stderr, "tf catalog: --format: expected text or markdown, got '%s'\n",
                             optarg);
                    return TF_EXIT_USAGE;
                }
                break;
            case 'h':
                s_catalog_usage (stdout);
                return TF_EXIT_OK;
            default:
                fprintf (stderr, "tf catalog: try --help\n");
                return TF_EXIT_USAGE;
        }
    }
    if (optind != argc) {
        fprintf (stderr, "tf catalog: unexpected argument '%s' (try --help)\n", argv[optind]);
        return TF_EXIT_USAGE;
    }
    tf_catalog_print (stdout, format);
    return TF_EXIT_OK;
}

static int
s_validate (int argc, char **argv)
{
    static const struct option options[] = {
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    optind = 1;
    int option;
    while ((option = getopt_long (argc, argv, "h", options, NULL)) != -1) {
        if (option == 'h') {
            s_validate_usage (stdout);
            return TF_EXIT_OK;
        }
        s_validate_usage (stderr);
        return TF_EXIT_USAGE;
    }
    if (argc - optind != 1) {
        fprintf (stderr, "tf validate: expected exactly one scenario file (try --help)\n");
        return TF_EXIT_USAGE;
    }
    return tf_supervisor_validate (argv[optind], stdout, stderr);
}

//  tf run: load the scenario and run it through the run API (tf_run.h), the
//  one way every run starts
static int
s_run_scenario (const char *path, const tf_supervisor_config_t *config, const char *bin_dir)
{
    tf_plan_errors_t *errors = tf_plan_errors_new ();
    tf_plan_t *plan = tf_plan_load (path, errors);
    int rc = TF_EXIT_USAGE;
    if (!plan)
        tf_plan_errors_print (errors, stderr);
    else {
        tf_run_options_t options = {
            .run_dir = config->run_dir,
            .runner = config->runner,
            .has_duration = config->duration_ms >= 0,
            .duration_ms = config->duration_ms,
            .has_seed = config->has_seed,
            .seed = config->seed,
            .attach_timeout_ms = config->attach_timeout_ms,
            .listen = config->listen,
            .allow = config->allow,
            .bin_dir = bin_dir,
            .out = stdout,
            .err = stderr,
        };
        tf_run_t *run = tf_run_new (plan, &options);
        if (run)
            rc = tf_run_wait (run);
        tf_run_destroy (&run);
    }
    tf_plan_destroy (&plan);
    tf_plan_errors_destroy (&errors);
    return rc;
}

//  tf run SCENARIO, or tf replay RUN_DIR (replay: no plan overrides)
static int
s_run (int argc, char **argv, bool replay)
{
    const char *command = replay ? "tf replay" : "tf run";
    tf_supervisor_config_t config = {.duration_ms = -1};
    static const struct option options[] = {
        {"runner", required_argument, NULL, 'r'},
        {"duration", required_argument, NULL, 'd'},
        {"seed", required_argument, NULL, 's'},
        {"run-dir", required_argument, NULL, 'D'},
        {"attach-timeout", required_argument, NULL, 'a'},
        {"expect", required_argument, NULL, 'e'},
        {"listen", required_argument, NULL, 'l'},
        {"allow", required_argument, NULL, 'A'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char **allow = (const char **) zmalloc ((size_t) (argc + 1) * sizeof (char *));
    size_t allow_count = 0;
    const char **expect_names = (const char **) zmalloc ((size_t) (argc + 1) * sizeof (char *));
    size_t expect_count = 0;
    int rc = TF_EXIT_USAGE;
    optind = 1;
    int option;
    while ((option = getopt_long (argc, argv, "h", options, NULL)) != -1) {
        if (replay && option != 'D' && option != 'h' && option != 'e')
            option = '?'; //  A replay keeps the recorded plan
        if (!replay && option == 'e')
            option = '?';
        switch (option) {
            case 'e':
                expect_names[expect_count++] = optarg;
                break;
            case 'l':
                if (tf_run_listen_check (optarg, stderr))
                    goto out;
                config.listen = optarg;
                break;
            case 'A':
                allow[allow_count++] = optarg;
                config.allow = allow;
                break;
            case 'r':
                config.runner = optarg;
                break;
            case 'd':
                if (s_parse_duration (command, "--duration", optarg, &config.duration_ms))
                    goto out;
                break;
            case 'a':
                if (s_parse_duration (command, "--attach-timeout", optarg,
                                      &config.attach_timeout_ms))
                    goto out;
                break;
            case 's': {
                char *end = NULL;
                errno = 0;
                config.seed = strtoull (optarg, &end, 10);
                if (errno || end == optarg || *end || optarg[0] == '-') {
                    fprintf (stderr, "tf run: --seed '%s' is not an unsigned integer\n", optarg);
                    goto out;
                }
                config.has_seed = true;
                break;
            }
            case 'D':
                if (!*optarg) {
                    fprintf (stderr, "%s: --run-dir must not be empty\n", command);
                    goto out;
                }
                config.run_dir = optarg;
                break;
            case 'h':
                if (replay)
                    s_replay_usage (stdout);
                else
                    s_run_usage (stdout);
                rc = TF_EXIT_OK;
                goto out;
            default:
                fprintf (stderr, "%s: try --help\n", command);
                goto out;
        }
    }
    if (allow_count && !config.listen) {
        fprintf (stderr,
                 "%s: --allow needs --listen (an ipc run is reached only from this "
                 "host, by the run directory's owner)\n",
                 command);
        goto out;
    }
    if (argc - optind != 1) {
        fprintf (stderr, "%s: expected exactly one %s (try --help)\n", command,
                 replay ? "run directory" : "scenario file");
        goto out;
    }
    char *bin_dir = tf_run_bin_dir ();
    if (!bin_dir) {
        fprintf (stderr,
                 "%s: cannot find tf's programs (tf-coordinator): neither beside tf nor in "
                 "%s relative to it\n",
                 command, TF_BIN_TO_LIBEXEC);
        rc = TF_EXIT_ERROR;
        goto out;
    }
    if (!replay)
        rc = s_run_scenario (argv[optind], &config, bin_dir);
    else {
        config.replay_dir = argv[optind];
        config.bin_dir = bin_dir;
        config.expect_names = expect_count ? expect_names : NULL;
        tf_supervisor_t *supervisor = tf_supervisor_new (&config, stderr);
        if (supervisor)
            rc = tf_supervisor_run (supervisor, stdout);
        tf_supervisor_destroy (&supervisor);
    }
    free (bin_dir);
out:
    free (allow);
    free (expect_names);
    return rc;
}

static void
s_keys_usage (FILE *out)
{
    fprintf (out,
             "Usage: tf keys new NAME [--dir DIR]\n"
             "Make a CURVE certificate for a party that joins a run from elsewhere: NAME.cert\n"
             "(the public key: give it to `tf run --allow`) and NAME.cert_secret (mode 0600:\n"
             "the actor's own, --cert FILE or TF_CERT) in DIR (default: the current\n"
             "directory). Existing files are never overwritten.\n\n"
             "Options:\n"
             "  --dir DIR          where to write the two files\n"
             "  -h, --help         show this help\n\n"
             "Exit codes: 0 written, 2 usage, 3 the files could not be written.\n");
}

static int
s_keys (int argc, char **argv)
{
    static const struct option options[] = {
        {"dir", required_argument, NULL, 'D'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *dir = ".";
    optind = 1;
    int option;
    while ((option = getopt_long (argc, argv, "h", options, NULL)) != -1) {
        switch (option) {
            case 'D':
                dir = optarg;
                break;
            case 'h':
                s_keys_usage (stdout);
                return TF_EXIT_OK;
            default:
                fprintf (stderr, "tf keys: try --help\n");
                return TF_EXIT_USAGE;
        }
    }
    if (argc - optind != 2 || strcmp (argv[optind], "new") != 0) {
        fprintf (stderr, "tf keys: expected 'new NAME' (try --help)\n");
        return TF_EXIT_USAGE;
    }
    const char *name = argv[optind + 1];
    if (!*name || strchr (name, '/') || name[0] == '.') {
        fprintf (stderr, "tf keys: NAME must be a plain file name, got '%s'\n", name);
        return TF_EXIT_USAGE;
    }
    if (tf_curve_keys_new (dir, name, stderr))
        return TF_EXIT_ERROR;
    printf ("wrote %s/%s.cert (public: for tf run --allow) and %s/%s.cert_secret (keep it)\n", dir,
            name, dir, name);
    return TF_EXIT_OK;
}

//  tf agent ...: the program tf-agent beside tf's other programs, with the same arguments
static int
s_agent (char **argv)
{
    char *bin_dir = tf_run_bin_dir ();
    if (!bin_dir) {
        fprintf (stderr,
                 "tf agent: cannot find tf's programs (tf-agent): neither beside tf nor in "
                 "%s relative to it\n",
                 TF_BIN_TO_LIBEXEC);
        return TF_EXIT_ERROR;
    }
    char *program = zsys_sprintf ("%s/tf-agent", bin_dir);
    free (bin_dir);
    argv[0] = program;
    execv (program, argv);
    fprintf (stderr, "tf agent: cannot run %s: %s\n", program, strerror (errno));
    zstr_free (&program);
    return TF_EXIT_ERROR;
}

int
tf_cli_main (int argc, char **argv)
{
    if (argc < 2) {
        s_usage (stderr);
        return TF_EXIT_USAGE;
    }
    const char *command = argv[1];
    if (strcmp (command, "-h") == 0 || strcmp (command, "--help") == 0) {
        s_usage (stdout);
        return TF_EXIT_OK;
    }
    if (strcmp (command, "--version") == 0) {
        printf ("tf %s\n", TF_VERSION);
        return TF_EXIT_OK;
    }
    if (strcmp (command, "run") == 0)
        return s_run (argc - 1, argv + 1, false);
    if (strcmp (command, "replay") == 0)
        return s_run (argc - 1, argv + 1, true);
    if (strcmp (command, "validate") == 0)
        return s_validate (argc - 1, argv + 1);
    if (strcmp (command, "clean") == 0)
        return s_clean (argc - 1, argv + 1);
    if (strcmp (command, "catalog") == 0)
        return s_catalog (argc - 1, argv + 1);
    if (strcmp (command, "keys") == 0)
        return s_keys (argc - 1, argv + 1);
    if (strcmp (command, "agent") == 0)
        return s_agent (argv + 1);
    fprintf (stderr, "tf: unknown command '%s' (try tf --help)\n", command);
    return TF_EXIT_USAGE;
}
