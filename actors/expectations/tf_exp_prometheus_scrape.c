//  tf_exp_prometheus_scrape.c - scrapes every node's /metrics, in a thread

#include "tf_exp_prometheus_scrape.h"
#include <math.h>
#include "tf_api_client.h"
#include "tf_exp_promql.h"

typedef struct {
    const char *const *urls;  //  Borrowed until the signal
    const char *const *names; //  Borrowed until the signal
    size_t count;
    const char *server; //  Borrowed until the signal, or NULL
} s_args_t;

//  Scrape one node into scrape, retrying while it gives no figure
static void
s_scrape_node (tf_api_client_pipe_t *self, const char *url, tf_exp_prometheus_scrape_t *scrape)
{
    tf_api_client_t *client = tf_api_client_new (url);
    if (!client) {
        scrape->error = strdup ("no answer");
        return;
    }
    tf_api_client_watch_pipe (client, self);
    for (int attempt = 0; attempt < TF_EXP_SCRAPE_TRIES && !tf_api_client_pipe_cancelled (self);
         attempt++) {
        long status = 0;
        char *answer = NULL;
        if (tf_api_client_request (client, TF_EXP_PROMETHEUS_PATH, NULL, &status, &answer))
            status = 0;
        tf_exp_prometheus_scrape_set (scrape, status ? answer : NULL, status);
        free (answer);
        if (scrape->known)
            break;
        if (attempt + 1 < TF_EXP_SCRAPE_TRIES)
            tf_api_client_pump (client, TF_EXP_SCRAPE_RETRY_MS);
    }
    tf_api_client_destroy (&client);
}

//  Fill scrapes[i] of names[i] from an answer: the node's series, if there
//  is one; true when every node has a figure
static bool
s_take_answer (const tf_exp_promql_answer_t *answer, char **names, size_t count,
               tf_exp_prometheus_scrape_t *scrapes)
{
    bool all = true;
    for (size_t index = 0; index < count; index++) {
        const tf_exp_promql_series_t *found = NULL;
        for (size_t at = 0; at < answer->count && !found; at++)
            if (answer->series[at].node && streq (answer->series[at].node, names[index]))
                found = &answer->series[at];
        free (scrapes[index].error);
        memset (&scrapes[index], 0, sizeof scrapes[index]);
        if (found && isfinite (found->value) && found->value >= 0 && found->value < 1e18) {
            scrapes[index].known = true;
            scrapes[index].value = (uint64_t) found->value;
        }
        else {
            scrapes[index].error = answer->error ? zsys_sprintf ("prometheus: %s", answer->error)
                                                 : strdup ("no fresh sample in Prometheus");
            all = false;
        }
    }
    return all;
}

//  Ask the server for every node's counter sampled after this call began
//  (so a figure is never older than the phase), until each node has one or
//  TF_EXP_SERVER_FRESH_MS passes
static void
s_query_server (tf_api_client_pipe_t *self, const char *server, char **names, size_t count,
                tf_exp_prometheus_scrape_t *scrapes)
{
    tf_api_client_t *client = tf_api_client_new (server);
    if (!client) {
        for (size_t index = 0; index < count; index++)
            scrapes[index].error = strdup ("prometheus: no HTTP client");
        return;
    }
    tf_api_client_watch_pipe (client, self);
    double since_s = (double) zclock_time () / 1000.0;
    char *query = zsys_sprintf (TF_EXP_SERVER_QUERY, since_s);
    int64_t deadline = zclock_mono () + TF_EXP_SERVER_FRESH_MS;
    while (!tf_api_client_pipe_cancelled (self)) {
        tf_exp_promql_answer_t answer;
        tf_exp_promql_query (client, query, 0, &answer);
        bool all = s_take_answer (&answer, names, count, scrapes);
        bool rejected = answer.rejected;
        tf_exp_promql_answer_free (&answer);
        if (all || rejected || zclock_mono () >= deadline)
            break;
        tf_api_client_pump (client, TF_EXP_SCRAPE_RETRY_MS);
    }
    free (query);
    tf_api_client_destroy (&client);
}

static void
s_scraper (zsock_t *pipe, void *arg)
{
    const s_args_t *args = (const s_args_t *) arg;
    tf_api_client_pipe_t self = {.pipe = pipe};
    size_t count = args->count;
    char **urls = (char **) zmalloc ((count + 1) * sizeof (char *));
    char **names = (char **) zmalloc ((count + 1) * sizeof (char *));
    for (size_t index = 0; index < count; index++) {
        urls[index] = strdup (args->urls[index]);
        names[index] = strdup (args->names[index]);
    }
    char *server = args->server ? strdup (args->server) : NULL;
    zsock_signal (pipe, 0); //  args may go now

    tf_exp_prometheus_scrape_t *scrapes =
        (tf_exp_prometheus_scrape_t *) zmalloc ((count + 1) * sizeof (tf_exp_prometheus_scrape_t));
    if (server)
        s_query_server (&self, server, names, count, scrapes);
    else
        for (size_t index = 0; index < count && !self.terminated; index++)
            s_scrape_node (&self, urls[index], &scrapes[index]);
    for (size_t index = 0; index < count; index++) {
        free (urls[index]);
        free (names[index]);
    }
    free (urls);
    free (names);
    free (server);
    if (self.terminated) {
        for (size_t index = 0; index < count; index++)
            free (scrapes[index].error);
        free (scrapes);
        return;
    }
    zsock_send (pipe, "p", scrapes); //  The receiver owns them now
    tf_api_client_pipe_wait_term (&self);
}

zactor_t *
tf_exp_prometheus_scrape_new (const char *const *urls, const char *const *names, size_t count,
                              const char *server)
{
    s_args_t args = {.urls = urls, .names = names, .count = count, .server = server};
    return zactor_new (s_scraper, &args);
}

tf_exp_prometheus_scrape_t *
tf_exp_prometheus_scrape_recv (zactor_t *scraper)
{
    assert (scraper);
    void *scrapes = NULL;
    if (zsock_recv (scraper, "p", &scrapes) != 0)
        return NULL;
    return (tf_exp_prometheus_scrape_t *) scrapes;
}
