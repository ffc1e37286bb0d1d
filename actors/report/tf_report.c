//  tf_report.c - what a run leaves behind for people and CI: report.json

#include <czmq.h>
#include "tf_json.h"
#include "tf_junit.h"
#include "tf_recording.h"
#include "tf_report.h"
#include "tf_rundir.h"
#include "tf_report_bus.h"
#include "tf_report_html.h"
#include "tf_report_plan.h"


struct _tf_report_t {
    const tf_plan_t *plan; //  Not owned
    json_t *root;          //  The document being built
    json_t *phases;        //  Array, into root
    json_t *expectations;  //  Array, into root
    json_t *workloads;     //  Object by workload name, into root
    json_t *events;        //  Array, into root
    uint64_t started_at;   //  Unix ms of the first phase
    bool aborted;
    bool any_failed;
};

tf_report_t *
tf_report_new (const char *run_id, const tf_plan_t *plan)
{
    assert (run_id && plan);
    tf_report_t *self = (tf_report_t *) zmalloc (sizeof (tf_report_t));
    self->plan = plan;
    tf_run_metrics_t metrics = tf_run_metrics (plan);
    self->root = json_pack ("{s:s, s:s?, s:s, s:o}", "run_id", run_id, "scenario", plan->name,
                            "runner", plan->runner, "plan", tf_report_plan (plan));
    assert (self->root);
    json_t *timing = json_pack ("{s:I, s:I, s:I, s:b}", "block_interval_ms",
                                (json_int_t) metrics.block_interval_ms, "expected_blocks",
                                (json_int_t) metrics.expected_blocks, "cooldown_ms",
                                (json_int_t) metrics.cooldown_ms, "clamped", metrics.clamped);
    json_object_set_new (self->root, "run_metrics", timing);
    self->phases = json_array ();
    self->expectations = json_array ();
    self->workloads = json_object ();
    self->events = json_array ();
    json_object_set (self->root, "phases", self->phases);
    json_object_set (self->root, "expectations", self->expectations);
    json_object_set (self->root, "workloads", self->workloads);
    json_object_set (self->root, "events", self->events);
    json_object_set_new (self->root, "nodes", json_array ());
    json_object_set_new (self->root, "abort", json_null ());
    json_object_set_new (self->root, "ended_early", json_null ());
    return self;
}

void
tf_report_destroy (tf_report_t **self_p)
{
    assert (self_p);
    tf_report_t *self = *self_p;
    if (!self)
        return;
    json_decref (self->phases);
    json_decref (self->expectations);
    json_decref (self->workloads);
    json_decref (self->events);
    json_decref (self->root);
    free (self);
    *self_p = NULL;
}

void
tf_report_phase (tf_report_t *self, tf_phase_t phase, uint64_t at_ms)
{
    assert (self);
    size_t count = json_array_size (self->phases);
    if (count > 0)
        json_object_set_new (json_array_get (self->phases, count - 1), "ended_ms",
                             json_integer ((json_int_t) at_ms));
    else
        self->started_at = at_ms;
    json_array_append_new (self->phases, json_pack ("{s:s, s:I}", "phase", tf_phase_name (phase),
                                                    "started_ms", (json_int_t) at_ms));
}

void
tf_report_event (tf_report_t *self, const tf_run_event_t *event)
{
    assert (self && event);
    json_array_append_new (self->events,
                           json_pack ("{s:I, s:s, s:s?, s:s?, s:s?}", "at_ms",
                                      (json_int_t) event->at_ms, "kind", event->kind, "actor",
                                      event->actor, "node", event->node, "detail", event->detail));
}

//  Kind of an expectation from the plan, or NULL for a custom actor
static const char *
s_kind_of (tf_report_t *self, const char *name)
{
    const tf_plan_item_t *item = tf_plan_item_by_name (self->plan, name);
    return item ? item->kind : NULL;
}

void
tf_report_result (tf_report_t *self, const tf_expect_result_t *result)
{
    assert (self && result);
    json_t *entry = json_pack ("{s:s, s:s?, s:b, s:s}", "name", result->name, "kind",
                               s_kind_of (self, result->name), "passed", result->passed, "message",
                               result->message);
    json_t *details = tf_json_from_msgpack (result->details.data, result->details.size);
    if (details)
        json_object_set_new (entry, "details", details);
    json_array_append_new (self->expectations, entry);
    if (!result->passed)
        self->any_failed = true;
}

void
tf_report_missing_result (tf_report_t *self, const char *name)
{
    assert (self && name);
    json_array_append_new (self->expectations,
                           json_pack ("{s:s, s:s?, s:b, s:s}", "name", name, "kind",
                                      s_kind_of (self, name), "passed", 0, "message",
                                      "expectation acknowledged evaluate without a result"));
    self->any_failed = true;
}

void
tf_report_workload (tf_report_t *self, const tf_workload_status_t *status)
{
    assert (self && status);
    json_object_set_new (self->workloads, status->name,
                         json_pack ("{s:s, s:I, s:I, s:I, s:s?}", "state", status->state,
                                    "submitted", (json_int_t) status->submitted, "accepted",
                                    (json_int_t) status->accepted, "rejected",
                                    (json_int_t) status->rejected, "detail", status->detail));
}

void
tf_report_nodes (tf_report_t *self, const tf_run_nodes_t *nodes)
{
    assert (self && nodes);
    json_t *array = json_array ();
    for (size_t index = 0; index < nodes->nodes.count; index++) {
        const tf_node_info_t *node = &nodes->nodes.items[index];
        json_t *entry = json_pack ("{s:s, s:s, s:I, s:s, s:s?, s:s?, s:s?}", "name", node->name,
                                   "role", node->role, "index", (json_int_t) node->index, "api_url",
                                   node->api_url, "testing_url", node->testing_url, "peer_id",
                                   node->peer_id, "log_path", node->log_path);
        if (entry && node->host)
            json_object_set_new (entry, "host", json_string (node->host));
        json_array_append_new (array, entry);
    }
    json_object_set_new (self->root, "nodes", array);
    if (nodes->metrics_url)
        json_object_set_new (self->root, "metrics_url", json_string (nodes->metrics_url));
}

void
tf_report_ended_early (tf_report_t *self, const char *name, tf_phase_t phase, uint64_t at_ms)
{
    assert (self && name);
    if (!json_is_null (json_object_get (self->root, "ended_early")))
        return;
    json_object_set_new (self->root, "ended_early",
                         json_pack ("{s:s, s:s, s:I}", "by", name, "phase", tf_phase_name (phase),
                                    "at_ms", (json_int_t) at_ms));
}

void
tf_report_abort (tf_report_t *self, const char *reason, const char *actor, tf_phase_t phase)
{
    assert (self && reason);
    if (self->aborted)
        return; //  The first cause is the one that matters
    self->aborted = true;
    json_object_set_new (self->root, "abort",
                         json_pack ("{s:s, s:s?, s:s}", "reason", reason, "actor", actor, "phase",
                                    tf_phase_name (phase)));
}

void
tf_report_replay (tf_report_t *self, const char *recording_path,
                  const tf_recording_summary_t *summary)
{
    assert (self && recording_path && summary);
    char text[TF_RECORDING_SUMMARY_TEXT];
    tf_recording_summary_text (summary, text, sizeof text);
    json_t *replay = json_pack (
        "{s:s, s:I, s:b, s:s, s:I, s:b, s:b, s:s}", "recording", recording_path, "records",
        (json_int_t) summary->records, "whole", tf_recording_summary_whole (summary), "ends_in",
        summary->phase[0] ? summary->phase : "register", "ends_at_ms",
        (json_int_t) ((summary->aborted && !summary->evaluated ? summary->abort_at_ms
                                                               : summary->last_ms)
                      - summary->first_ms),
        "aborted", summary->aborted, "torn", summary->torn, "summary", text);
    json_object_set_new (self->root, "replay", replay);
}

//  Node control requests and their outcomes (restarts, stops, partitions...)
static json_t *
s_chaos_events (tf_report_t *self)
{
    json_t *chaos = json_array ();
    size_t index;
    json_t *event;
    json_array_foreach (self->events, index, event)
    {
        const char *kind = json_string_value (json_object_get (event, "kind"));
        if (kind && strncmp (kind, "node.control", strlen ("node.control")) == 0)
            json_array_append (chaos, event);
    }
    return chaos;
}

//  Each phase's length; the sum of repeated phases (none today) per name
static json_t *
s_phase_timings (tf_report_t *self)
{
    json_t *timings = json_object ();
    size_t index;
    json_t *phase;
    json_array_foreach (self->phases, index, phase)
    {
        json_int_t started = json_integer_value (json_object_get (phase, "started_ms"));
        json_int_t ended = json_integer_value (json_object_get (phase, "ended_ms"));
        json_int_t length = ended > started ? ended - started : 0;
        json_object_set_new (phase, "duration_ms", json_integer (length));
        const char *name = json_string_value (json_object_get (phase, "phase"));
        json_int_t before = json_integer_value (json_object_get (timings, name));
        json_object_set_new (timings, name, json_integer (before + length));
    }
    return timings;
}

//  Heights and transactions from the recording, latencies from the results
static void
s_add_bus_figures (tf_report_t *self, const char *recording_path)
{
    json_t *figures = tf_report_bus (recording_path);
    json_object_set (self->root, "heights", json_object_get (figures, "heights"));
    json_object_set (self->root, "resources", json_object_get (figures, "resources"));
    json_t *tx = json_object_get (figures, "tx");
    size_t index;
    json_t *entry;
    json_array_foreach (self->expectations, index, entry)
    {
        json_t *latencies =
            json_object_get (json_object_get (entry, "details"), "inclusion_latency_ms");
        json_t *summary = tf_report_latency_summary (latencies);
        if (summary) {
            json_object_set_new (tx, "inclusion_latency_ms", summary);
            break;
        }
    }
    json_object_set (self->root, "tx", tx);
    json_decref (figures);
}

void
tf_report_security (tf_report_t *self, size_t refused, zlist_t *addresses)
{
    assert (self && addresses);
    json_t *from = json_array ();
    for (const char *address = (const char *) zlist_first (addresses); address;
         address = (const char *) zlist_next (addresses))
        json_array_append_new (from, json_string (address));
    json_object_set_new (
        self->root, "security",
        json_pack ("{s:I, s:o}", "refused", (json_int_t) refused, "refused_from", from));
}

tf_verdict_t
tf_report_verdict (tf_report_t *self)
{
    assert (self);
    return self->aborted      ? TF_VERDICT_ERROR
           : self->any_failed ? TF_VERDICT_FAILED
                              : TF_VERDICT_PASSED;
}

//  The deployer's capture of a failed run's nodes, when it made one:
//  report.json's "diagnostics" is its summary, with where it lies
static void
s_add_diagnostics (tf_report_t *self, const char *run_dir)
{
    char *path = zsys_sprintf ("%s/%s", run_dir, TF_RUNDIR_DIAGNOSTICS_SUMMARY);
    json_t *summary = json_load_file (path, 0, NULL);
    if (json_is_object (summary)) {
        json_object_set_new (summary, "path", json_string (TF_RUNDIR_DIAGNOSTICS));
        json_object_set (self->root, "diagnostics", summary);
    }
    json_decref (summary);
    zstr_free (&path);
}

int
tf_report_write (tf_report_t *self, const char *run_dir, uint64_t rejected_messages)
{
    assert (self && run_dir);
    tf_verdict_t verdict = tf_report_verdict (self);
    uint64_t now = (uint64_t) zclock_time ();
    size_t count = json_array_size (self->phases);
    if (count > 0 && !json_object_get (json_array_get (self->phases, count - 1), "ended_ms"))
        json_object_set_new (json_array_get (self->phases, count - 1), "ended_ms",
                             json_integer ((json_int_t) now));
    json_object_set_new (self->root, "verdict",
                         json_string (verdict == TF_VERDICT_PASSED   ? "passed"
                                      : verdict == TF_VERDICT_FAILED ? "failed"
                                                                     : "error"));
    json_object_set_new (self->root, "exit_code", json_integer (verdict));
    json_object_set_new (self->root, "started_ms", json_integer ((json_int_t) self->started_at));
    json_object_set_new (self->root, "ended_ms", json_integer ((json_int_t) now));
    json_object_set_new (self->root, "rejected_messages",
                         json_integer ((json_int_t) rejected_messages));
    json_object_set_new (self->root, "timings_ms", s_phase_timings (self));
    json_object_set_new (self->root, "chaos", s_chaos_events (self));
    char *recording = zsys_sprintf ("%s/%s", run_dir, TF_RUNDIR_RECORDING);
    s_add_bus_figures (self, recording);
    s_add_diagnostics (self, run_dir);
    char *path = zsys_sprintf ("%s/%s", run_dir, TF_RUNDIR_REPORT);
    int rc = tf_json_write_file (self->root, path);
    zstr_free (&path);
    path = zsys_sprintf ("%s/%s", run_dir, TF_RUNDIR_JUNIT);
    if (tf_junit_write (self->root, path))
        rc = -1;
    zstr_free (&path);
    path = zsys_sprintf ("%s/%s", run_dir, TF_RUNDIR_HTML);
    if (tf_report_html_write (self->root, recording, path))
        rc = -1;
    zstr_free (&recording);
    zstr_free (&path);
    return rc;
}
