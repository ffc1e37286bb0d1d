//  tf_node_wallet.h - the wallet routes of the main API (node-api.md §7)
#ifndef TF_NODE_WALLET_H_INCLUDED
#define TF_NODE_WALLET_H_INCLUDED

#include <jansson.h>
#include "tf_node_api.h"

//  Wallet routes, called with the node lock held.
void tf_node_wallet_balance (tf_node_t *node, const char *pk_hex, const char *tip_hex,
                             tf_node_reply_t *reply);
void tf_node_wallet_transfer (tf_node_t *node, json_t *body, tf_node_reply_t *reply);

#endif
