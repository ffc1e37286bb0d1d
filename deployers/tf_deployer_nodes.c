//  tf_deployer_nodes.c - the node table a backend fills (see tf_deployer.h)

#include "tf_deployer.h"

ssize_t
tf_deployer_node_find (const tf_deployer_node_t *nodes, size_t count, const char *name)
{
    assert (nodes || count == 0);
    for (size_t index = 0; name && index < count; index++)
        if (nodes[index].name && streq (nodes[index].name, name))
            return (ssize_t) index;
    return -1;
}

void
tf_deployer_nodes_free (tf_deployer_node_t **nodes_p, size_t count)
{
    assert (nodes_p);
    tf_deployer_node_t *nodes = *nodes_p;
    if (!nodes)
        return;
    for (size_t index = 0; index < count; index++) {
        free (nodes[index].name);
        free (nodes[index].role);
        free (nodes[index].api_url);
        free (nodes[index].testing_url);
        free (nodes[index].log_path);
        free (nodes[index].host);
        free (nodes[index].peer_id);
    }
    free (nodes);
    *nodes_p = NULL;
}
