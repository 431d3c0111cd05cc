#ifndef MP_SCANNER_OPTVAL_H
#define MP_SCANNER_OPTVAL_H

#include <stdbool.h>

/* The values command-line options take (config.c reads them): whole
 * numbers, durations, and the SMTP identities of --spf-sender and
 * --spf-helo. Pure: text in, value or verdict out. */

/* A whole decimal number in [lo, hi], no sign. 0, or -EINVAL. */
int mp_optval_uint(const char *s, unsigned long lo, unsigned long hi,
                   unsigned long *out);

/* "1500", "1500ms", "1.5s", "2s": a duration of 1 ms to 600 s, in
 * milliseconds. 0, or -EINVAL. */
int mp_optval_duration_ms(const char *s, unsigned *out);

/* RFC 5321 section 4.1.2: Local-part = Dot-string / Quoted-string, at
 * most 64 octets (section 4.5.3.1.1); ASCII only (no SMTPUTF8). */
bool mp_optval_local_part(const char *s);

/* RFC 5321 section 4.1.1.1: what EHLO names, a Domain (labels of
 * letters, digits and inner hyphens, section 4.1.2) or an address literal
 * "[192.0.2.1]" / "[IPv6:2001:db8::1]" (section 4.1.3). */
bool mp_optval_helo(const char *s);

#endif
