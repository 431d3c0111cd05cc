/* The rows the writers produce against docs/schema.md: the two tables
 * there ("NDJSON fields", "CSV columns") are parsed and every row of a
 * varied set is checked against them, so the docs cannot drift. */
#include <criterion/criterion.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output/writer.h"
#include "scanner/alloc.h"
#include "tests/output/rows.h"
#include "tests/support/json.h"

#define MAX_FIELDS 128
#define MAX_VALUES 16

struct field {
  char name[96];
  char base[16]; /* int number string bool enum object array list */
  bool nullable; /* "or null" / "or empty" */
  size_t nvalues;
  char values[MAX_VALUES][24]; /* enum: the allowed values */
};

struct table {
  size_t n;
  struct field f[MAX_FIELDS];
};

/* ---- docs/schema.md ---------------------------------------------------- */

static char *read_file(const char *path, size_t *len)
{
  FILE *f = fopen(path, "rb");
  char *buf = NULL;
  size_t n = 0;
  char chunk[4096];
  size_t k;

  cr_assert_not_null(f, "cannot open %s", path);
  while ((k = fread(chunk, 1, sizeof(chunk), f)) > 0) {
    buf = mp_realloc(buf, n + k + 1);
    memcpy(buf + n, chunk, k);
    n += k;
  }
  fclose(f);
  buf = mp_realloc(buf, n + 1);
  buf[n] = '\0';
  *len = n;
  return buf;
}

/* Splits a table line "| a | b | c |" at pipes not escaped as "\|"; cells
 * are trimmed, "\|" becomes "|". Returns the number of cells. */
static size_t split_row(const char *line, char cells[][512], size_t max)
{
  size_t n = 0, k = 0;
  const char *p = line;

  cr_assert_eq(*p, '|');
  for (p++; *p && *p != '\n'; p++) {
    if (*p == '\\' && p[1] == '|') {
      cells[n][k++] = '|';
      p++;
    } else if (*p == '|') {
      cells[n][k] = '\0';
      if (++n == max) {
        return n;
      }
      k = 0;
    } else if (k + 1 < 512) {
      cells[n][k++] = *p;
    }
  }
  for (size_t i = 0; i < n; i++) { /* trim */
    char *s = cells[i], *e;

    while (*s == ' ') {
      s++;
    }
    e = s + strlen(s);
    while (e > s && e[-1] == ' ') {
      e--;
    }
    *e = '\0';
    memmove(cells[i], s, (size_t)(e - s) + 1);
  }
  return n;
}

static void unquote(char *s)
{
  size_t n = strlen(s);

  if (n >= 2 && s[0] == '`' && s[n - 1] == '`') {
    memmove(s, s + 1, n - 2);
    s[n - 2] = '\0';
  }
}

/* "one of `a`, `b` or `c`" -> a b c */
static void enum_values(struct field *f, const char *meaning)
{
  const char *p = strstr(meaning, "one of");

  cr_assert_not_null(p, "%s: enum without \"one of\"", f->name);
  p += 6;
  for (;;) {
    const char *end;

    while (*p == ' ' || *p == ',') {
      p++;
    }
    if (strncmp(p, "or ", 3) == 0) {
      p += 3;
      continue;
    }
    if (*p != '`' || !(end = strchr(p + 1, '`'))) {
      break;
    }
    cr_assert_lt(f->nvalues, MAX_VALUES);
    cr_assert_lt((size_t)(end - p - 1), sizeof(f->values[0]));
    memcpy(f->values[f->nvalues], p + 1, (size_t)(end - p - 1));
    f->values[f->nvalues][end - p - 1] = '\0';
    f->nvalues++;
    p = end + 1;
  }
  cr_assert_gt(f->nvalues, 0, "%s: enum without values", f->name);
}

static void parse_type(struct field *f, const char *type, const char *null_word)
{
  static const char *const bases[] = {"int",  "number", "string", "bool",
                                      "enum", "object", "array",  "list"};
  char suffix[32];
  bool known = false;
  size_t n = strcspn(type, " ");

  snprintf(suffix, sizeof(suffix), " or %s", null_word);
  cr_assert_lt(n, sizeof(f->base), "%s: type %s", f->name, type);
  memcpy(f->base, type, n);
  f->base[n] = '\0';
  f->nullable = strcmp(type + n, suffix) == 0;
  cr_assert(type[n] == '\0' || f->nullable, "%s: type \"%s\"", f->name, type);
  for (size_t i = 0; i < sizeof(bases) / sizeof(bases[0]); i++) {
    known = known || strcmp(f->base, bases[i]) == 0;
  }
  cr_assert(known, "%s: unknown type \"%s\"", f->name, f->base);
}

/* The table under the "## <title>" heading, with the given first column. */
static void load_table(struct table *t, const char *title, const char *col,
                       const char *null_word)
{
  size_t len;
  char *doc = read_file(MP_SOURCE_DIR "/docs/schema.md", &len);
  char heading[64], cells[4][512];
  const char *p;

  snprintf(heading, sizeof(heading), "\n## %s\n", title);
  p = strstr(doc, heading);
  cr_assert_not_null(p, "docs/schema.md has no section \"%s\"", title);
  p = strstr(p + 1, "\n|");
  cr_assert_not_null(p);
  p++;
  cr_assert_eq(split_row(p, cells, 4), 3, "%s: not 3 columns", title);
  cr_assert_str_eq(cells[0], col);
  cr_assert_str_eq(cells[1], "type");
  cr_assert_str_eq(cells[2], "meaning");
  p = strchr(p, '\n') + 1; /* the | --- | line */
  cr_assert_eq(strncmp(p, "| ---", 5), 0);
  t->n = 0;
  for (p = strchr(p, '\n') + 1; *p == '|'; p = strchr(p, '\n') + 1) {
    struct field *f = &t->f[t->n];

    cr_assert_lt(t->n, MAX_FIELDS);
    memset(f, 0, sizeof(*f));
    cr_assert_eq(split_row(p, cells, 4), 3, "%s: row %zu", title, t->n);
    unquote(cells[0]);
    unquote(cells[1]);
    cr_assert_lt(strlen(cells[0]), sizeof(f->name));
    snprintf(f->name, sizeof(f->name), "%s", cells[0]);
    parse_type(f, cells[1], null_word);
    if (strcmp(f->base, "enum") == 0) {
      enum_values(f, cells[2]);
    }
    for (size_t i = 0; i < t->n; i++) {
      cr_assert_str_neq(t->f[i].name, f->name, "documented twice");
    }
    t->n++;
  }
  cr_assert_gt(t->n, 0);
  mp_free(doc);
}

static const struct field *find(const struct table *t, const char *name,
                                size_t *index)
{
  for (size_t i = 0; i < t->n; i++) {
    if (strcmp(t->f[i].name, name) == 0) {
      if (index) {
        *index = i;
      }
      return &t->f[i];
    }
  }
  return NULL;
}

static bool allowed(const struct field *f, const char *s, size_t len)
{
  for (size_t i = 0; i < f->nvalues; i++) {
    if (strlen(f->values[i]) == len && memcmp(f->values[i], s, len) == 0) {
      return true;
    }
  }
  return false;
}

/* ---- the rows ---------------------------------------------------------- */

#define NROWS 40

static size_t make_rows(struct mp_result *rows)
{
  size_t n = 0;

  rows_ok(&rows[n++]);
  rows_invalid(&rows[n++]);
  rows_timeout(&rows[n++]);
  rows_hostile(&rows[n++]);
  for (int o = 0; o < MP_OUTCOME_COUNT; o++) { /* every outcome, each lookup */
    rows_timeout(&rows[n]);
    rows[n].txt.outcome = (enum mp_outcome)o;
    rows[n].dmarc_txt.outcome = (enum mp_outcome)((o + 1) % MP_OUTCOME_COUNT);
    rows[n].mx.outcome = (enum mp_outcome)((o + 2) % MP_OUTCOME_COUNT);
    rows[n].txt.rcode = o == 0 ? 0 : -1;
    rows[n].line = 100 + (uint64_t)o;
    n++;
  }
  for (int s = 0; s < MP_STATUS_COUNT; s++) { /* every status */
    rows_ok(&rows[n]);
    rows[n].status = (enum mp_status)s;
    rows[n].line = 200 + (uint64_t)s;
    n++;
  }
  rows_ok(&rows[n]); /* only the TXT lookup was made */
  rows[n].status = MP_STATUS_NXDOMAIN;
  rows[n].txt.outcome = MP_OUTCOME_NXDOMAIN;
  rows[n].txt.rcode = 3;
  rows[n].txt.count = 0;
  rows[n].dmarc_txt.queried = false;
  rows[n].mx.queried = false;
  rows[n].spf.count = 0;
  rows[n].dmarc.count = 0;
  rows[n].rank = INT64_MAX;
  rows[n].line = UINT64_MAX;
  n++;
  rows_hostile(&rows[n]); /* extremes of the numbers */
  rows[n].elapsed_ms = 0.0;
  rows[n].txt.rtt_ms = 1e9;
  rows[n].txt.attempts = 0;
  rows[n].started_us = 0;
  rows[n].dmarc.count = 3;
  rows[n].dmarc.rr[0] = &rows_hostile_txt[1];
  rows[n].dmarc.rr[1] = &rows_hostile_txt[3];
  rows[n].dmarc.rr[2] = &rows_hostile_txt[0];
  n++;
  cr_assert_leq(n, NROWS);
  return n;
}

static char *write_all(const char *format, const struct mp_result *rows,
                       size_t n, size_t *len)
{
  char *buf = NULL;
  FILE *f = open_memstream(&buf, len);
  struct mp_writer w;

  cr_assert_not_null(f);
  cr_assert_eq(mp_writer_init(&w, mp_writer_find(format), f), 0);
  for (size_t i = 0; i < n; i++) {
    cr_assert_eq(mp_writer_write(&w, &rows[i]), 0);
  }
  cr_assert_eq(mp_writer_close(&w), 0);
  cr_assert_eq(fclose(f), 0);
  return buf;
}

/* ---- NDJSON ------------------------------------------------------------ */

static void check_json_type(const struct field *f, const struct mp_json *v,
                            size_t line)
{
  const char *b = f->base;
  bool ok;

  if (v->type == MP_JSON_NULL) {
    cr_expect(f->nullable, "line %zu: %s is null", line, f->name);
    return;
  }
  if (strcmp(b, "int") == 0) {
    ok = v->type == MP_JSON_NUMBER && v->integral;
  } else if (strcmp(b, "number") == 0) { /* always with 3 decimals */
    ok = v->type == MP_JSON_NUMBER && !v->integral;
  } else if (strcmp(b, "string") == 0) {
    ok = v->type == MP_JSON_STRING;
  } else if (strcmp(b, "enum") == 0) {
    ok = v->type == MP_JSON_STRING && allowed(f, v->str, v->len);
  } else if (strcmp(b, "bool") == 0) {
    ok = v->type == MP_JSON_BOOL;
  } else if (strcmp(b, "object") == 0) {
    ok = v->type == MP_JSON_OBJECT;
  } else if (strcmp(b, "array") == 0) {
    ok = v->type == MP_JSON_ARRAY;
  } else {
    ok = false; /* "list" is a CSV type */
  }
  cr_expect(ok, "line %zu: %s is a %s (%s), documented %s", line, f->name,
            mp_json_type_name(v->type), v->str ? v->str : "", f->base);
}

static bool is_child(const char *field, const char *parent)
{
  size_t n = strlen(parent);
  const char *rest = field + (n ? n + 1 : 0);

  if (n && (strncmp(field, parent, n) != 0 || field[n] != '.')) {
    return false;
  }
  return *rest && !strchr(rest, '.') && !strchr(rest, '[');
}

static void walk(const struct table *t, const struct mp_json *v,
                 const char *path, size_t line)
{
  char sub[128];

  if (*path) {
    const struct field *f = find(t, path, NULL);

    cr_expect_not_null(f, "line %zu: %s is not documented", line, path);
    if (!f) {
      return;
    }
    check_json_type(f, v, line);
  }
  if (v->type == MP_JSON_ARRAY) {
    snprintf(sub, sizeof(sub), "%s[]", path);
    for (size_t i = 0; i < v->count; i++) {
      walk(t, v->items[i], sub, line);
    }
  }
  if (v->type != MP_JSON_OBJECT) {
    return;
  }
  for (size_t i = 0, last = 0; i < v->count; i++) {
    size_t at = 0;

    snprintf(sub, sizeof(sub), "%s%s%s", path, *path ? "." : "",
             v->keys[i]->str);
    if (find(t, sub, &at)) {
      cr_expect(i == 0 || at > last, "line %zu: %s out of documented order",
                line, sub);
      last = at;
    }
    walk(t, v->items[i], sub, line);
  }
  for (size_t i = 0; i < t->n; i++) { /* every documented member present */
    const char *name = t->f[i].name;

    if (is_child(name, path)) {
      cr_expect_not_null(
          mp_json_get(v, strrchr(name, '.') ? strrchr(name, '.') + 1 : name),
          "line %zu: %s missing", line, name);
    }
  }
}

static bool is_rfc3339_ms(const char *s)
{
  static const char shape[] = "dddd-dd-ddTdd:dd:dd.dddZ";

  if (strlen(s) != sizeof(shape) - 1) {
    return false;
  }
  for (size_t i = 0; shape[i]; i++) {
    if (shape[i] == 'd' ? s[i] < '0' || s[i] > '9' : s[i] != shape[i]) {
      return false;
    }
  }
  return true;
}

Test(schema, ndjson_rows_match_the_documented_fields)
{
  static struct table t;
  struct mp_result rows[NROWS];
  size_t n = make_rows(rows), len;
  char err[160] = "";
  char *text;
  struct mp_json *all;

  load_table(&t, "NDJSON fields", "field", "null");
  text = write_all("ndjson", rows, n, &len);
  all = mp_json_parse_ndjson(text, len, err, sizeof(err));
  cr_assert_not_null(all, "%s", err);
  cr_assert_eq(all->count, n);
  for (size_t i = 0; i < n; i++) {
    const struct mp_json *row = all->items[i];

    cr_assert_eq(row->type, MP_JSON_OBJECT);
    walk(&t, row, "", i + 1);
    cr_expect(is_rfc3339_ms(mp_json_str(mp_json_get(row, "started"))),
              "line %zu: started", i + 1);
  }
  mp_json_free(all);
  mp_free(text);
}

/* The enum values documented are exactly the names the code writes. */
static void expect_same_set(const struct field *f, const char *(*name)(int),
                            int count)
{
  cr_assert_eq(f->nvalues, (size_t)count, "%s: %zu values, code has %d",
               f->name, f->nvalues, count);
  for (int i = 0; i < count; i++) {
    cr_expect(allowed(f, name(i), strlen(name(i))), "%s lacks %s", f->name,
              name(i));
  }
}

static const char *outcome(int i)
{
  return mp_outcome_name((enum mp_outcome)i);
}

static const char *status(int i)
{
  return mp_status_name((enum mp_status)i);
}

Test(schema, documented_enums_match_the_code)
{
  static struct table j, c;
  static const char *const outcomes[] = {
      "txt.outcome", "dmarc_txt.outcome", "mx.outcome",
      "txt_outcome", "dmarc_txt_outcome", "mx_outcome"};

  load_table(&j, "NDJSON fields", "field", "null");
  load_table(&c, "CSV columns", "column", "empty");
  expect_same_set(find(&j, "status", NULL), status, MP_STATUS_COUNT);
  expect_same_set(find(&c, "status", NULL), status, MP_STATUS_COUNT);
  for (size_t i = 0; i < 6; i++) {
    const struct field *f = find(i < 3 ? &j : &c, outcomes[i], NULL);

    cr_assert_not_null(f, "%s not documented", outcomes[i]);
    expect_same_set(f, outcome, MP_OUTCOME_COUNT);
  }
}

/* ---- CSV --------------------------------------------------------------- */

struct record {
  size_t n;
  char *cells[MAX_FIELDS];
};

static void record_free(struct record *r)
{
  for (size_t i = 0; i < r->n; i++) {
    mp_free(r->cells[i]);
  }
  r->n = 0;
}

/* A strict RFC 4180 reader: one record from s[*pos..len). Returns 1, 0 at
 * the end of the input, -1 on a syntax error (bare LF or CR, a quote in an
 * unquoted field, text after a closing quote, no CRLF at the end). */
static int read_record(const char *s, size_t len, size_t *pos, struct record *r)
{
  size_t p = *pos;

  r->n = 0;
  if (p == len) {
    return 0;
  }
  for (;;) {
    char *cell = mp_malloc(len - p + 1);
    size_t k = 0;

    if (p < len && s[p] == '"') {
      for (p++;; p++) {
        if (p >= len) {
          mp_free(cell);
          return -1;
        }
        if (s[p] == '"') {
          if (p + 1 < len && s[p + 1] == '"') {
            cell[k++] = s[p++];
            continue;
          }
          p++;
          break;
        }
        cell[k++] = s[p];
      }
    } else {
      for (; p < len && s[p] != ',' && s[p] != '\r' && s[p] != '\n'; p++) {
        if (s[p] == '"') {
          mp_free(cell);
          return -1;
        }
        cell[k++] = s[p];
      }
    }
    cell[k] = '\0';
    if (r->n == MAX_FIELDS) {
      mp_free(cell);
      return -1;
    }
    r->cells[r->n++] = cell;
    if (p < len && s[p] == ',') {
      p++;
      continue;
    }
    if (p + 1 < len && s[p] == '\r' && s[p + 1] == '\n') {
      *pos = p + 2;
      return 1;
    }
    return -1;
  }
}

static bool is_int(const char *s)
{
  s += *s == '-';
  if (!*s) {
    return false;
  }
  for (; *s; s++) {
    if (*s < '0' || *s > '9') {
      return false;
    }
  }
  return true;
}

static bool is_number(const char *s)
{
  const char *dot = strchr(s, '.');
  char ip[64];

  if (!dot || (size_t)(dot - s) >= sizeof(ip) || strlen(dot + 1) != 3) {
    return false;
  }
  memcpy(ip, s, (size_t)(dot - s));
  ip[dot - s] = '\0';
  return is_int(ip) && is_int(dot + 1) && dot[1] != '-';
}

static void check_cell(const struct field *f, const char *v, size_t line)
{
  const char *b = f->base;
  bool ok = true;

  if (!*v) {
    if (strcmp(b, "string") != 0 && strcmp(b, "list") != 0) {
      cr_expect(f->nullable, "record %zu: %s is empty", line, f->name);
    }
    return;
  }
  if (strcmp(b, "int") == 0) {
    ok = is_int(v);
  } else if (strcmp(b, "number") == 0) {
    ok = is_number(v);
  } else if (strcmp(b, "bool") == 0) {
    ok = strcmp(v, "true") == 0 || strcmp(v, "false") == 0;
  } else if (strcmp(b, "enum") == 0) {
    ok = allowed(f, v, strlen(v));
  } else if (strcmp(b, "object") == 0 || strcmp(b, "array") == 0) {
    ok = false; /* NDJSON types */
  }
  cr_expect(ok, "record %zu: %s = \"%s\" is not a %s", line, f->name, v, b);
}

Test(schema, csv_rows_match_the_documented_columns)
{
  static struct table t;
  struct mp_result rows[NROWS];
  size_t n = make_rows(rows), len, pos = 0, count = 0;
  char *text;
  struct record r;
  int rc;

  load_table(&t, "CSV columns", "column", "empty");
  text = write_all("csv", rows, n, &len);
  cr_assert_eq(read_record(text, len, &pos, &r), 1);
  cr_assert_eq(r.n, t.n, "header has %zu columns, docs %zu", r.n, t.n);
  for (size_t i = 0; i < t.n; i++) {
    cr_expect_str_eq(r.cells[i], t.f[i].name, "column %zu", i + 1);
  }
  record_free(&r);
  while ((rc = read_record(text, len, &pos, &r)) == 1) {
    count++;
    cr_expect_eq(r.n, t.n, "record %zu has %zu cells", count, r.n);
    for (size_t i = 0; i < r.n && i < t.n; i++) {
      check_cell(&t.f[i], r.cells[i], count);
    }
    cr_expect(is_rfc3339_ms(r.cells[7]), "record %zu: started", count);
    record_free(&r);
  }
  cr_assert_eq(rc, 0, "not RFC 4180 at byte %zu", pos);
  cr_assert_eq(count, n);
  mp_free(text);
}

/* Splits a list cell as docs/schema.md tells users to. */
static size_t split_list(const char *cell, char items[][128], size_t max)
{
  size_t n = 0, k = 0;

  if (cell[0] == '\'' && cell[1] && strchr("=+-@\t\r", cell[1])) {
    cell++;
  }
  for (const char *p = cell; *p; p++) {
    if (*p == '\\' && p[1]) {
      items[n][k++] = *++p;
    } else if (*p == '|') {
      items[n][k] = '\0';
      cr_assert_lt(++n, max);
      k = 0;
    } else {
      items[n][k++] = *p;
    }
    cr_assert_lt(k, 128);
  }
  items[n][k] = '\0';
  return n + 1;
}

static const char *column(const struct record *r, const struct table *t,
                          const char *name)
{
  size_t i = 0;

  cr_assert_not_null(find(t, name, &i), "no column %s", name);
  return r->cells[i];
}

Test(schema, csv_list_cells_split_back_into_items)
{
  static struct table t;
  struct mp_result row;
  size_t len, pos = 0;
  char *text, items[MP_PICK_MAX + 1][128];
  struct record r;

  load_table(&t, "CSV columns", "column", "empty");
  rows_hostile(&row);
  text = write_all("csv", &row, 1, &len);
  cr_assert_eq(read_record(text, len, &pos, &r), 1);
  record_free(&r);
  cr_assert_eq(read_record(text, len, &pos, &r), 1);
  cr_assert_str_eq(column(&r, &t, "txt_count"), "4");
  cr_assert_eq(
      split_list(column(&r, &t, "txt_records"), items, MP_PICK_MAX + 1), 4);
  cr_expect_str_eq(items[0], "=cmd|' /C calc'!A0");
  cr_expect_str_eq(items[1], "a\r\nb \"q\"\xef\xbf\xbd\\z\xef\xbf\xbd"
                             "\xef\xbf\xbd");
  cr_expect_str_eq(items[2], "v=spf1 ip4:192.0.2.0/24 -all");
  cr_assert_eq(split_list(column(&r, &t, "mx_records"), items, MP_PICK_MAX + 1),
               2);
  cr_expect_str_eq(items[0], "0 ");
  cr_expect_str_eq(items[1], "65535 -mx.example|x");
  cr_assert_eq(
      split_list(column(&r, &t, "spf_records"), items, MP_PICK_MAX + 1),
      MP_PICK_MAX);
  record_free(&r);
  mp_free(text);
}
