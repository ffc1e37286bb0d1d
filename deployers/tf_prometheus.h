//  tf_prometheus.h - a Prometheus server for a run: the Debian `prometheus`
//  binary as a child process of the deployer, scraping every node's /metrics
//
//  Start writes DIR/prometheus.yml (one job, tf-nodes, one static target per
//  node with a `node` label holding its name; scrape interval and timeout
//  max(1 s, slot)), keeps its data in DIR/data (--storage.tsdb.path) and its
//  output in DIR/prometheus.log, and listens on 127.0.0.1:PORT: PORT from
//  TEST_FRAMEWORK_PROMETHEUS_PORT, 9090 when unset, a free port when 0. A
//  port already taken is an error that names it. The binary is
//  TF_PROMETHEUS_BIN, else /usr/bin/prometheus.
//
//  Like a local node, the process sets PR_SET_PDEATHSIG SIGKILL (it never
//  outlives the deployer, even one killed with SIGKILL) and leads its own
//  process group. Wait-up polls GET /api/v1/targets until every node target
//  is `up`. Destroy stops it (SIGTERM, SIGKILL after a grace) and reaps it.

#ifndef TF_PROMETHEUS_H_INCLUDED
#define TF_PROMETHEUS_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TF_PROMETHEUS_PORT_ENV     "TEST_FRAMEWORK_PROMETHEUS_PORT"
#define TF_PROMETHEUS_BIN_ENV      "TF_PROMETHEUS_BIN"
#define TF_PROMETHEUS_DEFAULT_BIN  "/usr/bin/prometheus"
#define TF_PROMETHEUS_DEFAULT_PORT 9090
#define TF_PROMETHEUS_MIN_SCRAPE   1000  //  Shortest scrape interval, ms
#define TF_PROMETHEUS_UP_MS        60000 //  Longest wait for every target up
#define TF_PROMETHEUS_POLL_MS      200   //  Between /api/v1/targets polls
#define TF_PROMETHEUS_STOP_MS      3000  //  SIGTERM, then SIGKILL after this
#define TF_PROMETHEUS_URL_ENV      "LOGOS_BLOCKCHAIN_METRICS_QUERY_URL"

typedef struct _tf_prometheus_t tf_prometheus_t;

//  One target: the node's name (the `node` label) and its API base URL
typedef struct {
    const char *name;
    const char *api_url; //  "http://127.0.0.1:18080"
} tf_prometheus_target_t;

//  The binary that would run (TF_PROMETHEUS_BIN or the default).
const char *tf_prometheus_binary (void);

//  Scrape interval for a slot: max(TF_PROMETHEUS_MIN_SCRAPE, slot_ms), in ms.
int64_t tf_prometheus_interval_ms (int64_t slot_ms);

//  Write the configuration for the targets to path. 0, or -1 with *error_p.
int tf_prometheus_write_config (const char *path, const tf_prometheus_target_t *targets,
                                size_t count, int64_t interval_ms, char **error_p);

//  The port a server should listen on: TEST_FRAMEWORK_PROMETHEUS_PORT, 9090
//  when unset, a free one for 0; checked free on 127.0.0.1 by binding it.
//  0, or -1 with *error_p naming the port (caller frees).
int tf_prometheus_port (uint16_t *port_p, char **error_p);

//  The node targets `up` in a GET /api/v1/targets answer; text gets what
//  the others last said ("validator-1: down, connection refused; ...").
size_t tf_prometheus_count_up (const char *answer, char *text, size_t size);

//  Write the configuration into dir (made if missing) and start the server.
//  NULL with *error_p (caller frees) when the binary is missing, the port is
//  taken or the process cannot start.
tf_prometheus_t *tf_prometheus_start (const char *dir, const tf_prometheus_target_t *targets,
                                      size_t count, int64_t interval_ms, char **error_p);

//  Wait until every target is up (cancel: a tf_deployer_cancel_t, or NULL).
//  0; -1 with *error_p (what each target last said, or that the process
//  ended, with its log) on timeout, exit or cancel.
int tf_prometheus_wait_up (tf_prometheus_t *self, int64_t timeout_ms, void *cancel, char **error_p);

//  Whether a server someone else runs still runs: NULL while it does, else
//  why not (caller frees), which ends the wait at once
typedef char *(tf_prometheus_alive_fn) (void *arg);

//  The same wait for a server someone else runs (a compose run's container,
//  a k8s run's pod through a port-forward): until expected node targets of
//  url are up, asking alive (with arg; NULL: not asked) between polls. 0, or
//  -1 with *error_p.
int tf_prometheus_wait_targets (const char *url, size_t expected, int64_t timeout_ms, void *cancel,
                                tf_prometheus_alive_fn *alive, void *arg, char **error_p);

//  The query API base, "http://127.0.0.1:9090".
const char *tf_prometheus_url (const tf_prometheus_t *self);

//  Its process id (0 once reaped).
int tf_prometheus_pid (const tf_prometheus_t *self);

//  Stop (SIGTERM, SIGKILL after TF_PROMETHEUS_STOP_MS), reap, free, nullify.
//  Safe on NULL.
void tf_prometheus_destroy (tf_prometheus_t **self_p);

//  Kill at once (SIGKILL), reap, free, nullify: the stop path. Safe on NULL.
void tf_prometheus_kill (tf_prometheus_t **self_p);

#endif
