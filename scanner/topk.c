#include "scanner/topk.h"

#include <stdbool.h>
#include <string.h>

#include "scanner/base/hash.h"

void mp_topk_init(struct mp_topk *t)
{
  t->n = 0;
  memset(t->bucket, 0, sizeof(t->bucket));
}

static void swap(struct mp_topk *t, uint32_t i, uint32_t j)
{
  uint32_t a = t->heap[i], b = t->heap[j];

  t->heap[i] = b;
  t->heap[j] = a;
  t->item[b].heap = i;
  t->item[a].heap = j;
}

/* Moves heap place i down after its count grew. */
static void sift_down(struct mp_topk *t, uint32_t i)
{
  for (;;) {
    uint32_t l = 2 * i + 1, r = l + 1, m = i;

    if (l < t->n && t->item[t->heap[l]].count < t->item[t->heap[m]].count) {
      m = l;
    }
    if (r < t->n && t->item[t->heap[r]].count < t->item[t->heap[m]].count) {
      m = r;
    }
    if (m == i) {
      return;
    }
    swap(t, i, m);
    i = m;
  }
}

/* Moves heap place i up: a new name, counted once, the least or near it. */
static void sift_up(struct mp_topk *t, uint32_t i)
{
  while (i > 0) {
    uint32_t parent = (i - 1) / 2;

    if (t->item[t->heap[parent]].count <= t->item[t->heap[i]].count) {
      return;
    }
    swap(t, i, parent);
    i = parent;
  }
}

static uint32_t *link_to(struct mp_topk *t, uint64_t h, uint32_t at)
{
  uint32_t *p = &t->bucket[h & (MP_TOPK_BUCKETS - 1)];

  while (*p && *p != at + 1) {
    p = &t->item[*p - 1].next;
  }
  return p;
}

/* The slot for a new name: a free one, or the least counted's (which
 * leaves its bucket; the newcomer inherits its count as `over`). */
static uint32_t take_slot(struct mp_topk *t)
{
  uint32_t at;

  if (t->n < MP_TOPK_SLOTS) {
    at = (uint32_t)t->n;
    t->heap[at] = at;
    t->item[at].heap = at;
    t->item[at].count = t->item[at].over = 0;
    t->n++;
    return at;
  }
  at = t->heap[0];
  *link_to(t, t->item[at].hash, at) = t->item[at].next;
  t->item[at].over = t->item[at].count;
  return at;
}

void mp_topk_add(struct mp_topk *t, const char *name, size_t len)
{
  uint64_t h;
  uint32_t at, *b;

  len = len < MP_TOPK_NAME - 1 ? len : MP_TOPK_NAME - 1;
  h = mp_hash(name, len);
  b = &t->bucket[h & (MP_TOPK_BUCKETS - 1)];
  for (uint32_t i = *b; i; i = t->item[i - 1].next) {
    struct mp_topk_item *it = &t->item[i - 1];

    if (it->hash == h && strncmp(it->name, name, len) == 0 &&
        it->name[len] == '\0') {
      it->count++;
      sift_down(t, it->heap);
      return;
    }
  }
  at = take_slot(t);
  t->item[at].hash = h;
  t->item[at].next = *b;
  *b = at + 1;
  memcpy(t->item[at].name, name, len);
  t->item[at].name[len] = '\0';
  t->item[at].count++;
  sift_up(t, t->item[at].heap);   /* a new slot at the end of the heap */
  sift_down(t, t->item[at].heap); /* the least's slot, at the root */
}

/* What the name was surely seen: its count less what it may be over. */
static uint64_t sure(const struct mp_topk_item *it)
{
  return it->count - it->over;
}

static bool before(const struct mp_topk_item *a, const struct mp_topk_item *b)
{
  if (sure(a) != sure(b)) {
    return sure(a) > sure(b);
  }
  if (a->count != b->count) {
    return a->count > b->count;
  }
  /* then by name: the same counts give the same list in any row order */
  return strcmp(a->name, b->name) < 0;
}

size_t mp_topk_best(const struct mp_topk *t, const struct mp_topk_item **out,
                    size_t k)
{
  size_t n = 0;

  for (size_t i = 0; i < t->n && k > 0; i++) {
    const struct mp_topk_item *it = &t->item[i];
    size_t j = n;

    if (it->over > 0 && sure(it) < 2) {
      continue; /* perhaps seen once: no sign that it is shared */
    }
    if (n == k) {
      if (!before(it, out[k - 1])) {
        continue;
      }
      j = k - 1; /* the last one falls out */
    } else {
      n++;
    }
    while (j > 0 && before(it, out[j - 1])) {
      out[j] = out[j - 1];
      j--;
    }
    out[j] = it;
  }
  return n;
}
