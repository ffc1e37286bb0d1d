//  tf_json.c - msgpack objects as JSON, for reports written from wire data

#include <czmq.h>
#include <msgpack.h>
#include "tf_json.h"
#include "tf_mpack.h"

static json_t *
s_from_object (const msgpack_object *object)
{
    switch (object->type) {
        case MSGPACK_OBJECT_NIL:
            return json_null ();
        case MSGPACK_OBJECT_BOOLEAN:
            return json_boolean (object->via.boolean);
        case MSGPACK_OBJECT_POSITIVE_INTEGER:
            return json_integer ((json_int_t) object->via.u64);
        case MSGPACK_OBJECT_NEGATIVE_INTEGER:
            return json_integer ((json_int_t) object->via.i64);
        case MSGPACK_OBJECT_FLOAT32:
        case MSGPACK_OBJECT_FLOAT64:
            return json_real (object->via.f64);
        case MSGPACK_OBJECT_STR:
            return json_stringn (tf_mpack_str_bytes (object), object->via.str.size);
        case MSGPACK_OBJECT_BIN: {
            char *hex = (char *) zmalloc (2 * (size_t) object->via.bin.size + 1);
            for (uint32_t index = 0; index < object->via.bin.size; index++)
                sprintf (hex + 2 * index, "%02x", tf_mpack_bin_bytes (object)[index]);
            json_t *value = json_string (hex);
            free (hex);
            return value;
        }
        case MSGPACK_OBJECT_ARRAY: {
            json_t *array = json_array ();
            for (uint32_t index = 0; index < object->via.array.size; index++)
                json_array_append_new (array, s_from_object (&object->via.array.ptr[index]));
            return array;
        }
        case MSGPACK_OBJECT_MAP: {
            json_t *map = json_object ();
            for (uint32_t index = 0; index < object->via.map.size; index++) {
                const msgpack_object_kv *pair = &object->via.map.ptr[index];
                char key[256];
                if (pair->key.type == MSGPACK_OBJECT_STR)
                    snprintf (key, sizeof key, "%.*s", (int) pair->key.via.str.size,
                              tf_mpack_str_bytes (&pair->key));
                else
                    snprintf (key, sizeof key, "#%u", index);
                json_object_set_new (map, key, s_from_object (&pair->val));
            }
            return map;
        }
        default:
            return json_null (); //  Ext types carry nothing a report needs
    }
}

json_t *
tf_json_from_msgpack (const uint8_t *data, size_t size)
{
    if (!data || !size)
        return NULL;
    msgpack_unpacked unpacked;
    msgpack_unpacked_init (&unpacked);
    size_t offset = 0;
    json_t *value = NULL;
    if (msgpack_unpack_next (&unpacked, (const char *) data, size, &offset)
            == MSGPACK_UNPACK_SUCCESS
        && offset == size)
        value = s_from_object (&unpacked.data);
    msgpack_unpacked_destroy (&unpacked);
    return value;
}

int
tf_json_write_file (const json_t *document, const char *path)
{
    assert (document && path);
    char *temporary = zsys_sprintf ("%s.tmp", path);
    int rc = -1;
    FILE *file = fopen (temporary, "w");
    if (!file) {
        zsys_error ("json: cannot write path=%s error=\"%s\"", temporary, strerror (errno));
        goto out;
    }
    int dumped = json_dumpf (document, file, JSON_INDENT (2) | JSON_SORT_KEYS);
    int flushed = fflush (file);
    int synced = fsync (fileno (file));
    if (fclose (file) || dumped || flushed || synced) {
        zsys_error ("json: cannot write path=%s error=\"%s\"", temporary, strerror (errno));
        goto out;
    }
    if (rename (temporary, path)) {
        zsys_error ("json: cannot rename path=%s error=\"%s\"", path, strerror (errno));
        goto out;
    }
    rc = 0;
out:
    zstr_free (&temporary);
    return rc;
}
