//  tx_presign.c - tf-bench-tx-presign: pre-signed transfers of a run's own wallets, for
//  wrk to post to the run's nodes (bench/tx.sh, part 2)
//
//      tf-bench-tx-presign RUN_DIR SHARES OUT_DIR
//
//  Reads the run's plan (RUN_DIR/plan.msgpack) and builds its genesis as the deployer did
//  (tf_genesis: the same seed, the same wallet keys and notes). For every wallet it
//  writes one fan-out transfer (its genesis note into up to 64 equal notes of its own)
//  to OUT_DIR/fanout.ndjson, and one transfer per fanned-out note (the whole note paid
//  to the next wallet) to OUT_DIR/transfers-<i>.ndjson, i the wallet's index modulo
//  SHARES, so each share can go to its own node and no transfer reaches two. The
//  transfers are of the kind the transaction workload sends: one signed input checked
//  against the ledger, one output. They are valid once the fan-outs are in a block.
#include <czmq.h>
#include "tf_genesis.h"
#include "tf_rundir.h"
#include "tf_tx_build.h"

#define S_MAX_SHARES 64

//  The plan a run was given, from RUN_DIR/plan.msgpack, or NULL
static tf_plan_t *
s_plan (const char *run_dir)
{
    char *path = zsys_sprintf ("%s/%s", run_dir, TF_RUNDIR_PLAN);
    zfile_t *file = zfile_new (NULL, path);
    zchunk_t *chunk =
        file && zfile_input (file) == 0 ? zfile_read (file, zfile_cursize (file), 0) : NULL;
    tf_plan_t *plan = chunk ? tf_plan_unpack (zchunk_data (chunk), zchunk_size (chunk)) : NULL;
    if (!plan)
        fprintf (stderr, "tf-bench-tx-presign: cannot read the plan %s\n", path);
    zchunk_destroy (&chunk);
    zfile_destroy (&file);
    zstr_free (&path);
    return plan;
}

//  Build one transfer and write its JSON as a line of out. 0 or -1.
static int
s_write (FILE *out, const tf_tx_input_t *input, const tf_tx_output_t *outputs, size_t count,
         uint8_t hash[TF_KEYS_HASH_SIZE])
{
    tf_tx_t tx = {0};
    if (tf_tx_build (input, 1, outputs, count, &tx))
        return -1;
    fprintf (out, "%s\n", tx.json);
    memcpy (hash, tx.hash, TF_KEYS_HASH_SIZE);
    tf_tx_free (&tx);
    return 0;
}

int
main (int argc, char *argv[])
{
    if (argc != 4 || streq (argv[1], "--help") || streq (argv[1], "-h")) {
        fprintf (argc == 2 ? stdout : stderr,
                 "usage: tf-bench-tx-presign RUN_DIR SHARES OUT_DIR\n"
                 "Writes OUT_DIR/fanout.ndjson (one fan-out transfer per wallet of the run)\n"
                 "and OUT_DIR/transfers-<i>.ndjson (one transfer per fanned-out note, wallet\n"
                 "index modulo SHARES) from the run's plan and seed. Used by bench/tx.sh.\n");
        return argc == 2 ? 0 : 2;
    }
    long shares = atol (argv[2]);
    if (shares < 1 || shares > S_MAX_SHARES) {
        fprintf (stderr, "tf-bench-tx-presign: SHARES must be 1 to %d\n", S_MAX_SHARES);
        return 2;
    }
    tf_plan_t *plan = s_plan (argv[1]);
    tf_genesis_t *genesis = plan ? tf_genesis_new (plan) : NULL;
    if (!genesis || genesis->wallet_count < 2) {
        fprintf (stderr, "tf-bench-tx-presign: the run has %s\n",
                 genesis ? "fewer than 2 wallets" : "no genesis");
        tf_genesis_destroy (&genesis);
        tf_plan_destroy (&plan);
        return 1;
    }
    zsys_dir_create ("%s", argv[3]);
    char *path = zsys_sprintf ("%s/fanout.ndjson", argv[3]);
    FILE *fanout = fopen (path, "w");
    zstr_free (&path);
    FILE *transfers[S_MAX_SHARES] = {NULL};
    for (long share = 0; share < shares; share++) {
        path = zsys_sprintf ("%s/transfers-%ld.ndjson", argv[3], share);
        transfers[share] = fopen (path, "w");
        zstr_free (&path);
    }
    int rc = fanout ? 0 : 1;
    size_t written = 0;
    for (size_t index = 0; rc == 0 && index < genesis->wallet_count; index++) {
        const tf_genesis_wallet_t *wallet = &genesis->wallets[index];
        const tf_genesis_wallet_t *next = &genesis->wallets[(index + 1) % genesis->wallet_count];
        size_t count = wallet->amount < TF_TX_MAX_OUTPUTS ? wallet->amount : TF_TX_MAX_OUTPUTS;
        tf_tx_output_t outputs[TF_TX_MAX_OUTPUTS];
        for (size_t out = 0; out < count; out++) {
            outputs[out].value = wallet->amount / count + (out < wallet->amount % count);
            memcpy (outputs[out].public_key, wallet->key.public_key, TF_KEYS_PUBLIC_SIZE);
        }
        tf_tx_input_t input = {.owner = &wallet->key};
        memcpy (input.note_id, wallet->note_id, TF_KEYS_HASH_SIZE);
        uint8_t hash[TF_KEYS_HASH_SIZE];
        FILE *share = transfers[index % (size_t) shares];
        if (!share || count == 0 || s_write (fanout, &input, outputs, count, hash)) {
            rc = 1;
            break;
        }
        for (size_t out = 0; rc == 0 && out < count; out++) {
            tf_tx_input_t spend = {.owner = &wallet->key};
            tf_api_tx_note_id (hash, out, outputs[out].value, outputs[out].public_key,
                               spend.note_id);
            tf_tx_output_t paid = {.value = outputs[out].value};
            memcpy (paid.public_key, next->key.public_key, TF_KEYS_PUBLIC_SIZE);
            uint8_t ignored[TF_KEYS_HASH_SIZE];
            rc = s_write (share, &spend, &paid, 1, ignored) ? 1 : 0;
            written++;
        }
    }
    if (rc)
        fprintf (stderr, "tf-bench-tx-presign: cannot write the transfers to %s\n", argv[3]);
    else
        printf ("%zu fan-outs, %zu transfers in %ld shares\n", genesis->wallet_count, written,
                shares);
    if (fanout)
        fclose (fanout);
    for (long share = 0; share < shares; share++)
        if (transfers[share])
            fclose (transfers[share]);
    tf_genesis_destroy (&genesis);
    tf_plan_destroy (&plan);
    return rc;
}
