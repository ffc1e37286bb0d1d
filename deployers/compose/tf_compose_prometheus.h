//  tf_compose_prometheus.h - the run's Prometheus alongside its compose nodes
//
//  The image is built as the node image is (tf_compose_image_build): Debian's
//  prometheus binary (TF_PROMETHEUS_BIN, else /usr/bin/prometheus) and the
//  libraries ldd names for it, imported as tf-prometheus:<tf version>-<hash>.
//  Start writes RUN_DIR/prometheus/prometheus.yml (tf_prometheus_write_config:
//  every node a target by its address in the run's network, its `node` label
//  its name, the scrape interval max(1 s, slot)) and runs one container,
//  <project>-prometheus, on the run's network at its fixed address
//  (TF_COMPOSE_STACK_PROMETHEUS_HOST), the file mounted read-only, its API
//  published on 127.0.0.1:TEST_FRAMEWORK_PROMETHEUS_PORT (9090 when unset, a
//  free port for 0; a port already taken is an error naming it). It carries
//  the run's labels (tf.run, tf.run_dir, tf.service=prometheus), so the
//  stack's removal, the reaper and `tf clean` remove it with the nodes.
//  Wait-up polls GET /api/v1/targets through the published port until every
//  node target is `up`, failing at once when the container ends.

#ifndef TF_COMPOSE_PROMETHEUS_H_INCLUDED
#define TF_COMPOSE_PROMETHEUS_H_INCLUDED

#include "tf_compose_stack.h"

#define TF_COMPOSE_PROMETHEUS_REPO    "tf-prometheus" //  Repository of its image
#define TF_COMPOSE_PROMETHEUS_SERVICE "prometheus"    //  tf.service label, name suffix
#define TF_COMPOSE_PROMETHEUS_PORT    9090            //  Its API inside the container
#define TF_COMPOSE_PROMETHEUS_DIR     "prometheus"    //  Under the run directory

typedef struct _tf_compose_prometheus_t tf_compose_prometheus_t;

//  Build (or reuse) the image, write the configuration and start the
//  container scraping every node of stack every interval_ms. work_dir holds
//  the image's scratch files. NULL with *error_p (caller frees).
tf_compose_prometheus_t *tf_compose_prometheus_start (tf_compose_stack_t *stack,
                                                      const char *work_dir, int64_t interval_ms,
                                                      void *cancel, char **error_p);

//  Wait until every node target is up. 0, or -1 with *error_p (what each
//  target last said, or how the container ended) on timeout, exit or cancel.
int tf_compose_prometheus_wait_up (tf_compose_prometheus_t *self, int64_t timeout_ms, void *cancel,
                                   char **error_p);

//  The query API base on the host, "http://127.0.0.1:9090".
const char *tf_compose_prometheus_url (const tf_compose_prometheus_t *self);

//  Copy the container's log into RUN_DIR/prometheus/prometheus.log. 0 or -1.
int tf_compose_prometheus_collect_log (tf_compose_prometheus_t *self);

//  Free and nullify; the container goes with the stack (by its labels).
//  Safe on NULL.
void tf_compose_prometheus_destroy (tf_compose_prometheus_t **self_p);

#endif
