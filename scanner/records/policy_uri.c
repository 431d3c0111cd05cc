#include "scanner/records/policy_uri.h"

#include <string.h>

#include "scanner/base/ascii.h"

/* RFC 3986 section 2: unreserved, reserved, and the "%" of pct-encoded.
 * "," is left out: both RFC 8460 and the BIMI draft make it separate
 * URIs, so inside one it MUST be encoded. */
static bool uri_byte(char c)
{
  return mp_is_alnum(c) || (c != '\0' && strchr("-._~:/?#[]@!$&'()*+;=%", c));
}

/* A domain name: LDH labels of 1-63, at least two, the last not all
 * digits (so not an IPv4 address), an optional trailing dot. */
static bool fqdn(const char *p, size_t n)
{
  size_t labels = 0, i = 0;

  if (n > 0 && p[n - 1] == '.') {
    n--;
  }
  while (i < n) {
    size_t b = i;
    bool alpha = false;

    while (i < n && p[i] != '.') {
      if (!mp_is_alnum(p[i]) && p[i] != '-') {
        return false;
      }
      alpha = alpha || !mp_is_digit(p[i]);
      i++;
    }
    if (i - b == 0 || i - b > 63 || p[b] == '-' || p[i - 1] == '-') {
      return false;
    }
    labels++;
    if (i == n) {
      return labels >= 2 && alpha;
    }
    i++; /* the dot; a trailing one was cut above */
    if (i == n) {
      return false;
    }
  }
  return false;
}

/* "//" authority path-abempty of an https URI (RFC 9110 4.2.2: the host
 * is required). p starts after "https:". */
static bool https_ok(const char *p, size_t n, unsigned flags)
{
  size_t i = 2, a, h, he;

  if (n < 3 || p[0] != '/' || p[1] != '/') {
    return false;
  }
  while (i < n && p[i] != '/' && p[i] != '?' && p[i] != '#') {
    i++;
  }
  h = 2;
  for (a = 2; a < i; a++) { /* userinfo "@" */
    if (p[a] == '@') {
      h = a + 1;
    }
  }
  if (h < i && p[h] == '[') { /* IP-literal */
    he = h + 1;
    while (he < i && (mp_is_hex(p[he]) || p[he] == ':' || p[he] == '.')) {
      he++;
    }
    if (he == h + 1 || he >= i || p[he] != ']' ||
        (flags & MP_POLICY_URI_FQDN)) {
      return false;
    }
    he++;
  } else {
    he = h;
    while (he < i && p[he] != ':' && p[he] != '[' && p[he] != ']') {
      he++;
    }
    if (he == h || ((flags & MP_POLICY_URI_FQDN) && !fqdn(p + h, he - h))) {
      return false;
    }
  }
  if (he < i && p[he] == ':') { /* port */
    while (++he < i && mp_is_digit(p[he])) {
    }
  }
  if (he != i) {
    return false;
  }
  for (; i < n; i++) { /* brackets belong to the host only */
    if (p[i] == '[' || p[i] == ']') {
      return false;
    }
  }
  return true;
}

/* RFC 6068 section 2: an addr-spec before any "?": one "@" with a local
 * part before it and a domain after it. p starts after "mailto:". */
static bool mailto_ok(const char *p, size_t n)
{
  size_t end = 0, at = n, ats = 0;

  while (end < n && p[end] != '?' && p[end] != '#') {
    if (p[end] == '@') {
      at = end;
      ats++;
    }
    if (p[end] == '[' || p[end] == ']') {
      return false;
    }
    end++;
  }
  if (ats != 1 || at == 0 || at + 1 == end) {
    return false;
  }
  for (size_t i = at + 1; i < end; i++) {
    if (!mp_is_alnum(p[i]) && p[i] != '-' && p[i] != '.') {
      return false;
    }
  }
  return p[at + 1] != '.' && p[at + 1] != '-';
}

enum mp_policy_uri mp_policy_uri_check(const char *p, size_t n, unsigned flags)
{
  size_t i = 0, hashes = 0;

  if (n == 0 || !mp_is_alpha(p[0])) {
    return MP_POLICY_URI_BAD;
  }
  while (i < n &&
         (mp_is_alnum(p[i]) || p[i] == '+' || p[i] == '-' || p[i] == '.')) {
    i++;
  }
  if (i == n || p[i] != ':') {
    return MP_POLICY_URI_BAD;
  }
  for (size_t j = i + 1; j < n; j++) {
    if (!uri_byte(p[j]) ||
        ((flags & MP_POLICY_URI_NO_BANG) && (p[j] == '!' || p[j] == ';')) ||
        (p[j] == '%' &&
         (n - j < 3 || !mp_is_hex(p[j + 1]) || !mp_is_hex(p[j + 2]))) ||
        (p[j] == '#' && ++hashes > 1)) {
      return MP_POLICY_URI_BAD;
    }
  }
  if (mp_ieq(p, i, "https")) {
    return https_ok(p + i + 1, n - i - 1, flags) ? MP_POLICY_URI_HTTPS
                                                 : MP_POLICY_URI_BAD;
  }
  if (mp_ieq(p, i, "mailto")) {
    return mailto_ok(p + i + 1, n - i - 1) ? MP_POLICY_URI_MAILTO
                                           : MP_POLICY_URI_BAD;
  }
  return MP_POLICY_URI_OTHER;
}
