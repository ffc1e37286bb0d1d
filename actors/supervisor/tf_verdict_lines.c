//  tf_verdict_lines.c - how `tf run` prints one expectation's result

#include <string.h>
#include "tf_verdict_lines.h"

#define S_TITLE_SUFFIX "_expectation" //  The seeds' titles: "<kind>_expectation"

//  Length of the title message starts with ("<title>: "), or 0 when it starts
//  with none that names this expectation
static size_t
s_title_length (const char *message, const char *name, const char *kind)
{
    size_t length = strcspn (message, ": \n");
    if (message[length] != ':' || message[length + 1] != ' ')
        return 0;
    const char *candidates[] = {name, kind};
    for (size_t index = 0; index < sizeof candidates / sizeof candidates[0]; index++) {
        const char *candidate = candidates[index];
        size_t size = candidate ? strlen (candidate) : 0;
        if (size == 0 || length < size || strncmp (message, candidate, size) != 0)
            continue;
        size_t suffix = strlen (S_TITLE_SUFFIX);
        bool titled =
            length == size + suffix && strncmp (message + size, S_TITLE_SUFFIX, suffix) == 0;
        if (length == size || titled)
            return length + 2;
    }
    return 0;
}

void
tf_verdict_lines_print (FILE *out, const char *name, const char *kind, bool passed,
                        const char *message)
{
    message = message ? message : "";
    message += s_title_length (message, name ? name : "", kind);
    size_t first = strcspn (message, "\n");
    fprintf (out, "  %s %s: %.*s\n", passed ? "PASS" : "FAIL", name ? name : "?", (int) first,
             message);
    if (passed)
        return;
    for (const char *line = message + first; *line == '\n' && line[1];) {
        line++;
        size_t length = strcspn (line, "\n");
        fprintf (out, "%s%.*s\n", TF_VERDICT_LINES_INDENT, (int) length, line);
        line += length;
    }
}
