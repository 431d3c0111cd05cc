/* Scans the generated world served by Knot and checks every row against the
 * generator's truth: one row per line, none lost or doubled, and each
 * lookup's outcome and records. */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scanner/base/alloc.h"
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

/* --- SPF: every evaluation against spf_truth.tsv ------------------------ */

static const char *all_word(const char *q)
{
  switch (q[0]) {
  case '+':
    return "pass";
  case '-':
    return q[1] ? "-" : "fail"; /* "-" alone: the qualifier */
  case '~':
    return "softfail";
  case '?':
    return "neutral";
  default:
    return "-"; /* "none": no all reached */
  }
}

static void check_int(const char *line, const char *what, const char *want,
                      const struct mp_json *got)
{
  char buf[32];

  if (strcmp(want, "-") == 0) {
    return; /* the truth does not say */
  }
  if (!got || mp_json_is_null(got)) {
    snprintf(buf, sizeof(buf), "null");
  } else if (got->type == MP_JSON_BOOL) {
    snprintf(buf, sizeof(buf), "%d", got->boolean);
  } else if (got->type == MP_JSON_NUMBER && strtod(want, NULL) == got->number) {
    return; /* as doubles: the parser holds 2^64 - 1 as 2^64 */
  } else {
    snprintf(buf, sizeof(buf), "%.0f", got->number);
  }
  if (strcmp(want, buf) != 0 && ++disagreements <= 40) {
    cr_log_warn("spf line %s: %s: want %s, got %s", line, what, want, buf);
  }
}

/* A value the truth may say is unknown ("-" past a failed lookup of the
 * SPF tree): then null. */
static void check_known(const char *line, const char *what, const char *want,
                        const struct mp_json *got)
{
  if (strcmp(want, "-") != 0) {
    check_int(line, what, want, got);
  } else if (!mp_json_is_null(got) && ++disagreements <= 40) {
    cr_log_warn("spf line %s: %s: want null (unknown)", line, what);
  }
}

static void check_text(const char *line, const char *what, const char *want,
                       const char *got)
{
  if (strcmp(want, got ? got : "-") != 0 && ++disagreements <= 40) {
    cr_log_warn("spf line %s: %s: want %s, got %s", line, what, want,
                got ? got : "-");
  }
}

static char *joined(const struct mp_json *arr)
{
  size_t len = 2, o = 0;
  char *out;

  for (size_t i = 0; arr && i < arr->count; i++) {
    len += arr->items[i]->len + 1;
  }
  out = mp_malloc(len);
  for (size_t i = 0; arr && i < arr->count; i++) {
    if (i) {
      out[o++] = ',';
    }
    memcpy(out + o, arr->items[i]->str, arr->items[i]->len);
    o += arr->items[i]->len;
  }
  if (o == 0) {
    out[o++] = '-';
  }
  out[o] = '\0';
  return out;
}

Test(world, every_spf_evaluation_matches_the_generated_truth, .timeout = 600)
{
  char out[4096], input[4096], path[4096];
  struct mp_json *rows;
  const struct mp_json **by_line;
  char *text, *save = NULL;
  size_t len, checked = 0;
  struct truth_set ts;

  snprintf(path, sizeof(path), "%s/spf_truth.tsv", MP_WORLD_DIR);
  text = mp_proc_slurp(path, &len);
  cr_assert_not_null(text, "no %s", path);
  truth_load(&ts);
  scratch_path(out, sizeof(out), "spf.ndjson");
  snprintf(input, sizeof(input), "%s/domains.txt", MP_WORLD_DIR);
  cr_assert_eq(run_scanner(input, out, NULL), 0);
  rows = read_rows(out);
  by_line = index_rows(rows, ts.max_line);
  disagreements = 0;
  for (char *l = strtok_r(text, "\n", &save); l;
       l = strtok_r(NULL, "\n", &save)) {
    char *f[17], *p = l;
    const struct mp_json *row, *spf;
    char *got;

    if (l[0] == '#') {
      continue;
    }
    for (int k = 0; k < 17; k++) {
      f[k] = p;
      p = strchr(p, '\t');
      cr_assert(p || k == 16, "short spf_truth line: %s", l);
      if (p) {
        *p++ = '\0';
      }
    }
    if (strcmp(f[2], "-") == 0) {
      continue; /* the domain does not exist or its zone fails */
    }
    row = by_line[strtoull(f[0], NULL, 10)];
    cr_assert_not_null(row, "no row for spf truth line %s", f[0]);
    spf = mp_json_get(row, "spf");
    check_text(f[0], "status", f[2], mp_json_str(mp_json_get(spf, "status")));
    check_text(f[0], "reason",
               strcmp(f[3], "multiple") == 0 ? "multiple_records" : f[3],
               mp_json_str(mp_json_get(spf, "reason")));
    if (strcmp(f[2], "none") == 0) {
      checked++;
      continue; /* nothing else to compare */
    }
    check_int(f[0], "lookups", f[4], mp_json_get(spf, "lookups"));
    /* an error cuts the walk short: the truth counts the whole tree */
    if (strcmp(f[2], "valid") == 0 || strcmp(f[5], "-") == 0) {
      check_known(f[0], "lookups_static", f[5],
                  mp_json_get(spf, "lookups_static"));
      check_known(f[0], "depth", f[7], mp_json_get(spf, "depth"));
    }
    check_int(f[0], "voids", f[6], mp_json_get(spf, "voids"));
    check_text(f[0], "all", all_word(f[8]),
               mp_json_str(mp_json_get(spf, "all")));
    got = joined(mp_json_get(spf, "includes"));
    check_text(f[0], "includes", f[9], got);
    mp_free(got);
    check_text(f[0], "redirect", f[10],
               mp_json_str(mp_json_get(spf, "redirect")));
    check_known(f[0], "uses_ptr", f[11], mp_json_get(spf, "uses_ptr"));
    check_known(f[0], "uses_exists", f[12], mp_json_get(spf, "uses_exists"));
    check_known(f[0], "uses_macros", f[13], mp_json_get(spf, "uses_macros"));
    check_int(f[0], "ip4_addresses", f[14], mp_json_get(spf, "ip4_addresses"));
    check_int(f[0], "ip6_prefixes", f[15], mp_json_get(spf, "ip6_prefixes"));
    check_int(f[0], "exact", f[16], mp_json_get(spf, "exact"));
    checked++;
  }
  printf("world: %zu SPF evaluations checked against the truth, %u "
         "disagreements\n",
         checked, disagreements);
  cr_expect_gt(checked, 0);
  cr_expect_eq(disagreements, 0);
  mp_free(by_line);
  mp_json_free(rows);
  mp_free(text);
  truth_free(&ts);
  unlink(out);
}

/* --- DMARC, DKIM, MX, policy records, verdict: posture_truth.tsv -------- */

#define POSTURE_COLUMNS 50 /* line, domain and tests/world/posture.h's 48 */

/* A value as the truth writes it: "-" for null, 1/0 for booleans. */
static void text_of(const struct mp_json *v, char *buf, size_t len)
{
  if (!v || mp_json_is_null(v)) {
    snprintf(buf, len, "-");
  } else if (v->type == MP_JSON_BOOL) {
    snprintf(buf, len, "%d", v->boolean);
  } else if (v->type == MP_JSON_NUMBER) {
    snprintf(buf, len, "%.0f", v->number);
  } else {
    snprintf(buf, len, "%s", v->str);
  }
}

static void expect(const char *line, const char *what, const char *want,
                   const char *got)
{
  if (strcmp(want, got) != 0 && ++disagreements <= 40) {
    cr_log_warn("posture line %s: %s: want %s, got %s", line, what, want, got);
  }
}

static void expect_field(const char *line, const char *what, const char *want,
                         const struct mp_json *v)
{
  char buf[512];

  text_of(v, buf, sizeof(buf));
  expect(line, what, want, buf);
}

/* Appends "a,b" style items; "-" when there is none. */
static void append(char *buf, size_t len, const char *item)
{
  size_t o = strcmp(buf, "-") == 0 ? 0 : strlen(buf);

  snprintf(buf + o, len - o, "%s%s", o ? "," : "", item);
}

static void external(const struct mp_json *list, char *buf, size_t len)
{
  for (size_t i = 0; list && i < list->count; i++) {
    const struct mp_json *d = list->items[i];
    char item[600];

    if (mp_json_get(d, "external") && mp_json_get(d, "external")->boolean) {
      snprintf(item, sizeof(item), "%s=%s",
               mp_json_str(mp_json_get(d, "domain")),
               mp_json_str(mp_json_get(d, "authorization")));
      append(buf, len, item);
    }
  }
}

static void dkim_keys(const struct mp_json *found, char *buf, size_t len)
{
  for (size_t i = 0; found && i < found->count; i++) {
    const struct mp_json *k = found->items[i];
    char item[600], bits[32];
    const struct mp_json *cname = mp_json_get(k, "cname");

    text_of(mp_json_get(k, "bits"), bits, sizeof(bits));
    snprintf(item, sizeof(item), "%s:%s:%s%s%s%s%s",
             mp_json_str(mp_json_get(k, "selector")),
             mp_json_str(mp_json_get(k, "key_type")),
             strcmp(bits, "-") ? bits : "0",
             mp_json_get(k, "revoked")->boolean ? ":revoked" : "",
             mp_json_get(k, "testing")->boolean ? ":testing" : "",
             mp_json_is_null(cname) ? "" : ":cname=",
             mp_json_is_null(cname) ? "" : mp_json_str(cname));
    append(buf, len, item);
  }
}

static unsigned generic_count(const struct mp_json *hosts)
{
  unsigned n = 0;

  for (size_t i = 0; hosts && i < hosts->count; i++) {
    const struct mp_json *a = mp_json_get(hosts->items[i], "addresses");

    for (size_t k = 0; a && k < a->count; k++) {
      n += mp_json_get(a->items[k], "generic")->boolean;
    }
  }
  return n;
}

/* A string field as the truth writes it: "-" for null, "\"\"" for "". */
static void value_of(const struct mp_json *v, char *buf, size_t len)
{
  if (v && v->type == MP_JSON_STRING && v->len == 0) {
    snprintf(buf, len, "\"\"");
  } else {
    text_of(v, buf, len);
  }
}

static void expect_value(const char *line, const char *what, const char *want,
                         const struct mp_json *v)
{
  char buf[1024];

  value_of(v, buf, sizeof(buf));
  expect(line, what, want, buf);
}

/* rua= or ruf= destinations: "uri", then ">domain=authorization" (or
 * "=internal") when the URI has a domain. */
static void report_list(const struct mp_json *list, char *buf, size_t len)
{
  for (size_t i = 0; list && i < list->count; i++) {
    const struct mp_json *d = list->items[i];
    const struct mp_json *dom = mp_json_get(d, "domain");
    const struct mp_json *ext = mp_json_get(d, "external");
    char item[1200];

    if (mp_json_is_null(dom)) {
      snprintf(item, sizeof(item), "%s", mp_json_str(mp_json_get(d, "uri")));
    } else {
      snprintf(item, sizeof(item), "%s>%s=%s",
               mp_json_str(mp_json_get(d, "uri")), mp_json_str(dom),
               ext && ext->boolean
                   ? mp_json_str(mp_json_get(d, "authorization"))
                   : "internal");
    }
    append(buf, len, item);
  }
}

static void dkim_errors(const struct mp_json *found, char *buf, size_t len)
{
  for (size_t i = 0; found && i < found->count; i++) {
    const struct mp_json *err = mp_json_get(found->items[i], "error");
    char item[600];

    if (!mp_json_is_null(err)) {
      snprintf(item, sizeof(item), "%s=%s",
               mp_json_str(mp_json_get(found->items[i], "selector")),
               mp_json_str(err));
      append(buf, len, item);
    }
  }
}

/* Appends to buf[0..len) at *o; the test fails rather than cut the text. */
__attribute__((format(printf, 4, 5))) static void
addf(char *buf, size_t len, size_t *o, const char *fmt, ...)
{
  va_list ap;
  int n;

  va_start(ap, fmt);
  n = vsnprintf(buf + *o, len - *o, fmt, ap);
  va_end(ap);
  cr_assert(n >= 0 && (size_t)n < len - *o, "text too long for the check");
  *o += (size_t)n;
}

static bool is_bool(const struct mp_json *v, bool b)
{
  return v && v->type == MP_JSON_BOOL && v->boolean == b;
}

/* The CSV's mx_hosts_detail (docs/schema.md "MX hosts in CSV") built from
 * mx_hosts.hosts[], items joined with '|'. */
static void mx_detail(const struct mp_json *hosts, char *buf, size_t len)
{
  size_t o = 0;

  buf[0] = '\0';
  for (size_t i = 0; hosts && i < hosts->count; i++) {
    const struct mp_json *h = hosts->items[i];
    const struct mp_json *addrs = mp_json_get(h, "addresses");
    const struct mp_json *cname = mp_json_get(h, "cname");
    const char *host = mp_json_str(mp_json_get(h, "host"));

    addf(buf, len, &o, "%s%lld %s", i ? "|" : "",
         (long long)mp_json_get(h, "preference")->integer, host);
    if (host[0] == '\0') {
      continue; /* a null MX among others: nothing more */
    }
    if (!mp_json_is_null(cname)) {
      addf(buf, len, &o, " cname=%s", mp_json_str(cname));
    }
    if (mp_json_get(h, "ip_literal")->boolean) {
      addf(buf, len, &o, " literal");
    } else if (is_bool(mp_json_get(h, "resolves"), false)) {
      addf(buf, len, &o, " unresolved");
    }
    for (int f = 0; f < 2; f++) { /* " a=servfail": a failed lookup */
      const char *oc =
          mp_json_str(mp_json_get(h, f == 0 ? "a_outcome" : "aaaa_outcome"));

      if (oc && strcmp(oc, "ok") && strcmp(oc, "nodata") &&
          strcmp(oc, "nxdomain")) {
        addf(buf, len, &o, " %s=%s", f == 0 ? "a" : "aaaa", oc);
      }
    }
    for (size_t k = 0; addrs && k < addrs->count; k++) {
      const struct mp_json *a = addrs->items[k];
      const struct mp_json *ptr = mp_json_get(a, "ptr");
      const struct mp_json *fc = mp_json_get(a, "fcrdns");
      char state[64];

      snprintf(state, sizeof(state), "%s",
               is_bool(fc, true) ? "fcrdns" : "nofcrdns");
      if (mp_json_is_null(ptr)) {
        snprintf(state, sizeof(state), "%s",
                 mp_json_is_null(fc)
                     ? mp_json_str(mp_json_get(a, "ptr_outcome"))
                     : "noptr");
      } else if (mp_json_is_null(fc)) {
        snprintf(state, sizeof(state), "forward=%s",
                 mp_json_str(mp_json_get(a, "forward_outcome")));
      }
      addf(buf, len, &o, " %s>%s[%s%s]", mp_json_str(mp_json_get(a, "address")),
           mp_json_is_null(ptr) ? "" : mp_json_str(ptr), state,
           mp_json_get(a, "generic")->boolean ? ",generic" : "");
    }
  }
  if (o == 0) {
    snprintf(buf, len, "-");
  }
}

/* The finding codes that are not SPF_*, sorted. */
static void findings_of(const struct mp_json *list, char *buf, size_t len)
{
  char **items = mp_calloc((list ? list->count : 0) + 1, sizeof(*items));
  size_t n = 0;
  char *joinedlist;

  for (size_t i = 0; list && i < list->count; i++) {
    if (strncmp(list->items[i]->str, "SPF_", 4) != 0) {
      items[n++] = mp_strndup(list->items[i]->str, list->items[i]->len);
    }
  }
  joinedlist = join_sorted(items, n);
  snprintf(buf, len, "%s", joinedlist);
  mp_free(joinedlist);
  mp_free(items);
}

/* The columns appended for issue 4: the DMARC tags, DKIM probes and key
 * errors, the MX detail, the policy record fields, the finding codes. */
static void check_posture_detail(char **f, const struct mp_json *row)
{
  static const char *const tags[9] = {"p",    "sp", "np",  "pct", "adkim",
                                      "aspf", "fo", "psd", "t"};
  const struct mp_json *d = mp_json_get(row, "dmarc");
  const struct mp_json *k = mp_json_get(row, "dkim");
  char buf[8192], what[32];
  const char *line = f[0];
  char *got;

  expect_field(line, "dmarc.method", f[21], mp_json_get(d, "method"));
  expect_field(line, "dmarc.methods_disagree", f[22],
               mp_json_get(d, "methods_disagree"));
  for (int i = 0; i < 9; i++) {
    snprintf(what, sizeof(what), "dmarc.%s", tags[i]);
    expect_field(line, what, f[23 + i], mp_json_get(d, tags[i]));
  }
  snprintf(buf, sizeof(buf), "-");
  report_list(mp_json_get(d, "rua"), buf, sizeof(buf));
  expect(line, "dmarc.rua", f[32], buf);
  snprintf(buf, sizeof(buf), "-");
  report_list(mp_json_get(d, "ruf"), buf, sizeof(buf));
  expect(line, "dmarc.ruf", f[33], buf);
  got = joined(mp_json_get(d, "unknown_tags"));
  expect(line, "dmarc.unknown_tags", f[34], got);
  mp_free(got);
  got = joined(mp_json_get(d, "removed_tags"));
  expect(line, "dmarc.removed_tags", f[35], got);
  mp_free(got);
  expect_field(line, "dmarc.error", f[36], mp_json_get(d, "error"));
  expect_field(line, "dkim.probed", f[37], mp_json_get(k, "probed"));
  snprintf(buf, sizeof(buf), "-");
  dkim_errors(mp_json_get(k, "found"), buf, sizeof(buf));
  expect(line, "dkim key errors", f[38], buf);
  mx_detail(mp_json_path(row, "mx_hosts.hosts"), buf, sizeof(buf));
  expect(line, "mx_hosts detail", f[39], buf);
  expect_value(line, "mta_sts.id", f[40], mp_json_path(row, "mta_sts.id"));
  expect_value(line, "mta_sts.error", f[41],
               mp_json_path(row, "mta_sts.error"));
  expect_value(line, "tls_rpt.rua", f[42], mp_json_path(row, "tls_rpt.rua"));
  expect_value(line, "tls_rpt.error", f[43],
               mp_json_path(row, "tls_rpt.error"));
  expect_value(line, "bimi.location", f[44],
               mp_json_path(row, "bimi.location"));
  expect_value(line, "bimi.authority", f[45],
               mp_json_path(row, "bimi.authority"));
  expect_value(line, "bimi.error", f[46], mp_json_path(row, "bimi.error"));
  findings_of(mp_json_get(row, "findings"), buf, sizeof(buf));
  expect(line, "findings", f[47], buf);
  snprintf(buf, sizeof(buf), "-");
  for (size_t i = 0;
       mp_json_get(k, "failed") && i < mp_json_get(k, "failed")->count; i++) {
    const struct mp_json *x = mp_json_get(k, "failed")->items[i];
    char item[320];

    snprintf(item, sizeof(item), "%s=%s",
             mp_json_str(mp_json_get(x, "selector")),
             mp_json_str(mp_json_get(x, "outcome")));
    append(buf, sizeof(buf), item);
  }
  expect(line, "dkim.failed", f[49], buf);
}

static void check_posture(char **f, const struct mp_json *row)
{
  const struct mp_json *d = mp_json_get(row, "dmarc");
  const struct mp_json *k = mp_json_get(row, "dkim");
  const struct mp_json *mx = mp_json_get(row, "mx_hosts");
  const struct mp_json *v = mp_json_get(row, "verdict");
  char buf[4096];
  const char *line = f[0];

  expect_field(line, "dmarc.status", f[2], mp_json_get(d, "status"));
  expect_field(line, "dmarc.found_at", f[3], mp_json_get(d, "found_at"));
  expect_field(line, "dmarc.policy_domain", f[4],
               mp_json_get(d, "policy_domain"));
  expect_field(line, "dmarc.effective_policy", f[5],
               mp_json_get(d, "effective_policy"));
  expect_field(line, "dmarc.org_psl", f[6], mp_json_get(d, "org_psl"));
  expect_field(line, "dmarc.org_tree_walk", f[7],
               mp_json_get(d, "org_tree_walk"));
  snprintf(buf, sizeof(buf), "-");
  external(mp_json_get(d, "rua"), buf, sizeof(buf));
  external(mp_json_get(d, "ruf"), buf, sizeof(buf));
  expect(line, "dmarc external", f[8], buf);
  expect_field(line, "dkim.status", f[9], mp_json_get(k, "status"));
  snprintf(buf, sizeof(buf), "-");
  dkim_keys(mp_json_get(k, "found"), buf, sizeof(buf));
  expect(line, "dkim keys", f[10], buf);
  expect_field(line, "dkim.weakest_bits", f[11],
               mp_json_get(k, "weakest_bits"));
  if (strcmp(f[12], "-") == 0) { /* the domain does not exist */
    expect(line, "mx_hosts", "null",
           mp_json_is_null(mx) || !mx ? "null" : "an object");
  } else if (mp_json_is_null(mx) || !mx) {
    expect(line, "mx_hosts", "0 0 0 0", "null"); /* the truth has hosts */
  } else {
    expect_field(line, "mx.null_mx", f[12], mp_json_get(mx, "null_mx"));
    expect_field(line, "mx.all_fcrdns", f[13], mp_json_get(mx, "all_fcrdns"));
    expect_field(line, "mx.unresolved", f[14], mp_json_get(mx, "unresolved"));
    snprintf(buf, sizeof(buf), "%u", generic_count(mp_json_get(mx, "hosts")));
    expect(line, "mx generic", f[15], buf);
  }
  expect_field(line, "mta_sts.status", f[16],
               mp_json_path(row, "mta_sts.status"));
  expect_field(line, "tls_rpt.status", f[17],
               mp_json_path(row, "tls_rpt.status"));
  expect_field(line, "bimi.status", f[18], mp_json_path(row, "bimi.status"));
  expect_field(line, "verdict.ready", f[19], mp_json_get(v, "ready"));
  snprintf(buf, sizeof(buf), "-");
  for (size_t i = 0;
       mp_json_get(v, "failed") && i < mp_json_get(v, "failed")->count; i++) {
    append(buf, sizeof(buf), mp_json_get(v, "failed")->items[i]->str);
  }
  expect(line, "verdict.failed", f[20], buf);
  snprintf(buf, sizeof(buf), "-");
  for (size_t i = 0;
       mp_json_get(v, "unknown") && i < mp_json_get(v, "unknown")->count; i++) {
    append(buf, sizeof(buf), mp_json_get(v, "unknown")->items[i]->str);
  }
  expect(line, "verdict.unknown", f[48], buf);
  check_posture_detail(f, row);
}

Test(world, every_posture_column_matches_the_generated_truth, .timeout = 600)
{
  char out[4096], input[4096], path[4096];
  struct mp_json *rows;
  const struct mp_json **by_line;
  char *text, *save = NULL;
  size_t len, checked = 0;
  struct truth_set ts;

  snprintf(path, sizeof(path), "%s/posture_truth.tsv", MP_WORLD_DIR);
  text = mp_proc_slurp(path, &len);
  cr_assert_not_null(text, "no %s", path);
  truth_load(&ts);
  scratch_path(out, sizeof(out), "posture.ndjson");
  snprintf(input, sizeof(input), "%s/domains.txt", MP_WORLD_DIR);
  cr_assert_eq(run_scanner(input, out, NULL), 0);
  rows = read_rows(out);
  by_line = index_rows(rows, ts.max_line);
  disagreements = 0;
  for (char *l = strtok_r(text, "\n", &save); l;
       l = strtok_r(NULL, "\n", &save)) {
    char *f[POSTURE_COLUMNS], *p = l;
    const struct mp_json *row;

    if (l[0] == '#') {
      continue;
    }
    for (int k = 0; k < POSTURE_COLUMNS; k++) {
      f[k] = p;
      p = strchr(p, '\t');
      cr_assert(p || k == POSTURE_COLUMNS - 1, "short posture_truth line: %s",
                l);
      if (p) {
        *p++ = '\0';
      }
    }
    if (strcmp(f[2], "-") == 0) {
      continue; /* the domain's zone fails */
    }
    row = by_line[strtoull(f[0], NULL, 10)];
    cr_assert_not_null(row, "no row for posture truth line %s", f[0]);
    check_posture(f, row);
    checked++;
  }
  printf("world: %zu rows of DMARC, DKIM, MX, MTA-STS, TLS-RPT, BIMI, "
         "verdict and findings checked against the truth (%d columns), %u "
         "disagreements\n",
         checked, POSTURE_COLUMNS - 2, disagreements);
  cr_expect_gt(checked, 0);
  cr_expect_eq(disagreements, 0);
  mp_free(by_line);
  mp_json_free(rows);
  mp_free(text);
  truth_free(&ts);
  unlink(out);
}
