/* The evaluator's posture mode and its replays, over in-memory zones (the
 * conformance suite covers check_host() with a client address). */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "scanner/checks/codes.h"
#include "scanner/dns/cache.h"
#include "scanner/spf/eval.h"
#include "tests/support/memzone.h"

/* The engine's result and reason by the row's names (output/status.h);
 * "none" for no reason. */
static const char *result_name(enum mp_spf_result r)
{
  return mp_spf_check_result_name(mp_code_spf_result(r));
}

static const char *reason_name(enum mp_spf_reason r)
{
  const char *s = mp_spf_reason_code_name(mp_code_spf_reason(r));

  return s ? s : "none";
}

static struct mp_memzone *zone;
static struct mp_cache *cache;
static struct mp_spf_eval ev;

static void txt(const char *owner, const char *text)
{
  cr_assert_eq(mp_memzone_add(zone, owner, MP_T_TXT, 0, text, strlen(text)), 0);
}

static void rec(const char *owner, uint16_t type, const char *data)
{
  cr_assert_eq(mp_memzone_add(zone, owner, type, 10, data, strlen(data)), 0);
}

static void setup_cache(size_t max_bytes)
{
  struct mp_cache_opts o = {.max_bytes = max_bytes,
                            .max_ttl = 86400,
                            .neg_ttl = 3600,
                            .fail_ttl = 3600,
                            .fetch = mp_memzone_fetch,
                            .fetch_ctx = zone};

  cache = mp_cache_new(&o);
  mp_spf_eval_init(&ev, cache);
}

static void setup(void)
{
  zone = mp_memzone_new();
  /* a provider graph: a includes c, b names a host */
  txt("a.example", "v=spf1 ip4:10.0.0.0/24 include:c.example ~all");
  txt("c.example", "v=spf1 ip4:10.0.1.0/24 -all");
  txt("b.example", "v=spf1 a:host.b.example -all");
  rec("host.b.example", MP_T_A, "10.0.2.1");
  rec("d.test", MP_T_MX, "mx1.d.test");
  rec("mx1.d.test", MP_T_A, "10.0.3.1");
  rec("mx1.d.test", MP_T_AAAA, "2001:db8:1::1");
  setup_cache(64 << 20);
}

static void teardown(void)
{
  mp_spf_eval_close(&ev);
  mp_cache_free(cache);
  mp_memzone_free(zone);
}

TestSuite(spf_eval, .init = setup, .fini = teardown);

/* Posture of the domain whose record is text (its own TXT answer). */
static struct mp_spf_outcome posture(const char *domain, const char *text)
{
  struct mp_spf_outcome out;
  struct mp_rr rr = {.type = MP_T_TXT, .ttl = 60};
  struct mp_answer *a;
  struct mp_spf_request req = {.family = AF_UNSPEC, .domain = domain};

  rr.data = text;
  rr.len = (uint32_t)strlen(text);
  a = mp_answer_build(MP_OUTCOME_OK, 0, MP_T_TXT, &rr, 1, NULL);
  req.root_txt = a;
  cr_assert_eq(mp_spf_check_host(&ev, &req, &out), 0);
  mp_spf_eval_reset(&ev);
  mp_answer_unref(a);
  return out;
}

Test(spf_eval, counts_lookups_depth_and_flattens_the_tree)
{
  struct mp_spf_outcome o =
      posture("d.test", "v=spf1 include:a.example include:b.example mx -all");

  cr_assert_eq(o.result, MP_SPF_FAIL, "%s", result_name(o.result));
  cr_expect_eq(o.lookups, 5); /* a, c, b, a:host, mx */
  cr_expect_eq(o.posture.lookups_static, 5);
  cr_expect_eq(o.voids, 0);
  cr_expect_eq(o.posture.depth, 2);
  cr_expect_eq(o.posture.all_qual, MP_SPF_Q_FAIL);
  /* 10.0.0.0/24 + 10.0.1.0/24 + 10.0.2.1 + 10.0.3.1 */
  cr_expect_eq(o.posture.ip4_addresses, 514);
  cr_expect_eq(o.posture.ip6_prefixes, 1); /* mx1's AAAA, as its /64 */
  cr_expect(o.posture.exact);
}

Test(spf_eval, first_match_wins_in_the_flattening)
{
  struct mp_spf_outcome o =
      posture("d.test", "v=spf1 -ip4:10.0.0.0/25 include:a.example -all");

  cr_expect_eq(o.posture.ip4_addresses, 128 + 256);
}

Test(spf_eval, plus_all_passes_everything)
{
  struct mp_spf_outcome o = posture("d.test", "v=spf1 +all");

  cr_expect_eq(o.result, MP_SPF_PASS);
  cr_expect_eq(o.posture.ip4_addresses, UINT64_C(1) << 32);
  cr_expect_eq(o.posture.ip6_prefixes, UINT64_MAX);
  cr_expect_eq(o.posture.all_qual, MP_SPF_Q_PASS);
}

Test(spf_eval, an_include_chain_over_ten_is_a_permerror)
{
  char name[32], next[64];

  for (int i = 0; i < 11; i++) {
    snprintf(name, sizeof(name), "l%d.example", i);
    snprintf(next, sizeof(next), "v=spf1 include:l%d.example -all", i + 1);
    txt(name, next);
  }
  txt("l11.example", "v=spf1 -all");
  struct mp_spf_outcome o = posture("d.test", "v=spf1 include:l0.example -all");

  cr_expect_eq(o.result, MP_SPF_PERMERROR);
  cr_expect_eq(o.reason, MP_SPF_REASON_LOOKUP_LIMIT);
  cr_expect_eq(o.lookups, 11);
  cr_expect_eq(o.posture.lookups_static, 12);
}

Test(spf_eval, exactly_ten_lookups_is_still_valid)
{
  struct mp_spf_outcome o = posture(
      "d.test", "v=spf1 a mx include:a.example include:b.example a:x.b.example "
                "a:host.b.example mx:d.test ptr -all");

  /* a mx a c b a:host a a mx ptr = 10 */
  cr_expect_eq(o.lookups, 10);
  cr_expect_neq(o.result, MP_SPF_PERMERROR, "%s", reason_name(o.reason));
}

Test(spf_eval, include_loops_end_at_the_lookup_limit)
{
  txt("loop1.example", "v=spf1 include:loop2.example -all");
  txt("loop2.example", "v=spf1 include:loop1.example -all");
  struct mp_spf_outcome o =
      posture("d.test", "v=spf1 include:loop1.example -all");

  cr_expect_eq(o.result, MP_SPF_PERMERROR);
  cr_expect_eq(o.reason, MP_SPF_REASON_LOOKUP_LIMIT);
}

Test(spf_eval, three_void_lookups_are_a_permerror)
{
  struct mp_spf_outcome two =
      posture("d.test", "v=spf1 a:n1.example a:n2.example -all");
  struct mp_spf_outcome three =
      posture("d.test", "v=spf1 a:n1.example a:n2.example mx:n3.example -all");

  cr_expect_eq(two.result, MP_SPF_FAIL);
  cr_expect_eq(two.voids, 2);
  cr_expect_eq(three.result, MP_SPF_PERMERROR);
  cr_expect_eq(three.reason, MP_SPF_REASON_VOID_LIMIT);
}

Test(spf_eval, include_of_a_name_without_record_is_a_permerror)
{
  mp_memzone_add_owner(zone, "norecord.example");
  struct mp_spf_outcome o =
      posture("d.test", "v=spf1 include:norecord.example -all");

  cr_expect_eq(o.result, MP_SPF_PERMERROR);
  cr_expect_eq(o.reason, MP_SPF_REASON_INCLUDE_NONE);
}

Test(spf_eval, a_syntax_error_in_an_include_reports_its_offset)
{
  txt("bad.example", "v=spf1 ip4:10.0.0.0/33 -all");
  struct mp_spf_outcome o =
      posture("d.test", "v=spf1 include:bad.example -all");

  cr_expect_eq(o.result, MP_SPF_PERMERROR);
  cr_expect_eq(o.reason, MP_SPF_REASON_SYNTAX);
  cr_expect_eq(o.error_offset, 19); /* the "/33" */
  cr_expect_str_eq(o.error_record, "v=spf1 ip4:10.0.0.0/33 -all");
}

Test(spf_eval, a_dns_failure_below_is_a_temperror)
{
  mp_memzone_add_timeout(zone, "slow.example");
  struct mp_spf_outcome o =
      posture("d.test", "v=spf1 include:slow.example -all");

  cr_expect_eq(o.result, MP_SPF_TEMPERROR);
  cr_expect_eq(o.reason, MP_SPF_REASON_DNS);
}

Test(spf_eval, redirect_takes_the_target_result_and_adds_its_addresses)
{
  struct mp_spf_outcome o =
      posture("d.test", "v=spf1 ip4:10.9.0.0/16 redirect=a.example");

  cr_expect_eq(o.result, MP_SPF_SOFTFAIL);
  cr_expect_eq(o.posture.all_qual, MP_SPF_Q_SOFTFAIL);
  cr_expect_eq(o.posture.ip4_addresses, 65536 + 512);
  cr_expect_eq(o.lookups, 2); /* redirect, then a's include:c */
}

Test(spf_eval, ptr_exists_and_client_macros_make_counts_inexact)
{
  struct mp_spf_outcome o = posture(
      "d.test", "v=spf1 ptr exists:%{i}.ex.example ip4:10.1.0.0/16 -all");

  cr_expect(o.posture.uses_ptr);
  cr_expect(o.posture.uses_exists);
  cr_expect(o.posture.uses_macros);
  cr_expect_not(o.posture.exact);
  cr_expect_eq(o.posture.ip4_addresses, 65536);
}

Test(spf_eval, multiple_records_are_a_permerror)
{
  struct mp_rr rr[2] = {{.type = MP_T_TXT, .data = "v=spf1 -all", .len = 11},
                        {.type = MP_T_TXT, .data = "v=spf1 +all", .len = 11}};
  struct mp_answer *a =
      mp_answer_build(MP_OUTCOME_OK, 0, MP_T_TXT, rr, 2, NULL);
  struct mp_spf_request req = {
      .family = AF_UNSPEC, .domain = "d.test", .root_txt = a};
  struct mp_spf_outcome o;

  cr_assert_eq(mp_spf_check_host(&ev, &req, &o), 0);
  cr_expect_eq(o.result, MP_SPF_PERMERROR);
  cr_expect_eq(o.reason, MP_SPF_REASON_MULTIPLE);
  mp_spf_eval_reset(&ev);
  mp_answer_unref(a);
}

static int effective(const char *domain, const char *text, const char *name)
{
  const char *names[] = {name};

  mp_spf_eval_targets(&ev, names, 1);
  struct mp_spf_outcome o = posture(domain, text);

  cr_assert_eq(o.posture.ntargets, 1);
  return o.posture.targets[0].reached ? o.posture.targets[0].effective : -2;
}

Test(spf_eval, include_targets_report_reach_and_effective_result)
{
  const char *rec1 = "v=spf1 include:a.example include:b.example -all";

  /* c.example sits under a.example: an address it passes passes */
  cr_expect_eq(effective("d.test", rec1, "c.example"), MP_SPF_PASS);
  cr_expect_eq(effective("d.test", rec1, "b.example"), MP_SPF_PASS);
  cr_expect_eq(effective("d.test", rec1, "vendor.example"), -2);
  /* a softfail include shadows it: the address falls to -all */
  txt("soft.example", "v=spf1 ~include:c.example -all");
  cr_expect_eq(
      effective("d.test", "v=spf1 include:soft.example -all", "c.example"),
      MP_SPF_FAIL);
  /* a direct ~include gives softfail at the top */
  cr_expect_eq(
      effective("d.test", "v=spf1 ~include:c.example -all", "c.example"),
      MP_SPF_SOFTFAIL);
}

Test(spf_eval, a_provider_tree_is_fetched_once_for_many_domains)
{
  uint64_t before;

  posture("d1.test", "v=spf1 include:a.example ~all");
  before = mp_memzone_queries(zone);
  for (int i = 0; i < 100; i++) {
    struct mp_spf_outcome o =
        posture("d2.test", "v=spf1 include:a.example ~all");

    cr_assert_eq(o.posture.ip4_addresses, 512);
  }
  cr_expect_eq(mp_memzone_queries(zone), before);
}

Test(spf_eval, without_a_cache_budget_every_domain_fetches_again)
{
  mp_spf_eval_close(&ev);
  mp_cache_free(cache);
  setup_cache(0);
  posture("d1.test", "v=spf1 include:a.example ~all");
  uint64_t once = mp_memzone_queries(zone);
  struct mp_spf_outcome o = posture("d2.test", "v=spf1 include:a.example ~all");

  cr_expect_eq(o.posture.ip4_addresses, 512);
  cr_expect_eq(mp_memzone_queries(zone), 2 * once);
}

/* A fetcher that answers later, as the resolver does: the evaluation
 * returns PENDING, the test fills what it waits for, and replays. */
static struct mp_cache_entry *queue[64];
static size_t queued;

static void deferred(void *ctx, struct mp_cache *c, struct mp_cache_entry *e,
                     const char *name, uint16_t type)
{
  (void)ctx;
  (void)c;
  (void)name;
  (void)type;
  cr_assert_lt(queued, 64);
  queue[queued++] = e;
}

Test(spf_eval, replays_until_every_answer_is_in)
{
  struct mp_cache_opts o = {.max_bytes = 1 << 20,
                            .max_ttl = 3600,
                            .neg_ttl = 60,
                            .fail_ttl = 60,
                            .fetch = deferred};
  struct mp_cache *c = mp_cache_new(&o);
  struct mp_spf_eval e;
  struct mp_spf_request req = {.family = AF_INET, .domain = "d.test"};
  struct mp_spf_outcome out;
  int rounds = 0;

  inet_pton(AF_INET, "10.0.1.7", req.ip);
  txt("d.test", "v=spf1 include:b.example include:a.example -all");
  mp_spf_eval_init(&e, c);
  while (mp_spf_check_host(&e, &req, &out) == MP_SPF_PENDING) {
    cr_assert_gt(e.rp.npending, 0);
    cr_assert_lt(++rounds, 10);
    while (queued) {
      struct mp_cache_entry *entry = queue[--queued];
      struct mp_answer *a =
          mp_memzone_query(zone, mp_cache_name(entry), mp_cache_type(entry));

      mp_cache_fill(c, entry, a);
      mp_answer_unref(a);
    }
  }
  cr_expect_eq(out.result, MP_SPF_PASS); /* via a.example -> c.example */
  cr_expect_gt(rounds, 2);
  mp_spf_eval_close(&e);
  mp_cache_free(c);
}

Test(spf_eval, an_include_bomb_is_walked_no_further_than_the_budget)
{
  char name[32], text[2048];

  /* 30 names, each including the 30 next ones: 30^30 paths */
  for (int i = 0; i < 30; i++) {
    size_t o = (size_t)snprintf(text, sizeof(text), "v=spf1");

    for (int k = 1; k <= 30; k++) {
      o += (size_t)snprintf(text + o, sizeof(text) - o, " include:b%d.example",
                            (i + k) % 60 + 100);
    }
    snprintf(name, sizeof(name), "b%d.example", i + 100);
    txt(name, text);
  }
  for (int i = 30; i < 60; i++) {
    snprintf(name, sizeof(name), "b%d.example", i + 100);
    txt(name, "v=spf1 include:b100.example include:b101.example -all");
  }
  uint64_t before = mp_memzone_queries(zone);
  struct mp_spf_outcome o =
      posture("d.test", "v=spf1 include:b100.example -all");

  cr_expect_eq(o.result, MP_SPF_PERMERROR);
  cr_expect_eq(o.reason, MP_SPF_REASON_LOOKUP_LIMIT);
  cr_expect_leq(mp_memzone_queries(zone) - before, MP_SPF_WALK_MAX + 1);
}

/* check_host() for an IPv4 client at ip (a fresh evaluation). */
static struct mp_spf_outcome check(const char *domain, const char *ip)
{
  struct mp_spf_outcome out;
  struct mp_spf_request req = {
      .family = AF_INET, .domain = domain, .helo = domain};

  cr_assert_eq(inet_pton(AF_INET, ip, req.ip), 1);
  cr_assert_eq(mp_spf_check_host(&ev, &req, &out), 0);
  mp_spf_eval_reset(&ev);
  return out;
}

/* RFC 7208 section 5 (and 5.4): a failed address lookup of an MX host is
 * a temperror, as the same failure through a: is, never "no address". */
static void mx_hosts_that_fail(void)
{
  /* mx.slow.test times out; mx.loop.test is SERVFAIL (a CNAME loop) */
  rec("slow.test", MP_T_MX, "mx.slow.test");
  mp_memzone_add_timeout(zone, "mx.slow.test");
  rec("loop.test", MP_T_MX, "mx.loop.test");
  rec("mx.loop.test", MP_T_CNAME, "mx.loop.test");
  /* v6only.test's host has an A record; its AAAA lookup times out */
  rec("v6only.test", MP_T_MX, "mx.v6only.test");
  rec("mx.v6only.test", MP_T_A, "10.0.7.1");
  mp_memzone_add_timeout(zone, "mx.v6only.test");
}

Test(spf_eval, a_failed_mx_host_lookup_is_a_temperror_in_the_posture)
{
  static const char *const domains[] = {"slow.test", "loop.test",
                                        "v6only.test"};

  mx_hosts_that_fail();
  for (size_t i = 0; i < 3; i++) {
    struct mp_spf_outcome o = posture(domains[i], "v=spf1 mx -all");

    cr_expect_eq(o.result, MP_SPF_TEMPERROR, "%s: %s", domains[i],
                 result_name(o.result));
    cr_expect_eq(o.reason, MP_SPF_REASON_DNS, "%s", domains[i]);
  }
  /* the same through a: (the AAAA lookup alone failing too) */
  struct mp_spf_outcome a = posture("d.test", "v=spf1 a:mx.v6only.test -all");

  cr_expect_eq(a.result, MP_SPF_TEMPERROR, "%s", result_name(a.result));
}

Test(spf_eval, a_failed_mx_host_lookup_is_a_temperror_for_check_host)
{
  mx_hosts_that_fail();
  txt("slow.test", "v=spf1 mx -all");
  txt("loop.test", "v=spf1 mx -all");
  cr_expect_eq(check("slow.test", "10.0.7.1").result, MP_SPF_TEMPERROR);
  cr_expect_eq(check("loop.test", "10.0.7.1").result, MP_SPF_TEMPERROR);
  cr_expect_eq(check("slow.test", "10.0.7.1").reason, MP_SPF_REASON_DNS);
}

/* The hosts are tried in the order of the answer (section 5.4): a match
 * before the failed host passes; a failure before the matching host is a
 * temperror. */
Test(spf_eval, mx_hosts_are_tried_in_order)
{
  mx_hosts_that_fail();
  rec("first.test", MP_T_MX, "mx1.d.test");
  rec("first.test", MP_T_MX, "mx.slow.test");
  txt("first.test", "v=spf1 mx -all");
  rec("second.test", MP_T_MX, "mx.slow.test");
  rec("second.test", MP_T_MX, "mx1.d.test");
  txt("second.test", "v=spf1 mx -all");
  cr_expect_eq(check("first.test", "10.0.3.1").result, MP_SPF_PASS);
  cr_expect_eq(check("second.test", "10.0.3.1").result, MP_SPF_TEMPERROR);
}

/* RFC 7208 sets no limit on the terms of a record: one of 2,000 terms
 * (past the 1,024 the evaluator once held) is evaluated, as it is in the
 * domain's own TXT answer and as a provider's record reached by include. */
Test(spf_eval, a_record_of_any_number_of_terms_is_evaluated)
{
  static char text[40000];
  size_t o = (size_t)snprintf(text, sizeof(text), "v=spf1");
  struct mp_spf_outcome own, inc;

  for (int i = 0; i < 2000; i++) {
    o += (size_t)snprintf(text + o, sizeof(text) - o, " ip4:10.%d.%d.1",
                          i / 250, i % 250);
  }
  snprintf(text + o, sizeof(text) - o, " -all");
  txt("big.example", text);
  own = posture("d.test", text);
  cr_expect_eq(own.result, MP_SPF_FAIL, "%s %s", result_name(own.result),
               reason_name(own.reason));
  cr_expect_eq(own.posture.ip4_addresses, 2000);
  inc = posture("d.test", "v=spf1 include:big.example -all");
  cr_expect_eq(inc.result, MP_SPF_FAIL, "%s %s", result_name(inc.result),
               reason_name(inc.reason));
  cr_expect_eq(inc.posture.ip4_addresses, 2000);
  cr_expect_eq(check("big.example", "10.7.249.1").result, MP_SPF_PASS);
  cr_expect_eq(check("big.example", "10.8.0.1").result, MP_SPF_FAIL);
}

/* lookups_static counts every path of the tree, so an include bomb of
 * shared subtrees (each walked once, then remembered) exceeds any counter:
 * it stops at UINT_MAX (4294967295, documented) instead of wrapping. 21
 * levels of 3 includes of the next name: (3^22 - 3) / 2 + 1 paths. */
Test(spf_eval, lookups_static_saturates_instead_of_wrapping)
{
  char name[32], next[32], text[160];
  struct mp_spf_outcome o;

  for (int i = 0; i <= 21; i++) {
    snprintf(name, sizeof(name), "n%d.bomb.example", i);
    snprintf(next, sizeof(next), "n%d.bomb.example", i + 1);
    if (i == 21) {
      txt(name, "v=spf1 -all");
      continue;
    }
    snprintf(text, sizeof(text), "v=spf1 include:%s include:%s include:%s -all",
             next, next, next);
    txt(name, text);
  }
  o = posture("d.test", "v=spf1 include:n0.bomb.example -all");
  cr_expect_eq(o.result, MP_SPF_PERMERROR);
  cr_expect_eq(o.reason, MP_SPF_REASON_LOOKUP_LIMIT);
  cr_expect_eq(o.lookups, MP_SPF_LOOKUP_LIMIT + 1);
  cr_expect_eq(o.posture.lookups_static, UINT_MAX);
  cr_expect_eq(o.posture.depth, 22);
}

/* The domain's record as the evaluator parsed it: the row lists its
 * includes and redirect from it, with no second parse. */
Test(spf_eval, the_record_of_root_txt_stays_readable_after_reset)
{
  const char *text = "v=spf1 include:a.example mx redirect=b.example";
  struct mp_rr rr = {.type = MP_T_TXT, .data = text, .len = 0};
  struct mp_answer *a;
  struct mp_spf_request req = {.family = AF_UNSPEC, .domain = "d.test"};
  const struct mp_spf_record *r;
  struct mp_spf_outcome o;

  rr.len = (uint32_t)strlen(text);
  a = mp_answer_build(MP_OUTCOME_OK, 0, MP_T_TXT, &rr, 1, NULL);
  req.root_txt = a;
  cr_assert_eq(mp_spf_check_host(&ev, &req, &o), 0);
  mp_spf_eval_reset(&ev);
  r = mp_spf_eval_record(&ev);
  cr_assert_not_null(r);
  cr_expect_eq(r->text, a->rr[0].data);
  cr_assert_eq(r->nterms, 2);
  cr_expect_eq(r->terms[0].mech, MP_SPF_INCLUDE);
  cr_expect_eq(r->terms[0].dom_len, strlen("a.example"));
  cr_expect(r->has_redirect);
  /* a run without root_txt has no record to give */
  req.root_txt = NULL;
  cr_assert_eq(mp_spf_check_host(&ev, &req, &o), 0);
  cr_expect_null(mp_spf_eval_record(&ev));
  mp_spf_eval_reset(&ev);
  mp_answer_unref(a);
}

Test(spf_eval, no_record_for_a_syntax_error_or_no_v_spf1)
{
  posture("d.test", "v=spf1 ip4:10.0.0.0/33 -all");
  cr_expect_null(mp_spf_eval_record(&ev));
  posture("d.test", "google-site-verification=x");
  cr_expect_null(mp_spf_eval_record(&ev));
}

/* Records of thousands of terms (RFC 7208 sets no limit): the terms
 * buffer grows to hold them, and the next small record still parses. */
Test(spf_eval, a_record_of_many_terms_is_evaluated_whole)
{
  static char big[64000];
  size_t n = (size_t)snprintf(big, sizeof(big), "v=spf1");
  struct mp_spf_outcome o;

  for (unsigned i = 0; i < 3000; i++) {
    n += (size_t)snprintf(big + n, sizeof(big) - n, " ip4:10.%u.%u.0/24",
                          i / 256, i % 256);
  }
  snprintf(big + n, sizeof(big) - n, " -all");
  o = posture("d.test", big);
  cr_expect_eq(o.result, MP_SPF_FAIL);
  cr_expect_eq(o.posture.ip4_addresses, 3000u * 256);
  cr_expect_eq(mp_spf_eval_record(&ev)->nterms, 3001);
  o = posture("d.test", "v=spf1 ip4:10.0.0.0/24 -all");
  cr_expect_eq(o.posture.ip4_addresses, 256);
  cr_expect_eq(mp_spf_eval_record(&ev)->nterms, 2);
}

/* Each evaluation owns what its runs use: two of them over one cache,
 * run in turns, do not see each other's root record or results. */
Test(spf_eval, two_evaluations_in_turns_keep_their_own_state)
{
  struct mp_spf_eval other;
  struct mp_rr r1 = {.type = MP_T_TXT, .data = "v=spf1 include:a.example ~all"};
  struct mp_rr r2 = {.type = MP_T_TXT, .data = "v=spf1 ip4:10.5.0.0/16 -all"};
  struct mp_answer *a1, *a2;
  struct mp_spf_request q1 = {.family = AF_UNSPEC, .domain = "d1.test"};
  struct mp_spf_request q2 = {.family = AF_UNSPEC, .domain = "d2.test"};
  struct mp_spf_outcome o1, o2;

  r1.len = (uint32_t)strlen(r1.data);
  r2.len = (uint32_t)strlen(r2.data);
  a1 = mp_answer_build(MP_OUTCOME_OK, 0, MP_T_TXT, &r1, 1, NULL);
  a2 = mp_answer_build(MP_OUTCOME_OK, 0, MP_T_TXT, &r2, 1, NULL);
  q1.root_txt = a1;
  q2.root_txt = a2;
  mp_spf_eval_init(&other, cache);
  cr_assert_eq(mp_spf_check_host(&ev, &q1, &o1), 0);
  cr_assert_eq(mp_spf_check_host(&other, &q2, &o2), 0);
  cr_expect_eq(o1.posture.ip4_addresses, 512);
  cr_expect_eq(o2.posture.ip4_addresses, 65536);
  cr_expect_eq(mp_spf_eval_record(&ev)->text, a1->rr[0].data);
  cr_expect_eq(mp_spf_eval_record(&other)->text, a2->rr[0].data);
  mp_spf_eval_reset(&ev);
  mp_spf_eval_close(&other);
  mp_answer_unref(a1);
  mp_answer_unref(a2);
}

/* A failed lookup is never "not there": an include target past it is
 * unknown, not unreached, and an address it alone authorizes gets
 * temperror (section 4.4), which it would meet first. */
Test(spf_eval, a_failed_include_leaves_targets_past_it_unknown)
{
  const char *names[] = {"c.example", "a.example"};
  struct mp_spf_outcome o;

  cr_assert_eq(mp_memzone_add_timeout(zone, "down.example"), 0);
  mp_spf_eval_targets(&ev, names, 2);
  o = posture("d.test", "v=spf1 include:b.example include:down.example "
                        "include:a.example -all");
  cr_assert_eq(o.result, MP_SPF_TEMPERROR);
  cr_assert(o.posture.failed);
  cr_expect(!o.posture.targets[0].reached);
  cr_expect(o.posture.targets[0].unknown);
  cr_expect_eq(o.posture.targets[0].effective, MP_SPF_TEMPERROR);
  cr_expect(o.posture.targets[1].unknown);
  /* one decided before the failure keeps its result */
  names[1] = "b.example";
  mp_spf_eval_targets(&ev, names, 2);
  o = posture("d.test", "v=spf1 include:b.example include:down.example "
                        "include:a.example -all");
  cr_expect(o.posture.targets[1].reached);
  cr_expect(!o.posture.targets[1].unknown);
  cr_expect_eq(o.posture.targets[1].effective, MP_SPF_PASS);
}

/* A limit met before a failed lookup decides the result (permerror), but
 * the tree past the failure, which the static counts walk, is unknown. */
Test(spf_eval, a_failed_lookup_past_a_limit_marks_the_tree_unknown)
{
  const char *rec1 = "v=spf1 a:nx1.d.test a:nx2.d.test a:nx3.d.test "
                     "include:down.example include:a.example -all";
  struct mp_spf_outcome o;

  cr_assert_eq(mp_memzone_add_timeout(zone, "down.example"), 0);
  o = posture("d.test", rec1);
  cr_assert_eq(o.result, MP_SPF_PERMERROR);
  cr_assert_eq(o.reason, MP_SPF_REASON_VOID_LIMIT);
  cr_expect(o.posture.failed);
  /* the same record answered whole: nothing unknown */
  o = posture("d.test", "v=spf1 a:nx1.d.test a:nx2.d.test a:nx3.d.test "
                        "include:a.example -all");
  cr_assert_eq(o.reason, MP_SPF_REASON_VOID_LIMIT);
  cr_expect(!o.posture.failed);
  cr_expect_eq(o.posture.lookups_static, 5);
  cr_expect_eq(o.posture.depth, 2);
}
