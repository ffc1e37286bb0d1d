//  tf_exp_prometheus_judge.c - prometheus_block_production: parse and judge

#include <czmq.h>
#include <ctype.h>
#include <math.h>
#include <msgpack.h>
#include "tf_exp_prometheus_judge.h"
#include "tf_mpack.h"

#define S_DETAIL_KEYS 6  //  Keys of the details map
#define S_NODE_KEYS   5  //  Keys of one node's observations
#define S_TOKEN_MAX   64 //  Longest value or timestamp token

//  ---------------------------------------------------------------------------
//  The exposition format

static bool
s_name_char (char c, bool first)
{
    return isalpha ((unsigned char) c) || c == '_' || c == ':'
           || (!first && isdigit ((unsigned char) c));
}

//  Skip the label set at *cursor ('{' ... '}'); -1 when malformed
static int
s_skip_labels (const char **cursor, const char *end)
{
    const char *at = *cursor + 1;
    while (true) {
        while (at < end && (*at == ' ' || *at == '\t'))
            at++;
        if (at < end && *at == '}')
            break;
        if (at >= end || !s_name_char (*at, true))
            return -1;
        while (at < end && s_name_char (*at, false))
            at++;
        while (at < end && (*at == ' ' || *at == '\t'))
            at++;
        if (at + 1 >= end || at[0] != '=' || at[1] != '"')
            return -1;
        for (at += 2; at < end && *at != '"'; at++)
            if (*at == '\\' && ++at >= end)
                return -1;
        if (at >= end)
            return -1;
        at++; //  Closing quote
        while (at < end && (*at == ' ' || *at == '\t'))
            at++;
        if (at < end && *at == ',')
            at++;
        else if (at >= end || *at != '}')
            return -1;
    }
    *cursor = at + 1;
    return 0;
}

//  Next whitespace-separated token at *cursor into out; -1 when none or too long
static int
s_token (const char **cursor, const char *end, char out[S_TOKEN_MAX])
{
    const char *at = *cursor;
    while (at < end && (*at == ' ' || *at == '\t'))
        at++;
    const char *start = at;
    while (at < end && *at != ' ' && *at != '\t')
        at++;
    size_t length = (size_t) (at - start);
    if (length == 0 || length >= S_TOKEN_MAX)
        return -1;
    memcpy (out, start, length);
    out[length] = 0;
    *cursor = at;
    return 0;
}

//  One sample line [line, end): 0 with its value when it is a sample of metric,
//  1 when it is not (another metric, a comment, blank), -1 when malformed
static int
s_parse_line (const char *line, const char *end, const char *metric, double *value)
{
    while (line < end && (*line == ' ' || *line == '\t'))
        line++;
    while (end > line && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
        end--;
    if (line == end || *line == '#')
        return 1;
    const char *name = line;
    if (!s_name_char (*line, true))
        return -1;
    while (line < end && s_name_char (*line, false))
        line++;
    size_t name_length = (size_t) (line - name);
    if (line < end && *line == '{' && s_skip_labels (&line, end))
        return -1;
    if (line < end && *line != ' ' && *line != '\t')
        return -1;
    char token[S_TOKEN_MAX];
    if (s_token (&line, end, token))
        return -1;
    char *rest;
    double number = strtod (token, &rest);
    if (*rest)
        return -1;
    if (line < end) { //  Optional timestamp, then nothing
        char stamp[S_TOKEN_MAX];
        if (s_token (&line, end, stamp))
            return -1;
        strtoll (stamp, &rest, 10);
        if (*rest || line < end)
            return -1;
    }
    if (name_length != strlen (metric) || memcmp (name, metric, name_length) != 0)
        return 1;
    *value = number;
    return 0;
}

int
tf_exp_prometheus_parse (const char *text, size_t size, const char *metric, double *value)
{
    assert (metric && value);
    const char *end = text ? text + size : NULL;
    bool found = false;
    double sum = 0;
    for (const char *line = text; line && line < end;) {
        const char *newline = (const char *) memchr (line, '\n', (size_t) (end - line));
        const char *line_end = newline ? newline : end;
        double sample;
        if (s_parse_line (line, line_end, metric, &sample) == 0) {
            sum += sample;
            found = true;
        }
        line = line_end + 1;
    }
    if (found)
        *value = sum;
    return found ? 0 : 1;
}

void
tf_exp_prometheus_scrape_set (tf_exp_prometheus_scrape_t *scrape, const char *answer, long status)
{
    assert (scrape);
    free (scrape->error);
    memset (scrape, 0, sizeof *scrape);
    double value;
    if (!answer)
        scrape->error = strdup ("no answer");
    else if (status != 200)
        scrape->error = zsys_sprintf ("http %ld", status);
    else if (tf_exp_prometheus_parse (answer, strlen (answer), TF_EXP_PROMETHEUS_METRIC, &value))
        scrape->error = strdup ("no " TF_EXP_PROMETHEUS_METRIC);
    else if (!isfinite (value) || value < 0 || value >= 1e18)
        scrape->error = zsys_sprintf ("bad value %g", value);
    else {
        scrape->known = true;
        scrape->value = (uint64_t) value;
    }
}


//  ---------------------------------------------------------------------------
//  The judge

uint64_t
tf_exp_prometheus_produced (const tf_exp_prometheus_node_t *node)
{
    assert (node);
    if (!node->capture.known || !node->evaluate.known)
        return 0;
    if (node->evaluate.value < node->capture.value)
        return node->evaluate.value; //  Restarted: so did its counter
    return node->evaluate.value - node->capture.value;
}

//  "7 at capture", "no answer at capture"
static char *
s_describe (const tf_exp_prometheus_scrape_t *scrape, const char *when)
{
    if (scrape->known)
        return zsys_sprintf ("%" PRIu64 " at %s", scrape->value, when);
    return zsys_sprintf ("%s at %s", scrape->error ? scrape->error : "nothing", when);
}

//  "- validator-0: 0 produced (metric 5 at capture, 5 at evaluate)"
static char *
s_node_line (const tf_exp_prometheus_node_t *node)
{
    char *capture = s_describe (&node->capture, "capture");
    char *evaluate = s_describe (&node->evaluate, "evaluate");
    bool restarted =
        node->capture.known && node->evaluate.known && node->evaluate.value < node->capture.value;
    char *line =
        zsys_sprintf ("- %s: %" PRIu64 " produced (%s%s, %s%s)", node->name,
                      tf_exp_prometheus_produced (node), node->capture.known ? "metric " : "",
                      capture, evaluate, restarted ? ": counter restarted" : "");
    free (capture);
    free (evaluate);
    return line;
}

static void
s_pack_scrape (msgpack_packer *packer, const tf_exp_prometheus_scrape_t *scrape, const char *key,
               const char *error_key)
{
    tf_mpack_str (packer, key);
    if (scrape->known)
        msgpack_pack_uint64 (packer, scrape->value);
    else
        msgpack_pack_nil (packer);
    tf_mpack_str (packer, error_key);
    if (scrape->error)
        tf_mpack_str (packer, scrape->error);
    else
        msgpack_pack_nil (packer);
}

//  required, observed, metric, per_node and observations (read back by
//  tf_exp_prometheus_record.h)
static void
s_pack_details (const tf_exp_prometheus_obs_t *obs, tf_exp_prometheus_verdict_t *verdict)
{
    msgpack_sbuffer buffer;
    msgpack_sbuffer_init (&buffer);
    msgpack_packer packer;
    msgpack_packer_init (&packer, &buffer, msgpack_sbuffer_write);
    msgpack_pack_map (&packer, S_DETAIL_KEYS);
    tf_mpack_str (&packer, "required");
    msgpack_pack_uint64 (&packer, obs->min_blocks);
    tf_mpack_str (&packer, "observed");
    msgpack_pack_uint64 (&packer, verdict->observed);
    tf_mpack_str (&packer, "metric");
    tf_mpack_str (&packer, TF_EXP_PROMETHEUS_METRIC);
    tf_mpack_str (&packer, "source");
    if (obs->server)
        tf_mpack_str (&packer, obs->server);
    else
        tf_mpack_str (&packer, "/metrics");
    tf_mpack_str (&packer, "per_node");
    msgpack_pack_map (&packer, obs->node_count);
    for (size_t index = 0; index < obs->node_count; index++) {
        tf_mpack_str (&packer, obs->nodes[index].name);
        msgpack_pack_uint64 (&packer, tf_exp_prometheus_produced (&obs->nodes[index]));
    }
    tf_mpack_str (&packer, "observations");
    msgpack_pack_array (&packer, obs->node_count);
    for (size_t index = 0; index < obs->node_count; index++) {
        const tf_exp_prometheus_node_t *node = &obs->nodes[index];
        msgpack_pack_map (&packer, S_NODE_KEYS);
        tf_mpack_str (&packer, "name");
        tf_mpack_str (&packer, node->name);
        s_pack_scrape (&packer, &node->capture, "capture", "capture_error");
        s_pack_scrape (&packer, &node->evaluate, "evaluate", "evaluate_error");
    }
    verdict->details = (uint8_t *) malloc (buffer.size ? buffer.size : 1);
    assert (verdict->details);
    memcpy (verdict->details, buffer.data, buffer.size);
    verdict->details_size = buffer.size;
    msgpack_sbuffer_destroy (&buffer);
}

void
tf_exp_prometheus_judge (const tf_exp_prometheus_obs_t *obs, tf_exp_prometheus_verdict_t *verdict)
{
    assert (obs && verdict);
    memset (verdict, 0, sizeof *verdict);
    for (size_t index = 0; index < obs->node_count; index++)
        verdict->observed += tf_exp_prometheus_produced (&obs->nodes[index]);
    verdict->passed = verdict->observed >= obs->min_blocks;
    char *source = obs->server ? zsys_sprintf ("queried the Prometheus server at %s", obs->server)
                               : strdup ("read each node's /metrics: no Prometheus server");
    char *message = verdict->passed ? zsys_sprintf ("prometheus_block_production: %" PRIu64
                                                    " blocks produced (required %" PRIu64 "; %s)",
                                                    verdict->observed, obs->min_blocks, source)
                                    : zsys_sprintf ("prometheus_block_production: observed %" PRIu64
                                                    " blocks below required %" PRIu64 " (%s)",
                                                    verdict->observed, obs->min_blocks, source);
    free (source);
    //  A failure lists every node; a pass only the nodes without a figure
    for (size_t index = 0; index < obs->node_count; index++) {
        const tf_exp_prometheus_node_t *node = &obs->nodes[index];
        if (verdict->passed && node->capture.known && node->evaluate.known)
            continue;
        char *line = s_node_line (node);
        char *longer = zsys_sprintf ("%s\n%s", message, line);
        free (line);
        free (message);
        message = longer;
    }
    verdict->message = message;
    s_pack_details (obs, verdict);
}

void
tf_exp_prometheus_verdict_free (tf_exp_prometheus_verdict_t *verdict)
{
    if (!verdict)
        return;
    free (verdict->message);
    free (verdict->details);
    memset (verdict, 0, sizeof *verdict);
}

void
tf_exp_prometheus_obs_free (tf_exp_prometheus_obs_t *obs)
{
    if (!obs)
        return;
    for (size_t index = 0; index < obs->node_count; index++) {
        free (obs->nodes[index].name);
        free (obs->nodes[index].capture.error);
        free (obs->nodes[index].evaluate.error);
    }
    free (obs->nodes);
    free (obs->server);
    memset (obs, 0, sizeof *obs);
}
