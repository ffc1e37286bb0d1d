//  tf_k8s_kubectl.h - running kubectl against the cluster of the current context
//
//  The k8s runner talks to the cluster only through `kubectl`, run as a child
//  with a deadline (tf_compose_exec: killed past it, or once cancel says so).
//  KUBECONFIG and the rest of the environment pass through, so the runner
//  uses whichever cluster the user's kubectl would; TF_K8S_CONTEXT names
//  another context of that config (kubectl --context). Every call that
//  reaches the API server also carries --request-timeout.

#ifndef TF_K8S_KUBECTL_H_INCLUDED
#define TF_K8S_KUBECTL_H_INCLUDED

#include "tf_compose_engine.h"

#define TF_K8S_KUBECTL         "kubectl"
#define TF_K8S_CONTEXT_ENV     "TF_K8S_CONTEXT"
#define TF_K8S_CHECK_MS        10000  //  `kubectl cluster-info` must answer within this
#define TF_K8S_REQUEST_TIMEOUT "10s"  //  --request-timeout of every call
#define TF_K8S_COMMAND_MS      120000 //  Longest one kubectl call may take (apply, delete)
#define TF_K8S_QUICK_MS        20000  //  Calls that read or touch one object
#define TF_K8S_MAX_ARGS        48     //  Words of one call

//  Run `kubectl [--context C] --request-timeout T ARGS...` (NULL-terminated
//  words); namespace_name, when not NULL, is passed as -n. As tf_compose_exec:
//  fills result (tf_compose_result_clear), 0 when kubectl exited 0.
int tf_k8s_kubectl (void *cancel, int64_t timeout_ms, const char *namespace_name,
                    tf_compose_result_t *result, ...);

//  The same with kubectl's stdout and stderr both going to out_fd (nothing
//  captured, nothing cut: a pod's whole log).
int tf_k8s_kubectl_to_fd (void *cancel, int64_t timeout_ms, const char *namespace_name, int out_fd,
                          tf_compose_result_t *result, ...);

//  The context kubectl uses: TF_K8S_CONTEXT, else `kubectl config
//  current-context`, else "no current context". Caller owns it.
char *tf_k8s_kubectl_context (void *cancel);

//  Does the cluster answer (`kubectl cluster-info` within TF_K8S_CHECK_MS)?
//  0, or -1 with *error_p (caller frees) naming the context it tried.
int tf_k8s_kubectl_check (void *cancel, char **error_p);

#endif
