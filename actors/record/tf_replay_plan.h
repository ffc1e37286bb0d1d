//  tf_replay_plan.h - a past run's plan, made fit to judge its recording again
//
//  In a replay the recording plays the part of the nodes, the scanner and the
//  workloads, so the plan keeps its expectations (built-in and custom) only:
//  all of them, or those `tf replay --expect NAME` names.

#ifndef TF_REPLAY_PLAN_H_INCLUDED
#define TF_REPLAY_PLAN_H_INCLUDED

#include <stdio.h>
#include "tf_plan.h"

//  Drop the plan's workloads (built-in, and custom actors that are not
//  expectations); with names (NULL-terminated, or NULL for all) keep only
//  those expectations. Returns 0, or -1 after printing to err every name the
//  plan has no expectation of, with the names it has.
int tf_replay_plan_trim (tf_plan_t *plan, const char *const *names, FILE *err);

#endif
