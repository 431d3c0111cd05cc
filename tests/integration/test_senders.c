/* --spf-ip end to end: the reverse DNS of the sending addresses given,
 * looked up by the MX check through the shared answer cache, decides the
 * verdict's sender_fcrdns in place of the MX hosts, for a domain with MX
 * hosts, one without MX records and one with a null MX. The world's
 * addresses: 10.255.0.1 is mx1.mailco.example (PTR and A agree),
 * 10.255.0.31 has no PTR, 10.255.0.30's PTR name is under broken.test (its
 * forward lookup fails with SERVFAIL). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tests/integration/world.h"

static char input[4096];
static char domains[3][256]; /* with MX hosts, without MX, null MX */

/* Picks the first resolving domain of each kind from the truth and writes
 * them to the input list. */
static void setup(void)
{
  struct truth_set ts;
  FILE *f;

  truth_load(&ts);
  for (size_t i = 0; i < ts.count; i++) {
    const struct truth *t = &ts.rows[i];
    int k = -1;

    if (strcmp(t->status, "ok") != 0 || strcmp(t->cname, "-") != 0) {
      continue;
    }
    if (strcmp(t->outcome[2], "nodata") == 0) {
      k = 1;
    } else if (strcmp(t->records[2], "0:") == 0) {
      k = 2;
    } else if (strcmp(t->outcome[2], "ok") == 0) {
      k = 0;
    }
    if (k >= 0 && !domains[k][0]) {
      snprintf(domains[k], sizeof(domains[k]), "%s", t->domain);
    }
  }
  truth_free(&ts);
  scratch_path(input, sizeof(input), "senders.txt");
  f = fopen(input, "w");
  cr_assert_not_null(f);
  for (int k = 0; k < 3; k++) {
    cr_assert(domains[k][0], "no domain of kind %d in the world", k);
    fprintf(f, "%s\n", domains[k]);
  }
  cr_assert_eq(fclose(f), 0);
}

static void teardown(void)
{
  unlink(input);
}

TestSuite(senders, .init = setup, .fini = teardown, .timeout = 120);

static bool lists(const struct mp_json *list, const char *code)
{
  for (size_t i = 0; list && i < list->count; i++) {
    if (mp_json_str_eq(list->items[i], code)) {
      return true;
    }
  }
  return false;
}

/* Scans the three domains with --spf-ip for each of ips (NULL-ended); for
 * every row: the senders in order, senders_fcrdns as want ("true",
 * "false", "null"), and sender_fcrdns in the verdict's failed or unknown
 * list accordingly, never mx_fcrdns. */
static struct mp_json *scan(const char *const *ips, const char *want)
{
  const char *args[16];
  char out[4096];
  size_t n = 0, nips = 0;
  struct mp_json *rows;

  for (; ips[nips]; nips++) {
    args[n++] = "--spf-ip";
    args[n++] = ips[nips];
  }
  args[n] = NULL;
  scratch_path(out, sizeof(out), "senders.ndjson");
  cr_assert_eq(run_scanner(input, out, args), 0);
  rows = read_rows(out);
  unlink(out);
  cr_assert_eq(rows->count, 3);
  for (size_t i = 0; i < rows->count; i++) {
    const struct mp_json *r = rows->items[i];
    const struct mp_json *senders = mp_json_path(r, "mx_hosts.senders");
    const struct mp_json *fc = mp_json_path(r, "mx_hosts.senders_fcrdns");
    const struct mp_json *failed = mp_json_path(r, "verdict.failed");
    const struct mp_json *unknown = mp_json_path(r, "verdict.unknown");
    const char *d = mp_json_str(mp_json_get(r, "domain"));

    cr_assert(mp_json_str_eq(mp_json_get(r, "status"), "ok"), "%s", d);
    cr_assert_not_null(senders, "%s: no mx_hosts.senders", d);
    cr_assert_eq(senders->count, nips, "%s", d);
    for (size_t k = 0; k < nips; k++) {
      cr_expect(
          mp_json_str_eq(mp_json_get(senders->items[k], "address"), ips[k]),
          "%s: sender %zu", d, k);
    }
    cr_expect(!strcmp(want, "null") ? mp_json_is_null(fc)
                                    : fc && fc->type == MP_JSON_BOOL &&
                                          fc->boolean == !strcmp(want, "true"),
              "%s: senders_fcrdns is not %s", d, want);
    cr_expect_eq(lists(failed, "sender_fcrdns"), !strcmp(want, "false"), "%s",
                 d);
    cr_expect_eq(lists(unknown, "sender_fcrdns"), !strcmp(want, "null"), "%s",
                 d);
    cr_expect(!lists(failed, "mx_fcrdns") && !lists(unknown, "mx_fcrdns"),
              "%s: the MX hosts were checked, not the senders", d);
  }
  return rows;
}

/* Without MX records the requirement is met by the senders, not unknown;
 * with a null MX it is theirs too. */
Test(senders, confirmed_addresses_meet_the_requirement_for_every_domain)
{
  const char *const ips[] = {"10.255.0.1", NULL};
  struct mp_json *rows = scan(ips, "true");

  for (size_t i = 0; i < rows->count; i++) {
    const struct mp_json *s =
        mp_json_path(rows->items[i], "mx_hosts.senders[0]");

    cr_expect(mp_json_str_eq(mp_json_get(s, "ptr"), "mx1.mailco.example"));
    cr_expect(mp_json_str_eq(mp_json_get(s, "forward_outcome"), "ok"));
  }
  mp_json_free(rows);
}

Test(senders, an_address_without_ptr_fails_it)
{
  const char *const ips[] = {"10.255.0.1", "10.255.0.31", NULL};
  struct mp_json *rows = scan(ips, "false");

  for (size_t i = 0; i < rows->count; i++) {
    const struct mp_json *s =
        mp_json_path(rows->items[i], "mx_hosts.senders[1]");

    cr_expect(mp_json_str_eq(mp_json_get(s, "ptr_outcome"), "nxdomain"));
    cr_expect(mp_json_get(s, "fcrdns")->type == MP_JSON_BOOL &&
              !mp_json_get(s, "fcrdns")->boolean);
  }
  mp_json_free(rows);
}

/* A failed forward lookup of the PTR name leaves it unknown, not failed. */
Test(senders, a_failed_forward_lookup_leaves_it_unknown)
{
  const char *const ips[] = {"10.255.0.1", "10.255.0.30", NULL};
  struct mp_json *rows = scan(ips, "null");

  for (size_t i = 0; i < rows->count; i++) {
    const struct mp_json *s =
        mp_json_path(rows->items[i], "mx_hosts.senders[1]");

    cr_expect(
        mp_json_str_eq(mp_json_get(s, "ptr"), "relay.outage.broken.test"));
    cr_expect(mp_json_str_eq(mp_json_get(s, "forward_outcome"), "servfail"));
    cr_expect(mp_json_is_null(mp_json_get(s, "fcrdns")));
    cr_expect(mp_json_is_null(mp_json_path(rows->items[i], "verdict.ready")) ||
              mp_json_path(rows->items[i], "verdict.failed")->count > 0);
  }
  mp_json_free(rows);
}
