#ifndef MP_TESTS_WORLD_POSTCASE_H
#define MP_TESTS_WORLD_POSTCASE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tests/world/postgen.h"

/* The posture cases: names built for DMARC discovery, with MX hosts built
 * for the reverse-DNS checks, that some nxdomain lines list instead. Their
 * records and truth are listed in tests/world/README.md. */

#define MP_PG_NDMARC 20 /* DMARC discovery variants */
#define MP_PG_NMX    12 /* MX variants */
#define MP_PG_NMX_RANDOM                                                       \
  10 /* those the random lines draw: 10 and 11 (failed lookups) are only in    \
        the warm-up, so the random lines stay as they were */
#define MP_PG_NDRAWN                                                           \
  19 /* the DMARC variants the random lines draw: 19 (a name that does not     \
        exist) came later and is only in the warm-up */
#define MP_PG_MAXMX 12

/* Whether nxdomain line `index` holds a posture case, and which. round >= 0
 * for the warm-up lines (round r holds DMARC case r and MX case r, or
 * r % 10 from r = 12, for r < MP_PG_NDMARC); the others draw from the first
 * MP_PG_NDRAWN DMARC cases and MP_PG_NMX_RANDOM MX cases. */
bool mp_pg_case_pick(uint64_t seed, uint64_t index, int round, unsigned *dv,
                     unsigned *mv);

/* One posture case: the listed name and its own records (for truth.tsv),
 * and every further record as text by zone. */
struct mp_pg_case {
  char name[256];
  bool psd;    /* the name lives in the psd.test. zone */
  bool exists; /* false: the listed name has no records and nothing below
                  it (DMARC case 18; no SPF, no MX case) */
  char spf[64];
  char dmarc[2][160];
  size_t ndmarc;
  struct {
    unsigned pref;
    char host[256];
  } mx[MP_PG_MAXMX];
  size_t nmx;
};

/* Fills c for line index with DMARC variant dv and MX variant mv. zone
 * receives the records of the name's zone (test. or psd.test.) other than
 * its TXT, _dmarc and MX records; example, rev4 and rev6 receive records
 * for example., 10.in-addr.arpa. and 8.b.d.0.1.0.0.2.ip6.arpa. */
void mp_pg_case(uint64_t index, unsigned dv, unsigned mv, struct mp_pg_case *c,
                struct mp_pg_text *zone, struct mp_pg_text *example,
                struct mp_pg_text *rev4, struct mp_pg_text *rev6);

#endif
