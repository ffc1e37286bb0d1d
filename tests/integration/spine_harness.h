//  spine_harness.h - runs the real `tf` for the spine's integration tests
//
//  Each test gets a private temporary directory (TMPDIR of tf, and the home
//  of --run-dir when asked), starts build/bin/tf with posix_spawn, captures
//  its stdout+stderr in a file, and waits for concrete events with deadlines:
//  a line in the output, a file appearing, tf exiting, every process of the
//  run gone. The test process is a child subreaper, so whatever tf leaves
//  behind (even after SIGKILL) is reparented to it and can be waited for.

#ifndef SPINE_HARNESS_H_INCLUDED
#define SPINE_HARNESS_H_INCLUDED

#include <czmq.h>
#include <jansson.h>
#include <stdbool.h>
#include <sys/types.h>

#define SPINE_RUN_TIMEOUT_MS   60000 //  Longest a whole run may take
#define SPINE_EVENT_TIMEOUT_MS 30000 //  Longest wait for one event
#define SPINE_GONE_TIMEOUT_MS  30000 //  Every process gone after tf died
#define SPINE_POLL_MS          20    //  Re-check interval while waiting
#define SPINE_MAX_PIDS         64    //  Processes a run lists in its pids file

typedef struct {
    char *temp_dir;    //  Private to the test, removed at the end
    char *run_dir;     //  --run-dir given, or the one tf printed
    char *output_path; //  tf's stdout+stderr
    pid_t pid;         //  tf
    bool exited;
    int status; //  waitpid status once exited
} spine_run_t;

//  Make the test process a subreaper; call once from main.
void spine_init (void);

//  Start `tf run SCENARIO` (a file in tests/data/scenarios) with CI=true and
//  TMPDIR in the test's directory. With use_run_dir, --run-dir points into the
//  test's directory. extra_env: NULL-terminated "KEY=value" list, or NULL.
spine_run_t *spine_start (const char *scenario, bool use_run_dir, const char *const *extra_env);

//  Same, with --run-dir in the test's directory and options after the scenario.
spine_run_t *spine_start_options (const char *scenario, const char *const *options,
                                  const char *const *extra_env);

//  Start tf with arbitrary arguments (after "tf"), in a fresh test directory.
spine_run_t *spine_start_args (const char *const *args, const char *const *extra_env);

//  Path of a scenario fixture; caller frees.
char *spine_scenario_path (const char *scenario);

//  Wait until the output contains text. False if tf exits or the deadline
//  passes first.
bool spine_wait_output (spine_run_t *run, const char *text, int64_t timeout_ms);

//  Wait for tf to exit; returns its exit code, 128+signal if killed, or -1
//  on timeout.
int spine_wait_exit (spine_run_t *run, int64_t timeout_ms);

//  tf's output so far; caller frees.
char *spine_output (spine_run_t *run);

//  Run directory: the --run-dir given, or the one tf printed ("run directory: ").
const char *spine_run_dir (spine_run_t *run);

//  Does run_dir/name exist?
bool spine_run_file_exists (spine_run_t *run, const char *name);

//  report.json of the run, or NULL. Caller decrefs.
json_t *spine_report (spine_run_t *run);

//  Pids tf listed in run_dir/pids; returns how many (at most max).
size_t spine_run_pids (spine_run_t *run, pid_t *pids, size_t max);

//  Pid tf listed for the process named name in run_dir/pids, or 0.
pid_t spine_run_pid_of (spine_run_t *run, const char *name);

//  Reap every descendant handed to us until none is left. True when none is
//  left before the deadline.
bool spine_all_gone (int64_t timeout_ms);

//  Is this pid still a process (zombies count as gone once reaped)?
bool spine_pid_alive (pid_t pid);

//  True if a live process other than this one mentions text on its command
//  line (e.g. a run directory: every tf-node of a run names its node.yaml there).
bool spine_process_mentions (const char *text);

//  The pid of a live process other than this one that mentions text on its
//  command line, or 0 when there is none.
pid_t spine_process_pid (const char *text);

//  The entry of kind in report.json's expectations (borrowed), or NULL.
json_t *spine_expectation (json_t *report, const char *kind);

//  Wait for tf to exit and assert (cmocka) that it exited with expected_exit,
//  printing tf's output first when it did not.
void spine_assert_exit (spine_run_t *run, int expected_exit);

//  Assert (cmocka) that nothing of the run survives it: every process gone,
//  at least min_pids listed in its pids file and none alive, and no process
//  naming its run directory (every node does) left.
void spine_assert_nothing_survives (spine_run_t *run, size_t min_pids);

//  Start scenario with a run directory, wait for expected_exit, assert that
//  nothing survives (min_pids as above); the run goes to *state for the
//  teardown. Returns report.json (caller decrefs).
json_t *spine_run_to_end (void **state, const char *scenario, int expected_exit, size_t min_pids);

//  Kill tf if it still runs, reap everything, remove the test directory.
void spine_destroy (spine_run_t **run_p);

//  cmocka teardown: spine_destroy of the run a test left in *state, so a
//  failed assertion still leaves no process and no directory behind.
int spine_teardown (void **state);

#endif
