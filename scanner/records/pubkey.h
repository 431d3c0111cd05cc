#ifndef MP_SCANNER_RECORDS_PUBKEY_H
#define MP_SCANNER_RECORDS_PUBKEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The public key of a DKIM key record, its p= value (RFC 6376 section
 * 3.6.1): base64 text checked, then decoded as a stream (RFC 2045 section
 * 6.8), and an RSA key read from it in strict DER (X.690 10.1), so a key
 * of any size needs no buffer. Pure: no I/O, no allocation. */

/* base64string = ALPHADIGITPS *([FWS] ALPHADIGITPS) [[FWS] "=" [[FWS]
 * "="]] in s[0..n). The grammar leaves the padding optional, but base64
 * does not: characters and "=" together must come in groups of four, as
 * the strict decoders of several verifiers require. Returns true with
 * *len the decoded size in bytes, or false with *bad the offset of the
 * offending byte (n when the last group is short). */
bool mp_pubkey_b64_check(const char *s, size_t n, size_t *len, size_t *bad);

/* An RSA public key, as far as a key record tells. */
struct mp_pubkey_rsa {
  unsigned bits;     /* modulus size from its first 1 bit */
  uint64_t exponent; /* public exponent, 0 when over 64 bits */
  bool pkcs1;        /* a bare RSAPublicKey, not wrapped in a
                        SubjectPublicKeyInfo (RFC 6376 erratum 3017) */
};

/* Reads the key in s[0..n), base64 that mp_pubkey_b64_check() accepted
 * with decoded size len: a SubjectPublicKeyInfo of rsaEncryption (RFC 5280
 * 4.1, RFC 3279 2.3.1) or an RSAPublicKey (RFC 8017 A.1.1), in strict DER
 * with nothing after it. Returns true with *out filled, else false. */
bool mp_pubkey_rsa(const char *s, size_t n, size_t len,
                   struct mp_pubkey_rsa *out);

#endif
