#ifndef MP_OUTPUT_PARTS_GET_H
#define MP_OUTPUT_PARTS_GET_H

#include "output/part.h"

/* The parts' accessors, one per field: fn reads a value from obj (of type
 * T, named x in expr) into v, with i the index of an item of a list (0
 * outside lists). A status read here as a string is read through its name
 * function once it is an enum: only its accessor changes. */
#define MP_GET(fn, T, x, expr)                                                 \
  static void fn(const void *obj, size_t i, struct mp_value *v)                \
  {                                                                            \
    const T *x = obj;                                                          \
    (void)i;                                                                   \
    expr;                                                                      \
  }

/* A list item's text for mp_csv_list(): NULL as empty. */
static inline void mp_csv_item_set(struct mp_csv_item *it, const char *s,
                                   size_t len)
{
  it->data = s;
  it->len = s ? len : 0;
}

#endif
