/* Failed lookups of the checks' own names (MX hosts' addresses, PTRs and
 * their forward confirmation, DKIM probes) through mp_proxy, which answers
 * a share of the queries with SERVFAIL itself: compared with a clean scan
 * of the same world, a failure may turn a value unknown, never into
 * another answer. An MX host the clean scan resolves is never "no
 * address", an address it confirms is never "not confirmed", a key it
 * finds is either found or its probe is listed as failed, and the
 * verdict's mx_fcrdns fails only where the clean scan's does. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/integration/world.h"
#include "tests/support/proc.h"

static const struct mp_json **by_line(const struct mp_json *rows, size_t max)
{
  const struct mp_json **idx = calloc(max + 1, sizeof(*idx));

  cr_assert_not_null(idx);
  for (size_t i = 0; i < rows->count; i++) {
    size_t n = (size_t)mp_json_get(rows->items[i], "line")->integer;

    cr_assert_leq(n, max);
    idx[n] = rows->items[i];
  }
  return idx;
}

static bool is_false(const struct mp_json *v)
{
  return v && v->type == MP_JSON_BOOL && !v->boolean;
}

static bool has(const struct mp_json *list, const char *s)
{
  for (size_t i = 0; list && i < list->count; i++) {
    if (mp_json_str_eq(list->items[i], s)) {
      return true;
    }
  }
  return false;
}

/* The address of the clean host that matches a's, or NULL. */
static const struct mp_json *same_address(const struct mp_json *host,
                                          const struct mp_json *a)
{
  const struct mp_json *addrs = mp_json_get(host, "addresses");
  const char *want = mp_json_str(mp_json_get(a, "address"));

  for (size_t i = 0; addrs && i < addrs->count; i++) {
    if (mp_json_str_eq(mp_json_get(addrs->items[i], "address"), want)) {
      return addrs->items[i];
    }
  }
  return NULL;
}

struct tally {
  unsigned rows, hosts_unknown, addrs_unknown, dkim_partial, mx_unknown;
};

/* MX hosts of one row: the same hosts (the MX answer was the same). */
static void check_mx(size_t n, const struct mp_json *c, const struct mp_json *l,
                     struct tally *t)
{
  const struct mp_json *ch = mp_json_path(c, "mx_hosts.hosts");
  const struct mp_json *lh = mp_json_path(l, "mx_hosts.hosts");
  const struct mp_json *cf = mp_json_get(c, "findings");
  const struct mp_json *lf = mp_json_get(l, "findings");
  static const char *const known[] = {"MX_UNRESOLVED", "MX_PTR_MISSING",
                                      "MX_NO_FCRDNS"};

  cr_assert_eq(ch->count, lh->count, "line %zu: other MX hosts", n);
  for (size_t i = 0; i < lh->count; i++) {
    const struct mp_json *h = lh->items[i],
                         *addrs = mp_json_get(h, "addresses");

    cr_expect(!is_false(mp_json_get(h, "resolves")) ||
                  is_false(mp_json_get(ch->items[i], "resolves")),
              "line %zu host %zu: a failed lookup read as no address", n, i);
    t->hosts_unknown += mp_json_is_null(mp_json_get(h, "resolves"));
    for (size_t k = 0; addrs && k < addrs->count; k++) {
      const struct mp_json *a = addrs->items[k];
      const struct mp_json *ca = same_address(ch->items[i], a);

      if (!ca) {
        /* at most 4 are examined, A first: with the A lookup failed, AAAA
         * records past the clean scan's four come in */
        cr_expect(!mp_json_str_eq(mp_json_get(h, "a_outcome"), "ok"),
                  "line %zu: an address the clean scan lacks", n);
        continue;
      }
      cr_expect(!is_false(mp_json_get(a, "fcrdns")) ||
                    is_false(mp_json_get(ca, "fcrdns")),
                "line %zu %s: a failed lookup read as not confirmed", n,
                mp_json_str(mp_json_get(a, "address")));
      t->addrs_unknown += mp_json_is_null(mp_json_get(a, "fcrdns"));
    }
  }
  for (size_t i = 0; i < 3; i++) {
    cr_expect(!has(lf, known[i]) || has(cf, known[i]),
              "line %zu: %s from a failed lookup", n, known[i]);
  }
  cr_expect(!is_false(mp_json_path(l, "mx_hosts.all_fcrdns")) ||
                is_false(mp_json_path(c, "mx_hosts.all_fcrdns")),
            "line %zu: all_fcrdns false from a failed lookup", n);
  cr_expect(!has(mp_json_path(l, "verdict.failed"), "mx_fcrdns") ||
                has(mp_json_path(c, "verdict.failed"), "mx_fcrdns"),
            "line %zu: mx_fcrdns failed from a failed lookup", n);
  t->mx_unknown += has(lf, "MX_TEMPERROR");
}

/* DKIM of one row: each key of the clean scan is found, or its probe is
 * listed as failed; nothing else is found. */
static void check_dkim(size_t n, const struct mp_json *c,
                       const struct mp_json *l, struct tally *t)
{
  const struct mp_json *cf = mp_json_path(c, "dkim.found");
  const struct mp_json *lf = mp_json_path(l, "dkim.found");
  const struct mp_json *failed = mp_json_path(l, "dkim.failed");
  size_t k = 0;

  if (!cf || !lf) {
    return;
  }
  for (size_t i = 0; i < cf->count; i++) {
    const struct mp_json *sel = mp_json_get(cf->items[i], "selector");
    bool listed = false;

    if (k < lf->count && mp_json_str_eq(mp_json_get(lf->items[k], "selector"),
                                        mp_json_str(sel))) {
      k++;
      continue;
    }
    for (size_t f = 0; failed && f < failed->count; f++) {
      listed |= mp_json_str_eq(mp_json_get(failed->items[f], "selector"),
                               mp_json_str(sel));
    }
    cr_expect(listed, "line %zu: the key of %s neither found nor failed", n,
              mp_json_str(sel));
  }
  cr_expect_eq(k, lf->count, "line %zu: a key the clean scan does not have", n);
  /* with every probe answered: no temperror; "none" and "no_domainkey"
   * both say no key (a failed _domainkey lookup makes the probes run) */
  cr_expect((failed && failed->count > 0) ||
                !mp_json_str_eq(mp_json_path(l, "dkim.status"), "temperror"),
            "line %zu: temperror with every probe answered", n);
  t->dkim_partial += failed && failed->count > 0 && lf->count > 0;
}

Test(unknowns, a_servfail_turns_values_unknown_never_into_answers,
     .timeout = 600)
{
  char upstream[64], proxy[64], in[4096], clean[4096], faulty[4096];
  const char *pargv[] = {MP_PROXY, "--listen",   "127.0.0.1:0", "--upstream",
                         upstream, "--servfail", "0.08",        "--seed",
                         "11",     NULL};
  const char *through[] = {"-r", proxy, NULL};
  struct mp_json *crows, *lrows;
  const struct mp_json **c, **l;
  struct truth_set ts;
  struct tally t = {0};
  pid_t pid;

  truth_load(&ts);
  snprintf(upstream, sizeof(upstream), "127.0.0.1:%d", MP_TEST_DNS_PORT);
  snprintf(in, sizeof(in), "%s/domains.txt", MP_WORLD_DIR);
  scratch_path(clean, sizeof(clean), "unknowns-clean.ndjson");
  scratch_path(faulty, sizeof(faulty), "unknowns.ndjson");
  cr_assert_eq(run_scanner(in, clean, NULL), 0);
  pid = mp_proc_start_line(pargv, proxy, sizeof(proxy), 5000);
  cr_assert_gt(pid, 0, "mp_proxy did not start");
  proxy[strcspn(proxy, "\n")] = '\0';
  cr_assert_eq(run_scanner(in, faulty, through), 0);
  mp_proc_stop(pid, 5000);
  crows = read_rows(clean);
  lrows = read_rows(faulty);
  c = by_line(crows, ts.max_line);
  l = by_line(lrows, ts.max_line);
  for (size_t n = 0; n <= ts.max_line; n++) {
    if (!c[n] || !l[n] || !mp_json_str_eq(mp_json_get(l[n], "status"), "ok") ||
        !mp_json_str_eq(mp_json_get(c[n], "status"), "ok")) {
      continue; /* a failure of the domain's own lookups: no verdict */
    }
    t.rows++;
    if (!mp_json_is_null(mp_json_get(l[n], "mx_hosts"))) {
      check_mx(n, c[n], l[n], &t);
    }
    check_dkim(n, c[n], l[n], &t);
  }
  printf("unknowns: %u rows compared; unknown: %u MX hosts' addresses, %u "
         "addresses' FCrDNS, %u rows with MX_TEMPERROR, %u partial DKIM "
         "results\n",
         t.rows, t.hosts_unknown, t.addrs_unknown, t.mx_unknown,
         t.dkim_partial);
  /* the failures reached every path this test is about */
  cr_expect_gt(t.hosts_unknown, 0);
  cr_expect_gt(t.addrs_unknown, 0);
  cr_expect_gt(t.dkim_partial, 0);
  free(c);
  free(l);
  mp_json_free(crows);
  mp_json_free(lrows);
  truth_free(&ts);
  unlink(clean);
  unlink(faulty);
}
