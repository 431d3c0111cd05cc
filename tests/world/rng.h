#ifndef MP_TESTS_WORLD_RNG_H
#define MP_TESTS_WORLD_RNG_H

#include <stdbool.h>
#include <stdint.h>

/* The world's deterministic PRNG: splitmix64 seeding xoshiro256**. One
 * independent stream per (seed, index, stream), so every domain is a pure
 * function of its line and output is the same on any compiler. Streams:
 * 0 picks the kind, 1 the content, 2 the list layout, 3 parents and hidden
 * alias targets, 4 whether a line is mangled, 5 how, 6 own SPF include
 * targets, 7 which posture records an existing domain gets (DKIM, MTA-STS,
 * TLS-RPT, BIMI), 8 which nxdomain lines hold the posture cases, 9 the
 * static provider keys, 10 the key bytes of stream 7's records. */

struct mp_rng {
  uint64_t s[4];
};

static inline uint64_t mp_rng_splitmix(uint64_t *x)
{
  uint64_t z = (*x += 0x9E3779B97F4A7C15u);

  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
  return z ^ (z >> 31);
}

static inline void mp_rng_init(struct mp_rng *r, uint64_t seed, uint64_t index,
                               uint64_t stream)
{
  uint64_t x = seed * 0xD1B54A32D192ED03u;

  x ^= mp_rng_splitmix(&x) + index * 0x9E3779B97F4A7C15u;
  x ^= mp_rng_splitmix(&x) + stream * 0xC2B2AE3D27D4EB4Fu;
  for (int i = 0; i < 4; i++) {
    r->s[i] = mp_rng_splitmix(&x);
  }
}

static inline uint64_t mp_rng_rotl(uint64_t x, int k)
{
  return (x << k) | (x >> (64 - k));
}

static inline uint64_t mp_rng_next(struct mp_rng *r)
{
  uint64_t *s = r->s;
  uint64_t out = mp_rng_rotl(s[1] * 5, 7) * 9;
  uint64_t t = s[1] << 17;

  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = mp_rng_rotl(s[3], 45);
  return out;
}

static inline unsigned mp_rng_below(struct mp_rng *r, unsigned n)
{
  return (unsigned)(mp_rng_next(r) % n);
}

static inline bool mp_rng_pct(struct mp_rng *r, unsigned pct)
{
  return mp_rng_below(r, 100) < pct;
}

#endif
