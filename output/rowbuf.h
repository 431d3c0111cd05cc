#ifndef MP_OUTPUT_ROWBUF_H
#define MP_OUTPUT_ROWBUF_H

#include <stddef.h>
#include <stdio.h>
#include <string.h>

/* Where a row's text goes: the caller's buffer b[0..cap), handed to f in
 * one fwrite when it is full and by mp_rowbuf_drain(), or, with cap 0,
 * straight to f. The NDJSON and CSV writers build each row so, in a buffer
 * on the stack, without a stdio call per field (issue 10). stdio errors
 * are sticky: the writer checks ferror() once per row. Allocates nothing. */
struct mp_rowbuf {
  FILE *f;
  char *b;
  size_t n, cap;
};

/* The writers' buffer: most rows fit (a few KiB, more with long TXT
 * answers); a bigger row is written in pieces, correctly. */
#define MP_ROWBUF_SIZE 16384

/* Hands what o holds to its FILE. */
void mp_rowbuf_drain(struct mp_rowbuf *o);

static inline void mp_rowbuf_put(struct mp_rowbuf *o, const void *p, size_t len)
{
  if (len > o->cap - o->n) {
    mp_rowbuf_drain(o);
    if (len > o->cap) {
      fwrite(p, 1, len, o->f);
      return;
    }
  }
  memcpy(o->b + o->n, p, len);
  o->n += len;
}

static inline void mp_rowbuf_byte(struct mp_rowbuf *o, char c)
{
  if (o->n == o->cap) {
    mp_rowbuf_drain(o);
    if (o->cap == 0) {
      putc(c, o->f);
      return;
    }
  }
  o->b[o->n++] = c;
}

#endif
