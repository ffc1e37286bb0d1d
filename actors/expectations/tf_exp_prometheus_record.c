//  tf_exp_prometheus_record.c - what prometheus_block_production scraped, as
//  part of the record

#include <czmq.h>
#include <msgpack.h>
#include "tf_exp_prometheus_record.h"
#include "tf_exp_prometheus_scrape.h"
#include "tf_msg.h"
#include "tf_recording.h"
#include "tf_mpack.h"

//  One scrape: a figure (or nil) and an error (or nil); 0 or -1
static int
s_read_scrape (const msgpack_object *map, const char *key, const char *error_key,
               tf_exp_prometheus_scrape_t *scrape)
{
    const msgpack_object *value = tf_mpack_get (map, key);
    const msgpack_object *error = tf_mpack_get (map, error_key);
    if (!value || !error)
        return -1;
    if (value->type == MSGPACK_OBJECT_POSITIVE_INTEGER) {
        scrape->known = true;
        scrape->value = value->via.u64;
    }
    else if (value->type != MSGPACK_OBJECT_NIL)
        return -1;
    if (error->type == MSGPACK_OBJECT_STR)
        scrape->error = tf_mpack_strdup (error);
    else if (error->type != MSGPACK_OBJECT_NIL)
        return -1;
    return 0;
}

int
tf_exp_prometheus_obs_from_details (const uint8_t *details, size_t size,
                                    tf_exp_prometheus_obs_t *obs)
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
    const msgpack_object *source = tf_mpack_get (&unpacked.data, "source");
    if (source && source->type == MSGPACK_OBJECT_STR
        && !(source->via.str.size == strlen (TF_EXP_PROMETHEUS_PATH)
             && memcmp (source->via.str.ptr, TF_EXP_PROMETHEUS_PATH, source->via.str.size) == 0))
        obs->server = tf_mpack_strdup (source);
    const msgpack_object *nodes = tf_mpack_get (&unpacked.data, "observations");
    if (!nodes || nodes->type != MSGPACK_OBJECT_ARRAY)
        goto out;
    obs->nodes = (tf_exp_prometheus_node_t *) zmalloc ((nodes->via.array.size + 1)
                                                       * sizeof (tf_exp_prometheus_node_t));
    for (uint32_t index = 0; index < nodes->via.array.size; index++) {
        const msgpack_object *map = &nodes->via.array.ptr[index];
        tf_exp_prometheus_node_t *node = &obs->nodes[index];
        obs->node_count++;
        node->name = tf_mpack_strdup (tf_mpack_get (map, "name"));
        if (!node->name || s_read_scrape (map, "capture", "capture_error", &node->capture)
            || s_read_scrape (map, "evaluate", "evaluate_error", &node->evaluate))
            goto out;
    }
    rc = 0;
out:
    msgpack_unpacked_destroy (&unpacked);
    if (rc)
        tf_exp_prometheus_obs_free (obs);
    return rc;
}

int
tf_exp_prometheus_recorded (const char *path, const char *name, tf_exp_prometheus_obs_t *obs)
{
    assert (path && name && obs);
    memset (obs, 0, sizeof *obs);
    uint8_t *details;
    size_t size;
    int rc = tf_recording_result_details (path, name, &details, &size);
    if (rc)
        return rc;
    rc = tf_exp_prometheus_obs_from_details (details, size, obs) ? 1 : 0;
    free (details);
    return rc;
}
