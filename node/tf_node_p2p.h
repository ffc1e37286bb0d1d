//  tf_node_p2p.h - peer-to-peer transport: TCP, length-prefixed JSON frames, hello, blocking
#ifndef TF_NODE_P2P_H_INCLUDED
#define TF_NODE_P2P_H_INCLUDED

#include <jansson.h>
#include <pthread.h>
#include "tf_node_config.h"

#define TF_NODE_P2P_MAX_FRAME   (16 * 1024 * 1024) //  Larger frames drop the peer
#define TF_NODE_P2P_MAX_OUTBUF  (64 * 1024 * 1024) //  A peer this far behind is dropped
#define TF_NODE_P2P_REDIAL_MS   500                //  Re-dial interval
#define TF_NODE_P2P_MAX_CONNS   8192               //  Inbound + outbound (a hub of 4096 nodes)
#define TF_NODE_P2P_MAX_BLOCKED 1024               //  PeerIds blocked at once
#define TF_NODE_P2P_VERSION     1

typedef struct _tf_node_p2p_t tf_node_p2p_t;

//  A connection handle, valid during the callback that receives it
typedef struct _tf_node_p2p_conn_t tf_node_p2p_conn_t;

//  A frame other than hello arrived from a peer that said hello. The callee borrows frame.
typedef void (tf_node_p2p_frame_fn) (void *arg, tf_node_p2p_conn_t *conn, json_t *frame);

//  A peer finished its hello (its "tip" and "height" are in hello).
typedef void (tf_node_p2p_hello_fn) (void *arg, tf_node_p2p_conn_t *conn, json_t *hello);

//  Create and bind the listener. mutex is the lock the caller holds around every call; poll
//  releases it while waiting. NULL after logging why.
tf_node_p2p_t *tf_node_p2p_new (const tf_node_config_t *config, pthread_mutex_t *mutex,
                                tf_node_p2p_frame_fn *on_frame, tf_node_p2p_hello_fn *on_hello,
                                void *arg);

//  Close every connection and the listener; safe on NULL.
void tf_node_p2p_destroy (tf_node_p2p_t **self_p);

//  Wait up to timeout_ms for I/O (lock released meanwhile), handle it, dial due peers.
void tf_node_p2p_poll (tf_node_p2p_t *self, int timeout_ms);

//  Wake a poll in progress (any thread, lock held).
void tf_node_p2p_wake (tf_node_p2p_t *self);

//  Queue a frame to every connected peer except skip (may be NULL).
void tf_node_p2p_broadcast (tf_node_p2p_t *self, const json_t *frame, tf_node_p2p_conn_t *skip);

//  Queue a frame to one peer.
void tf_node_p2p_send (tf_node_p2p_t *self, tf_node_p2p_conn_t *conn, const json_t *frame);

//  Set what hellos announce.
void tf_node_p2p_set_tip (tf_node_p2p_t *self, const char *tip_hex, uint64_t height);

//  Block or unblock a PeerId; blocking drops its connections. 0, -1 if not a PeerId,
//  -2 (block only) when TF_NODE_P2P_MAX_BLOCKED others are blocked already.
int tf_node_p2p_block (tf_node_p2p_t *self, const char *peer_id);
int tf_node_p2p_unblock (tf_node_p2p_t *self, const char *peer_id);

//  Blocked PeerIds as a JSON array (caller owns).
json_t *tf_node_p2p_blocked (const tf_node_p2p_t *self);

//  Distinct connected PeerIds, and the connection count.
size_t tf_node_p2p_peers (const tf_node_p2p_t *self);
size_t tf_node_p2p_connections (const tf_node_p2p_t *self);

//  Called for each connection past its hello: the peer's PeerId, its listen address
//  (multiaddr: its address and the port its hello announced), the leader key its
//  hello announced (NULL: none), and whether the peer dialled us.
typedef void (tf_node_p2p_visit_fn) (void *arg, const char *peer_id, const char *addr,
                                     const tf_node_hash_t *provider, int inbound);
void tf_node_p2p_foreach (const tf_node_p2p_t *self, tf_node_p2p_visit_fn *visit, void *arg);

//  Connections still dialing.
size_t tf_node_p2p_pending (const tf_node_p2p_t *self);

//  Our PeerId, and the bound port.
const char *tf_node_p2p_peer_id (const tf_node_p2p_t *self);
int tf_node_p2p_port (const tf_node_p2p_t *self);

//  The PeerId of a connection (borrowed).
const char *tf_node_p2p_conn_peer_id (const tf_node_p2p_conn_t *conn);

#endif
