#include "input/name.h"

#include <errno.h>
#include <idn2.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "scanner/base/alloc.h"
#include "scanner/base/ascii.h"

#define LABEL_MAX 63 /* RFC 1035 section 2.3.4 */

/* Names up to this many bytes are copied to the stack for libidn2. */
#define IDN_STACK 1024

static bool is_blank(char c)
{
  return c == ' ' || c == '\t';
}

/* Letters, digits and hyphen (RFC 1035 section 2.3.1), plus underscore,
 * which DNS allows and SPF/DMARC/DKIM names use (_dmarc, _domainkey). */
static bool is_name_char(char c)
{
  c = mp_lower(c);
  return (c >= 'a' && c <= 'z') || mp_is_digit(c) || c == '-' || c == '_';
}

static int fail(char *out, enum mp_name_error *why, enum mp_name_error code)
{
  out[0] = '\0';
  if (why) {
    *why = code;
  }
  return -EINVAL;
}

/* Validates s[0..n), ASCII case-insensitively, without a trailing dot.
 * Returns ABSENT or the reason; when several apply, the first in this
 * order wins: bad_char, empty_label, label_too_long, label_hyphen,
 * name_too_long, numeric_tld. */
static enum mp_name_error check(const char *s, size_t n)
{
  bool empty_label = false, long_label = false, hyphen = false;
  bool numeric = true;
  size_t start = 0;

  for (size_t i = 0; i <= n; i++) {
    if (i < n && s[i] != '.') {
      if (!is_name_char(s[i])) {
        return MP_NAME_ERROR_BAD_CHAR;
      }
      continue;
    }
    if (i == start) {
      empty_label = true;
    } else {
      long_label |= i - start > LABEL_MAX;
      hyphen |= s[start] == '-' || s[i - 1] == '-';
    }
    if (i < n) {
      start = i + 1;
    }
  }
  for (size_t i = start; i < n; i++) {
    numeric &= mp_is_digit(s[i]);
  }
  if (empty_label) {
    return MP_NAME_ERROR_EMPTY_LABEL;
  }
  if (long_label) {
    return MP_NAME_ERROR_LABEL_TOO_LONG;
  }
  if (hyphen) {
    return MP_NAME_ERROR_LABEL_HYPHEN;
  }
  if (n > MP_NAME_MAX) {
    return MP_NAME_ERROR_NAME_TOO_LONG;
  }
  /* An all-numeric TLD would make 1.2.3.4 a name (RFC 3696 section 2). */
  return numeric ? MP_NAME_ERROR_NUMERIC_TLD : MP_NAME_ERROR_ABSENT;
}

/* Validates a name whose trailing dot is already stripped and copies it,
 * lowercased, into out. */
static int finish(const char *s, size_t n, char *out, enum mp_name_error *why)
{
  enum mp_name_error code = check(s, n);

  if (code != MP_NAME_ERROR_ABSENT) {
    return fail(out, why, code);
  }
  for (size_t i = 0; i < n; i++) {
    out[i] = mp_lower(s[i]);
  }
  out[n] = '\0';
  if (why) {
    *why = MP_NAME_ERROR_ABSENT;
  }
  return (int)n;
}

/* Strict UTF-8 (RFC 3629): no overlong forms, surrogates or values past
 * U+10FFFF. */
static bool utf8_valid(const unsigned char *s, size_t n)
{
  size_t i = 0;

  while (i < n) {
    unsigned char c = s[i];
    size_t more;
    uint32_t cp;

    if (c < 0x80) {
      i++;
      continue;
    }
    if (c >= 0xC2 && c <= 0xDF) {
      more = 1;
      cp = c & 0x1Fu;
    } else if (c >= 0xE0 && c <= 0xEF) {
      more = 2;
      cp = c & 0x0Fu;
    } else if (c >= 0xF0 && c <= 0xF4) {
      more = 3;
      cp = c & 0x07u;
    } else {
      return false;
    }
    if (n - i <= more) {
      return false;
    }
    for (size_t k = 1; k <= more; k++) {
      if ((s[i + k] & 0xC0) != 0x80) {
        return false;
      }
      cp = (cp << 6) | (s[i + k] & 0x3Fu);
    }
    if ((more == 2 && cp < 0x800) || (more == 3 && cp < 0x10000) ||
        (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
      return false;
    }
    i += more + 1;
  }
  return true;
}

/* libidn2 errors that have a more precise reason code of our own. */
static enum mp_name_error idn2_reason(int rc)
{
  switch (rc) {
  case IDN2_TOO_BIG_DOMAIN:
    return MP_NAME_ERROR_NAME_TOO_LONG;
  case IDN2_TOO_BIG_LABEL:
  case IDN2_PUNYCODE_BIG_OUTPUT: /* the A-label would exceed 63 octets */
    return MP_NAME_ERROR_LABEL_TOO_LONG;
  case IDN2_HYPHEN_STARTEND:
    return MP_NAME_ERROR_LABEL_HYPHEN;
  default:
    return MP_NAME_ERROR_IDNA;
  }
}

/* The path for names with non-ASCII bytes: U-labels to A-labels with
 * UTS #46 non-transitional processing (ß stays ß, as in browsers), then
 * the same validation as ASCII names. */
static int normalize_idn(const char *s, size_t n, bool dot_stripped, char *out,
                         enum mp_name_error *why)
{
  char stack[IDN_STACK];
  char *copy = stack, *ascii = NULL;
  size_t alen;
  int rc;

  for (size_t i = 0; i < n; i++) {
    /* ASCII bytes keep the ASCII rules (also NUL, which libidn2 would
     * take for the end of the string). */
    if ((unsigned char)s[i] < 0x80 && s[i] != '.' && !is_name_char(s[i])) {
      return fail(out, why, MP_NAME_ERROR_BAD_CHAR);
    }
  }
  if (!utf8_valid((const unsigned char *)s, n)) {
    return fail(out, why, MP_NAME_ERROR_IDNA);
  }
  if (n < sizeof(stack)) {
    memcpy(stack, s, n);
    stack[n] = '\0';
  } else {
    copy = mp_strndup(s, n);
  }
  rc = idn2_to_ascii_8z(copy, &ascii, IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT);
  if (copy != stack) {
    mp_free(copy);
  }
  if (rc != IDN2_OK) {
    return fail(out, why, idn2_reason(rc));
  }
  alen = strlen(ascii);
  if (alen == 0) {
    /* Everything mapped to nothing (e.g. only soft hyphens). */
    rc = fail(out, why, MP_NAME_ERROR_EMPTY);
  } else {
    /* A full-width or ideographic full stop at the end maps to '.'. */
    if (!dot_stripped && ascii[alen - 1] == '.') {
      alen--;
    }
    rc = finish(ascii, alen, out, why);
  }
  idn2_free(ascii);
  return rc;
}

int mp_name_normalize(const char *in, size_t len, char out[MP_NAME_MAX + 1],
                      enum mp_name_error *why)
{
  bool dot_stripped = false, ascii = true;

  while (len > 0 && is_blank(in[0])) {
    in++;
    len--;
  }
  while (len > 0 && is_blank(in[len - 1])) {
    len--;
  }
  if (len == 0) {
    return fail(out, why, MP_NAME_ERROR_EMPTY);
  }
  if (in[len - 1] == '.') {
    len--;
    dot_stripped = true;
  }
  for (size_t i = 0; i < len && ascii; i++) {
    ascii = (unsigned char)in[i] < 0x80;
  }
  if (!ascii) {
    return normalize_idn(in, len, dot_stripped, out, why);
  }
  return finish(in, len, out, why);
}
