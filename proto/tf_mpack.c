//  tf_mpack.c - small msgpack helpers (see tf_mpack.h)

#include <stdlib.h>
#include <string.h>
#include "tf_mpack.h"

void
tf_mpack_str (msgpack_packer *packer, const char *text)
{
    size_t length = strlen (text);
    msgpack_pack_str (packer, length);
    msgpack_pack_str_body (packer, text, length);
}

const char *
tf_mpack_str_bytes (const msgpack_object *value)
{
    return value->via.str.ptr ? value->via.str.ptr : "";
}

const uint8_t *
tf_mpack_bin_bytes (const msgpack_object *value)
{
    static const uint8_t empty[1] = {0};
    return value->via.bin.ptr ? (const uint8_t *) value->via.bin.ptr : empty;
}

bool
tf_mpack_str_is (const msgpack_object *value, const char *text, size_t length)
{
    return value->type == MSGPACK_OBJECT_STR && value->via.str.size == length
           && memcmp (tf_mpack_str_bytes (value), text, length) == 0;
}

const msgpack_object *
tf_mpack_get (const msgpack_object *map, const char *key)
{
    if (!map || map->type != MSGPACK_OBJECT_MAP)
        return NULL;
    size_t length = strlen (key);
    for (uint32_t index = 0; index < map->via.map.size; index++) {
        const msgpack_object_kv *pair = &map->via.map.ptr[index];
        if (tf_mpack_str_is (&pair->key, key, length))
            return &pair->val;
    }
    return NULL;
}

char *
tf_mpack_strdup (const msgpack_object *value)
{
    if (!value || value->type != MSGPACK_OBJECT_STR)
        return NULL;
    return strndup (tf_mpack_str_bytes (value), value->via.str.size);
}
