//  tf_exp_prometheus_scrape.h - reads every node's blocks-produced counter, in
//  a thread: from the run's Prometheus server when there is one, else from
//  each node's /metrics
//
//  A zactor. With a server it asks /api/v1/query for the counter of every
//  node (the `node` label) sampled after the scrape began
//  (TF_EXP_SERVER_QUERY), again every TF_EXP_SCRAPE_RETRY_MS until each node
//  has a figure or TF_EXP_SERVER_FRESH_MS passes; a node without one names
//  why. Without a server it asks each node's GET /metrics
//  (TF_EXP_SCRAPE_TRIES tries, TF_EXP_SCRAPE_RETRY_MS apart, each bounded by
//  the node client's timeout) and reads the counter. When done it sends one message on
//  its pipe: the pointer to an array of one scrape per node, in the order
//  given (picture "p", the receiver owns it), then waits for $TERM. The
//  actor's loop keeps beating meanwhile.

#ifndef TF_EXP_PROMETHEUS_SCRAPE_H_INCLUDED
#define TF_EXP_PROMETHEUS_SCRAPE_H_INCLUDED

#include <czmq.h>
#include "tf_exp_prometheus_judge.h"

#define TF_EXP_SCRAPE_TRIES    3   //  Requests per node
#define TF_EXP_SCRAPE_RETRY_MS 200 //  Between them
#define TF_EXP_PROMETHEUS_PATH "/metrics"
#define TF_EXP_SERVER_FRESH_MS 10000 //  Longest wait for fresh samples in the server
//  The server's query: each node's counter, sampled at or after %f (unix s)
#define TF_EXP_SERVER_QUERY                                                                        \
    TF_EXP_PROMETHEUS_METRIC " and on(node) (timestamp(" TF_EXP_PROMETHEUS_METRIC ") >= %.3f)"

//  Start reading the counter of count nodes (urls: their APIs, names: their
//  names, the server's `node` label), from server (the query API base) when
//  not NULL. Everything is copied before this returns.
zactor_t *tf_exp_prometheus_scrape_new (const char *const *urls, const char *const *names,
                                        size_t count, const char *server);

//  Receive the scrapes from the pipe: an array of the count given (caller
//  frees each error, then the array). NULL if the scraper was interrupted.
tf_exp_prometheus_scrape_t *tf_exp_prometheus_scrape_recv (zactor_t *scraper);

#endif
