//  tf_exp_liveness_probe.c - reads every node's chain at evaluate, in a thread

#include "tf_exp_liveness_probe.h"

//  Step from cursor (at *height_p) to its parent. Returns 0, or -1 with *error_p.
static int
s_step (tf_api_client_t *client, char cursor[TF_API_ID_SIZE], uint64_t *height_p, char **error_p)
{
    tf_api_block_t *block = NULL;
    int rc = tf_api_client_block (client, cursor, &block);
    if (rc != 0 || *height_p == 0 || tf_api_id_is_zero (block->parent)) {
        *error_p = rc == 1   ? zsys_sprintf ("block %.16s is not in its storage", cursor)
                   : rc != 0 ? zsys_sprintf ("cannot read block %.16s", cursor)
                             : zsys_sprintf ("its chain ends below the height it reports");
        tf_api_block_destroy (&block);
        return -1;
    }
    snprintf (cursor, TF_API_ID_SIZE, "%s", block->parent);
    (*height_p)--;
    tf_api_block_destroy (&block);
    return 0;
}

//  Walk a node's chain from its tip down to its LIB; sets lib_height.
//  Leaves *cursor at the LIB.
static void
s_walk_to_lib (tf_api_client_t *client, tf_exp_liveness_node_t *node, char cursor[TF_API_ID_SIZE])
{
    snprintf (cursor, TF_API_ID_SIZE, "%s", node->tip);
    uint64_t height = node->height;
    for (size_t steps = 0; strcmp (cursor, node->lib) != 0; steps++) {
        if (steps >= TF_EXP_PROBE_WALK_MAX) {
            node->walk_error =
                zsys_sprintf ("LIB more than %d blocks below the tip", TF_EXP_PROBE_WALK_MAX);
            return;
        }
        if (s_step (client, cursor, &height, &node->walk_error))
            return;
    }
    node->lib_height_known = true;
    node->lib_height = height;
}

//  Walk on from the LIB (at *cursor) down to the floor height
static void
s_walk_to_floor (tf_api_client_t *client, tf_exp_liveness_node_t *node, char cursor[TF_API_ID_SIZE],
                 uint64_t floor_height)
{
    uint64_t height = node->lib_height;
    if (height < floor_height) {
        node->walk_error = zsys_sprintf ("its LIB is below the floor");
        return;
    }
    for (size_t steps = 0; height > floor_height; steps++) {
        if (steps >= TF_EXP_PROBE_WALK_MAX) {
            node->walk_error =
                zsys_sprintf ("floor more than %d blocks below its LIB", TF_EXP_PROBE_WALK_MAX);
            return;
        }
        if (s_step (client, cursor, &height, &node->walk_error))
            return;
    }
    snprintf (node->floor_id, sizeof node->floor_id, "%s", cursor);
}

//  The thread: observe every node, send the observations, wait for $TERM
static void
s_probe (zsock_t *pipe, void *arg)
{
    const tf_exp_probe_args_t *args = (const tf_exp_probe_args_t *) arg;
    tf_api_client_pipe_t self = {.pipe = pipe};
    tf_exp_liveness_obs_t *obs = (tf_exp_liveness_obs_t *) zmalloc (sizeof (tf_exp_liveness_obs_t));
    obs->agreement = args->agreement;
    obs->node_count = args->node_count;
    obs->nodes = (tf_exp_liveness_node_t *) zmalloc ((args->node_count + 1)
                                                     * sizeof (tf_exp_liveness_node_t));
    char **urls = (char **) zmalloc ((args->node_count + 1) * sizeof (char *));
    for (size_t index = 0; index < args->node_count; index++) {
        obs->nodes[index].name = strdup (args->nodes[index].name);
        obs->nodes[index].validator = args->nodes[index].validator;
        urls[index] = strdup (args->nodes[index].api_url);
    }
    zsock_signal (pipe, 0); //  args may go now

    tf_api_client_t **clients =
        (tf_api_client_t **) zmalloc ((obs->node_count + 1) * sizeof (tf_api_client_t *));
    for (size_t index = 0; index < obs->node_count && !self.terminated; index++) {
        tf_exp_liveness_node_t *node = &obs->nodes[index];
        clients[index] = tf_api_client_new (urls[index]);
        if (!clients[index])
            continue;
        tf_api_client_watch_pipe (clients[index], &self);
        for (int attempt = 0; attempt < TF_EXP_PROBE_TRIES && !tf_api_client_pipe_cancelled (&self);
             attempt++) {
            tf_api_info_t info;
            if (tf_api_client_info (clients[index], &info) == 0) {
                node->source = TF_EXP_SOURCE_API;
                node->height = info.height;
                snprintf (node->tip, sizeof node->tip, "%s", info.tip);
                snprintf (node->lib, sizeof node->lib, "%s", info.lib);
                break;
            }
            if (attempt + 1 < TF_EXP_PROBE_TRIES)
                tf_api_client_pump (clients[index], TF_EXP_PROBE_RETRY_MS);
        }
    }
    if (obs->agreement) {
        char (*cursors)[TF_API_ID_SIZE] =
            (char (*)[TF_API_ID_SIZE]) zmalloc ((obs->node_count + 1) * TF_API_ID_SIZE);
        for (size_t index = 0; index < obs->node_count && !self.terminated; index++)
            if (obs->nodes[index].source == TF_EXP_SOURCE_API)
                s_walk_to_lib (clients[index], &obs->nodes[index], cursors[index]);
        tf_exp_liveness_pick_floor (obs);
        for (size_t index = 0; index < obs->node_count && obs->floor_known && !self.terminated;
             index++)
            if (obs->nodes[index].lib_height_known)
                s_walk_to_floor (clients[index], &obs->nodes[index], cursors[index],
                                 obs->floor_height);
        free (cursors);
    }
    for (size_t index = 0; index < obs->node_count; index++) {
        tf_api_client_destroy (&clients[index]);
        free (urls[index]);
    }
    free (clients);
    free (urls);
    if (self.terminated) {
        tf_exp_liveness_obs_free (obs);
        free (obs);
        return;
    }
    zsock_send (pipe, "p", obs); //  The receiver owns obs now
    tf_api_client_pipe_wait_term (&self);
}

zactor_t *
tf_exp_liveness_probe_new (const tf_exp_probe_args_t *args)
{
    assert (args);
    return zactor_new (s_probe, (void *) args);
}

tf_exp_liveness_obs_t *
tf_exp_liveness_probe_recv (zactor_t *probe)
{
    assert (probe);
    void *obs = NULL;
    if (zsock_recv (probe, "p", &obs) != 0)
        return NULL;
    return (tf_exp_liveness_obs_t *) obs;
}
