//  tf_exp_prometheus_judge.h - prometheus_block_production: parse and judge
//
//  The parser reads the Prometheus text exposition format: one sample per
//  line, `name{label="value",...} value [timestamp]`, `#` lines are comments
//  (HELP, TYPE), blank lines are skipped and so is any line it cannot read.
//  A metric's value is the sum of its samples over every label set.
//
//  The judge takes what was scraped from each node at capture (the baseline)
//  and at evaluate. A node produced evaluate - capture blocks; when its
//  counter went down (the node restarted, so did its counter) it produced its
//  evaluate value. A node without a figure at either scrape (no answer, or no
//  metric) produced 0 and is named. Passed when the sum >= min_blocks. The
//  message says where the figures came from: the run's Prometheus server
//  (its URL) or each node's /metrics.

#ifndef TF_EXP_PROMETHEUS_JUDGE_H_INCLUDED
#define TF_EXP_PROMETHEUS_JUDGE_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TF_EXP_PROMETHEUS_METRIC "tf_node_blocks_produced_total"

//  One scrape of one node's /metrics
typedef struct {
    bool known;     //  value holds the metric
    uint64_t value; //  Its value, when known
    char *error;    //  Why unknown ("no answer", ...), or NULL
} tf_exp_prometheus_scrape_t;

//  One node: its scrapes at capture and at evaluate
typedef struct {
    char *name;
    tf_exp_prometheus_scrape_t capture;
    tf_exp_prometheus_scrape_t evaluate;
} tf_exp_prometheus_node_t;

typedef struct {
    tf_exp_prometheus_node_t *nodes; //  Owned
    size_t node_count;
    uint64_t min_blocks; //  Knob
    char *server;        //  The Prometheus queried (owned), or NULL: each node's /metrics
} tf_exp_prometheus_obs_t;

typedef struct {
    bool passed;
    uint64_t observed; //  Blocks produced over every node
    char *message;     //  Owned
    uint8_t *details;  //  msgpack map, owned
    size_t details_size;
} tf_exp_prometheus_verdict_t;

//  Find metric in an exposition text of size bytes (need not be terminated).
//  Writes the sum of its samples to *value and returns 0; 1 when no sample of
//  it could be read.
int tf_exp_prometheus_parse (const char *text, size_t size, const char *metric, double *value);

//  Fill scrape from a /metrics answer (NULL: no answer): known with the
//  counter's value, or an error naming what was wrong.
void tf_exp_prometheus_scrape_set (tf_exp_prometheus_scrape_t *scrape, const char *answer,
                                   long status);

//  Blocks one node produced (0 unless both scrapes are known).
uint64_t tf_exp_prometheus_produced (const tf_exp_prometheus_node_t *node);

//  Judge the observations into *verdict (free with tf_exp_prometheus_verdict_free).
void tf_exp_prometheus_judge (const tf_exp_prometheus_obs_t *obs,
                              tf_exp_prometheus_verdict_t *verdict);

void tf_exp_prometheus_verdict_free (tf_exp_prometheus_verdict_t *verdict);

//  Free what the observations own (not obs itself); zeroes them.
void tf_exp_prometheus_obs_free (tf_exp_prometheus_obs_t *obs);

#endif
