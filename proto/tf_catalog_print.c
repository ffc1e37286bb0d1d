//  tf_catalog_print.c - `tf catalog`: the catalogue's table, printed as text or markdown
//
//  Everything printed comes from the table in tf_catalog.c (kinds, knobs,
//  runners), so the listing cannot drift from what the loader and the
//  validator accept. The knob ranges are the validator's own words
//  (tf_catalog_knob_range).

#include "tf_catalog.h"
#include <czmq.h>
#include <stdarg.h>

#define S_TEXT_SIZE 256 //  Room for one printed range, default or list of needs

static const char *s_format_names[] = {"text", "markdown"}; //  By tf_catalog_format_t

//  A format by the name --format takes; *format_p written only on success
int
tf_catalog_format_parse (const char *name, tf_catalog_format_t *format_p)
{
    assert (format_p);
    for (size_t index = 0; name && index < sizeof s_format_names / sizeof s_format_names[0];
         index++)
        if (streq (s_format_names[index], name)) {
            *format_p = (tf_catalog_format_t) index;
            return 0;
        }
    return -1;
}

//  Runners that can do every action of a set, comma-separated ("" if none)
static void
s_capable_runners (unsigned actions, char *out, size_t size)
{
    *out = 0;
    for (size_t index = 0; index < tf_catalog_runner_count (); index++) {
        const tf_catalog_runner_t *runner = tf_catalog_runner_at (index);
        if ((runner->actions & actions) != actions)
            continue;
        size_t used = strlen (out);
        snprintf (out + used, size - used, "%s%s", used ? ", " : "", runner->name);
    }
}

//  Append to a phrase held in a fixed buffer, "; " between parts
static void s_append (char *out, size_t size, const char *format, ...)
    __attribute__ ((format (printf, 3, 4)));

static void
s_append (char *out, size_t size, const char *format, ...)
{
    size_t used = strlen (out);
    if (used && used + 2 < size) {
        strcat (out, "; ");
        used += 2;
    }
    va_list args;
    va_start (args, format);
    vsnprintf (out + used, size - used, format, args);
    va_end (args);
}

//  What a kind needs from the rest of the plan, as one phrase; "nothing" if
//  it needs nothing. code wraps what a user writes ("`" in markdown)
static void
s_needs_text (const tf_catalog_kind_t *kind, const char *code, char *out, size_t size)
{
    *out = 0;
    if (kind->needs & TF_CATALOG_NEEDS_EXECUTORS)
        s_append (out, size, "%sexecutors%s >= 1", code, code);
    if (kind->needs & TF_CATALOG_NEEDS_WALLETS)
        s_append (out, size, "%swallets%s >= 1", code, code);
    if (kind->actions) {
        char *names = tf_catalog_action_names (kind->actions);
        char runners[S_TEXT_SIZE];
        s_capable_runners (kind->actions, runners, sizeof runners);
        s_append (out, size, "node control: %s (%snode_control: true%s; runners: %s)", names, code,
                  code, *runners ? runners : "none");
        free (names);
    }
    if (kind->companion)
        s_append (out, size, "a %s%s%s workload", code, kind->companion, code);
    if (!*out)
        snprintf (out, size, "nothing");
}

//  A knob's default as YAML spells it; the empty string shows as ""
static const char *
s_default_text (const tf_catalog_knob_t *knob)
{
    return *knob->fallback ? knob->fallback : "\"\"";
}

//  One kind for a terminal: a header line, program, needs, then each knob on
//  a line of its own (name, type, default, range) with its help below
static void
s_print_kind_text (const tf_catalog_kind_t *kind, FILE *out)
{
    char needs[S_TEXT_SIZE];
    s_needs_text (kind, "", needs, sizeof needs);
    fprintf (out, "%s\n    %s\n", kind->kind, kind->help);
    fprintf (out, "    program:  %s\n", kind->program);
    fprintf (out, "    needs:    %s\n", needs);
    fprintf (out, "    knobs:%s\n", kind->knob_count ? "" : "    none");
    for (size_t index = 0; index < kind->knob_count; index++) {
        const tf_catalog_knob_t *knob = &kind->knobs[index];
        char range[S_TEXT_SIZE];
        tf_catalog_knob_range (knob, range, sizeof range);
        char *line = zsys_sprintf ("      %-16s %-9s default %-6s %s", knob->name,
                                   tf_catalog_type_str (knob->type), s_default_text (knob), range);
        size_t length = strlen (line);
        while (length && line[length - 1] == ' ')
            line[--length] = 0; //  No trailing blanks when there is no range
        fprintf (out, "%s\n          %s\n", line, knob->help);
        zstr_free (&line);
    }
    fprintf (out, "\n");
}

//  A markdown table cell: "|" would end the cell early
static void
s_print_cell (const char *text, FILE *out)
{
    for (; *text; text++) {
        if (*text == '|')
            fputc ('\\', out);
        fputc (*text, out);
    }
}

//  One kind in markdown: a heading, help, program and needs, a knob table
static void
s_print_kind_markdown (const tf_catalog_kind_t *kind, FILE *out)
{
    char needs[S_TEXT_SIZE];
    s_needs_text (kind, "`", needs, sizeof needs);
    fprintf (out, "### `%s`\n\n%s\n\n", kind->kind, kind->help);
    fprintf (out, "* program: `%s`\n* needs: %s\n\n", kind->program, needs);
    if (!kind->knob_count) {
        fprintf (out, "No knobs.\n\n");
        return;
    }
    fprintf (out, "| Knob | Type | Default | Range | Meaning |\n"
                  "|------|------|---------|-------|---------|\n");
    for (size_t index = 0; index < kind->knob_count; index++) {
        const tf_catalog_knob_t *knob = &kind->knobs[index];
        char range[S_TEXT_SIZE];
        tf_catalog_knob_range (knob, range, sizeof range);
        fprintf (out, "| `%s` | %s | `%s` | %s | ", knob->name, tf_catalog_type_str (knob->type),
                 s_default_text (knob), range);
        s_print_cell (knob->help, out);
        fprintf (out, " |\n");
    }
    fprintf (out, "\n");
}

//  The runners: a block each for a terminal, one table in markdown
static void
s_print_runners (tf_catalog_format_t format, FILE *out)
{
    bool markdown = format == TF_CATALOG_FORMAT_MARKDOWN;
    if (markdown)
        fprintf (out, "## Runners\n\n| Runner | Program | Node control | Meaning |\n"
                      "|--------|---------|--------------|---------|\n");
    else
        fprintf (out, "RUNNERS (scenario key: run.runner)\n\n");
    for (size_t index = 0; index < tf_catalog_runner_count (); index++) {
        const tf_catalog_runner_t *runner = tf_catalog_runner_at (index);
        char *names = tf_catalog_action_names (runner->actions);
        const char *actions = *names ? names : "none";
        if (markdown) {
            fprintf (out, "| `%s` | `%s` | %s | ", runner->name, runner->program, actions);
            s_print_cell (runner->help, out);
            fprintf (out, " |\n");
        }
        else
            fprintf (out, "%s\n    %s\n    program:       %s\n    node control:  %s\n\n",
                     runner->name, runner->help, runner->program, actions);
        free (names);
    }
}

//  Workloads, expectations, runners, each in catalogue order
void
tf_catalog_print (FILE *out, tf_catalog_format_t format)
{
    assert (out);
    bool markdown = format == TF_CATALOG_FORMAT_MARKDOWN;
    for (int role = TF_ROLE_WORKLOAD; role <= TF_ROLE_EXPECTATION; role++) {
        bool workloads = role == TF_ROLE_WORKLOAD;
        if (markdown)
            fprintf (out, "## %s\n\n", workloads ? "Workloads" : "Expectations");
        else
            fprintf (out, "%s (scenario key: %s)\n\n", workloads ? "WORKLOADS" : "EXPECTATIONS",
                     workloads ? "workloads" : "expectations");
        for (size_t index = 0; index < tf_catalog_kind_count (); index++) {
            const tf_catalog_kind_t *kind = tf_catalog_kind_at (index);
            if ((int) kind->role != role)
                continue;
            if (markdown)
                s_print_kind_markdown (kind, out);
            else
                s_print_kind_text (kind, out);
        }
    }
    s_print_runners (format, out);
}
