#include "tests/world/rangeset.h"

#include <assert.h>
#include <stdbool.h>
#include <string.h>

#include "scanner/base/alloc.h"

void mp_rangeset_init(struct mp_rangeset *s)
{
  s->r = NULL;
  s->n = s->cap = 0;
}

void mp_rangeset_close(struct mp_rangeset *s)
{
  mp_free(s->r);
  mp_rangeset_init(s);
}

void mp_rangeset_clear(struct mp_rangeset *s)
{
  s->n = 0;
}

/* lo..hi touches r (overlaps it or is adjacent to it). */
static bool touches(const struct mp_range *r, uint64_t lo, uint64_t hi)
{
  return (r->hi == UINT64_MAX || lo <= r->hi + 1) &&
         (hi == UINT64_MAX || r->lo <= hi + 1);
}

void mp_rangeset_add(struct mp_rangeset *s, uint64_t lo, uint64_t hi)
{
  size_t i = 0, j;

  assert(lo <= hi);
  while (i < s->n && s->r[i].hi != UINT64_MAX && s->r[i].hi + 1 < lo) {
    i++; /* ranges wholly before lo..hi */
  }
  for (j = i; j < s->n && touches(&s->r[j], lo, hi); j++) {
    lo = s->r[j].lo < lo ? s->r[j].lo : lo;
    hi = s->r[j].hi > hi ? s->r[j].hi : hi;
  }
  if (j == i) { /* nothing merged: insert at i */
    if (s->n == s->cap) {
      s->cap = s->cap == 0 ? 8 : 2 * s->cap;
      s->r = mp_realloc(s->r, s->cap * sizeof(*s->r));
    }
    memmove(s->r + i + 1, s->r + i, (s->n - i) * sizeof(*s->r));
    s->n++;
  } else if (j > i + 1) { /* i..j-1 merged into i */
    memmove(s->r + i + 1, s->r + j, (s->n - j) * sizeof(*s->r));
    s->n -= j - i - 1;
  }
  s->r[i].lo = lo;
  s->r[i].hi = hi;
}

void mp_rangeset_add_minus(struct mp_rangeset *s, const struct mp_rangeset *t,
                           const struct mp_rangeset *u)
{
  size_t k = 0;

  assert(s != t && s != u);
  for (size_t i = 0; i < t->n; i++) {
    uint64_t lo = t->r[i].lo, hi = t->r[i].hi;
    for (;;) { /* cut the pieces of u out of lo..hi, left to right */
      while (k < u->n && u->r[k].hi < lo) {
        k++;
      }
      if (k == u->n || u->r[k].lo > hi) {
        mp_rangeset_add(s, lo, hi);
        break;
      }
      if (u->r[k].lo > lo) {
        mp_rangeset_add(s, lo, u->r[k].lo - 1);
      }
      if (u->r[k].hi >= hi) {
        break; /* the rest of t->r[i] is covered */
      }
      lo = u->r[k].hi + 1;
    }
  }
}

uint64_t mp_rangeset_count(const struct mp_rangeset *s)
{
  uint64_t c = 0;

  for (size_t i = 0; i < s->n; i++) {
    uint64_t w = s->r[i].hi - s->r[i].lo; /* size - 1 */
    if (w == UINT64_MAX || c > UINT64_MAX - w - 1) {
      return UINT64_MAX;
    }
    c += w + 1;
  }
  return c;
}
