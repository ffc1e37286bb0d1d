//  tf_exp_liveness_record.c - what consensus_liveness observed, as part of the record

#include <czmq.h>
#include "tf_exp_liveness_record.h"
#include "tf_msg.h"
#include "tf_recording.h"
#include "tf_mpack.h"

#define S_NODE_KEYS 9 //  Keys of one node's map below

static const char *
s_source_name (tf_exp_source_t source)
{
    return source == TF_EXP_SOURCE_API    ? "api"
           : source == TF_EXP_SOURCE_FEED ? "feed"
                                          : "unreachable";
}

void
tf_exp_liveness_pack_observations (const tf_exp_liveness_obs_t *obs, msgpack_packer *packer)
{
    assert (obs && packer);
    msgpack_pack_array (packer, obs->node_count);
    for (size_t index = 0; index < obs->node_count; index++) {
        const tf_exp_liveness_node_t *node = &obs->nodes[index];
        msgpack_pack_map (packer, S_NODE_KEYS);
        tf_mpack_str (packer, "name");
        tf_mpack_str (packer, node->name);
        tf_mpack_str (packer, "validator");
        if (node->validator)
            msgpack_pack_true (packer);
        else
            msgpack_pack_false (packer);
        tf_mpack_str (packer, "source");
        tf_mpack_str (packer, s_source_name (node->source));
        tf_mpack_str (packer, "height");
        msgpack_pack_uint64 (packer, node->height);
        tf_mpack_str (packer, "tip");
        tf_mpack_str (packer, node->tip);
        tf_mpack_str (packer, "lib");
        tf_mpack_str (packer, node->lib);
        tf_mpack_str (packer, "lib_height");
        if (node->lib_height_known)
            msgpack_pack_uint64 (packer, node->lib_height);
        else
            msgpack_pack_nil (packer);
        tf_mpack_str (packer, "floor_id");
        tf_mpack_str (packer, node->floor_id);
        tf_mpack_str (packer, "walk_error");
        if (node->walk_error)
            tf_mpack_str (packer, node->walk_error);
        else
            msgpack_pack_nil (packer);
    }
}


//  ---------------------------------------------------------------------------
//  Reading back

//  Copy a string value into out (size bytes); -1 unless it is a string that fits
static int
s_copy_str (const msgpack_object *value, char *out, size_t size)
{
    if (!value || value->type != MSGPACK_OBJECT_STR || value->via.str.size >= size)
        return -1;
    memcpy (out, tf_mpack_str_bytes (value), value->via.str.size);
    out[value->via.str.size] = 0;
    return 0;
}

static int
s_get_u64 (const msgpack_object *value, uint64_t *out)
{
    if (!value || value->type != MSGPACK_OBJECT_POSITIVE_INTEGER)
        return -1;
    *out = value->via.u64;
    return 0;
}

//  One node's map into node; 0 or -1
static int
s_read_node (const msgpack_object *map, tf_exp_liveness_node_t *node)
{
    char source[16];
    const msgpack_object *validator = tf_mpack_get (map, "validator");
    node->name = tf_mpack_strdup (tf_mpack_get (map, "name"));
    if (!node->name || !validator || validator->type != MSGPACK_OBJECT_BOOLEAN
        || s_copy_str (tf_mpack_get (map, "source"), source, sizeof source)
        || s_get_u64 (tf_mpack_get (map, "height"), &node->height)
        || s_copy_str (tf_mpack_get (map, "tip"), node->tip, sizeof node->tip)
        || s_copy_str (tf_mpack_get (map, "lib"), node->lib, sizeof node->lib)
        || s_copy_str (tf_mpack_get (map, "floor_id"), node->floor_id, sizeof node->floor_id))
        return -1;
    node->validator = validator->via.boolean;
    node->source = streq (source, "api")    ? TF_EXP_SOURCE_API
                   : streq (source, "feed") ? TF_EXP_SOURCE_FEED
                                            : TF_EXP_SOURCE_NONE;
    node->lib_height_known = s_get_u64 (tf_mpack_get (map, "lib_height"), &node->lib_height) == 0;
    node->walk_error = tf_mpack_strdup (tf_mpack_get (map, "walk_error"));
    return 0;
}

int
tf_exp_liveness_obs_from_details (const uint8_t *details, size_t size, tf_exp_liveness_obs_t *obs)
{
    assert (obs);
    memset (obs, 0, sizeof *obs);
    if (!details || size == 0)
        return -1;
    msgpack_unpacked unpacked;
    msgpack_unpacked_init (&unpacked);
    int rc = -1;
    if (msgpack_unpack_next (&unpacked, (const char *) details, size, NULL)
        != MSGPACK_UNPACK_SUCCESS)
        goto out;
    const msgpack_object *nodes = tf_mpack_get (&unpacked.data, "observations");
    if (!nodes || nodes->type != MSGPACK_OBJECT_ARRAY)
        goto out;
    obs->nodes = (tf_exp_liveness_node_t *) zmalloc ((nodes->via.array.size + 1)
                                                     * sizeof (tf_exp_liveness_node_t));
    for (uint32_t index = 0; index < nodes->via.array.size; index++) {
        obs->node_count++;
        if (s_read_node (&nodes->via.array.ptr[index], &obs->nodes[index]))
            goto out;
    }
    const msgpack_object *floor = tf_mpack_get (&unpacked.data, "floor");
    if (floor && floor->type == MSGPACK_OBJECT_MAP) {
        obs->floor_node = tf_mpack_strdup (tf_mpack_get (floor, "node"));
        if (!obs->floor_node
            || s_copy_str (tf_mpack_get (floor, "lib"), obs->floor_lib, sizeof obs->floor_lib)
            || s_get_u64 (tf_mpack_get (floor, "height"), &obs->floor_height))
            goto out;
        obs->floor_known = true;
    }
    rc = 0;
out:
    msgpack_unpacked_destroy (&unpacked);
    if (rc)
        tf_exp_liveness_obs_free (obs);
    return rc;
}

int
tf_exp_liveness_recorded (const char *path, const char *name, tf_exp_liveness_obs_t *obs)
{
    assert (path && name && obs);
    memset (obs, 0, sizeof *obs);
    uint8_t *details;
    size_t size;
    int rc = tf_recording_result_details (path, name, &details, &size);
    if (rc)
        return rc;
    rc = tf_exp_liveness_obs_from_details (details, size, obs) ? 1 : 0;
    free (details);
    return rc;
}
