//  test_node_metrics.c - tf-node's /metrics passes `promtool check metrics` (the
//  Prometheus linter: counters end in _total, HELP and TYPE on every family, the
//  text format parses), on a live two-node cluster that has produced blocks.
//  Exits 77 (ctest SKIP) and says why when promtool is not installed.

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "test_node_harness.h"

#define S_NODES    2
#define S_EVENT_MS 30000
#define S_SKIP     77 //  ctest SKIP_RETURN_CODE

static char s_promtool[512];

//  promtool from TF_PROMTOOL or the PATH into s_promtool; 0 or -1 if absent
static int
s_find_promtool (void)
{
    const char *chosen = getenv ("TF_PROMTOOL");
    if (chosen && *chosen) {
        snprintf (s_promtool, sizeof s_promtool, "%s", chosen);
        return access (s_promtool, X_OK) == 0 ? 0 : -1;
    }
    const char *path = getenv ("PATH");
    char *copy = strdup (path ? path : "/usr/bin:/bin");
    char *saveptr = NULL;
    int rc = -1;
    for (char *dir = strtok_r (copy, ":", &saveptr); dir && rc;
         dir = strtok_r (NULL, ":", &saveptr)) {
        snprintf (s_promtool, sizeof s_promtool, "%s/promtool", dir);
        if (access (s_promtool, X_OK) == 0)
            rc = 0;
    }
    free (copy);
    return rc;
}

//  Run `promtool check metrics` with text on its stdin; its exit code, its
//  output (stdout and stderr) into *output (caller frees)
static int
s_promtool_check (const char *text, char **output)
{
    char input[] = "/tmp/tf-metrics-in-XXXXXX";
    char result[] = "/tmp/tf-metrics-out-XXXXXX";
    int in_fd = mkstemp (input);
    int out_fd = mkstemp (result);
    assert_true (in_fd >= 0 && out_fd >= 0);
    size_t length = strlen (text);
    assert_int_equal (write (in_fd, text, length), (ssize_t) length);
    assert_int_equal (lseek (in_fd, 0, SEEK_SET), 0);
    pid_t pid = fork ();
    assert_true (pid >= 0);
    if (pid == 0) {
        dup2 (in_fd, 0);
        dup2 (out_fd, 1);
        dup2 (out_fd, 2);
        execl (s_promtool, "promtool", "check", "metrics", (char *) NULL);
        _exit (127);
    }
    int status = 0;
    assert_int_equal (waitpid (pid, &status, 0), pid);
    FILE *file = fdopen (out_fd, "r");
    assert_non_null (file);
    fseek (file, 0, SEEK_END);
    long size = ftell (file);
    fseek (file, 0, SEEK_SET);
    *output = calloc (1, (size_t) size + 1);
    assert_int_equal (fread (*output, 1, (size_t) size, file), (size_t) size);
    fclose (file);
    close (in_fd);
    unlink (input);
    unlink (result);
    return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

static int
s_setup (void **state)
{
    nh_options_t options = {100, 0.5, 20, 0};
    nh_cluster_t *cluster = nh_cluster_start (S_NODES, &options, S_EVENT_MS);
    *state = cluster;
    return cluster ? 0 : -1;
}

static int
s_teardown (void **state)
{
    nh_cluster_t *cluster = *state;
    nh_cluster_destroy (&cluster);
    return 0;
}

//  The linter itself rejects what it should: a counter without _total (so the
//  check below can fail)
static void
test_node_metrics_promtool_rejects_a_bad_counter (void **state)
{
    (void) state;
    char *output = NULL;
    int rc = s_promtool_check ("# HELP consensus_forks_count Fork switches\n"
                               "# TYPE consensus_forks_count counter\n"
                               "consensus_forks_count 0\n",
                               &output);
    assert_int_not_equal (rc, 0);
    assert_non_null (strstr (output, "_total"));
    free (output);
}

//  Every family of a live node's /metrics passes the linter, after blocks
static void
test_node_metrics_pass_promtool (void **state)
{
    nh_cluster_t *cluster = *state;
    int ok = 0;
    NH_WAIT (ok, nh_metric (cluster, 0, "consensus_blocks_imported_total") >= 2, S_EVENT_MS);
    assert_true (ok);
    for (size_t index = 0; index < S_NODES; index++) {
        char *body = NULL;
        assert_int_equal (nh_http (cluster, index, 0, "GET", "/metrics", NULL, NULL, 0, &body),
                          200);
        assert_non_null (strstr (body, "# TYPE consensus_forks_total counter"));
        char *output = NULL;
        int rc = s_promtool_check (body, &output);
        if (rc != 0)
            fprintf (stderr, "promtool check metrics (exit %d):\n%s\n--- /metrics ---\n%s", rc,
                     output, body);
        assert_int_equal (rc, 0);
        free (output);
        free (body);
    }
}

int
main (void)
{
    if (s_find_promtool ()) {
        printf ("SKIP: promtool not found (%s; it comes with the Debian package "
                "prometheus)\n",
                getenv ("TF_PROMTOOL") && *getenv ("TF_PROMTOOL") ? "TF_PROMTOOL is not executable"
                                                                  : "not on the PATH");
        return S_SKIP;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_node_metrics_promtool_rejects_a_bad_counter),
        cmocka_unit_test_setup_teardown (test_node_metrics_pass_promtool, s_setup, s_teardown),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
