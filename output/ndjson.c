/* NDJSON rows: one JSON object per line, the members of each object in the
 * order of its part's table (output/parts/, docs/schema.md "NDJSON
 * fields"). Each row is built in a buffer on the stack and handed to the
 * stream in one fwrite (or a few, for a row bigger than the buffer): no
 * stdio call per field. */
#include "output/writer.h"

#include <assert.h>
#include <string.h>

#include "output/json.h"
#include "output/part.h"

/* A string literal without its NUL. */
#define LIT(o, s) mp_rowbuf_put((o), (s), sizeof(s) - 1)

static void object(struct mp_rowbuf *o, const struct mp_part *p,
                   const void *obj, size_t i);

static void value(struct mp_rowbuf *o, const struct mp_field *fd,
                  const struct mp_value *v);

/* A list: each item a scalar (the item part's one nameless field) or an
 * object. */
static void list(struct mp_rowbuf *o, const struct mp_field *fd,
                 const struct mp_value *v)
{
  const struct mp_field *item = &fd->sub->fields[0];
  bool scalar = mp_field_scalar_list(fd);

  mp_rowbuf_byte(o, '[');
  for (size_t k = 0; k < v->n; k++) {
    if (k > 0) {
      mp_rowbuf_byte(o, ',');
    }
    if (scalar) {
      struct mp_value iv;

      mp_field_read(item, v->obj, k, &iv);
      value(o, item, &iv);
    } else {
      object(o, fd->sub, v->obj, k);
    }
  }
  mp_rowbuf_byte(o, ']');
}

/* A number's text (mp_json_format_*), or null for none. */
static void number(struct mp_rowbuf *o, const char *buf, size_t n)
{
  if (n == 0) {
    LIT(o, "null");
  } else {
    mp_rowbuf_put(o, buf, n);
  }
}

static void value(struct mp_rowbuf *o, const struct mp_field *fd,
                  const struct mp_value *v)
{
  char buf[MP_JSON_FMT_MAX + 2];

  if (v->null) {
    LIT(o, "null");
    return;
  }
  switch (fd->kind) {
  case MP_K_STRING:
  case MP_K_ENUM:
    mp_json_out_string(o, v->s, v->len);
    break;
  case MP_K_INT:
    number(o, buf, mp_json_format_int(buf, v->i));
    break;
  case MP_K_UINT:
    number(o, buf, mp_json_format_uint(buf, v->u));
    break;
  case MP_K_NUMBER:
    number(o, buf, mp_json_format_number(buf, v->d));
    break;
  case MP_K_TIME: {
    size_t n = mp_json_format_time(buf + 1, v->i);

    buf[0] = '"';
    buf[n + 1] = '"';
    mp_rowbuf_put(o, buf, n + 2);
    break;
  }
  case MP_K_BOOL:
    if (v->b) {
      LIT(o, "true");
    } else {
      LIT(o, "false");
    }
    break;
  case MP_K_OBJECT:
    object(o, fd->sub, v->obj, 0);
    break;
  case MP_K_LIST:
    list(o, fd, v);
    break;
  }
}

/* The members of part p read from obj (item i of a list, else 0). */
static void object(struct mp_rowbuf *o, const struct mp_part *p,
                   const void *obj, size_t i)
{
  bool first = true;

  mp_rowbuf_byte(o, '{');
  for (size_t k = 0; k < p->n; k++) {
    const struct mp_field *fd = &p->fields[k];
    struct mp_value v;

    if (fd->flags & MP_F_CSV_ONLY) {
      continue;
    }
    if (!first) {
      mp_rowbuf_byte(o, ',');
    }
    first = false;
    /* Keys are short ASCII words: copied as they are. */
    mp_rowbuf_byte(o, '"');
    mp_rowbuf_put(o, fd->name, strlen(fd->name));
    mp_rowbuf_byte(o, '"');
    mp_rowbuf_byte(o, ':');
    mp_field_read(fd, obj, i, &v);
    value(o, fd, &v);
  }
  mp_rowbuf_byte(o, '}');
}

static int ndjson_write(struct mp_writer *w, const struct mp_result *r)
{
  char buf[MP_ROWBUF_SIZE];
  struct mp_rowbuf o = {.f = w->out, .b = buf, .cap = sizeof(buf)};

  object(&o, &mp_part_row, r, 0);
  mp_rowbuf_byte(&o, '\n');
  mp_rowbuf_drain(&o);
  return 0;
}

const struct mp_writer_ops mp_writer_ndjson = {
    .name = "ndjson",
    .open = NULL,
    .write = ndjson_write,
    .close = NULL, /* mp_writer_close() flushes */
};
