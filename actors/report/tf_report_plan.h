//  tf_report_plan.h - the run's whole normalised plan, for report.json
//
//  The shape of `tf validate`'s output, as JSON: {name, topology: {network,
//  validators, executors}, wallets: {count, amount, amounts?}, workloads:
//  [{kind, name, knobs}], expectations: [...], custom: [{name, role, command,
//  knobs}], run: {duration_ms, seed, runner}, consensus: {slot_ms,
//  active_slot_coeff, security_param}, node_control, node: {profile}}. Knobs
//  keep their catalogue names; a duration knob's value is in milliseconds.

#ifndef TF_REPORT_PLAN_H_INCLUDED
#define TF_REPORT_PLAN_H_INCLUDED

#include <jansson.h>
#include "tf_plan.h"

//  The plan as JSON. New reference.
json_t *tf_report_plan (const tf_plan_t *plan);

#endif
