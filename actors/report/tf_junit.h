//  tf_junit.h - report.json as JUnit XML, for CI systems
//
//  One test suite per run, one test case per expectation (failed ones carry
//  their message; details become the case's properties), plus a "run" test
//  case in error when the run was aborted.

#ifndef TF_JUNIT_H_INCLUDED
#define TF_JUNIT_H_INCLUDED

#include <jansson.h>

//  Write the JUnit document for a report (as written to report.json) to path.
//  Returns 0 or -1 (logged).
int tf_junit_write (const json_t *report, const char *path);

#endif
