//  test_compose.c - the compose runner through real `tf run`s on a real
//  Docker engine: the same fixtures as the local runner's tests, run
//  unchanged with --runner compose
//
//  `test_compose` needs an engine that answers (`docker info`); without one
//  it exits 77 (ctest SKIP) and says why. `test_compose engine` runs the
//  cases that need no engine: a runner whose engine does not answer exits 3
//  saying what to start. Every case that deploys checks that nothing
//  labelled with its run is left in the engine afterwards: containers,
//  networks, volumes.

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <signal.h>
#include "spine_harness.h"

#define S_SKIP        77    //  ctest SKIP_RETURN_CODE
#define S_REAP_MS     30000 //  Everything labelled gone after SIGKILL of tf
#define S_RUN_ID_SIZE 80
#define S_SMOKE_NODES 3 //  liveness_smoke.yaml's validators
#define S_RESTARTS    4 //  chaos_restart.yaml's seeded schedule restarts four nodes
#define S_MIN_PIDS    4 //  coordinator, deployer, scanner, an expectation

static const char *const s_compose[] = {"--runner", "compose", NULL};

//  The run a preserve test kept, removed by its teardown even when it failed
static char s_kept_run[S_RUN_ID_SIZE];

//  ---------------------------------------------------------------------------
//  Helpers

//  The run's id, from the marker tf wrote in its run directory
static void
s_run_id (spine_run_t *run, char id[S_RUN_ID_SIZE])
{
    char *path = zsys_sprintf ("%s/tf.pid", spine_run_dir (run));
    FILE *file = fopen (path, "r");
    zstr_free (&path);
    assert_non_null (file);
    int version, pid;
    unsigned long long start;
    int fields = fscanf (file, "tf-run %d %d %llu %79s", &version, &pid, &start, id);
    fclose (file);
    assert_int_equal (fields, 4);
}

//  How many containers, networks and volumes carry label tf.run=run_id (-1
//  when docker does not answer)
static int
s_labelled (const char *run_id, bool running_only)
{
    char *command = zsys_sprintf (
        "{ docker ps %s -q --filter label=tf.run=%s && docker network ls -q --filter "
        "label=tf.run=%s && docker volume ls -q --filter label=tf.run=%s; } 2>/dev/null",
        running_only ? "" : "-a", run_id, run_id, run_id);
    FILE *pipe = popen (command, "r");
    zstr_free (&command);
    if (!pipe)
        return -1;
    int count = 0;
    char line[256];
    while (fgets (line, sizeof line, pipe))
        count++;
    return pclose (pipe) == 0 ? count : -1;
}

//  Wait (deadline) until nothing carries the run's label; the count left
static int
s_wait_unlabelled (const char *run_id, int64_t timeout_ms)
{
    int64_t deadline = zclock_mono () + timeout_ms;
    int left = s_labelled (run_id, false);
    while (left != 0 && zclock_mono () < deadline) {
        zclock_sleep (SPINE_POLL_MS * 10);
        left = s_labelled (run_id, false);
    }
    return left;
}

//  Run a fixture on compose to the end; check nothing is left; report.json
static json_t *
s_run (void **state, const char *scenario, int expected_exit, const char *const *env)
{
    spine_run_t *run = *state = spine_start_options (scenario, s_compose, env);
    assert_non_null (run);
    spine_assert_exit (run, expected_exit);
    spine_assert_nothing_survives (run, S_MIN_PIDS);
    char id[S_RUN_ID_SIZE];
    s_run_id (run, id);
    assert_int_equal (s_labelled (id, false), 0);
    json_t *report = spine_report (run);
    assert_non_null (report);
    assert_string_equal (json_string_value (json_object_get (report, "runner")), "compose");
    return report;
}

//  Size of a file of the run, or -1
static long
s_file_size (spine_run_t *run, const char *name)
{
    char *path = zsys_sprintf ("%s/%s", spine_run_dir (run), name);
    struct stat info;
    long size = stat (path, &info) == 0 ? (long) info.st_size : -1;
    zstr_free (&path);
    return size;
}

//  How many chaos events of kind have detail containing text
static size_t
s_chaos_count (json_t *report, const char *kind, const char *text)
{
    size_t count = 0, index;
    json_t *event;
    json_array_foreach (json_object_get (report, "chaos"), index, event)
    {
        const char *detail = json_string_value (json_object_get (event, "detail"));
        if (streq (json_string_value (json_object_get (event, "kind")), kind) && detail
            && strstr (detail, text))
            count++;
    }
    return count;
}

//  ---------------------------------------------------------------------------
//  With an engine

//  The smoke fixture passes on compose; the logs are in the run directory,
//  the compose file describes the stack, and nothing is left in the engine
static void
test_compose_smoke_passes_and_leaves_nothing (void **state)
{
    json_t *report = s_run (state, "liveness_smoke.yaml", 0, NULL);
    spine_run_t *run = (spine_run_t *) *state;
    json_t *liveness = spine_expectation (report, "consensus_liveness");
    assert_non_null (liveness);
    assert_true (json_is_true (json_object_get (liveness, "passed")));
    for (int node = 0; node < S_SMOKE_NODES; node++) {
        char name[64];
        snprintf (name, sizeof name, "nodes/validator-%d/node.log", node);
        assert_true (s_file_size (run, name) > 0);
    }
    assert_true (s_file_size (run, "compose/docker-compose.yml") > 0);
    json_decref (report);
}

//  Recipe 4 in short (transactions while random nodes restart) passes on
//  compose, every restart done through the engine
static void
test_compose_recipe4_restarts_pass (void **state)
{
    json_t *report = s_run (state, "chaos_restart.yaml", 0, NULL);
    assert_int_equal (s_chaos_count (report, "node.control.done", "ok"), S_RESTARTS);
    assert_true (json_integer_value (json_object_get (json_object_get (report, "tx"), "included"))
                 > 0);
    json_decref (report);
}

//  A cut made in the network (nftables) and never healed: the validators'
//  LIBs diverge and consensus_liveness fails, exit 1
static void
test_compose_partition_unhealed_fails_agreement (void **state)
{
    json_t *report = s_run (state, "chaos_partition_unhealed.yaml", 1, NULL);
    json_t *liveness = spine_expectation (report, "consensus_liveness");
    assert_non_null (liveness);
    assert_false (json_is_true (json_object_get (liveness, "passed")));
    char *text = json_dumps (liveness, 0);
    assert_non_null (strstr (text, "divergence"));
    free (text);
    assert_int_equal (s_chaos_count (report, "node.control.done", "partition"), 1);
    json_decref (report);
}

//  The detail of the first chaos event of kind whose detail contains text, or NULL
static const char *
s_chaos_detail (json_t *report, const char *kind, const char *text)
{
    size_t index;
    json_t *event;
    json_array_foreach (json_object_get (report, "chaos"), index, event)
    {
        const char *detail = json_string_value (json_object_get (event, "detail"));
        if (streq (json_string_value (json_object_get (event, "kind")), kind) && detail
            && strstr (detail, text))
            return detail;
    }
    return NULL;
}

//  30 % of validator-2's swarm packets dropped for 7 s: the swarm carries on,
//  consensus_liveness (max_lag 4, lag_window 2 s, k = 3) passes; the loss's removal
//  says how many packets its rules saw and dropped, about 30 % of them
static void
test_compose_loss_30_keeps_liveness (void **state)
{
    json_t *report = s_run (state, "chaos_loss_30.yaml", 0, NULL);
    json_t *liveness = spine_expectation (report, "consensus_liveness");
    assert_non_null (liveness);
    assert_true (json_is_true (json_object_get (liveness, "passed")));
    const char *note = s_chaos_detail (report, "node.control.done", "dropped");
    assert_non_null (note);
    unsigned long dropped = 0, seen = 0;
    assert_int_equal (
        sscanf (note, "loss validator-2 ok (dropped %lu of %lu swarm packets", &dropped, &seen), 2);
    printf ("loss 30 %%: dropped %lu of %lu swarm packets\n", dropped, seen);
    assert_true (seen >= 20);
    //  Binomial: far beyond 3 sigma either side for any seen >= 20
    assert_true (dropped * 100 >= seen * 5 && dropped * 100 <= seen * 60);
    json_decref (report);
}

//  Every swarm packet of validator-2 dropped: it falls behind (or forks) while
//  its API still answers, and consensus_liveness fails naming it, exit 1
static void
test_compose_loss_100_fails_naming_the_node (void **state)
{
    json_t *report = s_run (state, "chaos_loss_100.yaml", 1, NULL);
    json_t *liveness = spine_expectation (report, "consensus_liveness");
    assert_non_null (liveness);
    assert_false (json_is_true (json_object_get (liveness, "passed")));
    char *text = json_dumps (liveness, 0);
    //  Behind, or on a fork of its own: either way it is named
    assert_true (strstr (text, "validator-2 lags") || strstr (text, "validator-2's LIB"));
    free (text);
    assert_non_null (s_chaos_detail (report, "node.control.done", "loss validator-2 ok"));
    json_decref (report);
}

//  validator-1's egress at 16 kbit/s for 4 s: the tbf qdisc held packets back
//  (its removal says what it sent and how often it was over the limit)
static void
test_compose_bandwidth_limits_egress (void **state)
{
    json_t *report = s_run (state, "compose_bandwidth.yaml", 0, NULL);
    const char *note = s_chaos_detail (report, "node.control.done", "kbit/s");
    assert_non_null (note);
    unsigned long bytes = 0, packets = 0, dropped = 0, over = 0;
    assert_int_equal (sscanf (note,
                              "bandwidth validator-1 ok (sent %lu bytes in %lu packets at 16 "
                              "kbit/s: %lu dropped, %lu over the limit)",
                              &bytes, &packets, &dropped, &over),
                      4);
    printf ("bandwidth 16 kbit/s for 4 s: sent %lu bytes, %lu dropped, %lu over the limit\n", bytes,
            dropped, over);
    assert_true (bytes > 0 && over > 0);
    //  At most the burst (3200 bytes) and 16 kbit/s over the run's 6 s of execute
    assert_true (bytes <= 3200 + 6 * 16000 / 8);
    json_decref (report);
}

//  The expectation called name in a report, or NULL
static json_t *
s_entry (json_t *report, const char *name)
{
    size_t index;
    json_t *entry;
    json_array_foreach (json_object_get (report, "expectations"), index, entry)
    {
        if (streq (json_string_value (json_object_get (entry, "name")), name))
            return entry;
    }
    return NULL;
}

//  The run's Prometheus alongside the nodes: every node target scraped (the
//  check over every series holds), a query that cannot hold fails naming
//  its figure, the URL is in the report and the output, the container goes
//  with the stack; node_resources judges the containers' processes from
//  the host; tf replay reaches the same verdicts without a server
static void
test_compose_prometheus_query_passes_and_fails (void **state)
{
    const char *const env[] = {"TEST_FRAMEWORK_PROMETHEUS_PORT=0", NULL};
    json_t *report = s_run (state, "compose_prometheus_query.yaml", 1, env);
    spine_run_t *run = (spine_run_t *) *state;
    json_t *online = s_entry (report, "prometheus_query");
    assert_non_null (online);
    assert_true (json_is_true (json_object_get (online, "passed")));
    assert_non_null (strstr (json_string_value (json_object_get (online, "message")),
                             "all 3 series of `tf_node_online` hold == 1"));
    json_t *blocks = s_entry (report, "prometheus_query-2");
    assert_non_null (blocks);
    assert_false (json_is_true (json_object_get (blocks, "passed")));
    const char *message = json_string_value (json_object_get (blocks, "message"));
    print_message ("%s\n", message);
    assert_non_null (strstr (message, "`sum(tf_node_blocks_produced_total)` is "));
    assert_non_null (strstr (message, "which breaks >= 1e+06"));
    const char *url = json_string_value (json_object_get (report, "metrics_url"));
    assert_non_null (url);
    assert_true (strncmp (url, "http://127.0.0.1:", strlen ("http://127.0.0.1:")) == 0);
    char *output = spine_output (run);
    char line[128];
    snprintf (line, sizeof line, "prometheus: %s\n", url);
    assert_non_null (strstr (output, line));
    free (output);
    assert_true (s_file_size (run, "prometheus/prometheus.yml") > 0);
    assert_true (s_file_size (run, "prometheus/prometheus.log") > 0);
    const char *args[] = {"replay", spine_run_dir (run), NULL};
    spine_run_t *replay = spine_start_args (args, NULL);
    assert_non_null (replay);
    spine_assert_exit (replay, 1);
    json_t *again = spine_report (replay);
    assert_non_null (again);
    //  The containers' processes were sampled from the host
    json_t *resources = s_entry (report, "node_resources");
    assert_non_null (resources);
    assert_true (json_is_true (json_object_get (resources, "passed")));
    assert_int_equal (json_object_size (json_object_get (report, "resources")), 3);
    const char *names[] = {"prometheus_query", "prometheus_query-2", "node_resources"};
    for (size_t at = 0; at < 3; at++) {
        json_t *live = s_entry (report, names[at]), *replayed = s_entry (again, names[at]);
        assert_non_null (replayed);
        assert_int_equal (json_is_true (json_object_get (replayed, "passed")),
                          json_is_true (json_object_get (live, "passed")));
        assert_string_equal (json_string_value (json_object_get (replayed, "message")),
                             json_string_value (json_object_get (live, "message")));
    }
    json_decref (again);
    spine_destroy (&replay);
    json_decref (report);
}

//  SIGKILL of tf mid-run: within 30 s nothing labelled with the run is left
static void
test_compose_sigkill_leaves_nothing (void **state)
{
    spine_run_t *run = *state = spine_start_options ("deploy_long.yaml", s_compose, NULL);
    assert_non_null (run);
    assert_true (spine_wait_output (run, "phase execute", SPINE_RUN_TIMEOUT_MS));
    char id[S_RUN_ID_SIZE];
    s_run_id (run, id);
    assert_true (s_labelled (id, true) > 0);
    assert_int_equal (kill (run->pid, SIGKILL), 0);
    assert_int_equal (s_wait_unlabelled (id, S_REAP_MS), 0);
    assert_true (spine_all_gone (SPINE_GONE_TIMEOUT_MS));
}

//  COMPOSE_RUNNER_PRESERVE=1 keeps the stack running and says how to remove
//  it; tf clean --run-id removes it
static void
test_compose_preserve_kept_then_cleaned (void **state)
{
    const char *const env[] = {"COMPOSE_RUNNER_PRESERVE=1", NULL};
    spine_run_t *run = *state = spine_start_options ("liveness_smoke.yaml", s_compose, env);
    assert_non_null (run);
    spine_assert_exit (run, 0);
    char id[S_RUN_ID_SIZE];
    s_run_id (run, id);
    snprintf (s_kept_run, sizeof s_kept_run, "%s", id);
    char *output = spine_output (run);
    assert_non_null (strstr (output, "compose stack kept (COMPOSE_RUNNER_PRESERVE)"));
    assert_non_null (strstr (output, "tf clean --run-id"));
    free (output);
    //  Three running nodes, the cfgsync service and their network
    assert_int_equal (s_labelled (id, true), S_SMOKE_NODES + 2);
    const char *const args[] = {"clean", "--run-id", id, NULL};
    spine_run_t *clean = spine_start_args (args, NULL);
    assert_non_null (clean);
    int rc = spine_wait_exit (clean, SPINE_RUN_TIMEOUT_MS);
    char *clean_output = spine_output (clean);
    if (rc != 0)
        print_error ("tf clean:\n%s\n", clean_output);
    assert_int_equal (rc, 0);
    assert_non_null (strstr (clean_output, "removed 4 container(s), 1 network(s)"));
    free (clean_output);
    spine_destroy (&clean);
    assert_int_equal (s_labelled (id, false), 0);
}

//  Teardown of the preserve test: what it kept goes even when it failed
static int
s_teardown_kept (void **state)
{
    if (*s_kept_run) {
        char *command = zsys_sprintf (
            "docker rm -f $(docker ps -aq --filter label=tf.run=%s) >/dev/null 2>&1; "
            "docker network rm $(docker network ls -q --filter label=tf.run=%s) >/dev/null 2>&1",
            s_kept_run, s_kept_run);
        if (system (command) != 0)
            print_message ("teardown: nothing of run %s was left to remove\n", s_kept_run);
        zstr_free (&command);
        *s_kept_run = 0;
    }
    return spine_teardown (state);
}

//  A node that exits at once fails readiness with exit 3, naming the
//  container and how it ended, and nothing is left
static void
test_compose_node_exiting_at_once_fails_deploy (void **state)
{
    const char *const env[] = {"LOGOS_BLOCKCHAIN_NODE_BIN=/bin/false", NULL};
    spine_run_t *run = *state = spine_start_options ("liveness_smoke.yaml", s_compose, env);
    assert_non_null (run);
    spine_assert_exit (run, 3);
    char *output = spine_output (run);
    assert_non_null (strstr (output, "Exited (1)"));
    assert_non_null (strstr (output, "-validator-"));
    free (output);
    spine_assert_nothing_survives (run, S_MIN_PIDS - 1);
    char id[S_RUN_ID_SIZE];
    s_run_id (run, id);
    assert_int_equal (s_labelled (id, false), 0);
}

//  ---------------------------------------------------------------------------
//  Without an engine

//  An engine that does not answer: exit 3, saying what to start
static void
test_compose_engine_not_answering_exits_3 (void **state)
{
    const char *const env[] = {"DOCKER_HOST=unix:///nonexistent/tf-test-docker.sock", NULL};
    spine_run_t *run = *state = spine_start_options ("liveness_smoke.yaml", s_compose, env);
    assert_non_null (run);
    spine_assert_exit (run, 3);
    char *output = spine_output (run);
    assert_non_null (strstr (output, "the Docker engine does not answer"));
    assert_non_null (strstr (output, "start it"));
    free (output);
    spine_assert_nothing_survives (run, S_MIN_PIDS - 1);
}

//  Does an engine answer?
static bool
s_engine_answers (void)
{
    return system ("timeout 20 docker info >/dev/null 2>&1") == 0;
}

int
main (int argc, char **argv)
{
    spine_init ();
    if (argc > 1 && streq (argv[1], "engine")) {
        const struct CMUnitTest tests[] = {
            cmocka_unit_test_teardown (test_compose_engine_not_answering_exits_3, spine_teardown),
        };
        return cmocka_run_group_tests_name ("compose_engine", tests, NULL, NULL);
    }
    if (!s_engine_answers ()) {
        printf ("test_compose: skipped: no Docker engine answers (docker info, DOCKER_HOST=%s); "
                "scripts/test.sh starts one when it can\n",
                getenv ("DOCKER_HOST") ? getenv ("DOCKER_HOST") : "unset");
        return S_SKIP;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown (test_compose_smoke_passes_and_leaves_nothing, spine_teardown),
        cmocka_unit_test_teardown (test_compose_recipe4_restarts_pass, spine_teardown),
        cmocka_unit_test_teardown (test_compose_partition_unhealed_fails_agreement, spine_teardown),
        cmocka_unit_test_teardown (test_compose_loss_30_keeps_liveness, spine_teardown),
        cmocka_unit_test_teardown (test_compose_loss_100_fails_naming_the_node, spine_teardown),
        cmocka_unit_test_teardown (test_compose_bandwidth_limits_egress, spine_teardown),
        cmocka_unit_test_teardown (test_compose_prometheus_query_passes_and_fails, spine_teardown),
        cmocka_unit_test_teardown (test_compose_sigkill_leaves_nothing, spine_teardown),
        cmocka_unit_test_teardown (test_compose_preserve_kept_then_cleaned, s_teardown_kept),
        cmocka_unit_test_teardown (test_compose_node_exiting_at_once_fails_deploy, spine_teardown),
    };
    return cmocka_run_group_tests_name ("compose", tests, NULL, NULL);
}
