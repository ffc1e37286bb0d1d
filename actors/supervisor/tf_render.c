//  tf_render.c - `tf render SCENARIO --runner k8s --out DIR`: the manifests a
//  k8s run would apply, written without a cluster
//
//  The scenario is loaded and validated for the runner (as `tf run --runner
//  k8s` would: a chaos_pause is refused with its line:column), then the
//  kustomization of tf_k8s_manifests.h is written into DIR. Nothing talks to
//  a cluster or an engine; the image tag of our own image is computed from
//  the node binary and its libraries, as the compose runner names it.

#include <czmq.h>
#include <getopt.h>
#include "tf_exit.h"
#include "tf_k8s_manifests.h"
#include "tf_render.h"
#include "tf_run.h"

#define S_RENDER_RUN_ID "render" //  The tf.run label of a rendered, unrun kustomization

static void
s_usage (FILE *out)
{
    fprintf (out,
             "Usage: tf render SCENARIO --runner k8s --out DIR [--run-id ID]\n"
             "Write the Kubernetes manifests a k8s run of SCENARIO applies, without a\n"
             "cluster: a kustomization in DIR (kustomization.yaml, namespace.yaml,\n"
             "nodes.yaml, prometheus.yaml when observability.prometheus, config/ with\n"
             "every node's config files). `kubectl kustomize DIR` prints the objects;\n"
             "`kubectl apply -k DIR` would create them.\n\n"
             "Options:\n"
             "  --runner NAME      the runner to render for: k8s (the only one with manifests)\n"
             "  --out DIR          where to write (made if missing; files are replaced)\n"
             "  --run-id ID        the tf.run label and namespace tf-<id> (default: render)\n"
             "  -h, --help         show this help\n\n"
             "Environment: " TF_K8S_NAMESPACE_ENV " (namespace), " TF_K8S_IMAGE_ENV
             " or LOGOS_BLOCKCHAIN_TESTNET_IMAGE\n"
             "(image; default the tag the compose runner builds from the node "
             "binary),\n" TF_K8S_PULL_POLICY_ENV
             " (Always, IfNotPresent or Never; default " TF_K8S_PULL_POLICY
             "),\n" TF_K8S_PROMETHEUS_ENV " (default " TF_K8S_PROMETHEUS_IMAGE ").\n\n"
             "Exit codes: 0 written, 2 bad scenario or usage, 3 the files could not be\n"
             "written or the image named.\n");
}

//  Render a loaded, validated plan into out_dir; 0 or an exit code
static int
s_render (const tf_plan_t *plan, const char *run_id, const char *out_dir)
{
    char *error = NULL;
    char *namespace_name = NULL;
    char *image = NULL;
    char *bin_dir = tf_run_bin_dir ();
    int rc = TF_EXIT_ERROR;
    const tf_profile_t *profile = tf_profile_find (plan->node_profile);
    const char *pull_policy = tf_k8s_manifests_pull_policy (&error);
    if (!pull_policy) {
        rc = TF_EXIT_USAGE;
        goto out;
    }
    namespace_name = tf_k8s_manifests_namespace (run_id, &error);
    if (!namespace_name) {
        rc = TF_EXIT_USAGE;
        goto out;
    }
    if (!profile) {
        error = zsys_sprintf ("unknown node profile '%s'", plan->node_profile);
        goto out;
    }
    if (!bin_dir) {
        error = strdup ("cannot find tf's programs");
        goto out;
    }
    if (tf_k8s_manifests_image (profile, bin_dir, &image, &error))
        goto out;
    const char *prometheus = getenv (TF_K8S_PROMETHEUS_ENV);
    tf_k8s_render_t render = {.plan = plan,
                              .profile = profile,
                              .run_id = run_id,
                              .namespace_name = namespace_name,
                              .image = image,
                              .pull_policy = pull_policy,
                              .prometheus_image =
                                  prometheus && *prometheus ? prometheus : TF_K8S_PROMETHEUS_IMAGE,
                              .chain_start_ms = (int64_t) zclock_time () + TF_K8S_START_MARGIN_MS};
    if (tf_k8s_manifests_write (&render, out_dir, &error))
        goto out;
    printf ("tf render: wrote %u nodes into %s (namespace %s, image %s): kubectl kustomize %s\n",
            plan->validators + plan->executors, out_dir, namespace_name, image, out_dir);
    rc = TF_EXIT_OK;
out:
    if (error)
        fprintf (stderr, "tf render: %s\n", error);
    zstr_free (&error);
    zstr_free (&namespace_name);
    zstr_free (&image);
    zstr_free (&bin_dir);
    return rc;
}

int
tf_render_main (int argc, char **argv)
{
    static const struct option options[] = {
        {"runner", required_argument, NULL, 'r'},
        {"out", required_argument, NULL, 'o'},
        {"run-id", required_argument, NULL, 'i'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *runner = NULL;
    const char *out_dir = NULL;
    const char *run_id = S_RENDER_RUN_ID;
    optind = 1;
    int option;
    while ((option = getopt_long (argc, argv, "h", options, NULL)) != -1) {
        switch (option) {
            case 'r':
                runner = optarg;
                break;
            case 'o':
                out_dir = optarg;
                break;
            case 'i':
                run_id = optarg;
                break;
            case 'h':
                s_usage (stdout);
                return TF_EXIT_OK;
            default:
                fprintf (stderr, "tf render: try --help\n");
                return TF_EXIT_USAGE;
        }
    }
    if (argc - optind != 1) {
        fprintf (stderr, "tf render: expected exactly one scenario file (try --help)\n");
        return TF_EXIT_USAGE;
    }
    if (!runner || !streq (runner, "k8s")) {
        fprintf (stderr,
                 "tf render: --runner: expected k8s (the only runner with manifests), "
                 "got '%s'\n",
                 runner ? runner : "");
        return TF_EXIT_USAGE;
    }
    if (!out_dir || !*out_dir) {
        fprintf (stderr, "tf render: --out DIR is required (try --help)\n");
        return TF_EXIT_USAGE;
    }
    for (const char *cursor = run_id; *cursor; cursor++)
        if (!isalnum ((unsigned char) *cursor) && *cursor != '-') {
            fprintf (stderr, "tf render: --run-id: expected letters, digits and '-', got '%s'\n",
                     run_id);
            return TF_EXIT_USAGE;
        }
    tf_plan_errors_t *errors = tf_plan_errors_new ();
    tf_plan_t *plan = tf_plan_load (argv[optind], errors);
    int rc = TF_EXIT_USAGE;
    if (plan) {
        //  As `tf run --runner k8s`: what the runner cannot do is refused
        free (plan->runner);
        plan->runner = strdup (runner);
        if (tf_plan_validate (plan, errors) == 0)
            rc = s_render (plan, run_id, out_dir);
    }
    if (rc == TF_EXIT_USAGE)
        tf_plan_errors_print (errors, stderr);
    tf_plan_destroy (&plan);
    tf_plan_errors_destroy (&errors);
    return rc;
}
