//  tf_local_control.c - node control of the local runner (see tf_local_control.h)
//
//  Partition and heal go through each node's testing API: one concurrent
//  batch of block-peer (or unblock-peer) requests. Two matrices keep the
//  peer blocks: what control wants (partitions not yet healed) and what each
//  node holds. A change is sent to the nodes that can answer; a paused node's
//  share waits, and resume sends it, so a heal during a pause neither fails
//  nor leaves the paused node blocking. A restarted node forgets the blocks it
//  held (and what waited for it), and the others still block it.

#include <jansson.h>
#include "tf_api_client.h"
#include "tf_local_control.h"

#define S_HTTP_OK_MIN 200
#define S_HTTP_OK_MAX 299

struct _tf_local_control_t {
    const tf_local_procs_t *procs; //  The nodes' processes, not owned
    void *procs_ctx;               //  Their context, not owned
    const tf_profile_t *profile;   //  Testing API paths
    void *cancel;                  //  For blocking steps, not owned
    size_t count;                  //  Number of nodes
    bool *wanted;                  //  count^2: [a * count + b] a should block b's peer id
    bool *blocked;                 //  count^2: [a * count + b] a blocks b's peer id now
    bool *killed_paused;           //  count: killed (restart, stop) while paused
};

//  One block or unblock, sent to node from about node to
typedef struct {
    size_t from; //  The node asked
    size_t to;   //  The node whose peer id it (un)blocks
    bool block;  //  Block, else unblock
} s_change_t;

tf_local_control_t *
tf_local_control_new (size_t count, const tf_local_procs_t *procs, void *procs_ctx,
                      const tf_profile_t *profile, void *cancel)
{
    assert (procs && profile);
    tf_local_control_t *self = (tf_local_control_t *) zmalloc (sizeof (tf_local_control_t));
    self->procs = procs;
    self->procs_ctx = procs_ctx;
    self->profile = profile;
    self->cancel = cancel;
    self->count = count;
    self->wanted = (bool *) zmalloc ((self->count * self->count + 1) * sizeof (bool));
    self->blocked = (bool *) zmalloc ((self->count * self->count + 1) * sizeof (bool));
    self->killed_paused = (bool *) zmalloc ((self->count + 1) * sizeof (bool));
    return self;
}

void
tf_local_control_destroy (tf_local_control_t **self_p)
{
    assert (self_p);
    tf_local_control_t *self = *self_p;
    if (!self)
        return;
    free (self->wanted);
    free (self->blocked);
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

//  How many of node's peer blocks differ from what control wants
static size_t
s_pending (tf_local_control_t *self, size_t node)
{
    size_t pending = 0;
    for (size_t other = 0; other < self->count; other++)
        if (self->wanted[node * self->count + other] != self->blocked[node * self->count + other])
            pending++;
    return pending;
}

//  Forget what node blocked and what waited for it (it starts afresh)
static void
s_forget (tf_local_control_t *self, size_t node)
{
    for (size_t other = 0; other < self->count; other++) {
        self->blocked[node * self->count + other] = false;
        self->wanted[node * self->count + other] = false;
    }
}

//  How node's process is
static tf_deployer_state_t
s_state (tf_local_control_t *self, size_t node)
{
    char text[TF_DEPLOYER_STATE_TEXT];
    return self->procs->state (self->procs_ctx, node, text);
}

//  Do proc to node; -1 with *text_p "ACTION: node NAME: why"
static int
s_act (tf_local_control_t *self, const tf_deployer_node_t *table, size_t node, tf_local_proc_t proc,
       const char *action, char **text_p)
{
    char error[TF_DEPLOYER_STATE_TEXT] = "";
    if (self->procs->act (self->procs_ctx, node, proc, error) == 0)
        return 0;
    return s_fail (text_p, "%s: node %s: %s", action, table[node].name, error);
}

//  Kill node (restart, stop); a paused node's resume is then answered as done
static int
s_kill (tf_local_control_t *self, const tf_deployer_node_t *table, size_t node,
        tf_deployer_state_t state, const char *action, char **text_p)
{
    if (s_act (self, table, node, TF_LOCAL_PROC_KILL, action, text_p))
        return -1;
    if (state == TF_DEPLOYER_PAUSED)
        self->killed_paused[node] = true;
    s_forget (self, node);
    return 0;
}

//  Start node again; it forgets the peers it blocked
static int
s_start (tf_local_control_t *self, const tf_deployer_node_t *table, size_t node, const char *action,
         char **text_p)
{
    s_forget (self, node);
    return s_act (self, table, node, TF_LOCAL_PROC_START, action, text_p);
}

//  Send the changes in one batch; each that succeeds is what its node holds
//  now. 0, or -1 with *text_p naming the first that failed.
static int
s_send (tf_local_control_t *self, const tf_deployer_node_t *table, const s_change_t *changes,
        size_t count, const char *action, char **text_p)
{
    if (count == 0)
        return 0;
    tf_api_request_t *requests =
        (tf_api_request_t *) zmalloc ((count + 1) * sizeof (tf_api_request_t));
    for (size_t index = 0; index < count; index++) {
        const s_change_t *change = &changes[index];
        const char *path =
            change->block ? self->profile->block_peer_path : self->profile->unblock_peer_path;
        tf_api_request_t *request = &requests[index];
        request->url = zsys_sprintf ("%s%s", table[change->from].testing_url, path);
        json_t *body = json_string (table[change->to].peer_id);
        request->body = json_dumps (body, JSON_COMPACT | JSON_ENCODE_ANY);
        json_decref (body);
    }
    int rc = tf_api_client_batch (requests, count, TF_API_CLIENT_TIMEOUT_MS, tf_deployer_cancelled,
                                  self->cancel);
    char *failures = rc ? strdup ("cancelled") : NULL;
    for (size_t index = 0; index < count; index++) {
        const s_change_t *change = &changes[index];
        tf_api_request_t *request = &requests[index];
        bool ok = request->status >= S_HTTP_OK_MIN && request->status <= S_HTTP_OK_MAX;
        if (ok)
            self->blocked[change->from * self->count + change->to] = change->block;
        else if (!failures)
            failures =
                zsys_sprintf ("%s on %s (%s): HTTP %ld %s", change->block ? "block" : "unblock",
                              table[change->from].name, table[change->to].name, request->status,
                              request->status ? request->answer : request->error);
        tf_api_request_clear (request);
        free ((char *) request->url);
        free ((char *) request->body);
    }
    free (requests);
    rc = failures ? s_fail (text_p, "%s: %s", action, failures) : 0;
    zstr_free (&failures);
    return rc;
}

//  Bring what the nodes hold to what control wants, on every node that can
//  answer (only on node when only is not SIZE_MAX). A paused node's changes
//  wait for its resume, a stopped node's are dropped (it forgets them when it
//  starts); on success *text_p, when set, says which waited (caller frees).
static int
s_apply (tf_local_control_t *self, const tf_deployer_node_t *table, size_t only, const char *action,
         char **text_p)
{
    s_change_t *changes =
        (s_change_t *) zmalloc ((self->count * self->count + 1) * sizeof (s_change_t));
    size_t count = 0;
    char *waiting = NULL;
    for (size_t from = 0; from < self->count; from++) {
        if (only != SIZE_MAX && from != only)
            continue;
        size_t pending = s_pending (self, from);
        if (pending == 0)
            continue;
        tf_deployer_state_t state = s_state (self, from);
        if (state == TF_DEPLOYER_EXITED) {
            s_forget (self, from);
            continue;
        }
        if (state == TF_DEPLOYER_PAUSED) {
            char *longer =
                zsys_sprintf ("%s%s%s is paused: %zu peer change%s wait%s for its resume",
                              waiting ? waiting : "", waiting ? "; " : "", table[from].name,
                              pending, pending == 1 ? "" : "s", pending == 1 ? "s" : "");
            zstr_free (&waiting);
            waiting = longer;
            continue;
        }
        for (size_t to = 0; to < self->count; to++) {
            size_t cell = from * self->count + to;
            if (self->wanted[cell] != self->blocked[cell])
                changes[count++] =
                    (s_change_t){.from = from, .to = to, .block = self->wanted[cell]};
        }
    }
    int rc = s_send (self, table, changes, count, action, text_p);
    free (changes);
    if (rc == 0)
        *text_p = waiting;
    else
        zstr_free (&waiting);
    return rc;
}

//  Partition: every pair across the cut blocks the other's peer id
static int
s_partition (tf_local_control_t *self, const tf_deployer_node_t *table,
             const tf_node_control_t *request, char **text_p)
{
    bool *inside = (bool *) zmalloc ((self->count + 1) * sizeof (bool));
    for (size_t member = 0; member < request->group.count; member++) {
        ssize_t node = tf_deployer_node_find (table, self->count, request->group.items[member]);
        assert (node >= 0); //  The driver checked the group
        inside[node] = true;
    }
    int rc = 0;
    for (size_t a = 0; a < self->count && rc == 0; a++)
        for (size_t b = 0; b < self->count && rc == 0; b++)
            if (inside[a] != inside[b] && (!table[a].peer_id || !table[b].peer_id))
                rc = s_fail (text_p, "partition: peer id of %s unknown",
                             table[a].peer_id ? table[b].name : table[a].name);
    if (rc == 0) {
        for (size_t a = 0; a < self->count; a++)
            for (size_t b = 0; b < self->count; b++)
                if (inside[a] != inside[b])
                    self->wanted[a * self->count + b] = true;
        rc = s_apply (self, table, SIZE_MAX, "partition", text_p);
    }
    free (inside);
    return rc;
}

//  Heal: no block is wanted any more
static int
s_heal (tf_local_control_t *self, const tf_deployer_node_t *table, char **text_p)
{
    memset (self->wanted, 0, self->count * self->count * sizeof (bool));
    return s_apply (self, table, SIZE_MAX, "heal", text_p);
}

//  Resume: thaw node, then send the peer changes that waited for it
static int
s_resume (tf_local_control_t *self, const tf_deployer_node_t *table, size_t node,
          tf_deployer_state_t state, char **text_p)
{
    const char *name = table[node].name;
    if (state != TF_DEPLOYER_PAUSED && self->killed_paused[node]) {
        self->killed_paused[node] = false;
        *text_p = zsys_sprintf ("%s was %s while paused: nothing to resume", name,
                                state == TF_DEPLOYER_EXITED ? "stopped" : "restarted");
        return 0;
    }
    if (state != TF_DEPLOYER_PAUSED)
        return s_fail (text_p, "resume: node %s is not paused", name);
    if (s_act (self, table, node, TF_LOCAL_PROC_RESUME, "resume", text_p))
        return -1;
    size_t pending = s_pending (self, node);
    if (s_apply (self, table, node, "resume", text_p))
        return -1;
    if (pending)
        *text_p = zsys_sprintf ("%zu peer change%s that waited for %s applied", pending,
                                pending == 1 ? "" : "s", name);
    return 0;
}

int
tf_local_control_run (tf_local_control_t *self, const tf_deployer_node_t *table, size_t count,
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
    tf_deployer_state_t state = single ? s_state (self, node) : TF_DEPLOYER_RUNNING;
    switch (request->action) {
        case TF_CONTROL_STOP:
            if (state == TF_DEPLOYER_EXITED)
                return s_fail (text_p, "stop: node %s is already stopped", name);
            return s_kill (self, table, node, state, action, text_p);
        case TF_CONTROL_RESTART:
            if (state != TF_DEPLOYER_EXITED && s_kill (self, table, node, state, action, text_p))
                return -1;
            return s_start (self, table, node, action, text_p);
        case TF_CONTROL_START:
            if (state != TF_DEPLOYER_EXITED)
                return s_fail (text_p, "start: node %s is already running", name);
            return s_start (self, table, node, action, text_p);
        case TF_CONTROL_PAUSE:
            if (state == TF_DEPLOYER_EXITED)
                return s_fail (text_p, "pause: node %s is stopped", name);
            if (state == TF_DEPLOYER_PAUSED)
                return s_fail (text_p, "pause: node %s is already paused", name);
            if (s_act (self, table, node, TF_LOCAL_PROC_PAUSE, action, text_p))
                return -1;
            self->killed_paused[node] = false;
            return 0;
        case TF_CONTROL_RESUME:
            return s_resume (self, table, node, state, text_p);
        case TF_CONTROL_PARTITION:
            return s_partition (self, table, request, text_p);
        case TF_CONTROL_HEAL:
            return s_heal (self, table, text_p);
        case TF_CONTROL_LOSS:
        case TF_CONTROL_BANDWIDTH:
            //  Not in this runner's catalogue actions: the driver refuses them
        case TF_CONTROL_COUNT:
            break;
    }
    return s_fail (text_p, "unknown node control action");
}
