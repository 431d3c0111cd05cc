/* The DKIM check as a job runs it (check_dkim.c), over an in-memory zone
 * whose fetcher answers at once, so the task ends without a loop. The key
 * record parser itself is tested in test_dkim_key.c. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/dns/cache.h"
#include "scanner/checks/check.h"
#include "scanner/config.h"
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
  /* the zone has no empty non-terminals: make the parent of the keys exist
   * (else NXDOMAIN there skips the probes, RFC 8020) */
  cr_assert_eq(mp_memzone_add_owner(zone, "_domainkey.example.test"), 0);
}

static void teardown(void)
{
  mp_checkjob_close(&harness);
}

/* Runs the check for domain; the job is held, so it never completes. */
static void run(const char *domain)
{
  void *st = mp_job_state(job, &mp_check_dkim);

  snprintf(job->domain, sizeof(job->domain), "%s", domain);
  mp_job_hold(job);
  mp_check_dkim.start(job, st);
  cr_assert_eq(job->pending, 1, "the check did not finish");
  memset(&res, 0, sizeof(res));
  mp_check_dkim.finish(job, st, &res);
}

TestSuite(check_dkim, .init = setup, .fini = teardown);

/* RFC 6376 3.6.1 lets k= name any algorithm; docs/schema.md: key_type is
 * "rsa", "ed25519", or the k= value as written. */
Test(check_dkim, key_type_of_an_unknown_algorithm_is_the_k_value)
{
  txt("s1._domainkey.example.test", "v=DKIM1; k=dsa; p=AAAA");
  txt("s2._domainkey.example.test", "v=DKIM1; k=ed25519; p=AAAA");
  txt("google._domainkey.example.test", "v=DKIM1; p=");
  run("example.test");
  cr_assert_eq(res.dkim.status, MP_DKIM_STATUS_FOUND);
  cr_assert_eq(res.dkim.nfound, 3);
  cr_assert_str_eq(res.dkim.found[0].selector, "google");
  cr_assert_str_eq(res.dkim.found[0].key_type, "rsa");
  cr_assert_str_eq(res.dkim.found[1].selector, "s1");
  cr_assert_str_eq(res.dkim.found[1].key_type, "dsa");
  cr_assert_str_eq(mp_dkim_error_name(res.dkim.found[1].error),
                   "unknown_key_type");
  cr_assert_str_eq(res.dkim.found[2].key_type, "ed25519");
}

Test(check_dkim, key_type_is_cut_at_64_bytes)
{
  char rec[200], want[65];

  memset(want, 'x', 64);
  want[64] = '\0';
  snprintf(rec, sizeof(rec), "v=DKIM1; k=%s%s; p=AAAA", want, "yz");
  txt("k1._domainkey.example.test", rec);
  run("example.test");
  cr_assert_eq(res.dkim.nfound, 1);
  cr_assert_str_eq(res.dkim.found[0].key_type, want);
}

Test(check_dkim, probes_every_default_selector)
{
  size_t n = 0;

  txt("_domainkey.example.test", "o=~");
  run("example.test");
  while (mp_dkim_default_selectors[n]) {
    n++;
  }
  cr_assert_eq(res.dkim.status, MP_DKIM_STATUS_NONE);
  cr_assert_eq(res.dkim.probed, n);
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

/* Item 13: a key found beside a probe that failed is a partial result,
 * and says so: the failed selectors and their outcome, and a finding. */
Test(check_dkim, a_failed_probe_beside_a_found_key_is_listed)
{
  txt("google._domainkey.example.test", "v=DKIM1; p=");
  cr_assert_eq(
      mp_memzone_add_timeout(zone, "selector1._domainkey.example.test"), 0);
  run("example.test");
  cr_expect_eq(res.dkim.status, MP_DKIM_STATUS_FOUND);
  cr_expect_eq(res.dkim.nfound, 1);
  cr_assert_eq(res.dkim.nfailed, 1);
  cr_expect_str_eq(res.dkim.failed[0].selector, "selector1");
  cr_expect_eq(res.dkim.failed[0].outcome, MP_OUTCOME_TIMEOUT);
  cr_expect(has(MP_FINDING_DKIM_PROBE_FAILED));
}

Test(check_dkim, a_failed_probe_without_a_key_is_temperror)
{
  cr_assert_eq(mp_memzone_add_timeout(zone, "k1._domainkey.example.test"), 0);
  cr_assert_eq(mp_memzone_add_timeout(zone, "s2._domainkey.example.test"), 0);
  run("example.test");
  cr_expect_eq(res.dkim.status, MP_DKIM_STATUS_TEMPERROR);
  cr_assert_eq(res.dkim.nfailed, 2);
  cr_expect_str_eq(res.dkim.failed[0].selector, "k1");
  cr_expect_str_eq(res.dkim.failed[1].selector, "s2");
  cr_expect(has(MP_FINDING_DKIM_PROBE_FAILED));
}

Test(check_dkim, complete_probes_list_no_failure)
{
  txt("google._domainkey.example.test", "v=DKIM1; p=");
  run("example.test");
  cr_expect_eq(res.dkim.status, MP_DKIM_STATUS_FOUND);
  cr_expect_eq(res.dkim.nfailed, 0);
  cr_expect_not(has(MP_FINDING_DKIM_PROBE_FAILED));
}

/* Every failed probe is listed, however many fail (a key lost with one
 * past the first eight would have gone unsaid), in probe order. */
Test(check_dkim, every_failed_probe_is_listed)
{
  char name[128];
  size_t n = 0;

  txt("sig1._domainkey.example.test", "v=DKIM1; p=");
  for (; mp_dkim_default_selectors[n]; n++) {
    if (strcmp(mp_dkim_default_selectors[n], "sig1") != 0) {
      snprintf(name, sizeof(name), "%s._domainkey.example.test",
               mp_dkim_default_selectors[n]);
      cr_assert_eq(mp_memzone_add_timeout(zone, name), 0);
    }
  }
  run("example.test");
  cr_assert_eq(res.dkim.nfailed, n - 1);
  cr_assert_leq(res.dkim.nfailed, MP_DKIM_FAILED_MAX,
                "every failed probe is listed");
  for (size_t i = 0, k = 0; i < n; i++) {
    if (strcmp(mp_dkim_default_selectors[i], "sig1") != 0) {
      cr_expect_str_eq(res.dkim.failed[k++].selector,
                       mp_dkim_default_selectors[i]);
    }
  }
  cr_expect_eq(res.dkim.status, MP_DKIM_STATUS_FOUND);
}

/* ---- --dkim-require ------------------------------------------------------ */

#define ED25519_KEY                                                            \
  "v=DKIM1; k=ed25519; p=zLkQtBeJDGUcStdwdrJ3DtFz9nD5z3HLLO6BkKHPJ4k="

/* Requires s1 (a default selector, so the probe list is the same),
 * delegated to target when target is not NULL. */
static void require_s1(const char *target)
{
  struct mp_dkim_required *r = &cfg.dkim_required[0];

  memset(r, 0, sizeof(*r));
  snprintf(r->selector, sizeof(r->selector), "s1");
  snprintf(r->target, sizeof(r->target), "%s", target ? target : "");
  r->spec = "s1";
  cfg.ndkim_required = 1;
}

static void cname(const char *owner, const char *target)
{
  cr_assert_eq(
      mp_memzone_add(zone, owner, MP_T_CNAME, 0, target, strlen(target)), 0);
}

/* The DKIM_REQUIRED_* codes the row has, as bits 1 << (code - MISSING). */
static unsigned required_codes(void)
{
  unsigned bits = 0;

  bits |= has(MP_FINDING_DKIM_REQUIRED_MISSING) ? 1 : 0;
  bits |= has(MP_FINDING_DKIM_REQUIRED_UNUSABLE) ? 2 : 0;
  bits |= has(MP_FINDING_DKIM_REQUIRED_NOT_DELEGATED) ? 4 : 0;
  bits |= has(MP_FINDING_DKIM_REQUIRED_UNKNOWN) ? 8 : 0;
  return bits;
}

Test(check_dkim, a_required_selector_with_a_usable_key_is_met)
{
  require_s1(NULL);
  txt("s1._domainkey.example.test", ED25519_KEY);
  run("example.test");
  cr_expect_eq(required_codes(), 0);
}

Test(check_dkim, a_required_selector_delegated_to_its_target_is_met)
{
  require_s1("S1.dkim.Vendor.test.");
  cname("s1._domainkey.example.test", "s1.dkim.vendor.test");
  txt("s1.dkim.vendor.test", ED25519_KEY);
  run("example.test");
  cr_expect_eq(required_codes(), 0);
  cr_expect_str_eq(res.dkim.found[0].cname, "s1.dkim.vendor.test");
}

Test(check_dkim, a_required_selector_absent_is_missing)
{
  require_s1(NULL);
  txt("google._domainkey.example.test", ED25519_KEY);
  run("example.test");
  cr_expect_eq(required_codes(), 1);
}

/* No name below _domainkey: nothing was probed, and nothing is there. */
Test(check_dkim, a_required_selector_under_no_domainkey_is_missing)
{
  require_s1("s1.dkim.vendor.test");
  run("other.test");
  cr_expect_eq(res.dkim.status, MP_DKIM_STATUS_NO_DOMAINKEY);
  cr_expect_eq(required_codes(), 1);
}

Test(check_dkim, a_required_selector_with_a_revoked_key_is_unusable)
{
  require_s1("s1.dkim.vendor.test");
  cname("s1._domainkey.example.test", "s1.dkim.vendor.test");
  txt("s1.dkim.vendor.test", "v=DKIM1; p=");
  run("example.test");
  cr_expect_eq(required_codes(), 2);
}

Test(check_dkim, a_required_selector_with_a_bad_key_is_unusable)
{
  require_s1(NULL);
  txt("s1._domainkey.example.test", "v=DKIM1; k=rsa; p=AAAA");
  run("example.test");
  cr_expect_eq(required_codes(), 2);
}

/* A key of the domain's own, or an alias to another provider, is not the
 * delegation asked for. */
Test(check_dkim, a_required_selector_not_delegated_to_its_target)
{
  require_s1("s1.dkim.vendor.test");
  txt("s1._domainkey.example.test", ED25519_KEY);
  run("example.test");
  cr_expect_eq(required_codes(), 4);
}

Test(check_dkim, a_required_selector_delegated_elsewhere)
{
  require_s1("s1.dkim.vendor.test");
  cname("s1._domainkey.example.test", "s1.other.test");
  txt("s1.other.test", ED25519_KEY);
  run("example.test");
  cr_expect_eq(required_codes(), 4);
}

/* A failed probe says nothing about the key: unknown, never missing. */
Test(check_dkim, a_required_selector_whose_probe_failed_is_unknown)
{
  require_s1("s1.dkim.vendor.test");
  cr_assert_eq(mp_memzone_add_timeout(zone, "s1._domainkey.example.test"), 0);
  run("example.test");
  cr_expect_eq(required_codes(), 8);
  cr_expect(has(MP_FINDING_DKIM_PROBE_FAILED));
}

/* A timeout at _domainkey.<domain> (a lame delegation, say) sends no
 * probe: each selector is unknown, with that outcome, never absent; and
 * the zone's name servers are not asked 18 more questions they will not
 * answer either. */
Test(check_dkim, a_timeout_at_domainkey_skips_the_probes_as_unknown)
{
  size_t n = 0;

  txt("google._domainkey.example.test", "v=DKIM1; p=");
  cr_assert_eq(mp_memzone_add_timeout(zone, "_domainkey.example.test"), 0);
  run("example.test");
  while (mp_dkim_default_selectors[n]) {
    n++;
  }
  cr_expect_eq(mp_memzone_queries_of(zone, MP_T_TXT), 1);
  cr_expect_eq(res.dkim.status, MP_DKIM_STATUS_TEMPERROR);
  cr_expect_eq(res.dkim.probed, 0);
  cr_expect_eq(res.dkim.nfound, 0);
  cr_assert_eq(res.dkim.nfailed, n);
  cr_expect_str_eq(res.dkim.failed[0].selector, mp_dkim_default_selectors[0]);
  cr_expect_eq(res.dkim.failed[n - 1].outcome, MP_OUTCOME_TIMEOUT);
  cr_expect(has(MP_FINDING_DKIM_PROBE_FAILED));
}

/* --no-dkim-shortcut probes every selector and never asks _domainkey. */
Test(check_dkim, without_the_shortcut_every_selector_is_probed)
{
  txt("google._domainkey.example.test", "v=DKIM1; p=");
  cr_assert_eq(mp_memzone_add_timeout(zone, "_domainkey.example.test"), 0);
  cfg.dkim_shortcut = false;
  run("example.test");
  cr_expect_eq(res.dkim.status, MP_DKIM_STATUS_FOUND);
  cr_expect_eq(res.dkim.nfailed, 0);
}

/* The probes skipped after a timeout at _domainkey leave a required
 * selector unknown, never missing. */
Test(check_dkim, a_required_selector_in_a_failed_zone_is_unknown)
{
  require_s1(NULL);
  cr_assert_eq(mp_memzone_add_timeout(zone, "_domainkey.example.test"), 0);
  run("example.test");
  cr_expect_eq(res.dkim.probed, 0);
  cr_expect_eq(required_codes(), 8);
}
