/* CSV records, RFC 4180 2. */
#include "input/csvrow.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "scanner/base/alloc.h"

void mp_csvrow_init(struct mp_csvrow *r)
{
  memset(r, 0, sizeof(*r));
}

void mp_csvrow_close(struct mp_csvrow *r)
{
  mp_free(r->buf);
  mp_free(r->off);
  mp_free(r->olen);
  memset(r, 0, sizeof(*r));
}

static void put(struct mp_csvrow *r, char c)
{
  if (r->len == r->cap) {
    r->cap = r->cap ? 2 * r->cap : 4096;
    r->buf = mp_realloc(r->buf, r->cap);
  }
  r->buf[r->len++] = c;
}

static void cell_start(struct mp_csvrow *r)
{
  if (r->n == r->ncap) {
    r->ncap = r->ncap ? 2 * r->ncap : 64;
    r->off = mp_realloc(r->off, r->ncap * sizeof(*r->off));
    r->olen = mp_realloc(r->olen, r->ncap * sizeof(*r->olen));
  }
  r->off[r->n] = r->len;
}

static void cell_end(struct mp_csvrow *r)
{
  r->olen[r->n] = r->len - r->off[r->n];
  put(r, '\0');
  r->n++;
}

/* A quoted cell after its opening quote, up to the closing one. */
static int quoted(struct mp_csvrow *r, FILE *f)
{
  int c;

  for (;;) {
    c = getc(f);
    if (c == EOF) {
      return -EILSEQ;
    }
    if (c == '"') {
      c = getc(f);
      if (c != '"') {
        if (c != EOF) {
          ungetc(c, f);
        }
        return 0;
      }
    }
    put(r, (char)c);
  }
}

/* The end of a cell: 1 another cell follows, 0 the record ends. */
static int separator(FILE *f, int c)
{
  if (c == ',') {
    return 1;
  }
  if (c == '\r') {
    c = getc(f);
  }
  return c == '\n' || c == EOF ? 0 : -EILSEQ;
}

int mp_csvrow_read(struct mp_csvrow *r, FILE *f)
{
  int c, more;

  r->n = 0;
  r->len = 0;
  c = getc(f);
  if (c == EOF) {
    return ferror(f) ? -EIO : 0;
  }
  do {
    cell_start(r);
    if (c == '"') {
      if (quoted(r, f) < 0) {
        return ferror(f) ? -EIO : -EILSEQ;
      }
      c = getc(f);
    } else {
      while (c != ',' && c != '\n' && c != '\r' && c != EOF) {
        if (c == '"') {
          return -EILSEQ;
        }
        put(r, (char)c);
        c = getc(f);
      }
    }
    cell_end(r);
    more = separator(f, c);
    if (more < 0) {
      return -EILSEQ;
    }
    c = more ? getc(f) : 0;
  } while (more);
  return ferror(f) ? -EIO : 1;
}

const char *mp_csvrow_cell(const struct mp_csvrow *r, size_t i, size_t *len)
{
  if (i >= r->n) {
    *len = 0;
    return NULL;
  }
  *len = r->olen[i];
  return r->buf + r->off[i];
}
