//  my-blocks - a custom expectation in C: follows the block feed and wants at
//  least min_blocks blocks (a knob of its scenario entry, default 1)
//
//  Built against the installed tf (CMakeLists.txt beside it, or
//  cc my-blocks.c $(pkg-config --cflags --libs tf)); docs/actors.md walks
//  through it. Its verdict carries details: {"blocks", "max_height", "nodes"}.
//
//  Consumes: feed.block
//  Emits:    expect.result (in evaluate)

#include <tf/tf.h>

typedef struct {
    int64_t min_blocks;  //  The knob: fewer blocks fail the expectation
    uint64_t blocks;     //  Blocks the feed published
    uint64_t max_height; //  Highest block seen
    size_t max_nodes;    //  Most nodes seen holding one block
} s_state_t;

static void *
s_create (const tf_actor_config_t *config)
{
    (void) config;
    s_state_t *self = (s_state_t *) zmalloc (sizeof (s_state_t));
    self->min_blocks = 1;
    return self;
}

static void
s_destroy (void **state_p)
{
    free (*state_p);
    *state_p = NULL;
}

//  The plan: read this actor's knob from its own entry
static int
s_on_plan (tf_actor_t *actor, void *state, const tf_plan_t *plan)
{
    s_state_t *self = (s_state_t *) state;
    const tf_plan_item_t *item = tf_plan_item_by_name (plan, tf_actor_name (actor));
    self->min_blocks = tf_plan_knob_int (item, "min_blocks", 1);
    if (self->min_blocks < 0) {
        zsys_error ("my-blocks: knob min_blocks must be 0 or more, got %lld",
                    (long long) self->min_blocks);
        return -1; //  Fails the actor: the run is aborted naming it
    }
    return 0;
}

//  One record of the feed: count it
static int
s_on_message (tf_actor_t *actor, void *state, tf_msg_t *msg)
{
    (void) actor;
    s_state_t *self = (s_state_t *) state;
    if (msg->id == TF_MSG_feed_block) {
        self->blocks++;
        if (msg->feed_block.height > self->max_height)
            self->max_height = msg->feed_block.height;
        if (msg->feed_block.nodes.count > self->max_nodes)
            self->max_nodes = msg->feed_block.nodes.count;
    }
    return 0;
}

//  In evaluate, send the verdict with its details (a msgpack map) before the ack
static int
s_on_phase (tf_actor_t *actor, void *state, tf_phase_t phase)
{
    s_state_t *self = (s_state_t *) state;
    if (phase != TF_PHASE_EVALUATE)
        return TF_ACTOR_ACK;
    msgpack_sbuffer buffer;
    msgpack_sbuffer_init (&buffer);
    msgpack_packer packer;
    msgpack_packer_init (&packer, &buffer, msgpack_sbuffer_write);
    msgpack_pack_map (&packer, 3);
    tf_mpack_str (&packer, "blocks");
    msgpack_pack_uint64 (&packer, self->blocks);
    tf_mpack_str (&packer, "max_height");
    msgpack_pack_uint64 (&packer, self->max_height);
    tf_mpack_str (&packer, "nodes");
    msgpack_pack_uint64 (&packer, self->max_nodes);
    char message[128];
    snprintf (message, sizeof message, "%llu blocks seen, at least %lld wanted",
              (unsigned long long) self->blocks, (long long) self->min_blocks);
    bool passed = self->blocks >= (uint64_t) self->min_blocks;
    int rc =
        tf_actor_send_result (actor, passed, message, (const uint8_t *) buffer.data, buffer.size);
    msgpack_sbuffer_destroy (&buffer);
    return rc == 0 ? TF_ACTOR_ACK : TF_ACTOR_ERROR;
}

static const tf_actor_handlers_t s_handlers = {
    .plan = s_on_plan,
    .phase = s_on_phase,
    .message = s_on_message,
};
static const char *const s_feed_topics[] = {"feed.block", NULL};
static const tf_actor_class_t s_class = {
    .program = "my-blocks",
    .role = "expectation",
    .summary = "A custom expectation that wants at least min_blocks blocks on the feed.\n",
    .feed_topics = s_feed_topics,
    .create = s_create,
    .destroy = s_destroy,
    .handlers = &s_handlers,
};

int
main (int argc, char **argv)
{
    return tf_actor_main (argc, argv, &s_class);
}
