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

const msgpack_object *
tf_mpack_get (const msgpack_object *map, const char *key)
{
    if (!map || map->type != MSGPACK_OBJECT_MAP)
        return NULL;
    size_t length = strlen (key);
    for (uint32_t index = 0; index < map->via.map.size; index++) {
        const msgpack_object_kv *pair = &map->via.map.ptr[index];
        if (pair->key.type == MSGPACK_OBJECT_STR && pair->key.via.str.size == length
            && memcmp (pair->key.via.str.ptr, key, length) == 0)
            return &pair->val;
    }
    return NULL;
}

char *
tf_mpack_strdup (const msgpack_object *value)
{
    if (!value || value->type != MSGPACK_OBJECT_STR)
        return NULL;
    return strndup (value->via.str.ptr, value->via.str.size);
}
