//  tf_clean_k8s.c - tf clean's pass over the Kubernetes cluster (see tf_clean_k8s.h)
//
//  kubectl runs through popen under coreutils' timeout (and with its own
//  --request-timeout), so a cluster that hangs cannot hang tf clean. Every
//  word put on a command line is fixed text or a namespace name that we
//  checked is a DNS label.

#include <czmq.h>
#include "tf_clean_k8s.h"

#define S_LINE_MAX (PATH_MAX + 256)
#define S_KUBECTL  "kubectl --request-timeout " TF_CLEAN_K8S_CHECK_S "s"
#define S_NAME_MAX 63 //  A DNS label

//  Is text a namespace name (a DNS label)?
static bool
s_valid_name (const char *text)
{
    size_t length = strlen (text);
    if (length == 0 || length > S_NAME_MAX)
        return false;
    for (const char *cursor = text; *cursor; cursor++)
        if (!islower ((unsigned char) *cursor) && !isdigit ((unsigned char) *cursor)
            && *cursor != '-')
            return false;
    return true;
}

//  Is run among those asked for (all when none were named)?
static bool
s_wanted (const tf_clean_config_t *config, const char *run_id)
{
    if (!config->run_ids)
        return true;
    for (size_t index = 0; config->run_ids[index]; index++)
        if (streq (config->run_ids[index], run_id))
            return true;
    return false;
}

//  One namespace of the listing: delete it, or say why not. 0, or -1 when
//  the deletion failed.
static int
s_clean_one (const tf_clean_config_t *config, const char *name, const char *run_id,
             const char *run_dir, FILE *out, FILE *err)
{
    if (!s_wanted (config, run_id))
        return 0;
    if (*run_dir && tf_clean_run_is_live (run_dir)) {
        fprintf (out, "run %s: live, its namespace %s left alone\n", run_id, name);
        return 0;
    }
    if (config->older_than_ms > 0) {
        fprintf (out,
                 "run %s: namespace %s kept (--older-than does not apply to namespaces; use "
                 "--run-id %s)\n",
                 run_id, name, run_id);
        return 0;
    }
    if (config->dry_run) {
        fprintf (out, "run %s: would delete namespace %s\n", run_id, name);
        return 0;
    }
    char *command = zsys_sprintf ("timeout %s %s delete namespace %s --wait >/dev/null 2>&1",
                                  TF_CLEAN_K8S_DELETE_S, S_KUBECTL, name);
    int rc = system (command) == 0 ? 0 : -1;
    if (rc)
        fprintf (err, "run %s: cannot delete namespace %s (%s)\n", run_id, name, command);
    else
        fprintf (out, "run %s: deleted namespace %s\n", run_id, name);
    zstr_free (&command);
    return rc;
}

int
tf_clean_k8s_run (const tf_clean_config_t *config, FILE *out, FILE *err)
{
    assert (config && out && err);
    if (system ("command -v kubectl >/dev/null 2>&1") != 0)
        return TF_EXIT_OK; //  No client: no cluster of ours to look at
    if (system ("timeout " TF_CLEAN_K8S_CHECK_S " " S_KUBECTL " cluster-info >/dev/null 2>&1")
        != 0) {
        fprintf (out, "namespaces: no Kubernetes cluster answers (kubectl cluster-info); "
                      "labelled namespaces not checked\n");
        return TF_EXIT_OK;
    }
    FILE *pipe = popen ("timeout " TF_CLEAN_K8S_LIST_S " " S_KUBECTL
                        " get namespaces -l tf.run -o jsonpath='{range .items[*]}"
                        "{.metadata.name}{\"\\t\"}{.metadata.labels.tf\\.run}{\"\\t\"}"
                        "{.metadata.annotations.tf\\.run_dir}{\"\\n\"}{end}' 2>/dev/null",
                        "r");
    if (!pipe)
        return TF_EXIT_OK;
    int rc = TF_EXIT_OK;
    size_t handled = 0;
    char line[S_LINE_MAX];
    while (fgets (line, sizeof line, pipe) && handled < TF_CLEAN_K8S_MAX_RUNS) {
        line[strcspn (line, "\n")] = 0;
        char *run_id = strchr (line, '\t');
        char *run_dir = run_id ? strchr (run_id + 1, '\t') : NULL;
        if (!run_dir)
            continue;
        *run_id++ = 0;
        *run_dir++ = 0;
        if (!s_valid_name (line) || !tf_clean_valid_run_id (run_id))
            continue;
        handled++;
        if (s_clean_one (config, line, run_id, run_dir, out, err))
            rc = TF_EXIT_ERROR;
    }
    if (pclose (pipe) != 0)
        fprintf (out, "namespaces: the listing did not complete (kubectl get namespaces)\n");
    return rc;
}
