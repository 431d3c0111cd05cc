/* NDJSON rows: one JSON object per line, the members of each object in the
 * order of its part's table (output/parts/, docs/schema.md "NDJSON
 * fields"). */
#include "output/writer.h"

#include <assert.h>

#include "output/json.h"
#include "output/part.h"

/* A string literal without its NUL. */
#define LIT(f, s) fwrite((s), 1, sizeof(s) - 1, (f))

static void object(FILE *f, const struct mp_part *p, const void *obj, size_t i);

static void value(FILE *f, const struct mp_field *fd, const struct mp_value *v);

/* A list: each item a scalar (the item part's one nameless field) or an
 * object. */
static void list(FILE *f, const struct mp_field *fd, const struct mp_value *v)
{
  const struct mp_field *item = &fd->sub->fields[0];
  bool scalar = mp_field_scalar_list(fd);

  putc_unlocked('[', f);
  for (size_t k = 0; k < v->n; k++) {
    if (k > 0) {
      putc_unlocked(',', f);
    }
    if (scalar) {
      struct mp_value iv;

      mp_field_read(item, v->obj, k, &iv);
      value(f, item, &iv);
    } else {
      object(f, fd->sub, v->obj, k);
    }
  }
  putc_unlocked(']', f);
}

static void value(FILE *f, const struct mp_field *fd, const struct mp_value *v)
{
  if (v->null) {
    LIT(f, "null");
    return;
  }
  switch (fd->kind) {
  case MP_K_STRING:
  case MP_K_ENUM:
    mp_json_string(f, v->s, v->len);
    break;
  case MP_K_INT:
    mp_json_int(f, v->i);
    break;
  case MP_K_UINT:
    mp_json_uint(f, v->u);
    break;
  case MP_K_NUMBER:
    mp_json_number(f, v->d);
    break;
  case MP_K_TIME:
    mp_json_time(f, v->i);
    break;
  case MP_K_BOOL:
    if (v->b) {
      LIT(f, "true");
    } else {
      LIT(f, "false");
    }
    break;
  case MP_K_OBJECT:
    object(f, fd->sub, v->obj, 0);
    break;
  case MP_K_LIST:
    list(f, fd, v);
    break;
  }
}

/* The members of part p read from obj (item i of a list, else 0). */
static void object(FILE *f, const struct mp_part *p, const void *obj, size_t i)
{
  bool first = true;

  putc_unlocked('{', f);
  for (size_t k = 0; k < p->n; k++) {
    const struct mp_field *fd = &p->fields[k];
    struct mp_value v;

    if (fd->flags & MP_F_CSV_ONLY) {
      continue;
    }
    if (!first) {
      putc_unlocked(',', f);
    }
    first = false;
    /* Keys are short ASCII words: byte by byte into the stream's buffer,
     * without a lock or a length. */
    putc_unlocked('"', f);
    for (const char *c = fd->name; *c; c++) {
      putc_unlocked(*c, f);
    }
    putc_unlocked('"', f);
    putc_unlocked(':', f);
    mp_field_read(fd, obj, i, &v);
    value(f, fd, &v);
  }
  putc_unlocked('}', f);
}

static int ndjson_write(struct mp_writer *w, const struct mp_result *r)
{
  object(w->out, &mp_part_row, r, 0);
  putc_unlocked('\n', w->out);
  return 0;
}

const struct mp_writer_ops mp_writer_ndjson = {
    .name = "ndjson",
    .open = NULL,
    .write = ndjson_write,
    .close = NULL, /* mp_writer_close() flushes */
};
