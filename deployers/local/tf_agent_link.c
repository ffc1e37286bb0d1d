//  tf_agent_link.c - requests to an agent and the watch of agents (see
//  tf_agent_link.h)

#include "tf_agent_link.h"
#include "tf_curve.h"
#include "tf_deployer.h"

struct _tf_agent_link_t {
    const tf_plan_host_t *host; //  Not owned: the plan's
    char *run_id;               //  Sent with every request
    zsock_t *dealer;            //  To the agent
};

//  A DEALER that is a CURVE client of host's agent, connected; NULL with *error_p
static zsock_t *
s_connect (const tf_plan_host_t *host, zcert_t *client_cert, char **error_p)
{
    char *text = NULL;
    size_t size = 0;
    FILE *err = open_memstream (&text, &size);
    zcert_t *server = tf_curve_cert_load (host->cert, false, err);
    fclose (err);
    if (!server) {
        *error_p = zsys_sprintf ("host %s: cannot read the agent's certificate %s: %s", host->name,
                                 host->cert, text ? text : "");
        free (text);
        return NULL;
    }
    free (text);
    zsock_t *dealer = zsock_new (ZMQ_DEALER);
    assert (dealer);
    zsock_set_linger (dealer, 500);
    tf_curve_client (dealer, client_cert, zcert_public_txt (server));
    zcert_destroy (&server);
    if (zsock_connect (dealer, "%s", host->agent)) {
        *error_p =
            zsys_sprintf ("host %s: cannot connect to its agent %s", host->name, host->agent);
        zsock_destroy (&dealer);
    }
    return dealer;
}

tf_agent_link_t *
tf_agent_link_new (const tf_plan_host_t *host, zcert_t *client_cert, const char *run_id,
                   char **error_p)
{
    assert (host && host->agent && client_cert && run_id);
    zsock_t *dealer = s_connect (host, client_cert, error_p);
    if (!dealer)
        return NULL;
    tf_agent_link_t *self = (tf_agent_link_t *) zmalloc (sizeof (tf_agent_link_t));
    self->host = host;
    self->run_id = strdup (run_id);
    self->dealer = dealer;
    return self;
}

void
tf_agent_link_destroy (tf_agent_link_t **self_p, bool abort)
{
    assert (self_p);
    tf_agent_link_t *self = *self_p;
    if (!self)
        return;
    if (abort)
        zstr_sendx (self->dealer, "ABORT", self->run_id, NULL);
    zsock_destroy (&self->dealer);
    free (self->run_id);
    free (self);
    *self_p = NULL;
}

const tf_plan_host_t *
tf_agent_link_host (tf_agent_link_t *self)
{
    assert (self);
    return self->host;
}

zmsg_t *
tf_agent_link_request (tf_agent_link_t *self, const char *command, zmsg_t **args_p,
                       const char *expect, int64_t timeout_ms, void *cancel, char **error_p)
{
    assert (self && command && expect);
    while (zsock_events (self->dealer) & ZMQ_POLLIN) { //  Late replies of a timed-out request
        zmsg_t *late = zmsg_recv (self->dealer);
        zmsg_destroy (&late);
    }
    zmsg_t *request = args_p && *args_p ? *args_p : zmsg_new ();
    if (args_p)
        *args_p = NULL;
    zmsg_pushstr (request, self->run_id);
    zmsg_pushstr (request, command);
    if (zmsg_send (&request, self->dealer)) {
        zmsg_destroy (&request);
        *error_p = zsys_sprintf ("host %s: cannot send %s to its agent", self->host->name, command);
        return NULL;
    }
    int64_t deadline = zclock_mono () + timeout_ms;
    zpoller_t *poller = zpoller_new (self->dealer, NULL);
    zmsg_t *reply = NULL;
    while (!reply && zclock_mono () < deadline && !tf_deployer_cancelled (cancel)) {
        if (zpoller_wait (poller, TF_DEPLOYER_CANCEL_MS))
            reply = zmsg_recv (self->dealer);
    }
    zpoller_destroy (&poller);
    char *first = reply ? zmsg_popstr (reply) : NULL;
    if (first && streq (first, expect)) {
        zstr_free (&first);
        return reply;
    }
    if (first && streq (first, "ERROR")) {
        char *text = zmsg_popstr (reply);
        *error_p = zsys_sprintf ("host %s: agent %s: %s", self->host->name, self->host->agent,
                                 text ? text : "failed");
        zstr_free (&text);
    }
    else if (first)
        *error_p = zsys_sprintf ("host %s: agent %s answered %s with %s", self->host->name,
                                 self->host->agent, command, first);
    else
        *error_p =
            zsys_sprintf (tf_deployer_cancelled (cancel) ? "host %s: %s to agent %s cancelled"
                                                         : "host %s: no answer to %s from agent %s",
                          self->host->name, command, self->host->agent);
    zstr_free (&first);
    zmsg_destroy (&reply);
    return NULL;
}


//  ---------------------------------------------------------------------------
//  The watch

typedef struct {
    const tf_plan_host_t *host; //  Not owned
    zsock_t *dealer;            //  Its own connection to the agent
    int64_t answered;           //  zclock_mono of the last PONG (or of the start)
} s_watched_t;

typedef struct {
    const tf_plan_host_t *hosts;
    size_t count;
    zcert_t *client_cert; //  A copy, owned by the thread
    char *run_id;
    char *alarm_ep;
} s_watch_args_t;

static void
s_watch (zsock_t *pipe, void *args_ptr)
{
    s_watch_args_t *args = (s_watch_args_t *) args_ptr;
    s_watched_t *watched = (s_watched_t *) zmalloc ((args->count + 1) * sizeof (s_watched_t));
    size_t count = 0;
    zpoller_t *poller = zpoller_new (pipe, NULL);
    char *alarm = NULL;
    for (size_t index = 0; index < args->count; index++) {
        if (!args->hosts[index].agent)
            continue;
        char *error = NULL;
        zsock_t *dealer = s_connect (&args->hosts[index], args->client_cert, &error);
        if (!dealer) {
            alarm = error;
            break;
        }
        watched[count++] = (s_watched_t){&args->hosts[index], dealer, zclock_mono ()};
        zpoller_add (poller, dealer);
    }
    zsock_signal (pipe, 0);
    int64_t next_ping = zclock_mono ();
    while (!alarm) {
        int64_t now = zclock_mono ();
        if (now >= next_ping) {
            for (size_t index = 0; index < count; index++)
                zstr_sendx (watched[index].dealer, "PING", args->run_id, NULL);
            next_ping = now + TF_AGENT_PING_MS;
        }
        void *which = zpoller_wait (poller, (int) (next_ping - now > 0 ? next_ping - now : 1));
        if (which == pipe || zpoller_terminated (poller))
            break;
        for (size_t index = 0; which && index < count; index++)
            if (which == watched[index].dealer) {
                char *answer = NULL, *text = NULL;
                zstr_recvx (watched[index].dealer, &answer, &text, NULL);
                if (answer && streq (answer, "PONG"))
                    watched[index].answered = zclock_mono ();
                else
                    alarm = zsys_sprintf ("host %s lost: its agent %s no longer runs this run (%s)",
                                          watched[index].host->name, watched[index].host->agent,
                                          text ? text : "?");
                zstr_free (&answer);
                zstr_free (&text);
            }
        for (size_t index = 0; !alarm && index < count; index++)
            if (zclock_mono () - watched[index].answered > TF_AGENT_LOST_MS)
                alarm = zsys_sprintf ("host %s lost: its agent %s did not answer for %d ms",
                                      watched[index].host->name, watched[index].host->agent,
                                      TF_AGENT_LOST_MS);
    }
    if (alarm) {
        zsys_error ("deployer: %s", alarm);
        zsock_t *push = zsock_new (ZMQ_PUSH);
        zsock_set_linger (push, 1000);
        if (push && zsock_connect (push, "%s", args->alarm_ep) == 0)
            zstr_send (push, alarm);
        zsock_destroy (&push);
        zstr_free (&alarm);
        zmsg_t *term = zmsg_recv (pipe); //  Wait for the end, as every zactor must
        zmsg_destroy (&term);
    }
    zpoller_destroy (&poller);
    for (size_t index = 0; index < count; index++)
        zsock_destroy (&watched[index].dealer);
    free (watched);
    zcert_destroy (&args->client_cert);
    free (args->run_id);
    free (args->alarm_ep);
    free (args);
}

zactor_t *
tf_agent_watch_new (const tf_plan_host_t *hosts, size_t count, zcert_t *client_cert,
                    const char *run_id, const char *alarm_ep)
{
    assert (hosts && client_cert && run_id && alarm_ep);
    s_watch_args_t *args = (s_watch_args_t *) zmalloc (sizeof (s_watch_args_t));
    *args =
        (s_watch_args_t){hosts, count, zcert_dup (client_cert), strdup (run_id), strdup (alarm_ep)};
    return zactor_new (s_watch, args);
}
