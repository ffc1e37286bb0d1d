//  tf_compose_control.c - node control through the engine (see tf_compose_control.h)
//
//  One matrix keeps the partition: wanted[a * count + b], a drops b's
//  packets. A node's rules are written whole each time (the table is
//  declared, deleted and made again in one `nft -f` transaction), so
//  applying them is idempotent and a heal is the same step with nothing to
//  drop.

#include <czmq.h>
#include "tf_compose_control.h"
#include "tf_compose_engine.h"

struct _tf_compose_control_t {
    tf_compose_stack_t *stack; //  The containers, not owned
    char *work_dir;            //  Where rule files go
    void *cancel;              //  For blocking steps, not owned
    size_t count;              //  Number of nodes
    bool *wanted;              //  count^2: [a * count + b] a drops b's packets
    bool *killed_paused;       //  count: killed (restart, stop) while paused
    uint64_t *percent;         //  count: share of swarm packets each node drops, 0 none
    uint64_t *rate_kbit;       //  count: egress limit of each node, 0 none
};

tf_compose_control_t *
tf_compose_control_new (tf_compose_stack_t *stack, const char *work_dir, void *cancel)
{
    assert (stack && work_dir);
    tf_compose_control_t *self = (tf_compose_control_t *) zmalloc (sizeof (tf_compose_control_t));
    self->stack = stack;
    self->work_dir = strdup (work_dir);
    self->cancel = cancel;
    self->count = tf_compose_stack_count (stack);
    self->wanted = (bool *) zmalloc ((self->count * self->count + 1) * sizeof (bool));
    self->killed_paused = (bool *) zmalloc ((self->count + 1) * sizeof (bool));
    self->percent = (uint64_t *) zmalloc ((self->count + 1) * sizeof (uint64_t));
    self->rate_kbit = (uint64_t *) zmalloc ((self->count + 1) * sizeof (uint64_t));
    return self;
}

void
tf_compose_control_destroy (tf_compose_control_t **self_p)
{
    assert (self_p);
    tf_compose_control_t *self = *self_p;
    if (!self)
        return;
    free (self->work_dir);
    free (self->wanted);
    free (self->killed_paused);
    free (self->percent);
    free (self->rate_kbit);
    free (self);
    *self_p = NULL;
}

//  Set *text_p to the formatted text; returns -1
static int s_fail (char **text_p, const char *format, ...) __attribute__ ((format (printf, 2, 3)));

static int
s_fail (char **text_p, const char *format, ...)
{
    va_list args;
    va_start (args, format);
    *text_p = zsys_vprintf (format, args);
    va_end (args);
    return -1;
}

//  Run `docker verb [flag] <node's container>`; -1 with *text_p on failure
static int
s_docker (tf_compose_control_t *self, size_t node, const char *action, const char *verb,
          const char *flag, char **text_p)
{
    const char *container = tf_compose_stack_container (self->stack, node);
    tf_compose_result_t result;
    int rc = flag ? tf_compose_docker (self->cancel, TF_COMPOSE_ENGINE_QUICK_MS, &result, verb,
                                       flag, container, NULL)
                  : tf_compose_docker (self->cancel, TF_COMPOSE_ENGINE_QUICK_MS, &result, verb,
                                       container, NULL);
    if (rc)
        s_fail (text_p, "%s: docker %s %s failed: %s", action, verb, container,
                tf_compose_result_reason (&result));
    tf_compose_result_clear (&result);
    tf_compose_stack_forget_states (self->stack);
    return rc;
}

//  Run argv (a tool and its arguments) in node's network namespace, entered
//  with nsenter; what names what is done, for the error
static int
s_in_namespace (tf_compose_control_t *self, size_t node, const char *action, const char *what,
                char **tool_argv, char **output_p, char **text_p)
{
    const char *name = tf_compose_stack_name (self->stack, node);
    pid_t pid = tf_compose_stack_pid (self->stack, node, self->cancel);
    if (pid <= 0)
        return s_fail (text_p, "%s: no process for container %s", action,
                       tf_compose_stack_container (self->stack, node));
    char pid_text[16];
    snprintf (pid_text, sizeof pid_text, "%d", (int) pid);
    char *argv[TF_COMPOSE_ENGINE_MAX_ARGS] = {(char *) "nsenter", (char *) "-t", pid_text,
                                              (char *) "-n"};
    size_t used = 4;
    for (size_t index = 0; tool_argv[index] && used < TF_COMPOSE_ENGINE_MAX_ARGS - 1; index++)
        argv[used++] = tool_argv[index];
    argv[used] = NULL;
    tf_compose_result_t result;
    int rc = tf_compose_exec (argv, -1, TF_COMPOSE_ENGINE_QUICK_MS, self->cancel, &result);
    if (rc)
        s_fail (text_p, "%s: %s in %s's network namespace (pid %d) failed: %s", action, what, name,
                (int) pid, tf_compose_result_reason (&result));
    else if (output_p) {
        *output_p = result.output;
        result.output = NULL;
    }
    tf_compose_result_clear (&result);
    return rc;
}

//  Print an nftables set of the addresses of every node but node, or of
//  those wanted says node drops when wanted is true
static void
s_print_addresses (tf_compose_control_t *self, FILE *out, size_t node, bool wanted)
{
    fprintf (out, "{");
    bool first = true;
    for (size_t other = 0; other < self->count; other++)
        if (wanted ? self->wanted[node * self->count + other] : other != node) {
            fprintf (out, "%s %s", first ? "" : ",", tf_compose_stack_address (self->stack, other));
            first = false;
        }
    fprintf (out, " }");
}

//  Write node's table to RUN_DIR/compose/<node>.<suffix> and load it in its
//  namespace: when has_rules, each packet from (input) or to (output) the
//  other nodes (those wanted says, or all of them) that also fits match is
//  dropped; counted puts a counter of every such packet before the drop and
//  one on the drop. Without rules the table is empty.
static int
s_load_table (tf_compose_control_t *self, size_t node, const char *action, const char *table,
              const char *suffix, bool has_rules, const char *match, bool wanted, bool counted,
              char **text_p)
{
    const char *name = tf_compose_stack_name (self->stack, node);
    char *path = zsys_sprintf ("%s/%s.%s", self->work_dir, name, suffix);
    FILE *out = fopen (path, "we");
    if (!out) {
        int rc = s_fail (text_p, "%s: cannot write %s: %s", action, path, strerror (errno));
        zstr_free (&path);
        return rc;
    }
    fprintf (out, "table inet %s\ndelete table inet %s\n", table, table);
    if (has_rules) {
        fprintf (out, "table inet %s {\n", table);
        const char *hooks[2][2] = {{"input", "saddr"}, {"output", "daddr"}};
        for (int hook = 0; hook < 2; hook++) {
            fprintf (out, "  chain %s {\n    type filter hook %s priority 0; policy accept;\n",
                     hooks[hook][0], hooks[hook][0]);
            if (counted) { //  Every packet, then those dropped
                fprintf (out, "    ip %s ", hooks[hook][1]);
                s_print_addresses (self, out, node, wanted);
                fprintf (out, " counter\n");
            }
            fprintf (out, "    ip %s ", hooks[hook][1]);
            s_print_addresses (self, out, node, wanted);
            fprintf (out, "%s%s drop\n  }\n", match, counted ? " counter" : "");
        }
        fprintf (out, "}\n");
    }
    fclose (out);
    char *tool[] = {(char *) "nft", (char *) "-f", path, NULL};
    int rc = s_in_namespace (self, node, action, "nftables rules", tool, NULL, text_p);
    zstr_free (&path);
    return rc;
}

static bool s_drops (tf_compose_control_t *self, size_t node);

//  Write node's partition rules (drop what wanted says) and load them
static int
s_apply_node (tf_compose_control_t *self, size_t node, const char *action, char **text_p)
{
    return s_load_table (self, node, action, TF_COMPOSE_CONTROL_TABLE, "nft", s_drops (self, node),
                         "", true, false, text_p);
}

//  Write node's loss rules (drop percent of what comes from and goes to the
//  other nodes, each packet drawn at random) and load them
static int
s_apply_loss (tf_compose_control_t *self, size_t node, const char *action, char **text_p)
{
    char match[64] = ""; //  100: every packet
    if (self->percent[node] < 100)
        snprintf (match, sizeof match, " numgen random mod 100 < %" PRIu64, self->percent[node]);
    return s_load_table (self, node, action, TF_COMPOSE_CONTROL_LOSS_TABLE, "loss.nft",
                         self->percent[node] > 0 && self->count > 1, match, false, true, text_p);
}

//  What node's loss table counted (`nft list table`: per chain, the counter
//  of every packet, then the one of those dropped) as a note; NULL when it
//  cannot be read. Caller frees.
static char *
s_loss_counts (tf_compose_control_t *self, size_t node, const char *action)
{
    char *tool[] = {(char *) "nft",
                    (char *) "list",
                    (char *) "table",
                    (char *) "inet",
                    (char *) TF_COMPOSE_CONTROL_LOSS_TABLE,
                    NULL};
    char *output = NULL, *error = NULL;
    if (s_in_namespace (self, node, action, "nft list", tool, &output, &error)) {
        zstr_free (&error);
        return NULL;
    }
    uint64_t counts[4] = {0};
    size_t found = 0;
    const char *cursor = output;
    while (found < 4 && cursor && (cursor = strstr (cursor, "counter packets "))) {
        cursor += strlen ("counter packets ");
        counts[found++] = strtoull (cursor, NULL, 10);
    }
    free (output);
    if (found != 4)
        return NULL;
    uint64_t seen = counts[0] + counts[2], dropped = counts[1] + counts[3];
    return zsys_sprintf (
        "dropped %" PRIu64 " of %" PRIu64 " swarm packets (%.1f %%) at %" PRIu64 " %%", dropped,
        seen, seen ? 100.0 * (double) dropped / (double) seen : 0.0, self->percent[node]);
}

//  What node's tbf qdisc did (`tc -s qdisc show`) as a note; NULL when it
//  cannot be read. Caller frees.
static char *
s_rate_counts (tf_compose_control_t *self, size_t node, const char *action, uint64_t rate)
{
    char *tool[] = {(char *) "tc",
                    (char *) "-s",
                    (char *) "qdisc",
                    (char *) "show",
                    (char *) "dev",
                    (char *) TF_COMPOSE_CONTROL_DEVICE,
                    NULL};
    char *output = NULL, *error = NULL;
    if (s_in_namespace (self, node, action, "tc -s qdisc show", tool, &output, &error)) {
        zstr_free (&error);
        return NULL;
    }
    unsigned long long bytes = 0, packets = 0, dropped = 0, overlimits = 0;
    const char *sent = output ? strstr (output, "Sent ") : NULL;
    char *note = NULL;
    if (sent
        && sscanf (sent, "Sent %llu bytes %llu pkt (dropped %llu, overlimits %llu", &bytes,
                   &packets, &dropped, &overlimits)
               == 4)
        note = zsys_sprintf ("sent %llu bytes in %llu packets at %" PRIu64
                             " kbit/s: %llu dropped, %llu over the limit",
                             bytes, packets, rate, dropped, overlimits);
    free (output);
    return note;
}

//  Set node's egress limit (a tbf qdisc at the root of its interface), or
//  remove it when rate_kbit is 0; had says whether one is set now
static int
s_apply_rate (tf_compose_control_t *self, size_t node, const char *action, bool had, char **text_p)
{
    uint64_t rate = self->rate_kbit[node];
    if (rate == 0) {
        if (!had)
            return 0;
        char *tool[] = {(char *) "tc",
                        (char *) "qdisc",
                        (char *) "del",
                        (char *) "dev",
                        (char *) TF_COMPOSE_CONTROL_DEVICE,
                        (char *) "root",
                        NULL};
        return s_in_namespace (self, node, action, "tc qdisc del", tool, NULL, text_p);
    }
    //  Room for 20 ms at the rate, at least two full frames
    uint64_t burst = rate * 1000 / 8 / 50;
    if (burst < 3200)
        burst = 3200;
    char rate_text[32], burst_text[32];
    snprintf (rate_text, sizeof rate_text, "%" PRIu64 "kbit", rate);
    snprintf (burst_text, sizeof burst_text, "%" PRIu64, burst);
    char *tool[] = {(char *) "tc",
                    (char *) "qdisc",
                    (char *) "replace",
                    (char *) "dev",
                    (char *) TF_COMPOSE_CONTROL_DEVICE,
                    (char *) "root",
                    (char *) "tbf",
                    (char *) "rate",
                    rate_text,
                    (char *) "burst",
                    burst_text,
                    (char *) "latency",
                    (char *) "100ms",
                    NULL};
    return s_in_namespace (self, node, action, "tc qdisc tbf", tool, NULL, text_p);
}

//  Does node drop anything of the partition?
static bool
s_drops (tf_compose_control_t *self, size_t node)
{
    for (size_t other = 0; other < self->count; other++)
        if (self->wanted[node * self->count + other])
            return true;
    return false;
}

//  Apply the rules on every node that runs (a stopped one gets them at start)
static int
s_apply_all (tf_compose_control_t *self, const char *action, char **text_p)
{
    for (size_t node = 0; node < self->count; node++) {
        char text[TF_DEPLOYER_STATE_TEXT];
        if (tf_compose_stack_state (self->stack, node, text) == TF_DEPLOYER_EXITED)
            continue;
        if (s_apply_node (self, node, action, text_p))
            return -1;
    }
    return 0;
}

//  A node came up in a new namespace: its share of the partition, its loss
//  and its egress limit again
static int
s_started (tf_compose_control_t *self, size_t node, const char *action, char **text_p)
{
    if (s_drops (self, node) && s_apply_node (self, node, action, text_p))
        return -1;
    if (self->percent[node] && s_apply_loss (self, node, action, text_p))
        return -1;
    return self->rate_kbit[node] ? s_apply_rate (self, node, action, false, text_p) : 0;
}

//  Loss or bandwidth on one node. A stopped node keeps it for its next start.
static int
s_network_fault (tf_compose_control_t *self, size_t node, const tf_node_control_t *request,
                 tf_deployer_state_t state, char **text_p)
{
    const char *action = tf_control_action_str (request->action);
    const char *name = tf_compose_stack_name (self->stack, node);
    bool loss = request->action == TF_CONTROL_LOSS;
    uint64_t *slot = loss ? &self->percent[node] : &self->rate_kbit[node];
    uint64_t before = *slot;
    *slot = loss ? request->percent : request->rate_kbit;
    if (state == TF_DEPLOYER_EXITED) {
        *text_p = zsys_sprintf ("%s is stopped: applied when it starts", name);
        return 0;
    }
    char *counted = NULL; //  What the loss or limit being replaced did
    if (before > 0) {
        uint64_t wanted = *slot;
        *slot = before;
        counted =
            loss ? s_loss_counts (self, node, action) : s_rate_counts (self, node, action, before);
        *slot = wanted;
    }
    int rc = loss ? s_apply_loss (self, node, action, text_p)
                  : s_apply_rate (self, node, action, before > 0, text_p);
    if (rc)
        *slot = before;
    else {
        *text_p = counted;
        counted = NULL;
    }
    zstr_free (&counted);
    return rc;
}

//  Partition: every pair across the cut drops the other's packets
static int
s_partition (tf_compose_control_t *self, const tf_deployer_node_t *table,
             const tf_node_control_t *request, char **text_p)
{
    bool *inside = (bool *) zmalloc ((self->count + 1) * sizeof (bool));
    for (size_t member = 0; member < request->group.count; member++) {
        ssize_t node = tf_deployer_node_find (table, self->count, request->group.items[member]);
        assert (node >= 0); //  The driver checked the group
        inside[node] = true;
    }
    for (size_t a = 0; a < self->count; a++)
        for (size_t b = 0; b < self->count; b++)
            if (inside[a] != inside[b])
                self->wanted[a * self->count + b] = true;
    free (inside);
    return s_apply_all (self, "partition", text_p);
}

int
tf_compose_control_run (tf_compose_control_t *self, const tf_deployer_node_t *table, size_t count,
                        const tf_node_control_t *request, char **text_p)
{
    assert (self && table && request && text_p);
    assert (count == self->count);
    *text_p = NULL;
    const char *action = tf_control_action_str (request->action);
    ssize_t found = tf_deployer_node_find (table, count, request->node);
    size_t node = found >= 0 ? (size_t) found : 0;
    bool single = request->action != TF_CONTROL_PARTITION && request->action != TF_CONTROL_HEAL;
    assert (!single || found >= 0); //  The driver checked the name
    const char *name = single ? table[node].name : NULL;
    char text[TF_DEPLOYER_STATE_TEXT];
    tf_compose_stack_forget_states (self->stack);
    tf_deployer_state_t state =
        single ? tf_compose_stack_state (self->stack, node, text) : TF_DEPLOYER_RUNNING;
    switch (request->action) {
        case TF_CONTROL_STOP:
            if (state == TF_DEPLOYER_EXITED)
                return s_fail (text_p, "stop: node %s is already stopped", name);
            if (state == TF_DEPLOYER_PAUSED
                && s_docker (self, node, action, "unpause", NULL, text_p))
                return -1;
            if (s_docker (self, node, action, "kill", NULL, text_p))
                return -1;
            self->killed_paused[node] = state == TF_DEPLOYER_PAUSED;
            return 0;
        case TF_CONTROL_RESTART:
            if (state == TF_DEPLOYER_PAUSED
                && s_docker (self, node, action, "unpause", NULL, text_p))
                return -1;
            if (state != TF_DEPLOYER_EXITED) {
                if (s_docker (self, node, action, "restart", "--time=0", text_p))
                    return -1;
            }
            else if (s_docker (self, node, action, "start", NULL, text_p))
                return -1;
            self->killed_paused[node] = state == TF_DEPLOYER_PAUSED;
            return s_started (self, node, action, text_p);
        case TF_CONTROL_START:
            if (state != TF_DEPLOYER_EXITED)
                return s_fail (text_p, "start: node %s is already running", name);
            if (s_docker (self, node, action, "start", NULL, text_p))
                return -1;
            return s_started (self, node, action, text_p);
        case TF_CONTROL_PAUSE:
            if (state == TF_DEPLOYER_EXITED)
                return s_fail (text_p, "pause: node %s is stopped", name);
            if (state == TF_DEPLOYER_PAUSED)
                return s_fail (text_p, "pause: node %s is already paused", name);
            self->killed_paused[node] = false;
            return s_docker (self, node, action, "pause", NULL, text_p);
        case TF_CONTROL_RESUME:
            if (state != TF_DEPLOYER_PAUSED && self->killed_paused[node]) {
                self->killed_paused[node] = false;
                *text_p = zsys_sprintf ("%s was %s while paused: nothing to resume", name,
                                        state == TF_DEPLOYER_EXITED ? "stopped" : "restarted");
                return 0;
            }
            if (state != TF_DEPLOYER_PAUSED)
                return s_fail (text_p, "resume: node %s is not paused", name);
            return s_docker (self, node, action, "unpause", NULL, text_p);
        case TF_CONTROL_PARTITION:
            return s_partition (self, table, request, text_p);
        case TF_CONTROL_HEAL:
            memset (self->wanted, 0, self->count * self->count * sizeof (bool));
            return s_apply_all (self, "heal", text_p);
        case TF_CONTROL_LOSS:
        case TF_CONTROL_BANDWIDTH:
            return s_network_fault (self, node, request, state, text_p);
        case TF_CONTROL_COUNT:
            break;
    }
    return s_fail (text_p, "unknown node control action");
}
