#ifndef MP_SCANNER_SPF_IPSET_H
#define MP_SCANNER_SPF_IPSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Sets of addresses as sorted, disjoint, non-adjacent inclusive ranges of
 * 64-bit keys: an IPv4 address is its 32-bit value, an IPv6 address
 * counts by its /64 (the top 64 bits), since an IPv6 network is sized in
 * /64s. Used to flatten SPF policies into the address space they pass. */

struct mp_ipset_range {
  uint64_t lo, hi; /* inclusive */
};

struct mp_ipset {
  struct mp_ipset_range *r; /* heap (mp_malloc), n used, cap allocated */
  size_t n, cap;
};

/* An empty set; _close frees it (and leaves it empty, reusable). */
void mp_ipset_init(struct mp_ipset *s);
void mp_ipset_close(struct mp_ipset *s);
void mp_ipset_clear(struct mp_ipset *s); /* keeps the memory */

/* Adds [lo, hi] (lo <= hi). */
void mp_ipset_add(struct mp_ipset *s, uint64_t lo, uint64_t hi);

/* Adds an IPv4 network addr/prefix (addr 4 bytes, network order; host
 * bits ignored) or an IPv6 one (16 bytes; a prefix longer than 64 adds the
 * /64 that holds it). */
void mp_ipset_add_ip4(struct mp_ipset *s, const uint8_t addr[4],
                      unsigned prefix);
void mp_ipset_add_ip6(struct mp_ipset *s, const uint8_t addr[16],
                      unsigned prefix);

/* s = s | t; s = s - t (t unchanged). */
void mp_ipset_union(struct mp_ipset *s, const struct mp_ipset *t);
void mp_ipset_subtract(struct mp_ipset *s, const struct mp_ipset *t);

/* *out = a copy of s (out initialized or empty). */
void mp_ipset_copy(struct mp_ipset *out, const struct mp_ipset *s);

/* How many keys: 2^64 does not fit, so the count saturates at
 * UINT64_MAX (the whole IPv6 space). */
uint64_t mp_ipset_count(const struct mp_ipset *s);

/* True when key is in s (binary search). */
bool mp_ipset_has(const struct mp_ipset *s, uint64_t key);

/* The whole key space of a family: [0, 2^32 - 1] or [0, 2^64 - 1]. */
void mp_ipset_fill(struct mp_ipset *s, bool ip6);

#endif
