/* The scanner through a lossy, slow path: mp_proxy between it and the
 * world's Knot server drops datagrams and delays replies. Every line still
 * gets exactly one row, and every lookup either says it failed (timeout,
 * error) or equals what a clean scan of the same world got: a lost answer
 * never reads as a negative one. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/integration/world.h"
#include "tests/support/proc.h"

static bool json_eq(const struct mp_json *a, const struct mp_json *b)
{
  if (!a || !b || a->type != b->type) {
    return a == b;
  }
  switch (a->type) {
  case MP_JSON_STRING:
    return a->len == b->len && memcmp(a->str, b->str, a->len) == 0;
  case MP_JSON_NUMBER:
    return a->number == b->number;
  case MP_JSON_BOOL:
    return a->boolean == b->boolean;
  case MP_JSON_ARRAY:
  case MP_JSON_OBJECT:
    if (a->count != b->count) {
      return false;
    }
    for (size_t i = 0; i < a->count; i++) {
      if ((a->type == MP_JSON_OBJECT && !json_eq(a->keys[i], b->keys[i])) ||
          !json_eq(a->items[i], b->items[i])) {
        return false;
      }
    }
    return true;
  default:
    return true;
  }
}

static const struct mp_json **by_line(const struct mp_json *rows, size_t max)
{
  const struct mp_json **idx = calloc(max + 1, sizeof(*idx));

  cr_assert_not_null(idx);
  for (size_t i = 0; i < rows->count; i++) {
    const struct mp_json *line = mp_json_get(rows->items[i], "line");
    size_t n = (size_t)line->integer;

    cr_assert_leq(n, max);
    cr_assert_null(idx[n], "two rows for line %zu", n);
    idx[n] = rows->items[i];
  }
  return idx;
}

static bool failed(const char *outcome)
{
  return strcmp(outcome, "timeout") == 0 || strcmp(outcome, "error") == 0;
}

Test(lossy, every_line_has_one_row_and_lost_answers_say_so, .timeout = 600)
{
  static const char *const lookups[] = {"txt", "dmarc_txt", "mx"};
  char upstream[64], proxy[64], in[4096], clean[4096], lossy[4096];
  const char *pargv[] = {MP_PROXY, "--listen", "127.0.0.1:0", "--upstream",
                         upstream, "--delay",  "2-10",        "--loss",
                         "0.03",   "--seed",   "7",           NULL};
  const char *base[] = {
      "--checks", "spf,dmarc,mx", "--timeout", "400ms", "--retries", "1", NULL};
  const char *through[] = {"-r",           proxy,       "--checks",
                           "spf,dmarc,mx", "--timeout", "400ms",
                           "--retries",    "1",         NULL};
  struct mp_json *crows, *lrows;
  const struct mp_json **c, **l;
  struct truth_set ts;
  unsigned failures = 0, same = 0;
  pid_t pid;

  truth_load(&ts);
  snprintf(upstream, sizeof(upstream), "127.0.0.1:%d", MP_TEST_DNS_PORT);
  snprintf(in, sizeof(in), "%s/domains.txt", MP_WORLD_DIR);
  scratch_path(clean, sizeof(clean), "lossy-clean.ndjson");
  scratch_path(lossy, sizeof(lossy), "lossy.ndjson");
  cr_assert_eq(run_scanner(in, clean, base), 0);
  pid = mp_proc_start_line(pargv, proxy, sizeof(proxy), 5000);
  cr_assert_gt(pid, 0, "mp_proxy did not start");
  proxy[strcspn(proxy, "\n")] = '\0';
  cr_assert_eq(run_scanner(in, lossy, through), 0);
  mp_proc_stop(pid, 5000);
  crows = read_rows(clean);
  lrows = read_rows(lossy);
  cr_assert_eq(crows->count, ts.count);
  cr_assert_eq(lrows->count, ts.count, "one row per line through the proxy");
  c = by_line(crows, ts.max_line);
  l = by_line(lrows, ts.max_line);
  for (size_t n = 0; n <= ts.max_line; n++) {
    cr_assert_eq(c[n] == NULL, l[n] == NULL, "line %zu", n);
    if (!c[n] || !mp_json_get(c[n], "txt") ||
        mp_json_is_null(mp_json_get(c[n], "txt"))) {
      continue;
    }
    for (size_t k = 0; k < 3; k++) {
      const struct mp_json *want = mp_json_get(c[n], lookups[k]);
      const struct mp_json *got = mp_json_get(l[n], lookups[k]);
      const char *o = mp_json_str(mp_json_get(got, "outcome"));

      if (failed(o)) {
        failures++;
        cr_expect(mp_json_is_null(mp_json_get(got, "rcode")) ||
                      strcmp(o, "error") == 0,
                  "line %zu %s: %s with an rcode", n, lookups[k], o);
        continue;
      }
      same++;
      cr_expect(
          json_eq(mp_json_get(want, "outcome"), mp_json_get(got, "outcome")),
          "line %zu %s: %s, clean %s", n, lookups[k], o,
          mp_json_str(mp_json_get(want, "outcome")));
      cr_expect(
          json_eq(mp_json_get(want, "records"), mp_json_get(got, "records")),
          "line %zu %s: other records than the clean scan", n, lookups[k]);
    }
  }
  printf("lossy: %zu rows, %u lookups equal to the clean scan, %u say they "
         "failed\n",
         lrows->count, same, failures);
  free(c);
  free(l);
  mp_json_free(crows);
  mp_json_free(lrows);
  truth_free(&ts);
  unlink(clean);
  unlink(lossy);
}
