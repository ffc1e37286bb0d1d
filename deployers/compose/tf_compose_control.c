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

//  Write node's rules (drop what wanted says) and load them in its namespace
static int
s_apply_node (tf_compose_control_t *self, size_t node, const char *action, char **text_p)
{
    const char *name = tf_compose_stack_name (self->stack, node);
    pid_t pid = tf_compose_stack_pid (self->stack, node, self->cancel);
    if (pid <= 0)
        return s_fail (text_p, "%s: no process for container %s", action,
                       tf_compose_stack_container (self->stack, node));
    char *path = zsys_sprintf ("%s/%s.nft", self->work_dir, name);
    FILE *out = fopen (path, "we");
    if (!out) {
        int rc = s_fail (text_p, "%s: cannot write %s: %s", action, path, strerror (errno));
        zstr_free (&path);
        return rc;
    }
    fprintf (out, "table inet %s\ndelete table inet %s\n", TF_COMPOSE_CONTROL_TABLE,
             TF_COMPOSE_CONTROL_TABLE);
    size_t drops = 0;
    for (size_t other = 0; other < self->count; other++)
        drops += self->wanted[node * self->count + other];
    if (drops) {
        fprintf (out, "table inet %s {\n", TF_COMPOSE_CONTROL_TABLE);
        const char *hooks[2][2] = {{"input", "saddr"}, {"output", "daddr"}};
        for (int hook = 0; hook < 2; hook++) {
            fprintf (out, "  chain %s {\n    type filter hook %s priority 0; policy accept;\n",
                     hooks[hook][0], hooks[hook][0]);
            fprintf (out, "    ip %s {", hooks[hook][1]);
            bool first = true;
            for (size_t other = 0; other < self->count; other++)
                if (self->wanted[node * self->count + other]) {
                    fprintf (out, "%s %s", first ? "" : ",",
                             tf_compose_stack_address (self->stack, other));
                    first = false;
                }
            fprintf (out, " } drop\n  }\n");
        }
        fprintf (out, "}\n");
    }
    fclose (out);
    char pid_text[16];
    snprintf (pid_text, sizeof pid_text, "%d", (int) pid);
    char *argv[] = {(char *) "nsenter", (char *) "-t", pid_text, (char *) "-n",
                    (char *) "nft",     (char *) "-f", path,     NULL};
    tf_compose_result_t result;
    int rc = tf_compose_exec (argv, -1, TF_COMPOSE_ENGINE_QUICK_MS, self->cancel, &result);
    if (rc)
        s_fail (text_p, "%s: nftables rules in %s's network namespace (pid %d) failed: %s", action,
                name, (int) pid, tf_compose_result_reason (&result));
    tf_compose_result_clear (&result);
    zstr_free (&path);
    return rc;
}

//  Does node drop anything?
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

//  A node came up in a new namespace: its share of the partition again
static int
s_started (tf_compose_control_t *self, size_t node, const char *action, char **text_p)
{
    return s_drops (self, node) ? s_apply_node (self, node, action, text_p) : 0;
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
        case TF_CONTROL_COUNT:
            break;
    }
    return s_fail (text_p, "unknown node control action");
}
