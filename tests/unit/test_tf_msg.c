//  test_tf_msg.c - the wire codec: round trips, golden bytes, strict rejection
//
//  One fixed instance of every message (s_fixture) is encoded and compared with
//  tests/data/golden/<topic>.hex, byte for byte. Those vectors are then taken
//  apart and put back together wrong in every way PROTOCOL.md lists (truncated,
//  not a map, duplicate keys, wrong types, missing fields, caps, nesting,
//  version, trailing bytes), and each variant must be rejected with nothing
//  left allocated (the sanitizer build checks the "nothing leaked" part).
//  The socket tests push bad frames through real inproc sockets.
//
//  Changing the wire on purpose: run `test_tf_msg --write-golden tests/data/golden`
//  and commit the new vectors with the schema change.

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <czmq.h>
#include <ctype.h>
#include <msgpack.h>
#include "tf_msg.h"

#define TF_TEST_GOLDEN_DIR  "golden" //  Under $TF_TEST_DATA
#define TF_TEST_HEX_WIDTH   64       //  Hex digits per line in a vector file
#define TF_TEST_RCVTIMEO_MS 2000     //  Bound on every receive in these tests
#define TF_TEST_RANDOM_RUNS 20000    //  Random and mutated bodies per message
#define TF_TEST_DEEP        (TF_MAX_DEPTH + 8)


//  ---------------------------------------------------------------------------
//  The schema, as a flat table, from the same def file as the codec

typedef struct {
    const char *owner; //  Message or record name ("run_phase")
    const char *field; //  Map key
    const char *type;  //  "STR", "U64", ... or "LIST"
    bool required;
    const char *record; //  LIST only: the record of its items
} s_schema_field_t;

static const s_schema_field_t s_schema[] = {
#define TF_RECORD_BEGIN(name)
#define TF_RECORD_END(name)
#define TF_MSG_BEGIN(name, id, topic)
#define TF_MSG_END(name)
#define TF_FIELD(owner, field, type, required)      {#owner, #field, #type, required, NULL},
#define TF_LIST(owner, field, record, required)     {#owner, #field, "LIST", required, #record},
#define TF_FIELD_ENUM(owner, field, name, required) {#owner, #field, "ENUM", required, NULL},
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
#define S_SCHEMA_SIZE (sizeof s_schema / sizeof s_schema[0])

//  Message id of a schema owner ("run_phase_ack" -> run.phase.ack), or INVALID for records
static tf_msg_id_t
s_owner_id (const char *owner)
{
    char topic[TF_MAX_TOPIC + 1];
    snprintf (topic, sizeof topic, "%s", owner);
    for (char *cursor = topic; *cursor; cursor++)
        if (*cursor == '_')
            *cursor = '.';
    return tf_msg_id_by_topic (topic, strlen (topic));
}


//  ---------------------------------------------------------------------------
//  Fixed instances, one per message. Strings point at literals: never free these.

#define S_BLOCK_ID  "3f1c9a2be47d05a8c6e2f9b1d4a7c3e58b2f6d0a9e1c4b7f2a5d8e3c6b9f0a1d"
#define S_PARENT_ID "9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b"
#define S_TX_1      "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00"
#define S_TX_2      "deadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeef"
#define S_RUN_ID    "r-0001"
#define S_AT_MS     1764000000000ull

static char *s_awaiting[] = {"tx-workload", "consensus_liveness"};
static char *s_txs[] = {S_TX_1, S_TX_2};
static char *s_block_nodes[] = {"validator-0", "validator-1"};
static char *s_outputs[] = {"a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90"};
static char *s_blobs[] = {"b10b000000000000000000000000000000000000000000000000000000000001"};
static char *s_group[] = {"validator-1", "validator-2"};
static tf_node_info_t s_nodes[] = {
    {.name = "validator-0",
     .role = "validator",
     .index = 0,
     .api_url = "http://127.0.0.1:18080",
     .testing_url = "http://127.0.0.1:18081",
     .peer_id = "12D3KooWValidator0",
     .log_path = "logs/validator-0.log"},
    {.name = "executor-0", .role = "executor", .index = 0, .api_url = "http://127.0.0.1:18090"},
};
//  {"name":"smoke","v":1}: the plan field carries one msgpack object as it is
static uint8_t s_plan_map[] = {0x82, 0xa4, 'n', 'a', 'm',  'e', 0xa5, 's',
                               'm',  'o',  'k', 'e', 0xa1, 'v', 0x01};
//  {"height_min":57,"ratio":0.5}
static uint8_t s_details_map[] = {0x82, 0xaa, 'h',  'e',  'i',  'g',  'h',  't', '_', 'm',
                                  'i',  'n',  0x39, 0xa5, 'r',  'a',  't',  'i', 'o', 0xcb,
                                  0x3f, 0xe0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};

//  Fill msg's body for id with the fixed instance (all optional fields set)
static void
s_fixture (tf_msg_id_t id, tf_msg_t *msg)
{
    memset (msg, 0, sizeof *msg);
    msg->id = id;
    switch (id) {
        case TF_MSG_actor_hello:
            msg->actor_hello = (tf_actor_hello_t){
                .name = "tx-workload", .role = "workload", .kind = "transactions", .pid = 4242};
            break;
        case TF_MSG_actor_welcome:
            msg->actor_welcome = (tf_actor_welcome_t){
                .run_id = S_RUN_ID, .name = "tx-workload", .heartbeat_ms = 250, .timeout_ms = 5000};
            break;
        case TF_MSG_run_plan:
            msg->run_plan = (tf_run_plan_t){
                .run_id = S_RUN_ID, .plan = {.data = s_plan_map, .size = sizeof s_plan_map}};
            break;
        case TF_MSG_run_phase:
            msg->run_phase = (tf_run_phase_t){.run_id = S_RUN_ID,
                                              .phase = "execute",
                                              .seq = 4,
                                              .elapsed_ms = 12345,
                                              .phase_ms = 60000,
                                              .awaiting = {.items = s_awaiting, .count = 2}};
            break;
        case TF_MSG_run_phase_ack:
            msg->run_phase_ack = (tf_run_phase_ack_t){.name = "tx-workload",
                                                      .phase = "execute",
                                                      .seq = 4,
                                                      .ok = false,
                                                      .error = "node unreachable"};
            break;
        case TF_MSG_actor_heartbeat:
            msg->actor_heartbeat =
                (tf_actor_heartbeat_t){.name = "tx-workload", .phase = "execute"};
            break;
        case TF_MSG_run_nodes:
            msg->run_nodes.run_id = S_RUN_ID;
            msg->run_nodes.nodes.items = s_nodes;
            msg->run_nodes.nodes.count = 2;
            msg->run_nodes.metrics_url = "http://127.0.0.1:9090";
            break;
        case TF_MSG_feed_block:
            msg->feed_block = (tf_feed_block_t){.id = S_BLOCK_ID,
                                                .parent = S_PARENT_ID,
                                                .slot = 120,
                                                .height = 57,
                                                .txs = {.items = s_txs, .count = 2},
                                                .nodes = {.items = s_block_nodes, .count = 2},
                                                .seen_ms = S_AT_MS,
                                                .outputs = {.items = s_outputs, .count = 1},
                                                .blobs = {.items = s_blobs, .count = 1}};
            break;
        case TF_MSG_feed_tip:
            msg->feed_tip = (tf_feed_tip_t){.node = "validator-0",
                                            .tip = S_BLOCK_ID,
                                            .height = 57,
                                            .slot = 120,
                                            .lib = S_PARENT_ID,
                                            .mode = "Online",
                                            .at_ms = S_AT_MS,
                                            .up = true};
            break;
        case TF_MSG_workload_status:
            msg->workload_status = (tf_workload_status_t){.name = "tx-workload",
                                                          .state = "running",
                                                          .submitted = 10,
                                                          .accepted = 9,
                                                          .rejected = 1,
                                                          .detail = "1 rejected: bad nonce",
                                                          .started_ms = S_AT_MS - 2000,
                                                          .ended_ms = S_AT_MS,
                                                          .planned = 12};
            break;
        case TF_MSG_expect_result:
            msg->expect_result = (tf_expect_result_t){
                .name = "consensus_liveness",
                .passed = true,
                .message = "every node advanced\n57 blocks",
                .details = {.data = s_details_map, .size = sizeof s_details_map}};
            break;
        case TF_MSG_node_control:
            msg->node_control = (tf_node_control_t){.req_id = "chaos-1",
                                                    .action = TF_CONTROL_PARTITION,
                                                    .node = "validator-1",
                                                    .group = {.items = s_group, .count = 2},
                                                    .percent = 30,
                                                    .rate_kbit = 512,
                                                    .requester = "chaos_random_restart"};
            break;
        case TF_MSG_node_control_reply:
            msg->node_control_reply = (tf_node_control_reply_t){.req_id = "chaos-1",
                                                                .ok = false,
                                                                .error = "no such node",
                                                                .requester = "chaos_random_restart",
                                                                .note = "validator-1 is paused"};
            break;
        case TF_MSG_run_abort:
            msg->run_abort = (tf_run_abort_t){
                .run_id = S_RUN_ID,
                .reason = "actor consensus_liveness lost: no heartbeat for 5012 ms during execute",
                .actor = "consensus_liveness",
                .phase = "execute"};
            break;
        case TF_MSG_run_event:
            msg->run_event = (tf_run_event_t){.run_id = S_RUN_ID,
                                              .at_ms = S_AT_MS,
                                              .kind = "node.control",
                                              .actor = "chaos_random_restart",
                                              .node = "validator-1",
                                              .detail = "restart requested (chaos-1)"};
            break;
        case TF_MSG_actor_error:
            msg->actor_error = (tf_actor_error_t){.code = 400, .reason = "malformed message"};
            break;
        case TF_MSG_feed_stats:
            msg->feed_stats = (tf_feed_stats_t){
                .blocks = 57, .transactions = 120, .nodes_up = 3, .nodes = 4, .at_ms = S_AT_MS};
            break;
        case TF_MSG_tx_submitted:
            msg->tx_submitted = (tf_tx_submitted_t){.name = "tx-workload",
                                                    .hash = S_TX_1,
                                                    .node = "validator-0",
                                                    .at_ms = S_AT_MS,
                                                    .outcome = "rejected",
                                                    .reason = "insufficient funds",
                                                    .planned_ms = S_AT_MS - 5};
            break;
        case TF_MSG_da_published:
            msg->da_published = (tf_da_published_t){.name = "da-workload",
                                                    .what = "blob",
                                                    .channel = S_PARENT_ID,
                                                    .id = s_blobs[0],
                                                    .node = "executor-0",
                                                    .at_ms = S_AT_MS,
                                                    .outcome = "failed",
                                                    .reason = "executor-0: no answer",
                                                    .size = 2048};
            break;
        case TF_MSG_da_sampled:
            msg->da_sampled = (tf_da_sampled_t){.name = "da_inclusion",
                                                .node = "validator-0",
                                                .block = S_BLOCK_ID,
                                                .blobs = {.items = s_blobs, .count = 1},
                                                .available = true,
                                                .at_ms = S_AT_MS,
                                                .reason = "fixture",
                                                .latency_ms = 12};
            break;
        case TF_MSG_actor_exited:
            msg->actor_exited =
                (tf_actor_exited_t){.name = "tx_inclusion", .status = "killed by signal 9"};
            break;
        case TF_MSG_feed_end:
            msg->feed_end = (tf_feed_end_t){.records = 174};
            break;
        case TF_MSG_node_resources:
            msg->node_resources = (tf_node_resources_t){.node = "validator-1",
                                                        .at_ms = S_AT_MS,
                                                        .running = true,
                                                        .cpu_ms = 1250,
                                                        .rss = 23068672,
                                                        .peak_rss = 25165824,
                                                        .exits = 1,
                                                        .pid = 4242};
            break;
        default:
            fail_msg ("no fixture for message id %d: add one with the new message", (int) id);
    }
}

//  Encode the fixture of id; caller frees *data_p
static void
s_encode_fixture (tf_msg_id_t id, uint8_t **data_p, size_t *size_p)
{
    tf_msg_t msg;
    s_fixture (id, &msg);
    assert_int_equal (tf_msg_encode (id, &msg.actor_hello, data_p, size_p), 0);
}


//  ---------------------------------------------------------------------------
//  Golden vector files: hex digits, whitespace ignored

static char *
s_golden_path (const char *dir, tf_msg_id_t id)
{
    return zsys_sprintf ("%s/%s.hex", dir, tf_msg_topic (id));
}

//  Read the golden vector of id; caller frees. Fails the test if it is missing.
static uint8_t *
s_golden (tf_msg_id_t id, size_t *size_p)
{
    const char *data_dir = getenv ("TF_TEST_DATA");
    assert_non_null (data_dir);
    char *dir = zsys_sprintf ("%s/%s", data_dir, TF_TEST_GOLDEN_DIR);
    char *path = s_golden_path (dir, id);
    FILE *file = fopen (path, "r");
    if (!file)
        fail_msg ("missing golden vector %s", path);
    size_t capacity = 256, size = 0;
    uint8_t *bytes = (uint8_t *) malloc (capacity);
    int high = -1, symbol;
    while ((symbol = fgetc (file)) != EOF) {
        if (isspace (symbol))
            continue;
        assert_true (isxdigit (symbol));
        int nibble = isdigit (symbol) ? symbol - '0' : tolower (symbol) - 'a' + 10;
        if (high < 0) {
            high = nibble;
            continue;
        }
        if (size == capacity)
            bytes = (uint8_t *) realloc (bytes, capacity *= 2);
        bytes[size++] = (uint8_t) (high << 4 | nibble);
        high = -1;
    }
    assert_int_equal (high, -1); //  Odd number of digits
    fclose (file);
    zstr_free (&path);
    zstr_free (&dir);
    *size_p = size;
    return bytes;
}

static int
s_write_golden (const char *dir)
{
    for (int id = 1; id < TF_MSG_COUNT_; id++) {
        uint8_t *data;
        size_t size;
        tf_msg_t msg;
        s_fixture ((tf_msg_id_t) id, &msg);
        if (tf_msg_encode ((tf_msg_id_t) id, &msg.actor_hello, &data, &size))
            return 1;
        char *path = s_golden_path (dir, (tf_msg_id_t) id);
        FILE *file = fopen (path, "w");
        if (!file)
            return 1;
        for (size_t index = 0; index < size; index++)
            fprintf (file, "%02x%s", data[index],
                     (index + 1) % (TF_TEST_HEX_WIDTH / 2) == 0 || index + 1 == size ? "\n" : "");
        fclose (file);
        printf ("wrote %s (%zu bytes)\n", path, size);
        zstr_free (&path);
        free (data);
    }
    return 0;
}


//  ---------------------------------------------------------------------------
//  Helpers to build variants of a golden body

//  True when every byte of the decoded message area is zero (nothing kept)
static bool
s_all_zero (const tf_msg_t *msg)
{
    const uint8_t *bytes = (const uint8_t *) msg;
    for (size_t index = 0; index < sizeof *msg; index++)
        if (bytes[index])
            return false;
    return true;
}

//  Decode and expect a rejection that leaves the body zeroed
static void
s_expect_reject (tf_msg_id_t id, const uint8_t *data, size_t size, const char *what)
{
    tf_msg_t msg;
    memset (&msg, 0, sizeof msg);
    if (tf_msg_decode (id, data, size, &msg.actor_hello) == 0) {
        tf_msg_body_free (id, &msg.actor_hello);
        fail_msg ("%s: %s was accepted", tf_msg_topic (id), what);
    }
    if (!s_all_zero (&msg))
        fail_msg ("%s: %s left data in the body", tf_msg_topic (id), what);
    assert_true (strlen (tf_msg_last_error ()) > 0);
}

//  Decode, expect success, re-encode and return the bytes (caller frees)
static uint8_t *
s_expect_accept (tf_msg_id_t id, const uint8_t *data, size_t size, const char *what,
                 size_t *out_size)
{
    tf_msg_t msg;
    memset (&msg, 0, sizeof msg);
    if (tf_msg_decode (id, data, size, &msg.actor_hello))
        fail_msg ("%s: %s was rejected: %s", tf_msg_topic (id), what, tf_msg_last_error ());
    uint8_t *again = NULL;
    assert_int_equal (tf_msg_encode (id, &msg.actor_hello, &again, out_size), 0);
    tf_msg_body_free (id, &msg.actor_hello);
    assert_true (s_all_zero (&msg));
    return again;
}

//  Pack a string key
static void
s_pack_key (msgpack_packer *pk, const char *key)
{
    msgpack_pack_str (pk, strlen (key));
    msgpack_pack_str_body (pk, key, strlen (key));
}

//  Rebuild the top-level map of a body: leave out `drop`, write `value` (raw
//  msgpack bytes) in place of the value of `replace`, and append `extra_key`
//  with `extra` (raw bytes) at the end. NULL arguments mean "no such edit".
//  Caller frees the result.
static uint8_t *
s_edit (const uint8_t *body, size_t size, const char *drop, const char *replace,
        const uint8_t *value, size_t value_size, const char *extra_key, const uint8_t *extra,
        size_t extra_size, size_t *out_size)
{
    msgpack_unpacked unpacked;
    msgpack_unpacked_init (&unpacked);
    size_t offset = 0;
    assert_int_equal (msgpack_unpack_next (&unpacked, (const char *) body, size, &offset),
                      MSGPACK_UNPACK_SUCCESS);
    assert_int_equal (unpacked.data.type, MSGPACK_OBJECT_MAP);
    const msgpack_object_map *map = &unpacked.data.via.map;
    msgpack_sbuffer buffer;
    msgpack_sbuffer_init (&buffer);
    msgpack_packer pk;
    msgpack_packer_init (&pk, &buffer, msgpack_sbuffer_write);

    size_t pairs = 0;
    for (uint32_t pair = 0; pair < map->size; pair++) {
        const msgpack_object *key = &map->ptr[pair].key;
        bool dropped = drop && key->type == MSGPACK_OBJECT_STR && key->via.str.size == strlen (drop)
                       && memcmp (key->via.str.ptr, drop, key->via.str.size) == 0;
        pairs += dropped ? 0 : 1;
    }
    msgpack_pack_map (&pk, pairs + (extra_key ? 1 : 0));
    for (uint32_t pair = 0; pair < map->size; pair++) {
        const msgpack_object *key = &map->ptr[pair].key;
        bool is_drop = drop && key->via.str.size == strlen (drop)
                       && memcmp (key->via.str.ptr, drop, key->via.str.size) == 0;
        bool is_replace = replace && key->via.str.size == strlen (replace)
                          && memcmp (key->via.str.ptr, replace, key->via.str.size) == 0;
        if (is_drop)
            continue;
        msgpack_pack_object (&pk, *key);
        if (is_replace)
            msgpack_sbuffer_write (&buffer, (const char *) value, value_size);
        else
            msgpack_pack_object (&pk, map->ptr[pair].val);
    }
    if (extra_key) {
        s_pack_key (&pk, extra_key);
        msgpack_sbuffer_write (&buffer, (const char *) extra, extra_size);
    }
    msgpack_unpacked_destroy (&unpacked);
    *out_size = buffer.size;
    return (uint8_t *) buffer.data;
}

//  The golden actor.hello with its name replaced by name_value (raw msgpack);
//  caller frees
static uint8_t *
s_hello_with_name (const uint8_t *name_value, size_t name_size, size_t *out_size)
{
    uint8_t *golden;
    size_t golden_size;
    golden = s_golden (TF_MSG_actor_hello, &golden_size);
    uint8_t *edited =
        s_edit (golden, golden_size, NULL, "name", name_value, name_size, NULL, NULL, 0, out_size);
    free (golden);
    return edited;
}


//  ---------------------------------------------------------------------------
//  Round trips and golden bytes

static void
test_tf_msg_round_trips_every_message (void **state)
{
    (void) state;
    for (int id = 1; id < TF_MSG_COUNT_; id++) {
        uint8_t *data;
        size_t size;
        s_encode_fixture ((tf_msg_id_t) id, &data, &size);
        size_t again_size;
        uint8_t *again = s_expect_accept ((tf_msg_id_t) id, data, size, "fixture", &again_size);
        assert_int_equal (again_size, size);
        assert_memory_equal (again, data, size);
        free (again);
        free (data);
    }
}

static void
test_tf_msg_round_trip_keeps_field_values (void **state)
{
    (void) state;
    uint8_t *data;
    size_t size;
    s_encode_fixture (TF_MSG_run_nodes, &data, &size);
    tf_msg_t msg;
    assert_int_equal (tf_msg_decode (TF_MSG_run_nodes, data, size, &msg.run_nodes), 0);
    assert_string_equal (msg.run_nodes.run_id, S_RUN_ID);
    assert_int_equal (msg.run_nodes.nodes.count, 2);
    assert_string_equal (msg.run_nodes.nodes.items[0].peer_id, "12D3KooWValidator0");
    assert_string_equal (msg.run_nodes.nodes.items[1].api_url, "http://127.0.0.1:18090");
    assert_null (msg.run_nodes.nodes.items[1].testing_url);
    tf_msg_body_free (TF_MSG_run_nodes, &msg.run_nodes);
    free (data);

    s_encode_fixture (TF_MSG_feed_block, &data, &size);
    assert_int_equal (tf_msg_decode (TF_MSG_feed_block, data, size, &msg.feed_block), 0);
    assert_string_equal (msg.feed_block.id, S_BLOCK_ID);
    assert_int_equal (msg.feed_block.height, 57);
    assert_int_equal (msg.feed_block.seen_ms, S_AT_MS);
    assert_int_equal (msg.feed_block.txs.count, 2);
    assert_string_equal (msg.feed_block.txs.items[1], S_TX_2);
    tf_msg_body_free (TF_MSG_feed_block, &msg.feed_block);
    free (data);

    s_encode_fixture (TF_MSG_expect_result, &data, &size);
    assert_int_equal (tf_msg_decode (TF_MSG_expect_result, data, size, &msg.expect_result), 0);
    assert_true (msg.expect_result.passed);
    assert_int_equal (msg.expect_result.details.size, sizeof s_details_map);
    assert_memory_equal (msg.expect_result.details.data, s_details_map, sizeof s_details_map);
    tf_msg_body_free (TF_MSG_expect_result, &msg.expect_result);
    free (data);
}

static void
test_tf_msg_matches_golden_vectors (void **state)
{
    (void) state;
    for (int id = 1; id < TF_MSG_COUNT_; id++) {
        uint8_t *data;
        size_t size;
        s_encode_fixture ((tf_msg_id_t) id, &data, &size);
        size_t golden_size;
        uint8_t *golden = s_golden ((tf_msg_id_t) id, &golden_size);
        if (golden_size != size || memcmp (golden, data, size) != 0)
            fail_msg ("%s: encoding differs from its golden vector (%zu bytes, golden %zu); "
                      "if the wire changed on purpose, regenerate with --write-golden",
                      tf_msg_topic ((tf_msg_id_t) id), size, golden_size);
        free (golden);
        free (data);
    }
}

static void
test_tf_msg_golden_header_is_a_map_with_version_first (void **state)
{
    (void) state;
    for (int id = 1; id < TF_MSG_COUNT_; id++) {
        size_t size;
        uint8_t *golden = s_golden ((tf_msg_id_t) id, &size);
        assert_true (size >= 4);
        assert_int_equal (golden[0] & 0xf0, 0x80);        //  fixmap
        assert_memory_equal (golden + 1, "\xa1v\x01", 3); //  "v": 1
        free (golden);
    }
}

static void
test_tf_msg_omits_absent_optional_fields (void **state)
{
    (void) state;
    tf_actor_heartbeat_t heartbeat = {.name = "n"};
    uint8_t *data;
    size_t size;
    assert_int_equal (tf_msg_encode (TF_MSG_actor_heartbeat, &heartbeat, &data, &size), 0);
    const uint8_t expected[] = {0x82, 0xa1, 'v', 0x01, 0xa4, 'n', 'a', 'm', 'e', 0xa1, 'n'};
    assert_int_equal (size, sizeof expected);
    assert_memory_equal (data, expected, sizeof expected);
    free (data);
}

static void
test_tf_msg_encode_refuses_missing_required_string (void **state)
{
    (void) state;
    tf_actor_hello_t hello = {.name = "n"}; //  role missing
    uint8_t *data = NULL;
    size_t size = 0;
    assert_int_equal (tf_msg_encode (TF_MSG_actor_hello, &hello, &data, &size), -1);
    assert_null (data);
}

//  The encoder must never put on the wire what every decoder rejects: the
//  sender gets the error (and logs it once) instead of peers counting rejections
static void
test_tf_msg_encode_refuses_what_decoders_reject (void **state)
{
    (void) state;
    uint8_t *data = NULL;
    size_t size = 0;
    //  A RAW field that is not exactly one msgpack object
    const uint8_t broken[] = {0x82, 0xa1, 'a', 0x01}; //  Map of two pairs holding one
    const uint8_t two[] = {0x01, 0x02};               //  Two objects
    const uint8_t *raws[] = {broken, two};
    const size_t raw_sizes[] = {sizeof broken, sizeof two};
    for (size_t index = 0; index < 2; index++) {
        tf_run_plan_t plan = {.run_id = "r",
                              .plan = {.data = (uint8_t *) raws[index], .size = raw_sizes[index]}};
        assert_int_equal (tf_msg_encode (TF_MSG_run_plan, &plan, &data, &size), -1);
        assert_null (data);
    }
    //  A string over TF_MAX_STR, top level and inside a string array
    char *long_name = (char *) malloc (TF_MAX_STR + 2);
    memset (long_name, 'n', TF_MAX_STR + 1);
    long_name[TF_MAX_STR + 1] = 0;
    tf_actor_heartbeat_t heartbeat = {.name = long_name};
    assert_int_equal (tf_msg_encode (TF_MSG_actor_heartbeat, &heartbeat, &data, &size), -1);
    assert_null (data);
    char *awaiting[] = {"a", long_name};
    tf_run_phase_t phase = {
        .run_id = "r", .phase = "deploy", .awaiting = {.items = awaiting, .count = 2}};
    assert_int_equal (tf_msg_encode (TF_MSG_run_phase, &phase, &data, &size), -1);
    assert_null (data);
    //  One byte less is fine, and decodes
    long_name[TF_MAX_STR] = 0;
    assert_int_equal (tf_msg_encode (TF_MSG_actor_heartbeat, &heartbeat, &data, &size), 0);
    tf_msg_t msg;
    assert_int_equal (tf_msg_decode (TF_MSG_actor_heartbeat, data, size, &msg.actor_heartbeat), 0);
    tf_msg_body_free (TF_MSG_actor_heartbeat, &msg.actor_heartbeat);
    free (data);
    data = NULL;
    free (long_name);
    //  An array over TF_MAX_ITEMS
    char **many = (char **) calloc (TF_MAX_ITEMS + 1, sizeof (char *));
    for (size_t index = 0; index <= TF_MAX_ITEMS; index++)
        many[index] = "";
    tf_feed_block_t block = {
        .id = "i", .parent = "p", .txs = {.items = many, .count = TF_MAX_ITEMS + 1}};
    assert_int_equal (tf_msg_encode (TF_MSG_feed_block, &block, &data, &size), -1);
    assert_null (data);
    free (many);
}


//  ---------------------------------------------------------------------------
//  Rejections

static void
test_tf_msg_rejects_every_truncation (void **state)
{
    (void) state;
    for (int id = 1; id < TF_MSG_COUNT_; id++) {
        size_t size;
        uint8_t *golden = s_golden ((tf_msg_id_t) id, &size);
        for (size_t prefix = 0; prefix < size; prefix++) {
            //  A copy of exactly prefix bytes, so the sanitizer sees any overread
            uint8_t *cut = (uint8_t *) malloc (prefix ? prefix : 1);
            memcpy (cut, golden, prefix);
            char what[48];
            snprintf (what, sizeof what, "a %zu-byte prefix", prefix);
            s_expect_reject ((tf_msg_id_t) id, prefix ? cut : NULL, prefix, what);
            free (cut);
        }
        free (golden);
    }
}

static void
test_tf_msg_rejects_non_map (void **state)
{
    (void) state;
    const struct {
        const char *bytes;
        size_t size;
    } bodies[] = {
        {"\x01", 1},          //  int
        {"\xc0", 1},          //  nil
        {"\xa1v", 2},         //  string
        {"\x92\xa1v\x01", 4}, //  array ["v", 1]
        {"\xc4\x01v", 3},     //  bin
    };
    for (size_t index = 0; index < sizeof bodies / sizeof bodies[0]; index++)
        for (int id = 1; id < TF_MSG_COUNT_; id++)
            s_expect_reject ((tf_msg_id_t) id, (const uint8_t *) bodies[index].bytes,
                             bodies[index].size, "a non-map body");
}

static void
test_tf_msg_rejects_non_string_key (void **state)
{
    (void) state;
    for (int id = 1; id < TF_MSG_COUNT_; id++) {
        size_t size;
        uint8_t *golden = s_golden ((tf_msg_id_t) id, &size);
        //  The golden map plus {7: "x"}: an integer key, even an unknown one, is refused
        uint8_t *longer = (uint8_t *) malloc (size + 3);
        memcpy (longer, golden, size);
        assert_true (longer[0] < 0x8f); //  Still a fixmap with one more pair
        longer[0]++;
        memcpy (longer + size, "\x07\xa1x", 3);
        s_expect_reject ((tf_msg_id_t) id, longer, size + 3, "an integer key");
        memcpy (longer + size, "\xc4\x01v", 3); //  bin key "v"
        s_expect_reject ((tf_msg_id_t) id, longer, size + 3, "a bin key");
        free (longer);
        free (golden);
    }
}

static void
test_tf_msg_rejects_duplicate_key (void **state)
{
    (void) state;
    for (size_t index = 0; index < S_SCHEMA_SIZE; index++) {
        tf_msg_id_t id = s_owner_id (s_schema[index].owner);
        if (id == TF_MSG_INVALID)
            continue;
        //  Append a second copy of the field, with the same value
        size_t size, copy_size, edited_size;
        uint8_t *golden = s_golden (id, &size);
        msgpack_unpacked unpacked;
        msgpack_unpacked_init (&unpacked);
        size_t offset = 0;
        assert_int_equal (msgpack_unpack_next (&unpacked, (const char *) golden, size, &offset),
                          MSGPACK_UNPACK_SUCCESS);
        msgpack_sbuffer copy;
        msgpack_sbuffer_init (&copy);
        msgpack_packer pk;
        msgpack_packer_init (&pk, &copy, msgpack_sbuffer_write);
        const msgpack_object_map *map = &unpacked.data.via.map;
        for (uint32_t pair = 0; pair < map->size; pair++)
            if (map->ptr[pair].key.via.str.size == strlen (s_schema[index].field)
                && memcmp (map->ptr[pair].key.via.str.ptr, s_schema[index].field,
                           map->ptr[pair].key.via.str.size)
                       == 0)
                msgpack_pack_object (&pk, map->ptr[pair].val);
        copy_size = copy.size;
        assert_true (copy_size > 0); //  Fixtures set every field
        uint8_t *edited = s_edit (golden, size, NULL, NULL, NULL, 0, s_schema[index].field,
                                  (const uint8_t *) copy.data, copy_size, &edited_size);
        char what[96];
        snprintf (what, sizeof what, "a duplicate \"%s\"", s_schema[index].field);
        s_expect_reject (id, edited, edited_size, what);
        free (edited);
        msgpack_sbuffer_destroy (&copy);
        msgpack_unpacked_destroy (&unpacked);
        free (golden);
    }
    //  And a second "v"
    size_t size, edited_size;
    uint8_t *golden = s_golden (TF_MSG_actor_heartbeat, &size);
    uint8_t *edited =
        s_edit (golden, size, NULL, NULL, NULL, 0, "v", (const uint8_t *) "\x01", 1, &edited_size);
    s_expect_reject (TF_MSG_actor_heartbeat, edited, edited_size, "a duplicate \"v\"");
    free (edited);
    free (golden);
}

//  Values of the wrong type for each schema type, as raw msgpack
typedef struct {
    const char *type;
    const char *bytes;
    size_t size;
} s_wrong_t;

static const s_wrong_t s_wrong_values[] = {
    {"STR", "\x07", 1},
    {"STR", "\xc0", 1}, //  int, nil
    {"STR", "\xc4\x01x", 3},
    {"STR", "\x91\xa1x", 3}, //  bin, array
    {"U64", "\xa1x", 2},
    {"U64", "\xff", 1}, //  string, -1
    {"U64", "\xcb\x3f\xf8\0\0\0\0\0\0", 9},
    {"U64", "\xc3", 1}, //  1.5, true
    {"U64", "\xc0", 1}, //  nil
    {"BOOL", "\x01", 1},
    {"BOOL", "\xc0", 1},     //  int, nil
    {"BOOL", "\xa4true", 5}, //  string
    {"STRS", "\xa1x", 2},
    {"STRS", "\x91\x01", 2}, //  string, [1]
    {"STRS", "\xc0", 1},
    {"STRS", "\x81\xa1x\xa1y", 5}, //  nil, map
    {"STRS", "\x92\xa1x\xc0", 4},  //  ["x", nil]
    {"LIST", "\xa1x", 2},
    {"LIST", "\x91\x01", 2}, //  string, [1]
    {"LIST", "\x91\xa1x", 3},
    {"LIST", "\x81\xa1x\xa1y", 5},        //  ["x"], map
    {"LIST", "\x91\x81\xa4name\xa1n", 9}, //  [{"name":"n"}]
    {"ENUM", "\x01", 1},
    {"ENUM", "\xc0", 1},        //  int, nil
    {"ENUM", "\xa4kill", 5},    //  a text that is none of its values
    {"ENUM", "\xa0", 1},        //  the empty text
    {"ENUM", "\xa7Restart", 8}, //  values are case-sensitive
};

//  libmsgpack gives an empty str or bin a NULL pointer: the decoder copies and
//  compares them without passing NULL on (UBSan aborts on memcpy (p, NULL, 0))
static void
test_tf_msg_takes_empty_strings_and_empty_keys (void **state)
{
    (void) state;
    const uint8_t empty_str[] = {0xa0};
    size_t size, again_size;
    uint8_t *hello = s_hello_with_name (empty_str, sizeof empty_str, &size);
    free (s_expect_accept (TF_MSG_actor_hello, hello, size, "an empty name", &again_size));
    free (hello);

    uint8_t *golden;
    size_t golden_size;
    golden = s_golden (TF_MSG_actor_hello, &golden_size);
    const uint8_t nil[] = {0xc0};
    uint8_t *edited = s_edit (golden, golden_size, NULL, NULL, NULL, 0, "", nil, sizeof nil, &size);
    free (s_expect_accept (TF_MSG_actor_hello, edited, size, "an unknown empty key", &again_size));
    free (edited);
    free (golden);
}

static void
test_tf_msg_rejects_wrong_types (void **state)
{
    (void) state;
    size_t tried = 0;
    for (size_t index = 0; index < S_SCHEMA_SIZE; index++) {
        tf_msg_id_t id = s_owner_id (s_schema[index].owner);
        if (id == TF_MSG_INVALID)
            continue;
        size_t size;
        uint8_t *golden = s_golden (id, &size);
        for (size_t wrong = 0; wrong < sizeof s_wrong_values / sizeof s_wrong_values[0]; wrong++) {
            if (strcmp (s_wrong_values[wrong].type, s_schema[index].type) != 0)
                continue;
            size_t edited_size;
            uint8_t *edited = s_edit (golden, size, NULL, s_schema[index].field,
                                      (const uint8_t *) s_wrong_values[wrong].bytes,
                                      s_wrong_values[wrong].size, NULL, NULL, 0, &edited_size);
            char what[96];
            snprintf (what, sizeof what, "%s \"%s\" of the wrong type (#%zu)", s_schema[index].type,
                      s_schema[index].field, wrong);
            s_expect_reject (id, edited, edited_size, what);
            free (edited);
            tried++;
        }
        free (golden);
    }
    assert_true (tried > 100);
}

static void
test_tf_msg_rejects_missing_required_field (void **state)
{
    (void) state;
    for (size_t index = 0; index < S_SCHEMA_SIZE; index++) {
        tf_msg_id_t id = s_owner_id (s_schema[index].owner);
        if (id == TF_MSG_INVALID)
            continue;
        size_t size, edited_size;
        uint8_t *golden = s_golden (id, &size);
        uint8_t *edited = s_edit (golden, size, s_schema[index].field, NULL, NULL, 0, NULL, NULL, 0,
                                  &edited_size);
        assert_true (edited_size < size); //  The key was there and is gone
        char what[96];
        snprintf (what, sizeof what, "a body without \"%s\"", s_schema[index].field);
        if (s_schema[index].required)
            s_expect_reject (id, edited, edited_size, what);
        else {
            size_t again_size;
            free (s_expect_accept (id, edited, edited_size, what, &again_size));
        }
        free (edited);
        free (golden);
    }
}

static void
test_tf_msg_rejects_missing_required_field_in_record (void **state)
{
    (void) state;
    //  run.nodes with one node lacking api_url
    const uint8_t node[] = {0x93, 0xa4, 'n',  'a', 'm',  'e', 0xa1, 'n', 0xa4, 'r', 'o',
                            'l',  'e',  0xa1, 'r', 0xa5, 'i', 'n',  'd', 'e',  'x', 0x00};
    uint8_t value[sizeof node];
    memcpy (value, node, sizeof node);
    value[0] = 0x83; //  Map of three pairs
    uint8_t list[sizeof node + 1];
    list[0] = 0x91;
    memcpy (list + 1, value, sizeof value);
    size_t size, edited_size;
    uint8_t *golden = s_golden (TF_MSG_run_nodes, &size);
    uint8_t *edited =
        s_edit (golden, size, NULL, "nodes", list, sizeof list, NULL, NULL, 0, &edited_size);
    s_expect_reject (TF_MSG_run_nodes, edited, edited_size, "a node without api_url");
    free (edited);
    free (golden);
}

static void
test_tf_msg_rejects_oversize_string (void **state)
{
    (void) state;
    //  A name of exactly TF_MAX_STR bytes passes, one more byte does not
    for (size_t length = TF_MAX_STR; length <= TF_MAX_STR + 1; length++) {
        uint8_t *value = (uint8_t *) malloc (length + 5);
        value[0] = 0xdb; //  str32
        value[1] = (uint8_t) (length >> 24);
        value[2] = (uint8_t) (length >> 16);
        value[3] = (uint8_t) (length >> 8);
        value[4] = (uint8_t) length;
        memset (value + 5, 'n', length);
        size_t size;
        uint8_t *body = s_hello_with_name (value, length + 5, &size);
        if (length == TF_MAX_STR) {
            size_t again_size;
            free (
                s_expect_accept (TF_MSG_actor_hello, body, size, "a name at the cap", &again_size));
        }
        else
            s_expect_reject (TF_MSG_actor_hello, body, size, "a name over the cap");
        free (body);
        free (value);
    }
}

static void
test_tf_msg_rejects_string_with_nul_byte (void **state)
{
    (void) state;
    size_t size;
    uint8_t *body = s_hello_with_name ((const uint8_t *) "\xa3\x61\x00\x62", 4, &size);
    s_expect_reject (TF_MSG_actor_hello, body, size, "a name with a NUL byte");
    free (body);
}

//  The txs array of feed.block holding count empty strings
static uint8_t *
s_block_with_txs (size_t count, size_t *size_p)
{
    size_t value_size = 5 + count;
    uint8_t *value = (uint8_t *) malloc (value_size);
    value[0] = 0xdd; //  array32
    value[1] = (uint8_t) (count >> 24);
    value[2] = (uint8_t) (count >> 16);
    value[3] = (uint8_t) (count >> 8);
    value[4] = (uint8_t) count;
    memset (value + 5, 0xa0, count); //  ""
    size_t size;
    uint8_t *golden = s_golden (TF_MSG_feed_block, &size);
    uint8_t *body = s_edit (golden, size, NULL, "txs", value, value_size, NULL, NULL, 0, size_p);
    free (golden);
    free (value);
    return body;
}

static void
test_tf_msg_rejects_oversize_array (void **state)
{
    (void) state;
    size_t size;
    uint8_t *body = s_block_with_txs (TF_MAX_ITEMS, &size);
    tf_msg_t msg;
    assert_int_equal (tf_msg_decode (TF_MSG_feed_block, body, size, &msg.feed_block), 0);
    assert_int_equal (msg.feed_block.txs.count, TF_MAX_ITEMS);
    tf_msg_body_free (TF_MSG_feed_block, &msg.feed_block);
    free (body);

    body = s_block_with_txs (TF_MAX_ITEMS + 1, &size);
    s_expect_reject (TF_MSG_feed_block, body, size, "txs over the item cap");
    free (body);
}

static void
test_tf_msg_rejects_oversize_raw_and_body (void **state)
{
    (void) state;
    //  A plan (RAW) of one bin just over TF_MAX_BIN
    size_t length = TF_MAX_BIN + 1;
    uint8_t *value = (uint8_t *) calloc (1, length + 5);
    value[0] = 0xc6; //  bin32
    value[1] = (uint8_t) (length >> 24);
    value[2] = (uint8_t) (length >> 16);
    value[3] = (uint8_t) (length >> 8);
    value[4] = (uint8_t) length;
    size_t size, edited_size;
    uint8_t *golden = s_golden (TF_MSG_run_plan, &size);
    uint8_t *edited =
        s_edit (golden, size, NULL, "plan", value, length + 5, NULL, NULL, 0, &edited_size);
    s_expect_reject (TF_MSG_run_plan, edited, edited_size, "a plan over TF_MAX_BIN");
    free (edited);
    free (value);
    free (golden);

    //  Any body over TF_MSG_MAX_SIZE, whatever it holds
    uint8_t *huge = (uint8_t *) calloc (1, TF_MSG_MAX_SIZE + 1);
    golden = s_golden (TF_MSG_actor_heartbeat, &size);
    memcpy (huge, golden, size);
    s_expect_reject (TF_MSG_actor_heartbeat, huge, TF_MSG_MAX_SIZE + 1, "a body over the cap");
    free (golden);
    free (huge);
}

static void
test_tf_msg_rejects_huge_length_prefixes (void **state)
{
    (void) state;
    const struct {
        const char *field;
        const char *bytes;
        size_t size;
    } lies[] = {
        {"txs", "\xdd\xff\xff\xff\xff", 5},    //  array32 of 2^32-1 items
        {"txs", "\xdc\xff\xff\xa0", 4},        //  array16 of 65535, one present
        {"id", "\xdb\xff\xff\xff\xff", 5},     //  str32 of 4 GiB
        {"id", "\xda\x10\x00x", 4},            //  str16 of 4096, one byte present
        {"id", "\xc6\xff\xff\xff\xff", 5},     //  bin32 of 4 GiB
        {"id", "\xc9\xff\xff\xff\xff\x01", 6}, //  ext32 of 4 GiB
        {"nodes", "\xdf\xff\xff\xff\xff", 5},  //  map32 of 2^32-1 pairs
    };
    size_t size;
    uint8_t *golden = s_golden (TF_MSG_feed_block, &size);
    for (size_t index = 0; index < sizeof lies / sizeof lies[0]; index++) {
        //  The lie is the last thing in the body, so nothing can cover for it
        size_t edited_size;
        uint8_t *edited =
            s_edit (golden, size, lies[index].field, NULL, NULL, 0, lies[index].field,
                    (const uint8_t *) lies[index].bytes, lies[index].size, &edited_size);
        s_expect_reject (TF_MSG_feed_block, edited, edited_size, "a length prefix that lies");
        free (edited);
    }
    free (golden);
    //  A top-level map32 claiming 2^32-1 pairs
    s_expect_reject (TF_MSG_feed_block, (const uint8_t *) "\xdf\xff\xff\xff\xff\xa1v\x01", 8,
                     "a map header that lies");
}

//  The heartbeat golden body plus an unknown key holding an array of count 1s
static uint8_t *
s_heartbeat_with_ones (size_t count, size_t *size_p)
{
    size_t value_size = 5 + count;
    uint8_t *value = (uint8_t *) malloc (value_size);
    value[0] = 0xdd; //  array32
    value[1] = (uint8_t) (count >> 24);
    value[2] = (uint8_t) (count >> 16);
    value[3] = (uint8_t) (count >> 8);
    value[4] = (uint8_t) count;
    memset (value + 5, 0x01, count);
    size_t size;
    uint8_t *golden = s_golden (TF_MSG_actor_heartbeat, &size);
    uint8_t *body =
        s_edit (golden, size, NULL, NULL, NULL, 0, "added_later", value, value_size, size_p);
    free (golden);
    free (value);
    return body;
}

//  A body of a few MiB holding millions of one-byte objects would make the
//  unpacker allocate 24 to 48 bytes for each (hundreds of MiB): the object
//  budget refuses it before the unpacker runs
static void
test_tf_msg_rejects_too_many_objects (void **state)
{
    (void) state;
    size_t size, again_size;
    uint8_t *body = s_heartbeat_with_ones (TF_MAX_ITEMS, &size);
    free (s_expect_accept (TF_MSG_actor_heartbeat, body, size, "100000 ignored objects",
                           &again_size));
    free (body);
    body = s_heartbeat_with_ones (TF_MAX_OBJECTS, &size);
    s_expect_reject (TF_MSG_actor_heartbeat, body, size, "an object count over the budget");
    free (body);
    body = s_heartbeat_with_ones (TF_MSG_MAX_SIZE - 64, &size);
    s_expect_reject (TF_MSG_actor_heartbeat, body, size, "8 MiB of one-byte objects");
    free (body);
}

//  expect.result whose details nest depth arrays deep
static uint8_t *
s_result_nested (size_t depth, size_t *size_p)
{
    uint8_t *value = (uint8_t *) malloc (depth + 1);
    memset (value, 0x91, depth); //  [[[[...
    value[depth] = 0x01;
    size_t size;
    uint8_t *golden = s_golden (TF_MSG_expect_result, &size);
    uint8_t *body = s_edit (golden, size, NULL, "details", value, depth + 1, NULL, NULL, 0, size_p);
    free (golden);
    free (value);
    return body;
}

static void
test_tf_msg_rejects_deep_nesting (void **state)
{
    (void) state;
    size_t size, again_size;
    uint8_t *body = s_result_nested (8, &size);
    free (s_expect_accept (TF_MSG_expect_result, body, size, "details 8 deep", &again_size));
    free (body);
    //  details sits one level below the top map: TF_MAX_DEPTH - 1 arrays fit, one more does not
    body = s_result_nested (TF_MAX_DEPTH - 1, &size);
    free (s_expect_accept (TF_MSG_expect_result, body, size, "details at the depth cap",
                           &again_size));
    free (body);
    body = s_result_nested (TF_MAX_DEPTH, &size);
    s_expect_reject (TF_MSG_expect_result, body, size, "details one level over the cap");
    free (body);
    body = s_result_nested (TF_TEST_DEEP, &size);
    s_expect_reject (TF_MSG_expect_result, body, size, "details nested too deep");
    free (body);
    //  Deep nesting in an unknown key is refused too: the scan runs before any lookup
    uint8_t deep[TF_TEST_DEEP + 1];
    memset (deep, 0x91, TF_TEST_DEEP);
    deep[TF_TEST_DEEP] = 0xc0;
    size_t golden_size;
    uint8_t *golden = s_golden (TF_MSG_actor_heartbeat, &golden_size);
    body = s_edit (golden, golden_size, NULL, NULL, NULL, 0, "zz", deep, sizeof deep, &size);
    s_expect_reject (TF_MSG_actor_heartbeat, body, size, "an unknown key nested too deep");
    free (body);
    free (golden);
}

static void
test_tf_msg_rejects_wrong_version (void **state)
{
    (void) state;
    const struct {
        const char *bytes;
        size_t size;
    } versions[] = {
        {"\x02", 1}, {"\x00", 1}, {"\xff", 1}, {"\xa1\x31", 2}, {"\xc0", 1}, {"\xcd\x00\x01", 3},
    };
    for (int id = 1; id < TF_MSG_COUNT_; id++) {
        size_t size;
        uint8_t *golden = s_golden ((tf_msg_id_t) id, &size);
        for (size_t index = 0; index < sizeof versions / sizeof versions[0]; index++) {
            size_t edited_size;
            uint8_t *edited =
                s_edit (golden, size, NULL, "v", (const uint8_t *) versions[index].bytes,
                        versions[index].size, NULL, NULL, 0, &edited_size);
            //  uint16 1 is still version 1: any integer encoding of 1 is accepted
            if (index == 5) {
                size_t again_size;
                free (s_expect_accept ((tf_msg_id_t) id, edited, edited_size, "v as uint16",
                                       &again_size));
            }
            else
                s_expect_reject ((tf_msg_id_t) id, edited, edited_size, "a wrong version");
            free (edited);
        }
        free (golden);
    }
}

static void
test_tf_msg_rejects_missing_version (void **state)
{
    (void) state;
    for (int id = 1; id < TF_MSG_COUNT_; id++) {
        size_t size, edited_size;
        uint8_t *golden = s_golden ((tf_msg_id_t) id, &size);
        uint8_t *edited = s_edit (golden, size, "v", NULL, NULL, 0, NULL, NULL, 0, &edited_size);
        s_expect_reject ((tf_msg_id_t) id, edited, edited_size, "a body without \"v\"");
        free (edited);
        free (golden);
    }
}

static void
test_tf_msg_rejects_trailing_bytes (void **state)
{
    (void) state;
    for (int id = 1; id < TF_MSG_COUNT_; id++) {
        size_t size;
        uint8_t *golden = s_golden ((tf_msg_id_t) id, &size);
        uint8_t *longer = (uint8_t *) malloc (size + 1);
        memcpy (longer, golden, size);
        longer[size] = 0xc0;
        s_expect_reject ((tf_msg_id_t) id, longer, size + 1, "a trailing nil");
        free (longer);
        free (golden);
    }
}

static void
test_tf_msg_rejects_unknown_id (void **state)
{
    (void) state;
    size_t size;
    uint8_t *golden = s_golden (TF_MSG_actor_heartbeat, &size);
    tf_msg_t msg;
    memset (&msg, 0, sizeof msg);
    assert_int_equal (tf_msg_decode (TF_MSG_INVALID, golden, size, &msg.actor_hello), -1);
    assert_int_equal (tf_msg_decode (TF_MSG_COUNT_, golden, size, &msg.actor_hello), -1);
    assert_int_equal (tf_msg_decode ((tf_msg_id_t) 999, golden, size, &msg.actor_hello), -1);
    assert_true (s_all_zero (&msg));
    assert_null (tf_msg_topic (TF_MSG_INVALID));
    assert_null (tf_msg_topic ((tf_msg_id_t) 999));
    assert_int_equal (tf_msg_id_by_topic ("run.phasex", 10), TF_MSG_INVALID);
    assert_int_equal (tf_msg_id_by_topic ("run.phase", 8), TF_MSG_INVALID);
    assert_int_equal (tf_msg_id_by_topic ("run.phase", 9), TF_MSG_run_phase);
    free (golden);
}

static void
test_tf_msg_ignores_unknown_keys (void **state)
{
    (void) state;
    for (int id = 1; id < TF_MSG_COUNT_; id++) {
        size_t size, edited_size, again_size;
        uint8_t *golden = s_golden ((tf_msg_id_t) id, &size);
        //  A newer writer's field: any type, nested, even with a "v" inside
        const char extra[] = "\x82\xa1v\x02\xa4list\x92\x01\xc0";
        uint8_t *edited = s_edit (golden, size, NULL, NULL, NULL, 0, "added_later",
                                  (const uint8_t *) extra, sizeof extra - 1, &edited_size);
        uint8_t *again =
            s_expect_accept ((tf_msg_id_t) id, edited, edited_size, "an unknown key", &again_size);
        assert_int_equal (again_size, size); //  Decoded exactly as the golden body
        assert_memory_equal (again, golden, size);
        free (again);
        free (edited);
        free (golden);
    }
}

static void
test_tf_msg_accepts_any_key_order_and_integer_width (void **state)
{
    (void) state;
    //  {"name":"n", "seq": uint32 4, "phase":"x", "ok": false, "v": 1}: a writer in another
    //  language may order keys as it likes and pick any integer encoding
    const char body[] = "\x85\xa4name\xa1n\xa3seq\xce\x00\x00\x00\x04\xa5phase\xa1x"
                        "\xa2ok\xc2\xa1v\x01";
    tf_msg_t msg;
    assert_int_equal (tf_msg_decode (TF_MSG_run_phase_ack, (const uint8_t *) body, sizeof body - 1,
                                     &msg.run_phase_ack),
                      0);
    assert_int_equal (msg.run_phase_ack.seq, 4);
    assert_false (msg.run_phase_ack.ok);
    assert_null (msg.run_phase_ack.error);
    tf_msg_body_free (TF_MSG_run_phase_ack, &msg.run_phase_ack);
}

//  xorshift64: deterministic noise for the no-crash test
static uint64_t
s_next_random (uint64_t *seed)
{
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    return *seed;
}

static void
test_tf_msg_survives_random_and_mutated_bodies (void **state)
{
    (void) state;
    uint64_t seed = 0x9e3779b97f4a7c15ull;
    size_t accepted = 0, rejected = 0;
    for (int id = 1; id < TF_MSG_COUNT_; id++) {
        size_t size;
        uint8_t *golden = s_golden ((tf_msg_id_t) id, &size);
        for (int run = 0; run < TF_TEST_RANDOM_RUNS / TF_MSG_COUNT_; run++) {
            //  Half the runs flip a few bytes of the golden body, half are pure noise
            size_t length = run % 2 ? size : 1 + s_next_random (&seed) % 64;
            uint8_t *body = (uint8_t *) malloc (length);
            if (run % 2) {
                memcpy (body, golden, size);
                for (int flips = 1 + run % 3; flips > 0; flips--)
                    body[s_next_random (&seed) % size] = (uint8_t) s_next_random (&seed);
            }
            else
                for (size_t index = 0; index < length; index++)
                    body[index] = (uint8_t) s_next_random (&seed);
            tf_msg_t msg;
            memset (&msg, 0, sizeof msg);
            if (tf_msg_decode ((tf_msg_id_t) id, body, length, &msg.actor_hello) == 0) {
                accepted++;
                tf_msg_body_free ((tf_msg_id_t) id, &msg.actor_hello);
            }
            else {
                rejected++;
                assert_true (s_all_zero (&msg));
            }
            free (body);
        }
        free (golden);
    }
    assert_true (rejected > 0);
    assert_true (accepted > 0); //  Some flips land in string bytes
}


//  ---------------------------------------------------------------------------
//  The wire spec lists every field as the schema defines it

//  How PROTOCOL.md writes a schema type
static void
s_doc_type (const s_schema_field_t *field, char *type, size_t size)
{
    static const char *const names[][2] = {
        {"STR", "string"}, {"U64", "uint"}, {"BOOL", "bool"},     {"F64", "float"},
        {"BIN", "bin"},    {"RAW", "any"},  {"STRS", "[string]"}, {"ENUM", "enum"},
    };
    if (field->record) {
        snprintf (type, size, "[%s]", field->record);
        return;
    }
    for (size_t index = 0; index < sizeof names / sizeof names[0]; index++)
        if (strcmp (names[index][0], field->type) == 0) {
            snprintf (type, size, "%s", names[index][1]);
            return;
        }
    fail_msg ("schema type %s has no name in PROTOCOL.md", field->type);
}

static void
test_tf_msg_protocol_doc_lists_every_field (void **state)
{
    (void) state;
    const char *data_dir = getenv ("TF_TEST_DATA");
    assert_non_null (data_dir);
    char *path = zsys_sprintf ("%s/../../proto/PROTOCOL.md", data_dir);
    zchunk_t *chunk = zchunk_slurp (path, 0);
    if (!chunk)
        fail_msg ("cannot read %s", path);
    char *doc = zchunk_strdup (chunk);
    zchunk_destroy (&chunk);
    for (size_t index = 0; index < S_SCHEMA_SIZE; index++) {
        const s_schema_field_t *field = &s_schema[index];
        tf_msg_id_t id = s_owner_id (field->owner);
        //  The section of the message or record: from its heading to the next one
        char heading[128];
        if (id != TF_MSG_INVALID)
            snprintf (heading, sizeof heading, "\n### `%s` (id %d)\n", tf_msg_topic (id), (int) id);
        else
            snprintf (heading, sizeof heading, "\n### record `%s`\n", field->owner);
        char *section = strstr (doc, heading);
        if (!section)
            fail_msg ("PROTOCOL.md has no section \"%s\"", heading + 1);
        char *next = strstr (section + 1, "\n### ");
        char *end = next ? next : section + strlen (section);
        char type[64], row[160];
        s_doc_type (field, type, sizeof type);
        snprintf (row, sizeof row, "\n| `%s` | %s | %s |", field->field, type,
                  field->required ? "yes" : "no");
        char saved = *end;
        *end = 0;
        bool found = strstr (section, row) != NULL;
        *end = saved;
        if (!found)
            fail_msg ("PROTOCOL.md section of %s lacks the row \"%s\"", field->owner, row + 1);
    }
    zstr_free (&doc);
    zstr_free (&path);
}

//  ---------------------------------------------------------------------------
//  Sockets: frames, topics, the rejection counter

typedef struct {
    zsock_t *reader; //  Receives through tf_msg_recv
    zsock_t *writer; //  Sends raw frames
} s_pair_t;

static int
s_pair_setup (void **state)
{
    static int instance;
    s_pair_t *pair = (s_pair_t *) zmalloc (sizeof (s_pair_t));
    char *endpoint = zsys_sprintf ("inproc://test-tf-msg-pair-%d", instance++);
    pair->reader = zsock_new (ZMQ_PAIR);
    pair->writer = zsock_new (ZMQ_PAIR);
    assert_int_equal (zsock_bind (pair->reader, "%s", endpoint), 0);
    assert_int_equal (zsock_connect (pair->writer, "%s", endpoint), 0);
    zsock_set_rcvtimeo (pair->reader, TF_TEST_RCVTIMEO_MS);
    zsock_set_rcvtimeo (pair->writer, TF_TEST_RCVTIMEO_MS);
    zstr_free (&endpoint);
    *state = pair;
    return 0;
}

static int
s_router_setup (void **state)
{
    static int instance;
    s_pair_t *pair = (s_pair_t *) zmalloc (sizeof (s_pair_t));
    char *endpoint = zsys_sprintf ("inproc://test-tf-msg-router-%d", instance++);
    pair->reader = zsock_new (ZMQ_ROUTER);
    pair->writer = zsock_new (ZMQ_DEALER);
    assert_int_equal (zsock_bind (pair->reader, "%s", endpoint), 0);
    assert_int_equal (zsock_connect (pair->writer, "%s", endpoint), 0);
    zsock_set_rcvtimeo (pair->reader, TF_TEST_RCVTIMEO_MS);
    zsock_set_rcvtimeo (pair->writer, TF_TEST_RCVTIMEO_MS);
    zstr_free (&endpoint);
    *state = pair;
    return 0;
}

static int
s_pair_teardown (void **state)
{
    s_pair_t *pair = (s_pair_t *) *state;
    zsock_destroy (&pair->writer);
    zsock_destroy (&pair->reader);
    free (pair);
    return 0;
}

//  Send frame_count frames; each is a (bytes, size) pair
static void
s_send_frames (zsock_t *sock, int frame_count, ...)
{
    va_list args;
    va_start (args, frame_count);
    for (int frame = 0; frame < frame_count; frame++) {
        const void *bytes = va_arg (args, const void *);
        size_t size = va_arg (args, size_t);
        int flags = frame + 1 < frame_count ? ZMQ_SNDMORE : 0;
        assert_true (zmq_send (zsock_resolve (sock), bytes, size, flags) >= 0);
    }
    va_end (args);
}

//  Send the heartbeat fixture properly, as the message after a bad one
static void
s_send_good (zsock_t *sock)
{
    tf_actor_heartbeat_t heartbeat = {.name = "after", .phase = "deploy"};
    assert_int_equal (tf_msg_send (sock, TF_MSG_actor_heartbeat, &heartbeat), 0);
}

//  Receive: the bad message is rejected (NULL, counted) and the good one after it arrives
static void
s_expect_rejected_then_good (s_pair_t *pair, const char *what)
{
    uint64_t before = tf_msg_rejected ();
    tf_msg_t *msg = tf_msg_recv (pair->reader);
    if (msg)
        fail_msg ("%s: received as %s", what, tf_msg_topic (msg->id));
    assert_int_equal (tf_msg_rejected (), before + 1);
    s_send_good (pair->writer);
    msg = tf_msg_recv (pair->reader);
    assert_non_null (msg);
    assert_int_equal (msg->id, TF_MSG_actor_heartbeat);
    assert_string_equal (msg->actor_heartbeat.name, "after");
    assert_null (msg->routing_id);
    tf_msg_destroy (&msg);
    assert_null (msg);
}

static void
test_tf_msg_recv_delivers_a_good_message (void **state)
{
    s_pair_t *pair = (s_pair_t *) *state;
    uint64_t before = tf_msg_rejected ();
    tf_msg_t fixture;
    s_fixture (TF_MSG_feed_block, &fixture);
    assert_int_equal (tf_msg_send (pair->writer, TF_MSG_feed_block, &fixture.feed_block), 0);
    tf_msg_t *msg = tf_msg_recv (pair->reader);
    assert_non_null (msg);
    assert_int_equal (msg->id, TF_MSG_feed_block);
    assert_string_equal (msg->feed_block.parent, S_PARENT_ID);
    assert_int_equal (msg->feed_block.nodes.count, 2);
    tf_msg_destroy (&msg);
    assert_int_equal (tf_msg_rejected (), before);

    //  The raw sender puts exactly the golden bytes on the wire
    size_t size;
    uint8_t *golden = s_golden (TF_MSG_feed_tip, &size);
    assert_int_equal (tf_msg_send_raw (pair->writer, "feed.tip", golden, size), 0);
    msg = tf_msg_recv (pair->reader);
    assert_non_null (msg);
    assert_int_equal (msg->id, TF_MSG_feed_tip);
    assert_true (msg->feed_tip.up);
    tf_msg_destroy (&msg);
    free (golden);
}

static void
test_tf_msg_recv_rejects_unknown_topic (void **state)
{
    s_pair_t *pair = (s_pair_t *) *state;
    size_t size;
    uint8_t *golden = s_golden (TF_MSG_actor_heartbeat, &size);
    s_send_frames (pair->writer, 2, "actor.heartbeats", (size_t) 16, golden, size);
    s_expect_rejected_then_good (pair, "an unknown topic");
    s_send_frames (pair->writer, 2, "", (size_t) 0, golden, size);
    s_expect_rejected_then_good (pair, "an empty topic");
    char long_topic[TF_MAX_TOPIC + 8];
    memset (long_topic, 'a', sizeof long_topic);
    s_send_frames (pair->writer, 2, long_topic, sizeof long_topic, golden, size);
    s_expect_rejected_then_good (pair, "a topic over the cap");
    //  A known topic with another message's body: the schema of the topic decides
    s_send_frames (pair->writer, 2, "run.phase", (size_t) 9, golden, size);
    s_expect_rejected_then_good (pair, "a heartbeat body under run.phase");
    free (golden);
}

static void
test_tf_msg_recv_rejects_wrong_frame_counts (void **state)
{
    s_pair_t *pair = (s_pair_t *) *state;
    size_t size;
    uint8_t *golden = s_golden (TF_MSG_actor_heartbeat, &size);
    s_send_frames (pair->writer, 1, golden, size);
    s_expect_rejected_then_good (pair, "one frame");
    s_send_frames (pair->writer, 1, "actor.heartbeat", (size_t) 15);
    s_expect_rejected_then_good (pair, "a topic alone");
    s_send_frames (pair->writer, 3, "actor.heartbeat", (size_t) 15, golden, size, golden, size);
    s_expect_rejected_then_good (pair, "three frames");
    s_send_frames (pair->writer, 6, "a", (size_t) 1, "b", (size_t) 1, "c", (size_t) 1, "d",
                   (size_t) 1, "e", (size_t) 1, "f", (size_t) 1);
    s_expect_rejected_then_good (pair, "six frames");
    s_send_frames (pair->writer, 2, "actor.heartbeat", (size_t) 15, "", (size_t) 0);
    s_expect_rejected_then_good (pair, "an empty body");
    free (golden);
}

static void
test_tf_msg_recv_counts_every_rejection (void **state)
{
    s_pair_t *pair = (s_pair_t *) *state;
    uint64_t before = tf_msg_rejected ();
    size_t size;
    uint8_t *golden = s_golden (TF_MSG_run_phase, &size);
    const int bad = 50;
    for (int index = 0; index < bad; index++)
        //  Truncated bodies of a known topic, each one byte shorter
        s_send_frames (pair->writer, 2, "run.phase", (size_t) 9, golden,
                       size - 1 - (size_t) index % (size - 1));
    for (int index = 0; index < bad; index++)
        assert_null (tf_msg_recv (pair->reader));
    assert_int_equal (tf_msg_rejected (), before + (uint64_t) bad);
    s_send_frames (pair->writer, 2, "run.phase", (size_t) 9, golden, size);
    tf_msg_t *msg = tf_msg_recv (pair->reader);
    assert_non_null (msg);
    assert_int_equal (msg->run_phase.seq, 4);
    tf_msg_destroy (&msg);
    assert_int_equal (tf_msg_rejected (), before + (uint64_t) bad);
    free (golden);
}

static void
test_tf_msg_router_returns_malformed_with_routing_id (void **state)
{
    s_pair_t *pair = (s_pair_t *) *state;
    uint64_t before = tf_msg_rejected ();
    s_send_frames (pair->writer, 2, "actor.hello", (size_t) 11, "\x81\xa1v\x01", (size_t) 4);
    tf_msg_t *msg = tf_msg_recv (pair->reader);
    assert_non_null (msg);
    assert_int_equal (msg->id, TF_MSG_INVALID);
    assert_non_null (msg->routing_id);
    assert_int_equal (tf_msg_rejected (), before + 1);
    //  The server answers the malformed request, as the coordinator does
    tf_actor_error_t error = {.code = 400, .reason = "malformed message"};
    assert_int_equal (tf_msg_send_to (pair->reader, msg->routing_id, TF_MSG_actor_error, &error),
                      0);
    tf_msg_destroy (&msg);
    tf_msg_t *reply = tf_msg_recv (pair->writer);
    assert_non_null (reply);
    assert_int_equal (reply->id, TF_MSG_actor_error);
    assert_int_equal (reply->actor_error.code, 400);
    tf_msg_destroy (&reply);

    //  Wrong frame counts come back the same way
    s_send_frames (pair->writer, 1, "actor.hello", (size_t) 11);
    s_send_frames (pair->writer, 3, "a", (size_t) 1, "b", (size_t) 1, "c", (size_t) 1);
    for (int index = 0; index < 2; index++) {
        msg = tf_msg_recv (pair->reader);
        assert_non_null (msg);
        assert_int_equal (msg->id, TF_MSG_INVALID);
        assert_non_null (msg->routing_id);
        tf_msg_destroy (&msg);
    }
    assert_int_equal (tf_msg_rejected (), before + 3);

    //  And a good one is decoded with its sender
    tf_msg_t fixture;
    s_fixture (TF_MSG_actor_hello, &fixture);
    assert_int_equal (tf_msg_send (pair->writer, TF_MSG_actor_hello, &fixture.actor_hello), 0);
    msg = tf_msg_recv (pair->reader);
    assert_non_null (msg);
    assert_int_equal (msg->id, TF_MSG_actor_hello);
    assert_non_null (msg->routing_id);
    assert_string_equal (msg->actor_hello.kind, "transactions");
    assert_int_equal (msg->actor_hello.pid, 4242);
    tf_msg_destroy (&msg);
}

int
main (int argc, char **argv)
{
    if (argc == 3 && strcmp (argv[1], "--write-golden") == 0)
        return s_write_golden (argv[2]);
    zsys_init ();
    zsys_set_logstream (NULL); //  Rejections are expected here
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_tf_msg_round_trips_every_message),
        cmocka_unit_test (test_tf_msg_round_trip_keeps_field_values),
        cmocka_unit_test (test_tf_msg_matches_golden_vectors),
        cmocka_unit_test (test_tf_msg_golden_header_is_a_map_with_version_first),
        cmocka_unit_test (test_tf_msg_omits_absent_optional_fields),
        cmocka_unit_test (test_tf_msg_encode_refuses_missing_required_string),
        cmocka_unit_test (test_tf_msg_encode_refuses_what_decoders_reject),
        cmocka_unit_test (test_tf_msg_rejects_every_truncation),
        cmocka_unit_test (test_tf_msg_rejects_non_map),
        cmocka_unit_test (test_tf_msg_rejects_non_string_key),
        cmocka_unit_test (test_tf_msg_rejects_duplicate_key),
        cmocka_unit_test (test_tf_msg_takes_empty_strings_and_empty_keys),
        cmocka_unit_test (test_tf_msg_rejects_wrong_types),
        cmocka_unit_test (test_tf_msg_rejects_missing_required_field),
        cmocka_unit_test (test_tf_msg_rejects_missing_required_field_in_record),
        cmocka_unit_test (test_tf_msg_rejects_oversize_string),
        cmocka_unit_test (test_tf_msg_rejects_string_with_nul_byte),
        cmocka_unit_test (test_tf_msg_rejects_oversize_array),
        cmocka_unit_test (test_tf_msg_rejects_oversize_raw_and_body),
        cmocka_unit_test (test_tf_msg_rejects_huge_length_prefixes),
        cmocka_unit_test (test_tf_msg_rejects_deep_nesting),
        cmocka_unit_test (test_tf_msg_rejects_too_many_objects),
        cmocka_unit_test (test_tf_msg_rejects_wrong_version),
        cmocka_unit_test (test_tf_msg_rejects_missing_version),
        cmocka_unit_test (test_tf_msg_rejects_trailing_bytes),
        cmocka_unit_test (test_tf_msg_rejects_unknown_id),
        cmocka_unit_test (test_tf_msg_ignores_unknown_keys),
        cmocka_unit_test (test_tf_msg_accepts_any_key_order_and_integer_width),
        cmocka_unit_test (test_tf_msg_survives_random_and_mutated_bodies),
        cmocka_unit_test (test_tf_msg_protocol_doc_lists_every_field),
        cmocka_unit_test_setup_teardown (test_tf_msg_recv_delivers_a_good_message, s_pair_setup,
                                         s_pair_teardown),
        cmocka_unit_test_setup_teardown (test_tf_msg_recv_rejects_unknown_topic, s_pair_setup,
                                         s_pair_teardown),
        cmocka_unit_test_setup_teardown (test_tf_msg_recv_rejects_wrong_frame_counts, s_pair_setup,
                                         s_pair_teardown),
        cmocka_unit_test_setup_teardown (test_tf_msg_recv_counts_every_rejection, s_pair_setup,
                                         s_pair_teardown),
        cmocka_unit_test_setup_teardown (test_tf_msg_router_returns_malformed_with_routing_id,
                                         s_router_setup, s_pair_teardown),
    };
    return cmocka_run_group_tests_name ("tf_msg", tests, NULL, NULL);
}
