/* CSV rows (RFC 4180: CRLF, a header line, quoted cells with "" inside).
 * The columns are the part tables flattened (output/part.h,
 * mp_csv_columns()), documented in docs/schema.md, "CSV columns", and
 * checked by tests/output/test_schema.c. As the NDJSON writer does, each
 * row is built in a buffer on the stack (output/rowbuf.h) and handed to
 * the stream in one fwrite (or a few, for a row bigger than the buffer):
 * no stdio call per cell. */
#include "output/writer.h"

#include <assert.h>
#include <string.h>

#include "output/csvcell.h"
#include "output/json.h"
#include "output/part.h"

#define LIT(o, s) mp_rowbuf_put((o), (s), sizeof(s) - 1)

static int csv_open(struct mp_writer *w)
{
  size_t n;
  const struct mp_csv_column *c = mp_csv_columns(&n);
  char buf[MP_ROWBUF_SIZE];
  struct mp_rowbuf o = {.f = w->out, .b = buf, .cap = sizeof(buf)};

  for (size_t i = 0; i < n; i++) {
    if (i > 0) {
      mp_rowbuf_byte(&o, ',');
    }
    mp_rowbuf_put(&o, c[i].name, strlen(c[i].name));
  }
  LIT(&o, "\r\n");
  mp_rowbuf_drain(&o);
  return 0;
}

/* An item of a list of scalars, as it is. */
struct scalars {
  const struct mp_field *item;
  const void *obj;
};

static void scalar_item(const void *ctx, size_t i, struct mp_csv_item *it)
{
  const struct scalars *l = ctx;
  struct mp_value v;

  mp_field_read(l->item, l->obj, i, &v);
  assert(l->item->kind == MP_K_STRING || l->item->kind == MP_K_ENUM);
  it->data = v.null ? NULL : v.s;
  it->len = v.null ? 0 : v.len;
}

/* A list in one cell: items joined with '|' (output/csvcell.h). */
static void list_cell(struct mp_rowbuf *o, const struct mp_field *fd,
                      const struct mp_value *v, char *buf)
{
  if (fd->csv_cell) {
    fd->csv_cell(o, v->obj);
  } else if (fd->csv_item) {
    struct mp_csv_ctx c = {.obj = v->obj, .buf = buf, .size = MP_CSV_ITEM_MAX};

    mp_csv_list(o, v->n, fd->csv_item, &c);
  } else {
    struct scalars l = {.item = &fd->sub->fields[0], .obj = v->obj};

    assert(mp_field_scalar_list(fd));
    mp_csv_list(o, v->n, scalar_item, &l);
  }
}

/* A value that is not null. Numbers print as in NDJSON; NaN and
 * infinities become an empty cell. */
static void cell(struct mp_rowbuf *o, const struct mp_field *fd,
                 const struct mp_value *v, char *buf)
{
  char num[MP_JSON_FMT_MAX];

  switch (fd->kind) {
  case MP_K_STRING:
  case MP_K_ENUM:
    mp_csv_text(o, v->s, v->len);
    break;
  case MP_K_INT:
    mp_rowbuf_put(o, num, mp_json_format_int(num, v->i));
    break;
  case MP_K_UINT:
    mp_rowbuf_put(o, num, mp_json_format_uint(num, v->u));
    break;
  case MP_K_NUMBER:
    mp_rowbuf_put(o, num, mp_json_format_number(num, v->d));
    break;
  case MP_K_TIME:
    mp_rowbuf_put(o, num, mp_json_format_time(num, v->i));
    break;
  case MP_K_BOOL:
    if (v->b) {
      LIT(o, "true");
    } else {
      LIT(o, "false");
    }
    break;
  case MP_K_LIST:
    list_cell(o, fd, v, buf);
    break;
  case MP_K_OBJECT: /* flattened into columns */
    assert(0);
    break;
  }
}

static int csv_write(struct mp_writer *w, const struct mp_result *r)
{
  size_t n;
  const struct mp_csv_column *c = mp_csv_columns(&n);
  const struct mp_field *parent = NULL; /* the object last read, and */
  struct mp_value pv;                   /* its value */
  char buf[MP_CSV_ITEM_MAX];
  char row[MP_ROWBUF_SIZE];
  struct mp_rowbuf o = {.f = w->out, .b = row, .cap = sizeof(row)};

  for (size_t i = 0; i < n; i++) {
    const void *obj = r;
    struct mp_value v;

    if (i > 0) {
      mp_rowbuf_byte(&o, ',');
    }
    if (c[i].depth == 2) { /* a member of an object of the row */
      if (c[i].path[0] != parent) {
        parent = c[i].path[0];
        mp_field_read(parent, r, 0, &pv);
      }
      if (pv.null) {
        continue; /* the part is absent: an empty cell */
      }
      obj = pv.obj;
    }
    mp_field_read(c[i].path[c[i].depth - 1], obj, 0, &v);
    if (!v.null) {
      cell(&o, c[i].path[c[i].depth - 1], &v, buf);
    }
  }
  LIT(&o, "\r\n");
  mp_rowbuf_drain(&o);
  return 0;
}

const struct mp_writer_ops mp_writer_csv = {
    .name = "csv",
    .open = csv_open,
    .write = csv_write,
    .close = NULL, /* mp_writer_close() flushes */
};
