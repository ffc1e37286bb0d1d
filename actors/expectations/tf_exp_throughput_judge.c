//  tf_exp_throughput_judge.c - the verdict of tx_throughput (see tf_exp_throughput_judge.h)

#include <czmq.h>
#include <math.h>
#include <msgpack.h>
#include "tf_exp_throughput_judge.h"
#include "tf_exp_tx_judge.h"
#include "tf_mpack.h"

#define S_MS_PER_S    1000.0
#define S_NEVER       UINT64_MAX //  Latency of a tx never included (or never final)
#define S_DETAIL_KEYS 15         //  Entries of the details map
#define S_FIGURE_SIZE 32         //  One figure as text ("1234 ms", "never")

//  One workload's execute window, as its workload.status says
typedef struct {
    uint64_t started_ms; //  0: not reported
    uint64_t ended_ms;   //  0: not reported
    uint64_t planned;    //  Its schedule's count, last reported
} s_window_t;

struct _tf_exp_throughput_judge_t {
    tf_exp_throughput_limits_t limits;
    tf_exp_tx_judge_t *txs; //  Submissions, blocks, finality
    zhashx_t *windows;      //  workload name -> s_window_t (owned)
};

//  What the fates of the txs add up to
typedef struct {
    uint64_t start_ms, end_ms;  //  The window
    uint64_t first_ms, last_ms; //  Span of every planned time (the fallback window)
    bool from_status;           //  The window comes from workload.status
    uint64_t submitted;         //  Distinct txs planned in the window
    uint64_t accepted;          //  ... a node accepted
    uint64_t included;          //  ... in a kept block
    uint64_t finalized;         //  ... in a final block
    uint64_t *latencies;        //  Accepted: planned -> first block, S_NEVER if none (owned)
    uint64_t *lib_latencies;    //  Accepted: planned -> final, S_NEVER if never (owned)
    size_t room;                //  Slots of both arrays
    uint64_t planned;           //  Sum of the workloads' planned counts
} s_sum_t;

static void
s_window_free (void **item_p)
{
    free (*item_p);
    *item_p = NULL;
}

tf_exp_throughput_judge_t *
tf_exp_throughput_judge_new (const tf_exp_throughput_limits_t *limits)
{
    assert (limits);
    tf_exp_throughput_judge_t *self =
        (tf_exp_throughput_judge_t *) zmalloc (sizeof (tf_exp_throughput_judge_t));
    self->limits = *limits;
    self->txs = tf_exp_tx_judge_new (1.0);
    tf_exp_tx_judge_keep_fates (self->txs);
    self->windows = zhashx_new ();
    zhashx_set_destructor (self->windows, s_window_free);
    return self;
}

void
tf_exp_throughput_judge_destroy (tf_exp_throughput_judge_t **self_p)
{
    assert (self_p);
    tf_exp_throughput_judge_t *self = *self_p;
    if (!self)
        return;
    tf_exp_tx_judge_destroy (&self->txs);
    zhashx_destroy (&self->windows);
    free (self);
    *self_p = NULL;
}

void
tf_exp_throughput_judge_submitted (tf_exp_throughput_judge_t *self, const tf_tx_submitted_t *record)
{
    assert (self && record);
    tf_exp_tx_judge_submitted (self->txs, record);
}

//  A workload's window: the latest report of each end wins (reports repeat)
void
tf_exp_throughput_judge_status (tf_exp_throughput_judge_t *self, const tf_workload_status_t *status)
{
    assert (self && status && status->name);
    if (status->started_ms == 0)
        return;
    s_window_t *window = (s_window_t *) zhashx_lookup (self->windows, status->name);
    if (!window) {
        window = (s_window_t *) zmalloc (sizeof (s_window_t));
        zhashx_insert (self->windows, status->name, window);
    }
    window->started_ms = status->started_ms;
    if (status->ended_ms)
        window->ended_ms = status->ended_ms;
    if (status->planned > window->planned)
        window->planned = status->planned;
}

void
tf_exp_throughput_judge_block (tf_exp_throughput_judge_t *self, const tf_feed_block_t *block)
{
    assert (self && block);
    tf_exp_tx_judge_block (self->txs, block);
}

void
tf_exp_throughput_judge_tip (tf_exp_throughput_judge_t *self, const tf_feed_tip_t *tip)
{
    assert (self && tip);
    tf_exp_tx_judge_tip (self->txs, tip);
}


//  ---------------------------------------------------------------------------
//  Verdict

static int
s_compare_u64 (const void *left, const void *right)
{
    uint64_t a = *(const uint64_t *) left, b = *(const uint64_t *) right;
    return a < b ? -1 : a > b;
}

//  First pass: the span of planned times, for a run without windows
static void
s_span (const tf_exp_tx_fate_t *fate, void *arg)
{
    s_sum_t *sum = (s_sum_t *) arg;
    if (sum->first_ms == 0 || fate->planned_ms < sum->first_ms)
        sum->first_ms = fate->planned_ms;
    if (fate->planned_ms > sum->last_ms)
        sum->last_ms = fate->planned_ms;
}

//  Second pass: count the txs planned in the window
static void
s_add (const tf_exp_tx_fate_t *fate, void *arg)
{
    s_sum_t *sum = (s_sum_t *) arg;
    if (fate->planned_ms < sum->start_ms || fate->planned_ms > sum->end_ms)
        return;
    sum->submitted++;
    if (!streq (fate->outcome, "accepted"))
        return;
    assert (sum->accepted < sum->room);
    uint64_t seen = fate->seen_ms, final = fate->final_ms, planned = fate->planned_ms;
    sum->latencies[sum->accepted] = !seen ? S_NEVER : seen > planned ? seen - planned : 0;
    sum->lib_latencies[sum->accepted] = !final ? S_NEVER : final > planned ? final - planned : 0;
    sum->accepted++;
    sum->included += seen != 0;
    sum->finalized += final != 0;
}

//  Count every tx's fate in the window
static void
s_sum (tf_exp_throughput_judge_t *self, s_sum_t *sum, size_t count)
{
    for (s_window_t *window = (s_window_t *) zhashx_first (self->windows); window;
         window = (s_window_t *) zhashx_next (self->windows)) {
        if (sum->start_ms == 0 || window->started_ms < sum->start_ms)
            sum->start_ms = window->started_ms;
        if (window->ended_ms > sum->end_ms)
            sum->end_ms = window->ended_ms;
        sum->planned += window->planned;
        sum->from_status = true;
    }
    tf_exp_tx_judge_each (self->txs, s_span, sum);
    if (!sum->from_status) {
        sum->start_ms = sum->first_ms;
        sum->end_ms = sum->last_ms;
    }
    else if (sum->end_ms < sum->start_ms) //  A workload that never reported its end
        sum->end_ms = sum->last_ms > sum->start_ms ? sum->last_ms : sum->start_ms;
    sum->room = count + 1;
    sum->latencies = (uint64_t *) zmalloc (sum->room * sizeof (uint64_t));
    sum->lib_latencies = (uint64_t *) zmalloc (sum->room * sizeof (uint64_t));
    tf_exp_tx_judge_each (self->txs, s_add, sum);
    qsort (sum->latencies, sum->accepted, sizeof (uint64_t), s_compare_u64);
    qsort (sum->lib_latencies, sum->accepted, sizeof (uint64_t), s_compare_u64);
}

//  Counts the subs: tf_exp_tx_judge_each's callback
static void
s_count (const tf_exp_tx_fate_t *fate, void *arg)
{
    (void) fate;
    (*(size_t *) arg)++;
}

//  A latency as text: "1234 ms" or "never"
static void
s_latency_text (uint64_t ms, char *text, size_t size)
{
    if (ms == S_NEVER)
        snprintf (text, size, "never");
    else
        snprintf (text, size, "%" PRIu64 " ms", ms);
}

//  {p50, p90, p99, max} of the included txs' latencies (sorted, S_NEVER last)
static void
s_pack_percentiles (msgpack_packer *packer, const uint64_t *sorted, size_t count)
{
    size_t known = 0;
    while (known < count && sorted[known] != S_NEVER)
        known++;
    msgpack_pack_map (packer, 4);
    tf_mpack_str (packer, "p50");
    msgpack_pack_uint64 (packer, tf_exp_tx_percentile (sorted, known, 0.5));
    tf_mpack_str (packer, "p90");
    msgpack_pack_uint64 (packer, tf_exp_tx_percentile (sorted, known, 0.9));
    tf_mpack_str (packer, "p99");
    msgpack_pack_uint64 (packer, tf_exp_tx_percentile (sorted, known, 0.99));
    tf_mpack_str (packer, "max");
    msgpack_pack_uint64 (packer, known ? sorted[known - 1] : 0);
}

//  A judged p99, or nil when it is past the included ones
static void
s_pack_p99 (msgpack_packer *packer, const char *key, uint64_t value)
{
    tf_mpack_str (packer, key);
    if (value == S_NEVER)
        msgpack_pack_nil (packer);
    else
        msgpack_pack_uint64 (packer, value);
}

static void
s_pack_details (tf_exp_throughput_judge_t *self, const s_sum_t *sum, double window_s,
                tf_exp_throughput_verdict_t *verdict)
{
    msgpack_sbuffer buffer;
    msgpack_sbuffer_init (&buffer);
    msgpack_packer packer;
    msgpack_packer_init (&packer, &buffer, msgpack_sbuffer_write);
    msgpack_pack_map (&packer, S_DETAIL_KEYS);
    const char *names[] = {"window_ms", "planned",  "submitted",
                           "accepted",  "included", "finalized"};
    const uint64_t values[] = {sum->end_ms - sum->start_ms,
                               sum->planned,
                               sum->submitted,
                               sum->accepted,
                               sum->included,
                               sum->finalized};
    for (size_t index = 0; index < sizeof values / sizeof values[0]; index++) {
        tf_mpack_str (&packer, names[index]);
        msgpack_pack_uint64 (&packer, values[index]);
    }
    tf_mpack_str (&packer, "accepted_tps");
    msgpack_pack_double (&packer, verdict->accepted_tps);
    tf_mpack_str (&packer, "included_tps");
    msgpack_pack_double (&packer, verdict->included_tps);
    s_pack_p99 (&packer, "latency_p99_ms", verdict->latency_p99_ms);
    s_pack_p99 (&packer, "latency_lib_p99_ms", verdict->latency_lib_p99_ms);
    tf_mpack_str (&packer, "latency_ms");
    s_pack_percentiles (&packer, sum->latencies, sum->accepted);
    tf_mpack_str (&packer, "lib_latency_ms");
    s_pack_percentiles (&packer, sum->lib_latencies, sum->accepted);
    tf_mpack_str (&packer, "window_from");
    tf_mpack_str (&packer, sum->from_status ? "workload.status" : "submissions");
    tf_mpack_str (&packer, "required");
    msgpack_pack_map (&packer, 4);
    tf_mpack_str (&packer, "min_accepted_tps");
    msgpack_pack_double (&packer, self->limits.min_accepted_tps);
    tf_mpack_str (&packer, "min_included_tps");
    msgpack_pack_double (&packer, self->limits.min_included_tps);
    tf_mpack_str (&packer, "max_latency_p99_ms");
    msgpack_pack_uint64 (&packer, self->limits.max_latency_p99_ms);
    tf_mpack_str (&packer, "max_latency_lib_p99_ms");
    msgpack_pack_uint64 (&packer, self->limits.max_latency_lib_p99_ms);
    tf_mpack_str (&packer, "window_s");
    msgpack_pack_double (&packer, window_s);
    verdict->details = (uint8_t *) malloc (buffer.size);
    assert (verdict->details);
    memcpy (verdict->details, buffer.data, buffer.size);
    verdict->details_size = buffer.size;
    msgpack_sbuffer_destroy (&buffer);
}

//  One line per figure: measured, required, and whether it holds; the first
//  line names the first figure that does not (the seeds' form), or sums up
static char *
s_message (tf_exp_throughput_judge_t *self, const s_sum_t *sum, double window_s,
           const tf_exp_throughput_verdict_t *verdict)
{
    const tf_exp_throughput_limits_t *limits = &self->limits;
    char p99[S_FIGURE_SIZE], lib_p99[S_FIGURE_SIZE];
    s_latency_text (verdict->latency_p99_ms, p99, sizeof p99);
    s_latency_text (verdict->latency_lib_p99_ms, lib_p99, sizeof lib_p99);
    bool accepted_ok = verdict->accepted_tps >= limits->min_accepted_tps;
    bool included_ok = verdict->included_tps >= limits->min_included_tps;
    bool p99_ok =
        !limits->max_latency_p99_ms || verdict->latency_p99_ms <= limits->max_latency_p99_ms;
    bool lib_ok = !limits->max_latency_lib_p99_ms
                  || verdict->latency_lib_p99_ms <= limits->max_latency_lib_p99_ms;
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream (&text, &size);
    assert (out);
    fprintf (out, "%s: ", TF_EXP_THROUGHPUT_TITLE);
    if (sum->submitted == 0)
        fprintf (out, "no transaction was submitted in the window");
    else if (!accepted_ok)
        fprintf (out, "accepted %.1f tx/s below required %g", verdict->accepted_tps,
                 limits->min_accepted_tps);
    else if (!included_ok)
        fprintf (out, "included %.1f tx/s below required %g", verdict->included_tps,
                 limits->min_included_tps);
    else if (!p99_ok)
        fprintf (out, "latency p99 %s above allowed %" PRIu64 " ms", p99,
                 limits->max_latency_p99_ms);
    else if (!lib_ok)
        fprintf (out, "latency to LIB p99 %s above allowed %" PRIu64 " ms", lib_p99,
                 limits->max_latency_lib_p99_ms);
    else
        fprintf (out, "accepted %.1f tx/s, included %.1f tx/s, latency p99 %s over %.1f s",
                 verdict->accepted_tps, verdict->included_tps, p99, window_s);
    fprintf (out,
             "\n- window %.1f s (from %s): %" PRIu64 " planned, %" PRIu64 " submitted, %" PRIu64
             " accepted, %" PRIu64 " included, %" PRIu64 " final",
             window_s, sum->from_status ? "the workloads' execute" : "the submissions' times",
             sum->planned, sum->submitted, sum->accepted, sum->included, sum->finalized);
    fprintf (out, "\n- accepted %.1f tx/s, required >= %g%s", verdict->accepted_tps,
             limits->min_accepted_tps, accepted_ok ? "" : " (FAILED)");
    fprintf (out, "\n- included %.1f tx/s, required >= %g%s", verdict->included_tps,
             limits->min_included_tps, included_ok ? "" : " (FAILED)");
    if (limits->max_latency_p99_ms)
        fprintf (out, "\n- latency to first block p99 %s, allowed <= %" PRIu64 " ms%s", p99,
                 limits->max_latency_p99_ms, p99_ok ? "" : " (FAILED)");
    else
        fprintf (out, "\n- latency to first block p99 %s (not judged)", p99);
    if (limits->max_latency_lib_p99_ms)
        fprintf (out, "\n- latency to LIB p99 %s, allowed <= %" PRIu64 " ms%s", lib_p99,
                 limits->max_latency_lib_p99_ms, lib_ok ? "" : " (FAILED)");
    else
        fprintf (out, "\n- latency to LIB p99 %s (not judged)", lib_p99);
    if (sum->accepted > sum->included)
        fprintf (out,
                 "\n- %" PRIu64 " accepted txs never reached a kept block: they count as "
                 "slower than any latency",
                 sum->accepted - sum->included);
    fclose (out);
    return text;
}

void
tf_exp_throughput_judge_verdict (tf_exp_throughput_judge_t *self,
                                 tf_exp_throughput_verdict_t *verdict)
{
    assert (self && verdict);
    memset (verdict, 0, sizeof *verdict);
    size_t count = 0;
    tf_exp_tx_judge_each (self->txs, s_count, &count);
    s_sum_t sum = {0};
    s_sum (self, &sum, count);
    double window_s = (double) (sum.end_ms - sum.start_ms) / S_MS_PER_S;
    double divisor = window_s > 0 ? window_s : 1.0 / S_MS_PER_S; //  One tx: a 1 ms window
    verdict->accepted_tps = (double) sum.accepted / divisor;
    verdict->included_tps = (double) sum.included / divisor;
    verdict->latency_p99_ms =
        sum.accepted ? tf_exp_tx_percentile (sum.latencies, sum.accepted, TF_EXP_THROUGHPUT_P99)
                     : S_NEVER;
    verdict->latency_lib_p99_ms =
        sum.accepted ? tf_exp_tx_percentile (sum.lib_latencies, sum.accepted, TF_EXP_THROUGHPUT_P99)
                     : S_NEVER;
    const tf_exp_throughput_limits_t *limits = &self->limits;
    verdict->passed =
        sum.submitted > 0 && verdict->accepted_tps >= limits->min_accepted_tps
        && verdict->included_tps >= limits->min_included_tps
        && (!limits->max_latency_p99_ms || verdict->latency_p99_ms <= limits->max_latency_p99_ms)
        && (!limits->max_latency_lib_p99_ms
            || verdict->latency_lib_p99_ms <= limits->max_latency_lib_p99_ms);
    verdict->message = s_message (self, &sum, window_s, verdict);
    s_pack_details (self, &sum, window_s, verdict);
    free (sum.latencies);
    free (sum.lib_latencies);
}

void
tf_exp_throughput_verdict_free (tf_exp_throughput_verdict_t *verdict)
{
    assert (verdict);
    free (verdict->message);
    free (verdict->details);
    memset (verdict, 0, sizeof *verdict);
}
