//  node_benchgen.c - writes configs and pre-signed txs for bench/node.sh
//
//  tf-node-benchgen DIR NODES TXS SLOT_MS F K
//    DIR/deployment.yaml             shared deployment, equal stake for every node
//    DIR/node-<i>/node.yaml          node configs with free loopback ports
//    DIR/ports                       "<i> <api> <testing> <p2p>" per line
//    DIR/txs.ndjson                  TXS distinct signed ChannelInscribe txs, one per line
//  Node i dials nodes i-1 and (i-1)/2, so the graph is connected with a small degree.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include "tf_node_crypto.h"
#include "tf_node_tx.h"

#define BENCH_MAX_NODES 200
#define BENCH_STAKE     100

#define PORT_LOW  20000 //  Ports handed to nodes: [PORT_LOW, PORT_HIGH)
#define PORT_HIGH 32000

//  Sockets held open until every port is chosen, so no port is handed out twice
static int s_held[1024];
static size_t s_nheld;

static int
s_free_port (void)
{
    //  Below the kernel's ephemeral range (32768 and up by default), so no outgoing
    //  connection takes the port between now and the node's bind; random, so tests running
    //  in parallel rarely try the same one
    static unsigned seed;
    if (!seed)
        seed = (unsigned) getpid () ^ (unsigned) time (NULL);
    for (int attempt = 0; attempt < 1000; attempt++) {
        int port = PORT_LOW + (int) (rand_r (&seed) % (PORT_HIGH - PORT_LOW));
        int fd = socket (AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in addr = {0};
        addr.sin_family = AF_INET;
        addr.sin_port = htons ((uint16_t) port);
        addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
        if (fd >= 0 && bind (fd, (struct sockaddr *) &addr, sizeof addr) == 0
            && s_nheld < sizeof s_held / sizeof s_held[0]) {
            s_held[s_nheld++] = fd;
            return port;
        }
        if (fd >= 0)
            close (fd);
    }
    return -1;
}

//  Release the sockets behind the chosen ports
static void
s_release_ports (void)
{
    while (s_nheld)
        close (s_held[--s_nheld]);
}

static void
s_key (tf_node_key_t *key, uint8_t kind, size_t index)
{
    uint8_t seed[32] = {kind, (uint8_t) index, (uint8_t) (index >> 8)};
    tf_node_key_from_seed (seed, key);
}

static void
s_usage (FILE *out)
{
    fprintf (out, "usage: tf-node-benchgen DIR NODES TXS SLOT_MS F K\n"
                  "Writes DIR/deployment.yaml, DIR/node-<i>/node.yaml (free loopback ports),\n"
                  "DIR/ports and DIR/txs.ndjson (TXS distinct signed ChannelInscribe txs) for\n"
                  "NODES tf-nodes with SLOT_MS slots, active slot coefficient F and security\n"
                  "parameter K. Used by bench/node.sh and bench/tx.sh.\n");
}

int
main (int argc, char *argv[])
{
    if (argc == 2 && (!strcmp (argv[1], "--help") || !strcmp (argv[1], "-h"))) {
        s_usage (stdout);
        return 0;
    }
    if (argc != 7) {
        s_usage (stderr);
        return 2;
    }
    const char *dir = argv[1];
    size_t nodes = (size_t) atoi (argv[2]);
    long txs = atol (argv[3]);
    int slot_ms = atoi (argv[4]);
    double coeff = atof (argv[5]);
    int security = atoi (argv[6]);
    if (nodes < 1 || nodes > BENCH_MAX_NODES || txs < 0 || slot_ms < 1) {
        fprintf (stderr, "tf-node-benchgen: expected 1 <= NODES <= %d, TXS >= 0, SLOT_MS >= 1\n",
                 BENCH_MAX_NODES);
        return 2;
    }
    if (tf_node_crypto_init ()) {
        fprintf (stderr, "tf-node-benchgen: cannot initialise the crypto library\n");
        return 3;
    }
    static int ports[BENCH_MAX_NODES][3];
    static char peer_ids[BENCH_MAX_NODES][TF_NODE_PEER_ID_MAX];
    char path[1024], hex[65];
    mkdir (dir, 0755);

    //  Genesis: each node's leader declares a stake note; locked ids derived as documented
    json_t *outputs = json_array (), *ops = json_array (), *proofs = json_array ();
    for (size_t index = 0; index < nodes; index++) {
        tf_node_key_t leader;
        s_key (&leader, 0xbb, index);
        tf_node_hash_hex (&leader.pk, hex);
        json_array_append_new (outputs, json_pack ("{s:i, s:s}", "value", BENCH_STAKE, "pk", hex));
        json_array_append_new (ops,
                               json_pack ("{s:i, s:{s:s, s:[], s:s, s:s, s:s}}", "opcode", 32,
                                          "payload", "service_type", "BN", "locators",
                                          "provider_id", hex, "zk_id", "0", "locked_note_id", "0"));
        json_array_append_new (proofs, json_string ("NoProof"));
    }
    json_t *genesis =
        json_pack ("{s:{s:o, s:{s:[], s:o}, s:i, s:i}, s:o, s:{s:[]}}", "mantle_tx", "ops", ops,
                   "ledger_tx", "inputs", "outputs", outputs, "execution_gas_price", 0,
                   "storage_gas_price", 0, "ops_proofs", proofs, "ledger_tx_proof", "Ed25519Sigs");
    static const char zero[] = "0000000000000000000000000000000000000000000000000000000000000000";
    for (size_t index = 0; index < nodes; index++) {
        json_t *payload = json_object_get (json_array_get (ops, index), "payload");
        json_object_set_new (payload, "zk_id", json_string (zero));
        json_object_set_new (payload, "locked_note_id", json_string (zero));
    }
    char error[200];
    tf_node_tx_t *tx = tf_node_tx_new (genesis, 1, error, sizeof error);
    if (!tx) {
        fprintf (stderr, "benchgen: genesis: %s\n", error);
        return 1;
    }
    for (size_t index = 0; index < nodes; index++) {
        tf_node_hash_t note;
        tf_node_note_id (&tx->hash, index, &tx->outputs[index], &note);
        json_object_set_new (json_object_get (json_array_get (ops, index), "payload"),
                             "locked_note_id", tf_node_json_hash (&note));
    }
    tf_node_tx_destroy (&tx);

    struct timeval now;
    gettimeofday (&now, NULL);
    struct tm parts;
    gmtime_r (&now.tv_sec, &parts);
    char stamp[64];
    strftime (stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &parts);
    snprintf (path, sizeof path, "%s/deployment.yaml", dir);
    FILE *file = fopen (path, "w");
    char *genesis_text = json_dumps (genesis, JSON_COMPACT);
    fprintf (file,
             "time:\n  slot_duration: %dms\n  chain_start_time: %s.%06ldZ\n"
             "cryptarchia:\n  security_param: %d\n  active_slot_coeff: %g\n"
             "  genesis_state: %s\n",
             slot_ms, stamp, (long) now.tv_usec, security, coeff, genesis_text);
    fclose (file);
    free (genesis_text);
    json_decref (genesis);

    snprintf (path, sizeof path, "%s/ports", dir);
    FILE *port_file = fopen (path, "w");
    for (size_t index = 0; index < nodes; index++) {
        tf_node_key_t key;
        s_key (&key, 0xaa, index);
        tf_node_peer_id (&key.pk, peer_ids[index]);
        for (int kind = 0; kind < 3; kind++)
            ports[index][kind] = s_free_port ();
        fprintf (port_file, "%zu %d %d %d\n", index, ports[index][0], ports[index][1],
                 ports[index][2]);
    }
    fclose (port_file);
    s_release_ports ();
    for (size_t index = 0; index < nodes; index++) {
        tf_node_key_t key, leader;
        s_key (&key, 0xaa, index);
        s_key (&leader, 0xbb, index);
        snprintf (path, sizeof path, "%s/node-%zu", dir, index);
        mkdir (path, 0755);
        snprintf (path, sizeof path, "%s/node-%zu/node.yaml", dir, index);
        file = fopen (path, "w");
        char key_hex[65], leader_hex[65];
        tf_node_hex_encode (key.sk, 32, key_hex);
        tf_node_hex_encode (leader.sk, 32, leader_hex);
        fprintf (file,
                 "http:\n  backend_settings:\n    address: 127.0.0.1:%d\n"
                 "testing_http:\n  backend_settings:\n    address: 127.0.0.1:%d\n"
                 "network:\n  backend:\n    swarm:\n      host: 127.0.0.1\n      port: %d\n"
                 "      node_key: %s\n    initial_peers:\n",
                 ports[index][0], ports[index][1], ports[index][2], key_hex);
        if (index == 0)
            fprintf (file, "      []\n");
        else {
            size_t first = index - 1, second = (index - 1) / 2;
            fprintf (file, "      - /ip4/127.0.0.1/tcp/%d/p2p/%s\n", ports[first][2],
                     peer_ids[first]);
            if (second != first)
                fprintf (file, "      - /ip4/127.0.0.1/tcp/%d/p2p/%s\n", ports[second][2],
                         peer_ids[second]);
        }
        fprintf (file,
                 "storage:\n  db_path: ./db\nmempool:\n  max_txs: 1000000\n"
                 "key_management:\n  keys:\n    leader: !Ed25519 %s\n"
                 "tracing:\n  logger: !File {directory: ., prefix: node}\n  level: WARN\n",
                 leader_hex);
        fclose (file);
    }

    //  Distinct txs: one signer, a counter as the inscription
    if (txs > 0) {
        snprintf (path, sizeof path, "%s/txs.ndjson", dir);
        file = fopen (path, "w");
        tf_node_key_t signer;
        s_key (&signer, 0xcc, 0);
        tf_node_hash_t channel;
        memset (&channel, 0x42, sizeof channel);
        for (long index = 0; index < txs; index++) {
            char inscription[32];
            int size = snprintf (inscription, sizeof inscription, "bench-%ld", index);
            tf_node_tx_t *inscribe = tf_node_tx_new_inscription (
                &signer, &channel, (const uint8_t *) inscription, (size_t) size);
            char *text = strdup (tf_node_tx_text (inscribe));
            fprintf (file, "%s\n", text);
            free (text);
            tf_node_tx_destroy (&inscribe);
        }
        fclose (file);
    }
    return 0;
}
