//  tf_local_config.c - the files and commands of the nodes one host runs (see
//  tf_local_config.h)

#include "tf_local_config.h"
#include "tf_genesis.h"
#include "tf_keys.h"
#include "tf_node_spec.h"
#include "tf_topology.h"

//  The node's environment variables, with their older NOMOS_ spellings
static const char *const s_env_names[][2] = {
    {"LOGOS_BLOCKCHAIN_LOG_DIR", "NOMOS_LOG_DIR"},
    {"LOGOS_BLOCKCHAIN_LOG_LEVEL", "NOMOS_LOG_LEVEL"},
    {"LOGOS_BLOCKCHAIN_LOG_FILTER", "NOMOS_LOG_FILTER"},
};
#define S_ENV_COUNT (sizeof s_env_names / sizeof s_env_names[0])

const char *
tf_local_config_env (const char *name, const char *alias)
{
    const char *value = getenv (name);
    if (!value || !*value)
        value = getenv (alias);
    return value && *value ? value : NULL;
}

//  The shared deployment file's text with the profile's template (caller frees)
static char *
s_deployment_text (const tf_profile_t *profile, const tf_deployment_spec_t *deployment)
{
    char *text = NULL;
    size_t size = 0;
    FILE *memory = open_memstream (&text, &size);
    assert (memory);
    profile->print_deployment (deployment, memory);
    fclose (memory);
    return text;
}

//  Write one node's two files with the profile's config templates: its node
//  file, and the deployment file (deployment_text), which the host's first
//  node (first) holds and every other node of the host shares (a hard link: a
//  large genesis is written once)
static int
s_write_node_files (tf_local_nodes_t *nodes, const tf_profile_t *profile, size_t node, size_t first,
                    const tf_node_spec_t *config, const char *deployment_text)
{
    char *text = NULL;
    size_t size = 0;
    FILE *memory = open_memstream (&text, &size);
    assert (memory);
    profile->print_node (config, memory);
    fclose (memory);
    char *path = zsys_sprintf ("%s/%s", tf_local_nodes_dir (nodes, node), profile->node_file);
    int rc = tf_node_spec_write_file (path, text);
    zstr_free (&path);
    free (text);
    char *first_path =
        zsys_sprintf ("%s/%s", tf_local_nodes_dir (nodes, first), profile->deployment_file);
    path = zsys_sprintf ("%s/%s", tf_local_nodes_dir (nodes, node), profile->deployment_file);
    if (rc == 0)
        rc = node == first ? tf_node_spec_write_file (path, deployment_text)
                           : tf_node_spec_share_file (first_path, path, deployment_text);
    zstr_free (&path);
    zstr_free (&first_path);
    return rc;
}

//  Set the command of every node mine marks: the profile's command line, the log variables
static int
s_set_commands (tf_local_nodes_t *nodes, const tf_profile_t *profile, const char *binary,
                const bool *mine)
{
    char *env[S_ENV_COUNT + 1];
    size_t env_count = 0;
    for (size_t index = 0; index < S_ENV_COUNT; index++) {
        const char *value = tf_local_config_env (s_env_names[index][0], s_env_names[index][1]);
        if (value)
            env[env_count++] = zsys_sprintf ("%s=%s", s_env_names[index][0], value);
    }
    env[env_count] = NULL;
    int rc = 0;
    for (size_t node = 0; node < tf_local_nodes_count (nodes) && rc == 0; node++) {
        if (mine && !mine[node])
            continue;
        char *argv[TF_PROFILE_MAX_ARGS + 1];
        int argc = tf_profile_argv (profile, binary, tf_local_nodes_dir (nodes, node), argv);
        if (argc <= 0) {
            rc = -1;
            break;
        }
        tf_local_nodes_set_command (nodes, node, argv, env);
        for (int index = 0; index < argc; index++)
            free (argv[index]);
    }
    for (size_t index = 0; index < env_count; index++)
        zstr_free (&env[index]);
    return rc;
}

int
tf_local_config_write (tf_local_nodes_t *nodes, const tf_plan_t *plan, const tf_profile_t *profile,
                       const char *binary, const char *start_time, const tf_local_peer_t *peers,
                       const bool *mine, const char *address)
{
    assert (nodes && plan && profile && binary && start_time && peers);
    tf_genesis_t *genesis = tf_genesis_new (plan);
    if (!genesis)
        return -1;
    int rc = -1;
    size_t count = tf_local_nodes_count (nodes);
    tf_deployment_spec_t deployment = {.slot_ms = plan->slot_ms,
                                       .chain_start_time = start_time,
                                       .security_param = plan->security_param,
                                       .active_slot_coeff = plan->active_slot_coeff,
                                       .genesis = genesis};
    const char *log_level = tf_local_config_env ("LOGOS_BLOCKCHAIN_LOG_LEVEL", "NOMOS_LOG_LEVEL");
    const char *log_filter =
        tf_local_config_env ("LOGOS_BLOCKCHAIN_LOG_FILTER", "NOMOS_LOG_FILTER");
    char *deployment_text = s_deployment_text (profile, &deployment);
    uint32_t *initial = (uint32_t *) zmalloc (TF_PLAN_MAX_NODES * sizeof (uint32_t));
    uint16_t *peer_ports = (uint16_t *) zmalloc (TF_PLAN_MAX_NODES * sizeof (uint16_t));
    const char **peer_hosts = (const char **) zmalloc (TF_PLAN_MAX_NODES * sizeof (char *));
    size_t first = 0; //  The host's first node holds the deployment file
    while (mine && first < count && !mine[first])
        first++;
    for (uint32_t global = 0; global < count; global++) {
        if (mine && !mine[global])
            continue;
        size_t peer_count = tf_topology_initial_peers (plan->network, (uint32_t) count, global,
                                                       initial, TF_PLAN_MAX_NODES);
        for (size_t peer = 0; peer < peer_count; peer++) {
            peer_ports[peer] = peers[initial[peer]].p2p_port;
            peer_hosts[peer] =
                peers[initial[peer]].host ? peers[initial[peer]].host : TF_NODE_SPEC_HOST;
        }
        uint8_t node_key[TF_KEYS_SEED_SIZE];
        if (tf_keys_seed (TF_KEYS_PURPOSE_NODE, plan->seed, global, node_key))
            goto out;
        tf_node_spec_t config = {
            .api_host = address,
            .p2p_host = address,
            .peer_hosts = peer_hosts,
            .http_port = tf_local_nodes_port (nodes, global, TF_LOCAL_PORT_HTTP),
            .testing_port = tf_local_nodes_port (nodes, global, TF_LOCAL_PORT_TESTING),
            .p2p_port = tf_local_nodes_port (nodes, global, TF_LOCAL_PORT_P2P),
            .node_key = node_key,
            .leader_key = genesis->leaders[global].key.seed,
            .peer_ports = peer_ports,
            .peer_count = peer_count,
            .db_path = tf_local_nodes_db_path (nodes, global),
            .log_dir = NULL, //  Stderr, which goes to the node's log
            .log_prefix = tf_local_nodes_name (nodes, global),
            .log_level = log_level,
            .log_filter = log_filter};
        if (s_write_node_files (nodes, profile, global, first, &config, deployment_text))
            goto out;
    }
    rc = s_set_commands (nodes, profile, binary, mine);
out:
    free (initial);
    free (peer_ports);
    free (peer_hosts);
    free (deployment_text);
    tf_genesis_destroy (&genesis);
    return rc;
}
