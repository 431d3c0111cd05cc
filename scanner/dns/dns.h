#ifndef MP_SCANNER_DNS_DNS_H
#define MP_SCANNER_DNS_DNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The DNS vocabulary every layer shares: the record types the scanner asks,
 * the outcome of a lookup, a parsed record, the limits on names. The pure
 * parsers (records/, spf/), the resolver and the row (output/) use it; it
 * uses nothing. */

#define MP_NAME_MAX 253 /* presentation form, no trailing dot (RFC 1035) */
#define MP_NAME_TEXT_MAX                                                       \
  1012 /* a name from DNS as text: every octet written \DDD at worst           \
          (dnsname.h) */

/* DNS RR types used by the scanner (RFC 1035, 3596). */
enum {
  MP_T_A = 1,
  MP_T_CNAME = 5,
  MP_T_SOA = 6,
  MP_T_PTR = 12,
  MP_T_MX = 15,
  MP_T_TXT = 16,
  MP_T_AAAA = 28,
};

/* The outcome of one lookup. A DNS answer is data, not an error. */
enum mp_outcome {
  MP_OUTCOME_OK,       /* NOERROR with records of the queried type */
  MP_OUTCOME_NODATA,   /* NOERROR, no records of the type (RFC 2308) */
  MP_OUTCOME_NXDOMAIN, /* the name does not exist */
  MP_OUTCOME_SERVFAIL,
  MP_OUTCOME_REFUSED,
  MP_OUTCOME_TIMEOUT, /* no answer after every attempt */
  MP_OUTCOME_FORMERR,
  MP_OUTCOME_ERROR, /* anything else: NOTIMP, other RCODEs, bad reply,
                       connection refused */
  MP_OUTCOME_COUNT
};

/* Names as they appear in rows ("ok", "nxdomain", ...). */
const char *mp_outcome_name(enum mp_outcome o);

/* The same names, indexed by outcome (for the part tables' lists). */
extern const char *const mp_outcome_names[MP_OUTCOME_COUNT];

/* True for an outcome that says nothing about the name (SERVFAIL, timeout,
 * ...): neither records, nor NODATA, nor NXDOMAIN. A lookup that failed is
 * never read as an answer. */
bool mp_outcome_failed(enum mp_outcome o);

/* "TXT", "MX", ... or NULL for a type the scanner does not use. */
const char *mp_type_name(uint16_t type);

/* One resource record of an answer, parsed. */
struct mp_rr {
  uint16_t type;
  uint16_t pref;    /* MX preference */
  uint32_t ttl;     /* seconds */
  uint32_t len;     /* bytes in data, not counting the terminating NUL */
  const char *data; /* TXT: the character-strings joined with nothing
                       between them (RFC 7208 section 3.3), any byte, also
                       NUL-terminated; MX/CNAME/PTR: the target name,
                       lowercase presentation form without trailing dot
                       ("" for the root); A/AAAA: address text */
  uint8_t addr[16]; /* A: 4 bytes, AAAA: 16 bytes */
};

/* The TTL of the RRset rr[0..n) as a cache uses it: the smallest of the
 * records' (RFC 2181 section 5.2), 0 when n is 0. */
uint32_t mp_rr_min_ttl(const struct mp_rr *rr, size_t n);

/* A piece of a record's text (not NUL-terminated). */
struct mp_slice {
  const char *p;
  size_t len;
};

#endif
