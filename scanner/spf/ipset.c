#include "scanner/spf/ipset.h"

#include <assert.h>
#include <string.h>

#include "scanner/base/alloc.h"

/* Invariant: r[0..n) sorted, lo <= hi, and r[i].hi + 1 < r[i + 1].lo
 * (disjoint and not adjacent), so every set has one representation.
 * Keys next to the edges are computed without wrapping: "lo - 1" and
 * "hi + 1" are clamped at 0 and UINT64_MAX. */

void mp_ipset_init(struct mp_ipset *s)
{
  s->r = NULL;
  s->n = 0;
  s->cap = 0;
}

void mp_ipset_close(struct mp_ipset *s)
{
  mp_free(s->r);
  mp_ipset_init(s);
}

void mp_ipset_clear(struct mp_ipset *s)
{
  s->n = 0;
}

/* Room for need ranges, growing at least twice so that repeated adds and
 * unions into one set stay amortized O(1) in allocations. */
static void reserve(struct mp_ipset *s, size_t need)
{
  size_t cap;

  if (need <= s->cap) {
    return;
  }
  cap = s->cap < 8 ? 8 : s->cap;
  while (cap < need) {
    assert(cap <= SIZE_MAX / 2 / sizeof *s->r);
    cap *= 2;
  }
  s->r = mp_realloc(s->r, cap * sizeof *s->r);
  s->cap = cap;
}

/* The first range whose hi >= key (n when none): hi grows with i. */
static size_t first_hi_ge(const struct mp_ipset *s, uint64_t key)
{
  size_t lo = 0, hi = s->n;

  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;

    if (s->r[mid].hi < key) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

/* The first range at or after from whose lo > key (n when none). */
static size_t first_lo_gt(const struct mp_ipset *s, size_t from, uint64_t key)
{
  size_t lo = from, hi = s->n;

  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;

    if (s->r[mid].lo <= key) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

void mp_ipset_add(struct mp_ipset *s, uint64_t lo, uint64_t hi)
{
  uint64_t below = lo ? lo - 1 : 0;
  uint64_t above = hi == UINT64_MAX ? hi : hi + 1;
  size_t i, j;

  assert(lo <= hi);
  /* Appending in order is the common case (sorted SPF terms). */
  if (s->n == 0 || s->r[s->n - 1].hi < below) {
    reserve(s, s->n + 1);
    s->r[s->n].lo = lo;
    s->r[s->n].hi = hi;
    s->n++;
    return;
  }
  /* r[i..j) overlap or touch [lo, hi]: they all collapse into r[i]. */
  i = first_hi_ge(s, below);
  j = first_lo_gt(s, i, above);
  if (i == j) {
    reserve(s, s->n + 1);
    memmove(s->r + i + 1, s->r + i, (s->n - i) * sizeof *s->r);
    s->r[i].lo = lo;
    s->r[i].hi = hi;
    s->n++;
    return;
  }
  if (s->r[i].lo < lo) {
    lo = s->r[i].lo;
  }
  if (s->r[j - 1].hi > hi) {
    hi = s->r[j - 1].hi;
  }
  s->r[i].lo = lo;
  s->r[i].hi = hi;
  memmove(s->r + i + 1, s->r + j, (s->n - j) * sizeof *s->r);
  s->n -= j - i - 1;
}

void mp_ipset_add_ip4(struct mp_ipset *s, const uint8_t addr[4],
                      unsigned prefix)
{
  uint64_t v = (uint64_t)addr[0] << 24 | (uint64_t)addr[1] << 16 |
               (uint64_t)addr[2] << 8 | addr[3];
  uint64_t host;

  assert(prefix <= 32);
  /* 64-bit, so prefix 0 shifts by 0 and 32 by 32: both defined. */
  host = (uint64_t)UINT32_MAX >> prefix;
  mp_ipset_add(s, v & ~host, v | host);
}

void mp_ipset_add_ip6(struct mp_ipset *s, const uint8_t addr[16],
                      unsigned prefix)
{
  uint64_t v = 0, host;

  assert(prefix <= 128);
  for (size_t i = 0; i < 8; i++) {
    v = v << 8 | addr[i];
  }
  host = prefix >= 64 ? 0 : UINT64_MAX >> prefix;
  mp_ipset_add(s, v & ~host, v | host);
}

/* Moves s's n ranges to r[m..m + n) so that a merge with t's m ranges
 * writes its output from r[0] with no second buffer. A write never hits an
 * unread range of s: once k ranges of s have been read (into locals), the
 * output holds at most k + m ranges (union: each output range used up an
 * input; subtract: one piece per range of s, plus one per range of t that
 * split it and was used up), while the unread ones start at r[m + k]. */
static struct mp_ipset_range *shift_tail(struct mp_ipset *s, size_t m)
{
  reserve(s, s->n + m);
  memmove(s->r + m, s->r, s->n * sizeof *s->r);
  return s->r + m;
}

void mp_ipset_union(struct mp_ipset *s, const struct mp_ipset *t)
{
  const struct mp_ipset_range *a, *b = t->r;
  struct mp_ipset_range cur, x;
  size_t n = s->n, m = t->n, i = 0, j = 0, w = 0;

  if (s == t || m == 0) {
    return;
  }
  a = shift_tail(s, m);
  cur = n && a[0].lo <= b[0].lo ? a[i++] : b[j++];
  while (i < n || j < m) {
    x = j == m || (i < n && a[i].lo <= b[j].lo) ? a[i++] : b[j++];
    if (cur.hi == UINT64_MAX || x.lo <= cur.hi + 1) {
      if (x.hi > cur.hi) {
        cur.hi = x.hi;
      }
    } else {
      s->r[w++] = cur;
      cur = x;
    }
  }
  s->r[w++] = cur;
  s->n = w;
}

void mp_ipset_subtract(struct mp_ipset *s, const struct mp_ipset *t)
{
  const struct mp_ipset_range *a, *b = t->r;
  size_t n = s->n, m = t->n, j = 0, w = 0;

  if (s == t) {
    s->n = 0;
    return;
  }
  if (n == 0 || m == 0) {
    return;
  }
  a = shift_tail(s, m);
  for (size_t i = 0; i < n; i++) {
    uint64_t lo = a[i].lo, hi = a[i].hi;
    bool gone = false;

    while (j < m && b[j].hi < lo) {
      j++;
    }
    /* Each b[j] strictly inside [lo, hi] splits off one piece and is
     * consumed; one reaching past hi may cover the next ranges too, so it
     * stays. */
    for (; j < m && b[j].lo <= hi; j++) {
      if (b[j].lo > lo) {
        s->r[w].lo = lo;
        s->r[w++].hi = b[j].lo - 1;
      }
      if (b[j].hi >= hi) {
        gone = true;
        break;
      }
      lo = b[j].hi + 1;
    }
    if (!gone) {
      s->r[w].lo = lo;
      s->r[w++].hi = hi;
    }
  }
  s->n = w;
}

void mp_ipset_copy(struct mp_ipset *out, const struct mp_ipset *s)
{
  if (out == s) {
    return;
  }
  reserve(out, s->n);
  if (s->n) {
    memcpy(out->r, s->r, s->n * sizeof *s->r);
  }
  out->n = s->n;
}

uint64_t mp_ipset_count(const struct mp_ipset *s)
{
  uint64_t total = 0;

  for (size_t i = 0; i < s->n; i++) {
    uint64_t span = s->r[i].hi - s->r[i].lo; /* keys - 1: never wraps */

    if (total >= UINT64_MAX - span) {
      return UINT64_MAX; /* total + span + 1 > UINT64_MAX, or equal */
    }
    total += span + 1;
  }
  return total;
}

bool mp_ipset_has(const struct mp_ipset *s, uint64_t key)
{
  size_t i = first_hi_ge(s, key);

  return i < s->n && s->r[i].lo <= key;
}

void mp_ipset_fill(struct mp_ipset *s, bool ip6)
{
  s->n = 0;
  mp_ipset_add(s, 0, ip6 ? UINT64_MAX : UINT32_MAX);
}
