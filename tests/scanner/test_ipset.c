#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <string.h>

#include "scanner/spf/ipset.h"

#define MAX UINT64_MAX
#define R(lo, hi)                                                              \
  {                                                                            \
    (lo), (hi)                                                                 \
  }
#define MAXR 8

/* Tables hold values only (each case runs in its own worker process). */
struct ranges {
  size_t n;
  struct mp_ipset_range r[MAXR];
};

static char *dump(const struct mp_ipset *s, char *buf, size_t size)
{
  size_t used = 0;

  buf[0] = '\0';
  for (size_t i = 0; i < s->n && used < size; i++) {
    int k = snprintf(buf + used, size - used, "[%llu,%llu]",
                     (unsigned long long)s->r[i].lo,
                     (unsigned long long)s->r[i].hi);

    if (k < 0) {
      break;
    }
    used += (size_t)k;
  }
  return buf;
}

/* s holds exactly the ranges of want, in order. */
static void assert_ranges(const struct mp_ipset *s, const struct ranges *want,
                          const char *what)
{
  char buf[512];

  cr_assert_eq(s->n, want->n, "%s: got %s", what, dump(s, buf, sizeof buf));
  for (size_t i = 0; i < s->n; i++) {
    cr_assert(s->r[i].lo == want->r[i].lo && s->r[i].hi == want->r[i].hi,
              "%s: range %zu of %s", what, i, dump(s, buf, sizeof buf));
  }
}

static void add_all(struct mp_ipset *s, const struct ranges *in)
{
  for (size_t i = 0; i < in->n; i++) {
    mp_ipset_add(s, in->r[i].lo, in->r[i].hi);
  }
}

/* mp_ipset_add, one range at a time in the order given. */
struct add_case {
  char name[32];
  struct ranges in, out;
};

ParameterizedTestParameters(ipset, add_merges_ranges)
{
  static struct add_case cases[] = {
      {"one", {1, {R(5, 10)}}, {1, {R(5, 10)}}},
      {"sorts", {2, {R(20, 30), R(1, 2)}}, {2, {R(1, 2), R(20, 30)}}},
      {"inserts_middle",
       {3, {R(1, 2), R(20, 30), R(10, 12)}},
       {3, {R(1, 2), R(10, 12), R(20, 30)}}},
      {"adjacent_after", {2, {R(1, 2), R(3, 4)}}, {1, {R(1, 4)}}},
      {"adjacent_before", {2, {R(3, 4), R(1, 2)}}, {1, {R(1, 4)}}},
      {"gap_of_one_stays", {2, {R(1, 2), R(4, 5)}}, {2, {R(1, 2), R(4, 5)}}},
      {"overlap_left", {2, {R(5, 10), R(3, 7)}}, {1, {R(3, 10)}}},
      {"overlap_right", {2, {R(5, 10), R(8, 15)}}, {1, {R(5, 15)}}},
      {"contained", {2, {R(1, 100), R(10, 20)}}, {1, {R(1, 100)}}},
      {"containing", {2, {R(10, 20), R(1, 100)}}, {1, {R(1, 100)}}},
      {"duplicate", {2, {R(5, 5), R(5, 5)}}, {1, {R(5, 5)}}},
      {"swallows_many",
       {5, {R(1, 2), R(4, 5), R(7, 8), R(10, 11), R(0, 20)}},
       {1, {R(0, 20)}}},
      {"bridges_by_adjacency",
       {3, {R(1, 2), R(4, 5), R(3, 3)}},
       {1, {R(1, 5)}}},
      {"bridges_some",
       {5, {R(1, 2), R(5, 6), R(9, 10), R(13, 14), R(6, 9)}},
       {3, {R(1, 2), R(5, 10), R(13, 14)}}},
      {"ends_inside_and_touches",
       {3, {R(1, 2), R(5, 6), R(0, 4)}},
       {1, {R(0, 6)}}},
      {"zero_edge", {2, {R(1, 1), R(0, 0)}}, {1, {R(0, 1)}}},
      {"max_edge",
       {2, {R(MAX, MAX), R(MAX - 1, MAX - 1)}},
       {1, {R(MAX - 1, MAX)}}},
      {"both_edges_apart",
       {2, {R(MAX, MAX), R(0, 0)}},
       {2, {R(0, 0), R(MAX, MAX)}}},
      {"full", {1, {R(0, MAX)}}, {1, {R(0, MAX)}}},
      {"into_full", {2, {R(0, MAX), R(5, 6)}}, {1, {R(0, MAX)}}},
      {"completes_full", {2, {R(0, MAX - 1), R(MAX, MAX)}}, {1, {R(0, MAX)}}},
      {"completes_full_low", {2, {R(1, MAX), R(0, 0)}}, {1, {R(0, MAX)}}},
      {"upper_then_lower",
       {2, {R(10, MAX), R(0, 8)}},
       {2, {R(0, 8), R(10, MAX)}}},
      {"closes_gap_to_full",
       {3, {R(10, MAX), R(0, 8), R(9, 9)}},
       {1, {R(0, MAX)}}},
  };

  return cr_make_param_array(struct add_case, cases,
                             sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct add_case *c, ipset, add_merges_ranges)
{
  struct mp_ipset s;

  mp_ipset_init(&s);
  add_all(&s, &c->in);
  assert_ranges(&s, &c->out, c->name);
  mp_ipset_close(&s);
}

struct net_case {
  uint8_t addr[16];
  unsigned prefix;
  uint64_t lo, hi;
};

ParameterizedTestParameters(ipset, add_ip4_covers_network)
{
  static struct net_case cases[] = {
      {{0, 0, 0, 0}, 0, 0, 0xFFFFFFFF},
      {{1, 2, 3, 4}, 0, 0, 0xFFFFFFFF},
      {{255, 255, 255, 255}, 1, 0x80000000, 0xFFFFFFFF},
      {{127, 255, 0, 1}, 1, 0, 0x7FFFFFFF},
      {{10, 1, 2, 3}, 8, 0x0A000000, 0x0AFFFFFF},
      {{192, 0, 2, 200}, 24, 0xC0000200, 0xC00002FF},
      {{192, 0, 2, 7}, 31, 0xC0000206, 0xC0000207},
      {{192, 0, 2, 6}, 31, 0xC0000206, 0xC0000207},
      {{192, 0, 2, 7}, 32, 0xC0000207, 0xC0000207},
      {{0, 0, 0, 0}, 32, 0, 0},
      {{255, 255, 255, 255}, 32, 0xFFFFFFFF, 0xFFFFFFFF},
  };

  return cr_make_param_array(struct net_case, cases,
                             sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct net_case *c, ipset, add_ip4_covers_network)
{
  struct mp_ipset s;
  struct ranges want = {1, {R(c->lo, c->hi)}};
  char what[64];

  snprintf(what, sizeof what, "%u.%u.%u.%u/%u", c->addr[0], c->addr[1],
           c->addr[2], c->addr[3], c->prefix);
  mp_ipset_init(&s);
  mp_ipset_add_ip4(&s, c->addr, c->prefix);
  assert_ranges(&s, &want, what);
  mp_ipset_close(&s);
}

#define DB8 0x20, 0x01, 0x0d, 0xb8

ParameterizedTestParameters(ipset, add_ip6_covers_64s)
{
  static struct net_case cases[] = {
      {{0}, 0, 0, MAX},
      {{DB8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 0, 0, MAX},
      {{0xff}, 1, 0x8000000000000000, MAX},
      {{DB8, 0xaa, 0xaa}, 32, 0x20010db800000000, 0x20010db8ffffffff},
      {{DB8, 0, 1, 0, 2}, 48, 0x20010db800010000, 0x20010db80001ffff},
      {{DB8, 0, 1, 0, 3}, 63, 0x20010db800010002, 0x20010db800010003},
      {{DB8, 0, 1, 0, 2, 0, 3}, 64, 0x20010db800010002, 0x20010db800010002},
      {{DB8, 0, 1, 0, 2, 0x80}, 65, 0x20010db800010002, 0x20010db800010002},
      {{DB8, 0, 1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 1},
       128,
       0x20010db800010002,
       0x20010db800010002},
      {{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff},
       128,
       MAX,
       MAX},
      {{0}, 128, 0, 0},
  };

  return cr_make_param_array(struct net_case, cases,
                             sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct net_case *c, ipset, add_ip6_covers_64s)
{
  struct mp_ipset s;
  struct ranges want = {1, {R(c->lo, c->hi)}};
  char what[64];

  snprintf(what, sizeof what, "%02x%02x:%02x%02x:.../%u", c->addr[0],
           c->addr[1], c->addr[2], c->addr[3], c->prefix);
  mp_ipset_init(&s);
  mp_ipset_add_ip6(&s, c->addr, c->prefix);
  assert_ranges(&s, &want, what);
  mp_ipset_close(&s);
}

/* Both set operations per shape: a | b (checked both ways) and a - b. */
struct setop_case {
  char name[32];
  struct ranges a, b, uni, sub;
};

ParameterizedTestParameters(ipset, union_and_subtract)
{
  static struct setop_case cases[] = {
      {"empty_empty", {0}, {0}, {0}, {0}},
      {"empty_a", {0}, {1, {R(1, 2)}}, {1, {R(1, 2)}}, {0}},
      {"empty_b", {1, {R(1, 2)}}, {0}, {1, {R(1, 2)}}, {1, {R(1, 2)}}},
      {"same", {1, {R(1, 9)}}, {1, {R(1, 9)}}, {1, {R(1, 9)}}, {0}},
      {"disjoint",
       {2, {R(1, 2), R(10, 12)}},
       {2, {R(5, 6), R(20, 21)}},
       {4, {R(1, 2), R(5, 6), R(10, 12), R(20, 21)}},
       {2, {R(1, 2), R(10, 12)}}},
      {"overlap_left",
       {1, {R(10, 20)}},
       {1, {R(5, 12)}},
       {1, {R(5, 20)}},
       {1, {R(13, 20)}}},
      {"overlap_right",
       {1, {R(10, 20)}},
       {1, {R(18, 25)}},
       {1, {R(10, 25)}},
       {1, {R(10, 17)}}},
      {"middle_splits",
       {1, {R(10, 20)}},
       {1, {R(15, 15)}},
       {1, {R(10, 20)}},
       {2, {R(10, 14), R(16, 20)}}},
      {"trims_both_ends",
       {1, {R(10, 20)}},
       {2, {R(10, 10), R(20, 20)}},
       {1, {R(10, 20)}},
       {1, {R(11, 19)}}},
      {"adjacent_both_sides",
       {1, {R(10, 20)}},
       {2, {R(0, 9), R(21, 30)}},
       {1, {R(0, 30)}},
       {1, {R(10, 20)}}},
      {"many_holes",
       {1, {R(0, 100)}},
       {3, {R(10, 19), R(30, 39), R(50, 59)}},
       {1, {R(0, 100)}},
       {4, {R(0, 9), R(20, 29), R(40, 49), R(60, 100)}}},
      {"b_covers_a",
       {2, {R(3, 4), R(8, 9)}},
       {1, {R(0, 100)}},
       {1, {R(0, 100)}},
       {0}},
      {"b_spans_three",
       {3, {R(1, 5), R(10, 15), R(20, 25)}},
       {1, {R(3, 22)}},
       {1, {R(1, 25)}},
       {2, {R(1, 2), R(23, 25)}}},
      {"b_bites_two",
       {2, {R(1, 5), R(10, 15)}},
       {1, {R(4, 11)}},
       {1, {R(1, 15)}},
       {2, {R(1, 3), R(12, 15)}}},
      {"bridge",
       {2, {R(1, 5), R(10, 15)}},
       {1, {R(6, 9)}},
       {1, {R(1, 15)}},
       {2, {R(1, 5), R(10, 15)}}},
      {"zipper",
       {3, {R(0, 1), R(4, 5), R(8, 9)}},
       {2, {R(2, 3), R(6, 7)}},
       {1, {R(0, 9)}},
       {3, {R(0, 1), R(4, 5), R(8, 9)}}},
      {"b_many_small",
       {1, {R(50, 60)}},
       {6, {R(0, 1), R(3, 4), R(49, 51), R(55, 55), R(58, 58), R(70, 80)}},
       {4, {R(0, 1), R(3, 4), R(49, 60), R(70, 80)}},
       {3, {R(52, 54), R(56, 57), R(59, 60)}}},
      {"edges_apart",
       {1, {R(0, 0)}},
       {1, {R(MAX, MAX)}},
       {2, {R(0, 0), R(MAX, MAX)}},
       {1, {R(0, 0)}}},
      {"makes_full",
       {1, {R(0, MAX - 1)}},
       {1, {R(MAX, MAX)}},
       {1, {R(0, MAX)}},
       {1, {R(0, MAX - 1)}}},
      {"overlap_to_full",
       {1, {R(0, 10)}},
       {1, {R(5, MAX)}},
       {1, {R(0, MAX)}},
       {1, {R(0, 4)}}},
      {"everything",
       {2, {R(1, 2), R(5, 9)}},
       {1, {R(0, MAX)}},
       {1, {R(0, MAX)}},
       {0}},
      {"full_minus_middle",
       {1, {R(0, MAX)}},
       {1, {R(100, 200)}},
       {1, {R(0, MAX)}},
       {2, {R(0, 99), R(201, MAX)}}},
      {"full_minus_zero",
       {1, {R(0, MAX)}},
       {1, {R(0, 0)}},
       {1, {R(0, MAX)}},
       {1, {R(1, MAX)}}},
      {"full_minus_max",
       {1, {R(0, MAX)}},
       {1, {R(MAX, MAX)}},
       {1, {R(0, MAX)}},
       {1, {R(0, MAX - 1)}}},
      {"full_minus_edges",
       {1, {R(0, MAX)}},
       {2, {R(0, 9), R(MAX - 9, MAX)}},
       {1, {R(0, MAX)}},
       {1, {R(10, MAX - 10)}}},
      {"full_minus_full",
       {1, {R(0, MAX)}},
       {1, {R(0, MAX)}},
       {1, {R(0, MAX)}},
       {0}},
  };

  return cr_make_param_array(struct setop_case, cases,
                             sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct setop_case *c, ipset, union_and_subtract)
{
  struct mp_ipset a, b, s;
  char what[64];

  mp_ipset_init(&a);
  mp_ipset_init(&b);
  mp_ipset_init(&s);
  add_all(&a, &c->a);
  add_all(&b, &c->b);

  mp_ipset_copy(&s, &a);
  mp_ipset_union(&s, &b);
  snprintf(what, sizeof what, "%s a|b", c->name);
  assert_ranges(&s, &c->uni, what);

  mp_ipset_copy(&s, &b);
  mp_ipset_union(&s, &a);
  snprintf(what, sizeof what, "%s b|a", c->name);
  assert_ranges(&s, &c->uni, what);

  mp_ipset_copy(&s, &a);
  mp_ipset_subtract(&s, &b);
  snprintf(what, sizeof what, "%s a-b", c->name);
  assert_ranges(&s, &c->sub, what);

  /* t is left as it was. */
  snprintf(what, sizeof what, "%s b kept", c->name);
  assert_ranges(&b, &c->b, what);
  mp_ipset_close(&a);
  mp_ipset_close(&b);
  mp_ipset_close(&s);
}

Test(ipset, union_and_subtract_with_itself)
{
  struct mp_ipset s;
  struct ranges want = {2, {R(1, 2), R(5, 9)}};

  mp_ipset_init(&s);
  add_all(&s, &want);
  mp_ipset_union(&s, &s);
  assert_ranges(&s, &want, "s|s");
  mp_ipset_subtract(&s, &s);
  cr_assert_eq(s.n, 0);
  mp_ipset_close(&s);
}

Test(ipset, count_sums_ranges)
{
  struct mp_ipset s;

  mp_ipset_init(&s);
  cr_assert_eq(mp_ipset_count(&s), 0);
  mp_ipset_add(&s, 5, 5);
  cr_assert_eq(mp_ipset_count(&s), 1);
  mp_ipset_add(&s, 10, 20);
  cr_assert_eq(mp_ipset_count(&s), 12);
  mp_ipset_clear(&s);
  mp_ipset_add(&s, MAX, MAX);
  cr_assert_eq(mp_ipset_count(&s), 1);
  mp_ipset_close(&s);
}

Test(ipset, count_of_full_ip4_space)
{
  struct mp_ipset s;
  const uint8_t any[4] = {0};

  mp_ipset_init(&s);
  mp_ipset_fill(&s, false);
  cr_assert_eq(mp_ipset_count(&s), UINT64_C(4294967296));
  mp_ipset_clear(&s);
  mp_ipset_add_ip4(&s, any, 0);
  cr_assert_eq(mp_ipset_count(&s), UINT64_C(4294967296));
  mp_ipset_close(&s);
}

Test(ipset, count_saturates_at_full_64_bit_space)
{
  struct mp_ipset s;

  mp_ipset_init(&s);
  mp_ipset_fill(&s, true);
  cr_assert_eq(mp_ipset_count(&s), MAX);
  /* 2^64 - 1 keys: exact, and also UINT64_MAX. */
  mp_ipset_clear(&s);
  mp_ipset_add(&s, 1, MAX);
  cr_assert_eq(mp_ipset_count(&s), MAX);
  mp_ipset_clear(&s);
  mp_ipset_add(&s, 0, UINT64_C(1) << 63);
  mp_ipset_add(&s, (UINT64_C(1) << 63) + 2, MAX);
  cr_assert_eq(mp_ipset_count(&s), MAX);
  mp_ipset_clear(&s);
  mp_ipset_add(&s, 0, MAX - 3); /* MAX - 2 keys */
  mp_ipset_add(&s, MAX, MAX);
  cr_assert_eq(mp_ipset_count(&s), MAX - 1);
  mp_ipset_close(&s);
}

Test(ipset, fill_replaces_contents)
{
  struct mp_ipset s;
  struct ranges ip4 = {1, {R(0, 0xFFFFFFFF)}};
  struct ranges ip6 = {1, {R(0, MAX)}};

  mp_ipset_init(&s);
  mp_ipset_add(&s, UINT64_C(1) << 40, UINT64_C(1) << 41);
  mp_ipset_fill(&s, false);
  assert_ranges(&s, &ip4, "ip4");
  mp_ipset_fill(&s, true);
  assert_ranges(&s, &ip6, "ip6");
  mp_ipset_close(&s);
}

Test(ipset, has_finds_members)
{
  struct mp_ipset s;
  const uint64_t in[] = {0, 1, 2, 10, 15, 20, 100, MAX - 1, MAX};
  const uint64_t out[] = {3, 9, 21, 99, 101, MAX - 2, UINT64_C(1) << 63};

  mp_ipset_init(&s);
  cr_assert(!mp_ipset_has(&s, 0));
  cr_assert(!mp_ipset_has(&s, MAX));
  mp_ipset_add(&s, 0, 2);
  mp_ipset_add(&s, 10, 20);
  mp_ipset_add(&s, 100, 100);
  mp_ipset_add(&s, MAX - 1, MAX);
  for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
    cr_expect(mp_ipset_has(&s, in[i]), "%llu", (unsigned long long)in[i]);
  }
  for (size_t i = 0; i < sizeof out / sizeof out[0]; i++) {
    cr_expect(!mp_ipset_has(&s, out[i]), "%llu", (unsigned long long)out[i]);
  }
  mp_ipset_fill(&s, true);
  cr_assert(mp_ipset_has(&s, 0) && mp_ipset_has(&s, MAX));
  mp_ipset_close(&s);
}

Test(ipset, copy_is_independent)
{
  struct mp_ipset a, b = {0}; /* zeroed counts as empty */
  struct ranges want = {2, {R(1, 2), R(MAX, MAX)}};

  mp_ipset_init(&a);
  add_all(&a, &want);
  mp_ipset_copy(&b, &a);
  assert_ranges(&b, &want, "copy");
  mp_ipset_add(&b, 3, 3);
  assert_ranges(&a, &want, "source");
  mp_ipset_copy(&b, &b);
  cr_assert_eq(b.n, 2);

  /* Over a longer set, and of an empty one. */
  for (uint64_t k = 0; k < 40; k += 2) {
    mp_ipset_add(&b, 1000 + k, 1000 + k);
  }
  mp_ipset_copy(&b, &a);
  assert_ranges(&b, &want, "over longer");
  mp_ipset_clear(&a);
  mp_ipset_copy(&b, &a);
  cr_assert_eq(b.n, 0);
  mp_ipset_close(&a);
  mp_ipset_close(&b);
}

Test(ipset, clear_and_close_leave_it_reusable)
{
  struct mp_ipset s;
  struct mp_ipset_range *mem;
  struct ranges want = {1, {R(7, 8)}};

  mp_ipset_init(&s);
  cr_assert_eq(s.n, 0);
  mp_ipset_close(&s); /* closing an empty set is fine */
  mp_ipset_add(&s, 1, 2);
  mp_ipset_add(&s, 4, 5);
  mem = s.r;
  mp_ipset_clear(&s);
  cr_assert_eq(s.n, 0);
  cr_assert_eq(s.r, mem);
  cr_assert_eq(mp_ipset_count(&s), 0);
  cr_assert(!mp_ipset_has(&s, 1));
  add_all(&s, &want);
  assert_ranges(&s, &want, "after clear");
  mp_ipset_close(&s);
  cr_assert_null(s.r);
  cr_assert_eq(s.n, 0);
  cr_assert_eq(s.cap, 0);
  add_all(&s, &want);
  assert_ranges(&s, &want, "after close");
  mp_ipset_close(&s);
  mp_ipset_close(&s);
}

Test(ipset, add_many_descending_grows)
{
  struct mp_ipset s;

  mp_ipset_init(&s);
  for (uint64_t k = 20000; k-- > 0;) {
    mp_ipset_add(&s, 3 * k, 3 * k + 1);
  }
  cr_assert_eq(s.n, 20000);
  cr_assert_eq(mp_ipset_count(&s), 40000);
  for (size_t i = 0; i < s.n; i++) {
    cr_assert(s.r[i].lo == 3 * i && s.r[i].hi == 3 * i + 1);
  }
  /* Filling every gap leaves one range. */
  for (uint64_t k = 0; k < 20000; k++) {
    mp_ipset_add(&s, 3 * k + 2, 3 * k + 2);
  }
  cr_assert_eq(s.n, 1);
  cr_assert(s.r[0].lo == 0 && s.r[0].hi == 59999);
  mp_ipset_close(&s);
}

/* Property test: sets over a window of 1024 keys, starting at base,
 * against a bitmap. Bases at 0 and at the top of the space make the edges
 * (lo = 0, hi = UINT64_MAX) come up often. */
#define U 1024

struct model {
  struct mp_ipset s;
  bool bit[U];
};

static uint64_t rng_state;

static uint64_t rnd(void)
{
  uint64_t z = (rng_state += UINT64_C(0x9E3779B97F4A7C15)); /* splitmix64 */

  z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
  return z ^ (z >> 31);
}

/* A random sub-range of the window: mostly short, sometimes long. */
static void rnd_range(size_t *lo, size_t *hi)
{
  size_t a = (size_t)(rnd() % U);
  size_t len = rnd() % 4 ? (size_t)(rnd() % 8) : (size_t)(rnd() % U);

  *lo = a;
  *hi = a + len >= U ? U - 1 : a + len;
}

static void check_model(const struct model *m, uint64_t base, size_t step)
{
  bool seen[U] = {false};
  uint64_t pop = 0;

  for (size_t i = 0; i < m->s.n; i++) {
    const struct mp_ipset_range *r = &m->s.r[i];

    cr_assert(r->lo >= base && r->lo <= r->hi && r->hi - base < U,
              "step %zu: range %zu out of the window", step, i);
    cr_assert(i == 0 || r[-1].hi + 1 < r->lo,
              "step %zu: ranges %zu and %zu not canonical", step, i - 1, i);
    for (uint64_t k = r->lo - base; k <= r->hi - base; k++) {
      seen[k] = true;
    }
  }
  for (size_t k = 0; k < U; k++) {
    pop += m->bit[k];
    cr_assert_eq(seen[k], m->bit[k], "step %zu: key %zu", step, k);
    cr_assert_eq(mp_ipset_has(&m->s, base + k), m->bit[k], "step %zu: has %zu",
                 step, k);
  }
  cr_assert_eq(mp_ipset_count(&m->s), pop, "step %zu", step);
}

static void run_model(uint64_t base)
{
  struct model m[3];
  size_t lo, hi;

  rng_state = 42;
  memset(m, 0, sizeof m);
  for (size_t i = 0; i < 3; i++) {
    mp_ipset_init(&m[i].s);
  }
  for (size_t step = 0; step < 20000; step++) {
    size_t x = (size_t)(rnd() % 3), y = (size_t)(rnd() % 3);
    unsigned op = (unsigned)(rnd() % 16);

    if (op < 9) {
      rnd_range(&lo, &hi);
      mp_ipset_add(&m[x].s, base + lo, base + hi);
      for (size_t k = lo; k <= hi; k++) {
        m[x].bit[k] = true;
      }
    } else if (op < 11) {
      mp_ipset_union(&m[x].s, &m[y].s);
      for (size_t k = 0; k < U; k++) {
        m[x].bit[k] |= m[y].bit[k];
      }
    } else if (op < 14) {
      mp_ipset_subtract(&m[x].s, &m[y].s);
      for (size_t k = 0; k < U; k++) {
        m[x].bit[k] &= !m[y].bit[k];
      }
    } else if (op == 14) {
      mp_ipset_copy(&m[x].s, &m[y].s);
      memcpy(m[x].bit, m[y].bit, sizeof m[x].bit);
    } else if (rnd() % 2) {
      mp_ipset_clear(&m[x].s);
      memset(m[x].bit, 0, sizeof m[x].bit);
    } else {
      mp_ipset_close(&m[x].s);
      memset(m[x].bit, 0, sizeof m[x].bit);
    }
    check_model(&m[x], base, step);
    check_model(&m[y], base, step);
  }
  for (size_t i = 0; i < 3; i++) {
    mp_ipset_close(&m[i].s);
  }
}

Test(ipset, matches_bitmap_model_at_zero)
{
  run_model(0);
}

Test(ipset, matches_bitmap_model_in_middle)
{
  run_model((UINT64_C(1) << 63) - U / 2);
}

Test(ipset, matches_bitmap_model_at_top)
{
  run_model(MAX - (U - 1));
}
