//  tf_genesis.h - the genesis state of a run, from its plan and seed
//
//  Every validator and executor is a leader with the same stake; every wallet
//  of the plan gets a funded genesis note. Keys come from tf_keys (so the
//  transaction workload derives the same wallets). The notes, in order, are the
//  leaders' stake notes in node order (validators, then executors), then the
//  wallets' notes in wallet order. A tx counts its outputs and ops in a u8, so
//  the notes are cut into genesis txs of TF_GENESIS_MAX_COUNT (255) each: note
//  n is output n % 255 of tx n / 255. Leader i's SDPDeclare (an executor's
//  locators hold "/tf/executor") goes in the tx of its stake note, so a tx never
//  holds more than 255 of them either. Each tx (tf-node's SignedMantleTx,
//  node/README.md 1.2, built and hashed by tf_api_tx) is hashed with every
//  locked_note_id left out (tf_api_tx_digest), so each note id is
//  tf_api_tx_note_id of its own tx's hash, as tf-node computes them. With one
//  tx genesis_state is that tx (what a real node reads); with several, a list
//  of them (a tf-node extension).

#ifndef TF_GENESIS_H_INCLUDED
#define TF_GENESIS_H_INCLUDED

#include <stdbool.h>
#include <stdio.h>
#include "tf_api_tx.h"
#include "tf_keys.h"
#include "tf_plan.h"

#define TF_GENESIS_LEADER_STAKE     1000                    //  Stake of every leader's note
#define TF_GENESIS_EXECUTOR_LOCATOR "/tf/executor"          //  Marks an executor's declaration
#define TF_GENESIS_MAX_COUNT        TF_API_TX_MAX_COUNT     //  Ops and outputs per tx
#define TF_GENESIS_MAX_TXS          TF_PLAN_MAX_GENESIS_TXS //  Genesis txs of a run

//  One leader: a validator or an executor
typedef struct {
    bool executor;                      //  Role: executor or validator
    uint32_t index;                     //  Index within its role
    tf_key_t key;                       //  Leader key (purpose "leader", global index)
    uint64_t stake;                     //  Value of its stake note
    uint8_t note_id[TF_KEYS_HASH_SIZE]; //  Its stake note (locked by the declaration)
    uint32_t tx;                        //  The genesis tx of the note and the declaration
} tf_genesis_leader_t;

//  One funded user wallet
typedef struct {
    tf_key_t key;                       //  Wallet key (purpose "wallet", wallet index)
    uint64_t amount;                    //  Value of its genesis note
    uint8_t note_id[TF_KEYS_HASH_SIZE]; //  Its genesis note
    uint32_t tx;                        //  The genesis tx of the note
} tf_genesis_wallet_t;

typedef struct {
    tf_genesis_leader_t *leaders;            //  validators + executors, in node order
    size_t leader_count;                     //  Their count
    tf_genesis_wallet_t *wallets;            //  Funded wallets, in wallet order
    size_t wallet_count;                     //  Their count
    tf_api_tx_t **txs;                       //  The genesis txs, locked note ids filled (owned)
    uint8_t (*tx_hashes)[TF_KEYS_HASH_SIZE]; //  Their hashes (note ids derive from them)
    size_t tx_count;                         //  Their count, 1 to TF_GENESIS_MAX_TXS
    char *yaml;                              //  genesis_state as YAML at indent 0 (owned)
} tf_genesis_t;

//  Build the genesis of plan. Returns NULL (after logging why) when keys
//  cannot be derived, the plan has more notes than TF_GENESIS_MAX_TXS txs
//  hold or an amount is over TF_API_TX_MAX_VALUE.
//  Caller owns the result.
tf_genesis_t *tf_genesis_new (const tf_plan_t *plan);

//  Destroy and nullify. Safe on NULL.
void tf_genesis_destroy (tf_genesis_t **self_p);

//  Write the genesis_state value as YAML (a SignedMantleTx, or a list of them
//  with several txs) at the given indentation (spaces), starting on a fresh
//  line. The text is made once, by tf_genesis_new, so writing it for every
//  node of a large run costs a copy.
void tf_genesis_print_yaml (const tf_genesis_t *self, FILE *out, int indent);

#endif
