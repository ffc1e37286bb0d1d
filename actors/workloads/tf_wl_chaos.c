//  tf_wl_chaos.c - chaos workloads: seeded schedules of node-control actions

#include "tf_rng.h"
#include "tf_run_metrics.h"
#include "tf_wl_chaos.h"

#define TF_CHAOS_MAX_NODES TF_PLAN_MAX_NODES
#define TF_CHAOS_NAME_SIZE 64

typedef struct {
    tf_actor_t *actor;                    //  Not owned
    const tf_plan_item_t *item;           //  This workload in the plan, not owned
    tf_chaos_schedule_t schedule;         //  What to do and when
    size_t next;                          //  Next step to send
    bool waiting;                         //  A request is in flight
    char req_id[TF_CHAOS_NAME_SIZE + 16]; //  Its id
    int64_t execute_started;              //  zclock_mono at execute
    bool executing;                       //  Between execute and cooldown
    uint64_t sent;                        //  Requests sent
    uint64_t done;                        //  Requests that succeeded
    uint64_t failed;                      //  Requests refused or failed
    uint64_t seed;                        //  The run seed, shown with the schedule
    int64_t settle_ms;                    //  Quiet time after the last action
    int64_t last_answer;                  //  zclock_mono of the last reply, or 0
    bool settling;                        //  In cooldown, waiting out settle_ms
} s_chaos_t;

//  ---------------------------------------------------------------------------
//  Schedules

static void
s_node_name (const tf_plan_t *plan, size_t index, char *out, size_t size)
{
    if (index < plan->validators)
        snprintf (out, size, "validator-%zu", index);
    else
        snprintf (out, size, "executor-%zu", index - plan->validators);
}

static tf_chaos_step_t *
s_add_step (tf_chaos_schedule_t *schedule, int64_t at_ms, tf_control_action_t action,
            const char *node)
{
    if (schedule->count >= TF_CHAOS_MAX_STEPS)
        return NULL;
    tf_chaos_step_t *step = &schedule->steps[schedule->count++];
    memset (step, 0, sizeof *step);
    step->at_ms = at_ms;
    step->action = action;
    //  Cut to the field, said outright: Release builds cannot see that names fit
    snprintf (step->node, sizeof step->node, "%.*s", (int) sizeof step->node - 1, node ? node : "");
    return step;
}

//  Seeds' random restart: targets are validators (only when there are two or
//  more: restarting the only validator would halt consensus) and executors as
//  the knobs allow; a restart every [min_delay, max_delay]; a node is not hit
//  again within target_cooldown: when every target is cooling down, the turn
//  waits for the first one to come out of it. Times are planned offsets, so
//  the choices depend on the seed alone.
static int
s_build_restart (const tf_plan_t *plan, const tf_plan_item_t *item, tf_rng_t *rng,
                 int64_t duration_ms, tf_chaos_schedule_t *schedule, char *error, size_t size)
{
    size_t targets[TF_CHAOS_MAX_NODES];
    size_t target_count = 0;
    if (tf_plan_knob_bool (item, "validators", false) && plan->validators > 1)
        for (size_t index = 0; index < plan->validators; index++)
            targets[target_count++] = index;
    if (tf_plan_knob_bool (item, "executors", false))
        for (size_t index = 0; index < plan->executors; index++)
            targets[target_count++] = plan->validators + index;
    if (target_count == 0) {
        snprintf (error, size, "chaos restart workload has no eligible targets");
        return -1;
    }
    int64_t min_delay = tf_plan_knob_ms (item, "min_delay", 0);
    int64_t max_delay = tf_plan_knob_ms (item, "max_delay", min_delay);
    int64_t cooldown = tf_plan_knob_ms (item, "target_cooldown", 0);
    if (min_delay <= 0 || max_delay < min_delay) {
        snprintf (error, size, "chaos restart needs 0 < min_delay <= max_delay");
        return -1;
    }
    int64_t ready[TF_CHAOS_MAX_NODES]; //  When each target may be restarted again
    for (size_t index = 0; index < target_count; index++)
        ready[index] = 0;
    for (int64_t at = tf_rng_range (rng, min_delay, max_delay); at < duration_ms;
         at += tf_rng_range (rng, min_delay, max_delay)) {
        int64_t first_ready = INT64_MAX;
        for (size_t index = 0; index < target_count; index++)
            if (ready[index] < first_ready)
                first_ready = ready[index];
        if (first_ready > at)
            at = first_ready; //  Everyone is cooling down: wait
        if (at >= duration_ms)
            break;
        size_t eligible[TF_CHAOS_MAX_NODES];
        size_t eligible_count = 0;
        for (size_t index = 0; index < target_count; index++)
            if (ready[index] <= at)
                eligible[eligible_count++] = index;
        size_t chosen = eligible[tf_rng_range (rng, 0, (int64_t) eligible_count - 1)];
        ready[chosen] = at + cooldown;
        char node[TF_CHAOS_NAME_SIZE];
        s_node_name (plan, targets[chosen], node, sizeof node);
        if (!s_add_step (schedule, at, TF_CONTROL_RESTART, node)) {
            snprintf (error, size,
                      "chaos restart would need more than %d restarts in the run; "
                      "raise min_delay",
                      TF_CHAOS_MAX_STEPS);
            return -1;
        }
    }
    return 0;
}

//  Cut a group of nodes off from the rest after `delay`, heal after `window`
//  unless heal is false. An empty group knob picks one node at random.
static int
s_build_partition (const tf_plan_t *plan, const tf_plan_item_t *item, tf_rng_t *rng,
                   int64_t duration_ms, tf_chaos_schedule_t *schedule, char *error, size_t size)
{
    size_t total = plan->validators + plan->executors;
    if (total < 2) {
        snprintf (error, size, "chaos partition needs at least two nodes");
        return -1;
    }
    int64_t delay = tf_plan_knob_ms (item, "delay", duration_ms / 4);
    int64_t window = tf_plan_knob_ms (item, "window", duration_ms / 2);
    tf_chaos_step_t *cut = s_add_step (schedule, delay, TF_CONTROL_PARTITION, NULL);
    const char *group = tf_plan_knob_str (item, "group", "");
    if (group && *group) {
        char *copy = strdup (group);
        char *cursor = copy, *name;
        while ((name = strsep (&cursor, ",")) && cut->group_count < TF_CHAOS_MAX_GROUP)
            if (*name)
                cut->group[cut->group_count++] = strdup (name);
        free (copy);
    }
    else {
        char node[TF_CHAOS_NAME_SIZE];
        s_node_name (plan, (size_t) tf_rng_range (rng, 0, (int64_t) total - 1), node, sizeof node);
        cut->group[cut->group_count++] = strdup (node);
    }
    if (cut->group_count == 0 || cut->group_count >= total) {
        snprintf (error, size, "chaos partition group must name some but not all nodes");
        return -1;
    }
    if (tf_plan_knob_bool (item, "heal", true))
        s_add_step (schedule, delay + window, TF_CONTROL_HEAL, NULL);
    return 0;
}

//  Pause one node (SIGSTOP) after `delay` and resume it after `window`
static int
s_build_pause (const tf_plan_t *plan, const tf_plan_item_t *item, tf_rng_t *rng,
               int64_t duration_ms, tf_chaos_schedule_t *schedule, char *error, size_t size)
{
    size_t total = plan->validators + plan->executors;
    int64_t delay = tf_plan_knob_ms (item, "delay", duration_ms / 4);
    int64_t window = tf_plan_knob_ms (item, "window", duration_ms / 2);
    char node[TF_CHAOS_NAME_SIZE];
    const char *target = tf_plan_knob_str (item, "node", "");
    if (target && *target)
        snprintf (node, sizeof node, "%s", target);
    else
        s_node_name (plan, (size_t) tf_rng_range (rng, 0, (int64_t) total - 1), node, sizeof node);
    s_add_step (schedule, delay, TF_CONTROL_PAUSE, node);
    s_add_step (schedule, delay + window, TF_CONTROL_RESUME, node);
    return 0;
}

//  Shape some nodes' traffic after `delay` and stop after `window`: loss
//  drops `percent` of their swarm packets, bandwidth limits their egress to
//  `rate_kbit`. An empty nodes knob picks one node at random.
static int
s_build_shaping (const tf_plan_t *plan, const tf_plan_item_t *item, tf_rng_t *rng,
                 int64_t duration_ms, tf_control_action_t action, tf_chaos_schedule_t *schedule,
                 char *error, size_t size)
{
    size_t total = plan->validators + plan->executors;
    int64_t delay = tf_plan_knob_ms (item, "delay", duration_ms / 4);
    int64_t window = tf_plan_knob_ms (item, "window", duration_ms / 2);
    bool loss = action == TF_CONTROL_LOSS;
    int64_t amount = loss ? tf_plan_knob_int (item, "percent", 30)
                          : tf_plan_knob_int (item, "rate_kbit", TF_CHAOS_DEFAULT_RATE_KBIT);
    if (loss && (amount < 1 || amount > 100)) {
        snprintf (error, size, "chaos loss needs a percent of 1 .. 100");
        return -1;
    }
    if (!loss && (amount < TF_CHAOS_MIN_RATE_KBIT || amount > TF_CHAOS_MAX_RATE_KBIT)) {
        snprintf (error, size, "chaos bandwidth needs a rate_kbit of %d .. %d",
                  TF_CHAOS_MIN_RATE_KBIT, TF_CHAOS_MAX_RATE_KBIT);
        return -1;
    }
    char names[TF_CHAOS_MAX_GROUP][TF_CHAOS_NAME_SIZE];
    size_t count = 0;
    const char *nodes = tf_plan_knob_str (item, "nodes", "");
    if (nodes && *nodes) {
        char *copy = strdup (nodes);
        char *cursor = copy, *name;
        while ((name = strsep (&cursor, ",")) && count < TF_CHAOS_MAX_GROUP)
            if (*name)
                snprintf (names[count++], TF_CHAOS_NAME_SIZE, "%s", name);
        free (copy);
    }
    else if (total > 0)
        s_node_name (plan, (size_t) tf_rng_range (rng, 0, (int64_t) total - 1), names[count++],
                     TF_CHAOS_NAME_SIZE);
    if (count == 0) {
        snprintf (error, size, "chaos %s has no node to act on", tf_control_action_str (action));
        return -1;
    }
    for (size_t index = 0; index < count; index++) {
        tf_chaos_step_t *step = s_add_step (schedule, delay, action, names[index]);
        *(loss ? &step->percent : &step->rate_kbit) = (uint64_t) amount;
    }
    for (size_t index = 0; index < count; index++)
        s_add_step (schedule, delay + window, action, names[index]);
    return 0;
}

int
tf_chaos_schedule_build (const tf_plan_t *plan, const tf_plan_item_t *item, int64_t duration_ms,
                         tf_chaos_schedule_t *schedule, char *error, size_t error_size)
{
    assert (plan && item && schedule && error);
    memset (schedule, 0, sizeof *schedule);
    tf_rng_t rng;
    tf_rng_seed (&rng, plan->seed, item->name);
    if (strcmp (item->kind, "chaos_random_restart") == 0)
        return s_build_restart (plan, item, &rng, duration_ms, schedule, error, error_size);
    if (strcmp (item->kind, "chaos_partition") == 0)
        return s_build_partition (plan, item, &rng, duration_ms, schedule, error, error_size);
    if (strcmp (item->kind, "chaos_pause") == 0)
        return s_build_pause (plan, item, &rng, duration_ms, schedule, error, error_size);
    if (strcmp (item->kind, "chaos_loss") == 0)
        return s_build_shaping (plan, item, &rng, duration_ms, TF_CONTROL_LOSS, schedule, error,
                                error_size);
    if (strcmp (item->kind, "chaos_bandwidth") == 0)
        return s_build_shaping (plan, item, &rng, duration_ms, TF_CONTROL_BANDWIDTH, schedule,
                                error, error_size);
    snprintf (error, error_size, "unknown chaos kind '%s'", item->kind);
    return -1;
}

void
tf_chaos_schedule_clear (tf_chaos_schedule_t *schedule)
{
    for (size_t index = 0; index < schedule->count; index++)
        for (size_t member = 0; member < schedule->steps[index].group_count; member++)
            free (schedule->steps[index].group[member]);
    schedule->count = 0;
}

char *
tf_chaos_schedule_describe (const tf_chaos_schedule_t *schedule)
{
    size_t size = 64 + schedule->count * (TF_CHAOS_NAME_SIZE * 2 + 64);
    for (size_t index = 0; index < schedule->count; index++)
        size += schedule->steps[index].group_count * TF_CHAOS_NAME_SIZE;
    char *text = (char *) zmalloc (size);
    size_t used = 0;
    if (schedule->count == 0)
        used += (size_t) snprintf (text, size, "nothing scheduled");
    for (size_t index = 0; index < schedule->count && used < size; index++) {
        const tf_chaos_step_t *step = &schedule->steps[index];
        used +=
            (size_t) snprintf (text + used, size - used, "%s+%.1fs %s%s%s", index ? "; " : "",
                               (double) step->at_ms / 1000.0, tf_control_action_str (step->action),
                               step->node[0] ? " " : "", step->node);
        for (size_t member = 0; member < step->group_count && used < size; member++)
            used += (size_t) snprintf (text + used, size - used, "%s%s", member ? "," : " {",
                                       step->group[member]);
        if (step->group_count && used < size)
            used += (size_t) snprintf (text + used, size - used, "}");
        if (step->action == TF_CONTROL_LOSS && used < size)
            used += (size_t) snprintf (text + used, size - used, " %" PRIu64 "%%", step->percent);
        if (step->action == TF_CONTROL_BANDWIDTH && used < size)
            used += (size_t) snprintf (text + used, size - used, " %" PRIu64 " kbit/s",
                                       step->rate_kbit);
    }
    return text;
}


//  ---------------------------------------------------------------------------
//  The workload process

static void
s_send_status (s_chaos_t *self, const char *state)
{
    char *schedule = tf_chaos_schedule_describe (&self->schedule);
    char *detail = zsys_sprintf ("seed %" PRIu64 ": %s", self->seed, schedule);
    tf_workload_status_t status = {.name = (char *) tf_actor_name (self->actor),
                                   .state = (char *) state,
                                   .submitted = self->sent,
                                   .accepted = self->done,
                                   .rejected = self->failed,
                                   .detail = detail};
    tf_actor_send (self->actor, TF_MSG_workload_status, &status);
    zstr_free (&detail);
    free (schedule);
}

//  Arm the timer for the next step, or stop when the schedule is done
static void
s_arm (s_chaos_t *self)
{
    if (!self->executing || self->waiting || self->next >= self->schedule.count) {
        tf_actor_set_timer (self->actor, -1);
        return;
    }
    int64_t due = self->execute_started + self->schedule.steps[self->next].at_ms;
    int64_t delay = due - zclock_mono ();
    tf_actor_set_timer (self->actor, delay > 0 ? delay : 0);
}

//  In cooldown with every step answered: acknowledge once the nodes have had
//  the run's chaos cooldown to settle since the last action. Returns
//  TF_ACTOR_ACK when that time has already passed, else TF_ACTOR_PENDING.
static int
s_settle (s_chaos_t *self)
{
    self->executing = false;
    int64_t remaining =
        self->last_answer ? self->last_answer + self->settle_ms - zclock_mono () : 0;
    if (remaining <= 0) {
        self->settling = false;
        tf_actor_set_timer (self->actor, -1);
        s_send_status (self, "stopped");
        return TF_ACTOR_ACK;
    }
    zsys_info ("chaos: settling %" PRId64 " ms after the last action", remaining);
    self->settling = true;
    tf_actor_set_timer (self->actor, remaining);
    return TF_ACTOR_PENDING;
}

static int
s_on_plan (tf_actor_t *actor, void *state, const tf_plan_t *plan)
{
    s_chaos_t *self = (s_chaos_t *) state;
    self->actor = actor;
    self->seed = plan->seed;
    self->item = tf_plan_item_by_name (plan, tf_actor_name (actor));
    if (!self->item) {
        tf_actor_fail (actor, "the plan has no workload named %s", tf_actor_name (actor));
        return -1;
    }
    char error[256];
    tf_run_metrics_t metrics = tf_run_metrics (plan);
    self->settle_ms = metrics.cooldown_ms;
    if (tf_chaos_schedule_build (plan, self->item, metrics.duration_ms, &self->schedule, error,
                                 sizeof error)) {
        tf_actor_fail (actor, "%s", error);
        return -1;
    }
    char *described = tf_chaos_schedule_describe (&self->schedule);
    zsys_info ("chaos: schedule kind=%s seed=%" PRIu64 " steps=%zu: %s", self->item->kind,
               plan->seed, self->schedule.count, described);
    free (described);
    s_send_status (self, "planned");
    return 0;
}

static int
s_on_phase (tf_actor_t *actor, void *state, tf_phase_t phase)
{
    s_chaos_t *self = (s_chaos_t *) state;
    if (phase == TF_PHASE_EXECUTE) {
        self->executing = true;
        self->execute_started = zclock_mono ();
        s_send_status (self, "running");
        s_arm (self);
    }
    else if (phase == TF_PHASE_COOLDOWN) {
        //  Steps planned past the end of execute (a heal, a resume) still run:
        //  the cluster must not stay broken into the evaluation by accident
        if (self->next < self->schedule.count && !self->waiting) {
            self->execute_started = zclock_mono () - self->schedule.steps[self->next].at_ms;
            s_arm (self);
        }
        if (self->next >= self->schedule.count && !self->waiting)
            return s_settle (self);
        return TF_ACTOR_PENDING; //  Acked when the last step is answered
    }
    else if (phase > TF_PHASE_COOLDOWN && (self->executing || self->settling)) {
        //  The run was aborted, or moved on (an expectation failed early): no more
        //  actions, and the last status says so
        self->executing = false;
        self->settling = false;
        tf_actor_set_timer (actor, -1);
        s_send_status (self, "stopped");
    }
    return TF_ACTOR_ACK;
}

static int
s_on_timer (tf_actor_t *actor, void *state)
{
    s_chaos_t *self = (s_chaos_t *) state;
    if (self->settling) {
        self->settling = false;
        s_send_status (self, "stopped");
        tf_actor_phase_done (actor, true, NULL);
        return 0;
    }
    if (!self->executing || self->waiting || self->next >= self->schedule.count)
        return 0;
    tf_chaos_step_t *step = &self->schedule.steps[self->next];
    snprintf (self->req_id, sizeof self->req_id, "%s-%zu", tf_actor_name (actor), self->next);
    tf_node_control_t request = {.req_id = self->req_id,
                                 .action = step->action,
                                 .node = step->node[0] ? step->node : NULL,
                                 .percent = step->percent,
                                 .rate_kbit = step->rate_kbit,
                                 .group = {.items = step->group, .count = step->group_count}};
    zsys_info ("chaos: request id=%s action=%s node=%s percent=%" PRIu64 " rate_kbit=%" PRIu64,
               self->req_id, tf_control_action_str (step->action), step->node, step->percent,
               step->rate_kbit);
    tf_actor_send (actor, TF_MSG_node_control, &request);
    self->sent++;
    self->waiting = true;
    return 0;
}

static int
s_on_message (tf_actor_t *actor, void *state, tf_msg_t *msg)
{
    s_chaos_t *self = (s_chaos_t *) state;
    if (msg->id != TF_MSG_node_control_reply || !self->waiting
        || strcmp (msg->node_control_reply.req_id, self->req_id) != 0)
        return 0;
    self->waiting = false;
    self->last_answer = zclock_mono ();
    tf_chaos_step_t *step = &self->schedule.steps[self->next++];
    tf_phase_t phase = tf_actor_phase (actor);
    if (!msg->node_control_reply.ok) {
        self->failed++;
        s_send_status (self, "failed");
        const char *error = msg->node_control_reply.error ? msg->node_control_reply.error : "?";
        if (phase > TF_PHASE_COOLDOWN) { //  The run is ending anyway
            zsys_warning ("chaos: %s %s refused while the run ends: %s",
                          tf_control_action_str (step->action), step->node, error);
            return 0;
        }
        tf_actor_fail (actor, "%s %s failed: %s", tf_control_action_str (step->action), step->node,
                       error);
        return -1;
    }
    self->done++;
    s_send_status (self, "running");
    if (phase == TF_PHASE_COOLDOWN && self->next >= self->schedule.count) {
        if (s_settle (self) == TF_ACTOR_ACK)
            tf_actor_phase_done (actor, true, NULL);
        return 0;
    }
    s_arm (self);
    return 0;
}

//  The state of one chaos workload; its kind comes with its item in the plan
static void *
s_create (const tf_actor_config_t *config)
{
    return zmalloc (sizeof (s_chaos_t));
}

static void
s_destroy (void **state_p)
{
    s_chaos_t *self = (s_chaos_t *) *state_p;
    if (self) {
        tf_chaos_schedule_clear (&self->schedule);
        free (self);
        *state_p = NULL;
    }
}

static const tf_actor_handlers_t s_handlers = {
    .plan = s_on_plan, .phase = s_on_phase, .message = s_on_message, .timer = s_on_timer};

#define S_CHAOS_CLASS(program_name, kind_name, text)                                               \
    {                                                                                              \
        .program = program_name, .role = "workload", .kind = kind_name, .summary = text,           \
        .create = s_create, .destroy = s_destroy, .handlers = &s_handlers                          \
    }

const tf_actor_class_t tf_wl_chaos_restart_class =
    S_CHAOS_CLASS ("tf-workload-chaos-random-restart", "chaos_random_restart",
                   "Workload chaos_random_restart: restart nodes at seeded random times.\n");
const tf_actor_class_t tf_wl_chaos_partition_class =
    S_CHAOS_CLASS ("tf-workload-chaos-partition", "chaos_partition",
                   "Workload chaos_partition: cut a group of nodes off from the rest for a\n"
                   "window, then heal.\n");
const tf_actor_class_t tf_wl_chaos_pause_class = S_CHAOS_CLASS (
    "tf-workload-chaos-pause", "chaos_pause",
    "Workload chaos_pause: pause one node (SIGSTOP) for a window, then resume it.\n");
const tf_actor_class_t tf_wl_chaos_loss_class =
    S_CHAOS_CLASS ("tf-workload-chaos-loss", "chaos_loss",
                   "Workload chaos_loss: drop a share of some nodes' swarm packets for a window\n"
                   "(needs a runner with the loss action: compose).\n");
const tf_actor_class_t tf_wl_chaos_bandwidth_class =
    S_CHAOS_CLASS ("tf-workload-chaos-bandwidth", "chaos_bandwidth",
                   "Workload chaos_bandwidth: limit some nodes' egress to a rate for a window\n"
                   "(needs a runner with the bandwidth action: compose).\n");
