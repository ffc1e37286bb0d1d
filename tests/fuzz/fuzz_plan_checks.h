//  fuzz_plan_checks.h - what the plan fuzzers check of every plan they get
//
//  Each check aborts (so libFuzzer reports it, with the input) when the plan
//  breaks a promise of tf_plan.h; none of them changes the plan.

#ifndef TF_FUZZ_PLAN_CHECKS_H_INCLUDED
#define TF_FUZZ_PLAN_CHECKS_H_INCLUDED

#include "tf_plan.h"

//  Silence the loggers (a rejected plan is logged once, which would flood the
//  fuzzer's output); call from LLVMFuzzerInitialize.
void tf_fuzz_plan_quiet (void);

//  Use the plan as the actors do: print it, list its actors and look each one
//  up, read every knob, duplicate it. The copy must pack to the same bytes.
void tf_fuzz_plan_check_uses (const tf_plan_t *plan);

//  Pack, unpack and pack again: the second packing equals the first.
void tf_fuzz_plan_check_wire (const tf_plan_t *plan);

//  For a validated plan: validating again changes nothing, and its YAML
//  (tf_plan_print) loads back (tf_plan_load_string) to a plan that packs to
//  the same bytes.
void tf_fuzz_plan_check_print (const tf_plan_t *plan);

#endif
