//  test_spine_local.c - tf with the local runner: real tf-node processes under
//  the deployer. A run passes, and SIGKILL of tf leaves no node behind.

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <signal.h>
#include <dirent.h>
#include "spine_harness.h"

#define SPINE_LOCAL_NODES     2 //  Validators in spine_local.yaml
#define SPINE_LOCAL_PROCESSES 4 //  Coordinator, deployer, scanner, judge

//  Children of pid, as the kernel lists them: those of every thread (the
//  deployer starts its nodes from a worker thread)
static size_t
s_children (pid_t pid, pid_t *children, size_t max)
{
    char *path = zsys_sprintf ("/proc/%d/task", (int) pid);
    DIR *dir = opendir (path);
    zstr_free (&path);
    size_t count = 0;
    struct dirent *entry;
    while (dir && (entry = readdir (dir))) {
        if (entry->d_name[0] == '.')
            continue;
        char *children_path = zsys_sprintf ("/proc/%d/task/%s/children", (int) pid, entry->d_name);
        FILE *file = fopen (children_path, "r");
        zstr_free (&children_path);
        int child;
        while (file && count < max && fscanf (file, "%d", &child) == 1)
            children[count++] = (pid_t) child;
        if (file)
            fclose (file);
    }
    if (dir)
        closedir (dir);
    return count;
}

static void
test_spine_local_run_passes (void **state)
{
    const char *options[] = {"--duration", "2s", NULL};
    spine_run_t *run = *state = spine_start_options ("spine_local.yaml", options, NULL);
    assert_int_equal (spine_wait_exit (run, SPINE_RUN_TIMEOUT_MS), 0);
    json_t *report = spine_report (run);
    assert_non_null (report);
    assert_string_equal (json_string_value (json_object_get (report, "verdict")), "passed");
    assert_int_equal (json_array_size (json_object_get (report, "nodes")), SPINE_LOCAL_NODES);
    json_decref (report);
    assert_true (spine_run_file_exists (run, "logs/deployer.log"));
    assert_true (spine_run_file_exists (run, "logs/scanner.log"));
    assert_true (spine_all_gone (SPINE_GONE_TIMEOUT_MS));
}

static void
test_spine_local_sigkill_leaves_no_node (void **state)
{
    spine_run_t *run = *state = spine_start ("spine_local.yaml", true, NULL);
    assert_true (spine_wait_output (run, "phase execute", SPINE_EVENT_TIMEOUT_MS));
    pid_t deployer = spine_run_pid_of (run, "deployer");
    assert_true (deployer > 0);
    pid_t nodes[SPINE_MAX_PIDS];
    assert_int_equal (s_children (deployer, nodes, SPINE_MAX_PIDS), SPINE_LOCAL_NODES);
    kill (run->pid, SIGKILL);
    assert_int_equal (spine_wait_exit (run, SPINE_EVENT_TIMEOUT_MS), 128 + SIGKILL);
    //  Everything, nodes included, is reparented to us and must end by itself
    assert_true (spine_all_gone (SPINE_GONE_TIMEOUT_MS));
    for (size_t index = 0; index < SPINE_LOCAL_NODES; index++)
        assert_false (spine_pid_alive (nodes[index]));
    pid_t pids[SPINE_MAX_PIDS];
    size_t count = spine_run_pids (run, pids, SPINE_MAX_PIDS);
    assert_int_equal (count, SPINE_LOCAL_PROCESSES);
    for (size_t index = 0; index < count; index++)
        assert_false (spine_pid_alive (pids[index]));
}

int
main (void)
{
    spine_init ();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown (test_spine_local_run_passes, spine_teardown),
        cmocka_unit_test_teardown (test_spine_local_sigkill_leaves_no_node, spine_teardown),
    };
    return cmocka_run_group_tests_name ("spine_local", tests, NULL, NULL);
}
