#ifndef MP_SCANNER_RECORDS_DMARC_VALUE_H
#define MP_SCANNER_RECORDS_DMARC_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scanner/records/dmarc.h"

/* The values of the DMARC tags (RFC 9989 section 4.8, and the RFC 7489
 * section 6.4 forms it obsoletes), each a pure function of the value's
 * bytes: dmarc.c walks the tag-list and calls them. Each returns whether
 * the value is valid and sets its result only then; keywords compare
 * without case (RFC 5234 2.3). */

/* p, sp, np: "none" / "quarantine" / "reject" into *out (enum
 * mp_dmarc_policy). */
bool mp_dmarc_value_policy(const char *s, size_t n, uint8_t *out);

/* adkim, aspf: "r" / "s"; *strict for "s". */
bool mp_dmarc_value_strict(const char *s, size_t n, bool *strict);

/* psd: "y" / "n" / "u" into *out (enum mp_dmarc_psd). */
bool mp_dmarc_value_psd(const char *s, size_t n, uint8_t *out);

/* t: "y" / "n"; *out for "y". */
bool mp_dmarc_value_yn(const char *s, size_t n, bool *out);

/* pct, ri: 1*DIGIT up to max (and at most maxdigits digits when it is not
 * 0). */
bool mp_dmarc_value_uint(const char *s, size_t n, size_t maxdigits,
                         uint64_t max, uint64_t *out);

/* fo: ("0" / "1" / "d" / "s") *(*WSP ":" *WSP ...) into MP_DMARC_FO_*
 * *bits; *conflict (always set) when 0 and 1 are both given or an option
 * twice. */
bool mp_dmarc_value_fo(const char *s, size_t n, uint8_t *bits, bool *conflict);

/* rf: Keyword *(*WSP ":" Keyword), Keyword an Ldh-str (RFC 7489 6.4, RFC
 * 5321 4.1.2). *afrf (always set) when one keyword is "afrf". */
bool mp_dmarc_value_rf(const char *s, size_t n, bool *afrf);

/* One element of a rua or ruf list, s[a..b), trimmed of WSP: the URI and
 * its "!size" into *u, which says whether it is valid. */
void mp_dmarc_value_uri(const char *s, size_t a, size_t b,
                        struct mp_dmarc_uri *u);

#endif
