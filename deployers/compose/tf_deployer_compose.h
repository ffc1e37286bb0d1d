//  tf_deployer_compose.h - the compose runner: one container per node on a
//  real Docker engine
//
//  A backend of the deployer seam (tf_deployer.h). Deploy checks the engine
//  answers, makes (or reuses) the node image (tf_compose_image.h), starts the
//  run's reaper (tf_compose_reaper.h), creates the run's network, writes
//  every node's config under RUN_DIR/nodes/<name>/config/ and the compose
//  file RUN_DIR/compose/docker-compose.yml, and brings the stack up
//  (tf_compose_stack.h): a cfgsync service (tf_cfgsync.h) from which each
//  node container fetches its config by its name whenever it starts (with a
//  user's image, which has no tf-cfgsync, the config is mounted read-only
//  instead); the driver then waits for every readiness stage through the
//  API ports published on 127.0.0.1. A plan with observability.prometheus
//  then gets a Prometheus container on the run's network scraping every node
//  (tf_compose_prometheus.h), its API published on 127.0.0.1 too.
//  Node control goes through the engine (tf_compose_control.h). Before
//  cleanup every container's log is copied to RUN_DIR/nodes/<name>/node.log;
//  cleanup removes every container, network and volume labelled with the
//  run, unless COMPOSE_RUNNER_PRESERVE=1 keeps them (tf says how to inspect
//  and remove them). The stop path removes them at once.

#ifndef TF_DEPLOYER_COMPOSE_H_INCLUDED
#define TF_DEPLOYER_COMPOSE_H_INCLUDED

#include "tf_deployer.h"

#define TF_DEPLOYER_COMPOSE_PRESERVE_ENV    "COMPOSE_RUNNER_PRESERVE"
#define TF_DEPLOYER_COMPOSE_START_MARGIN_MS 2000      //  chain_start_time after generation
#define TF_DEPLOYER_COMPOSE_BIND_HOST       "0.0.0.0" //  APIs inside a container (published)
#define TF_DEPLOYER_COMPOSE_DB_PATH         "/data/db"
#define TF_DEPLOYER_COMPOSE_CFGSYNC         "tf-cfgsync" //  Beside this program, and in our image

//  The compose runner's backend
extern const tf_deployer_ops_t tf_deployer_compose_ops;

//  The program tf-deployer-compose
extern const tf_deployer_class_t tf_deployer_compose_class;

#endif
