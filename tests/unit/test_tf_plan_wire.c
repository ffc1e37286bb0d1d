//  test_tf_plan_wire.c - the plan's msgpack form: round trip and strict decoding
//
//  Malformed input must come back as NULL without a crash or a leak (the
//  sanitizer build proves the second part).

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <czmq.h>
#include <msgpack.h>
#include "tf_plan.h"

typedef enum {
    S_DROP,      //  Leave the key out
    S_NIL,       //  Send nil as its value
    S_DUPLICATE, //  Send the pair twice
    S_EXTRA      //  Add an unknown key beside it
} s_edit_t;

typedef struct {
    uint8_t *data;
    size_t size;
} s_bytes_t;

static tf_plan_t *
s_load (const char *file)
{
    const char *data = getenv ("TF_TEST_DATA");
    assert_non_null (data);
    char *path = zsys_sprintf ("%s/%s", data, file);
    tf_plan_errors_t *errors = tf_plan_errors_new ();
    tf_plan_t *plan = tf_plan_load (path, errors);
    if (!plan)
        tf_plan_errors_print (errors, stderr);
    assert_non_null (plan);
    tf_plan_errors_destroy (&errors);
    zstr_free (&path);
    return plan;
}

static s_bytes_t
s_pack (const tf_plan_t *plan)
{
    s_bytes_t bytes;
    assert_int_equal (tf_plan_pack (plan, &bytes.data, &bytes.size), 0);
    return bytes;
}

static void
s_assert_same (s_bytes_t first, s_bytes_t second)
{
    assert_int_equal (first.size, second.size);
    assert_memory_equal (first.data, second.data, first.size);
}

static void
s_pack_key (msgpack_packer *packer, const char *key)
{
    msgpack_pack_str (packer, strlen (key));
    msgpack_pack_str_body (packer, key, strlen (key));
}

//  Pack a map, applying edit to key (NULL: no edit)
static void
s_pack_map_edited (msgpack_packer *packer, const msgpack_object *map, const char *key,
                   s_edit_t edit)
{
    uint32_t size = map->via.map.size;
    bool hit = false;
    for (uint32_t index = 0; index < size; index++) {
        const msgpack_object *entry = &map->via.map.ptr[index].key;
        hit |= key && entry->via.str.size == strlen (key)
               && memcmp (entry->via.str.ptr, key, entry->via.str.size) == 0;
    }
    assert_true (hit || !key);
    uint32_t count = size;
    if (hit && edit == S_DROP)
        count--;
    if (hit && (edit == S_DUPLICATE || edit == S_EXTRA))
        count++;
    msgpack_pack_map (packer, count);
    for (uint32_t index = 0; index < size; index++) {
        const msgpack_object_kv *pair = &map->via.map.ptr[index];
        bool match = key && pair->key.via.str.size == strlen (key)
                     && memcmp (pair->key.via.str.ptr, key, pair->key.via.str.size) == 0;
        if (match && edit == S_DROP)
            continue;
        msgpack_pack_object (packer, pair->key);
        if (match && edit == S_NIL)
            msgpack_pack_nil (packer);
        else
            msgpack_pack_object (packer, pair->val);
        if (match && edit == S_DUPLICATE) {
            msgpack_pack_object (packer, pair->key);
            msgpack_pack_object (packer, pair->val);
        }
        if (match && edit == S_EXTRA) {
            s_pack_key (packer, "from_the_future");
            msgpack_pack_array (packer, 2);
            msgpack_pack_true (packer);
            s_pack_key (packer, "x");
        }
    }
}

//  Re-pack a packed plan with one edit: at key of the top-level map (section
//  NULL), or at key inside the map under section (for lists of maps, inside
//  their first item)
static s_bytes_t
s_repack (s_bytes_t bytes, const char *section, const char *key, s_edit_t edit)
{
    msgpack_unpacked unpacked;
    msgpack_unpacked_init (&unpacked);
    assert_int_equal (msgpack_unpack_next (&unpacked, (const char *) bytes.data, bytes.size, NULL),
                      MSGPACK_UNPACK_SUCCESS);
    msgpack_sbuffer buffer;
    msgpack_sbuffer_init (&buffer);
    msgpack_packer packer;
    msgpack_packer_init (&packer, &buffer, msgpack_sbuffer_write);
    const msgpack_object *root = &unpacked.data;
    if (!section)
        s_pack_map_edited (&packer, root, key, edit);
    else {
        msgpack_pack_map (&packer, root->via.map.size);
        for (uint32_t index = 0; index < root->via.map.size; index++) {
            const msgpack_object_kv *pair = &root->via.map.ptr[index];
            msgpack_pack_object (&packer, pair->key);
            bool match = pair->key.via.str.size == strlen (section)
                         && memcmp (pair->key.via.str.ptr, section, pair->key.via.str.size) == 0;
            if (!match)
                msgpack_pack_object (&packer, pair->val);
            else if (pair->val.type == MSGPACK_OBJECT_ARRAY) {
                assert_true (pair->val.via.array.size > 0);
                msgpack_pack_array (&packer, pair->val.via.array.size);
                s_pack_map_edited (&packer, &pair->val.via.array.ptr[0], key, edit);
                for (uint32_t item = 1; item < pair->val.via.array.size; item++)
                    msgpack_pack_object (&packer, pair->val.via.array.ptr[item]);
            }
            else
                s_pack_map_edited (&packer, &pair->val, key, edit);
        }
    }
    s_bytes_t result = {(uint8_t *) buffer.data, buffer.size};
    msgpack_unpacked_destroy (&unpacked);
    return result;
}

static void
test_tf_plan_wire_round_trips_every_field (void **state)
{
    (void) state;
    tf_plan_t *plan = s_load ("scenarios/plan_full.yaml");
    s_bytes_t bytes = s_pack (plan);
    tf_plan_t *copy = tf_plan_unpack (bytes.data, bytes.size);
    assert_non_null (copy);
    s_bytes_t again = s_pack (copy);
    s_assert_same (bytes, again);

    assert_string_equal (copy->name, "full");
    assert_null (copy->source);
    assert_int_equal (copy->network, TF_NETWORK_RING);
    assert_int_equal (copy->validators, 4);
    assert_int_equal (copy->executors, 2);
    assert_int_equal (copy->wallet_amount_count, 4);
    assert_int_equal (copy->wallet_amounts[3], 50);
    assert_true (copy->seed == UINT64_MAX);
    assert_int_equal (copy->duration_ms, 90000);
    assert_int_equal (copy->slot_ms, 250);
    assert_true (copy->active_slot_coeff == 0.5);
    assert_int_equal (copy->security_param, 4);
    assert_string_equal (copy->runner, "compose");
    assert_string_equal (copy->node_profile, "tf-node");
    assert_true (copy->node_control);
    assert_int_equal (copy->workload_count, 6);
    assert_int_equal (copy->expectation_count, 4);
    assert_string_equal (copy->workloads[5].name, "transactions-2");

    //  Durations come back typed by the catalogue, custom knobs as they were sent
    const tf_plan_item_t *restart = tf_plan_item_by_name (copy, "chaos_random_restart");
    assert_int_equal (tf_plan_knob_ms (restart, "max_delay", 0), 1000);
    const tf_plan_item_t *checker = tf_plan_item_by_name (copy, "my-checker");
    assert_null (checker->kind);
    assert_string_equal (checker->command, "python3 checker.py --strict");
    assert_int_equal (tf_plan_knob_int (checker, "count", 0), 3);
    assert_true (tf_plan_knob_float (checker, "ratio", 0) == 0.5);
    assert_true (tf_plan_knob_bool (checker, "loud", false));
    assert_string_equal (tf_plan_knob_str (checker, "every", ""), "45s");
    assert_null (tf_plan_item_by_name (copy, "attached")->command);

    //  What arrives is a valid plan as it stands
    tf_plan_errors_t *errors = tf_plan_errors_new ();
    assert_int_equal (tf_plan_validate (copy, errors), 0);
    tf_plan_errors_destroy (&errors);
    free (bytes.data);
    free (again.data);
    tf_plan_destroy (&copy);
    tf_plan_destroy (&plan);
}

//  observability.prometheus travels only when set, so older plans pack as they did
static void
test_tf_plan_wire_carries_observability (void **state)
{
    (void) state;
    tf_plan_t *plan = s_load ("scenarios/prometheus_server_healthy.yaml");
    assert_true (plan->prometheus);
    s_bytes_t bytes = s_pack (plan);
    tf_plan_t *copy = tf_plan_unpack (bytes.data, bytes.size);
    assert_non_null (copy);
    assert_true (copy->prometheus);
    plan->prometheus = false;
    s_bytes_t without = s_pack (plan);
    assert_true (without.size < bytes.size);
    tf_plan_t *plain = tf_plan_unpack (without.data, without.size);
    assert_non_null (plain);
    assert_false (plain->prometheus);
    free (bytes.data);
    free (without.data);
    tf_plan_destroy (&plain);
    tf_plan_destroy (&copy);
    tf_plan_destroy (&plan);
}

//  Plans at the limits travel: 4096 nodes with one amount per genesis note left,
//  and 4096 external nodes; one external more is refused on the wire too
static void
test_tf_plan_wire_carries_plans_at_the_node_limit (void **state)
{
    (void) state;
    tf_plan_errors_t *errors = tf_plan_errors_new ();
    tf_plan_t *plan = tf_plan_new ("scale");
    tf_plan_set_topology (plan, TF_NETWORK_STAR, TF_PLAN_MAX_NODES - 16, 16);
    size_t wallets = TF_PLAN_MAX_GENESIS_NOTES - TF_PLAN_MAX_NODES;
    uint64_t *amounts = (uint64_t *) zmalloc (wallets * sizeof (uint64_t));
    for (size_t index = 0; index < wallets; index++)
        amounts[index] = 1 + index;
    tf_plan_set_wallet_amounts (plan, amounts, wallets);
    free (amounts);
    assert_int_equal (tf_plan_build (plan, errors), 0);
    s_bytes_t bytes = s_pack (plan);
    tf_plan_t *copy = tf_plan_unpack (bytes.data, bytes.size);
    assert_non_null (copy);
    assert_int_equal (copy->validators + copy->executors, TF_PLAN_MAX_NODES);
    assert_int_equal (copy->wallet_amount_count, wallets);
    assert_int_equal (copy->wallet_amounts[wallets - 1], wallets);
    tf_plan_destroy (&copy);
    free (bytes.data);
    tf_plan_destroy (&plan);

    plan = tf_plan_new ("devnet");
    tf_plan_set_runner (plan, "external");
    for (size_t index = 0; index < TF_PLAN_MAX_NODES; index++) {
        char name[32], url[64];
        snprintf (name, sizeof name, "devnet-%zu", index);
        snprintf (url, sizeof url, "http://devnet-%zu.example:8080", index);
        tf_plan_add_external (plan, name, url, index < 10 ? "executor" : "validator");
    }
    assert_int_equal (tf_plan_build (plan, errors), 0);
    bytes = s_pack (plan);
    copy = tf_plan_unpack (bytes.data, bytes.size);
    assert_non_null (copy);
    assert_int_equal (copy->external_count, TF_PLAN_MAX_NODES);
    tf_plan_destroy (&copy);
    free (bytes.data);
    tf_plan_add_external (plan, "devnet-more", "http://more.example:8080", "validator");
    assert_int_equal (tf_plan_build (plan, errors), -1);
    assert_int_equal (tf_plan_pack (plan, &bytes.data, &bytes.size), 0);
    assert_null (tf_plan_unpack (bytes.data, bytes.size));
    free (bytes.data);
    tf_plan_destroy (&plan);
    tf_plan_errors_destroy (&errors);
}

//  node.requests and node.limits travel only when given, and print to YAML
//  that loads back to the same plan
static void
test_tf_plan_wire_carries_node_resources (void **state)
{
    (void) state;
    tf_plan_t *plan = s_load ("scenarios/k8s_chaos.yaml");
    assert_string_equal (plan->resources[TF_PLAN_RESOURCE_CPU_REQUEST], "250m");
    assert_string_equal (plan->resources[TF_PLAN_RESOURCE_MEMORY_LIMIT], "512Mi");
    s_bytes_t bytes = s_pack (plan);
    tf_plan_t *copy = tf_plan_unpack (bytes.data, bytes.size);
    assert_non_null (copy);
    for (int resource = 0; resource < TF_PLAN_RESOURCE_COUNT; resource++)
        assert_string_equal (copy->resources[resource], plan->resources[resource]);
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream (&text, &size);
    tf_plan_print (copy, out);
    fclose (out);
    assert_non_null (strstr (text, "requests: {cpu: \"250m\", memory: \"128Mi\"}, limits: "
                                   "{cpu: \"1\", memory: \"512Mi\"}"));
    tf_plan_errors_t *errors = tf_plan_errors_new ();
    tf_plan_t *again = tf_plan_load_string (text, "printed", errors);
    assert_non_null (again);
    s_bytes_t repacked = s_pack (again);
    assert_int_equal (repacked.size, bytes.size);
    assert_memory_equal (repacked.data, bytes.data, bytes.size);
    //  Without them the node map packs as before
    for (int resource = 0; resource < TF_PLAN_RESOURCE_COUNT; resource++)
        zstr_free (&plan->resources[resource]);
    s_bytes_t without = s_pack (plan);
    assert_true (without.size < bytes.size);
    tf_plan_t *plain = tf_plan_unpack (without.data, without.size);
    assert_non_null (plain);
    assert_null (plain->resources[TF_PLAN_RESOURCE_CPU_LIMIT]);
    free (text);
    free (bytes.data);
    free (repacked.data);
    free (without.data);
    tf_plan_errors_destroy (&errors);
    tf_plan_destroy (&again);
    tf_plan_destroy (&plain);
    tf_plan_destroy (&copy);
    tf_plan_destroy (&plan);
}

//  Kubernetes quantities: cores or millicores; bytes with a unit
static void
test_tf_plan_quantity_parse_takes_kubernetes_spellings (void **state)
{
    (void) state;
    double value = 0;
    assert_int_equal (tf_plan_quantity_parse ("250m", true, &value), 0);
    assert_true (value == 250);
    assert_int_equal (tf_plan_quantity_parse ("0.5", true, &value), 0);
    assert_true (value == 500);
    assert_int_equal (tf_plan_quantity_parse ("256Mi", false, &value), 0);
    assert_true (value == 256.0 * 1048576);
    assert_int_equal (tf_plan_quantity_parse ("1G", false, &value), 0);
    assert_true (value == 1e9);
    const char *bad_cpu[] = {"", "m", "-1", "0", "1.5m", "2 ", "1Gi", " 1", NULL};
    for (int index = 0; bad_cpu[index]; index++)
        assert_int_equal (tf_plan_quantity_parse (bad_cpu[index], true, &value), -1);
    const char *bad_memory[] = {"2GB", "1.5Gi", "1e3", "Mi", "0", "250m", "-5", NULL};
    for (int index = 0; bad_memory[index]; index++)
        assert_int_equal (tf_plan_quantity_parse (bad_memory[index], false, &value), -1);
}

static void
test_tf_plan_wire_builder_packs_like_yaml (void **state)
{
    (void) state;
    //  Recipe 4, as scenarios/chaos_resilience.yaml writes it
    tf_plan_t *built = tf_plan_new ("chaos_resilience");
    tf_plan_set_topology (built, TF_NETWORK_STAR, 3, 1);
    tf_plan_set_wallets (built, 64, 100);
    tf_plan_enable_node_control (built);
    tf_plan_item_t *restart = tf_plan_add_workload (built, "transactions");
    tf_plan_item_set_int (restart, "users", 4);
    tf_plan_item_set_int (restart, "rate", 3);
    restart = tf_plan_add_workload (built, "chaos_random_restart");
    tf_plan_item_set_ms (restart, "target_cooldown", 120000);
    tf_plan_item_set_ms (restart, "max_delay", 75000);
    tf_plan_item_set_ms (restart, "min_delay", 45000);
    tf_plan_item_set_bool (restart, "executors", true);
    tf_plan_add_expectation (built, "consensus_liveness");
    tf_plan_set_duration_ms (built, 300000);
    tf_plan_set_seed (built, 4);
    tf_plan_set_runner (built, "local");
    tf_plan_errors_t *errors = tf_plan_errors_new ();
    assert_int_equal (tf_plan_build (built, errors), 0);
    tf_plan_t *loaded = s_load ("../../scenarios/chaos_resilience.yaml");
    s_bytes_t from_builder = s_pack (built);
    s_bytes_t from_yaml = s_pack (loaded);
    s_assert_same (from_builder, from_yaml);
    free (from_builder.data);
    free (from_yaml.data);
    tf_plan_destroy (&loaded);
    tf_plan_destroy (&built);

    //  Recipe 1 with its short slots
    built = tf_plan_new ("smoke");
    tf_plan_set_topology (built, TF_NETWORK_STAR, 2, 0);
    tf_plan_add_expectation (built, "consensus_liveness");
    tf_plan_set_duration_ms (built, 30000);
    tf_plan_set_seed (built, 1);
    tf_plan_set_slot (built, 100, 0.9);
    assert_int_equal (tf_plan_build (built, errors), 0);
    loaded = s_load ("../../scenarios/smoke.yaml");
    from_builder = s_pack (built);
    from_yaml = s_pack (loaded);
    s_assert_same (from_builder, from_yaml);
    free (from_builder.data);
    free (from_yaml.data);
    tf_plan_destroy (&loaded);
    tf_plan_destroy (&built);
    tf_plan_errors_destroy (&errors);
}

static void
test_tf_plan_wire_rejects_every_truncation_and_trailing_bytes (void **state)
{
    (void) state;
    tf_plan_t *plan = s_load ("scenarios/plan_full.yaml");
    s_bytes_t bytes = s_pack (plan);
    for (size_t size = 0; size < bytes.size; size++) {
        //  A fresh copy of exactly size bytes, so ASan sees any read past it
        uint8_t *prefix = (uint8_t *) malloc (size ? size : 1);
        memcpy (prefix, bytes.data, size);
        tf_plan_t *decoded = tf_plan_unpack (prefix, size);
        if (decoded)
            fail_msg ("a prefix of %zu bytes out of %zu decoded", size, bytes.size);
        free (prefix);
    }
    uint8_t *longer = (uint8_t *) malloc (bytes.size + 1);
    memcpy (longer, bytes.data, bytes.size);
    longer[bytes.size] = 0xc0;
    assert_null (tf_plan_unpack (longer, bytes.size + 1));
    assert_null (tf_plan_unpack (NULL, 0));
    free (longer);
    free (bytes.data);
    tf_plan_destroy (&plan);
}

static void
test_tf_plan_wire_survives_byte_mutations (void **state)
{
    (void) state;
    static const uint8_t values[] = {0x00, 0x7f, 0x80, 0x9f, 0xc1, 0xcb, 0xdd, 0xff};
    tf_plan_t *plan = s_load ("scenarios/plan_full.yaml");
    s_bytes_t bytes = s_pack (plan);
    size_t decoded = 0;
    for (size_t offset = 0; offset < bytes.size; offset++)
        for (size_t value = 0; value < sizeof values; value++) {
            uint8_t *copy = (uint8_t *) malloc (bytes.size);
            memcpy (copy, bytes.data, bytes.size);
            copy[offset] = values[value];
            tf_plan_t *mutant = tf_plan_unpack (copy, bytes.size);
            if (mutant) {
                decoded++; //  Some mutations are still valid plans
                s_bytes_t again = s_pack (mutant);
                free (again.data);
                tf_plan_destroy (&mutant);
            }
            free (copy);
        }
    //  Changes inside strings leave a valid plan; changes to the structure do not
    assert_true (decoded > 0);
    assert_true (decoded < bytes.size * sizeof values);
    free (bytes.data);
    tf_plan_destroy (&plan);
}

static void
test_tf_plan_wire_rejects_oversize_input (void **state)
{
    (void) state;
    //  {"v": [ <2^32-1 items, none present> ]}: must not allocate for them
    static const uint8_t forged_array[] = {0x81, 0xa1, 'v', 0xdd, 0xff, 0xff, 0xff, 0xff};
    assert_null (tf_plan_unpack (forged_array, sizeof forged_array));
    static const uint8_t forged_map[] = {0xdf, 0xff, 0xff, 0xff, 0xff, 0xc0};
    assert_null (tf_plan_unpack (forged_map, sizeof forged_map));
    static const uint8_t forged_str[] = {0xdb, 0x7f, 0xff, 0xff, 0xff, 'a'};
    assert_null (tf_plan_unpack (forged_str, sizeof forged_str));
    //  Nesting deeper than any plan
    uint8_t deep[64];
    memset (deep, 0x91, sizeof deep); //  [[[[...
    deep[sizeof deep - 1] = 0xc0;
    assert_null (tf_plan_unpack (deep, sizeof deep));

    tf_plan_t *plan = tf_plan_new ("n");
    s_bytes_t bytes = s_pack (plan);
    uint8_t *huge = (uint8_t *) zmalloc (TF_PLAN_MAX_WIRE + 1);
    memcpy (huge, bytes.data, bytes.size);
    assert_null (tf_plan_unpack (huge, TF_PLAN_MAX_WIRE + 1));
    free (huge);
    free (bytes.data);

    //  A name one byte over the cap, and a string holding a NUL
    char name[TF_PLAN_MAX_NAME + 2];
    memset (name, 'n', sizeof name - 1);
    name[sizeof name - 1] = 0;
    free (plan->name);
    plan->name = strdup (name);
    bytes = s_pack (plan);
    assert_null (tf_plan_unpack (bytes.data, bytes.size));
    name[sizeof name - 2] = 0; //  Exactly at the cap: fine
    free (plan->name);
    plan->name = strdup (name);
    free (bytes.data);
    bytes = s_pack (plan);
    tf_plan_t *decoded = tf_plan_unpack (bytes.data, bytes.size);
    assert_non_null (decoded);
    tf_plan_destroy (&decoded);
    size_t at = 0;
    while (at + 4 <= bytes.size && memcmp (bytes.data + at, name, 4) != 0)
        at++;
    assert_true (at + 4 <= bytes.size);
    bytes.data[at + 1] = 0; //  A NUL inside the name
    assert_null (tf_plan_unpack (bytes.data, bytes.size));
    free (bytes.data);
    tf_plan_destroy (&plan);
}

static void
test_tf_plan_wire_rejects_missing_and_mistyped_keys (void **state)
{
    (void) state;
    tf_plan_t *plan = s_load ("scenarios/plan_full.yaml");
    s_bytes_t bytes = s_pack (plan);
    static const struct {
        const char *section;
        const char *key;
    } required[] = {
        {NULL, "v"},
        {NULL, "name"},
        {NULL, "topology"},
        {NULL, "wallets"},
        {NULL, "workloads"},
        {NULL, "expectations"},
        {NULL, "custom"},
        {NULL, "run"},
        {NULL, "consensus"},
        {NULL, "node"},
        {"topology", "network"},
        {"topology", "validators"},
        {"topology", "executors"},
        {"wallets", "count"},
        {"wallets", "amount"},
        {"workloads", "kind"},
        {"workloads", "name"},
        {"workloads", "knobs"},
        {"expectations", "kind"},
        {"custom", "name"},
        {"custom", "role"},
        {"custom", "knobs"},
        {"run", "duration_ms"},
        {"run", "seed"},
        {"run", "runner"},
        {"consensus", "slot_ms"},
        {"consensus", "active_slot_coeff"},
        {"consensus", "security_param"},
        {"node", "profile"},
        {"node", "control"},
    };
    for (size_t index = 0; index < sizeof required / sizeof required[0]; index++) {
        for (s_edit_t edit = S_DROP; edit <= S_DUPLICATE; edit++) {
            s_bytes_t edited = s_repack (bytes, required[index].section, required[index].key, edit);
            tf_plan_t *decoded = tf_plan_unpack (edited.data, edited.size);
            if (decoded)
                fail_msg ("%s.%s: edit %d was accepted",
                          required[index].section ? required[index].section : "",
                          required[index].key, (int) edit);
            free (edited.data);
        }
    }
    //  Optional keys may go, or be nil where the schema says so
    s_bytes_t edited = s_repack (bytes, "wallets", "amounts", S_DROP);
    tf_plan_t *decoded = tf_plan_unpack (edited.data, edited.size);
    assert_non_null (decoded);
    assert_null (decoded->wallet_amounts);
    tf_plan_destroy (&decoded);
    free (edited.data);
    edited = s_repack (bytes, "custom", "command", S_NIL);
    decoded = tf_plan_unpack (edited.data, edited.size);
    assert_non_null (decoded);
    assert_null (decoded->customs[0].command);
    tf_plan_destroy (&decoded);
    free (edited.data);
    free (bytes.data);
    tf_plan_destroy (&plan);
}

static void
test_tf_plan_wire_ignores_unknown_keys (void **state)
{
    (void) state;
    tf_plan_t *plan = s_load ("scenarios/plan_full.yaml");
    s_bytes_t bytes = s_pack (plan);
    static const char *sections[][2] = {
        {NULL, "name"},     {"topology", "network"}, {"workloads", "kind"},
        {"custom", "name"}, {"run", "seed"},         {"node", "control"},
    };
    for (size_t index = 0; index < sizeof sections / sizeof sections[0]; index++) {
        s_bytes_t edited = s_repack (bytes, sections[index][0], sections[index][1], S_EXTRA);
        tf_plan_t *decoded = tf_plan_unpack (edited.data, edited.size);
        assert_non_null (decoded);
        s_bytes_t again = s_pack (decoded);
        s_assert_same (bytes, again);
        free (again.data);
        free (edited.data);
        tf_plan_destroy (&decoded);
    }
    free (bytes.data);
    tf_plan_destroy (&plan);
}

//  Pack a minimal plan map by hand with one field replaced
static s_bytes_t
s_pack_with_version (uint64_t version)
{
    tf_plan_t *plan = tf_plan_new ("v");
    s_bytes_t bytes = s_pack (plan);
    tf_plan_destroy (&plan);
    //  "v" is the first key and 1 a positive fixint: patch it in place when small
    assert_int_equal (bytes.data[1], 0xa1);
    assert_int_equal (bytes.data[2], 'v');
    assert_int_equal (bytes.data[3], TF_PLAN_WIRE_VERSION);
    bytes.data[3] = (uint8_t) version;
    return bytes;
}

static void
test_tf_plan_wire_rejects_wrong_version_types_and_roots (void **state)
{
    (void) state;
    s_bytes_t bytes = s_pack_with_version (TF_PLAN_WIRE_VERSION);
    tf_plan_t *decoded = tf_plan_unpack (bytes.data, bytes.size);
    assert_non_null (decoded);
    tf_plan_destroy (&decoded);
    free (bytes.data);
    bytes = s_pack_with_version (TF_PLAN_WIRE_VERSION + 1);
    assert_null (tf_plan_unpack (bytes.data, bytes.size));
    free (bytes.data);

    static const uint8_t array_root[] = {0x91, 0x01};
    assert_null (tf_plan_unpack (array_root, sizeof array_root));
    static const uint8_t int_key[] = {0x81, 0x01, 0x01};
    assert_null (tf_plan_unpack (int_key, sizeof int_key));
    static const uint8_t reserved[] = {0xc1};
    assert_null (tf_plan_unpack (reserved, sizeof reserved));

    //  A catalogue knob of the wrong type: transactions.rate as a string
    tf_plan_t *plan = tf_plan_new ("typed");
    tf_plan_set_wallets (plan, 2, 100);
    tf_plan_item_t *item = tf_plan_add_workload (plan, "transactions");
    tf_plan_item_set_str (item, "rate", "fast");
    bytes = s_pack (plan);
    assert_null (tf_plan_unpack (bytes.data, bytes.size));
    free (bytes.data);
    //  ...while a custom actor's knob may be of any scalar type, but not a list
    tf_plan_item_t *custom = tf_plan_add_custom (plan, "c", "workload", NULL);
    tf_plan_item_set_int (item, "rate", 2);
    tf_plan_item_set_str (custom, "rate", "fast");
    bytes = s_pack (plan);
    decoded = tf_plan_unpack (bytes.data, bytes.size);
    assert_non_null (decoded);
    assert_string_equal (tf_plan_knob_str (&decoded->customs[0], "rate", ""), "fast");
    tf_plan_destroy (&decoded);
    free (bytes.data);
    tf_plan_destroy (&plan);
}

//  Read a golden vector: hex digits, whitespace ignored
static s_bytes_t
s_read_golden (const char *file)
{
    const char *data = getenv ("TF_TEST_DATA");
    assert_non_null (data);
    char *path = zsys_sprintf ("%s/golden/%s", data, file);
    FILE *handle = fopen (path, "r");
    assert_non_null (handle);
    s_bytes_t bytes = {(uint8_t *) zmalloc (TF_PLAN_MAX_WIRE), 0};
    int high = -1, digit;
    while ((digit = fgetc (handle)) != EOF) {
        if (isspace (digit))
            continue;
        assert_true (isxdigit (digit));
        int value = isdigit (digit) ? digit - '0' : tolower (digit) - 'a' + 10;
        if (high < 0)
            high = value;
        else {
            bytes.data[bytes.size++] = (uint8_t) (high << 4 | value);
            high = -1;
        }
    }
    assert_int_equal (high, -1);
    fclose (handle);
    zstr_free (&path);
    return bytes;
}

static void
test_tf_plan_wire_matches_golden_vector (void **state)
{
    (void) state;
    //  Changing the wire means regenerating this vector on purpose
    s_bytes_t golden = s_read_golden ("plan.smoke.hex");
    tf_plan_t *plan = s_load ("../../scenarios/smoke.yaml");
    s_bytes_t bytes = s_pack (plan);
    s_assert_same (golden, bytes);
    tf_plan_t *decoded = tf_plan_unpack (golden.data, golden.size);
    assert_non_null (decoded);
    s_bytes_t again = s_pack (decoded);
    s_assert_same (golden, again);
    free (again.data);
    free (bytes.data);
    free (golden.data);
    tf_plan_destroy (&decoded);
    tf_plan_destroy (&plan);
}

//  A map of two empty-string keys: libmsgpack gives such a key a NULL pointer,
//  which the duplicate-key check once passed to memcmp (undefined behaviour)
static void
test_tf_plan_wire_refuses_empty_duplicate_keys (void **state)
{
    (void) state;
    s_bytes_t hostile = s_read_golden ("plan.hostile-empty-keys.hex");
    assert_int_equal (hostile.size, 5);
    assert_null (tf_plan_unpack (hostile.data, hostile.size));
    //  One empty key alone: an unknown key, still no undefined behaviour
    assert_null (tf_plan_unpack (hostile.data + 2, 0));
    const uint8_t one_empty_key[] = {0x81, 0xa0, 0xa0};
    assert_null (tf_plan_unpack (one_empty_key, sizeof one_empty_key));
    free (hostile.data);
}

//  msgpack strings are UTF-8: a plan whose bytes are not is refused whole
static void
test_tf_plan_wire_refuses_strings_that_are_not_utf8 (void **state)
{
    (void) state;
    tf_plan_t *plan = tf_plan_new ("sm\xc3\xb6ke \xe2\x9c\x93");
    s_bytes_t packed = s_pack (plan);
    tf_plan_t *again = tf_plan_unpack (packed.data, packed.size);
    assert_non_null (again);
    assert_string_equal (again->name, plan->name);
    tf_plan_destroy (&again);
    //  The same plan with the name's second byte of ö broken, or made a surrogate
    uint8_t *name = NULL;
    for (size_t offset = 0; offset + 4 <= packed.size && !name; offset++)
        if (memcmp (packed.data + offset, "sm\xc3\xb6", 4) == 0)
            name = packed.data + offset;
    assert_non_null (name);
    name[3] = 0x41;
    assert_null (tf_plan_unpack (packed.data, packed.size));
    name[2] = 0xed;
    name[3] = 0xa0;
    name[4] = 0x80;
    assert_null (tf_plan_unpack (packed.data, packed.size));
    free (packed.data);
    tf_plan_destroy (&plan);
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_tf_plan_wire_round_trips_every_field),
        cmocka_unit_test (test_tf_plan_wire_carries_observability),
        cmocka_unit_test (test_tf_plan_wire_carries_plans_at_the_node_limit),
        cmocka_unit_test (test_tf_plan_wire_carries_node_resources),
        cmocka_unit_test (test_tf_plan_quantity_parse_takes_kubernetes_spellings),
        cmocka_unit_test (test_tf_plan_wire_builder_packs_like_yaml),
        cmocka_unit_test (test_tf_plan_wire_matches_golden_vector),
        cmocka_unit_test (test_tf_plan_wire_refuses_empty_duplicate_keys),
        cmocka_unit_test (test_tf_plan_wire_refuses_strings_that_are_not_utf8),
        cmocka_unit_test (test_tf_plan_wire_rejects_every_truncation_and_trailing_bytes),
        cmocka_unit_test (test_tf_plan_wire_survives_byte_mutations),
        cmocka_unit_test (test_tf_plan_wire_rejects_oversize_input),
        cmocka_unit_test (test_tf_plan_wire_rejects_missing_and_mistyped_keys),
        cmocka_unit_test (test_tf_plan_wire_ignores_unknown_keys),
        cmocka_unit_test (test_tf_plan_wire_rejects_wrong_version_types_and_roots),
    };
    return cmocka_run_group_tests_name ("tf_plan_wire", tests, NULL, NULL);
}
