//  tf_plan_keys.h - the key file of wallets funded already (runner external)
//
//  A network tf did not deploy has no genesis tf wrote, so the transaction
//  workload cannot derive its wallets from the seed: the user lists the
//  funded notes it may spend, one per line,
//
//      # seed (64 hex)                     note id (64 hex)                value
//      4f1c...e2  9a07...11  1000
//
//  where seed is the Ed25519 seed of the note's owner (its public key owns
//  the note), note id the note's id as the node reports it and value its
//  amount. Blank lines and lines starting with '#' are skipped. Each line is
//  one wallet of the run. The validator reads the file (so a bad line is
//  refused with file:line:column before anything starts) and the workload
//  reads it again on its own host.

#ifndef TF_PLAN_KEYS_H_INCLUDED
#define TF_PLAN_KEYS_H_INCLUDED

#include "tf_plan.h"

#define TF_PLAN_KEYS_BYTES    32  //  A seed or a note id
#define TF_PLAN_KEYS_MAX_LINE 512 //  Longest line accepted, bytes
#define TF_PLAN_KEYS_MAX_FILE                                                                      \
    (16u << 20) //  Largest key file read: TF_PLAN_MAX_WALLETS lines of 150 bytes fit

//  One funded note of the file
typedef struct {
    uint8_t seed[TF_PLAN_KEYS_BYTES];    //  Owner's Ed25519 seed
    uint8_t note_id[TF_PLAN_KEYS_BYTES]; //  The note
    uint64_t value;                      //  Its amount, >= 1
} tf_plan_key_t;

//  Read the key file at path: 0 with *keys_p (caller frees, one entry more
//  than *count_p, zeroed) and *count_p, or -1 after adding every bad line to
//  errors as "file:line:column: key: message" (key is the plan's key path,
//  "wallets.keys"). An empty file is an error: it funds nothing.
int tf_plan_keys_read (const char *path, const char *key, tf_plan_key_t **keys_p, size_t *count_p,
                       tf_plan_errors_t *errors);

#endif
