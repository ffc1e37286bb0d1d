//  tf_plan_print.c - the normalised plan as YAML (what `tf validate` shows)
//
//  Every knob is printed, defaults included, durations in their largest exact
//  unit and numbers in the shortest spelling that reads back to the same
//  double, so that tf_plan_load_string gives back an equal plan. Strings are
//  quoted whenever a plain scalar could be read as something else.

#include "tf_plan_private.h"
#include <czmq.h>
#include <math.h>

#define TF_PRINT_NUMBER_SIZE  40 //  Room for a double or a duration
#define TF_PRINT_SHORT_DIGITS 15 //  Try this precision first (reads better)
#define TF_PRINT_EXACT_DIGITS 17 //  Always round-trips a double

//  True when text can be printed unquoted and still read back as this string
static bool
s_plain_safe (const char *text)
{
    if (!isalpha ((unsigned char) *text))
        return false;
    for (const char *cursor = text; *cursor; cursor++)
        if (!isalnum ((unsigned char) *cursor) && !strchr ("._-/", *cursor))
            return false;
    tf_knob_t probe = {0};
    return !streq (text, "null") && tf_plan_knob_parse (&probe, TF_KNOB_BOOL, text) != 0
           && tf_plan_knob_parse (&probe, TF_KNOB_FLOAT, text) != 0;
}

//  The code point of the two- or three-byte UTF-8 sequence at text, and its
//  length; 0 for anything else (ASCII, four-byte forms, broken sequences)
static size_t
s_utf8_decode (const unsigned char *text, uint32_t *code_point)
{
    if ((text[0] & 0xe0) == 0xc0 && (text[1] & 0xc0) == 0x80) {
        *code_point = (uint32_t) (text[0] & 0x1f) << 6 | (text[1] & 0x3f);
        return 2;
    }
    if ((text[0] & 0xf0) == 0xe0 && (text[1] & 0xc0) == 0x80 && (text[2] & 0xc0) == 0x80) {
        *code_point =
            (uint32_t) (text[0] & 0x0f) << 12 | (uint32_t) (text[1] & 0x3f) << 6 | (text[2] & 0x3f);
        return 3;
    }
    return 0;
}

//  True for a code point a YAML reader refuses raw (C1 controls, U+FFFE,
//  U+FFFF), reads as a line break (NEL, LS, PS: folded to a space inside
//  quotes) or skips (a byte order mark)
static bool
s_needs_escape (uint32_t code_point)
{
    return (code_point >= 0x80 && code_point <= 0x9f) || code_point == 0x2028
           || code_point == 0x2029 || code_point == 0xfeff || code_point >= 0xfffe;
}

//  A string as a YAML scalar: plain when safe, else double-quoted with escapes
static void
s_print_str (FILE *out, const char *text)
{
    if (s_plain_safe (text)) {
        fputs (text, out);
        return;
    }
    fputc ('"', out);
    for (const unsigned char *cursor = (const unsigned char *) text; *cursor; cursor++) {
        uint32_t code_point = 0;
        size_t length = *cursor >= 0x80 ? s_utf8_decode (cursor, &code_point) : 0;
        if (*cursor == '"' || *cursor == '\\')
            fprintf (out, "\\%c", *cursor);
        else if (*cursor == '\n')
            fputs ("\\n", out);
        else if (*cursor == '\t')
            fputs ("\\t", out);
        else if (*cursor < 0x20 || *cursor == 0x7f)
            fprintf (out, "\\x%02x", *cursor);
        else if (length && s_needs_escape (code_point)) {
            fprintf (out, "\\u%04x", (unsigned) code_point);
            cursor += length - 1;
        }
        else
            fputc (*cursor, out);
    }
    fputc ('"', out);
}

//  A double in the shortest form that reads back equal, always with a '.' or
//  an exponent so it is not taken for an integer
static void
s_print_float (FILE *out, double value)
{
    char text[TF_PRINT_NUMBER_SIZE];
    snprintf (text, sizeof text, "%.*g", TF_PRINT_SHORT_DIGITS, value);
    if (strtod (text, NULL) != value)
        snprintf (text, sizeof text, "%.*g", TF_PRINT_EXACT_DIGITS, value);
    if (!strpbrk (text, ".eEn"))
        strcat (text, ".0");
    fputs (text, out);
}

//  A duration in its largest exact unit
static void
s_print_duration (FILE *out, int64_t ms)
{
    char text[TF_PRINT_NUMBER_SIZE];
    tf_plan_duration_format (ms, text, sizeof text);
    fputs (text, out);
}

//  Knobs as a flow mapping, in the plan's order
static void
s_print_knobs (FILE *out, const tf_plan_item_t *item)
{
    fputc ('{', out);
    for (size_t index = 0; index < item->knob_count; index++) {
        const tf_knob_t *knob = &item->knobs[index];
        fprintf (out, "%s", index ? ", " : "");
        s_print_str (out, knob->key);
        fputs (": ", out);
        switch (knob->type) {
            case TF_KNOB_INT:
                fprintf (out, "%" PRId64, knob->value.i);
                break;
            case TF_KNOB_FLOAT:
                s_print_float (out, knob->value.f);
                break;
            case TF_KNOB_BOOL:
                fputs (knob->value.b ? "true" : "false", out);
                break;
            case TF_KNOB_STR:
                s_print_str (out, knob->value.s);
                break;
            case TF_KNOB_DURATION:
                s_print_duration (out, knob->value.i);
                break;
        }
    }
    fputc ('}', out);
}

//  A list of workloads or expectations, one `- kind: {knobs}` per line
static void
s_print_items (FILE *out, const char *key, const tf_plan_item_t *items, size_t count)
{
    fprintf (out, "%s:%s\n", key, count ? "" : " []");
    for (size_t index = 0; index < count; index++) {
        fputs ("  - ", out);
        s_print_str (out, items[index].kind ? items[index].kind : "");
        fputs (": ", out);
        s_print_knobs (out, &items[index]);
        fputc ('\n', out);
    }
}

//  Custom actors as flow mappings; command and knobs only when present
static void
s_print_customs (FILE *out, const tf_plan_t *self)
{
    fprintf (out, "custom:%s\n", self->custom_count ? "" : " []");
    for (size_t index = 0; index < self->custom_count; index++) {
        const tf_plan_item_t *custom = &self->customs[index];
        fputs ("  - {name: ", out);
        s_print_str (out, custom->name ? custom->name : "");
        fputs (", role: ", out);
        s_print_str (out, custom->role ? custom->role : "");
        if (custom->command) {
            fputs (", command: ", out);
            s_print_str (out, custom->command);
        }
        if (custom->knob_count) {
            fputs (", knobs: ", out);
            s_print_knobs (out, custom);
        }
        fputs ("}\n", out);
    }
}

//  hosts:, one flow mapping per host (cert is absolute, as the loader made it)
static void
s_print_hosts (FILE *out, const tf_plan_t *self)
{
    if (self->host_count)
        fputs ("hosts:\n", out);
    for (size_t index = 0; index < self->host_count; index++) {
        const tf_plan_host_t *host = &self->hosts[index];
        fputs ("  - {name: ", out);
        s_print_str (out, host->name ? host->name : "");
        if (host->agent) {
            fputs (", agent: ", out);
            s_print_str (out, host->agent);
        }
        if (host->cert) {
            fputs (", cert: ", out);
            s_print_str (out, host->cert);
        }
        fputs (", address: ", out);
        s_print_str (out, host->address ? host->address : "");
        if (host->nodes) {
            fputs (", nodes: [", out);
            for (size_t node = 0; node < host->node_count; node++) {
                fputs (node ? ", " : "", out);
                s_print_str (out, host->nodes[node]);
            }
            fputc (']', out);
        }
        fputs ("}\n", out);
    }
}

//  Section by section, in the order of docs/scenarios.md
void
tf_plan_print (const tf_plan_t *self, FILE *out)
{
    assert (self && out);
    fputs ("name: ", out);
    s_print_str (out, self->name ? self->name : "");
    if (self->external_count) {
        fprintf (out, "\ntopology:\n  network: %s\n  external:\n",
                 tf_plan_network_str (self->network));
        for (size_t index = 0; index < self->external_count; index++) {
            const tf_plan_external_t *node = &self->externals[index];
            fputs ("    - {name: ", out);
            s_print_str (out, node->name ? node->name : "");
            fputs (", url: ", out);
            s_print_str (out, node->url ? node->url : "");
            fputs (", role: ", out);
            s_print_str (out, node->role ? node->role : "");
            fputs ("}\n", out);
        }
    }
    else
        fprintf (out, "\ntopology: {network: %s, validators: %u, executors: %u}\n",
                 tf_plan_network_str (self->network), self->validators, self->executors);
    if (self->wallet_keys) {
        fputs ("wallets: {keys: ", out);
        s_print_str (out, self->wallet_keys);
    }
    else
        fprintf (out, "wallets: {count: %u, amount: %" PRIu64, self->wallets, self->wallet_amount);
    if (self->wallet_amounts) {
        fputs (", amounts: [", out);
        for (size_t index = 0; index < self->wallet_amount_count; index++)
            fprintf (out, "%s%" PRIu64, index ? ", " : "", self->wallet_amounts[index]);
        fputc (']', out);
    }
    fputs ("}\n", out);
    s_print_items (out, "workloads", self->workloads, self->workload_count);
    s_print_items (out, "expectations", self->expectations, self->expectation_count);
    s_print_customs (out, self);
    fputs ("run: {duration: ", out);
    s_print_duration (out, self->duration_ms);
    fprintf (out, ", seed: %" PRIu64 ", runner: ", self->seed);
    s_print_str (out, self->runner ? self->runner : "");
    fprintf (out, ", fail_fast: %s", self->fail_fast ? "true" : "false");
    fputs ("}\nconsensus: {slot: ", out);
    s_print_duration (out, self->slot_ms);
    fputs (", active_slot_coeff: ", out);
    s_print_float (out, self->active_slot_coeff);
    fprintf (out, ", security_param: %u}\n", self->security_param);
    fprintf (out, "node_control: %s\n", self->node_control ? "true" : "false");
    fputs ("node: {profile: ", out);
    s_print_str (out, self->node_profile ? self->node_profile : "");
    for (int group = 0; group < 2; group++) {
        int cpu = group == 0 ? TF_PLAN_RESOURCE_CPU_REQUEST : TF_PLAN_RESOURCE_CPU_LIMIT;
        if (!self->resources[cpu] && !self->resources[cpu + 1])
            continue;
        fputs (group == 0 ? ", requests: {" : ", limits: {", out);
        for (int which = 0; which < 2; which++) {
            if (!self->resources[cpu + which])
                continue;
            if (which == 1 && self->resources[cpu])
                fputs (", ", out);
            fputs (which == 0 ? "cpu: " : "memory: ", out);
            s_print_str (out, self->resources[cpu + which]);
        }
        fputs ("}", out);
    }
    fputs ("}\n", out);
    if (self->prometheus)
        fputs ("observability: {prometheus: true}\n", out);
    s_print_hosts (out, self);
}
