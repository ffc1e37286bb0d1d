//  tf_replayer.h - plays a past run's recording back to expectations
//
//  The deployer of the `replay` runner (program tf-deployer-replay): `tf replay`
//  re-runs a past run's expectations offline against its bus recording.

#ifndef TF_REPLAYER_H_INCLUDED
#define TF_REPLAYER_H_INCLUDED

#include "tf_actor.h"

//  Quiet feed subscriptions before playing: 3 x ZeroMQ's default reconnect interval
#define TF_REPLAYER_SETTLE_MS     300
#define TF_REPLAYER_SETTLE_MAX_MS 3000 //  Longest wait for them to settle

typedef struct _tf_replayer_t tf_replayer_t;

//  Create a replayer of the recording at recording_path, binding the feed PUB
//  at feed_ep. Returns NULL (after logging why) if the feed cannot be bound.
tf_replayer_t *tf_replayer_new (const char *recording_path, const char *feed_ep);

//  Destroy the replayer and nullify the reference. Safe on NULL.
void tf_replayer_destroy (tf_replayer_t **self_p);

//  The program tf-deployer-replay: a replayer of $TF_REPLAY_RECORDING on --feed
extern const tf_actor_class_t tf_replayer_class;

#endif
