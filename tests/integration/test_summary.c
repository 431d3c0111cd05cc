/* The end-of-scan summary (--summary FILE) against the rows of the same
 * scan of the generated world: every adoption count recomputed from the
 * rows, the top lists within their stated error, every field documented. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scanner/base/alloc.h"
#include "tests/integration/world.h"
#include "tests/support/proc.h"

struct tally {
  char **name;
  uint64_t *count;
  size_t n, cap;
};

static void tally_add(struct tally *t, const char *name)
{
  for (size_t i = 0; i < t->n; i++) {
    if (strcmp(t->name[i], name) == 0) {
      t->count[i]++;
      return;
    }
  }
  if (t->n == t->cap) {
    t->cap = t->cap ? t->cap * 2 : 64;
    t->name = mp_realloc(t->name, t->cap * sizeof(*t->name));
    t->count = mp_realloc(t->count, t->cap * sizeof(*t->count));
  }
  t->name[t->n] = mp_strndup(name, strlen(name));
  t->count[t->n++] = 1;
}

static uint64_t tally_get(const struct tally *t, const char *name)
{
  for (size_t i = 0; i < t->n; i++) {
    if (strcmp(t->name[i], name) == 0) {
      return t->count[i];
    }
  }
  return 0;
}

static void tally_free(struct tally *t)
{
  for (size_t i = 0; i < t->n; i++) {
    mp_free(t->name[i]);
  }
  mp_free(t->name);
  mp_free(t->count);
}

/* Each distinct string of list (or member key of its objects) once. */
static void tally_row(struct tally *t, const struct mp_json *list,
                      const char *key)
{
  for (size_t i = 0; list && i < list->count; i++) {
    const char *s =
        mp_json_str(key ? mp_json_get(list->items[i], key) : list->items[i]);
    bool seen = false;

    for (size_t k = 0; s && k < i; k++) {
      const char *e =
          mp_json_str(key ? mp_json_get(list->items[k], key) : list->items[k]);
      seen = seen || (e && strcmp(e, s) == 0);
    }
    if (s && !seen) {
      tally_add(t, s);
    }
  }
}

static bool present(const struct mp_json *v)
{
  return v && !mp_json_is_null(v);
}

static bool truthy(const struct mp_json *v)
{
  return v && v->type == MP_JSON_BOOL && v->boolean;
}

static bool nonempty(const struct mp_json *v)
{
  return v && v->type == MP_JSON_ARRAY && v->count > 0;
}

enum {
  DOMAINS,
  SPF_ROWS,
  SPF_RECORD,
  SPF_VALID,
  SPF_LOOKUP_LIMIT,
  SPF_PLUS_ALL,
  SPF_ALL_FAIL,
  SPF_ALL_SOFTFAIL,
  SPF_ALL_NEUTRAL,
  SPF_ALL_PASS,
  SPF_ALL_NONE,
  DMARC_ROWS,
  DMARC_REJECT,
  DMARC_QUARANTINE,
  DMARC_NONE,
  DMARC_MISSING,
  DMARC_RUA,
  DKIM_ROWS,
  DKIM_FOUND,
  DKIM_USABLE,
  DKIM_UNUSABLE,
  DKIM_INCOMPLETE,
  MX_ROWS,
  MX_NULL,
  MX_ALL_FCRDNS,
  MX_FCRDNS_UNKNOWN,
  MTA_STS_ROWS,
  MTA_STS_VALID,
  TLS_RPT_ROWS,
  TLS_RPT_VALID,
  BIMI_ROWS,
  BIMI_VALID,
  VERDICT_ROWS,
  READY,
  VERDICT_UNKNOWN,
  NCOUNTS
};

static const char *const count_names[NCOUNTS] = {
    "domains",         "spf_rows",          "spf_record",
    "spf_valid",       "spf_lookup_limit",  "spf_plus_all",
    "spf_all_fail",    "spf_all_softfail",  "spf_all_neutral",
    "spf_all_pass",    "spf_all_none",      "dmarc_rows",
    "dmarc_reject",    "dmarc_quarantine",  "dmarc_none",
    "dmarc_missing",   "dmarc_rua",         "dkim_rows",
    "dkim_found",      "dkim_usable",       "dkim_unusable",
    "dkim_incomplete", "mx_rows",           "mx_null",
    "mx_all_fcrdns",   "mx_fcrdns_unknown", "mta_sts_rows",
    "mta_sts_valid",   "tls_rpt_rows",      "tls_rpt_valid",
    "bimi_rows",       "bimi_valid",        "verdict_rows",
    "ready",           "verdict_unknown"};

static void policy_counts(const struct mp_json *row, uint64_t *c,
                          const char *name, int rows, int valid)
{
  const struct mp_json *o = mp_json_get(row, name);

  if (present(o)) {
    c[rows]++;
    c[valid] += mp_json_str_eq(mp_json_get(o, "status"), "valid");
  }
}

/* A key verifiers accept, read from the row as docs/schema.md "Verdict"
 * says: not revoked, not in error, not RSA under 1024 bits. */
static bool usable_key(const struct mp_json *found)
{
  for (size_t i = 0; found && i < found->count; i++) {
    const struct mp_json *k = found->items[i];
    const struct mp_json *bits = mp_json_get(k, "bits");

    if (!truthy(mp_json_get(k, "revoked")) &&
        mp_json_is_null(mp_json_get(k, "error")) &&
        (mp_json_is_null(bits) || bits->number >= 1024)) {
      return true;
    }
  }
  return false;
}

/* The adoption counts of one row whose status is ok. */
static void count_row(const struct mp_json *row, uint64_t *c, struct tally *inc,
                      struct tally *dest)
{
  const struct mp_json *spf = mp_json_get(row, "spf");
  const struct mp_json *d = mp_json_get(row, "dmarc");
  const struct mp_json *dk = mp_json_get(row, "dkim");
  const struct mp_json *mx = mp_json_get(row, "mx_hosts");
  const struct mp_json *v = mp_json_get(row, "verdict");

  c[DOMAINS]++;
  if (present(mp_json_get(spf, "status"))) {
    c[SPF_ROWS]++;
    c[SPF_RECORD] += mp_json_get(spf, "count")->number > 0;
    c[SPF_VALID] += mp_json_str_eq(mp_json_get(spf, "status"), "valid");
    c[SPF_LOOKUP_LIMIT] +=
        mp_json_str_eq(mp_json_get(spf, "reason"), "lookup_limit");
    c[SPF_PLUS_ALL] += mp_json_str_eq(mp_json_get(spf, "all"), "pass");
    if (mp_json_str_eq(mp_json_get(spf, "status"), "valid")) {
      const struct mp_json *all = mp_json_get(spf, "all");

      c[mp_json_str_eq(all, "fail")       ? SPF_ALL_FAIL
        : mp_json_str_eq(all, "softfail") ? SPF_ALL_SOFTFAIL
        : mp_json_str_eq(all, "neutral")  ? SPF_ALL_NEUTRAL
        : mp_json_str_eq(all, "pass")     ? SPF_ALL_PASS
                                          : SPF_ALL_NONE]++;
    }
    tally_row(inc, mp_json_get(spf, "includes"), NULL);
  }
  if (present(mp_json_get(d, "status"))) {
    const struct mp_json *e = mp_json_get(d, "effective_policy");

    c[DMARC_ROWS]++;
    c[mp_json_str_eq(e, "reject")       ? DMARC_REJECT
      : mp_json_str_eq(e, "quarantine") ? DMARC_QUARANTINE
      : mp_json_str_eq(e, "none")       ? DMARC_NONE
                                        : DMARC_MISSING]++;
    c[DMARC_RUA] += nonempty(mp_json_get(d, "rua"));
    tally_row(dest, mp_json_get(d, "rua"), "domain");
  }
  if (present(dk)) {
    bool usable = usable_key(mp_json_get(dk, "found"));

    c[DKIM_ROWS]++;
    c[DKIM_FOUND] += nonempty(mp_json_get(dk, "found"));
    c[DKIM_USABLE] += usable;
    c[DKIM_UNUSABLE] += nonempty(mp_json_get(dk, "found")) && !usable;
    c[DKIM_INCOMPLETE] += nonempty(mp_json_get(dk, "failed"));
  }
  if (present(mx)) {
    c[MX_ROWS]++;
    c[MX_NULL] += truthy(mp_json_get(mx, "null_mx"));
    c[MX_ALL_FCRDNS] += truthy(mp_json_get(mx, "all_fcrdns"));
    c[MX_FCRDNS_UNKNOWN] += mp_json_is_null(mp_json_get(mx, "all_fcrdns"));
  }
  policy_counts(row, c, "mta_sts", MTA_STS_ROWS, MTA_STS_VALID);
  policy_counts(row, c, "tls_rpt", TLS_RPT_ROWS, TLS_RPT_VALID);
  policy_counts(row, c, "bimi", BIMI_ROWS, BIMI_VALID);
  if (present(v)) {
    c[VERDICT_ROWS]++;
    c[READY] += truthy(mp_json_get(v, "ready"));
    c[VERDICT_UNKNOWN] += mp_json_is_null(mp_json_get(v, "ready"));
  }
}

/* Each listed name's true count lies within its stated error, the list is
 * ranked by the sure count, and the most named name comes first. */
static void check_top(const struct mp_json *list, const struct tally *t,
                      const char *what)
{
  uint64_t best = 0, prev_sure = UINT64_MAX;

  cr_assert(list && list->type == MP_JSON_ARRAY, "%s: not a list", what);
  cr_expect_gt(list->count, 0, "%s: empty", what);
  for (size_t i = 0; i < t->n; i++) {
    best = t->count[i] > best ? t->count[i] : best;
  }
  for (size_t i = 0; i < list->count; i++) {
    const struct mp_json *it = list->items[i];
    const char *name = mp_json_str(mp_json_get(it, "name"));
    uint64_t n = (uint64_t)mp_json_get(it, "domains")->number;
    uint64_t over = (uint64_t)mp_json_get(it, "over_by_at_most")->number;
    uint64_t truth = tally_get(t, name);

    cr_expect(truth >= n - over && truth <= n,
              "%s: %s counted %llu (over by at most %llu), truly %llu", what,
              name, (unsigned long long)n, (unsigned long long)over,
              (unsigned long long)truth);
    cr_expect_leq(n - over, prev_sure, "%s: %s out of order", what, name);
    prev_sure = n - over;
    if (i == 0) {
      cr_expect_eq(truth, best, "%s: %s first, with %llu; the most is %llu",
                   what, name, (unsigned long long)truth,
                   (unsigned long long)best);
    }
  }
}

/* Every member of obj is named `like this` in the docs' Summary section. */
static void check_documented(const struct mp_json *obj, const char *section)
{
  for (size_t i = 0; i < obj->count; i++) {
    char key[128];

    snprintf(key, sizeof(key), "`%s`", obj->keys[i]->str);
    cr_expect_not_null(strstr(section, key), "summary field %s undocumented",
                       key);
  }
}

/* The "run" object of a scan of the world's list run to the end, its
 * objects' members documented too. */
static void check_run(const struct mp_json *run, size_t rows,
                      const char *section)
{
  static const char *const objects[] = {"input", "options", "psl"};

  cr_assert_not_null(run, "no run object");
  check_documented(run, section);
  for (size_t i = 0; i < 3; i++) {
    cr_assert_not_null(mp_json_get(run, objects[i]), "run.%s", objects[i]);
    check_documented(mp_json_get(run, objects[i]), section);
  }
  cr_expect(mp_json_str_eq(mp_json_get(run, "state"), "completed"));
  cr_expect_eq(mp_json_get(run, "rows")->number, (double)rows);
  cr_expect_eq(mp_json_get(run, "resumed_rows")->number, 0.0);
  cr_assert_not_null(mp_json_str(mp_json_path(run, "input.xxh3")));
  cr_expect_eq(strlen(mp_json_str(mp_json_path(run, "input.xxh3"))), 16);
  cr_expect_not_null(mp_json_str(mp_json_get(run, "c_ares")));
  cr_expect_not_null(mp_json_str(mp_json_get(run, "libuv")));
}

Test(summary, adoption_and_top_lists_agree_with_the_rows, .timeout = 600)
{
  char out[4096], sum[4096], input[4096], path[4096];
  const char *args[] = {"--summary", sum, NULL};
  struct mp_json *rows, *summary;
  char *text, *docs, *section, err[256];
  size_t len;
  uint64_t want[NCOUNTS] = {0};
  struct tally inc = {0}, dest = {0};
  const struct mp_json *adoption;

  scratch_path(out, sizeof(out), "summary-rows.ndjson");
  scratch_path(sum, sizeof(sum), "summary.json");
  snprintf(input, sizeof(input), "%s/domains.txt", MP_WORLD_DIR);
  cr_assert_eq(run_scanner(input, out, args), 0);
  rows = read_rows(out);
  text = mp_proc_slurp(sum, &len);
  cr_assert_not_null(text);
  summary = mp_json_parse(text, len, err, sizeof(err));
  cr_assert_not_null(summary, "summary JSON: %s", err);
  for (size_t i = 0; i < rows->count; i++) {
    if (mp_json_str_eq(mp_json_get(rows->items[i], "status"), "ok")) {
      count_row(rows->items[i], want, &inc, &dest);
    }
  }
  adoption = mp_json_get(summary, "adoption");
  cr_assert_not_null(adoption);
  for (int k = 0; k < NCOUNTS; k++) {
    const struct mp_json *got = mp_json_get(adoption, count_names[k]);

    cr_assert_not_null(got, "adoption.%s missing", count_names[k]);
    cr_expect_eq((uint64_t)got->number, want[k],
                 "adoption.%s: %.0f in the summary, %llu in the rows",
                 count_names[k], got->number, (unsigned long long)want[k]);
  }
  cr_expect_eq(adoption->count, NCOUNTS, "adoption has fields not checked");
  check_top(mp_json_get(summary, "top_spf_includes"), &inc, "top_spf_includes");
  check_top(mp_json_get(summary, "top_report_destinations"), &dest,
            "top_report_destinations");

  snprintf(path, sizeof(path), "%s/docs/schema.md", MP_SOURCE_DIR);
  docs = mp_proc_slurp(path, NULL);
  cr_assert_not_null(docs);
  section = strstr(docs, "\n## Summary JSON");
  cr_assert_not_null(section);
  check_documented(summary, section);
  check_documented(adoption, section);
  check_documented(mp_json_get(summary, "resolver"), section);
  check_run(mp_json_get(summary, "run"), rows->count, section);
  printf("summary: %zu adoption counts and 2 top lists checked against %zu "
         "rows\n",
         (size_t)NCOUNTS, rows->count);
  tally_free(&inc);
  tally_free(&dest);
  mp_free(docs);
  mp_free(text);
  mp_json_free(summary);
  mp_json_free(rows);
  unlink(out);
  unlink(sum);
}
