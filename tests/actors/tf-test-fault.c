//  tf-test-fault - a test workload that breaks nodes at the start of execute
//
//  For the failure tests of the expectations. At the start of execute (or of
//  the phase --at names: capture puts the faults in before any workload runs)
//  it applies the faults its flags name to nodes of run.nodes, then acks:
//    --stop-producing validator-1,validator-2
//        POST <testing_url>/testing/faults {"produce_blocks": false} on each
//        (node/README.md 4.1), from a worker thread
//    --drop-transactions validator-0,validator-1
//        POST <testing_url>/testing/faults {"drop_transactions": true} on each
//    --drop-dispersals executor-0
//        POST <testing_url>/testing/faults {"drop_dispersals": true} on each
//    --lose-shares validator-0
//        POST <testing_url>/testing/faults {"lose_shares": true} on each
//    --fork-irreversibly validator-0
//        POST <testing_url>/testing/faults {"fork_irreversibly": true} on each
//    --node-control "stop validator-1"       (repeatable, applied in order)
//    --node-control "partition validator-2,validator-3"
//    --node-control "loss validator-1 30"      (the amount: percent, or
//    --node-control "bandwidth validator-1 64"  rate_kbit for bandwidth)
//        node.control to the coordinator; waits for each reply
//  Emits: node.control, run.phase.ack

#include "tf_actor.h"
#include "tf_api_client.h"

#define S_MAX_CONTROLS 16 //  --node-control flags
#define S_SWITCHES     5  //  Fault switch flags, applied in this order

//  One fault switch flag: the body it posts and what the log calls it
typedef struct {
    const char *flag; //  "--stop-producing"
    const char *body; //  Posted to /testing/faults
    const char *what; //  For the log
} s_switch_t;

static const s_switch_t s_switches[S_SWITCHES] = {
    {"--stop-producing", "{\"produce_blocks\":false}", "block production off"},
    {"--drop-transactions", "{\"drop_transactions\":true}", "transaction dropping"},
    {"--drop-dispersals", "{\"drop_dispersals\":true}", "dispersal dropping"},
    {"--lose-shares", "{\"lose_shares\":true}", "share losing"},
    {"--fork-irreversibly", "{\"fork_irreversibly\":true}", "irreversible fork"},
};

typedef struct {
    tf_control_action_t action; //  TF_CONTROL_STOP, TF_CONTROL_PARTITION, ...
    char *targets;              //  Comma-separated node names
    uint64_t amount;            //  loss: percent; bandwidth: rate_kbit
} s_control_t;

typedef struct {
    const char *targets[S_SWITCHES]; //  Per switch: comma-separated node names, or NULL
    size_t next_switch;              //  Next switch to apply
    tf_phase_t at;                   //  Phase whose start applies the faults
    long after_ms;                   //  Delay into that phase before the faults
    s_control_t controls[S_MAX_CONTROLS];
    size_t control_count;
    size_t next_control; //  Next to send
    zactor_t *worker;    //  Posting faults, or NULL
} s_fault_t;

//  Split "a,b,c" into a fresh tf_strs_t (caller frees items and array)
static tf_strs_t
s_split (const char *list)
{
    tf_strs_t strs = {0};
    char *copy = strdup (list);
    char *saved = NULL;
    for (char *item = strtok_r (copy, ",", &saved); item; item = strtok_r (NULL, ",", &saved)) {
        strs.items = (char **) realloc (strs.items, (strs.count + 1) * sizeof (char *));
        assert (strs.items);
        strs.items[strs.count++] = strdup (item);
    }
    free (copy);
    return strs;
}

//  Free a list made by s_split
static void
s_strs_free (tf_strs_t *strs)
{
    for (size_t index = 0; index < strs->count; index++)
        free (strs->items[index]);
    free (strs->items);
    memset (strs, 0, sizeof *strs);
}


//  ---------------------------------------------------------------------------
//  --stop-producing: a worker posts the fault switch to each node

typedef struct {
    char **urls; //  Testing URLs (owned by the caller until signal)
    char **names;
    size_t count;
    const char *body; //  Fault switch to post
    const char *what; //  For the log: "block production off"
} s_post_args_t;

//  The thread: switch block production off on each node, report "ok" or why not
static void
s_post_worker (zsock_t *pipe, void *arg)
{
    const s_post_args_t *args = (const s_post_args_t *) arg;
    size_t count = args->count;
    char *body = strdup (args->body);
    char *what = strdup (args->what);
    char **urls = (char **) zmalloc ((count + 1) * sizeof (char *));
    char **names = (char **) zmalloc ((count + 1) * sizeof (char *));
    for (size_t index = 0; index < count; index++) {
        urls[index] = strdup (args->urls[index]);
        names[index] = strdup (args->names[index]);
    }
    zsock_signal (pipe, 0);
    char *error = NULL;
    for (size_t index = 0; index < count && !error; index++) {
        tf_api_client_t *client = tf_api_client_new (urls[index]);
        long status = 0;
        char *answer = NULL;
        if (!client || tf_api_client_request (client, TF_API_PATH_FAULTS, body, &status, &answer)
            || status != 200)
            error = zsys_sprintf ("cannot switch %s on %s (http %ld)", what, names[index], status);
        else
            zsys_info ("fault: %s node=%s", what, names[index]);
        free (answer);
        tf_api_client_destroy (&client);
    }
    zstr_send (pipe, error ? error : "ok");
    zstr_free (&error);
    for (size_t index = 0; index < count; index++) {
        free (urls[index]);
        free (names[index]);
    }
    free (urls);
    free (names);
    free (body);
    free (what);
    char *command = zstr_recv (pipe); //  $TERM
    zstr_free (&command);
}

static void s_apply (tf_actor_t *actor, s_fault_t *fault);

//  The fault switches are in (or failed): go on with node control
static int
s_on_worker (tf_actor_t *actor, void *state, zsock_t *reader)
{
    s_fault_t *fault = (s_fault_t *) state;
    char *outcome = zstr_recv (reader);
    tf_actor_remove_reader (actor, reader);
    zactor_destroy (&fault->worker);
    fault->next_switch++;
    if (!outcome || !streq (outcome, "ok"))
        tf_actor_phase_done (actor, false, outcome ? outcome : "fault worker interrupted");
    else
        s_apply (actor, fault); //  Next switch, then node control
    zstr_free (&outcome);
    return 0;
}

//  Start the worker on the testing URLs of the named nodes
static int
s_start_switch (tf_actor_t *actor, s_fault_t *fault)
{
    const tf_run_nodes_t *nodes = tf_actor_nodes (actor);
    const s_switch_t *fault_switch = &s_switches[fault->next_switch];
    tf_strs_t targets = s_split (fault->targets[fault->next_switch]);
    s_post_args_t args = {.urls = (char **) zmalloc ((targets.count + 1) * sizeof (char *)),
                          .names = targets.items,
                          .count = targets.count,
                          .body = fault_switch->body,
                          .what = fault_switch->what};
    int rc = 0;
    for (size_t target = 0; target < targets.count && rc == 0; target++) {
        const char *url = NULL;
        for (size_t index = 0; nodes && index < nodes->nodes.count; index++)
            if (streq (nodes->nodes.items[index].name, targets.items[target]))
                url = nodes->nodes.items[index].testing_url;
        if (!url) {
            tf_actor_phase_done (actor, false, "fault switch: no testing API for a named node");
            rc = -1;
        }
        args.urls[target] = (char *) url;
    }
    if (rc == 0) {
        fault->worker = zactor_new (s_post_worker, &args);
        tf_actor_add_reader (actor, zactor_sock (fault->worker), s_on_worker);
    }
    free (args.urls);
    s_strs_free (&targets);
    return rc;
}


//  ---------------------------------------------------------------------------
//  --node-control: one request at a time through the coordinator

//  Send the next node control request, or ack when none is left
static void
s_next_control (tf_actor_t *actor, s_fault_t *fault)
{
    if (fault->next_control >= fault->control_count) {
        tf_actor_phase_done (actor, true, NULL);
        return;
    }
    s_control_t *control = &fault->controls[fault->next_control];
    char req_id[32];
    snprintf (req_id, sizeof req_id, "fault-%zu", fault->next_control);
    tf_strs_t group = s_split (control->targets);
    bool is_group = control->action == TF_CONTROL_PARTITION || control->action == TF_CONTROL_HEAL;
    tf_node_control_t request = {
        .req_id = req_id,
        .action = control->action,
        .node = is_group || !group.count ? NULL : group.items[0],
        .group = is_group ? group : (tf_strs_t){0},
        .percent = control->action == TF_CONTROL_LOSS ? control->amount : 0,
        .rate_kbit = control->action == TF_CONTROL_BANDWIDTH ? control->amount : 0};
    zsys_info ("fault: node control action=%s targets=%s", tf_control_action_str (control->action),
               control->targets);
    if (tf_actor_send (actor, TF_MSG_node_control, &request))
        tf_actor_phase_done (actor, false, "cannot send node.control");
    s_strs_free (&group);
}

//  A node control reply: next request, or fail the phase
static int
s_on_message (tf_actor_t *actor, void *state, tf_msg_t *msg)
{
    s_fault_t *fault = (s_fault_t *) state;
    if (msg->id != TF_MSG_node_control_reply || fault->next_control >= fault->control_count)
        return 0;
    char req_id[32];
    snprintf (req_id, sizeof req_id, "fault-%zu", fault->next_control);
    if (!streq (msg->node_control_reply.req_id, req_id))
        return 0;
    if (!msg->node_control_reply.ok) {
        char *reason = zsys_sprintf (
            "node control %s %s failed: %s",
            tf_control_action_str (fault->controls[fault->next_control].action),
            fault->controls[fault->next_control].targets,
            msg->node_control_reply.error ? msg->node_control_reply.error : "no reason");
        tf_actor_phase_done (actor, false, reason);
        zstr_free (&reason);
        return 0;
    }
    fault->next_control++;
    s_next_control (actor, fault);
    return 0;
}

//  Apply the faults: the switches in s_switches order, then node control requests
static void
s_apply (tf_actor_t *actor, s_fault_t *fault)
{
    while (fault->next_switch < S_SWITCHES && !fault->targets[fault->next_switch])
        fault->next_switch++;
    if (fault->next_switch < S_SWITCHES)
        s_start_switch (actor, fault); //  Comes back here when done
    else
        s_next_control (actor, fault);
}

//  Execute (or --at): apply the faults now or after --after
static int
s_on_phase (tf_actor_t *actor, void *state, tf_phase_t phase)
{
    s_fault_t *fault = (s_fault_t *) state;
    if (phase != fault->at)
        return TF_ACTOR_ACK;
    if (fault->after_ms > 0)
        tf_actor_set_timer (actor, fault->after_ms);
    else
        s_apply (actor, fault);
    return TF_ACTOR_PENDING; //  Acked (or failed) when the faults are in
}

//  --after elapsed
static int
s_on_timer (tf_actor_t *actor, void *state)
{
    s_apply (actor, (s_fault_t *) state);
    return 0;
}

//  Every exit path: no worker left running
static void
s_on_stop (tf_actor_t *actor, void *state)
{
    s_fault_t *fault = (s_fault_t *) state;
    if (fault->worker) {
        tf_actor_remove_reader (actor, zactor_sock (fault->worker));
        zactor_destroy (&fault->worker);
    }
}

//  Take our own options out of argv; the runtime parses the rest
static int
s_take_options (s_fault_t *fault, int *argc, char **argv)
{
    int kept = 1;
    for (int index = 1; index < *argc; index++) {
        const char *flag = argv[index];
        int switch_index = -1;
        for (int candidate = 0; candidate < S_SWITCHES; candidate++)
            if (streq (flag, s_switches[candidate].flag))
                switch_index = candidate;
        if (switch_index < 0 && !streq (flag, "--node-control") && !streq (flag, "--after")
            && !streq (flag, "--at")) {
            argv[kept++] = argv[index];
            continue;
        }
        if (index + 1 >= *argc)
            return fprintf (stderr, "tf-test-fault: %s needs a value\n", flag), -1;
        const char *value = argv[++index];
        if (switch_index >= 0) {
            fault->targets[switch_index] = value;
            continue;
        }
        if (streq (flag, "--at")) {
            int phase = tf_phase_by_name (value);
            if (phase != TF_PHASE_CAPTURE && phase != TF_PHASE_EXECUTE)
                return fprintf (stderr, "tf-test-fault: --at takes capture or execute\n"), -1;
            fault->at = (tf_phase_t) phase;
            continue;
        }
        if (streq (flag, "--after")) {
            char *end = NULL;
            fault->after_ms = strtol (value, &end, 10);
            if (*end || fault->after_ms < 0)
                return fprintf (stderr, "tf-test-fault: --after takes milliseconds\n"), -1;
            continue;
        }
        const char *space = strchr (value, ' ');
        if (!space || !space[1] || fault->control_count >= S_MAX_CONTROLS)
            return fprintf (stderr, "tf-test-fault: --node-control \"ACTION NODE[,NODE]\"\n"), -1;
        s_control_t *control = &fault->controls[fault->control_count];
        if (tf_control_action_parse (value, (size_t) (space - value), &control->action))
            return fprintf (stderr, "tf-test-fault: --node-control: unknown action in \"%s\"\n",
                            value),
                   -1;
        control->targets = strdup (space + 1);
        char *amount = strchr (control->targets, ' ');
        if (amount) {
            *amount++ = 0;
            char *end = NULL;
            control->amount = strtoull (amount, &end, 10);
            if (*end || !*amount) {
                free (control->targets);
                return fprintf (stderr, "tf-test-fault: --node-control: bad amount in \"%s\"\n",
                                value),
                       -1;
            }
        }
        fault->control_count++;
    }
    *argc = kept;
    argv[kept] = NULL;
    return 0;
}

//  Free what the options allocated
static void
s_fault_free (s_fault_t *fault)
{
    for (size_t index = 0; index < fault->control_count; index++) {
        free (fault->controls[index].targets);
    }
}

static s_fault_t s_fault = {.at = TF_PHASE_EXECUTE}; //  This process's faults

static void *
s_state (const tf_actor_config_t *config)
{
    return &s_fault;
}

static const tf_actor_handlers_t s_handlers = {
    .phase = s_on_phase, .message = s_on_message, .timer = s_on_timer, .stop = s_on_stop};

static const tf_actor_class_t s_class = {
    .program = "tf-test-fault",
    .role = "workload",
    .kind = "test-fault",
    .summary =
        "A test workload that breaks nodes when execute starts, then acks.\n"
        "Also: --stop-producing NODE[,NODE] (testing API fault switch), --node-control\n"
        "\"ACTION NODE[,NODE]\" (repeatable: stop, restart, pause, partition, heal ...),\n"
        "--after MS (apply them that long into execute), --drop-transactions NODE[,NODE]\n"
        "(testing API: accept transactions and discard them), --drop-dispersals NODE[,NODE]\n"
        "(executors answer /disperse-data and discard the blob), --lose-shares NODE[,NODE]\n"
        "(DA shares forgotten and refused), --fork-irreversibly NODE[,NODE] (no block\n"
        "goes between the node and its peers, each of its own final at once),\n"
        "--at capture|execute (the phase whose start applies them; default execute).\n",
    .create = s_state,
    .handlers = &s_handlers,
};

int
main (int argc, char **argv)
{
    //  --node-control repeats, so these flags are taken out before the runtime's parser
    int rc = s_take_options (&s_fault, &argc, argv) ? TF_EXIT_USAGE
                                                    : tf_actor_main (argc, argv, &s_class);
    s_fault_free (&s_fault);
    return rc;
}
