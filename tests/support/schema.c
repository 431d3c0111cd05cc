/* Reading docs/schema.md's tables and checking rows against them; see
 * schema.h. */
#include "tests/support/schema.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/base/alloc.h"
#include "tests/support/proc.h"

/* ---- docs/schema.md ---------------------------------------------------- */

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
static void enum_values(struct mp_schema_field *f, const char *meaning)
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
    cr_assert_lt(f->nvalues, MP_SCHEMA_VALUES);
    cr_assert_lt((size_t)(end - p - 1), sizeof(f->values[0]));
    memcpy(f->values[f->nvalues], p + 1, (size_t)(end - p - 1));
    f->values[f->nvalues][end - p - 1] = '\0';
    f->nvalues++;
    p = end + 1;
  }
  cr_assert_gt(f->nvalues, 0, "%s: enum without values", f->name);
}

static void parse_type(struct mp_schema_field *f, const char *type,
                       const char *null_word)
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
void mp_schema_load(struct mp_schema_table *t, const char *title,
                    const char *col, const char *null_word)
{
  size_t len;
  char *doc = mp_proc_slurp(MP_SOURCE_DIR "/docs/schema.md", &len);
  char heading[64], cells[4][512];
  const char *p;

  cr_assert_not_null(doc, "cannot read docs/schema.md");
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
    struct mp_schema_field *f = &t->f[t->n];

    cr_assert_lt(t->n, MP_SCHEMA_FIELDS);
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

const struct mp_schema_field *mp_schema_find(const struct mp_schema_table *t,
                                             const char *name, size_t *index)
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

bool mp_schema_allowed(const struct mp_schema_field *f, const char *s,
                       size_t len)
{
  for (size_t i = 0; i < f->nvalues; i++) {
    if (strlen(f->values[i]) == len && memcmp(f->values[i], s, len) == 0) {
      return true;
    }
  }
  return false;
}

/* ---- NDJSON rows ------------------------------------------------------ */

static void check_json_type(const struct mp_schema_field *f,
                            const struct mp_json *v, size_t line)
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
    ok = v->type == MP_JSON_STRING && mp_schema_allowed(f, v->str, v->len);
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

void mp_schema_check_row(const struct mp_schema_table *t,
                         const struct mp_json *v, const char *path, size_t line)
{
  char sub[128];

  if (*path) {
    const struct mp_schema_field *f = mp_schema_find(t, path, NULL);

    cr_expect_not_null(f, "line %zu: %s is not documented", line, path);
    if (!f) {
      return;
    }
    check_json_type(f, v, line);
  }
  if (v->type == MP_JSON_ARRAY) {
    snprintf(sub, sizeof(sub), "%s[]", path);
    for (size_t i = 0; i < v->count; i++) {
      mp_schema_check_row(t, v->items[i], sub, line);
    }
  }
  if (v->type != MP_JSON_OBJECT) {
    return;
  }
  for (size_t i = 0, last = 0; i < v->count; i++) {
    size_t at = 0;

    snprintf(sub, sizeof(sub), "%s%s%s", path, *path ? "." : "",
             v->keys[i]->str);
    if (mp_schema_find(t, sub, &at)) {
      cr_expect(i == 0 || at > last, "line %zu: %s out of documented order",
                line, sub);
      last = at;
    }
    mp_schema_check_row(t, v->items[i], sub, line);
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
