//  tf_compose_stack.h - one run's containers: names, addresses, ports, the
//  compose file, and their life in the engine
//
//  The stack names the nodes of a plan (validators first, then executors, as
//  the local runner does), gives each a directory RUN_DIR/nodes/<name>/ (its
//  config in config/, mounted read-only at /etc/tf; its log node.log), two
//  free loopback ports for its APIs, and, once the run's network exists, a
//  fixed address in it. The network (one per run, a /24 in
//  TF_COMPOSE_STACK_SUBNET_BASE, or for more than TF_COMPOSE_STACK_SMALL_MAX
//  nodes a /19 in TF_COMPOSE_STACK_WIDE_BASE) is made with `docker network
//  create`; the
//  compose file RUN_DIR/compose/docker-compose.yml describes every node as a
//  service on it (the common subset of docker-compose 1.29 and the v2
//  plugin) and `compose up -d` starts them. Every container and the network
//  carry the labels tf.run=<run id>, tf.run_dir=<run dir>, and containers
//  tf.node=<name>; removal goes by label, so it finds whatever exists.

#ifndef TF_COMPOSE_STACK_H_INCLUDED
#define TF_COMPOSE_STACK_H_INCLUDED

#include "tf_deployer.h"

#define TF_COMPOSE_STACK_SUBNET_BASE     "10.213" //  Run networks are 10.213.N.0/24
#define TF_COMPOSE_STACK_SUBNETS         256      //  Values of N
#define TF_COMPOSE_STACK_SMALL_MAX       244      //  Nodes a /24 holds: .10 to .253
#define TF_COMPOSE_STACK_WIDE_BASE       "10.216" //  Larger runs: 10.216.(32 M).0/19
#define TF_COMPOSE_STACK_WIDE_SUBNETS    8        //  Values of M
#define TF_COMPOSE_STACK_WIDE_BITS       19       //  8190 hosts: .10 on holds 4096 nodes and more
#define TF_COMPOSE_STACK_TRIES           16       //  Subnets tried before giving up
#define TF_COMPOSE_STACK_FIRST_HOST      10       //  Node i is .(10 + i)
#define TF_COMPOSE_STACK_HTTP_PORT       18080    //  Node API inside a container
#define TF_COMPOSE_STACK_TESTING         18081    //  Testing API inside a container
#define TF_COMPOSE_STACK_P2P_PORT        3000     //  Swarm inside a container
#define TF_COMPOSE_STACK_STATE_MS        250      //  How long a `docker ps` answer is reused
#define TF_COMPOSE_STACK_STOP_S          "2"      //  Grace of `docker stop`, seconds
#define TF_COMPOSE_STACK_LABEL_RUN       "tf.run"
#define TF_COMPOSE_STACK_LABEL_DIR       "tf.run_dir"
#define TF_COMPOSE_STACK_LABEL_NODE      "tf.node"
#define TF_COMPOSE_STACK_LABEL_SERVICE   "tf.service" //  On the cfgsync container
#define TF_COMPOSE_STACK_CFGSYNC         "cfgsync"    //  Its service name
#define TF_COMPOSE_STACK_CFGSYNC_HOST    2            //  Its address is .2
#define TF_COMPOSE_STACK_CFGSYNC_DIR     "/srv/tf"    //  RUN_DIR/nodes, mounted read-only
#define TF_COMPOSE_STACK_PROMETHEUS_HOST 3            //  The Prometheus container's address is .3
#define TF_COMPOSE_STACK_HOST_SIZE       16           //  "10.213.255.255"
#define TF_COMPOSE_STACK_CIDR_SIZE       20           //  "10.216.224.0/19"

typedef struct _tf_compose_stack_t tf_compose_stack_t;

//  Make the table for the run's nodes and their directories; ports come from
//  the kernel. NULL with *error_p (caller frees) on failure.
tf_compose_stack_t *tf_compose_stack_new (const char *run_dir, const char *run_id,
                                          uint32_t validators, uint32_t executors, char **error_p);

//  The network tf_compose_stack_network tries as candidate pick (any number;
//  candidates repeat) for a run of count nodes, as a CIDR: 10.213.N.0/24, or
//  10.216.M.0/19 past TF_COMPOSE_STACK_SMALL_MAX nodes.
void tf_compose_stack_subnet (size_t count, unsigned pick, char cidr[TF_COMPOSE_STACK_CIDR_SIZE]);

//  The address host places past the start of that network (node i is at
//  TF_COMPOSE_STACK_FIRST_HOST + i, cfgsync at TF_COMPOSE_STACK_CFGSYNC_HOST).
void tf_compose_stack_host (size_t count, unsigned pick, size_t host,
                            char address[TF_COMPOSE_STACK_HOST_SIZE]);

//  Destroy and nullify. Removes nothing in the engine. Safe on NULL.
void tf_compose_stack_destroy (tf_compose_stack_t **self_p);

//  Queries (node 0 .. count-1); strings borrowed from the stack.
size_t tf_compose_stack_count (tf_compose_stack_t *self);
const char *tf_compose_stack_name (tf_compose_stack_t *self, size_t node);
const char *tf_compose_stack_role (tf_compose_stack_t *self, size_t node);
uint32_t tf_compose_stack_index (tf_compose_stack_t *self, size_t node);
const char *tf_compose_stack_container (tf_compose_stack_t *self, size_t node);
const char *tf_compose_stack_config_dir (tf_compose_stack_t *self, size_t node);
const char *tf_compose_stack_log_path (tf_compose_stack_t *self, size_t node);
const char *tf_compose_stack_address (tf_compose_stack_t *self, size_t node);
uint16_t tf_compose_stack_http_port (tf_compose_stack_t *self, size_t node);
uint16_t tf_compose_stack_testing_port (tf_compose_stack_t *self, size_t node);
const char *tf_compose_stack_project (tf_compose_stack_t *self);
const char *tf_compose_stack_network_name (tf_compose_stack_t *self);
const char *tf_compose_stack_file (tf_compose_stack_t *self);
const char *tf_compose_stack_run_id (tf_compose_stack_t *self);
const char *tf_compose_stack_run_dir (tf_compose_stack_t *self);
//  The fixed address of the run's Prometheus container (once the network exists)
const char *tf_compose_stack_prometheus_address (tf_compose_stack_t *self);

//  Create the run's network (trying other subnets when one is taken); the
//  nodes' addresses are known after. 0, or -1 with *error_p.
int tf_compose_stack_network (tf_compose_stack_t *self, void *cancel, char **error_p);

//  Write the compose file: every node runs image with command (argv words,
//  NULL-terminated, the same for every node). With cfgsync (tf-cfgsync's
//  path in the image) the stack has a cfgsync service serving RUN_DIR/nodes
//  and every node first fetches config_files (NULL-terminated) by its name
//  into /etc/tf; without, each node's config dir is mounted there
//  read-only. 0, or -1 with *error_p.
int tf_compose_stack_write (tf_compose_stack_t *self, const char *image, char *const command[],
                            const char *cfgsync, char *const config_files[], char **error_p);

//  Copy the cfgsync service's log into RUN_DIR/compose/cfgsync.log. 0 or -1.
int tf_compose_stack_collect_service_log (tf_compose_stack_t *self);

//  `compose up -d` the file. 0, or -1 with *error_p naming what failed.
int tf_compose_stack_up (tf_compose_stack_t *self, void *cancel, char **error_p);

//  How node's container is (one `docker ps` for every node, reused for
//  TF_COMPOSE_STACK_STATE_MS); text says how it ended. A node seen exited
//  gets its log collected at once.
tf_deployer_state_t tf_compose_stack_state (tf_compose_stack_t *self, size_t node,
                                            char text[TF_DEPLOYER_STATE_TEXT]);

//  Forget the reused `docker ps` answer (after node control changed a state).
void tf_compose_stack_forget_states (tf_compose_stack_t *self);

//  The pid (on this host) of node's container's first process, or -1.
pid_t tf_compose_stack_pid (tf_compose_stack_t *self, size_t node, void *cancel);

//  Copy node's container log into its node.log (replaced). 0, or -1 after logging why.
int tf_compose_stack_collect_log (tf_compose_stack_t *self, size_t node);

//  Remove every container, network and volume labelled with the run, bounded
//  by timeouts (no cancel: this is cleanup). 0, or -1 with *error_p.
int tf_compose_stack_remove (tf_compose_stack_t *self, char **error_p);

//  Print how to inspect and remove a preserved stack (zsys_notice lines).
void tf_compose_stack_print_preserved (tf_compose_stack_t *self);

#endif
