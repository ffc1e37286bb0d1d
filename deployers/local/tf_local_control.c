//  tf_local_control.c - node control of the local runner (see tf_local_control.h)
//
//  Partition and heal go through each node's testing API: one concurrent
//  batch of block-peer (or unblock-peer) requests, both ways for every pair.
//  The blocks each node holds are remembered, so heal undoes exactly them; a
//  restarted node forgets the blocks it held, and the others still block it.

#include <jansson.h>
#include "tf_api_client.h"
#include "tf_local_control.h"

#define S_HTTP_OK_MIN 200
#define S_HTTP_OK_MAX 299

struct _tf_local_control_t {
    tf_local_nodes_t *nodes;     //  The node table, not owned
    const tf_profile_t *profile; //  Testing API paths
    void *cancel;                //  For blocking steps, not owned
    size_t count;                //  Number of nodes
    bool *blocked;               //  count^2: [a * count + b] a blocks b's peer id
};

tf_local_control_t *
tf_local_control_new (tf_local_nodes_t *nodes, const tf_profile_t *profile, void *cancel)
{
    assert (nodes && profile);
    tf_local_control_t *self = (tf_local_control_t *) zmalloc (sizeof (tf_local_control_t));
    self->nodes = nodes;
    self->profile = profile;
    self->cancel = cancel;
    self->count = tf_local_nodes_count (nodes);
    self->blocked = (bool *) zmalloc ((self->count * self->count + 1) * sizeof (bool));
    return self;
}

void
tf_local_control_destroy (tf_local_control_t **self_p)
{
    assert (self_p);
    tf_local_control_t *self = *self_p;
    if (!self)
        return;
    free (self->blocked);
    free (self);
    *self_p = NULL;
}

//  Set *error_p to the formatted text; returns -1
static int s_fail (char **error_p, const char *format, ...) __attribute__ ((format (printf, 2, 3)));

static int
s_fail (char **error_p, const char *format, ...)
{
    va_list args;
    va_start (args, format);
    *error_p = zsys_vprintf (format, args);
    va_end (args);
    return -1;
}

//  Start node again; it forgets the peers it blocked
static int
s_start (tf_local_control_t *self, size_t node, const char *action, char **error_p)
{
    for (size_t other = 0; other < self->count; other++)
        self->blocked[node * self->count + other] = false;
    if (tf_local_nodes_start (self->nodes, node))
        return s_fail (error_p, "%s: cannot start node %s", action,
                       tf_local_nodes_name (self->nodes, node));
    return 0;
}

//  Block (or unblock) each listed pair both ways; pairs holds (a, b) indexes
static int
s_send_pairs (tf_local_control_t *self, const tf_deployer_node_t *table, const size_t *pairs,
              size_t pair_count, bool unblock, const char *action, char **error_p)
{
    const char *path = unblock ? self->profile->unblock_peer_path : self->profile->block_peer_path;
    size_t count = pair_count * 2;
    tf_api_request_t *requests =
        (tf_api_request_t *) zmalloc ((count + 1) * sizeof (tf_api_request_t));
    for (size_t pair = 0; pair < pair_count; pair++)
        for (size_t side = 0; side < 2; side++) {
            size_t from = pairs[pair * 2 + side];
            size_t to = pairs[pair * 2 + 1 - side];
            tf_api_request_t *request = &requests[pair * 2 + side];
            request->url = tf_local_nodes_url (self->nodes, from, TF_LOCAL_PORT_TESTING, path);
            json_t *body = json_string (table[to].peer_id);
            request->body = json_dumps (body, JSON_COMPACT | JSON_ENCODE_ANY);
            json_decref (body);
        }
    int rc = tf_api_client_batch (requests, count, TF_API_CLIENT_TIMEOUT_MS, tf_deployer_cancelled,
                                  self->cancel);
    char *failures = rc ? strdup ("cancelled") : NULL;
    for (size_t pair = 0; pair < pair_count; pair++)
        for (size_t side = 0; side < 2; side++) {
            size_t from = pairs[pair * 2 + side];
            size_t to = pairs[pair * 2 + 1 - side];
            tf_api_request_t *request = &requests[pair * 2 + side];
            bool ok = request->status >= S_HTTP_OK_MIN && request->status <= S_HTTP_OK_MAX;
            if (ok)
                self->blocked[from * self->count + to] = !unblock;
            else if (!failures)
                failures =
                    zsys_sprintf ("%s on %s (%s): HTTP %ld %s", unblock ? "unblock" : "block",
                                  table[from].name, table[to].name, request->status,
                                  request->status ? request->answer : request->error);
            tf_api_request_clear (request);
            free ((char *) request->url);
            free ((char *) request->body);
        }
    free (requests);
    rc = failures ? s_fail (error_p, "%s: %s", action, failures) : 0;
    zstr_free (&failures);
    return rc;
}

//  Partition: every pair across the cut blocks the other's peer id
static int
s_partition (tf_local_control_t *self, const tf_deployer_node_t *table,
             const tf_node_control_t *request, char **error_p)
{
    bool *inside = (bool *) zmalloc ((self->count + 1) * sizeof (bool));
    for (size_t member = 0; member < request->group.count; member++) {
        ssize_t node = tf_deployer_node_find (table, self->count, request->group.items[member]);
        assert (node >= 0); //  The driver checked the group
        inside[node] = true;
    }
    size_t *pairs = (size_t *) zmalloc ((2 * self->count * self->count + 1) * sizeof (size_t));
    size_t pair_count = 0;
    int rc = 0;
    for (size_t a = 0; a < self->count && rc == 0; a++)
        for (size_t b = 0; b < self->count && rc == 0; b++)
            if (inside[a] && !inside[b]) {
                if (!table[a].peer_id || !table[b].peer_id) {
                    rc = s_fail (error_p, "partition: peer id of %s unknown",
                                 table[a].peer_id ? table[b].name : table[a].name);
                    break;
                }
                pairs[pair_count * 2] = a;
                pairs[pair_count * 2 + 1] = b;
                pair_count++;
            }
    if (rc == 0)
        rc = s_send_pairs (self, table, pairs, pair_count, false, "partition", error_p);
    free (pairs);
    free (inside);
    return rc;
}

//  Heal: unblock every blocked pair
static int
s_heal (tf_local_control_t *self, const tf_deployer_node_t *table, char **error_p)
{
    size_t *pairs = (size_t *) zmalloc ((self->count * self->count + 1) * 2 * sizeof (size_t));
    size_t pair_count = 0;
    for (size_t a = 0; a < self->count; a++)
        for (size_t b = a + 1; b < self->count; b++)
            if (self->blocked[a * self->count + b] || self->blocked[b * self->count + a]) {
                pairs[pair_count * 2] = a;
                pairs[pair_count * 2 + 1] = b;
                pair_count++;
            }
    int rc = pair_count ? s_send_pairs (self, table, pairs, pair_count, true, "heal", error_p) : 0;
    free (pairs);
    return rc;
}

int
tf_local_control_run (tf_local_control_t *self, const tf_deployer_node_t *table, size_t count,
                      const tf_node_control_t *request, char **error_p)
{
    assert (self && table && request && error_p);
    assert (count == self->count);
    const char *action = tf_control_action_str (request->action);
    ssize_t found = tf_deployer_node_find (table, count, request->node);
    size_t node = found >= 0 ? (size_t) found : 0;
    bool single = request->action != TF_CONTROL_PARTITION && request->action != TF_CONTROL_HEAL;
    assert (!single || found >= 0); //  The driver checked the name
    const char *name = single ? table[node].name : NULL;
    char text[TF_DEPLOYER_STATE_TEXT];
    tf_deployer_state_t state =
        single ? tf_local_nodes_state (self->nodes, node, text) : TF_DEPLOYER_RUNNING;
    switch (request->action) {
        case TF_CONTROL_STOP:
            if (state == TF_DEPLOYER_EXITED)
                return s_fail (error_p, "stop: node %s is already stopped", name);
            if (tf_local_nodes_kill (self->nodes, node, self->cancel))
                return s_fail (error_p, "stop: node %s did not end", name);
            return 0;
        case TF_CONTROL_RESTART:
            if (state != TF_DEPLOYER_EXITED
                && tf_local_nodes_kill (self->nodes, node, self->cancel))
                return s_fail (error_p, "restart: node %s did not end", name);
            return s_start (self, node, action, error_p);
        case TF_CONTROL_START:
            if (state != TF_DEPLOYER_EXITED)
                return s_fail (error_p, "start: node %s is already running", name);
            return s_start (self, node, action, error_p);
        case TF_CONTROL_PAUSE:
            if (state == TF_DEPLOYER_EXITED)
                return s_fail (error_p, "pause: node %s is stopped", name);
            if (state == TF_DEPLOYER_PAUSED)
                return s_fail (error_p, "pause: node %s is already paused", name);
            if (tf_local_nodes_pause (self->nodes, node))
                return s_fail (error_p, "pause: cannot signal %s: %s", name, strerror (errno));
            return 0;
        case TF_CONTROL_RESUME:
            if (state != TF_DEPLOYER_PAUSED)
                return s_fail (error_p, "resume: node %s is not paused", name);
            if (tf_local_nodes_resume (self->nodes, node))
                return s_fail (error_p, "resume: cannot signal %s: %s", name, strerror (errno));
            return 0;
        case TF_CONTROL_PARTITION:
            return s_partition (self, table, request, error_p);
        case TF_CONTROL_HEAL:
            return s_heal (self, table, error_p);
        case TF_CONTROL_COUNT:
            break;
    }
    return s_fail (error_p, "unknown node control action");
}
