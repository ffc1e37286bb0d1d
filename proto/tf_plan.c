//  tf_plan.c - the scenario plan: model, copy, error list, knobs, builder, actors
//
//  The loader (tf_plan_yaml.c), the validator (tf_plan_validate.c), the wire
//  codec (tf_plan_wire.c) and the printer (tf_plan_print.c) all work on the
//  model defined here.

#include "tf_plan_private.h"
#include "tf_catalog.h"
#include <czmq.h>
#include <errno.h>
#include <math.h>

#define TF_PLAN_DEFAULT_VALIDATORS     1
#define TF_PLAN_DEFAULT_DURATION_MS    60000
#define TF_PLAN_DEFAULT_SLOT_MS        1000
#define TF_PLAN_DEFAULT_COEFF          0.9
#define TF_PLAN_DEFAULT_SECURITY_PARAM 10
#define TF_PLAN_DEFAULT_WALLET_AMOUNT  100 //  Seeds: "Uniform: 100 funds/user"
#define TF_PLAN_DEFAULT_RUNNER         "local"
#define TF_PLAN_DEFAULT_PROFILE        "tf-node"
#define TF_PLAN_MESSAGE_SIZE           512 //  Longest error message, bytes
#define TF_PLAN_SUFFIX_SIZE            16  //  Room for "-<n>" after a kind
#define TF_PLAN_ERRORS_INITIAL         8   //  First allocation of an error list
#define TF_PLAN_MARKS_INITIAL          32  //  First allocation of a mark table

#define S_MS_PER_SECOND 1000
#define S_MS_PER_MINUTE (60 * S_MS_PER_SECOND)
#define S_MS_PER_HOUR   (60 * S_MS_PER_MINUTE)

struct _tf_plan_errors_t {
    tf_plan_error_t *errors; //  In the order they were found
    size_t count;            //  Errors held
    size_t capacity;         //  Room in errors
};

//  Copy text, or NULL for NULL; caller owns the copy
static char *
s_strdup_or_null (const char *text)
{
    return text ? strdup (text) : NULL;
}

//  Create a plan with the defaults of a scenario that sets nothing
tf_plan_t *
tf_plan_new (const char *name)
{
    tf_plan_t *self = (tf_plan_t *) zmalloc (sizeof (tf_plan_t));
    self->name = strdup (name ? name : "");
    self->network = TF_NETWORK_STAR;
    self->validators = TF_PLAN_DEFAULT_VALIDATORS;
    self->wallet_amount = TF_PLAN_DEFAULT_WALLET_AMOUNT;
    self->duration_ms = TF_PLAN_DEFAULT_DURATION_MS;
    self->fail_fast = true;
    self->slot_ms = TF_PLAN_DEFAULT_SLOT_MS;
    self->active_slot_coeff = TF_PLAN_DEFAULT_COEFF;
    self->security_param = TF_PLAN_DEFAULT_SECURITY_PARAM;
    self->runner = strdup (TF_PLAN_DEFAULT_RUNNER);
    self->node_profile = strdup (TF_PLAN_DEFAULT_PROFILE);
    return self;
}

//  Free what a knob value owns; the key stays
void
tf_plan_knob_reset (tf_knob_t *knob)
{
    assert (knob);
    if (knob->type == TF_KNOB_STR)
        free (knob->value.s);
    knob->type = TF_KNOB_INT;
    memset (&knob->value, 0, sizeof knob->value);
}

//  Free everything an item owns and zero it
static void
s_item_clear (tf_plan_item_t *item)
{
    free (item->kind);
    free (item->name);
    free (item->command);
    free (item->role);
    for (size_t index = 0; index < item->knob_count; index++) {
        tf_plan_knob_reset (&item->knobs[index]);
        free (item->knobs[index].key);
    }
    free (item->knobs);
    memset (item, 0, sizeof *item);
}

//  Free a whole item list and empty the caller's pointers
static void
s_items_free (tf_plan_item_t **items_p, size_t *count_p)
{
    for (size_t index = 0; index < *count_p; index++)
        s_item_clear (&(*items_p)[index]);
    free (*items_p);
    *items_p = NULL;
    *count_p = 0;
}

//  Free an external node list and empty the caller's pointers
static void
s_externals_free (tf_plan_external_t **externals_p, size_t *count_p)
{
    for (size_t index = 0; index < *count_p; index++) {
        free ((*externals_p)[index].name);
        free ((*externals_p)[index].url);
        free ((*externals_p)[index].role);
    }
    free (*externals_p);
    *externals_p = NULL;
    *count_p = 0;
}

//  Free a host list and empty the caller's pointers
static void
s_hosts_free (tf_plan_host_t **hosts_p, size_t *count_p)
{
    for (size_t index = 0; index < *count_p; index++) {
        tf_plan_host_t *host = &(*hosts_p)[index];
        free (host->name);
        free (host->agent);
        free (host->cert);
        free (host->address);
        for (size_t node = 0; node < host->node_count; node++)
            free (host->nodes[node]);
        free (host->nodes);
    }
    free (*hosts_p);
    *hosts_p = NULL;
    *count_p = 0;
}

//  Destroy the plan and nullify the reference
void
tf_plan_destroy (tf_plan_t **self_p)
{
    assert (self_p);
    tf_plan_t *self = *self_p;
    if (!self)
        return;
    free (self->name);
    free (self->source);
    free (self->wallet_amounts);
    free (self->wallet_keys);
    s_externals_free (&self->externals, &self->external_count);
    s_hosts_free (&self->hosts, &self->host_count);
    s_items_free (&self->workloads, &self->workload_count);
    s_items_free (&self->expectations, &self->expectation_count);
    s_items_free (&self->customs, &self->custom_count);
    free (self->runner);
    free (self->node_profile);
    for (int resource = 0; resource < TF_PLAN_RESOURCE_COUNT; resource++)
        free (self->resources[resource]);
    free (self);
    *self_p = NULL;
}

//  Deep copy of an item list; NULL stays NULL
static tf_plan_item_t *
s_items_dup (const tf_plan_item_t *items, size_t count)
{
    if (count == 0)
        return NULL;
    tf_plan_item_t *copy = (tf_plan_item_t *) zmalloc (count * sizeof (tf_plan_item_t));
    for (size_t index = 0; index < count; index++) {
        const tf_plan_item_t *from = &items[index];
        tf_plan_item_t *to = &copy[index];
        to->kind = s_strdup_or_null (from->kind);
        to->name = s_strdup_or_null (from->name);
        to->command = s_strdup_or_null (from->command);
        to->role = s_strdup_or_null (from->role);
        if (from->knob_count) {
            to->knobs = (tf_knob_t *) zmalloc (from->knob_count * sizeof (tf_knob_t));
            to->knob_count = from->knob_count;
        }
        for (size_t knob = 0; knob < from->knob_count; knob++) {
            to->knobs[knob] = from->knobs[knob];
            to->knobs[knob].key = strdup (from->knobs[knob].key);
            if (from->knobs[knob].type == TF_KNOB_STR)
                to->knobs[knob].value.s = strdup (from->knobs[knob].value.s);
        }
    }
    return copy;
}

//  Deep copy: the copy shares no memory with self
tf_plan_t *
tf_plan_dup (const tf_plan_t *self)
{
    assert (self);
    tf_plan_t *copy = (tf_plan_t *) zmalloc (sizeof (tf_plan_t));
    *copy = *self;
    copy->name = s_strdup_or_null (self->name);
    copy->source = s_strdup_or_null (self->source);
    copy->runner = s_strdup_or_null (self->runner);
    copy->node_profile = s_strdup_or_null (self->node_profile);
    for (int resource = 0; resource < TF_PLAN_RESOURCE_COUNT; resource++)
        copy->resources[resource] = s_strdup_or_null (self->resources[resource]);
    //  An empty list of amounts is still a list: it packs as `amounts: []`
    copy->wallet_amounts = NULL;
    if (self->wallet_amounts) {
        size_t size = self->wallet_amount_count * sizeof (uint64_t);
        copy->wallet_amounts = (uint64_t *) zmalloc (size + sizeof (uint64_t));
        memcpy (copy->wallet_amounts, self->wallet_amounts, size);
    }
    copy->wallet_keys = s_strdup_or_null (self->wallet_keys);
    copy->externals = NULL;
    copy->external_count = 0;
    for (size_t index = 0; index < self->external_count; index++) {
        const tf_plan_external_t *node = &self->externals[index];
        tf_plan_add_external (copy, node->name, node->url, node->role);
    }
    copy->hosts = NULL;
    copy->host_count = 0;
    for (size_t index = 0; index < self->host_count; index++) {
        const tf_plan_host_t *host = &self->hosts[index];
        tf_plan_host_t *to =
            tf_plan_add_host (copy, host->name, host->agent, host->cert, host->address);
        if (host->nodes)
            to->nodes = (char **) zmalloc (sizeof (char *)); //  An empty list stays a list
        for (size_t node = 0; node < host->node_count; node++)
            tf_plan_host_add_node (to, host->nodes[node]);
    }
    copy->workloads = s_items_dup (self->workloads, self->workload_count);
    copy->expectations = s_items_dup (self->expectations, self->expectation_count);
    copy->customs = s_items_dup (self->customs, self->custom_count);
    return copy;
}

//  ---------------------------------------------------------------------------
//  Errors

//  Create an empty error list
tf_plan_errors_t *
tf_plan_errors_new (void)
{
    return (tf_plan_errors_t *) zmalloc (sizeof (tf_plan_errors_t));
}

//  Destroy the list and every error in it
void
tf_plan_errors_destroy (tf_plan_errors_t **self_p)
{
    assert (self_p);
    tf_plan_errors_t *self = *self_p;
    if (!self)
        return;
    for (size_t index = 0; index < self->count; index++) {
        free (self->errors[index].file);
        free (self->errors[index].path);
        free (self->errors[index].message);
    }
    free (self->errors);
    free (self);
    *self_p = NULL;
}

//  Number of errors collected so far
size_t
tf_plan_errors_count (const tf_plan_errors_t *self)
{
    assert (self);
    return self->count;
}

//  Error at index (borrowed), or NULL past the end
const tf_plan_error_t *
tf_plan_errors_at (const tf_plan_errors_t *self, size_t index)
{
    assert (self);
    return index < self->count ? &self->errors[index] : NULL;
}

//  Append one error; the list copies file, path and the formatted message
void
tf_plan_errors_add (tf_plan_errors_t *self, const char *file, int line, int column,
                    const char *path, const char *format, ...)
{
    assert (self && format);
    if (self->count == self->capacity) {
        self->capacity = self->capacity ? self->capacity * 2 : TF_PLAN_ERRORS_INITIAL;
        self->errors =
            (tf_plan_error_t *) realloc (self->errors, self->capacity * sizeof (tf_plan_error_t));
        assert (self->errors);
    }
    char message[TF_PLAN_MESSAGE_SIZE];
    va_list args;
    va_start (args, format);
    vsnprintf (message, sizeof message, format, args);
    va_end (args);
    tf_plan_error_t *error = &self->errors[self->count++];
    error->file = s_strdup_or_null (file);
    error->line = line;
    error->column = column;
    error->path = strdup (path ? path : "");
    error->message = strdup (message);
}

//  One line per error, as compilers print them, so editors can jump to it
void
tf_plan_errors_print (const tf_plan_errors_t *self, FILE *out)
{
    assert (self && out);
    for (size_t index = 0; index < self->count; index++) {
        const tf_plan_error_t *error = &self->errors[index];
        fprintf (out, "%s", error->file ? error->file : "plan");
        if (error->line > 0)
            fprintf (out, ":%d:%d", error->line, error->column);
        if (*error->path)
            fprintf (out, ": %s", error->path);
        fprintf (out, ": %s\n", error->message);
    }
}

//  Prefix match on whole path components: "wallets" touches
//  "wallets.amount" and "wallets[0]" but not "wallets_extra"
bool
tf_plan_errors_touch (const tf_plan_errors_t *self, size_t since, const char *path)
{
    assert (self && path);
    size_t length = strlen (path);
    for (size_t index = since; index < self->count; index++) {
        const char *other = self->errors[index].path;
        if (strncmp (other, path, length) == 0
            && (other[length] == 0 || other[length] == '.' || other[length] == '['))
            return true;
    }
    return false;
}

//  True when a comes after b in the file
static bool
s_error_after (const tf_plan_error_t *a, const tf_plan_error_t *b)
{
    return a->line > b->line || (a->line == b->line && a->column > b->column);
}

void
tf_plan_errors_sort (tf_plan_errors_t *self, size_t since)
{
    assert (self);
    //  Insertion sort: lists are short and it keeps equal positions in order
    for (size_t index = since + 1; index < self->count; index++) {
        tf_plan_error_t moving = self->errors[index];
        size_t slot = index;
        while (slot > since && s_error_after (&self->errors[slot - 1], &moving)) {
            self->errors[slot] = self->errors[slot - 1];
            slot--;
        }
        self->errors[slot] = moving;
    }
}

//  ---------------------------------------------------------------------------
//  Marks: where the loader found each key path

//  Record a position; the array grows by doubling
void
tf_plan_marks_add (tf_plan_marks_t *self, const char *path, int line, int column)
{
    assert (self && path);
    if (self->count == self->capacity) {
        self->capacity = self->capacity ? self->capacity * 2 : TF_PLAN_MARKS_INITIAL;
        self->marks =
            (tf_plan_mark_t *) realloc (self->marks, self->capacity * sizeof (tf_plan_mark_t));
        assert (self->marks);
    }
    tf_plan_mark_t *mark = &self->marks[self->count++];
    mark->path = strdup (path);
    mark->line = line;
    mark->column = column;
}

//  Free every mark and the array
void
tf_plan_marks_clear (tf_plan_marks_t *self)
{
    assert (self);
    for (size_t index = 0; index < self->count; index++)
        free (self->marks[index].path);
    free (self->marks);
    memset (self, 0, sizeof *self);
}

//  Exact path first, then ever shorter parents, so a default knob (never in
//  the file) is reported at its item
const tf_plan_mark_t *
tf_plan_marks_find (const tf_plan_marks_t *self, const char *path)
{
    if (!self || !path)
        return NULL;
    char cursor[TF_PLAN_PATH_SIZE];
    snprintf (cursor, sizeof cursor, "%s", path);
    while (true) {
        for (size_t index = self->count; index > 0; index--)
            if (streq (self->marks[index - 1].path, cursor))
                return &self->marks[index - 1];
        //  Try the parent: drop the last ".key" or "[n]"
        char *dot = strrchr (cursor, '.');
        char *bracket = strrchr (cursor, '[');
        char *cut = dot > bracket ? dot : bracket;
        if (!cut)
            return NULL;
        *cut = 0;
    }
}

//  ---------------------------------------------------------------------------
//  Durations and networks

//  Digits (a fraction for CPUs only), then the unit, as Kubernetes spells them
int
tf_plan_quantity_parse (const char *text, bool cpu, double *value_p)
{
    static const char *const units[] = {"Ki", "Mi", "Gi", "Ti", "k", "M", "G", "T"};
    static const double scales[] = {1024.0, 1048576.0, 1073741824.0, 1099511627776.0,
                                    1e3,    1e6,       1e9,          1e12};
    if (!text || !isdigit ((unsigned char) text[0]) || strlen (text) > TF_PLAN_MAX_QUANTITY)
        return -1;
    char *end = NULL;
    double value = strtod (text, &end);
    if (cpu) {
        bool milli = streq (end, "m");
        if ((*end && !milli) || (milli && strchr (text, '.')))
            return -1;
        value = milli ? value : value * 1000.0;
    }
    else {
        if (strchr (text, '.') || strchr (text, 'e') || strchr (text, 'E'))
            return -1;
        double scale = *end ? 0 : 1;
        for (size_t unit = 0; *end && unit < sizeof units / sizeof units[0]; unit++)
            if (streq (end, units[unit]))
                scale = scales[unit];
        if (scale == 0)
            return -1;
        value *= scale;
    }
    if (!(value > 0))
        return -1;
    *value_p = value;
    return 0;
}

const char *
tf_plan_resource_path (tf_plan_resource_t resource)
{
    static const char *const paths[] = {"node.requests.cpu", "node.requests.memory",
                                        "node.limits.cpu", "node.limits.memory"};
    assert (resource < TF_PLAN_RESOURCE_COUNT);
    return paths[resource];
}

//  Digits, then exactly one unit. strtoull alone would accept a sign or
//  blanks, hence the first-character check
int
tf_plan_duration_parse (const char *text, int64_t *ms_p)
{
    assert (ms_p);
    if (!text || !isdigit ((unsigned char) *text))
        return -1; //  No sign, no blank, no bare unit
    errno = 0;
    char *end = NULL;
    unsigned long long value = strtoull (text, &end, 10);
    if (errno == ERANGE)
        return -1;
    int64_t unit_ms;
    if (streq (end, "ms"))
        unit_ms = 1;
    else if (streq (end, "s"))
        unit_ms = S_MS_PER_SECOND;
    else if (streq (end, "m"))
        unit_ms = S_MS_PER_MINUTE;
    else if (streq (end, "h"))
        unit_ms = S_MS_PER_HOUR;
    else
        return -1;
    if (value > (unsigned long long) (INT64_MAX / unit_ms))
        return -1;
    *ms_p = (int64_t) value * unit_ms;
    return 0;
}

//  Largest unit that divides exactly, so parse (format (ms)) == ms
void
tf_plan_duration_format (int64_t ms, char *out, size_t size)
{
    assert (out);
    if (ms != 0 && ms % S_MS_PER_HOUR == 0)
        snprintf (out, size, "%" PRId64 "h", ms / S_MS_PER_HOUR);
    else if (ms != 0 && ms % S_MS_PER_MINUTE == 0)
        snprintf (out, size, "%" PRId64 "m", ms / S_MS_PER_MINUTE);
    else if (ms != 0 && ms % S_MS_PER_SECOND == 0)
        snprintf (out, size, "%" PRId64 "s", ms / S_MS_PER_SECOND);
    else
        snprintf (out, size, "%" PRId64 "ms", ms);
}

static const char *s_networks[] = {"star", "ring", "full"};

//  Name of a network layout as scenarios spell it
const char *
tf_plan_network_str (tf_network_t network)
{
    size_t index = (size_t) network;
    return index < sizeof s_networks / sizeof s_networks[0] ? s_networks[index] : "?";
}

//  Network layout from its name
int
tf_plan_network_parse (const char *text, tf_network_t *network_p)
{
    assert (network_p);
    for (size_t index = 0; text && index < sizeof s_networks / sizeof s_networks[0]; index++)
        if (streq (text, s_networks[index])) {
            *network_p = (tf_network_t) index;
            return 0;
        }
    return -1;
}

//  ---------------------------------------------------------------------------
//  Knobs

//  Knob of item by key (mutable), or NULL
tf_knob_t *
tf_plan_item_knob (tf_plan_item_t *item, const char *key)
{
    assert (item && key);
    for (size_t index = 0; index < item->knob_count; index++)
        if (streq (item->knobs[index].key, key))
            return &item->knobs[index];
    return NULL;
}

//  Knob of item by key, added when missing, its value reset when present
tf_knob_t *
tf_plan_item_put (tf_plan_item_t *item, const char *key)
{
    assert (item && key);
    tf_knob_t *knob = tf_plan_item_knob (item, key);
    if (knob) {
        tf_plan_knob_reset (knob);
        return knob;
    }
    item->knobs = (tf_knob_t *) realloc (item->knobs, (item->knob_count + 1) * sizeof (tf_knob_t));
    assert (item->knobs);
    knob = &item->knobs[item->knob_count++];
    memset (knob, 0, sizeof *knob);
    knob->key = strdup (key);
    return knob;
}

//  Each sequence checked by its lead byte: length, range of the second byte
//  (which rules out overlong forms, surrogates and code points past U+10FFFF),
//  then continuation bytes
bool
tf_plan_utf8_valid (const char *text, size_t size)
{
    const unsigned char *bytes = (const unsigned char *) text;
    size_t index = 0;
    while (index < size) {
        unsigned char lead = bytes[index];
        size_t length = 1;
        unsigned char low = 0x80, high = 0xbf; //  Allowed range of the second byte
        if (lead < 0x80) {
            index++;
            continue;
        }
        if (lead >= 0xc2 && lead <= 0xdf)
            length = 2;
        else if (lead >= 0xe0 && lead <= 0xef) {
            length = 3;
            low = lead == 0xe0 ? 0xa0 : 0x80;
            high = lead == 0xed ? 0x9f : 0xbf;
        }
        else if (lead >= 0xf0 && lead <= 0xf4) {
            length = 4;
            low = lead == 0xf0 ? 0x90 : 0x80;
            high = lead == 0xf4 ? 0x8f : 0xbf;
        }
        else
            return false; //  Continuation byte, 0xc0, 0xc1 or 0xf5 and above
        if (size - index < length || bytes[index + 1] < low || bytes[index + 1] > high)
            return false;
        for (size_t next = 2; next < length; next++)
            if ((bytes[index + next] & 0xc0) != 0x80)
                return false;
        index += length;
    }
    return true;
}

//  Parse into a scratch value first, so a failure leaves the knob as it was
int
tf_plan_knob_parse (tf_knob_t *knob, tf_knob_type_t type, const char *text)
{
    assert (knob && text);
    char *end = NULL;
    switch (type) {
        case TF_KNOB_BOOL:
            if (!streq (text, "true") && !streq (text, "false"))
                return -1;
            tf_plan_knob_reset (knob);
            knob->value.b = streq (text, "true");
            break;
        case TF_KNOB_INT: {
            if (!*text || isspace ((unsigned char) *text))
                return -1;
            errno = 0;
            long long value = strtoll (text, &end, 10);
            if (errno == ERANGE || *end)
                return -1;
            tf_plan_knob_reset (knob);
            knob->value.i = value;
            break;
        }
        case TF_KNOB_FLOAT: {
            if (!*text || isspace ((unsigned char) *text))
                return -1;
            //  Overflow is an error (infinite); underflow gives the nearest
            //  double, as the printer's tiny numbers need (5e-310 reads back)
            double value = strtod (text, &end);
            if (*end || !isfinite (value))
                return -1;
            tf_plan_knob_reset (knob);
            knob->value.f = value;
            break;
        }
        case TF_KNOB_DURATION: {
            int64_t value;
            if (tf_plan_duration_parse (text, &value))
                return -1;
            tf_plan_knob_reset (knob);
            knob->value.i = value;
            break;
        }
        case TF_KNOB_STR:
            tf_plan_knob_reset (knob);
            knob->value.s = strdup (text);
            break;
    }
    knob->type = type;
    return 0;
}

//  The knob key of a const item, or NULL
static const tf_knob_t *
s_knob (const tf_plan_item_t *item, const char *key)
{
    if (!item || !key)
        return NULL;
    for (size_t index = 0; index < item->knob_count; index++)
        if (streq (item->knobs[index].key, key))
            return &item->knobs[index];
    return NULL;
}

//  Knob readers: the value when the knob exists with that type, else fallback
int64_t
tf_plan_knob_int (const tf_plan_item_t *item, const char *key, int64_t fallback)
{
    const tf_knob_t *knob = s_knob (item, key);
    return knob && knob->type == TF_KNOB_INT ? knob->value.i : fallback;
}

//  A number knob; an integer knob reads as a number too
double
tf_plan_knob_float (const tf_plan_item_t *item, const char *key, double fallback)
{
    const tf_knob_t *knob = s_knob (item, key);
    if (knob && knob->type == TF_KNOB_FLOAT)
        return knob->value.f;
    if (knob && knob->type == TF_KNOB_INT)
        return (double) knob->value.i; //  A whole number is a number too
    return fallback;
}

//  A boolean knob, or fallback
bool
tf_plan_knob_bool (const tf_plan_item_t *item, const char *key, bool fallback)
{
    const tf_knob_t *knob = s_knob (item, key);
    return knob && knob->type == TF_KNOB_BOOL ? knob->value.b : fallback;
}

//  A string knob (borrowed), or fallback
const char *
tf_plan_knob_str (const tf_plan_item_t *item, const char *key, const char *fallback)
{
    const tf_knob_t *knob = s_knob (item, key);
    return knob && knob->type == TF_KNOB_STR ? knob->value.s : fallback;
}

//  A duration knob in milliseconds, or fallback
int64_t
tf_plan_knob_ms (const tf_plan_item_t *item, const char *key, int64_t fallback)
{
    const tf_knob_t *knob = s_knob (item, key);
    return knob && knob->type == TF_KNOB_DURATION ? knob->value.i : fallback;
}

//  Search one list for an item by name
static const tf_plan_item_t *
s_find_item (const tf_plan_item_t *items, size_t count, const char *name)
{
    for (size_t index = 0; index < count; index++)
        if (items[index].name && streq (items[index].name, name))
            return &items[index];
    return NULL;
}

//  Workloads, then expectations, then custom actors: names are unique
//  across all three once the plan is valid
const tf_plan_item_t *
tf_plan_item_by_name (const tf_plan_t *self, const char *name)
{
    assert (self);
    if (!name)
        return NULL;
    const tf_plan_item_t *item = s_find_item (self->workloads, self->workload_count, name);
    if (!item)
        item = s_find_item (self->expectations, self->expectation_count, name);
    if (!item)
        item = s_find_item (self->customs, self->custom_count, name);
    return item;
}

//  The runner's catalogue entry says whether it replays
bool
tf_plan_is_replay (const tf_plan_t *self)
{
    assert (self);
    const tf_catalog_runner_t *runner = tf_catalog_runner (self->runner);
    return runner && runner->replay;
}

//  ---------------------------------------------------------------------------
//  Items

//  Grow a list by one zeroed item and return it
tf_plan_item_t *
tf_plan_item_append (tf_plan_item_t **items_p, size_t *count_p)
{
    assert (items_p && count_p);
    *items_p = (tf_plan_item_t *) realloc (*items_p, (*count_p + 1) * sizeof (tf_plan_item_t));
    assert (*items_p);
    tf_plan_item_t *item = &(*items_p)[(*count_p)++];
    memset (item, 0, sizeof *item);
    return item;
}

//  Count the earlier items of the same kind: the first is named after the
//  kind, the n-th gets "-n"
char *
tf_plan_item_kind_name (const tf_plan_item_t *items, size_t count, const tf_plan_item_t *item)
{
    assert (items && item && item->kind);
    size_t repeat = 0; //  Items of this kind before this one
    for (size_t index = 0; index < count && &items[index] != item; index++)
        if (items[index].kind && streq (items[index].kind, item->kind))
            repeat++;
    if (repeat == 0)
        return strdup (item->kind);
    char suffix[TF_PLAN_SUFFIX_SIZE];
    snprintf (suffix, sizeof suffix, "-%zu", repeat + 1);
    return zsys_sprintf ("%s%s", item->kind, suffix);
}

//  Replace the item's name with the one its kind and place give it
void
tf_plan_item_name_after_kind (tf_plan_item_t *items, size_t count, tf_plan_item_t *item)
{
    char *name = tf_plan_item_kind_name (items, count, item);
    free (item->name);
    item->name = name;
}

//  ---------------------------------------------------------------------------
//  Builder

//  Builder setters: store as given; tf_plan_build checks
tf_plan_t *
tf_plan_set_topology (tf_plan_t *self, tf_network_t network, uint32_t validators,
                      uint32_t executors)
{
    assert (self);
    self->network = network;
    self->validators = validators;
    self->executors = executors;
    return self;
}

//  Uniform wallets; drops any per-wallet amounts
tf_plan_t *
tf_plan_set_wallets (tf_plan_t *self, uint32_t count, uint64_t amount)
{
    assert (self);
    self->wallets = count;
    self->wallet_amount = amount;
    free (self->wallet_amounts);
    self->wallet_amounts = NULL;
    self->wallet_amount_count = 0;
    return self;
}

//  Per-wallet amounts (copied); wallets becomes their number
tf_plan_t *
tf_plan_set_wallet_amounts (tf_plan_t *self, const uint64_t *amounts, size_t count)
{
    assert (self && (amounts || count == 0));
    free (self->wallet_amounts);
    self->wallet_amounts = NULL;
    self->wallet_amount_count = count;
    if (count) {
        self->wallet_amounts = (uint64_t *) zmalloc (count * sizeof (uint64_t));
        memcpy (self->wallet_amounts, amounts, count * sizeof (uint64_t));
    }
    //  Anything past the cap is reported by the validator, not wrapped here
    self->wallets = count > UINT32_MAX ? UINT32_MAX : (uint32_t) count;
    return self;
}

//  Length of the execute phase
tf_plan_t *
tf_plan_set_duration_ms (tf_plan_t *self, int64_t duration_ms)
{
    assert (self);
    self->duration_ms = duration_ms;
    return self;
}

//  Seed of every random choice of the run
tf_plan_t *
tf_plan_set_seed (tf_plan_t *self, uint64_t seed)
{
    assert (self);
    self->seed = seed;
    return self;
}

//  Whether an expectation's failure during the run ends execute at once
tf_plan_t *
tf_plan_set_fail_fast (tf_plan_t *self, bool fail_fast)
{
    assert (self);
    self->fail_fast = fail_fast;
    return self;
}

//  Slot length and active slot coefficient of the nodes
tf_plan_t *
tf_plan_set_slot (tf_plan_t *self, int64_t slot_ms, double active_slot_coeff)
{
    assert (self);
    self->slot_ms = slot_ms;
    self->active_slot_coeff = active_slot_coeff;
    return self;
}

//  k, the depth of the last irreversible block
tf_plan_t *
tf_plan_set_security_param (tf_plan_t *self, uint32_t security_param)
{
    assert (self);
    self->security_param = security_param;
    return self;
}

//  Runner name (copied)
tf_plan_t *
tf_plan_set_runner (tf_plan_t *self, const char *runner)
{
    assert (self && runner);
    free (self->runner);
    self->runner = strdup (runner);
    return self;
}

//  Node profile name (copied)
tf_plan_t *
tf_plan_add_external (tf_plan_t *self, const char *name, const char *url, const char *role)
{
    assert (self);
    self->externals = (tf_plan_external_t *) realloc (
        self->externals, (self->external_count + 1) * sizeof (tf_plan_external_t));
    assert (self->externals);
    tf_plan_external_t *node = &self->externals[self->external_count++];
    node->name = s_strdup_or_null (name);
    node->url = s_strdup_or_null (url);
    node->role = s_strdup_or_null (role);
    return self;
}

tf_plan_t *
tf_plan_set_wallet_keys (tf_plan_t *self, const char *path)
{
    assert (self);
    free (self->wallet_keys);
    self->wallet_keys = s_strdup_or_null (path);
    return self;
}

tf_plan_t *
tf_plan_set_node_profile (tf_plan_t *self, const char *profile)
{
    assert (self && profile);
    free (self->node_profile);
    self->node_profile = strdup (profile);
    return self;
}

//  Let workloads restart, pause and partition nodes
tf_plan_t *
tf_plan_enable_node_control (tf_plan_t *self)
{
    assert (self);
    self->node_control = true;
    return self;
}

//  Append a workload of kind, named after it at once
tf_plan_item_t *
tf_plan_add_workload (tf_plan_t *self, const char *kind)
{
    assert (self && kind);
    tf_plan_item_t *item = tf_plan_item_append (&self->workloads, &self->workload_count);
    item->kind = strdup (kind);
    tf_plan_item_name_after_kind (self->workloads, self->workload_count, item);
    return item;
}

//  Append an expectation of kind, named after it at once
tf_plan_item_t *
tf_plan_add_expectation (tf_plan_t *self, const char *kind)
{
    assert (self && kind);
    tf_plan_item_t *item = tf_plan_item_append (&self->expectations, &self->expectation_count);
    item->kind = strdup (kind);
    tf_plan_item_name_after_kind (self->expectations, self->expectation_count, item);
    return item;
}

//  Append a custom actor; command NULL means it attaches by itself
tf_plan_item_t *
tf_plan_add_custom (tf_plan_t *self, const char *name, const char *role, const char *command)
{
    assert (self && name && role);
    tf_plan_item_t *item = tf_plan_item_append (&self->customs, &self->custom_count);
    item->name = strdup (name);
    item->role = strdup (role);
    item->command = s_strdup_or_null (command);
    return item;
}

//  Knob setters: add the knob or replace its value and type
void
tf_plan_item_set_int (tf_plan_item_t *item, const char *key, int64_t value)
{
    tf_knob_t *knob = tf_plan_item_put (item, key);
    knob->type = TF_KNOB_INT;
    knob->value.i = value;
}

//  Set a number knob
void
tf_plan_item_set_float (tf_plan_item_t *item, const char *key, double value)
{
    tf_knob_t *knob = tf_plan_item_put (item, key);
    knob->type = TF_KNOB_FLOAT;
    knob->value.f = value;
}

//  Set a boolean knob
void
tf_plan_item_set_bool (tf_plan_item_t *item, const char *key, bool value)
{
    tf_knob_t *knob = tf_plan_item_put (item, key);
    knob->type = TF_KNOB_BOOL;
    knob->value.b = value;
}

//  Set a string knob (copied)
void
tf_plan_item_set_str (tf_plan_item_t *item, const char *key, const char *value)
{
    assert (value);
    tf_knob_t *knob = tf_plan_item_put (item, key);
    knob->type = TF_KNOB_STR;
    knob->value.s = strdup (value);
}

//  Set a duration knob, in milliseconds
void
tf_plan_item_set_ms (tf_plan_item_t *item, const char *key, int64_t value_ms)
{
    tf_knob_t *knob = tf_plan_item_put (item, key);
    knob->type = TF_KNOB_DURATION;
    knob->value.i = value_ms;
}

//  The builder's plan goes through the same validator as a loaded one
int
tf_plan_build (tf_plan_t *self, tf_plan_errors_t *errors)
{
    return tf_plan_validate (self, errors);
}

//  ---------------------------------------------------------------------------
//  Actors

//  Store one actor if there is room; count it either way
static void
s_put_actor (tf_plan_actor_t *actors, size_t max, size_t *count, const char *name, const char *role,
             const char *program, const char *command)
{
    if (*count < max) {
        actors[*count].name = name;
        actors[*count].role = role;
        actors[*count].program = program;
        actors[*count].command = command;
    }
    (*count)++;
}

//  Start order: deployer, scanner (when the runner deploys nodes),
//  workloads, expectations, custom actors. Names and programs are borrowed
size_t
tf_plan_actors (const tf_plan_t *self, tf_plan_actor_t *actors, size_t max)
{
    assert (self && (actors || max == 0));
    size_t count = 0;
    const tf_catalog_runner_t *runner = tf_catalog_runner (self->runner);
    s_put_actor (actors, max, &count, "deployer", "deployer", runner ? runner->program : NULL,
                 NULL);
    if (!runner || runner->scanner)
        s_put_actor (actors, max, &count, "scanner", "scanner", "tf-scanner", NULL);
    for (size_t index = 0; index < self->workload_count; index++) {
        const tf_catalog_kind_t *kind = tf_catalog_kind (self->workloads[index].kind);
        s_put_actor (actors, max, &count, self->workloads[index].name, "workload",
                     kind ? kind->program : NULL, NULL);
    }
    for (size_t index = 0; index < self->expectation_count; index++) {
        const tf_catalog_kind_t *kind = tf_catalog_kind (self->expectations[index].kind);
        s_put_actor (actors, max, &count, self->expectations[index].name, "expectation",
                     kind ? kind->program : NULL, NULL);
    }
    for (size_t index = 0; index < self->custom_count; index++) {
        const tf_plan_item_t *custom = &self->customs[index];
        s_put_actor (actors, max, &count, custom->name, custom->role, NULL, custom->command);
    }
    return count;
}
