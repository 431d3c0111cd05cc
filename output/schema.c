/* Typed schemas for DuckDB and pandas, from the part tables. */
#include "output/schema.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "output/json.h"
#include "output/part.h"

#define NAME_MAX_ 128 /* a flattened NDJSON name: a.b.c */

static int done(FILE *f)
{
  return ferror(f) ? -EIO : 0;
}

/* ---- DuckDB ------------------------------------------------------------ */

static const char *duck_scalar(enum mp_kind k)
{
  switch (k) {
  case MP_K_INT:
    return "BIGINT";
  case MP_K_UINT:
    return "UBIGINT"; /* spf.ip6_prefixes reaches 2^64 - 1 */
  case MP_K_NUMBER:
    return "DOUBLE";
  case MP_K_TIME:
    return "TIMESTAMP"; /* the rows' times are UTC ("...Z") */
  case MP_K_BOOL:
    return "BOOLEAN";
  default: /* STRING, ENUM; a list packed into a CSV cell */
    return "VARCHAR";
  }
}

/* The number of values an enum lists (values[0] may be NULL: an absent
 * value, written as null). */
static size_t enum_values(const struct mp_field *fd)
{
  size_t n = 0;

  for (size_t i = 0; fd->kind == MP_K_ENUM && i < fd->nvalues; i++) {
    n += fd->values[i] != NULL;
  }
  return n;
}

/* ENUM('a', 'b', ...) inside the string literal of a columns={...} spec,
 * so each quote is doubled once more: ENUM(''a'', ''b''). */
static void duck_enum(FILE *f, const struct mp_field *fd)
{
  bool first = true;

  fputs("ENUM(", f);
  for (size_t i = 0; i < fd->nvalues; i++) {
    if (!fd->values[i]) {
      continue;
    }
    fputs(first ? "''" : ", ''", f);
    for (const char *c = fd->values[i]; *c; c++) {
      if (*c == '\'') {
        fputs("'''", f); /* with the one below: '' in the type's literal */
      }
      putc(*c, f);
    }
    fputs("''", f);
    first = false;
  }
  putc(')', f);
}

/* A value's scalar type; with enums, an enum that lists its values is an
 * ENUM of them. */
static void duck_leaf(FILE *f, const struct mp_field *fd, bool enums)
{
  if (enums && enum_values(fd) > 0) {
    duck_enum(f, fd);
  } else {
    fputs(duck_scalar(fd->kind), f);
  }
}

static void duck_struct(FILE *f, const struct mp_part *p, bool enums);

/* The type of an NDJSON value: nested objects are STRUCTs, lists LISTs. */
static void duck_type(FILE *f, const struct mp_field *fd, bool enums)
{
  if (fd->kind == MP_K_OBJECT) {
    duck_struct(f, fd->sub, enums);
  } else if (fd->kind == MP_K_LIST) {
    if (mp_field_scalar_list(fd)) {
      duck_type(f, &fd->sub->fields[0], enums);
    } else {
      duck_struct(f, fd->sub, enums);
    }
    fputs("[]", f);
  } else {
    duck_leaf(f, fd, enums);
  }
}

/* STRUCT("a" T, ...): member names quoted, so a keyword (all) is a name. */
static void duck_struct(FILE *f, const struct mp_part *p, bool enums)
{
  bool first = true;

  fputs("STRUCT(", f);
  for (size_t i = 0; i < p->n; i++) {
    const struct mp_field *fd = &p->fields[i];

    if (fd->flags & MP_F_CSV_ONLY) {
      continue;
    }
    fprintf(f, "%s\"%s\" ", first ? "" : ", ", fd->name);
    duck_type(f, fd, enums);
    first = false;
  }
  putc(')', f);
}

static void duck_columns(FILE *f, bool csv, bool enums)
{
  bool first = true;

  fputs("columns={", f);
  if (csv) {
    size_t n;
    const struct mp_csv_column *c = mp_csv_columns(&n);

    for (size_t i = 0; i < n; i++) {
      const struct mp_field *fd = c[i].path[c[i].depth - 1];

      fprintf(f, "%s'%s': '", i ? ", " : "", c[i].name);
      duck_leaf(f, fd, enums);
      putc('\'', f);
    }
  } else {
    for (size_t i = 0; i < mp_part_row.n; i++) {
      const struct mp_field *fd = &mp_part_row.fields[i];

      if (fd->flags & MP_F_CSV_ONLY) {
        continue;
      }
      fprintf(f, "%s'%s': '", first ? "" : ", ", fd->name);
      duck_type(f, fd, enums);
      putc('\'', f);
      first = false;
    }
  }
  putc('}', f);
}

int mp_schema_duckdb_columns(FILE *f, bool csv)
{
  duck_columns(f, csv, false);
  putc('\n', f);
  return done(f);
}

int mp_schema_duckdb_enum_columns(FILE *f, bool csv)
{
  duck_columns(f, csv, true);
  putc('\n', f);
  return done(f);
}

/* A SQL string literal: ' doubled. */
static void sql_string(FILE *f, const char *s)
{
  putc('\'', f);
  for (; *s; s++) {
    if (*s == '\'') {
      putc('\'', f);
    }
    putc(*s, f);
  }
  putc('\'', f);
}

static int duck_view(FILE *f, bool csv, bool enums, const char *path)
{
  fputs(csv ? "CREATE VIEW rows AS SELECT * FROM read_csv("
            : "CREATE VIEW rows AS SELECT * FROM read_json(",
        f);
  sql_string(f, path);
  /* The dialect spelled out: the sniffer could take a sample of rows for
   * another one. */
  fputs(csv ? ", header=true, delim=',', quote='\"', escape='\"', "
            : ", format='newline_delimited', ",
        f);
  duck_columns(f, csv, enums);
  fputs(");\n", f);
  return done(f);
}

int mp_schema_duckdb_view(FILE *f, bool csv, const char *path)
{
  return duck_view(f, csv, false, path);
}

int mp_schema_duckdb_enum_view(FILE *f, bool csv, const char *path)
{
  return duck_view(f, csv, true, path);
}

/* ---- pandas ------------------------------------------------------------ */

static const char *pandas_dtype(enum mp_kind k, bool csv)
{
  switch (k) {
  case MP_K_ENUM:
    return "category";
  case MP_K_INT:
    return "Int64";
  case MP_K_UINT:
    return "UInt64";
  case MP_K_NUMBER:
    return "Float64";
  case MP_K_BOOL:
    return "boolean";
  case MP_K_LIST: /* NDJSON: the list as json gives it; CSV: the cell */
    return csv ? "string" : "object";
  default: /* STRING, TIME (pd.to_datetime) */
    return "string";
  }
}

/* One member of a JSON object per line. */
static void member(FILE *f, bool *first, const char *name)
{
  fputs(*first ? "{\n  " : ",\n  ", f);
  mp_json_cstr(f, name);
  fputs(": ", f);
  *first = false;
}

static void end_object(FILE *f, bool first)
{
  fputs(first ? "{}\n" : "\n}\n", f);
}

/* Calls leaf(f, name, fd, first) for each flattened NDJSON value of part
 * p, as pd.json_normalize names them: objects' members joined with '.',
 * a list left whole. */
typedef void (*leaf_cb)(FILE *f, const char *name, const struct mp_field *fd,
                        bool *first);

static void flatten(FILE *f, const struct mp_part *p, const char *prefix,
                    leaf_cb leaf, bool *first)
{
  for (size_t i = 0; i < p->n; i++) {
    const struct mp_field *fd = &p->fields[i];
    char name[NAME_MAX_];
    int len;

    if (fd->flags & MP_F_CSV_ONLY) {
      continue;
    }
    len = snprintf(name, sizeof(name), "%s%s%s", prefix, prefix[0] ? "." : "",
                   fd->name);
    if (len <= 0 || (size_t)len >= sizeof(name)) {
      fputs("mailposture: bug in the part tables: a name is too long\n",
            stderr);
      abort();
    }
    if (fd->kind == MP_K_OBJECT) {
      flatten(f, fd->sub, name, leaf, first);
    } else {
      leaf(f, name, fd, first);
    }
  }
}

/* Calls leaf for each CSV column, named as in the header. */
static void columns(FILE *f, leaf_cb leaf, bool *first)
{
  size_t n;
  const struct mp_csv_column *c = mp_csv_columns(&n);

  for (size_t i = 0; i < n; i++) {
    leaf(f, c[i].name, c[i].path[c[i].depth - 1], first);
  }
}

static void dtype_ndjson(FILE *f, const char *name, const struct mp_field *fd,
                         bool *first)
{
  member(f, first, name);
  mp_json_cstr(f, pandas_dtype(fd->kind, false));
}

static void dtype_csv(FILE *f, const char *name, const struct mp_field *fd,
                      bool *first)
{
  member(f, first, name);
  mp_json_cstr(f, pandas_dtype(fd->kind, true));
}

/* An enum's values; values[0] may be NULL (an absent value, written as
 * null), which is no category. */
static void categories(FILE *f, const char *name, const struct mp_field *fd,
                       bool *first)
{
  bool none = true;

  if (fd->kind != MP_K_ENUM || fd->nvalues == 0) {
    return;
  }
  member(f, first, name);
  putc('[', f);
  for (size_t i = 0; i < fd->nvalues; i++) {
    if (fd->values[i]) {
      fputs(none ? "" : ", ", f);
      mp_json_cstr(f, fd->values[i]);
      none = false;
    }
  }
  putc(']', f);
}

static int pandas_object(FILE *f, bool csv, leaf_cb leaf)
{
  bool first = true;

  if (csv) {
    columns(f, leaf, &first);
  } else {
    flatten(f, &mp_part_row, "", leaf, &first);
  }
  end_object(f, first);
  return done(f);
}

int mp_schema_pandas_dtypes(FILE *f, bool csv)
{
  return pandas_object(f, csv, csv ? dtype_csv : dtype_ndjson);
}

int mp_schema_pandas_categories(FILE *f, bool csv)
{
  return pandas_object(f, csv, categories);
}
