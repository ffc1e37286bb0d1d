//  tf_exp_promql.h - one instant query of a Prometheus server's HTTP API
//
//  GET <server>/api/v1/query?query=<PromQL, URL-encoded>[&time=<unix s>].
//  The answer is read into a list of series: each one's labels as text
//  (`{node="validator-0"}`, the metric name first when there is one) and its
//  value. A scalar answer is one series with labels "{}". A query the server
//  rejects gives its own error text (errorType: error), an unreachable server
//  says so. Blocking, bounded by the client's timeout: call it off the
//  actor's loop (a zactor thread).

#ifndef TF_EXP_PROMQL_H_INCLUDED
#define TF_EXP_PROMQL_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>
#include "tf_api_client.h"

#define TF_EXP_PROMQL_PATH "/api/v1/query"

//  One series of an answer
typedef struct {
    char *labels; //  `{node="validator-0"}` (owned)
    char *node;   //  Its `node` label, or NULL (owned)
    double value;
} tf_exp_promql_series_t;

typedef struct {
    tf_exp_promql_series_t *series; //  Owned
    size_t count;
    char *error;   //  Why there is no answer (owned), or NULL
    bool rejected; //  The server answered with an error (bad query, ...)
} tf_exp_promql_answer_t;

//  Ask query through client (whose base URL is the server). at_s > 0 asks
//  for that evaluation time (unix seconds). 0 with *answer filled (its error
//  NULL); -1 with answer->error (and rejected when the server said it).
//  Free with tf_exp_promql_answer_free.
int tf_exp_promql_query (tf_api_client_t *client, const char *query, double at_s,
                         tf_exp_promql_answer_t *answer);

//  Read a /api/v1/query answer body (status: its HTTP status). Same result.
int tf_exp_promql_parse (const char *body, long status, tf_exp_promql_answer_t *answer);

void tf_exp_promql_answer_free (tf_exp_promql_answer_t *answer);

#endif
