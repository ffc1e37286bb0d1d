//  tf_exp_resources_judge.c - the judge of node_resources (see
//  tf_exp_resources_judge.h)

#include <czmq.h>
#include <msgpack.h>
#include "tf_exp_resources_judge.h"
#include "tf_mpack.h"
#include "tf_size.h"

#define S_MESSAGE_SIZE 1024

//  One node's latest figures
typedef struct {
    char *name;
    uint64_t samples;  //  Its samples
    uint64_t peak_rss; //  Bytes
    uint64_t exits;    //  Not asked for
    uint64_t cpu_ms;   //  CPU so far
} s_node_t;

struct _tf_exp_resources_judge_t {
    tf_exp_resources_knobs_t knobs;
    s_node_t *nodes;
    size_t count;
    uint64_t samples;
};

tf_exp_resources_judge_t *
tf_exp_resources_judge_new (const tf_exp_resources_knobs_t *knobs)
{
    assert (knobs);
    tf_exp_resources_judge_t *self =
        (tf_exp_resources_judge_t *) zmalloc (sizeof (tf_exp_resources_judge_t));
    self->knobs = *knobs;
    return self;
}

//  The node called name, added when new
static s_node_t *
s_node (tf_exp_resources_judge_t *self, const char *name)
{
    for (size_t index = 0; index < self->count; index++)
        if (streq (self->nodes[index].name, name))
            return &self->nodes[index];
    self->nodes = (s_node_t *) realloc (self->nodes, (self->count + 1) * sizeof (s_node_t));
    assert (self->nodes);
    s_node_t *node = &self->nodes[self->count++];
    memset (node, 0, sizeof *node);
    node->name = strdup (name);
    return node;
}

void
tf_exp_resources_judge_destroy (tf_exp_resources_judge_t **self_p)
{
    assert (self_p);
    tf_exp_resources_judge_t *self = *self_p;
    if (!self)
        return;
    for (size_t index = 0; index < self->count; index++)
        free (self->nodes[index].name);
    free (self->nodes);
    free (self);
    *self_p = NULL;
}

void
tf_exp_resources_judge_sample (tf_exp_resources_judge_t *self, const tf_node_resources_t *sample)
{
    assert (self && sample);
    if (!sample->node)
        return;
    s_node_t *node = s_node (self, sample->node);
    node->samples++;
    node->peak_rss = sample->peak_rss > node->peak_rss ? sample->peak_rss : node->peak_rss;
    node->exits = sample->exits > node->exits ? sample->exits : node->exits;
    node->cpu_ms = sample->cpu_ms;
    self->samples++;
}

uint64_t
tf_exp_resources_judge_samples (const tf_exp_resources_judge_t *self)
{
    assert (self);
    return self->samples;
}

//  Append to a message, "; " between parts
static void
s_append (char *message, const char *text)
{
    size_t used = strlen (message);
    snprintf (message + used, S_MESSAGE_SIZE - used, "%s%s", used ? "; " : "", text);
}

//  samples, max_rss, max_restarts, nodes [{name, samples, peak_rss, exits, cpu_ms}]
static void
s_pack_details (tf_exp_resources_judge_t *self, tf_exp_resources_verdict_t *verdict)
{
    msgpack_sbuffer buffer;
    msgpack_sbuffer_init (&buffer);
    msgpack_packer packer;
    msgpack_packer_init (&packer, &buffer, msgpack_sbuffer_write);
    msgpack_pack_map (&packer, 4);
    tf_mpack_str (&packer, "samples");
    msgpack_pack_uint64 (&packer, self->samples);
    tf_mpack_str (&packer, "max_rss");
    msgpack_pack_uint64 (&packer, self->knobs.max_rss);
    tf_mpack_str (&packer, "max_restarts");
    msgpack_pack_uint64 (&packer, self->knobs.max_restarts);
    tf_mpack_str (&packer, "nodes");
    msgpack_pack_array (&packer, self->count);
    for (size_t index = 0; index < self->count; index++) {
        const s_node_t *node = &self->nodes[index];
        msgpack_pack_map (&packer, 5);
        tf_mpack_str (&packer, "name");
        tf_mpack_str (&packer, node->name);
        tf_mpack_str (&packer, "samples");
        msgpack_pack_uint64 (&packer, node->samples);
        tf_mpack_str (&packer, "peak_rss");
        msgpack_pack_uint64 (&packer, node->peak_rss);
        tf_mpack_str (&packer, "exits");
        msgpack_pack_uint64 (&packer, node->exits);
        tf_mpack_str (&packer, "cpu_ms");
        msgpack_pack_uint64 (&packer, node->cpu_ms);
    }
    verdict->details = (uint8_t *) malloc (buffer.size ? buffer.size : 1);
    assert (verdict->details);
    memcpy (verdict->details, buffer.data, buffer.size);
    verdict->details_size = buffer.size;
    msgpack_sbuffer_destroy (&buffer);
}

void
tf_exp_resources_judge_verdict (tf_exp_resources_judge_t *self, const char *const expected[],
                                tf_exp_resources_verdict_t *verdict)
{
    assert (self && verdict);
    memset (verdict, 0, sizeof *verdict);
    for (size_t index = 0; expected && expected[index]; index++)
        s_node (self, expected[index]); //  Listed, so one never sampled is named
    char message[S_MESSAGE_SIZE] = "";
    char limit[TF_SIZE_TEXT], figure[TF_SIZE_TEXT], part[S_MESSAGE_SIZE / 2];
    tf_size_print (self->knobs.max_rss, limit);
    const s_node_t *highest = NULL, *most_exits = NULL;
    for (size_t index = 0; index < self->count; index++) {
        const s_node_t *node = &self->nodes[index];
        if (node->samples == 0) {
            snprintf (part, sizeof part,
                      "%s was never sampled (the runner sends no node.resources for it)",
                      node->name);
            s_append (message, part);
            continue;
        }
        if (!highest || node->peak_rss > highest->peak_rss)
            highest = node;
        if (!most_exits || node->exits > most_exits->exits)
            most_exits = node;
        tf_size_print (node->peak_rss, figure);
        if (self->knobs.max_rss && node->peak_rss > self->knobs.max_rss) {
            snprintf (part, sizeof part, "%s's peak RSS %s is above max_rss %s", node->name, figure,
                      limit);
            s_append (message, part);
        }
        if (node->exits > self->knobs.max_restarts) {
            snprintf (part, sizeof part,
                      "%s exited or restarted %" PRIu64 " time%s without node control asking "
                      "(max_restarts %" PRIu64 ")",
                      node->name, node->exits, node->exits == 1 ? "" : "s",
                      self->knobs.max_restarts);
            s_append (message, part);
        }
    }
    verdict->passed = message[0] == 0 && self->count > 0;
    char *text;
    if (verdict->passed) {
        tf_size_print (highest->peak_rss, figure);
        char *rss_limit = self->knobs.max_rss ? zsys_sprintf (" (max_rss %s)", limit)
                                              : strdup (" (max_rss not judged)");
        text = zsys_sprintf (TF_EXP_RESOURCES_KIND
                             ": %zu nodes within limits over %" PRIu64
                             " samples: highest peak RSS %s (%s)%s, at "
                             "most %" PRIu64 " exits not asked for (max_restarts %" PRIu64 ")",
                             self->count, self->samples, figure, highest->name, rss_limit,
                             most_exits->exits, self->knobs.max_restarts);
        free (rss_limit);
    }
    else
        text = zsys_sprintf (TF_EXP_RESOURCES_KIND ": %s", self->count ? message : "no nodes");
    verdict->message = text;
    s_pack_details (self, verdict);
}

int
tf_exp_resources_details_samples (const uint8_t *details, size_t size, uint64_t *samples)
{
    assert (samples);
    if (!details || size == 0)
        return -1;
    msgpack_unpacked unpacked;
    msgpack_unpacked_init (&unpacked);
    int rc = -1;
    if (msgpack_unpack_next (&unpacked, (const char *) details, size, NULL)
        == MSGPACK_UNPACK_SUCCESS) {
        const msgpack_object *count = tf_mpack_get (&unpacked.data, "samples");
        if (count && count->type == MSGPACK_OBJECT_POSITIVE_INTEGER) {
            *samples = count->via.u64;
            rc = 0;
        }
    }
    msgpack_unpacked_destroy (&unpacked);
    return rc;
}

void
tf_exp_resources_verdict_free (tf_exp_resources_verdict_t *verdict)
{
    assert (verdict);
    free (verdict->message);
    free (verdict->details);
    memset (verdict, 0, sizeof *verdict);
}
