/* The readiness verdict (verdict.c) over rows built in memory: each
 * requirement met, failed, or unknown when what it needs is not known. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "scanner/verdict.h"

static struct mp_result res;

/* A domain that meets every requirement: valid SPF, DMARC p=reject, one
 * MX host whose address is forward-confirmed. */
static void setup(void)
{
  memset(&res, 0, sizeof(res));
  res.status = MP_STATUS_OK;
  res.spf_eval.evaluated = true;
  res.spf_eval.status = MP_SPF_STATUS_VALID;
  res.dmarc_eval.evaluated = true;
  res.dmarc_eval.status = MP_RECORD_VALID;
  res.dmarc_eval.effective_policy = MP_DMARC_EFFECTIVE_REJECT;
  res.mx.queried = true;
  res.mx.outcome = MP_OUTCOME_OK;
  res.mx.count = 1;
  res.mx_check.evaluated = true;
  res.mx_check.nhosts = 1;
  res.mx_check.hosts[0].host = "mx1.example.test";
  res.mx_check.all_fcrdns = MP_TRI_TRUE;
}

TestSuite(verdict, .init = setup);

/* The codes of v's list, ','-joined, "-" when empty. */
static const char *codes(const enum mp_requirement *list, size_t n)
{
  static char buf[128];
  size_t len = 0;

  buf[0] = '\0';
  for (size_t i = 0; i < n; i++) {
    len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s", i ? "," : "",
                            mp_requirement_name(list[i]));
  }
  return n ? buf : "-";
}

static void expect(enum mp_tri ready, const char *failed, const char *unknown)
{
  mp_verdict(&res);
  cr_assert(res.verdict.evaluated);
  cr_expect_str_eq(codes(res.verdict.failed, res.verdict.nfailed), failed);
  cr_expect_str_eq(codes(res.verdict.unknown, res.verdict.nunknown), unknown);
  cr_expect_eq(res.verdict.ready, ready);
}

Test(verdict, every_requirement_met_is_ready)
{
  expect(MP_TRI_TRUE, "-", "-");
}

/* Without MX nothing stands in for the sending hosts: their reverse DNS is
 * not known, which is not a failure. */
Test(verdict, a_domain_without_mx_has_mx_fcrdns_unknown)
{
  res.mx.outcome = MP_OUTCOME_NODATA;
  res.mx.count = 0;
  res.mx_check.nhosts = 0;
  res.mx_check.all_fcrdns = MP_TRI_FALSE;
  expect(MP_TRI_UNKNOWN, "-", "mx_fcrdns");
}

Test(verdict, a_null_mx_meets_mx_fcrdns)
{
  res.mx_check.nhosts = 0;
  res.mx_check.null_mx = true;
  res.mx_check.all_fcrdns = MP_TRI_FALSE;
  expect(MP_TRI_TRUE, "-", "-");
}

Test(verdict, mx_hosts_without_fcrdns_fail)
{
  res.mx_check.all_fcrdns = MP_TRI_FALSE;
  expect(MP_TRI_FALSE, "mx_fcrdns", "-");
}

Test(verdict, unknown_reverse_dns_of_the_mx_hosts_is_unknown)
{
  res.mx_check.all_fcrdns = MP_TRI_UNKNOWN;
  expect(MP_TRI_UNKNOWN, "-", "mx_fcrdns");
}

/* A failed requirement decides, whatever is unknown. */
Test(verdict, a_failure_is_not_ready_beside_an_unknown)
{
  res.mx.outcome = MP_OUTCOME_NODATA;
  res.mx_check.nhosts = 0;
  res.mx_check.all_fcrdns = MP_TRI_FALSE;
  res.dmarc_eval.status = MP_RECORD_NONE;
  res.dmarc_eval.effective_policy = MP_DMARC_EFFECTIVE_MISSING;
  expect(MP_TRI_FALSE, "dmarc", "mx_fcrdns");
}

Test(verdict, an_spf_temperror_leaves_spf_or_dkim_unknown)
{
  res.spf_eval.status = MP_SPF_STATUS_TEMPERROR;
  expect(MP_TRI_UNKNOWN, "-", "spf_or_dkim");
}

Test(verdict, an_spf_temperror_with_a_usable_dkim_key_is_met)
{
  res.spf_eval.status = MP_SPF_STATUS_TEMPERROR;
  res.dkim.evaluated = true;
  res.dkim.status = MP_DKIM_STATUS_FOUND;
  res.dkim.nfound = 1;
  res.dkim.found[0].key_type = "rsa";
  res.dkim.found[0].bits = 2048;
  expect(MP_TRI_TRUE, "-", "-");
}

Test(verdict, a_dkim_temperror_leaves_spf_or_dkim_unknown)
{
  res.spf_eval.status = MP_SPF_STATUS_NONE;
  res.dkim.evaluated = true;
  res.dkim.status = MP_DKIM_STATUS_TEMPERROR;
  expect(MP_TRI_UNKNOWN, "-", "spf_or_dkim");
}

/* A failed probe may have hidden a usable key: with only a revoked key
 * found and no SPF, spf_or_dkim is not known to fail. */
Test(verdict, a_failed_dkim_probe_beside_an_unusable_key_is_unknown)
{
  res.spf_eval.status = MP_SPF_STATUS_NONE;
  res.dkim.evaluated = true;
  res.dkim.status = MP_DKIM_STATUS_FOUND;
  res.dkim.nfound = 1;
  res.dkim.found[0].key_type = "rsa";
  res.dkim.found[0].revoked = true;
  res.dkim.nfailed = 1;
  res.dkim.failed[0].selector = "s1";
  res.dkim.failed[0].outcome = MP_OUTCOME_SERVFAIL;
  expect(MP_TRI_UNKNOWN, "-", "spf_or_dkim");
}

Test(verdict, an_spf_permerror_without_dkim_fails)
{
  res.spf_eval.status = MP_SPF_STATUS_PERMERROR;
  res.dkim.evaluated = true;
  res.dkim.status = MP_DKIM_STATUS_NONE;
  expect(MP_TRI_FALSE, "spf_or_dkim", "-");
}

Test(verdict, a_dmarc_temperror_leaves_dmarc_unknown)
{
  res.dmarc_eval.status = MP_RECORD_TEMPERROR;
  res.dmarc_eval.effective_policy = MP_DMARC_EFFECTIVE_MISSING;
  expect(MP_TRI_UNKNOWN, "-", "dmarc");
}

/* With --spf-ip the sending addresses' own reverse DNS is the requirement
 * (sender_fcrdns), in place of the MX hosts'. */
Test(verdict, spf_ip_addresses_replace_the_mx_hosts)
{
  res.mx.outcome = MP_OUTCOME_NODATA;
  res.mx_check.nhosts = 0;
  res.mx_check.all_fcrdns = MP_TRI_FALSE;
  res.mx_check.nsenders = 1;
  res.mx_check.senders_fcrdns = MP_TRI_TRUE;
  expect(MP_TRI_TRUE, "-", "-");
}

Test(verdict, spf_ip_addresses_without_fcrdns_fail_sender_fcrdns)
{
  res.mx_check.nsenders = 2;
  res.mx_check.senders_fcrdns = MP_TRI_FALSE;
  expect(MP_TRI_FALSE, "sender_fcrdns", "-");
}

Test(verdict, unknown_reverse_dns_of_spf_ip_addresses_is_unknown)
{
  res.mx_check.null_mx = true;
  res.mx_check.nsenders = 1;
  res.mx_check.senders_fcrdns = MP_TRI_UNKNOWN;
  expect(MP_TRI_UNKNOWN, "-", "sender_fcrdns");
}

Test(verdict, not_computed_without_the_mx_check)
{
  res.mx_check.evaluated = false;
  mp_verdict(&res);
  cr_expect_not(res.verdict.evaluated);
}
