//  tf_exp_prometheus_scrape.h - scrapes every node's /metrics, in a thread
//
//  A zactor: asks each node's GET /metrics (TF_EXP_SCRAPE_TRIES tries,
//  TF_EXP_SCRAPE_RETRY_MS apart, each bounded by the node client's timeout)
//  and reads the blocks-produced counter. When done it sends one message on
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

//  Start scraping the nodes' APIs (urls, count of them; copied before this
//  returns).
zactor_t *tf_exp_prometheus_scrape_new (const char *const *urls, size_t count);

//  Receive the scrapes from the pipe: an array of the count given (caller
//  frees each error, then the array). NULL if the scraper was interrupted.
tf_exp_prometheus_scrape_t *tf_exp_prometheus_scrape_recv (zactor_t *scraper);

#endif
