#include "scanner/dns/rtthist.h"

#define DECAY_AT 2048.0

static unsigned bucket_of(uint64_t ns)
{
  unsigned l = 63u - (unsigned)__builtin_clzll(ns | 1);
  unsigned i;

  if (l < 10) {
    return 0;
  }
  i = (l - 10) * 16 + (unsigned)((ns >> (l - 4)) & 15);
  return i < MP_RTTHIST_BUCKETS ? i : MP_RTTHIST_BUCKETS - 1;
}

/* The middle of bucket i. */
static uint64_t bucket_ns(unsigned i)
{
  unsigned l = i / 16 + 10;

  return ((uint64_t)(32 + 2 * (i % 16) + 1) << (l - 5));
}

void mp_rtthist_add(struct mp_rtthist *h, uint64_t ns)
{
  if (h->total >= DECAY_AT) {
    for (unsigned i = 0; i < MP_RTTHIST_BUCKETS; i++) {
      h->n[i] /= 2;
    }
    h->total /= 2;
  }
  h->n[bucket_of(ns)]++;
  h->total++;
}

uint64_t mp_rtthist_p99(const struct mp_rtthist *h)
{
  double skip = h->total * 0.01, seen = 0;

  for (unsigned i = MP_RTTHIST_BUCKETS; i-- > 0;) {
    seen += h->n[i];
    if (seen > skip) {
      return bucket_ns(i);
    }
  }
  return 0;
}
