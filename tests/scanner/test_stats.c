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
  r.spf_eval.status = "valid";
  r.spf_eval.nincludes = ni;
  for (size_t i = 0; i < ni; i++) {
    r.spf_eval.includes[i].p = includes[i];
    r.spf_eval.includes[i].len = strlen(includes[i]);
  }
  r.dmarc_eval.evaluated = true;
  r.dmarc_eval.status = "valid";
  r.dmarc_eval.effective_policy = "reject";
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
