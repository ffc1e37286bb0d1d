//  tf_exp_liveness_judge.c - the verdict of consensus_liveness, from observations

#include <czmq.h>
#include <math.h>
#include <msgpack.h>
#include "tf_exp_liveness_judge.h"
#include "tf_exp_liveness_record.h"
#include "tf_mpack.h"

uint64_t
tf_exp_liveness_target (uint64_t expected_blocks, double tolerance, uint64_t minimum)
{
    if (minimum > 0)
        return minimum;
    double target = ceil ((double) expected_blocks * tolerance - TF_EXP_LIVENESS_EPSILON);
    return target < 1 ? 1 : (uint64_t) target;
}

void
tf_exp_liveness_pick_floor (tf_exp_liveness_obs_t *obs)
{
    assert (obs);
    zstr_free (&obs->floor_node);
    obs->floor_known = false;
    for (size_t index = 0; index < obs->node_count; index++) {
        const tf_exp_liveness_node_t *node = &obs->nodes[index];
        if (!node->lib_height_known || !node->lib[0])
            continue;
        if (!obs->floor_known || node->lib_height < obs->floor_height) {
            obs->floor_known = true;
            obs->floor_height = node->lib_height;
            snprintf (obs->floor_lib, sizeof obs->floor_lib, "%s", node->lib);
            zstr_free (&obs->floor_node);
            obs->floor_node = strdup (node->name);
        }
    }
}

//  The id a chain holds at height floor, walking the feed from tip; 0 or -1
static int
s_feed_floor_id (const char *tip, uint64_t floor, tf_exp_block_fn *lookup, void *arg,
                 char out[TF_API_ID_SIZE])
{
    char cursor[TF_API_ID_SIZE], parent[TF_API_ID_SIZE];
    uint64_t height = 0;
    snprintf (cursor, sizeof cursor, "%s", tip);
    if (lookup (arg, cursor, parent, &height) || height < floor)
        return -1;
    while (height > floor) {
        snprintf (cursor, sizeof cursor, "%s", parent);
        height--;
        //  The floor itself needs no lookup: genesis is never in the feed
        if (height > floor) {
            uint64_t parent_height = 0;
            if (lookup (arg, cursor, parent, &parent_height) || parent_height != height)
                return -1;
        }
    }
    snprintf (out, TF_API_ID_SIZE, "%s", cursor);
    return 0;
}

void
tf_exp_liveness_fill_from_feed (tf_exp_liveness_obs_t *obs, tf_exp_block_fn *lookup, void *arg)
{
    assert (obs && lookup);
    if (!obs->agreement)
        return;
    if (!obs->floor_known) {
        for (size_t index = 0; index < obs->node_count; index++) {
            tf_exp_liveness_node_t *node = &obs->nodes[index];
            char parent[TF_API_ID_SIZE];
            if (node->source == TF_EXP_SOURCE_API && node->lib[0] && !node->lib_height_known
                && lookup (arg, node->lib, parent, &node->lib_height) == 0)
                node->lib_height_known = true;
        }
        tf_exp_liveness_pick_floor (obs);
        if (!obs->floor_known)
            return;
    }
    for (size_t index = 0; index < obs->node_count; index++) {
        tf_exp_liveness_node_t *node = &obs->nodes[index];
        if (node->source != TF_EXP_SOURCE_API || node->floor_id[0] || !node->tip[0])
            continue;
        if (s_feed_floor_id (node->tip, obs->floor_height, lookup, arg, node->floor_id) == 0)
            zstr_free (&node->walk_error);
    }
}

void
tf_exp_liveness_obs_free (tf_exp_liveness_obs_t *obs)
{
    assert (obs);
    for (size_t index = 0; index < obs->node_count; index++) {
        free (obs->nodes[index].name);
        free (obs->nodes[index].walk_error);
    }
    free (obs->nodes);
    free (obs->floor_node);
    memset (obs, 0, sizeof *obs);
}

void
tf_exp_liveness_verdict_free (tf_exp_liveness_verdict_t *verdict)
{
    assert (verdict);
    free (verdict->message);
    free (verdict->details);
    memset (verdict, 0, sizeof *verdict);
}


//  ---------------------------------------------------------------------------
//  Details map, for report.json

//  How a height was observed, for the report
static const char *
s_source_name (tf_exp_source_t source)
{
    return source == TF_EXP_SOURCE_API    ? "api"
           : source == TF_EXP_SOURCE_FEED ? "feed"
                                          : "unreachable";
}

#define S_DETAIL_KEYS 9 //  Keys of the details map below

//  The details map of the report: target, heights, LIBs, sources, agreement,
//  and the observations themselves, so a replay judges the same inputs
static void
s_pack_details (const tf_exp_liveness_obs_t *obs, bool agreement_ok,
                tf_exp_liveness_verdict_t *verdict)
{
    msgpack_sbuffer buffer;
    msgpack_sbuffer_init (&buffer);
    msgpack_packer packer;
    msgpack_packer_init (&packer, &buffer, msgpack_sbuffer_write);
    msgpack_pack_map (&packer, S_DETAIL_KEYS);
    tf_mpack_str (&packer, "target");
    msgpack_pack_uint64 (&packer, obs->target);
    tf_mpack_str (&packer, "expected_blocks");
    msgpack_pack_uint64 (&packer, obs->expected_blocks);
    tf_mpack_str (&packer, "tolerance");
    msgpack_pack_double (&packer, obs->tolerance);
    tf_mpack_str (&packer, "heights");
    msgpack_pack_map (&packer, obs->node_count);
    for (size_t index = 0; index < obs->node_count; index++) {
        tf_mpack_str (&packer, obs->nodes[index].name);
        msgpack_pack_uint64 (&packer, obs->nodes[index].height);
    }
    tf_mpack_str (&packer, "libs");
    msgpack_pack_map (&packer, obs->node_count);
    for (size_t index = 0; index < obs->node_count; index++) {
        tf_mpack_str (&packer, obs->nodes[index].name);
        tf_mpack_str (&packer, obs->nodes[index].lib);
    }
    tf_mpack_str (&packer, "sources");
    msgpack_pack_map (&packer, obs->node_count);
    for (size_t index = 0; index < obs->node_count; index++) {
        tf_mpack_str (&packer, obs->nodes[index].name);
        tf_mpack_str (&packer, s_source_name (obs->nodes[index].source));
    }
    tf_mpack_str (&packer, "agreement");
    if (!obs->agreement)
        tf_mpack_str (&packer, "not checked");
    else
        tf_mpack_str (&packer, !obs->floor_known ? "no lib known"
                               : agreement_ok    ? "ok"
                                                 : "violated");
    tf_mpack_str (&packer, "floor");
    if (obs->floor_known) {
        msgpack_pack_map (&packer, 3);
        tf_mpack_str (&packer, "node");
        tf_mpack_str (&packer, obs->floor_node);
        tf_mpack_str (&packer, "lib");
        tf_mpack_str (&packer, obs->floor_lib);
        tf_mpack_str (&packer, "height");
        msgpack_pack_uint64 (&packer, obs->floor_height);
    }
    else
        msgpack_pack_nil (&packer);
    tf_mpack_str (&packer, "observations");
    tf_exp_liveness_pack_observations (obs, &packer);
    verdict->details = (uint8_t *) malloc (buffer.size ? buffer.size : 1);
    assert (verdict->details);
    memcpy (verdict->details, buffer.data, buffer.size);
    verdict->details_size = buffer.size;
    msgpack_sbuffer_destroy (&buffer);
}


//  ---------------------------------------------------------------------------
//  Verdict

void
tf_exp_liveness_judge (const tf_exp_liveness_obs_t *obs, tf_exp_liveness_verdict_t *verdict)
{
    assert (obs && verdict);
    memset (verdict, 0, sizeof *verdict);
    zchunk_t *liveness = zchunk_new (NULL, 0);
    zchunk_t *agreement = zchunk_new (NULL, 0);
    zchunk_t *notes = zchunk_new (NULL, 0);
    size_t validators = 0;

    for (size_t index = 0; index < obs->node_count; index++) {
        const tf_exp_liveness_node_t *node = &obs->nodes[index];
        if (!node->validator)
            continue;
        validators++;
        if (node->height >= obs->target)
            continue;
        char *line = zsys_sprintf ("\n- %s height %" PRIu64 " below target %" PRIu64 "%s",
                                   node->name, node->height, obs->target,
                                   node->source == TF_EXP_SOURCE_NONE ? " (unreachable)" : "");
        zchunk_extend (liveness, line, strlen (line));
        zstr_free (&line);
    }
    bool liveness_ok = validators > 0 && zchunk_size (liveness) == 0;

    bool agreement_ok = true;
    if (obs->agreement && obs->floor_known)
        for (size_t index = 0; index < obs->node_count; index++) {
            const tf_exp_liveness_node_t *node = &obs->nodes[index];
            char *line = NULL;
            if (node->source != TF_EXP_SOURCE_API)
                continue; //  Unreachable: its liveness says enough
            if (!node->floor_id[0])
                line = zsys_sprintf ("\n(agreement not verified for %s: %s)", node->name,
                                     node->walk_error ? node->walk_error : "chain not walked");
            else if (strcmp (node->floor_id, obs->floor_lib) != 0) {
                agreement_ok = false;
                line =
                    zsys_sprintf ("%sconsensus agreement violated: %s does not hold %s's LIB "
                                  "%s at height %" PRIu64 " (it holds %s)",
                                  zchunk_size (agreement) ? "\n" : "", node->name, obs->floor_node,
                                  obs->floor_lib, obs->floor_height, node->floor_id);
            }
            if (line) {
                zchunk_t *into = node->floor_id[0] ? agreement : notes;
                zchunk_extend (into, line, strlen (line));
                zstr_free (&line);
            }
        }

    verdict->passed = liveness_ok && agreement_ok;
    zchunk_t *message = zchunk_new (NULL, 0);
    char *head = NULL;
    if (validators == 0)
        head = zsys_sprintf ("consensus liveness violated (target=%" PRIu64 "):\n- no validator "
                             "was observed",
                             obs->target);
    else if (!liveness_ok)
        head = zsys_sprintf ("consensus liveness violated (target=%" PRIu64 "):", obs->target);
    else {
        zchunk_t *heights = zchunk_new (NULL, 0);
        for (size_t index = 0; index < obs->node_count; index++) {
            if (!obs->nodes[index].validator)
                continue;
            char *item = zsys_sprintf ("%s%" PRIu64, zchunk_size (heights) ? ", " : "",
                                       obs->nodes[index].height);
            zchunk_extend (heights, item, strlen (item));
            zstr_free (&item);
        }
        zchunk_extend (heights, "", 1);
        head = zsys_sprintf ("consensus_liveness: target=%" PRIu64 ", observed heights=[%s]%s",
                             obs->target, (char *) zchunk_data (heights),
                             agreement_ok ? " \u2713" : "");
        zchunk_destroy (&heights);
    }
    zchunk_extend (message, head, strlen (head));
    zstr_free (&head);
    if (validators > 0 && !liveness_ok)
        zchunk_extend (message, zchunk_data (liveness), zchunk_size (liveness));
    if (!agreement_ok) {
        zchunk_extend (message, "\n", 1);
        zchunk_extend (message, zchunk_data (agreement), zchunk_size (agreement));
    }
    zchunk_extend (message, zchunk_data (notes), zchunk_size (notes));
    zchunk_extend (message, "", 1);
    verdict->message = strdup ((char *) zchunk_data (message));
    s_pack_details (obs, agreement_ok, verdict);
    zchunk_destroy (&message);
    zchunk_destroy (&notes);
    zchunk_destroy (&agreement);
    zchunk_destroy (&liveness);
}

tf_exp_liveness_watch_t
tf_exp_liveness_watch_defaults (int64_t block_interval_ms, uint32_t security_param)
{
    int64_t intervals = TF_EXP_WATCH_INTERVALS * block_interval_ms;
    uint64_t lag = 2 * (uint64_t) security_param;
    return (tf_exp_liveness_watch_t){
        .max_stall_ms = intervals > TF_EXP_STALL_FLOOR_MS ? intervals : TF_EXP_STALL_FLOOR_MS,
        .max_lag = lag > TF_EXP_LAG_MIN_BLOCKS ? lag : TF_EXP_LAG_MIN_BLOCKS,
        .lag_window_ms =
            intervals > TF_EXP_LAG_WINDOW_FLOOR_MS ? intervals : TF_EXP_LAG_WINDOW_FLOOR_MS,
    };
}
