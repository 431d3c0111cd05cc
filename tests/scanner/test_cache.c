#include <criterion/criterion.h>

#include "scanner/dns/cache.h"

/* A fetcher that answers at once with the outcome set by the test, and a
 * clock the test moves. */
struct world {
  enum mp_outcome next;
  unsigned fetches;
  uint64_t now;
};

static void fetch(void *ctx, struct mp_cache *c, struct mp_cache_entry *e,
                  const char *name, uint16_t type)
{
  struct world *w = ctx;
  struct mp_answer *a = mp_answer_new(w->next, -1, type);

  (void)name;
  w->fetches++;
  mp_cache_fill(c, e, a);
  mp_answer_unref(a);
}

static uint64_t clock_ms(void *ctx)
{
  return ((struct world *)ctx)->now;
}

static struct mp_cache *cache_for(struct world *w)
{
  return mp_cache_new(&(struct mp_cache_opts){
      .max_bytes = 1 << 20,
      .max_ttl = 86400,
      .neg_ttl = 900,
      .fail_ttl = 60,
      .fetch = fetch,
      .fetch_ctx = w,
      .now_ms = clock_ms,
      .now_ctx = w,
  });
}

Test(cache, failure_is_fetched_again_for_the_next_asker_while_held)
{
  struct world w = {.next = MP_OUTCOME_SERVFAIL, .now = 1000};
  struct mp_cache *c = cache_for(&w);
  struct mp_cache_entry *held, *next;

  /* one domain holds the failed answer (it is evaluating with it) */
  held = mp_cache_get(c, "_spf.provider.example", MP_T_TXT);
  cr_assert_eq(mp_cache_answer(held)->outcome, MP_OUTCOME_SERVFAIL);
  /* the next domain gets a new fetch, not the failure */
  w.next = MP_OUTCOME_NODATA;
  next = mp_cache_get(c, "_spf.provider.example", MP_T_TXT);
  cr_assert_neq(next, held);
  cr_expect_eq(w.fetches, 2);
  cr_expect_eq(mp_cache_answer(next)->outcome, MP_OUTCOME_NODATA);
  /* the holder still reads what it had */
  cr_expect_eq(mp_cache_answer(held)->outcome, MP_OUTCOME_SERVFAIL);
  mp_cache_unref(c, held);
  mp_cache_unref(c, next);
  /* and the answer is kept */
  next = mp_cache_get(c, "_spf.provider.example", MP_T_TXT);
  cr_expect_eq(w.fetches, 2);
  mp_cache_unref(c, next);
  cr_expect_eq(mp_cache_stats(c)->refetched, 1);
  mp_cache_free(c);
}

Test(cache, repeated_failures_back_off)
{
  struct world w = {.next = MP_OUTCOME_TIMEOUT, .now = 1000};
  struct mp_cache *c = cache_for(&w);
  struct mp_cache_entry *e;

  /* first failure: no backoff; second: 1 s; third: 2 s */
  e = mp_cache_get(c, "dead.example", MP_T_TXT);
  mp_cache_unref(c, e);
  e = mp_cache_get(c, "dead.example", MP_T_TXT);
  mp_cache_unref(c, e);
  cr_expect_eq(w.fetches, 2);
  w.now += 500;
  e = mp_cache_get(c, "dead.example", MP_T_TXT);
  mp_cache_unref(c, e);
  cr_expect_eq(w.fetches, 2, "within the backoff the failure is served");
  w.now += 600;
  e = mp_cache_get(c, "dead.example", MP_T_TXT);
  mp_cache_unref(c, e);
  cr_expect_eq(w.fetches, 3);
  w.now += 1500;
  e = mp_cache_get(c, "dead.example", MP_T_TXT);
  mp_cache_unref(c, e);
  cr_expect_eq(w.fetches, 3);
  w.now += 600;
  e = mp_cache_get(c, "dead.example", MP_T_TXT);
  mp_cache_unref(c, e);
  cr_expect_eq(w.fetches, 4);
  mp_cache_free(c);
}

Test(cache, negative_answers_are_answers)
{
  struct world w = {.next = MP_OUTCOME_NXDOMAIN, .now = 1000};
  struct mp_cache *c = cache_for(&w);
  struct mp_cache_entry *e;

  for (int i = 0; i < 3; i++) {
    e = mp_cache_get(c, "gone.example", MP_T_TXT);
    mp_cache_unref(c, e);
  }
  cr_expect_eq(w.fetches, 1);
  mp_cache_free(c);
}

/* Every spelling of a name is one entry, keyed and fetched as its name
 * text (scanner/dns/dnsname.h). */
Test(cache, every_spelling_of_a_name_is_one_entry)
{
  static const char *const spellings[] = {
      "foo\\058bar/baz.example.com", "FOO:Bar/baz.Example.com.",
      "foo\\:bar\\/baz.example.com", "foo\\058bar\\047baz.example.com"};
  struct world w = {.next = MP_OUTCOME_NODATA, .now = 1000};
  struct mp_cache *c = cache_for(&w);
  struct mp_cache_entry *e[4];

  for (size_t i = 0; i < 4; i++) {
    e[i] = mp_cache_get(c, spellings[i], MP_T_A);
    cr_expect_eq(e[i], e[0], "%s", spellings[i]);
  }
  cr_expect_eq(w.fetches, 1);
  cr_expect_str_eq(mp_cache_name(e[0]), "foo\\058bar/baz.example.com");
  for (size_t i = 0; i < 4; i++) {
    mp_cache_unref(c, e[i]);
  }
  mp_cache_free(c);
}

/* A check's own lookup offered to the cache: the next asker gets it
 * without a query. */
Test(cache, an_offered_answer_is_served_without_a_fetch)
{
  struct world w = {.next = MP_OUTCOME_SERVFAIL, .now = 1000};
  struct mp_cache *c = cache_for(&w);
  struct mp_answer *a = mp_answer_new(MP_OUTCOME_NXDOMAIN, 3, MP_T_TXT);
  struct mp_cache_entry *e;

  mp_cache_offer(c, "Gone.Example.", MP_T_TXT, a);
  mp_answer_unref(a);
  e = mp_cache_get(c, "gone.example", MP_T_TXT);
  cr_expect_eq(w.fetches, 0);
  cr_expect_eq(mp_cache_answer(e)->outcome, MP_OUTCOME_NXDOMAIN);
  mp_cache_unref(c, e);
  /* negative answers last neg_ttl */
  w.now += 901 * 1000;
  e = mp_cache_get(c, "gone.example", MP_T_TXT);
  cr_expect_eq(w.fetches, 1);
  mp_cache_unref(c, e);
  mp_cache_free(c);
}

/* A failure is not offered (the next asker fetches it again anyway), and
 * an entry already there is kept. */
Test(cache, failures_and_known_names_are_not_taken)
{
  struct world w = {.next = MP_OUTCOME_NODATA, .now = 1000};
  struct mp_cache *c = cache_for(&w);
  struct mp_answer *fail = mp_answer_new(MP_OUTCOME_TIMEOUT, -1, MP_T_TXT);
  struct mp_answer *nx = mp_answer_new(MP_OUTCOME_NXDOMAIN, 3, MP_T_TXT);
  struct mp_cache_entry *e;

  mp_cache_offer(c, "a.example", MP_T_TXT, fail);
  e = mp_cache_get(c, "a.example", MP_T_TXT);
  cr_expect_eq(w.fetches, 1);
  cr_expect_eq(mp_cache_answer(e)->outcome, MP_OUTCOME_NODATA);
  mp_cache_offer(c, "a.example", MP_T_TXT, nx);
  mp_cache_unref(c, e);
  e = mp_cache_get(c, "a.example", MP_T_TXT);
  cr_expect_eq(mp_cache_answer(e)->outcome, MP_OUTCOME_NODATA);
  mp_cache_unref(c, e);
  mp_answer_unref(fail);
  mp_answer_unref(nx);
  mp_cache_free(c);
}

/* A one-shot lookup (a DKIM probe) is single-flighted but not kept; one
 * that a keeping asker joined is kept. */
Test(cache, once_entries_are_shared_while_held_then_dropped)
{
  struct world w = {.next = MP_OUTCOME_NODATA, .now = 1000};
  struct mp_cache *c = cache_for(&w);
  struct mp_cache_entry *a, *b;

  a = mp_cache_get_kind(c, "s1._domainkey.d.example", MP_T_TXT, MP_CACHE_ONCE);
  b = mp_cache_get_kind(c, "s1._domainkey.d.example", MP_T_TXT, MP_CACHE_ONCE);
  cr_expect_eq(a, b);
  cr_expect_eq(w.fetches, 1);
  mp_cache_unref(c, a);
  mp_cache_unref(c, b);
  cr_expect_eq(mp_cache_stats(c)->unkept, 1);
  cr_expect_eq(mp_cache_stats(c)->entries, 0);
  a = mp_cache_get_kind(c, "s1._domainkey.d.example", MP_T_TXT, MP_CACHE_ONCE);
  cr_expect_eq(w.fetches, 2);
  b = mp_cache_get(c, "s1._domainkey.d.example", MP_T_TXT);
  mp_cache_unref(c, a);
  mp_cache_unref(c, b);
  cr_expect_eq(mp_cache_stats(c)->entries, 1);
  /* a keeping asker's entry stays, also for a later one-shot asker */
  a = mp_cache_get(c, "mx.shared.example", MP_T_A);
  mp_cache_unref(c, a);
  a = mp_cache_get_kind(c, "mx.shared.example", MP_T_A, MP_CACHE_ONCE);
  mp_cache_unref(c, a);
  cr_expect_eq(w.fetches, 3);
  cr_expect_eq(mp_cache_stats(c)->entries, 2);
  cr_expect_eq(mp_cache_stats(c)->unkept, 1);
  mp_cache_free(c);
}

/* The generation moves only when an entry the SPF engine read (MEMO) loses
 * its answer, not for the evictions of other lookups. */
Test(cache, only_memo_entries_move_the_generation)
{
  struct world w = {.next = MP_OUTCOME_NODATA, .now = 1000};
  struct mp_cache *c = mp_cache_new(&(struct mp_cache_opts){
      .max_bytes = 0, /* keep nothing: every release evicts */
      .max_ttl = 86400,
      .neg_ttl = 900,
      .fail_ttl = 60,
      .fetch = fetch,
      .fetch_ctx = &w,
      .now_ms = clock_ms,
      .now_ctx = &w,
  });
  struct mp_cache_entry *e;
  uint64_t g = mp_cache_generation(c);

  e = mp_cache_get(c, "a.example", MP_T_A);
  mp_cache_unref(c, e);
  cr_expect_eq(mp_cache_stats(c)->evictions, 1);
  cr_expect_eq(mp_cache_generation(c), g);
  e = mp_cache_get_kind(c, "_spf.p.example", MP_T_TXT, MP_CACHE_MEMO);
  mp_cache_unref(c, e);
  cr_expect_eq(mp_cache_stats(c)->evictions, 2);
  cr_expect_gt(mp_cache_generation(c), g);
  mp_cache_free(c);
}
