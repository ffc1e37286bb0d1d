//  tf_exp_query.h - expectation prometheus_query: a PromQL query of the run's
//  Prometheus server compared with a value
//
//  The server is the one run.nodes names (metrics_url: the run's own, started
//  by the runner, or LOGOS_BLOCKCHAIN_METRICS_QUERY_URL). A querier thread
//  asks /api/v1/query (tf_exp_promql.h) off the actor's loop; the judge is
//  tf_exp_query_judge.h. With during: evaluate it asks once at evaluate.
//  With during: run it asks every TF_EXP_QUERY_INTERVAL (max(1 s, slot))
//  through execute and fails at once at the first breach, or a query the
//  server rejects (with run.fail_fast the run then ends early); at evaluate
//  it reports the last check that held. The check judged travels in the
//  result's details; under `tf replay` the expectation judges that check
//  from the recording, with no server.
//
//  Consumes: run.plan, run.nodes, run.phase
//  Emits:    expect.result (at a breach during execute, else in evaluate)

#ifndef TF_EXP_QUERY_H_INCLUDED
#define TF_EXP_QUERY_H_INCLUDED

#include "tf_actor.h"

#define TF_EXP_QUERY_MIN_INTERVAL_MS 1000 //  during: run checks, at most this often

//  The program tf-expect-prometheus-query
extern const tf_actor_class_t tf_exp_query_class;

#endif
