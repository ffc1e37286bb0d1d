//  bus.c - tf-bench-bus: how fast the bus moves phases and blocks
//
//  (a) Phase round trip: one coordinator-like main thread (control PUB, service
//      ROUTER) and N actor-like threads (DEALER + SUB), all speaking tf_msg
//      over ipc:// as a real run does: hello/welcome, then for each round one
//      run.phase broadcast and N run.phase.ack back. Reports p50/p99/max of the
//      time from the broadcast to the last ack.
//  (b) Feed throughput: one PUB publishing feed.block records (64-hex ids, 10
//      transaction hashes) to 3 SUB threads, once through tf_msg (encode per
//      record, tf_msg_recv decodes) and once as raw ZeroMQ frames with the same
//      bytes and no decode; reports msgs/s of each and their ratio.
//  Everything is bounded: rounds, records, and a deadline on every wait.
//  Exit status: 0, 1 if the feed ratio is under its target, 2 on usage or a
//  timeout.

#include "tf_msg.h"
#include "tf_phase.h"
#include <pthread.h>

#define S_DEFAULT_ACTORS    50
#define S_DEFAULT_ROUNDS    500
#define S_DEFAULT_RECORDS   50000
#define S_SUBSCRIBERS       3
#define S_TXS_PER_BLOCK     10
#define S_REPEATS           5 //  Feed runs of each kind; the median is kept
#define S_RATIO_TARGET      0.5
#define S_HELLO_INTERVAL_MS 200   //  As the actor runtime
#define S_REBROADCAST_MS    250   //  As the coordinator's heartbeat
#define S_WAIT_MS           30000 //  Any single wait longer than this fails the bench
#define S_SYNC_INTERVAL_MS  10    //  Feed probes until every subscriber is there
#define S_RUN_ID            "bench"

typedef struct {
    int index; //  actor-<index>
    const char *control_ep;
    const char *service_ep;
    int rc; //  0 when it saw "done"
} s_actor_t;

typedef struct {
    const char *feed_ep;
    const char *back_ep; //  PUSH to main: "sync", then "done"
    bool decode;         //  tf_msg_recv, or raw frames
    size_t expected;     //  feed.block records to receive
    size_t received;
    int rc;
} s_subscriber_t;


//  ---------------------------------------------------------------------------
//  (a) Actor threads: say hello, ack every new phase, stop on done

static void *
s_actor_main (void *arg)
{
    s_actor_t *self = (s_actor_t *) arg;
    char name[32];
    snprintf (name, sizeof name, "actor-%d", self->index);
    zsock_t *service = zsock_new (ZMQ_DEALER);
    zsock_t *control = zsock_new (ZMQ_SUB);
    assert (service && control);
    zsock_set_linger (service, 0);
    zsock_set_rcvhwm (control, 0);
    zsock_set_subscribe (control, "run.");
    zsock_connect (service, "%s", self->service_ep);
    zsock_connect (control, "%s", self->control_ep);
    zpoller_t *poller = zpoller_new (control, service, NULL);

    tf_actor_hello_t hello = {.name = name, .role = "workload", .pid = (uint64_t) getpid ()};
    tf_msg_send (service, TF_MSG_actor_hello, &hello);
    int64_t next_hello = zclock_mono () + S_HELLO_INTERVAL_MS;
    int64_t deadline = zclock_mono () + S_WAIT_MS;
    bool welcomed = false;
    uint64_t last_seq = 0;
    char phase[16] = "";
    self->rc = -1;
    while (zclock_mono () < deadline) {
        int64_t wait = welcomed ? deadline - zclock_mono () : next_hello - zclock_mono ();
        zsock_t *which = (zsock_t *) zpoller_wait (poller, wait > 0 ? (int) wait : 0);
        if (which == control) {
            tf_msg_t *msg = tf_msg_recv (control);
            if (msg && msg->id == TF_MSG_run_phase && welcomed) {
                const tf_run_phase_t *run_phase = &msg->run_phase;
                if (strcmp (run_phase->phase, "done") == 0) {
                    self->rc = 0;
                    tf_msg_destroy (&msg);
                    break;
                }
                if (run_phase->seq >= last_seq && run_phase->seq > 0) {
                    //  A new phase, or a repeat whose ack may have been lost
                    last_seq = run_phase->seq;
                    snprintf (phase, sizeof phase, "%s", run_phase->phase);
                    tf_run_phase_ack_t ack = {
                        .name = name, .phase = phase, .seq = last_seq, .ok = true};
                    tf_msg_send (service, TF_MSG_run_phase_ack, &ack);
                }
                deadline = zclock_mono () + S_WAIT_MS;
            }
            tf_msg_destroy (&msg);
        }
        else if (which == service) {
            tf_msg_t *msg = tf_msg_recv (service);
            if (msg && msg->id == TF_MSG_actor_welcome)
                welcomed = true;
            tf_msg_destroy (&msg);
        }
        else if (zpoller_terminated (poller))
            break;
        if (!welcomed && zclock_mono () >= next_hello) {
            tf_msg_send (service, TF_MSG_actor_hello, &hello);
            next_hello = zclock_mono () + S_HELLO_INTERVAL_MS;
        }
    }
    zpoller_destroy (&poller);
    zsock_destroy (&control);
    zsock_destroy (&service);
    return NULL;
}

static void
s_publish_phase (zsock_t *control, uint64_t seq, const char *phase, int64_t started)
{
    tf_run_phase_t body = {.run_id = S_RUN_ID,
                           .phase = (char *) phase,
                           .seq = seq,
                           .elapsed_ms = (uint64_t) (zclock_mono () - started)};
    tf_msg_send (control, TF_MSG_run_phase, &body);
}

//  Wait until every actor acked seq (re-broadcasting like the coordinator).
//  Returns 0, or -1 on timeout.
static int
s_collect_acks (zsock_t *control, zsock_t *service, size_t actors, uint64_t seq, const char *phase,
                int64_t started)
{
    bool *acked = (bool *) calloc (actors, sizeof (bool));
    size_t count = 0;
    int64_t deadline = zclock_mono () + S_WAIT_MS;
    int64_t next_broadcast = zclock_mono () + S_REBROADCAST_MS;
    zpoller_t *poller = zpoller_new (service, NULL);
    while (count < actors && zclock_mono () < deadline) {
        int64_t wait = next_broadcast - zclock_mono ();
        if (zpoller_wait (poller, wait > 0 ? (int) wait : 0)) {
            tf_msg_t *msg = tf_msg_recv (service);
            int index = -1;
            if (msg && msg->id == TF_MSG_run_phase_ack && msg->run_phase_ack.seq == seq
                && sscanf (msg->run_phase_ack.name, "actor-%d", &index) == 1 && index >= 0
                && (size_t) index < actors && !acked[index]) {
                acked[index] = true;
                count++;
            }
            tf_msg_destroy (&msg);
        }
        else if (zpoller_terminated (poller))
            break;
        if (zclock_mono () >= next_broadcast) {
            s_publish_phase (control, seq, phase, started);
            next_broadcast = zclock_mono () + S_REBROADCAST_MS;
        }
    }
    zpoller_destroy (&poller);
    free (acked);
    return count == actors ? 0 : -1;
}

static int
s_compare_double (const void *left, const void *right)
{
    double a = *(const double *) left, b = *(const double *) right;
    return (a > b) - (a < b);
}

static int
s_bench_phases (const char *dir, size_t actors, size_t rounds)
{
    char *control_ep = zsys_sprintf ("ipc://%s/control.ipc", dir);
    char *service_ep = zsys_sprintf ("ipc://%s/service.ipc", dir);
    zsock_t *control = zsock_new (ZMQ_PUB);
    zsock_t *service = zsock_new (ZMQ_ROUTER);
    zsock_set_sndhwm (control, 0);
    zsock_set_linger (control, 0);
    zsock_set_linger (service, 0);
    int rc = -1;
    if (zsock_bind (control, "%s", control_ep) < 0 || zsock_bind (service, "%s", service_ep) < 0) {
        fprintf (stderr, "tf-bench-bus: cannot bind in %s\n", dir);
        goto out_sockets;
    }
    s_actor_t *actor = (s_actor_t *) calloc (actors, sizeof (s_actor_t));
    pthread_t *thread = (pthread_t *) calloc (actors, sizeof (pthread_t));
    double *latency_ms = (double *) calloc (rounds, sizeof (double));
    for (size_t index = 0; index < actors; index++) {
        actor[index] = (s_actor_t){(int) index, control_ep, service_ep, -1};
        pthread_create (&thread[index], NULL, s_actor_main, &actor[index]);
    }
    int64_t started = zclock_mono ();

    //  Registration: welcome each hello once
    size_t welcomed = 0;
    bool *known = (bool *) calloc (actors, sizeof (bool));
    zpoller_t *poller = zpoller_new (service, NULL);
    while (welcomed < actors && zclock_mono () - started < S_WAIT_MS) {
        if (!zpoller_wait (poller, S_HELLO_INTERVAL_MS))
            continue;
        tf_msg_t *msg = tf_msg_recv (service);
        int index = -1;
        if (msg && msg->id == TF_MSG_actor_hello
            && sscanf (msg->actor_hello.name, "actor-%d", &index) == 1 && index >= 0
            && (size_t) index < actors) {
            tf_actor_welcome_t welcome = {.run_id = S_RUN_ID,
                                          .name = msg->actor_hello.name,
                                          .heartbeat_ms = S_REBROADCAST_MS,
                                          .timeout_ms = S_WAIT_MS};
            tf_msg_send_to (service, msg->routing_id, TF_MSG_actor_welcome, &welcome);
            if (!known[index]) {
                known[index] = true;
                welcomed++;
            }
        }
        tf_msg_destroy (&msg);
    }
    zpoller_destroy (&poller);
    free (known);
    int64_t registered = zclock_mono ();

    //  Warm-up round: every SUB is connected once everyone acked it
    uint64_t seq = 1;
    s_publish_phase (control, seq, tf_phase_name (TF_PHASE_REGISTER), started);
    if (welcomed < actors
        || s_collect_acks (control, service, actors, seq, tf_phase_name (TF_PHASE_REGISTER),
                           started)) {
        fprintf (stderr, "tf-bench-bus: actors did not register (%zu of %zu)\n", welcomed, actors);
        goto out_threads;
    }
    for (size_t round = 0; round < rounds; round++) {
        const char *phase = tf_phase_name ((tf_phase_t) (TF_PHASE_DEPLOY + round % 6));
        seq++;
        int64_t sent = zclock_usecs ();
        s_publish_phase (control, seq, phase, started);
        if (s_collect_acks (control, service, actors, seq, phase, started)) {
            fprintf (stderr, "tf-bench-bus: round %zu timed out\n", round);
            goto out_threads;
        }
        latency_ms[round] = (double) (zclock_usecs () - sent) / 1000.0;
    }
    qsort (latency_ms, rounds, sizeof (double), s_compare_double);
    printf ("phase round trip: %zu actor threads (DEALER + SUB), ipc://, %zu rounds\n", actors,
            rounds);
    printf ("  registration of all actors: %" PRId64 " ms\n", registered - started);
    printf ("  run.phase -> %zu run.phase.ack: p50 %.3f ms  p99 %.3f ms  max %.3f ms\n", actors,
            latency_ms[rounds / 2], latency_ms[(rounds * 99) / 100], latency_ms[rounds - 1]);
    rc = 0;

out_threads:
    //  Done: repeated until every actor has heard it (they also stop on their deadline)
    for (int repeat = 0; repeat < 3; repeat++) {
        s_publish_phase (control, seq + 1, "done", started);
        zclock_sleep (S_REBROADCAST_MS / 5);
    }
    for (size_t index = 0; index < actors; index++) {
        pthread_join (thread[index], NULL);
        if (actor[index].rc && rc == 0) {
            fprintf (stderr, "tf-bench-bus: actor-%zu never saw done\n", index);
            rc = -1;
        }
    }
    free (latency_ms);
    free (thread);
    free (actor);
out_sockets:
    zsock_destroy (&service);
    zsock_destroy (&control);
    zstr_free (&service_ep);
    zstr_free (&control_ep);
    return rc;
}


//  ---------------------------------------------------------------------------
//  (b) Feed: 3 subscribers, tf_msg vs raw frames

static void *
s_subscriber_main (void *arg)
{
    s_subscriber_t *self = (s_subscriber_t *) arg;
    zsock_t *feed = zsock_new (ZMQ_SUB);
    zsock_t *back = zsock_new (ZMQ_PUSH);
    assert (feed && back);
    zsock_set_rcvhwm (feed, 0); //  As the actor runtime: queue, never drop
    zsock_set_rcvtimeo (feed, S_WAIT_MS);
    zsock_set_subscribe (feed, "feed.");
    zsock_connect (feed, "%s", self->feed_ep);
    zsock_connect (back, "%s", self->back_ep);
    void *handle = zsock_resolve (feed);
    bool synced = false;
    self->rc = -1;
    while (self->received < self->expected) {
        bool is_block = false, is_tip = false;
        if (self->decode) {
            tf_msg_t *msg = tf_msg_recv (feed);
            if (!msg)
                break; //  Timed out (or a rejection: a bug here)
            is_block = msg->id == TF_MSG_feed_block && msg->feed_block.txs.count == S_TXS_PER_BLOCK;
            is_tip = msg->id == TF_MSG_feed_tip;
            tf_msg_destroy (&msg);
        }
        else {
            zmq_msg_t topic, body;
            zmq_msg_init (&topic);
            zmq_msg_init (&body);
            if (zmq_msg_recv (&topic, handle, 0) < 0 || !zmq_msg_more (&topic)
                || zmq_msg_recv (&body, handle, 0) < 0) {
                zmq_msg_close (&topic);
                zmq_msg_close (&body);
                break;
            }
            is_block = zmq_msg_size (&topic) == 10; //  "feed.block"
            is_tip = zmq_msg_size (&topic) == 8;    //  "feed.tip"
            zmq_msg_close (&topic);
            zmq_msg_close (&body);
        }
        if (is_tip && !synced) {
            synced = true;
            zstr_send (back, "sync");
        }
        else if (is_block)
            self->received++;
    }
    if (self->received == self->expected) {
        self->rc = 0;
        zstr_send (back, "done");
    }
    zsock_destroy (&back);
    zsock_destroy (&feed);
    return NULL;
}

static char s_tx_hashes[S_TXS_PER_BLOCK][65];
static char *s_tx_items[S_TXS_PER_BLOCK];
static char *s_holders[] = {"validator-0", "validator-1", "validator-2"};

//  A realistic block record at height
static tf_feed_block_t
s_block (uint64_t height)
{
    static const char *id = "3f1c9a2be47d05a8c6e2f9b1d4a7c3e58b2f6d0a9e1c4b7f2a5d8e3c6b9f0a1d";
    static const char *parent = "9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b";
    tf_feed_block_t block = {.id = (char *) id,
                             .parent = (char *) parent,
                             .slot = height * 2,
                             .height = height,
                             .txs = {.items = s_tx_items, .count = S_TXS_PER_BLOCK},
                             .nodes = {.items = s_holders, .count = 3},
                             .seen_ms = 1764000000000ull + height};
    return block;
}

//  One feed run; returns msgs/s (records delivered to every subscriber), or -1
static double
s_feed_run (const char *dir, size_t records, bool through_tf, int run)
{
    char *feed_ep = zsys_sprintf ("ipc://%s/feed-%d.ipc", dir, run);
    char *back_ep = zsys_sprintf ("inproc://bench-back-%d", run);
    zsock_t *feed = zsock_new (ZMQ_PUB);
    zsock_t *back = zsock_new (ZMQ_PULL);
    zsock_set_sndhwm (feed, 0);
    zsock_set_linger (feed, 0);
    zsock_set_rcvtimeo (back, S_SYNC_INTERVAL_MS);
    double rate = -1;
    if (zsock_bind (feed, "%s", feed_ep) < 0 || zsock_bind (back, "%s", back_ep) < 0) {
        fprintf (stderr, "tf-bench-bus: cannot bind %s\n", feed_ep);
        goto out;
    }
    //  The same bytes for the raw run
    tf_feed_block_t block = s_block (1);
    uint8_t *raw_block = NULL, *raw_tip = NULL;
    size_t raw_block_size = 0, raw_tip_size = 0;
    tf_feed_tip_t tip = {
        .node = "validator-0", .tip = block.id, .lib = block.parent, .mode = "Online", .up = true};
    tf_msg_encode (TF_MSG_feed_block, &block, &raw_block, &raw_block_size);
    tf_msg_encode (TF_MSG_feed_tip, &tip, &raw_tip, &raw_tip_size);

    s_subscriber_t subscriber[S_SUBSCRIBERS];
    pthread_t thread[S_SUBSCRIBERS];
    for (int index = 0; index < S_SUBSCRIBERS; index++) {
        subscriber[index] = (s_subscriber_t){feed_ep, back_ep, through_tf, records, 0, -1};
        pthread_create (&thread[index], NULL, s_subscriber_main, &subscriber[index]);
    }
    //  Probe with feed.tip until every subscriber has one: no record is lost after that
    int synced = 0;
    int64_t deadline = zclock_mono () + S_WAIT_MS;
    while (synced < S_SUBSCRIBERS && zclock_mono () < deadline) {
        tf_msg_send_raw (feed, "feed.tip", raw_tip, raw_tip_size);
        char *word = zstr_recv (back);
        if (word && streq (word, "sync"))
            synced++;
        zstr_free (&word);
    }
    int64_t started = zclock_usecs ();
    void *handle = zsock_resolve (feed);
    for (size_t index = 0; index < records && synced == S_SUBSCRIBERS; index++) {
        if (through_tf) {
            block = s_block (index + 1); //  Encoded per record, as the scanner does
            tf_msg_send (feed, TF_MSG_feed_block, &block);
        }
        else {
            zmq_send (handle, "feed.block", 10, ZMQ_SNDMORE);
            zmq_send (handle, raw_block, raw_block_size, 0);
        }
    }
    int done = 0;
    zsock_set_rcvtimeo (back, S_WAIT_MS);
    while (synced == S_SUBSCRIBERS && done < S_SUBSCRIBERS) {
        char *word = zstr_recv (back);
        if (!word)
            break;
        if (streq (word, "done"))
            done++;
        zstr_free (&word);
    }
    int64_t finished = zclock_usecs ();
    for (int index = 0; index < S_SUBSCRIBERS; index++)
        pthread_join (thread[index], NULL);
    if (done == S_SUBSCRIBERS)
        rate = (double) records * 1e6 / (double) (finished - started);
    else
        fprintf (stderr, "tf-bench-bus: feed run %d incomplete (synced %d, done %d)\n", run, synced,
                 done);
    free (raw_tip);
    free (raw_block);
out:
    zsock_destroy (&back);
    zsock_destroy (&feed);
    zstr_free (&back_ep);
    zstr_free (&feed_ep);
    return rate;
}

static int
s_bench_feed (const char *dir, size_t records, double *ratio_p)
{
    for (int index = 0; index < S_TXS_PER_BLOCK; index++) {
        for (int digit = 0; digit < 64; digit++)
            s_tx_hashes[index][digit] = "0123456789abcdef"[(index * 7 + digit * 13) % 16];
        s_tx_items[index] = s_tx_hashes[index];
    }
    tf_feed_block_t block = s_block (1);
    uint8_t *sample = NULL;
    size_t sample_size = 0;
    tf_msg_encode (TF_MSG_feed_block, &block, &sample, &sample_size);
    //  The codec alone, one thread: what a subscriber pays per record
    int64_t started = zclock_usecs ();
    for (size_t index = 0; index < records; index++) {
        tf_msg_t msg;
        if (tf_msg_decode (TF_MSG_feed_block, sample, sample_size, &msg.feed_block))
            return -1;
        tf_msg_body_free (TF_MSG_feed_block, &msg.feed_block);
    }
    double decode_us = (double) (zclock_usecs () - started) / (double) records;
    started = zclock_usecs ();
    for (size_t index = 0; index < records; index++) {
        uint8_t *data;
        size_t size;
        tf_msg_encode (TF_MSG_feed_block, &block, &data, &size);
        free (data);
    }
    double encode_us = (double) (zclock_usecs () - started) / (double) records;
    free (sample);

    double raw[S_REPEATS], coded[S_REPEATS];
    for (int repeat = 0; repeat < S_REPEATS; repeat++) {
        //  Alternate, so a noisy neighbour hurts both kinds alike
        raw[repeat] = s_feed_run (dir, records, false, 2 * repeat);
        coded[repeat] = s_feed_run (dir, records, true, 2 * repeat + 1);
        if (raw[repeat] < 0 || coded[repeat] < 0)
            return -1;
    }
    qsort (raw, S_REPEATS, sizeof (double), s_compare_double);
    qsort (coded, S_REPEATS, sizeof (double), s_compare_double);
    double ratio = coded[S_REPEATS / 2] / raw[S_REPEATS / 2];
    printf ("feed throughput: feed.block of %zu bytes (%d tx hashes), PUB -> %d SUB threads, "
            "ipc://, %zu records, median of %d runs\n",
            sample_size, S_TXS_PER_BLOCK, S_SUBSCRIBERS, records, S_REPEATS);
    printf ("  codec alone, one thread: encode %.2f us, decode %.2f us per record\n", encode_us,
            decode_us);
    printf ("  raw ZeroMQ frames, no decode:        %10.0f msgs/s\n", raw[S_REPEATS / 2]);
    printf ("  tf_msg encode + tf_msg_recv decode:  %10.0f msgs/s\n", coded[S_REPEATS / 2]);
    printf ("  ratio tf/raw: %.2f (target >= %.2f)%s\n", ratio, S_RATIO_TARGET,
            ratio >= S_RATIO_TARGET ? "" : "  BELOW TARGET");
    *ratio_p = ratio;
    return 0;
}

static void
s_usage (FILE *out)
{
    fprintf (out,
             "Usage: tf-bench-bus [--actors N] [--rounds N] [--records N]\n"
             "Phase round trips with N actor threads (default %d actors, %d rounds), then\n"
             "feed.block throughput to %d subscribers, tf_msg vs raw ZeroMQ (default %d "
             "records).\n",
             S_DEFAULT_ACTORS, S_DEFAULT_ROUNDS, S_SUBSCRIBERS, S_DEFAULT_RECORDS);
}

int
main (int argc, char **argv)
{
    size_t actors = S_DEFAULT_ACTORS, rounds = S_DEFAULT_ROUNDS, records = S_DEFAULT_RECORDS;
    for (int index = 1; index < argc; index++) {
        size_t *target = !strcmp (argv[index], "--actors")    ? &actors
                         : !strcmp (argv[index], "--rounds")  ? &rounds
                         : !strcmp (argv[index], "--records") ? &records
                                                              : NULL;
        if (!target || index + 1 >= argc || atol (argv[index + 1]) <= 0) {
            s_usage (strcmp (argv[index], "--help") ? stderr : stdout);
            return strcmp (argv[index], "--help") ? 2 : 0;
        }
        *target = (size_t) atol (argv[++index]);
    }
    zsys_init ();
    zsys_set_logident ("tf-bench-bus");
    char dir[] = "/tmp/tf-bench-bus-XXXXXX";
    if (!mkdtemp (dir)) {
        fprintf (stderr, "tf-bench-bus: cannot create a directory for ipc endpoints\n");
        return 2;
    }
    int rc = 2;
    double ratio = 0;
    if (s_bench_phases (dir, actors, rounds) == 0 && s_bench_feed (dir, records, &ratio) == 0)
        rc = ratio >= S_RATIO_TARGET ? 0 : 1;
    printf ("messages rejected: %" PRIu64 "\n", tf_msg_rejected ());
    //  ipc files go with the directory
    zdir_t *leftovers = zdir_new (dir, NULL);
    if (leftovers)
        zdir_remove (leftovers, true);
    zdir_destroy (&leftovers);
    rmdir (dir);
    return rc;
}
