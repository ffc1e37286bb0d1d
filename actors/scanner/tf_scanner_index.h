//  tf_scanner_index.h - every block the feed has published, with its height
//
//  The scanner's loop records each block a node's worker reports. Workers
//  report a node's blocks parents first (tf_scanner_walk), so a block's
//  parent is always known here, and its height is the parent's plus one;
//  genesis (parent all zeros) is height 0. The index answers whether a block
//  is new to the feed (publish it) or was published already (deduplicate).
//  Blocks far below every node's LIB are forgotten, so a long run holds only
//  the last stretch of the chain.

#ifndef TF_SCANNER_INDEX_H_INCLUDED
#define TF_SCANNER_INDEX_H_INCLUDED

#include <stdint.h>
#include <stddef.h>

typedef enum {
    TF_SCANNER_INDEX_NEW = 0, //  First sight: publish
    TF_SCANNER_INDEX_KNOWN,   //  Published before
    TF_SCANNER_INDEX_ORPHAN   //  Parent unknown: cannot place it
} tf_scanner_index_rc_t;

typedef struct _tf_scanner_index_t tf_scanner_index_t;

tf_scanner_index_t *tf_scanner_index_new (void);
void tf_scanner_index_destroy (tf_scanner_index_t **self_p);

//  Record block id with its parent; writes its height when not an orphan.
tf_scanner_index_rc_t tf_scanner_index_add (tf_scanner_index_t *self, const char *id,
                                            const char *parent, uint64_t *height_p);

//  Height of a recorded block; returns 0 and *height_p, or -1 when unknown.
int tf_scanner_index_height (tf_scanner_index_t *self, const char *id, uint64_t *height_p);

//  Called with each id tf_scanner_index_forget_below forgets
typedef void (tf_scanner_index_forget_fn) (const char *id, void *arg);

//  Forget every block below height (final on every node long ago: nothing
//  will build on it), calling fn for each when fn is set.
void tf_scanner_index_forget_below (tf_scanner_index_t *self, uint64_t height,
                                    tf_scanner_index_forget_fn *fn, void *arg);

//  Distinct blocks recorded (forgotten ones are not).
size_t tf_scanner_index_size (tf_scanner_index_t *self);

#endif
