//  fuzz_tf_msg.c - libFuzzer target for the wire decoder
//
//  Decodes the input as the body of every message id. Nothing may crash, leak
//  or read out of bounds (the sanitizers watch), a rejection must leave the
//  body zeroed, and whatever is accepted must survive a round trip: its
//  re-encoding decodes again and re-encodes to the same bytes.
//  Seeds: the golden vectors (tests/fuzz/run.sh turns them into a corpus).

#include "tf_msg.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

//  True when no byte of the message area is set
static bool
s_all_zero (const tf_msg_t *msg)
{
    const uint8_t *bytes = (const uint8_t *) msg;
    for (size_t index = 0; index < sizeof *msg; index++)
        if (bytes[index])
            return false;
    return true;
}

//  Encode body, decode it again and encode once more: both encodings must agree
static void
s_check_round_trip (tf_msg_id_t id, const void *body)
{
    uint8_t *first = NULL, *second = NULL;
    size_t first_size = 0, second_size = 0;
    if (tf_msg_encode (id, body, &first, &first_size))
        abort (); //  A decoded body is always encodable
    tf_msg_t again;
    memset (&again, 0, sizeof again);
    if (tf_msg_decode (id, first, first_size, &again.actor_hello))
        abort (); //  Our own encoding must decode
    if (tf_msg_encode (id, &again.actor_hello, &second, &second_size))
        abort ();
    if (first_size != second_size || memcmp (first, second, first_size) != 0)
        abort (); //  Encoding is a fixed point after one trip
    tf_msg_body_free (id, &again.actor_hello);
    free (second);
    free (first);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    for (int id = 1; id < TF_MSG_COUNT_; id++) {
        tf_msg_t msg;
        memset (&msg, 0, sizeof msg);
        if (tf_msg_decode ((tf_msg_id_t) id, data, size, &msg.actor_hello) == 0) {
            s_check_round_trip ((tf_msg_id_t) id, &msg.actor_hello);
            tf_msg_body_free ((tf_msg_id_t) id, &msg.actor_hello);
        }
        else if (!s_all_zero (&msg))
            abort (); //  A rejection keeps nothing
    }
    //  The topic lookup sees the same bytes as a topic frame
    tf_msg_id_by_topic ((const char *) data, size);
    return 0;
}
