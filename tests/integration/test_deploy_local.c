//  test_deploy_local.c - the local deployer through real `tf run`s
//
//  Readiness failure with a node binary that exits at once; node control
//  (partition, heal, pause, resume, restart) and cleanup on stand-in nodes
//  (tests/data/nodes/stub-node.py); nodes dying with a SIGKILLed deployer;
//  three real tf-nodes making progress. Every test ends with every node
//  process gone, checked by the pids the deployer logged.
//
//  These runs need every program of a local run built: tf, tf-coordinator,
//  tf-deployer-local, tf-scanner, the chaos workloads, and tf-node.

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <signal.h>
#include "spine_harness.h"

#define DEPLOY_MAX_PIDS      64
#define DEPLOY_STARTED       "deployer: node started name="
#define DEPLOY_RECORD_HEADER 8  //  Block log record: length, crc32
#define DEPLOY_MIN_BLOCKS    10 //  6 s of 100 ms slots give far more
#define S_MAX_ENV            8  //  Variables a test run gets, with the NULL

//  Path of a file under tests/data; caller frees
static char *
s_data_path (const char *name)
{
    const char *data = getenv ("TF_TEST_DATA");
    assert_non_null (data);
    return zsys_sprintf ("%s/%s", data, name);
}

//  Start tf run on a fixture with LOGOS_BLOCKCHAIN_NODE_BIN at node_bin (a file
//  of tests/data, or NULL for the default tf-node)
//  Start a run of scenario with node_bin (a test data path) as the node and
//  the variables of extra (NULL-terminated, may be NULL) in its environment
static spine_run_t *
s_start_envs (const char *scenario, const char *node_bin, const char **extra)
{
    char *bin_path = node_bin ? s_data_path (node_bin) : NULL;
    char *bin_env = bin_path ? zsys_sprintf ("LOGOS_BLOCKCHAIN_NODE_BIN=%s", bin_path) : NULL;
    const char *env[S_MAX_ENV] = {bin_env ? bin_env : "TF_DEPLOY_TEST=1"};
    for (size_t index = 0; extra && extra[index]; index++) {
        assert_true (index + 2 < S_MAX_ENV);
        env[index + 1] = extra[index];
    }
    spine_run_t *run = spine_start (scenario, true, env);
    zstr_free (&bin_env);
    zstr_free (&bin_path);
    assert_non_null (run);
    return run;
}

static spine_run_t *
s_start_env (const char *scenario, const char *node_bin, const char *extra)
{
    const char *env[] = {extra, NULL};
    return s_start_envs (scenario, node_bin, env);
}

static spine_run_t *
s_start (const char *scenario, const char *node_bin)
{
    return s_start_envs (scenario, node_bin, NULL);
}

//  Contents of a file of the run directory; caller frees
static char *
s_run_file (spine_run_t *run, const char *name)
{
    char *path = zsys_sprintf ("%s/%s", spine_run_dir (run), name);
    zfile_t *file = zfile_new (NULL, path);
    zstr_free (&path);
    char *text = NULL;
    if (file && zfile_input (file) == 0) {
        zchunk_t *chunk = zfile_read (file, zfile_cursize (file), 0);
        text = zchunk_strdup (chunk);
        zchunk_destroy (&chunk);
    }
    zfile_destroy (&file);
    return text ? text : strdup ("");
}

//  Every node pid the deployer logged (restarts included)
static size_t
s_node_pids (spine_run_t *run, pid_t *pids, size_t max)
{
    char *log = s_run_file (run, "logs/deployer.log");
    size_t count = 0;
    for (const char *at = log; count < max && (at = strstr (at, DEPLOY_STARTED)); at++) {
        const char *pid = strstr (at, " pid=");
        if (pid)
            pids[count++] = (pid_t) atoi (pid + strlen (" pid="));
    }
    free (log);
    return count;
}

//  After the run: every node process is gone, and the deployer ended cleanly
//  (a sanitizer report or a crash would show as an exit status in tf's output)
static void
s_assert_nodes_gone (spine_run_t *run, size_t at_least)
{
    char *output = spine_output (run);
    bool deployer_failed = strstr (output, "actor deployer exited") != NULL
                           || strstr (output, "actor deployer killed") != NULL;
    if (deployer_failed)
        print_error ("%s\n", output);
    free (output);
    assert_false (deployer_failed);
    pid_t pids[DEPLOY_MAX_PIDS];
    size_t count = s_node_pids (run, pids, DEPLOY_MAX_PIDS);
    assert_true (count >= at_least);
    assert_true (spine_all_gone (SPINE_GONE_TIMEOUT_MS));
    for (size_t index = 0; index < count; index++)
        assert_false (spine_pid_alive (pids[index]));
}

static void
test_deploy_readiness_failure_names_every_node (void **state)
{
    spine_run_t *run = *state = s_start ("deploy_fail.yaml", "nodes/exit-at-once.sh");
    assert_int_equal (spine_wait_exit (run, SPINE_RUN_TIMEOUT_MS), 3);
    char *output = spine_output (run);
    assert_non_null (strstr (output, "node process exited during http readiness:\n"
                                     "  validator#0@"));
    assert_non_null (strstr (output, "\n  validator#1@"));
    assert_non_null (strstr (output, ": process exited with status 1 (log: "));
    //  The stage fails as soon as one process is seen gone; the other may not
    //  have exited yet at that moment, so only one log path is certain
    assert_non_null (strstr (output, "/node.log)"));
    free (output);
    json_t *report = spine_report (run);
    assert_non_null (report);
    const char *reason =
        json_string_value (json_object_get (json_object_get (report, "abort"), "reason"));
    assert_non_null (reason);
    assert_non_null (strstr (reason, "validator#0@"));
    assert_non_null (strstr (reason, "process exited with status 1"));
    json_decref (report);
    //  The node's own words are in its log
    char *node_log = s_run_file (run, "nodes/validator-0/node.log");
    assert_non_null (strstr (node_log, "exit-at-once: refusing to start with "));
    assert_non_null (strstr (node_log, "/nodes/validator-0/node.yaml --deployment "));
    free (node_log);
    s_assert_nodes_gone (run, 2);
}

//  Nodes that never see a peer: network readiness times out (after the stage
//  timeout, shortened through TF_READINESS_TIMEOUT) and names every node with
//  its peer count
static void
test_deploy_network_readiness_times_out (void **state)
{
    const char *env[] = {"STUB_NODE_PEERS=0", "TF_READINESS_TIMEOUT=4s", NULL};
    spine_run_t *run = *state = s_start_envs ("deploy_fail.yaml", "nodes/stub-node.py", env);
    assert_int_equal (spine_wait_exit (run, SPINE_RUN_TIMEOUT_MS * 2), 3);
    char *output = spine_output (run);
    const char *message = strstr (output, "timed out waiting for network readiness:\n"
                                          "  validator#0@");
    assert_non_null (message);
    assert_non_null (strstr (message, ": 0 peers (expected 1)\n  validator#1@"));
    free (output);
    s_assert_nodes_gone (run, 2);
}

static void
test_deploy_missing_node_binary_fails_deploy (void **state)
{
    spine_run_t *run = *state = s_start ("deploy_fail.yaml", "nodes/no-such-node");
    assert_int_equal (spine_wait_exit (run, SPINE_RUN_TIMEOUT_MS), 3);
    char *output = spine_output (run);
    assert_non_null (strstr (output, "ABORTED in deploy by actor deployer"));
    assert_non_null (strstr (output, "/nodes/no-such-node is not executable: No such file or "
                                     "directory (set LOGOS_BLOCKCHAIN_NODE_BIN)"));
    free (output);
    s_assert_nodes_gone (run, 0);
}

static void
test_deploy_node_control_and_cleanup (void **state)
{
    spine_run_t *run = *state = s_start ("deploy_control.yaml", "nodes/stub-node.py");
    assert_int_equal (spine_wait_exit (run, SPINE_RUN_TIMEOUT_MS), 0);
    char *log = s_run_file (run, "logs/deployer.log");
    static const char *const done[] = {"action=partition", "action=heal", "action=pause",
                                       "action=resume", "action=restart"};
    for (size_t index = 0; index < sizeof done / sizeof done[0]; index++) {
        char *line = zsys_sprintf ("deployer: node control done %s", done[index]);
        bool found = strstr (log, line) != NULL;
        if (!found)
            print_error ("no '%s' in the deployer's log:\n%s\n", line, log);
        zstr_free (&line);
        assert_true (found);
    }
    assert_null (strstr (log, "node control failed"));
    assert_non_null (strstr (log, "deployer: every node stopped nodes=3"));
    free (log);
    //  The partition cut validator-1 off from both others, both ways, then healed
    char *cut = s_run_file (run, "nodes/validator-1/node.log");
    char *hub = s_run_file (run, "nodes/validator-0/node.log");
    assert_non_null (strstr (cut, "testing: POST /testing/block-peer \"stub-"));
    assert_non_null (strstr (cut, "testing: POST /testing/unblock-peer \"stub-"));
    assert_non_null (strstr (hub, "testing: POST /testing/block-peer \"stub-"));
    free (cut);
    free (hub);
    json_t *report = spine_report (run);
    json_t *nodes = json_object_get (report, "nodes");
    assert_int_equal (json_array_size (nodes), 3);
    json_decref (report);
    s_assert_nodes_gone (run, 4); //  Three nodes and one restart
}

static void
test_deploy_nodes_die_with_a_sigkilled_deployer (void **state)
{
    spine_run_t *run = *state = s_start ("deploy_long.yaml", "nodes/stub-node.py");
    assert_true (spine_wait_output (run, "phase execute", SPINE_EVENT_TIMEOUT_MS));
    pid_t nodes[DEPLOY_MAX_PIDS];
    assert_int_equal (s_node_pids (run, nodes, DEPLOY_MAX_PIDS), 3);
    for (size_t index = 0; index < 3; index++)
        assert_true (spine_pid_alive (nodes[index]));
    //  The deployer is the one process of the run named "deployer" in pids
    char *pids = s_run_file (run, "pids");
    const char *line = strstr (pids, " deployer\n");
    assert_non_null (line);
    while (line > pids && line[-1] != '\n')
        line--;
    pid_t deployer = (pid_t) atoi (line);
    free (pids);
    assert_true (deployer > 0);
    assert_int_equal (kill (deployer, SIGKILL), 0);
    assert_int_equal (spine_wait_exit (run, SPINE_RUN_TIMEOUT_MS), 3);
    //  The nodes died with the deployer (parent-death signal): tf, which
    //  inherits orphans, found none of them left behind
    char *output = spine_output (run);
    bool strays = strstr (output, "left behind by the run") != NULL;
    if (strays)
        print_error ("%s\n", output);
    free (output);
    assert_false (strays);
    assert_true (spine_all_gone (SPINE_GONE_TIMEOUT_MS));
    for (size_t index = 0; index < 3; index++)
        assert_false (spine_pid_alive (nodes[index]));
}

//  Records in a tf-node block log (node/README.md 6: u32 LE length, u32 LE
//  crc32, then the block)
static size_t
s_block_records (spine_run_t *run, const char *node)
{
    char *path = zsys_sprintf ("%s/nodes/%s/db/blocks.log", spine_run_dir (run), node);
    FILE *file = fopen (path, "rb");
    zstr_free (&path);
    size_t records = 0;
    uint8_t header[DEPLOY_RECORD_HEADER];
    while (file && fread (header, 1, sizeof header, file) == sizeof header) {
        uint32_t length = (uint32_t) header[0] | (uint32_t) header[1] << 8
                          | (uint32_t) header[2] << 16 | (uint32_t) header[3] << 24;
        if (fseek (file, (long) length, SEEK_CUR) != 0)
            break;
        records++;
    }
    if (file)
        fclose (file);
    return records;
}

static void
test_deploy_three_tf_nodes_progress (void **state)
{
    char *node = zsys_sprintf ("%s/tf-node", getenv ("TF_BIN_DIR"));
    bool built = access (node, X_OK) == 0;
    zstr_free (&node);
    if (!built)
        fail_msg ("tf-node is not built in TF_BIN_DIR");
    spine_run_t *run = *state =
        s_start_env ("deploy_three.yaml", NULL, "LOGOS_BLOCKCHAIN_TESTS_KEEP_LOGS=1");
    int code = spine_wait_exit (run, SPINE_RUN_TIMEOUT_MS);
    if (code != 0) {
        char *output = spine_output (run);
        print_error ("tf run exited %d:\n%s\n", code, output);
        free (output);
        fail ();
    }
    json_t *report = spine_report (run);
    json_t *nodes = json_object_get (report, "nodes");
    assert_int_equal (json_array_size (nodes), 3);
    for (size_t index = 0; index < 3; index++) {
        json_t *info = json_array_get (nodes, index);
        const char *name = json_string_value (json_object_get (info, "name"));
        const char *peer_id = json_string_value (json_object_get (info, "peer_id"));
        assert_non_null (name);
        assert_non_null (peer_id);
        assert_true (strlen (peer_id) > 0);
        //  Every node holds a chain that grew during the run
        size_t blocks = s_block_records (run, name);
        if (blocks < DEPLOY_MIN_BLOCKS)
            fail_msg ("%s stored %zu blocks, fewer than %d", name, blocks, DEPLOY_MIN_BLOCKS);
    }
    json_decref (report);
    s_assert_nodes_gone (run, 3);
}

int
main (void)
{
    spine_init ();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown (test_deploy_readiness_failure_names_every_node, spine_teardown),
        cmocka_unit_test_teardown (test_deploy_missing_node_binary_fails_deploy, spine_teardown),
        cmocka_unit_test_teardown (test_deploy_network_readiness_times_out, spine_teardown),
        cmocka_unit_test_teardown (test_deploy_node_control_and_cleanup, spine_teardown),
        cmocka_unit_test_teardown (test_deploy_nodes_die_with_a_sigkilled_deployer, spine_teardown),
        cmocka_unit_test_teardown (test_deploy_three_tf_nodes_progress, spine_teardown),
    };
    return cmocka_run_group_tests_name ("deploy_local", tests, NULL, NULL);
}
