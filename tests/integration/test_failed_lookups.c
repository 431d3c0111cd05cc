/* A failed lookup is never a negative answer, over the whole test world.
 * The world is scanned straight from Knot (clean), then through mp_proxy in
 * three configurations (garbage replies of every kind, SERVFAIL for half
 * the queries, truncation without TCP), every check on, and each row is
 * compared with the clean row part by part, timing fields aside. A part
 * that differs must say a lookup failed, as docs/schema.md ("How failures
 * show") defines it for each part; a row where one does not is silent. A
 * lookup or status that reads nxdomain, nodata, none, not_authorized or
 * false where the clean scan had data is a false negative. Packets arrive
 * in any order, so the faults fall elsewhere in every run: nothing here
 * counts on where. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/integration/failures.h"
#include "tests/integration/world.h"
#include "tests/support/proc.h"

/* The --spf-include names of every scan, and the --spf-ip addresses of
 * the SERVFAIL one (with them the verdict checks the senders' reverse DNS
 * instead of the MX hosts', so the other two keep mx_fcrdns): a mail
 * provider's hosts, forward-confirmed, which some domains authorize. */
static const char *const includes[] = {
    "--spf-include", "_netblocks4.mailco.example", "--spf-include",
    "spf.protection.bigmail.example"};
static const char *const senders[] = {"--spf-ip", "10.255.0.1", "--spf-ip",
                                      "10.255.0.20"};

/* The failures the faulty rows show, to show the paths were reached. */
struct reach {
  unsigned spf_temperror, spf_unknown_name, dmarc_temperror, dmarc_walk,
      dkim_partial, host_unknown, fcrdns_unknown, verdict_unknown;
};

static const struct mp_json **by_line(const struct mp_json *rows, size_t max)
{
  const struct mp_json **idx = calloc(max + 1, sizeof(*idx));

  cr_assert_not_null(idx);
  for (size_t i = 0; i < rows->count; i++) {
    size_t n = (size_t)mp_json_get(rows->items[i], "line")->integer;

    cr_assert_leq(n, max);
    cr_assert_null(idx[n], "two rows for line %zu", n);
    idx[n] = rows->items[i];
  }
  return idx;
}

static bool null_in(const struct mp_json *list, const char *key)
{
  for (size_t i = 0; list && i < list->count; i++) {
    if (mp_json_is_null(mp_json_get(list->items[i], key))) {
      return true;
    }
  }
  return false;
}

static void reached(const struct mp_json *f, struct reach *r)
{
  const struct mp_json *hosts = mp_json_path(f, "mx_hosts.hosts");
  const struct mp_json *failed = mp_json_path(f, "dkim.failed");
  bool fcrdns = false;

  for (size_t i = 0; hosts && i < hosts->count; i++) {
    fcrdns |= null_in(mp_json_get(hosts->items[i], "addresses"), "fcrdns");
  }
  r->spf_temperror +=
      mp_json_str_eq(mp_json_path(f, "spf.status"), "temperror");
  r->spf_unknown_name +=
      null_in(mp_json_path(f, "spf.include_checks"), "reached");
  r->dmarc_temperror +=
      mp_json_str_eq(mp_json_path(f, "dmarc.status"), "temperror");
  r->dmarc_walk += mp_json_str_eq(mp_json_path(f, "dmarc.status"), "valid") &&
                   mp_json_is_null(mp_json_path(f, "dmarc.org_tree_walk"));
  r->dkim_partial +=
      failed && failed->count > 0 && mp_json_path(f, "dkim.found")->count > 0;
  r->host_unknown += null_in(hosts, "resolves");
  r->fcrdns_unknown += fcrdns;
  r->verdict_unknown += mp_json_is_null(mp_json_path(f, "verdict.ready"));
}

/* Scans the world to out: straight from Knot (resolver NULL) or through
 * the proxy at resolver, with short timeouts (what fails is answered at
 * once, and the test need not wait for a silent resolver). */
static void scan(const char *out, const char *resolver, bool with_senders)
{
  const char *args[24];
  char in[4096];
  size_t n = 0;

  snprintf(in, sizeof(in), "%s/domains.txt", MP_WORLD_DIR);
  if (resolver) {
    const char *faulty[] = {"-r",    resolver,    "--timeout",
                            "300ms", "--retries", "1"};

    memcpy(args, faulty, sizeof(faulty));
    n = 6;
  }
  memcpy(args + n, includes, sizeof(includes));
  n += 4;
  if (with_senders) {
    memcpy(args + n, senders, sizeof(senders));
    n += 4;
  }
  args[n] = NULL;
  cr_assert_eq(run_scanner(in, out, args), 0, "the scan did not end well");
}

/* Scans the world clean, then through mp_proxy with the faults of pargs,
 * compares every row and prints the lines CI greps. */
static void faults(const char *config, const char *const *pargs,
                   bool with_senders, struct reach *r)
{
  char upstream[64], proxy[64], clean[4096], faulty[4096];
  /* a fixed seed; MP_FAULTS_SEED tries others (the faults fall elsewhere
   * in every run anyway: packets arrive in any order) */
  const char *seed = getenv("MP_FAULTS_SEED");
  const char *argv[16] = {
      MP_PROXY, "--listen", "127.0.0.1:0",           "--upstream",
      upstream, "--seed",   seed ? seed : "20261122"};
  struct mp_json *crows, *frows;
  const struct mp_json **c, **f;
  struct fault_tally t = {0};
  struct truth_set ts;
  size_t n = 7;
  pid_t pid;

  truth_load(&ts);
  snprintf(upstream, sizeof(upstream), "127.0.0.1:%d", MP_TEST_DNS_PORT);
  for (size_t i = 0; pargs[i]; i++) {
    argv[n++] = pargs[i];
  }
  argv[n] = NULL;
  scratch_path(clean, sizeof(clean), "clean.ndjson");
  scratch_path(faulty, sizeof(faulty), "faulty.ndjson");
  scan(clean, NULL, with_senders);
  pid = mp_proc_start_line(argv, proxy, sizeof(proxy), 5000);
  cr_assert_gt(pid, 0, "mp_proxy did not start");
  proxy[strcspn(proxy, "\n")] = '\0';
  scan(faulty, proxy, with_senders);
  mp_proc_stop(pid, 5000);
  crows = read_rows(clean);
  frows = read_rows(faulty);
  cr_assert_eq(crows->count, ts.count);
  cr_assert_eq(frows->count, ts.count, "one row per line through the proxy");
  c = by_line(crows, ts.max_line);
  f = by_line(frows, ts.max_line);
  for (size_t line = 0; line <= ts.max_line; line++) {
    cr_assert_eq(c[line] == NULL, f[line] == NULL, "line %zu", line);
    if (c[line]) {
      fault_compare(config, line, c[line], f[line], &t);
      reached(f[line], r);
    }
  }
  printf("faults %s: %u rows, %u differ, %u say why; %u silent, %u false "
         "negatives\n",
         config, t.rows, t.differ, t.differ - t.silent, t.silent, t.false_neg);
  printf("faults %s: unknown: %u SPF (%u --spf-include names), %u DMARC "
         "(%u walks), %u partial DKIM, %u MX hosts, %u FCrDNS, %u verdicts\n",
         config, r->spf_temperror, r->spf_unknown_name, r->dmarc_temperror,
         r->dmarc_walk, r->dkim_partial, r->host_unknown, r->fcrdns_unknown,
         r->verdict_unknown);
  fflush(stdout);
  cr_expect_eq(t.silent, 0, "%u silent rows (the first are listed above)",
               t.silent);
  cr_expect_eq(t.false_neg, 0,
               "%u false negatives (the first are listed "
               "above)",
               t.false_neg);
  cr_expect_gt(t.differ, 0, "the faults reached no row");
  free(c);
  free(f);
  mp_json_free(crows);
  mp_json_free(frows);
  truth_free(&ts);
  unlink(clean);
  unlink(faulty);
}

/* Garbage of every kind (random bytes, records that overrun, counts past
 * the end, bytes after the last record): each reply is malformed, an
 * error, never data. */
Test(failed_lookups, garbage_replies_are_never_answers, .timeout = 300)
{
  static const char *const pargs[] = {"--garbage", "0.05", NULL};
  struct reach r = {0};

  faults("garbage", pargs, false, &r);
}

/* Half the queries answered SERVFAIL by the proxy itself; with --spf-ip,
 * so the senders' reverse DNS and check_host() fail too. */
Test(failed_lookups, servfails_are_never_answers, .timeout = 300)
{
  static const char *const pargs[] = {"--servfail", "0.5", NULL};
  struct reach r = {0};

  faults("servfail", pargs, true, &r);
  /* the failures reached every path the rules are about */
  cr_expect_gt(r.spf_temperror, 0);
  cr_expect_gt(r.spf_unknown_name, 0);
  cr_expect_gt(r.dmarc_temperror, 0);
  cr_expect_gt(r.dkim_partial, 0);
  cr_expect_gt(r.host_unknown, 0);
  cr_expect_gt(r.fcrdns_unknown, 0);
  cr_expect_gt(r.verdict_unknown, 0);
}

/* A fifth of the UDP replies truncated, and TCP refused: the truncated
 * answers cannot be completed. */
Test(failed_lookups, truncated_answers_are_never_answers, .timeout = 300)
{
  static const char *const pargs[] = {"--truncate", "0.2", "--no-tcp", NULL};
  struct reach r = {0};

  faults("truncate", pargs, false, &r);
}
