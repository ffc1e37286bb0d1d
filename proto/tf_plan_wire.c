//  tf_plan_wire.c - the plan as one msgpack map, and back (docs/plan-wire.md)
//
//  Decoding is strict, like every decoder of the project: wrong types, missing
//  required keys, duplicate keys, strings that are not UTF-8 and oversize
//  strings or lists reject the whole plan; unknown keys are skipped so newer senders can add fields. Before
//  msgpack-c sees the bytes, s_scan walks them and checks every length against
//  what is left, so a forged length cannot make the unpacker allocate gigabytes.

#include "tf_plan_private.h"
#include "tf_catalog.h"
#include "tf_mpack.h"
#include <czmq.h>
#include <math.h>
#include <msgpack.h>

#define TF_WIRE_MAX_DEPTH   8   //  Deepest nesting of a valid plan is 4
#define TF_WIRE_MAX_MAP     256 //  Most keys in any map of the plan
#define TF_WIRE_REASON_SIZE 160 //  Why a plan was rejected

//  ---------------------------------------------------------------------------
//  Encoding

//  One knob as key and typed value; durations travel as integer ms
static void
s_pack_knob (msgpack_packer *packer, const tf_knob_t *knob)
{
    tf_mpack_str (packer, knob->key);
    switch (knob->type) {
        case TF_KNOB_INT:
        case TF_KNOB_DURATION:
            msgpack_pack_int64 (packer, knob->value.i);
            break;
        case TF_KNOB_FLOAT:
            msgpack_pack_double (packer, knob->value.f);
            break;
        case TF_KNOB_BOOL:
            if (knob->value.b)
                msgpack_pack_true (packer);
            else
                msgpack_pack_false (packer);
            break;
        case TF_KNOB_STR:
            tf_mpack_str (packer, knob->value.s);
            break;
    }
}

//  The "knobs" key and its map
static void
s_pack_knobs (msgpack_packer *packer, const tf_plan_item_t *item)
{
    tf_mpack_str (packer, "knobs");
    msgpack_pack_map (packer, item->knob_count);
    for (size_t index = 0; index < item->knob_count; index++)
        s_pack_knob (packer, &item->knobs[index]);
}

//  A list of workloads or expectations under key
static void
s_pack_items (msgpack_packer *packer, const char *key, const tf_plan_item_t *items, size_t count)
{
    tf_mpack_str (packer, key);
    msgpack_pack_array (packer, count);
    for (size_t index = 0; index < count; index++) {
        msgpack_pack_map (packer, 3);
        tf_mpack_str (packer, "kind");
        tf_mpack_str (packer, items[index].kind ? items[index].kind : "");
        tf_mpack_str (packer, "name");
        tf_mpack_str (packer, items[index].name ? items[index].name : "");
        s_pack_knobs (packer, &items[index]);
    }
}

//  The custom actors; "command" only when there is one
static void
s_pack_customs (msgpack_packer *packer, const tf_plan_t *self)
{
    tf_mpack_str (packer, "custom");
    msgpack_pack_array (packer, self->custom_count);
    for (size_t index = 0; index < self->custom_count; index++) {
        const tf_plan_item_t *custom = &self->customs[index];
        msgpack_pack_map (packer, custom->command ? 4 : 3);
        tf_mpack_str (packer, "name");
        tf_mpack_str (packer, custom->name ? custom->name : "");
        tf_mpack_str (packer, "role");
        tf_mpack_str (packer, custom->role ? custom->role : "");
        if (custom->command) {
            tf_mpack_str (packer, "command");
            tf_mpack_str (packer, custom->command);
        }
        s_pack_knobs (packer, custom);
    }
}

//  A string, or nil for NULL
static void
s_pack_str_or_nil (msgpack_packer *packer, const char *text)
{
    if (text)
        tf_mpack_str (packer, text);
    else
        msgpack_pack_nil (packer);
}

//  hosts: [{name, agent, cert, address, nodes}], agent, cert and nodes nil when absent
static void
s_pack_hosts (msgpack_packer *packer, const tf_plan_t *self)
{
    tf_mpack_str (packer, "hosts");
    msgpack_pack_array (packer, self->host_count);
    for (size_t index = 0; index < self->host_count; index++) {
        const tf_plan_host_t *host = &self->hosts[index];
        msgpack_pack_map (packer, 5);
        tf_mpack_str (packer, "name");
        tf_mpack_str (packer, host->name ? host->name : "");
        tf_mpack_str (packer, "agent");
        s_pack_str_or_nil (packer, host->agent);
        tf_mpack_str (packer, "cert");
        s_pack_str_or_nil (packer, host->cert);
        tf_mpack_str (packer, "address");
        tf_mpack_str (packer, host->address ? host->address : "");
        tf_mpack_str (packer, "nodes");
        if (!host->nodes)
            msgpack_pack_nil (packer);
        else {
            msgpack_pack_array (packer, host->node_count);
            for (size_t node = 0; node < host->node_count; node++)
                tf_mpack_str (packer, host->nodes[node]);
        }
    }
}

//  Keys in a fixed order so equal plans pack to equal bytes
int
tf_plan_pack (const tf_plan_t *self, uint8_t **data_p, size_t *size_p)
{
    assert (self && data_p && size_p);
    msgpack_sbuffer buffer;
    msgpack_sbuffer_init (&buffer);
    msgpack_packer packer;
    msgpack_packer_init (&packer, &buffer, msgpack_sbuffer_write);

    msgpack_pack_map (&packer, 10 + (self->prometheus ? 1 : 0) + (self->host_count ? 1 : 0));
    tf_mpack_str (&packer, "v");
    msgpack_pack_uint32 (&packer, TF_PLAN_WIRE_VERSION);
    tf_mpack_str (&packer, "name");
    tf_mpack_str (&packer, self->name ? self->name : "");

    tf_mpack_str (&packer, "topology");
    msgpack_pack_map (&packer, self->external_count ? 4 : 3);
    tf_mpack_str (&packer, "network");
    tf_mpack_str (&packer, tf_plan_network_str (self->network));
    tf_mpack_str (&packer, "validators");
    msgpack_pack_uint32 (&packer, self->validators);
    tf_mpack_str (&packer, "executors");
    msgpack_pack_uint32 (&packer, self->executors);
    if (self->external_count) {
        tf_mpack_str (&packer, "external");
        msgpack_pack_array (&packer, self->external_count);
        for (size_t index = 0; index < self->external_count; index++) {
            const tf_plan_external_t *node = &self->externals[index];
            msgpack_pack_map (&packer, 3);
            tf_mpack_str (&packer, "name");
            tf_mpack_str (&packer, node->name ? node->name : "");
            tf_mpack_str (&packer, "url");
            tf_mpack_str (&packer, node->url ? node->url : "");
            tf_mpack_str (&packer, "role");
            tf_mpack_str (&packer, node->role ? node->role : "");
        }
    }

    tf_mpack_str (&packer, "wallets");
    msgpack_pack_map (&packer, 2 + (self->wallet_amounts ? 1 : 0) + (self->wallet_keys ? 1 : 0));
    tf_mpack_str (&packer, "count");
    msgpack_pack_uint32 (&packer, self->wallets);
    tf_mpack_str (&packer, "amount");
    msgpack_pack_uint64 (&packer, self->wallet_amount);
    if (self->wallet_amounts) {
        tf_mpack_str (&packer, "amounts");
        msgpack_pack_array (&packer, self->wallet_amount_count);
        for (size_t index = 0; index < self->wallet_amount_count; index++)
            msgpack_pack_uint64 (&packer, self->wallet_amounts[index]);
    }
    if (self->wallet_keys) {
        tf_mpack_str (&packer, "keys");
        tf_mpack_str (&packer, self->wallet_keys);
    }

    s_pack_items (&packer, "workloads", self->workloads, self->workload_count);
    s_pack_items (&packer, "expectations", self->expectations, self->expectation_count);
    s_pack_customs (&packer, self);

    tf_mpack_str (&packer, "run");
    msgpack_pack_map (&packer, 4);
    tf_mpack_str (&packer, "duration_ms");
    msgpack_pack_int64 (&packer, self->duration_ms);
    tf_mpack_str (&packer, "seed");
    msgpack_pack_uint64 (&packer, self->seed);
    tf_mpack_str (&packer, "runner");
    tf_mpack_str (&packer, self->runner ? self->runner : "");
    tf_mpack_str (&packer, "fail_fast");
    if (self->fail_fast)
        msgpack_pack_true (&packer);
    else
        msgpack_pack_false (&packer);

    tf_mpack_str (&packer, "consensus");
    msgpack_pack_map (&packer, 3);
    tf_mpack_str (&packer, "slot_ms");
    msgpack_pack_int64 (&packer, self->slot_ms);
    tf_mpack_str (&packer, "active_slot_coeff");
    msgpack_pack_double (&packer, self->active_slot_coeff);
    tf_mpack_str (&packer, "security_param");
    msgpack_pack_uint32 (&packer, self->security_param);

    tf_mpack_str (&packer, "node");
    size_t resources = 0;
    for (int resource = 0; resource < TF_PLAN_RESOURCE_COUNT; resource++)
        resources += self->resources[resource] != NULL;
    msgpack_pack_map (&packer, 2 + (resources ? 1 : 0));
    tf_mpack_str (&packer, "profile");
    tf_mpack_str (&packer, self->node_profile ? self->node_profile : "");
    tf_mpack_str (&packer, "control");
    if (self->node_control)
        msgpack_pack_true (&packer);
    else
        msgpack_pack_false (&packer);
    if (resources) { //  Only when given, so older plans pack as they did
        tf_mpack_str (&packer, "resources");
        msgpack_pack_map (&packer, resources);
        for (int resource = 0; resource < TF_PLAN_RESOURCE_COUNT; resource++)
            if (self->resources[resource]) {
                //  "node.requests.cpu" travels as "requests.cpu"
                tf_mpack_str (&packer, tf_plan_resource_path ((tf_plan_resource_t) resource) + 5);
                tf_mpack_str (&packer, self->resources[resource]);
            }
    }

    if (self->prometheus) { //  Only when asked, so older plans pack as they did
        tf_mpack_str (&packer, "observability");
        msgpack_pack_map (&packer, 1);
        tf_mpack_str (&packer, "prometheus");
        msgpack_pack_true (&packer);
    }

    if (self->host_count) //  Only with hosts, as observability
        s_pack_hosts (&packer, self);

    //  Hand the buffer over: sbuffer memory is plain malloc
    *size_p = buffer.size;
    *data_p = (uint8_t *) msgpack_sbuffer_release (&buffer);
    msgpack_sbuffer_destroy (&buffer);
    return 0;
}

//  ---------------------------------------------------------------------------
//  Structure scan: one well-formed msgpack object, lengths within the data

//  Read a big-endian unsigned integer of width bytes at data[*offset]
static int
s_scan_length (const uint8_t *data, size_t size, size_t *offset, size_t width, uint64_t *out)
{
    if (size - *offset < width)
        return -1;
    uint64_t value = 0;
    for (size_t index = 0; index < width; index++)
        value = (value << 8) | data[*offset + index];
    *offset += width;
    *out = value;
    return 0;
}

//  Skip count bytes, or fail when fewer are left
static int
s_scan_skip (size_t size, size_t *offset, uint64_t count)
{
    if (count > size - *offset)
        return -1;
    *offset += (size_t) count;
    return 0;
}

//  Walk one object at data[*offset], advancing *offset past it; -1 when it
//  does not fit in size bytes or nests deeper than TF_WIRE_MAX_DEPTH
static int
s_scan (const uint8_t *data, size_t size, size_t *offset, int depth)
{
    if (depth > TF_WIRE_MAX_DEPTH || *offset >= size)
        return -1;
    uint8_t byte = data[(*offset)++];
    uint64_t length = 0;
    uint64_t children = 0; //  Objects nested in an array or map
    if (byte <= 0x7f || byte >= 0xe0 || byte == 0xc0 || byte == 0xc2 || byte == 0xc3)
        return 0; //  Fixints, nil, false, true
    if ((byte & 0xe0) == 0xa0)
        return s_scan_skip (size, offset, byte & 0x1f); //  fixstr
    if ((byte & 0xf0) == 0x90)
        children = byte & 0x0f; //  fixarray
    else if ((byte & 0xf0) == 0x80)
        children = 2 * (uint64_t) (byte & 0x0f); //  fixmap
    else
        switch (byte) {
            case 0xc4:
            case 0xd9: //  bin8, str8
                return s_scan_length (data, size, offset, 1, &length)
                       || s_scan_skip (size, offset, length);
            case 0xc5:
            case 0xda: //  bin16, str16
                return s_scan_length (data, size, offset, 2, &length)
                       || s_scan_skip (size, offset, length);
            case 0xc6:
            case 0xdb: //  bin32, str32
                return s_scan_length (data, size, offset, 4, &length)
                       || s_scan_skip (size, offset, length);
            case 0xc7: //  ext8
                return s_scan_length (data, size, offset, 1, &length)
                       || s_scan_skip (size, offset, length + 1);
            case 0xc8: //  ext16
                return s_scan_length (data, size, offset, 2, &length)
                       || s_scan_skip (size, offset, length + 1);
            case 0xc9: //  ext32
                return s_scan_length (data, size, offset, 4, &length)
                       || s_scan_skip (size, offset, length + 1);
            case 0xcc:
            case 0xd0: //  uint8, int8
                return s_scan_skip (size, offset, 1);
            case 0xcd:
            case 0xd1:
            case 0xd4: //  16-bit, fixext1
                return s_scan_skip (size, offset, 2);
            case 0xd5: //  fixext2
                return s_scan_skip (size, offset, 3);
            case 0xca:
            case 0xce:
            case 0xd2: //  32-bit
                return s_scan_skip (size, offset, 4);
            case 0xd6: //  fixext4
                return s_scan_skip (size, offset, 5);
            case 0xcb:
            case 0xcf:
            case 0xd3: //  64-bit
                return s_scan_skip (size, offset, 8);
            case 0xd7: //  fixext8
                return s_scan_skip (size, offset, 9);
            case 0xd8: //  fixext16
                return s_scan_skip (size, offset, 17);
            case 0xdc: //  array16
                if (s_scan_length (data, size, offset, 2, &children))
                    return -1;
                break;
            case 0xdd: //  array32
                if (s_scan_length (data, size, offset, 4, &children))
                    return -1;
                break;
            case 0xde: //  map16
                if (s_scan_length (data, size, offset, 2, &children))
                    return -1;
                children *= 2;
                break;
            case 0xdf: //  map32
                if (s_scan_length (data, size, offset, 4, &children))
                    return -1;
                children *= 2;
                break;
            default:
                return -1; //  0xc1: never used
        }
    //  Each child takes at least one byte: a count beyond what is left is a lie
    if (children > size - *offset)
        return -1;
    for (uint64_t child = 0; child < children; child++)
        if (s_scan (data, size, offset, depth + 1))
            return -1;
    return 0;
}

//  ---------------------------------------------------------------------------
//  Decoding

typedef struct {
    char reason[TF_WIRE_REASON_SIZE]; //  First problem found
} s_decoder_t;

static int s_reject (s_decoder_t *self, const char *format, ...)
    __attribute__ ((format (printf, 2, 3)));

//  Remember why (first reason wins) and return -1
static int
s_reject (s_decoder_t *self, const char *format, ...)
{
    if (self->reason[0] == 0) {
        va_list args;
        va_start (args, format);
        vsnprintf (self->reason, sizeof self->reason, format, args);
        va_end (args);
    }
    return -1;
}

//  True when a map key is the string text
static bool
s_key_is (const msgpack_object *key, const char *text)
{
    return tf_mpack_str_is (key, text, strlen (text));
}

//  A map with string keys, each once, at most max entries
static int
s_check_map (s_decoder_t *self, const msgpack_object *object, const char *what, size_t max)
{
    if (object->type != MSGPACK_OBJECT_MAP)
        return s_reject (self, "%s: expected a map", what);
    const msgpack_object_map *map = &object->via.map;
    if (map->size > max)
        return s_reject (self, "%s: more than %zu keys", what, max);
    for (uint32_t index = 0; index < map->size; index++) {
        const msgpack_object *key = &map->ptr[index].key;
        if (key->type != MSGPACK_OBJECT_STR)
            return s_reject (self, "%s: non-string key", what);
        for (uint32_t other = 0; other < index; other++)
            if (tf_mpack_str_is (&map->ptr[other].key, tf_mpack_str_bytes (key), key->via.str.size))
                return s_reject (self, "%s: duplicate key '%.*s'", what, (int) key->via.str.size,
                                 tf_mpack_str_bytes (key));
    }
    return 0;
}

//  The value of key in a checked map, or NULL
static const msgpack_object *
s_find (const msgpack_object *map, const char *key)
{
    for (uint32_t index = 0; index < map->via.map.size; index++)
        if (s_key_is (&map->via.map.ptr[index].key, key))
            return &map->via.map.ptr[index].val;
    return NULL;
}

//  The value of a required key, or NULL after rejecting
static const msgpack_object *
s_require (s_decoder_t *self, const msgpack_object *map, const char *what, const char *key)
{
    const msgpack_object *value = s_find (map, key);
    if (!value)
        s_reject (self, "%s: missing '%s'", what, key);
    return value;
}

//  A string of at most max bytes without NULs; caller owns *out on success
static int
s_read_str (s_decoder_t *self, const msgpack_object *object, const char *what, size_t max,
            char **out)
{
    if (!object)
        return -1;
    if (object->type != MSGPACK_OBJECT_STR)
        return s_reject (self, "%s: expected a string", what);
    if (object->via.str.size > max)
        return s_reject (self, "%s: string longer than %zu bytes", what, max);
    if (memchr (tf_mpack_str_bytes (object), 0, object->via.str.size))
        return s_reject (self, "%s: string holds a NUL byte", what);
    if (!tf_plan_utf8_valid (tf_mpack_str_bytes (object), object->via.str.size))
        return s_reject (self, "%s: string is not UTF-8", what);
    free (*out);
    *out = tf_mpack_strdup (object);
    return 0;
}

static int
s_read_u64 (s_decoder_t *self, const msgpack_object *object, const char *what, uint64_t max,
            uint64_t *out)
{
    if (!object)
        return -1;
    if (object->type != MSGPACK_OBJECT_POSITIVE_INTEGER || object->via.u64 > max)
        return s_reject (self, "%s: expected an integer between 0 and %" PRIu64, what, max);
    *out = object->via.u64;
    return 0;
}

static int
s_read_u32 (s_decoder_t *self, const msgpack_object *object, const char *what, uint32_t *out)
{
    uint64_t value = 0;
    if (s_read_u64 (self, object, what, UINT32_MAX, &value))
        return -1;
    *out = (uint32_t) value;
    return 0;
}

static int
s_read_i64 (s_decoder_t *self, const msgpack_object *object, const char *what, int64_t *out)
{
    if (!object)
        return -1;
    if (object->type == MSGPACK_OBJECT_NEGATIVE_INTEGER)
        *out = object->via.i64;
    else if (object->type == MSGPACK_OBJECT_POSITIVE_INTEGER && object->via.u64 <= INT64_MAX)
        *out = (int64_t) object->via.u64;
    else
        return s_reject (self, "%s: expected a signed 64-bit integer", what);
    return 0;
}

//  A number: float, or an integer (other producers may send 1 for 1.0)
static int
s_read_f64 (s_decoder_t *self, const msgpack_object *object, const char *what, double *out)
{
    if (!object)
        return -1;
    if (object->type == MSGPACK_OBJECT_FLOAT64 || object->type == MSGPACK_OBJECT_FLOAT32)
        *out = object->via.f64;
    else if (object->type == MSGPACK_OBJECT_POSITIVE_INTEGER)
        *out = (double) object->via.u64;
    else if (object->type == MSGPACK_OBJECT_NEGATIVE_INTEGER)
        *out = (double) object->via.i64;
    else
        return s_reject (self, "%s: expected a number", what);
    if (!isfinite (*out))
        return s_reject (self, "%s: expected a finite number", what);
    return 0;
}

//  A boolean
static int
s_read_bool (s_decoder_t *self, const msgpack_object *object, const char *what, bool *out)
{
    if (!object)
        return -1;
    if (object->type != MSGPACK_OBJECT_BOOLEAN)
        return s_reject (self, "%s: expected true or false", what);
    *out = object->via.boolean;
    return 0;
}

//  A boolean that older plans lack: *out keeps its default when key is absent
static int
s_read_optional_bool (s_decoder_t *self, const msgpack_object *map, const char *what,
                      const char *key, bool *out)
{
    const msgpack_object *value = s_find (map, key);
    return value ? s_read_bool (self, value, what, out) : 0;
}

//  One knob value, typed by the catalogue entry when there is one, else by
//  what was sent
static int
s_read_knob (s_decoder_t *self, const msgpack_object *value, const tf_catalog_knob_t *entry,
             const char *what, tf_knob_t *knob)
{
    tf_knob_type_t type;
    if (entry)
        type = entry->type;
    else if (value->type == MSGPACK_OBJECT_POSITIVE_INTEGER
             || value->type == MSGPACK_OBJECT_NEGATIVE_INTEGER)
        type = TF_KNOB_INT;
    else if (value->type == MSGPACK_OBJECT_FLOAT64 || value->type == MSGPACK_OBJECT_FLOAT32)
        type = TF_KNOB_FLOAT;
    else if (value->type == MSGPACK_OBJECT_BOOLEAN)
        type = TF_KNOB_BOOL;
    else if (value->type == MSGPACK_OBJECT_STR)
        type = TF_KNOB_STR;
    else
        return s_reject (self, "%s: expected an integer, number, bool or string", what);
    switch (type) {
        case TF_KNOB_INT:
        case TF_KNOB_DURATION:
            if (s_read_i64 (self, value, what, &knob->value.i))
                return -1;
            break;
        case TF_KNOB_FLOAT:
            if (s_read_f64 (self, value, what, &knob->value.f))
                return -1;
            break;
        case TF_KNOB_BOOL:
            if (s_read_bool (self, value, what, &knob->value.b))
                return -1;
            break;
        case TF_KNOB_STR: {
            char *text = NULL;
            if (s_read_str (self, value, what, TF_PLAN_MAX_STR, &text))
                return -1;
            knob->value.s = text;
            break;
        }
    }
    knob->type = type;
    return 0;
}

//  A knob map into item; knob types come from the catalogue when it knows
//  the kind and the knob
static int
s_read_knobs (s_decoder_t *self, const msgpack_object *object, const char *what,
              tf_plan_item_t *item)
{
    if (!object || s_check_map (self, object, what, TF_PLAN_MAX_KNOBS))
        return -1;
    const tf_catalog_kind_t *kind = tf_catalog_kind (item->kind);
    for (uint32_t index = 0; index < object->via.map.size; index++) {
        const msgpack_object_kv *pair = &object->via.map.ptr[index];
        char *key = NULL;
        if (s_read_str (self, &pair->key, what, TF_PLAN_MAX_NAME, &key))
            return -1;
        const tf_catalog_knob_t *entry = kind ? tf_catalog_knob (kind, key) : NULL;
        tf_knob_t parsed = {0};
        int rc = s_read_knob (self, &pair->val, entry, what, &parsed);
        if (rc == 0) {
            tf_knob_t *knob = tf_plan_item_put (item, key);
            knob->type = parsed.type;
            knob->value = parsed.value;
        }
        free (key);
        if (rc)
            return -1;
    }
    return 0;
}

//  A list of workloads or expectations
static int
s_read_items (s_decoder_t *self, const msgpack_object *object, const char *what,
              tf_plan_item_t **items_p, size_t *count_p)
{
    if (!object)
        return -1;
    if (object->type != MSGPACK_OBJECT_ARRAY || object->via.array.size > TF_PLAN_MAX_ITEMS)
        return s_reject (self, "%s: expected a list of at most %d items", what, TF_PLAN_MAX_ITEMS);
    for (uint32_t index = 0; index < object->via.array.size; index++) {
        const msgpack_object *entry = &object->via.array.ptr[index];
        if (s_check_map (self, entry, what, TF_WIRE_MAX_MAP))
            return -1;
        tf_plan_item_t *item = tf_plan_item_append (items_p, count_p);
        if (s_read_str (self, s_require (self, entry, what, "kind"), what, TF_PLAN_MAX_NAME,
                        &item->kind)
            || s_read_str (self, s_require (self, entry, what, "name"), what, TF_PLAN_MAX_NAME,
                           &item->name)
            || s_read_knobs (self, s_require (self, entry, what, "knobs"), what, item))
            return -1;
    }
    return 0;
}

//  The list of custom actors; "command" may be absent or nil
static int
s_read_customs (s_decoder_t *self, const msgpack_object *object, tf_plan_t *plan)
{
    const char *what = "custom";
    if (!object)
        return -1;
    if (object->type != MSGPACK_OBJECT_ARRAY || object->via.array.size > TF_PLAN_MAX_ITEMS)
        return s_reject (self, "%s: expected a list of at most %d items", what, TF_PLAN_MAX_ITEMS);
    for (uint32_t index = 0; index < object->via.array.size; index++) {
        const msgpack_object *entry = &object->via.array.ptr[index];
        if (s_check_map (self, entry, what, TF_WIRE_MAX_MAP))
            return -1;
        tf_plan_item_t *item = tf_plan_item_append (&plan->customs, &plan->custom_count);
        const msgpack_object *command = s_find (entry, "command");
        if (s_read_str (self, s_require (self, entry, what, "name"), what, TF_PLAN_MAX_NAME,
                        &item->name)
            || s_read_str (self, s_require (self, entry, what, "role"), what, TF_PLAN_MAX_NAME,
                           &item->role)
            || (command && command->type != MSGPACK_OBJECT_NIL
                && s_read_str (self, command, what, TF_PLAN_MAX_STR, &item->command))
            || s_read_knobs (self, s_require (self, entry, what, "knobs"), what, item))
            return -1;
    }
    return 0;
}

//  Wallet count, uniform amount and the optional per-wallet amounts
static int
s_read_wallets (s_decoder_t *self, const msgpack_object *object, tf_plan_t *plan)
{
    const char *what = "wallets";
    if (!object || s_check_map (self, object, what, TF_WIRE_MAX_MAP))
        return -1;
    if (s_read_u32 (self, s_require (self, object, what, "count"), what, &plan->wallets)
        || s_read_u64 (self, s_require (self, object, what, "amount"), what, UINT64_MAX,
                       &plan->wallet_amount))
        return -1;
    const msgpack_object *keys = s_find (object, "keys");
    if (keys && s_read_str (self, keys, "wallets.keys", TF_PLAN_MAX_STR, &plan->wallet_keys))
        return -1;
    const msgpack_object *amounts = s_find (object, "amounts");
    if (!amounts)
        return 0;
    if (amounts->type != MSGPACK_OBJECT_ARRAY || amounts->via.array.size > TF_PLAN_MAX_WALLETS)
        return s_reject (self, "wallets.amounts: expected a list of at most %d amounts",
                         TF_PLAN_MAX_WALLETS);
    size_t count = amounts->via.array.size;
    plan->wallet_amounts = (uint64_t *) zmalloc ((count + 1) * sizeof (uint64_t));
    plan->wallet_amount_count = count;
    for (size_t index = 0; index < count; index++)
        if (s_read_u64 (self, &amounts->via.array.ptr[index], "wallets.amounts", UINT64_MAX,
                        &plan->wallet_amounts[index]))
            return -1;
    return 0;
}

//  The optional topology.external list of {name, url, role}
static int
s_read_externals (s_decoder_t *self, const msgpack_object *object, tf_plan_t *plan)
{
    const char *what = "topology.external";
    if (!object)
        return 0;
    if (object->type != MSGPACK_OBJECT_ARRAY || object->via.array.size > TF_PLAN_MAX_NODES)
        return s_reject (self, "%s: expected a list of at most %d nodes", what, TF_PLAN_MAX_NODES);
    for (uint32_t index = 0; index < object->via.array.size; index++) {
        const msgpack_object *entry = &object->via.array.ptr[index];
        if (s_check_map (self, entry, what, TF_WIRE_MAX_MAP))
            return -1;
        tf_plan_add_external (plan, NULL, NULL, NULL);
        tf_plan_external_t *node = &plan->externals[plan->external_count - 1];
        if (s_read_str (self, s_require (self, entry, what, "name"), what, TF_PLAN_MAX_STR,
                        &node->name)
            || s_read_str (self, s_require (self, entry, what, "url"), what, TF_PLAN_MAX_STR,
                           &node->url)
            || s_read_str (self, s_require (self, entry, what, "role"), what, TF_PLAN_MAX_STR,
                           &node->role))
            return -1;
    }
    return 0;
}

//  A string or nil (*out stays NULL)
static int
s_read_str_or_nil (s_decoder_t *self, const msgpack_object *object, const char *what, char **out)
{
    if (object && object->type == MSGPACK_OBJECT_NIL)
        return 0;
    return s_read_str (self, object, what, TF_PLAN_MAX_STR, out);
}

//  The optional hosts list (s_pack_hosts)
static int
s_read_hosts (s_decoder_t *self, const msgpack_object *object, tf_plan_t *plan)
{
    const char *what = "hosts";
    if (!object)
        return 0;
    if (object->type != MSGPACK_OBJECT_ARRAY || object->via.array.size > TF_PLAN_MAX_NODES)
        return s_reject (self, "%s: expected a list of at most %d hosts", what, TF_PLAN_MAX_NODES);
    for (uint32_t index = 0; index < object->via.array.size; index++) {
        const msgpack_object *entry = &object->via.array.ptr[index];
        if (s_check_map (self, entry, what, TF_WIRE_MAX_MAP))
            return -1;
        tf_plan_host_t *host = tf_plan_add_host (plan, NULL, NULL, NULL, NULL);
        if (s_read_str (self, s_require (self, entry, what, "name"), what, TF_PLAN_MAX_STR,
                        &host->name)
            || s_read_str_or_nil (self, s_require (self, entry, what, "agent"), what, &host->agent)
            || s_read_str_or_nil (self, s_require (self, entry, what, "cert"), what, &host->cert)
            || s_read_str (self, s_require (self, entry, what, "address"), what, TF_PLAN_MAX_STR,
                           &host->address))
            return -1;
        const msgpack_object *nodes = s_require (self, entry, what, "nodes");
        if (!nodes)
            return -1;
        if (nodes->type == MSGPACK_OBJECT_NIL)
            continue;
        if (nodes->type != MSGPACK_OBJECT_ARRAY || nodes->via.array.size > TF_PLAN_MAX_NODES)
            return s_reject (self, "hosts.nodes: expected a list of at most %d names",
                             TF_PLAN_MAX_NODES);
        host->nodes = (char **) zmalloc (sizeof (char *));
        for (uint32_t at = 0; at < nodes->via.array.size; at++) {
            char *name = NULL;
            if (s_read_str (self, &nodes->via.array.ptr[at], "hosts.nodes", TF_PLAN_MAX_NAME,
                            &name))
                return -1;
            tf_plan_host_add_node (host, name);
            free (name);
        }
    }
    return 0;
}

//  The sections of the top-level map; unknown keys are skipped
static int
s_read_plan (s_decoder_t *self, const msgpack_object *root, tf_plan_t *plan)
{
    if (s_check_map (self, root, "plan", TF_WIRE_MAX_MAP))
        return -1;
    uint64_t version = 0;
    if (s_read_u64 (self, s_require (self, root, "plan", "v"), "v", UINT64_MAX, &version))
        return -1;
    if (version != TF_PLAN_WIRE_VERSION)
        return s_reject (self, "v: version %" PRIu64 " not understood (this reader speaks %d)",
                         version, TF_PLAN_WIRE_VERSION);
    if (s_read_str (self, s_require (self, root, "plan", "name"), "name", TF_PLAN_MAX_NAME,
                    &plan->name))
        return -1;

    const msgpack_object *topology = s_require (self, root, "plan", "topology");
    char *network = NULL;
    if (!topology || s_check_map (self, topology, "topology", TF_WIRE_MAX_MAP)
        || s_read_str (self, s_require (self, topology, "topology", "network"), "network",
                       TF_PLAN_MAX_NAME, &network))
        return -1;
    int rc = tf_plan_network_parse (network, &plan->network);
    free (network);
    if (rc)
        return s_reject (self, "topology.network: expected star, ring or full");
    if (s_read_u32 (self, s_require (self, topology, "topology", "validators"), "validators",
                    &plan->validators)
        || s_read_u32 (self, s_require (self, topology, "topology", "executors"), "executors",
                       &plan->executors)
        || s_read_externals (self, s_find (topology, "external"), plan))
        return -1;

    if (s_read_wallets (self, s_require (self, root, "plan", "wallets"), plan)
        || s_read_items (self, s_require (self, root, "plan", "workloads"), "workloads",
                         &plan->workloads, &plan->workload_count)
        || s_read_items (self, s_require (self, root, "plan", "expectations"), "expectations",
                         &plan->expectations, &plan->expectation_count)
        || s_read_customs (self, s_require (self, root, "plan", "custom"), plan))
        return -1;

    const msgpack_object *run = s_require (self, root, "plan", "run");
    if (!run || s_check_map (self, run, "run", TF_WIRE_MAX_MAP)
        || s_read_i64 (self, s_require (self, run, "run", "duration_ms"), "run.duration_ms",
                       &plan->duration_ms)
        || s_read_u64 (self, s_require (self, run, "run", "seed"), "run.seed", UINT64_MAX,
                       &plan->seed)
        || s_read_str (self, s_require (self, run, "run", "runner"), "run.runner", TF_PLAN_MAX_NAME,
                       &plan->runner)
        || s_read_optional_bool (self, run, "run.fail_fast", "fail_fast", &plan->fail_fast))
        return -1;

    const msgpack_object *consensus = s_require (self, root, "plan", "consensus");
    if (!consensus || s_check_map (self, consensus, "consensus", TF_WIRE_MAX_MAP)
        || s_read_i64 (self, s_require (self, consensus, "consensus", "slot_ms"),
                       "consensus.slot_ms", &plan->slot_ms)
        || s_read_f64 (self, s_require (self, consensus, "consensus", "active_slot_coeff"),
                       "consensus.active_slot_coeff", &plan->active_slot_coeff)
        || s_read_u32 (self, s_require (self, consensus, "consensus", "security_param"),
                       "consensus.security_param", &plan->security_param))
        return -1;

    const msgpack_object *node = s_require (self, root, "plan", "node");
    if (!node || s_check_map (self, node, "node", TF_WIRE_MAX_MAP)
        || s_read_str (self, s_require (self, node, "node", "profile"), "node.profile",
                       TF_PLAN_MAX_NAME, &plan->node_profile)
        || s_read_bool (self, s_require (self, node, "node", "control"), "node.control",
                        &plan->node_control))
        return -1;

    const msgpack_object *resources = s_find (node, "resources");
    if (resources && s_check_map (self, resources, "node.resources", TF_WIRE_MAX_MAP))
        return -1;
    for (int resource = 0; resources && resource < TF_PLAN_RESOURCE_COUNT; resource++) {
        const char *path = tf_plan_resource_path ((tf_plan_resource_t) resource);
        const msgpack_object *value = s_find (resources, path + 5);
        if (value
            && s_read_str (self, value, path, TF_PLAN_MAX_QUANTITY, &plan->resources[resource]))
            return -1;
    }

    const msgpack_object *observability = s_find (root, "observability");
    if (observability
        && (s_check_map (self, observability, "observability", TF_WIRE_MAX_MAP)
            || s_read_optional_bool (self, observability, "observability.prometheus", "prometheus",
                                     &plan->prometheus)))
        return -1;
    return s_read_hosts (self, s_find (root, "hosts"), plan);
}

//  Scan, unpack, read; the first problem found is the one logged
tf_plan_t *
tf_plan_unpack (const uint8_t *data, size_t size)
{
    s_decoder_t decoder = {{0}};
    tf_plan_t *plan = NULL;
    msgpack_unpacked unpacked;
    msgpack_unpacked_init (&unpacked);
    size_t end = 0;
    if (!data || size == 0 || size > TF_PLAN_MAX_WIRE) {
        s_reject (&decoder, "empty or oversize (%zu bytes, at most %u)", size, TF_PLAN_MAX_WIRE);
        goto out;
    }
    if (s_scan (data, size, &end, 0) || end != size) {
        s_reject (&decoder, "not exactly one well-formed msgpack object");
        goto out;
    }
    size_t offset = 0;
    //  Safe now: every count is backed by bytes, so the zone stays within a
    //  small multiple of size
    if (msgpack_unpack_next (&unpacked, (const char *) data, size, &offset)
        != MSGPACK_UNPACK_SUCCESS) {
        s_reject (&decoder, "msgpack parse error");
        goto out;
    }
    //  Start from the defaults: every string the reader replaces is freed first
    plan = tf_plan_new ("");
    if (s_read_plan (&decoder, &unpacked.data, plan))
        tf_plan_destroy (&plan);
out:
    msgpack_unpacked_destroy (&unpacked);
    if (!plan)
        zsys_warning ("plan: rejected packed plan reason=\"%s\"", decoder.reason);
    return plan;
}
