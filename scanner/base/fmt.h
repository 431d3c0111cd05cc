#ifndef MP_SCANNER_BASE_FMT_H
#define MP_SCANNER_BASE_FMT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Numbers and names written without a format string: the lookups' names
 * (DKIM, DMARC, policy, reverse) and the PTR heuristics are built once or
 * more per domain, where snprintf's parsing of its format cost more than
 * the copy (issue 10). Nothing here writes a NUL unless it says so. */

/* v in base 10 or 16 (lowercase), at least width digits (zero padded,
 * width <= 20); returns the number of bytes written (at most 20). */
static inline size_t mp_fmt_uint(char *out, uint64_t v, size_t width,
                                 unsigned base)
{
  static const char digit[] = "0123456789abcdef";
  char t[20];
  size_t n = 0;

  do {
    t[n++] = digit[v % base];
    v /= base;
  } while (v);
  while (n < width && n < sizeof(t)) {
    t[n++] = '0';
  }
  for (size_t i = 0; i < n; i++) {
    out[i] = t[n - 1 - i];
  }
  return n;
}

static inline size_t mp_fmt_dec(char *out, uint64_t v, size_t width)
{
  return mp_fmt_uint(out, v, width, 10);
}

static inline size_t mp_fmt_hex(char *out, uint64_t v, size_t width)
{
  return mp_fmt_uint(out, v, width, 16);
}

/* a, b and c joined into out[cap] (cap > 0) and NUL-terminated, cut to
 * cap - 1 bytes as snprintf(out, cap, "%s%s%s", a, b, c) would; returns
 * the length written. */
static inline size_t mp_fmt_join3(char *out, size_t cap, const char *a,
                                  const char *b, const char *c)
{
  const char *part[3] = {a, b, c};
  size_t len = 0;

  for (int k = 0; k < 3; k++) {
    size_t n = strlen(part[k]);

    if (n > cap - 1 - len) {
      n = cap - 1 - len;
    }
    memcpy(out + len, part[k], n);
    len += n;
  }
  out[len] = '\0';
  return len;
}

#endif
