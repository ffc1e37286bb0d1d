//  tf_env.h - the environment variables whose values tf parses
//
//  Checked once, before a run starts: `tf run` refuses a bad value at once
//  (exit 2), naming the variable, instead of a deployer failing the run on it
//  later; the programs that read a variable read it through here.

#ifndef TF_ENV_H_INCLUDED
#define TF_ENV_H_INCLUDED

#include <stdint.h>

#define TF_ENV_READINESS_TIMEOUT "TF_READINESS_TIMEOUT" //  Each readiness stage: "20s"

//  NULL when every variable here is unset or valid, else what is wrong with
//  the first bad one, with its value (caller frees).
char *tf_env_error (void);

//  The readiness stage timeout the environment asks for, or -1 when it asks
//  for none or for something that is not a positive duration.
int64_t tf_env_readiness_timeout_ms (void);

#endif
