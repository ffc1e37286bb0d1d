//  tf_node_api.h - HTTP routes of the main and testing servers, as plain functions
#ifndef TF_NODE_API_H_INCLUDED
#define TF_NODE_API_H_INCLUDED

#include <stddef.h>
#include <jansson.h>
#include "tf_node.h"

//  One parsed request (all fields borrowed)
typedef struct {
    const char *method;          //  GET, POST, ...
    const char *path;            //  URL path without the query
    const char *content_type;    //  Content-Type header or NULL
    const char *body;            //  Body bytes (NUL-terminated) or NULL
    size_t body_size;            //  Body length
    const char *query_from;      //  ?from=
    const char *query_to;        //  ?to=
    const char *query_tip;       //  ?tip=
    const char *query_slot_from; //  ?slot_from=
    const char *query_slot_to;   //  ?slot_to=
} tf_node_request_t;

//  One answer: status, body (owned) and content type (static)
typedef struct {
    int status;               //  HTTP status
    char *body;               //  Owned body text
    const char *content_type; //  Static content type
} tf_node_reply_t;

//  Route kinds for the HTTP layer
typedef enum {
    TF_NODE_ROUTE_NONE = 0,     //  Unknown path: 404
    TF_NODE_ROUTE_PLAIN,        //  Answer with tf_node_api_handle
    TF_NODE_ROUTE_BLOCK_STREAM, //  NDJSON block events
    TF_NODE_ROUTE_LIB_STREAM    //  NDJSON LIB changes
} tf_node_route_t;

//  Which route a path is; *allowed says whether method is right for it (else 405).
tf_node_route_t tf_node_api_route (const char *path, int testing, const char *method, int *allowed);

//  Answer a plain route (lock taken inside). The reply body is owned by the caller.
void tf_node_api_handle (tf_node_t *node, int testing, const tf_node_request_t *request,
                         tf_node_reply_t *reply);

//  Fill a reply: JSON (steals value), or text (copied).
void tf_node_reply_json (tf_node_reply_t *reply, int status, json_t *value);
void tf_node_reply_text (tf_node_reply_t *reply, int status, const char *text);

#endif
