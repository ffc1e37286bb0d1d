//  tf_http_worker.c - HTTP requests to nodes, off the actor's loop (see tf_http_worker.h)

#include <curl/curl.h>
#include "tf_http_worker.h"


//  Collects a body up to TF_HTTP_WORKER_MAX_BODY
static size_t
s_collect (char *data, size_t size, size_t count, void *arg)
{
    zchunk_t *body = (zchunk_t *) arg;
    size_t length = size * count;
    if (zchunk_size (body) + length <= TF_HTTP_WORKER_MAX_BODY)
        zchunk_extend (body, data, length);
    return length;
}

//  Run one transfer; fills status and answer
static void
s_transfer (CURL *curl, tf_http_request_t *request)
{
    zchunk_t *body = zchunk_new (NULL, 0);
    struct curl_slist *headers = NULL;
    curl_easy_reset (curl);
    curl_easy_setopt (curl, CURLOPT_URL, request->url);
    curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt (curl, CURLOPT_TIMEOUT_MS, (long) TF_HTTP_WORKER_TIMEOUT_MS);
    curl_easy_setopt (curl, CURLOPT_CONNECTTIMEOUT_MS, (long) TF_HTTP_WORKER_CONNECT_MS);
    curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, s_collect);
    curl_easy_setopt (curl, CURLOPT_WRITEDATA, body);
    if (strcmp (request->method, "POST") == 0) {
        headers = curl_slist_append (headers, "Content-Type: application/json");
        curl_easy_setopt (curl, CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt (curl, CURLOPT_POSTFIELDS, request->body ? request->body : "");
    }
    CURLcode code = curl_easy_perform (curl);
    free (request->answer);
    if (code == CURLE_OK) {
        curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &request->status);
        zchunk_extend (body, "", 1);
        request->answer = strdup ((char *) zchunk_data (body));
    }
    else {
        request->status = 0;
        request->answer = strdup (curl_easy_strerror (code));
    }
    curl_slist_free_all (headers);
    zchunk_destroy (&body);
}

static void
s_worker (zsock_t *pipe, void *args)
{
    CURL *curl = curl_easy_init ();
    zsock_signal (pipe, 0);
    while (true) {
        zmsg_t *msg = zmsg_recv (pipe);
        if (!msg)
            break; //  Interrupted
        char *tag = zmsg_popstr (msg);
        if (!tag || streq (tag, "$TERM")) {
            zstr_free (&tag);
            zmsg_destroy (&msg);
            break;
        }
        char *count_text = zmsg_popstr (msg);
        size_t count = count_text ? (size_t) strtoul (count_text, NULL, 10) : 0;
        zstr_free (&count_text);
        zmsg_t *reply = zmsg_new ();
        zmsg_addstr (reply, tag);
        zmsg_addstrf (reply, "%zu", count);
        for (size_t index = 0; index < count; index++) {
            tf_http_request_t request = {0};
            request.method = zmsg_popstr (msg);
            request.url = zmsg_popstr (msg);
            request.body = zmsg_popstr (msg);
            if (request.method && request.url && curl)
                s_transfer (curl, &request);
            zmsg_addstrf (reply, "%ld", request.status);
            zmsg_addstr (reply, request.answer ? request.answer : "no request");
            zstr_free (&request.method);
            zstr_free (&request.url);
            zstr_free (&request.body);
            free (request.answer);
        }
        zmsg_send (&reply, pipe);
        zstr_free (&tag);
        zmsg_destroy (&msg);
    }
    if (curl)
        curl_easy_cleanup (curl);
}

zactor_t *
tf_http_worker_new (void)
{
    return zactor_new (s_worker, NULL);
}

int
tf_http_worker_send (zactor_t *worker, const char *tag, tf_http_request_t *requests, size_t count)
{
    assert (worker && tag && (requests || count == 0));
    zmsg_t *msg = zmsg_new ();
    zmsg_addstr (msg, tag);
    zmsg_addstrf (msg, "%zu", count);
    for (size_t index = 0; index < count; index++) {
        zmsg_addstr (msg, requests[index].method);
        zmsg_addstr (msg, requests[index].url);
        zmsg_addstr (msg, requests[index].body ? requests[index].body : "");
    }
    return zmsg_send (&msg, worker);
}

char *
tf_http_worker_recv (zactor_t *worker, tf_http_request_t **requests_p, size_t *count_p)
{
    assert (worker && requests_p && count_p);
    zmsg_t *msg = zmsg_recv (worker);
    if (!msg)
        return NULL;
    char *tag = zmsg_popstr (msg);
    char *count_text = zmsg_popstr (msg);
    size_t count = count_text ? (size_t) strtoul (count_text, NULL, 10) : 0;
    zstr_free (&count_text);
    if (!tag || zmsg_size (msg) != 2 * count) {
        zstr_free (&tag);
        zmsg_destroy (&msg);
        return NULL;
    }
    tf_http_request_t *requests =
        (tf_http_request_t *) zmalloc ((count ? count : 1) * sizeof (tf_http_request_t));
    for (size_t index = 0; index < count; index++) {
        char *status = zmsg_popstr (msg);
        requests[index].status = status ? strtol (status, NULL, 10) : 0;
        zstr_free (&status);
        requests[index].answer = zmsg_popstr (msg);
    }
    zmsg_destroy (&msg);
    *requests_p = requests;
    *count_p = count;
    return tag;
}

void
tf_http_requests_free (tf_http_request_t **requests_p, size_t count)
{
    assert (requests_p);
    tf_http_request_t *requests = *requests_p;
    if (!requests)
        return;
    for (size_t index = 0; index < count; index++) {
        free (requests[index].method);
        free (requests[index].url);
        free (requests[index].body);
        free (requests[index].answer);
    }
    free (requests);
    *requests_p = NULL;
}
