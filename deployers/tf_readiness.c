//  tf_readiness.c - readiness stages and their failure message (see tf_readiness.h)

#include <czmq.h>
#include <jansson.h>
#include "tf_env.h"
#include "tf_plan.h"
#include "tf_readiness.h"

#define TF_HTTP_OK_MIN 200
#define TF_HTTP_OK_MAX 299

//  What judges a stage: sets node->ready (and what it learnt) from a 2xx
//  answer that is a JSON object
typedef void (s_judge_fn) (tf_readiness_node_t *node, json_t *root);

//  A node's line in the report of a stage that timed out (caller frees)
typedef char *(s_describe_fn) (const tf_readiness_node_t *node);

//  One stage of readiness
typedef struct {
    const char *name;                                  //  In logs and reports
    const char *(*path) (const tf_profile_t *profile); //  What to GET on each node
    s_judge_fn *judge;                                 //  Judges an answer
    s_describe_fn *describe;                           //  Explains a node not ready
} s_stage_t;

static const char *
s_info_path (const tf_profile_t *profile)
{
    return profile->info_path;
}

static const char *
s_network_path (const tf_profile_t *profile)
{
    return profile->network_path;
}

//  Only executors wait for DA peers, and only when the topology gives them a peer
static bool
s_needs_da (const tf_readiness_node_t *node)
{
    return node->role && streq (node->role, "executor") && node->expected_peers > 0;
}

static const char *
s_da_path (const tf_profile_t *profile)
{
    return profile->da_balancer_path;
}

static void
s_judge_http (tf_readiness_node_t *node, json_t *root)
{
    node->ready = true;
}

//  Enough peers; the node's peer id is kept for node control
static void
s_judge_network (tf_readiness_node_t *node, json_t *root)
{
    const char *peer_id = json_string_value (json_object_get (root, "peer_id"));
    if (peer_id)
        snprintf (node->peer_id, sizeof node->peer_id, "%s", peer_id);
    json_t *peers = json_object_get (root, "n_peers");
    if (json_is_integer (peers) && json_integer_value (peers) >= 0) {
        node->peers = (uint64_t) json_integer_value (peers);
        node->ready = node->peers >= node->expected_peers;
    }
    else
        snprintf (node->error, sizeof node->error, "no n_peers in network info");
}

//  {"<subnetwork>": {"inbound": n, "outbound": n}}: an executor needs one connection
//  to a subnetwork member at least (tf-node relays shares to the other members)
static void
s_judge_da (tf_readiness_node_t *node, json_t *root)
{
    uint64_t connections = 0;
    const char *subnet;
    json_t *stats;
    json_object_foreach (root, subnet, stats)
    {
        json_t *inbound = json_object_get (stats, "inbound");
        json_t *outbound = json_object_get (stats, "outbound");
        if (!json_is_integer (inbound) || !json_is_integer (outbound)) {
            snprintf (node->error, sizeof node->error, "subnetwork %s: no inbound/outbound",
                      subnet);
            return;
        }
        connections += (uint64_t) json_integer_value (inbound) + json_integer_value (outbound);
    }
    node->da_connections = connections;
    node->da_answered = true;
    node->ready = connections >= 1;
}

static void
s_judge_chain (tf_readiness_node_t *node, json_t *root)
{
    const char *mode = json_string_value (json_object_get (root, "mode"));
    snprintf (node->mode, sizeof node->mode, "%s", mode ? mode : "");
    node->ready = mode && streq (mode, TF_READINESS_ONLINE);
}

static char *
s_describe_http (const tf_readiness_node_t *node)
{
    if (node->ready)
        return zsys_sprintf ("api up");
    return zsys_sprintf ("api not answering (%s)", node->error[0] ? node->error : "no answer");
}

static char *
s_describe_network (const tf_readiness_node_t *node)
{
    return zsys_sprintf ("%" PRIu64 " peers (expected %u)", node->peers, node->expected_peers);
}

static char *
s_describe_da (const tf_readiness_node_t *node)
{
    if (!s_needs_da (node))
        return zsys_sprintf (node->role && streq (node->role, "executor")
                                 ? "no peer in the topology (passes)"
                                 : "not an executor (passes)");
    if (!node->da_answered)
        return zsys_sprintf ("no balancer stats (%s)", node->error[0] ? node->error : "no answer");
    return zsys_sprintf ("%" PRIu64 " subnetwork peer connections (expected >= 1)",
                         node->da_connections);
}

static char *
s_describe_chain (const tf_readiness_node_t *node)
{
    return zsys_sprintf ("mode %s (expected %s)", node->mode[0] ? node->mode : "unknown",
                         TF_READINESS_ONLINE);
}

//  The stages, in the order of tf_readiness_stage_t
static const s_stage_t s_stages[TF_READINESS_DONE] = {
    [TF_READINESS_HTTP] = {"http", s_info_path, s_judge_http, s_describe_http},
    [TF_READINESS_NETWORK] = {"network", s_network_path, s_judge_network, s_describe_network},
    [TF_READINESS_DA] = {"da", s_da_path, s_judge_da, s_describe_da},
    [TF_READINESS_CHAIN] = {"chain", s_info_path, s_judge_chain, s_describe_chain},
};

const char *
tf_readiness_stage_name (tf_readiness_stage_t stage)
{
    if (stage == TF_READINESS_DONE)
        return "done";
    return stage < TF_READINESS_DONE ? s_stages[stage].name : "unknown";
}

const char *
tf_readiness_stage_path (tf_readiness_stage_t stage, const tf_profile_t *profile)
{
    assert (stage < TF_READINESS_DONE && profile);
    return s_stages[stage].path (profile);
}

int64_t
tf_readiness_timeout_ms (void)
{
    int64_t timeout_ms = tf_env_readiness_timeout_ms ();
    if (timeout_ms < 0)
        timeout_ms = TF_READINESS_TIMEOUT_MS;
    const char *slow = getenv ("SLOW_TEST_ENV");
    bool is_slow = slow && (streq (slow, "true") || streq (slow, "1"));
    return is_slow ? timeout_ms * TF_READINESS_SLOW_FACTOR : timeout_ms;
}

//  One node's line, without its indentation
static void
s_describe (tf_readiness_stage_t stage, const tf_readiness_node_t *node, zchunk_t *text)
{
    char *line = node->exited ? zsys_sprintf ("process %s (log: %s)", node->exit_text,
                                              node->log_path ? node->log_path : "none")
                              : s_stages[stage].describe (node);
    char *full =
        node->url ? zsys_sprintf ("\n  %s#%u@%s: %s", node->role, node->index, node->url, line)
        : node->host
            ? zsys_sprintf ("\n  %s#%u@%u on host %s: %s", node->role, node->index, node->http_port,
                            node->host, line)
            : zsys_sprintf ("\n  %s#%u@%u: %s", node->role, node->index, node->http_port, line);
    zchunk_extend (text, full, strlen (full));
    zstr_free (&full);
    zstr_free (&line);
}

char *
tf_readiness_report (tf_readiness_stage_t stage, bool timed_out, const tf_readiness_node_t *nodes,
                     size_t count)
{
    assert ((nodes || count == 0) && stage < TF_READINESS_DONE);
    zchunk_t *text = zchunk_new (NULL, 0);
    char *head = timed_out ? zsys_sprintf ("timed out waiting for %s readiness:",
                                           tf_readiness_stage_name (stage))
                           : zsys_sprintf ("node process exited during %s readiness:",
                                           tf_readiness_stage_name (stage));
    zchunk_extend (text, head, strlen (head));
    zstr_free (&head);
    for (size_t index = 0; index < count; index++)
        s_describe (stage, &nodes[index], text);
    zchunk_extend (text, "", 1);
    char *report = strdup ((char *) zchunk_data (text));
    zchunk_destroy (&text);
    return report;
}

void
tf_readiness_observe (tf_readiness_stage_t stage, tf_readiness_node_t *node, long status,
                      const char *answer)
{
    assert (node && stage < TF_READINESS_DONE);
    node->ready = false;
    if (stage == TF_READINESS_DA && !s_needs_da (node)) {
        node->ready = true; //  Validators have no balancer to wait for
        return;
    }
    if (status < TF_HTTP_OK_MIN || status > TF_HTTP_OK_MAX) {
        if (status == 0)
            snprintf (node->error, sizeof node->error, "%s", answer ? answer : "no answer");
        else
            snprintf (node->error, sizeof node->error, "HTTP %ld", status);
        return;
    }
    json_t *root = answer ? json_loads (answer, 0, NULL) : NULL;
    if (!json_is_object (root)) {
        snprintf (node->error, sizeof node->error, "answer is not a JSON object");
        json_decref (root);
        return;
    }
    node->error[0] = 0;
    s_stages[stage].judge (node, root);
    json_decref (root);
}
