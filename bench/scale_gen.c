//  scale_gen.c - tf-bench-scale: the time to make a large run's plan, genesis and every
//  node's config files, as the local deployer makes them (bench/scale.sh runs it)
//
//      tf-bench-scale SCENARIO.yaml OUT_DIR
//
//  Loads and validates the scenario, builds its genesis (tf_genesis: several txs past
//  255 notes), then for every node its initial peers (tf_topology), its keys and its
//  two files through the node profile's templates, written to OUT_DIR/<node>/. Prints
//  one line per stage with milliseconds, the genesis tx count and the bytes written.
//  Ports are placeholders (10000 + 3 i): taking thousands of free ports from the
//  kernel is the deployer's, not what this measures.
#include <czmq.h>
#include <sys/stat.h>
#include "tf_genesis.h"
#include "tf_keys.h"
#include "tf_profile.h"
#include "tf_topology.h"

#define S_PORT_BASE 10000 //  Placeholder ports of node i: base + 3 i + 0..2

//  A profile template's text (caller frees)
static char *
s_text (const tf_profile_t *profile, const tf_node_spec_t *node,
        const tf_deployment_spec_t *deployment, size_t *size)
{
    char *text = NULL;
    FILE *memory = open_memstream (&text, size);
    assert (memory);
    if (node)
        profile->print_node (node, memory);
    else
        profile->print_deployment (deployment, memory);
    fclose (memory);
    return text;
}

int
main (int argc, char *argv[])
{
    if (argc != 3 || streq (argv[1], "--help") || streq (argv[1], "-h")) {
        fprintf (argc == 2 && argv[1][0] == '-' ? stdout : stderr,
                 "usage: tf-bench-scale SCENARIO.yaml OUT_DIR\n"
                 "Makes the plan, genesis and every node's config files of a scenario as the\n"
                 "local deployer does, into OUT_DIR/<node>/, and prints the time of each stage.\n");
        return argc == 2 && argv[1][0] == '-' ? 0 : 2;
    }
    zsys_init ();
    int rc = 1;
    int64_t started = zclock_usecs ();
    tf_plan_errors_t *errors = tf_plan_errors_new ();
    tf_plan_t *plan = tf_plan_load (argv[1], errors);
    tf_genesis_t *genesis = NULL;
    uint32_t *peers = NULL;
    uint16_t *peer_ports = NULL;
    if (!plan) {
        tf_plan_errors_print (errors, stderr);
        rc = 2;
        goto out;
    }
    int64_t loaded = zclock_usecs ();
    const tf_profile_t *profile = tf_profile_find (TF_PROFILE_DEFAULT);
    assert (profile);
    genesis = tf_genesis_new (plan);
    if (!genesis)
        goto out;
    int64_t built = zclock_usecs ();
    uint32_t count = plan->validators + plan->executors;
    peers = (uint32_t *) zmalloc (count * sizeof (uint32_t));
    peer_ports = (uint16_t *) zmalloc (count * sizeof (uint16_t));
    char start_time[TF_NODE_SPEC_TIME_SIZE];
    tf_node_spec_time (zclock_time (), start_time);
    tf_deployment_spec_t deployment = {.slot_ms = plan->slot_ms,
                                       .chain_start_time = start_time,
                                       .security_param = plan->security_param,
                                       .active_slot_coeff = plan->active_slot_coeff,
                                       .genesis = genesis};
    //  As the deployers do: the deployment file once, node 0's, shared by every other node
    size_t deployment_size = 0, bytes = 0;
    char *deployment_text = s_text (profile, NULL, &deployment, &deployment_size);
    char *first = NULL;
    uint32_t node = 0;
    for (; node < count; node++) {
        size_t peer_count = tf_topology_initial_peers (plan->network, count, node, peers, count);
        for (size_t peer = 0; peer < peer_count; peer++)
            peer_ports[peer] = (uint16_t) (S_PORT_BASE + 3 * peers[peer] + 2);
        uint8_t node_key[TF_KEYS_SEED_SIZE];
        if (tf_keys_seed (TF_KEYS_PURPOSE_NODE, plan->seed, node, node_key))
            break;
        char name[32];
        snprintf (name, sizeof name, "%s-%u", node < plan->validators ? "validator" : "executor",
                  node < plan->validators ? node : node - plan->validators);
        char *dir = zsys_sprintf ("%s/%s", argv[2], name);
        char *db = zsys_sprintf ("%s/db", dir);
        tf_node_spec_t spec = {.http_port = (uint16_t) (S_PORT_BASE + 3 * node),
                               .testing_port = (uint16_t) (S_PORT_BASE + 3 * node + 1),
                               .p2p_port = (uint16_t) (S_PORT_BASE + 3 * node + 2),
                               .node_key = node_key,
                               .leader_key = genesis->leaders[node].key.seed,
                               .peer_ports = peer_ports,
                               .peer_count = peer_count,
                               .db_path = db,
                               .log_prefix = name};
        char *node_path = zsys_sprintf ("%s/%s", dir, profile->node_file);
        char *deployment_path = zsys_sprintf ("%s/%s", dir, profile->deployment_file);
        size_t node_size = 0;
        char *node_text = s_text (profile, &spec, NULL, &node_size);
        int failed = -1;
        if (mkdir (dir, 0700) == 0 || errno == EEXIST)
            failed = tf_node_spec_write_file (node_path, node_text)
                     || (first ? tf_node_spec_share_file (first, deployment_path, deployment_text)
                               : tf_node_spec_write_file (deployment_path, deployment_text));
        else
            fprintf (stderr, "tf-bench-scale: cannot make %s: %s\n", dir, strerror (errno));
        bytes += node_size + (first ? 0 : deployment_size);
        if (!first)
            first = strdup (deployment_path);
        free (node_text);
        zstr_free (&node_path);
        zstr_free (&deployment_path);
        zstr_free (&db);
        zstr_free (&dir);
        if (failed)
            break;
    }
    free (first);
    free (deployment_text);
    if (node < count)
        goto out;
    int64_t written = zclock_usecs ();
    printf ("nodes %u wallets %u genesis_txs %zu notes %zu\n", count, plan->wallets,
            genesis->tx_count, genesis->leader_count + genesis->wallet_count);
    printf ("plan (load + validate)  %8.1f ms\n", (double) (loaded - started) / 1000.0);
    printf ("genesis (keys + txs)    %8.1f ms\n", (double) (built - loaded) / 1000.0);
    printf ("configs (%u x 2 files)  %8.1f ms  %.1f MB written (deployment file %.1f MB, "
            "shared)\n",
            count, (double) (written - built) / 1000.0, (double) bytes / 1e6,
            (double) deployment_size / 1e6);
    printf ("total                   %8.1f ms\n", (double) (written - started) / 1000.0);
    rc = 0;
out:
    free (peers);
    free (peer_ports);
    tf_genesis_destroy (&genesis);
    tf_plan_destroy (&plan);
    tf_plan_errors_destroy (&errors);
    return rc;
}
