//  tf_exp_query_judge.h - prometheus_query: compare a PromQL answer with a
//  value, and the details that let a replay judge it again
//
//  The knobs: query (PromQL), op (<, <=, >, >=, ==, !=), value, during
//  (evaluate: one check at evaluate; run: a check every interval during
//  execute, each must hold, and the first that does not fails the run), and
//  for_each (every series of the answer must hold; without it the answer
//  must be one series or a scalar).
//
//  One check is an answer of the server at a time. It holds when its value
//  (each series' value, for_each) compares as op says; NaN never holds. An
//  answer with no series has nothing to compare: during the run such a check
//  is skipped (the server may not have the metric yet), at evaluate it fails.
//  A query the server rejects fails with the server's own error text.
//
//  The verdict's details (msgpack map) hold the check it was judged on (time,
//  each series' labels and value, or the error), the number of checks and
//  whether it was a breach, which is all tf_exp_query_judge needs: a replay
//  reads them back (tf_exp_query_from_details) and reaches the same verdict.

#ifndef TF_EXP_QUERY_JUDGE_H_INCLUDED
#define TF_EXP_QUERY_JUDGE_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "tf_exp_promql.h"

#define TF_EXP_QUERY_KIND "prometheus_query"

typedef enum {
    TF_EXP_QUERY_LT = 0,
    TF_EXP_QUERY_LE,
    TF_EXP_QUERY_GT,
    TF_EXP_QUERY_GE,
    TF_EXP_QUERY_EQ,
    TF_EXP_QUERY_NE,
    TF_EXP_QUERY_OP_COUNT
} tf_exp_query_op_t;

typedef struct {
    const char *query; //  Borrowed
    tf_exp_query_op_t op;
    double value;
    bool for_each;
    bool during_run; //  during: run
} tf_exp_query_knobs_t;

//  What a check found
typedef enum {
    TF_EXP_QUERY_HOLDS = 0, //  The comparison holds
    TF_EXP_QUERY_BREACH,    //  A value breaks it (or the answer has many series)
    TF_EXP_QUERY_EMPTY,     //  No series: nothing to compare
    TF_EXP_QUERY_REJECTED,  //  The server rejected the query
    TF_EXP_QUERY_NO_ANSWER  //  The server did not answer
} tf_exp_query_outcome_t;

//  One check: when, and what the server said
typedef struct {
    uint64_t at_ms;                //  Unix ms
    tf_exp_promql_answer_t answer; //  Owned
} tf_exp_query_check_t;

typedef struct {
    bool passed;
    char *message;    //  Owned
    uint8_t *details; //  msgpack map, owned
    size_t details_size;
} tf_exp_query_verdict_t;

//  Parse "<" ... "!="; 0, or -1 when it is none of them.
int tf_exp_query_op_parse (const char *text, tf_exp_query_op_t *op);
const char *tf_exp_query_op_text (tf_exp_query_op_t op);

//  Judge one check; *series_p (may be NULL) gets the index of the series
//  that breaks it, or of the one compared.
tf_exp_query_outcome_t tf_exp_query_check (const tf_exp_query_knobs_t *knobs,
                                           const tf_exp_query_check_t *check, size_t *series_p);

//  The verdict on check (the breach, or the last check), checks made so far.
void tf_exp_query_judge (const tf_exp_query_knobs_t *knobs, const tf_exp_query_check_t *check,
                         uint64_t checks, tf_exp_query_verdict_t *verdict);

//  Read a verdict's details back into *check and *checks_p. 0 or -1.
int tf_exp_query_from_details (const uint8_t *details, size_t size, tf_exp_query_check_t *check,
                               uint64_t *checks_p);

void tf_exp_query_check_free (tf_exp_query_check_t *check);
void tf_exp_query_verdict_free (tf_exp_query_verdict_t *verdict);

#endif
