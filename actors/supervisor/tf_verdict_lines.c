//  tf_verdict_lines.c - how `tf run` prints a run's verdict

#include <assert.h>
#include <stdlib.h>
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

//  Transactions the feed saw included, and how far a replayed recording went
static void
s_print_figures (FILE *out, json_t *report)
{
    json_t *tx = json_object_get (report, "tx");
    if (json_is_true (json_object_get (tx, "stats_seen"))) {
        //  As the book's block feed stats count them: over every block the
        //  feed published, fork blocks too, so a tx on two forks counts twice
        fprintf (out, "transactions included: %" JSON_INTEGER_FORMAT,
                 json_integer_value (json_object_get (tx, "included")));
        json_int_t submitted = json_integer_value (json_object_get (tx, "submitted"));
        json_int_t blocks = json_integer_value (json_object_get (tx, "blocks"));
        if (blocks > 0)
            fprintf (out, " in %" JSON_INTEGER_FORMAT " blocks seen (fork blocks too)", blocks);
        if (submitted > 0) {
            fprintf (out, " (submitted %" JSON_INTEGER_FORMAT, submitted);
            const char *outcome;
            json_t *count;
            json_object_foreach (json_object_get (tx, "outcomes"), outcome, count)
                fprintf (out, ", %s %" JSON_INTEGER_FORMAT, outcome, json_integer_value (count));
            fprintf (out, ")");
        }
        fprintf (out, "\n");
    }
    const char *replay =
        json_string_value (json_object_get (json_object_get (report, "replay"), "summary"));
    if (replay)
        fprintf (out, "replay: %s\n", replay);
    const char *metrics = json_string_value (json_object_get (report, "metrics_url"));
    if (metrics)
        fprintf (out, "prometheus: %s\n", metrics);
}

void
tf_verdict_lines_report (FILE *out, json_t *report, const char *const *names, size_t count)
{
    const char *verdict = json_string_value (json_object_get (report, "verdict"));
    fprintf (out, "verdict: %s\n", verdict ? verdict : "?");
    //  Results arrive in any order; show them in the plan's order
    json_t *expectations = json_object_get (report, "expectations");
    bool *shown = (bool *) calloc (json_array_size (expectations) + 1, sizeof (bool));
    assert (shown);
    for (size_t actor = 0; actor <= count; actor++) {
        const char *wanted = actor < count ? names[actor] : NULL;
        size_t index;
        json_t *entry;
        json_array_foreach (expectations, index, entry)
        {
            const char *name = json_string_value (json_object_get (entry, "name"));
            if (shown[index] || (wanted && (!name || strcmp (name, wanted) != 0)))
                continue; //  The last pass shows what the plan did not name
            shown[index] = true;
            tf_verdict_lines_print (out, name, json_string_value (json_object_get (entry, "kind")),
                                    json_is_true (json_object_get (entry, "passed")),
                                    json_string_value (json_object_get (entry, "message")));
        }
    }
    free (shown);
    json_t *abort_info = json_object_get (report, "abort");
    if (json_is_object (abort_info)) {
        const char *reason = json_string_value (json_object_get (abort_info, "reason"));
        const char *actor = json_string_value (json_object_get (abort_info, "actor"));
        const char *phase = json_string_value (json_object_get (abort_info, "phase"));
        fprintf (out, "  ABORTED in %s%s%s: %s\n", phase ? phase : "?", actor ? " by actor " : "",
                 actor ? actor : "", reason ? reason : "?");
    }
    s_print_figures (out, report);
}
