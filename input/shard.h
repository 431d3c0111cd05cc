#ifndef MP_INPUT_SHARD_H
#define MP_INPUT_SHARD_H

#include <stdbool.h>
#include <stddef.h>

/* Sharding by hash: N processes given K/N for K = 0..N-1 split any list
 * without coordination, each keeping the names whose XXH3-64 (seed 0) hash
 * modulo N is K. */

#define MP_SHARD_MAX 65536

struct mp_shard {
  unsigned k, n; /* n == 0: no sharding */
};

/* Parses "K/N" (decimal, 0 <= K < N, 1 <= N <= MP_SHARD_MAX, nothing else
 * in the string) into *out. Returns 0, or -EINVAL (then *out is
 * unchanged). */
int mp_shard_parse(const char *s, struct mp_shard *out);

/* True when this process keeps the key: always when s->n is 0, else when
 * mp_hash(key, len) % n == k. The scanner passes the normalized name. */
bool mp_shard_keep(const struct mp_shard *s, const void *key, size_t len);

#endif
