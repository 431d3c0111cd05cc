#ifndef MP_SCANNER_SPF_MACRO_H
#define MP_SCANNER_SPF_MACRO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* SPF macros (RFC 7208 section 7): checking and expanding macro-strings.
 * Pure; the caller supplies every value, including %{p}, which needs DNS
 * and is therefore found by the evaluator before expansion. */

struct mp_spf_macro_ctx {
  const char *sender;        /* s: "local-part@domain" */
  const char *local;         /* l: local-part of the sender */
  const char *sender_domain; /* o: domain of the sender */
  const char *domain;        /* d: the current domain (changes in include
                                and redirect) */
  int family;                /* i, c, v: AF_INET or AF_INET6 */
  const uint8_t *ip;         /* 4 or 16 bytes, network order */
  const char *helo;          /* h: HELO/EHLO domain */
  const char *ptr_name;      /* p: validated name, or "unknown" */
  const char *receiver;      /* r: receiving host (exp only) */
  int64_t now;               /* t: seconds since the epoch (exp only) */
};

/* Checks that s[0..len) is a macro-string (section 7.1); exp allows the
 * letters c, r, t, which only explanation strings may use, and the SP
 * that explanation-string adds (section 6.2). The exp= domain-spec itself
 * is checked with exp false. Returns 0, or -EINVAL with *offset (if not
 * NULL) at the first bad byte (len when the string ends inside a
 * macro-expand). */
int mp_spf_macro_check(const char *s, size_t len, bool exp, size_t *offset);

/* True when s[0..len) uses the macro letter c (any case). */
bool mp_spf_macro_uses(const char *s, size_t len, char letter);

/* Expands macro-string s[0..len) with ctx into out (outcap bytes, NUL-
 * terminated): letters, transformers (digits, "r"), delimiters, "%%",
 * "%_", "%-", URL-escaping for upper-case letters (section 7.3). Returns
 * the length, -EINVAL for a malformed string (checked first, whatever
 * outcap), or -ENAMETOOLONG when out is too small. A NULL string in ctx
 * expands to "" (p and r: "unknown"); i, c, v expand to "" unless family
 * is AF_INET or AF_INET6 and ip is set. */
int mp_spf_macro_expand(const char *s, size_t len, bool exp,
                        const struct mp_spf_macro_ctx *ctx, char *out,
                        size_t outcap);

/* Section 7.3 (also 4.8): an expanded domain name over 253 octets loses
 * labels from the left until it fits (a trailing dot is not counted).
 * Works in place; returns the new length and, when it shrank, writes a
 * NUL there. A single label over 253 octets leaves nothing (0). */
size_t mp_spf_truncate_domain(char *name, size_t len);

#endif
