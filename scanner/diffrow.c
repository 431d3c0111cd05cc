/* Scan rows read back for mailposture diff. */
#include "scanner/diffrow.h"

#include <errno.h>
#include <string.h>
#include <sys/types.h>

#include "scanner/base/alloc.h"
#include "scanner/base/hash.h"
#include "scanner/rowfile.h"

static void vput(struct mp_diffrow *r, const char *s, size_t n)
{
  if (r->vlen + n > r->vcap) {
    while (r->vlen + n > r->vcap) {
      r->vcap = r->vcap ? 2 * r->vcap : 4096;
    }
    r->vbuf = mp_realloc(r->vbuf, r->vcap);
  }
  memcpy(r->vbuf + r->vlen, s, n);
  r->vlen += n;
}

/* An item of a list, escaped as in a CSV list cell. */
static void vput_item(struct mp_diffrow *r, const char *s, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    if (s[i] == '\\' || s[i] == '|') {
      vput(r, "\\", 1);
    }
    vput(r, &s[i], 1);
  }
}

static void sort_list(struct mp_diffrow *r, size_t start)
{
  size_t len = r->vlen - start;

  if (r->tmpcap < len) {
    r->tmpcap = len;
    r->tmp = mp_realloc(r->tmp, len);
  }
  mp_diff_sort_items(r->vbuf + start, len, r->tmp);
}

/* ---- NDJSON ---------------------------------------------------------------
 */

/* Mixed formats: s[0..*len) as the CSV writer sanitizes text (step 1 of
 * output/csvcell.h; the NDJSON writer has replaced ill-formed UTF-8
 * already): each C0 control but TAB, CR and LF, DEL and each C1 control
 * becomes U+FFFD. The result is in *buf. */
static void sanitize(const char **s, size_t *len, char **buf, size_t *cap)
{
  const unsigned char *p = (const unsigned char *)*s;
  size_t n = *len, o = 0;

  if (*cap < 3 * n + 1) {
    *cap = 3 * n + 1;
    *buf = mp_realloc(*buf, *cap);
  }
  for (size_t i = 0; i < n; i++) {
    bool c1 = p[i] == 0xc2 && i + 1 < n && p[i + 1] >= 0x80 && p[i + 1] <= 0x9f;
    bool c0 = p[i] < 0x20 && p[i] != '\t' && p[i] != '\r' && p[i] != '\n';

    if (c0 || p[i] == 0x7f || c1) {
      memcpy(*buf + o, "\xef\xbf\xbd", 3);
      o += 3;
      i += c1;
    } else {
      (*buf)[o++] = (char)p[i];
    }
  }
  *s = *buf;
  *len = o;
}

/* A scalar node's text; false for null (or a container). */
static bool scalar(struct mp_diffrow *r, const struct mp_jnode *n,
                   const char **s, size_t *len)
{
  switch (n->type) {
  case MP_J_STRING:
  case MP_J_NUMBER:
    *s = n->s;
    *len = n->len;
    if (r->mixed && n->type == MP_J_STRING) {
      sanitize(s, len, &r->san, &r->sancap);
    }
    return true;
  case MP_J_BOOL:
    *s = n->b ? "true" : "false";
    *len = strlen(*s);
    return true;
  default:
    return false;
  }
}

/* An item of a list of objects: its members with a diff rule,
 * "name=value" joined with ','. */
static void object_item(struct mp_diffrow *r, const struct mp_part *sub,
                        size_t node)
{
  bool first = true;

  for (size_t k = 0; k < sub->n; k++) {
    const struct mp_field *f = &sub->fields[k];
    size_t m = f->diff ? mp_jrow_get(&r->json, node, f->name) : 0;
    const char *s = "null";
    size_t len = 4;

    if (!f->diff) {
      continue;
    }
    if (m) {
      scalar(r, &r->json.n[m], &s, &len);
    }
    vput_item(r, first ? "" : ",", first ? 0 : 1);
    vput_item(r, f->name, strlen(f->name));
    vput_item(r, "=", 1);
    vput_item(r, s, len);
    first = false;
  }
}

static void json_list(struct mp_diffrow *r, const struct mp_field *f,
                      size_t node)
{
  size_t start = r->vlen;

  if (!node || r->json.n[node].type != MP_J_ARRAY) {
    return;
  }
  for (size_t k = 0; k < r->json.n[node].count; k++) {
    size_t it = mp_jrow_at(&r->json, node, k);
    const char *s;
    size_t len;

    if (k) {
      vput(r, "|", 1);
    }
    if (r->json.n[it].type == MP_J_OBJECT) {
      object_item(r, f->sub, it);
    } else if (scalar(r, &r->json.n[it], &s, &len)) {
      vput_item(r, s, len);
    }
  }
  sort_list(r, start);
}

static bool json_value(struct mp_diffrow *r, const struct mp_csv_column *c)
{
  const struct mp_field *f = mp_diff_field(c);
  size_t node = 0;
  const char *s;
  size_t len;

  for (size_t d = 0; d < c->depth; d++) {
    node = mp_jrow_get(&r->json, node, c->path[d]->name);
    if (!node) {
      break;
    }
  }
  if (f->kind == MP_K_LIST) {
    json_list(r, f, node);
    return true;
  }
  if (!node || !scalar(r, &r->json.n[node], &s, &len)) {
    return false;
  }
  if (r->mixed && len == 0) {
    return false; /* as an empty CSV cell */
  }
  vput(r, s, len);
  return true;
}

static int json_row(struct mp_diffrow *r, size_t len)
{
  size_t k, n;
  const struct mp_csv_column *const *fields = mp_diff_fields(&n);

  if (mp_jrow_parse(&r->json, r->line, len) < 0 ||
      r->json.n[0].type != MP_J_OBJECT) {
    return -EILSEQ;
  }
  for (size_t i = 0; i < n; i++) {
    r->voff[i] = r->vlen;
    r->val[i].null = !json_value(r, fields[i]);
    r->val[i].len = r->vlen - r->voff[i];
  }
  k = mp_jrow_get(&r->json, 0, "domain");
  if (!k || r->json.n[k].type != MP_J_STRING) {
    k = mp_jrow_get(&r->json, 0, "input");
  }
  if (!k || r->json.n[k].type != MP_J_STRING) {
    return -EILSEQ;
  }
  r->key = (struct mp_dval){false, r->json.n[k].s, r->json.n[k].len};
  if (r->mixed) {
    sanitize(&r->key.s, &r->key.len, &r->keybuf, &r->keycap);
  }
  return 1;
}

/* ---- CSV ------------------------------------------------------------------
 */

/* A cell's text without the apostrophe the writer puts before = + - @ TAB
 * CR (output/csvcell.h, step 3). */
static const char *cell(const struct mp_diffrow *r, long i, size_t *len)
{
  const char *s = i < 0 ? NULL : mp_csvrow_cell(&r->csv, (size_t)i, len);

  if (s && *len >= 2 && s[0] == '\'' && strchr("=+-@\t\r", s[1])) {
    s++;
    (*len)--;
  }
  return s;
}

/* Mixed formats: a member of an item read back from CSV text. */
struct member {
  const char *name, *v; /* v NULL: null */
  size_t len;
};

/* The next piece of s[*at..n) up to sep (or the end); *at moves past it. */
static size_t piece(const char *s, size_t n, size_t *at, char sep,
                    const char **p)
{
  const char *e = memchr(s + *at, sep, n - *at);
  size_t len = e ? (size_t)(e - (s + *at)) : n - *at;

  *p = s + *at;
  *at += len + (e != NULL);
  return len;
}

/* The compared members of an item of a CSV list of objects, from the
 * writer's item text (output/parts/dkim.c key_item, mx.c host_item, the
 * URI of dmarc.c uri_item); 0 for an item of another list. */
static size_t csv_members(const struct mp_part *sub, const char *s, size_t n,
                          struct member *m)
{
  size_t at = 0, len;
  const char *p;
  bool revoked = false;

  if (strcmp(sub->name, "report_dest") == 0) {
    m[0] = (struct member){"uri", s, n};
    return 1;
  }
  if (strcmp(sub->name, "mx_host") == 0) { /* "10 host ..." */
    len = piece(s, n, &at, ' ', &p);
    m[0] = (struct member){"preference", p, len};
    len = piece(s, n, &at, ' ', &p);
    m[1] = (struct member){"host", p, len};
    return 2;
  }
  if (strcmp(sub->name, "dkim_key") != 0) {
    return 0;
  }
  /* "selector:type:bits" then ":revoked", ":testing", ":error=CODE" */
  len = piece(s, n, &at, ':', &p);
  m[0] = (struct member){"selector", p, len};
  len = piece(s, n, &at, ':', &p);
  m[1] = (struct member){"key_type", len ? p : NULL, len};
  len = piece(s, n, &at, ':', &p);
  m[2] =
      (struct member){"bits", len && !(len == 1 && *p == '0') ? p : NULL, len};
  while (at < n) {
    len = piece(s, n, &at, ':', &p);
    revoked |= len == 7 && memcmp(p, "revoked", 7) == 0;
  }
  m[3] =
      (struct member){"revoked", revoked ? "true" : "false", revoked ? 4u : 5u};
  return 4;
}

/* Mixed formats: an item (unescaped) of a CSV list of objects as
 * object_item() writes an NDJSON one. */
static void csv_object_item(struct mp_diffrow *r, const struct mp_part *sub,
                            const char *s, size_t n)
{
  struct member m[4];
  size_t nm = csv_members(sub, s, n, m);
  bool first = true;

  if (!nm) {
    vput_item(r, s, n); /* not one of the lists diff compares */
    return;
  }
  for (size_t k = 0; k < sub->n; k++) {
    const struct mp_field *f = &sub->fields[k];
    const struct member *v = NULL;

    for (size_t j = 0; f->diff && j < nm; j++) {
      v = strcmp(m[j].name, f->name) == 0 ? &m[j] : v;
    }
    if (!f->diff) {
      continue;
    }
    vput(r, ",", !first);
    vput_item(r, f->name, strlen(f->name));
    vput(r, "=", 1);
    if (v && v->v) {
      vput_item(r, v->v, v->len);
    } else {
      vput(r, "null", 4);
    }
    first = false;
  }
}

/* Mixed formats: a CSV list cell of objects (items joined with '|', '\'
 * and '|' escaped) as json_list() gives an NDJSON list. */
static void csv_objects(struct mp_diffrow *r, const struct mp_part *sub,
                        const char *s, size_t n)
{
  char *item = mp_malloc(n + 1);
  size_t m = 0;

  for (size_t i = 0; n && i <= n; i++) {
    if (i == n || s[i] == '|') {
      csv_object_item(r, sub, item, m);
      vput(r, "|", i < n);
      m = 0;
      continue;
    }
    i += s[i] == '\\' && i + 1 < n;
    item[m++] = s[i];
  }
  mp_free(item);
}

static int csv_header(struct mp_diffrow *r)
{
  size_t n, len;
  const struct mp_csv_column *const *fields = mp_diff_fields(&n);

  r->keycol = r->inputcol = -1;
  for (size_t i = 0; i < n; i++) {
    r->col[i] = -1;
  }
  for (size_t c = 0; c < r->csv.n; c++) {
    const char *s = mp_csvrow_cell(&r->csv, c, &len);

    for (size_t i = 0; i < n; i++) {
      if (strcmp(s, fields[i]->name) == 0) {
        r->col[i] = (long)c;
      }
    }
    if (strcmp(s, "domain") == 0) {
      r->keycol = (long)c;
    } else if (strcmp(s, "input") == 0) {
      r->inputcol = (long)c;
    }
  }
  return r->keycol < 0 || r->inputcol < 0 ? -EILSEQ : 0;
}

static int csv_row(struct mp_diffrow *r)
{
  size_t n, len;
  const struct mp_csv_column *const *fields = mp_diff_fields(&n);
  const char *s;

  for (size_t i = 0; i < n; i++) {
    const struct mp_field *f = mp_diff_field(fields[i]);
    bool list = f->kind == MP_K_LIST;

    r->voff[i] = r->vlen;
    s = cell(r, r->col[i], &len);
    r->val[i].null = !list && (!s || len == 0);
    if (s && list && r->mixed && !mp_field_scalar_list(f)) {
      csv_objects(r, f->sub, s, len);
    } else if (s) {
      vput(r, s, len);
    }
    if (list) {
      sort_list(r, r->voff[i]);
    }
    r->val[i].len = r->vlen - r->voff[i];
  }
  s = cell(r, r->keycol, &len);
  if (!s || len == 0) {
    s = cell(r, r->inputcol, &len);
  }
  if (!s) {
    return -EILSEQ;
  }
  r->key = (struct mp_dval){false, s, len};
  return 1;
}

/* ---- the reader -----------------------------------------------------------
 */

int mp_diffrow_open(struct mp_diffrow *r, const char *path, char *err,
                    size_t errlen)
{
  int c;

  memset(r, 0, sizeof(*r));
  mp_jrow_init(&r->json);
  mp_csvrow_init(&r->csv);
  mp_diff_fields(&r->nfields);
  r->val = mp_calloc(r->nfields + 1, sizeof(*r->val));
  r->voff = mp_calloc(r->nfields + 1, sizeof(*r->voff));
  r->col = mp_calloc(r->nfields + 1, sizeof(*r->col));
  r->vcap = 4096;
  r->vbuf = mp_malloc(r->vcap);
  if ((c = mp_rowfile_open(path, true, &r->f, NULL, err, errlen)) < 0) {
    return c;
  }
  c = getc(r->f);
  r->fmt = c == '{' || c == EOF ? MP_ROWFMT_NDJSON : MP_ROWFMT_CSV;
  if (c != EOF) {
    ungetc(c, r->f);
  }
  if (r->fmt == MP_ROWFMT_CSV) {
    r->lineno = 1;
    if (mp_csvrow_read(&r->csv, r->f) != 1 || csv_header(r) < 0) {
      snprintf(err, errlen, "%s: neither NDJSON rows nor a CSV header", path);
      return -EILSEQ;
    }
  }
  r->start = (uint64_t)ftello(r->f);
  return 0;
}

void mp_diffrow_close(struct mp_diffrow *r)
{
  if (r->f) {
    fclose(r->f);
  }
  mp_jrow_close(&r->json);
  mp_csvrow_close(&r->csv);
  mp_free(r->line);
  mp_free(r->val);
  mp_free(r->voff);
  mp_free(r->col);
  mp_free(r->vbuf);
  mp_free(r->tmp);
  mp_free(r->san);
  mp_free(r->keybuf);
  memset(r, 0, sizeof(*r));
}

void mp_diffrow_mixed(struct mp_diffrow *r)
{
  r->mixed = true;
}

int mp_diffrow_next(struct mp_diffrow *r)
{
  off_t at = ftello(r->f);
  ssize_t n;
  int rc;

  if (at < 0) {
    return -EIO;
  }
  r->off = (uint64_t)at;
  r->vlen = 0;
  r->lineno++;
  if (r->fmt == MP_ROWFMT_CSV) {
    rc = mp_csvrow_read(&r->csv, r->f);
    rc = rc == 1 ? csv_row(r) : rc;
  } else {
    n = getline(&r->line, &r->linecap, r->f);
    if (n < 0) {
      return ferror(r->f) ? -EIO : 0;
    }
    if (n > 0 && r->line[n - 1] == '\n') {
      n--;
    }
    rc = json_row(r, (size_t)n);
  }
  for (size_t i = 0; rc == 1 && i < r->nfields; i++) {
    r->val[i].s = r->vbuf + r->voff[i];
  }
  return rc;
}

int mp_diffrow_read_at(struct mp_diffrow *r, uint64_t off)
{
  if (fseeko(r->f, (off_t)off, SEEK_SET) != 0) {
    return -EIO;
  }
  return mp_diffrow_next(r);
}

uint64_t mp_diffrow_digest(const struct mp_diffrow *r)
{
  uint64_t d = 0;

  for (size_t i = 0; i < r->nfields; i++) {
    uint64_t h = r->val[i].null ? 0x9e3779b97f4a7c15u
                                : mp_hash(r->val[i].s, r->val[i].len);

    d = (d ^ h) * 0x100000001b3u + i;
  }
  return d;
}
