//  tf_topology.c - initial peers and expected peer counts (see tf_topology.h)

#include "tf_topology.h"
#include <assert.h>

size_t
tf_topology_initial_peers (tf_network_t network, uint32_t count, uint32_t node, uint32_t *peers,
                           size_t max)
{
    assert (node < count && (peers || max == 0));
    size_t listed = 0;
    switch (network) {
        case TF_NETWORK_STAR:
            if (node != 0 && listed < max)
                peers[listed++] = 0;
            break;
        case TF_NETWORK_RING:
            if (count > 1 && listed < max)
                peers[listed++] = (node + 1) % count;
            break;
        case TF_NETWORK_FULL:
            for (uint32_t other = 0; other < node && listed < max; other++)
                peers[listed++] = other;
            break;
    }
    return listed;
}

//  In closed form, from the links tf_topology_initial_peers lists (the deployer
//  asks for every node, and counting the lists of a full network of thousands
//  would take minutes)
uint32_t
tf_topology_degree (tf_network_t network, uint32_t count, uint32_t node)
{
    assert (node < count && count <= TF_PLAN_MAX_NODES);
    if (count < 2)
        return 0;
    switch (network) {
        case TF_NETWORK_STAR:
            return node == 0 ? count - 1 : 1; //  The hub and its spokes
        case TF_NETWORK_RING:
            return count == 2 ? 1 : 2; //  Two nodes list each other: one link
        case TF_NETWORK_FULL:
            return count - 1;
    }
    return 0;
}

const char *
tf_topology_name (tf_network_t network)
{
    switch (network) {
        case TF_NETWORK_STAR:
            return "star";
        case TF_NETWORK_RING:
            return "ring";
        case TF_NETWORK_FULL:
            return "full";
    }
    return "unknown";
}
