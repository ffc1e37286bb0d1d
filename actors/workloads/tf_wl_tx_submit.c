//  tf_wl_tx_submit.c - submits signed transactions from worker threads

#include "tf_actor.h"
#include "tf_api_client.h"
#include "tf_wl_tx_submit.h"

#define S_REASON_MAX     200 //  Node's answer text kept in a reason
#define S_ALREADY_POOLED "already in mempool"

//  What a worker thread starts with (copied by the thread before it signals)
typedef struct {
    const tf_wl_tx_node_t *nodes;
    size_t node_count;
} s_worker_args_t;

struct _tf_wl_tx_submit_t {
    zactor_t **workers; //  Owned array of worker threads
    bool *busy;         //  Worker holds a job
    size_t worker_count;
    size_t node_count;
};

//  ---------------------------------------------------------------------------
//  Worker thread

typedef struct {
    char **names;              //  Node names (owned)
    tf_api_client_t **clients; //  One keep-alive client per node (owned)
    size_t count;
    zsock_t *pipe; //  To the actor, not owned
} s_worker_t;

//  Any message on the pipe while a job runs is $TERM: stop waiting
static bool
s_cancelled (void *arg)
{
    s_worker_t *worker = (s_worker_t *) arg;
    return zsys_interrupted || (zsock_events (worker->pipe) & ZMQ_POLLIN);
}

//  A short, single-line copy of a node's answer
static char *
s_answer_text (const char *answer)
{
    char *text = strndup (answer ? answer : "", S_REASON_MAX);
    for (char *cursor = text; *cursor; cursor++)
        if (*cursor == '\n' || *cursor == '\r')
            *cursor = ' ';
    return text;
}

//  Try the nodes from `first` on until one takes the tx; reply on the pipe
static void
s_submit (s_worker_t *worker, const char *hash, const char *json, size_t first,
          const char *planned_ms)
{
    const char *outcome = "failed";
    char *reason = NULL; //  Accumulates the nodes passed over
    size_t node = first % worker->count;
    unsigned retries = 0;
    uint64_t at_ms = tf_actor_now_ms ();
    for (size_t attempt = 0; attempt < worker->count; attempt++) {
        node = (first + attempt) % worker->count;
        retries = (unsigned) attempt;
        long status = 0;
        char *answer = NULL;
        int rc = tf_api_client_request (worker->clients[node], TF_WL_TX_SUBMIT_PATH, json, &status,
                                        &answer);
        char *text = s_answer_text (answer);
        free (answer);
        char *why = NULL;
        if (rc == 0 && status == 200)
            outcome = "accepted";
        else if (rc == 0 && status >= 500 && strstr (text, S_ALREADY_POOLED)) {
            outcome = "accepted";
            why = zsys_sprintf ("%s: %s", worker->names[node], text);
        }
        else if (rc == 0 && status >= 400 && status < 500 && status != 429) {
            outcome = "rejected";
            why = zsys_sprintf ("http %ld: %s", status, text);
        }
        else if (rc == 0)
            why = zsys_sprintf ("%s: http %ld %s", worker->names[node], status, text);
        else
            why = zsys_sprintf ("%s: no answer", worker->names[node]);
        free (text);
        if (why) {
            char *joined = reason ? zsys_sprintf ("%s; %s", reason, why) : strdup (why);
            zstr_free (&reason);
            zstr_free (&why);
            reason = joined;
        }
        if (!streq (outcome, "failed") || s_cancelled (worker))
            break;
    }
    //  An accepted tx's reason names the nodes passed over, and only those
    if (streq (outcome, "accepted") && retries == 0)
        zstr_free (&reason);
    zmsg_t *msg = zmsg_new ();
    zmsg_addstr (msg, hash);
    zmsg_addstr (msg, worker->names[node]);
    zmsg_addstr (msg, outcome);
    zmsg_addstr (msg, reason ? reason : "");
    zmsg_addstrf (msg, "%" PRIu64, at_ms);
    zmsg_addstrf (msg, "%u", retries);
    zmsg_addstr (msg, planned_ms);
    zmsg_send (&msg, worker->pipe);
    zstr_free (&reason);
}

//  The thread: one client per node, then jobs until $TERM
static void
s_worker (zsock_t *pipe, void *arg)
{
    const s_worker_args_t *args = (const s_worker_args_t *) arg;
    s_worker_t worker = {.count = args->node_count, .pipe = pipe};
    worker.names = (char **) zmalloc ((worker.count + 1) * sizeof (char *));
    worker.clients = (tf_api_client_t **) zmalloc ((worker.count + 1) * sizeof (void *));
    bool ready = true;
    for (size_t index = 0; index < worker.count; index++) {
        worker.names[index] = strdup (args->nodes[index].name);
        worker.clients[index] = tf_api_client_new (args->nodes[index].api_url);
        if (!worker.clients[index])
            ready = false;
        else {
            tf_api_client_set_cancel (worker.clients[index], s_cancelled, &worker);
            tf_api_client_set_timeout (worker.clients[index], TF_WL_TX_SUBMIT_TIMEOUT_MS);
        }
    }
    zsock_signal (pipe, ready ? 0 : 1);
    while (ready) {
        zmsg_t *job = zmsg_recv (pipe);
        if (!job)
            break; //  Interrupted
        char *hash = zmsg_popstr (job);
        bool term = !hash || streq (hash, "$TERM");
        char *json = term ? NULL : zmsg_popstr (job);
        char *first = term ? NULL : zmsg_popstr (job);
        char *planned = term ? NULL : zmsg_popstr (job);
        if (!term && json && first && planned && worker.count > 0)
            s_submit (&worker, hash, json, (size_t) strtoull (first, NULL, 10), planned);
        zstr_free (&hash);
        zstr_free (&json);
        zstr_free (&first);
        zstr_free (&planned);
        zmsg_destroy (&job);
        if (term)
            break;
    }
    for (size_t index = 0; index < worker.count; index++) {
        free (worker.names[index]);
        tf_api_client_destroy (&worker.clients[index]);
    }
    free (worker.names);
    free (worker.clients);
}


//  ---------------------------------------------------------------------------
//  Pool

tf_wl_tx_submit_t *
tf_wl_tx_submit_new (const tf_wl_tx_node_t *nodes, size_t node_count, size_t workers)
{
    assert (nodes || node_count == 0);
    if (workers < 1)
        workers = 1;
    if (workers > TF_WL_TX_SUBMIT_MAX_WORKERS)
        workers = TF_WL_TX_SUBMIT_MAX_WORKERS;
    tf_wl_tx_submit_t *self = (tf_wl_tx_submit_t *) zmalloc (sizeof (tf_wl_tx_submit_t));
    self->workers = (zactor_t **) zmalloc (workers * sizeof (zactor_t *));
    self->busy = (bool *) zmalloc (workers * sizeof (bool));
    self->node_count = node_count;
    s_worker_args_t args = {.nodes = nodes, .node_count = node_count};
    for (size_t index = 0; index < workers; index++) {
        self->workers[index] = zactor_new (s_worker, &args);
        self->worker_count++;
        if (!self->workers[index]) {
            zsys_error ("transactions: cannot start submission worker %zu", index);
            tf_wl_tx_submit_destroy (&self);
            break;
        }
    }
    return self;
}

void
tf_wl_tx_submit_destroy (tf_wl_tx_submit_t **self_p)
{
    assert (self_p);
    tf_wl_tx_submit_t *self = *self_p;
    if (!self)
        return;
    for (size_t index = 0; index < self->worker_count; index++)
        zactor_destroy (&self->workers[index]);
    free (self->workers);
    free (self->busy);
    free (self);
    *self_p = NULL;
}

size_t
tf_wl_tx_submit_workers (tf_wl_tx_submit_t *self)
{
    assert (self);
    return self->worker_count;
}

zsock_t *
tf_wl_tx_submit_pipe (tf_wl_tx_submit_t *self, size_t index)
{
    assert (self && index < self->worker_count);
    return zactor_sock (self->workers[index]);
}

int
tf_wl_tx_submit_send (tf_wl_tx_submit_t *self, const char *hash, const char *json,
                      size_t first_node, uint64_t planned_ms)
{
    assert (self && hash && json);
    for (size_t index = 0; index < self->worker_count; index++) {
        if (self->busy[index])
            continue;
        zmsg_t *job = zmsg_new ();
        zmsg_addstr (job, hash);
        zmsg_addstr (job, json);
        zmsg_addstrf (job, "%zu", first_node);
        zmsg_addstrf (job, "%" PRIu64, planned_ms);
        if (zmsg_send (&job, zactor_sock (self->workers[index]))) {
            zmsg_destroy (&job);
            return -1;
        }
        self->busy[index] = true;
        return 0;
    }
    return -1;
}

int
tf_wl_tx_submit_recv (tf_wl_tx_submit_t *self, zsock_t *pipe, tf_wl_tx_result_t *result)
{
    assert (self && pipe && result);
    memset (result, 0, sizeof *result);
    for (size_t index = 0; index < self->worker_count; index++)
        if (zactor_sock (self->workers[index]) == pipe)
            self->busy[index] = false;
    zmsg_t *msg = zmsg_recv (pipe);
    if (!msg || zmsg_size (msg) != TF_WL_TX_RESULT_FRAMES) {
        zmsg_destroy (&msg);
        return -1;
    }
    char *fields[TF_WL_TX_RESULT_FRAMES];
    for (size_t index = 0; index < TF_WL_TX_RESULT_FRAMES; index++)
        fields[index] = zmsg_popstr (msg);
    snprintf (result->hash, sizeof result->hash, "%s", fields[0]);
    snprintf (result->node, sizeof result->node, "%s", fields[1]);
    snprintf (result->outcome, sizeof result->outcome, "%s", fields[2]);
    result->reason = *fields[3] ? strdup (fields[3]) : NULL;
    result->at_ms = strtoull (fields[4], NULL, 10);
    result->retries = (unsigned) strtoul (fields[5], NULL, 10);
    result->planned_ms = strtoull (fields[6], NULL, 10);
    for (size_t index = 0; index < TF_WL_TX_RESULT_FRAMES; index++)
        zstr_free (&fields[index]);
    zmsg_destroy (&msg);
    return 0;
}

size_t
tf_wl_tx_submit_busy (tf_wl_tx_submit_t *self)
{
    assert (self);
    size_t busy = 0;
    for (size_t index = 0; index < self->worker_count; index++)
        busy += self->busy[index];
    return busy;
}

void
tf_wl_tx_result_free (tf_wl_tx_result_t *result)
{
    assert (result);
    free (result->reason);
    result->reason = NULL;
}
