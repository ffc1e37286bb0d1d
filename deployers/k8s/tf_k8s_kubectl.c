//  tf_k8s_kubectl.c - running kubectl (see tf_k8s_kubectl.h)

#include <czmq.h>
#include <stdarg.h>
#include "tf_k8s_kubectl.h"

//  The call, with the words in words; out_fd as tf_compose_exec's
static int
s_kubectl (void *cancel, int64_t timeout_ms, const char *namespace_name, int out_fd,
           tf_compose_result_t *result, va_list words)
{
    assert (result);
    char *argv[TF_K8S_MAX_ARGS + 8];
    int argc = 0;
    argv[argc++] = (char *) TF_K8S_KUBECTL;
    const char *context = getenv (TF_K8S_CONTEXT_ENV);
    if (context && *context) {
        argv[argc++] = (char *) "--context";
        argv[argc++] = (char *) context;
    }
    argv[argc++] = (char *) "--request-timeout";
    argv[argc++] = (char *) TF_K8S_REQUEST_TIMEOUT;
    if (namespace_name) {
        argv[argc++] = (char *) "-n";
        argv[argc++] = (char *) namespace_name;
    }
    const char *word;
    while ((word = va_arg (words, const char *)) && argc < TF_K8S_MAX_ARGS + 7)
        argv[argc++] = (char *) word;
    assert (!word); //  TF_K8S_MAX_ARGS is ours to keep
    argv[argc] = NULL;
    return tf_compose_exec (argv, out_fd, timeout_ms, cancel, result);
}

int
tf_k8s_kubectl (void *cancel, int64_t timeout_ms, const char *namespace_name,
                tf_compose_result_t *result, ...)
{
    va_list words;
    va_start (words, result);
    int rc = s_kubectl (cancel, timeout_ms, namespace_name, -1, result, words);
    va_end (words);
    return rc;
}

int
tf_k8s_kubectl_to_fd (void *cancel, int64_t timeout_ms, const char *namespace_name, int out_fd,
                      tf_compose_result_t *result, ...)
{
    va_list words;
    va_start (words, result);
    int rc = s_kubectl (cancel, timeout_ms, namespace_name, out_fd, result, words);
    va_end (words);
    return rc;
}

char *
tf_k8s_kubectl_context (void *cancel)
{
    const char *context = getenv (TF_K8S_CONTEXT_ENV);
    if (context && *context)
        return strdup (context);
    char *argv[] = {(char *) TF_K8S_KUBECTL, (char *) "config", (char *) "current-context", NULL};
    tf_compose_result_t result;
    char *name = NULL;
    if (tf_compose_exec (argv, -1, TF_K8S_QUICK_MS, cancel, &result) == 0 && *result.output)
        name = strdup (result.output);
    tf_compose_result_clear (&result);
    return name ? name : strdup ("no current context");
}

int
tf_k8s_kubectl_check (void *cancel, char **error_p)
{
    tf_compose_result_t result;
    int rc = tf_k8s_kubectl (cancel, TF_K8S_CHECK_MS, NULL, &result, "cluster-info", NULL);
    if (rc) {
        char *context = tf_k8s_kubectl_context (cancel);
        const char *config = getenv ("KUBECONFIG");
        //  cluster-info's own advice runs over several lines: keep its first
        const char *reason = tf_compose_result_reason (&result);
        size_t length = strcspn (reason, "\n");
        *error_p = zsys_sprintf ("no Kubernetes cluster answers (kubectl cluster-info, context "
                                 "'%s', KUBECONFIG=%s): %.*s; start one (kind create cluster, "
                                 "minikube start) or choose a context (%s)",
                                 context, config && *config ? config : "unset", (int) length,
                                 reason, TF_K8S_CONTEXT_ENV);
        zstr_free (&context);
    }
    else
        zsys_info ("k8s: cluster answers");
    tf_compose_result_clear (&result);
    return rc;
}
