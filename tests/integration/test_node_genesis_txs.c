//  test_node_genesis_txs.c - a real tf-node started from the configs tf's deployers write for
//  a plan of 300 validators and 100 wallets (400 genesis notes, so two genesis txs): two of
//  the validators run, produce blocks, and include a transfer that spends a wallet note of
//  the second genesis tx; a note id derived from the wrong tx is refused
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include "test_node_harness.h"
#include "tf_genesis.h"
#include "tf_node_spec.h"

#define NODES      2   //  Validators that run (of VALIDATORS)
#define VALIDATORS 300 //  Leaders declared at genesis
#define WALLETS    100 //  Funded wallets
#define SPENT      99  //  The wallet whose note is spent: note 399, output 144 of tx 1
#define SLOT_MS    100 //  Slot duration
#define EVENT_MS   30000

typedef struct {
    nh_cluster_t *cluster; //  Directories, ports, keys of the running nodes
    tf_genesis_t *genesis; //  What the deployers write
} fixture_t;

//  Write a file from a memstream printer
static void
s_write (const char *path, void (*print) (const void *, FILE *), const void *spec)
{
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream (&text, &size);
    print (spec, out);
    fclose (out);
    assert_int_equal (tf_node_spec_write_file (path, text), 0);
    free (text);
}

static void
s_print_node (const void *spec, FILE *out)
{
    tf_node_spec_print ((const tf_node_spec_t *) spec, out);
}

static void
s_print_deployment (const void *spec, FILE *out)
{
    tf_deployment_config_print ((const tf_deployment_spec_t *) spec, out);
}

static int
s_setup (void **state)
{
    fixture_t *fixture = calloc (1, sizeof *fixture);
    *state = fixture; //  Teardown frees whatever was made
    //  f = 1: every leader wins every slot, so the running validators' 1/300 stake
    //  each is enough to make blocks
    nh_options_t options = {SLOT_MS, 1.0, 10, 0};
    fixture->cluster = nh_cluster_new (NODES, &options);
    tf_plan_t plan = {
        .validators = VALIDATORS, .wallets = WALLETS, .wallet_amount = NH_WALLET_VALUE, .seed = 11};
    fixture->genesis = tf_genesis_new (&plan);
    if (!fixture->cluster || !fixture->genesis)
        return -1;
    nh_cluster_t *cluster = fixture->cluster;
    //  The deployers' files replace the harness's
    struct timeval now;
    gettimeofday (&now, NULL);
    char start[TF_NODE_SPEC_TIME_SIZE];
    tf_node_spec_time ((int64_t) now.tv_sec * 1000 + now.tv_usec / 1000, start);
    tf_deployment_spec_t deployment = {.slot_ms = SLOT_MS,
                                       .chain_start_time = start,
                                       .security_param = 10,
                                       .active_slot_coeff = 1.0,
                                       .genesis = fixture->genesis};
    char path[700];
    snprintf (path, sizeof path, "%s/deployment.yaml", cluster->root);
    s_write (path, s_print_deployment, &deployment);
    for (size_t index = 0; index < NODES; index++) {
        nh_node_t *node = &cluster->nodes[index];
        uint16_t peer_port = (uint16_t) cluster->nodes[0].p2p_port;
        tf_node_spec_t spec = {.http_port = (uint16_t) node->api_port,
                               .testing_port = (uint16_t) node->testing_port,
                               .p2p_port = (uint16_t) node->p2p_port,
                               .node_key = node->node_key.sk,
                               .leader_key = fixture->genesis->leaders[index].key.seed,
                               .peer_ports = &peer_port,
                               .peer_count = index > 0,
                               .db_path = "./db",
                               .log_prefix = "validator",
                               .log_level = "INFO"};
        snprintf (path, sizeof path, "%s/node.yaml", node->dir);
        s_write (path, s_print_node, &spec);
        if (nh_start (cluster, index))
            return -1;
    }
    for (size_t index = 0; index < NODES; index++)
        if (nh_wait_ready (cluster, index, EVENT_MS)) {
            nh_dump_log (cluster, index);
            return -1;
        }
    //  The harness's wallet becomes the spent wallet, its note 0 that wallet's note
    tf_node_key_from_seed (fixture->genesis->wallets[SPENT].key.seed, &cluster->wallet);
    memcpy (cluster->notes[0].bytes, fixture->genesis->wallets[SPENT].note_id, 32);
    return 0;
}

static int
s_teardown (void **state)
{
    fixture_t *fixture = *state;
    nh_cluster_destroy (&fixture->cluster);
    tf_genesis_destroy (&fixture->genesis);
    free (fixture);
    return 0;
}

//  POST a tx to the mempool; the HTTP status
static long
s_submit (nh_cluster_t *cluster, const tf_node_tx_t *tx)
{
    const char *text = tf_node_tx_text (tx);
    return nh_http (cluster, 1, 0, "POST", "/mempool/add/tx", "application/json", text,
                    strlen (text), NULL);
}

static void
test_node_genesis_txs_spend_a_note_of_the_second_tx (void **state)
{
    fixture_t *fixture = *state;
    nh_cluster_t *cluster = fixture->cluster;
    assert_int_equal (fixture->genesis->tx_count, 2);
    assert_int_equal (fixture->genesis->wallets[SPENT].tx, 1);
    //  Both nodes make and share blocks
    int grew;
    NH_WAIT (grew,
             nh_info_int (cluster, 0, "height") >= 3 && nh_info_int (cluster, 1, "height") >= 3,
             EVENT_MS);
    if (!grew)
        nh_dump_log (cluster, 0);
    assert_true (grew);
    //  The same wallet's note id as if it were in tx 0 names no note: refused
    tf_node_hash_t real = cluster->notes[0];
    const tf_genesis_wallet_t *spent = &fixture->genesis->wallets[SPENT];
    tf_api_tx_note_id (fixture->genesis->tx_hashes[0], (VALIDATORS + SPENT) % TF_GENESIS_MAX_COUNT,
                       spent->amount, spent->key.public_key, cluster->notes[0].bytes);
    tf_node_tx_t *wrong = nh_transfer (cluster, 0, &cluster->nodes[0].leader.pk);
    long status = s_submit (cluster, wrong);
    tf_node_tx_destroy (&wrong);
    assert_true (status >= 400);

    //  The real note: accepted and included
    cluster->notes[0] = real;
    tf_node_tx_t *tx = nh_transfer (cluster, 0, &cluster->nodes[0].leader.pk);
    status = s_submit (cluster, tx);
    assert_true (status >= 200 && status < 300);
    //  A block holds the tx itself, so its input, the spent note, is in the block's JSON
    char note[65];
    tf_node_hash_hex (&real, note);
    int included;
    NH_WAIT (included, nh_chain_contains (cluster, 0, note, 200), EVENT_MS);
    if (!included)
        nh_dump_log (cluster, 0);
    assert_true (included);
    //  Spent: the same transfer again is refused
    assert_true (s_submit (cluster, tx) >= 400);
    tf_node_tx_destroy (&tx);
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_node_genesis_txs_spend_a_note_of_the_second_tx),
    };
    return cmocka_run_group_tests (tests, s_setup, s_teardown);
}
