//  test_report_lanes.c - the lanes picture: fault windows from node-control
//  events, restarts, and the branches the nodes followed, from a recording
//  made here (genesis, then two forks: validator-2 on its own)
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <czmq.h>
#include "tf_msg.h"
#include "tf_recording.h"
#include "tf_report_lanes.h"

#define S_START 1000000

static char s_path[128];

//  64-hex id made of one repeated character
static const char *
s_id (char fill)
{
    static char ids[8][65];
    static int next;
    char *id = ids[next++ % 8];
    memset (id, fill, 64);
    id[64] = 0;
    return id;
}

static void
s_block (tf_recording_t *recording, char id, char parent, uint64_t height)
{
    char id_text[65], parent_text[65];
    snprintf (id_text, sizeof id_text, "%s", s_id (id));
    snprintf (parent_text, sizeof parent_text, "%s", s_id (parent));
    tf_feed_block_t block = {.id = id_text, .parent = parent_text, .height = height};
    uint8_t *data;
    size_t size;
    assert_int_equal (tf_msg_encode (TF_MSG_feed_block, &block, &data, &size), 0);
    assert_int_equal (tf_recording_append (recording, TF_SOURCE_FEED, "feed.block", data, size), 0);
    free (data);
}

static void
s_tip (tf_recording_t *recording, const char *node, char tip, uint64_t at)
{
    char tip_text[65];
    snprintf (tip_text, sizeof tip_text, "%s", s_id (tip));
    tf_feed_tip_t sample = {.node = (char *) node,
                            .tip = tip_text,
                            .lib = tip_text,
                            .mode = (char *) "Online",
                            .at_ms = S_START + at,
                            .up = true};
    uint8_t *data;
    size_t size;
    assert_int_equal (tf_msg_encode (TF_MSG_feed_tip, &sample, &data, &size), 0);
    assert_int_equal (tf_recording_append (recording, TF_SOURCE_FEED, "feed.tip", data, size), 0);
    free (data);
}

static json_t *
s_event (const char *node, const char *detail, uint64_t at)
{
    return json_pack ("{s:s, s:s?, s:s, s:I}", "kind", "node.control.done", "node", node, "detail",
                      detail, "at_ms", (json_int_t) (S_START + at));
}

//  The picture for three nodes, as text
static char *
s_draw (bool fork)
{
    snprintf (s_path, sizeof s_path, "/tmp/tf-test-lanes-%d.rec", (int) getpid ());
    unlink (s_path);
    tf_recording_t *recording = tf_recording_create (s_path);
    assert_non_null (recording);
    //  g <- a <- b (validators 0 and 1), g <- x (validator-2 when forked)
    s_block (recording, 'g', '0', 0);
    s_block (recording, 'a', 'g', 1);
    s_block (recording, 'b', 'a', 2);
    s_block (recording, 'x', 'g', 1);
    for (uint64_t at = 0; at <= 8000; at += 1000) {
        s_tip (recording, "validator-0", at < 4000 ? 'a' : 'b', at);
        s_tip (recording, "validator-1", at < 4000 ? 'a' : 'b', at);
        s_tip (recording, "validator-2", fork && at >= 4000 ? 'x' : 'a', at);
    }
    tf_recording_destroy (&recording);
    json_t *events = json_array ();
    json_array_append_new (events, s_event ("validator-1", "pause validator-1 ok", 1000));
    json_array_append_new (events, s_event ("validator-1", "resume validator-1 ok", 3000));
    json_array_append_new (events,
                           s_event ("validator-2", "partition validator-2 ok (note)", 3500));
    json_array_append_new (events, s_event ("validator-0", "restart validator-0 ok", 5000));
    json_t *report =
        json_pack ("{s:[{s:s}, {s:s}, {s:s}], s:o, s:I, s:I}", "nodes", "name", "validator-0",
                   "name", "validator-1", "name", "validator-2", "events", events, "started_ms",
                   (json_int_t) S_START, "ended_ms", (json_int_t) (S_START + 9000));
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream (&text, &size);
    tf_report_lanes_write (out, report, s_path);
    fclose (out);
    json_decref (report);
    unlink (s_path);
    return text;
}

static size_t
s_count (const char *text, const char *what)
{
    size_t count = 0;
    for (const char *at = strstr (text, what); at; at = strstr (at + 1, what))
        count++;
    return count;
}

static void
test_lanes_shade_faults_and_tick_restarts (void **state)
{
    (void) state;
    char *text = s_draw (false);
    assert_int_equal (s_count (text, "class=\"lane-fault\""), 2);
    assert_non_null (strstr (text, "validator-1 paused from 1.0 s to 3.0 s"));
    //  Never healed: the cut lasts to the end of the run
    assert_non_null (strstr (text, "validator-2 cut off (partition) from 3.5 s to 9.0 s"));
    assert_int_equal (s_count (text, "class=\"lane-restart\""), 1);
    assert_non_null (strstr (text, "Every node followed one chain."));
    assert_int_equal (s_count (text, "class=\"lane-branch\""), 0);
    free (text);
}

static void
test_lanes_colour_the_branches_of_a_fork (void **state)
{
    (void) state;
    char *text = s_draw (true);
    assert_non_null (strstr (text, "The nodes ended on 2 branches"));
    char *a = zsys_sprintf ("branch A, tip %.12s (validator-0, validator-1)", s_id ('b'));
    char *b = zsys_sprintf ("branch B, tip %.12s (validator-2)", s_id ('x'));
    assert_non_null (strstr (text, a));
    assert_non_null (strstr (text, b));
    //  Tip 'a' is on branch A (b descends from it), also for validator-2 before the fork
    assert_int_equal (s_count (text, "on a fork that died</title>"), 0);
    assert_int_equal (s_count (text, "class=\"lane-branch\""), 27);
    zstr_free (&a);
    zstr_free (&b);
    free (text);
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_lanes_shade_faults_and_tick_restarts),
        cmocka_unit_test (test_lanes_colour_the_branches_of_a_fork),
    };
    return cmocka_run_group_tests_name ("report_lanes", tests, NULL, NULL);
}
