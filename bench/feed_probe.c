//  feed_probe.c - a block feed subscriber for bench/feed.sh
//
//  Subscribes to feed.block on one or more feeds and writes one line per
//  record: LABEL ID HEIGHT SLOT RECV_MS SEEN_MS, RECV_MS being the wall clock
//  (Unix ms) when the record reached this subscriber. Runs until --seconds
//  have passed or SIGINT/SIGTERM.
//
//  feed_probe --out FILE --seconds N [--join RUN_JSON --cert FILE]
//             LABEL=ENDPOINT [LABEL=ENDPOINT ...]
//
//  --join and --cert (before the feeds) make every tcp:// feed a CURVE client
//  of the run's scanner, as an actor joining from elsewhere (bench/curve.sh).

#include <czmq.h>
#include "tf_curve.h"
#include "tf_msg.h"

#define S_MAX_FEEDS 8   //  Feeds followed at once
#define S_POLL_MS   100 //  Deadline check interval

int
main (int argc, char **argv)
{
    const char *out_path = NULL;
    long seconds = 0;
    const char *labels[S_MAX_FEEDS];
    zsock_t *feeds[S_MAX_FEEDS];
    size_t feed_count = 0;
    tf_curve_run_t run = {0};
    zcert_t *cert = NULL;
    zsys_init ();
    for (int index = 1; index < argc; index++) {
        if (streq (argv[index], "--help") || streq (argv[index], "-h")) {
            printf ("Usage: %s --out FILE --seconds N [--join RUN_JSON --cert FILE] "
                    "LABEL=ENDPOINT...\n"
                    "Writes LABEL ID HEIGHT SLOT RECV_MS SEEN_MS per feed.block record.\n",
                    argv[0]);
            return 0;
        }
        if (streq (argv[index], "--out") && index + 1 < argc)
            out_path = argv[++index];
        else if (streq (argv[index], "--seconds") && index + 1 < argc)
            seconds = atol (argv[++index]);
        else if (streq (argv[index], "--join") && index + 1 < argc) {
            if (tf_curve_run_read (&run, argv[++index], stderr))
                return 2;
        }
        else if (streq (argv[index], "--cert") && index + 1 < argc) {
            if (!(cert = tf_curve_cert_load (argv[++index], true, stderr)))
                return 2;
        }
        else if (strchr (argv[index], '=') && feed_count < S_MAX_FEEDS) {
            char *equals = strchr (argv[index], '=');
            *equals = 0;
            labels[feed_count] = argv[index];
            feeds[feed_count] = zsock_new (ZMQ_SUB);
            assert (feeds[feed_count]);
            zsock_set_rcvhwm (feeds[feed_count], 0);
            zsock_set_subscribe (feeds[feed_count], "feed.block");
            if (strncmp (equals + 1, "tcp://", 6) == 0 && *run.scanner_key) {
                if (!cert) {
                    fprintf (stderr, "feed_probe: a CURVE feed needs --cert before it\n");
                    return 2;
                }
                tf_curve_client (feeds[feed_count], cert, run.scanner_key);
            }
            if (zsock_connect (feeds[feed_count], "%s", equals + 1)) {
                fprintf (stderr, "feed_probe: cannot connect %s\n", equals + 1);
                return 2;
            }
            feed_count++;
        }
        else {
            fprintf (stderr, "feed_probe: bad argument '%s' (try --help)\n", argv[index]);
            return 2;
        }
    }
    if (!out_path || seconds <= 0 || feed_count == 0) {
        fprintf (stderr, "feed_probe: --out, --seconds and a feed are required\n");
        return 2;
    }
    FILE *out = fopen (out_path, "w");
    if (!out) {
        fprintf (stderr, "feed_probe: cannot write %s\n", out_path);
        return 2;
    }
    zpoller_t *poller = zpoller_new (NULL);
    for (size_t index = 0; index < feed_count; index++)
        zpoller_add (poller, feeds[index]);
    int64_t deadline = zclock_mono () + seconds * 1000;
    size_t records = 0;
    while (zclock_mono () < deadline) {
        zsock_t *which = (zsock_t *) zpoller_wait (poller, S_POLL_MS);
        if (zpoller_terminated (poller))
            break;
        if (!which)
            continue;
        uint64_t recv_ms = (uint64_t) zclock_time ();
        tf_msg_t *msg = tf_msg_recv (which);
        if (!msg)
            continue;
        size_t feed = 0;
        while (feeds[feed] != which)
            feed++;
        if (msg->id == TF_MSG_feed_block) {
            fprintf (out, "%s %s %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 "\n", labels[feed],
                     msg->feed_block.id, msg->feed_block.height, msg->feed_block.slot, recv_ms,
                     msg->feed_block.seen_ms);
            records++;
        }
        tf_msg_destroy (&msg);
    }
    fclose (out);
    zpoller_destroy (&poller);
    for (size_t index = 0; index < feed_count; index++)
        zsock_destroy (&feeds[index]);
    zcert_destroy (&cert);
    tf_curve_run_clear (&run);
    fprintf (stderr, "feed_probe: %zu records\n", records);
    return 0;
}
