#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "input/shard.h"
#include "scanner/base/hash.h"

struct parse_case {
  char in[32];
  int ret;
  unsigned k, n;
};

ParameterizedTestParameters(shard, parses_k_of_n)
{
  static struct parse_case cases[] = {
      {"0/1", 0, 0, 1},
      {"3/4", 0, 3, 4},
      {"0/65536", 0, 0, 65536},
      {"65535/65536", 0, 65535, 65536},
      {"007/10", 0, 7, 10},
      {"", -EINVAL, 0, 0},
      {"1", -EINVAL, 0, 0},
      {"/", -EINVAL, 0, 0},
      {"1/", -EINVAL, 0, 0},
      {"/2", -EINVAL, 0, 0},
      {"4/4", -EINVAL, 0, 0},
      {"5/4", -EINVAL, 0, 0},
      {"0/0", -EINVAL, 0, 0},
      {"0/65537", -EINVAL, 0, 0},
      {"0/1000000", -EINVAL, 0, 0},
      {"0/99999999999999999999", -EINVAL, 0, 0},
      {"-1/4", -EINVAL, 0, 0},
      {"1/-4", -EINVAL, 0, 0},
      {"+1/4", -EINVAL, 0, 0},
      {" 1/4", -EINVAL, 0, 0},
      {"1/4 ", -EINVAL, 0, 0},
      {"1 /4", -EINVAL, 0, 0},
      {"1/4x", -EINVAL, 0, 0},
      {"1/4/8", -EINVAL, 0, 0},
      {"0x1/4", -EINVAL, 0, 0},
  };

  return cr_make_param_array(struct parse_case, cases,
                             sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct parse_case *c, shard, parses_k_of_n)
{
  struct mp_shard s = {12345, 54321};

  cr_assert_eq(mp_shard_parse(c->in, &s), c->ret, "[%s]", c->in);
  if (c->ret == 0) {
    cr_assert_eq(s.k, c->k);
    cr_assert_eq(s.n, c->n);
  } else {
    cr_assert_eq(s.k, 12345, "[%s] changed the output", c->in);
    cr_assert_eq(s.n, 54321);
  }
}

Test(shard, keeps_everything_without_sharding)
{
  struct mp_shard s = {0, 0};

  cr_assert(mp_shard_keep(&s, "example.com", 11));
  cr_assert(mp_shard_keep(&s, "", 0));
}

Test(shard, one_shard_keeps_everything)
{
  struct mp_shard s;

  cr_assert_eq(mp_shard_parse("0/1", &s), 0);
  cr_assert(mp_shard_keep(&s, "example.com", 11));
}

static void check_split(unsigned n)
{
  enum { NAMES = 100000 };
  static unsigned counts[64];
  char name[32];

  cr_assert_leq(n, 64);
  memset(counts, 0, sizeof(counts));
  for (unsigned i = 0; i < NAMES; i++) {
    size_t len = (size_t)snprintf(name, sizeof(name), "d%u.example", i);
    unsigned kept_by = n;

    /* Also tells gcc the hash reads only name[0..len), or inlined XXH3
     * trips -Warray-bounds on the longer-input branches. */
    cr_assert_lt(len, sizeof(name));

    for (unsigned k = 0; k < n; k++) {
      struct mp_shard s = {k, n};

      if (mp_shard_keep(&s, name, len)) {
        cr_assert_eq(kept_by, n, "%s kept by shards %u and %u", name, kept_by,
                     k);
        kept_by = k;
      }
    }
    cr_assert_lt(kept_by, n, "%s kept by no shard", name);
    cr_assert_eq(kept_by, mp_hash(name, len) % n);
    counts[kept_by]++;
  }
  for (unsigned k = 0; k < n; k++) {
    double share = (double)counts[k] * n / NAMES;

    cr_assert(share > 0.95 && share < 1.05, "shard %u/%u holds %u names", k, n,
              counts[k]);
  }
}

Test(shard, splits_names_into_exactly_one_of_n_evenly)
{
  unsigned ns[] = {2, 3, 7, 16};

  for (size_t i = 0; i < sizeof(ns) / sizeof(ns[0]); i++) {
    check_split(ns[i]);
  }
}
