//  tf_junit.c - report.json as JUnit XML, for CI systems

#include <czmq.h>
#include "tf_junit.h"

//  Write text with the five XML special characters escaped, and control
//  characters (invalid in XML 1.0) replaced by spaces
static void
s_escape (FILE *out, const char *text)
{
    for (const char *cursor = text ? text : ""; *cursor; cursor++) {
        unsigned char ch = (unsigned char) *cursor;
        switch (ch) {
            case '&':
                fputs ("&amp;", out);
                break;
            case '<':
                fputs ("&lt;", out);
                break;
            case '>':
                fputs ("&gt;", out);
                break;
            case '"':
                fputs ("&quot;", out);
                break;
            case '\'':
                fputs ("&apos;", out);
                break;
            default:
                fputc ((ch < 0x20 && ch != '\n' && ch != '\t') ? ' ' : ch, out);
        }
    }
}

//  First line of a message, for the failure's message attribute
static void
s_escape_first_line (FILE *out, const char *text)
{
    const char *end = text ? strchr (text, '\n') : NULL;
    if (!end) {
        s_escape (out, text);
        return;
    }
    char *line = strndup (text, (size_t) (end - text));
    s_escape (out, line);
    free (line);
}

//  True when an expectation named name has a result in the report
static bool
s_judged (const json_t *expectations, const char *name)
{
    for (size_t index = 0; index < json_array_size (expectations); index++) {
        const char *judged =
            json_string_value (json_object_get (json_array_get (expectations, index), "name"));
        if (judged && streq (judged, name))
            return true;
    }
    return false;
}

//  Names of the plan's expectations (built-in and custom) without a result, into
//  unjudged (an array of strings); returns how many
static size_t
s_unjudged (const json_t *report, const json_t *expectations, json_t *unjudged)
{
    const json_t *plan = json_object_get (report, "plan");
    const json_t *lists[] = {json_object_get (plan, "expectations"),
                             json_object_get (plan, "custom")};
    for (size_t list = 0; list < sizeof lists / sizeof lists[0]; list++)
        for (size_t index = 0; index < json_array_size (lists[list]); index++) {
            const json_t *item = json_array_get (lists[list], index);
            const char *role = json_string_value (json_object_get (item, "role"));
            const char *name = json_string_value (json_object_get (item, "name"));
            if ((role && !streq (role, "expectation")) || !name || s_judged (expectations, name))
                continue;
            json_array_append_new (unjudged, json_string (name));
        }
    return json_array_size (unjudged);
}

//  An expectation's details (report.json's "details" map), one property per
//  key, its value as compact JSON; nothing when it has none
static void
s_write_properties (FILE *out, const json_t *details)
{
    if (!json_is_object (details) || json_object_size (details) == 0)
        return;
    fprintf (out, "      <properties>\n");
    const char *key;
    const json_t *value;
    json_object_foreach ((json_t *) details, key, value)
    {
        char *text = json_dumps (value, JSON_COMPACT | JSON_ENCODE_ANY);
        fprintf (out, "        <property name=\"");
        s_escape (out, key);
        fprintf (out, "\" value=\"");
        s_escape (out, text);
        fprintf (out, "\"/>\n");
        free (text);
    }
    fprintf (out, "      </properties>\n");
}

int
tf_junit_write (const json_t *report, const char *path)
{
    assert (report && path);
    const char *scenario = json_string_value (json_object_get (report, "scenario"));
    const json_t *expectations = json_object_get (report, "expectations");
    const json_t *abort_info = json_object_get (report, "abort");
    bool aborted = json_is_object (abort_info);
    json_int_t started = json_integer_value (json_object_get (report, "started_ms"));
    json_int_t ended = json_integer_value (json_object_get (report, "ended_ms"));
    double seconds = ended > started ? (double) (ended - started) / 1000.0 : 0.0;

    //  An aborted run still has a case per planned expectation: those it never
    //  judged are skipped, and the run case carries the error
    json_t *unjudged = json_array ();
    size_t skipped = aborted ? s_unjudged (report, expectations, unjudged) : 0;
    size_t tests = json_array_size (expectations) + skipped + (aborted ? 1 : 0);
    size_t failures = 0;
    for (size_t index = 0; index < json_array_size (expectations); index++)
        if (!json_is_true (json_object_get (json_array_get (expectations, index), "passed")))
            failures++;

    char *temporary = zsys_sprintf ("%s.tmp", path);
    FILE *out = fopen (temporary, "w");
    if (!out) {
        zsys_error ("junit: cannot write path=%s error=\"%s\"", temporary, strerror (errno));
        zstr_free (&temporary);
        json_decref (unjudged);
        return -1;
    }
    fprintf (out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    fprintf (out,
             "<testsuites name=\"tf\" tests=\"%zu\" failures=\"%zu\" errors=\"%d\" "
             "skipped=\"%zu\" time=\"%.3f\">\n",
             tests, failures, aborted ? 1 : 0, skipped, seconds);
    fprintf (out, "  <testsuite name=\"");
    s_escape (out, scenario ? scenario : "scenario");
    fprintf (out,
             "\" tests=\"%zu\" failures=\"%zu\" errors=\"%d\" skipped=\"%zu\" "
             "time=\"%.3f\">\n",
             tests, failures, aborted ? 1 : 0, skipped, seconds);
    for (size_t index = 0; index < json_array_size (expectations); index++) {
        const json_t *entry = json_array_get (expectations, index);
        const char *message = json_string_value (json_object_get (entry, "message"));
        fprintf (out, "    <testcase classname=\"tf.");
        s_escape (out, scenario ? scenario : "scenario");
        fprintf (out, "\" name=\"");
        s_escape (out, json_string_value (json_object_get (entry, "name")));
        fprintf (out, "\" time=\"0\">\n");
        s_write_properties (out, json_object_get (entry, "details"));
        if (!json_is_true (json_object_get (entry, "passed"))) {
            fprintf (out, "      <failure message=\"");
            s_escape_first_line (out, message);
            fprintf (out, "\">");
            s_escape (out, message);
            fprintf (out, "</failure>\n");
        }
        else {
            fprintf (out, "      <system-out>");
            s_escape (out, message);
            fprintf (out, "</system-out>\n");
        }
        fprintf (out, "    </testcase>\n");
    }
    const char *phase = json_string_value (json_object_get (abort_info, "phase"));
    for (size_t index = 0; index < skipped; index++) {
        fprintf (out, "    <testcase classname=\"tf.");
        s_escape (out, scenario ? scenario : "scenario");
        fprintf (out, "\" name=\"");
        s_escape (out, json_string_value (json_array_get (unjudged, index)));
        fprintf (out,
                 "\" time=\"0\">\n      <skipped message=\"not judged: the run was aborted in ");
        s_escape (out, phase ? phase : "?");
        fprintf (out, "\"/>\n    </testcase>\n");
    }
    json_decref (unjudged);
    if (aborted) {
        const char *reason = json_string_value (json_object_get (abort_info, "reason"));
        fprintf (out, "    <testcase classname=\"tf.");
        s_escape (out, scenario ? scenario : "scenario");
        fprintf (out, "\" name=\"run\" time=\"%.3f\">\n      <error message=\"", seconds);
        s_escape_first_line (out, reason);
        fprintf (out, "\">");
        s_escape (out, reason);
        fprintf (out, "</error>\n    </testcase>\n");
    }
    fprintf (out, "  </testsuite>\n</testsuites>\n");
    int flushed = fflush (out);
    int synced = fsync (fileno (out));
    int closed = fclose (out);
    int rc = 0;
    if (flushed || synced || closed || rename (temporary, path)) {
        zsys_error ("junit: cannot write path=%s error=\"%s\"", path, strerror (errno));
        rc = -1;
    }
    zstr_free (&temporary);
    return rc;
}
