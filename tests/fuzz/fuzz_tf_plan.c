//  fuzz_tf_plan.c - libFuzzer target for the packed plan decoder
//
//  Unpacks the input as a plan (tf_plan_unpack), as every actor does with the
//  plan the coordinator sends. Nothing may crash, leak or read out of bounds
//  (the sanitizers watch). An accepted plan must print, list its actors, read
//  its knobs, duplicate to an equal plan and survive pack, unpack, pack with
//  the same bytes; when it also validates, its YAML must load back equal.
//  Seeds: tests/fuzz/corpus/fuzz_tf_plan (golden plans, packed scenarios).

#include "fuzz_plan_checks.h"

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
    tf_fuzz_plan_quiet ();
    return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    tf_plan_t *plan = tf_plan_unpack (data, size);
    if (!plan)
        return 0;
    tf_fuzz_plan_check_uses (plan);
    tf_fuzz_plan_check_wire (plan);
    tf_plan_errors_t *errors = tf_plan_errors_new ();
    tf_plan_t *valid = tf_plan_dup (plan);
    if (tf_plan_validate (valid, errors) == 0) {
        tf_fuzz_plan_check_uses (valid);
        tf_fuzz_plan_check_print (valid);
    }
    tf_plan_destroy (&valid);
    tf_plan_errors_destroy (&errors);
    tf_plan_destroy (&plan);
    return 0;
}
