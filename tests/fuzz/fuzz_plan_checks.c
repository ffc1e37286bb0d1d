//  fuzz_plan_checks.c - what the plan fuzzers check of every plan they get

#include <czmq.h>
#include "fuzz_plan_checks.h"

#define TF_FUZZ_MAX_ACTORS (2 + 3 * TF_PLAN_MAX_ITEMS) //  Deployer, scanner, every item

typedef struct {
    uint8_t *data; //  Packed plan (owned)
    size_t size;   //  Its length
} s_packed_t;

void
tf_fuzz_plan_quiet (void)
{
    zsys_set_logstream (NULL);
    zsys_set_logsystem (false);
}

//  Pack or abort: packing never fails on a plan in memory
static s_packed_t
s_pack (const tf_plan_t *plan)
{
    s_packed_t packed = {NULL, 0};
    if (tf_plan_pack (plan, &packed.data, &packed.size) || !packed.data)
        abort ();
    return packed;
}

//  Abort unless both packings are the same bytes; frees both
static void
s_assert_same (s_packed_t first, s_packed_t second)
{
    if (first.size != second.size || memcmp (first.data, second.data, first.size) != 0)
        abort ();
    free (first.data);
    free (second.data);
}

//  Read every knob of item through every typed accessor
static void
s_read_knobs (const tf_plan_item_t *item)
{
    for (size_t index = 0; index < item->knob_count; index++) {
        const char *key = item->knobs[index].key;
        if (!key)
            abort (); //  Every knob has a name
        tf_plan_knob_int (item, key, 0);
        tf_plan_knob_float (item, key, 0);
        tf_plan_knob_bool (item, key, false);
        tf_plan_knob_str (item, key, NULL);
        tf_plan_knob_ms (item, key, 0);
    }
}

void
tf_fuzz_plan_check_uses (const tf_plan_t *plan)
{
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream (&text, &size);
    assert (out);
    tf_plan_print (plan, out);
    fclose (out);
    free (text);

    tf_plan_actor_t actors[TF_FUZZ_MAX_ACTORS];
    size_t count = tf_plan_actors (plan, actors, TF_FUZZ_MAX_ACTORS);
    size_t items = plan->workload_count + plan->expectation_count + plan->custom_count;
    if (count > TF_FUZZ_MAX_ACTORS || count < items + 1 || count > items + 2)
        abort (); //  The deployer, maybe the scanner, one per item
    for (size_t index = 0; index < count; index++) {
        if (!actors[index].name || !actors[index].role)
            abort (); //  The supervisor names and spawns each one
        tf_plan_item_by_name (plan, actors[index].name);
    }
    for (size_t index = 0; index < plan->workload_count; index++)
        s_read_knobs (&plan->workloads[index]);
    for (size_t index = 0; index < plan->expectation_count; index++)
        s_read_knobs (&plan->expectations[index]);
    for (size_t index = 0; index < plan->custom_count; index++)
        s_read_knobs (&plan->customs[index]);
    tf_plan_is_replay (plan);

    tf_plan_t *copy = tf_plan_dup (plan);
    s_assert_same (s_pack (plan), s_pack (copy));
    tf_plan_destroy (&copy);
}

void
tf_fuzz_plan_check_wire (const tf_plan_t *plan)
{
    s_packed_t first = s_pack (plan);
    tf_plan_t *again = tf_plan_unpack (first.data, first.size);
    if (!again)
        abort (); //  What we pack, we unpack
    s_assert_same (first, s_pack (again));
    tf_plan_destroy (&again);
}

void
tf_fuzz_plan_check_print (const tf_plan_t *plan)
{
    tf_plan_errors_t *errors = tf_plan_errors_new ();
    tf_plan_t *copy = tf_plan_dup (plan);
    if (tf_plan_validate (copy, errors))
        abort (); //  Valid stays valid
    s_assert_same (s_pack (plan), s_pack (copy));
    tf_plan_destroy (&copy);

    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream (&text, &size);
    assert (out);
    tf_plan_print (plan, out);
    fclose (out);
    tf_plan_t *loaded = tf_plan_load_string (text, "printed.yaml", errors);
    if (!loaded) {
        fprintf (stderr, "printed plan does not load:\n%s", text);
        tf_plan_errors_print (errors, stderr);
        abort ();
    }
    s_packed_t printed = s_pack (loaded), original = s_pack (plan);
    if (printed.size != original.size || memcmp (printed.data, original.data, printed.size))
        fprintf (stderr, "printed plan loads to another plan:\n%s", text);
    s_assert_same (printed, original);
    tf_plan_destroy (&loaded);
    free (text);
    tf_plan_errors_destroy (&errors);
}
