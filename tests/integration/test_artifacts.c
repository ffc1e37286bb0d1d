//  test_artifacts.c - what a run leaves behind: the run directory, report.json,
//  junit.xml, report.html (rendered by headless chromium), and replays of the
//  recording that judge a passing, a failing and a killed run as the live run
//  did (or say where the recording ends). Real runs: tf, the local deployer,
//  tf-node, the scanner, consensus_liveness and tf-test-fault.

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "spine_harness.h"
#include "tf_msg.h"
#include "tf_recording.h"
#include "tf_verdict_lines.h"

#define S_TOOL_TIMEOUT_MS  60000 //  Longest a helper program (chromium) may run
#define S_NODES            3     //  Validators of the fixtures that pass or fail
#define S_SMOKE_EXECUTE_MS 6000  //  liveness_smoke.yaml's duration

extern char **environ;

//  The passing run every test of the group looks at
static spine_run_t *s_passing;
static json_t *s_passing_report;


//  ---------------------------------------------------------------------------
//  Helpers

//  The consensus_liveness entry of report.json (borrowed)
static json_t *
s_liveness (json_t *report)
{
    return spine_expectation (report, "consensus_liveness");
}

static const char *
s_message (json_t *report)
{
    return json_string_value (json_object_get (s_liveness (report), "message"));
}

//  Print tf's output when an expectation about it fails
static int
s_wait_exit_verbose (spine_run_t *run)
{
    int code = spine_wait_exit (run, SPINE_RUN_TIMEOUT_MS);
    char *output = spine_output (run);
    print_message ("tf output:\n%s\n", output);
    free (output);
    return code;
}

//  Find program on PATH; caller frees, NULL when absent
static char *
s_which (const char *program)
{
    const char *path = getenv ("PATH");
    char *copy = strdup (path ? path : "/usr/bin:/bin");
    char *found = NULL;
    for (char *dir = strtok (copy, ":"); dir && !found; dir = strtok (NULL, ":")) {
        char *candidate = zsys_sprintf ("%s/%s", dir, program);
        if (access (candidate, X_OK) == 0)
            found = candidate;
        else
            zstr_free (&candidate);
    }
    free (copy);
    return found;
}

//  Run argv in its own process group with stdout to out_path; wait for it
//  with a deadline; then kill whatever of its group is left. Returns its
//  exit code, or -1 on timeout.
static int
s_run_tool (char *const *argv, const char *out_path)
{
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init (&actions);
    posix_spawn_file_actions_addopen (&actions, STDOUT_FILENO, out_path,
                                      O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen (&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawnattr_t attributes;
    posix_spawnattr_init (&attributes);
    posix_spawnattr_setflags (&attributes, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup (&attributes, 0);
    pid_t pid;
    int rc = posix_spawn (&pid, argv[0], &actions, &attributes, argv, environ);
    posix_spawn_file_actions_destroy (&actions);
    posix_spawnattr_destroy (&attributes);
    assert_int_equal (rc, 0);
    int status = 0;
    int64_t deadline = zclock_mono () + S_TOOL_TIMEOUT_MS;
    pid_t ended = 0;
    while ((ended = waitpid (pid, &status, WNOHANG)) == 0 && zclock_mono () < deadline)
        zclock_sleep (SPINE_POLL_MS); //  Polling its exit against a deadline
    kill (-pid, SIGKILL);             //  Its group: helpers it left, or itself
    if (ended == 0)
        waitpid (pid, &status, 0);
    assert_true (spine_all_gone (SPINE_GONE_TIMEOUT_MS));
    if (ended == 0)
        return -1;
    return WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status);
}

static char *
s_read_file (const char *path)
{
    zfile_t *file = zfile_new (NULL, path);
    assert_non_null (file);
    assert_int_equal (zfile_input (file), 0);
    zchunk_t *chunk = zfile_read (file, zfile_cursize (file), 0);
    char *text = (char *) zmalloc (zchunk_size (chunk) + 1);
    memcpy (text, zchunk_data (chunk), zchunk_size (chunk));
    zchunk_destroy (&chunk);
    zfile_destroy (&file);
    return text;
}

//  How far a recording goes: records, feed.tip records after execute began,
//  the last phase, whether an abort is in it
typedef struct {
    uint64_t records;
    uint64_t tips_in_execute;
    char last_phase[16];
    bool aborted;
} s_recorded_t;

static s_recorded_t
s_read_recording (const char *run_dir)
{
    s_recorded_t recorded = {0};
    char *path = zsys_sprintf ("%s/%s", run_dir, TF_RUNDIR_RECORDING);
    tf_recording_t *recording = tf_recording_open (path);
    zstr_free (&path);
    if (!recording)
        return recorded;
    tf_record_t record;
    while (tf_recording_next (recording, &record) == 1) {
        recorded.records++;
        if (record.source == TF_SOURCE_FEED && streq (record.topic, "feed.tip")
            && streq (recorded.last_phase, "execute"))
            recorded.tips_in_execute++;
        if (record.source == TF_SOURCE_CONTROL && streq (record.topic, "run.abort"))
            recorded.aborted = true;
        if (record.source == TF_SOURCE_CONTROL && streq (record.topic, "run.phase")) {
            tf_run_phase_t phase;
            if (tf_msg_decode (TF_MSG_run_phase, record.body, record.size, &phase) == 0) {
                snprintf (recorded.last_phase, sizeof recorded.last_phase, "%s", phase.phase);
                tf_msg_body_free (TF_MSG_run_phase, &phase);
            }
        }
    }
    tf_recording_destroy (&recording);
    return recorded;
}

//  tf replay RUN_DIR with extra arguments; returns the replay (exited)
static spine_run_t *
s_replay (const char *run_dir, const char *option, const char *value, bool keep, int *code)
{
    const char *args[] = {"replay", run_dir, option, value, NULL};
    const char *keep_env[] = {"LOGOS_BLOCKCHAIN_TESTS_KEEP_LOGS=1", NULL};
    spine_run_t *replay = spine_start_args (args, keep ? keep_env : NULL);
    assert_non_null (replay);
    *code = spine_wait_exit (replay, SPINE_RUN_TIMEOUT_MS);
    assert_true (spine_all_gone (SPINE_GONE_TIMEOUT_MS));
    return replay;
}


//  ---------------------------------------------------------------------------
//  The passing run: liveness_smoke.yaml, kept by LOGOS_BLOCKCHAIN_TESTS_KEEP_LOGS

static int
s_group_setup (void **state)
{
    const char *env[] = {"LOGOS_BLOCKCHAIN_TESTS_KEEP_LOGS=1", NULL};
    s_passing = spine_start ("liveness_smoke.yaml", false, env);
    if (!s_passing)
        return -1;
    int code = spine_wait_exit (s_passing, SPINE_RUN_TIMEOUT_MS);
    if (code != 0) {
        char *output = spine_output (s_passing);
        fprintf (stderr, "passing run exited %d:\n%s\n", code, output);
        free (output);
        return -1;
    }
    if (!spine_all_gone (SPINE_GONE_TIMEOUT_MS))
        return -1;
    s_passing_report = spine_report (s_passing);
    return s_passing_report ? 0 : -1;
}

static int
s_group_teardown (void **state)
{
    json_decref (s_passing_report);
    spine_destroy (&s_passing);
    return 0;
}

static void
test_artifacts_run_dir_is_printed_kept_and_complete (void **state)
{
    const char *run_dir = spine_run_dir (s_passing);
    assert_non_null (run_dir);
    char *output = spine_output (s_passing);
    char *kept =
        zsys_sprintf ("run directory kept (LOGOS_BLOCKCHAIN_TESTS_KEEP_LOGS): %s\n", run_dir);
    assert_non_null (strstr (output, kept));
    assert_non_null (strstr (output, "transactions included: 0 in "));
    zstr_free (&kept);
    free (output);
    const char *files[] = {"plan.yaml",
                           "plan.msgpack",
                           "pids",
                           "tf.pid",
                           "bus.rec",
                           "report.json",
                           "junit.xml",
                           "report.html",
                           "logs/coordinator.log",
                           "logs/deployer.log",
                           "logs/scanner.log",
                           NULL};
    for (size_t index = 0; files[index]; index++)
        if (!spine_run_file_exists (s_passing, files[index]))
            fail_msg ("%s/%s is missing", run_dir, files[index]);
    //  Diagnostics are for failures only
    assert_false (spine_run_file_exists (s_passing, "diagnostics"));
    assert_null (json_object_get (s_passing_report, "diagnostics"));
    //  Every node's log, where the report says it is
    size_t index;
    json_t *node;
    size_t nodes = 0;
    json_array_foreach (json_object_get (s_passing_report, "nodes"), index, node)
    {
        const char *log = json_string_value (json_object_get (node, "log_path"));
        assert_non_null (log);
        assert_int_equal (access (log, R_OK), 0);
        nodes++;
    }
    assert_int_equal (nodes, S_NODES);
}

static void
test_artifacts_report_json_has_the_figures (void **state)
{
    json_t *report = s_passing_report;
    assert_string_equal (json_string_value (json_object_get (report, "verdict")), "passed");
    json_t *liveness = s_liveness (report);
    assert_true (json_is_true (json_object_get (liveness, "passed")));
    assert_non_null (strstr (s_message (report), "consensus_liveness: target="));
    json_t *details = json_object_get (liveness, "details");
    json_int_t target = json_integer_value (json_object_get (details, "target"));
    assert_true (target >= 2);
    //  What the probe saw travels with the result: a replay judges it again
    json_t *observations = json_object_get (details, "observations");
    assert_int_equal (json_array_size (observations), S_NODES);
    assert_string_equal (
        json_string_value (json_object_get (json_array_get (observations, 0), "source")), "api");

    //  Per-node heights from the feed's tip samples
    json_t *heights = json_object_get (report, "heights");
    assert_int_equal (json_object_size (heights), S_NODES);
    const char *name;
    json_t *node;
    json_object_foreach (heights, name, node)
    {
        json_int_t height = json_integer_value (json_object_get (node, "height"));
        if (height < target - 1) //  The scanner's last sample may trail by one
            fail_msg ("%s: feed height %lld below target %lld", name, (long long) height,
                      (long long) target);
        assert_true (json_integer_value (json_object_get (node, "max_height")) >= height);
        assert_true (json_integer_value (json_object_get (node, "samples")) > 1);
        assert_true (json_is_true (json_object_get (node, "up")));
    }
    //  Transactions: the feed's totals (no workload sends any here)
    json_t *tx = json_object_get (report, "tx");
    assert_true (json_is_true (json_object_get (tx, "stats_seen")));
    assert_int_equal (json_integer_value (json_object_get (tx, "included")), 0);
    assert_int_equal (json_integer_value (json_object_get (tx, "submitted")), 0);
    assert_true (json_integer_value (json_object_get (tx, "blocks")) >= target);
    //  Timings per phase; execute lasted at least its planned length
    json_t *timings = json_object_get (report, "timings_ms");
    const char *phases[] = {"register", "deploy",   "capture", "execute",
                            "cooldown", "evaluate", "cleanup", NULL};
    for (size_t index = 0; phases[index]; index++)
        assert_true (json_is_integer (json_object_get (timings, phases[index])));
    assert_true (json_integer_value (json_object_get (timings, "execute")) >= S_SMOKE_EXECUTE_MS);
    assert_true (json_is_integer (
        json_object_get (json_array_get (json_object_get (report, "phases"), 0), "duration_ms")));
    assert_true (json_is_array (json_object_get (report, "chaos")));
    assert_int_equal (json_array_size (json_object_get (report, "chaos")), 0);
    assert_true (json_array_size (json_object_get (report, "events")) > 0);
}

static void
test_artifacts_junit_is_valid_xml (void **state)
{
    char *xmllint = s_which ("xmllint");
    if (!xmllint) {
        print_message ("xmllint is missing (scripts/setup.sh --test-deps installs it)\n");
        skip ();
    }
    char *junit = zsys_sprintf ("%s/junit.xml", spine_run_dir (s_passing));
    char *out = zsys_sprintf ("%s.lint", junit);
    char *argv[] = {xmllint, "--noout", junit, NULL};
    assert_int_equal (s_run_tool (argv, out), 0);
    char *text = s_read_file (junit);
    assert_non_null (
        strstr (text, "<testsuite name=\"liveness_smoke\" tests=\"1\" failures=\"0\""));
    assert_non_null (strstr (text, "<testcase classname=\"tf.liveness_smoke\" name=\""
                                   "consensus_liveness\""));
    free (text);
    unlink (out);
    zstr_free (&out);
    zstr_free (&junit);
    free (xmllint);
}

static void
test_artifacts_html_renders_in_headless_chromium (void **state)
{
    char *chromium = s_which ("chromium");
    if (!chromium) {
        print_message ("chromium is missing (scripts/setup.sh --test-deps installs it)\n");
        skip ();
    }
    const char *run_dir = spine_run_dir (s_passing);
    char *profile = zsys_sprintf ("%s/chromium-profile", run_dir);
    assert_int_equal (mkdir (profile, 0700), 0);
    char *profile_option = zsys_sprintf ("--user-data-dir=%s", profile);
    char *url = zsys_sprintf ("file://%s/report.html", run_dir);
    char *dom_path = zsys_sprintf ("%s/report.dom", run_dir);
    char *argv[] = {chromium,
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--no-first-run",
                    profile_option,
                    "--dump-dom",
                    url,
                    NULL};
    assert_int_equal (s_run_tool (argv, dom_path), 0);
    char *dom = s_read_file (dom_path);
    //  The DOM as the browser built it: the picture, one line per node
    assert_non_null (strstr (dom, "<svg id=\"heights\""));
    assert_non_null (strstr (dom, "id=\"verdict\" class=\"passed\""));
    const char *nodes[] = {"validator-0", "validator-1", "validator-2"};
    for (size_t index = 0; index < S_NODES; index++) {
        char *series = zsys_sprintf ("class=\"node-height\" data-node=\"%s\"", nodes[index]);
        char *found = strstr (dom, series);
        if (!found)
            fail_msg ("no height line of %s in the rendered page", nodes[index]);
        char *points = strstr (found, "points=\"");
        assert_non_null (points);
        assert_true (points[strlen ("points=\"")] >= '0'
                     && points[strlen ("points=\"")] <= '9'); //  A line with points
        zstr_free (&series);
    }
    free (dom);
    char *remove = zsys_sprintf ("rm -rf '%s'", profile);
    assert_int_equal (system (remove), 0);
    zstr_free (&remove);
    zstr_free (&dom_path);
    zstr_free (&url);
    zstr_free (&profile_option);
    zstr_free (&profile);
    free (chromium);
}

static void
test_artifacts_replay_of_a_pass_passes_alike (void **state)
{
    const char *run_dir = spine_run_dir (s_passing);
    int code;
    spine_run_t *replay = s_replay (run_dir, NULL, NULL, false, &code);
    char *output = spine_output (replay);
    print_message ("replay output:\n%s\n", output);
    assert_int_equal (code, 0);
    //  Same verdict, same message: the printed line is the live run's
    char *line = NULL;
    size_t line_size = 0;
    FILE *printed = open_memstream (&line, &line_size);
    tf_verdict_lines_print (printed, "consensus_liveness", "consensus_liveness", true,
                            s_message (s_passing_report));
    fclose (printed);
    assert_non_null (strstr (output, line));
    assert_non_null (strstr (output, "runner replay"));
    assert_non_null (strstr (output, "replay: the recording is whole: "));
    //  A pass is cleaned up when LOGOS_BLOCKCHAIN_TESTS_KEEP_LOGS is not set, saying so
    const char *replay_dir = spine_run_dir (replay);
    assert_non_null (replay_dir);
    char *removed = zsys_sprintf ("run directory removed: %s", replay_dir);
    assert_non_null (strstr (output, removed));
    assert_int_not_equal (access (replay_dir, F_OK), 0);
    zstr_free (&removed);
    free (line);
    free (output);
    spine_destroy (&replay);

    //  --expect names an expectation of the recorded plan, or is refused
    replay = s_replay (run_dir, "--expect", "no_such_expectation", false, &code);
    output = spine_output (replay);
    assert_int_equal (code, 2);
    assert_non_null (strstr (output, "--expect no_such_expectation: the recorded plan has no "
                                     "expectation of that name; it has: consensus_liveness"));
    free (output);
    spine_destroy (&replay);
}

//  A run directory whose bus.rec cannot be read (a directory) is an I/O
//  error (exit 3) naming the file, never judged as an empty recording
static void
test_artifacts_replay_of_an_unreadable_recording_is_an_error (void **state)
{
    char dir[] = "/tmp/tf-test-unreadable-XXXXXX";
    assert_non_null (mkdtemp (dir));
    char *plan_from = zsys_sprintf ("%s/%s", spine_run_dir (s_passing), TF_RUNDIR_PLAN);
    char *plan_to = zsys_sprintf ("%s/%s", dir, TF_RUNDIR_PLAN);
    char *recording = zsys_sprintf ("%s/%s", dir, TF_RUNDIR_RECORDING);
    zfile_t *plan = zfile_new (NULL, plan_from);
    assert_non_null (plan);
    assert_int_equal (zfile_input (plan), 0);
    zchunk_t *bytes = zfile_read (plan, zfile_cursize (plan), 0);
    assert_non_null (bytes);
    FILE *copy = fopen (plan_to, "wb");
    assert_non_null (copy);
    assert_int_equal (zchunk_write (bytes, copy), 0);
    assert_int_equal (fclose (copy), 0);
    zchunk_destroy (&bytes);
    zfile_destroy (&plan);
    assert_int_equal (mkdir (recording, 0700), 0);
    int code;
    spine_run_t *replay = s_replay (dir, NULL, NULL, false, &code);
    char *output = spine_output (replay);
    print_message ("replay output:\n%s\n", output);
    assert_int_equal (code, 3);
    assert_null (strstr (output, "the recording is empty"));
    char *named = zsys_sprintf ("%s is not a regular file", recording);
    assert_non_null (strstr (output, named));
    zstr_free (&named);
    free (output);
    spine_destroy (&replay);
    rmdir (recording);
    unlink (plan_to);
    rmdir (dir);
    zstr_free (&recording);
    zstr_free (&plan_to);
    zstr_free (&plan_from);
}

//  ---------------------------------------------------------------------------
//  A failing run and a killed run, each with its replay

//  The deployer's capture of the failed run: every node, its API answers, its
//  state and the end of its log, in diagnostics/ and in report.json
static void
s_check_diagnostics (spine_run_t *run, json_t *report, size_t node_count)
{
    json_t *diagnostics = json_object_get (report, "diagnostics");
    assert_non_null (diagnostics);
    assert_non_null (strstr (json_string_value (json_object_get (diagnostics, "trigger")),
                             "consensus_liveness failed: consensus liveness violated"));
    assert_true (spine_run_file_exists (run, "diagnostics/summary.json"));
    json_t *nodes = json_object_get (diagnostics, "nodes");
    assert_int_equal (json_array_size (nodes), node_count);
    size_t index;
    json_t *node;
    json_array_foreach (nodes, index, node)
    {
        const char *name = json_string_value (json_object_get (node, "name"));
        print_message ("diagnostics of %s\n", name);
        assert_string_equal (json_string_value (json_object_get (node, "state")), "running");
        assert_true (json_integer_value (json_object_get (node, "rss_kb")) > 0);
        assert_true (json_is_integer (json_object_get (json_object_get (node, "info"), "height")));
        assert_true (
            json_is_integer (json_object_get (json_object_get (node, "network"), "n_peers")));
        assert_true (json_is_integer (json_object_get (node, "mempool_pending")));
        json_t *headers = json_object_get (node, "headers");
        assert_true (json_array_size (headers) >= 1);
        assert_string_equal (
            json_string_value (json_array_get (headers, 0)),
            json_string_value (json_object_get (json_object_get (node, "info"), "tip")));
        assert_int_equal (json_object_size (json_object_get (node, "errors")), 0);
        char *log = zsys_sprintf ("diagnostics/%s.log", name);
        assert_string_equal (json_string_value (json_object_get (node, "log")), log + 12);
        assert_true (spine_run_file_exists (run, log));
        assert_true (json_integer_value (json_object_get (node, "log_lines")) > 0);
        zstr_free (&log);
    }
}

static void
test_artifacts_replay_of_a_failure_fails_alike (void **state)
{
    spine_run_t *run = *state = spine_start ("artifacts_stop_producing.yaml", true, NULL);
    assert_non_null (run);
    assert_int_equal (s_wait_exit_verbose (run), 1);
    assert_true (spine_all_gone (SPINE_GONE_TIMEOUT_MS));
    json_t *live = spine_report (run);
    assert_non_null (live);
    const char *live_message = s_message (live);
    assert_non_null (strstr (live_message, "consensus liveness violated (target="));
    assert_non_null (strstr (live_message, "- validator-1 height "));
    s_check_diagnostics (run, live, 3);

    int code;
    spine_run_t *replay =
        s_replay (spine_run_dir (run), "--expect", "consensus_liveness", true, &code);
    char *output = spine_output (replay);
    print_message ("replay output:\n%s\n", output);
    assert_int_equal (code, 1);
    json_t *replayed = spine_report (replay);
    assert_non_null (replayed);
    assert_string_equal (json_string_value (json_object_get (replayed, "verdict")), "failed");
    assert_false (json_is_true (json_object_get (s_liveness (replayed), "passed")));
    assert_string_equal (s_message (replayed), live_message);
    json_t *summary = json_object_get (replayed, "replay");
    assert_true (json_is_true (json_object_get (summary, "whole")));
    //  The failure is kept, with the path printed
    char *kept = zsys_sprintf ("run directory kept: %s\n", spine_run_dir (replay));
    assert_non_null (strstr (output, kept));
    zstr_free (&kept);
    free (output);
    json_decref (replayed);
    json_decref (live);
    spine_destroy (&replay);
}

static void
test_artifacts_killed_run_leaves_a_recording_replay_reads (void **state)
{
    spine_run_t *run = *state = spine_start ("artifacts_killed.yaml", false, NULL);
    assert_non_null (run);
    assert_true (spine_wait_output (run, "phase execute", SPINE_EVENT_TIMEOUT_MS));
    //  Wait until the recording holds tip samples taken during execute
    int64_t deadline = zclock_mono () + SPINE_EVENT_TIMEOUT_MS;
    while (s_read_recording (spine_run_dir (run)).tips_in_execute < S_NODES
           && zclock_mono () < deadline)
        zclock_sleep (SPINE_POLL_MS); //  Polling a file against a deadline
    assert_true (s_read_recording (spine_run_dir (run)).tips_in_execute >= S_NODES - 1);

    //  SIGKILL the coordinator (the recorder) and tf: nothing gets to clean up
    pid_t pids[SPINE_MAX_PIDS];
    size_t count = spine_run_pids (run, pids, SPINE_MAX_PIDS);
    assert_true (count >= 1);
    assert_int_equal (kill (pids[0], SIGKILL), 0); //  The coordinator starts first
    assert_int_equal (kill (run->pid, SIGKILL), 0);
    assert_int_equal (spine_wait_exit (run, SPINE_RUN_TIMEOUT_MS), 128 + SIGKILL);
    assert_true (spine_all_gone (SPINE_GONE_TIMEOUT_MS));
    s_recorded_t recorded = s_read_recording (spine_run_dir (run));
    assert_string_equal (recorded.last_phase, "execute");
    assert_false (recorded.aborted);
    assert_false (spine_run_file_exists (run, "report.json"));

    int code;
    spine_run_t *replay = s_replay (spine_run_dir (run), NULL, NULL, true, &code);
    char *output = spine_output (replay);
    print_message ("replay output:\n%s\n", output);
    //  Judged on the tips recorded up to the kill: far below a 60 s target
    assert_int_equal (code, 1);
    assert_non_null (strstr (output, "replay: the recording ends in execute at "));
    json_t *replayed = spine_report (replay);
    assert_non_null (replayed);
    json_t *summary = json_object_get (replayed, "replay");
    assert_false (json_is_true (json_object_get (summary, "whole")));
    assert_string_equal (json_string_value (json_object_get (summary, "ends_in")), "execute");
    assert_int_equal (json_integer_value (json_object_get (summary, "records")),
                      (json_int_t) recorded.records);
    const char *message = s_message (replayed);
    assert_non_null (strstr (message, "consensus liveness violated (target="));
    assert_non_null (strstr (message, "(replay: the recording holds no evaluate of this "
                                      "expectation; judged on each node's last recorded tip)"));
    assert_null (strstr (message, "unreachable")); //  Both nodes answered until the kill
    //  The replay's own report drew the recorded heights
    assert_int_equal (json_object_size (json_object_get (replayed, "heights")), 2);
    free (output);
    json_decref (replayed);
    spine_destroy (&replay);

    //  tf clean finds the dead run by its marker and removes it, by run id
    char *marker = zsys_sprintf ("%s/tf.pid", spine_run_dir (run));
    char *text = s_read_file (marker);
    char run_id[64] = "";
    assert_int_equal (sscanf (text, "tf-run 1 %*d %*u %63s", run_id), 1);
    free (text);
    char *root = strdup (spine_run_dir (run));
    *strrchr (root, '/') = 0;
    const char *dry[] = {"clean", "--dir", root, "--run-id", run_id, "--dry-run", NULL};
    spine_run_t *clean = spine_start_args (dry, NULL);
    assert_int_equal (spine_wait_exit (clean, SPINE_RUN_TIMEOUT_MS), 0);
    output = spine_output (clean);
    print_message ("tf clean --dry-run:\n%s\n", output);
    char *would = zsys_sprintf ("run %s: would stop 0 process(es) and remove %s", run_id,
                                spine_run_dir (run));
    assert_non_null (strstr (output, would));
    free (output);
    spine_destroy (&clean);
    assert_int_equal (access (marker, F_OK), 0);
    const char *args[] = {"clean", "--dir", root, "--run-id", run_id, NULL};
    clean = spine_start_args (args, NULL);
    assert_int_equal (spine_wait_exit (clean, SPINE_RUN_TIMEOUT_MS), 0);
    output = spine_output (clean);
    char *removed =
        zsys_sprintf ("run %s: stopped 0 process(es), removed %s", run_id, spine_run_dir (run));
    assert_non_null (strstr (output, removed));
    assert_int_not_equal (access (spine_run_dir (run), F_OK), 0);
    free (output);
    spine_destroy (&clean);
    zstr_free (&removed);
    zstr_free (&would);
    free (root);
    zstr_free (&marker);
}

int
main (void)
{
    spine_init ();
    const struct CMUnitTest passing[] = {
        cmocka_unit_test (test_artifacts_run_dir_is_printed_kept_and_complete),
        cmocka_unit_test (test_artifacts_report_json_has_the_figures),
        cmocka_unit_test (test_artifacts_junit_is_valid_xml),
        cmocka_unit_test (test_artifacts_html_renders_in_headless_chromium),
        cmocka_unit_test (test_artifacts_replay_of_a_pass_passes_alike),
        cmocka_unit_test (test_artifacts_replay_of_an_unreadable_recording_is_an_error),
    };
    const struct CMUnitTest failing[] = {
        cmocka_unit_test_teardown (test_artifacts_replay_of_a_failure_fails_alike, spine_teardown),
        cmocka_unit_test_teardown (test_artifacts_killed_run_leaves_a_recording_replay_reads,
                                   spine_teardown),
    };
    int failed = cmocka_run_group_tests_name ("artifacts_passing_run", passing, s_group_setup,
                                              s_group_teardown);
    failed += cmocka_run_group_tests_name ("artifacts_failing_runs", failing, NULL, NULL);
    return failed;
}
