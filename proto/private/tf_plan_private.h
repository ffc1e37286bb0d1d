//  tf_plan_private.h - what the plan's own source files share, not for callers
//
//  The loader records where each key path sits in the YAML (its marks) so that
//  the validator, which only sees the plan, can still name file:line:column.

#ifndef TF_PLAN_PRIVATE_H_INCLUDED
#define TF_PLAN_PRIVATE_H_INCLUDED

#include "tf_plan.h"

#define TF_PLAN_PATH_SIZE 256 //  Room for a key path such as "workloads[3].da.blob_rate"

typedef struct {
    char *path; //  Key path
    int line;   //  1-based
    int column; //  1-based
} tf_plan_mark_t;

typedef struct {
    tf_plan_mark_t *marks; //  Grows as the loader walks the document
    size_t count;          //  Marks held
    size_t capacity;       //  Room in marks
} tf_plan_marks_t;

//  Remember where path sits; a later mark of the same path wins. The table
//  copies path.
void tf_plan_marks_add (tf_plan_marks_t *self, const char *path, int line, int column);

//  Free every mark (the table itself belongs to the caller).
void tf_plan_marks_clear (tf_plan_marks_t *self);

//  Where path or, failing that, its nearest recorded ancestor sits; NULL if none.
const tf_plan_mark_t *tf_plan_marks_find (const tf_plan_marks_t *self, const char *path);

//  tf_plan_validate with marks (may be NULL) for the positions in errors. Checks
//  that depend on a value the loader already reported (an error at or under its
//  path after errors index `since`) are skipped, so one mistake gives one error.
int tf_plan_validate_marked (tf_plan_t *self, const tf_plan_marks_t *marks,
                             tf_plan_errors_t *errors, size_t since);

//  True when an error at index >= since names path or a path under it.
bool tf_plan_errors_touch (const tf_plan_errors_t *self, size_t since, const char *path);

//  Order the errors from index since on by line and column (stable; errors
//  without a position keep their place at the front), as a reader meets them.
void tf_plan_errors_sort (tf_plan_errors_t *self, size_t since);

//  The knob key of item, or NULL.
tf_knob_t *tf_plan_item_knob (tf_plan_item_t *item, const char *key);

//  The knob key of item, created (with type INT, value 0) when missing, else
//  cleared, so the caller can set its type and value. Item takes a copy of key.
tf_knob_t *tf_plan_item_put (tf_plan_item_t *item, const char *key);

//  Free what a knob owns and reset its value, keeping its key.
void tf_plan_knob_reset (tf_knob_t *knob);

//  Parse text as a knob of the given type (booleans "true"/"false", integers in
//  decimal, finite numbers, durations with a unit, any string). Sets the knob's
//  type and value and returns 0, or returns -1 leaving it untouched.
int tf_plan_knob_parse (tf_knob_t *knob, tf_knob_type_t type, const char *text);

//  True when the size bytes at text are well-formed UTF-8 (no overlong forms, no
//  surrogates, nothing above U+10FFFF): what YAML, JSON and msgpack strings hold.
bool tf_plan_utf8_valid (const char *text, size_t size);

//  Append an empty item to a list; returns it. Used by builder, loader and decoder.
tf_plan_item_t *tf_plan_item_append (tf_plan_item_t **items_p, size_t *count_p);

//  Name an item after its kind, with "-2", "-3"... for repeats within list.
void tf_plan_item_name_after_kind (tf_plan_item_t *items, size_t count, tf_plan_item_t *item);

//  The name tf_plan_item_name_after_kind would give item. Caller owns it.
char *tf_plan_item_kind_name (const tf_plan_item_t *items, size_t count,
                              const tf_plan_item_t *item);

#endif
