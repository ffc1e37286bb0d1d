//  tf_phase.h - the phases of a run, in order, and their wire names
//
//  The coordinator moves every run through these phases; each is broadcast on
//  the control socket by name ("deploy", "capture", ...) and acknowledged by
//  every actor before the next one starts.

#ifndef TF_PHASE_H_INCLUDED
#define TF_PHASE_H_INCLUDED

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    TF_PHASE_REGISTER = 0, //  Waiting for every expected actor to say hello
    TF_PHASE_DEPLOY,       //  Deployer starts nodes and waits for readiness
    TF_PHASE_CAPTURE,      //  Expectations take their baseline
    TF_PHASE_EXECUTE,      //  Workloads drive traffic for the run duration
    TF_PHASE_COOLDOWN,     //  Workloads stop; the cluster settles
    TF_PHASE_EVALUATE,     //  Expectations judge and report
    TF_PHASE_CLEANUP,      //  Deployer stops nodes; actors release resources
    TF_PHASE_DONE,         //  Everyone exits
    TF_PHASE_COUNT_
} tf_phase_t;

//  Wire name of a phase ("deploy"), or "?" for an out-of-range value.
const char *tf_phase_name (tf_phase_t phase);

//  Phase of a wire name, or -1 when unknown.
int tf_phase_by_name (const char *name);

#ifdef __cplusplus
}
#endif

#endif
