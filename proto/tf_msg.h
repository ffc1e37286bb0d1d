//  tf_msg.h - the wire codec: one schema (tf_msg.def), one encoder, one decoder
//
//  Every message is two ZeroMQ frames, [topic][msgpack map with "v"], on every
//  socket type; a ROUTER adds its routing id in front. The structs, the id enum
//  and the field tables are all derived from tf_msg.def, so a message is defined
//  in exactly one place. Decoding is strict (see PROTOCOL.md): anything
//  malformed is rejected, counted and logged once per message type, never
//  asserted on.

#ifndef TF_MSG_H_INCLUDED
#define TF_MSG_H_INCLUDED

#include <czmq.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TF_PROTO_VERSION 1                   //  "v" of every message
#define TF_MSG_MAX_SIZE  (8u << 20)          //  Largest body accepted, bytes
#define TF_MAX_STR       (64u << 10)         //  Longest string field, bytes
#define TF_MAX_BIN       (4u << 20)          //  Longest bin/raw field, bytes
#define TF_MAX_ITEMS     100000u             //  Longest array field, items
#define TF_MAX_DEPTH     32                  //  Deepest nesting inside a message
#define TF_MAX_OBJECTS   (4u * TF_MAX_ITEMS) //  msgpack objects in one body, keys included
#define TF_MAX_TOPIC     64                  //  Longest topic frame, bytes

#define TF_REQUIRED true
#define TF_OPTIONAL false

//  Bytes owned by the message that holds them
typedef struct {
    uint8_t *data; //  NULL when absent
    size_t size;
} tf_bytes_t;

//  Array of strings owned by the message that holds them
typedef struct {
    char **items;
    size_t count;
} tf_strs_t;

//  C types of the schema's field types
#define TF_CTYPE_STR  char *
#define TF_CTYPE_U64  uint64_t
#define TF_CTYPE_BOOL bool
#define TF_CTYPE_F64  double
#define TF_CTYPE_BIN  tf_bytes_t
#define TF_CTYPE_RAW  tf_bytes_t
#define TF_CTYPE_STRS tf_strs_t

//  One C enum per enumeration: tf_<name>_t, its values as the def file names them
#define TF_RECORD_BEGIN(name)
#define TF_RECORD_END(name)
#define TF_MSG_BEGIN(name, id, topic)
#define TF_MSG_END(name)
#define TF_FIELD(owner, field, type, required)
#define TF_LIST(owner, field, record, required)
#define TF_FIELD_ENUM(owner, field, name, required)
// clang-format off
#define TF_ENUM_BEGIN(name) typedef enum {
#define TF_ENUM_VALUE(name, value, text) value,
#define TF_ENUM_END(name, count) count } tf_##name##_t;                                            \
    /*  Text of a value as the wire carries it ("restart"), or NULL when out of range */           \
    const char *tf_##name##_str (tf_##name##_t value);                                             \
    /*  Value of a text (size bytes, not NUL-terminated); 0, or -1 when none has it */             \
    int tf_##name##_parse (const char *text, size_t size, tf_##name##_t *value);
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

//  Message ids
typedef enum {
    TF_MSG_INVALID = 0, //  Malformed or unknown (ROUTER only)
#define TF_RECORD_BEGIN(name)
#define TF_RECORD_END(name)
#define TF_MSG_BEGIN(name, id, topic) TF_MSG_##name = id,
#define TF_MSG_END(name)
#define TF_FIELD(owner, field, type, required)
#define TF_LIST(owner, field, record, required)
#define TF_ENUM_BEGIN(name)
#define TF_ENUM_VALUE(name, value, text)
#define TF_ENUM_END(name, count)
#define TF_FIELD_ENUM(owner, field, name, required)
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
    TF_MSG_COUNT_
} tf_msg_id_t;

//  One plain struct per record and message: tf_<name>_t
//  (clang-format would split "} tf_x_t;" over three lines)
// clang-format off
#define TF_RECORD_BEGIN(name) typedef struct {
#define TF_RECORD_END(name) } tf_##name##_t;
#define TF_MSG_BEGIN(name, id, topic) typedef struct {
#define TF_MSG_END(name) } tf_##name##_t;
// clang-format on
#define TF_FIELD(owner, field, type, required) TF_CTYPE_##type field;
#define TF_LIST(owner, field, record, required)                                                    \
    struct {                                                                                       \
        tf_##record##_t *items;                                                                    \
        size_t count;                                                                              \
    } field;
#define TF_ENUM_BEGIN(name)
#define TF_ENUM_VALUE(name, value, text)
#define TF_ENUM_END(name, count)
#define TF_FIELD_ENUM(owner, field, name, required) tf_##name##_t field;
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

//  A received message: its id, the sender's routing id (ROUTER sockets only)
//  and the decoded body, one union member per message name (msg->phase.seq).
typedef struct {
    tf_msg_id_t id;       //  TF_MSG_INVALID when malformed
    zframe_t *routing_id; //  Owned; NULL unless read from a ROUTER
    union {
#define TF_RECORD_BEGIN(name)
#define TF_RECORD_END(name)
#define TF_MSG_BEGIN(name, id, topic) tf_##name##_t name;
#define TF_MSG_END(name)
#define TF_FIELD(owner, field, type, required)
#define TF_LIST(owner, field, record, required)
#define TF_ENUM_BEGIN(name)
#define TF_ENUM_VALUE(name, value, text)
#define TF_ENUM_END(name, count)
#define TF_FIELD_ENUM(owner, field, name, required)
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
    };
} tf_msg_t;

//  Topic of a message id, or NULL for an unknown id.
const char *tf_msg_topic (tf_msg_id_t id);

//  Id of a topic (exact match), or TF_MSG_INVALID.
tf_msg_id_t tf_msg_id_by_topic (const char *topic, size_t size);

//  Encode a body into a fresh buffer; caller owns *data_p (free()).
//  Returns 0, or -1 if the body breaks the schema: a required string is NULL,
//  a string, array, bin or body is over its cap, or a RAW field is not exactly
//  one msgpack object (what every decoder would reject is never sent).
int tf_msg_encode (tf_msg_id_t id, const void *body, uint8_t **data_p, size_t *size_p);

//  Decode a body into *body (a zeroed tf_<name>_t is written either way).
//  Returns 0, or -1 on anything malformed, with nothing left allocated; the
//  reason is available from tf_msg_last_error until the next call.
int tf_msg_decode (tf_msg_id_t id, const uint8_t *data, size_t size, void *body);

//  Why the last tf_msg_decode in this thread failed.
const char *tf_msg_last_error (void);

//  Free what a decoded (or hand-built with heap strings) body owns, and zero it.
void tf_msg_body_free (tf_msg_id_t id, void *body);

//  Send a message as [topic][body] (ROUTER: [routing id][topic][body]).
//  Does not take ownership of body or routing id. Returns 0 or -1.
int tf_msg_send (zsock_t *sock, tf_msg_id_t id, const void *body);
int tf_msg_send_to (zsock_t *router, zframe_t *routing_id, tf_msg_id_t id, const void *body);

//  Send an already-encoded message (the recorder's replay uses this).
int tf_msg_send_raw (zsock_t *sock, const char *topic, const uint8_t *data, size_t size);

//  Receive and decode one message. Caller owns the result and destroys it.
//  Returns NULL when interrupted, and for a malformed message on a non-ROUTER
//  socket (rejected and counted); on a ROUTER a malformed message comes back
//  with id TF_MSG_INVALID and its routing id, so the caller can answer it.
tf_msg_t *tf_msg_recv (zsock_t *sock);

//  For a zloop reader: call one (loop, reader, arg), which reads one message,
//  again while reader has another waiting, at most TF_MSG_DRAIN_MAX times, so
//  a burst costs one wakeup of the loop and not one poll per message. Returns
//  the first non-zero return of one, else 0.
#define TF_MSG_DRAIN_MAX 64
int tf_msg_drain (zloop_t *loop, zsock_t *reader, void *arg, zloop_reader_fn *one);

//  Destroy a received message and nullify the reference. Safe on NULL.
void tf_msg_destroy (tf_msg_t **self_p);

//  Messages rejected by this process so far (all sockets).
uint64_t tf_msg_rejected (void);

//  Count and log (once per message type) a rejected message.
void tf_msg_reject (tf_msg_id_t id, const char *topic, const char *reason);

#ifdef __cplusplus
}
#endif

#endif
