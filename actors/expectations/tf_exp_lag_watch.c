//  tf_exp_lag_watch.c - a node left behind the others, seen while the run goes

#include <czmq.h>
#include "tf_exp_lag_watch.h"

#define S_EXEMPT_FOREVER UINT64_MAX //  Until node control brings the node back

typedef struct {
    uint64_t height;       //  Last height it answered with
    bool up;               //  Its last sample answered
    uint64_t behind_since; //  Unix ms it fell more than max_lag behind; 0: it is not
    uint64_t exempt_until; //  Unix ms; node control is acting on it before then
} s_node_t;

struct tf_exp_lag_watch_t {
    uint64_t max_lag;
    int64_t window_ms;
    zhashx_t *nodes; //  name -> s_node_t (owned)
};

static void
s_free_node (void **item_p)
{
    free (*item_p);
    *item_p = NULL;
}

tf_exp_lag_watch_t *
tf_exp_lag_watch_new (uint64_t max_lag, int64_t window_ms)
{
    tf_exp_lag_watch_t *self = (tf_exp_lag_watch_t *) zmalloc (sizeof (tf_exp_lag_watch_t));
    self->max_lag = max_lag;
    self->window_ms = window_ms;
    self->nodes = zhashx_new ();
    zhashx_set_destructor (self->nodes, s_free_node);
    return self;
}

void
tf_exp_lag_watch_destroy (tf_exp_lag_watch_t **self_p)
{
    assert (self_p);
    tf_exp_lag_watch_t *self = *self_p;
    if (!self)
        return;
    zhashx_destroy (&self->nodes);
    free (self);
    *self_p = NULL;
}

static s_node_t *
s_node (tf_exp_lag_watch_t *self, const char *name)
{
    s_node_t *node = (s_node_t *) zhashx_lookup (self->nodes, name);
    if (!node) {
        node = (s_node_t *) zmalloc (sizeof (s_node_t));
        zhashx_insert (self->nodes, name, node);
    }
    return node;
}

//  Set the exemption of each node of a comma-separated list
static void
s_exempt (tf_exp_lag_watch_t *self, const char *list, uint64_t until)
{
    char *names = strdup (list);
    char *saveptr = NULL;
    for (char *name = strtok_r (names, ",", &saveptr); name;
         name = strtok_r (NULL, ",", &saveptr)) {
        s_node_t *node = s_node (self, name);
        node->exempt_until = until;
        node->behind_since = 0;
    }
    free (names);
}

//  Every node known, for heal (it undoes every cut)
static void
s_exempt_all (tf_exp_lag_watch_t *self, uint64_t until)
{
    for (s_node_t *node = (s_node_t *) zhashx_first (self->nodes); node;
         node = (s_node_t *) zhashx_next (self->nodes)) {
        node->exempt_until = until;
        node->behind_since = 0;
    }
}

//  Exempt the event's node (or group), or every node when it names none
static void
s_exempt_target (tf_exp_lag_watch_t *self, const tf_run_event_t *event, uint64_t until)
{
    if (event->node && *event->node)
        s_exempt (self, event->node, until);
    else
        s_exempt_all (self, until);
}

void
tf_exp_lag_watch_event (tf_exp_lag_watch_t *self, const tf_run_event_t *event)
{
    assert (self && event);
    bool request = streq (event->kind, "node.control");
    bool done = streq (event->kind, "node.control.done");
    bool failed = streq (event->kind, "node.control.failed");
    if ((!request && !done && !failed) || !event->detail)
        return;
    //  The detail starts with the action: "pause requested by ...", "pause validator-1 ok".
    //  An action this watch does not know (a runner's own) counts as bringing down.
    size_t length = strcspn (event->detail, " ");
    tf_control_action_t action;
    if (tf_control_action_parse (event->detail, length, &action))
        action = TF_CONTROL_PAUSE;
    if (action == TF_CONTROL_LOSS || action == TF_CONTROL_BANDWIDTH)
        return; //  A degraded network the nodes must keep up through: still judged
    bool brings_back =
        action == TF_CONTROL_START || action == TF_CONTROL_RESUME || action == TF_CONTROL_HEAL;
    uint64_t grace = event->at_ms + (uint64_t) self->window_ms;
    if (request) {
        //  Down from the request on; a request to bring back changes nothing
        //  until it is done. Both sides of a partition may fall behind.
        if (action == TF_CONTROL_PARTITION)
            s_exempt_all (self, S_EXEMPT_FOREVER);
        else if (!brings_back)
            s_exempt_target (self, event, S_EXEMPT_FOREVER);
    }
    else if (action == TF_CONTROL_HEAL || (failed && action == TF_CONTROL_PARTITION))
        s_exempt_all (self, grace); //  Every cut undone (or none made)
    else if (brings_back || action == TF_CONTROL_RESTART || failed)
        s_exempt_target (self, event, grace); //  Back up: the window to catch up
}

void
tf_exp_lag_watch_sample (tf_exp_lag_watch_t *self, const char *name, uint64_t height, bool up,
                         uint64_t at_ms)
{
    assert (self && name);
    (void) at_ms;
    s_node_t *node = s_node (self, name);
    node->up = up;
    if (up)
        node->height = height;
}

char *
tf_exp_lag_watch_check (tf_exp_lag_watch_t *self, uint64_t now_ms)
{
    assert (self);
    uint64_t best = 0;
    const char *best_name = NULL;
    for (s_node_t *node = (s_node_t *) zhashx_first (self->nodes); node;
         node = (s_node_t *) zhashx_next (self->nodes))
        if (node->up) {
            //  Ties go to the first name, so messages do not depend on hash order
            const char *name = (const char *) zhashx_cursor (self->nodes);
            if (node->height > best
                || (node->height == best && best_name && strcmp (name, best_name) < 0)
                || !best_name) {
                best = node->height;
                best_name = name;
            }
        }
    char *message = NULL;
    for (s_node_t *node = (s_node_t *) zhashx_first (self->nodes); node;
         node = (s_node_t *) zhashx_next (self->nodes)) {
        if (now_ms < node->exempt_until || node->height + self->max_lag >= best) {
            node->behind_since = 0;
            continue;
        }
        if (!node->behind_since)
            node->behind_since = now_ms;
        uint64_t behind = now_ms - node->behind_since;
        if (message || behind <= (uint64_t) self->window_ms)
            continue;
        message = zsys_sprintf (
            "%s lags: at height %" PRIu64 "%s, %" PRIu64 " blocks behind %s (height %" PRIu64
            ") for %.1f s (max_lag %" PRIu64 " blocks, lag_window %.1f s)",
            (const char *) zhashx_cursor (self->nodes), node->height,
            node->up ? "" : " and not answering", best - node->height, best_name, best,
            (double) behind / 1000.0, self->max_lag, (double) self->window_ms / 1000.0);
    }
    return message;
}
