#include "scanner/records/dmarc_value.h"

#include <string.h>

#include "scanner/base/ascii.h"

/* The grammar is RFC 9989 section 4.8 (ABNF, RFC 5234: quoted strings are
 * case-insensitive) with the RFC 7489 section 6.4 forms it obsoletes
 * (pct, rf, ri, "!size"). */

bool mp_dmarc_value_policy(const char *s, size_t n, uint8_t *out)
{
  static const char *const words[] = {"none", "quarantine", "reject"};

  for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
    if (mp_ieq(s, n, words[i])) {
      *out = (uint8_t)(MP_DMARC_POLICY_NONE + i);
      return true;
    }
  }
  return false;
}

bool mp_dmarc_value_strict(const char *s, size_t n, bool *strict)
{
  if (!mp_ieq(s, n, "r") && !mp_ieq(s, n, "s")) {
    return false;
  }
  *strict = mp_ieq(s, n, "s");
  return true;
}

bool mp_dmarc_value_psd(const char *s, size_t n, uint8_t *out)
{
  if (!mp_ieq(s, n, "y") && !mp_ieq(s, n, "n") && !mp_ieq(s, n, "u")) {
    return false;
  }
  *out = mp_ieq(s, n, "y")   ? MP_DMARC_PSD_Y
         : mp_ieq(s, n, "n") ? MP_DMARC_PSD_N
                             : MP_DMARC_PSD_U;
  return true;
}

bool mp_dmarc_value_yn(const char *s, size_t n, bool *out)
{
  if (!mp_ieq(s, n, "y") && !mp_ieq(s, n, "n")) {
    return false;
  }
  *out = mp_ieq(s, n, "y");
  return true;
}

bool mp_dmarc_value_uint(const char *s, size_t n, size_t maxdigits,
                         uint64_t max, uint64_t *out)
{
  uint64_t v = 0;

  if (n == 0 || (maxdigits != 0 && n > maxdigits)) {
    return false;
  }
  for (size_t k = 0; k < n; k++) {
    if (!mp_is_digit(s[k])) {
      return false;
    }
    v = v * 10 + (uint64_t)(s[k] - '0');
    if (v > max) {
      return false;
    }
  }
  *out = v;
  return true;
}

/* RFC 7489 6.4 allows WSP around ":"; RFC 9989's dmarc-fo adds that 0
 * and 1 exclude each other and d, s appear once: that is *conflict, the
 * value still counts. */
bool mp_dmarc_value_fo(const char *s, size_t n, uint8_t *bits, bool *conflict)
{
  size_t i = 0;
  uint8_t b = 0;

  *conflict = false;
  for (;;) {
    uint8_t one;

    if (i >= n) {
      return false;
    }
    switch (mp_lower(s[i])) {
    case '0':
      one = MP_DMARC_FO_0;
      break;
    case '1':
      one = MP_DMARC_FO_1;
      break;
    case 'd':
      one = MP_DMARC_FO_D;
      break;
    case 's':
      one = MP_DMARC_FO_S;
      break;
    default:
      return false;
    }
    if (b & one) {
      *conflict = true;
    }
    b |= one;
    i = mp_skip_wsp(s, i + 1, n);
    if (i == n) {
      break;
    }
    if (s[i] != ':') {
      return false;
    }
    i = mp_skip_wsp(s, i + 1, n);
  }
  if ((b & MP_DMARC_FO_0) && (b & MP_DMARC_FO_1)) {
    *conflict = true;
  }
  *bits = b;
  return true;
}

bool mp_dmarc_value_rf(const char *s, size_t n, bool *afrf)
{
  size_t i = 0;

  *afrf = false;
  for (;;) {
    size_t k = i;

    while (k < n && (mp_is_alpha(s[k]) || mp_is_digit(s[k]) || s[k] == '-')) {
      k++;
    }
    if (k == i || s[i] == '-' || s[k - 1] == '-') {
      return false;
    }
    if (mp_ieq(s + i, k - i, "afrf")) {
      *afrf = true;
    }
    i = mp_skip_wsp(s, k, n);
    if (i == n) {
      return true;
    }
    if (s[i] != ':') {
      return false;
    }
    i = mp_skip_wsp(s, i + 1, n);
  }
}

/* A URI character that may stand in a DMARC URI as it is (RFC 3986 2.2,
 * 2.3), less "," and "!" which RFC 9989 4.8 says MUST be encoded and ";"
 * which ends the tag. "%" is checked by the caller. */
static bool is_uri_char(char c)
{
  return mp_is_alpha(c) || mp_is_digit(c) ||
         (c != '\0' && strchr("-._~:/?#[]@$&'()*+=", c) != NULL);
}

/* "!" 1*DIGIT [ "k" / "m" / "g" / "t" ] after the URI (RFC 7489 6.4). */
static bool parse_size(const char *s, size_t n, uint64_t *size)
{
  static const char units[] = "kmgt"; /* 2^10 .. 2^40 (RFC 7489 6.2) */
  unsigned shift = 0;
  uint64_t v = 0;
  size_t k = 0;

  if (n > 0 && !mp_is_digit(s[n - 1])) {
    const char *u = s[n - 1] == '\0' ? NULL : strchr(units, mp_lower(s[n - 1]));

    if (u == NULL) {
      return false;
    }
    shift = 10u * (unsigned)(u - units + 1);
    n--;
  }
  if (n == 0) {
    return false;
  }
  for (; k < n; k++) {
    if (!mp_is_digit(s[k])) {
      return false;
    }
    if (v > (UINT64_MAX - 9) / 10) {
      v = UINT64_MAX;
    } else {
      v = v * 10 + (uint64_t)(s[k] - '0');
    }
  }
  if (v != UINT64_MAX) {
    v = (v > (UINT64_MAX >> shift)) ? UINT64_MAX : v << shift;
  }
  *size = v;
  return true;
}

/* mailto: local "@" domain [ "?" hfields ] (RFC 6068): exactly one "@"
 * before "?", with something on both sides. */
static bool parse_mailto(const char *s, size_t a, size_t b,
                         struct mp_dmarc_uri *u)
{
  size_t q = a, at = b;

  while (q < b && s[q] != '?') {
    if (s[q] == '@') {
      if (at != b) {
        return false;
      }
      at = q;
    }
    q++;
  }
  if (at == b || at == a || at + 1 == q) {
    return false;
  }
  u->dom_off = (uint16_t)(at + 1);
  u->dom_len = (uint16_t)(q - at - 1);
  return true;
}

void mp_dmarc_value_uri(const char *s, size_t a, size_t b,
                        struct mp_dmarc_uri *u)
{
  const char *bang = memchr(s + a, '!', b - a);
  size_t end = bang ? (size_t)(bang - s) : b;
  size_t k = a;
  bool ok = true;

  memset(u, 0, sizeof(*u));
  u->off = (uint16_t)a;
  u->len = (uint16_t)(end - a);
  if (bang) {
    u->has_size = true;
    ok = parse_size(s + end + 1, b - end - 1, &u->size);
  }
  /* scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":" */
  if (k >= end || !mp_is_alpha(s[k])) {
    return;
  }
  while (k < end && (mp_is_alpha(s[k]) || mp_is_digit(s[k]) || s[k] == '+' ||
                     s[k] == '-' || s[k] == '.')) {
    k++;
  }
  if (k >= end || s[k] != ':' || k + 1 == end) {
    return;
  }
  u->mailto = mp_ieq(s + a, k - a, "mailto");
  for (size_t i = k + 1; i < end; i++) {
    if (s[i] == '%') {
      if (i + 2 >= end || !mp_is_hex(s[i + 1]) || !mp_is_hex(s[i + 2])) {
        ok = false;
        break;
      }
      i += 2;
    } else if (!is_uri_char(s[i])) {
      ok = false;
    }
  }
  if (u->mailto && !parse_mailto(s, k + 1, end, u)) {
    ok = false;
  }
  u->valid = ok;
}
