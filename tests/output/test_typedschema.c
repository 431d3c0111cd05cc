/* The typed schemas of output/schema.h against the part tables (the
 * engines themselves load rows with them in integration.analysis_*). */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output/part.h"
#include "output/schema.h"
#include "tests/support/json.h"

/* What write(f, csv) writes, NUL-terminated; the caller frees it. */
static char *capture(int (*write)(FILE *, bool), bool csv)
{
  char *s = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&s, &len);

  cr_assert_not_null(f);
  cr_assert_eq(write(f, csv), 0);
  cr_assert_eq(fclose(f), 0);
  return s;
}

static struct mp_json *capture_json(int (*write)(FILE *, bool), bool csv)
{
  char *s = capture(write, csv), err[128];
  struct mp_json *j = mp_json_parse(s, strlen(s), err, sizeof(err));

  cr_assert_not_null(j, "not JSON: %s", err);
  cr_assert_eq(j->type, MP_JSON_OBJECT);
  free(s);
  return j;
}

static bool starts(const char *s, const char *prefix)
{
  return strncmp(s, prefix, strlen(prefix)) == 0;
}

static const char *str(const struct mp_json *o, const char *key)
{
  const struct mp_json *v = mp_json_get(o, key);

  return v && v->type == MP_JSON_STRING ? v->str : NULL;
}

Test(typedschema, pandas_csv_dtypes_are_the_csv_columns_in_header_order)
{
  size_t n;
  const struct mp_csv_column *c = mp_csv_columns(&n);
  struct mp_json *j = capture_json(mp_schema_pandas_dtypes, true);

  cr_assert_eq(j->count, n);
  for (size_t i = 0; i < n; i++) {
    cr_expect_str_eq(j->keys[i]->str, c[i].name);
  }
  cr_expect_str_eq(str(j, "txt_records"), "string"); /* a packed list */
  cr_expect_str_eq(str(j, "spf_ip6_prefixes"), "UInt64");
  cr_expect_str_eq(str(j, "rank"), "Int64");
  cr_expect_str_eq(str(j, "dmarc_p"), "category");
  cr_expect_str_eq(str(j, "input_truncated"), "boolean");
  cr_expect_str_eq(str(j, "elapsed_ms"), "Float64");
  mp_json_free(j);
}

Test(typedschema, pandas_ndjson_dtypes_flatten_objects_as_json_normalize)
{
  struct mp_json *j = capture_json(mp_schema_pandas_dtypes, false);

  cr_expect_str_eq(j->keys[0]->str, "line");
  cr_expect_str_eq(str(j, "txt.outcome"), "category");
  cr_expect_str_eq(str(j, "txt.records"), "object");
  cr_expect_str_eq(str(j, "mx_hosts.hosts"), "object");
  cr_expect_str_eq(str(j, "spf.ip6_prefixes"), "UInt64");
  cr_expect_str_eq(str(j, "started"), "string");
  cr_expect_null(mp_json_get(j, "txt"), "an object is its members");
  cr_expect_null(mp_json_get(j, "txt.count"), "a CSV-only column");
  cr_expect_null(mp_json_get(j, "txt_outcome"));
  mp_json_free(j);
}

Test(typedschema, categories_are_each_enums_values)
{
  struct mp_json *c = capture_json(mp_schema_pandas_categories, false);
  struct mp_json *d = capture_json(mp_schema_pandas_dtypes, false);
  const struct mp_json *p = mp_json_get(c, "dmarc.p");

  cr_assert_not_null(p);
  cr_assert_eq(p->type, MP_JSON_ARRAY);
  cr_assert_eq(p->count, 3);
  cr_expect_str_eq(p->items[0]->str, "none");
  cr_expect_str_eq(p->items[2]->str, "reject");
  cr_expect_null(mp_json_get(c, "txt.type"), "no values in the tables");
  for (size_t i = 0; i < c->count; i++) {
    cr_expect_str_eq(str(d, c->keys[i]->str), "category", "%s",
                     c->keys[i]->str);
    cr_expect_gt(c->items[i]->count, 0, "%s", c->keys[i]->str);
  }
  mp_json_free(c);
  mp_json_free(d);
}

Test(typedschema, duckdb_ndjson_nests_structs_and_lists)
{
  char *s = capture(mp_schema_duckdb_columns, false);

  cr_expect(starts(s, "columns={'line': 'UBIGINT', 'input': 'VARCHAR', "), "%s",
            s);
  cr_expect_not_null(strstr(s, "'mx': 'STRUCT(\"name\" VARCHAR, "));
  cr_expect_not_null(strstr(
      s, "\"records\" STRUCT(\"preference\" UBIGINT, \"host\" VARCHAR)[])'"));
  cr_expect_not_null(strstr(s, "'findings': 'VARCHAR[]'}\n"));
  cr_expect_not_null(strstr(s, "'started': 'TIMESTAMP'"));
  /* the lookups' count is a CSV column only */
  cr_expect_not_null(strstr(s, "\"cname\" VARCHAR, \"records\" VARCHAR[]"));
  free(s);
}

Test(typedschema, duckdb_csv_has_one_column_per_csv_column)
{
  size_t n, k = 0;
  char *s = capture(mp_schema_duckdb_columns, true);
  const struct mp_csv_column *c = mp_csv_columns(&n);
  const char *p = s;

  for (size_t i = 0; i < n; i++) {
    char key[64];

    snprintf(key, sizeof(key), "'%s': '", c[i].name);
    cr_assert_not_null(p = strstr(p, key), "%s, in order", c[i].name);
  }
  for (p = s; (p = strstr(p, "': '")) != NULL; p++) {
    k++;
  }
  cr_expect_eq(k, n);
  cr_expect_not_null(strstr(s, "'txt_records': 'VARCHAR'"));
  cr_expect_null(strstr(s, "STRUCT"));
  free(s);
}

/* --categories: each enum that lists its values is an ENUM of them (its
 * quotes doubled inside the spec's string literal), the rest as without. */
Test(typedschema, duckdb_enum_columns_are_the_categories)
{
  char *plain = capture(mp_schema_duckdb_columns, true);
  char *csv = capture(mp_schema_duckdb_enum_columns, true);
  char *nd = capture(mp_schema_duckdb_enum_columns, false);
  struct mp_json *cat = capture_json(mp_schema_pandas_categories, true);
  size_t enums = 0;

  cr_expect_not_null(
      strstr(csv, "'dmarc_p': 'ENUM(''none'', ''quarantine'', ''reject'')'"));
  cr_expect_not_null(strstr(csv, "'txt_records': 'VARCHAR'"));
  cr_expect_not_null(strstr(csv, "'rank': 'BIGINT'"));
  cr_expect_not_null(strstr(
      nd, "'txt': 'STRUCT(\"name\" VARCHAR, \"type\" VARCHAR, \"outcome\" "
          "ENUM(''ok'', ''nodata'', "));
  for (const char *p = csv; (p = strstr(p, "': 'ENUM(")) != NULL; p++) {
    enums++;
  }
  cr_expect_eq(enums, cat->count, "an ENUM per pandas category column");
  for (const char *p = plain; (p = strstr(p, "': 'VARCHAR'")) != NULL; p++) {
    enums++;
  }
  for (const char *p = csv; (p = strstr(p, "': 'VARCHAR'")) != NULL; p++) {
    enums--;
  }
  cr_expect_eq(enums, 2 * cat->count, "only enums change");
  mp_json_free(cat);
  free(plain);
  free(csv);
  free(nd);
}

Test(typedschema, duckdb_view_quotes_the_path)
{
  char *s = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&s, &len);

  cr_assert_eq(mp_schema_duckdb_view(f, true, "it's.csv"), 0);
  cr_assert_eq(fclose(f), 0);
  cr_expect(starts(s, "CREATE VIEW rows AS SELECT * FROM read_csv("
                      "'it''s.csv', header=true, "),
            "%s", s);
  cr_expect_str_eq(s + len - 3, ");\n");
  free(s);
}

Test(typedschema, a_write_error_is_eio)
{
  FILE *f = fopen("/dev/full", "w");

  cr_assert_not_null(f);
  setvbuf(f, NULL, _IONBF, 0);
  cr_expect_eq(mp_schema_pandas_dtypes(f, false), -EIO);
  fclose(f);
}
