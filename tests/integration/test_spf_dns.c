/* The SPF conformance suites (tests/data/spf) through the real path: each
 * scenario's zone data written as a zone file and served by a Knot of the
 * test's own, each test a run of the mailposture binary against it
 *
 *   mailposture -r 127.0.0.1:PORT --checks spf --spf-ip HOST
 *               --spf-sender LOCALPART --spf-helo HELO FILE
 *
 * with the domain of the test's MAIL FROM in FILE, and the row's
 * spf.checks[0].result compared with the suite's (an empty MAIL FROM is
 * checked as postmaster@<HELO>, RFC 7208 section 2.4, and an empty
 * local-part as postmaster, section 4.3: the CLI is asked for that). What
 * the in-memory runner (tests/scanner/test_spf_conformance.c) cannot see
 * is checked here: the query encoder, the server's answers (escaped names,
 * binary TXT data, CNAME chains, record order) and the wire parser, the
 * answer cache, the CLI's identities. Each row is also compared with the
 * evaluator's own answer in memory for the same request: check_host()'s
 * result and reason, and the posture walk's status, reason, lookups and
 * void lookups, which the suites do not test. Explanations are not
 * compared: a row does not carry them (the CLI never fetches exp=).
 *
 * A test that cannot run this way is in skips[] with its reason, and the
 * reason is checked, not believed: a timeout or an unservable record must
 * be met by the test's evaluation in memory (over the suite's own zone,
 * through a fetcher that watches the answers), a refused name, HELO or
 * sender must be refused by the binary. A test outside skips[] that meets
 * either fails the run. tests/data/spf/SOURCE.md lists the skips too. */
#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "scanner/checks/codes.h"
#include "scanner/dns/cache.h"
#include "scanner/spf/eval.h"
#include "tests/integration/knot.h"
#include "tests/integration/world.h"
#include "tests/support/memzone.h"
#include "tests/support/spfchanges.h"
#include "tests/support/spfsuite.h"
#include "tests/support/zonefile.h"

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

#define SUITE_7208 MP_SOURCE_DIR "/tests/data/spf/rfc7208-tests.yml"
#define SUITE_4408 MP_SOURCE_DIR "/tests/data/spf/rfc4408-tests.yml"

/* %{t} of the evaluations in memory, as in test_spf_conformance.c */
#define NOW 1400000000

enum skip_kind {
  SKIP_TIMEOUT,    /* the zone data simulates a timeout */
  SKIP_UNSERVABLE, /* a record Knot cannot hold */
  SKIP_INPUT,      /* the domain is not a name the input takes */
  SKIP_HELO,       /* --spf-helo refuses the HELO */
  SKIP_SENDER,     /* --spf-sender refuses the local-part */
  SKIP_KINDS,
};

static const char *const kind_names[SKIP_KINDS] = {
    [SKIP_TIMEOUT] = "simulated timeout",
    [SKIP_UNSERVABLE] = "record Knot cannot hold",
    [SKIP_INPUT] = "name the input refuses",
    [SKIP_HELO] = "HELO the CLI refuses",
    [SKIP_SENDER] = "sender the CLI refuses",
};

/* The tests that cannot run over DNS, by name, in both suites (a name
 * that a suite does not have is passed over). */
static const struct skip {
  const char *test;
  enum skip_kind kind;
  const char *reason;
} skips[] = {
    /* The zone data says TIMEOUT where the test's lookup goes: Knot
     * answers every query. (exp-dns-error's timeout is the exp= lookup,
     * which the CLI never makes: it runs.) */
    {"txttimeout", SKIP_TIMEOUT, "the TXT lookup of the domain times out"},
    {"nospftxttimeout", SKIP_TIMEOUT, "the TXT lookup of the domain times out"},
    {"alltimeout", SKIP_TIMEOUT, "every lookup of the domain times out"},
    {"include-temperror", SKIP_TIMEOUT,
     "the TXT lookup of the include: target times out"},
    {"exists-dnserr", SKIP_TIMEOUT, "the exists: lookup times out"},
    /* "SPF: []", an RR of zero character-strings: Knot 3.2 refuses TXT
     * data of none (also as RFC 3597 "\# 0"), and the test is about that
     * record. */
    {"null-text", SKIP_UNSERVABLE,
     "a TXT record of zero character-strings beside the SPF record"},
    /* Names mailposture takes as input are host names (RFC 1035, 5890):
     * a label over 63 octets, an empty label or an address literal is an
     * invalid_name row, with no SPF evaluation. check_host() gives none
     * for them (RFC 7208 section 4.3), the same answer in other words. */
    {"toolonglabel", SKIP_INPUT, "a label of 64 octets in the domain"},
    {"emptylabel", SKIP_INPUT, "empty labels in the domain (A...example)"},
    {"domain-literal", SKIP_INPUT,
     "MAIL FROM foo@[1.2.3.5]: an address literal, not a domain"},
    {"helo-domain-literal", SKIP_INPUT,
     "empty MAIL FROM, HELO [1.2.3.5]: the identity postmaster@[1.2.3.5] "
     "has an address literal, not a domain"},
    /* --spf-helo takes what EHLO may name (RFC 5321 section 4.1.1.1), a
     * host name or an address literal; these tests give something else
     * to see that it is not checked for syntax after macro expansion. */
    {"invalid-domain-long-via-macro", SKIP_HELO,
     "HELO %%%%%%%%%%%%%%%%%%%%%% (22 '%' make a 64-octet label of %{h})"},
    {"invalid-hello-macro", SKIP_HELO, "HELO \"JUMPIN' JUPITER\""},
    /* --spf-sender takes an RFC 5321 local-part: a space needs quotes */
    {"dorky-sentinel", SKIP_SENDER,
     "local-part \"Macro Error\" unquoted (the test is about its "
     "explanation, which a row does not carry)"},
    {NULL, SKIP_KINDS, NULL}, /* end */
};

/* Tests whose answer from a real server is another of the results they
 * accept, as the suites themselves allow for "live DNS". The RFC 4408
 * runner, which compares with the preferred result, counts them apart;
 * in both suites the result must be the one listed here. */
static const struct dns_change {
  const char *test;
  const char *result;
  const char *why;
} dns_changes[] = {
    {"multispf1", "fail",
     "two identical TXT records: Knot holds them as one (an RRset has no "
     "duplicates, RFC 2181 section 5), so there is one record, whose -all "
     "fails; the suite: \"this situation cannot be reliably reproduced with "
     "live DNS\""},
    {"ptr-limit", "pass",
     "more than 10 PTR names: only the first 10 are checked (RFC 7208 "
     "section 4.6.4), and Knot returns the set in its own order, in which "
     "the name that validates comes among them; the suite: \"If testing "
     "with live DNS, the PTR order may be random, and a pass result would "
     "still be compliant\""},
    {NULL, NULL, NULL},
};

static const struct dns_change *dns_change_of(const char *test)
{
  for (const struct dns_change *d = dns_changes; d->test; d++) {
    if (strcmp(d->test, test) == 0) {
      return d;
    }
  }
  return NULL;
}

static const struct skip *skip_of(const char *test)
{
  for (const struct skip *s = skips; s->test; s++) {
    if (strcmp(s->test, test) == 0) {
      return s;
    }
  }
  return NULL;
}

/* One suite's run. */
struct run {
  const char *name; /* "rfc7208" */
  bool preferred;   /* compare with the preferred result (RFC 4408) */
  struct mp_knot knot;
  size_t passed, failed, skipped[SKIP_KINDS];
  size_t differ, dns_differ; /* mp_spfchanges_rfc4408, dns_changes */
  char differ_names[1024], dns_names[256];
  size_t unexpected; /* a skip that does not hold, an unlisted test that
                        should be, a row unlike the evaluation in memory */
};

/* The CLI's identities for a test: RFC 7208 section 2.4 checks an empty
 * MAIL FROM as postmaster@<HELO>, section 4.3 substitutes postmaster for
 * an empty local-part; both are what the CLI is asked for. */
struct cli {
  char domain[512];
  char local[128];
  const char *helo;
};

static void cli_of(const struct mp_spfsuite_test *t, struct cli *c)
{
  const char *at = strrchr(t->mailfrom, '@');

  c->helo = t->helo;
  if (!t->mailfrom[0] || !at) {
    snprintf(c->domain, sizeof(c->domain), "%s",
             t->mailfrom[0] ? t->mailfrom : t->helo);
    snprintf(c->local, sizeof(c->local), "postmaster");
    return;
  }
  snprintf(c->domain, sizeof(c->domain), "%s", at + 1);
  snprintf(c->local, sizeof(c->local), "%.*s", (int)(at - t->mailfrom),
           t->mailfrom);
  if (!c->local[0]) {
    snprintf(c->local, sizeof(c->local), "postmaster");
  }
}

/* ---- the evaluation in memory, watching the answers ----------------- */

/* What the scanner should say, from the evaluator over the suite's own
 * zone: check_host() for the test's host, and the posture walk (the
 * row's spf.status and counts), each with the answers it met that a
 * server cannot give. */
struct mem {
  struct mp_spf_outcome check, posture;
  size_t timeouts, lost;                 /* met by check_host() */
  size_t posture_timeouts, posture_lost; /* met by the posture walk */
};

struct probe {
  struct mp_memzone *z;
  const struct mp_spfsuite_scenario *sc;
  size_t timeouts, lost;
};

static void probe_fetch(void *ctx, struct mp_cache *c, struct mp_cache_entry *e,
                        const char *name, uint16_t type)
{
  struct probe *p = ctx;
  struct mp_answer *a = mp_memzone_query(p->z, name, type);

  p->timeouts += a->outcome == MP_OUTCOME_TIMEOUT;
  p->lost += mp_zonefile_spf_lost(p->sc, name, type);
  mp_cache_fill(c, e, a);
  mp_answer_unref(a);
}

static uint64_t fixed_clock(void *ctx)
{
  (void)ctx;
  return 1000;
}

/* One evaluation with a cache of its own, so the counts are its own. */
static void evaluate(struct probe *p, const struct mp_spf_request *req,
                     struct mp_spf_outcome *out)
{
  struct mp_cache_opts opts = {
      .max_bytes = (size_t)16 << 20,
      .max_ttl = 86400,
      .neg_ttl = 3600,
      .fail_ttl = 3600,
      .fetch = probe_fetch,
      .fetch_ctx = p,
      .now_ms = fixed_clock,
  };
  struct mp_cache *cache = mp_cache_new(&opts);
  struct mp_spf_eval ev;

  p->timeouts = p->lost = 0;
  mp_spf_eval_init(&ev, cache);
  cr_assert_eq(mp_spf_check_host(&ev, req, out), 0, "the zone answers at once");
  out->error_record = out->explanation = NULL; /* freed below */
  mp_spf_eval_close(&ev);
  mp_cache_free(cache);
}

/* Both evaluations for what the CLI asks (c and the test's host). */
static void probe_test(struct probe *p, const struct mp_spfsuite_test *t,
                       const struct cli *c, struct mem *m)
{
  char sender[700];
  struct mp_spf_request req = {
      .sender = sender, .helo = c->helo, .domain = c->domain, .now = NOW};

  snprintf(sender, sizeof(sender), "%s@%s", c->local, c->domain);
  req.family = AF_UNSPEC;
  evaluate(p, &req, &m->posture);
  m->posture_timeouts = p->timeouts;
  m->posture_lost = p->lost;
  if (inet_pton(AF_INET, t->host, req.ip) == 1) {
    req.family = AF_INET;
  } else {
    cr_assert_eq(inet_pton(AF_INET6, t->host, req.ip), 1, "bad host %s",
                 t->host);
    req.family = AF_INET6;
  }
  evaluate(p, &req, &m->check);
  m->timeouts = p->timeouts;
  m->lost = p->lost;
}

/* ---- the binary -------------------------------------------------------- */

/* What a row says, as text ("" where it says nothing, "-" for null). */
struct row {
  char status[32];             /* the row's status */
  char result[32], reason[32]; /* spf.checks[0] */
  char spf_status[32], spf_reason[32];
  long lookups, voids;
};

static void copy_str(char *dst, size_t cap, const struct mp_json *v)
{
  snprintf(dst, cap, "%s", !v ? "" : mp_json_is_null(v) ? "-" : mp_json_str(v));
}

/* Runs the scanner for c and the test's host; returns its exit status and
 * fills *w from the row (when it exits 0). */
static int run_cli(struct run *r, const struct mp_spfsuite_test *t,
                   const struct cli *c, struct row *w)
{
  char in[4096], out[4096];
  const char *args[] = {
      "-r",         r->knot.server, "--timeout", "1s",           "--checks",
      "spf",        "--spf-ip",     t->host,     "--spf-sender", c->local,
      "--spf-helo", c->helo,        NULL};
  struct mp_json *rows;
  const struct mp_json *row;
  FILE *f;
  int rc;

  memset(w, 0, sizeof(*w));
  scratch_path(in, sizeof(in), "spf-dns.txt");
  scratch_path(out, sizeof(out), "spf-dns.ndjson");
  f = fopen(in, "w");
  cr_assert_not_null(f);
  fprintf(f, "%s\n", c->domain);
  cr_assert_eq(fclose(f), 0);
  rc = run_scanner(in, out, args);
  if (rc == 0) {
    rows = read_rows(out);
    cr_assert_eq(rows->count, 1);
    row = rows->items[0];
    copy_str(w->status, sizeof(w->status), mp_json_get(row, "status"));
    copy_str(w->result, sizeof(w->result),
             mp_json_path(row, "spf.checks[0].result"));
    copy_str(w->reason, sizeof(w->reason),
             mp_json_path(row, "spf.checks[0].reason"));
    copy_str(w->spf_status, sizeof(w->spf_status),
             mp_json_path(row, "spf.status"));
    copy_str(w->spf_reason, sizeof(w->spf_reason),
             mp_json_path(row, "spf.reason"));
    if (mp_json_path(row, "spf.lookups")) {
      w->lookups = (long)mp_json_path(row, "spf.lookups")->integer;
      w->voids = (long)mp_json_path(row, "spf.voids")->integer;
    }
    mp_json_free(rows);
  }
  unlink(in);
  unlink(out);
  scratch_path(out, sizeof(out), "spf-dns.ndjson.stderr");
  unlink(out);
  return rc;
}

/* ---- one test ---------------------------------------------------------- */

static bool accepted(const struct mp_spfsuite_test *t, const char *got)
{
  for (size_t i = 0; i < t->nresult; i++) {
    if (strcasecmp(t->result[i], got) == 0) {
      return true;
    }
  }
  return false;
}

/* Checks a listed test's reason; true when it holds. */
static bool skip_holds(struct run *r, const struct skip *s,
                       const struct mp_spfsuite_test *t, const struct cli *c,
                       const struct mem *m)
{
  struct row w;
  int rc;

  switch (s->kind) {
  case SKIP_TIMEOUT:
    return m->timeouts > 0;
  case SKIP_UNSERVABLE:
    return m->lost > 0 && m->timeouts == 0;
  case SKIP_INPUT:
    rc = run_cli(r, t, c, &w);
    return rc == 0 && strcmp(w.status, "invalid_name") == 0;
  default: /* a usage error */
    return run_cli(r, t, c, &w) == 2;
  }
}

/* The row's spf.status and reason for an outcome, as spf_finish writes
 * them. */
static const char *status_of(enum mp_spf_result res)
{
  switch (res) {
  case MP_SPF_NONE:
  case MP_SPF_PERMERROR:
  case MP_SPF_TEMPERROR:
    return result_name(res);
  default:
    return "valid";
  }
}

static bool has_reason(enum mp_spf_result res)
{
  return res == MP_SPF_NONE || res == MP_SPF_PERMERROR ||
         res == MP_SPF_TEMPERROR;
}

/* The row against the evaluation in memory: check_host()'s result and
 * reason, and (when the walk met nothing a server cannot give) the
 * posture's status, reason and counts. Prints and returns false on a
 * difference. */
static bool same_as_memory(const struct run *r,
                           const struct mp_spfsuite_scenario *sc,
                           const struct mp_spfsuite_test *t,
                           const struct row *w, const struct mem *m)
{
  const struct mp_spf_outcome *ck = &m->check, *po = &m->posture;
  const char *cr = has_reason(ck->result) ? reason_name(ck->reason) : "-";
  const char *pr = has_reason(po->result) ? reason_name(po->reason) : "-";
  bool same = strcmp(w->result, result_name(ck->result)) == 0 &&
              strcmp(w->reason, cr) == 0;

  if (!m->posture_timeouts && !m->posture_lost) {
    same = same && strcmp(w->spf_status, status_of(po->result)) == 0 &&
           strcmp(w->spf_reason, pr) == 0 && w->lookups == (long)po->lookups &&
           w->voids == (long)po->voids;
  }
  if (!same) {
    printf("%s MEMORY %s/%s: over DNS %s (%s), spf %s (%s) lookups %ld "
           "voids %ld; in memory %s (%s), spf %s (%s) lookups %u voids %u\n",
           r->name, sc->description, t->name, w->result, w->reason,
           w->spf_status, w->spf_reason, w->lookups, w->voids,
           result_name(ck->result), cr, status_of(po->result), pr, po->lookups,
           po->voids);
  }
  return same;
}

static void print_fail(const struct run *r,
                       const struct mp_spfsuite_scenario *sc,
                       const struct mp_spfsuite_test *t, const struct cli *c,
                       int rc, const struct row *w, const char *want)
{
  printf("%s FAIL %s/%s: exit %d, status %s, got %s (reason %s), want ",
         r->name, sc->description, t->name, rc, w->status,
         w->result[0] ? w->result : "-", w->reason[0] ? w->reason : "-");
  if (want) {
    printf("%s", want);
  }
  for (size_t i = 0; !want && i < t->nresult; i++) {
    printf("%s%s", i ? "|" : "", t->result[i]);
  }
  printf(" [%s --spf-ip %s --spf-sender '%s' --spf-helo '%s']\n", c->domain,
         t->host, c->local, c->helo);
}

static void add_name(char *list, size_t cap, const char *name)
{
  size_t n = strlen(list);

  snprintf(list + n, cap - n, " %s", name);
}

/* Compares a row with what the suite wants; counts it. */
static void judge(struct run *r, const struct mp_spfsuite_scenario *sc,
                  const struct mp_spfsuite_test *t, const struct cli *c, int rc,
                  const struct row *w)
{
  const struct mp_spfchange *ch =
      r->preferred ? mp_spfchange_find(t->name) : NULL;
  const struct dns_change *dc = dns_change_of(t->name);
  const char *want = ch ? ch->rfc7208 : dc ? dc->result : NULL;
  bool ok = rc == 0 && w->result[0] && accepted(t, w->result);

  if (ok && want) {
    ok = strcasecmp(w->result, want) == 0;
  } else if (ok && r->preferred) {
    ok = strcasecmp(w->result, t->result[0]) == 0;
  }
  if (!ok) {
    r->failed++;
    print_fail(r, sc, t, c, rc, w, want);
  } else if (ch) {
    r->differ++;
    add_name(r->differ_names, sizeof(r->differ_names), t->name);
  } else if (dc && r->preferred) {
    r->dns_differ++;
    add_name(r->dns_names, sizeof(r->dns_names), t->name);
  } else {
    r->passed++;
  }
}

static void run_test(struct run *r, const struct mp_spfsuite_scenario *sc,
                     const struct mp_spfsuite_test *t, struct probe *p)
{
  const struct skip *s = skip_of(t->name);
  struct mem m = {0};
  struct row w;
  struct cli c;
  int rc;

  cli_of(t, &c);
  if (!s || s->kind == SKIP_TIMEOUT || s->kind == SKIP_UNSERVABLE) {
    probe_test(p, t, &c, &m);
  }
  if (s) {
    if (!skip_holds(r, s, t, &c, &m)) {
      printf("%s LISTED %s/%s as \"%s\", which it is not\n", r->name,
             sc->description, t->name, kind_names[s->kind]);
      r->unexpected++;
    }
    r->skipped[s->kind]++;
    return;
  }
  if (m.timeouts || m.lost) {
    printf("%s UNLISTED %s/%s meets %zu timeouts and %zu unservable "
           "records: list it in skips[]\n",
           r->name, sc->description, t->name, m.timeouts, m.lost);
    r->unexpected++;
  }
  rc = run_cli(r, t, &c, &w);
  judge(r, sc, t, &c, rc, &w);
  if (rc == 0 && !dns_change_of(t->name) && !same_as_memory(r, sc, t, &w, &m)) {
    r->unexpected++;
  }
}

static void run_scenario(struct run *r, const struct mp_spfsuite_scenario *sc)
{
  struct probe p = {.z = mp_memzone_new(), .sc = sc};

  cr_assert_eq(mp_spfsuite_zone(sc, p.z), 0);
  cr_assert_eq(mp_zonefile_spf_scenario(sc, mp_knot_zone(&r->knot), NULL), 0,
               "zone of %s", sc->description);
  cr_assert_eq(mp_knot_start(&r->knot), 0, "Knot did not serve %s",
               sc->description);
  for (size_t i = 0; i < sc->ntests; i++) {
    run_test(r, sc, &sc->tests[i], &p);
  }
  cr_expect_eq(mp_knot_stop(&r->knot), 0);
  mp_memzone_free(p.z);
}

static void print_counts(const struct run *r)
{
  size_t total = 0;

  for (int k = 0; k < SKIP_KINDS; k++) {
    total += r->skipped[k];
  }
  printf("%s over DNS: %zu passed, %zu failed\n", r->name, r->passed,
         r->failed);
  if (r->preferred) {
    printf("%s over DNS: %zu differ from the preferred result as RFC 7208 "
           "says:%s\n",
           r->name, r->differ, r->differ_names);
    printf("%s over DNS: %zu differ from the preferred result over DNS, as "
           "the suite allows:%s\n",
           r->name, r->dns_differ, r->dns_names);
  }
  printf("%s over DNS: %zu skipped:", r->name, total);
  for (int k = 0, n = 0; k < SKIP_KINDS; k++) {
    if (r->skipped[k]) {
      printf("%s %zu %s", n++ ? "," : "", r->skipped[k], kind_names[k]);
    }
  }
  printf("\n");
  fflush(stdout);
}

static void run_suite(struct run *r, const char *path, int port_offset)
{
  struct mp_spfsuite *s;
  size_t skipped = 0;

  cr_assert_eq(mp_spfsuite_load(path, &s), 0);
  mp_knot_init(&r->knot, r->name, MP_TEST_DNS_PORT + port_offset);
  for (size_t i = 0; i < s->nscenarios; i++) {
    run_scenario(r, &s->scenarios[i]);
  }
  print_counts(r);
  for (int k = 0; k < SKIP_KINDS; k++) {
    skipped += r->skipped[k];
  }
  cr_expect_eq(r->passed + r->failed + r->differ + r->dns_differ + skipped,
               s->ntests);
  if (!r->failed && !r->unexpected) {
    mp_knot_remove(&r->knot);
  }
  mp_spfsuite_free(s);
}

TestSuite(spf_dns, .timeout = 600);

/* Each suite on a port of its own beside the world's: +1 is the DMARC
 * examples', +2 the PSL world's, +3 to +7 the names world's, +8 and +9
 * these suites', +10 the diff's two worlds (CI's two builds are 1000
 * apart). */
Test(spf_dns, rfc7208_suite_passes_over_dns)
{
  struct run r = {.name = "rfc7208"};

  run_suite(&r, SUITE_7208, 8);
  cr_expect_eq(r.failed, 0);
  cr_expect_eq(r.unexpected, 0, "skips[] does not say what happens");
}

Test(spf_dns, rfc4408_suite_passes_over_dns_but_where_rfc7208_changed_it)
{
  struct run r = {.name = "rfc4408", .preferred = true};

  run_suite(&r, SUITE_4408, 9);
  cr_expect_eq(r.failed, 0);
  cr_expect_eq(r.unexpected, 0, "skips[] does not say what happens");
}
