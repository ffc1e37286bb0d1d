//  tf_scanner_known.h - the blocks the feed has published, shared with the workers
//
//  The scanner's loop adds each block once it has indexed it; every node's
//  worker reads it from its own thread. A worker that meets a block the feed
//  already holds (another node announced it first, which is the rule when
//  many nodes follow one chain) skips it: no parse of the stream line, no
//  fetch, nothing sent. Only what the loop has indexed is here, so a block a
//  worker does send always has its parent indexed first.
//
//  Blocks are kept (id, parent, slot: about 150 bytes each) until the loop
//  forgets them, far below every node's LIB; the floor then says which slots
//  are settled, so a worker's walk stops there instead of fetching back to
//  genesis.

#ifndef TF_SCANNER_KNOWN_H_INCLUDED
#define TF_SCANNER_KNOWN_H_INCLUDED

#include "tf_api_parse.h"

typedef struct _tf_scanner_known_t tf_scanner_known_t;

//  Create an empty registry.
tf_scanner_known_t *tf_scanner_known_new (void);

//  Destroy and nullify. Safe on NULL. No worker may use it any more.
void tf_scanner_known_destroy (tf_scanner_known_t **self_p);

//  Record an indexed block (id, parent, slot). Adding it again changes nothing.
void tf_scanner_known_add (tf_scanner_known_t *self, const char *id, const char *parent,
                           uint64_t slot);

//  The block id as a block without transactions (caller owns), or NULL when the
//  feed does not hold it. Thread-safe.
tf_api_block_t *tf_scanner_known_block (tf_scanner_known_t *self, const char *id);

//  Forget block id; the floor rises past its slot. Thread-safe.
void tf_scanner_known_forget (tf_scanner_known_t *self, const char *id);

//  Slots below the floor are settled: every block there was published or
//  will never be (0: nothing forgotten yet). Thread-safe.
uint64_t tf_scanner_known_floor (tf_scanner_known_t *self);

//  True when the feed holds block id. Thread-safe.
bool tf_scanner_known_has (tf_scanner_known_t *self, const char *id);

//  The header id a stream line starts with, when it has the compact ApiBlock
//  event shape tf-node writes ({"block":{"header":{"id":"<64 hex>"...); writes
//  id and returns true, else false (the caller parses the line in full).
bool tf_scanner_known_peek_id (const char *line, size_t size, char id[TF_API_ID_SIZE]);

//  Blocks recorded.
size_t tf_scanner_known_size (tf_scanner_known_t *self);

#endif
