//  tf_wl_da.h - workload da: channel inscriptions and blobs dispersed through executors
//
//  Knobs: channel_rate, blob_rate, headroom (percent, default 20). The plan, the
//  seeds' anchor:
//
//      channels = channel_rate + ceil (channel_rate x headroom / 100)
//      blobs    = blob_rate x max (expected_blocks / security_param, 1)
//
//  blobs spread over the channels round-robin. At execute the workload inscribes
//  every channel (a ChannelInscribe tx signed by a key derived from the run's seed,
//  POSTed to a node chosen from the seed, the next node when one does not answer),
//  waits for each inscription on the feed, then disperses the channel's blobs in
//  order through the executors (POST /disperse-data, an executor chosen from the seed,
//  failover to the others; the signer is the executor's own leader key, derived as the
//  deployer derives it), each blob's parent the channel's previous message (the
//  inscription's tx hash, then the previous blob's id). Blobs are paced evenly over
//  the first TF_WL_DA_PUBLISH_SHARE of execute, so the last have time to be included.
//
//  Every operation is published as da.published with its outcome. At cooldown the
//  blobs never dispersed (their channel was not inscribed in time) are published too,
//  as failed with an empty id, so the expectation counts them against the plan.
//
//  Consumes: run.plan, run.nodes, run.phase, feed.block
//  Emits:    da.published (one per channel and per planned blob), workload.status
//            (every TF_WL_DA_STATUS_MS during execute, and when it stops)

#ifndef TF_WL_DA_H_INCLUDED
#define TF_WL_DA_H_INCLUDED

#include "tf_actor.h"

#define TF_WL_DA_KIND          "da"
#define TF_WL_DA_HEADROOM      20   //  Default headroom, percent
#define TF_WL_DA_BLOB_SIZE     2048 //  Bytes of each blob
#define TF_WL_DA_PUBLISH_SHARE 0.7  //  Blobs are paced over this share of execute
#define TF_WL_DA_MAX_CHANNELS  1024 //  Planned channels at most
#define TF_WL_DA_MAX_BLOBS     100000
#define TF_WL_DA_KEY_PURPOSE   "da-channel" //  tf_keys purpose of channel signers and ids
#define TF_WL_DA_INSCRIBE_PATH "/mempool/add/tx"
#define TF_WL_DA_DISPERSE_PATH "/disperse-data"
#define TF_WL_DA_STATUS_MS     1000 //  workload.status interval during execute

//  The plan of a da workload: channels and blobs (the formulas above).
void tf_wl_da_plan_counts (int64_t channel_rate, int64_t blob_rate, int64_t headroom,
                           uint64_t expected_blocks, uint32_t security_param, size_t *channels,
                           size_t *blobs);

//  The program tf-workload-da
extern const tf_actor_class_t tf_wl_da_class;

#endif
