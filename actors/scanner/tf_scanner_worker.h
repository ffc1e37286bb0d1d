//  tf_scanner_worker.h - follows one node for the scanner, in its own thread
//
//  A zactor per node. It keeps the node's block stream open (reconnecting
//  every TF_SCANNER_WORKER_RECONNECT_MS while the node is away), samples
//  /cryptarchia/info every tip interval, and walks back through
//  /storage/block to fill any gap (tf_scanner_walk). A block the feed holds
//  already (tf_scanner_known) is walked past without parsing, fetching or
//  sending it. Everything blocking happens here; the scanner's loop only
//  reads the pipe.
//
//  Pipe, worker -> scanner, one zmsg per record:
//      "block", msgpack feed.block body (height 0: the scanner computes it;
//               nodes = [this node])
//      "tip",   msgpack feed.tip body
//  Pipe, scanner -> worker: only $TERM (zactor_destroy).

#ifndef TF_SCANNER_WORKER_H_INCLUDED
#define TF_SCANNER_WORKER_H_INCLUDED

#include <czmq.h>
#include "tf_scanner_known.h"

#define TF_SCANNER_WORKER_RECONNECT_MS 200 //  Stream reconnect interval
#define TF_SCANNER_WORKER_BLOCK        "block"
#define TF_SCANNER_WORKER_TIP          "tip"

typedef struct {
    const char *node;    //  Node name, e.g. "validator-0"
    const char *api_url; //  Its API base URL
    bool stream;         //  Follow the block stream (else poll only)
    int64_t tip_ms;      //  Tip sampling interval
    bool verbose;
    tf_scanner_known_t *known; //  What the feed holds already (shared, not owned)
} tf_scanner_worker_args_t;

//  Start a worker; args are copied before this returns. NULL on failure.
zactor_t *tf_scanner_worker_new (const tf_scanner_worker_args_t *args);

#endif
