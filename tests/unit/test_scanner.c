//  test_scanner.c - the scanner's parts without a network: the node's JSON,
//  walking a chain back over gaps with a fake node, deduplication and heights,
//  and the registry of published blocks the workers share

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include "tf_api_client.h"
#include "tf_scanner.h"
#include "tf_scanner_index.h"
#include "tf_scanner_known.h"
#include "tf_scanner_walk.h"
#include "tf_scanner_worker.h"

#define S_CHAIN_MAX 16

//  Ids: "aa..aa" style, one hex digit repeated, so tests read well
static void
s_id (char digit, char out[TF_API_ID_SIZE])
{
    memset (out, digit, TF_API_ID_HEX);
    out[TF_API_ID_HEX] = 0;
}

static const char s_zero[] = "0000000000000000000000000000000000000000000000000000000000000000";


//  ---------------------------------------------------------------------------
//  JSON

static void
test_tf_api_info_parses_cryptarchia_info (void **state)
{
    (void) state;
    char tip[TF_API_ID_SIZE], lib[TF_API_ID_SIZE];
    s_id ('a', tip);
    s_id ('b', lib);
    char *json = zsys_sprintf (
        "{\"lib\":\"%s\",\"tip\":\"0x%s\",\"slot\":1234,\"height\":97,\"mode\":\"Online\"}", lib,
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    tf_api_info_t info;
    assert_int_equal (tf_api_info_parse (json, strlen (json), &info), 0);
    assert_string_equal (info.tip, tip); //  0x dropped, lower-cased
    assert_string_equal (info.lib, lib);
    assert_int_equal (info.slot, 1234);
    assert_int_equal (info.height, 97);
    assert_string_equal (info.mode, "Online");
    zstr_free (&json);
}

static void
test_tf_node_info_rejects_missing_height_and_short_ids (void **state)
{
    (void) state;
    const char *missing = "{\"lib\":\""
                          "00"
                          "\",\"tip\":\"00\",\"slot\":1}";
    tf_api_info_t info;
    assert_int_equal (tf_api_info_parse (missing, strlen (missing), &info), -1);
    const char *garbage = "not json";
    assert_int_equal (tf_api_info_parse (garbage, strlen (garbage), &info), -1);
    char *negative =
        zsys_sprintf ("{\"lib\":\"%s\",\"tip\":\"%s\",\"slot\":1,\"height\":-1}", s_zero, s_zero);
    assert_int_equal (tf_api_info_parse (negative, strlen (negative), &info), -1);
    zstr_free (&negative);
}

//  A tf-node transfer: one input, two outputs, no ops
#define S_PK_A "1111111111111111111111111111111111111111111111111111111111111111"
#define S_PK_B "2222222222222222222222222222222222222222222222222222222222222222"
#define S_NOTE "3333333333333333333333333333333333333333333333333333333333333333"
#define S_MANTLE_TX                                                                                \
    "{\"ops\":[],\"ledger_tx\":{\"inputs\":[\"" S_NOTE                                             \
    "\"],\"outputs\":[{\"value\":10,\"pk\":\"" S_PK_A "\"},{\"value\":5,\"pk\":\"" S_PK_B          \
    "\"}]},\"execution_gas_price\":0,"                                                             \
    "\"storage_gas_price\":0}"

static void
test_tf_node_block_parses_storage_form_and_hashes_txs (void **state)
{
    (void) state;
    char id[TF_API_ID_SIZE], parent[TF_API_ID_SIZE];
    s_id ('c', id);
    s_id ('d', parent);
    char *json = zsys_sprintf (
        "{\"header\":{\"version\":\"Bedrock\",\"parent_block\":\"%s\",\"slot\":42,"
        "\"block_root\":\"%s\"},\"signature\":[1,2],\"transactions\":[{\"mantle_tx\":" S_MANTLE_TX
        ",\"ops_proofs\":[],\"ledger_tx_proof\":{\"Ed25519Sigs\":[]}}]}",
        parent, s_zero);
    tf_api_block_t *block = NULL;
    assert_int_equal (tf_api_block_parse_storage (json, strlen (json), id, &block), 0);
    assert_non_null (block);
    assert_string_equal (block->id, id);
    assert_string_equal (block->parent, parent);
    assert_int_equal (block->slot, 42);
    assert_int_equal (block->txs.count, 1);
    assert_int_equal (strlen (block->txs.items[0]), TF_API_ID_HEX);
    //  tf-node masks byte 31 to keep the hash a BN254 scalar: its top hex digit is 0
    assert_int_equal (block->txs.items[0][62], '0');
    assert_int_equal (block->outputs.count, 2);
    assert_string_equal (block->outputs.items[0], S_PK_A);
    assert_string_equal (block->outputs.items[1], S_PK_B);

    //  The same tx hashes the same; another value hashes differently
    json_t *tx = json_loads (S_MANTLE_TX, 0, NULL);
    char again[TF_API_ID_SIZE], other[TF_API_ID_SIZE];
    assert_int_equal (tf_api_tx_hash (tx, again), 0);
    assert_string_equal (again, block->txs.items[0]);
    json_object_set_new (json_object_get (tx, "ledger_tx"), "inputs", json_array ());
    assert_int_equal (tf_api_tx_hash (tx, other), 0);
    assert_string_not_equal (other, again);
    json_decref (tx);
    tf_api_block_destroy (&block);
    assert_null (block);
    zstr_free (&json);
}

static void
test_tf_node_block_storage_null_means_absent (void **state)
{
    (void) state;
    char id[TF_API_ID_SIZE];
    s_id ('c', id);
    tf_api_block_t *block = NULL;
    assert_int_equal (tf_api_block_parse_storage ("null", 4, id, &block), 1);
    assert_null (block);
    const char *bad = "{\"header\":{\"parent_block\":\"xyz\",\"slot\":1},\"transactions\":[]}";
    assert_int_equal (tf_api_block_parse_storage (bad, strlen (bad), id, &block), -1);
    assert_null (block);
}

static void
test_tf_node_event_parses_stream_line_with_api_block (void **state)
{
    (void) state;
    char id[TF_API_ID_SIZE], parent[TF_API_ID_SIZE], tx[TF_API_ID_SIZE];
    s_id ('e', id);
    s_id ('f', parent);
    s_id ('9', tx);
    char *line = zsys_sprintf (
        "{\"block\":{\"header\":{\"id\":\"%s\",\"parent_block\":\"%s\",\"slot\":7},"
        "\"transactions\":[{\"mantle_tx\":{\"hash\":\"%s\",\"ops\":[],\"ledger_tx\":{\"inputs\":[],"
        "\"outputs\":[{\"value\":1,\"pk\":\"" S_PK_A "\"}]}}}]},\"tip\":\"%s\",\"lib\":\"%s\"}",
        id, parent, tx, id, s_zero);
    tf_api_block_t *block = NULL;
    char tip[TF_API_ID_SIZE], lib[TF_API_ID_SIZE];
    assert_int_equal (tf_api_event_parse (line, strlen (line), &block, tip, lib), 0);
    assert_string_equal (block->id, id);
    assert_string_equal (block->parent, parent);
    assert_int_equal (block->slot, 7);
    assert_int_equal (block->txs.count, 1);
    assert_string_equal (block->txs.items[0], tx); //  The node's own hash is kept
    assert_string_equal (block->outputs.items[0], S_PK_A);
    assert_string_equal (tip, id);
    assert_string_equal (lib, s_zero);
    tf_api_block_destroy (&block);
    zstr_free (&line);

    const char *broken = "{\"block\":{\"header\":{\"slot\":7}}}";
    assert_int_equal (tf_api_event_parse (broken, strlen (broken), &block, tip, lib), -1);
    assert_null (block);
}


//  ---------------------------------------------------------------------------
//  Walking with a fake node

//  A fake node: a chain of blocks by id, some of which can go missing
typedef struct {
    tf_api_block_t blocks[S_CHAIN_MAX]; //  Held by the fake node
    size_t count;
    bool missing[S_CHAIN_MAX]; //  Storage answers null
    size_t fetches;            //  Requests made
    char emitted[S_CHAIN_MAX * 2][TF_API_ID_SIZE];
    size_t emitted_count;
} s_fake_t;

//  Block number n has id digit "0123456789abcdef"[n], parent n-1; 0 is genesis
static void
s_fake_chain (s_fake_t *fake, size_t count)
{
    static const char digits[] = "123456789abcdef";
    memset (fake, 0, sizeof *fake);
    for (size_t index = 0; index < count; index++) {
        s_id (digits[index], fake->blocks[index].id);
        memcpy (fake->blocks[index].parent, index == 0 ? s_zero : fake->blocks[index - 1].id,
                TF_API_ID_SIZE);
        fake->blocks[index].slot = index * 2;
    }
    fake->count = count;
}

static int
s_fake_fetch (void *arg, const char *id, tf_api_block_t **block_p)
{
    s_fake_t *fake = (s_fake_t *) arg;
    fake->fetches++;
    for (size_t index = 0; index < fake->count; index++)
        if (streq (fake->blocks[index].id, id)) {
            if (fake->missing[index])
                return 1;
            tf_api_block_t *copy = (tf_api_block_t *) zmalloc (sizeof (tf_api_block_t));
            *copy = fake->blocks[index];
            *block_p = copy;
            return 0;
        }
    return 1;
}

static void
s_fake_emit (void *arg, const tf_api_block_t *block)
{
    s_fake_t *fake = (s_fake_t *) arg;
    assert_true (fake->emitted_count < S_CHAIN_MAX * 2);
    snprintf (fake->emitted[fake->emitted_count++], TF_API_ID_SIZE, "%s", block->id);
}

static void
test_tf_scanner_walk_emits_ancestors_oldest_first_once (void **state)
{
    (void) state;
    s_fake_t fake;
    s_fake_chain (&fake, 5);
    tf_scanner_walk_t *walk = tf_scanner_walk_new (s_fake_fetch, &fake, s_fake_emit, &fake);
    //  Connecting late: the tip is block 4; genesis..4 come out in order
    assert_int_equal (tf_scanner_walk_tip (walk, fake.blocks[4].id), 0);
    assert_int_equal (fake.emitted_count, 5);
    for (size_t index = 0; index < 5; index++)
        assert_string_equal (fake.emitted[index], fake.blocks[index].id);
    //  The same tip and a streamed copy of block 3 emit nothing again
    size_t fetches = fake.fetches;
    assert_int_equal (tf_scanner_walk_tip (walk, fake.blocks[4].id), 0);
    assert_int_equal (tf_scanner_walk_block (walk, &fake.blocks[3]), 0);
    assert_int_equal (fake.emitted_count, 5);
    assert_int_equal (fake.fetches, fetches);
    assert_int_equal (tf_scanner_walk_size (walk), 5);
    tf_scanner_walk_destroy (&walk);
    assert_null (walk);
}

static void
test_tf_scanner_walk_fills_a_gap_after_a_reconnect (void **state)
{
    (void) state;
    s_fake_t fake;
    s_fake_chain (&fake, 8);
    tf_scanner_walk_t *walk = tf_scanner_walk_new (s_fake_fetch, &fake, s_fake_emit, &fake);
    assert_int_equal (tf_scanner_walk_tip (walk, fake.blocks[2].id), 0);
    assert_int_equal (fake.emitted_count, 3);
    //  The stream was down for blocks 3..6; block 7 arrives streamed (no fetch of 7)
    assert_int_equal (tf_scanner_walk_block (walk, &fake.blocks[7]), 0);
    assert_int_equal (fake.emitted_count, 8);
    for (size_t index = 0; index < 8; index++)
        assert_string_equal (fake.emitted[index], fake.blocks[index].id);
    tf_scanner_walk_destroy (&walk);
}

static void
test_tf_scanner_walk_emits_nothing_past_a_missing_ancestor (void **state)
{
    (void) state;
    s_fake_t fake;
    s_fake_chain (&fake, 6);
    tf_scanner_walk_t *walk = tf_scanner_walk_new (s_fake_fetch, &fake, s_fake_emit, &fake);
    assert_int_equal (tf_scanner_walk_tip (walk, fake.blocks[1].id), 0);
    fake.missing[3] = true;
    assert_int_equal (tf_scanner_walk_block (walk, &fake.blocks[5]), -1);
    assert_int_equal (fake.emitted_count, 2); //  Never a block without its parent
    assert_false (tf_scanner_walk_known (walk, fake.blocks[4].id));
    fake.missing[3] = false; //  Later the tip fills the gap
    assert_int_equal (tf_scanner_walk_tip (walk, fake.blocks[5].id), 0);
    assert_int_equal (fake.emitted_count, 6);
    assert_string_equal (fake.emitted[2], fake.blocks[2].id);
    assert_string_equal (fake.emitted[5], fake.blocks[5].id);
    tf_scanner_walk_destroy (&walk);
}

static void
test_tf_scanner_walk_follows_a_fork_from_the_common_ancestor (void **state)
{
    (void) state;
    s_fake_t fake;
    s_fake_chain (&fake, 6);
    //  Block 5 forks off block 2 instead of extending 4
    memcpy (fake.blocks[5].parent, fake.blocks[2].id, TF_API_ID_SIZE);
    tf_scanner_walk_t *walk = tf_scanner_walk_new (s_fake_fetch, &fake, s_fake_emit, &fake);
    assert_int_equal (tf_scanner_walk_tip (walk, fake.blocks[4].id), 0);
    size_t fetches = fake.fetches;
    assert_int_equal (tf_scanner_walk_block (walk, &fake.blocks[5]), 0);
    assert_int_equal (fake.fetches, fetches); //  Its parent was known
    assert_int_equal (fake.emitted_count, 6);
    tf_scanner_walk_destroy (&walk);
}


//  ---------------------------------------------------------------------------
//  Index: dedup across nodes, heights

static void
test_tf_scanner_index_dedups_and_computes_heights (void **state)
{
    (void) state;
    char genesis[TF_API_ID_SIZE], one[TF_API_ID_SIZE], two[TF_API_ID_SIZE], fork[TF_API_ID_SIZE],
        stray[TF_API_ID_SIZE], unknown[TF_API_ID_SIZE];
    s_id ('1', genesis);
    s_id ('2', one);
    s_id ('3', two);
    s_id ('4', fork);
    s_id ('5', stray);
    s_id ('6', unknown);
    tf_scanner_index_t *index = tf_scanner_index_new ();
    uint64_t height = 99;
    assert_int_equal (tf_scanner_index_add (index, genesis, s_zero, &height), TF_SCANNER_INDEX_NEW);
    assert_int_equal (height, 0);
    assert_int_equal (tf_scanner_index_add (index, one, genesis, &height), TF_SCANNER_INDEX_NEW);
    assert_int_equal (height, 1);
    assert_int_equal (tf_scanner_index_add (index, two, one, &height), TF_SCANNER_INDEX_NEW);
    assert_int_equal (height, 2);
    //  A second node reports block one: known, same height, not published again
    assert_int_equal (tf_scanner_index_add (index, one, genesis, &height), TF_SCANNER_INDEX_KNOWN);
    assert_int_equal (height, 1);
    //  A fork sibling of two has the same height
    assert_int_equal (tf_scanner_index_add (index, fork, one, &height), TF_SCANNER_INDEX_NEW);
    assert_int_equal (height, 2);
    assert_int_equal (tf_scanner_index_add (index, stray, unknown, &height),
                      TF_SCANNER_INDEX_ORPHAN);
    assert_int_equal (tf_scanner_index_size (index), 4);
    assert_int_equal (tf_scanner_index_height (index, stray, &height), -1);
    tf_scanner_index_destroy (&index);
    assert_null (index);
}

//  Forgetting below every node's LIB: the index, the registry and a walk
//  drop what is settled, and the walk no longer reaches back past the floor
static void
s_count_forgotten (const char *id, void *arg)
{
    (void) id;
    (*(size_t *) arg)++;
}

static void
test_tf_scanner_forgets_what_is_settled (void **state)
{
    (void) state;
    s_fake_t fake;
    s_fake_chain (&fake, 10); //  Heights 0-9, slots 0, 2, ... 18
    tf_scanner_index_t *index = tf_scanner_index_new ();
    tf_scanner_known_t *known = tf_scanner_known_new ();
    uint64_t height = 0;
    for (size_t number = 0; number < 10; number++) {
        tf_api_block_t *block = &fake.blocks[number];
        assert_int_equal (tf_scanner_index_add (index, block->id, block->parent, &height),
                          TF_SCANNER_INDEX_NEW);
        tf_scanner_known_add (known, block->id, block->parent, block->slot);
    }
    assert_int_equal (tf_scanner_known_floor (known), 0);
    size_t forgotten = 0;
    tf_scanner_index_forget_below (index, 6, s_count_forgotten, &forgotten);
    assert_int_equal (forgotten, 6);
    assert_int_equal (tf_scanner_index_size (index), 4);
    assert_int_equal (tf_scanner_index_height (index, fake.blocks[5].id, &height), -1);
    assert_int_equal (tf_scanner_index_height (index, fake.blocks[6].id, &height), 0);
    assert_int_equal (height, 6);
    //  A child of block 9 still gets its height; one of forgotten block 3 cannot be placed
    char child[TF_API_ID_SIZE], stray[TF_API_ID_SIZE];
    s_id ('x', child);
    s_id ('y', stray);
    assert_int_equal (tf_scanner_index_add (index, child, fake.blocks[9].id, &height),
                      TF_SCANNER_INDEX_NEW);
    assert_int_equal (height, 10);
    assert_int_equal (tf_scanner_index_add (index, stray, fake.blocks[3].id, &height),
                      TF_SCANNER_INDEX_ORPHAN);
    for (size_t number = 0; number < 6; number++)
        tf_scanner_known_forget (known, fake.blocks[number].id);
    assert_int_equal (tf_scanner_known_size (known), 4);
    assert_int_equal (tf_scanner_known_floor (known), 11); //  Past block 5's slot 10
    tf_scanner_known_destroy (&known);
    tf_scanner_index_destroy (&index);

    //  A walk that emitted the chain forgets below the floor...
    tf_scanner_walk_t *walk = tf_scanner_walk_new (s_fake_fetch, &fake, s_fake_emit, &fake);
    assert_int_equal (tf_scanner_walk_tip (walk, fake.blocks[9].id), 0);
    assert_int_equal (tf_scanner_walk_size (walk), 10);
    tf_scanner_walk_forget_below (walk, 11);
    assert_int_equal (tf_scanner_walk_size (walk), 4);
    tf_scanner_walk_destroy (&walk);
    //  ... and a fresh walk with a floor stops there instead of fetching to genesis
    fake.emitted_count = 0;
    fake.fetches = 0;
    walk = tf_scanner_walk_new (s_fake_fetch, &fake, s_fake_emit, &fake);
    tf_scanner_walk_forget_below (walk, 11);
    assert_int_equal (tf_scanner_walk_tip (walk, fake.blocks[9].id), 0);
    assert_int_equal (fake.emitted_count, 4); //  Blocks 6-9, oldest first
    assert_string_equal (fake.emitted[0], fake.blocks[6].id);
    assert_int_equal (fake.fetches, 5); //  The tip, 8, 7, 6, and 5 (below: the walk stops)
    assert_int_equal (tf_scanner_walk_block (walk, &fake.blocks[2]), 0); //  Settled: ignored
    assert_int_equal (fake.emitted_count, 4);
    tf_scanner_walk_destroy (&walk);
}

//  ---------------------------------------------------------------------------
//  Command line: the runtime's parser takes the scanner's own flags too

//  The registry the workers share: add once, read back as a block without
//  transactions; the stream line's id is peeked only in tf-node's exact shape
static void
test_tf_scanner_known_holds_published_blocks_and_peeks_ids (void **state)
{
    (void) state;
    tf_scanner_known_t *known = tf_scanner_known_new ();
    char a[TF_API_ID_SIZE], b[TF_API_ID_SIZE];
    s_id ('a', a);
    s_id ('b', b);
    assert_false (tf_scanner_known_has (known, a));
    assert_null (tf_scanner_known_block (known, a));
    tf_scanner_known_add (known, a, s_zero, 0);
    tf_scanner_known_add (known, b, a, 7);
    tf_scanner_known_add (known, b, s_zero, 9); //  Again: the first record stays
    assert_int_equal (tf_scanner_known_size (known), 2);
    assert_true (tf_scanner_known_has (known, b));
    tf_api_block_t *block = tf_scanner_known_block (known, b);
    assert_non_null (block);
    assert_string_equal (block->id, b);
    assert_string_equal (block->parent, a);
    assert_int_equal (block->slot, 7);
    assert_int_equal (block->txs.count, 0);
    assert_int_equal (block->outputs.count, 0);
    tf_api_block_destroy (&block);
    tf_scanner_known_destroy (&known);
    assert_null (known);

    char line[256], id[TF_API_ID_SIZE];
    snprintf (line, sizeof line, "{\"block\":{\"header\":{\"id\":\"%s\",\"parent_block\":\"%s\"", b,
              a);
    assert_true (tf_scanner_known_peek_id (line, strlen (line), id));
    assert_string_equal (id, b);
    //  Anything else is parsed in full: other spacing or order, upper case, short
    const char *others[] = {
        "{\"block\": {\"header\": {\"id\": \"bbbb\"",
        "{\"tip\":\"aa\",\"block\":{\"header\":{\"id\":\"bb\"",
        "{\"block\":{\"header\":{\"id\":"
        "\"BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB\"",
        "{\"block\":{\"header\":{\"id\":"
        "\"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\"",
        "{\"block\":{\"header\":{\"id\":"
        "\"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\"",
        "{\"block\":{\"header\":{\"id\":\"",
    };
    for (size_t index = 0; index < sizeof others / sizeof others[0]; index++)
        assert_false (tf_scanner_known_peek_id (others[index], strlen (others[index]), id));
    //  The size bounds the peek, not a terminator
    assert_false (tf_scanner_known_peek_id (line, 40, id));
}

static void
test_tf_scanner_flags_parse_with_the_runtime_ones (void **state)
{
    (void) state;
    char *argv[] = {"tf-scanner", "--poll-only",   "--name",  "anchor",  "--poll-ms",
                    "1000",       "--single-node", "--feed",  "ipc://x", "--control",
                    "ipc://c",    "--service",     "ipc://s", NULL};
    tf_actor_config_t config;
    assert_int_equal (tf_actor_config_parse (&config, 13, argv, &tf_scanner_class), 0);
    assert_string_equal (config.name, "anchor");
    assert_string_equal (config.feed_ep, "ipc://x");
    assert_string_equal (tf_actor_config_flag (&config, "poll-only"), "");
    assert_string_equal (tf_actor_config_flag (&config, "single-node"), "");
    assert_string_equal (tf_actor_config_flag (&config, "poll-ms"), "1000");

    char *plain[] = {"tf-scanner", "--name", "s",      "--control", "c",
                     "--service",  "s",      "--feed", "f",         NULL};
    assert_int_equal (tf_actor_config_parse (&config, 9, plain, &tf_scanner_class), 0);
    assert_null (tf_actor_config_flag (&config, "poll-only"));
    assert_null (tf_actor_config_flag (&config, "poll-ms"));

    char *bad[] = {"tf-scanner", "--poll-ms", "soon", NULL};
    assert_int_equal (tf_actor_config_parse (&config, 3, bad, &tf_scanner_class), -1);
    char *zero[] = {"tf-scanner", "--poll-ms", "0", NULL};
    assert_int_equal (tf_actor_config_parse (&config, 3, zero, &tf_scanner_class), -1);
    char *missing[] = {"tf-scanner", "--poll-ms", NULL};
    assert_int_equal (tf_actor_config_parse (&config, 2, missing, &tf_scanner_class), -1);
    //  The scanner binds the feed: without --feed it cannot run
    char *no_feed[] = {"tf-scanner", "--name", "s", "--control", "c", "--service", "s", NULL};
    unsetenv ("TF_FEED");
    assert_int_equal (tf_actor_config_parse (&config, 7, no_feed, &tf_scanner_class), -1);
}

//  A follower per node of a large run: past the 500 zactors CZMQ's default socket
//  cap holds, once tf_actor_raise_limits ran (main, before any socket). The nodes
//  are a closed loopback port: nothing answers, the workers only have to exist
#define S_LARGE_RUN 1100

static void
test_tf_scanner_follows_a_large_run (void **state)
{
    (void) state;
    tf_scanner_known_t *known = tf_scanner_known_new ();
    zactor_t **workers = (zactor_t **) zmalloc (S_LARGE_RUN * sizeof (zactor_t *));
    size_t made = 0;
    for (; made < S_LARGE_RUN; made++) {
        char name[32];
        snprintf (name, sizeof name, "validator-%zu", made);
        tf_scanner_worker_args_t args = {
            .node = name, .api_url = "http://127.0.0.1:1", .tip_ms = 1000, .known = known};
        workers[made] = tf_scanner_worker_new (&args);
        if (!workers[made])
            break;
    }
    assert_int_equal (made, S_LARGE_RUN);
    for (size_t index = 0; index < made; index++)
        zstr_send (workers[index], "$TERM");
    for (size_t index = 0; index < made; index++)
        zactor_destroy (&workers[index]);
    free (workers);
    tf_scanner_known_destroy (&known);
}

int
main (void)
{
    zsys_init ();
    assert_int_equal (tf_actor_raise_limits (), 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_tf_api_info_parses_cryptarchia_info),
        cmocka_unit_test (test_tf_node_info_rejects_missing_height_and_short_ids),
        cmocka_unit_test (test_tf_node_block_parses_storage_form_and_hashes_txs),
        cmocka_unit_test (test_tf_node_block_storage_null_means_absent),
        cmocka_unit_test (test_tf_node_event_parses_stream_line_with_api_block),
        cmocka_unit_test (test_tf_scanner_walk_emits_ancestors_oldest_first_once),
        cmocka_unit_test (test_tf_scanner_walk_fills_a_gap_after_a_reconnect),
        cmocka_unit_test (test_tf_scanner_walk_emits_nothing_past_a_missing_ancestor),
        cmocka_unit_test (test_tf_scanner_walk_follows_a_fork_from_the_common_ancestor),
        cmocka_unit_test (test_tf_scanner_index_dedups_and_computes_heights),
        cmocka_unit_test (test_tf_scanner_forgets_what_is_settled),
        cmocka_unit_test (test_tf_scanner_known_holds_published_blocks_and_peeks_ids),
        cmocka_unit_test (test_tf_scanner_flags_parse_with_the_runtime_ones),
        cmocka_unit_test (test_tf_scanner_follows_a_large_run),
    };
    return cmocka_run_group_tests_name ("tf_scanner", tests, NULL, NULL);
}
