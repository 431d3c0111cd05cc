#ifndef MP_SCANNER_BASE_ASCII_H
#define MP_SCANNER_BASE_ASCII_H

#include <stdbool.h>
#include <stddef.h>

/* ASCII character classes for the record grammars (RFC 5234 ALPHA, DIGIT,
 * HEXDIG): unlike <ctype.h>, independent of the locale and defined for
 * every byte a DNS answer can hold. */

static inline bool mp_is_alpha(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static inline bool mp_is_digit(char c)
{
  return c >= '0' && c <= '9';
}

static inline bool mp_is_alnum(char c)
{
  return mp_is_alpha(c) || mp_is_digit(c);
}

static inline bool mp_is_hex(char c)
{
  return mp_is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* WSP = SP / HTAB (RFC 5234 appendix B.1). */
static inline bool mp_is_wsp(char c)
{
  return c == ' ' || c == '\t';
}

/* The index of the first byte at or after i in s[0..n) that is not WSP. */
static inline size_t mp_skip_wsp(const char *s, size_t i, size_t n)
{
  while (i < n && mp_is_wsp(s[i])) {
    i++;
  }
  return i;
}

static inline char mp_lower(char c)
{
  return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/* s[0..n) equals w exactly (the %s"..." strings of RFC 7405). */
static inline bool mp_eq(const char *s, size_t n, const char *w)
{
  size_t i;

  for (i = 0; i < n && w[i]; i++) {
    if (s[i] != w[i]) {
      return false;
    }
  }
  return i == n && w[i] == '\0';
}

/* s[0..n) equals the lowercase word w, ignoring ASCII case. */
static inline bool mp_ieq(const char *s, size_t n, const char *w)
{
  size_t i;

  for (i = 0; i < n && w[i]; i++) {
    if (mp_lower(s[i]) != w[i]) {
      return false;
    }
  }
  return i == n && w[i] == '\0';
}

#endif
