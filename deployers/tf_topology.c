//  tf_topology.c - initial peers and expected peer counts (see tf_topology.h)

#include "tf_topology.h"
#include <assert.h>
#include <stdbool.h>

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

//  True when a lists b as an initial peer
static bool
s_lists (tf_network_t network, uint32_t count, uint32_t a, uint32_t b)
{
    uint32_t peers[TF_PLAN_MAX_NODES];
    size_t listed = tf_topology_initial_peers (network, count, a, peers, TF_PLAN_MAX_NODES);
    for (size_t index = 0; index < listed; index++)
        if (peers[index] == b)
            return true;
    return false;
}

uint32_t
tf_topology_degree (tf_network_t network, uint32_t count, uint32_t node)
{
    assert (node < count && count <= TF_PLAN_MAX_NODES);
    uint32_t degree = 0;
    for (uint32_t other = 0; other < count; other++)
        if (other != node
            && (s_lists (network, count, node, other) || s_lists (network, count, other, node)))
            degree++;
    return degree;
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
