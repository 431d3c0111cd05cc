#ifndef MP_TESTS_WORLD_RANGESET_H
#define MP_TESTS_WORLD_RANGESET_H

#include <stddef.h>
#include <stdint.h>

/* Sets of 64-bit keys as sorted, disjoint, non-adjacent inclusive ranges:
 * the address sets of the generator's SPF truth (an IPv4 address is its
 * 32-bit value, an IPv6 /64 network its top 64 bits). Part of mp_worldgen
 * only; the scanner has its own. */

struct mp_range {
  uint64_t lo, hi; /* inclusive */
};

struct mp_rangeset {
  struct mp_range *r; /* heap (mp_malloc); n used, cap allocated */
  size_t n, cap;
};

/* An empty set; _close frees its memory and leaves it empty. */
void mp_rangeset_init(struct mp_rangeset *s);
void mp_rangeset_close(struct mp_rangeset *s);
void mp_rangeset_clear(struct mp_rangeset *s);

/* s = s | [lo, hi] (lo <= hi). */
void mp_rangeset_add(struct mp_rangeset *s, uint64_t lo, uint64_t hi);

/* s = s | (t - u); t and u are unchanged and must not be s. */
void mp_rangeset_add_minus(struct mp_rangeset *s, const struct mp_rangeset *t,
                           const struct mp_rangeset *u);

/* How many keys s holds; UINT64_MAX when that is 2^64 or more. */
uint64_t mp_rangeset_count(const struct mp_rangeset *s);

#endif
