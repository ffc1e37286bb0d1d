//  tf_size.c - sizes in bytes as scenarios write them (see tf_size.h)

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tf_size.h"

#define S_KIB 1024.0
#define S_MAX 9.2233720368547758e18 //  2^63

//  One unit and its factor
typedef struct {
    const char *unit;
    double factor;
} s_unit_t;

static const s_unit_t s_units[] = {
    {"", 1},
    {"B", 1},
    {"kB", 1e3},
    {"KB", 1e3},
    {"MB", 1e6},
    {"GB", 1e9},
    {"KiB", S_KIB},
    {"MiB", S_KIB *S_KIB},
    {"GiB", S_KIB *S_KIB *S_KIB},
};

int
tf_size_parse (const char *text, uint64_t *bytes)
{
    if (!text || !bytes || !isdigit ((unsigned char) *text))
        return -1;
    char *end = NULL;
    double value = strtod (text, &end);
    while (*end == ' ')
        end++;
    for (size_t index = 0; index < sizeof s_units / sizeof s_units[0]; index++)
        if (strcmp (end, s_units[index].unit) == 0) {
            double total = value * s_units[index].factor;
            if (!isfinite (total) || total >= S_MAX)
                return -1;
            *bytes = (uint64_t) llround (total);
            return 0;
        }
    return -1;
}

void
tf_size_print (uint64_t bytes, char out[TF_SIZE_TEXT])
{
    static const char *const units[] = {"KiB", "MiB", "GiB", "TiB"};
    if (bytes < (uint64_t) S_KIB) {
        snprintf (out, TF_SIZE_TEXT, "%llu B", (unsigned long long) bytes);
        return;
    }
    double value = (double) bytes / S_KIB;
    size_t unit = 0;
    while (value >= S_KIB && unit + 1 < sizeof units / sizeof units[0]) {
        value /= S_KIB;
        unit++;
    }
    snprintf (out, TF_SIZE_TEXT, "%.1f %s", value, units[unit]);
}
