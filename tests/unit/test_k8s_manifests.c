//  test_k8s_manifests.c - the k8s runner's pieces that need no cluster: the
//  namespace name, the pull policy, node names, the rendered directory and
//  the partition's NetworkPolicies
//
//  `test_k8s_manifests partition FILE` writes the NetworkPolicies of a
//  partition of validator-2 into FILE and exits, for tests/k8s/test_schema.sh
//  to validate against the Kubernetes schemas.

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <czmq.h>
#include "tf_k8s_control.h"
#include "tf_k8s_manifests.h"

static char *s_group_items[] = {(char *) "validator-2", NULL};
static const tf_strs_t s_group = {s_group_items, 1};

//  tf-<run id> in lower case, or K8S_RUNNER_NAMESPACE; never a non-label
static void
test_tf_k8s_manifests_namespace_is_a_dns_label (void **state)
{
    (void) state;
    unsetenv (TF_K8S_NAMESPACE_ENV);
    char *error = NULL;
    char *name = tf_k8s_manifests_namespace ("ScHNkZ", &error);
    assert_string_equal (name, "tf-schnkz");
    zstr_free (&name);
    setenv (TF_K8S_NAMESPACE_ENV, "mine", 1);
    name = tf_k8s_manifests_namespace ("ScHNkZ", &error);
    assert_string_equal (name, "mine");
    zstr_free (&name);
    setenv (TF_K8S_NAMESPACE_ENV, "Not_A_Label", 1);
    assert_null (tf_k8s_manifests_namespace ("ScHNkZ", &error));
    assert_non_null (strstr (error, "namespace 'Not_A_Label' (from K8S_RUNNER_NAMESPACE) is not"));
    zstr_free (&error);
    unsetenv (TF_K8S_NAMESPACE_ENV);
}

//  IfNotPresent unless the variable says otherwise; a typo is refused
static void
test_tf_k8s_manifests_pull_policy_is_checked (void **state)
{
    (void) state;
    char *error = NULL;
    unsetenv (TF_K8S_PULL_POLICY_ENV);
    assert_string_equal (tf_k8s_manifests_pull_policy (&error), "IfNotPresent");
    setenv (TF_K8S_PULL_POLICY_ENV, "Never", 1);
    assert_string_equal (tf_k8s_manifests_pull_policy (&error), "Never");
    setenv (TF_K8S_PULL_POLICY_ENV, "never", 1);
    assert_null (tf_k8s_manifests_pull_policy (&error));
    assert_string_equal (error,
                         "TF_K8S_IMAGE_PULL_POLICY: expected Always, IfNotPresent or Never, got "
                         "'never'");
    zstr_free (&error);
    unsetenv (TF_K8S_PULL_POLICY_ENV);
}

//  Validators first, then executors, each by index
static void
test_tf_k8s_manifests_names_nodes_as_the_other_runners (void **state)
{
    (void) state;
    tf_plan_t *plan = tf_plan_new ("names");
    tf_plan_set_topology (plan, TF_NETWORK_STAR, 2, 1);
    char name[TF_K8S_NAME_MAX + 1];
    assert_string_equal (tf_k8s_manifests_node_name (plan, 1, name), "validator");
    assert_string_equal (name, "validator-1");
    assert_string_equal (tf_k8s_manifests_node_name (plan, 2, name), "executor");
    assert_string_equal (name, "executor-0");
    tf_plan_destroy (&plan);
}

//  The rendered directory holds what the kustomization names, and a run's
//  namespace carries its directory for tf clean
static void
test_tf_k8s_manifests_write_makes_the_kustomization (void **state)
{
    (void) state;
    tf_plan_t *plan = tf_plan_new ("written");
    tf_plan_set_topology (plan, TF_NETWORK_STAR, 2, 0);
    char dir[] = "/tmp/tf-k8s-manifests-XXXXXX";
    assert_non_null (mkdtemp (dir));
    tf_k8s_render_t render = {.plan = plan,
                              .profile = tf_profile_find ("tf-node"),
                              .run_id = "AbC123",
                              .run_dir = "/tmp/tf-run-AbC123",
                              .namespace_name = "tf-abc123",
                              .image = "tf-node:test",
                              .pull_policy = "Never",
                              .prometheus_image = TF_K8S_PROMETHEUS_IMAGE,
                              .chain_start_ms = 0};
    char *error = NULL;
    assert_int_equal (tf_k8s_manifests_write (&render, dir, &error), 0);
    const char *files[] = {"kustomization.yaml",
                           "namespace.yaml",
                           "nodes.yaml",
                           "config/validator-0/node.yaml",
                           "config/validator-1/node.yaml",
                           "config/deployment.yaml",
                           NULL};
    for (int index = 0; files[index]; index++) {
        char *file_path = zsys_sprintf ("%s/%s", dir, files[index]);
        assert_true (zsys_file_exists (file_path));
        zstr_free (&file_path);
    }
    char *prometheus = zsys_sprintf ("%s/prometheus.yaml", dir);
    assert_false (zsys_file_exists (prometheus)); //  Not asked for
    zstr_free (&prometheus);
    char *path = zsys_sprintf ("%s/namespace.yaml", dir);
    zfile_t *file = zfile_new (NULL, path);
    assert_int_equal (zfile_input (file), 0);
    zchunk_t *chunk = zfile_read (file, zfile_cursize (file), 0);
    char *text = zchunk_strdup (chunk);
    assert_non_null (strstr (text, "  name: tf-abc123\n"));
    assert_non_null (strstr (text, "    tf.run: \"AbC123\"\n"));
    assert_non_null (strstr (text, "    tf.run_dir: \"/tmp/tf-run-AbC123\"\n"));
    zstr_free (&text);
    zchunk_destroy (&chunk);
    zfile_destroy (&file);
    zstr_free (&path);
    //  A directory that cannot be made is an error that names it
    render.plan = plan;
    assert_int_equal (tf_k8s_manifests_write (&render, "/proc/tf-no/such", &error), -1);
    assert_non_null (strstr (error, "/proc/tf-no/such"));
    zstr_free (&error);
    char *remove = zsys_sprintf ("rm -rf '%s'", dir);
    assert_int_equal (system (remove), 0);
    zstr_free (&remove);
    tf_plan_destroy (&plan);
}

//  Two policies, one per side, each selecting node pods only
static void
test_tf_k8s_control_partition_has_two_sides (void **state)
{
    (void) state;
    char path[] = "/tmp/tf-k8s-partition-XXXXXX";
    int fd = mkstemp (path);
    assert_true (fd >= 0);
    close (fd);
    assert_int_equal (tf_k8s_control_write_partition (path, "tf-x", "X", &s_group), 0);
    zfile_t *file = zfile_new (NULL, path);
    assert_int_equal (zfile_input (file), 0);
    zchunk_t *chunk = zfile_read (file, zfile_cursize (file), 0);
    char *text = zchunk_strdup (chunk);
    assert_non_null (strstr (text, "name: tf-partition-group\n"));
    assert_non_null (strstr (text, "name: tf-partition-rest\n"));
    assert_non_null (strstr (text, "{key: tf.node, operator: In, values: [\"validator-2\"]}"));
    assert_non_null (strstr (text, "{key: tf.node, operator: NotIn, values: [\"validator-2\"]}"));
    assert_non_null (strstr (text, "{key: tf.node, operator: Exists}"));
    assert_non_null (strstr (text, "tf.partition: \"true\""));
    assert_int_equal (tf_k8s_control_write_partition ("/proc/tf-no/such", "tf-x", "X", &s_group),
                      -1);
    zstr_free (&text);
    zchunk_destroy (&chunk);
    zfile_destroy (&file);
    unlink (path);
}

int
main (int argc, char **argv)
{
    if (argc == 3 && streq (argv[1], "partition"))
        return tf_k8s_control_write_partition (argv[2], "tf-schema", "schema", &s_group) ? 1 : 0;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_tf_k8s_manifests_namespace_is_a_dns_label),
        cmocka_unit_test (test_tf_k8s_manifests_pull_policy_is_checked),
        cmocka_unit_test (test_tf_k8s_manifests_names_nodes_as_the_other_runners),
        cmocka_unit_test (test_tf_k8s_manifests_write_makes_the_kustomization),
        cmocka_unit_test (test_tf_k8s_control_partition_has_two_sides),
    };
    return cmocka_run_group_tests_name ("tf_k8s_manifests", tests, NULL, NULL);
}
