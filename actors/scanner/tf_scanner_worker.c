//  tf_scanner_worker.c - follows one node for the scanner, in its own thread
//
//  Loop: (re)open the stream when it is down, pump it until the next tip
//  sample is due or a line arrives, turn queued lines into blocks (walking
//  back over gaps), sample the tip when due. The client's cancel callback
//  reads $TERM from the pipe, so every wait ends within a client tick.

#include "tf_msg.h"
#include "tf_api_client.h"
#include "tf_scanner_walk.h"
#include "tf_scanner_worker.h"

typedef struct {
    tf_api_client_pipe_t loop; //  Pipe to the scanner's loop, watched for $TERM
    char *node;                //  Node name
    bool stream;               //  Follow the stream
    int64_t tip_ms;            //  Tip sampling interval
    bool verbose;
    tf_scanner_known_t *known; //  What the feed holds already (shared)
    tf_api_client_t *client;   //  HTTP to the node
    tf_scanner_walk_t *walk;   //  What this node's chain has emitted
    zlistx_t *lines;           //  Stream lines not processed yet (char *)
    bool up;                   //  Last tip sample answered
    tf_api_info_t last;        //  Last good tip sample
    uint64_t malformed;        //  Stream lines we could not parse
} s_worker_t;

//  Send one record to the scanner's loop as [kind][msgpack body]
static void
s_send (s_worker_t *self, const char *kind, tf_msg_id_t id, const void *body)
{
    uint8_t *data = NULL;
    size_t size = 0;
    if (tf_msg_encode (id, body, &data, &size)) {
        zsys_error ("scanner: cannot encode %s node=%s: %s", kind, self->node,
                    tf_msg_last_error ());
        return;
    }
    zmsg_t *msg = zmsg_new ();
    zmsg_addstr (msg, kind);
    zmsg_addmem (msg, data, size);
    free (data);
    zmsg_send (&msg, self->loop.pipe);
}

//  The walk's fetch: from what the feed holds, else POST /storage/block on this node
static int
s_fetch (void *arg, const char *id, tf_api_block_t **block_p)
{
    s_worker_t *self = (s_worker_t *) arg;
    *block_p = tf_scanner_known_block (self->known, id);
    if (*block_p)
        return 0; //  The feed has it: its parent is all the walk needs
    int rc = tf_api_client_block (self->client, id, block_p);
    if (rc != 0 && self->verbose)
        zsys_debug ("scanner: cannot fetch block node=%s id=%s rc=%d", self->node, id, rc);
    return rc;
}

//  The walk's emit: a feed.block record to the scanner (height set there),
//  unless the feed holds the block already
static void
s_emit (void *arg, const tf_api_block_t *block)
{
    s_worker_t *self = (s_worker_t *) arg;
    if (tf_scanner_known_has (self->known, block->id))
        return; //  Another node's worker reported it first
    char *nodes[] = {self->node};
    tf_feed_block_t record = {.id = (char *) block->id,
                              .parent = (char *) block->parent,
                              .slot = block->slot,
                              .txs = block->txs,
                              .nodes = {.items = nodes, .count = 1},
                              .seen_ms = (uint64_t) zclock_time (),
                              .outputs = block->outputs,
                              .blobs = block->blobs};
    s_send (self, TF_SCANNER_WORKER_BLOCK, TF_MSG_feed_block, &record);
}

//  Queue a stream line; it is parsed after the client returns
static void
s_on_line (void *arg, const char *line, size_t size)
{
    s_worker_t *self = (s_worker_t *) arg;
    char *copy = (char *) malloc (size + 1);
    assert (copy);
    memcpy (copy, line, size);
    copy[size] = 0;
    zlistx_add_end (self->lines, copy);
}

//  Turn queued stream lines into blocks, parents first
static void
s_process_lines (s_worker_t *self)
{
    char *line;
    while (!self->loop.terminated && (line = (char *) zlistx_first (self->lines))) {
        zlistx_detach_cur (self->lines);
        tf_api_block_t *block = NULL;
        char id[TF_API_ID_SIZE], tip[TF_API_ID_SIZE], lib[TF_API_ID_SIZE];
        size_t size = strlen (line);
        if (tf_scanner_known_peek_id (line, size, id))
            block = tf_scanner_known_block (self->known, id); //  No parse: the feed has it
        if (block || tf_api_event_parse (line, size, &block, tip, lib) == 0) {
            if (tf_scanner_walk_block (self->walk, block) && self->verbose)
                zsys_debug ("scanner: gap behind streamed block node=%s id=%s", self->node,
                            block->id);
        }
        else if (self->malformed++ == 0)
            zsys_warning ("scanner: malformed stream line node=%s", self->node);
        tf_api_block_destroy (&block);
        free (line);
    }
}

//  Sample the tip; fill any gap behind it; report the sample
static void
s_sample_tip (s_worker_t *self)
{
    tf_api_info_t info;
    bool up = tf_api_client_info (self->client, &info) == 0;
    if (self->loop.terminated)
        return;
    if (up != self->up)
        zsys_info ("scanner: node %s node=%s", up ? "answers" : "does not answer", self->node);
    self->up = up;
    if (up) {
        self->last = info;
        tf_scanner_walk_forget_below (self->walk, tf_scanner_known_floor (self->known));
        tf_scanner_walk_tip (self->walk, info.tip);
    }
    tf_feed_tip_t sample = {.node = self->node,
                            .tip = self->last.tip,
                            .height = self->last.height,
                            .slot = self->last.slot,
                            .lib = self->last.lib,
                            .mode = self->last.mode,
                            .at_ms = (uint64_t) zclock_time (),
                            .up = up};
    s_send (self, TF_SCANNER_WORKER_TIP, TF_MSG_feed_tip, &sample);
}

//  The thread: follow the node until $TERM
static void
s_worker (zsock_t *pipe, void *arg)
{
    const tf_scanner_worker_args_t *args = (const tf_scanner_worker_args_t *) arg;
    s_worker_t self = {.loop = {.pipe = pipe},
                       .node = strdup (args->node),
                       .stream = args->stream,
                       .tip_ms = args->tip_ms,
                       .verbose = args->verbose,
                       .known = args->known};
    self.client = tf_api_client_new (args->api_url);
    self.walk = tf_scanner_walk_new (s_fetch, &self, s_emit, &self);
    self.lines = zlistx_new ();
    zsock_signal (pipe, 0); //  args may go now
    if (!self.client) {
        zsys_error ("scanner: cannot create an HTTP client node=%s", self.node);
        while (!tf_api_client_pipe_cancelled (&self.loop))
            zclock_sleep (TF_API_CLIENT_TICK_MS);
    }
    else
        tf_api_client_watch_pipe (self.client, &self.loop);

    int64_t next_tip = 0;
    int64_t next_stream = 0;
    while (self.client && !tf_api_client_pipe_cancelled (&self.loop)) {
        int64_t now = zclock_mono ();
        if (self.stream && !tf_api_client_streaming (self.client) && now >= next_stream) {
            if (tf_api_client_stream_open (self.client, s_on_line, &self) == 0)
                next_tip = now; //  Catch up on what the stream missed
            next_stream = now + TF_SCANNER_WORKER_RECONNECT_MS;
        }
        int64_t wait = next_tip - now;
        if (wait > self.tip_ms)
            wait = self.tip_ms;
        if (self.stream && !tf_api_client_streaming (self.client) && wait > next_stream - now)
            wait = next_stream - now;
        if (tf_api_client_pump (self.client, wait) != 0)
            break;
        s_process_lines (&self);
        if (zclock_mono () >= next_tip) {
            s_sample_tip (&self);
            next_tip = zclock_mono () + self.tip_ms;
        }
    }
    char *line;
    while ((line = (char *) zlistx_detach (self.lines, NULL)))
        free (line);
    zlistx_destroy (&self.lines);
    tf_scanner_walk_destroy (&self.walk);
    tf_api_client_destroy (&self.client);
    free (self.node);
}

zactor_t *
tf_scanner_worker_new (const tf_scanner_worker_args_t *args)
{
    assert (args && args->node && args->api_url && args->tip_ms > 0 && args->known);
    return zactor_new (s_worker, (void *) args);
}
