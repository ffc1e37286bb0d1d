//  tf_replay_plan.c - a past run's plan, made fit to judge its recording again

#include <czmq.h>
#include "tf_replay_plan.h"

//  Take the workloads (built-in and custom) out of a plan: in a replay the
//  recording plays their part
static void
s_drop_workloads (tf_plan_t *plan)
{
    //  A scratch plan takes the items over, and its destroy frees them
    tf_plan_t *scrap = tf_plan_new ("scrap");
    scrap->workloads = plan->workloads;
    scrap->workload_count = plan->workload_count;
    plan->workloads = NULL;
    plan->workload_count = 0;
    size_t items_size = (plan->custom_count + 1) * sizeof (tf_plan_item_t);
    scrap->customs = (tf_plan_item_t *) zmalloc (items_size);
    tf_plan_item_t *kept = (tf_plan_item_t *) zmalloc (items_size);
    size_t kept_count = 0;
    for (size_t index = 0; index < plan->custom_count; index++) {
        tf_plan_item_t *item = &plan->customs[index];
        if (item->role && strcmp (item->role, "expectation") == 0)
            kept[kept_count++] = *item;
        else
            scrap->customs[scrap->custom_count++] = *item;
    }
    free (plan->customs);
    plan->customs = kept;
    plan->custom_count = kept_count;
    tf_plan_destroy (&scrap);
}

//  Is name one of names (NULL-terminated)?
static bool
s_listed (const char *const *names, const char *name)
{
    for (size_t index = 0; names[index]; index++)
        if (streq (names[index], name))
            return true;
    return false;
}

//  tf replay --expect: keep only the named expectations (built-in and
//  custom). Returns 0, or -1 after printing a name the plan does not have.
static int
s_keep_expectations (tf_plan_t *plan, const char *const *names, FILE *err)
{
    int rc = 0;
    for (size_t index = 0; names[index]; index++) {
        bool known = tf_plan_item_by_name (plan, names[index]) != NULL;
        for (size_t item = 0; known && item < plan->workload_count; item++)
            known = !streq (plan->workloads[item].name, names[index]);
        if (!known) {
            fprintf (err,
                     "tf replay: --expect %s: the recorded plan has no expectation of "
                     "that name; it has:",
                     names[index]);
            for (size_t item = 0; item < plan->expectation_count; item++)
                fprintf (err, " %s", plan->expectations[item].name);
            for (size_t item = 0; item < plan->custom_count; item++)
                fprintf (err, " %s", plan->customs[item].name);
            fprintf (err, "\n");
            rc = -1;
        }
    }
    if (rc)
        return rc;
    //  A scratch plan takes the dropped items over, and its destroy frees them
    tf_plan_t *scrap = tf_plan_new ("scrap");
    scrap->expectations =
        (tf_plan_item_t *) zmalloc ((plan->expectation_count + 1) * sizeof (tf_plan_item_t));
    scrap->customs =
        (tf_plan_item_t *) zmalloc ((plan->custom_count + 1) * sizeof (tf_plan_item_t));
    size_t kept = 0;
    for (size_t index = 0; index < plan->expectation_count; index++)
        if (s_listed (names, plan->expectations[index].name))
            plan->expectations[kept++] = plan->expectations[index];
        else
            scrap->expectations[scrap->expectation_count++] = plan->expectations[index];
    plan->expectation_count = kept;
    kept = 0;
    for (size_t index = 0; index < plan->custom_count; index++)
        if (s_listed (names, plan->customs[index].name))
            plan->customs[kept++] = plan->customs[index];
        else
            scrap->customs[scrap->custom_count++] = plan->customs[index];
    plan->custom_count = kept;
    tf_plan_destroy (&scrap);
    return 0;
}

int
tf_replay_plan_trim (tf_plan_t *plan, const char *const *names, FILE *err)
{
    assert (plan && err);
    s_drop_workloads (plan);
    return names ? s_keep_expectations (plan, names, err) : 0;
}
