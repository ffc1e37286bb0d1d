//  tf_exp_prometheus_scrape.c - scrapes every node's /metrics, in a thread

#include "tf_exp_prometheus_scrape.h"
#include "tf_api_client.h"

typedef struct {
    const char *const *urls; //  Borrowed until the signal
    size_t count;
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

static void
s_scraper (zsock_t *pipe, void *arg)
{
    const s_args_t *args = (const s_args_t *) arg;
    tf_api_client_pipe_t self = {.pipe = pipe};
    size_t count = args->count;
    char **urls = (char **) zmalloc ((count + 1) * sizeof (char *));
    for (size_t index = 0; index < count; index++)
        urls[index] = strdup (args->urls[index]);
    zsock_signal (pipe, 0); //  args may go now

    tf_exp_prometheus_scrape_t *scrapes =
        (tf_exp_prometheus_scrape_t *) zmalloc ((count + 1) * sizeof (tf_exp_prometheus_scrape_t));
    for (size_t index = 0; index < count && !self.terminated; index++)
        s_scrape_node (&self, urls[index], &scrapes[index]);
    for (size_t index = 0; index < count; index++)
        free (urls[index]);
    free (urls);
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
tf_exp_prometheus_scrape_new (const char *const *urls, size_t count)
{
    s_args_t args = {.urls = urls, .count = count};
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
