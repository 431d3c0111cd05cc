#include "scanner/dns/flight.h"

#include <assert.h>
#include <string.h>

#include "scanner/base/alloc.h"
#include "scanner/base/hash.h"

#define POOL_SLAB 256

struct mp_qslab {
  struct mp_qslab *next;
  struct mp_query q[POOL_SLAB];
};

struct mp_aslab {
  struct mp_aslab *next;
  struct mp_attempt a[POOL_SLAB];
};

void mp_flight_init(struct mp_flight *f)
{
  memset(f, 0, sizeof(*f));
  f->tsize = 1024;
  f->table = mp_calloc(f->tsize, sizeof(*f->table));
}

void mp_flight_close(struct mp_flight *f)
{
  assert(f->tcount == 0 && f->nheap == 0 && !f->head);
  while (f->qslabs) {
    struct mp_qslab *s = f->qslabs;

    f->qslabs = s->next;
    mp_free(s);
  }
  while (f->aslabs) {
    struct mp_aslab *s = f->aslabs;

    f->aslabs = s->next;
    mp_free(s);
  }
  mp_free(f->heap);
  mp_free(f->table);
}

/* --- pools ---------------------------------------------------------------
 */

struct mp_query *mp_flight_query(struct mp_flight *f)
{
  struct mp_query *q;

  if (!f->free_q) {
    struct mp_qslab *s = mp_malloc(sizeof(*s));

    s->next = f->qslabs;
    f->qslabs = s;
    for (size_t i = 0; i < POOL_SLAB; i++) {
      s->q[i].hnext = f->free_q;
      f->free_q = &s->q[i];
    }
  }
  q = f->free_q;
  f->free_q = q->hnext;
  memset(q, 0, offsetof(struct mp_query, name));
  q->heap = SIZE_MAX;
  return q;
}

void mp_flight_put_query(struct mp_flight *f, struct mp_query *q)
{
  q->hnext = f->free_q;
  f->free_q = q;
}

struct mp_attempt *mp_flight_attempt(struct mp_flight *f)
{
  struct mp_attempt *a;

  if (!f->free_a) {
    struct mp_aslab *s = mp_malloc(sizeof(*s));

    s->next = f->aslabs;
    f->aslabs = s;
    for (size_t i = 0; i < POOL_SLAB; i++) {
      s->a[i].qnext = f->free_a;
      f->free_a = &s->a[i];
    }
  }
  a = f->free_a;
  f->free_a = a->qnext;
  memset(a, 0, sizeof(*a));
  return a;
}

void mp_flight_put_attempt(struct mp_flight *f, struct mp_attempt *a)
{
  a->qnext = f->free_a;
  f->free_a = a;
}

void mp_flight_detach(struct mp_attempt *a)
{
  struct mp_attempt **p = &a->q->attempts;

  while (*p != a) {
    p = &(*p)->qnext;
  }
  *p = a->qnext;
  a->q = NULL;
}

/* --- the single-flight index ---------------------------------------------
 */

uint64_t mp_flight_key(const uint8_t *name, size_t len, uint16_t type)
{
  return mp_hash(name, len) ^ ((uint64_t)type * 0x9E3779B97F4A7C15u);
}

static struct mp_query **bucket(const struct mp_flight *f, uint64_t key)
{
  return &f->table[key & (f->tsize - 1)];
}

static void grow(struct mp_flight *f)
{
  size_t old = f->tsize;
  struct mp_query **t = f->table;

  f->tsize = old * 2;
  f->table = mp_calloc(f->tsize, sizeof(*f->table));
  for (size_t i = 0; i < old; i++) {
    for (struct mp_query *q = t[i], *n; q; q = n) {
      n = q->hnext;
      q->hnext = *bucket(f, q->key);
      *bucket(f, q->key) = q;
    }
  }
  mp_free(t);
}

struct mp_query *mp_flight_find(struct mp_flight *f, uint64_t key,
                                const uint8_t *name, size_t len, uint16_t type)
{
  for (struct mp_query *q = *bucket(f, key); q; q = q->hnext) {
    if (q->key == key && q->type == type && memcmp(q->name, name, len) == 0) {
      return q;
    }
  }
  return NULL;
}

void mp_flight_index(struct mp_flight *f, struct mp_query *q)
{
  if (f->tcount >= f->tsize) {
    grow(f);
  }
  q->hnext = *bucket(f, q->key);
  *bucket(f, q->key) = q;
  q->in_table = true;
  f->tcount++;
}

void mp_flight_unindex(struct mp_flight *f, struct mp_query *q)
{
  struct mp_query **p = bucket(f, q->key);

  if (!q->in_table) {
    return;
  }
  while (*p != q) {
    p = &(*p)->hnext;
  }
  *p = q->hnext;
  q->in_table = false;
  f->tcount--;
}

/* --- the send queue ------------------------------------------------------
 */

void mp_flight_enqueue(struct mp_flight *f, struct mp_query *q, bool front)
{
  assert(!q->queued);
  q->queued = true;
  f->queued++;
  if (front) {
    q->qprev = NULL;
    q->qnext = f->head;
    *(f->head ? &f->head->qprev : &f->tail) = q;
    f->head = q;
  } else {
    q->qnext = NULL;
    q->qprev = f->tail;
    *(f->tail ? &f->tail->qnext : &f->head) = q;
    f->tail = q;
  }
}

void mp_flight_unqueue(struct mp_flight *f, struct mp_query *q)
{
  assert(q->queued);
  *(q->qprev ? &q->qprev->qnext : &f->head) = q->qnext;
  *(q->qnext ? &q->qnext->qprev : &f->tail) = q->qprev;
  q->queued = false;
  f->queued--;
}

/* --- the deadlines: a binary heap ----------------------------------------
 */

static bool earlier(const struct mp_flight *f, size_t i, size_t j)
{
  return f->heap[i]->give_up_ns < f->heap[j]->give_up_ns;
}

static void swap(struct mp_flight *f, size_t i, size_t j)
{
  struct mp_query *t = f->heap[i];

  f->heap[i] = f->heap[j];
  f->heap[j] = t;
  f->heap[i]->heap = i;
  f->heap[j]->heap = j;
}

static void sift(struct mp_flight *f, size_t i)
{
  while (i && earlier(f, i, (i - 1) / 2)) {
    swap(f, i, (i - 1) / 2);
    i = (i - 1) / 2;
  }
  for (;;) {
    size_t c = 2 * i + 1;

    if (c >= f->nheap) {
      break;
    }
    if (c + 1 < f->nheap && earlier(f, c + 1, c)) {
      c++;
    }
    if (!earlier(f, c, i)) {
      break;
    }
    swap(f, i, c);
    i = c;
  }
}

void mp_flight_deadline(struct mp_flight *f, struct mp_query *q, uint64_t at)
{
  assert(q->heap == SIZE_MAX);
  if (f->nheap == f->capheap) {
    f->capheap = f->capheap ? 2 * f->capheap : 1024;
    f->heap = mp_realloc(f->heap, f->capheap * sizeof(*f->heap));
  }
  q->give_up_ns = at;
  q->heap = f->nheap;
  f->heap[f->nheap++] = q;
  sift(f, q->heap);
}

void mp_flight_undeadline(struct mp_flight *f, struct mp_query *q)
{
  size_t i = q->heap;

  if (i == SIZE_MAX) {
    return;
  }
  q->heap = SIZE_MAX;
  if (i != --f->nheap) {
    f->heap[i] = f->heap[f->nheap];
    f->heap[i]->heap = i;
    sift(f, i);
  }
}

struct mp_query *mp_flight_due(const struct mp_flight *f, uint64_t now)
{
  return f->nheap && f->heap[0]->give_up_ns <= now ? f->heap[0] : NULL;
}
