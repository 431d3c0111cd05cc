#ifndef MP_TESTS_WORLD_DKIMTRUTH_H
#define MP_TESTS_WORLD_DKIMTRUTH_H

#include "tests/world/dnsview.h"

/* The generator's own DKIM truth: the selector probe of the posture scan
 * (RFC 6376 section 3.6.2.1 key records at <selector>._domainkey.<domain>),
 * with the RSA modulus size read from the key's DER. See
 * tests/world/README.md. */

struct mp_dkimt_row {
  const char *status; /* "found", "none", "no_domainkey", "temperror" */
  char keys[1024];    /* "sel:type:bits[:revoked][:testing][:cname=t],..." */
  unsigned weakest;   /* smallest RSA modulus of a non-revoked key, 0: none */
  bool usable;        /* a key that is not revoked (nor RSA under 1024
                         bits, RFC 8301) was found */
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
