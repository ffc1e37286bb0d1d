//  tf_plan_yaml.c - the scenario loader: YAML (libyaml) to a validated plan
//
//  The loader walks libyaml's document tree along the scenario schema. It
//  reports structural problems itself (unknown or duplicate keys, wrong types,
//  unparsable values) and records where every key path sits, so that the
//  validator's semantic errors can name file:line:column too. Problems are
//  collected, never fatal: the walk goes on to find the next one.

#include "tf_plan_private.h"
#include "tf_catalog.h"
#include <czmq.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <yaml.h>

#define TF_PLAN_MAX_FILE  (1u << 20) //  Largest scenario file read, bytes
#define TF_YAML_TEXT_SIZE 64         //  Longest value quoted back in an error

typedef struct {
    yaml_document_t *document; //  Being walked, not owned
    const char *file;          //  Name used in errors
    tf_plan_t *plan;           //  Being filled, not owned
    tf_plan_marks_t marks;     //  Where each key path sits
    tf_plan_errors_t *errors;  //  Not owned
} s_loader_t;

static void s_path (char *out, size_t size, const char *format, ...)
    __attribute__ ((format (printf, 3, 4)));

//  Build a key path; one that does not fit is cut short, which only shortens a
//  message, so the truncation is deliberate
static void
s_path (char *out, size_t size, const char *format, ...)
{
    va_list args;
    va_start (args, format);
    vsnprintf (out, size, format, args);
    va_end (args);
}

static void s_error (s_loader_t *self, const yaml_node_t *node, const char *path,
                     const char *format, ...) __attribute__ ((format (printf, 4, 5)));

//  Report one problem at node (its line and column) and key path
static void
s_error (s_loader_t *self, const yaml_node_t *node, const char *path, const char *format, ...)
{
    char message[TF_PLAN_PATH_SIZE * 2];
    va_list args;
    va_start (args, format);
    vsnprintf (message, sizeof message, format, args);
    va_end (args);
    tf_plan_errors_add (self->errors, self->file, node ? (int) node->start_mark.line + 1 : 0,
                        node ? (int) node->start_mark.column + 1 : 0, path, "%s", message);
}

//  Remember where a key path's value sits (1-based)
static void
s_mark (s_loader_t *self, const char *path, const yaml_node_t *node)
{
    tf_plan_marks_add (&self->marks, path, (int) node->start_mark.line + 1,
                       (int) node->start_mark.column + 1);
}

//  Node of the document by index
static yaml_node_t *
s_node (s_loader_t *self, int index)
{
    return yaml_document_get_node (self->document, index);
}

//  The text of a scalar node, or NULL for other nodes and text holding a NUL
static const char *
s_text (const yaml_node_t *node)
{
    if (!node || node->type != YAML_SCALAR_NODE)
        return NULL;
    const char *text = (const char *) node->data.scalar.value;
    return strlen (text) == node->data.scalar.length ? text : NULL;
}

//  True for an unquoted scalar: only those can be numbers or booleans
static bool
s_plain (const yaml_node_t *node)
{
    return node->type == YAML_SCALAR_NODE && node->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
}

//  An empty value: `key:` with nothing after it, `~` or `null`
static bool
s_null (const yaml_node_t *node)
{
    const char *text = s_text (node);
    return text && s_plain (node) && (!*text || streq (text, "~") || streq (text, "null"));
}

//  What a node is, for "got ..." in errors; quotes scalars (shortened)
static const char *
s_describe (const yaml_node_t *node, char *out, size_t size)
{
    if (node->type == YAML_MAPPING_NODE)
        return "a mapping";
    if (node->type == YAML_SEQUENCE_NODE)
        return "a list";
    if (s_null (node))
        return "nothing";
    const char *text = s_text (node);
    if (!text)
        return "a string holding a NUL byte";
    if (strlen (text) > TF_YAML_TEXT_SIZE)
        snprintf (out, size, "'%.*s...'", TF_YAML_TEXT_SIZE, text);
    else
        snprintf (out, size, "'%s'", text);
    return out;
}

//  The value of key in a mapping node, or NULL (the first one if repeated)
static yaml_node_t *
s_get (s_loader_t *self, const yaml_node_t *map, const char *key)
{
    for (yaml_node_pair_t *pair = map->data.mapping.pairs.start; pair < map->data.mapping.pairs.top;
         pair++) {
        const char *text = s_text (s_node (self, pair->key));
        if (text && streq (text, key))
            return s_node (self, pair->value);
    }
    return NULL;
}

//  Check a mapping's keys: scalars, each once, each in allowed (NULL-terminated;
//  allowed NULL accepts any key). Returns false when node is no mapping.
static bool
s_check_map (s_loader_t *self, const yaml_node_t *node, const char *path,
             const char *const *allowed)
{
    char got[TF_YAML_TEXT_SIZE + 8];
    if (node->type != YAML_MAPPING_NODE) {
        s_error (self, node, path, "expected a mapping, got %s",
                 s_describe (node, got, sizeof got));
        return false;
    }
    for (yaml_node_pair_t *pair = node->data.mapping.pairs.start;
         pair < node->data.mapping.pairs.top; pair++) {
        yaml_node_t *key = s_node (self, pair->key);
        const char *text = s_text (key);
        if (!text) {
            s_error (self, key, path, "expected a plain key, got %s",
                     s_describe (key, got, sizeof got));
            continue;
        }
        char key_path[TF_PLAN_PATH_SIZE];
        s_path (key_path, sizeof key_path, "%s%s%s", path, *path ? "." : "", text);
        bool duplicate = false;
        for (yaml_node_pair_t *before = node->data.mapping.pairs.start; before < pair && !duplicate;
             before++) {
            const char *other = s_text (s_node (self, before->key));
            duplicate = other && streq (other, text);
            if (duplicate)
                s_error (self, key, key_path, "duplicate key '%s' (first at line %d)", text,
                         (int) s_node (self, before->key)->start_mark.line + 1);
        }
        bool known = allowed == NULL;
        for (const char *const *word = allowed; word && *word && !known; word++)
            known = streq (*word, text);
        if (!known) {
            char list[TF_PLAN_PATH_SIZE] = "";
            for (const char *const *word = allowed; *word; word++)
                snprintf (list + strlen (list), sizeof list - strlen (list), "%s%s",
                          word == allowed ? "" : ", ", *word);
            s_error (self, key, key_path, "unknown key '%s' (expected one of: %s)", text, list);
        }
        else if (!duplicate)
            s_mark (self, key_path, s_node (self, pair->value));
    }
    return true;
}

//  ---------------------------------------------------------------------------
//  Typed values. Numbers and booleans must be plain (unquoted) scalars.

static int
s_get_u64 (s_loader_t *self, const yaml_node_t *node, const char *path, uint64_t max, uint64_t *out)
{
    char got[TF_YAML_TEXT_SIZE + 8];
    const char *text = s_text (node);
    if (text && s_plain (node) && isdigit ((unsigned char) *text)) {
        errno = 0;
        char *end = NULL;
        unsigned long long value = strtoull (text, &end, 10);
        if (!*end && errno != ERANGE && value <= max) {
            *out = value;
            return 0;
        }
    }
    s_error (self, node, path, "expected an integer between 0 and %" PRIu64 ", got %s", max,
             s_describe (node, got, sizeof got));
    return -1;
}

static int
s_get_u32 (s_loader_t *self, const yaml_node_t *node, const char *path, uint32_t *out)
{
    uint64_t value;
    if (s_get_u64 (self, node, path, UINT32_MAX, &value))
        return -1;
    *out = (uint32_t) value;
    return 0;
}

//  true or false, unquoted
static int
s_get_bool (s_loader_t *self, const yaml_node_t *node, const char *path, bool *out)
{
    char got[TF_YAML_TEXT_SIZE + 8];
    const char *text = s_text (node);
    if (text && s_plain (node) && (streq (text, "true") || streq (text, "false"))) {
        *out = streq (text, "true");
        return 0;
    }
    s_error (self, node, path, "expected true or false, got %s",
             s_describe (node, got, sizeof got));
    return -1;
}

//  A finite number, unquoted
static int
s_get_float (s_loader_t *self, const yaml_node_t *node, const char *path, double *out)
{
    char got[TF_YAML_TEXT_SIZE + 8];
    tf_knob_t knob = {0};
    const char *text = s_text (node);
    if (text && s_plain (node) && tf_plan_knob_parse (&knob, TF_KNOB_FLOAT, text) == 0) {
        *out = knob.value.f;
        return 0;
    }
    s_error (self, node, path, "expected a number, got %s", s_describe (node, got, sizeof got));
    return -1;
}

//  A duration with its unit, unquoted
static int
s_get_duration (s_loader_t *self, const yaml_node_t *node, const char *path, int64_t *out)
{
    char got[TF_YAML_TEXT_SIZE + 8];
    const char *text = s_text (node);
    if (text && s_plain (node) && tf_plan_duration_parse (text, out) == 0)
        return 0;
    s_error (self, node, path, "expected " TF_PLAN_DURATION_EXPECTED ", got %s",
             s_describe (node, got, sizeof got));
    return -1;
}

//  A non-empty string of at most max bytes; caller owns *out
static int
s_get_string (s_loader_t *self, const yaml_node_t *node, const char *path, size_t max, char **out)
{
    char got[TF_YAML_TEXT_SIZE + 8];
    const char *text = s_text (node);
    if (text && !s_null (node) && strlen (text) <= max) {
        free (*out);
        *out = strdup (text);
        return 0;
    }
    s_error (self, node, path, "expected a string of 1 to %zu bytes, got %s", max,
             s_describe (node, got, sizeof got));
    return -1;
}

//  A knob value: typed by the catalogue when the knob is known, else inferred
//  from a plain scalar (true/false, integer, number, or else a string)
static void
s_load_knob (s_loader_t *self, tf_plan_item_t *item, const tf_catalog_knob_t *entry,
             const char *key, const yaml_node_t *node, const char *path)
{
    char got[TF_YAML_TEXT_SIZE + 8];
    const char *text = s_text (node);
    if (!text || s_null (node)) {
        s_error (self, node, path, "expected a %s value, got %s",
                 entry ? tf_catalog_type_str (entry->type) : "scalar",
                 s_describe (node, got, sizeof got));
        return;
    }
    tf_knob_t parsed = {0};
    if (entry) {
        bool quoted_ok = entry->type == TF_KNOB_STR;
        if ((!quoted_ok && !s_plain (node)) || tf_plan_knob_parse (&parsed, entry->type, text)) {
            if (entry->type == TF_KNOB_DURATION)
                s_error (self, node, path, "expected " TF_PLAN_DURATION_EXPECTED ", got %s",
                         s_describe (node, got, sizeof got));
            else
                s_error (self, node, path, "expected %s %s, got %s",
                         entry->type == TF_KNOB_INT ? "an" : "a", tf_catalog_type_str (entry->type),
                         s_describe (node, got, sizeof got));
            return;
        }
    }
    else if (!s_plain (node)
             || (tf_plan_knob_parse (&parsed, TF_KNOB_BOOL, text)
                 && tf_plan_knob_parse (&parsed, TF_KNOB_INT, text)
                 && tf_plan_knob_parse (&parsed, TF_KNOB_FLOAT, text))) {
        int rc = tf_plan_knob_parse (&parsed, TF_KNOB_STR, text);
        assert (rc == 0);
        (void) rc;
    }
    tf_knob_t *knob = tf_plan_item_put (item, key);
    knob->type = parsed.type;
    knob->value = parsed.value;
}

//  A mapping of knobs (or nothing) into item; kind may be NULL (custom actors)
static void
s_load_knobs (s_loader_t *self, tf_plan_item_t *item, const tf_catalog_kind_t *kind,
              const yaml_node_t *node, const char *path)
{
    if (s_null (node))
        return;
    if (!s_check_map (self, node, path, NULL))
        return;
    //  s_check_map reported duplicates and non-scalar keys; the first value of a
    //  key wins, as it does for every other mapping
    for (yaml_node_pair_t *pair = node->data.mapping.pairs.start;
         pair < node->data.mapping.pairs.top; pair++) {
        yaml_node_t *key = s_node (self, pair->key);
        const char *text = s_text (key);
        if (!text || tf_plan_item_knob (item, text))
            continue; //  Reported by s_check_map
        char knob_path[TF_PLAN_PATH_SIZE];
        s_path (knob_path, sizeof knob_path, "%s.%s", path, text);
        const tf_catalog_knob_t *entry = kind ? tf_catalog_knob (kind, text) : NULL;
        if (kind && !entry)
            s_mark (self, knob_path, key); //  The validator rejects it: point at the key
        s_load_knob (self, item, entry, text, s_node (self, pair->value), knob_path);
    }
}

//  ---------------------------------------------------------------------------
//  Sections

//  topology.external: a list of {name, url, role}, the nodes of a network
//  someone else runs
static void
s_load_externals (s_loader_t *self, const yaml_node_t *node)
{
    static const char *const keys[] = {"name", "url", "role", NULL};
    static const char *const fields[] = {"name", "url", "role"};
    char got[TF_YAML_TEXT_SIZE + 8];
    tf_plan_t *plan = self->plan;
    s_mark (self, "topology.external", node);
    if (node->type != YAML_SEQUENCE_NODE) {
        s_error (self, node, "topology.external",
                 "expected a list of nodes such as `- {name: validator-0, url: "
                 "\"http://host:8080\", role: validator}`, got %s",
                 s_describe (node, got, sizeof got));
        return;
    }
    size_t count = (size_t) (node->data.sequence.items.top - node->data.sequence.items.start);
    if (count > TF_PLAN_MAX_NODES) {
        s_error (self, node, "topology.external", "expected at most %d nodes, got %zu",
                 TF_PLAN_MAX_NODES, count);
        return;
    }
    for (size_t index = 0; index < count; index++) {
        yaml_node_t *entry = s_node (self, node->data.sequence.items.start[index]);
        char path[TF_PLAN_PATH_SIZE], field[TF_PLAN_PATH_SIZE];
        s_path (path, sizeof path, "topology.external[%zu]", index);
        s_mark (self, path, entry);
        if (!s_check_map (self, entry, path, keys))
            continue;
        tf_plan_add_external (plan, NULL, NULL, NULL);
        tf_plan_external_t *external = &plan->externals[plan->external_count - 1];
        char **targets[] = {&external->name, &external->url, &external->role};
        for (size_t at = 0; at < sizeof fields / sizeof fields[0]; at++) {
            s_path (field, sizeof field, "%s.%s", path, fields[at]);
            yaml_node_t *value = s_get (self, entry, fields[at]);
            if (value) {
                s_mark (self, field, value);
                s_get_string (self, value, field, TF_PLAN_MAX_STR, targets[at]);
            }
            else
                s_error (self, entry, field, "missing: every external node needs a %s", fields[at]);
        }
    }
}

//  network, validators, executors, or the newer nodes: N, or external: [...]
static void
s_load_topology (s_loader_t *self, const yaml_node_t *node)
{
    static const char *const keys[] = {"network", "validators", "executors",
                                       "nodes",   "external",   NULL};
    tf_plan_t *plan = self->plan;
    if (!s_check_map (self, node, "topology", keys))
        return;
    yaml_node_t *value;
    if ((value = s_get (self, node, "network"))) {
        char got[TF_YAML_TEXT_SIZE + 8];
        if (tf_plan_network_parse (s_text (value), &plan->network))
            s_error (self, value, "topology.network", "expected star, ring or full, got %s",
                     s_describe (value, got, sizeof got));
    }
    yaml_node_t *nodes = s_get (self, node, "nodes");
    if (nodes && (s_get (self, node, "validators") || s_get (self, node, "executors")))
        s_error (self, nodes, "topology.nodes",
                 "use either nodes or validators/executors, not both");
    else if (nodes) {
        s_get_u32 (self, nodes, "topology.nodes", &plan->validators);
        plan->executors = 0;
    }
    if ((value = s_get (self, node, "validators")))
        s_get_u32 (self, value, "topology.validators", &plan->validators);
    if ((value = s_get (self, node, "executors")))
        s_get_u32 (self, value, "topology.executors", &plan->executors);
    yaml_node_t *external = s_get (self, node, "external");
    if (external && (nodes || s_get (self, node, "validators") || s_get (self, node, "executors")))
        s_error (self, external, "topology.external",
                 "use either external or nodes/validators/executors, not both: the list "
                 "gives the nodes");
    else if (external)
        s_load_externals (self, external);
}

//  A key file path as the plan keeps it: absolute, a relative one taken from
//  the scenario's directory (or the working directory). Caller frees.
static char *
s_keys_path (const char *file, const char *path)
{
    if (*path == '/')
        return strdup (path);
    const char *slash = strrchr (file, '/');
    char *joined =
        slash ? zsys_sprintf ("%.*s/%s", (int) (slash - file), file, path) : strdup (path);
    if (*joined == '/')
        return joined;
    char cwd[4096];
    char *absolute = getcwd (cwd, sizeof cwd) ? zsys_sprintf ("%s/%s", cwd, joined) : NULL;
    if (!absolute)
        return joined;
    free (joined);
    return absolute;
}

//  The per-wallet amounts list
static void
s_load_amounts (s_loader_t *self, const yaml_node_t *node)
{
    char got[TF_YAML_TEXT_SIZE + 8];
    if (node->type != YAML_SEQUENCE_NODE) {
        s_error (self, node, "wallets.amounts", "expected a list of amounts, got %s",
                 s_describe (node, got, sizeof got));
        return;
    }
    size_t count = (size_t) (node->data.sequence.items.top - node->data.sequence.items.start);
    if (count > TF_PLAN_MAX_WALLETS) {
        s_error (self, node, "wallets.amounts", "expected at most %d amounts, got %zu",
                 TF_PLAN_MAX_WALLETS, count);
        return;
    }
    tf_plan_t *plan = self->plan;
    uint64_t *amounts = (uint64_t *) zmalloc ((count + 1) * sizeof (uint64_t));
    for (size_t index = 0; index < count; index++) {
        char path[TF_PLAN_PATH_SIZE];
        s_path (path, sizeof path, "wallets.amounts[%zu]", index);
        yaml_node_t *item = s_node (self, node->data.sequence.items.start[index]);
        s_mark (self, path, item);
        s_get_u64 (self, item, path, UINT64_MAX, &amounts[index]);
    }
    free (plan->wallet_amounts);
    plan->wallet_amounts = amounts;
    plan->wallet_amount_count = count;
}

//  wallets: N or {count, amount, amounts}
static void
s_load_wallets (s_loader_t *self, const yaml_node_t *node)
{
    static const char *const keys[] = {"count", "amount", "amounts", "keys", NULL};
    tf_plan_t *plan = self->plan;
    if (node->type == YAML_SCALAR_NODE) {
        s_get_u32 (self, node, "wallets", &plan->wallets);
        return;
    }
    if (!s_check_map (self, node, "wallets", keys))
        return;
    yaml_node_t *value;
    if ((value = s_get (self, node, "amounts"))) {
        s_load_amounts (self, value);
        if (plan->wallet_amount_count <= UINT32_MAX)
            plan->wallets = (uint32_t) plan->wallet_amount_count;
    }
    if ((value = s_get (self, node, "count")))
        s_get_u32 (self, value, "wallets.count", &plan->wallets);
    if ((value = s_get (self, node, "amount")))
        s_get_u64 (self, value, "wallets.amount", UINT64_MAX, &plan->wallet_amount);
    yaml_node_t *keys_node = s_get (self, node, "keys");
    char *keys_path = NULL;
    if (keys_node
        && (s_get (self, node, "count") || s_get (self, node, "amount")
            || s_get (self, node, "amounts")))
        s_error (self, keys_node, "wallets.keys",
                 "use either keys or count/amount/amounts, not both: the key file lists "
                 "the wallets and their funds");
    else if (keys_node) {
        s_mark (self, "wallets.keys", keys_node);
        if (s_get_string (self, keys_node, "wallets.keys", TF_PLAN_MAX_STR, &keys_path) == 0) {
            free (plan->wallet_keys);
            plan->wallet_keys = s_keys_path (self->file, keys_path);
        }
        free (keys_path);
    }
}

//  One workload or expectation entry: `- kind: {knobs}` or just `- kind`
static void
s_load_entry (s_loader_t *self, const yaml_node_t *node, const char *list, size_t index,
              tf_plan_item_t **items_p, size_t *count_p)
{
    char got[TF_YAML_TEXT_SIZE + 8];
    char path[TF_PLAN_PATH_SIZE];
    s_path (path, sizeof path, "%s[%zu]", list, index);
    s_mark (self, path, node);
    const char *kind = NULL;
    const yaml_node_t *knobs = NULL;
    //  `- kind` alone means every knob at its default
    if (node->type == YAML_SCALAR_NODE && !s_null (node))
        kind = s_text (node);
    else if (node->type == YAML_MAPPING_NODE
             && node->data.mapping.pairs.top - node->data.mapping.pairs.start == 1) {
        yaml_node_t *key = s_node (self, node->data.mapping.pairs.start->key);
        kind = s_text (key);
        knobs = s_node (self, node->data.mapping.pairs.start->value);
    }
    if (!kind || !*kind) {
        s_error (self, node, path,
                 "expected one kind per entry, such as `- transactions: "
                 "{rate: 1}`, got %s",
                 s_describe (node, got, sizeof got));
        return;
    }
    tf_plan_item_t *item = tf_plan_item_append (items_p, count_p);
    item->kind = strdup (kind);
    tf_plan_item_name_after_kind (*items_p, *count_p, item);
    char item_path[TF_PLAN_PATH_SIZE];
    s_path (item_path, sizeof item_path, "%s.%s", path, kind);
    if (knobs) {
        s_mark (self, item_path, knobs);
        s_load_knobs (self, item, tf_catalog_kind (kind), knobs, item_path);
    }
}

//  A list of workloads or expectations (or nothing)
static void
s_load_list (s_loader_t *self, const yaml_node_t *node, const char *list, tf_plan_item_t **items_p,
             size_t *count_p)
{
    char got[TF_YAML_TEXT_SIZE + 8];
    if (s_null (node))
        return;
    if (node->type != YAML_SEQUENCE_NODE) {
        s_error (self, node, list, "expected a list, got %s", s_describe (node, got, sizeof got));
        return;
    }
    size_t count = (size_t) (node->data.sequence.items.top - node->data.sequence.items.start);
    if (count > TF_PLAN_MAX_ITEMS) {
        s_error (self, node, list, "expected at most %d entries, got %zu", TF_PLAN_MAX_ITEMS,
                 count);
        return;
    }
    for (size_t index = 0; index < count; index++)
        s_load_entry (self, s_node (self, node->data.sequence.items.start[index]), list, index,
                      items_p, count_p);
}

//  Custom actors: name and role required, command and knobs optional
static void
s_load_customs (s_loader_t *self, const yaml_node_t *node)
{
    static const char *const keys[] = {"name", "role", "command", "knobs", NULL};
    char got[TF_YAML_TEXT_SIZE + 8];
    tf_plan_t *plan = self->plan;
    if (s_null (node))
        return;
    if (node->type != YAML_SEQUENCE_NODE) {
        s_error (self, node, "custom", "expected a list, got %s",
                 s_describe (node, got, sizeof got));
        return;
    }
    size_t count = (size_t) (node->data.sequence.items.top - node->data.sequence.items.start);
    if (count > TF_PLAN_MAX_ITEMS) {
        s_error (self, node, "custom", "expected at most %d entries, got %zu", TF_PLAN_MAX_ITEMS,
                 count);
        return;
    }
    for (size_t index = 0; index < count; index++) {
        yaml_node_t *entry = s_node (self, node->data.sequence.items.start[index]);
        char path[TF_PLAN_PATH_SIZE], field[TF_PLAN_PATH_SIZE];
        s_path (path, sizeof path, "custom[%zu]", index);
        s_mark (self, path, entry);
        if (!s_check_map (self, entry, path, keys))
            continue;
        tf_plan_item_t *item = tf_plan_item_append (&plan->customs, &plan->custom_count);
        yaml_node_t *value;
        s_path (field, sizeof field, "%s.name", path);
        if ((value = s_get (self, entry, "name")))
            s_get_string (self, value, field, TF_PLAN_MAX_NAME, &item->name);
        else
            s_error (self, entry, field, "missing: every custom actor needs a name");
        s_path (field, sizeof field, "%s.role", path);
        if ((value = s_get (self, entry, "role")))
            s_get_string (self, value, field, TF_PLAN_MAX_NAME, &item->role);
        else
            s_error (self, entry, field, "missing: expected workload or expectation");
        s_path (field, sizeof field, "%s.command", path);
        if ((value = s_get (self, entry, "command")) && !s_null (value))
            s_get_string (self, value, field, TF_PLAN_MAX_STR, &item->command);
        s_path (field, sizeof field, "%s.knobs", path);
        if ((value = s_get (self, entry, "knobs")))
            s_load_knobs (self, item, NULL, value, field);
    }
}

//  duration, seed, runner, fail_fast
static void
s_load_run (s_loader_t *self, const yaml_node_t *node)
{
    static const char *const keys[] = {"duration", "seed", "runner", "fail_fast", NULL};
    tf_plan_t *plan = self->plan;
    if (!s_check_map (self, node, "run", keys))
        return;
    yaml_node_t *value;
    if ((value = s_get (self, node, "duration")))
        s_get_duration (self, value, "run.duration", &plan->duration_ms);
    if ((value = s_get (self, node, "seed")))
        s_get_u64 (self, value, "run.seed", UINT64_MAX, &plan->seed);
    if ((value = s_get (self, node, "runner")))
        s_get_string (self, value, "run.runner", TF_PLAN_MAX_NAME, &plan->runner);
    if ((value = s_get (self, node, "fail_fast")))
        s_get_bool (self, value, "run.fail_fast", &plan->fail_fast);
}

//  slot, active_slot_coeff, security_param
static void
s_load_consensus (s_loader_t *self, const yaml_node_t *node)
{
    static const char *const keys[] = {"slot", "active_slot_coeff", "security_param", NULL};
    tf_plan_t *plan = self->plan;
    if (!s_check_map (self, node, "consensus", keys))
        return;
    yaml_node_t *value;
    if ((value = s_get (self, node, "slot")))
        s_get_duration (self, value, "consensus.slot", &plan->slot_ms);
    if ((value = s_get (self, node, "active_slot_coeff")))
        s_get_float (self, value, "consensus.active_slot_coeff", &plan->active_slot_coeff);
    if ((value = s_get (self, node, "security_param")))
        s_get_u32 (self, value, "consensus.security_param", &plan->security_param);
}

//  cpu, memory of node.requests (first = TF_PLAN_RESOURCE_CPU_REQUEST) or
//  node.limits (first = TF_PLAN_RESOURCE_CPU_LIMIT)
static void
s_load_resources (s_loader_t *self, const yaml_node_t *node, const char *path, int first)
{
    static const char *const keys[] = {"cpu", "memory", NULL};
    if (!s_check_map (self, node, path, keys))
        return;
    for (int which = 0; which < 2; which++) {
        yaml_node_t *value = s_get (self, node, keys[which]);
        if (value)
            s_get_string (self, value, tf_plan_resource_path ((tf_plan_resource_t) (first + which)),
                          TF_PLAN_MAX_QUANTITY, &self->plan->resources[first + which]);
    }
}

//  profile, requests, limits
static void
s_load_node (s_loader_t *self, const yaml_node_t *node)
{
    static const char *const keys[] = {"profile", "requests", "limits", NULL};
    if (!s_check_map (self, node, "node", keys))
        return;
    yaml_node_t *value;
    if ((value = s_get (self, node, "profile")))
        s_get_string (self, value, "node.profile", TF_PLAN_MAX_NAME, &self->plan->node_profile);
    if ((value = s_get (self, node, "requests")))
        s_load_resources (self, value, "node.requests", TF_PLAN_RESOURCE_CPU_REQUEST);
    if ((value = s_get (self, node, "limits")))
        s_load_resources (self, value, "node.limits", TF_PLAN_RESOURCE_CPU_LIMIT);
}

//  prometheus
static void
s_load_observability (s_loader_t *self, const yaml_node_t *node)
{
    static const char *const keys[] = {"prometheus", NULL};
    if (!s_check_map (self, node, "observability", keys))
        return;
    yaml_node_t *value;
    if ((value = s_get (self, node, "prometheus")))
        s_get_bool (self, value, "observability.prometheus", &self->plan->prometheus);
}

//  hosts: a list of {name, agent, cert, address, nodes}, the hosts the nodes
//  are on; a cert path is taken from the scenario's directory
static void
s_load_hosts (s_loader_t *self, const yaml_node_t *node)
{
    static const char *const keys[] = {"name", "agent", "cert", "address", "nodes", NULL};
    static const char *const fields[] = {"name", "agent", "cert", "address"};
    char got[TF_YAML_TEXT_SIZE + 8];
    s_mark (self, "hosts", node);
    if (node->type != YAML_SEQUENCE_NODE) {
        s_error (self, node, "hosts",
                 "expected a list of hosts such as `- {name: far, agent: "
                 "\"tcp://10.0.0.2:7100\", cert: far.cert, address: 10.0.0.2}`, got %s",
                 s_describe (node, got, sizeof got));
        return;
    }
    size_t count = (size_t) (node->data.sequence.items.top - node->data.sequence.items.start);
    if (count > TF_PLAN_MAX_NODES) {
        s_error (self, node, "hosts", "expected at most %d hosts, got %zu", TF_PLAN_MAX_NODES,
                 count);
        return;
    }
    for (size_t index = 0; index < count; index++) {
        yaml_node_t *entry = s_node (self, node->data.sequence.items.start[index]);
        char path[TF_PLAN_PATH_SIZE], field[TF_PLAN_PATH_SIZE];
        s_path (path, sizeof path, "hosts[%zu]", index);
        s_mark (self, path, entry);
        if (!s_check_map (self, entry, path, keys))
            continue;
        tf_plan_host_t *host = tf_plan_add_host (self->plan, NULL, NULL, NULL, NULL);
        char **targets[] = {&host->name, &host->agent, &host->cert, &host->address};
        for (size_t at = 0; at < sizeof fields / sizeof fields[0]; at++) {
            s_path (field, sizeof field, "%s.%s", path, fields[at]);
            yaml_node_t *value = s_get (self, entry, fields[at]);
            if (value) {
                s_mark (self, field, value);
                s_get_string (self, value, field, TF_PLAN_MAX_STR, targets[at]);
            }
        }
        if (host->cert) {
            char *relative = host->cert;
            host->cert = s_keys_path (self->file, relative);
            free (relative);
        }
        yaml_node_t *nodes = s_get (self, entry, "nodes");
        if (!nodes)
            continue;
        s_path (field, sizeof field, "%s.nodes", path);
        s_mark (self, field, nodes);
        if (nodes->type != YAML_SEQUENCE_NODE) {
            s_error (self, nodes, field,
                     "expected a list of node names such as [validator-0], got %s",
                     s_describe (nodes, got, sizeof got));
            continue;
        }
        host->nodes = (char **) zmalloc (sizeof (char *)); //  An empty list is still a list
        size_t names = (size_t) (nodes->data.sequence.items.top - nodes->data.sequence.items.start);
        for (size_t at = 0; at < names; at++) {
            yaml_node_t *item = s_node (self, nodes->data.sequence.items.start[at]);
            char item_path[TF_PLAN_PATH_SIZE];
            s_path (item_path, sizeof item_path, "%s.nodes[%zu]", path, at);
            s_mark (self, item_path, item);
            char *name = NULL;
            if (s_get_string (self, item, item_path, TF_PLAN_MAX_NAME, &name) == 0)
                tf_plan_host_add_node (host, name);
            else
                tf_plan_host_add_node (host, ""); //  Keeps the indices of the marks
            free (name);
        }
    }
}

//  The whole document
static void
s_load_root (s_loader_t *self, const yaml_node_t *root)
{
    static const char *const keys[] = {
        "name",      "topology",     "wallets", "workloads",     "expectations", "custom", "run",
        "consensus", "node_control", "node",    "observability", "hosts",        NULL};
    tf_plan_t *plan = self->plan;
    if (!s_check_map (self, root, "", keys))
        return;
    yaml_node_t *value;
    if ((value = s_get (self, root, "name")))
        s_get_string (self, value, "name", TF_PLAN_MAX_NAME, &plan->name);
    if ((value = s_get (self, root, "topology")))
        s_load_topology (self, value);
    if ((value = s_get (self, root, "wallets")))
        s_load_wallets (self, value);
    if ((value = s_get (self, root, "workloads")))
        s_load_list (self, value, "workloads", &plan->workloads, &plan->workload_count);
    if ((value = s_get (self, root, "expectations")))
        s_load_list (self, value, "expectations", &plan->expectations, &plan->expectation_count);
    if ((value = s_get (self, root, "custom")))
        s_load_customs (self, value);
    if ((value = s_get (self, root, "run")))
        s_load_run (self, value);
    if ((value = s_get (self, root, "consensus")))
        s_load_consensus (self, value);
    if ((value = s_get (self, root, "node_control")))
        s_get_bool (self, value, "node_control", &plan->node_control);
    if ((value = s_get (self, root, "node")))
        s_load_node (self, value);
    if ((value = s_get (self, root, "observability")))
        s_load_observability (self, value);
    if ((value = s_get (self, root, "hosts")))
        s_load_hosts (self, value);
}

//  The scenario's default name: the file's base name without its extension
static char *
s_default_name (const char *file)
{
    const char *slash = strrchr (file, '/');
    char *name = strdup (slash ? slash + 1 : file);
    char *dot = strrchr (name, '.');
    if (dot && dot != name)
        *dot = 0;
    return name;
}

//  Report a libyaml parse failure at its position
static void
s_syntax_error (s_loader_t *self, const yaml_parser_t *parser)
{
    const yaml_mark_t *mark = parser->problem ? &parser->problem_mark : &parser->context_mark;
    tf_plan_errors_add (self->errors, self->file, (int) mark->line + 1, (int) mark->column + 1, "",
                        "YAML syntax error: %s%s%s", parser->problem ? parser->problem : "unknown",
                        parser->context ? " " : "", parser->context ? parser->context : "");
}

//  Check the text is a scenario's size and holds no NUL, then parse, walk,
//  validate with the marks, and sort the errors by position. The plan is
//  returned only when this load added no error
tf_plan_t *
tf_plan_load_buffer (const char *yaml, size_t size, const char *name, tf_plan_errors_t *errors)
{
    assert ((yaml || size == 0) && errors);
    const char *file = name ? name : "<string>";
    if (size > TF_PLAN_MAX_FILE) {
        tf_plan_errors_add (errors, file, 0, 0, "", "too large: scenarios are at most %u bytes",
                            TF_PLAN_MAX_FILE);
        return NULL;
    }
    if (size && memchr (yaml, 0, size)) {
        tf_plan_errors_add (errors, file, 0, 0, "", "not a text file (holds a NUL byte)");
        return NULL;
    }
    size_t since = tf_plan_errors_count (errors);
    char *default_name = s_default_name (file);
    s_loader_t self = {NULL, file, tf_plan_new (default_name), {0}, errors};
    free (default_name);
    self.plan->source = strdup (file);

    yaml_parser_t parser;
    yaml_document_t document;
    bool have_document = false;
    if (!yaml_parser_initialize (&parser))
        abort (); //  libyaml fails here only out of memory
    yaml_parser_set_input_string (&parser, (const unsigned char *) (size ? yaml : ""), size);
    if (!yaml_parser_load (&parser, &document)) {
        s_syntax_error (&self, &parser);
        goto out;
    }
    have_document = true;
    self.document = &document;
    //  Every key is optional, so an empty file (or only comments) is `{}`
    yaml_node_t *root = yaml_document_get_root_node (&document);
    if (root)
        s_load_root (&self, root);

    //  One scenario per file: a second document is a mistake
    yaml_document_t next;
    if (!yaml_parser_load (&parser, &next))
        s_syntax_error (&self, &parser);
    else {
        yaml_node_t *extra = yaml_document_get_root_node (&next);
        if (extra)
            s_error (&self, extra, "", "expected one YAML document, found another");
        yaml_document_delete (&next);
    }
    //  Semantic checks run even after structural errors, so the user sees both;
    //  checks on a value the loader already rejected are skipped (errors_touch)
    tf_plan_validate_marked (self.plan, &self.marks, errors, since);

out:
    if (have_document)
        yaml_document_delete (&document);
    yaml_parser_delete (&parser);
    tf_plan_marks_clear (&self.marks);
    tf_plan_errors_sort (errors, since);
    if (tf_plan_errors_count (errors) > since)
        tf_plan_destroy (&self.plan);
    return self.plan;
}

tf_plan_t *
tf_plan_load_string (const char *yaml, const char *name, tf_plan_errors_t *errors)
{
    assert (yaml);
    return tf_plan_load_buffer (yaml, strlen (yaml), name, errors);
}

//  Read the whole file (one byte past the limit, so that a larger file is
//  seen as such) and load it as a buffer
tf_plan_t *
tf_plan_load (const char *path, tf_plan_errors_t *errors)
{
    assert (path && errors);
    tf_plan_t *plan = NULL;
    char *text = NULL;
    //  O_NONBLOCK: a FIFO without a writer must not block the open; only a
    //  regular file is read
    FILE *file = NULL;
    int fd = open (path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    struct stat status;
    if (fd < 0) {
        tf_plan_errors_add (errors, path, 0, 0, "", "cannot open: %s", strerror (errno));
        goto out;
    }
    if (fstat (fd, &status) || !S_ISREG (status.st_mode)) {
        tf_plan_errors_add (errors, path, 0, 0, "",
                            "not a regular file: a scenario is a YAML file");
        close (fd);
        goto out;
    }
    fcntl (fd, F_SETFL, fcntl (fd, F_GETFL) & ~O_NONBLOCK);
    file = fdopen (fd, "rb");
    assert (file);
    text = (char *) zmalloc (TF_PLAN_MAX_FILE + 1);
    size_t size = fread (text, 1, TF_PLAN_MAX_FILE + 1, file);
    if (ferror (file)) {
        tf_plan_errors_add (errors, path, 0, 0, "", "cannot read: %s", strerror (errno));
        goto out;
    }
    plan = tf_plan_load_buffer (text, size, path, errors);
out:
    if (file)
        fclose (file);
    free (text);
    return plan;
}
