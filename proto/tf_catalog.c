//  tf_catalog.c - the built-in workload and expectation kinds, and the runners
//
//  Defaults are spelt as a user would write them in YAML, so the loader parses
//  them with the same code as user values and `tf catalog` prints them as is.

#include "tf_catalog.h"
#include <czmq.h>
#include <math.h>

#define TF_CATALOG_NO_MAX       INFINITY             //  No upper bound
#define TF_CATALOG_MAX_DELAY_MS (24.0 * 3600 * 1000) //  Longest chaos delay or window
#define TF_CATALOG_NAMES_SIZE   512                  //  Room for a list of names
#define TF_CATALOG_BOUND_SIZE   32                   //  Room for one bound, printed
#define TF_CATALOG_MAX_TPS      1000000              //  Highest open-loop rate
#define TF_CATALOG_MAX_FANOUT   64                   //  Outputs of one fan-out tx (tf-node's cap)
#define TF_CATALOG_MAX_WORKERS  64                   //  Submission threads of one workload

#define S_KNOBS(array) array, sizeof (array) / sizeof (array)[0]

static const tf_catalog_knob_t s_transactions_knobs[] = {
    {"rate", TF_KNOB_INT, "1", 1, TF_CATALOG_NO_MAX, false, "transactions submitted per block"},
    {"users", TF_KNOB_INT, "1", 1, TF_PLAN_MAX_WALLETS, false,
     "distinct wallets that send them (at most `wallets`)"},
    {"tps", TF_KNOB_INT, "0", 0, TF_CATALOG_MAX_TPS, false,
     "transactions per second on a fixed schedule (open loop); above 0 it replaces rate"},
    {"notes", TF_KNOB_INT, "0", 0, TF_CATALOG_MAX_FANOUT, false,
     "spendable notes each user keeps (fan-out at capture, refills); 0: from the rate"},
    {"workers", TF_KNOB_INT, "0", 0, TF_CATALOG_MAX_WORKERS, false,
     "submission threads, each with a keep-alive connection per node; 0: from the rate"},
};

static const tf_catalog_knob_t s_da_knobs[] = {
    {"channel_rate", TF_KNOB_INT, "1", 1, TF_CATALOG_NO_MAX, false,
     "channels inscribed: channel_rate + ceil (channel_rate x headroom / 100)"},
    {"blob_rate", TF_KNOB_INT, "1", 1, TF_CATALOG_NO_MAX, false,
     "blobs dispersed: blob_rate x max (expected_blocks / security_param, 1), over the channels"},
    {"headroom", TF_KNOB_INT, "20", 0, 1000, false, "extra channels, percent of channel_rate"},
};

static const tf_catalog_knob_t s_restart_knobs[] = {
    {"validators", TF_KNOB_BOOL, "true", 0, 0, false,
     "restart validators (only when there are two or more)"},
    {"executors", TF_KNOB_BOOL, "true", 0, 0, false, "restart executors"},
    {"min_delay", TF_KNOB_DURATION, "45s", 0, TF_CATALOG_MAX_DELAY_MS, true,
     "shortest time between two restarts"},
    {"max_delay", TF_KNOB_DURATION, "75s", 0, TF_CATALOG_MAX_DELAY_MS, true,
     "longest time between two restarts"},
    {"target_cooldown", TF_KNOB_DURATION, "120s", 0, TF_CATALOG_MAX_DELAY_MS, false,
     "a node is not restarted again within this time"},
};

static const tf_catalog_knob_t s_partition_knobs[] = {
    {"delay", TF_KNOB_DURATION, "10s", 0, TF_CATALOG_MAX_DELAY_MS, false,
     "time from the start of execute to the cut"},
    {"window", TF_KNOB_DURATION, "20s", 0, TF_CATALOG_MAX_DELAY_MS, true,
     "how long the partition lasts"},
    {"group", TF_KNOB_STR, "", 0, 0, false,
     "nodes cut off, comma-separated (validator-1,executor-0); empty: one at random"},
    {"heal", TF_KNOB_BOOL, "true", 0, 0, false, "heal the partition after the window"},
};

static const tf_catalog_knob_t s_pause_knobs[] = {
    {"delay", TF_KNOB_DURATION, "10s", 0, TF_CATALOG_MAX_DELAY_MS, false,
     "time from the start of execute to the pause"},
    {"window", TF_KNOB_DURATION, "10s", 0, TF_CATALOG_MAX_DELAY_MS, true,
     "how long the node stays paused"},
    {"node", TF_KNOB_STR, "", 0, 0, false, "node to pause (validator-0); empty: one at random"},
};

static const tf_catalog_knob_t s_loss_knobs[] = {
    {"delay", TF_KNOB_DURATION, "10s", 0, TF_CATALOG_MAX_DELAY_MS, false,
     "time from the start of execute to the loss"},
    {"window", TF_KNOB_DURATION, "20s", 0, TF_CATALOG_MAX_DELAY_MS, true,
     "how long the loss lasts"},
    {"nodes", TF_KNOB_STR, "", 0, 0, false,
     "nodes that lose packets, comma-separated (validator-1,executor-0); empty: one at random"},
    {"percent", TF_KNOB_INT, "30", 1, 100, false,
     "share of each node's swarm packets dropped, both ways"},
};

static const tf_catalog_knob_t s_bandwidth_knobs[] = {
    {"delay", TF_KNOB_DURATION, "10s", 0, TF_CATALOG_MAX_DELAY_MS, false,
     "time from the start of execute to the limit"},
    {"window", TF_KNOB_DURATION, "20s", 0, TF_CATALOG_MAX_DELAY_MS, true,
     "how long the limit lasts"},
    {"nodes", TF_KNOB_STR, "", 0, 0, false,
     "nodes whose egress is limited, comma-separated (validator-1,executor-0); empty: one at "
     "random"},
    {"rate_kbit", TF_KNOB_INT, "1000", 8, 10000000, false,
     "each node's egress limit in kbit/s (a token bucket, 20 ms of burst)"},
};

static const tf_catalog_knob_t s_liveness_knobs[] = {
    {"tolerance", TF_KNOB_FLOAT, "0.8", 0, 1, true,
     "share of the expected blocks every validator must reach"},
    {"minimum", TF_KNOB_INT, "0", 0, TF_CATALOG_NO_MAX, false,
     "fixed block height every validator must reach; 0: use tolerance"},
    {"agreement", TF_KNOB_BOOL, "true", 0, 0, false,
     "validators must agree on the chain up to the last irreversible block"},
    {"max_stall", TF_KNOB_DURATION, "0s", 0, TF_CATALOG_MAX_DELAY_MS, false,
     "fail at once when the feed gets no new block for this long during execute; "
     "0: 20 block intervals, at least 5s"},
    {"max_lag", TF_KNOB_INT, "0", 0, TF_CATALOG_NO_MAX, false,
     "blocks a node may be behind the best during execute; 0: 2 x security_param, at least 10"},
    {"lag_window", TF_KNOB_DURATION, "0s", 0, TF_CATALOG_MAX_DELAY_MS, false,
     "how long a node may stay more than max_lag behind; 0: 20 block intervals, at least 10s"},
};

static const tf_catalog_knob_t s_tx_inclusion_knobs[] = {
    {"min_ratio", TF_KNOB_FLOAT, "0.5", 0, 1, true,
     "share of submitted transactions that must be included"},
};

static const tf_catalog_knob_t s_tx_throughput_knobs[] = {
    {"min_accepted_tps", TF_KNOB_FLOAT, "0", 0, TF_CATALOG_NO_MAX, false,
     "accepted transactions per second over the workloads' execute at least; 0: not judged"},
    {"min_included_tps", TF_KNOB_FLOAT, "0", 0, TF_CATALOG_NO_MAX, false,
     "included transactions per second over the workloads' execute at least; 0: not judged"},
    {"max_latency_p99", TF_KNOB_DURATION, "0s", 0, TF_CATALOG_MAX_DELAY_MS, false,
     "p99 from planned send to first block at most (never included: too slow); 0: not judged"},
    {"max_latency_lib_p99", TF_KNOB_DURATION, "0s", 0, TF_CATALOG_MAX_DELAY_MS, false,
     "p99 from planned send to the LIB at most; 0: not judged"},
};

static const tf_catalog_knob_t s_block_production_knobs[] = {
    {"min_blocks", TF_KNOB_INT, "1", 1, TF_CATALOG_NO_MAX, false,
     "blocks the nodes' Prometheus metrics must show at least"},
};

static const tf_catalog_knob_t s_prometheus_query_knobs[] = {
    {"query", TF_KNOB_STR, "", 0, 0, false, "PromQL instant query of the run's Prometheus server"},
    {"op", TF_KNOB_STR, ">", 0, 0, false, "comparison: <, <=, >, >=, == or !="},
    {"value", TF_KNOB_FLOAT, "0", -TF_CATALOG_NO_MAX, TF_CATALOG_NO_MAX, false,
     "the number the answer is compared with"},
    {"during", TF_KNOB_STR, "evaluate", 0, 0, false,
     "evaluate: checked once at evaluate; run: at every check during execute"},
    {"for_each", TF_KNOB_BOOL, "false", 0, 0, false,
     "every series of the answer must hold (else the answer must be one value)"},
};

static const tf_catalog_knob_t s_node_resources_knobs[] = {
    {"max_rss", TF_KNOB_STR, "0", 0, 0, false,
     "highest peak resident memory of any node: bytes or a size (512MiB, 200MB); 0: not judged"},
    {"max_restarts", TF_KNOB_INT, "0", 0, TF_CATALOG_NO_MAX, false,
     "exits or restarts of a node that node control did not ask for, at most"},
};

static const tf_catalog_knob_t s_da_inclusion_knobs[] = {
    {"min_ratio", TF_KNOB_FLOAT, "0.8", 0, 1, true,
     "share of the inscribed channels that must be included"},
    {"blob_min_ratio", TF_KNOB_FLOAT, "0.5", 0, 1, true,
     "share of the planned blobs whose ChannelBlob op must be included"},
    {"sample", TF_KNOB_BOOL, "true", 0, 0, false,
     "an included blob must also be sampled available on a validator at evaluate"},
};

#define S_ACTION TF_CATALOG_ACTION

static const tf_catalog_kind_t s_kinds[] = {
    {"transactions", TF_ROLE_WORKLOAD, "tf-workload-transactions", TF_CATALOG_NEEDS_WALLETS, 0,
     NULL, "submits user transactions from seeded wallets, per block or per second",
     S_KNOBS (s_transactions_knobs)},
    {"da", TF_ROLE_WORKLOAD, "tf-workload-da", TF_CATALOG_NEEDS_EXECUTORS, 0, NULL,
     "inscribes channels and publishes blobs through the executors", S_KNOBS (s_da_knobs)},
    {"chaos_random_restart", TF_ROLE_WORKLOAD, "tf-workload-chaos-random-restart", 0,
     S_ACTION (TF_CONTROL_RESTART), NULL, "restarts random nodes on a seeded schedule",
     S_KNOBS (s_restart_knobs)},
    {"chaos_partition", TF_ROLE_WORKLOAD, "tf-workload-chaos-partition", 0,
     S_ACTION (TF_CONTROL_PARTITION) | S_ACTION (TF_CONTROL_HEAL), NULL,
     "cuts a group of nodes off the network for a window", S_KNOBS (s_partition_knobs)},
    {"chaos_pause", TF_ROLE_WORKLOAD, "tf-workload-chaos-pause", 0,
     S_ACTION (TF_CONTROL_PAUSE) | S_ACTION (TF_CONTROL_RESUME), NULL,
     "pauses one node (SIGSTOP) for a window, then resumes it", S_KNOBS (s_pause_knobs)},
    {"chaos_loss", TF_ROLE_WORKLOAD, "tf-workload-chaos-loss", 0, S_ACTION (TF_CONTROL_LOSS), NULL,
     "drops a share of some nodes' swarm packets for a window", S_KNOBS (s_loss_knobs)},
    {"chaos_bandwidth", TF_ROLE_WORKLOAD, "tf-workload-chaos-bandwidth", 0,
     S_ACTION (TF_CONTROL_BANDWIDTH), NULL, "limits some nodes' egress to a rate for a window",
     S_KNOBS (s_bandwidth_knobs)},
    {"consensus_liveness", TF_ROLE_EXPECTATION, "tf-expect-consensus-liveness", 0, 0, NULL,
     "every validator reaches the expected block height", S_KNOBS (s_liveness_knobs)},
    {"tx_inclusion", TF_ROLE_EXPECTATION, "tf-expect-tx-inclusion", 0, 0, "transactions",
     "submitted transactions appear in blocks", S_KNOBS (s_tx_inclusion_knobs)},
    {"tx_throughput", TF_ROLE_EXPECTATION, "tf-expect-tx-throughput", 0, 0, "transactions",
     "the transactions workloads reach a throughput and keep a latency",
     S_KNOBS (s_tx_throughput_knobs)},
    {"prometheus_block_production", TF_ROLE_EXPECTATION, "tf-expect-prometheus-block-production", 0,
     0, NULL, "the nodes' Prometheus metrics show blocks being produced",
     S_KNOBS (s_block_production_knobs)},
    {"prometheus_query", TF_ROLE_EXPECTATION, "tf-expect-prometheus-query", 0, 0, NULL,
     "a PromQL query of the run's Prometheus server compares with a value",
     S_KNOBS (s_prometheus_query_knobs)},
    {"da_inclusion", TF_ROLE_EXPECTATION, "tf-expect-da-inclusion", 0, 0, "da",
     "planned channel operations and blobs are included", S_KNOBS (s_da_inclusion_knobs)},
    {"node_resources", TF_ROLE_EXPECTATION, "tf-expect-node-resources", 0, 0, NULL,
     "each node's peak memory and its exits node control did not ask for stay within limits",
     S_KNOBS (s_node_resources_knobs)},
};

#define S_KIND_COUNT (sizeof s_kinds / sizeof s_kinds[0])

//  What the local runner's node control can do: everything but network faults
#define S_LOCAL_ACTIONS                                                                            \
    (S_ACTION (TF_CONTROL_RESTART) | S_ACTION (TF_CONTROL_STOP) | S_ACTION (TF_CONTROL_START)      \
     | S_ACTION (TF_CONTROL_PAUSE) | S_ACTION (TF_CONTROL_RESUME)                                  \
     | S_ACTION (TF_CONTROL_PARTITION) | S_ACTION (TF_CONTROL_HEAL))

//  What the k8s runner's node control can do: restart (delete the pod), stop
//  and start (scale 0/1), partition and heal (NetworkPolicy); a pod cannot be
//  frozen or its packets shaped through the API
#define S_K8S_ACTIONS                                                                              \
    (S_ACTION (TF_CONTROL_RESTART) | S_ACTION (TF_CONTROL_STOP) | S_ACTION (TF_CONTROL_START)      \
     | S_ACTION (TF_CONTROL_PARTITION) | S_ACTION (TF_CONTROL_HEAL))

static const tf_catalog_runner_t s_runners[] = {
    {"local", "tf-deployer-local", S_LOCAL_ACTIONS, true, false, "node processes on this host"},
    {"compose", "tf-deployer-compose", TF_CATALOG_ALL_ACTIONS, true, false,
     "one container per node on a Docker engine, brought up with Compose"},
    {"k8s", "tf-deployer-k8s", S_K8S_ACTIONS, true, false,
     "one Deployment and Service per node in a Kubernetes namespace, through kubectl"},
    {"external", "tf-deployer-external", 0, true, false,
     "nodes someone else runs, given by URL: no deploy, no cleanup"},
    {"none", "tf-deployer-none", 0, false, false,
     "deploys no nodes, for testing the framework itself"},
    {"replay", "tf-deployer-replay", 0, false, true,
     "plays a past run's recording back to its expectations (tf replay)"},
};

#define S_RUNNER_COUNT (sizeof s_runners / sizeof s_runners[0])

//  Linear search: the catalogue has a handful of kinds
const tf_catalog_kind_t *
tf_catalog_kind (const char *kind)
{
    if (!kind)
        return NULL;
    for (size_t index = 0; index < S_KIND_COUNT; index++)
        if (streq (s_kinds[index].kind, kind))
            return &s_kinds[index];
    return NULL;
}

//  Number of kinds in the catalogue
size_t
tf_catalog_kind_count (void)
{
    return S_KIND_COUNT;
}

//  Kind at index, or NULL past the end
const tf_catalog_kind_t *
tf_catalog_kind_at (size_t index)
{
    return index < S_KIND_COUNT ? &s_kinds[index] : NULL;
}

//  Knob of a kind by name, or NULL
const tf_catalog_knob_t *
tf_catalog_knob (const tf_catalog_kind_t *kind, const char *name)
{
    assert (kind);
    if (!name)
        return NULL;
    for (size_t index = 0; index < kind->knob_count; index++)
        if (streq (kind->knobs[index].name, name))
            return &kind->knobs[index];
    return NULL;
}

//  Runner by name, or NULL
const tf_catalog_runner_t *
tf_catalog_runner (const char *name)
{
    if (!name)
        return NULL;
    for (size_t index = 0; index < S_RUNNER_COUNT; index++)
        if (streq (s_runners[index].name, name))
            return &s_runners[index];
    return NULL;
}

//  The node profiles (deployers/tf_profile.c has one row for each)
static const char *const s_profiles[] = {"tf-node"};
#define S_PROFILE_COUNT (sizeof s_profiles / sizeof s_profiles[0])

bool
tf_catalog_profile (const char *name)
{
    for (size_t index = 0; name && index < S_PROFILE_COUNT; index++)
        if (streq (s_profiles[index], name))
            return true;
    return false;
}

size_t
tf_catalog_profile_count (void)
{
    return S_PROFILE_COUNT;
}

const char *
tf_catalog_profile_at (size_t index)
{
    return index < S_PROFILE_COUNT ? s_profiles[index] : NULL;
}

//  Number of runners
size_t
tf_catalog_runner_count (void)
{
    return S_RUNNER_COUNT;
}

//  Runner at index, or NULL past the end
const tf_catalog_runner_t *
tf_catalog_runner_at (size_t index)
{
    return index < S_RUNNER_COUNT ? &s_runners[index] : NULL;
}

//  Role as scenarios spell it
const char *
tf_catalog_role_str (tf_role_t role)
{
    return role == TF_ROLE_WORKLOAD ? "workload" : "expectation";
}

//  Knob type as error messages and `tf catalog` name it
const char *
tf_catalog_type_str (tf_knob_type_t type)
{
    switch (type) {
        case TF_KNOB_INT:
            return "integer";
        case TF_KNOB_FLOAT:
            return "number";
        case TF_KNOB_BOOL:
            return "bool";
        case TF_KNOB_STR:
            return "string";
        case TF_KNOB_DURATION:
            return "duration";
    }
    return "?";
}

//  Append one name to a comma-separated list held in a fixed buffer
static void
s_append_name (char *list, size_t size, const char *name)
{
    size_t used = strlen (list);
    snprintf (list + used, size - used, "%s%s", used ? ", " : "", name);
}

//  Kinds of one role, comma-separated; caller frees
char *
tf_catalog_kind_names (tf_role_t role)
{
    char list[TF_CATALOG_NAMES_SIZE] = "";
    for (size_t index = 0; index < S_KIND_COUNT; index++)
        if (s_kinds[index].role == role)
            s_append_name (list, sizeof list, s_kinds[index].kind);
    return strdup (list);
}

//  Knobs of a kind, comma-separated; caller frees
char *
tf_catalog_knob_names (const tf_catalog_kind_t *kind)
{
    assert (kind);
    char list[TF_CATALOG_NAMES_SIZE] = "";
    for (size_t index = 0; index < kind->knob_count; index++)
        s_append_name (list, sizeof list, kind->knobs[index].name);
    return strdup (list);
}

//  Runners, comma-separated; caller frees
char *
tf_catalog_runner_names (void)
{
    char list[TF_CATALOG_NAMES_SIZE] = "";
    for (size_t index = 0; index < S_RUNNER_COUNT; index++)
        s_append_name (list, sizeof list, s_runners[index].name);
    return strdup (list);
}

char *
tf_catalog_profile_names (void)
{
    char list[TF_CATALOG_NAMES_SIZE] = "";
    for (size_t index = 0; index < S_PROFILE_COUNT; index++)
        s_append_name (list, sizeof list, s_profiles[index]);
    return strdup (list);
}

//  Node-control actions of a set, comma-separated; caller frees
char *
tf_catalog_action_names (unsigned actions)
{
    char list[TF_CATALOG_NAMES_SIZE] = "";
    for (int action = 0; action < TF_CONTROL_COUNT; action++)
        if (actions & TF_CATALOG_ACTION (action))
            s_append_name (list, sizeof list, tf_control_action_str ((tf_control_action_t) action));
    return strdup (list);
}

//  Print one bound of a numeric knob in the knob's own spelling
static void
s_bound_text (tf_knob_type_t type, double bound, char *out, size_t size)
{
    if (type == TF_KNOB_DURATION)
        tf_plan_duration_format ((int64_t) bound, out, size);
    else if (type == TF_KNOB_INT)
        snprintf (out, size, "%.0f", bound); //  %g would write 1e+06
    else
        snprintf (out, size, "%g", bound);
}

//  ">= 1", "> 0 and <= 1", "between 0ms and 24h", or "" (no range)
void
tf_catalog_knob_range (const tf_catalog_knob_t *knob, char *out, size_t size)
{
    assert (knob && out && size > 0);
    if (knob->type == TF_KNOB_BOOL || knob->type == TF_KNOB_STR) {
        *out = 0;
        return;
    }
    char low[TF_CATALOG_BOUND_SIZE], high[TF_CATALOG_BOUND_SIZE];
    s_bound_text (knob->type, knob->minimum, low, sizeof low);
    s_bound_text (knob->type, knob->maximum, high, sizeof high);
    if (isinf (knob->maximum))
        snprintf (out, size, "%s %s", knob->exclusive_minimum ? ">" : ">=", low);
    else if (knob->exclusive_minimum)
        snprintf (out, size, "> %s and <= %s", low, high);
    else
        snprintf (out, size, "between %s and %s", low, high);
}
