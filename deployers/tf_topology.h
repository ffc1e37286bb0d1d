//  tf_topology.h - who lists whom as an initial peer, and how many peers each
//  node should see
//
//  Nodes are numbered globally: validators first (0 .. validators-1), then
//  executors. star: node 0 is the hub and every other node lists it; ring:
//  node i lists node i+1 (mod n); full: node i lists every node before it.
//  A node's expected peer count is its degree in the undirected graph of
//  initial peers (what network readiness waits for).

#ifndef TF_TOPOLOGY_H_INCLUDED
#define TF_TOPOLOGY_H_INCLUDED

#include <stddef.h>
#include <stdint.h>
#include "tf_plan.h"

//  Fill peers[] (up to max) with the nodes `node` lists as initial peers;
//  returns how many it lists.
size_t tf_topology_initial_peers (tf_network_t network, uint32_t count, uint32_t node,
                                  uint32_t *peers, size_t max);

//  Number of distinct nodes `node` is linked to, either way.
uint32_t tf_topology_degree (tf_network_t network, uint32_t count, uint32_t node);

//  Name of a network layout ("star", "ring", "full").
const char *tf_topology_name (tf_network_t network);

#endif
