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

#endif
