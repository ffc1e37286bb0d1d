//  tf_node_http.c - the HTTP servers (libmicrohttpd): bodies, limits, replies, NDJSON streams
//
//  One thread per connection, so a never-ending NDJSON stream blocks only its own thread.
//  A stream's reader waits on its queue with a short timeout; between lines it peeks at
//  the socket so a client that went away ends the stream promptly.
#include <arpa/inet.h>
#include <assert.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include "tf_node_api.h"
#include "tf_node_internal.h"
#include "tf_node_log.h"

#define TF_NODE_HTTP_MEMORY_LIMIT (2 * 1024 * 1024) //  Per-connection buffer (one block line)
#define TF_NODE_HTTP_TIMEOUT_S    300               //  Idle keep-alive connections close
#define TF_NODE_HTTP_MAX_CONNS    1000              //  Concurrent connections
#define TF_NODE_STREAM_WAIT_MS    250               //  Reader wake-up to check the client
#define TF_NODE_STREAM_BLOCK      (64 * 1024)       //  Advisory chunk size

struct _tf_node_http_t {
    struct MHD_Daemon *daemon; //  Server
    tf_node_t *node;           //  Node served (not owned)
    int testing;               //  Testing routes instead of the main ones
};

//  Per-request body accumulator
typedef struct {
    char *body;    //  Bytes received (NUL-terminated)
    size_t size;   //  Used
    size_t room;   //  Allocated
    int too_large; //  Over the body limit: answer 413
    bool refused;  //  Answered 400 at the headers: ambiguous framing
} request_ctx_t;

//  Per-stream state for the content reader
typedef struct {
    tf_node_t *node;                   //  Node (not owned)
    tf_node_stream_t *stream;          //  Subscription (owned through the node's table)
    struct MHD_Connection *connection; //  To peek at the client socket
    char *pending;                     //  Line being sent
    size_t offset;                     //  Bytes of pending already sent
} stream_ctx_t;

static enum MHD_Result s_access (void *cls, struct MHD_Connection *connection, const char *url,
                                 const char *method, const char *version, const char *upload_data,
                                 size_t *upload_data_size, void **con_cls);
static void s_completed (void *cls, struct MHD_Connection *connection, void **con_cls,
                         enum MHD_RequestTerminationCode code);

tf_node_http_t *
tf_node_http_new (tf_node_t *node, const char *host, int port, int testing)
{
    tf_node_http_t *self = calloc (1, sizeof *self);
    assert (self);
    self->node = node;
    self->testing = testing;
    struct sockaddr_in addr;
    memset (&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons ((uint16_t) port);
    if (inet_pton (AF_INET, strcmp (host, "localhost") == 0 ? "127.0.0.1" : host, &addr.sin_addr)
        != 1) {
        tf_node_error ("http: bad host=%s", host);
        free (self);
        return NULL;
    }
    self->daemon = MHD_start_daemon (
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL,
        (uint16_t) port, NULL, NULL, s_access, self, MHD_OPTION_SOCK_ADDR, &addr,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t) TF_NODE_HTTP_MEMORY_LIMIT,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int) TF_NODE_HTTP_TIMEOUT_S,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned int) TF_NODE_HTTP_MAX_CONNS,
        MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned int) 256, MHD_OPTION_NOTIFY_COMPLETED,
        s_completed, NULL, MHD_OPTION_END);
    if (!self->daemon) {
        tf_node_error ("http: cannot listen on %s:%d", host, port);
        free (self);
        return NULL;
    }
    tf_node_info ("http: listening %s=%s:%d", testing ? "testing" : "api", host, port);
    return self;
}

void
tf_node_http_destroy (tf_node_http_t **self_p)
{
    assert (self_p);
    tf_node_http_t *self = *self_p;
    if (!self)
        return;
    MHD_stop_daemon (self->daemon);
    free (self);
    *self_p = NULL;
}

static enum MHD_Result
s_send (struct MHD_Connection *connection, int status, const char *content_type, char *body)
{
    struct MHD_Response *response =
        MHD_create_response_from_buffer (strlen (body), body, MHD_RESPMEM_MUST_FREE);
    MHD_add_response_header (response, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
    enum MHD_Result rc = MHD_queue_response (connection, (unsigned int) status, response);
    MHD_destroy_response (response);
    return rc;
}

static enum MHD_Result
s_send_text (struct MHD_Connection *connection, int status, const char *text)
{
    char *body = strdup (text);
    assert (body);
    return s_send (connection, status, "text/plain; charset=utf-8", body);
}

//  True once the client has closed its end (EOF on a peek)
static int
s_client_gone (struct MHD_Connection *connection)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info (connection, MHD_CONNECTION_INFO_CONNECTION_FD);
    if (!info)
        return 1;
    char byte;
    ssize_t got = recv (info->connect_fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    return got == 0;
}

static ssize_t
s_stream_read (void *cls, uint64_t pos, char *buf, size_t max)
{
    stream_ctx_t *ctx = cls;
    if (!ctx->pending) {
        ctx->pending = tf_node_stream_next (ctx->stream, TF_NODE_STREAM_WAIT_MS);
        ctx->offset = 0;
        if (!ctx->pending) {
            if (tf_node_stream_closed (ctx->stream) || s_client_gone (ctx->connection))
                return MHD_CONTENT_READER_END_WITH_ERROR;
            return 0; //  Nothing yet: MHD calls again
        }
    }
    size_t left = strlen (ctx->pending) - ctx->offset;
    size_t size = left < max ? left : max;
    memcpy (buf, ctx->pending + ctx->offset, size);
    ctx->offset += size;
    if (ctx->offset == strlen (ctx->pending)) {
        free (ctx->pending);
        ctx->pending = NULL;
    }
    return (ssize_t) size;
}

static void
s_stream_free (void *cls)
{
    stream_ctx_t *ctx = cls;
    pthread_mutex_lock (&ctx->node->mutex);
    tf_node_unsubscribe (ctx->node, &ctx->stream);
    pthread_mutex_unlock (&ctx->node->mutex);
    free (ctx->pending);
    free (ctx);
}

static enum MHD_Result
s_start_stream (tf_node_http_t *self, struct MHD_Connection *connection, tf_node_stream_kind_t kind)
{
    pthread_mutex_lock (&self->node->mutex);
    tf_node_stream_t *stream = tf_node_subscribe (self->node, kind);
    pthread_mutex_unlock (&self->node->mutex);
    if (!stream)
        return s_send_text (connection, 503, "Too many stream subscribers");
    stream_ctx_t *ctx = calloc (1, sizeof *ctx);
    assert (ctx);
    ctx->node = self->node;
    ctx->stream = stream;
    ctx->connection = connection;
    struct MHD_Response *response = MHD_create_response_from_callback (
        MHD_SIZE_UNKNOWN, TF_NODE_STREAM_BLOCK, s_stream_read, ctx, s_stream_free);
    MHD_add_response_header (response, MHD_HTTP_HEADER_CONTENT_TYPE, "application/x-ndjson");
    enum MHD_Result rc = MHD_queue_response (connection, MHD_HTTP_OK, response);
    MHD_destroy_response (response);
    return rc;
}

//  The framing headers of a request, counted
typedef struct {
    unsigned content_lengths;   //  Content-Length headers
    bool lengths_differ;        //  Two of them with different values
    const char *content_length; //  The first one's value
    bool transfer_encoding;     //  A Transfer-Encoding header
} s_framing_t;

static enum MHD_Result
s_count_framing (void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    (void) kind;
    s_framing_t *framing = cls;
    if (strcasecmp (key, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0) {
        if (framing->content_lengths++ && strcmp (framing->content_length, value ? value : ""))
            framing->lengths_differ = true;
        else if (framing->content_lengths == 1)
            framing->content_length = value ? value : "";
    }
    else if (strcasecmp (key, MHD_HTTP_HEADER_TRANSFER_ENCODING) == 0)
        framing->transfer_encoding = true;
    return MHD_YES;
}

//  A request whose body length is ambiguous (RFC 9112 6.3: Content-Length
//  headers that differ, or Content-Length with Transfer-Encoding), the shapes
//  of request smuggling: a 400, and the connection closed
static enum MHD_Result
s_refuse_ambiguous_framing (struct MHD_Connection *connection, bool *refused)
{
    s_framing_t framing = {0};
    MHD_get_connection_values (connection, MHD_HEADER_KIND, s_count_framing, &framing);
    *refused = framing.lengths_differ || (framing.content_lengths && framing.transfer_encoding);
    if (!*refused)
        return MHD_YES;
    const char *text = framing.lengths_differ
                           ? "Bad Request: Content-Length headers that differ"
                           : "Bad Request: both Content-Length and Transfer-Encoding";
    char *body = strdup (text);
    assert (body);
    struct MHD_Response *response =
        MHD_create_response_from_buffer (strlen (body), body, MHD_RESPMEM_MUST_FREE);
    MHD_add_response_header (response, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain; charset=utf-8");
    MHD_add_response_header (response, MHD_HTTP_HEADER_CONNECTION, "close");
    enum MHD_Result rc = MHD_queue_response (connection, MHD_HTTP_BAD_REQUEST, response);
    MHD_destroy_response (response);
    return rc;
}

static enum MHD_Result
s_access (void *cls, struct MHD_Connection *connection, const char *url, const char *method,
          const char *version, const char *upload_data, size_t *upload_data_size, void **con_cls)
{
    tf_node_http_t *self = cls;
    request_ctx_t *ctx = *con_cls;
    if (!ctx) {
        ctx = calloc (1, sizeof *ctx);
        assert (ctx);
        *con_cls = ctx;
        bool refused;
        enum MHD_Result rc = s_refuse_ambiguous_framing (connection, &refused);
        ctx->refused = refused;
        return rc;
    }
    if (ctx->refused)
        return MHD_NO; //  Answered already; the body is not read
    if (*upload_data_size) {
        //  Keep reading an oversized body (so the reply reaches the client) but drop it
        size_t limit = self->node->config->max_body_size;
        if (!ctx->too_large && ctx->size + *upload_data_size > limit) {
            ctx->too_large = 1;
            free (ctx->body);
            ctx->body = NULL;
            ctx->size = ctx->room = 0;
        }
        if (!ctx->too_large) {
            if (ctx->size + *upload_data_size + 1 > ctx->room) {
                size_t room = ctx->room ? ctx->room : 4096;
                while (room < ctx->size + *upload_data_size + 1)
                    room *= 2;
                ctx->body = realloc (ctx->body, room);
                assert (ctx->body);
                ctx->room = room;
            }
            memcpy (ctx->body + ctx->size, upload_data, *upload_data_size);
            ctx->size += *upload_data_size;
            ctx->body[ctx->size] = 0;
        }
        *upload_data_size = 0;
        return MHD_YES;
    }
    int allowed;
    tf_node_route_t route = tf_node_api_route (url, self->testing, method, &allowed);
    tf_node_debug ("http: request method=%s path=%s body=%zu", method, url, ctx->size);
    if (route == TF_NODE_ROUTE_NONE)
        return s_send_text (connection, 404, "Not Found");
    if (!allowed)
        return s_send_text (connection, 405, "Method Not Allowed");
    if (ctx->too_large)
        return s_send_text (connection, 413,
                            "Failed to buffer the request body: length limit "
                            "exceeded");
    if (route == TF_NODE_ROUTE_BLOCK_STREAM)
        return s_start_stream (self, connection, TF_NODE_STREAM_BLOCKS);
    if (route == TF_NODE_ROUTE_LIB_STREAM)
        return s_start_stream (self, connection, TF_NODE_STREAM_LIB);

    tf_node_request_t request = {
        .method = method,
        .path = url,
        .content_type =
            MHD_lookup_connection_value (connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE),
        .body = ctx->body,
        .body_size = ctx->size,
        .query_from = MHD_lookup_connection_value (connection, MHD_GET_ARGUMENT_KIND, "from"),
        .query_to = MHD_lookup_connection_value (connection, MHD_GET_ARGUMENT_KIND, "to"),
        .query_tip = MHD_lookup_connection_value (connection, MHD_GET_ARGUMENT_KIND, "tip"),
        .query_slot_from =
            MHD_lookup_connection_value (connection, MHD_GET_ARGUMENT_KIND, "slot_from"),
        .query_slot_to = MHD_lookup_connection_value (connection, MHD_GET_ARGUMENT_KIND, "slot_to"),
    };
    tf_node_reply_t reply = {0};
    tf_node_api_handle (self->node, self->testing, &request, &reply);
    return s_send (connection, reply.status, reply.content_type, reply.body);
}

static void
s_completed (void *cls, struct MHD_Connection *connection, void **con_cls,
             enum MHD_RequestTerminationCode code)
{
    request_ctx_t *ctx = *con_cls;
    if (ctx) {
        free (ctx->body);
        free (ctx);
    }
    *con_cls = NULL;
}
