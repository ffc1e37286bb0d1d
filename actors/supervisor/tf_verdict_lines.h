//  tf_verdict_lines.h - how `tf run` prints one expectation's result
//
//  "  PASS tx_inclusion: 104/104 included (100%)": the actor's name, then the
//  first line of its message without the title the expectation starts it with
//  (the seeds' form, "tx_inclusion_expectation: ..." or "<kind>: ..."), which
//  would only repeat the name. A failure also prints the message's other lines
//  (its figures), indented; a pass does not: report.json keeps them all.

#ifndef TF_VERDICT_LINES_H_INCLUDED
#define TF_VERDICT_LINES_H_INCLUDED

#include <stdbool.h>
#include <stdio.h>

#define TF_VERDICT_LINES_INDENT "           " //  Under the result, for detail lines

//  Print the result of the expectation name (of kind, may be NULL) to out.
void tf_verdict_lines_print (FILE *out, const char *name, const char *kind, bool passed,
                             const char *message);

#endif
