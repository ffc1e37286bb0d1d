//  tf_plan_validate.c - semantic checks of a plan, and its normalisation
//
//  Runs on every plan, whether the loader or the builder made it: counts and
//  bounds, knobs against the catalogue, and the combinations that cannot work
//  (DA without executors, chaos without node control, transactions without
//  wallets...). Every problem is reported, not just the first. On the way the
//  knobs of catalogue kinds get their defaults and the catalogue's order, so
//  two plans that mean the same thing pack to the same bytes.

#include "tf_plan_private.h"
#include "tf_plan_keys.h"
#include "tf_catalog.h"
#include "tf_size.h"
#include <czmq.h>
#include <math.h>
#include <arpa/inet.h>

#define TF_VALIDATE_TEXT_SIZE 96 //  Room for a value or a bound, printed

typedef struct {
    tf_plan_t *plan;              //  Being checked, not owned
    const tf_plan_marks_t *marks; //  Positions from the loader, or NULL
    tf_plan_errors_t *errors;     //  Where problems go, not owned
    size_t since;                 //  First error of this load or validation
} s_check_t;

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

static void s_fail (s_check_t *check, const char *path, const char *format, ...)
    __attribute__ ((format (printf, 3, 4)));

static void s_check_resources (s_check_t *check);

//  Report one problem at path, positioned by the loader's marks when known
static void
s_fail (s_check_t *check, const char *path, const char *format, ...)
{
    char message[TF_PLAN_PATH_SIZE * 2];
    va_list args;
    va_start (args, format);
    vsnprintf (message, sizeof message, format, args);
    va_end (args);
    const tf_plan_mark_t *mark = tf_plan_marks_find (check->marks, path);
    tf_plan_errors_add (check->errors, check->plan->source, mark ? mark->line : 0,
                        mark ? mark->column : 0, path, "%s", message);
}

//  True when path (or something under it) was already reported
static bool
s_bad (s_check_t *check, const char *path)
{
    return tf_plan_errors_touch (check->errors, check->since, path);
}

//  Free text (names, commands, string knobs) must be UTF-8, as YAML and the
//  reports that quote it are; reports at path when it is not
static void
s_check_text (s_check_t *check, const char *path, const char *text)
{
    if (text && !tf_plan_utf8_valid (text, strlen (text)))
        s_fail (check, path, "expected UTF-8 text");
}

//  True when a node count was already reported (the network name does not count)
static bool
s_counts_bad (s_check_t *check)
{
    return s_bad (check, "topology.validators") || s_bad (check, "topology.executors")
           || s_bad (check, "topology.nodes");
}

//  A name safe for files and logs: letters, digits, '.', '_', '-', not starting with '.'
static bool
s_valid_actor_name (const char *name)
{
    if (!name || !*name || *name == '.' || strlen (name) > TF_PLAN_MAX_NAME)
        return false;
    for (const char *cursor = name; *cursor; cursor++)
        if (!isalnum ((unsigned char) *cursor) && !strchr ("._-", *cursor))
            return false;
    return true;
}

//  A node of this topology: "validator-<i>" or "executor-<i>" with i in range
static bool
s_valid_node_name (const tf_plan_t *plan, const char *name)
{
    static const char validator[] = "validator-";
    static const char executor[] = "executor-";
    const char *number = NULL;
    uint32_t limit = 0;
    if (strncmp (name, validator, strlen (validator)) == 0) {
        number = name + strlen (validator);
        limit = plan->validators;
    }
    else if (strncmp (name, executor, strlen (executor)) == 0) {
        number = name + strlen (executor);
        limit = plan->executors;
    }
    if (!number || !isdigit ((unsigned char) *number))
        return false;
    char *end = NULL;
    unsigned long index = strtoul (number, &end, 10);
    return *end == 0 && index < limit;
}

//  Print a knob value as a user would write it
static void
s_value_text (const tf_knob_t *knob, char *out, size_t size)
{
    switch (knob->type) {
        case TF_KNOB_INT:
            snprintf (out, size, "%" PRId64, knob->value.i);
            break;
        case TF_KNOB_FLOAT:
            snprintf (out, size, "%g", knob->value.f);
            break;
        case TF_KNOB_BOOL:
            snprintf (out, size, "%s", knob->value.b ? "true" : "false");
            break;
        case TF_KNOB_STR:
            snprintf (out, size, "'%s'", knob->value.s);
            break;
        case TF_KNOB_DURATION:
            tf_plan_duration_format (knob->value.i, out, size);
            break;
    }
}

//  "an integer >= 1", "a number > 0 and <= 1", "a duration between 0ms and 24h"
static void
s_expected_text (const tf_catalog_knob_t *entry, char *out, size_t size)
{
    const char *noun = entry->type == TF_KNOB_INT        ? "an integer"
                       : entry->type == TF_KNOB_FLOAT    ? "a number"
                       : entry->type == TF_KNOB_DURATION ? "a duration"
                       : entry->type == TF_KNOB_BOOL     ? "true or false"
                                                         : "a string";
    char range[TF_VALIDATE_TEXT_SIZE];
    tf_catalog_knob_range (entry, range, sizeof range);
    snprintf (out, size, "%s%s%s", noun, *range ? " " : "", range);
}

//  Bring a knob to the catalogue's type when the two mean the same thing (a
//  builder's int for a number or a duration); -1 when they cannot
static int
s_coerce (tf_knob_t *knob, tf_knob_type_t type)
{
    if (knob->type == type)
        return 0;
    if (type == TF_KNOB_FLOAT && knob->type == TF_KNOB_INT) {
        double value = (double) knob->value.i;
        knob->value.f = value;
        knob->type = TF_KNOB_FLOAT;
        return 0;
    }
    if (type == TF_KNOB_DURATION && knob->type == TF_KNOB_INT) {
        knob->type = TF_KNOB_DURATION; //  Both hold int64 milliseconds
        return 0;
    }
    return -1;
}

//  True when a numeric knob lies within the catalogue's bounds
static bool
s_in_bounds (const tf_catalog_knob_t *entry, const tf_knob_t *knob)
{
    double value;
    if (entry->type == TF_KNOB_INT || entry->type == TF_KNOB_DURATION)
        value = (double) knob->value.i;
    else if (entry->type == TF_KNOB_FLOAT)
        value = knob->value.f;
    else
        return true;
    if (!isfinite (value) || value > entry->maximum)
        return false;
    return entry->exclusive_minimum ? value > entry->minimum : value >= entry->minimum;
}

//  Check each knob of a catalogue item, fill in defaults and put the knobs in
//  catalogue order (unknown ones, already reported, go last)
static void
s_check_knobs (s_check_t *check, tf_plan_item_t *item, const tf_catalog_kind_t *kind,
               const char *path)
{
    char knob_path[TF_PLAN_PATH_SIZE];
    for (size_t index = 0; index < item->knob_count; index++) {
        tf_knob_t *knob = &item->knobs[index];
        s_path (knob_path, sizeof knob_path, "%s.%s", path, knob->key);
        if (s_bad (check, knob_path))
            continue; //  The loader said why already
        const tf_catalog_knob_t *entry = tf_catalog_knob (kind, knob->key);
        if (!entry) {
            char *known = tf_catalog_knob_names (kind);
            s_fail (check, knob_path, "unknown knob '%s' of %s (known: %s)", knob->key, kind->kind,
                    known);
            free (known);
            continue;
        }
        char expected[TF_VALIDATE_TEXT_SIZE * 3], got[TF_VALIDATE_TEXT_SIZE];
        s_expected_text (entry, expected, sizeof expected);
        if (s_coerce (knob, entry->type)) {
            s_fail (check, knob_path, "expected %s, got a %s", expected,
                    tf_catalog_type_str (knob->type));
            continue;
        }
        if (!s_in_bounds (entry, knob)) {
            s_value_text (knob, got, sizeof got);
            s_fail (check, knob_path, "expected %s, got %s", expected, got);
        }
        else if (entry->type == TF_KNOB_STR && strlen (knob->value.s) > TF_PLAN_MAX_STR)
            s_fail (check, knob_path, "expected at most %d bytes", TF_PLAN_MAX_STR);
        else if (entry->type == TF_KNOB_STR)
            s_check_text (check, knob_path, knob->value.s);
    }

    //  Normalise: every catalogue knob present, in catalogue order
    tf_knob_t *ordered =
        (tf_knob_t *) zmalloc ((kind->knob_count + item->knob_count) * sizeof (tf_knob_t));
    bool *taken = (bool *) zmalloc ((item->knob_count + 1) * sizeof (bool));
    size_t count = 0;
    for (size_t index = 0; index < kind->knob_count; index++) {
        const tf_catalog_knob_t *entry = &kind->knobs[index];
        size_t found = item->knob_count;
        for (size_t knob = 0; knob < item->knob_count && found == item->knob_count; knob++)
            if (!taken[knob] && streq (item->knobs[knob].key, entry->name))
                found = knob;
        if (found < item->knob_count) {
            ordered[count++] = item->knobs[found];
            taken[found] = true;
        }
        else {
            tf_knob_t *knob = &ordered[count++];
            knob->key = strdup (entry->name);
            int rc = tf_plan_knob_parse (knob, entry->type, entry->fallback);
            assert (rc == 0); //  The catalogue's defaults parse
            (void) rc;
        }
    }
    for (size_t knob = 0; knob < item->knob_count; knob++)
        if (!taken[knob])
            ordered[count++] = item->knobs[knob];
    free (taken);
    free (item->knobs);
    item->knobs = ordered;
    item->knob_count = count;
}

//  Knobs of a custom actor: any type, but bounded sizes
static void
s_check_free_knobs (s_check_t *check, tf_plan_item_t *item, const char *path)
{
    char knob_path[TF_PLAN_PATH_SIZE];
    if (item->knob_count > TF_PLAN_MAX_KNOBS)
        s_fail (check, path, "expected at most %d knobs, got %zu", TF_PLAN_MAX_KNOBS,
                item->knob_count);
    for (size_t index = 0; index < item->knob_count; index++) {
        const tf_knob_t *knob = &item->knobs[index];
        s_path (knob_path, sizeof knob_path, "%s.%s", path, knob->key);
        if (strlen (knob->key) > TF_PLAN_MAX_NAME)
            s_fail (check, knob_path, "knob names are at most %d bytes", TF_PLAN_MAX_NAME);
        s_check_text (check, knob_path, knob->key);
        if (knob->type == TF_KNOB_STR && strlen (knob->value.s) > TF_PLAN_MAX_STR)
            s_fail (check, knob_path, "expected at most %d bytes", TF_PLAN_MAX_STR);
        else if (knob->type == TF_KNOB_STR)
            s_check_text (check, knob_path, knob->value.s);
        if (knob->type == TF_KNOB_FLOAT && !isfinite (knob->value.f))
            s_fail (check, knob_path, "expected a finite number");
    }
}

//  Kind-specific rules that involve more than one knob or the topology
static void
s_check_kind_rules (s_check_t *check, tf_plan_item_t *item, const char *path)
{
    tf_plan_t *plan = check->plan;
    char knob_path[TF_PLAN_PATH_SIZE];
    if (streq (item->kind, "transactions")) {
        s_path (knob_path, sizeof knob_path, "%s.users", path);
        int64_t users = tf_plan_knob_int (item, "users", 1);
        if (plan->wallets > 0 && users > (int64_t) plan->wallets && !s_bad (check, "wallets")
            && !s_bad (check, knob_path))
            s_fail (check, knob_path,
                    "expected at most %u users (the number of wallets), got %" PRId64,
                    plan->wallets, users);
    }
    else if (streq (item->kind, "tx_throughput")) {
        const char *limits[] = {"min_accepted_tps", "min_included_tps", "max_latency_p99",
                                "max_latency_lib_p99"};
        bool any = false, bad = false;
        for (size_t index = 0; index < sizeof limits / sizeof limits[0]; index++) {
            s_path (knob_path, sizeof knob_path, "%s.%s", path, limits[index]);
            bad = bad || s_bad (check, knob_path);
            any = any || tf_plan_knob_float (item, limits[index], 0) > 0
                  || tf_plan_knob_ms (item, limits[index], 0) > 0;
        }
        if (!any && !bad)
            s_fail (check, path,
                    "tx_throughput judges nothing: set min_accepted_tps, min_included_tps, "
                    "max_latency_p99 or max_latency_lib_p99");
    }
    else if (streq (item->kind, "chaos_random_restart")) {
        char max_path[TF_PLAN_PATH_SIZE];
        s_path (knob_path, sizeof knob_path, "%s.min_delay", path);
        s_path (max_path, sizeof max_path, "%s.max_delay", path);
        int64_t min_delay = tf_plan_knob_ms (item, "min_delay", 0);
        int64_t max_delay = tf_plan_knob_ms (item, "max_delay", 0);
        if (min_delay > max_delay && !s_bad (check, knob_path) && !s_bad (check, max_path)) {
            char low[TF_VALIDATE_TEXT_SIZE], high[TF_VALIDATE_TEXT_SIZE];
            tf_plan_duration_format (min_delay, low, sizeof low);
            tf_plan_duration_format (max_delay, high, sizeof high);
            s_fail (check, knob_path, "min_delay (%s) must not exceed max_delay (%s)", low, high);
        }
        bool validators = tf_plan_knob_bool (item, "validators", false) && plan->validators > 1;
        bool executors = tf_plan_knob_bool (item, "executors", false) && plan->executors > 0;
        s_path (knob_path, sizeof knob_path, "%s.validators", path);
        s_path (max_path, sizeof max_path, "%s.executors", path);
        if (!validators && !executors && !s_counts_bad (check) && !s_bad (check, knob_path)
            && !s_bad (check, max_path))
            s_fail (check, path,
                    "chaos restart workload has no eligible targets (restarting "
                    "validators needs two or more, restarting executors one or more)");
    }
    else if (streq (item->kind, "chaos_partition")) {
        uint32_t total = plan->validators + plan->executors;
        if (total < 2 && !s_counts_bad (check))
            s_fail (check, path, "chaos partition needs at least two nodes");
        s_path (knob_path, sizeof knob_path, "%s.group", path);
        const char *group = tf_plan_knob_str (item, "group", "");
        if (*group && !s_bad (check, knob_path) && !s_counts_bad (check)) {
            char *copy = strdup (group);
            char *cursor = copy, *name;
            size_t members = 0;
            bool valid = true;
            while ((name = strsep (&cursor, ",")) && valid) {
                valid = s_valid_node_name (plan, name);
                members++;
                if (!valid)
                    s_fail (check, knob_path,
                            "no node '%s' in this topology (expected "
                            "validator-<i> or executor-<i>, comma-separated)",
                            name);
            }
            if (valid && members >= total)
                s_fail (check, knob_path, "the group must leave at least one node outside");
            free (copy);
        }
    }
    else if (streq (item->kind, "chaos_loss") || streq (item->kind, "chaos_bandwidth")) {
        s_path (knob_path, sizeof knob_path, "%s.nodes", path);
        const char *nodes = tf_plan_knob_str (item, "nodes", "");
        if (*nodes && !s_bad (check, knob_path) && !s_counts_bad (check)) {
            char *copy = strdup (nodes);
            char *cursor = copy, *name;
            bool valid = true;
            while ((name = strsep (&cursor, ",")) && valid) {
                valid = s_valid_node_name (plan, name);
                if (!valid)
                    s_fail (check, knob_path,
                            "no node '%s' in this topology (expected "
                            "validator-<i> or executor-<i>, comma-separated)",
                            name);
            }
            free (copy);
        }
    }
    else if (streq (item->kind, "prometheus_query")) {
        static const char *const ops[] = {"<", "<=", ">", ">=", "==", "!="};
        s_path (knob_path, sizeof knob_path, "%s.query", path);
        if (!*tf_plan_knob_str (item, "query", "") && !s_bad (check, knob_path))
            s_fail (check, path, "knob query missing: expected a PromQL query");
        s_path (knob_path, sizeof knob_path, "%s.op", path);
        const char *op = tf_plan_knob_str (item, "op", ">");
        bool known = false;
        for (size_t index = 0; index < sizeof ops / sizeof ops[0]; index++)
            known = known || streq (op, ops[index]);
        if (!known && !s_bad (check, knob_path))
            s_fail (check, knob_path, "expected one of <, <=, >, >=, ==, !=, got '%s'", op);
        s_path (knob_path, sizeof knob_path, "%s.during", path);
        const char *during = tf_plan_knob_str (item, "during", "evaluate");
        if (!streq (during, "evaluate") && !streq (during, "run") && !s_bad (check, knob_path))
            s_fail (check, knob_path, "expected evaluate or run, got '%s'", during);
        plan->prometheus = true; //  It needs a server: the runner starts one
    }
    else if (streq (item->kind, "node_resources")) {
        s_path (knob_path, sizeof knob_path, "%s.max_rss", path);
        const char *max_rss = tf_plan_knob_str (item, "max_rss", "0");
        uint64_t bytes = 0;
        if (tf_size_parse (max_rss, &bytes) && !s_bad (check, knob_path))
            s_fail (check, knob_path,
                    "expected bytes or a size (512MiB, 1.5GiB, 200MB, 4096), got '%s'", max_rss);
    }
    else if (streq (item->kind, "chaos_pause")) {
        s_path (knob_path, sizeof knob_path, "%s.node", path);
        const char *node = tf_plan_knob_str (item, "node", "");
        if (*node && !s_bad (check, knob_path) && !s_counts_bad (check)
            && !s_valid_node_name (plan, node))
            s_fail (check, knob_path,
                    "no node '%s' in this topology (expected validator-<i> "
                    "or executor-<i>)",
                    node);
    }
}

//  True when some workload of the plan has this kind
static bool
s_has_workload (const tf_plan_t *plan, const char *kind)
{
    for (size_t index = 0; index < plan->workload_count; index++)
        if (plan->workloads[index].kind && streq (plan->workloads[index].kind, kind))
            return true;
    return false;
}

//  Check one workload or expectation of a catalogue kind, and what it needs
static void
s_check_item (s_check_t *check, tf_plan_item_t *item, tf_role_t role, const char *list,
              size_t index)
{
    tf_plan_t *plan = check->plan;
    char entry_path[TF_PLAN_PATH_SIZE], path[TF_PLAN_PATH_SIZE];
    s_path (entry_path, sizeof entry_path, "%s[%zu]", list, index);
    if (s_bad (check, entry_path) && !item->kind)
        return;
    const tf_catalog_kind_t *kind = tf_catalog_kind (item->kind);
    if (!kind || kind->role != role) {
        char *known = tf_catalog_kind_names (role);
        if (kind)
            s_fail (check, entry_path, "'%s' is an %s, not a %s (known %ss: %s)", item->kind,
                    tf_catalog_role_str (kind->role), tf_catalog_role_str (role),
                    tf_catalog_role_str (role), known);
        else
            s_fail (check, entry_path, "unknown %s kind '%s' (known: %s)",
                    tf_catalog_role_str (role), item->kind ? item->kind : "", known);
        free (known);
        return;
    }
    s_path (path, sizeof path, "%s.%s", entry_path, item->kind);
    tf_plan_item_t *items = role == TF_ROLE_WORKLOAD ? plan->workloads : plan->expectations;
    size_t count = role == TF_ROLE_WORKLOAD ? plan->workload_count : plan->expectation_count;
    if (!item->name || !*item->name)
        tf_plan_item_name_after_kind (items, count, item);
    //  Built-in actors are named by kind and place, never by hand: the name is
    //  a file name in the run's logs, and what tf replay finds results by
    char *name = tf_plan_item_kind_name (items, count, item);
    if (!streq (item->name, name))
        s_fail (check, path, "actor name '%s' is not the one its kind and place give it ('%s')",
                item->name, name);
    free (name);
    s_check_knobs (check, item, kind, path);

    if ((kind->needs & TF_CATALOG_NEEDS_EXECUTORS) && plan->executors == 0 && !s_counts_bad (check))
        s_fail (check, path,
                "%s workload requires at least one executor "
                "(topology.executors >= 1)",
                kind->kind);
    if (kind->actions && !plan->node_control && !s_bad (check, "node_control"))
        s_fail (check, path, "chaos workloads require node control (set node_control: true)");
    const tf_catalog_runner_t *runner = tf_catalog_runner (plan->runner);
    unsigned missing = runner ? kind->actions & ~runner->actions : 0;
    if (missing && runner->actions && plan->node_control && !s_bad (check, "run.runner")) {
        char *names = tf_catalog_action_names (missing);
        s_fail (check, path, "%s needs node control that runner '%s' cannot do: %s", kind->kind,
                runner->name, names);
        free (names);
    }
    if ((kind->needs & TF_CATALOG_NEEDS_WALLETS) && plan->wallets == 0 && !s_bad (check, "wallets"))
        s_fail (check, path, "transaction workload requires seeded wallets (set wallets: N)");
    if (kind->companion && !s_has_workload (plan, kind->companion))
        s_fail (check, path, "%s requires a %s workload", kind->kind, kind->companion);
    s_check_kind_rules (check, item, path);
}

//  Runners that can do some node control, as "local or compose"; caller frees
static char *
s_runners_with_actions (void)
{
    char *text = strdup ("");
    size_t count = tf_catalog_runner_count (), listed = 0;
    for (size_t index = 0; index < count; index++) {
        const tf_catalog_runner_t *runner = tf_catalog_runner_at (index);
        if (!runner->actions)
            continue;
        char *longer = zsys_sprintf ("%s%s%s", text, listed ? " or " : "", runner->name);
        free (text);
        text = longer;
        listed++;
    }
    return text;
}

//  Check a custom actor: name, role, command, knobs
static void
s_check_custom (s_check_t *check, tf_plan_item_t *item, size_t index)
{
    char path[TF_PLAN_PATH_SIZE], field[TF_PLAN_PATH_SIZE];
    s_path (path, sizeof path, "custom[%zu]", index);
    s_path (field, sizeof field, "%s.name", path);
    if (!s_bad (check, field) && !s_valid_actor_name (item->name))
        s_fail (check, field,
                "expected a name of letters, digits, '.', '_' or '-' (at most "
                "%d bytes), got '%s'",
                TF_PLAN_MAX_NAME, item->name ? item->name : "");
    s_path (field, sizeof field, "%s.role", path);
    if (!s_bad (check, field)
        && (!item->role || (!streq (item->role, "workload") && !streq (item->role, "expectation"))))
        s_fail (check, field, "expected workload or expectation, got '%s'",
                item->role ? item->role : "");
    s_path (field, sizeof field, "%s.command", path);
    if (item->command && (!*item->command || strlen (item->command) > TF_PLAN_MAX_STR))
        s_fail (check, field,
                "expected a non-empty command of at most %d bytes (or no "
                "command, for an actor that attaches by itself)",
                TF_PLAN_MAX_STR);
    else
        s_check_text (check, field, item->command);
    s_path (field, sizeof field, "%s.knobs", path);
    s_check_free_knobs (check, item, field);
}

//  Every actor name appears once; custom names must not take a built-in's
static void
s_check_unique_names (s_check_t *check)
{
    tf_plan_t *plan = check->plan;
    static const char *reserved[] = {"deployer", "scanner"};
    char path[TF_PLAN_PATH_SIZE];
    for (size_t index = 0; index < plan->custom_count; index++) {
        const char *name = plan->customs[index].name;
        s_path (path, sizeof path, "custom[%zu].name", index);
        if (!name || s_bad (check, path))
            continue;
        bool clash = false;
        for (size_t word = 0; word < sizeof reserved / sizeof reserved[0]; word++)
            clash |= streq (name, reserved[word]);
        for (size_t other = 0; other < plan->workload_count; other++)
            clash |= plan->workloads[other].name && streq (plan->workloads[other].name, name);
        for (size_t other = 0; other < plan->expectation_count; other++)
            clash |= plan->expectations[other].name && streq (plan->expectations[other].name, name);
        for (size_t other = 0; other < index; other++)
            clash |= plan->customs[other].name && streq (plan->customs[other].name, name);
        if (clash)
            s_fail (check, path,
                    "actor name '%s' is already taken (names must be unique; "
                    "built-in actors are named after their kind)",
                    name);
    }
}

#define S_RUNNER_EXTERNAL "external" //  The runner of nodes someone else runs

//  The nodes of topology.external: names, URLs and roles; then validators
//  first (each keeping its order), and the counts taken from the list
static void
s_check_externals (s_check_t *check)
{
    tf_plan_t *plan = check->plan;
    bool external = plan->runner && streq (plan->runner, S_RUNNER_EXTERNAL);
    if (external && plan->external_count == 0 && !s_bad (check, "topology.external"))
        s_fail (check, "run.runner",
                "runner 'external' needs the nodes: topology: {external: [{name: validator-0, "
                "url: \"http://host:8080\", role: validator}, ...]}");
    if (!external && plan->external_count > 0 && !s_bad (check, "topology.external")
        && !s_bad (check, "run.runner"))
        s_fail (check, "topology.external",
                "only runner 'external' runs against nodes it did not deploy (runner is '%s'); "
                "set run: {runner: external}",
                plan->runner ? plan->runner : "");
    if (plan->external_count == 0)
        return;
    size_t since = tf_plan_errors_count (check->errors);
    uint32_t validators = 0, executors = 0;
    for (size_t index = 0; index < plan->external_count; index++) {
        const tf_plan_external_t *node = &plan->externals[index];
        char field[TF_PLAN_PATH_SIZE];
        s_path (field, sizeof field, "topology.external[%zu].name", index);
        if (node->name && !s_bad (check, field)) {
            if (!s_valid_actor_name (node->name))
                s_fail (check, field,
                        "expected a node name of letters, digits, '.', '_' or '-' (at most %d "
                        "bytes), got '%s'",
                        TF_PLAN_MAX_NAME, node->name);
            for (size_t other = 0; other < index; other++)
                if (plan->externals[other].name && streq (plan->externals[other].name, node->name))
                    s_fail (check, field,
                            "node name '%s' is already taken by "
                            "topology.external[%zu]",
                            node->name, other);
        }
        s_path (field, sizeof field, "topology.external[%zu].url", index);
        if (node->url && !s_bad (check, field)
            && ((strncmp (node->url, "http://", 7) && strncmp (node->url, "https://", 8))
                || strchr (node->url, ' ')))
            s_fail (check, field,
                    "expected the node's API base, such as http://host:8080, got '%s'", node->url);
        s_path (field, sizeof field, "topology.external[%zu].role", index);
        if (node->role && !s_bad (check, field) && !streq (node->role, "validator")
            && !streq (node->role, "executor"))
            s_fail (check, field, "expected validator or executor, got '%s'", node->role);
        if (node->role && streq (node->role, "executor"))
            executors++;
        else
            validators++;
    }
    for (size_t index = 0; index < plan->external_count; index++)
        if (!plan->externals[index].name || !plan->externals[index].url
            || !plan->externals[index].role)
            return; //  The loader said which is missing
    if (tf_plan_errors_count (check->errors) > since)
        return;
    //  Validators first, as every node table lists them: a stable partition
    tf_plan_external_t *sorted =
        (tf_plan_external_t *) zmalloc (plan->external_count * sizeof (tf_plan_external_t));
    size_t next = 0;
    for (int pass = 0; pass < 2; pass++)
        for (size_t index = 0; index < plan->external_count; index++)
            if (streq (plan->externals[index].role, "executor") == (pass == 1))
                sorted[next++] = plan->externals[index];
    memcpy (plan->externals, sorted, plan->external_count * sizeof (tf_plan_external_t));
    free (sorted);
    plan->validators = validators;
    plan->executors = executors;
}

//  wallets.keys: only for nodes tf did not deploy; the file is read, and each
//  of its lines is a wallet. Runner external has no genesis of tf's to fund
//  derived wallets.
static void
s_check_wallet_keys (s_check_t *check)
{
    tf_plan_t *plan = check->plan;
    bool external = plan->runner && streq (plan->runner, S_RUNNER_EXTERNAL);
    if (!plan->wallet_keys) {
        if (external && plan->wallets > 0 && !s_bad (check, "wallets"))
            s_fail (check, "wallets",
                    "runner 'external' cannot fund wallets (it writes no genesis): list the "
                    "funded ones in a key file, wallets: {keys: FILE}");
        return;
    }
    if (s_bad (check, "wallets.keys"))
        return;
    if (!external) {
        s_fail (check, "wallets.keys",
                "only runner 'external' spends from a key file (runner is '%s', whose genesis "
                "funds wallets: {count: N})",
                plan->runner ? plan->runner : "");
        return;
    }
    tf_plan_key_t *keys = NULL;
    size_t count = 0;
    if (tf_plan_keys_read (plan->wallet_keys, "wallets.keys", &keys, &count, check->errors) == 0)
        plan->wallets = (uint32_t) count;
    free (keys);
}

//  agent: tcp://IPV4:PORT, PORT 1..65535
static bool
s_valid_agent (const char *agent)
{
    static const char scheme[] = "tcp://";
    if (strncmp (agent, scheme, strlen (scheme)) != 0)
        return false;
    const char *host = agent + strlen (scheme);
    const char *colon = strrchr (host, ':');
    if (!colon || colon == host || (size_t) (colon - host) >= INET_ADDRSTRLEN)
        return false;
    char address[INET_ADDRSTRLEN];
    memcpy (address, host, (size_t) (colon - host));
    address[colon - host] = 0;
    struct in_addr parsed;
    char *end = NULL;
    long port = strtol (colon + 1, &end, 10);
    return inet_pton (AF_INET, address, &parsed) == 1 && colon[1] && !*end && port >= 1
           && port <= 65535;
}

//  One host's own keys: name, agent and cert, address
static void
s_check_host (s_check_t *check, size_t index)
{
    tf_plan_t *plan = check->plan;
    const tf_plan_host_t *host = &plan->hosts[index];
    char path[TF_PLAN_PATH_SIZE], field[TF_PLAN_PATH_SIZE];
    s_path (path, sizeof path, "hosts[%zu]", index);
    s_path (field, sizeof field, "%s.name", path);
    if (!s_bad (check, field) && !s_valid_actor_name (host->name))
        s_fail (check, host->name ? field : path,
                "%s: every host needs a name of letters, digits, '.', '_', '-'",
                host->name ? "expected a name" : "missing");
    for (size_t other = 0; host->name && other < index; other++)
        if (plan->hosts[other].name && streq (plan->hosts[other].name, host->name))
            s_fail (check, field, "host '%s' is named twice (hosts[%zu] too)", host->name, other);
    s_path (field, sizeof field, "%s.agent", path);
    if (host->agent && !s_bad (check, field) && !s_valid_agent (host->agent))
        s_fail (check, field,
                "expected the agent's endpoint tcp://HOST:PORT, HOST a numeric IPv4 address "
                "(e.g. tcp://10.0.0.2:7100), got '%s'",
                host->agent);
    s_path (field, sizeof field, "%s.cert", path);
    if (host->agent && !host->cert)
        s_fail (check, path,
                "missing cert: the agent's public certificate (the .cert file `tf agent` "
                "printed), to authenticate it");
    if (!host->agent && host->cert && !s_bad (check, field))
        s_fail (check, field, "a cert is the agent's: this host has no agent (tf's own host)");
    s_path (field, sizeof field, "%s.address", path);
    struct in_addr parsed;
    if (!host->address)
        s_fail (check, path, "missing address: the IPv4 address its nodes are reached on");
    else if (!s_bad (check, field) && inet_pton (AF_INET, host->address, &parsed) != 1)
        s_fail (check, field, "expected a numeric IPv4 address such as 10.0.0.2, got '%s'",
                host->address);
    if (!host->agent)
        for (size_t other = 0; other < index; other++)
            if (!plan->hosts[other].agent)
                s_fail (check, path,
                        "only one host can be tf's own (no agent): hosts[%zu] is already", other);
}

//  hosts: each host, each node on exactly one host, the runner
static void
s_check_hosts (s_check_t *check)
{
    tf_plan_t *plan = check->plan;
    if (plan->host_count == 0)
        return;
    if (plan->runner && !streq (plan->runner, "local") && !s_bad (check, "run.runner"))
        s_fail (check, "hosts",
                "nodes on several hosts need runner 'local' (runner is '%s'): its agents run "
                "them",
                plan->runner);
    for (size_t index = 0; index < plan->host_count; index++) {
        s_check_host (check, index);
        const tf_plan_host_t *host = &plan->hosts[index];
        for (size_t node = 0; node < host->node_count; node++) {
            char path[TF_PLAN_PATH_SIZE];
            s_path (path, sizeof path, "hosts[%zu].nodes[%zu]", index, node);
            const char *name = host->nodes[node];
            if (s_bad (check, path) || s_counts_bad (check))
                continue;
            if (!s_valid_node_name (plan, name)) {
                s_fail (check, path, "unknown node '%s': expected validator-0 .. validator-%u%s",
                        name, plan->validators ? plan->validators - 1 : 0,
                        plan->executors ? " or executor-N" : "");
                continue;
            }
            for (size_t other = 0; other <= index; other++)
                for (size_t at = 0; at < plan->hosts[other].node_count; at++)
                    if ((other < index || at < node) && streq (plan->hosts[other].nodes[at], name))
                        s_fail (check, path, "node '%s' is on two hosts: %s and %s", name,
                                plan->hosts[other].name ? plan->hosts[other].name : "?",
                                host->name ? host->name : "?");
        }
    }
    uint32_t total = plan->validators + plan->executors;
    uint32_t homeless = 0;
    char first[TF_PLAN_MAX_NAME] = "";
    for (uint32_t global = 0; !s_counts_bad (check) && global < total && total <= TF_PLAN_MAX_NODES;
         global++)
        if (tf_plan_host_of (plan, global) < 0 && homeless++ == 0)
            tf_plan_node_name (plan, global, first, sizeof first);
    char more[TF_VALIDATE_TEXT_SIZE] = "";
    if (homeless > 1)
        snprintf (more, sizeof more, " (and %u more)", homeless - 1);
    if (homeless && !s_bad (check, "hosts"))
        s_fail (check, "hosts",
                "node '%s'%s is on no host: list it on one, or leave a host's nodes out (it "
                "then takes a share of the unlisted nodes)",
                first, more);
}

//  Topology, wallets, run, consensus, node
static void
s_check_scalars (s_check_t *check)
{
    tf_plan_t *plan = check->plan;
    if (!plan->name || !*plan->name || strlen (plan->name) > TF_PLAN_MAX_NAME
        || strchr (plan->name, '/'))
        s_fail (check, "name", "expected a scenario name of 1 to %d bytes without '/'",
                TF_PLAN_MAX_NAME);
    else
        s_check_text (check, "name", plan->name);
    s_check_externals (check);
    s_check_hosts (check);
    s_check_wallet_keys (check);
    if ((int) plan->network < TF_NETWORK_STAR || plan->network > TF_NETWORK_FULL)
        s_fail (check, "topology.network", "expected star, ring or full");
    uint64_t nodes = (uint64_t) plan->validators + plan->executors;
    if (!s_counts_bad (check) && (nodes < 1 || nodes > TF_PLAN_MAX_NODES))
        s_fail (check, "topology",
                "expected between 1 and %d nodes (validators + executors), "
                "got %" PRIu64,
                TF_PLAN_MAX_NODES, nodes);

    if (!s_bad (check, "wallets") && plan->wallets > TF_PLAN_MAX_WALLETS)
        s_fail (check, "wallets", "expected at most %d wallets, got %u", TF_PLAN_MAX_WALLETS,
                plan->wallets);
    else if (!s_bad (check, "wallets") && !s_counts_bad (check) && nodes <= TF_PLAN_MAX_NODES
             && plan->wallets > 0 && !plan->wallet_keys
             && nodes + plan->wallets > TF_PLAN_MAX_GENESIS_NOTES)
        s_fail (check, "wallets",
                "expected at most %" PRIu64 " wallets with %" PRIu64
                " nodes (the genesis holds %d notes, one per node and wallet: %d transactions of "
                "%d), got %u",
                nodes < TF_PLAN_MAX_GENESIS_NOTES ? TF_PLAN_MAX_GENESIS_NOTES - nodes : 0, nodes,
                TF_PLAN_MAX_GENESIS_NOTES, TF_PLAN_MAX_GENESIS_TXS, TF_PLAN_GENESIS_TX_NOTES,
                plan->wallets);
    if (plan->wallet_amounts) {
        if (!s_bad (check, "wallets") && plan->wallet_amount_count != plan->wallets)
            s_fail (check, "wallets.amounts", "expected %u amounts (one per wallet), got %zu",
                    plan->wallets, plan->wallet_amount_count);
        for (size_t index = 0; index < plan->wallet_amount_count; index++) {
            char path[TF_PLAN_PATH_SIZE];
            s_path (path, sizeof path, "wallets.amounts[%zu]", index);
            if (plan->wallet_amounts[index] == 0 && !s_bad (check, path))
                s_fail (check, path, "expected an integer >= 1, got 0");
        }
    }
    else if (!s_bad (check, "wallets.amount") && plan->wallet_amount == 0)
        s_fail (check, "wallets.amount", "expected an integer >= 1, got 0");

    char text[TF_VALIDATE_TEXT_SIZE];
    if (!s_bad (check, "run.duration") && plan->duration_ms <= 0) {
        tf_plan_duration_format (plan->duration_ms, text, sizeof text);
        s_fail (check, "run.duration", "expected a duration > 0, got %s", text);
    }
    const tf_catalog_runner_t *runner = tf_catalog_runner (plan->runner);
    if (!runner && !s_bad (check, "run.runner")) {
        char *known = tf_catalog_runner_names ();
        s_fail (check, "run.runner", "unknown runner '%s' (known: %s)",
                plan->runner ? plan->runner : "", known);
        free (known);
    }
    if (runner && runner->replay && !s_bad (check, "run.runner"))
        s_fail (check, "run.runner",
                "runner '%s' is the one `tf replay RUN_DIR` uses to judge a past run "
                "again; a scenario cannot name it",
                runner->name);
    if (runner && !runner->actions && plan->node_control && !s_bad (check, "node_control")) {
        char *able = s_runners_with_actions ();
        s_fail (check, "node_control",
                "runner '%s' cannot do node control, which chaos workloads need (use %s)",
                runner->name, able);
        free (able);
    }
    if (!s_bad (check, "consensus.slot") && plan->slot_ms <= 0) {
        tf_plan_duration_format (plan->slot_ms, text, sizeof text);
        s_fail (check, "consensus.slot", "expected a duration > 0, got %s", text);
    }
    double coeff = plan->active_slot_coeff;
    if (!s_bad (check, "consensus.active_slot_coeff") && !(coeff > 0 && coeff <= 1))
        s_fail (check, "consensus.active_slot_coeff", "expected a number > 0 and <= 1, got %g",
                coeff);
    if (!s_bad (check, "consensus.security_param") && plan->security_param < 1)
        s_fail (check, "consensus.security_param", "expected an integer >= 1, got 0");
    if (!s_bad (check, "node.profile")
        && (!plan->node_profile || !s_valid_actor_name (plan->node_profile)))
        s_fail (check, "node.profile",
                "expected a profile name of letters, digits, '.', '_' "
                "or '-' (at most %d bytes)",
                TF_PLAN_MAX_NAME);
    else if (!s_bad (check, "node.profile") && !tf_catalog_profile (plan->node_profile)) {
        char *known = tf_catalog_profile_names ();
        s_fail (check, "node.profile", "unknown node profile '%s' (known: %s)", plan->node_profile,
                known);
        free (known);
    }
    s_check_resources (check);
}

//  node.requests and node.limits: quantities, and no limit below its request
static void
s_check_resources (s_check_t *check)
{
    const tf_plan_t *plan = check->plan;
    double values[TF_PLAN_RESOURCE_COUNT] = {0};
    for (int resource = 0; resource < TF_PLAN_RESOURCE_COUNT; resource++) {
        const char *path = tf_plan_resource_path ((tf_plan_resource_t) resource);
        bool cpu =
            resource == TF_PLAN_RESOURCE_CPU_REQUEST || resource == TF_PLAN_RESOURCE_CPU_LIMIT;
        const char *text = plan->resources[resource];
        if (text && !s_bad (check, path) && tf_plan_quantity_parse (text, cpu, &values[resource]))
            s_fail (check, path, "expected %s, got '%s'",
                    cpu ? "a CPU quantity > 0 such as 2, 0.5 or 250m"
                        : "a memory quantity > 0 such as 268435456, 256Mi or 1Gi",
                    text);
    }
    for (int request = 0; request < 2; request++) {
        int limit = request + TF_PLAN_RESOURCE_CPU_LIMIT;
        const char *path = tf_plan_resource_path ((tf_plan_resource_t) limit);
        if (values[request] > 0 && values[limit] > 0 && values[limit] < values[request])
            s_fail (check, path, "expected at least the request %s ('%s'), got '%s'",
                    tf_plan_resource_path ((tf_plan_resource_t) request), plan->resources[request],
                    plan->resources[limit]);
    }
}

//  Scalars first, then each list, then names across lists, so errors come
//  out roughly in file order even before the loader sorts them
int
tf_plan_validate_marked (tf_plan_t *self, const tf_plan_marks_t *marks, tf_plan_errors_t *errors,
                         size_t since)
{
    assert (self && errors);
    s_check_t check = {self, marks, errors, since};
    s_check_scalars (&check);

    const size_t counts[] = {self->workload_count, self->expectation_count, self->custom_count};
    const char *lists[] = {"workloads", "expectations", "custom"};
    for (size_t list = 0; list < sizeof counts / sizeof counts[0]; list++)
        if (counts[list] > TF_PLAN_MAX_ITEMS)
            s_fail (&check, lists[list], "expected at most %d entries, got %zu", TF_PLAN_MAX_ITEMS,
                    counts[list]);
    for (size_t index = 0; index < self->workload_count; index++)
        s_check_item (&check, &self->workloads[index], TF_ROLE_WORKLOAD, "workloads", index);
    for (size_t index = 0; index < self->expectation_count; index++)
        s_check_item (&check, &self->expectations[index], TF_ROLE_EXPECTATION, "expectations",
                      index);
    for (size_t index = 0; index < self->custom_count; index++)
        s_check_custom (&check, &self->customs[index], index);
    s_check_unique_names (&check);
    return tf_plan_errors_count (errors) > since ? -1 : 0;
}

//  Validate without positions (builder, overrides)
int
tf_plan_validate (tf_plan_t *self, tf_plan_errors_t *errors)
{
    assert (self && errors);
    return tf_plan_validate_marked (self, NULL, errors, tf_plan_errors_count (errors));
}
