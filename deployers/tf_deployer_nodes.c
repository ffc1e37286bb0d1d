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

tf_deployer_node_t
tf_deployer_node_at (const char *name, const char *role, uint32_t index, const char *address,
                     uint16_t http_port, uint16_t testing_port, const char *log_path)
{
    assert (name && role && address && log_path);
    return (tf_deployer_node_t){.name = strdup (name),
                                .role = strdup (role),
                                .index = index,
                                .api_url = zsys_sprintf ("http://%s:%u", address, http_port),
                                .testing_url = zsys_sprintf ("http://%s:%u", address, testing_port),
                                .log_path = strdup (log_path)};
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
