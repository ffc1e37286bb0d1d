//  tf_verdict_lines.h - how `tf run` prints a run's verdict
//
//  From report.json: "verdict: failed", then each expectation's result, the
//  abort when there was one, and the run's figures (transactions included,
//  how far a replayed recording went).
//
//  "  PASS tx_inclusion: 104/104 included (100%)": the actor's name, then the
//  first line of its message without the title the expectation starts it with
//  (the seeds' form, "tx_inclusion_expectation: ..." or "<kind>: ..."), which
//  would only repeat the name. A failure also prints the message's other lines
//  (its figures), indented; a pass does not: report.json keeps them all.

#ifndef TF_VERDICT_LINES_H_INCLUDED
#define TF_VERDICT_LINES_H_INCLUDED

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#define TF_VERDICT_LINES_INDENT "           " //  Under the result, for detail lines

//  Print the result of the expectation name (of kind, may be NULL) to out.
void tf_verdict_lines_print (FILE *out, const char *name, const char *kind, bool passed,
                             const char *message);

//  Print the verdict of report (report.json) to out: the verdict line, each
//  expectation's result in the order of names (count of them; results of
//  expectations it does not name come last), the abort and the figures.
void tf_verdict_lines_report (FILE *out, json_t *report, const char *const *names, size_t count);

#endif
