/* The posture counts of the summary, in memory: rows built as structs,
 * counted, the JSON read back; and the rows written by the real writers,
 * NDJSON and CSV, read back by scanner/postrow.c and counted again to the
 * same JSON (what mailposture summarize does). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "output/writer.h"
#include "scanner/postrow.h"
#include "scanner/posture.h"
#include "tests/output/rows.h"
#include "tests/support/json.h"

static struct mp_posture p;

static void setup(void)
{
  mp_posture_init(&p, NULL);
}

static void teardown(void)
{
  mp_posture_close(&p);
}

TestSuite(posture, .init = setup, .fini = teardown);

static char *posture_text(const struct mp_posture *q, size_t *len)
{
  char *buf = NULL;
  FILE *f = open_memstream(&buf, len);

  cr_assert_not_null(f);
  fprintf(f, "{\"rows\":%llu", (unsigned long long)q->rows);
  mp_posture_json_counts(q, f);
  mp_posture_json(q, f);
  fputs("}", f);
  fclose(f);
  return buf;
}

static struct mp_json *posture_json(void)
{
  size_t len;
  char *buf = posture_text(&p, &len), err[128];
  struct mp_json *j = mp_json_parse(buf, len, err, sizeof(err));

  cr_assert_not_null(j, "%s", err);
  free(buf);
  return j;
}

static double num(const struct mp_json *j, const char *path)
{
  const struct mp_json *v = mp_json_path(j, path);

  cr_assert_not_null(v, "%s missing", path);
  return v->number;
}

/* The member what of the bucket named name in list. */
static double bucket(const struct mp_json *list, const char *key,
                     const char *name, const char *what)
{
  for (size_t i = 0; list && i < list->count; i++) {
    if (mp_json_str_eq(mp_json_get(list->items[i], key), name)) {
      return mp_json_get(list->items[i], what)->number;
    }
  }
  cr_assert_fail("bucket %s missing", name);
  return -1;
}

static struct mp_prow ok_row(void)
{
  struct mp_prow r;

  memset(&r, 0, sizeof(r));
  r.status = MP_STATUS_OK;
  r.rank = -1;
  r.domain = "a.example";
  return r;
}

static void spf(enum mp_spf_status status, char all, unsigned lookups,
                bool limit)
{
  struct mp_prow r = ok_row();

  r.spf = true;
  r.spf_count = status == MP_SPF_STATUS_NONE ? 0 : 1;
  r.spf_status = status;
  r.spf_all = all;
  r.spf_lookups = lookups;
  r.spf_lookup_limit = limit;
  mp_posture_add(&p, &r);
}

Test(posture, spf_all_counts_only_valid_records)
{
  struct mp_json *j;

  spf(MP_SPF_STATUS_VALID, '-', 2, false);
  spf(MP_SPF_STATUS_VALID, '-', 0, false);
  spf(MP_SPF_STATUS_VALID, '~', 3, false);
  spf(MP_SPF_STATUS_VALID, '?', 3, false);
  spf(MP_SPF_STATUS_VALID, 0, 1, false);
  spf(MP_SPF_STATUS_PERMERROR, '+', 11, true); /* not valid: no spf_all_* */
  spf(MP_SPF_STATUS_NONE, 0, 0, false);
  j = posture_json();
  cr_expect_eq(num(j, "adoption.spf_rows"), 7);
  cr_expect_eq(num(j, "adoption.spf_valid"), 5);
  cr_expect_eq(num(j, "adoption.spf_all_fail"), 2);
  cr_expect_eq(num(j, "adoption.spf_all_softfail"), 1);
  cr_expect_eq(num(j, "adoption.spf_all_neutral"), 1);
  cr_expect_eq(num(j, "adoption.spf_all_pass"), 0);
  cr_expect_eq(num(j, "adoption.spf_all_none"), 1);
  cr_expect_eq(num(j, "adoption.spf_plus_all"), 1);
  cr_expect_eq(num(j, "adoption.spf_lookup_limit"), 1);
  mp_json_free(j);
}

Test(posture, spf_lookups_histogram_has_every_bucket)
{
  const struct mp_json *h;
  struct mp_json *j;

  spf(MP_SPF_STATUS_VALID, '-', 3, false);
  spf(MP_SPF_STATUS_VALID, '-', 3, false);
  spf(MP_SPF_STATUS_VALID, '-', 10, false);
  spf(MP_SPF_STATUS_PERMERROR, '-', 11, true);
  spf(MP_SPF_STATUS_PERMERROR, 0, 0, false); /* a syntax error: left out */
  spf(MP_SPF_STATUS_NONE, 0, 0, false);      /* no record: left out */
  j = posture_json();
  h = mp_json_path(j, "histograms.spf_lookups");
  cr_assert_eq(h->count, 12);
  cr_expect(mp_json_str_eq(mp_json_get(h->items[0], "bucket"), "0"));
  cr_expect(mp_json_str_eq(mp_json_get(h->items[11], "bucket"), ">10"));
  cr_expect_eq(bucket(h, "bucket", "0", "domains"), 0);
  cr_expect_eq(bucket(h, "bucket", "3", "domains"), 2);
  cr_expect_eq(bucket(h, "bucket", "10", "domains"), 1);
  cr_expect_eq(bucket(h, "bucket", ">10", "domains"), 1);
  mp_json_free(j);
}

Test(posture, dkim_key_bits_by_size_without_revoked_or_broken_keys)
{
  struct mp_prow r = ok_row();
  const struct mp_json *h;
  struct mp_json *j;
  const struct mp_prow_key keys[] = {
      {512, true, false, false},  {1024, true, false, false},
      {2048, true, false, false}, {2048, true, false, false},
      {1536, true, false, false}, {0, false, false, false}, /* Ed25519 */
      {2048, true, true, false},  {0, true, false, true},   /* revoked, error */
  };

  r.dkim = true;
  r.nkeys = 8;
  memcpy(r.keys, keys, sizeof(keys));
  mp_posture_add(&p, &r);
  j = posture_json();
  h = mp_json_path(j, "histograms.dkim_key_bits");
  cr_assert_eq(h->count, 6);
  cr_expect_eq(bucket(h, "bucket", "<1024", "keys"), 1);
  cr_expect_eq(bucket(h, "bucket", "1024", "keys"), 1);
  cr_expect_eq(bucket(h, "bucket", "2048", "keys"), 2);
  cr_expect_eq(bucket(h, "bucket", "3072", "keys"), 0);
  cr_expect_eq(bucket(h, "bucket", "4096", "keys"), 0);
  cr_expect_eq(bucket(h, "bucket", "other", "keys"), 2);
  cr_expect_eq(num(j, "adoption.dkim_usable"), 1);
  mp_json_free(j);
}

Test(posture, findings_count_each_row_once_per_code_and_severity)
{
  struct mp_prow r = ok_row();
  const struct mp_json *codes;
  struct mp_json *j;

  r.nfindings = 3;
  r.findings[0] = MP_FINDING_SPF_LOOKUP_LIMIT; /* error */
  r.findings[1] = MP_FINDING_SPF_LOOKUP_LIMIT;
  r.findings[2] = MP_FINDING_SPF_MISSING; /* warning */
  mp_posture_add(&p, &r);
  r.nfindings = 1;
  r.findings[0] = MP_FINDING_SPF_MISSING;
  mp_posture_add(&p, &r);
  r.status = MP_STATUS_TIMEOUT; /* findings count over every row */
  mp_posture_add(&p, &r);
  j = posture_json();
  cr_expect_eq(num(j, "findings.by_severity.error"), 1);
  cr_expect_eq(num(j, "findings.by_severity.warning"), 3);
  cr_expect_eq(num(j, "findings.by_severity.info"), 0);
  codes = mp_json_path(j, "findings.by_code");
  cr_assert_eq(codes->count, 2);
  cr_expect(mp_json_str_eq(mp_json_get(codes->items[0], "code"),
                           "SPF_MISSING")); /* most rows first */
  cr_expect(
      mp_json_str_eq(mp_json_get(codes->items[0], "severity"), "warning"));
  cr_expect_eq(mp_json_get(codes->items[0], "domains")->number, 3);
  cr_expect_eq(mp_json_get(codes->items[1], "domains")->number, 1);
  cr_expect_eq(num(j, "adoption.domains"), 2);
  mp_json_free(j);
}

Test(posture, rank_buckets_are_always_the_five)
{
  static const int64_t ranks[] = {
      1, 1000, 1001, 10000, 10001, 100000, 100001, 1000000, 1000001, -1, 0};
  static const double want[] = {2, 2, 2, 2, 2}; /* 1000001, -1 and 0: none */
  const struct mp_json *b;
  struct mp_json *j;

  for (size_t i = 0; i < sizeof(ranks) / sizeof(ranks[0]); i++) {
    struct mp_prow r = ok_row();

    r.rank = ranks[i];
    mp_posture_add(&p, &r);
  }
  j = posture_json();
  b = mp_json_path(j, "breakdowns.by_rank");
  cr_assert_eq(b->count, 5);
  cr_expect(mp_json_str_eq(mp_json_get(b->items[0], "key"), "1-1k"));
  cr_expect(mp_json_str_eq(mp_json_get(b->items[4], "key"), "unranked"));
  for (size_t i = 0; i < 4; i++) {
    cr_expect_eq(mp_json_get(b->items[i], "domains")->number, want[i],
                 "bucket %zu", i);
  }
  cr_expect_eq(mp_json_get(b->items[4], "domains")->number, 3);
  /* every key of adoption in each group */
  cr_expect_eq(b->items[0]->count, MP_ADOPTION_COUNT + 1);
  mp_json_free(j);
}

Test(posture, suffixes_by_the_psl_then_the_rest_as_other)
{
  struct mp_orgdomain *psl = NULL;
  const struct mp_json *b;
  struct mp_json *j;
  char name[64];

  cr_assert_eq(mp_orgdomain_new(MP_SOURCE_DIR
                                "/tests/data/psl/public_suffix_list.dat",
                                &psl),
               0);
  p.psl = psl;
  for (int i = 0; i < 3; i++) {
    struct mp_prow r = ok_row();

    r.domain = i < 2 ? "shop.example.co.uk" : "www.example.com";
    mp_posture_add(&p, &r);
  }
  for (int i = 0; i < 60; i++) { /* 60 suffixes of one domain each */
    struct mp_prow r = ok_row();

    snprintf(name, sizeof(name), "x.tld%02d", i);
    r.domain = name;
    mp_posture_add(&p, &r);
  }
  j = posture_json();
  b = mp_json_path(j, "breakdowns.by_suffix");
  cr_assert_eq(b->count, MP_POSTURE_SUFFIXES_LISTED + 1);
  cr_expect(mp_json_str_eq(mp_json_get(b->items[0], "key"), "co.uk"));
  cr_expect_eq(mp_json_get(b->items[0], "domains")->number, 2);
  cr_expect(mp_json_str_eq(mp_json_get(b->items[1], "key"), "com"));
  cr_expect(mp_json_str_eq(mp_json_get(b->items[2], "key"), "tld00"));
  cr_expect(mp_json_str_eq(mp_json_get(b->items[50], "key"), "other"));
  /* 62 groups: 50 listed, 12 in other */
  cr_expect_eq(mp_json_get(b->items[50], "domains")->number, 12);
  mp_json_free(j);
  p.psl = NULL;
  mp_orgdomain_free(psl);
}

/* ---- rows written and read back ---------------------------------------- */

static void (*const samples[])(struct mp_result *) = {
    rows_ok,         rows_invalid,  rows_timeout, rows_hostile, rows_spf_full,
    rows_spf_syntax, rows_spf_none, rows_full,    rows_parked,
};

static void round_trip(const char *format)
{
  char path[] = "/tmp/mp-test-posture-XXXXXX", err[256];
  struct mp_posture live, back;
  struct mp_writer w;
  struct mp_postrow r;
  struct mp_result res;
  struct mp_prow row;
  char *a, *b;
  size_t alen, blen;
  int fd = mkstemp(path), rc;
  FILE *f = fdopen(fd, "w");

  cr_assert_not_null(f);
  mp_posture_init(&live, NULL);
  mp_posture_init(&back, NULL);
  cr_assert_eq(mp_writer_init(&w, mp_writer_find(format), f), 0);
  for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
    memset(&res, 0, sizeof(res));
    samples[i](&res);
    cr_assert_eq(mp_writer_write(&w, &res), 0);
    mp_prow_from_result(&row, &res);
    mp_posture_add(&live, &row);
  }
  cr_assert_eq(mp_writer_close(&w), 0);
  fclose(f);
  cr_assert_eq(mp_postrow_open(&r, path, err, sizeof(err)), 0, "%s", err);
  while ((rc = mp_postrow_next(&r)) == 1) {
    mp_posture_add(&back, &r.row);
  }
  cr_expect_eq(rc, 0, "line %llu", (unsigned long long)r.lineno);
  mp_postrow_close(&r);
  a = posture_text(&live, &alen);
  b = posture_text(&back, &blen);
  cr_expect_str_eq(b, a, "%s read back counts otherwise", format);
  cr_expect_eq(live.rows, sizeof(samples) / sizeof(samples[0]));
  free(a);
  free(b);
  mp_posture_close(&live);
  mp_posture_close(&back);
  unlink(path);
}

Test(posture, ndjson_rows_read_back_count_as_the_live_rows)
{
  round_trip("ndjson");
}

Test(posture, csv_rows_read_back_count_as_the_live_rows)
{
  round_trip("csv");
}

Test(posture, a_repeated_csv_header_is_skipped)
{
  char path[] = "/tmp/mp-test-posture-XXXXXX", err[256];
  struct mp_postrow r;
  struct mp_writer w;
  struct mp_result res;
  int fd = mkstemp(path), n = 0;
  FILE *f = fdopen(fd, "w");

  for (int part = 0; part < 2; part++) { /* two CSV parts, concatenated */
    cr_assert_eq(mp_writer_init(&w, &mp_writer_csv, f), 0);
    memset(&res, 0, sizeof(res));
    rows_full(&res);
    cr_assert_eq(mp_writer_write(&w, &res), 0);
    cr_assert_eq(mp_writer_close(&w), 0);
  }
  fclose(f);
  cr_assert_eq(mp_postrow_open(&r, path, err, sizeof(err)), 0, "%s", err);
  while (mp_postrow_next(&r) == 1) {
    cr_expect_str_eq(r.row.domain, "news.brand.example");
    cr_expect_eq(r.row.rank, 1000);
    n++;
  }
  cr_expect_eq(n, 2);
  mp_postrow_close(&r);
  unlink(path);
}
