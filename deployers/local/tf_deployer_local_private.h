//  tf_deployer_local_private.h - what the local deployer's two files share:
//  its state, its nodes, and the calls between deploy/cleanup
//  (tf_deployer_local.c) and node control (tf_deployer_local_control.c)

#ifndef TF_DEPLOYER_LOCAL_PRIVATE_H_INCLUDED
#define TF_DEPLOYER_LOCAL_PRIVATE_H_INCLUDED

#include <jansson.h>
#include "tf_deployer_local.h"
#include "tf_genesis.h"
#include "tf_http_worker.h"
#include "tf_keys.h"
#include "tf_node_spec.h"
#include "tf_node_proc.h"
#include "tf_profile.h"
#include "tf_readiness.h"
#include "tf_topology.h"

#define TF_NAME_SIZE      32      //  "validator-255"
#define TF_PORTS_PER_NODE 3       //  http, testing, p2p
#define TF_DIR_MODE       0700    //  Node directories
#define TF_TAG_READY      "ready" //  HTTP batch tags
#define TF_TAG_CONTROL    "control"
#define TF_HTTP_OK_MIN    200
#define TF_HTTP_OK_MAX    299

//  One node of the run
typedef struct {
    char name[TF_NAME_SIZE]; //  "validator-0"
    const char *role;        //  "validator" | "executor" (static)
    uint32_t index;          //  Within its role
    char *dir;               //  RUN_DIR/nodes/<name>
    char *db_path;           //  dir/db
    char *log_path;          //  Where stdout+stderr go
    uint16_t http_port;
    uint16_t testing_port;
    uint16_t p2p_port;
    pid_t pid;                 //  0 when not running
    bool paused;               //  SIGSTOPped
    char *peer_id;             //  From /network/info, or NULL
    tf_readiness_node_t ready; //  Readiness observations
} tf_local_node_t;

struct _tf_deployer_local_t {
    tf_actor_t *actor;           //  Not owned; set by the first handler call
    const tf_profile_t *profile; //  Node kind
    char *binary;                //  Node binary to run
    char *nodes_dir;             //  RUN_DIR/nodes
    char *log_dir;               //  LOGOS_BLOCKCHAIN_LOG_DIR, or NULL
    bool keep_logs;              //  Keep node data after cleanup
    tf_local_node_t *nodes;      //  Every node of the plan
    size_t node_count;
    bool *blocked;       //  node_count^2: a blocks b's peer id
    zactor_t *http;      //  HTTP worker thread
    bool http_busy;      //  A batch is in flight
    size_t *probe_nodes; //  Node index of each request in flight
    size_t probe_count;
    bool ticking; //  Tick timer armed

    bool deploying;             //  Readiness in progress
    tf_readiness_stage_t stage; //  Current readiness stage
    int64_t stage_deadline;     //  zclock_mono

    zlistx_t *controls; //  Queued node-control requests, head in progress

    bool cleaning;   //  Cleanup in progress
    int64_t kill_at; //  When SIGTERMed nodes get SIGKILL
};

//  Arm the tick timer (TF_READINESS_POLL_MS) unless it is armed.
void tf_deployer_local_arm_tick (tf_deployer_local_t *self);

//  "http://127.0.0.1:PORT" followed by path (or nothing). Caller frees.
char *tf_deployer_local_url (uint16_t port, const char *path);

//  Start a node from its files; 0, or -1 after logging why.
int tf_deployer_local_start_node (tf_deployer_local_t *self, tf_local_node_t *node);

//  Node control (tf_deployer_local_control.c). A request is queued and
//  served one at a time, advanced by each tick and by the HTTP worker.
void tf_deployer_local_control_request (tf_deployer_local_t *self,
                                        const tf_node_control_t *request);
void tf_deployer_local_control_tick (tf_deployer_local_t *self);
void tf_deployer_local_control_answers (tf_deployer_local_t *self, tf_http_request_t *answers,
                                        size_t count);
void tf_deployer_local_control_refuse_all (tf_deployer_local_t *self, const char *reason);

#endif
