#ifndef MP_OUTPUT_PARTS_GET_H
#define MP_OUTPUT_PARTS_GET_H

#include "output/part.h"

#include <assert.h>
#include <string.h>

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

/* Text built piece by piece into buf[size], NUL-terminated once a piece
 * is in (the list items' text: no snprintf per row). Every piece is cut at
 * its own bound first and the buffer holds the sum of the bounds, so the
 * text is never cut. */
struct mp_textbuf {
  char *buf;
  size_t size, len;
};

/* Appends s (NULL: nothing), at most max bytes of it. */
static inline void mp_textbuf_add(struct mp_textbuf *t, const char *s,
                                  size_t max)
{
  size_t n = s ? strnlen(s, max) : 0;

  assert(t->len + n < t->size);
  if (n == 0 || t->len + n >= t->size) {
    return;
  }
  memcpy(t->buf + t->len, s, n);
  t->len += n;
  t->buf[t->len] = '\0';
}

#endif
