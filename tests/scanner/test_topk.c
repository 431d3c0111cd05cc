#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "scanner/topk.h"

static struct mp_topk t;

Test(topk, counts_exactly_while_the_table_has_room)
{
  const struct mp_topk_item *best[3];

  mp_topk_init(&t);
  for (int i = 0; i < 5; i++) {
    mp_topk_add(&t, "a.example", 9);
  }
  for (int i = 0; i < 3; i++) {
    mp_topk_add(&t, "b.example", 9);
  }
  mp_topk_add(&t, "c.example", 9);
  cr_assert_eq(mp_topk_best(&t, best, 3), 3);
  cr_expect_str_eq(best[0]->name, "a.example");
  cr_expect_eq(best[0]->count, 5);
  cr_expect_str_eq(best[1]->name, "b.example");
  cr_expect_eq(best[1]->count, 3);
  cr_expect_eq(best[2]->over, 0);
}

Test(topk, keeps_the_heavy_hitters_of_a_long_tail)
{
  const struct mp_topk_item *best[2];
  char name[32];

  mp_topk_init(&t);
  /* 20000 distinct names once each, two names 2000 times, interleaved */
  for (int i = 0; i < 20000; i++) {
    int n = snprintf(name, sizeof(name), "tail%d.example", i);

    mp_topk_add(&t, name, (size_t)n);
    if (i % 10 == 0) {
      mp_topk_add(&t, "_spf.big.example", 16);
      mp_topk_add(&t, "spf.other.example", 17);
    }
  }
  cr_assert_eq(mp_topk_best(&t, best, 2), 2);
  cr_expect(strcmp(best[0]->name, "_spf.big.example") == 0 ||
            strcmp(best[0]->name, "spf.other.example") == 0);
  cr_expect(best[0]->count - best[0]->over <= 2000);
  cr_expect(best[0]->count >= 2000);
  cr_expect_eq(t.n, MP_TOPK_SLOTS);
}

/* Names of the tail that took over a slot inherit its count: they must not
 * rank on it, nor be listed when they may have been seen once. */
Test(topk, lists_only_names_surely_seen_more_than_once)
{
  const struct mp_topk_item *best[20];
  char name[32];
  size_t n;

  mp_topk_init(&t);
  for (int i = 0; i < 50000; i++) {
    int len = snprintf(name, sizeof(name), "tail%d.example", i);

    mp_topk_add(&t, name, (size_t)len);
    if (i % 100 == 0) {
      mp_topk_add(&t, "reports.example", 15);
    }
    if (i % 200 == 0) {
      mp_topk_add(&t, "small.example", 13);
    }
  }
  n = mp_topk_best(&t, best, 20);
  cr_assert_eq(n, 2, "%zu listed, the third: %s (%llu, over %llu)", n,
               n > 2 ? best[2]->name : "-",
               n > 2 ? (unsigned long long)best[2]->count : 0ULL,
               n > 2 ? (unsigned long long)best[2]->over : 0ULL);
  cr_expect_str_eq(best[0]->name, "reports.example");
  cr_expect_str_eq(best[1]->name, "small.example");
}
