/* The policy-record checks as a job finishes them (check_policy.c):
 * MTA-STS, TLS-RPT and BIMI from their TXT answers, which an in-memory zone
 * gives, and the findings that join them with the DMARC part. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/checks/check.h"
#include "scanner/config.h"
#include "scanner/dns/cache.h"
#include "tests/support/checkjob.h"
#include "tests/support/memzone.h"

static struct mp_memzone *zone;
static struct mp_job *job;
static struct mp_result res;

static struct mp_config cfg;
static struct mp_checkjob harness;
static struct mp_cache *cache;

static void setup(void)
{
  mp_checkjob_open(&harness, &cfg);
  zone = harness.zone;
  cache = harness.cache;
  job = harness.job;
}

static void teardown(void)
{
  mp_checkjob_close(&harness);
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

/* Finishes the BIMI part with the DMARC part given (status, effective
 * policy) and default._bimi.logo.test answered by the zone. */
static void bimi(enum mp_record_status dmarc_status,
                 enum mp_dmarc_effective effective)
{
  static const char rec[] = "v=BIMI1; l=https://logo.test/l.svg";

  cr_assert_eq(mp_memzone_add(zone, "default._bimi.logo.test", MP_T_TXT, 0, rec,
                              strlen(rec)),
               0);
  mp_job_reset(job);
  snprintf(job->domain, sizeof(job->domain), "logo.test");
  mp_job_hold(job);
  mp_check_bimi.start(job, mp_job_state(job, &mp_check_bimi));
  memset(&res, 0, sizeof(res));
  res.dmarc_eval.evaluated = true;
  res.dmarc_eval.status = dmarc_status;
  res.dmarc_eval.effective_policy = effective;
  mp_check_bimi.finish(job, mp_job_state(job, &mp_check_bimi), &res);
  cr_assert_eq(res.bimi.status, MP_RECORD_VALID);
}

TestSuite(check_policy, .init = setup, .fini = teardown);

Test(check_policy, bimi_without_an_enforcing_dmarc_policy)
{
  bimi(MP_RECORD_VALID, MP_DMARC_EFFECTIVE_NONE);
  cr_assert(has_finding(MP_FINDING_BIMI_WITHOUT_ENFORCEMENT));
}

Test(check_policy, bimi_under_an_enforcing_dmarc_policy)
{
  bimi(MP_RECORD_VALID, MP_DMARC_EFFECTIVE_REJECT);
  cr_assert(!has_finding(MP_FINDING_BIMI_WITHOUT_ENFORCEMENT));
}

/* A DMARC policy that a failed lookup left unknown is not a weak one. */
Test(check_policy, bimi_with_an_unknown_dmarc_policy_has_no_finding)
{
  bimi(MP_RECORD_TEMPERROR, MP_DMARC_EFFECTIVE_MISSING);
  cr_assert(!has_finding(MP_FINDING_BIMI_WITHOUT_ENFORCEMENT));
}
