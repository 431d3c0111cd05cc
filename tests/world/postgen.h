#ifndef MP_TESTS_WORLD_POSTGEN_H
#define MP_TESTS_WORLD_POSTGEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tests/world/rng.h"

/* The records behind posture_truth.tsv, as zone-file text: DKIM keys,
 * MTA-STS, TLS-RPT and BIMI records added to existing domains, the static
 * provider records, and the text helpers postcase.h shares. All owners are
 * written as absolute names, so the text can go into any zone file. What
 * each variant is, and its truth, is listed in tests/world/README.md. */

/* A growing text, fixed capacity; overflow is a bug (assert). */
struct mp_pg_text {
  char *p;
  size_t len, cap;
};

__attribute__((format(printf, 2, 3))) void mp_pg_printf(struct mp_pg_text *t,
                                                        const char *fmt, ...);

/* "owner. TXT" and the record's bytes p[0..n) as quoted strings of at most
 * 255 octets (RFC 1035 section 3.3.14), then a newline. */
void mp_pg_txt(struct mp_pg_text *t, const char *owner, const char *p,
               size_t n);

/* mp_pg_txt() of the string s. */
void mp_pg_txt_str(struct mp_pg_text *t, const char *owner, const char *s);

/* snprintf into a buffer sized to fit: truncation is a bug (asserted). */
__attribute__((format(printf, 3, 4))) void mp_pg_fmt(char *dst, size_t cap,
                                                     const char *fmt, ...);

/* Standard base64 (RFC 4648 section 4) of in[0..n) into out, NUL ended.
 * Returns the length; out needs 4 * ((n + 2) / 3) + 1 bytes. */
size_t mp_pg_base64(const uint8_t *in, size_t n, char *out);

/* The base64 of a DER SubjectPublicKeyInfo (RFC 5280 section 4.1, RFC 3279
 * section 2.3.1) holding an RSA key whose modulus is mod[0..bits/8) (the
 * top bit is forced on, so the modulus has exactly `bits` bits) and whose
 * exponent is 65537. out needs 1024 bytes; returns the length. */
size_t mp_pg_rsa_key(unsigned bits, const uint8_t *mod, char *out);

/* Variants added to an existing domain: -1 for none. */
struct mp_pg_pick {
  int dkim, sts, tlsrpt, bimi;
};

#define MP_PG_NDKIM 20
#define MP_PG_NDKIM_RANDOM                                                     \
  18 /* those the random lines draw: 18 and 19 (failed probes) are only in     \
        the warm-up, so the random lines stay as they were */
#define MP_PG_NSTS    13
#define MP_PG_NTLSRPT 11
#define MP_PG_NBIMI   20

/* The variants line `index` adds; round >= 0 for the warm-up lines
 * (round r of 20 gets variant r of each family that has one). */
void mp_pg_pick(uint64_t seed, uint64_t index, int round,
                struct mp_pg_pick *pick);

/* Writes the records of pick for domain name (lowercase, no trailing dot)
 * to zone; key material comes from r. */
void mp_pg_extras(const struct mp_pg_pick *pick, const char *name,
                  struct mp_rng *r, struct mp_pg_text *zone);

/* The static records: DKIM and MTA-STS provider names under test. (to
 * test), the report-authorization wildcard (to example), and the psd.test.
 * zone's own records (to psd). */
void mp_pg_static(uint64_t seed, struct mp_pg_text *test,
                  struct mp_pg_text *example, struct mp_pg_text *psd);

#endif
