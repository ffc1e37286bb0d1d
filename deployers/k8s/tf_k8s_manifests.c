//  tf_k8s_manifests.c - a run's Kubernetes manifests (see tf_k8s_manifests.h)
//
//  The YAML is printed by hand, in a fixed order, so equal inputs give equal
//  bytes (the golden tests pin them). Every string that comes from outside
//  (run id, image, command words) is printed double-quoted and escaped.

#include "tf_k8s_manifests.h"
#include "tf_compose_image.h"
#include "tf_genesis.h"
#include "tf_keys.h"
#include "tf_node_spec.h"
#include "tf_prometheus.h"
#include "tf_topology.h"

#define S_CFGSYNC "tf-cfgsync" //  In the compose runner's image, part of its tag

//  Print text as a double-quoted YAML scalar
static void
s_quoted (FILE *out, const char *text)
{
    fputc ('"', out);
    for (const unsigned char *cursor = (const unsigned char *) text; *cursor; cursor++) {
        if (*cursor == '"' || *cursor == '\\')
            fprintf (out, "\\%c", *cursor);
        else if (*cursor < 0x20)
            fprintf (out, "\\x%02x", *cursor);
        else
            fputc (*cursor, out);
    }
    fputc ('"', out);
}

//  A DNS-1123 label: lower-case letters, digits and '-', at most 63, not
//  starting or ending with '-'
static bool
s_dns_label (const char *text)
{
    size_t length = strlen (text);
    if (length == 0 || length > TF_K8S_NAME_MAX || text[0] == '-' || text[length - 1] == '-')
        return false;
    for (size_t index = 0; index < length; index++)
        if (!islower ((unsigned char) text[index]) && !isdigit ((unsigned char) text[index])
            && text[index] != '-')
            return false;
    return true;
}

char *
tf_k8s_manifests_namespace (const char *run_id, char **error_p)
{
    assert (run_id && error_p);
    const char *given = getenv (TF_K8S_NAMESPACE_ENV);
    char *name = given && *given ? strdup (given) : zsys_sprintf ("tf-%s", run_id);
    if (!given || !*given)
        for (char *cursor = name; *cursor; cursor++)
            *cursor = (char) tolower ((unsigned char) *cursor);
    if (!s_dns_label (name)) {
        *error_p = zsys_sprintf ("namespace '%s'%s is not a DNS label (lower-case letters, "
                                 "digits and '-', at most %d)",
                                 name, given && *given ? " (from " TF_K8S_NAMESPACE_ENV ")" : "",
                                 TF_K8S_NAME_MAX);
        zstr_free (&name);
    }
    return name;
}

int
tf_k8s_manifests_image (const tf_profile_t *profile, const char *program_dir, char **image_p,
                        char **error_p)
{
    assert (profile && program_dir && image_p && error_p);
    const char *given = getenv (TF_K8S_IMAGE_ENV);
    if (!given || !*given)
        given = tf_compose_image_user ();
    if (given) {
        *image_p = strdup (given);
        return 0;
    }
    char *binary = tf_profile_binary (profile);
    char *cfgsync = zsys_sprintf ("%s/%s", program_dir, S_CFGSYNC);
    char *binaries[] = {binary, cfgsync, NULL};
    int rc = tf_compose_image_tag (binaries, image_p, error_p);
    if (rc) {
        char *reason = *error_p;
        *error_p = zsys_sprintf ("%s (or name the image: %s)", reason, TF_K8S_IMAGE_ENV);
        free (reason);
    }
    zstr_free (&binary);
    zstr_free (&cfgsync);
    return rc;
}

const char *
tf_k8s_manifests_pull_policy (char **error_p)
{
    static const char *const policies[] = {"Always", "IfNotPresent", "Never"};
    const char *given = getenv (TF_K8S_PULL_POLICY_ENV);
    if (!given || !*given)
        return TF_K8S_PULL_POLICY;
    for (size_t index = 0; index < sizeof policies / sizeof policies[0]; index++)
        if (streq (given, policies[index]))
            return policies[index];
    *error_p = zsys_sprintf ("%s: expected Always, IfNotPresent or Never, got '%s'",
                             TF_K8S_PULL_POLICY_ENV, given);
    return NULL;
}

const char *
tf_k8s_manifests_node_name (const tf_plan_t *plan, size_t node, char *name)
{
    bool validator = node < plan->validators;
    const char *role = validator ? "validator" : "executor";
    snprintf (name, TF_K8S_NAME_MAX + 1, "%s-%zu", role,
              validator ? node : node - plan->validators);
    return role;
}


//  ---------------------------------------------------------------------------
//  Config files

//  Write one node's node.yaml into dir/config/<name>/
static int
s_write_node_config (const tf_k8s_render_t *render, const char *dir, size_t node,
                     const tf_genesis_t *genesis, char **error_p)
{
    const tf_plan_t *plan = render->plan;
    uint32_t count = plan->validators + plan->executors;
    char name[TF_K8S_NAME_MAX + 1];
    tf_k8s_manifests_node_name (plan, node, name);
    uint32_t peers[TF_PLAN_MAX_NODES];
    uint16_t peer_ports[TF_PLAN_MAX_NODES];
    char peer_names[TF_PLAN_MAX_NODES][TF_K8S_NAME_MAX + 1];
    const char *peer_hosts[TF_PLAN_MAX_NODES];
    size_t peer_count =
        tf_topology_initial_peers (plan->network, count, (uint32_t) node, peers, TF_PLAN_MAX_NODES);
    for (size_t peer = 0; peer < peer_count; peer++) {
        tf_k8s_manifests_node_name (plan, peers[peer], peer_names[peer]);
        peer_hosts[peer] = peer_names[peer]; //  Its Service, resolved by the node
        peer_ports[peer] = TF_K8S_P2P_PORT;
    }
    uint8_t node_key[TF_KEYS_SEED_SIZE];
    if (tf_keys_seed (TF_KEYS_PURPOSE_NODE, plan->seed, (uint32_t) node, node_key)) {
        *error_p = strdup ("cannot derive a node key");
        return -1;
    }
    tf_node_spec_t config = {.api_host = TF_K8S_BIND_HOST,
                             .p2p_host = TF_K8S_BIND_HOST,
                             .peer_hosts = peer_hosts,
                             .http_port = TF_K8S_HTTP_PORT,
                             .testing_port = TF_K8S_TESTING_PORT,
                             .p2p_port = TF_K8S_P2P_PORT,
                             .node_key = node_key,
                             .leader_key = genesis->leaders[node].key.seed,
                             .peer_ports = peer_ports,
                             .peer_count = peer_count,
                             .db_path = TF_K8S_DB_PATH,
                             .log_dir = NULL, //  Stderr: the pod's log
                             .log_prefix = name,
                             .log_level = NULL,
                             .log_filter = NULL};
    char *node_dir = zsys_sprintf ("%s/config/%s", dir, name);
    int rc = zsys_dir_create ("%s", node_dir) ? -1 : 0;
    if (rc == 0) {
        char *text = NULL;
        size_t size = 0;
        FILE *memory = open_memstream (&text, &size);
        assert (memory);
        render->profile->print_node (&config, memory);
        fclose (memory);
        char *path = zsys_sprintf ("%s/%s", node_dir, render->profile->node_file);
        rc = tf_node_spec_write_file (path, text);
        zstr_free (&path);
        free (text);
    }
    if (rc && !*error_p)
        *error_p = zsys_sprintf ("cannot write the config of %s into %s", name, node_dir);
    zstr_free (&node_dir);
    return rc;
}


//  Write the deployment.yaml every node shares into dir/config/ (one
//  ConfigMap: its genesis grows with the node count, so one copy per node
//  would grow with its square)
static int
s_write_deployment (const tf_k8s_render_t *render, const char *dir, const tf_genesis_t *genesis,
                    char **error_p)
{
    const tf_plan_t *plan = render->plan;
    char start_time[TF_NODE_SPEC_TIME_SIZE];
    tf_node_spec_time (render->chain_start_ms, start_time);
    tf_deployment_spec_t deployment = {.slot_ms = plan->slot_ms,
                                       .chain_start_time = start_time,
                                       .security_param = plan->security_param,
                                       .active_slot_coeff = plan->active_slot_coeff,
                                       .genesis = genesis};
    char *text = NULL;
    size_t size = 0;
    FILE *memory = open_memstream (&text, &size);
    assert (memory);
    render->profile->print_deployment (&deployment, memory);
    fclose (memory);
    char *path = zsys_sprintf ("%s/config/%s", dir, render->profile->deployment_file);
    int rc = tf_node_spec_write_file (path, text);
    if (rc)
        *error_p = zsys_sprintf ("cannot write %s", path);
    zstr_free (&path);
    free (text);
    return rc;
}


//  ---------------------------------------------------------------------------
//  Manifests

//  The labels every object of the run carries, at indent spaces
static void
s_labels (FILE *out, const tf_k8s_render_t *render, int indent, const char *node, const char *role)
{
    fprintf (out, "%*slabels:\n", indent, "");
    fprintf (out, "%*sapp.kubernetes.io/managed-by: tf\n", indent + 2, "");
    fprintf (out, "%*s" TF_K8S_LABEL_RUN ": ", indent + 2, "");
    s_quoted (out, render->run_id);
    fputc ('\n', out);
    if (node)
        fprintf (out, "%*s" TF_K8S_LABEL_NODE ": %s\n%*s" TF_K8S_LABEL_ROLE ": %s\n", indent + 2,
                 "", node, indent + 2, "", role);
}

//  The node's requests and limits, when the plan gives any
static void
s_resources (FILE *out, const tf_plan_t *plan)
{
    bool any = false;
    for (int resource = 0; resource < TF_PLAN_RESOURCE_COUNT; resource++)
        any = any || plan->resources[resource];
    if (!any)
        return;
    fprintf (out, "          resources:\n");
    for (int group = 0; group < 2; group++) {
        int cpu = group == 0 ? TF_PLAN_RESOURCE_CPU_REQUEST : TF_PLAN_RESOURCE_CPU_LIMIT;
        if (!plan->resources[cpu] && !plan->resources[cpu + 1])
            continue;
        fprintf (out, "            %s:\n", group == 0 ? "requests" : "limits");
        for (int which = 0; which < 2; which++)
            if (plan->resources[cpu + which]) {
                fprintf (out, "              %s: ", which == 0 ? "cpu" : "memory");
                s_quoted (out, plan->resources[cpu + which]);
                fputc ('\n', out);
            }
    }
}

//  One node's Deployment and Service
static void
s_print_node (FILE *out, const tf_k8s_render_t *render, size_t node, char *const command[])
{
    char name[TF_K8S_NAME_MAX + 1];
    const char *role = tf_k8s_manifests_node_name (render->plan, node, name);
    fprintf (out, "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: %s\n", name);
    s_labels (out, render, 2, name, role);
    fprintf (out, "spec:\n  replicas: 1\n  strategy:\n    type: Recreate\n");
    fprintf (out, "  selector:\n    matchLabels:\n      " TF_K8S_LABEL_NODE ": %s\n", name);
    fprintf (out, "  template:\n    metadata:\n");
    s_labels (out, render, 6, name, role);
    fprintf (out,
             "    spec:\n      enableServiceLinks: false\n"
             "      terminationGracePeriodSeconds: %d\n      containers:\n"
             "        - name: node\n          image: ",
             TF_K8S_GRACE_S);
    s_quoted (out, render->image);
    fprintf (out, "\n          imagePullPolicy: %s\n          command:\n", render->pull_policy);
    for (int word = 0; command[word]; word++) {
        fprintf (out, "            - ");
        s_quoted (out, command[word]);
        fputc ('\n', out);
    }
    fprintf (out,
             "          ports:\n"
             "            - {name: http, containerPort: %d}\n"
             "            - {name: testing, containerPort: %d}\n"
             "            - {name: p2p, containerPort: %d}\n"
             "          readinessProbe:\n"
             "            httpGet: {path: %s, port: http}\n"
             "            periodSeconds: 1\n",
             TF_K8S_HTTP_PORT, TF_K8S_TESTING_PORT, TF_K8S_P2P_PORT, render->profile->info_path);
    s_resources (out, render->plan);
    fprintf (out,
             "          volumeMounts:\n"
             "            - {name: config, mountPath: %s, readOnly: true}\n"
             "            - {name: data, mountPath: /data}\n"
             "      volumes:\n"
             "        - name: config\n"
             "          projected:\n"
             "            sources:\n"
             "              - configMap: {name: %s-config}\n"
             "              - configMap: {name: " TF_K8S_DEPLOYMENT_CONFIG "}\n"
             "        - name: data\n"
             "          emptyDir: {}\n",
             TF_K8S_CONFIG_DIR, name);
    fprintf (out, "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: %s\n", name);
    s_labels (out, render, 2, name, role);
    fprintf (out,
             "spec:\n  type: ClusterIP\n  selector:\n    " TF_K8S_LABEL_NODE ": %s\n"
             "  ports:\n"
             "    - {name: http, port: %d, targetPort: http}\n"
             "    - {name: testing, port: %d, targetPort: testing}\n"
             "    - {name: p2p, port: %d, targetPort: p2p}\n",
             name, TF_K8S_HTTP_PORT, TF_K8S_TESTING_PORT, TF_K8S_P2P_PORT);
}

//  The Prometheus server: its config file, Deployment and Service
static int
s_write_prometheus (const tf_k8s_render_t *render, const char *dir, FILE *out, char **error_p)
{
    const tf_plan_t *plan = render->plan;
    size_t count = plan->validators + plan->executors;
    tf_prometheus_target_t *targets =
        (tf_prometheus_target_t *) zmalloc ((count + 1) * sizeof (tf_prometheus_target_t));
    char (*names)[TF_K8S_NAME_MAX + 1] = zmalloc ((count + 1) * sizeof *names);
    char **urls = (char **) zmalloc ((count + 1) * sizeof (char *));
    for (size_t node = 0; node < count; node++) {
        tf_k8s_manifests_node_name (plan, node, names[node]);
        urls[node] = zsys_sprintf ("http://%s:%d", names[node], TF_K8S_HTTP_PORT);
        targets[node] = (tf_prometheus_target_t){.name = names[node], .api_url = urls[node]};
    }
    char *path = zsys_sprintf ("%s/config/prometheus.yml", dir);
    int rc = tf_prometheus_write_config (path, targets, count,
                                         tf_prometheus_interval_ms (plan->slot_ms), error_p);
    zstr_free (&path);
    for (size_t node = 0; node < count; node++)
        zstr_free (&urls[node]);
    free (urls);
    free (names);
    free (targets);
    if (rc)
        return -1;
    const char *name = TF_K8S_PROMETHEUS_NAME;
    fprintf (out, "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: %s\n", name);
    s_labels (out, render, 2, NULL, NULL);
    fprintf (out, "spec:\n  replicas: 1\n  selector:\n    matchLabels:\n"
                  "      app.kubernetes.io/name: prometheus\n"
                  "  template:\n    metadata:\n      labels:\n"
                  "        app.kubernetes.io/name: prometheus\n        " TF_K8S_LABEL_RUN ": ");
    s_quoted (out, render->run_id);
    fprintf (out, "\n    spec:\n      containers:\n        - name: prometheus\n          image: ");
    s_quoted (out, render->prometheus_image);
    fprintf (out,
             "\n          imagePullPolicy: %s\n"
             "          args: [\"--config.file=/etc/prometheus/prometheus.yml\", "
             "\"--web.listen-address=0.0.0.0:%d\"]\n"
             "          ports:\n            - {name: web, containerPort: %d}\n"
             "          readinessProbe:\n            httpGet: {path: /-/ready, port: web}\n"
             "          volumeMounts:\n"
             "            - {name: config, mountPath: /etc/prometheus, readOnly: true}\n"
             "      volumes:\n        - name: config\n          configMap:\n"
             "            name: prometheus-config\n",
             render->pull_policy, TF_K8S_PROMETHEUS_PORT, TF_K8S_PROMETHEUS_PORT);
    fprintf (out, "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: %s\n", name);
    s_labels (out, render, 2, NULL, NULL);
    fprintf (out,
             "spec:\n  type: ClusterIP\n  selector:\n    app.kubernetes.io/name: prometheus\n"
             "  ports:\n    - {name: web, port: %d, targetPort: web}\n",
             TF_K8S_PROMETHEUS_PORT);
    return 0;
}

//  kustomization.yaml: the namespace, resources and one generator per node
static void
s_print_kustomization (FILE *out, const tf_k8s_render_t *render)
{
    const tf_plan_t *plan = render->plan;
    size_t count = plan->validators + plan->executors;
    fprintf (out,
             "#  The run's manifests, written by tf: kubectl kustomize DIR shows them,\n"
             "#  kubectl apply -k DIR applies them\n"
             "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
             "namespace: %s\nresources:\n%s  - nodes.yaml\n",
             render->namespace_name, render->namespace_exists ? "" : "  - namespace.yaml\n");
    if (plan->prometheus)
        fprintf (out, "  - prometheus.yaml\n");
    fprintf (out, "generatorOptions:\n  disableNameSuffixHash: true\n  labels:\n"
                  "    app.kubernetes.io/managed-by: tf\n    " TF_K8S_LABEL_RUN ": ");
    s_quoted (out, render->run_id);
    fprintf (out,
             "\nconfigMapGenerator:\n  - name: " TF_K8S_DEPLOYMENT_CONFIG "\n    files:\n"
             "      - config/%s\n",
             render->profile->deployment_file);
    for (size_t node = 0; node < count; node++) {
        char name[TF_K8S_NAME_MAX + 1];
        tf_k8s_manifests_node_name (plan, node, name);
        fprintf (out, "  - name: %s-config\n    files:\n      - config/%s/%s\n", name, name,
                 render->profile->node_file);
    }
    if (plan->prometheus)
        fprintf (out, "  - name: prometheus-config\n    files:\n      - config/prometheus.yml\n");
}

//  Write text to dir/file (replaced)
static int
s_write_text (const char *dir, const char *file, const char *text, char **error_p)
{
    char *path = zsys_sprintf ("%s/%s", dir, file);
    int rc = tf_node_spec_write_file (path, text);
    if (rc == 0)
        chmod (path, 0644);
    else
        *error_p = zsys_sprintf ("cannot write %s", path);
    zstr_free (&path);
    return rc;
}

//  The node's command line in the image: the binaries in TF_K8S_BIN_DIR,
//  unless the image is a user's (the profile's binary on its PATH)
static int
s_command (const tf_k8s_render_t *render, bool ours, char *argv[TF_PROFILE_MAX_ARGS + 1])
{
    char *in_image = ours ? zsys_sprintf ("%s/%s", TF_K8S_BIN_DIR, render->profile->binary)
                          : strdup (render->profile->binary);
    int argc = tf_profile_argv (render->profile, in_image, TF_K8S_CONFIG_DIR, argv);
    zstr_free (&in_image);
    return argc;
}

int
tf_k8s_manifests_write (const tf_k8s_render_t *render, const char *dir, char **error_p)
{
    assert (render && render->plan && render->profile && dir && error_p);
    const tf_plan_t *plan = render->plan;
    size_t count = plan->validators + plan->executors;
    char *argv[TF_PROFILE_MAX_ARGS + 1] = {NULL};
    char *text = NULL;
    size_t size = 0;
    FILE *out = NULL;
    int rc = -1;
    tf_genesis_t *genesis = NULL;
    if (zsys_dir_create ("%s/config", dir)) {
        *error_p = zsys_sprintf ("cannot make %s/config: %s", dir, strerror (errno));
        goto out;
    }
    bool ours =
        strncmp (render->image, TF_COMPOSE_IMAGE_REPO ":", strlen (TF_COMPOSE_IMAGE_REPO) + 1) == 0;
    if (s_command (render, ours, argv) <= 0) {
        *error_p = strdup ("the node profile's command line has too many words");
        goto out;
    }
    genesis = tf_genesis_new (plan);
    if (!genesis) {
        *error_p = strdup ("cannot make the genesis (see the log)");
        goto out;
    }
    if (s_write_deployment (render, dir, genesis, error_p))
        goto out;
    for (size_t node = 0; node < count; node++)
        if (s_write_node_config (render, dir, node, genesis, error_p))
            goto out;

    //  A namespace that exists already is not ours: neither labelled nor deleted
    if (!render->namespace_exists) {
        out = open_memstream (&text, &size);
        assert (out);
        fprintf (out, "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: %s\n",
                 render->namespace_name);
        s_labels (out, render, 2, NULL, NULL);
        if (render->run_dir) {
            fprintf (out, "  annotations:\n    tf.run_dir: ");
            s_quoted (out, render->run_dir);
            fputc ('\n', out);
        }
        fclose (out);
        out = NULL;
        if (s_write_text (dir, "namespace.yaml", text, error_p))
            goto out;
        zstr_free (&text);
    }

    out = open_memstream (&text, &size);
    assert (out);
    fprintf (out, "#  One Deployment (replicas 1) and one Service per node\n");
    for (size_t node = 0; node < count; node++)
        s_print_node (out, render, node, argv);
    fclose (out);
    out = NULL;
    if (s_write_text (dir, "nodes.yaml", text, error_p))
        goto out;
    zstr_free (&text);

    if (plan->prometheus) {
        out = open_memstream (&text, &size);
        assert (out);
        fprintf (out, "#  The run's Prometheus server, scraping every node\n");
        int failed = s_write_prometheus (render, dir, out, error_p);
        fclose (out);
        out = NULL;
        if (failed || s_write_text (dir, "prometheus.yaml", text, error_p))
            goto out;
        zstr_free (&text);
    }

    out = open_memstream (&text, &size);
    assert (out);
    s_print_kustomization (out, render);
    fclose (out);
    out = NULL;
    if (s_write_text (dir, "kustomization.yaml", text, error_p))
        goto out;
    rc = 0;
out:
    if (out)
        fclose (out);
    zstr_free (&text);
    tf_genesis_destroy (&genesis);
    for (int word = 0; argv[word]; word++)
        free (argv[word]);
    return rc;
}
