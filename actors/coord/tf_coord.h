//  tf_coord.h - the coordinator: owns the plan, the actor registry and the
//  phase machine, relays node control, aggregates results, writes the report
//
//  Binds `control` (PUB) and `service` (ROUTER). Moves the run through
//  register -> deploy -> capture -> execute -> cooldown -> evaluate -> cleanup
//  -> done; no phase starts before every live actor acknowledged the previous
//  one. A lost heartbeat, a failed ack, a phase deadline or SIGTERM aborts the
//  run: the abort is published and the run goes straight to cleanup, which is
//  always delivered to the deployer. Under the replay runner the timed phases
//  take no time (the replayer plays the recording back at once) and the
//  report says how far the recorded run went (tf_recording_summary.h).
//  On a tcp run (TF_SERVER_CERT set) both sockets are CURVE servers behind a
//  ZAP handler (tf_curve.h); the report counts the connections it refused.
//
//  Consumes: actor.hello, actor.heartbeat, run.phase.ack, run.nodes,
//            expect.result, workload.status, tx.submitted, da.published,
//            da.sampled, node.resources, node.control, node.control.reply
//  Emits:    actor.welcome, run.plan, run.nodes, run.phase, run.abort,
//            run.event, workload.status, tx.submitted, da.published, da.sampled,
//            node.resources and expect.result (relayed on control, so the recording keeps them),
//            node.control (relayed),
//            node.control.reply (relayed), actor.error

#ifndef TF_COORD_H_INCLUDED
#define TF_COORD_H_INCLUDED

#include <czmq.h>
#include "tf_plan.h"
#include "tf_report.h"

#define TF_COORD_HEARTBEAT_MS 250    //  Phase re-broadcast and heartbeat interval
#define TF_COORD_TIMEOUT_MS   5000   //  Actor silence that means it is gone
#define TF_COORD_REGISTER_MS  30000  //  Every actor must say hello within this
#define TF_COORD_DEPLOY_MS    300000 //  Deploy deadline (the deployer has its own)
#define TF_COORD_PHASE_MS     60000  //  Deadline of capture, evaluate, cleanup acks
#define TF_COORD_TICK_MS      50     //  Resolution of phase timers

typedef struct _tf_coord_t tf_coord_t;

typedef struct {
    const char *run_dir;    //  Where report.json goes
    const char *run_id;     //  Unique id of this run
    const char *plan_path;  //  plan.msgpack written by tf
    const char *control_ep; //  Bind endpoint of the control PUB
    const char *service_ep; //  Bind endpoint of the service ROUTER
    const char *feed_ep;    //  Scanner's feed, recorded; NULL for none
    int64_t heartbeat_ms;   //  0: TF_COORD_HEARTBEAT_MS
    int64_t timeout_ms;     //  0: TF_COORD_TIMEOUT_MS (x2 if SLOW_TEST_ENV)
    int64_t register_ms;    //  0: TF_COORD_REGISTER_MS (x2 if SLOW_TEST_ENV)
    bool verbose;
} tf_coord_config_t;

//  Load the plan, bind the sockets and open the bus recording (run_dir/bus.rec). Returns NULL (after logging why) on a
//  bad plan file or an endpoint that cannot be bound.
tf_coord_t *tf_coord_new (const tf_coord_config_t *config);

//  Destroy the coordinator and nullify the reference. Safe on NULL.
void tf_coord_destroy (tf_coord_t **self_p);

//  Run the scenario to its end and write the report. Returns the verdict as
//  the process exit code: 0 passed, 1 expectations failed, 3 aborted.
int tf_coord_run (tf_coord_t *self);

//  The whole main() of tf-coordinator: parse the command line (--help lists it),
//  create, run and destroy the coordinator. Returns the exit code: the verdict
//  of tf_coord_run, TF_EXIT_USAGE for a bad command line, TF_EXIT_ERROR when
//  the coordinator cannot start.
int tf_coord_main (int argc, char **argv);

#endif
