/* The rows the writers produce against docs/schema.md: the two tables
 * there ("NDJSON fields", "CSV columns") are parsed and every row of a
 * varied set is checked against them, so the docs cannot drift. */
#include <criterion/criterion.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "output/part.h"
#include "output/runinfo.h"
#include "output/writer.h"
#include "scanner/base/alloc.h"
#include "tests/output/rows.h"
#include "tests/support/json.h"
#include "tests/support/proc.h"
#include "tests/support/schema.h"

/* ---- the rows ---------------------------------------------------------- */

#define NROWS 64

/* Every SPF status, every all qualifier, every check result, lists over
 * their caps and the largest counts. */
static size_t make_spf_rows(struct mp_result *rows, size_t n)
{
  static const char *const results[] = {
      "none", "neutral", "pass", "fail", "softfail", "temperror", "permerror"};
  static const char quals[] = {'+', '?', 0};
  struct mp_result_spf *s;

  rows_spf_full(&rows[n++]);
  rows_spf_syntax(&rows[n++]);
  rows_spf_none(&rows[n++]);
  for (size_t i = 0; i < sizeof(quals); i++) {
    rows_spf_full(&rows[n]);
    rows[n].spf_eval.all = quals[i];
    rows[n].line = 300 + i;
    n++;
  }
  rows_spf_full(&rows[n]); /* +all: the whole address space */
  s = &rows[n].spf_eval;
  s->ip4_addresses = UINT64_C(1) << 32;
  s->ip6_prefixes = UINT64_MAX;
  s->exact = true;
  s->uses_ptr = s->uses_exists = true;
  s->nchecks = MP_SPF_CHECKS_MAX;
  for (size_t i = 0; i < MP_SPF_CHECKS_MAX; i++) {
    s->checks[i].ip = "::1";
    s->checks[i].result =
        ROWS_ENUM(spf_check_result, SPF_CHECK_RESULT, results[i % 7]);
    s->checks[i].reason =
        i % 7 == 0 ? MP_SPF_REASON_CODE_NO_RECORD : MP_SPF_REASON_CODE_ABSENT;
  }
  s->nincludes = 100;
  for (size_t i = 0; i < MP_SPF_INCLUDES_MAX; i++) {
    s->includes[i] = s->includes[i % 2];
  }
  s->redirect = s->includes[0];
  s->ntargets = MP_SPF_TARGETS_MAX;
  for (size_t i = 0; i < MP_SPF_TARGETS_MAX; i++) {
    s->targets[i] = s->targets[i % 3];
  }
  s->targets[7].effective = MP_SPF_RESULT_NEUTRAL;
  s->targets[6].effective = MP_SPF_RESULT_FAIL;
  s->targets[5].effective = MP_SPF_RESULT_SOFTFAIL;
  rows[n].nfindings = MP_FINDINGS_MAX + 5;
  for (size_t i = 0; i < MP_FINDINGS_MAX; i++) {
    rows[n].findings[i] = MP_FINDING_SPF_BROAD;
  }
  rows[n].line = 310;
  n++;
  rows_spf_full(&rows[n]); /* a loop: over the limit */
  rows_spf(&rows[n].spf_eval, MP_SPF_STATUS_PERMERROR,
           MP_SPF_REASON_CODE_LOOKUP_LIMIT);
  rows[n].spf_eval.lookups = 11;
  rows[n].spf_eval.lookups_static = UINT32_MAX;
  rows[n].spf_eval.depth = 48;
  rows[n].line = 311;
  n++;
  return n;
}

/* Every value of the mail checks' enums, nulls where they may be, lists
 * over their caps. */
static size_t make_check_rows(struct mp_result *rows, size_t n)
{
  static const char *const dmarc_status[] = {"none", "valid", "invalid",
                                             "temperror"};
  static const char *const found_at[] = {"self", "organizational",
                                         "public_suffix", NULL};
  static const char *const method[] = {"direct", "psl", "tree_walk", NULL};
  static const char *const effective[] = {"none", "quarantine", "reject",
                                          "missing"};
  static const char *const dkim_status[] = {"found", "none", "no_domainkey",
                                            "temperror"};
  static const char *const failed[] = {"spf_or_dkim", "dmarc", "mx_fcrdns",
                                       "sender_fcrdns"};
  static const char psd[] = {'y', 'n', 'u', 0};
  static const char testing[] = {'y', 'n', 0, 0};
  size_t first = n;

  rows_full(&rows[n++]);
  rows_parked(&rows[n++]);
  rows_checks_off(&rows[n++]);
  for (size_t i = 0; i < 4; i++) {
    struct mp_result *r = &rows[n];
    struct mp_result_dmarc *d = &r->dmarc_eval;

    rows_full(r);
    r->line = 400 + i;
    d->status = ROWS_ENUM(record_status, RECORD_STATUS, dmarc_status[i]);
    d->found_at = ROWS_ENUM(dmarc_found, DMARC_FOUND, found_at[i]);
    d->method = ROWS_ENUM(dmarc_method, DMARC_METHOD, method[i]);
    d->methods_disagree = i == 2   ? MP_TRI_TRUE
                          : i == 3 ? MP_TRI_UNKNOWN
                                   : MP_TRI_FALSE;
    d->walk_failed = i == 3;
    /* a failed lookup in the SPF tree: its counts and flags unknown */
    r->spf_eval.tree_failed = i == 3;
    r->spf_eval.uses_ptr = i == 3 ? false : r->spf_eval.uses_ptr;
    r->spf_eval.targets[2].unknown = i == 3;
    d->org_tree_walk = i == 3 ? NULL : d->org_tree_walk;
    d->p = ROWS_ENUM(dmarc_p, DMARC_P, effective[i < 3 ? i : 0]);
    d->sp = ROWS_ENUM(dmarc_p, DMARC_P, i == 1 ? NULL : effective[(i + 1) % 3]);
    d->np = ROWS_ENUM(dmarc_p, DMARC_P, effective[(i + 2) % 3]);
    d->pct = i == 0 ? 0 : -1;
    d->adkim = i % 2 ? 'r' : 's';
    d->aspf = i % 2 ? 's' : 'r';
    d->psd = psd[i];
    d->testing = testing[i];
    d->effective_policy =
        ROWS_ENUM(dmarc_effective, DMARC_EFFECTIVE, effective[i]);
    d->rua[2].authorization = MP_DMARC_AUTH_LOOKUP_FAILED;
    d->error = i == 2 ? MP_DMARC_REASON_NO_POLICY : MP_DMARC_REASON_ABSENT;
    r->dkim.status = ROWS_ENUM(dkim_status, DKIM_STATUS, dkim_status[i]);
    r->dkim.found[0].error =
        i == 3 ? MP_DKIM_ERROR_BAD_DER : MP_DKIM_ERROR_ABSENT;
    r->dkim.found[1].key_type = i == 2 ? "ed25519" : "rsa";
    r->mta_sts.status = r->tls_rpt.status = r->bimi.status =
        ROWS_ENUM(record_status, RECORD_STATUS, dmarc_status[i]);
    r->mx_check.hosts[1].ip_literal = i == 1;
    r->mx_check.hosts[1].resolves = i == 2 ? MP_TRI_UNKNOWN : MP_TRI_TRUE;
    r->mx_check.hosts[1].a_outcome = (enum mp_outcome)(i + 2);
    r->mx_check.hosts[0].addrs[0].fcrdns =
        i == 1 ? MP_TRI_UNKNOWN : MP_TRI_TRUE;
    r->mx_check.hosts[0].addrs[0].forward_outcome =
        i == 1 ? MP_OUTCOME_TIMEOUT : MP_OUTCOME_OK;
    r->mx_check.nsenders = i;
    for (size_t k = 0; k < i; k++) {
      r->mx_check.senders[k] = r->mx_check.hosts[0].addrs[k % 2];
    }
    r->mx_check.senders_fcrdns = (enum mp_tri)(i % 3);
    r->mx_check.all_fcrdns = i == 3   ? MP_TRI_TRUE
                             : i == 2 ? MP_TRI_UNKNOWN
                                      : MP_TRI_FALSE;
    r->verdict.ready = i == 3   ? MP_TRI_TRUE
                       : i == 2 ? MP_TRI_UNKNOWN
                                : MP_TRI_FALSE;
    r->verdict.nfailed = i < 2 ? 1 : 0;
    r->verdict.failed[0] = ROWS_ENUM(requirement, REQUIREMENT, failed[i % 3]);
    r->verdict.nunknown = i == 1 || i == 2 ? 1 : 0;
    r->verdict.unknown[0] =
        ROWS_ENUM(requirement, REQUIREMENT, failed[(i + 1) % 3]);
    n++;
  }
  for (int o = 0; o < MP_OUTCOME_COUNT; o++) { /* every PTR outcome */
    rows_full(&rows[n]);
    rows[n].mx_check.hosts[0].addrs[0].ptr_outcome = (enum mp_outcome)o;
    rows[n].line = 500 + (uint64_t)o;
    n++;
  }
  rows_full(&rows[n]); /* everything over its cap; every text NUL-free */
  rows[n].line = 510;
  rows[n].dmarc_eval.nrua = rows[n].dmarc_eval.nruf = 1000;
  rows[n].dmarc_eval.nunknown = rows[n].dmarc_eval.nremoved = 1000;
  for (size_t i = 0; i < MP_DMARC_URIS_MAX; i++) {
    rows[n].dmarc_eval.rua[i] = rows[n].dmarc_eval.rua[i % 3];
    rows[n].dmarc_eval.ruf[i] = rows[n].dmarc_eval.rua[(i + 1) % 3];
  }
  for (size_t i = 0; i < MP_DMARC_TAGS_MAX; i++) {
    rows[n].dmarc_eval.unknown[i] = rows[n].dmarc_eval.unknown[0];
    rows[n].dmarc_eval.removed[i] = rows[n].dmarc_eval.removed[i % 2];
  }
  rows[n].dkim.nfound = rows[n].dkim.nfailed = 1000;
  for (size_t i = 0; i < MP_DKIM_FOUND_MAX; i++) {
    rows[n].dkim.found[i] = rows[n].dkim.found[i % 2];
  }
  for (size_t i = 0; i < MP_DKIM_FAILED_MAX; i++) {
    rows[n].dkim.failed[i].selector = "s1";
    rows[n].dkim.failed[i].outcome = (enum mp_outcome)(3 + i % 5);
  }
  rows[n].mx_check.nhosts = 1000;
  rows[n].mx_check.unresolved = UINT32_MAX;
  for (size_t i = 0; i < MP_MX_HOSTS_MAX; i++) {
    rows[n].mx_check.hosts[i] = rows[n].mx_check.hosts[i % 2];
    rows[n].mx_check.hosts[i].naddrs = 1000;
    for (size_t k = 0; k < MP_MX_ADDRS_MAX; k++) {
      rows[n].mx_check.hosts[i].addrs[k] = rows[n].mx_check.hosts[1].addrs[0];
    }
  }
  rows[n].verdict.nfailed = rows[n].verdict.nunknown = 1000;
  for (size_t i = 0; i < 8; i++) {
    rows[n].verdict.failed[i] =
        ROWS_ENUM(requirement, REQUIREMENT, failed[i % 4]);
    rows[n].verdict.unknown[i] =
        ROWS_ENUM(requirement, REQUIREMENT, failed[(i + 1) % 4]);
  }
  n++;
  cr_assert_eq(n - first, 3 + 4 + MP_OUTCOME_COUNT + 1);
  return n;
}

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
  n = make_spf_rows(rows, n);
  n = make_check_rows(rows, n);
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
  static struct mp_schema_table t;
  struct mp_result rows[NROWS];
  size_t n = make_rows(rows), len;
  char err[160] = "";
  char *text;
  struct mp_json *all;

  mp_schema_load(&t, "NDJSON fields", "field", "null");
  text = write_all("ndjson", rows, n, &len);
  all = mp_json_parse_ndjson(text, len, err, sizeof(err));
  cr_assert_not_null(all, "%s", err);
  cr_assert_eq(all->count, n);
  for (size_t i = 0; i < n; i++) {
    const struct mp_json *row = all->items[i];

    cr_assert_eq(row->type, MP_JSON_OBJECT);
    mp_schema_check_row(&t, row, "", i + 1);
    cr_expect(is_rfc3339_ms(mp_json_str(mp_json_get(row, "started"))),
              "line %zu: started", i + 1);
  }
  mp_json_free(all);
  mp_free(text);
}

/* The enum values documented are exactly the names the code writes. */
static void expect_same_set(const struct mp_schema_field *f,
                            const char *(*name)(int), int count)
{
  cr_assert_eq(f->nvalues, (size_t)count, "%s: %zu values, code has %d",
               f->name, f->nvalues, count);
  for (int i = 0; i < count; i++) {
    cr_expect(mp_schema_allowed(f, name(i), strlen(name(i))), "%s lacks %s",
              f->name, name(i));
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
  static struct mp_schema_table j, c;
  static const char *const outcomes[] = {
      "txt.outcome", "dmarc_txt.outcome",
      "mx.outcome",  "mx_hosts.hosts[].addresses[].ptr_outcome",
      "txt_outcome", "dmarc_txt_outcome",
      "mx_outcome"};

  mp_schema_load(&j, "NDJSON fields", "field", "null");
  mp_schema_load(&c, "CSV columns", "column", "empty");
  expect_same_set(mp_schema_find(&j, "status", NULL), status, MP_STATUS_COUNT);
  expect_same_set(mp_schema_find(&c, "status", NULL), status, MP_STATUS_COUNT);
  for (size_t i = 0; i < sizeof(outcomes) / sizeof(outcomes[0]); i++) {
    const struct mp_schema_field *f =
        mp_schema_find(i < 4 ? &j : &c, outcomes[i], NULL);

    cr_assert_not_null(f, "%s not documented", outcomes[i]);
    expect_same_set(f, outcome, MP_OUTCOME_COUNT);
  }
}

Test(schema, spf_all_is_documented_as_the_four_words)
{
  static struct mp_schema_table j, c;
  static const char *const words[] = {"pass", "fail", "softfail", "neutral"};
  const struct mp_schema_field *f[2];

  mp_schema_load(&j, "NDJSON fields", "field", "null");
  mp_schema_load(&c, "CSV columns", "column", "empty");
  f[0] = mp_schema_find(&j, "spf.all", NULL);
  f[1] = mp_schema_find(&c, "spf_all", NULL);
  for (size_t i = 0; i < 2; i++) {
    cr_assert_not_null(f[i]);
    cr_expect(f[i]->nullable, "%s", f[i]->name);
    cr_assert_eq(f[i]->nvalues, 4, "%s", f[i]->name);
    for (size_t k = 0; k < 4; k++) {
      cr_expect(mp_schema_allowed(f[i], words[k], strlen(words[k])), "%s: %s",
                f[i]->name, words[k]);
    }
  }
}

/* ---- CSV --------------------------------------------------------------- */

struct record {
  size_t n;
  char *cells[MP_SCHEMA_FIELDS];
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
    if (r->n == MP_SCHEMA_FIELDS) {
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

static void check_cell(const struct mp_schema_field *f, const char *v,
                       size_t line)
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
    ok = mp_schema_allowed(f, v, strlen(v));
  } else if (strcmp(b, "object") == 0 || strcmp(b, "array") == 0) {
    ok = false; /* NDJSON types */
  }
  cr_expect(ok, "record %zu: %s = \"%s\" is not a %s", line, f->name, v, b);
}

Test(schema, csv_rows_match_the_documented_columns)
{
  static struct mp_schema_table t;
  struct mp_result rows[NROWS];
  size_t n = make_rows(rows), len, pos = 0, count = 0;
  char *text;
  struct record r;
  int rc;

  mp_schema_load(&t, "CSV columns", "column", "empty");
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

static const char *column(const struct record *r,
                          const struct mp_schema_table *t, const char *name)
{
  size_t i = 0;

  cr_assert_not_null(mp_schema_find(t, name, &i), "no column %s", name);
  return r->cells[i];
}

Test(schema, csv_list_cells_split_back_into_items)
{
  static struct mp_schema_table t;
  struct mp_result row;
  size_t len, pos = 0;
  char *text, items[MP_PICK_MAX + 1][128];
  struct record r;

  mp_schema_load(&t, "CSV columns", "column", "empty");
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

Test(schema, csv_check_lists_split_back_into_items)
{
  static struct mp_schema_table t;
  struct mp_result row;
  size_t len, pos = 0;
  char *text, items[MP_MX_HOSTS_MAX + 1][128];
  struct record r;

  mp_schema_load(&t, "CSV columns", "column", "empty");
  rows_full(&row);
  text = write_all("csv", &row, 1, &len);
  cr_assert_eq(read_record(text, len, &pos, &r), 1);
  record_free(&r);
  cr_assert_eq(read_record(text, len, &pos, &r), 1);
  cr_assert_eq(split_list(column(&r, &t, "dkim_selectors"), items, 4), 2);
  cr_expect_str_eq(items[0], "google:rsa:2048");
  cr_expect_str_eq(items[1], "s1:rsa:1024:testing");
  cr_assert_eq(split_list(column(&r, &t, "mx_hosts_detail"), items, 4), 2);
  cr_expect_str_eq(items[1], "20 mx2.brand.example cname=mx.provider.example "
                             "198.51.100.7>198-51-100-7.dsl.isp.example"
                             "[fcrdns,generic] 198.51.100.8>[noptr]");
  cr_assert_eq(split_list(column(&r, &t, "dmarc_external_reports"), items, 4),
               2);
  cr_expect_str_eq(items[1], "other.example=not_authorized");
  cr_assert_eq(split_list(column(&r, &t, "dmarc_rua"), items, 4), 3);
  cr_assert_eq(split_list(column(&r, &t, "verdict_failed"), items, 4), 2);
  cr_expect_str_eq(items[0], "spf_or_dkim");
  cr_expect_str_eq(column(&r, &t, "verdict_ready"), "false");
  record_free(&r);
  mp_free(text);
}

/* ---- the part tables --------------------------------------------------- */

/* The docs' word for a kind (docs/schema.md, "Types"). */
static const char *doc_type(const struct mp_field *f, bool csv)
{
  switch (f->kind) {
  case MP_K_STRING:
  case MP_K_TIME:
    return "string";
  case MP_K_ENUM:
    return "enum";
  case MP_K_INT:
  case MP_K_UINT:
    return "int";
  case MP_K_NUMBER:
    return "number";
  case MP_K_BOOL:
    return "bool";
  case MP_K_OBJECT:
    return "object";
  case MP_K_LIST:
    return csv ? "list" : "array";
  }
  return "?";
}

struct flat {
  size_t n;
  struct {
    char name[96];
    const char *type;
    bool nullable;
    const struct mp_field *field;
  } f[MP_SCHEMA_FIELDS];
};

static void flat_add(struct flat *t, const char *name, const char *type,
                     bool nullable, const struct mp_field *f)
{
  cr_assert_lt(t->n, MP_SCHEMA_FIELDS);
  t->f[t->n].field = f;
  snprintf(t->f[t->n].name, sizeof(t->f[0].name), "%s", name);
  t->f[t->n].type = type;
  t->f[t->n].nullable = nullable;
  t->n++;
}

/* The NDJSON fields of part p under prefix, as the docs name them: "a.b",
 * "a[]" for the items of a list, "a[].b" for their members. */
static void flatten_ndjson(struct flat *t, const struct mp_part *p,
                           const char *prefix)
{
  for (size_t i = 0; i < p->n; i++) {
    const struct mp_field *f = &p->fields[i];
    char name[96];

    if (f->flags & MP_F_CSV_ONLY) {
      continue;
    }
    snprintf(name, sizeof(name), "%s%s%s", prefix, prefix[0] ? "." : "",
             f->name);
    flat_add(t, name, doc_type(f, false), (f->flags & MP_F_NULL) || f->when, f);
    if (f->kind == MP_K_OBJECT) {
      flatten_ndjson(t, f->sub, name);
    } else if (f->kind == MP_K_LIST) {
      const struct mp_field *item = &f->sub->fields[0];

      strncat(name, "[]", sizeof(name) - strlen(name) - 1);
      if (mp_field_scalar_list(f)) {
        flat_add(t, name, doc_type(item, false), item->flags & MP_F_NULL, item);
      } else {
        flat_add(t, name, "object", false, NULL);
        flatten_ndjson(t, f->sub, name);
      }
    }
  }
}

/* Compares the table's fields with the docs' in order, and names the
 * first field one has and the other lacks. */
static void expect_same_fields(const struct flat *code,
                               const struct mp_schema_table *docs,
                               const char *what)
{
  for (size_t i = 0; i < code->n; i++) {
    cr_expect_not_null(mp_schema_find(docs, code->f[i].name, NULL),
                       "%s: %s is in the table, not in docs/schema.md", what,
                       code->f[i].name);
  }
  for (size_t i = 0; i < docs->n; i++) {
    bool found = false;

    for (size_t k = 0; k < code->n && !found; k++) {
      found = strcmp(code->f[k].name, docs->f[i].name) == 0;
    }
    cr_expect(found, "%s: %s is in docs/schema.md, not in the table", what,
              docs->f[i].name);
  }
  cr_assert_eq(code->n, docs->n, "%s: %zu in the table, %zu documented", what,
               code->n, docs->n);
  for (size_t i = 0; i < code->n; i++) {
    const struct mp_schema_field *d = &docs->f[i];

    cr_expect_str_eq(code->f[i].name, d->name, "%s %zu: out of order", what,
                     i + 1);
    cr_expect_str_eq(code->f[i].type, d->base, "%s: %s is a %s, documented %s",
                     what, d->name, code->f[i].type, d->base);
    cr_expect_eq(code->f[i].nullable, d->nullable,
                 "%s: %s is%s nullable in the table, documented%s", what,
                 d->name, code->f[i].nullable ? "" : " not",
                 d->nullable ? " so" : " not");
  }
}

Test(schema, ndjson_fields_of_the_part_tables_are_documented)
{
  static struct mp_schema_table docs;
  static struct flat code;

  mp_schema_load(&docs, "NDJSON fields", "field", "null");
  flatten_ndjson(&code, &mp_part_row, "");
  expect_same_fields(&code, &docs, "NDJSON");
}

Test(schema, csv_columns_of_the_part_tables_are_documented)
{
  static struct mp_schema_table docs;
  static struct flat code;
  size_t n;
  const struct mp_csv_column *c = mp_csv_columns(&n);

  mp_schema_load(&docs, "CSV columns", "column", "empty");
  for (size_t i = 0; i < n; i++) {
    flat_add(&code, c[i].name, doc_type(c[i].path[c[i].depth - 1], true),
             c[i].nullable, c[i].path[c[i].depth - 1]);
  }
  expect_same_fields(&code, &docs, "CSV");
}

/* An enum field's "one of" list in the docs is its name table (the
 * values a typed schema is generated from), or a part of it where the
 * field takes only some: spf.include_checks[].effective (a check_host()
 * result, of which five can come out) and dkim.failed[].outcome (an
 * outcome, of which only failures are listed). */
static bool subset_documented(const char *name)
{
  return strstr(name, "include_check") || strstr(name, "dkim.failed") ||
         strstr(name, "dkim_failed");
}

static void expect_table_values(const struct flat *code,
                                const struct mp_schema_table *docs)
{
  size_t checked = 0;

  for (size_t i = 0; i < code->n; i++) {
    const struct mp_field *f = code->f[i].field;
    const struct mp_schema_field *d =
        mp_schema_find(docs, code->f[i].name, NULL);
    size_t n = 0;

    if (!f || !f->values || !d || d->nvalues == 0) {
      continue;
    }
    for (size_t k = 0; k < f->nvalues; k++) {
      n += f->values[k] != NULL;
    }
    for (size_t k = 0; k < d->nvalues; k++) {
      bool in = false;

      for (size_t v = 0; v < f->nvalues && !in; v++) {
        in = f->values[v] && strcmp(f->values[v], d->values[k]) == 0;
      }
      cr_expect(in, "%s: documented %s is not in its name table", d->name,
                d->values[k]);
    }
    if (!subset_documented(d->name)) {
      cr_expect_eq(n, d->nvalues, "%s: %zu names in the table, %zu documented",
                   d->name, n, d->nvalues);
    }
    checked++;
  }
  cr_expect_gt(checked, 10);
}

Test(schema, enum_fields_list_the_documented_values)
{
  static struct mp_schema_table j, c;
  static struct flat nd, cs;
  size_t n;
  const struct mp_csv_column *col = mp_csv_columns(&n);

  mp_schema_load(&j, "NDJSON fields", "field", "null");
  mp_schema_load(&c, "CSV columns", "column", "empty");
  flatten_ndjson(&nd, &mp_part_row, "");
  for (size_t i = 0; i < n; i++) {
    flat_add(&cs, col[i].name, "", false, col[i].path[col[i].depth - 1]);
  }
  expect_table_values(&nd, &j);
  expect_table_values(&cs, &c);
}

/* Every field says what it holds, in one line, and reads from the row. */
static void expect_described(const struct mp_part *p)
{
  for (size_t i = 0; i < p->n; i++) {
    const struct mp_field *f = &p->fields[i];

    cr_expect(f->meaning && f->meaning[0] && !strchr(f->meaning, '\n'),
              "%s.%s: no meaning", p->name, f->name);
    cr_expect(f->get || f->csv_cell, "%s.%s: no accessor", p->name, f->name);
    cr_expect_eq(f->kind == MP_K_OBJECT || f->kind == MP_K_LIST,
                 f->sub != NULL || f->csv_cell != NULL, "%s.%s: sub", p->name,
                 f->name);
    if (f->sub) {
      expect_described(f->sub);
    }
  }
}

Test(schema, every_field_has_a_meaning_and_an_accessor)
{
  expect_described(&mp_part_row);
}

/* ---- the summary's "run" object ---------------------------------------- */

/* Every member of obj, and of the objects inside it, is named `like this`
 * in the docs' Summary section. */
static void run_keys_documented(const struct mp_json *obj, const char *doc)
{
  for (size_t i = 0; i < obj->count; i++) {
    char key[128];

    snprintf(key, sizeof(key), "`%s`", obj->keys[i]->str);
    cr_expect_not_null(strstr(doc, key), "summary: run field %s undocumented",
                       key);
    if (obj->items[i]->type == MP_JSON_OBJECT) {
      run_keys_documented(obj->items[i], doc);
    }
  }
}

/* Every value set, so that every key is written. */
Test(schema, summary_run_keys_are_documented)
{
  struct mp_run_info r = {.version = "0.1.0",
                          .cares_version = "1.18.1",
                          .libuv_version = "1.44.2",
                          .format = "ndjson",
                          .input_format = "auto",
                          .shard_k = 1,
                          .shard_n = 4,
                          .window = 64,
                          .concurrency = 200,
                          .timeout_ms = 2000,
                          .retries = 2,
                          .fixed_window = true,
                          .qps = 100,
                          .spf_sender = "postmaster",
                          .spf_helo = "mail.example",
                          .psl_mtime_s = 1700000000,
                          .psl_version = "2026-01-01_00-00-00_UTC",
                          .psl_commit = "abc",
                          .input_path = "in.txt",
                          .ndomains = 2,
                          .input_known = true,
                          .input_size = 10,
                          .input_hash = 0xabc,
                          .start_us = 1,
                          .end_us = 2,
                          .rows = 3,
                          .resumed_rows = 4,
                          .state = MP_RUN_RESUMED};
  struct mp_run_list *lists[] = {&r.resolvers,    &r.checks,  &r.dkim_selectors,
                                 &r.dkim_require, &r.spf_ips, &r.spf_includes};
  char *text = NULL, *doc, err[256];
  size_t len;
  FILE *f = open_memstream(&text, &len);
  struct mp_json *v;
  const struct mp_json *run;

  r.psl_path = "/p.dat";
  for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
    lists[i]->v[lists[i]->n++] = "x";
  }
  fputs("{\"rows\":3", f);
  cr_assert_eq(mp_run_info_json(&r, f), 0);
  fputs("}", f);
  fclose(f);
  v = mp_json_parse(text, len, err, sizeof(err));
  cr_assert_not_null(v, "run JSON: %s: %s", err, text);
  run = mp_json_get(v, "run");
  cr_assert_not_null(run);
  cr_expect(mp_json_str_eq(mp_json_get(run, "state"), "resumed"));
  cr_expect(
      mp_json_str_eq(mp_json_path(run, "input.xxh3"), "0000000000000abc"));
  cr_expect(mp_json_str_eq(mp_json_path(run, "options.shard"), "1/4"));
  doc = mp_proc_slurp(MP_SOURCE_DIR "/docs/schema.md", NULL);
  cr_assert_not_null(doc);
  cr_assert_not_null(strstr(doc, "\n## Summary JSON"));
  cr_expect_not_null(strstr(strstr(doc, "\n## Summary JSON"), "`run`"));
  run_keys_documented(run, strstr(doc, "\n## Summary JSON"));
  mp_json_free(v);
  free(text);
  mp_free(doc);
}

/* A list fetched from publicsuffix.org names its version and commit in its
 * first lines; Debian's names neither, which leaves them empty. */
Test(schema, summary_run_reads_the_psl_version_lines)
{
  char path[] = "/tmp/mp_psl_XXXXXX";
  int fd = mkstemp(path);
  FILE *f = fdopen(fd, "w");
  struct mp_run_info r;

  cr_assert_not_null(f);
  fputs("// This Source Code Form is subject to the terms of the MPL\n"
        "// VERSION: 2026-11-30_08-51-27_UTC\n"
        "// COMMIT: 0123abcd\r\n"
        "com\n",
        f);
  cr_assert_eq(fclose(f), 0);
  mp_run_info_psl(&r, path);
  cr_expect_str_eq(r.psl_version, "2026-11-30_08-51-27_UTC");
  cr_expect_str_eq(r.psl_commit, "0123abcd");
  cr_expect_gt(r.psl_mtime_s, 0);
  unlink(path);
  mp_run_info_psl(&r, MP_SOURCE_DIR "/tests/data/psl/public_suffix_list.dat");
  cr_expect_str_eq(r.psl_version, "");
  mp_run_info_psl(&r, "/nonexistent/psl.dat");
  cr_expect_eq(r.psl_mtime_s, -1);
}
