#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "scanner/checks/codes.h"
#include "scanner/dns/cache.h"
#include "scanner/spf/eval.h"
#include "tests/support/memzone.h"
#include "tests/support/spfchanges.h"
#include "tests/support/spfsuite.h"

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

/* The RFC 7208 test suite (tests/data/spf/SOURCE.md) run through the real
 * evaluator over an in-memory zone, the RFC 4408 suite too (compared with
 * its preferred results, where RFC 7208 changed some), plus checks of the
 * loader and the zone the runs depend on. tests/integration/test_spf_dns.c
 * runs both through the binary and a real server. */

#define SUITE_PATH MP_SOURCE_DIR "/tests/data/spf/rfc7208-tests.yml"
#define SUITE_4408 MP_SOURCE_DIR "/tests/data/spf/rfc4408-tests.yml"

/* %{t}: no test of the suite expands it, so any fixed time will do; this
 * is 2014-05-13, the suite's release month. */
#define NOW 1400000000

/* %{r}: the suite never checks an expansion of it. exp-only-macro-char
 * puts it in an exp= domain-spec, a permerror whatever it expands to
 * (RFC 7208 section 7.1), and cname-aliasing's %{R} is in an explanation
 * the test does not compare. NULL lets the evaluator use "unknown"
 * (section 7.3), as the reference driver passes no receiver either. */
#define RECEIVER NULL

/* Tests allowed to fail, each with the reason. A failure here still counts
 * in the summary line but does not fail the run; one that passes must
 * leave the table. */
static const struct skip {
  const char *test;
  const char *reason;
} skips[] = {
    {NULL, NULL}, /* end */
};

static const char *skip_reason(const char *test)
{
  for (const struct skip *s = skips; s->test; s++) {
    if (strcmp(s->test, test) == 0) {
      return s->reason;
    }
  }
  return NULL;
}

/* Prints bytes quoted, non-printable ones as \xNN. */
static void print_quoted(FILE *f, const char *s, size_t len)
{
  fputc('"', f);
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];

    if (c < 0x20 || c > 0x7E || c == '"' || c == '\\') {
      fprintf(f, "\\x%02X", c);
    } else {
      fputc(c, f);
    }
  }
  fputc('"', f);
}

static uint64_t fixed_clock(void *ctx)
{
  (void)ctx;
  return 1000; /* TTLs never run out during a scenario */
}

static bool result_ok(const struct mp_spfsuite_test *t, const char *got)
{
  for (size_t i = 0; i < t->nresult; i++) {
    if (strcasecmp(t->result[i], got) == 0) {
      return true;
    }
  }
  return false;
}

/* The explanation the test wants, or NULL when it checks none. */
static const char *want_exp(const struct mp_spfsuite_test *t, size_t *len)
{
  if (!t->explanation) {
    return NULL;
  }
  if (strcmp(t->explanation, "DEFAULT") == 0) {
    *len = strlen(mp_spf_default_explanation);
    return mp_spf_default_explanation;
  }
  *len = t->explanation_len;
  return t->explanation;
}

/* How a run compares: with any result a test accepts (RFC 7208 suite),
 * or with the preferred one, except where RFC 7208 changed it
 * (mp_spfchanges_rfc4408: the RFC 4408 suite). */
struct tally {
  const char *name;
  bool preferred;
  size_t passed, failed, differ, unexpected;
};

static void print_fail(const struct mp_spfsuite_scenario *sc,
                       const struct mp_spfsuite_test *t,
                       const struct mp_spf_outcome *out, bool exp_bad,
                       const struct mp_spfchange *ch)
{
  size_t wlen = 0;
  const char *want = want_exp(t, &wlen);

  printf("FAIL %s/%s: got %s (reason %s), want ", sc->description, t->name,
         result_name(out->result), reason_name(out->reason));
  if (ch) {
    printf("%s (RFC 7208)", ch->rfc7208);
  }
  for (size_t i = 0; !ch && i < t->nresult; i++) {
    printf("%s%s", i ? "|" : "", t->result[i]);
  }
  if (exp_bad) {
    printf(" [explanation ");
    if (out->explanation) {
      print_quoted(stdout, out->explanation, strlen(out->explanation));
    } else {
      printf("(none)");
    }
    printf(", want ");
    print_quoted(stdout, want, wlen);
    printf("]");
  }
}

/* Whether got is what the run wants of t: accepted, and in preferred mode
 * the preferred result or the one RFC 7208 gives (*ch set). */
static bool result_wanted(const struct tally *tl,
                          const struct mp_spfsuite_test *t, const char *got,
                          const struct mp_spfchange **ch)
{
  *ch = tl->preferred ? mp_spfchange_find(t->name) : NULL;
  if (!result_ok(t, got)) {
    return false;
  }
  if (*ch) {
    return strcasecmp(got, (*ch)->rfc7208) == 0;
  }
  return !tl->preferred || strcasecmp(got, t->result[0]) == 0;
}

/* Runs one test; returns true when it passed (*differ: as RFC 7208 has
 * it, where the RFC 4408 suite prefers another result). */
static bool run_test(struct mp_spf_eval *ev, const struct tally *tl,
                     const struct mp_spfsuite_scenario *sc,
                     const struct mp_spfsuite_test *t, bool *differ)
{
  struct mp_spf_request req = {
      .sender = t->mailfrom,
      .helo = t->helo,
      .domain = NULL, /* the sender's domain, or the HELO's */
      .explain = true,
      .receiver = RECEIVER,
      .now = NOW,
  };
  struct mp_spf_outcome out;
  const struct mp_spfchange *ch;
  const char *want;
  size_t wlen = 0;
  bool ok, exp_bad = false;
  int rc;

  /* the address as written: the evaluator applies RFC 7208's rules to an
   * IPv4-mapped IPv6 address */
  if (inet_pton(AF_INET, t->host, req.ip) == 1) {
    req.family = AF_INET;
  } else if (inet_pton(AF_INET6, t->host, req.ip) == 1) {
    req.family = AF_INET6;
  } else {
    printf("FAIL %s/%s: bad host %s\n", sc->description, t->name, t->host);
    return false;
  }
  memset(&out, 0, sizeof(out));
  rc = mp_spf_check_host(ev, &req, &out);
  if (rc != 0) {
    /* the zone answers at once: nothing can be pending */
    printf("FAIL %s/%s: mp_spf_check_host returned %d\n", sc->description,
           t->name, rc);
    mp_spf_eval_reset(ev);
    return false;
  }
  ok = result_wanted(tl, t, result_name(out.result), &ch);
  *differ = ok && ch;
  want = want_exp(t, &wlen);
  if (ok && want && out.result == MP_SPF_FAIL) {
    exp_bad = !out.explanation || strlen(out.explanation) != wlen ||
              memcmp(out.explanation, want, wlen) != 0;
    ok = !exp_bad;
  }
  if (!ok) {
    print_fail(sc, t, &out, exp_bad, ch);
    if (skip_reason(t->name)) {
      printf(" (skipped: %s)", skip_reason(t->name));
    }
    printf("\n");
  }
  mp_spf_eval_reset(ev);
  return ok;
}

/* Runs a scenario's tests over a fresh zone and cache; adds to the
 * counts. */
static void run_scenario(const struct mp_spfsuite_scenario *sc,
                         struct tally *tl)
{
  struct mp_memzone *z = mp_memzone_new();
  struct mp_cache_opts opts = {
      .max_bytes = (size_t)64 << 20,
      .max_ttl = 86400,
      .neg_ttl = 3600,
      .fail_ttl = 3600,
      .fetch = mp_memzone_fetch,
      .fetch_ctx = z,
      .now_ms = fixed_clock,
  };
  struct mp_cache *c;
  struct mp_spf_eval ev;

  cr_assert_eq(mp_spfsuite_zone(sc, z), 0, "zone of %s", sc->description);
  c = mp_cache_new(&opts);
  mp_spf_eval_init(&ev, c);
  for (size_t i = 0; i < sc->ntests; i++) {
    const struct mp_spfsuite_test *t = &sc->tests[i];
    bool differ = false, ok = run_test(&ev, tl, sc, t, &differ);

    tl->passed += ok && !differ;
    tl->differ += differ;
    tl->failed += !ok;
    if (ok != !skip_reason(t->name)) {
      tl->unexpected++;
      if (ok) {
        printf("PASS %s/%s: listed in skips[], remove it\n", sc->description,
               t->name);
      }
    }
  }
  /* RFC 7208 sections 3.1 and 4.4: TXT only, never type 99 */
  cr_expect_eq(mp_memzone_queries_of(z, MP_MEMZONE_T_SPF), 0,
               "%s: type 99 queried", sc->description);
  mp_spf_eval_close(&ev);
  mp_cache_free(c);
  mp_memzone_free(z);
}

static void run_suite(const char *path, size_t ntests, struct tally *tl)
{
  struct mp_spfsuite *s;

  cr_assert_eq(mp_spfsuite_load(path, &s), 0);
  for (size_t i = 0; i < s->nscenarios; i++) {
    run_scenario(&s->scenarios[i], tl);
  }
  printf("%s conformance: %zu passed, %zu failed\n", tl->name, tl->passed,
         tl->failed);
  fflush(stdout);
  cr_expect_eq(s->ntests, ntests);
  cr_expect_eq(tl->passed + tl->failed + tl->differ, s->ntests);
  cr_expect_eq(tl->unexpected, 0,
               "%zu tests failed outside skips[] or passed inside it",
               tl->unexpected);
  mp_spfsuite_free(s);
}

Test(spf_conformance, rfc7208_suite_passes)
{
  struct tally tl = {.name = "rfc7208"};

  run_suite(SUITE_PATH, 203, &tl);
}

/* The RFC 4408 suite against its preferred results: where RFC 7208
 * changed the answer, the one RFC 7208 gives (mp_spfchanges_rfc4408);
 * every listed test must give it. */
Test(spf_conformance, rfc4408_suite_passes_but_where_rfc7208_changed_it)
{
  struct tally tl = {.name = "rfc4408", .preferred = true};
  size_t listed = 0;

  run_suite(SUITE_4408, 191, &tl);
  for (const struct mp_spfchange *c = mp_spfchanges_rfc4408; c->test; c++) {
    listed++;
  }
  printf("rfc4408 conformance: %zu differ from the preferred result as RFC "
         "7208 says\n",
         tl.differ);
  fflush(stdout);
  cr_expect_eq(tl.differ, listed, "every change listed is met");
}

/* The loader. */

static const struct mp_spfsuite_owner *
owner_of(const struct mp_spfsuite *s, const char *test, const char *name)
{
  const struct mp_spfsuite_scenario *sc = NULL;

  cr_assert_not_null(mp_spfsuite_find(s, test, &sc), "test %s", test);
  for (size_t i = 0; i < sc->nowners; i++) {
    if (strcmp(sc->owners[i].name, name) == 0) {
      return &sc->owners[i];
    }
  }
  cr_assert_fail("no owner %s in the scenario of %s", name, test);
  return NULL;
}

Test(spf_conformance, loader_counts_scenarios_and_tests)
{
  struct mp_spfsuite *s;
  size_t n = 0, exps = 0;

  cr_assert_eq(mp_spfsuite_load(SUITE_PATH, &s), 0);
  cr_assert_eq(s->nscenarios, 16);
  cr_assert_eq(s->ntests, 203);
  for (size_t i = 0; i < s->nscenarios; i++) {
    n += s->scenarios[i].ntests;
    for (size_t j = 0; j < s->scenarios[i].ntests; j++) {
      exps += s->scenarios[i].tests[j].explanation != NULL;
    }
  }
  cr_assert_eq(n, 203);
  cr_assert_eq(exps, 22);
  cr_assert_str_eq(s->scenarios[0].description, "Initial processing");
  cr_assert_str_eq(s->scenarios[0].tests[0].name, "toolonglabel");
  cr_assert_str_eq(s->scenarios[15].description,
                   "Test cases from implementation bugs");
  mp_spfsuite_free(s);
}

Test(spf_conformance, loader_reads_test_fields)
{
  struct mp_spfsuite *s;
  const struct mp_spfsuite_test *t;

  cr_assert_eq(mp_spfsuite_load(SUITE_PATH, &s), 0);
  t = mp_spfsuite_find(s, "nolocalpart", NULL);
  cr_assert_not_null(t);
  cr_assert_str_eq(t->host, "1.2.3.4");
  cr_assert_str_eq(t->mailfrom, "@example.net");
  cr_assert_str_eq(t->helo, "mail.example.net");
  cr_assert_str_eq(t->spec, "4.3/2");
  cr_assert_str_eq(t->explanation, "postmaster");
  cr_assert_eq(t->nresult, 1);
  cr_assert_str_eq(t->result[0], "fail");
  t = mp_spfsuite_find(s, "multispf1", NULL);
  cr_assert_eq(t->nresult, 2);
  cr_assert_str_eq(t->result[0], "permerror");
  cr_assert_str_eq(t->result[1], "fail");
  t = mp_spfsuite_find(s, "helo-not-fqdn", NULL);
  cr_assert_str_eq(t->mailfrom, "");
  cr_assert_null(t->explanation);
  t = mp_spfsuite_find(s, "a-cidr6-0-ip4mapped", NULL);
  cr_assert_str_eq(t->host, "::FFFF:1.2.3.4");
  cr_assert_null(mp_spfsuite_find(s, "no-such-test", NULL));
  mp_spfsuite_free(s);
}

Test(spf_conformance, loader_turns_x_escapes_into_bytes)
{
  struct mp_spfsuite *s;
  const struct mp_spfsuite_owner *o;

  cr_assert_eq(mp_spfsuite_load(SUITE_PATH, &s), 0);
  /* "v=spf1 \x80a:example.net -all": libyaml gives C2 80 */
  o = owner_of(s, "non-ascii-mech", "hosed2.example.com");
  cr_assert_eq(o->rr[0].type, MP_SPFSUITE_T_SPF);
  cr_assert_eq(o->rr[0].len, 26);
  cr_assert_eq((unsigned char)o->rr[0].data[7], 0x80);
  cr_assert_str_eq(o->rr[0].data + 8, "a:example.net -all");
  o = owner_of(s, "non-ascii-policy", "hosed.example.com");
  cr_assert_eq(memcmp(o->rr[0].data, "v=spf1 a:\xEF\xBB\xBFgarbage", 19), 0);
  o = owner_of(s, "control-char-policy", "ctrl.example.com");
  cr_assert_str_eq(o->rr[0].data, "v=spf1 a:ctrl.example.com\rptr -all");
  o = owner_of(s, "non-ascii-exp", "badexp.example.com");
  cr_assert_eq(o->rr[0].type, MP_T_TXT);
  cr_assert_eq(o->rr[0].len, 14);
  cr_assert_str_eq(o->rr[0].data, "\xEF\xBB\xBF"
                                  "Explanation");
  /* "\0" is a NUL inside the record */
  o = owner_of(s, "mx-bad-toplab", "e3.example.com");
  cr_assert_eq(o->rr[0].len, 26);
  cr_assert_eq(o->rr[0].data[25], '\0');
  mp_spfsuite_free(s);
}

Test(spf_conformance, loader_reads_zone_entries)
{
  struct mp_spfsuite *s;
  const struct mp_spfsuite_owner *o;

  cr_assert_eq(mp_spfsuite_load(SUITE_PATH, &s), 0);
  o = owner_of(s, "null-text", "null.example.com");
  cr_assert_eq(o->nrr, 2);
  cr_assert_eq(o->rr[0].nstrings, 2);
  cr_assert_str_eq(o->rr[0].data, "v=spf1 ip4:192.0.2.5 -all");
  cr_assert_eq(o->rr[1].nstrings, 0);
  cr_assert_eq(o->rr[1].len, 0);
  o = owner_of(s, "txttimeout", "txttimeout.example.net");
  cr_assert_eq(o->nrr, 3);
  cr_assert_eq(o->rr[0].kind, MP_SPFSUITE_RR);
  cr_assert_eq(o->rr[1].kind, MP_SPFSUITE_NONE);
  cr_assert_eq(o->rr[1].type, MP_T_TXT);
  cr_assert_eq(o->rr[2].kind, MP_SPFSUITE_TIMEOUT);
  o = owner_of(s, "mx-empty", "mail.example.com");
  cr_assert_eq(o->rr[1].type, MP_T_MX);
  cr_assert_eq(o->rr[1].pref, 0);
  cr_assert_str_eq(o->rr[1].data, "");
  o = owner_of(s, "mx-limit", "e4.example.com");
  cr_assert_eq(o->rr[11].pref, 10);
  cr_assert_str_eq(o->rr[11].data, "e4.example.com");
  mp_spfsuite_free(s);
}

/* What a zone file needs: each character-string as the suite gives it. */
Test(spf_conformance, loader_keeps_each_character_string)
{
  struct mp_spfsuite *s;
  const struct mp_spfsuite_owner *o;

  cr_assert_eq(mp_spfsuite_load(SUITE_PATH, &s), 0);
  o = owner_of(s, "null-text", "null.example.com");
  cr_assert_eq(o->rr[0].nstrings, 2);
  cr_assert_eq(o->rr[0].lens[0], 11); /* "v=spf1 ip4:" */
  cr_assert_eq(o->rr[0].lens[1], 14); /* "192.0.2.5 -all" */
  /* a byte folded back from U+0080 counts one */
  o = owner_of(s, "non-ascii-mech", "hosed2.example.com");
  cr_assert_eq(o->rr[0].nstrings, 1);
  cr_assert_eq(o->rr[0].lens[0], 26);
  o = owner_of(s, "mx-empty", "mail.example.com");
  cr_assert_null(o->rr[1].lens);
  mp_spfsuite_free(s);
}

/* The RFC 4408 suite writes some spec references as a list. */
Test(spf_conformance, loader_joins_a_list_of_spec_references)
{
  struct mp_spfsuite *s;
  const struct mp_spfsuite_test *t;

  cr_assert_eq(mp_spfsuite_load(SUITE_4408, &s), 0);
  cr_assert_eq(s->nscenarios, 15);
  cr_assert_eq(s->ntests, 191);
  t = mp_spfsuite_find(s, "invalid-domain-empty-label", NULL);
  cr_assert_not_null(t);
  cr_assert_str_eq(t->spec, "4.3/1, 5/10/3");
  cr_assert_eq(t->nresult, 2);
  cr_assert_str_eq(t->result[0], "permerror");
  mp_spfsuite_free(s);
}

static int load_text(const char *yaml, struct mp_spfsuite **out)
{
  char path[] = "/tmp/mp_spfsuite_XXXXXX";
  int fd = mkstemp(path), rc;
  FILE *f;

  cr_assert_geq(fd, 0);
  f = fdopen(fd, "w");
  cr_assert_not_null(f);
  fputs(yaml, f);
  fclose(f);
  rc = mp_spfsuite_load(path, out);
  unlink(path);
  return rc;
}

/* The loader logs each error to stderr: kept out of the run's output. */
Test(spf_conformance, loader_rejects_what_breaks_the_format,
     .init = cr_redirect_stderr)
{
  static const char ok[] = "---\ndescription: d\ntests:\n  t:\n"
                           "    host: 192.0.2.1\n    mailfrom: a@b.example\n"
                           "    helo: b.example\n    result: pass\n"
                           "zonedata:\n  b.example:\n    - TIMEOUT\n";
  static const char *const bad[] = {
      "---\ndescription: d\ntests: [1, 2]\nzonedata: {}\n",
      ("---\ndescription: d\ntests:\n  t: {host: h, mailfrom: m, helo: h}\n"
       "zonedata: {}\n"),
      "---\ndescription: d\ntests: {}\nzonedata:\n  x: [{WKS: foo}]\n",
      "---\ndescription: d\ntests: {}\nzonedata:\n  x: [{MX: [70000, y]}]\n",
      "---\ndescription: d\ntests: {}\nzonedata:\n  x: [NOTIMEOUT]\n",
      "---\ndescription: \"unterminated\n",
  };
  struct mp_spfsuite *s;

  cr_assert_eq(load_text(ok, &s), 0);
  cr_assert_eq(s->nscenarios, 1);
  cr_assert_eq(s->ntests, 1);
  cr_assert_eq(s->scenarios[0].owners[0].rr[0].kind, MP_SPFSUITE_TIMEOUT);
  mp_spfsuite_free(s);
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    cr_expect_eq(load_text(bad[i], &s), -EINVAL, "document %zu", i);
    cr_expect_null(s);
  }
  cr_assert_eq(mp_spfsuite_load("/nonexistent/suite.yml", &s), -ENOENT);
}

/* The in-memory zone. */

static struct mp_memzone *small_zone(void)
{
  struct mp_memzone *z = mp_memzone_new();

  cr_assert_eq(
      mp_memzone_add(z, "Host.Example.COM.", MP_T_A, 0, "192.0.2.1", 9), 0);
  cr_assert_eq(
      mp_memzone_add(z, "host.example.com", MP_T_AAAA, 0, "2001:DB8::1", 11),
      0);
  cr_assert_eq(
      mp_memzone_add(z, "example.com", MP_T_MX, 5, "MX.Example.com.", 15), 0);
  cr_assert_eq(mp_memzone_add(z, "example.com", MP_T_TXT, 0, "a\0b", 3), 0);
  cr_assert_eq(mp_memzone_add(z, "alias.example.com", MP_T_CNAME, 0,
                              "Alias2.example.com.", 19),
               0);
  cr_assert_eq(mp_memzone_add(z, "alias2.example.com", MP_T_CNAME, 0,
                              "host.example.com", 16),
               0);
  cr_assert_eq(mp_memzone_add(z, "loop1.example.com", MP_T_CNAME, 0,
                              "loop2.example.com", 17),
               0);
  cr_assert_eq(mp_memzone_add(z, "loop2.example.com", MP_T_CNAME, 0,
                              "LOOP1.example.com", 17),
               0);
  cr_assert_eq(mp_memzone_add(z, "dangling.example.com", MP_T_CNAME, 0,
                              "nowhere.example.com", 19),
               0);
  return z;
}

Test(spf_conformance, memzone_answers_records_case_insensitively)
{
  struct mp_memzone *z = small_zone();
  struct mp_answer *a = mp_memzone_query(z, "HOST.example.com.", MP_T_A);

  cr_assert_eq(a->outcome, MP_OUTCOME_OK);
  cr_assert_eq(a->rcode, 0);
  cr_assert_eq(a->count, 1);
  cr_assert_null(a->cname);
  cr_assert_str_eq(a->rr[0].data, "192.0.2.1");
  cr_assert_eq(a->rr[0].addr[0], 192);
  cr_assert_eq(a->rr[0].addr[3], 1);
  cr_assert_eq(a->rr[0].ttl, MP_MEMZONE_TTL);
  mp_answer_unref(a);
  a = mp_memzone_query(z, "host.example.com", MP_T_AAAA);
  cr_assert_str_eq(a->rr[0].data, "2001:db8::1");
  cr_assert_eq(a->rr[0].addr[3], 0xB8);
  mp_answer_unref(a);
  a = mp_memzone_query(z, "example.com", MP_T_MX);
  cr_assert_eq(a->rr[0].pref, 5);
  cr_assert_str_eq(a->rr[0].data, "mx.example.com");
  mp_answer_unref(a);
  a = mp_memzone_query(z, "example.com", MP_T_TXT);
  cr_assert_eq(a->rr[0].len, 3);
  cr_assert_eq(memcmp(a->rr[0].data, "a\0b", 4), 0);
  mp_answer_unref(a);
  cr_assert_eq(mp_memzone_queries(z), 4);
  cr_assert_eq(mp_memzone_queries_of(z, MP_T_A), 1);
  mp_memzone_free(z);
}

Test(spf_conformance, memzone_tells_nxdomain_from_nodata)
{
  struct mp_memzone *z = small_zone();
  struct mp_answer *a = mp_memzone_query(z, "none.example.com", MP_T_TXT);

  cr_assert_eq(a->outcome, MP_OUTCOME_NXDOMAIN);
  cr_assert_eq(a->rcode, 3);
  mp_answer_unref(a);
  a = mp_memzone_query(z, "host.example.com", MP_T_TXT);
  cr_assert_eq(a->outcome, MP_OUTCOME_NODATA);
  cr_assert_eq(a->rcode, 0);
  cr_assert_eq(a->count, 0);
  mp_answer_unref(a);
  cr_assert_eq(mp_memzone_add_owner(z, "empty.example.com"), 0);
  a = mp_memzone_query(z, "empty.example.com", MP_T_A);
  cr_assert_eq(a->outcome, MP_OUTCOME_NODATA);
  mp_answer_unref(a);
  /* names a resolver cannot send: as scanner/dns/resolver.c answers them */
  a = mp_memzone_query(z, "a..example.com", MP_T_A);
  cr_assert_eq(a->outcome, MP_OUTCOME_ERROR);
  mp_answer_unref(a);
  a = mp_memzone_query(z,
                       "a1234567890123456789012345678901234567890123456789"
                       "01234567890123.example.com",
                       MP_T_A);
  cr_assert_eq(a->outcome, MP_OUTCOME_ERROR);
  mp_answer_unref(a);
  mp_memzone_free(z);
}

Test(spf_conformance, memzone_follows_cname_chains)
{
  struct mp_memzone *z = small_zone();
  struct mp_answer *a = mp_memzone_query(z, "alias.example.com", MP_T_A);

  cr_assert_eq(a->outcome, MP_OUTCOME_OK);
  cr_assert_str_eq(a->cname, "host.example.com");
  cr_assert_str_eq(a->rr[0].data, "192.0.2.1");
  mp_answer_unref(a);
  a = mp_memzone_query(z, "alias.example.com", MP_T_TXT);
  cr_assert_eq(a->outcome, MP_OUTCOME_NODATA);
  cr_assert_str_eq(a->cname, "host.example.com");
  mp_answer_unref(a);
  a = mp_memzone_query(z, "alias.example.com", MP_T_CNAME);
  cr_assert_eq(a->outcome, MP_OUTCOME_OK);
  cr_assert_null(a->cname);
  cr_assert_str_eq(a->rr[0].data, "alias2.example.com");
  mp_answer_unref(a);
  a = mp_memzone_query(z, "dangling.example.com", MP_T_A);
  cr_assert_eq(a->outcome, MP_OUTCOME_NXDOMAIN);
  cr_assert_str_eq(a->cname, "nowhere.example.com");
  mp_answer_unref(a);
  a = mp_memzone_query(z, "loop1.example.com", MP_T_A);
  cr_assert_eq(a->outcome, MP_OUTCOME_SERVFAIL);
  mp_answer_unref(a);
  mp_memzone_free(z);
}

Test(spf_conformance, memzone_times_out_types_not_listed_before)
{
  struct mp_memzone *z = mp_memzone_new();
  struct mp_answer *a;

  cr_assert_eq(mp_memzone_add(z, "t.example", MP_T_TXT, 0, "v=spf1", 6), 0);
  cr_assert_eq(mp_memzone_add_timeout(z, "t.example"), 0);
  cr_assert_eq(mp_memzone_add(z, "t.example", MP_T_A, 0, "192.0.2.9", 9), 0);
  a = mp_memzone_query(z, "t.example", MP_T_TXT);
  cr_assert_eq(a->outcome, MP_OUTCOME_OK);
  mp_answer_unref(a);
  a = mp_memzone_query(z, "t.example", MP_T_A);
  cr_assert_eq(a->outcome, MP_OUTCOME_TIMEOUT);
  cr_assert_eq(a->rcode, -1);
  mp_answer_unref(a);
  a = mp_memzone_query(z, "t.example", MP_T_MX);
  cr_assert_eq(a->outcome, MP_OUTCOME_TIMEOUT);
  mp_answer_unref(a);
  cr_assert_eq(mp_memzone_add(z, "t.example", MP_T_A, 0, "192.0.2", 7),
               -EINVAL);
  mp_memzone_free(z);
}

static struct mp_answer *scenario_query(const struct mp_spfsuite *s,
                                        const char *test, const char *name,
                                        uint16_t type)
{
  const struct mp_spfsuite_scenario *sc = NULL;
  struct mp_memzone *z = mp_memzone_new();
  struct mp_answer *a;

  cr_assert_not_null(mp_spfsuite_find(s, test, &sc));
  cr_assert_eq(mp_spfsuite_zone(sc, z), 0);
  a = mp_memzone_query(z, name, type);
  mp_memzone_free(z);
  return a;
}

Test(spf_conformance, suite_zone_serves_spf_entries_as_txt)
{
  struct mp_spfsuite *s;
  struct mp_answer *a;

  cr_assert_eq(mp_spfsuite_load(SUITE_PATH, &s), 0);
  a = scenario_query(s, "null-text", "null.example.com", MP_T_TXT);
  cr_assert_eq(a->count, 2);
  cr_assert_str_eq(a->rr[0].data, "v=spf1 ip4:192.0.2.5 -all");
  cr_assert_eq(a->rr[1].len, 0);
  mp_answer_unref(a);
  /* an explicit TXT entry (here NONE) turns the generated ones off */
  a = scenario_query(s, "spfonly", "spfonly.example.net", MP_T_TXT);
  cr_assert_eq(a->outcome, MP_OUTCOME_NODATA);
  mp_answer_unref(a);
  a = scenario_query(s, "spfonly", "spfonly.example.net", MP_SPFSUITE_T_SPF);
  cr_assert_eq(a->count, 1);
  mp_answer_unref(a);
  a = scenario_query(s, "both", "both.example.net", MP_T_TXT);
  cr_assert_eq(a->count, 1);
  mp_answer_unref(a);
  a = scenario_query(s, "spftimeout", "spftimeout.example.net", MP_T_TXT);
  cr_assert_eq(a->outcome, MP_OUTCOME_OK);
  mp_answer_unref(a);
  a = scenario_query(s, "txttimeout", "txttimeout.example.net", MP_T_TXT);
  cr_assert_eq(a->outcome, MP_OUTCOME_TIMEOUT);
  mp_answer_unref(a);
  a = scenario_query(s, "alltimeout", "alltimeout.example.net", MP_T_A);
  cr_assert_eq(a->outcome, MP_OUTCOME_TIMEOUT);
  mp_answer_unref(a);
  a = scenario_query(s, "ptr-cname-loop", "4.2.0.192.in-addr.arpa", MP_T_PTR);
  cr_assert_str_eq(a->rr[0].data, "loop4.example.com");
  mp_answer_unref(a);
  a = scenario_query(s, "ptr-cname-loop", "loop4.example.com", MP_T_A);
  cr_assert_eq(a->outcome, MP_OUTCOME_SERVFAIL);
  mp_answer_unref(a);
  a = scenario_query(s, "cname-aliasing", "b.example.org", MP_T_TXT);
  cr_assert_eq(a->count, 4);
  cr_assert_str_eq(a->cname, "a.example.org");
  mp_answer_unref(a);
  mp_spfsuite_free(s);
}

Test(spf_conformance, memzone_fetches_into_the_cache)
{
  struct mp_memzone *z = small_zone();
  struct mp_cache_opts opts = {
      .max_bytes = 1 << 20,
      .max_ttl = 86400,
      .neg_ttl = 3600,
      .fail_ttl = 3600,
      .fetch = mp_memzone_fetch,
      .fetch_ctx = z,
      .now_ms = fixed_clock,
  };
  struct mp_cache *c = mp_cache_new(&opts);
  struct mp_cache_entry *e = mp_cache_get(c, "Alias.Example.com", MP_T_A);
  const struct mp_answer *a = mp_cache_answer(e);

  cr_assert_not_null(a, "the fetcher answers before mp_cache_get returns");
  cr_assert_eq(a->outcome, MP_OUTCOME_OK);
  cr_assert_str_eq(a->rr[0].data, "192.0.2.1");
  mp_cache_unref(c, e);
  e = mp_cache_get(c, "alias.example.com.", MP_T_A);
  cr_assert_not_null(mp_cache_answer(e));
  mp_cache_unref(c, e);
  cr_assert_eq(mp_memzone_queries(z), 1, "the second get is a cache hit");
  mp_cache_free(c);
  mp_memzone_free(z);
}
