//  tf_mpack.h - small msgpack helpers for maps built and read outside the
//  wire codec: the details maps of expectation results and the plan's map

#ifndef TF_MPACK_H_INCLUDED
#define TF_MPACK_H_INCLUDED

#include <msgpack.h>
#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

//  The bytes of a msgpack str or bin, never NULL: libmsgpack gives a NULL
//  pointer for an empty one, and memcmp, memcpy, memchr and strndup must not
//  get NULL even with a size of 0. Read every str and bin through these.
const char *tf_mpack_str_bytes (const msgpack_object *value);
const uint8_t *tf_mpack_bin_bytes (const msgpack_object *value);

//  True when value is a str holding exactly the length bytes of text.
bool tf_mpack_str_is (const msgpack_object *value, const char *text, size_t length);

//  Pack text (NUL-terminated) as a msgpack str.
void tf_mpack_str (msgpack_packer *packer, const char *text);

//  The value of key in map, or NULL when map is not a map or has no such key.
const msgpack_object *tf_mpack_get (const msgpack_object *map, const char *key);

//  A copy of a msgpack str (caller frees), or NULL when value is not a str.
char *tf_mpack_strdup (const msgpack_object *value);

#ifdef __cplusplus
}
#endif

#endif
