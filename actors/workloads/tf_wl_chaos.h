//  tf_wl_chaos.h - chaos workloads: seeded schedules of node-control actions
//
//  Every chaos workload turns its knobs and the run seed into a schedule of
//  steps (restart validator-1 at +12.4 s, partition {validator-2} at +5 s ...)
//  before the run starts, so the same seed always gives the same schedule; the
//  schedule is published in the workload's status ("seed 4: +2.6s restart
//  validator-1; ...") and so lands in report.json under workloads.
//  During execute the driver sends each step as a node.control request through
//  the coordinator and waits for its reply before the next; a refused or failed
//  action fails the workload (and so aborts the run). In cooldown it runs the
//  steps still due (a heal, a resume) at once, then holds its acknowledgement
//  until the run's cooldown has passed since its last answered action, so the
//  expectations judge nodes that have settled.
//
//  Kinds: chaos_random_restart, chaos_partition, chaos_pause, chaos_loss,
//  chaos_bandwidth.
//  Consumes: run.plan, run.phase, node.control.reply
//  Emits:    node.control, workload.status

#ifndef TF_WL_CHAOS_H_INCLUDED
#define TF_WL_CHAOS_H_INCLUDED

#include "tf_actor.h"

#define TF_CHAOS_MAX_STEPS         1024     //  Longest schedule
#define TF_CHAOS_MAX_GROUP         64       //  Nodes in one partition group
#define TF_CHAOS_DEFAULT_RATE_KBIT 1000     //  chaos_bandwidth's rate_kbit unless given
#define TF_CHAOS_MIN_RATE_KBIT     8        //  The bandwidth action's range (compose)
#define TF_CHAOS_MAX_RATE_KBIT     10000000 //  10 Gbit/s

typedef struct {
    int64_t at_ms;                   //  Offset from the start of execute
    tf_control_action_t action;      //  What to do
    char node[64];                   //  Target node, or "" for partition/heal
    char *group[TF_CHAOS_MAX_GROUP]; //  Partition group (owned strings)
    size_t group_count;
    uint64_t percent;   //  loss: share of packets dropped, 0 removes it
    uint64_t rate_kbit; //  bandwidth: egress limit in kbit/s, 0 removes it
} tf_chaos_step_t;

typedef struct {
    tf_chaos_step_t steps[TF_CHAOS_MAX_STEPS];
    size_t count;
} tf_chaos_schedule_t;

//  Build the schedule of a chaos item of the plan into schedule. On error
//  (e.g. no eligible target) returns -1 with a message in error.
int tf_chaos_schedule_build (const tf_plan_t *plan, const tf_plan_item_t *item, int64_t duration_ms,
                             tf_chaos_schedule_t *schedule, char *error, size_t error_size);

//  Free the strings a schedule owns.
void tf_chaos_schedule_clear (tf_chaos_schedule_t *schedule);

//  Describe a schedule on one line, steps separated by "; " ("+12.4s restart
//  validator-1; +20.0s partition {validator-2,executor-0}; +30.0s heal;
//  +31.0s loss validator-0 30%; +40.0s bandwidth validator-1 64 kbit/s").
//  Caller owns the result.
char *tf_chaos_schedule_describe (const tf_chaos_schedule_t *schedule);

//  The programs of the five kinds: tf-workload-chaos-random-restart,
//  tf-workload-chaos-partition, tf-workload-chaos-pause, tf-workload-chaos-loss and
//  tf-workload-chaos-bandwidth
extern const tf_actor_class_t tf_wl_chaos_restart_class;
extern const tf_actor_class_t tf_wl_chaos_partition_class;
extern const tf_actor_class_t tf_wl_chaos_pause_class;
extern const tf_actor_class_t tf_wl_chaos_loss_class;
extern const tf_actor_class_t tf_wl_chaos_bandwidth_class;

#endif
