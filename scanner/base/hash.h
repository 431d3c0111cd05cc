#ifndef MP_SCANNER_BASE_HASH_H
#define MP_SCANNER_BASE_HASH_H

#include <stddef.h>
#include <stdint.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

/* The one call site of xxHash: XXH3-64 with seed 0, so a shard or cache key
 * can be reproduced with any XXH3 implementation (xxhsum -H3). */
static inline uint64_t mp_hash(const void *data, size_t len)
{
  return XXH3_64bits_withSeed(data, len, 0);
}

/* The same hash over data given in pieces (a file read in chunks):
 * mp_hash_begin, mp_hash_more for each piece, mp_hash_end. */
struct mp_hash_state {
  XXH3_state_t s;
};

static inline void mp_hash_begin(struct mp_hash_state *h)
{
  XXH3_64bits_reset_withSeed(&h->s, 0);
}

static inline void mp_hash_more(struct mp_hash_state *h, const void *data,
                                size_t len)
{
  XXH3_64bits_update(&h->s, data, len);
}

static inline uint64_t mp_hash_end(const struct mp_hash_state *h)
{
  return XXH3_64bits_digest(&h->s);
}

#endif
