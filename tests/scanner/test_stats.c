/* The summary's adoption figures and top lists, from rows built in memory:
 * the JSON of --summary read back. The integration test (test_summary.c)
 * checks the same against a real scan. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/stats.h"
#include "tests/support/json.h"

static struct mp_stats st;

static void setup(void)
{
  mp_stats_init(&st);
}

static void teardown(void)
{
  mp_stats_close(&st);
}

TestSuite(stats, .init = setup, .fini = teardown);

static struct mp_json *summary_json(void)
{
  char *buf = NULL, err[128];
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  struct mp_json *j;

  cr_assert_not_null(f);
  cr_assert_eq(mp_stats_summary_json(&st, f), 0);
  fclose(f);
  j = mp_json_parse(buf, len, err, sizeof(err));
  cr_assert_not_null(j, "%s", err);
  free(buf);
  return j;
}

/* A resolved domain whose SPF names includes[] and whose DMARC record
 * sends aggregate reports to the domains dests[]. */
static void row(const char *const *includes, size_t ni,
                const char *const *dests, size_t nd)
{
  struct mp_result r;

  memset(&r, 0, sizeof(r));
  r.status = MP_STATUS_OK;
  r.spf_eval.evaluated = true;
  r.spf_eval.status = MP_SPF_STATUS_VALID;
  r.spf_eval.nincludes = ni;
  for (size_t i = 0; i < ni; i++) {
    r.spf_eval.includes[i].p = includes[i];
    r.spf_eval.includes[i].len = strlen(includes[i]);
  }
  r.dmarc_eval.evaluated = true;
  r.dmarc_eval.status = MP_RECORD_VALID;
  r.dmarc_eval.effective_policy = MP_DMARC_EFFECTIVE_REJECT;
  r.dmarc_eval.nrua = nd;
  for (size_t i = 0; i < nd; i++) {
    r.dmarc_eval.rua[i].domain = dests[i];
  }
  mp_stats_row(&st, &r);
}

static double top_count(const struct mp_json *j, const char *list,
                        const char *name)
{
  const struct mp_json *l = mp_json_get(j, list);

  for (size_t i = 0; l && i < l->count; i++) {
    if (mp_json_str_eq(mp_json_get(l->items[i], "name"), name)) {
      return mp_json_get(l->items[i], "domains")->number;
    }
  }
  return -1;
}

/* A record that names one include twice, or sends reports to two
 * addresses at one domain, is still one domain for the top lists. */
Test(stats, top_lists_count_each_domain_once_per_name)
{
  static const char *const inc[] = {"_spf.a.example", "_spf.a.example",
                                    "_spf.b.example"};
  static const char *const dest[] = {"reports.example", "reports.example"};
  struct mp_json *j;

  row(inc, 3, dest, 2);
  row(inc + 2, 1, dest, 1);
  j = summary_json();
  cr_expect_eq(top_count(j, "top_spf_includes", "_spf.a.example"), 1);
  cr_expect_eq(top_count(j, "top_spf_includes", "_spf.b.example"), 2);
  cr_expect_eq(top_count(j, "top_report_destinations", "reports.example"), 2);
  cr_expect_eq(mp_json_path(j, "adoption.domains")->number, 2);
  cr_expect_eq(mp_json_path(j, "adoption.dmarc_rua")->number, 2);
  cr_expect_eq(mp_json_path(j, "adoption.dmarc_reject")->number, 2);
  cr_expect_eq(mp_json_path(j, "adoption.spf_valid")->number, 2);
  mp_json_free(j);
}

/* A resolved domain whose DKIM probes found the keys given (error: the
 * key record does not parse; else an RSA key of bits), and whose probes
 * failed nfailed times. */
static void dkim_row(const enum mp_dkim_error *errors, const unsigned *bits,
                     size_t n, size_t nfailed)
{
  struct mp_result r;

  memset(&r, 0, sizeof(r));
  r.status = MP_STATUS_OK;
  r.dkim.evaluated = true;
  r.dkim.nfound = n;
  r.dkim.status = n         ? MP_DKIM_STATUS_FOUND
                  : nfailed ? MP_DKIM_STATUS_TEMPERROR
                            : MP_DKIM_STATUS_NONE;
  for (size_t i = 0; i < n; i++) {
    r.dkim.found[i].selector = "s1";
    r.dkim.found[i].key_type = "rsa";
    r.dkim.found[i].error = errors[i];
    r.dkim.found[i].bits = bits[i];
  }
  r.dkim.nfailed = nfailed;
  mp_stats_row(&st, &r);
}

static double adoption(const struct mp_json *j, const char *name)
{
  char path[64];
  const struct mp_json *v;

  snprintf(path, sizeof(path), "adoption.%s", name);
  v = mp_json_path(j, path);
  cr_assert_not_null(v, "%s missing", path);
  return v->number;
}

/* Item 9: "DKIM key found" counted key records that cannot be used. The
 * summary counts the usable keys (the verdict's rule) and the rest apart,
 * and the domains whose probes were not all answered. */
Test(stats, dkim_counts_usable_keys_apart_from_unusable_ones)
{
  static const enum mp_dkim_error bad[] = {MP_DKIM_ERROR_BAD_BASE64};
  static const enum mp_dkim_error good[] = {MP_DKIM_ERROR_ABSENT,
                                            MP_DKIM_ERROR_BAD_DER};
  static const unsigned small[] = {512}, bits[] = {2048, 0};
  struct mp_json *j;

  dkim_row(bad, small, 1, 0);      /* a record that does not parse */
  dkim_row(good + 1, small, 1, 0); /* bad_der */
  dkim_row(good, small, 1, 0);     /* RSA 512: must not be used (RFC 8301) */
  dkim_row(good, bits, 2, 1);      /* a usable key, a failed probe */
  dkim_row(NULL, NULL, 0, 2);      /* no key, two failed probes */
  dkim_row(NULL, NULL, 0, 0);      /* none */
  j = summary_json();
  cr_expect_eq(adoption(j, "dkim_rows"), 6);
  cr_expect_eq(adoption(j, "dkim_found"), 4);
  cr_expect_eq(adoption(j, "dkim_usable"), 1);
  cr_expect_eq(adoption(j, "dkim_unusable"), 3);
  cr_expect_eq(adoption(j, "dkim_incomplete"), 2);
  mp_json_free(j);
}

/* Unknown reverse DNS and unknown verdicts are counted apart, never as
 * met. */
Test(stats, unknowns_are_counted_apart)
{
  struct mp_result r;
  struct mp_json *j;

  memset(&r, 0, sizeof(r));
  r.status = MP_STATUS_OK;
  r.mx_check.evaluated = true;
  r.mx_check.all_fcrdns = MP_TRI_UNKNOWN;
  r.verdict.evaluated = true;
  r.verdict.ready = MP_TRI_UNKNOWN;
  mp_stats_row(&st, &r);
  r.mx_check.all_fcrdns = MP_TRI_TRUE;
  r.verdict.ready = MP_TRI_TRUE;
  mp_stats_row(&st, &r);
  j = summary_json();
  cr_expect_eq(adoption(j, "mx_rows"), 2);
  cr_expect_eq(adoption(j, "mx_all_fcrdns"), 1);
  cr_expect_eq(adoption(j, "mx_fcrdns_unknown"), 1);
  cr_expect_eq(adoption(j, "verdict_rows"), 2);
  cr_expect_eq(adoption(j, "ready"), 1);
  cr_expect_eq(adoption(j, "verdict_unknown"), 1);
  mp_json_free(j);
}

/* The summary for people says "usable". */
Test(stats, the_text_summary_names_usable_keys)
{
  static const enum mp_dkim_error bad[] = {MP_DKIM_ERROR_BAD_BASE64};
  static const unsigned bits[] = {0};
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);

  cr_assert_not_null(f);
  dkim_row(bad, bits, 1, 0);
  mp_stats_summary(&st, f);
  fclose(f);
  cr_expect_not_null(strstr(buf, "DKIM usable key 0.0%"), "%s", buf);
  cr_expect_null(strstr(buf, "DKIM key found"), "%s", buf);
  free(buf);
}
