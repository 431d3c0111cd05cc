/* The MX check as a job runs it (check_mx.c), over an in-memory zone whose
 * fetcher answers at once, so the task ends without a loop. The MX answer
 * is put in place by hand, as the resolver's callback would. A lookup that
 * failed (here: timed out, or SERVFAIL from a CNAME loop) is never read as
 * an answer. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/dns/cache.h"
#include "scanner/checks/check.h"
#include "scanner/config.h"
#include "scanner/verdict.h"
#include "tests/support/checkjob.h"
#include "tests/support/memzone.h"

static struct mp_memzone *zone;
static struct mp_cache *cache;
static struct mp_config cfg;
static struct mp_checkjob harness;
static struct mp_job *job;
static struct mp_result res;
static const struct mp_result_mx_check *mx = &res.mx_check;

static void rr(const char *owner, uint16_t type, const char *data)
{
  cr_assert_eq(mp_memzone_add(zone, owner, type, 10, data, strlen(data)), 0);
}

static void timeout(const char *owner)
{
  cr_assert_eq(mp_memzone_add_timeout(zone, owner), 0);
}

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

TestSuite(check_mx, .init = setup, .fini = teardown);

/* Runs the check for domain (its MX answer from the zone), then the
 * verdict over a row whose SPF and DMARC meet their requirements. */
static void run(const char *domain)
{
  void *st = mp_job_state(job, &mp_check_mx);

  mp_job_reset(job);
  snprintf(job->domain, sizeof(job->domain), "%s", domain);
  mp_job_hold(job);
  mp_check_mx.start(job, st);
  cr_assert_eq(job->pending, 1, "the check did not finish");
  memset(&res, 0, sizeof(res));
  mp_check_mx.finish(job, st, &res);
  res.status = MP_STATUS_OK;
  res.spf_eval.evaluated = res.dmarc_eval.evaluated = true;
  res.spf_eval.status = MP_SPF_STATUS_VALID;
  res.dmarc_eval.status = MP_RECORD_VALID;
  res.dmarc_eval.effective_policy = MP_DMARC_EFFECTIVE_REJECT;
  mp_verdict(&res);
}

static bool has(enum mp_finding_code code)
{
  for (size_t i = 0; i < res.nfindings; i++) {
    if (res.findings[i] == code) {
      return true;
    }
  }
  return false;
}

static void expect_mx_fcrdns_unknown(void)
{
  cr_expect_eq(res.verdict.ready, MP_TRI_UNKNOWN);
  cr_expect_eq(res.verdict.nfailed, 0);
  cr_assert_eq(res.verdict.nunknown, 1);
  cr_expect_eq(res.verdict.unknown[0], MP_REQUIREMENT_MX_FCRDNS);
}

Test(check_mx, a_host_without_addresses_does_not_resolve)
{
  rr("example.test", MP_T_MX, "mx1.example.test");
  cr_assert_eq(mp_memzone_add_owner(zone, "mx1.example.test"), 0);
  run("example.test");
  cr_assert_eq(mx->nhosts, 1);
  cr_expect_eq(mx->hosts[0].resolves, MP_TRI_FALSE);
  cr_expect_eq(mx->hosts[0].a_outcome, MP_OUTCOME_NODATA);
  cr_expect_eq(mx->hosts[0].aaaa_outcome, MP_OUTCOME_NODATA);
  cr_expect_eq(mx->unresolved, 1);
  cr_expect(has(MP_FINDING_MX_UNRESOLVED));
  cr_expect_eq(mx->all_fcrdns, MP_TRI_FALSE);
  cr_expect_eq(res.verdict.ready, MP_TRI_FALSE);
}

/* Item 10: a failed A/AAAA lookup of an MX host is not "no address". */
Test(check_mx, a_failed_address_lookup_is_unknown_not_unresolved)
{
  rr("example.test", MP_T_MX, "mx1.example.test");
  timeout("mx1.example.test");
  run("example.test");
  cr_assert_eq(mx->nhosts, 1);
  cr_expect_eq(mx->hosts[0].resolves, MP_TRI_UNKNOWN);
  cr_expect_eq(mx->hosts[0].a_outcome, MP_OUTCOME_TIMEOUT);
  cr_expect_eq(mx->hosts[0].aaaa_outcome, MP_OUTCOME_TIMEOUT);
  cr_expect_eq(mx->hosts[0].naddrs, 0);
  cr_expect_eq(mx->unresolved, 0);
  cr_expect_not(has(MP_FINDING_MX_UNRESOLVED));
  cr_expect(has(MP_FINDING_MX_TEMPERROR));
  cr_expect_eq(mx->all_fcrdns, MP_TRI_UNKNOWN);
  expect_mx_fcrdns_unknown();
}

Test(check_mx, a_servfail_of_an_address_lookup_is_its_outcome)
{
  rr("example.test", MP_T_MX, "mx1.example.test");
  rr("mx1.example.test", MP_T_CNAME, "loop.example.test");
  rr("loop.example.test", MP_T_CNAME, "mx1.example.test");
  run("example.test");
  cr_expect_eq(mx->hosts[0].resolves, MP_TRI_UNKNOWN);
  cr_expect_eq(mx->hosts[0].a_outcome, MP_OUTCOME_SERVFAIL);
  cr_expect_not(has(MP_FINDING_MX_UNRESOLVED));
  cr_expect_eq(mx->all_fcrdns, MP_TRI_UNKNOWN);
}

/* The AAAA records are examined, but the A records are unknown: all of
 * the host's addresses cannot be said to be confirmed. */
Test(check_mx, a_failed_a_lookup_beside_aaaa_records_leaves_fcrdns_unknown)
{
  rr("example.test", MP_T_MX, "mx1.example.test");
  rr("mx1.example.test", MP_T_AAAA, "2001:db8::1");
  timeout("mx1.example.test");
  rr("1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa",
     MP_T_PTR, "mx1.example.test");
  run("example.test");
  cr_expect_eq(mx->hosts[0].resolves, MP_TRI_TRUE);
  cr_expect_eq(mx->hosts[0].a_outcome, MP_OUTCOME_TIMEOUT);
  cr_expect_eq(mx->hosts[0].aaaa_outcome, MP_OUTCOME_OK);
  cr_assert_eq(mx->hosts[0].naddrs, 1);
  cr_expect_eq(mx->hosts[0].addrs[0].fcrdns, MP_TRI_TRUE);
  cr_expect_eq(mx->all_fcrdns, MP_TRI_UNKNOWN);
  cr_expect(has(MP_FINDING_MX_TEMPERROR));
  expect_mx_fcrdns_unknown();
}

/* Item 11: a failed forward lookup of the PTR name. */
Test(check_mx, a_failed_forward_lookup_leaves_fcrdns_unknown)
{
  rr("example.test", MP_T_MX, "mx1.example.test");
  rr("mx1.example.test", MP_T_A, "192.0.2.1");
  rr("1.2.0.192.in-addr.arpa", MP_T_PTR, "out.broken.test");
  timeout("out.broken.test");
  run("example.test");
  cr_assert_eq(mx->hosts[0].naddrs, 1);
  cr_expect_str_eq(mx->hosts[0].addrs[0].ptr, "out.broken.test");
  cr_expect_eq(mx->hosts[0].addrs[0].ptr_outcome, MP_OUTCOME_OK);
  cr_expect_eq(mx->hosts[0].addrs[0].fcrdns, MP_TRI_UNKNOWN);
  cr_expect_eq(mx->hosts[0].addrs[0].forward_outcome, MP_OUTCOME_TIMEOUT);
  cr_expect_not(has(MP_FINDING_MX_NO_FCRDNS));
  cr_expect(has(MP_FINDING_MX_TEMPERROR));
  cr_expect_eq(mx->all_fcrdns, MP_TRI_UNKNOWN);
  expect_mx_fcrdns_unknown();
}

Test(check_mx, a_forward_answer_without_the_address_is_not_confirmed)
{
  rr("example.test", MP_T_MX, "mx1.example.test");
  rr("mx1.example.test", MP_T_A, "192.0.2.1");
  rr("1.2.0.192.in-addr.arpa", MP_T_PTR, "out.example.test");
  rr("out.example.test", MP_T_A, "192.0.2.99");
  run("example.test");
  cr_expect_eq(mx->hosts[0].addrs[0].fcrdns, MP_TRI_FALSE);
  cr_expect_eq(mx->hosts[0].addrs[0].forward_outcome, MP_OUTCOME_OK);
  cr_expect(has(MP_FINDING_MX_NO_FCRDNS));
  cr_expect_not(has(MP_FINDING_MX_TEMPERROR));
  cr_expect_eq(mx->all_fcrdns, MP_TRI_FALSE);
  cr_expect_eq(res.verdict.failed[0], MP_REQUIREMENT_MX_FCRDNS);
}

/* A PTR name that confirms decides, whatever another one's lookup did. */
Test(check_mx, a_confirming_ptr_name_decides_beside_a_failed_one)
{
  rr("example.test", MP_T_MX, "mx1.example.test");
  rr("mx1.example.test", MP_T_A, "192.0.2.1");
  rr("1.2.0.192.in-addr.arpa", MP_T_PTR, "out.broken.test");
  rr("1.2.0.192.in-addr.arpa", MP_T_PTR, "mx1.example.test");
  timeout("out.broken.test");
  run("example.test");
  cr_expect_eq(mx->hosts[0].addrs[0].fcrdns, MP_TRI_TRUE);
  cr_expect_eq(mx->hosts[0].addrs[0].forward_outcome, MP_OUTCOME_OK);
  cr_expect_not(has(MP_FINDING_MX_TEMPERROR));
  cr_expect_eq(mx->all_fcrdns, MP_TRI_TRUE);
  cr_expect_eq(res.verdict.ready, MP_TRI_TRUE);
}

Test(check_mx, a_failed_ptr_lookup_is_not_a_missing_ptr)
{
  rr("example.test", MP_T_MX, "mx1.example.test");
  rr("mx1.example.test", MP_T_A, "192.0.2.1");
  timeout("1.2.0.192.in-addr.arpa");
  run("example.test");
  cr_expect_null(mx->hosts[0].addrs[0].ptr);
  cr_expect_eq(mx->hosts[0].addrs[0].ptr_outcome, MP_OUTCOME_TIMEOUT);
  cr_expect_eq(mx->hosts[0].addrs[0].fcrdns, MP_TRI_UNKNOWN);
  cr_expect_not(mx->hosts[0].addrs[0].forwarded);
  cr_expect_not(has(MP_FINDING_MX_PTR_MISSING));
  cr_expect(has(MP_FINDING_MX_TEMPERROR));
  expect_mx_fcrdns_unknown();
}

Test(check_mx, no_ptr_record_is_missing_and_not_confirmed)
{
  rr("example.test", MP_T_MX, "mx1.example.test");
  rr("mx1.example.test", MP_T_A, "192.0.2.1");
  run("example.test");
  cr_expect_eq(mx->hosts[0].addrs[0].ptr_outcome, MP_OUTCOME_NXDOMAIN);
  cr_expect_eq(mx->hosts[0].addrs[0].fcrdns, MP_TRI_FALSE);
  cr_expect(has(MP_FINDING_MX_PTR_MISSING));
  cr_expect_eq(mx->all_fcrdns, MP_TRI_FALSE);
}

/* Three-valued: one address known not to be confirmed makes the domain's
 * all_fcrdns false, whatever else is unknown. */
Test(check_mx, an_unconfirmed_address_decides_beside_an_unknown_host)
{
  rr("example.test", MP_T_MX, "mx1.example.test");
  rr("example.test", MP_T_MX, "mx2.example.test");
  rr("mx1.example.test", MP_T_A, "192.0.2.1");
  timeout("mx2.example.test");
  run("example.test");
  cr_assert_eq(mx->nhosts, 2);
  cr_expect_eq(mx->hosts[0].addrs[0].fcrdns, MP_TRI_FALSE);
  cr_expect_eq(mx->hosts[1].resolves, MP_TRI_UNKNOWN);
  cr_expect_eq(mx->all_fcrdns, MP_TRI_FALSE);
  cr_expect(has(MP_FINDING_MX_TEMPERROR));
  cr_expect_eq(res.verdict.ready, MP_TRI_FALSE);
}

Test(check_mx, an_address_literal_is_not_looked_up)
{
  rr("example.test", MP_T_MX, "192.0.2.1");
  run("example.test");
  cr_expect(mx->hosts[0].ip_literal);
  cr_expect_eq(mx->unresolved, 1);
}

/* --spf-ip: the sending addresses' own reverse DNS, examined as the MX
 * hosts' are, through the same answer cache. */
static void spf_ip(const char *text)
{
  size_t i = cfg.nspf_ips++;

  cfg.spf_ips[i].text = text;
  if (inet_pton(AF_INET, text, cfg.spf_ips[i].addr) == 1) {
    cfg.spf_ips[i].family = AF_INET;
  } else {
    cr_assert_eq(inet_pton(AF_INET6, text, cfg.spf_ips[i].addr), 1);
    cfg.spf_ips[i].family = AF_INET6;
  }
}

static void expect_sender_fcrdns(enum mp_tri ready, const char *failed,
                                 const char *unknown)
{
  cr_expect_eq(res.verdict.ready, ready);
  cr_expect_eq(res.verdict.nfailed, failed != NULL);
  cr_expect_eq(res.verdict.nunknown, unknown != NULL);
  if (failed) {
    cr_expect_str_eq(mp_requirement_name(res.verdict.failed[0]), failed);
  }
  if (unknown) {
    cr_expect_str_eq(mp_requirement_name(res.verdict.unknown[0]), unknown);
  }
}

/* Item 9: without MX, the --spf-ip addresses give the requirement. */
Test(check_mx, spf_ip_addresses_stand_for_the_senders_without_mx)
{
  spf_ip("192.0.2.7");
  spf_ip("2001:db8::7");
  cr_assert_eq(mp_memzone_add_owner(zone, "example.test"), 0);
  rr("7.2.0.192.in-addr.arpa", MP_T_PTR, "out.sender.test");
  rr("7.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa",
     MP_T_PTR, "out.sender.test");
  rr("out.sender.test", MP_T_A, "192.0.2.7");
  rr("out.sender.test", MP_T_AAAA, "2001:db8::7");
  run("example.test");
  cr_expect_eq(res.mx.outcome, MP_OUTCOME_NODATA);
  cr_assert_eq(mx->nsenders, 2);
  cr_expect_str_eq(mx->senders[0].addr, "192.0.2.7");
  cr_expect_str_eq(mx->senders[0].ptr, "out.sender.test");
  cr_expect_eq(mx->senders[0].fcrdns, MP_TRI_TRUE);
  cr_expect_eq(mx->senders[1].fcrdns, MP_TRI_TRUE);
  cr_expect_eq(mx->senders_fcrdns, MP_TRI_TRUE);
  expect_sender_fcrdns(MP_TRI_TRUE, NULL, NULL);
}

Test(check_mx, an_spf_ip_without_ptr_fails_sender_fcrdns_beside_good_mx)
{
  spf_ip("192.0.2.7");
  rr("example.test", MP_T_MX, "mx1.example.test");
  rr("mx1.example.test", MP_T_A, "192.0.2.1");
  rr("1.2.0.192.in-addr.arpa", MP_T_PTR, "mx1.example.test");
  run("example.test");
  cr_expect_eq(mx->all_fcrdns, MP_TRI_TRUE);
  cr_expect_eq(mx->senders[0].fcrdns, MP_TRI_FALSE);
  cr_expect_eq(mx->senders[0].ptr_outcome, MP_OUTCOME_NXDOMAIN);
  cr_expect_eq(mx->senders_fcrdns, MP_TRI_FALSE);
  expect_sender_fcrdns(MP_TRI_FALSE, "sender_fcrdns", NULL);
}

Test(check_mx, a_failed_lookup_of_an_spf_ip_leaves_sender_fcrdns_unknown)
{
  spf_ip("192.0.2.7");
  rr("example.test", MP_T_MX, "");
  rr("7.2.0.192.in-addr.arpa", MP_T_PTR, "out.broken.test");
  timeout("out.broken.test");
  run("example.test");
  cr_expect(mx->null_mx);
  cr_assert_eq(mx->nsenders, 1);
  cr_expect_eq(mx->senders[0].fcrdns, MP_TRI_UNKNOWN);
  cr_expect_eq(mx->senders[0].forward_outcome, MP_OUTCOME_TIMEOUT);
  cr_expect_eq(mx->senders_fcrdns, MP_TRI_UNKNOWN);
  /* a null MX does not stand in for senders that are named */
  expect_sender_fcrdns(MP_TRI_UNKNOWN, NULL, "sender_fcrdns");
}
