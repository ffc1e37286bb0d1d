//  tf_phase.c - phase names

#include "tf_phase.h"
#include <string.h>

static const char *s_names[TF_PHASE_COUNT_] = {
    "register", "deploy", "capture", "execute", "cooldown", "evaluate", "cleanup", "done",
};

const char *
tf_phase_name (tf_phase_t phase)
{
    return (phase >= 0 && phase < TF_PHASE_COUNT_) ? s_names[phase] : "?";
}

int
tf_phase_by_name (const char *name)
{
    for (int phase = 0; name && phase < TF_PHASE_COUNT_; phase++)
        if (strcmp (s_names[phase], name) == 0)
            return phase;
    return -1;
}
