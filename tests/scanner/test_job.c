/* The job's gate (job.h, mp_job_start): TXT <domain> is asked first, once,
 * and a timeout there keeps every other name of the zone from being
 * asked, each answered at once as a timeout with no attempt. */
#include <criterion/criterion.h>
#include <string.h>

#include "scanner/job.h"
#include "tests/support/checkjob.h"

static struct mp_memzone *zone;
static struct mp_config cfg;
static struct mp_checkjob harness;
static struct mp_job *job;
static struct mp_result res;
static unsigned completed;

static void complete(struct mp_job *j)
{
  (void)j;
  completed++;
}

static void txt(const char *owner, const char *text)
{
  cr_assert_eq(mp_memzone_add(zone, owner, MP_T_TXT, 0, text, strlen(text)), 0);
}

static void setup(void)
{
  mp_checkjob_open(&harness, &cfg);
  zone = harness.zone;
  job = harness.job;
  job->complete = complete;
  completed = 0;
}

static void teardown(void)
{
  mp_checkjob_close(&harness);
}

/* Runs every check for domain (the zone answers at once). */
static void scan(const char *domain)
{
  snprintf(job->domain, sizeof(job->domain), "%s", domain);
  mp_job_start(job);
  cr_assert_eq(completed, 1, "the job did not complete once");
  memset(&res, 0, sizeof(res));
  mp_job_result(job, &res);
}

TestSuite(job, .init = setup, .fini = teardown);

Test(job, a_timeout_at_the_domain_asks_nothing_else_of_its_zone)
{
  cr_assert_eq(mp_memzone_add_timeout(zone, "example.test"), 0);
  txt("_dmarc.example.test", "v=DMARC1; p=reject");
  scan("example.test");
  cr_expect_eq(mp_memzone_queries(zone), 1, "%llu queries",
               (unsigned long long)mp_memzone_queries(zone));
  cr_expect_eq(res.txt.outcome, MP_OUTCOME_TIMEOUT);
  /* the names not asked: unknown, never an answer, and no attempt */
  cr_expect_eq(res.dmarc_txt.outcome, MP_OUTCOME_TIMEOUT);
  cr_expect_eq(res.dmarc_txt.attempts, 0);
  cr_expect_eq(res.mx.outcome, MP_OUTCOME_TIMEOUT);
  cr_expect_eq(res.mx.attempts, 0);
  cr_expect_eq(res.dmarc_eval.status, MP_RECORD_TEMPERROR);
  cr_expect_eq(res.dkim.status, MP_DKIM_STATUS_TEMPERROR);
  cr_expect_eq(res.dkim.probed, 0);
}

/* The domain's TXT is asked once: the gate's answer is the SPF check's. */
Test(job, the_domain_txt_is_asked_once)
{
  txt("example.test", "v=spf1 -all");
  txt("_dmarc.example.test", "v=DMARC1; p=reject");
  scan("example.test");
  cr_expect_eq(res.txt.outcome, MP_OUTCOME_OK);
  cr_expect_eq(res.spf_eval.status, MP_SPF_STATUS_VALID);
  cr_expect_eq(res.dmarc_eval.status, MP_RECORD_VALID);
  /* TXT: example.test (once: 8 if the SPF check asked it again),
   * _dmarc.example.test, _dmarc.test (RFC 9989's tree walk),
   * _domainkey.example.test (NXDOMAIN: no probe), _mta-sts, _smtp._tls,
   * default._bimi */
  cr_expect_eq(mp_memzone_queries_of(zone, MP_T_TXT), 7, "%llu TXT queries",
               (unsigned long long)mp_memzone_queries_of(zone, MP_T_TXT));
}

/* Another zone's name is asked as ever (an MX host elsewhere). */
Test(job, only_the_dead_zone_is_skipped)
{
  cr_assert_eq(mp_memzone_add_timeout(zone, "example.test"), 0);
  scan("example.test");
  mp_job_reset(job);
  completed = 0;
  txt("other.test", "v=spf1 -all");
  scan("other.test");
  cr_expect_eq(res.txt.outcome, MP_OUTCOME_OK);
  cr_expect_eq(res.spf_eval.status, MP_SPF_STATUS_VALID);
}
