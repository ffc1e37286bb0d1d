//  tf_api_client.c - HTTP client for a node's API (see tf_api_client.h)
//
//  One curl multi handle drives two easy handles: the block stream (long
//  lived) and the current request. Waiting is always curl_multi_poll with at
//  most a tick (TF_API_CLIENT_TICK_MS, or TF_API_CLIENT_WAKE_TICK_MS when a
//  wake fd is watched too), after which the cancel callback is asked, so no
//  call blocks longer than a tick past a cancel. A batch runs the same way
//  on a multi handle of its own, one easy handle per request.

#include <curl/curl.h>
#include "tf_api_client.h"
#include <pthread.h>

struct _tf_api_client_t {
    char *base_url;                 //  "http://127.0.0.1:18080", no trailing slash
    CURLM *multi;                   //  Drives both transfers
    CURL *request;                  //  The current request's handle
    CURL *stream;                   //  The block stream's handle, or NULL
    bool streaming;                 //  Stream transfer added and not finished
    zchunk_t *stream_line;          //  Partial stream line
    tf_api_client_line_fn *line_fn; //  Receives complete stream lines
    void *line_arg;
    tf_api_client_cancel_fn *cancel_fn; //  Asked every tick while waiting
    void *cancel_arg;
    int wake_fd;        //  Readable when cancel_fn should be asked; -1: none, ask every tick
    int64_t timeout_ms; //  Per request
    uint64_t lines;     //  Stream lines delivered so far
};

//  libcurl's process-wide setup, once, by whichever thread makes the first client
static pthread_once_t s_curl_once = PTHREAD_ONCE_INIT;
static bool s_curl_ready;

static void
s_curl_init (void)
{
    s_curl_ready = curl_global_init (CURL_GLOBAL_DEFAULT) == CURLE_OK;
}

int
tf_api_client_init (void)
{
    pthread_once (&s_curl_once, s_curl_init);
    return s_curl_ready ? 0 : -1;
}

tf_api_client_t *
tf_api_client_new (const char *base_url)
{
    assert (base_url);
    if (tf_api_client_init ()) {
        zsys_error ("api: libcurl could not be initialised");
        return NULL;
    }
    tf_api_client_t *self = (tf_api_client_t *) zmalloc (sizeof (tf_api_client_t));
    self->base_url = strdup (base_url);
    size_t length = strlen (self->base_url);
    while (length > 0 && self->base_url[length - 1] == '/')
        self->base_url[--length] = 0;
    self->multi = curl_multi_init ();
    self->request = curl_easy_init ();
    self->stream_line = zchunk_new (NULL, 0);
    self->timeout_ms = TF_API_CLIENT_TIMEOUT_MS;
    self->wake_fd = -1;
    if (!self->multi || !self->request)
        tf_api_client_destroy (&self);
    return self;
}

void
tf_api_client_destroy (tf_api_client_t **self_p)
{
    assert (self_p);
    tf_api_client_t *self = *self_p;
    if (!self)
        return;
    tf_api_client_stream_close (self);
    if (self->request)
        curl_easy_cleanup (self->request);
    if (self->multi)
        curl_multi_cleanup (self->multi);
    zchunk_destroy (&self->stream_line);
    free (self->base_url);
    free (self);
    *self_p = NULL;
}

void
tf_api_client_set_cancel (tf_api_client_t *self, tf_api_client_cancel_fn *fn, void *arg)
{
    assert (self);
    self->cancel_fn = fn;
    self->cancel_arg = arg;
    self->wake_fd = -1;
}

void
tf_api_client_watch_pipe (tf_api_client_t *self, tf_api_client_pipe_t *pipe)
{
    assert (self && pipe && pipe->pipe);
    tf_api_client_set_cancel (self, tf_api_client_pipe_cancelled, pipe);
    self->wake_fd = zsock_fd (pipe->pipe);
}

//  How long one wait may last before the cancel callback is asked again
static int64_t
s_tick (const tf_api_client_t *self)
{
    return self->wake_fd >= 0 ? TF_API_CLIENT_WAKE_TICK_MS : TF_API_CLIENT_TICK_MS;
}

bool
tf_api_client_pipe_cancelled (void *pipe)
{
    tf_api_client_pipe_t *self = (tf_api_client_pipe_t *) pipe;
    assert (self && self->pipe);
    while (!self->terminated && (zsock_events (self->pipe) & ZMQ_POLLIN)) {
        char *command = zstr_recv (self->pipe);
        if (!command || streq (command, "$TERM"))
            self->terminated = true;
        zstr_free (&command);
    }
    return self->terminated;
}

void
tf_api_client_pipe_wait_term (tf_api_client_pipe_t *self)
{
    assert (self && self->pipe);
    while (!self->terminated) {
        char *command = zstr_recv (self->pipe);
        if (!command || streq (command, "$TERM"))
            self->terminated = true;
        zstr_free (&command);
    }
}

void
tf_api_client_set_timeout (tf_api_client_t *self, int64_t timeout_ms)
{
    assert (self);
    self->timeout_ms = timeout_ms > 0 ? timeout_ms : TF_API_CLIENT_TIMEOUT_MS;
}

//  Ask the cancel callback, if any
static bool
s_cancelled (tf_api_client_t *self)
{
    return self->cancel_fn && self->cancel_fn (self->cancel_arg);
}


//  ---------------------------------------------------------------------------
//  Transfers

//  Collect a request's answer, refusing more than TF_API_CLIENT_MAX_BODY
static size_t
s_on_body (char *data, size_t size, size_t count, void *arg)
{
    zchunk_t *body = (zchunk_t *) arg;
    size_t length = size * count;
    if (zchunk_size (body) + length > TF_API_CLIENT_MAX_BODY)
        return 0; //  Aborts the transfer
    zchunk_extend (body, data, length);
    return length;
}

//  Split stream bytes into lines and hand each one over
static size_t
s_on_stream (char *data, size_t size, size_t count, void *arg)
{
    tf_api_client_t *self = (tf_api_client_t *) arg;
    size_t length = size * count;
    const char *cursor = data;
    const char *end = data + length;
    while (cursor < end) {
        const char *newline = (const char *) memchr (cursor, '\n', (size_t) (end - cursor));
        size_t span = (size_t) ((newline ? newline : end) - cursor);
        if (zchunk_size (self->stream_line) + span > TF_API_CLIENT_MAX_LINE)
            return 0; //  A line this long is not a block event
        zchunk_extend (self->stream_line, cursor, span);
        if (!newline)
            break;
        size_t line_size = zchunk_size (self->stream_line);
        if (line_size > 0 && self->line_fn) {
            self->lines++;
            self->line_fn (self->line_arg, (const char *) zchunk_data (self->stream_line),
                           line_size);
        }
        zchunk_set (self->stream_line, NULL, 0);
        cursor = newline + 1;
    }
    return length;
}

//  One curl_multi_perform and the bookkeeping of finished transfers. Returns
//  true if the request handle finished, with its result in *result.
static bool
s_perform (tf_api_client_t *self, CURLcode *result)
{
    int running = 0;
    curl_multi_perform (self->multi, &running);
    bool request_done = false;
    CURLMsg *info;
    int queued;
    while ((info = curl_multi_info_read (self->multi, &queued))) {
        if (info->msg != CURLMSG_DONE)
            continue;
        if (info->easy_handle == self->request) {
            request_done = true;
            *result = info->data.result;
        }
        else if (info->easy_handle == self->stream)
            self->streaming = false; //  Node closed it or went away
    }
    return request_done;
}

//  Make progress, waiting up to wait_ms for activity unless the request
//  finished or a stream line arrived. Returns true if the request finished.
static bool
s_drive (tf_api_client_t *self, int64_t wait_ms, CURLcode *result)
{
    uint64_t lines_before = self->lines;
    if (s_perform (self, result))
        return true;
    if (wait_ms <= 0 || self->lines != lines_before)
        return false;
    int ready = 0;
    struct curl_waitfd wake = {.fd = self->wake_fd, .events = CURL_WAIT_POLLIN};
    curl_multi_poll (self->multi, &wake, self->wake_fd >= 0 ? 1 : 0, (int) wait_ms, &ready);
    return s_perform (self, result);
}

//  Set a request handle up for url: the per-request limits, the answer
//  collected into answer, and body (JSON) as a POST. Returns the header list
//  the handle uses until it is reset (caller frees it after the transfer).
static struct curl_slist *
s_setup (CURL *curl, const char *url, const char *body, zchunk_t *answer, int64_t timeout_ms)
{
    struct curl_slist *headers = NULL;
    curl_easy_reset (curl);
    curl_easy_setopt (curl, CURLOPT_URL, url);
    curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt (curl, CURLOPT_TIMEOUT_MS, (long) timeout_ms);
    curl_easy_setopt (curl, CURLOPT_CONNECTTIMEOUT_MS, (long) TF_API_CLIENT_CONNECT_MS);
    curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, s_on_body);
    curl_easy_setopt (curl, CURLOPT_WRITEDATA, answer);
    if (body) {
        headers = curl_slist_append (headers, "Content-Type: application/json");
        curl_easy_setopt (curl, CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt (curl, CURLOPT_POSTFIELDS, body);
    }
    return headers;
}

//  The answer collected in answer, as a NUL-terminated string (caller owns)
static char *
s_answer_text (zchunk_t *answer)
{
    zchunk_extend (answer, "", 1);
    return strdup ((const char *) zchunk_data (answer));
}

int
tf_api_client_request (tf_api_client_t *self, const char *path, const char *body, long *status_p,
                       char **answer_p)
{
    assert (self && path && status_p && answer_p);
    char *url = zsys_sprintf ("%s%s", self->base_url, path);
    zchunk_t *answer = zchunk_new (NULL, 0);
    CURL *curl = self->request;
    struct curl_slist *headers = s_setup (curl, url, body, answer, self->timeout_ms);
    int rc = -1;
    CURLcode result = CURLE_OK;
    bool done = curl_multi_add_handle (self->multi, curl) != CURLM_OK;
    result = done ? CURLE_FAILED_INIT : CURLE_OK;
    while (!done) {
        done = s_drive (self, s_tick (self), &result);
        if (!done && s_cancelled (self))
            break;
    }
    curl_multi_remove_handle (self->multi, curl);
    if (done && result == CURLE_OK) {
        curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, status_p);
        *answer_p = s_answer_text (answer);
        rc = 0;
    }
    else
        *status_p = 0;
    curl_slist_free_all (headers);
    zchunk_destroy (&answer);
    zstr_free (&url);
    return rc;
}

int
tf_api_client_info (tf_api_client_t *self, tf_api_info_t *info)
{
    assert (self && info);
    long status = 0;
    char *answer = NULL;
    int rc = -1;
    if (tf_api_client_request (self, TF_API_PATH_INFO, NULL, &status, &answer) == 0
        && status == 200)
        rc = tf_api_info_parse (answer, strlen (answer), info);
    free (answer);
    return rc;
}

int
tf_api_client_block (tf_api_client_t *self, const char *id, tf_api_block_t **block_p)
{
    assert (self && id && block_p);
    char body[TF_API_ID_SIZE + 3];
    snprintf (body, sizeof body, "\"%s\"", id);
    long status = 0;
    char *answer = NULL;
    int rc = -1;
    if (tf_api_client_request (self, TF_API_PATH_BLOCK, body, &status, &answer) == 0
        && status == 200)
        rc = tf_api_block_parse_storage (answer, strlen (answer), id, block_p);
    free (answer);
    return rc;
}


//  ---------------------------------------------------------------------------
//  Stream

int
tf_api_client_stream_open (tf_api_client_t *self, tf_api_client_line_fn *fn, void *arg)
{
    assert (self && fn);
    tf_api_client_stream_close (self);
    self->stream = curl_easy_init ();
    if (!self->stream)
        return -1;
    self->line_fn = fn;
    self->line_arg = arg;
    char *url = zsys_sprintf ("%s%s", self->base_url, TF_API_PATH_STREAM);
    curl_easy_setopt (self->stream, CURLOPT_URL, url);
    curl_easy_setopt (self->stream, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt (self->stream, CURLOPT_CONNECTTIMEOUT_MS, (long) TF_API_CLIENT_CONNECT_MS);
    curl_easy_setopt (self->stream, CURLOPT_WRITEFUNCTION, s_on_stream);
    curl_easy_setopt (self->stream, CURLOPT_WRITEDATA, self);
    curl_easy_setopt (self->stream, CURLOPT_FAILONERROR, 1L);
    curl_easy_setopt (self->stream, CURLOPT_TCP_NODELAY, 1L);
    zstr_free (&url);
    if (curl_multi_add_handle (self->multi, self->stream) != CURLM_OK) {
        curl_easy_cleanup (self->stream);
        self->stream = NULL;
        return -1;
    }
    self->streaming = true;
    return 0;
}

bool
tf_api_client_streaming (tf_api_client_t *self)
{
    assert (self);
    return self->stream && self->streaming;
}

void
tf_api_client_stream_close (tf_api_client_t *self)
{
    assert (self);
    if (!self->stream)
        return;
    curl_multi_remove_handle (self->multi, self->stream);
    curl_easy_cleanup (self->stream);
    self->stream = NULL;
    self->streaming = false;
    zchunk_set (self->stream_line, NULL, 0);
}

int
tf_api_client_pump (tf_api_client_t *self, int64_t wait_ms)
{
    assert (self);
    int64_t deadline = zclock_mono () + (wait_ms > 0 ? wait_ms : 0);
    uint64_t lines_before = self->lines;
    CURLcode ignored = CURLE_OK;
    while (self->lines == lines_before) {
        if (s_cancelled (self))
            return -1;
        int64_t left = deadline - zclock_mono ();
        if (left <= 0)
            break;
        s_drive (self, left < s_tick (self) ? left : s_tick (self), &ignored);
    }
    s_drive (self, 0, &ignored); //  Deliver what the last poll woke for
    return 0;
}


//  ---------------------------------------------------------------------------
//  Batches

//  One transfer of a batch
typedef struct {
    CURL *curl;                 //  Its handle, or NULL before it starts
    zchunk_t *answer;           //  Body so far
    struct curl_slist *headers; //  POST header, or NULL
    bool done;                  //  Finished (answered or failed)
} s_transfer_t;

//  Record request's outcome from its finished transfer
static void
s_batch_finish (tf_api_request_t *request, s_transfer_t *transfer, CURLcode result)
{
    transfer->done = true;
    if (result == CURLE_OK) {
        curl_easy_getinfo (transfer->curl, CURLINFO_RESPONSE_CODE, &request->status);
        request->answer = s_answer_text (transfer->answer);
    }
    else {
        request->status = 0;
        snprintf (request->error, sizeof request->error, "%s", curl_easy_strerror (result));
    }
}

//  Start one request's transfer; false (the request failed, said why) if it cannot
static bool
s_batch_start (CURLM *multi, tf_api_request_t *request, s_transfer_t *transfer)
{
    transfer->curl = curl_easy_init ();
    transfer->answer = zchunk_new (NULL, 0);
    if (transfer->curl) {
        transfer->headers = s_setup (transfer->curl, request->url, request->body, transfer->answer,
                                     TF_API_CLIENT_TIMEOUT_MS);
        curl_easy_setopt (transfer->curl, CURLOPT_PRIVATE, (char *) transfer);
        if (curl_multi_add_handle (multi, transfer->curl) == CURLM_OK)
            return true;
    }
    transfer->done = true;
    snprintf (request->error, sizeof request->error, "cannot start the request");
    return false;
}

int
tf_api_client_batch (tf_api_request_t *requests, size_t count, int64_t timeout_ms,
                     tf_api_client_cancel_fn *cancel_fn, void *cancel_arg)
{
    assert (requests || count == 0);
    for (size_t index = 0; index < count; index++) {
        assert (requests[index].url);
        requests[index].status = 0;
        requests[index].answer = NULL;
        requests[index].error[0] = 0;
    }
    CURLM *multi = tf_api_client_init () == 0 ? curl_multi_init () : NULL;
    s_transfer_t *transfers = (s_transfer_t *) zmalloc ((count + 1) * sizeof (s_transfer_t));
    int64_t deadline = zclock_mono () + timeout_ms;
    size_t started = 0, finished = 0, running = 0;
    bool cancelled = false;
    while (multi && finished < count) {
        //  Keep at most TF_API_CLIENT_BATCH_PARALLEL transfers going
        while (started < count && running < TF_API_CLIENT_BATCH_PARALLEL) {
            if (s_batch_start (multi, &requests[started], &transfers[started]))
                running++;
            else
                finished++;
            started++;
        }
        int still_running = 0;
        curl_multi_perform (multi, &still_running);
        CURLMsg *info;
        int queued;
        while ((info = curl_multi_info_read (multi, &queued))) {
            if (info->msg != CURLMSG_DONE)
                continue;
            char *private_data = NULL;
            curl_easy_getinfo (info->easy_handle, CURLINFO_PRIVATE, &private_data);
            s_transfer_t *transfer = (s_transfer_t *) private_data;
            size_t index = (size_t) (transfer - transfers);
            s_batch_finish (&requests[index], transfer, info->data.result);
            curl_multi_remove_handle (multi, transfer->curl);
            running--;
            finished++;
        }
        if (finished == count)
            break;
        if (cancel_fn && cancel_fn (cancel_arg)) {
            cancelled = true;
            break;
        }
        int64_t left = deadline - zclock_mono ();
        if (left <= 0)
            break;
        int ready = 0;
        curl_multi_poll (multi, NULL, 0,
                         (int) (left < TF_API_CLIENT_TICK_MS ? left : TF_API_CLIENT_TICK_MS),
                         &ready);
    }
    //  What did not finish ran out of time or was cancelled
    for (size_t index = 0; index < count; index++) {
        s_transfer_t *transfer = &transfers[index];
        if (!transfer->done)
            snprintf (requests[index].error, sizeof requests[index].error, "%s",
                      !multi      ? "libcurl could not be initialised"
                      : cancelled ? "cancelled"
                                  : "the batch ran out of time");
        if (transfer->curl) {
            if (!transfer->done)
                curl_multi_remove_handle (multi, transfer->curl);
            curl_easy_cleanup (transfer->curl);
        }
        curl_slist_free_all (transfer->headers);
        zchunk_destroy (&transfer->answer);
    }
    free (transfers);
    if (multi)
        curl_multi_cleanup (multi);
    return cancelled || (!multi && count > 0) ? -1 : 0;
}

void
tf_api_request_clear (tf_api_request_t *request)
{
    assert (request);
    zstr_free (&request->answer);
    request->status = 0;
    request->error[0] = 0;
}
