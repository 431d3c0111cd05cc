#include "scanner/dns/cache.h"

#include <assert.h>
#include <string.h>
#include <time.h>

#include "scanner/base/alloc.h"
#include "scanner/dns/dnsname.h"
#include "scanner/base/hash.h"

/* What malloc keeps around each block (glibc: a header, rounding): counted
 * so the budget bounds what the process really holds. */
#define ALLOC_OVERHEAD 16

struct mp_cache_entry {
  uint64_t key;
  struct mp_cache_entry *hnext;         /* hash chain */
  struct mp_cache_entry *lprev, *lnext; /* LRU list: unreferenced, answered */
  unsigned refs;  /* callers, plus one while a fetch is under way */
  unsigned fails; /* failed fetches in a row (backoff) */
  bool fetching;
  bool listed; /* on the LRU list */
  bool orphan; /* out of the table: a failure its holders still read */
  bool once;   /* only ONCE askers: not kept when released */
  bool memo;   /* a MEMO asker read it: memos may depend on it */
  uint16_t type;
  struct mp_answer *ans;
  uint64_t expires_ms;
  struct mp_cache_waiter *waiters;
  void *att;
  size_t att_bytes;
  void (*att_free)(void *);
  size_t bytes; /* what this entry counts in the budget */
  char name[];
};

struct mp_cache {
  struct mp_cache_opts o;
  struct mp_cache_entry **table;
  size_t tsize;
  struct mp_cache_entry *lru_head, *lru_tail; /* head: coldest */
  uint64_t generation;
  struct mp_cache_stats st;
};

static uint64_t now_ms(const struct mp_cache *c)
{
  struct timespec ts;

  if (c->o.now_ms) {
    return c->o.now_ms(c->o.now_ctx);
  }
  /* TTLs are seconds: the coarse clock is precise enough, and cheaper */
  clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
  return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static uint64_t entry_key(const char *name, size_t len, uint16_t type)
{
  return mp_hash(name, len) ^ ((uint64_t)type * 0x9E3779B97F4A7C15u);
}

struct mp_cache *mp_cache_new(const struct mp_cache_opts *opts)
{
  struct mp_cache *c = mp_calloc(1, sizeof(*c));

  c->o = *opts;
  c->tsize = 1024;
  c->table = mp_calloc(c->tsize, sizeof(*c->table));
  c->st.bytes = c->tsize * sizeof(*c->table);
  return c;
}

/* --- budget and the LRU list ------------------------------------------ */

static void lru_unlink(struct mp_cache *c, struct mp_cache_entry *e)
{
  if (!e->listed) {
    return;
  }
  *(e->lprev ? &e->lprev->lnext : &c->lru_head) = e->lnext;
  *(e->lnext ? &e->lnext->lprev : &c->lru_tail) = e->lprev;
  e->lprev = e->lnext = NULL;
  e->listed = false;
}

static void lru_append(struct mp_cache *c, struct mp_cache_entry *e)
{
  e->lprev = c->lru_tail;
  e->lnext = NULL;
  *(c->lru_tail ? &c->lru_tail->lnext : &c->lru_head) = e;
  c->lru_tail = e;
  e->listed = true;
}

/* Drops the answer and what was built from it. */
static void drop_answer(struct mp_cache *c, struct mp_cache_entry *e)
{
  if (e->att && e->att_free) {
    e->att_free(e->att);
  }
  e->att = NULL;
  c->st.bytes -= e->att_bytes;
  e->att_bytes = 0;
  if (e->ans) {
    mp_answer_unref(e->ans);
    e->ans = NULL;
    c->generation += e->memo;
  }
  c->st.bytes -= e->bytes;
  e->bytes = 0;
}

/* Takes e out of the hash table (it stays counted until destroyed). */
static void unhash(struct mp_cache *c, struct mp_cache_entry *e)
{
  struct mp_cache_entry **p = &c->table[e->key & (c->tsize - 1)];

  while (*p != e) {
    p = &(*p)->hnext;
  }
  *p = e->hnext;
}

static void destroy(struct mp_cache *c, struct mp_cache_entry *e)
{
  if (!e->orphan) {
    unhash(c, e);
  }
  lru_unlink(c, e);
  drop_answer(c, e);
  c->st.bytes -= sizeof(*e) + strlen(e->name) + 1 + ALLOC_OVERHEAD;
  c->st.entries--;
  mp_free(e);
}

/* Evicts the coldest unreferenced entries until the budget holds. */
static void enforce_budget(struct mp_cache *c)
{
  while (c->st.bytes > c->o.max_bytes && c->lru_head) {
    c->st.evictions++;
    destroy(c, c->lru_head);
  }
}

/* --- lookups ------------------------------------------------------------- */

static void grow(struct mp_cache *c)
{
  size_t old = c->tsize;
  struct mp_cache_entry **t = c->table;

  c->tsize *= 2;
  c->table = mp_calloc(c->tsize, sizeof(*c->table));
  c->st.bytes += old * sizeof(*c->table); /* the table doubled */
  for (size_t i = 0; i < old; i++) {
    for (struct mp_cache_entry *e = t[i], *n; e; e = n) {
      n = e->hnext;
      e->hnext = c->table[e->key & (c->tsize - 1)];
      c->table[e->key & (c->tsize - 1)] = e;
    }
  }
  mp_free(t);
}

static void start_fetch(struct mp_cache *c, struct mp_cache_entry *e)
{
  e->fetching = true;
  e->refs++; /* the fetch holds the entry until it fills it */
  c->st.fetches++;
  c->o.fetch(c->o.fetch_ctx, c, e, e->name, e->type);
}

/* A new entry in the table, without an answer, unreferenced. */
static struct mp_cache_entry *insert(struct mp_cache *c, const char *lower,
                                     size_t len, uint64_t key, uint16_t type)
{
  struct mp_cache_entry *e;

  if (c->st.entries >= c->tsize) {
    grow(c);
  }
  e = mp_calloc(1, sizeof(*e) + len + 1);
  memcpy(e->name, lower, len + 1);
  e->key = key;
  e->type = type;
  e->hnext = c->table[key & (c->tsize - 1)];
  c->table[key & (c->tsize - 1)] = e;
  c->st.entries++;
  c->st.bytes += sizeof(*e) + len + 1 + ALLOC_OVERHEAD;
  return e;
}

static struct mp_cache_entry *add(struct mp_cache *c, const char *lower,
                                  size_t len, uint64_t key, uint16_t type)
{
  struct mp_cache_entry *e = insert(c, lower, len, key, type);

  e->refs = 1;
  start_fetch(c, e);
  return e;
}

/* The key of (name, type), and the name's canonical text in lower (a
 * buffer of MP_NAME_TEXT_MAX + 1) with its length. */
static uint64_t key_of(const char *name, uint16_t type, char *lower,
                       size_t *len)
{
  int n = mp_dnsname_canon(name, lower);

  if (n < 0) {
    /* not a name: kept lowercase as given (cut to fit), and the fetcher
     * answers it as a name that cannot be asked */
    for (n = 0; name[n] && n < MP_NAME_TEXT_MAX; n++) {
      char ch = name[n];

      lower[n] = ch >= 'A' && ch <= 'Z' ? (char)(ch + 32) : ch;
    }
    lower[n] = '\0';
  }
  *len = (size_t)n;
  return entry_key(lower, *len, type);
}

static struct mp_cache_entry *find(const struct mp_cache *c, const char *lower,
                                   uint64_t key, uint16_t type)
{
  struct mp_cache_entry *e = c->table[key & (c->tsize - 1)];

  while (e &&
         !(e->key == key && e->type == type && strcmp(e->name, lower) == 0)) {
    e = e->hnext;
  }
  return e;
}

static struct mp_cache_entry *lookup(struct mp_cache *c, const char *name,
                                     uint16_t type, bool *made);

struct mp_cache_entry *mp_cache_get_kind(struct mp_cache *c, const char *name,
                                         uint16_t type, enum mp_cache_kind kind)
{
  bool made;
  struct mp_cache_entry *e = lookup(c, name, type, &made);

  if (made) {
    e->once = kind == MP_CACHE_ONCE; /* its first asker says */
  } else if (kind != MP_CACHE_ONCE) {
    e->once = false;
  }
  e->memo |= kind == MP_CACHE_MEMO;
  return e;
}

struct mp_cache_entry *mp_cache_get(struct mp_cache *c, const char *name,
                                    uint16_t type)
{
  return mp_cache_get_kind(c, name, type, MP_CACHE_KEEP);
}

/* The entry for (name, type), found or made (*made). */
static struct mp_cache_entry *lookup(struct mp_cache *c, const char *name,
                                     uint16_t type, bool *made)
{
  char lower[MP_NAME_TEXT_MAX + 1];
  size_t len;
  uint64_t key = key_of(name, type, lower, &len);
  struct mp_cache_entry *e;

  c->st.lookups++;
  *made = !(e = find(c, lower, key, type));
  if (*made) {
    return add(c, lower, len, key, type);
  }
  if (e->ans && now_ms(c) >= e->expires_ms) {
    if (e->refs == 0) {
      /* Refresh an expired answer only when nobody holds it: a holder may
       * be reading it (or what was built from it) right now. */
      lru_unlink(c, e);
      e->refs++;
      c->st.expired++;
      drop_answer(c, e);
      start_fetch(c, e);
      return e;
    }
    if (mp_outcome_failed(e->ans->outcome)) {
      /* A failure is not an answer to keep: its holders still read it,
       * a new asker gets a new fetch (after the backoff). */
      struct mp_cache_entry *fresh;

      unhash(c, e);
      e->orphan = true;
      c->st.refetched++;
      fresh = add(c, lower, len, key, type);
      fresh->fails = e->fails;
      *made = true;
      return fresh;
    }
  }
  lru_unlink(c, e);
  e->refs++;
  c->st.hits++;
  return e;
}

void mp_cache_unref(struct mp_cache *c, struct mp_cache_entry *e)
{
  assert(e->refs > 0);
  if (--e->refs > 0) {
    return;
  }
  assert(e->ans && !e->fetching);
  if (e->orphan || e->once) {
    c->st.unkept += e->once && !e->orphan;
    destroy(c, e);
    return;
  }
  lru_append(c, e);
  enforce_budget(c);
}

const struct mp_answer *mp_cache_answer(const struct mp_cache_entry *e)
{
  return e->fetching ? NULL : e->ans;
}

const char *mp_cache_name(const struct mp_cache_entry *e)
{
  return e->name;
}

uint16_t mp_cache_type(const struct mp_cache_entry *e)
{
  return e->type;
}

void mp_cache_wait(struct mp_cache *c, struct mp_cache_entry *e,
                   struct mp_cache_waiter *w)
{
  (void)c;
  assert(e->refs > 0);
  if (!e->fetching) {
    w->cb(w);
    return;
  }
  w->next = e->waiters;
  e->waiters = w;
}

/* How long an answer may be served: its own TTL for records, the
 * configured ones otherwise (no SOA is read for negative caching). A
 * failure (timeout, SERVFAIL, ...) goes to the next asker again at once the
 * first time, then after 1, 2, 4 ... seconds up to fail_ttl while it keeps
 * failing: one lost datagram must not fail every domain that shares the
 * name, and a dead one must not cost each of them a timeout. */
static uint32_t ttl_of(const struct mp_cache *c, const struct mp_answer *a,
                       unsigned fails)
{
  uint32_t ttl;

  switch (a->outcome) {
  case MP_OUTCOME_OK:
    ttl = mp_answer_ttl(a);
    break;
  case MP_OUTCOME_NODATA:
  case MP_OUTCOME_NXDOMAIN:
    ttl = c->o.neg_ttl;
    break;
  default:
    ttl = fails <= 1 ? 0 : fails > 24 ? c->o.fail_ttl : 1u << (fails - 2);
    ttl = ttl < c->o.fail_ttl ? ttl : c->o.fail_ttl;
    break;
  }
  return ttl < c->o.max_ttl ? ttl : c->o.max_ttl;
}

static size_t answer_bytes(const struct mp_answer *a)
{
  size_t n = sizeof(*a) + a->count * sizeof(struct mp_rr) + ALLOC_OVERHEAD;

  for (size_t i = 0; i < a->count; i++) {
    n += a->rr[i].len + 1;
  }
  return n;
}

void mp_cache_fill(struct mp_cache *c, struct mp_cache_entry *e,
                   struct mp_answer *ans)
{
  struct mp_cache_waiter *w = e->waiters;

  assert(e->fetching && !e->ans);
  e->ans = mp_answer_ref(ans);
  e->fails = mp_outcome_failed(ans->outcome) ? e->fails + 1 : 0;
  e->expires_ms = now_ms(c) + (uint64_t)ttl_of(c, ans, e->fails) * 1000;
  e->bytes = answer_bytes(ans);
  c->st.bytes += e->bytes;
  e->fetching = false;
  e->waiters = NULL;
  while (w) {
    struct mp_cache_waiter *next = w->next;

    w->cb(w);
    w = next;
  }
  mp_cache_unref(c, e); /* the fetch's reference */
}

void mp_cache_offer(struct mp_cache *c, const char *name, uint16_t type,
                    struct mp_answer *ans)
{
  char lower[MP_NAME_TEXT_MAX + 1];
  size_t len;
  uint64_t key = key_of(name, type, lower, &len);
  struct mp_cache_entry *e;

  if (mp_outcome_failed(ans->outcome) || find(c, lower, key, type)) {
    return; /* an entry there is as fresh, or being fetched */
  }
  e = insert(c, lower, len, key, type);
  e->ans = mp_answer_ref(ans);
  e->expires_ms = now_ms(c) + (uint64_t)ttl_of(c, ans, 0) * 1000;
  e->bytes = answer_bytes(ans);
  c->st.bytes += e->bytes;
  lru_append(c, e);
  enforce_budget(c);
}

void *mp_cache_attachment(const struct mp_cache_entry *e)
{
  return e->att;
}

void mp_cache_attach(struct mp_cache *c, struct mp_cache_entry *e, void *att,
                     size_t bytes, void (*free_fn)(void *att))
{
  assert(e->ans && !e->att);
  e->att = att;
  e->att_bytes = bytes + ALLOC_OVERHEAD;
  e->att_free = free_fn;
  c->st.bytes += e->att_bytes;
}

uint64_t mp_cache_generation(const struct mp_cache *c)
{
  return c->generation;
}

const struct mp_cache_stats *mp_cache_stats(const struct mp_cache *c)
{
  return &c->st;
}

void mp_cache_free(struct mp_cache *c)
{
  if (!c) {
    return;
  }
  for (size_t i = 0; i < c->tsize; i++) {
    while (c->table[i]) {
      assert(c->table[i]->refs == 0);
      destroy(c, c->table[i]);
    }
  }
  mp_free(c->table);
  mp_free(c);
}
