#ifndef MP_SCANNER_RECORDS_POLICY_URI_H
#define MP_SCANNER_RECORDS_POLICY_URI_H

#include <stdbool.h>
#include <stddef.h>

/* The URIs the TXT policies name (policy_txt.h): TLS-RPT's rua= (RFC 8460
 * section 3) and BIMI's l= and a= (draft-brand-indicators-for-message-
 * identification-10 section 4.3), checked against RFC 3986. Pure. */

enum mp_policy_uri {
  MP_POLICY_URI_BAD,    /* not an absolute URI, or a bad https/mailto one */
  MP_POLICY_URI_OTHER,  /* well formed, another scheme */
  MP_POLICY_URI_HTTPS,  /* https://host[:port][path] (RFC 9110 4.2.2) */
  MP_POLICY_URI_MAILTO, /* mailto:local@domain[?...] (RFC 6068 2) */
};

#define MP_POLICY_URI_NO_BANG                                                  \
  1u /* "!" and ";" must be encoded too (RFC                                   \
        8460 3) */
#define MP_POLICY_URI_FQDN                                                     \
  2u /* an https host must be a domain name                                    \
        (BIMI a=) */

/* One absolute URI p[0..n): scheme ":" then URI bytes (RFC 3986 section
 * 3), with well-formed pct-encoding and at most one "#"; "," is never
 * allowed (both RFC 8460 and the BIMI draft make it separate URIs).
 * Schemes compare without case (3.1). flags: MP_POLICY_URI_*. */
enum mp_policy_uri mp_policy_uri_check(const char *p, size_t n, unsigned flags);

#endif
