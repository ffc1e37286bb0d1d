//  tf_size.h - sizes in bytes as scenarios write them
//
//  A size is a whole number of bytes ("1048576") or a number and a unit:
//  B, kB / KB (1000), MB, GB, and KiB, MiB, GiB (1024-based), as in
//  "512MiB", "1.5GiB", "200MB". Knobs that take a size (node_resources'
//  max_rss) are read with it.

#ifndef TF_SIZE_H_INCLUDED
#define TF_SIZE_H_INCLUDED

#include <stddef.h>
#include <stdint.h>

#define TF_SIZE_TEXT 32 //  Room for tf_size_print's "1023.9 GiB"

//  Parse text into *bytes. 0, or -1 when it is not a size (no number, an
//  unknown unit, a value past 2^63 bytes).
int tf_size_parse (const char *text, uint64_t *bytes);

//  Print bytes for people ("9.3 MiB", "812 B") into out (TF_SIZE_TEXT).
void tf_size_print (uint64_t bytes, char out[TF_SIZE_TEXT]);

#endif
