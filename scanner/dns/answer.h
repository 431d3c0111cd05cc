#ifndef MP_SCANNER_DNS_ANSWER_H
#define MP_SCANNER_DNS_ANSWER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scanner/dns/dns.h"

/* The answer to one (name, type): what the wire parser (dnswire.h) makes
 * of a reply, an outcome without records (timeouts, errors), or records
 * built in memory (tests). One allocation, shared by every lookup that
 * asked the same (name, type): immutable once built, freed when the last
 * reference is dropped. The RRs are the records of the asked type owned by
 * the query name or, when it is an alias, by the end of its CNAME chain. */
struct mp_answer {
  unsigned refs;
  enum mp_outcome outcome;
  int rcode;         /* RCODE of the reply, -1 when there was no reply */
  unsigned attempts; /* queries sent for it, retries included */
  double rtt_ms;     /* first query sent to this answer */
  uint16_t type;     /* the type asked */
  const char *cname; /* end of the CNAME chain from the query name, or NULL */
  bool dangling;     /* NODATA at cname with no SOA either: the server does
                        not hold the target's zone (an authoritative server
                        answering an alias into another zone) */
  size_t count;
  struct mp_rr *rr;
};

/* A new answer with one reference, rcode -1, no records yet, and room
 * for count records at rr and bytes of data after them, at
 * (char *)(rr + count): for a builder that fills it before it is shared
 * (the wire parser). */
struct mp_answer *mp_answer_alloc(size_t count, size_t bytes);

/* A new answer with no records and the given outcome (timeouts, errors). */
struct mp_answer *mp_answer_new(enum mp_outcome outcome, int rcode,
                                uint16_t type);

/* A new answer holding copies of rr[0..n) (data included), as a resolver
 * would deliver it: for in-memory zones (tests, the conformance suite).
 * cname (may be NULL) is copied too. */
struct mp_answer *mp_answer_build(enum mp_outcome outcome, int rcode,
                                  uint16_t type, const struct mp_rr *rr,
                                  size_t n, const char *cname);

/* Reference counting. mp_answer_unref(NULL) is a no-op. */
struct mp_answer *mp_answer_ref(struct mp_answer *a);
void mp_answer_unref(struct mp_answer *a);

/* Minimum TTL over the records, or 0 when there are none. */
uint32_t mp_answer_ttl(const struct mp_answer *a);

#endif
