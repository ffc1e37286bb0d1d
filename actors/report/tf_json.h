//  tf_json.h - msgpack objects as JSON, for reports written from wire data

#ifndef TF_JSON_H_INCLUDED
#define TF_JSON_H_INCLUDED

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

//  Convert one encoded msgpack object to a JSON value (maps with non-string
//  keys get their keys printed; bin becomes a hex string). Returns a new
//  reference, or NULL when the bytes are not one well-formed object.
json_t *tf_json_from_msgpack (const uint8_t *data, size_t size);

//  Write a JSON document to path atomically (temporary file, fsync, rename).
//  Returns 0 or -1 (logged).
int tf_json_write_file (const json_t *document, const char *path);

#endif
