//  tf_wl_da_send.c - the DA workload's request thread (see tf_wl_da_send.h)

#include <jansson.h>
#include "tf_actor.h"
#include "tf_api_client.h"
#include "tf_wl_da_send.h"

#define S_REASON_MAX 160 //  Bytes of a node's answer kept in a reason

struct _tf_wl_da_send_t {
    zactor_t *worker; //  The thread
    bool busy;        //  A job is in flight
};

typedef struct {
    const tf_wl_da_node_t *nodes;
    size_t count;
} s_args_t;

typedef struct {
    char **names;              //  Node names (owned)
    tf_api_client_t **clients; //  One keep-alive client per node (owned)
    size_t count;
    zsock_t *pipe; //  Not owned
} s_worker_t;

static bool
s_cancelled (void *arg)
{
    s_worker_t *worker = (s_worker_t *) arg;
    return zsys_interrupted || (zsock_events (worker->pipe) & ZMQ_POLLIN);
}

//  A short, single-line copy of an answer
static char *
s_answer_text (const char *answer)
{
    char *text = strndup (answer ? answer : "", S_REASON_MAX);
    for (char *cursor = text; *cursor; cursor++)
        if (*cursor == '\n' || *cursor == '\r')
            *cursor = ' ';
    return text;
}

//  Run one job (its frames after what/channel/id/path/count) and reply on the pipe
static void
s_run (s_worker_t *worker, zmsg_t *job, const char *what, const char *channel, const char *id,
       const char *path, size_t count)
{
    const char *outcome = "failed";
    char *reason = NULL;
    char *answer_id = strdup (streq (what, "blob") ? "" : id);
    const char *node_name = "";
    uint64_t at_ms = tf_actor_now_ms ();
    for (size_t attempt = 0; attempt < count; attempt++) {
        char *index_text = zmsg_popstr (job);
        char *body = zmsg_popstr (job);
        size_t node = index_text ? (size_t) strtoull (index_text, NULL, 10) : worker->count;
        zstr_free (&index_text);
        if (!body || node >= worker->count) {
            zstr_free (&body);
            break;
        }
        node_name = worker->names[node];
        long status = 0;
        char *answer = NULL;
        int rc = tf_api_client_request (worker->clients[node], path, body, &status, &answer);
        zstr_free (&body);
        char *text = s_answer_text (answer);
        char *why = NULL;
        if (rc == 0 && status == 200) {
            outcome = "accepted";
            if (streq (what, "blob")) {
                json_t *value = json_loads (answer ? answer : "", JSON_DECODE_ANY, NULL);
                free (answer_id);
                answer_id = strdup (json_is_string (value) ? json_string_value (value) : "");
                json_decref (value);
                if (strlen (answer_id) != 64) {
                    outcome = "failed";
                    why = zsys_sprintf ("%s: answer is not a blob id: %s", node_name, text);
                }
            }
        }
        else if (rc == 0 && status >= 400 && status < 500 && status != 429) {
            outcome = "rejected";
            why = zsys_sprintf ("%s: http %ld: %s", node_name, status, text);
        }
        else if (rc == 0)
            why = zsys_sprintf ("%s: http %ld %s", node_name, status, text);
        else
            why = zsys_sprintf ("%s: no answer", node_name);
        free (answer);
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
    zmsg_t *msg = zmsg_new ();
    zmsg_addstr (msg, what);
    zmsg_addstr (msg, channel);
    zmsg_addstr (msg, answer_id);
    zmsg_addstr (msg, node_name);
    zmsg_addstr (msg, outcome);
    zmsg_addstr (msg, reason ? reason : "");
    zmsg_addstrf (msg, "%" PRIu64, at_ms);
    zmsg_send (&msg, worker->pipe);
    zstr_free (&reason);
    free (answer_id);
}

static void
s_worker (zsock_t *pipe, void *arg)
{
    const s_args_t *args = (const s_args_t *) arg;
    s_worker_t worker = {.count = args->count, .pipe = pipe};
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
            tf_api_client_set_timeout (worker.clients[index], TF_WL_DA_SEND_TIMEOUT_MS);
        }
    }
    zsock_signal (pipe, ready ? 0 : 1);
    while (ready) {
        zmsg_t *job = zmsg_recv (pipe);
        if (!job)
            break;
        char *what = zmsg_popstr (job);
        bool term = !what || streq (what, "$TERM");
        char *channel = term ? NULL : zmsg_popstr (job);
        char *id = term ? NULL : zmsg_popstr (job);
        char *path = term ? NULL : zmsg_popstr (job);
        char *count = term ? NULL : zmsg_popstr (job);
        if (!term && channel && id && path && count)
            s_run (&worker, job, what, channel, id, path, (size_t) strtoull (count, NULL, 10));
        zstr_free (&what);
        zstr_free (&channel);
        zstr_free (&id);
        zstr_free (&path);
        zstr_free (&count);
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

tf_wl_da_send_t *
tf_wl_da_send_new (const tf_wl_da_node_t *nodes, size_t count)
{
    tf_wl_da_send_t *self = (tf_wl_da_send_t *) zmalloc (sizeof (tf_wl_da_send_t));
    s_args_t args = {nodes, count};
    self->worker = zactor_new (s_worker, &args);
    if (!self->worker) {
        zsys_error ("da: cannot start the request thread");
        tf_wl_da_send_destroy (&self);
    }
    return self;
}

void
tf_wl_da_send_destroy (tf_wl_da_send_t **self_p)
{
    assert (self_p);
    tf_wl_da_send_t *self = *self_p;
    if (!self)
        return;
    zactor_destroy (&self->worker);
    free (self);
    *self_p = NULL;
}

zsock_t *
tf_wl_da_send_pipe (tf_wl_da_send_t *self)
{
    assert (self);
    return zactor_sock (self->worker);
}

int
tf_wl_da_send_job (tf_wl_da_send_t *self, const char *what, const char *channel, const char *id,
                   const char *path, const size_t *nodes, const char *const *bodies, size_t count)
{
    assert (self && what && channel && id && path);
    if (self->busy)
        return -1;
    zmsg_t *msg = zmsg_new ();
    zmsg_addstr (msg, what);
    zmsg_addstr (msg, channel);
    zmsg_addstr (msg, id);
    zmsg_addstr (msg, path);
    zmsg_addstrf (msg, "%zu", count);
    for (size_t index = 0; index < count; index++) {
        zmsg_addstrf (msg, "%zu", nodes[index]);
        zmsg_addstr (msg, bodies[index]);
    }
    if (zmsg_send (&msg, zactor_sock (self->worker))) {
        zmsg_destroy (&msg);
        return -1;
    }
    self->busy = true;
    return 0;
}

bool
tf_wl_da_send_busy (tf_wl_da_send_t *self)
{
    assert (self);
    return self->busy;
}

static void
s_copy (char *out, size_t size, const char *text)
{
    snprintf (out, size, "%s", text ? text : "");
}

int
tf_wl_da_send_recv (tf_wl_da_send_t *self, tf_wl_da_result_t *result)
{
    assert (self && result);
    memset (result, 0, sizeof *result);
    zmsg_t *msg = zmsg_recv (zactor_sock (self->worker));
    if (!msg || zmsg_size (msg) != 7) {
        zmsg_destroy (&msg);
        return -1;
    }
    self->busy = false;
    char *fields[7];
    for (size_t index = 0; index < 7; index++)
        fields[index] = zmsg_popstr (msg);
    s_copy (result->what, sizeof result->what, fields[0]);
    s_copy (result->channel, sizeof result->channel, fields[1]);
    s_copy (result->id, sizeof result->id, fields[2]);
    s_copy (result->node, sizeof result->node, fields[3]);
    s_copy (result->outcome, sizeof result->outcome, fields[4]);
    result->reason = fields[5] && *fields[5] ? strdup (fields[5]) : NULL;
    result->at_ms = fields[6] ? strtoull (fields[6], NULL, 10) : 0;
    for (size_t index = 0; index < 7; index++)
        zstr_free (&fields[index]);
    zmsg_destroy (&msg);
    return 0;
}

void
tf_wl_da_result_free (tf_wl_da_result_t *result)
{
    assert (result);
    free (result->reason);
    result->reason = NULL;
}
