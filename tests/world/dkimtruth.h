#ifndef MP_TESTS_WORLD_DKIMTRUTH_H
#define MP_TESTS_WORLD_DKIMTRUTH_H

#include "tests/world/dnsview.h"

/* The generator's own DKIM truth: the selector probe of the posture scan
 * (RFC 6376 section 3.6.2.1 key records at <selector>._domainkey.<domain>),
 * each key record checked against RFC 6376 sections 3.2 and 3.6.1 and RFC
 * 8463 with its own tag-list parser, the RSA modulus size read from the
 * key's DER, and the DKIM_* finding codes. See tests/world/README.md. */

#define MP_DKIMT_FINDINGS 6

struct mp_dkimt_row {
  const char *status; /* "found", "none", "no_domainkey", "temperror" */
  unsigned probed;    /* selectors asked */
  char keys[1024];    /* "sel:type:bits[:revoked][:testing][:cname=t],..." */
  char errors[512];   /* "sel=code,..." for the keys in error, or "-" */
  char failed[256];   /* "sel=servfail,..." for the probes that failed (no
                         answer to read), or "-" */
  unsigned weakest;   /* smallest RSA modulus of a usable key, 0: none */
  bool usable;        /* a key that is not revoked, not in error, nor RSA
                         under 1024 bits (RFC 8301) was found */
  const char *findings[MP_DKIMT_FINDINGS]; /* DKIM_* codes, each once */
  size_t nfindings;
};

/* The selectors probed, in order, and their number. */
extern const char *const mp_dkimt_selectors[];
extern const size_t mp_dkimt_nselectors;

void mp_dkimt_eval(const struct mp_dv *v, const char *domain,
                   struct mp_dkimt_row *row);

/* The bit length of the RSA modulus in the base64 of a DER
 * SubjectPublicKeyInfo b64[0..n) (blanks skipped), 0 if it is not one. */
unsigned mp_dkimt_rsa_bits(const char *b64, size_t n);

#endif
