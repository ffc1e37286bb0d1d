//  test_node_genesis.c - genesis_state as one SignedMantleTx or a list of them: notes of
//  every tx are spendable, declarations may lock a note of another tx, the genesis block
//  holds every tx, and each fault names its key path within the list
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include "test_node_common.h"
#include "tf_node_genesis.h"

#define S_ZERO64 "0000000000000000000000000000000000000000000000000000000000000000"

typedef struct {
    tf_node_key_t alice, bob, leader; //  Owners, and a leader
    char where[TF_NODE_GENESIS_WHERE_SIZE];
    char error[256];
} fixture_t;

static int
s_setup (void **state)
{
    fixture_t *fixture = calloc (1, sizeof *fixture);
    tn_key (&fixture->alice, 0xa1);
    tn_key (&fixture->bob, 0xb0);
    tn_key (&fixture->leader, 0x1e);
    *state = fixture;
    return 0;
}

static int
s_teardown (void **state)
{
    free (*state);
    return 0;
}

//  A genesis tx as JSON: count notes of value for owner, then one SDPDeclare by leader
//  locking locked (a JSON value: hex note id or output index) when leader is non-NULL
static json_t *
s_tx (const tf_node_key_t *owner, size_t count, uint64_t value, const tf_node_key_t *leader,
      json_t *locked)
{
    json_t *outputs = json_array ();
    for (size_t index = 0; index < count; index++)
        json_array_append_new (outputs, json_pack ("{s:I, s:o}", "value", (json_int_t) value, "pk",
                                                   tf_node_json_hash (&owner->pk)));
    json_t *ops = json_array (), *proofs = json_array ();
    if (leader) {
        json_array_append_new (ops, json_pack ("{s:i, s:{s:s, s:[], s:o, s:s, s:o}}", "opcode",
                                               TF_NODE_OP_SDP_DECLARE, "payload", "service_type",
                                               "BN", "locators", "provider_id",
                                               tf_node_json_hash (&leader->pk), "zk_id", S_ZERO64,
                                               "locked_note_id", locked));
        json_array_append_new (proofs, json_string ("NoProof"));
    }
    else
        json_decref (locked);
    return json_pack ("{s:{s:o, s:{s:[], s:o}, s:i, s:i}, s:o, s:{s:[]}}", "mantle_tx", "ops", ops,
                      "ledger_tx", "inputs", "outputs", outputs, "execution_gas_price", 0,
                      "storage_gas_price", 0, "ops_proofs", proofs, "ledger_tx_proof",
                      "Ed25519Sigs");
}

//  The note id of output index of a genesis tx given as JSON
static tf_node_hash_t
s_note_of (json_t *json, size_t index)
{
    char error[200];
    tf_node_tx_t *tx = tf_node_tx_new (json, 1, error, sizeof error);
    assert_non_null (tx);
    tf_node_hash_t id = tn_note (tx, index);
    tf_node_tx_destroy (&tx);
    return id;
}

static tf_node_genesis_t *
s_parse (fixture_t *fixture, json_t *value)
{
    tf_node_genesis_t *genesis = tf_node_genesis_new (value, fixture->where, sizeof fixture->where,
                                                      fixture->error, sizeof fixture->error);
    json_decref (value);
    return genesis;
}

//  More than 255 notes: three txs; the leader of tx 0 locks a note of tx 2; a transfer
//  spending a note of tx 2 checks against the genesis ledger and not against tx 0's
static void
test_node_genesis_list_funds_every_tx (void **state)
{
    fixture_t *fixture = *state;
    json_t *last = s_tx (&fixture->bob, 40, 7, NULL, NULL);
    tf_node_hash_t stake = s_note_of (last, 39);
    json_t *list = json_pack ("[o, o, o]",
                              s_tx (&fixture->alice, TF_NODE_GENESIS_MAX_OUTPUTS, 100,
                                    &fixture->leader, tf_node_json_hash (&stake)),
                              s_tx (&fixture->alice, 10, 50, NULL, NULL), last);
    tf_node_genesis_t *genesis = s_parse (fixture, list);
    if (!genesis)
        fprintf (stderr, "%s: %s\n", fixture->where, fixture->error);
    assert_non_null (genesis);
    assert_int_equal (genesis->ntxs, 3);
    assert_int_equal (genesis->ndecls, 1);
    assert_memory_equal (genesis->decls[0].locked_note_id.bytes, stake.bytes, 32);
    assert_int_equal (tf_node_genesis_notes (genesis), 305);

    tf_node_ledger_t *ledger = tf_node_genesis_ledger (genesis);
    assert_int_equal (tf_node_ledger_size (ledger), 305);
    assert_int_equal (tf_node_ledger_balance (ledger, &fixture->alice.pk), 255 * 100 + 10 * 50);
    assert_int_equal (tf_node_ledger_balance (ledger, &fixture->bob.pk), 40 * 7);
    tf_node_hash_t input = tn_note (genesis->txs[2], 3);
    const tf_node_key_t *keys[1] = {&fixture->bob};
    tf_node_output_t output = {7, fixture->alice.pk};
    tf_node_tx_t *spend = tf_node_tx_new_transfer (&input, keys, 1, &output, 1);
    char error[160];
    assert_int_equal (tf_node_ledger_check (ledger, spend, error, sizeof error), 0);
    tf_node_ledger_t *first_only = tf_node_ledger_new ();
    tf_node_ledger_add_outputs (first_only, genesis->txs[0]);
    assert_int_equal (tf_node_ledger_check (first_only, spend, error, sizeof error), -1);

    //  The genesis block holds every tx, in order; its id depends on all of them
    tf_node_block_t *block = tf_node_block_new_genesis (genesis->txs, genesis->ntxs);
    tf_node_block_t *shorter = tf_node_block_new_genesis (genesis->txs, 2);
    assert_int_equal (block->ntxs, 3);
    assert_memory_equal (block->txs[2]->hash.bytes, genesis->txs[2]->hash.bytes, 32);
    assert_memory_not_equal (block->id.bytes, shorter->id.bytes, 32);
    tf_node_block_destroy (&block);
    tf_node_block_destroy (&shorter);
    tf_node_tx_destroy (&spend);
    tf_node_ledger_destroy (&first_only);
    tf_node_ledger_destroy (&ledger);
    tf_node_genesis_destroy (&genesis);
    assert_null (genesis);
}

//  A single SignedMantleTx (what a real node reads) is a genesis of one tx
static void
test_node_genesis_single_tx_is_a_list_of_one (void **state)
{
    fixture_t *fixture = *state;
    tf_node_genesis_t *genesis =
        s_parse (fixture, s_tx (&fixture->alice, 3, 10, &fixture->leader, json_string ("2")));
    assert_non_null (genesis);
    assert_int_equal (genesis->ntxs, 1);
    assert_int_equal (genesis->ndecls, 1);
    tf_node_hash_t stake = tn_note (genesis->txs[0], 2);
    assert_memory_equal (genesis->decls[0].locked_note_id.bytes, stake.bytes, 32);
    tf_node_genesis_destroy (&genesis);
}

//  Every fault gives its key path within genesis_state and what was expected
static void
test_node_genesis_faults_name_the_tx (void **state)
{
    fixture_t *fixture = *state;
    const tf_node_key_t *alice = &fixture->alice;
    struct {
        json_t *value;
        const char *where, *error;
    } cases[] = {
        {json_array (), "", "a list of 1 to 256"},
        {json_string ("genesis"), "", "a SignedMantleTx or a list"},
        {json_pack ("[o, s]", s_tx (alice, 1, 1, NULL, NULL), "tx"), "[1]",
         "expected a SignedMantleTx"},
        {json_pack ("[o, o]", s_tx (alice, 1, 1, NULL, NULL), s_tx (alice, 1, 1, NULL, NULL)),
         "[1]", "unlike every earlier one"},
        {json_pack ("[o, o]", s_tx (alice, 1, 1, NULL, NULL),
                    s_tx (alice, 2, 1, &fixture->leader, json_string (S_ZERO64))),
         "[1].mantle_tx.ops[0].payload.locked_note_id", "note id of a genesis output"},
        {s_tx (alice, 2, 1, &fixture->leader, json_string (S_ZERO64)),
         "mantle_tx.ops[0].payload.locked_note_id", "note id of a genesis output"},
        {json_pack ("[o, o]", s_tx (alice, 1, 1, NULL, NULL),
                    s_tx (alice, TF_NODE_GENESIS_MAX_OUTPUTS + 1, 1, NULL, NULL)),
         "[1]", "too many inputs or outputs"},
    };
    for (size_t index = 0; index < sizeof cases / sizeof cases[0]; index++) {
        tf_node_genesis_t *genesis = s_parse (fixture, cases[index].value);
        if (genesis || strcmp (fixture->where, cases[index].where)
            || !strstr (fixture->error, cases[index].error))
            fprintf (stderr, "case %zu: %s: %s\n", index, fixture->where, fixture->error);
        assert_null (genesis);
        assert_string_equal (fixture->where, cases[index].where);
        assert_non_null (strstr (fixture->error, cases[index].error));
    }
    //  An input in a later tx
    json_t *spending = s_tx (alice, 1, 1, NULL, NULL);
    json_array_append_new (
        json_object_get (json_object_get (json_object_get (spending, "mantle_tx"), "ledger_tx"),
                         "inputs"),
        json_string (S_ZERO64));
    tf_node_genesis_t *genesis =
        s_parse (fixture, json_pack ("[o, o]", s_tx (alice, 1, 1, NULL, NULL), spending));
    assert_null (genesis);
    assert_string_equal (fixture->where, "[1].mantle_tx.ledger_tx.inputs");
    //  TF_NODE_GENESIS_MAX_TXS txs load, one more does not
    json_t *list = json_array ();
    for (size_t index = 0; index < TF_NODE_GENESIS_MAX_TXS; index++)
        json_array_append_new (list, s_tx (alice, 1, index + 1, NULL, NULL));
    genesis = s_parse (fixture, json_deep_copy (list));
    assert_non_null (genesis);
    assert_int_equal (genesis->ntxs, TF_NODE_GENESIS_MAX_TXS);
    tf_node_genesis_destroy (&genesis);
    json_array_append_new (list, s_tx (alice, 1, 0, NULL, NULL));
    assert_null (s_parse (fixture, list));
    assert_non_null (strstr (fixture->error, "a list of 1 to 256"));
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown (test_node_genesis_list_funds_every_tx, s_setup,
                                         s_teardown),
        cmocka_unit_test_setup_teardown (test_node_genesis_single_tx_is_a_list_of_one, s_setup,
                                         s_teardown),
        cmocka_unit_test_setup_teardown (test_node_genesis_faults_name_the_tx, s_setup, s_teardown),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
