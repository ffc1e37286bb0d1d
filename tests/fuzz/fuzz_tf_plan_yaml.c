//  fuzz_tf_plan_yaml.c - libFuzzer target for the scenario loader
//
//  Loads the input as a scenario file (tf_plan_load_buffer, the path every
//  load takes). Nothing may crash, leak or read out of bounds (the sanitizers
//  watch); a load gives either a plan and no error or errors and no plan, and
//  every error has a path and a message. An accepted plan must print as YAML
//  that loads back to the same plan, survive pack, unpack, pack with the same
//  bytes, and stand the uses the actors make of it.
//  Seeds: tests/fuzz/corpus/fuzz_tf_plan_yaml (the scenarios, valid and not).

#include <stdlib.h>
#include "fuzz_plan_checks.h"

static FILE *s_discard; //  Where the errors are printed, to run the printer

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
    tf_fuzz_plan_quiet ();
    s_discard = fopen ("/dev/null", "w");
    if (!s_discard)
        abort ();
    return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    tf_plan_errors_t *errors = tf_plan_errors_new ();
    tf_plan_t *plan = tf_plan_load_buffer ((const char *) data, size, "fuzz.yaml", errors);
    size_t count = tf_plan_errors_count (errors);
    if ((plan != NULL) == (count > 0))
        abort (); //  A plan, or the reasons there is none
    for (size_t index = 0; index < count; index++) {
        const tf_plan_error_t *error = tf_plan_errors_at (errors, index);
        if (!error->path || !error->message || !error->file)
            abort ();
    }
    tf_plan_errors_print (errors, s_discard);
    if (plan) {
        tf_fuzz_plan_check_uses (plan);
        tf_fuzz_plan_check_wire (plan);
        tf_fuzz_plan_check_print (plan);
    }
    tf_plan_destroy (&plan);
    tf_plan_errors_destroy (&errors);
    return 0;
}
