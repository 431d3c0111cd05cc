/* Scans the generated world served by Knot and checks every row against the
 * generator's truth: one row per line, none lost or doubled, and each
 * lookup's outcome and records. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scanner/alloc.h"
#include "tests/integration/world.h"
#include "tests/support/proc.h"
#include "tests/support/schema.h"

static int cmp_str(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorts a list of strings and joins it with ','; "-" when empty. Frees the
 * items. */
static char *join_sorted(char **items, size_t n)
{
  size_t len = 2, o = 0;
  char *out;

  qsort(items, n, sizeof(*items), cmp_str);
  for (size_t i = 0; i < n; i++) {
    len += strlen(items[i]) + 1;
  }
  out = mp_malloc(len);
  if (n == 0) {
    out[o++] = '-';
  }
  for (size_t i = 0; i < n; i++) {
    size_t k = strlen(items[i]);

    if (i) {
      out[o++] = ',';
    }
    memcpy(out + o, items[i], k);
    o += k;
    mp_free(items[i]);
  }
  out[o] = '\0';
  return out;
}

/* The truth's hex list as the writers must show it: sanitized, sorted. */
static char *expected_txt(const char *list)
{
  char *copy = mp_strndup(list, strlen(list)), *save = NULL, *tok, *out;
  char **items = mp_calloc(strlen(list) + 1, sizeof(*items));
  size_t n = 0;

  if (strcmp(list, "-") != 0) {
    for (tok = strtok_r(copy, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
      size_t blen = strlen(tok) / 2, slen;
      char *bytes = mp_malloc(blen + 1), *clean;

      for (size_t i = 0; i < blen; i++) {
        unsigned v;

        sscanf(tok + 2 * i, "%2x", &v);
        bytes[i] = (char)v;
      }
      clean = utf8_sanitize(bytes, blen, &slen);
      items[n++] = hex_encode(clean, slen);
      mp_free(clean);
      mp_free(bytes);
    }
  }
  out = join_sorted(items, n);
  mp_free(items);
  mp_free(copy);
  return out;
}

static char *got_records(const struct mp_json *lookup, bool mx)
{
  const struct mp_json *recs = mp_json_get(lookup, "records");
  size_t n = recs ? recs->count : 0;
  char **items = mp_calloc(n + 1, sizeof(*items));
  char *out;

  for (size_t i = 0; i < n; i++) {
    const struct mp_json *r = recs->items[i];

    if (mx) {
      const struct mp_json *pref = mp_json_get(r, "preference");
      const char *host = mp_json_str(mp_json_get(r, "host"));
      char buf[512];

      snprintf(buf, sizeof(buf), "%lld:%s",
               pref ? (long long)pref->integer : -1LL, host ? host : "?");
      items[i] = mp_strndup(buf, strlen(buf));
    } else {
      items[i] = hex_encode(r->str, r->len);
    }
  }
  out = join_sorted(items, n);
  mp_free(items);
  return out;
}

static unsigned disagreements;

static void differ(const struct truth *t, const char *what, const char *want,
                   const char *got)
{
  if (++disagreements <= 30) {
    cr_log_warn("line %llu (%s): %s: want %s, got %s",
                (unsigned long long)t->line, t->domain, what, want, got);
  }
}

static void check_str(const struct truth *t, const char *what, const char *want,
                      const char *got)
{
  if (strcmp(want, got ? got : "-") != 0) {
    differ(t, what, want, got ? got : "(missing)");
  }
}

static void check_row(const struct truth *t, const struct mp_json *row)
{
  static const char *const keys[3] = {"txt", "dmarc_txt", "mx"};
  const struct mp_json *dom = mp_json_get(row, "domain");
  char num[32];

  check_str(t, "domain", t->domain,
            mp_json_is_null(dom) ? "-" : mp_json_str(dom));
  check_str(t, "status", t->status, mp_json_str(mp_json_get(row, "status")));
  for (int k = 0; k < 3; k++) {
    const struct mp_json *lk = mp_json_get(row, keys[k]);
    char *want, *got;

    if (strcmp(t->outcome[k], "-") == 0) {
      if (!mp_json_is_null(lk)) {
        differ(t, keys[k], "null", "a lookup");
      }
      continue;
    }
    check_str(t, keys[k], t->outcome[k],
              mp_json_str(mp_json_get(lk, "outcome")));
    want = k == 2 ? mp_strndup(t->records[k], strlen(t->records[k]))
                  : expected_txt(t->records[k]);
    got = got_records(lk, k == 2);
    check_str(t, k == 2 ? "mx records" : "txt records", want, got);
    mp_free(want);
    mp_free(got);
  }
  if (strcmp(t->status, "invalid_name") != 0) {
    const struct mp_json *cname = mp_json_path(row, "txt.cname");

    check_str(t, "cname", t->cname,
              mp_json_is_null(cname) ? "-" : mp_json_str(cname));
    snprintf(num, sizeof(num), "%ld", t->spf_count);
    const struct mp_json *c = mp_json_path(row, "spf.count");
    char got[32];
    snprintf(got, sizeof(got), "%lld", c ? (long long)c->integer : -1LL);
    check_str(t, "spf.count", num, got);
    snprintf(num, sizeof(num), "%ld", t->dmarc_count);
    c = mp_json_path(row, "dmarc.count");
    snprintf(got, sizeof(got), "%lld", c ? (long long)c->integer : -1LL);
    check_str(t, "dmarc.count", num, got);
  }
}

/* Rows by line number, checking that no line has two. */
static const struct mp_json **index_rows(const struct mp_json *rows,
                                         uint64_t max_line)
{
  const struct mp_json **by_line = mp_calloc(max_line + 1, sizeof(*by_line));

  for (size_t i = 0; i < rows->count; i++) {
    const struct mp_json *line = mp_json_get(rows->items[i], "line");

    cr_assert(line && line->is_int && line->integer >= 1 &&
                  (uint64_t)line->integer <= max_line,
              "row %zu has no valid line number", i);
    cr_assert_null(by_line[line->integer], "line %lld has two rows",
                   (long long)line->integer);
    by_line[line->integer] = rows->items[i];
  }
  return by_line;
}

Test(world, every_row_matches_the_generated_truth, .timeout = 600)
{
  struct truth_set ts;
  char out[4096], input[4096];
  struct mp_json *rows;
  const struct mp_json **by_line;
  static struct mp_schema_table schema;

  truth_load(&ts);
  scratch_path(out, sizeof(out), "world.ndjson");
  snprintf(input, sizeof(input), "%s/domains.txt", MP_WORLD_DIR);
  cr_assert_eq(run_scanner(input, out, NULL), 0);
  rows = read_rows(out);
  cr_assert_eq(rows->count, ts.count, "%zu rows for %zu row lines", rows->count,
               ts.count);
  by_line = index_rows(rows, ts.max_line);
  mp_schema_load(&schema, "NDJSON fields", "field", "null");
  for (size_t i = 0; i < rows->count; i++) {
    mp_schema_check_row(&schema, rows->items[i], "", i + 1);
  }
  disagreements = 0;
  for (size_t i = 0; i < ts.count; i++) {
    const struct mp_json *row = by_line[ts.rows[i].line];

    cr_assert_not_null(row, "no row for line %llu",
                       (unsigned long long)ts.rows[i].line);
    check_row(&ts.rows[i], row);
  }
  cr_log_info("world: %zu rows checked, %u disagreements", ts.count,
              disagreements);
  printf("world: %zu rows checked against the truth, %u disagreements\n",
         ts.count, disagreements);
  cr_expect_eq(disagreements, 0);
  mp_free(by_line);
  mp_json_free(rows);
  truth_free(&ts);
  unlink(out);
}
