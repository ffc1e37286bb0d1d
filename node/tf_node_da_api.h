//  tf_node_da_api.h - the DA routes and the da_share p2p frame (lock held in all)
#ifndef TF_NODE_DA_API_H_INCLUDED
#define TF_NODE_DA_API_H_INCLUDED

#include <jansson.h>
#include "tf_node.h"
#include "tf_node_api.h"
#include "tf_node_p2p.h"

//  Answer a DA route: /disperse-data, /da/add-share, /da/get-share, /da/sampling/shares,
//  /da/balancer-stats, /da/monitor-stats, and on the testing server /test/da/membership and
//  /test/da/historic-sampling. body is the parsed POST body (borrowed) or NULL for a
//  GET. Returns 1 when path is one of them (reply filled), 0 otherwise.
int tf_node_da_api_handle (tf_node_t *node, int testing, const tf_node_request_t *request,
                           json_t *body, tf_node_reply_t *reply);

//  A da_share frame's share (borrowed) from a peer: verify, keep if ours, relay once,
//  and, when we are a member of its subnetwork, answer da_share_ack.
void tf_node_da_api_on_share (tf_node_t *node, tf_node_p2p_conn_t *from, const json_t *share);

//  A da_share_ack frame (borrowed) from a peer: count it for /da/monitor-stats.
void tf_node_da_api_on_ack (tf_node_t *node, tf_node_p2p_conn_t *from, const json_t *frame);

//  Our DA node index: our declaration's position in the genesis tx, -1 when none.
long tf_node_da_api_member (const tf_node_t *node);

//  {"<subnetwork>": {"inbound": n, "outbound": n}} (caller owns).
json_t *tf_node_da_api_balancer_stats (const tf_node_t *node);

#endif
