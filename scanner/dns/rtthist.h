#ifndef MP_SCANNER_DNS_RTTHIST_H
#define MP_SCANNER_DNS_RTTHIST_H

#include <stdint.h>

/* A decaying histogram of round trips, for the retransmission timeout's
 * tail (control.c): 16 buckets a doubling from 1 us; halved whenever it
 * holds 2048 samples, so it follows the last few thousand replies. Pure. */

#define MP_RTTHIST_BUCKETS 400

struct mp_rtthist {
  double n[MP_RTTHIST_BUCKETS];
  double total;
};

/* Counts a round trip of ns nanoseconds. */
void mp_rtthist_add(struct mp_rtthist *h, uint64_t ns);

/* The 99th percentile (the middle of its bucket), or 0 when empty. */
uint64_t mp_rtthist_p99(const struct mp_rtthist *h);

#endif
