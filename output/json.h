#ifndef MP_OUTPUT_JSON_H
#define MP_OUTPUT_JSON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "output/rowbuf.h"

/* JSON text pieces for the row writers. Every function writes to a FILE
 * the caller owns and reports nothing: stdio errors are sticky, so the
 * writer checks ferror() once per row (output/writer.h). None allocates. */

/* Buffer size that holds any mp_json_format_* result plus a NUL: "%.3f" of
 * -DBL_MAX is 314 characters. */
#define MP_JSON_FMT_MAX 320

/* Writes s[0..len) as a JSON string literal, quotes included. Any bytes are
 * accepted (NUL too): '"' and '\' are escaped, \b \f \n \r \t use the short
 * escapes, other bytes below 0x20 and 0x7f become \u00xx, U+2028 and
 * U+2029 become \u2028 and \u2029 (they end lines in JavaScript), and
 * well-formed UTF-8 is copied. Each byte that is not part of a well-formed
 * sequence (overlong, surrogate, above U+10FFFF, truncated, stray
 * continuation, 0xC0, 0xC1, 0xF5..0xFF) becomes U+FFFD, so the output is
 * always valid UTF-8 and valid JSON. s may be NULL when len is 0. */
void mp_json_string(FILE *f, const char *s, size_t len);

/* mp_json_string() into o. */
void mp_json_out_string(struct mp_rowbuf *o, const char *s, size_t len);

/* mp_json_string() of a NUL-terminated string, or null when s is NULL. */
void mp_json_cstr(FILE *f, const char *s);

/* Decimal integers. */
void mp_json_int(FILE *f, int64_t v);
void mp_json_uint(FILE *f, uint64_t v);

/* A number with exactly 3 decimals ("12.345"), rounded half away from
 * zero; null when v is NaN or infinite (JSON has neither). */
void mp_json_number(FILE *f, double v);

/* A quoted RFC 3339 UTC time with milliseconds, "2026-11-22T15:04:05.123Z",
 * from microseconds since the Unix epoch (truncated to the millisecond). */
void mp_json_time(FILE *f, int64_t us);

/* The text of the writers above, into buf (at least MP_JSON_FMT_MAX bytes,
 * NUL-terminated); they return the length. mp_json_format_number() returns
 * 0 for NaN and infinities. mp_json_format_time() writes no quotes and
 * clamps to the years 0000..9999. */
size_t mp_json_format_int(char *buf, int64_t v);
size_t mp_json_format_uint(char *buf, uint64_t v);
size_t mp_json_format_number(char *buf, double v);
size_t mp_json_format_time(char *buf, int64_t us);

/* Length (1 to 4) of the well-formed UTF-8 sequence at the start of
 * s[0..n), by Table 3-7 of the Unicode Standard, or 0 when s does not start
 * with one (or n is 0). Shared with the CSV writer, which applies the same
 * replacement rule. */
size_t mp_json_utf8_len(const uint8_t *s, size_t n);

#endif
