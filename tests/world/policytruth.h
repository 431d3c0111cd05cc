#ifndef MP_TESTS_WORLD_POLICYTRUTH_H
#define MP_TESTS_WORLD_POLICYTRUTH_H

#include "tests/world/dnsview.h"

/* The generator's own truth for the mail-policy TXT records: MTA-STS (RFC
 * 8461 section 3.1, at _mta-sts.<domain>), TLS-RPT (RFC 8460 section 3, at
 * _smtp._tls.<domain>) and BIMI (draft-brand-indicators-for-message-
 * identification-10 sections 4.3, 7.2 and 7.3, lps= by draft-14 section
 * 4.3, at default._bimi.<domain>):
 * the record selected, its status, the error code of docs/schema.md and
 * the fields the row shows. Its own parsers, not the scanner's; the rules
 * are in tests/world/README.md. */

enum mp_polt_kind { MP_POLT_STS, MP_POLT_TLSRPT, MP_POLT_BIMI };

struct mp_polt_row {
  const char *status; /* "none", "valid", "invalid" */
  const char *error;  /* a code of docs/schema.md, or "-" */
  char field1[512];   /* id=, the first rua URI, l=: "-" when none (always
                         unless valid), "\"\"" when empty */
  char field2[512];   /* BIMI a=, as field1; "-" for the others */
  bool declined;      /* BIMI: valid, l= and a= empty (a declination) */
  bool bad_avp;       /* BIMI: valid, avp= neither brand nor personal */
};

/* The record of kind k for domain (lowercase, no trailing dot) over v. */
void mp_polt_eval(const struct mp_dv *v, const char *domain,
                  enum mp_polt_kind k, struct mp_polt_row *out);

#endif
