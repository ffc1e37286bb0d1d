//  tf_progress.c - what `tf run` shows while a run goes on

#include "tf_progress.h"
#include "tf_plan.h"
#include <time.h>
#include <unistd.h>

#define TF_PROGRESS_MAX_AWAITING  256 //  Characters of the awaited-actors list
#define TF_PROGRESS_MAX_WORKLOADS 512 //  Characters of the workload counters
#define TF_PROGRESS_MS_PER_S      1000.0
#define TF_PROGRESS_MAX_NODES     TF_PLAN_MAX_NODES //  Nodes whose heights are followed

struct _tf_progress_t {
    FILE *out;                               //  Not owned
    bool live;                               //  Rewrite one line (terminal)
    bool live_shown;                         //  A live line is on screen now
    char phase[32];                          //  Current phase name, "" before any
    uint64_t seq;                            //  Its sequence number
    uint64_t phase_ms;                       //  Its planned length, 0 if untimed
    int64_t phase_started;                   //  zclock_mono when we saw it begin
    uint64_t run_elapsed_ms;                 //  From the last broadcast
    int64_t run_elapsed_at;                  //  zclock_mono of that broadcast
    char awaiting[TF_PROGRESS_MAX_AWAITING]; //  "a, b" from the last broadcast
    zhash_t *workloads;                      //  Name -> "submitted=N accepted=N"
    int64_t next_ci_line;                    //  zclock_mono of the next periodic line
    char *nodes[TF_PROGRESS_MAX_NODES];      //  Names of the nodes the feed reported
    zhashx_t *node_index;                    //  Name -> its index + 1 (not owned values)
    uint64_t heights[TF_PROGRESS_MAX_NODES]; //  Their last answered heights
    size_t node_count;
    bool has_stats;        //  A feed.stats arrived
    uint64_t transactions; //  Included, from the last feed.stats
};

tf_progress_t *
tf_progress_new (FILE *out, bool live)
{
    assert (out);
    tf_progress_t *self = (tf_progress_t *) zmalloc (sizeof (tf_progress_t));
    self->out = out;
    self->live = live;
    self->workloads = zhash_new ();
    zhash_autofree (self->workloads);
    self->node_index = zhashx_new ();
    self->next_ci_line = zclock_mono () + TF_PROGRESS_CI_INTERVAL_MS;
    return self;
}

void
tf_progress_destroy (tf_progress_t **self_p)
{
    assert (self_p);
    tf_progress_t *self = *self_p;
    if (!self)
        return;
    zhash_destroy (&self->workloads);
    for (size_t index = 0; index < self->node_count; index++)
        free (self->nodes[index]);
    zhashx_destroy (&self->node_index);
    free (self);
    *self_p = NULL;
}

bool
tf_progress_live_default (void)
{
    const char *ci = getenv ("CI");
    if (ci && (strcmp (ci, "true") == 0 || strcmp (ci, "1") == 0))
        return false;
    return isatty (STDOUT_FILENO) == 1;
}

//  Erase the live line, if one is shown
static void
s_clear_live (tf_progress_t *self)
{
    if (self->live && self->live_shown) {
        fputs ("\r\033[K", self->out);
        self->live_shown = false;
    }
}

//  ", height 10-12, txs 34" (what the feed reported so far) into buffer
static void
s_format_chain (tf_progress_t *self, char *buffer, size_t size)
{
    buffer[0] = 0;
    int used = 0;
    uint64_t lowest = 0, highest = 0;
    if (tf_progress_heights (self, &lowest, &highest) > 0)
        used = snprintf (buffer, size, ", height %" PRIu64 "-%" PRIu64, lowest, highest);
    if (self->has_stats && used >= 0 && (size_t) used < size)
        snprintf (buffer + used, size - (size_t) used, ", txs %" PRIu64, self->transactions);
}

//  "execute 12.3s/30.0s, run 20.1s, height 10-12, txs 34" into buffer
static void
s_format_status (tf_progress_t *self, char *buffer, size_t size)
{
    int64_t now = zclock_mono ();
    double in_phase = (double) (now - self->phase_started) / TF_PROGRESS_MS_PER_S;
    double run = (double) (self->run_elapsed_ms + (uint64_t) (now - self->run_elapsed_at))
                 / TF_PROGRESS_MS_PER_S;
    int used;
    if (self->phase_ms)
        used = snprintf (buffer, size, "%s %.1fs/%.1fs, run %.1fs", self->phase, in_phase,
                         (double) self->phase_ms / TF_PROGRESS_MS_PER_S, run);
    else
        used = snprintf (buffer, size, "%s %.1fs, run %.1fs", self->phase, in_phase, run);
    char chain[64];
    s_format_chain (self, chain, sizeof chain);
    if (used > 0 && (size_t) used < size)
        used += snprintf (buffer + used, size - (size_t) used, "%s", chain);
    if (used > 0 && (size_t) used < size && self->awaiting[0])
        snprintf (buffer + used, size - (size_t) used, ", awaiting: %s", self->awaiting);
}

//  "[12:00:01] " into buffer
static void
s_timestamp (char *buffer, size_t size)
{
    time_t now = time (NULL);
    struct tm local;
    localtime_r (&now, &local);
    strftime (buffer, size, "[%H:%M:%S] ", &local);
}

static void
s_show_live (tf_progress_t *self)
{
    if (!self->live || !self->phase[0])
        return;
    char status[TF_PROGRESS_LIVE_WIDTH + 1];
    s_format_status (self, status, sizeof status);
    fprintf (self->out, "\r\033[K%s", status);
    fflush (self->out);
    self->live_shown = true;
}

void
tf_progress_line (tf_progress_t *self, const char *format, ...)
{
    assert (self && format);
    s_clear_live (self);
    if (!self->live) {
        char stamp[32];
        s_timestamp (stamp, sizeof stamp);
        fputs (stamp, self->out);
    }
    va_list args;
    va_start (args, format);
    vfprintf (self->out, format, args);
    va_end (args);
    fputc ('\n', self->out);
    fflush (self->out);
    s_show_live (self);
}

//  Keep "name=..., ..." of every workload's last status in one line
static void
s_format_workloads (tf_progress_t *self, char *buffer, size_t size)
{
    buffer[0] = 0;
    size_t used = 0;
    const char *counters = (const char *) zhash_first (self->workloads);
    while (counters && used < size) {
        int wrote = snprintf (buffer + used, size - used, "%s%s %s", used ? "; " : "",
                              zhash_cursor (self->workloads), counters);
        if (wrote < 0)
            break;
        used += (size_t) wrote;
        counters = (const char *) zhash_next (self->workloads);
    }
}

static void
s_on_phase (tf_progress_t *self, const tf_run_phase_t *phase)
{
    self->run_elapsed_ms = phase->elapsed_ms;
    self->run_elapsed_at = zclock_mono ();
    self->awaiting[0] = 0;
    size_t used = 0;
    //  Nobody acknowledges "done": every actor just exits
    size_t awaited = strcmp (phase->phase, "done") == 0 ? 0 : phase->awaiting.count;
    for (size_t index = 0; index < awaited && used < sizeof self->awaiting; index++) {
        int wrote = snprintf (self->awaiting + used, sizeof self->awaiting - used, "%s%s",
                              index ? ", " : "", phase->awaiting.items[index]);
        if (wrote < 0)
            break;
        used += (size_t) wrote;
    }
    if (phase->seq == self->seq && self->phase[0])
        return;
    self->seq = phase->seq;
    self->phase_ms = phase->phase_ms;
    self->phase_started = zclock_mono ();
    snprintf (self->phase, sizeof self->phase, "%s", phase->phase);
    if (self->phase_ms)
        tf_progress_line (self, "phase %s (%.1fs planned), run %.1fs", self->phase,
                          (double) self->phase_ms / TF_PROGRESS_MS_PER_S,
                          (double) phase->elapsed_ms / TF_PROGRESS_MS_PER_S);
    else
        tf_progress_line (self, "phase %s, run %.1fs", self->phase,
                          (double) phase->elapsed_ms / TF_PROGRESS_MS_PER_S);
    self->next_ci_line = zclock_mono () + TF_PROGRESS_CI_INTERVAL_MS;
}

//  The deployed nodes: on several hosts (the scenario's hosts:), say which is where
static void
s_on_nodes (tf_progress_t *self, const tf_run_nodes_t *nodes)
{
    char line[TF_PROGRESS_MAX_WORKLOADS] = "";
    size_t used = 0;
    bool hosts = false;
    for (size_t index = 0; index < nodes->nodes.count && used < sizeof line; index++) {
        const tf_node_info_t *node = &nodes->nodes.items[index];
        hosts = hosts || node->host;
        int written =
            snprintf (line + used, sizeof line - used, "%s%s on %s (%s)", index ? ", " : "",
                      node->name, node->host ? node->host : "this host", node->api_url);
        used += written > 0 ? (size_t) written : 0;
    }
    if (hosts)
        tf_progress_line (self, "nodes: %s", line);
}

//  A node's tip sample: keep the last height it answered with
static void
s_on_tip (tf_progress_t *self, const tf_feed_tip_t *tip)
{
    if (!tip->up)
        return;
    //  By name in a table: every node sends a tip each round, and a run has thousands
    size_t index = (size_t) (uintptr_t) zhashx_lookup (self->node_index, tip->node);
    if (index)
        index--;
    else {
        if (self->node_count == TF_PROGRESS_MAX_NODES)
            return;
        index = self->node_count++;
        self->nodes[index] = strdup (tip->node);
        zhashx_insert (self->node_index, tip->node, (void *) (uintptr_t) (index + 1));
    }
    self->heights[index] = tip->height;
}

void
tf_progress_message (tf_progress_t *self, const tf_msg_t *msg)
{
    assert (self && msg);
    switch (msg->id) {
        case TF_MSG_run_phase:
            s_on_phase (self, &msg->run_phase);
            break;
        case TF_MSG_run_abort:
            tf_progress_line (self, "run aborted in %s%s%s: %s", msg->run_abort.phase,
                              msg->run_abort.actor ? " by actor " : "",
                              msg->run_abort.actor ? msg->run_abort.actor : "",
                              msg->run_abort.reason);
            break;
        case TF_MSG_workload_status: {
            const tf_workload_status_t *status = &msg->workload_status;
            char *counters =
                zsys_sprintf ("%s submitted=%" PRIu64 " accepted=%" PRIu64 " rejected=%" PRIu64,
                              status->state, status->submitted, status->accepted, status->rejected);
            zhash_update (self->workloads, status->name, counters);
            zstr_free (&counters);
            break;
        }
        case TF_MSG_feed_tip:
            s_on_tip (self, &msg->feed_tip);
            break;
        case TF_MSG_run_nodes:
            s_on_nodes (self, &msg->run_nodes);
            break;
        case TF_MSG_feed_stats:
            self->has_stats = true;
            self->transactions = msg->feed_stats.transactions;
            break;
        default:
            break;
    }
}

void
tf_progress_tick (tf_progress_t *self)
{
    assert (self);
    if (!self->phase[0] || strcmp (self->phase, "done") == 0)
        return; //  Nothing more to show once the run is done
    if (self->live) {
        s_show_live (self);
        return;
    }
    int64_t now = zclock_mono ();
    if (now < self->next_ci_line)
        return;
    self->next_ci_line = now + TF_PROGRESS_CI_INTERVAL_MS;
    char status[TF_PROGRESS_MAX_AWAITING * 2];
    s_format_status (self, status, sizeof status);
    char workloads[TF_PROGRESS_MAX_WORKLOADS];
    s_format_workloads (self, workloads, sizeof workloads);
    if (workloads[0])
        tf_progress_line (self, "%s; %s", status, workloads);
    else
        tf_progress_line (self, "%s", status);
}

void
tf_progress_end (tf_progress_t *self)
{
    assert (self);
    s_clear_live (self);
    fflush (self->out);
}

size_t
tf_progress_heights (tf_progress_t *self, uint64_t *lowest, uint64_t *highest)
{
    assert (self && lowest && highest);
    for (size_t index = 0; index < self->node_count; index++) {
        if (index == 0 || self->heights[index] < *lowest)
            *lowest = self->heights[index];
        if (index == 0 || self->heights[index] > *highest)
            *highest = self->heights[index];
    }
    return self->node_count;
}

const char *
tf_progress_phase (tf_progress_t *self)
{
    assert (self);
    return self->phase;
}
