//  tf_env.c - the environment variables whose values tf parses (see tf_env.h)

#include <czmq.h>
#include "tf_env.h"
#include "tf_plan.h"

int64_t
tf_env_readiness_timeout_ms (void)
{
    const char *text = getenv (TF_ENV_READINESS_TIMEOUT);
    int64_t timeout_ms;
    if (!text || tf_plan_duration_parse (text, &timeout_ms) || timeout_ms <= 0)
        return -1;
    return timeout_ms;
}

char *
tf_env_error (void)
{
    const char *text = getenv (TF_ENV_READINESS_TIMEOUT);
    if (text && tf_env_readiness_timeout_ms () < 0)
        return zsys_sprintf ("%s must be a positive duration such as 20s or 500ms (got '%s')",
                             TF_ENV_READINESS_TIMEOUT, text);
    return NULL;
}
