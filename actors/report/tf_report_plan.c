//  tf_report_plan.c - the run's whole normalised plan, for report.json

#include <assert.h>
#include "tf_report_plan.h"

static json_t *
s_knob_value (const tf_knob_t *knob)
{
    switch (knob->type) {
        case TF_KNOB_FLOAT:
            return json_real (knob->value.f);
        case TF_KNOB_BOOL:
            return json_boolean (knob->value.b);
        case TF_KNOB_STR:
            return json_string (knob->value.s ? knob->value.s : "");
        case TF_KNOB_INT:
        case TF_KNOB_DURATION:
        default:
            return json_integer ((json_int_t) knob->value.i);
    }
}

//  One workload, expectation or custom actor
static json_t *
s_item (const tf_plan_item_t *item, bool custom)
{
    json_t *knobs = json_object ();
    for (size_t index = 0; index < item->knob_count; index++)
        json_object_set_new (knobs, item->knobs[index].key, s_knob_value (&item->knobs[index]));
    if (custom)
        return json_pack ("{s:s?, s:s?, s:s?, s:o}", "name", item->name, "role", item->role,
                          "command", item->command, "knobs", knobs);
    return json_pack ("{s:s?, s:s?, s:o}", "kind", item->kind, "name", item->name, "knobs", knobs);
}

static json_t *
s_items (const tf_plan_item_t *items, size_t count, bool custom)
{
    json_t *list = json_array ();
    for (size_t index = 0; index < count; index++)
        json_array_append_new (list, s_item (&items[index], custom));
    return list;
}

json_t *
tf_report_plan (const tf_plan_t *plan)
{
    assert (plan);
    json_t *wallets = json_pack ("{s:I, s:I}", "count", (json_int_t) plan->wallets, "amount",
                                 (json_int_t) plan->wallet_amount);
    if (plan->wallet_amounts) {
        json_t *amounts = json_array ();
        for (size_t index = 0; index < plan->wallet_amount_count; index++)
            json_array_append_new (amounts,
                                   json_integer ((json_int_t) plan->wallet_amounts[index]));
        json_object_set_new (wallets, "amounts", amounts);
    }
    json_t *root = json_pack (
        "{s:s?, s:{s:s, s:I, s:I}, s:o, s:o, s:o, s:o, s:{s:I, s:I, s:s?}, s:{s:I, s:f, s:I}, "
        "s:b, s:{s:s?}}",
        "name", plan->name, "topology", "network", tf_plan_network_str (plan->network),
        "validators", (json_int_t) plan->validators, "executors", (json_int_t) plan->executors,
        "wallets", wallets, "workloads", s_items (plan->workloads, plan->workload_count, false),
        "expectations", s_items (plan->expectations, plan->expectation_count, false), "custom",
        s_items (plan->customs, plan->custom_count, true), "run", "duration_ms",
        (json_int_t) plan->duration_ms, "seed", (json_int_t) plan->seed, "runner", plan->runner,
        "consensus", "slot_ms", (json_int_t) plan->slot_ms, "active_slot_coeff",
        plan->active_slot_coeff, "security_param", (json_int_t) plan->security_param,
        "node_control", plan->node_control, "node", "profile", plan->node_profile);
    assert (root);
    return root;
}
