/* The DMARC check as a job runs it (check_dmarc.c), from the answer at
 * _dmarc.<domain>, over an in-memory zone whose fetcher answers at once:
 * whether the domain exists, which decides np (RFC 9989 section 4.10.1),
 * is asked by the check itself, never read from another check. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scanner/dns/cache.h"
#include "scanner/checks/check.h"
#include "scanner/config.h"
#include "scanner/records/orgdomain.h"
#include "tests/support/checkjob.h"
#include "tests/support/memzone.h"

static struct mp_memzone *zone;
static struct mp_cache *cache;
static struct mp_config cfg;
static struct mp_checkjob harness;
static struct mp_job *job;
static struct mp_result res;

static void txt(const char *owner, const char *text)
{
  cr_assert_eq(mp_memzone_add(zone, owner, MP_T_TXT, 0, text, strlen(text)), 0);
}

static void setup(void)
{
  mp_checkjob_open(&harness, &cfg);
  zone = harness.zone;
  cache = harness.cache;
  job = harness.job;
  txt("_dmarc.example.test", "v=DMARC1; p=none; sp=quarantine; np=reject");
}

static void teardown(void)
{
  mp_checkjob_close(&harness);
}

/* Runs the check for domain as if its _dmarc lookup had been answered by
 * the zone; the job is held, so it never completes. */
static void run(const char *domain)
{
  void *st = mp_job_state(job, &mp_check_dmarc);

  mp_job_reset(job);
  job->pending = 0;
  snprintf(job->domain, sizeof(job->domain), "%s", domain);
  mp_job_hold(job);
  mp_check_dmarc.start(job, st);
  cr_assert_eq(job->pending, 1, "the check did not finish");
  memset(&res, 0, sizeof(res));
  mp_check_dmarc.finish(job, st, &res);
}

static bool has_finding(enum mp_finding_code code)
{
  for (size_t i = 0; i < res.nfindings; i++) {
    if (res.findings[i] == code) {
      return true;
    }
  }
  return false;
}

TestSuite(check_dmarc, .init = setup, .fini = teardown);

Test(check_dmarc, a_subdomain_that_does_not_exist_takes_np)
{
  run("gone.example.test");
  cr_assert_eq(res.dmarc_eval.status, MP_RECORD_VALID);
  cr_assert_eq(res.dmarc_eval.found_at, MP_DMARC_FOUND_ORGANIZATIONAL);
  cr_assert_eq(res.dmarc_eval.effective_policy, MP_DMARC_EFFECTIVE_REJECT);
  cr_assert(res.dmarc_eval.domain_missing);
  job->on = 1u << 1; /* mp_checks[1] is the DMARC check */
  mp_job_result(job, &res);
  cr_assert_eq(res.status, MP_STATUS_NXDOMAIN);
}

Test(check_dmarc, a_subdomain_that_exists_takes_sp)
{
  txt("shop.example.test", "v=spf1 -all");
  run("shop.example.test");
  cr_assert_eq(res.dmarc_eval.effective_policy, MP_DMARC_EFFECTIVE_QUARANTINE);
  cr_assert(!res.dmarc_eval.domain_missing);
}

/* A name without records exists (NODATA, not NXDOMAIN, RFC 8020). */
Test(check_dmarc, a_name_without_records_exists)
{
  cr_assert_eq(mp_memzone_add_owner(zone, "shop.example.test"), 0);
  run("shop.example.test");
  cr_assert_eq(res.dmarc_eval.effective_policy, MP_DMARC_EFFECTIVE_QUARANTINE);
}

/* A failed lookup is never read as an answer: when np and sp differ the
 * policy is unknown. */
Test(check_dmarc, np_is_unknown_when_the_existence_lookup_fails)
{
  cr_assert_eq(mp_memzone_add_timeout(zone, "shop.example.test"), 0);
  run("shop.example.test");
  cr_assert_eq(res.dmarc_eval.status, MP_RECORD_TEMPERROR);
  cr_assert_eq(res.dmarc_eval.effective_policy, MP_DMARC_EFFECTIVE_MISSING);
  cr_assert_str_eq(res.dmarc_eval.policy_domain, "example.test");
  cr_assert_eq(res.dmarc_eval.np, MP_DMARC_P_REJECT);
  cr_assert(!res.dmarc_eval.domain_missing);
  cr_assert_eq(res.dmarc_eval.domain_lookup, MP_OUTCOME_TIMEOUT);
  cr_assert(!has_finding(MP_FINDING_DMARC_MISSING));
  /* the row (--checks dmarc) says the lookup failed, not "ok" */
  job->on = 1u << 1; /* mp_checks[1] is the DMARC check */
  cr_assert_eq(mp_checks[1], &mp_check_dmarc);
  mp_job_result(job, &res);
  cr_assert_eq(res.status, MP_STATUS_TIMEOUT);
}

Test(check_dmarc, a_failed_existence_lookup_does_not_matter_without_np)
{
  txt("_dmarc.other.test", "v=DMARC1; p=none; sp=quarantine");
  cr_assert_eq(mp_memzone_add_timeout(zone, "shop.other.test"), 0);
  run("shop.other.test");
  cr_assert_eq(res.dmarc_eval.status, MP_RECORD_VALID);
  cr_assert_eq(res.dmarc_eval.effective_policy, MP_DMARC_EFFECTIVE_QUARANTINE);
}

/* No policy anywhere: DMARC_MISSING for a domain that exists or whose
 * existence is unknown, not for one that does not exist. */
Test(check_dmarc, no_dmarc_missing_for_a_domain_that_does_not_exist)
{
  run("gone.nodmarc.test");
  cr_assert_eq(res.dmarc_eval.status, MP_RECORD_NONE);
  cr_assert(res.dmarc_eval.domain_missing);
  cr_assert(!has_finding(MP_FINDING_DMARC_MISSING));
  mp_job_reset(job);
  txt("here.nodmarc.test", "v=spf1 -all");
  run("here.nodmarc.test");
  cr_assert(has_finding(MP_FINDING_DMARC_MISSING));
}

/* No policy anywhere, and whether the domain exists is unknown: it may
 * not, so no DMARC_MISSING (only a domain that exists gets it). */
Test(check_dmarc, no_dmarc_missing_when_existence_is_unknown)
{
  cr_assert_eq(mp_memzone_add_timeout(zone, "maybe.nodmarc.test"), 0);
  run("maybe.nodmarc.test");
  cr_assert_eq(res.dmarc_eval.status, MP_RECORD_NONE);
  cr_assert_eq(res.dmarc_eval.domain_lookup, MP_OUTCOME_TIMEOUT);
  cr_assert(!has_finding(MP_FINDING_DMARC_MISSING));
}

/* Its own record shows the domain exists: no question asked. */
Test(check_dmarc, its_own_record_needs_no_existence_lookup)
{
  uint64_t before;

  txt("_dmarc.self.test", "v=DMARC1; p=reject");
  before = mp_memzone_queries_of(zone, MP_T_TXT);
  run("self.test");
  cr_assert_eq(res.dmarc_eval.found_at, MP_DMARC_FOUND_SELF);
  /* _dmarc.self.test (the run's own) and the walk's _dmarc.test */
  cr_assert_eq(mp_memzone_queries_of(zone, MP_T_TXT), before + 2);
}

/* The answer another check got (the SPF check's TXT lookup, offered to the
 * shared cache) is the one read: no query is added. */
Test(check_dmarc, reads_the_shared_answer_without_a_query)
{
  struct mp_answer *a = mp_memzone_query(zone, "gone.example.test", MP_T_TXT);
  uint64_t before;

  mp_cache_offer(cache, "gone.example.test", MP_T_TXT, a);
  mp_answer_unref(a);
  before = mp_memzone_queries(zone);
  run("gone.example.test");
  cr_assert_eq(res.dmarc_eval.effective_policy, MP_DMARC_EFFECTIVE_REJECT);
  /* _dmarc.gone.example.test (the run's own), then the walk's
   * _dmarc.example.test and _dmarc.test: no TXT gone.example.test */
  cr_assert_eq(mp_memzone_queries(zone), before + 3);
}

/* A failed lookup of a report destination's authorization record is not a
 * refusal: the destination says lookup_failed, and no finding says the
 * reports are unauthorized. */
Test(check_dmarc, a_failed_authorization_lookup_is_not_unauthorized)
{
  txt("_dmarc.rep.test", "v=DMARC1; p=reject; rua=mailto:a@out.example");
  cr_assert_eq(mp_memzone_add_timeout(zone, "rep.test._report._dmarc.out."
                                            "example"),
               0);
  run("rep.test");
  cr_assert_eq(res.dmarc_eval.rua[0].authorization,
               MP_DMARC_AUTH_LOOKUP_FAILED);
  cr_assert(!has_finding(MP_FINDING_DMARC_REPORT_UNAUTHORIZED));
  mp_job_reset(job);
  txt("_dmarc.rep2.test", "v=DMARC1; p=reject; rua=mailto:b@no.example");
  run("rep2.test");
  cr_assert_eq(res.dmarc_eval.rua[0].authorization,
               MP_DMARC_AUTH_NOT_AUTHORIZED);
  cr_assert(has_finding(MP_FINDING_DMARC_REPORT_UNAUTHORIZED));
}

/* A failed lookup of the tree walk is never "no record": the record that
 * applies (here _dmarc.walk.test's) and the Organizational Domain are
 * unknown. */
Test(check_dmarc, a_failed_walk_lookup_leaves_the_policy_unknown)
{
  cr_assert_eq(mp_memzone_add_timeout(zone, "_dmarc.walk.test"), 0);
  cr_assert_eq(mp_memzone_add_owner(zone, "shop.walk.test"), 0);
  run("shop.walk.test");
  cr_assert_eq(res.dmarc_eval.status, MP_RECORD_TEMPERROR);
  cr_assert_eq(res.dmarc_eval.effective_policy, MP_DMARC_EFFECTIVE_MISSING);
  cr_assert_eq(res.dmarc_eval.found_at, MP_DMARC_FOUND_ABSENT);
  cr_assert_null(res.dmarc_eval.org_tree_walk);
  cr_assert(res.dmarc_eval.walk_failed);
  cr_assert_eq(res.dmarc_eval.methods_disagree, MP_TRI_UNKNOWN);
  cr_assert(!has_finding(MP_FINDING_DMARC_MISSING));
}

/* The domain's own record applies whatever the walk met: only the
 * Organizational Domain is unknown. */
Test(check_dmarc, a_failed_walk_lookup_beside_its_own_record)
{
  txt("_dmarc.self.walk.test", "v=DMARC1; p=reject");
  cr_assert_eq(mp_memzone_add_timeout(zone, "_dmarc.walk.test"), 0);
  run("self.walk.test");
  cr_assert_eq(res.dmarc_eval.status, MP_RECORD_VALID);
  cr_assert_eq(res.dmarc_eval.found_at, MP_DMARC_FOUND_SELF);
  cr_assert_eq(res.dmarc_eval.effective_policy, MP_DMARC_EFFECTIVE_REJECT);
  cr_assert_null(res.dmarc_eval.org_tree_walk);
  cr_assert(res.dmarc_eval.walk_failed);
  cr_assert_eq(res.dmarc_eval.methods_disagree, MP_TRI_FALSE);
}

/* The walk stops at a psd=n record below the Organizational Domain of the
 * Public Suffix List, whose lookup fails: the policy is the walk's, and
 * whether the two methods disagree is unknown. */
Test(check_dmarc, a_failed_psl_lookup_leaves_the_comparison_unknown)
{
  char path[] = "/tmp/mp-psl-XXXXXX";
  int fd = mkstemp(path);
  struct mp_orgdomain *psl;

  cr_assert_geq(fd, 0);
  cr_assert_eq(write(fd, "test\nco.test\n", 13), 13);
  close(fd);
  cr_assert_eq(mp_orgdomain_new(path, &psl), 0);
  unlink(path);
  job->psl = psl;
  txt("_dmarc.a.b.co.test", "v=DMARC1; p=quarantine; psd=n");
  cr_assert_eq(mp_memzone_add_timeout(zone, "_dmarc.b.co.test"), 0);
  cr_assert_eq(mp_memzone_add_owner(zone, "x.a.b.co.test"), 0);
  run("x.a.b.co.test");
  cr_assert_str_eq(res.dmarc_eval.org_psl, "b.co.test");
  cr_assert_eq(res.dmarc_eval.status, MP_RECORD_VALID);
  cr_assert_str_eq(res.dmarc_eval.policy_domain, "a.b.co.test");
  cr_assert_str_eq(res.dmarc_eval.org_tree_walk, "a.b.co.test");
  cr_assert_eq(res.dmarc_eval.methods_disagree, MP_TRI_UNKNOWN);
  cr_assert(!has_finding(MP_FINDING_DMARC_METHODS_DISAGREE));
  job->psl = NULL;
  mp_orgdomain_free(psl);
}
