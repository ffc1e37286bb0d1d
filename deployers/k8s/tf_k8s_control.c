//  tf_k8s_control.c - node control on a k8s run (see tf_k8s_control.h)

#include <czmq.h>
#include "tf_k8s_control.h"
#include "tf_k8s_kubectl.h"
#include "tf_k8s_manifests.h"

struct _tf_k8s_control_t {
    tf_k8s_pods_t *pods;        //  Not owned
    const char *namespace_name; //  Not owned
    char *run_id;               //  The tf.run label
    char *k8s_dir;              //  Where the partition manifest is written
    void *cancel;               //  For tf_deployer_cancelled
    bool *stopped;              //  Per node: scaled to 0 by us
};

tf_k8s_control_t *
tf_k8s_control_new (tf_k8s_pods_t *pods, const char *namespace_name, const char *run_id,
                    const char *k8s_dir, void *cancel)
{
    assert (pods && namespace_name && run_id && k8s_dir);
    tf_k8s_control_t *self = (tf_k8s_control_t *) zmalloc (sizeof (tf_k8s_control_t));
    self->pods = pods;
    self->namespace_name = namespace_name;
    self->run_id = strdup (run_id);
    self->k8s_dir = strdup (k8s_dir);
    self->cancel = cancel;
    self->stopped = (bool *) zmalloc ((tf_k8s_pods_count (pods) + 1) * sizeof (bool));
    return self;
}

void
tf_k8s_control_destroy (tf_k8s_control_t **self_p)
{
    assert (self_p);
    tf_k8s_control_t *self = *self_p;
    if (!self)
        return;
    zstr_free (&self->run_id);
    zstr_free (&self->k8s_dir);
    free (self->stopped);
    free (self);
    *self_p = NULL;
}

bool
tf_k8s_control_stopped (tf_k8s_control_t *self, size_t node)
{
    assert (self && node < tf_k8s_pods_count (self->pods));
    return self->stopped[node];
}

//  -1 with *text_p set from a format
static int s_fail (char **text_p, const char *format, ...) __attribute__ ((format (printf, 2, 3)));
static int
s_fail (char **text_p, const char *format, ...)
{
    va_list args;
    va_start (args, format);
    *text_p = zsys_vprintf (format, args);
    va_end (args);
    return -1;
}

//  Scale node's Deployment to replicas
static int
s_scale (tf_k8s_control_t *self, size_t node, const char *replicas, char **text_p)
{
    char *deployment = zsys_sprintf ("deployment/%s", tf_k8s_pods_name (self->pods, node));
    char *flag = zsys_sprintf ("--replicas=%s", replicas);
    tf_compose_result_t result;
    int rc = tf_k8s_kubectl (self->cancel, TF_K8S_QUICK_MS, self->namespace_name, &result, "scale",
                             deployment, flag, NULL);
    if (rc)
        s_fail (text_p, "kubectl scale %s %s: %s", deployment, flag,
                tf_compose_result_reason (&result));
    tf_compose_result_clear (&result);
    zstr_free (&deployment);
    zstr_free (&flag);
    return rc;
}

//  A node brought up: its pod Ready, its port-forward back
static int
s_up (tf_k8s_control_t *self, size_t node, char **text_p)
{
    char *error = NULL;
    if (tf_k8s_pods_wait_ready (self->pods, node, tf_readiness_timeout_ms (), &error)
        || tf_k8s_pods_forward (self->pods, node, &error)) {
        *text_p = error;
        return -1;
    }
    return 0;
}

//  Delete node's pod: the Deployment makes another
static int
s_restart (tf_k8s_control_t *self, size_t node, char **text_p)
{
    const char *name = tf_k8s_pods_name (self->pods, node);
    tf_k8s_pods_collect_log (self->pods, node);
    tf_k8s_pods_forward_stop (self->pods, node);
    char *selector = zsys_sprintf (TF_K8S_LABEL_NODE "=%s", name);
    tf_compose_result_t result;
    int rc = tf_k8s_kubectl (self->cancel, TF_K8S_COMMAND_MS, self->namespace_name, &result,
                             "delete", "pod", "-l", selector, "--wait=false", NULL);
    if (rc)
        s_fail (text_p, "restart: kubectl delete pod -l %s: %s", selector,
                tf_compose_result_reason (&result));
    tf_compose_result_clear (&result);
    zstr_free (&selector);
    //  The deleted pod may still look Ready for a moment: s_pod_ready skips
    //  pods that carry a deletionTimestamp
    return rc ? rc : s_up (self, node, text_p);
}

//  The NetworkPolicy that keeps one side's node pods among themselves (Exists:
//  NotIn alone would also select the Prometheus pod, which has no tf.node)
static void
s_print_side (FILE *out, const char *namespace_name, const char *run_id, const char *side,
              const char *op, const tf_strs_t *group)
{
    fprintf (out,
             "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n"
             "  name: tf-partition-%s\n  namespace: %s\n  labels:\n"
             "    " TF_K8S_LABEL_RUN ": \"%s\"\n    " TF_K8S_LABEL_PARTITION ": \"true\"\n"
             "spec:\n  podSelector:\n    matchExpressions:\n",
             side, namespace_name, run_id);
    char *values = NULL;
    size_t size = 0;
    FILE *list = open_memstream (&values, &size);
    assert (list);
    for (size_t member = 0; member < group->count; member++)
        fprintf (list, "%s\"%s\"", member ? ", " : "", group->items[member]);
    fclose (list);
    fprintf (out,
             "      - {key: " TF_K8S_LABEL_NODE ", operator: %s, values: [%s]}\n"
             "      - {key: " TF_K8S_LABEL_NODE ", operator: Exists}\n"
             "  policyTypes: [Ingress, Egress]\n"
             "  ingress:\n"
             "    - from:\n"
             "        - podSelector:\n"
             "            matchExpressions:\n"
             "              - {key: " TF_K8S_LABEL_NODE ", operator: %s, values: [%s]}\n"
             "        - podSelector:\n"
             "            matchLabels: {app.kubernetes.io/name: prometheus}\n"
             "  egress:\n"
             "    - to:\n"
             "        - podSelector:\n"
             "            matchExpressions:\n"
             "              - {key: " TF_K8S_LABEL_NODE ", operator: %s, values: [%s]}\n"
             "    - ports:\n"
             "        - {protocol: UDP, port: 53}\n"
             "        - {protocol: TCP, port: 53}\n",
             op, values, op, values, op, values);
    free (values);
}

int
tf_k8s_control_write_partition (const char *path, const char *namespace_name, const char *run_id,
                                const tf_strs_t *group)
{
    assert (path && namespace_name && run_id && group);
    FILE *out = fopen (path, "w");
    if (!out)
        return -1;
    s_print_side (out, namespace_name, run_id, "group", "In", group);
    s_print_side (out, namespace_name, run_id, "rest", "NotIn", group);
    return fclose (out) == 0 ? 0 : -1;
}

//  Cut the group off: a policy for each side
static int
s_partition (tf_k8s_control_t *self, const tf_node_control_t *request, char **text_p)
{
    char *path = zsys_sprintf ("%s/partition.yaml", self->k8s_dir);
    if (tf_k8s_control_write_partition (path, self->namespace_name, self->run_id,
                                        &request->group)) {
        int rc = s_fail (text_p, "partition: cannot write %s: %s", path, strerror (errno));
        zstr_free (&path);
        return rc;
    }
    tf_compose_result_t result;
    int rc =
        tf_k8s_kubectl (self->cancel, TF_K8S_QUICK_MS, NULL, &result, "apply", "-f", path, NULL);
    if (rc)
        s_fail (text_p, "partition: kubectl apply -f %s: %s", path,
                tf_compose_result_reason (&result));
    else
        *text_p = strdup ("as NetworkPolicy: cut only where the cluster's CNI enforces it");
    tf_compose_result_clear (&result);
    zstr_free (&path);
    return rc;
}

//  Remove every partition policy of the run
static int
s_heal (tf_k8s_control_t *self, char **text_p)
{
    tf_compose_result_t result;
    int rc = tf_k8s_kubectl (self->cancel, TF_K8S_QUICK_MS, self->namespace_name, &result, "delete",
                             "networkpolicy", "-l", TF_K8S_LABEL_PARTITION "=true",
                             "--ignore-not-found", NULL);
    if (rc)
        s_fail (text_p, "heal: kubectl delete networkpolicy: %s",
                tf_compose_result_reason (&result));
    tf_compose_result_clear (&result);
    return rc;
}

int
tf_k8s_control_run (tf_k8s_control_t *self, const tf_deployer_node_t *nodes, size_t count,
                    const tf_node_control_t *request, char **text_p)
{
    assert (self && nodes && request && text_p);
    *text_p = NULL;
    ssize_t found = tf_deployer_node_find (nodes, count, request->node);
    size_t node = found >= 0 ? (size_t) found : 0;
    bool single = request->action != TF_CONTROL_PARTITION && request->action != TF_CONTROL_HEAL;
    assert (!single || found >= 0); //  The driver checked the name
    const char *name = single ? nodes[node].name : NULL;
    switch (request->action) {
        case TF_CONTROL_RESTART:
            if (self->stopped[node]) {
                if (s_scale (self, node, "1", text_p))
                    return -1;
                self->stopped[node] = false;
                return s_up (self, node, text_p);
            }
            return s_restart (self, node, text_p);
        case TF_CONTROL_STOP:
            if (self->stopped[node])
                return s_fail (text_p, "stop: node %s is already stopped", name);
            tf_k8s_pods_collect_log (self->pods, node);
            tf_k8s_pods_forward_stop (self->pods, node);
            if (s_scale (self, node, "0", text_p))
                return -1;
            self->stopped[node] = true;
            return 0;
        case TF_CONTROL_START:
            if (!self->stopped[node])
                return s_fail (text_p, "start: node %s is already running", name);
            if (s_scale (self, node, "1", text_p))
                return -1;
            self->stopped[node] = false;
            return s_up (self, node, text_p);
        case TF_CONTROL_PARTITION:
            return s_partition (self, request, text_p);
        case TF_CONTROL_HEAL:
            return s_heal (self, text_p);
        default:
            break; //  Not in the runner's catalogue actions: the driver refused it
    }
    return s_fail (text_p, "%s: not supported by the k8s runner",
                   tf_control_action_str (request->action));
}
