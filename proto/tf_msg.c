//  tf_msg.c - generic encoder and decoder driven by the tables of tf_msg.def
//
//  The def file is expanded here once more into one field table per record and
//  message; encode, decode and free walk those tables. Before msgpack-c ever
//  sees the bytes, s_scan checks the structure (every length fits in what is
//  left, nesting and the number of objects are bounded), so neither a hostile
//  length prefix nor millions of one-byte objects can make the unpacker
//  allocate more than a few MiB.

#include "tf_msg.h"
#include "tf_mpack.h"
#include <msgpack.h>

typedef enum {
    TF_T_STR,
    TF_T_U64,
    TF_T_BOOL,
    TF_T_F64,
    TF_T_BIN,
    TF_T_RAW,
    TF_T_STRS,
    TF_T_LIST,
    TF_T_ENUM
} tf_type_t;

typedef struct _tf_schema_t tf_schema_t;

typedef struct {
    const char *name; //  Map key
    tf_type_t type;
    size_t offset; //  Of the member in its struct
    bool required;
    const tf_schema_t *record; //  LIST only: schema of its items
    const char *const *names;  //  ENUM only: the text of each value, in order
    size_t name_count;         //  ENUM only: how many values
} tf_field_t;

struct _tf_schema_t {
    const char *name; //  Record or message name (the topic is in s_messages)
    const tf_field_t *fields;
    size_t field_count;
    size_t size; //  sizeof the struct
};

//  Every LIST member has this layout, whatever its item type
typedef struct {
    void *items;
    size_t count;
} tf_list_t;

//  Index of the name that text (size bytes) spells, into *value; -1 when none does
static int
s_enum_parse (const char *const *names, size_t count, const char *text, size_t size, int *value)
{
    for (size_t index = 0; text && index < count; index++)
        if (strlen (names[index]) == size && memcmp (names[index], text, size) == 0) {
            *value = (int) index;
            return 0;
        }
    return -1;
}

//  Each enumeration's texts, and its text <-> value functions
#define TF_RECORD_BEGIN(name)
#define TF_RECORD_END(name)
#define TF_MSG_BEGIN(name, id, topic)
#define TF_MSG_END(name)
#define TF_FIELD(owner, field, type, required)
#define TF_LIST(owner, field, record, required)
#define TF_FIELD_ENUM(owner, field, name, required)
// clang-format off
#define TF_ENUM_BEGIN(name) static const char *const s_##name##_names[] = {
#define TF_ENUM_VALUE(name, value, text) [value] = text,
#define TF_ENUM_END(name, count) };                                                                \
    const char *tf_##name##_str (tf_##name##_t value)                                              \
    {                                                                                              \
        return (size_t) value < count ? s_##name##_names[value] : NULL;                            \
    }                                                                                              \
    int tf_##name##_parse (const char *text, size_t size, tf_##name##_t *value)                    \
    {                                                                                              \
        return s_enum_parse (s_##name##_names, count, text, size, (int *) value);                  \
    }
// clang-format on
#include "tf_msg.def"
#undef TF_RECORD_BEGIN
#undef TF_RECORD_END
#undef TF_MSG_BEGIN
#undef TF_MSG_END
#undef TF_FIELD
#undef TF_LIST
#undef TF_ENUM_BEGIN
#undef TF_ENUM_VALUE
#undef TF_ENUM_END
#undef TF_FIELD_ENUM

// clang-format off
#define TF_RECORD_BEGIN(name) static const tf_field_t s_##name##_fields[] = {
#define TF_RECORD_END(name) };                                                                     \
    static const tf_schema_t s_##name##_schema = {                                                 \
        #name, s_##name##_fields, sizeof s_##name##_fields / sizeof s_##name##_fields[0],          \
        sizeof (tf_##name##_t)};
#define TF_MSG_BEGIN(name, id, topic) TF_RECORD_BEGIN (name)
#define TF_MSG_END(name) TF_RECORD_END (name)
// clang-format on
#define TF_FIELD(owner, field, type, required)                                                     \
    {#field, TF_T_##type, offsetof (tf_##owner##_t, field), required, NULL, NULL, 0},
#define TF_LIST(owner, field, record, required)                                                    \
    {#field, TF_T_LIST, offsetof (tf_##owner##_t, field), required, &s_##record##_schema, NULL, 0},
#define TF_FIELD_ENUM(owner, field, name, required)                                                \
    {#field,                                                                                       \
     TF_T_ENUM,                                                                                    \
     offsetof (tf_##owner##_t, field),                                                             \
     required,                                                                                     \
     NULL,                                                                                         \
     s_##name##_names,                                                                             \
     sizeof s_##name##_names / sizeof s_##name##_names[0]},
#define TF_ENUM_BEGIN(name)
#define TF_ENUM_VALUE(name, value, text)
#define TF_ENUM_END(name, count)
#include "tf_msg.def"
#undef TF_RECORD_BEGIN
#undef TF_RECORD_END
#undef TF_MSG_BEGIN
#undef TF_MSG_END
#undef TF_FIELD
#undef TF_LIST
#undef TF_FIELD_ENUM
#undef TF_ENUM_BEGIN
#undef TF_ENUM_VALUE
#undef TF_ENUM_END

typedef struct {
    const tf_schema_t *schema;
    const char *topic;
} tf_msg_entry_t;

static const tf_msg_entry_t s_messages[TF_MSG_COUNT_] = {
#define TF_RECORD_BEGIN(name)
#define TF_RECORD_END(name)
#define TF_MSG_BEGIN(name, id, topic) [id] = {&s_##name##_schema, topic},
#define TF_MSG_END(name)
#define TF_FIELD(owner, field, type, required)
#define TF_LIST(owner, field, record, required)
#define TF_FIELD_ENUM(owner, field, name, required)
#define TF_ENUM_BEGIN(name)
#define TF_ENUM_VALUE(name, value, text)
#define TF_ENUM_END(name, count)
#include "tf_msg.def"
#undef TF_RECORD_BEGIN
#undef TF_RECORD_END
#undef TF_MSG_BEGIN
#undef TF_MSG_END
#undef TF_FIELD
#undef TF_LIST
#undef TF_FIELD_ENUM
#undef TF_ENUM_BEGIN
#undef TF_ENUM_VALUE
#undef TF_ENUM_END
};

#define TF_MAX_FIELDS 64 //  Duplicate-key bitmap width

static _Thread_local char s_last_error[160];
static uint64_t s_rejected; //  Process-wide count of rejected messages
static bool s_rejection_logged[TF_MSG_COUNT_ + 1];

static const tf_schema_t *
s_schema (tf_msg_id_t id)
{
    if (id <= TF_MSG_INVALID || id >= TF_MSG_COUNT_)
        return NULL;
    return s_messages[id].schema;
}

const char *
tf_msg_topic (tf_msg_id_t id)
{
    return s_schema (id) ? s_messages[id].topic : NULL;
}

tf_msg_id_t
tf_msg_id_by_topic (const char *topic, size_t size)
{
    for (int id = 1; id < TF_MSG_COUNT_; id++) {
        const char *known = s_messages[id].topic;
        if (known && strlen (known) == size && memcmp (known, topic, size) == 0)
            return (tf_msg_id_t) id;
    }
    return TF_MSG_INVALID;
}

const char *
tf_msg_last_error (void)
{
    return s_last_error;
}

uint64_t
tf_msg_rejected (void)
{
    return s_rejected;
}

void
tf_msg_reject (tf_msg_id_t id, const char *topic, const char *reason)
{
    s_rejected++;
    size_t slot = (id > TF_MSG_INVALID && id < TF_MSG_COUNT_) ? (size_t) id : TF_MSG_COUNT_;
    if (!s_rejection_logged[slot]) {
        s_rejection_logged[slot] = true;
        zsys_warning ("msg: rejected topic=%s reason=\"%s\" (further rejections of this kind are "
                      "only counted)",
                      topic ? topic : "?", reason ? reason : "?");
    }
}

static void s_set_error (const char *format, ...) __attribute__ ((format (printf, 1, 2)));

static void
s_set_error (const char *format, ...)
{
    va_list args;
    va_start (args, format);
    vsnprintf (s_last_error, sizeof s_last_error, format, args);
    va_end (args);
}


//  ---------------------------------------------------------------------------
//  Encoding

static int s_pack_record (msgpack_packer *pk, const tf_schema_t *schema, const void *body,
                          bool with_version);
static int s_scan (const uint8_t *data, size_t size, size_t *offset, int depth, size_t *objects);

//  Strings over TF_MAX_STR are refused here, as every decoder would refuse them
static int
s_pack_str (msgpack_packer *pk, const char *str)
{
    size_t len = strlen (str);
    if (len > TF_MAX_STR)
        return -1;
    msgpack_pack_str (pk, len);
    return msgpack_pack_str_body (pk, str, len);
}

//  True when an optional field holds nothing worth sending
static bool
s_field_absent (const tf_field_t *field, const uint8_t *member)
{
    switch (field->type) {
        case TF_T_STR:
            return *(char *const *) member == NULL;
        case TF_T_BIN:
        case TF_T_RAW:
            return ((const tf_bytes_t *) member)->data == NULL;
        case TF_T_STRS:
        case TF_T_LIST:
            return !field->required && ((const tf_list_t *) member)->count == 0;
        default:
            return false;
    }
}

static int
s_pack_field (msgpack_packer *pk, const tf_field_t *field, const uint8_t *member)
{
    switch (field->type) {
        case TF_T_STR:
            return s_pack_str (pk, *(char *const *) member);
        case TF_T_U64:
            return msgpack_pack_uint64 (pk, *(const uint64_t *) member);
        case TF_T_BOOL:
            return *(const bool *) member ? msgpack_pack_true (pk) : msgpack_pack_false (pk);
        case TF_T_F64:
            return msgpack_pack_double (pk, *(const double *) member);
        case TF_T_ENUM: {
            int value = *(const int *) member;
            if (value < 0 || (size_t) value >= field->name_count)
                return -1;
            return s_pack_str (pk, field->names[value]);
        }
        case TF_T_BIN: {
            const tf_bytes_t *bytes = (const tf_bytes_t *) member;
            if (bytes->size > TF_MAX_BIN)
                return -1;
            msgpack_pack_bin (pk, bytes->size);
            return msgpack_pack_bin_body (pk, bytes->data, bytes->size);
        }
        case TF_T_RAW: {
            //  Already one encoded msgpack object: copy it in as it is, once the
            //  same structure scan as the decoder's says it is exactly one
            const tf_bytes_t *bytes = (const tf_bytes_t *) member;
            size_t end = 0, objects = 0;
            if (bytes->size > TF_MAX_BIN || s_scan (bytes->data, bytes->size, &end, 1, &objects)
                || end != bytes->size)
                return -1;
            msgpack_sbuffer *buffer = (msgpack_sbuffer *) pk->data;
            return msgpack_sbuffer_write (buffer, (const char *) bytes->data, bytes->size);
        }
        case TF_T_STRS: {
            const tf_strs_t *strs = (const tf_strs_t *) member;
            if (strs->count > TF_MAX_ITEMS)
                return -1;
            msgpack_pack_array (pk, strs->count);
            for (size_t index = 0; index < strs->count; index++)
                if (!strs->items[index] || s_pack_str (pk, strs->items[index]))
                    return -1;
            return 0;
        }
        case TF_T_LIST: {
            const tf_list_t *list = (const tf_list_t *) member;
            if (list->count > TF_MAX_ITEMS)
                return -1;
            msgpack_pack_array (pk, list->count);
            for (size_t index = 0; index < list->count; index++) {
                const uint8_t *item = (const uint8_t *) list->items + index * field->record->size;
                if (s_pack_record (pk, field->record, item, false))
                    return -1;
            }
            return 0;
        }
    }
    return -1;
}

static int
s_pack_record (msgpack_packer *pk, const tf_schema_t *schema, const void *body, bool with_version)
{
    const uint8_t *base = (const uint8_t *) body;
    size_t present = with_version ? 1 : 0;
    for (size_t index = 0; index < schema->field_count; index++) {
        const tf_field_t *field = &schema->fields[index];
        bool absent = s_field_absent (field, base + field->offset);
        if (absent && field->required && field->type != TF_T_STRS && field->type != TF_T_LIST) {
            s_set_error ("%s.%s is required", schema->name, field->name);
            return -1;
        }
        if (!absent)
            present++;
    }
    msgpack_pack_map (pk, present);
    if (with_version) {
        s_pack_str (pk, "v");
        msgpack_pack_uint64 (pk, TF_PROTO_VERSION);
    }
    for (size_t index = 0; index < schema->field_count; index++) {
        const tf_field_t *field = &schema->fields[index];
        if (s_field_absent (field, base + field->offset))
            continue;
        s_pack_str (pk, field->name);
        if (s_pack_field (pk, field, base + field->offset)) {
            s_set_error ("%s.%s breaks the schema: over a cap, a NULL item, or not exactly one "
                         "msgpack object",
                         schema->name, field->name);
            return -1;
        }
    }
    return 0;
}

int
tf_msg_encode (tf_msg_id_t id, const void *body, uint8_t **data_p, size_t *size_p)
{
    assert (body);
    assert (data_p && size_p);
    const tf_schema_t *schema = s_schema (id);
    assert (schema); //  Sending an unknown id is our bug

    msgpack_sbuffer buffer;
    msgpack_sbuffer_init (&buffer);
    msgpack_packer pk;
    msgpack_packer_init (&pk, &buffer, msgpack_sbuffer_write);
    int rc = s_pack_record (&pk, schema, body, true);
    if (rc == 0 && buffer.size > TF_MSG_MAX_SIZE) {
        s_set_error ("%s: %zu bytes, over TF_MSG_MAX_SIZE", schema->name, buffer.size);
        rc = -1;
    }
    if (rc == 0) {
        *data_p = (uint8_t *) buffer.data; //  sbuffer memory is malloc'd: caller frees
        *size_p = buffer.size;
        if (!*data_p) { //  Never happens for a map, but keep the promise
            *data_p = (uint8_t *) malloc (1);
            assert (*data_p);
        }
    }
    else
        msgpack_sbuffer_destroy (&buffer);
    return rc;
}


//  ---------------------------------------------------------------------------
//  Structure scan: walk one msgpack object without allocating; fail when a
//  length does not fit in what is left or nesting is too deep.

//  Big-endian unsigned integer of width bytes
static uint64_t
s_read_be (const uint8_t *bytes, size_t width)
{
    uint64_t value = 0;
    for (size_t index = 0; index < width; index++)
        value = (value << 8) | bytes[index];
    return value;
}

static int
s_scan (const uint8_t *data, size_t size, size_t *offset, int depth, size_t *objects)
{
    //  msgpack-c spends 24 to 48 bytes on every object it unpacks
    if (depth > TF_MAX_DEPTH || *offset >= size || ++*objects > TF_MAX_OBJECTS)
        return -1;
    uint8_t head = data[(*offset)++];
    size_t left = size - *offset;
    uint64_t length = 0;   //  Payload bytes to skip
    uint64_t children = 0; //  Nested objects that follow

#define NEED(n)                                                                                    \
    do {                                                                                           \
        if (left < (n))                                                                            \
            return -1;                                                                             \
    } while (0)
    if (head <= 0x7f || head >= 0xe0 || head == 0xc0 || head == 0xc2 || head == 0xc3)
        return 0; //  fixint, nil, bool
    else if ((head & 0xe0) == 0xa0)
        length = head & 0x1f; //  fixstr
    else if ((head & 0xf0) == 0x90)
        children = head & 0x0f; //  fixarray
    else if ((head & 0xf0) == 0x80)
        children = 2u * (head & 0x0f); //  fixmap
    else {
        size_t width = 0;
        //  One line per marker byte: a table reads better than clang-format's layout
        // clang-format off
        switch (head) {
            case 0xcc: case 0xd0: length = 1; break;
            case 0xcd: case 0xd1: length = 2; break;
            case 0xca: case 0xce: case 0xd2: length = 4; break;
            case 0xcb: case 0xcf: case 0xd3: length = 8; break;
            case 0xd4: length = 2; break;   //  fixext 1..16: type byte + data
            case 0xd5: length = 3; break;
            case 0xd6: length = 5; break;
            case 0xd7: length = 9; break;
            case 0xd8: length = 17; break;
            case 0xc4: case 0xd9: width = 1; break;
            case 0xc5: case 0xda: width = 2; break;
            case 0xc6: case 0xdb: width = 4; break;
            case 0xc7: width = 1; length = 1; break;
            case 0xc8: width = 2; length = 1; break;
            case 0xc9: width = 4; length = 1; break;
            case 0xdc: NEED (2); children = s_read_be (data + *offset, 2); *offset += 2; break;
            case 0xdd: NEED (4); children = s_read_be (data + *offset, 4); *offset += 4; break;
            case 0xde: NEED (2); children = 2 * s_read_be (data + *offset, 2); *offset += 2; break;
            case 0xdf: NEED (4); children = 2 * s_read_be (data + *offset, 4); *offset += 4; break;
            default: return -1;             //  0xc1 is never used
        }
        // clang-format on
        if (width) {
            NEED (width);
            length += s_read_be (data + *offset, width);
            *offset += width;
        }
    }
    left = size - *offset;
    if (length > left || children > left) //  Each child takes at least one byte
        return -1;
    *offset += length;
    for (uint64_t child = 0; child < children; child++)
        if (s_scan (data, size, offset, depth + 1, objects))
            return -1;
    return 0;
#undef NEED
}


//  ---------------------------------------------------------------------------
//  Decoding

static void s_free_record (const tf_schema_t *schema, void *body);

static char *
s_copy_str (const msgpack_object *object)
{
    uint32_t len = object->via.str.size;
    if (len > TF_MAX_STR || memchr (tf_mpack_str_bytes (object), 0, len))
        return NULL;
    char *copy = (char *) malloc (len + 1);
    assert (copy);
    memcpy (copy, tf_mpack_str_bytes (object), len);
    copy[len] = 0;
    return copy;
}

static int s_unpack_record (const tf_schema_t *schema, const msgpack_object *object, void *body,
                            bool top);

static int
s_unpack_field (const tf_field_t *field, const msgpack_object *value, uint8_t *member)
{
    switch (field->type) {
        case TF_T_STR:
            if (value->type != MSGPACK_OBJECT_STR)
                return -1;
            *(char **) member = s_copy_str (value);
            return *(char **) member ? 0 : -1;
        case TF_T_U64:
            if (value->type != MSGPACK_OBJECT_POSITIVE_INTEGER)
                return -1;
            *(uint64_t *) member = value->via.u64;
            return 0;
        case TF_T_BOOL:
            if (value->type != MSGPACK_OBJECT_BOOLEAN)
                return -1;
            *(bool *) member = value->via.boolean;
            return 0;
        case TF_T_F64:
            if (value->type == MSGPACK_OBJECT_FLOAT32 || value->type == MSGPACK_OBJECT_FLOAT64)
                *(double *) member = value->via.f64;
            else if (value->type == MSGPACK_OBJECT_POSITIVE_INTEGER)
                *(double *) member = (double) value->via.u64;
            else if (value->type == MSGPACK_OBJECT_NEGATIVE_INTEGER)
                *(double *) member = (double) value->via.i64;
            else
                return -1;
            return 0;
        case TF_T_ENUM: {
            int parsed;
            if (value->type != MSGPACK_OBJECT_STR
                || s_enum_parse (field->names, field->name_count, tf_mpack_str_bytes (value),
                                 value->via.str.size, &parsed))
                return -1;
            *(int *) member = parsed;
            return 0;
        }
        case TF_T_BIN: {
            if (value->type != MSGPACK_OBJECT_BIN || value->via.bin.size > TF_MAX_BIN)
                return -1;
            tf_bytes_t *bytes = (tf_bytes_t *) member;
            bytes->size = value->via.bin.size;
            bytes->data = (uint8_t *) malloc (bytes->size ? bytes->size : 1);
            assert (bytes->data);
            memcpy (bytes->data, tf_mpack_bin_bytes (value), bytes->size);
            return 0;
        }
        case TF_T_RAW: {
            msgpack_sbuffer buffer;
            msgpack_sbuffer_init (&buffer);
            msgpack_packer pk;
            msgpack_packer_init (&pk, &buffer, msgpack_sbuffer_write);
            if (msgpack_pack_object (&pk, *value) || buffer.size > TF_MAX_BIN) {
                msgpack_sbuffer_destroy (&buffer);
                return -1;
            }
            tf_bytes_t *bytes = (tf_bytes_t *) member;
            bytes->data = (uint8_t *) buffer.data;
            bytes->size = buffer.size;
            return 0;
        }
        case TF_T_STRS: {
            if (value->type != MSGPACK_OBJECT_ARRAY || value->via.array.size > TF_MAX_ITEMS)
                return -1;
            tf_strs_t *strs = (tf_strs_t *) member;
            uint32_t count = value->via.array.size;
            strs->items = (char **) calloc (count ? count : 1, sizeof (char *));
            assert (strs->items);
            for (uint32_t index = 0; index < count; index++) {
                const msgpack_object *item = &value->via.array.ptr[index];
                if (item->type != MSGPACK_OBJECT_STR)
                    return -1;
                strs->items[index] = s_copy_str (item);
                if (!strs->items[index])
                    return -1;
                strs->count = index + 1; //  Free walks exactly what was copied
            }
            return 0;
        }
        case TF_T_LIST: {
            if (value->type != MSGPACK_OBJECT_ARRAY || value->via.array.size > TF_MAX_ITEMS)
                return -1;
            tf_list_t *list = (tf_list_t *) member;
            uint32_t count = value->via.array.size;
            size_t item_size = field->record->size;
            list->items = calloc (count ? count : 1, item_size);
            assert (list->items);
            for (uint32_t index = 0; index < count; index++) {
                uint8_t *item = (uint8_t *) list->items + index * item_size;
                list->count = index + 1;
                if (s_unpack_record (field->record, &value->via.array.ptr[index], item, false))
                    return -1;
            }
            return 0;
        }
    }
    return -1;
}

static int
s_unpack_record (const tf_schema_t *schema, const msgpack_object *object, void *body, bool top)
{
    if (object->type != MSGPACK_OBJECT_MAP) {
        s_set_error ("%s: not a map", schema->name);
        return -1;
    }
    assert (schema->field_count < TF_MAX_FIELDS);
    uint64_t seen = 0; //  Bit per field, top bit for "v"
    const uint64_t version_bit = 1ull << (TF_MAX_FIELDS - 1);
    const msgpack_object_map *map = &object->via.map;
    for (uint32_t pair = 0; pair < map->size; pair++) {
        const msgpack_object *key = &map->ptr[pair].key;
        const msgpack_object *value = &map->ptr[pair].val;
        if (key->type != MSGPACK_OBJECT_STR) {
            s_set_error ("%s: non-string key", schema->name);
            return -1;
        }
        const char *name = tf_mpack_str_bytes (key);
        uint32_t len = key->via.str.size;
        if (top && len == 1 && name[0] == 'v') {
            if (seen & version_bit) {
                s_set_error ("%s: duplicate key \"v\"", schema->name);
                return -1;
            }
            seen |= version_bit;
            if (value->type != MSGPACK_OBJECT_POSITIVE_INTEGER
                || value->via.u64 != TF_PROTO_VERSION) {
                s_set_error ("%s: unsupported protocol version", schema->name);
                return -1;
            }
            continue;
        }
        for (size_t index = 0; index < schema->field_count; index++) {
            const tf_field_t *field = &schema->fields[index];
            if (strlen (field->name) != len || memcmp (field->name, name, len) != 0)
                continue;
            if (seen & (1ull << index)) {
                s_set_error ("%s: duplicate key \"%s\"", schema->name, field->name);
                return -1;
            }
            seen |= 1ull << index;
            if (s_unpack_field (field, value, (uint8_t *) body + field->offset)) {
                s_set_error ("%s.%s: wrong type, too large, or not one of its values", schema->name,
                             field->name);
                return -1;
            }
            break;
        }
        //  Unknown keys are skipped: newer writers may add fields
    }
    if (top && !(seen & version_bit)) {
        s_set_error ("%s: missing \"v\"", schema->name);
        return -1;
    }
    for (size_t index = 0; index < schema->field_count; index++)
        if (schema->fields[index].required && !(seen & (1ull << index))) {
            s_set_error ("%s: missing required \"%s\"", schema->name, schema->fields[index].name);
            return -1;
        }
    return 0;
}

int
tf_msg_decode (tf_msg_id_t id, const uint8_t *data, size_t size, void *body)
{
    assert (body);
    const tf_schema_t *schema = s_schema (id);
    if (!schema) {
        s_set_error ("unknown message id %d", (int) id);
        return -1;
    }
    memset (body, 0, schema->size);
    s_last_error[0] = 0;
    if (!data || size == 0 || size > TF_MSG_MAX_SIZE) {
        s_set_error ("%s: empty or oversize body (%zu bytes)", schema->name, size);
        return -1;
    }
    size_t end = 0, objects = 0;
    if (s_scan (data, size, &end, 0, &objects) || end != size) {
        s_set_error ("%s: not exactly one well-formed msgpack object", schema->name);
        return -1;
    }
    msgpack_unpacked unpacked;
    msgpack_unpacked_init (&unpacked);
    size_t offset = 0;
    int rc = -1;
    if (msgpack_unpack_next (&unpacked, (const char *) data, size, &offset)
        != MSGPACK_UNPACK_SUCCESS) {
        s_set_error ("%s: msgpack parse error", schema->name);
        goto out;
    }
    rc = s_unpack_record (schema, &unpacked.data, body, true);
out:
    msgpack_unpacked_destroy (&unpacked);
    if (rc)
        tf_msg_body_free (id, body);
    return rc;
}

static void
s_free_record (const tf_schema_t *schema, void *body)
{
    uint8_t *base = (uint8_t *) body;
    for (size_t index = 0; index < schema->field_count; index++) {
        const tf_field_t *field = &schema->fields[index];
        uint8_t *member = base + field->offset;
        switch (field->type) {
            case TF_T_STR:
                free (*(char **) member);
                break;
            case TF_T_BIN:
            case TF_T_RAW:
                free (((tf_bytes_t *) member)->data);
                break;
            case TF_T_STRS: {
                tf_strs_t *strs = (tf_strs_t *) member;
                for (size_t item = 0; item < strs->count; item++)
                    free (strs->items[item]);
                free (strs->items);
                break;
            }
            case TF_T_LIST: {
                tf_list_t *list = (tf_list_t *) member;
                for (size_t item = 0; item < list->count; item++)
                    s_free_record (field->record,
                                   (uint8_t *) list->items + item * field->record->size);
                free (list->items);
                break;
            }
            default:
                break;
        }
    }
    memset (body, 0, schema->size);
}

void
tf_msg_body_free (tf_msg_id_t id, void *body)
{
    const tf_schema_t *schema = s_schema (id);
    if (schema && body)
        s_free_record (schema, body);
}


//  ---------------------------------------------------------------------------
//  Sockets

static int
s_send_frames (zsock_t *sock, zframe_t *routing_id, const char *topic, const uint8_t *data,
               size_t size)
{
    void *handle = zsock_resolve (sock);
    if (routing_id
        && zmq_send (handle, zframe_data (routing_id), zframe_size (routing_id), ZMQ_SNDMORE) < 0)
        return -1;
    if (zmq_send (handle, topic, strlen (topic), ZMQ_SNDMORE) < 0)
        return -1;
    return zmq_send (handle, data, size, 0) < 0 ? -1 : 0;
}

int
tf_msg_send_raw (zsock_t *sock, const char *topic, const uint8_t *data, size_t size)
{
    assert (sock && topic && data);
    return s_send_frames (sock, NULL, topic, data, size);
}

static int
s_send (zsock_t *sock, zframe_t *routing_id, tf_msg_id_t id, const void *body)
{
    uint8_t *data = NULL;
    size_t size = 0;
    if (tf_msg_encode (id, body, &data, &size)) {
        zsys_error ("msg: cannot encode %s: %s", tf_msg_topic (id), s_last_error);
        return -1;
    }
    int rc = s_send_frames (sock, routing_id, tf_msg_topic (id), data, size);
    free (data);
    return rc;
}

int
tf_msg_send (zsock_t *sock, tf_msg_id_t id, const void *body)
{
    assert (sock);
    return s_send (sock, NULL, id, body);
}

int
tf_msg_send_to (zsock_t *router, zframe_t *routing_id, tf_msg_id_t id, const void *body)
{
    assert (router && routing_id);
    return s_send (router, routing_id, id, body);
}

int
tf_msg_drain (zloop_t *loop, zsock_t *reader, void *arg, zloop_reader_fn *one)
{
    assert (reader && one);
    int rc = 0;
    for (int count = 0; rc == 0 && count < TF_MSG_DRAIN_MAX; count++) {
        rc = one (loop, reader, arg);
        if (rc == 0 && !(zsock_events (reader) & ZMQ_POLLIN))
            break;
    }
    return rc;
}

tf_msg_t *
tf_msg_recv (zsock_t *sock)
{
    assert (sock);
    void *handle = zsock_resolve (sock);
    bool is_router = zsock_type (sock) == ZMQ_ROUTER;
    zmq_msg_t frames[3];
    size_t frame_count = 0;
    bool too_many = false;
    int more = 1;
    while (more) {
        zmq_msg_t frame;
        zmq_msg_init (&frame);
        if (zmq_msg_recv (&frame, handle, 0) < 0) {
            zmq_msg_close (&frame);
            for (size_t index = 0; index < frame_count; index++)
                zmq_msg_close (&frames[index]);
            return NULL; //  Interrupted or socket gone
        }
        more = zmq_msg_more (&frame);
        if (frame_count < 3)
            frames[frame_count++] = frame;
        else {
            too_many = true; //  Drain the rest, reject below
            zmq_msg_close (&frame);
        }
    }
    tf_msg_t *self = (tf_msg_t *) zmalloc (sizeof (tf_msg_t));
    size_t first = 0;
    if (is_router) {
        self->routing_id = zframe_new (zmq_msg_data (&frames[0]), zmq_msg_size (&frames[0]));
        first = 1;
    }
    const char *reason = NULL;
    char topic[TF_MAX_TOPIC + 1] = "?";
    tf_msg_id_t id = TF_MSG_INVALID;
    if (too_many || frame_count != first + 2)
        reason = "wrong number of frames";
    else {
        size_t topic_size = zmq_msg_size (&frames[first]);
        if (topic_size > TF_MAX_TOPIC)
            reason = "topic too long";
        else {
            memcpy (topic, zmq_msg_data (&frames[first]), topic_size);
            topic[topic_size] = 0;
            id = tf_msg_id_by_topic (topic, topic_size);
            if (id == TF_MSG_INVALID)
                reason = "unknown topic";
            else if (tf_msg_decode (id, (const uint8_t *) zmq_msg_data (&frames[first + 1]),
                                    zmq_msg_size (&frames[first + 1]), &self->actor_hello))
                reason = s_last_error;
        }
    }
    for (size_t index = 0; index < frame_count; index++)
        zmq_msg_close (&frames[index]);
    if (reason) {
        tf_msg_reject (id, topic, reason);
        self->id = TF_MSG_INVALID;
        if (!is_router)
            tf_msg_destroy (&self);
        return self;
    }
    self->id = id;
    return self;
}

void
tf_msg_destroy (tf_msg_t **self_p)
{
    assert (self_p);
    tf_msg_t *self = *self_p;
    if (!self)
        return;
    if (self->id != TF_MSG_INVALID)
        tf_msg_body_free (self->id, &self->actor_hello);
    zframe_destroy (&self->routing_id);
    free (self);
    *self_p = NULL;
}
