//  tf_exp_prometheus.h - expectation prometheus_block_production
//
//  The nodes' Prometheus metrics must show at least `min_blocks` (default 1)
//  blocks produced during the run. At capture a scraper thread
//  (tf_exp_prometheus_scrape.h) reads every node's blocks-produced counter,
//  the baseline: from the run's Prometheus server when run.nodes names one
//  (metrics_url), else from each node's /metrics; at evaluate it reads them
//  again from the same source and
//  the judge (tf_exp_prometheus_judge.h) sums what each node produced in
//  between. The scrapes judged travel in the result's details
//  (tf_exp_prometheus_record.h); under `tf replay` (runner "replay") the
//  expectation judges the recorded ones instead of scraping.
//
//  Consumes: run.plan, run.nodes, run.phase
//  Emits:    expect.result (in evaluate, before its ack)

#ifndef TF_EXP_PROMETHEUS_H_INCLUDED
#define TF_EXP_PROMETHEUS_H_INCLUDED

#include "tf_actor.h"

#define TF_EXP_PROMETHEUS_KIND "prometheus_block_production"

//  The program tf-expect-prometheus-block-production
extern const tf_actor_class_t tf_exp_prometheus_class;

#endif
