//  tf_node_stream.h - one NDJSON subscriber: a bounded queue of lines with a wake-up
#ifndef TF_NODE_STREAM_H_INCLUDED
#define TF_NODE_STREAM_H_INCLUDED

#include <stddef.h>

#define TF_NODE_STREAM_MAX_QUEUED 4096 //  Lines held for a slow reader; older ones drop

typedef enum { TF_NODE_STREAM_BLOCKS = 0, TF_NODE_STREAM_LIB } tf_node_stream_kind_t;

typedef struct _tf_node_stream_t tf_node_stream_t;

//  Create an open stream of the given kind.
tf_node_stream_t *tf_node_stream_new (tf_node_stream_kind_t kind);

//  Destroy; safe on NULL.
void tf_node_stream_destroy (tf_node_stream_t **self_p);

//  The kind given at creation.
tf_node_stream_kind_t tf_node_stream_kind (const tf_node_stream_t *self);

//  Queue a copy of line (which should end in '\n'). Any thread.
void tf_node_stream_push (tf_node_stream_t *self, const char *line);

//  Wait up to timeout_ms for a line. Returns it (caller owns) or NULL on timeout or close.
char *tf_node_stream_next (tf_node_stream_t *self, int timeout_ms);

//  Mark closed and wake the reader; later next() calls return NULL at once.
void tf_node_stream_close (tf_node_stream_t *self);

//  True once closed.
int tf_node_stream_closed (tf_node_stream_t *self);

#endif
