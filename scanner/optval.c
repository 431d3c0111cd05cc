#include "scanner/optval.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/base/ascii.h"

int mp_optval_uint(const char *s, unsigned long lo, unsigned long hi,
                   unsigned long *out)
{
  char *end;
  unsigned long v;

  if (!*s || *s == '-' || *s == '+') {
    return -EINVAL;
  }
  errno = 0;
  v = strtoul(s, &end, 10);
  if (errno || *end || v < lo || v > hi) {
    return -EINVAL;
  }
  *out = v;
  return 0;
}

int mp_optval_duration_ms(const char *s, unsigned *out)
{
  char *end;
  double v;

  errno = 0;
  v = strtod(s, &end);
  if (errno || end == s || v <= 0) {
    return -EINVAL;
  }
  if (strcmp(end, "s") == 0) {
    v *= 1000.0;
  } else if (*end && strcmp(end, "ms") != 0) {
    return -EINVAL;
  }
  if (v < 1.0 || v > 600000.0) {
    return -EINVAL;
  }
  *out = (unsigned)v;
  return 0;
}

/* atext of RFC 5322 section 3.2.3, which RFC 5321's Atom is made of. */
static bool is_atext(char ch)
{
  return mp_is_alnum(ch) || (ch && strchr("!#$%&'*+-/=?^_`{|}~", ch));
}

bool mp_optval_local_part(const char *s)
{
  size_t n = strlen(s), i;

  if (n == 0 || n > 64) {
    return false;
  }
  if (s[0] == '"') { /* DQUOTE *QcontentSMTP DQUOTE */
    for (i = 1; i < n - 1; i++) {
      if (s[i] == '\\') { /* quoted-pairSMTP: %d92 %d32-126 */
        i++;
        if (i >= n - 1 || s[i] < 32 || s[i] > 126) {
          return false;
        }
      } else if (s[i] < 32 || s[i] > 126 || s[i] == '"') {
        return false; /* qtextSMTP: %d32-33 / %d35-91 / %d93-126 */
      }
    }
    return n >= 2 && i == n - 1 && s[n - 1] == '"';
  }
  for (i = 0; i < n; i++) { /* Atom *("." Atom) */
    if (s[i] == '.' ? i == 0 || i == n - 1 || s[i - 1] == '.'
                    : !is_atext(s[i])) {
      return false;
    }
  }
  return true;
}

bool mp_optval_helo(const char *s)
{
  size_t n = strlen(s), label = 0;
  uint8_t addr[16];
  char lit[64];

  if (n >= 2 && s[0] == '[' && s[n - 1] == ']') {
    if (n - 2 >= sizeof(lit)) {
      return false;
    }
    memcpy(lit, s + 1, n - 2);
    lit[n - 2] = '\0';
    return strncmp(lit, "IPv6:", 5) == 0
               ? inet_pton(AF_INET6, lit + 5, addr) == 1
               : inet_pton(AF_INET, lit, addr) == 1;
  }
  if (n == 0 || n > 253) {
    return false;
  }
  for (size_t i = 0; i <= n; i++) {
    if (i == n || s[i] == '.') {
      if (label == 0 || label > 63 || s[i - 1] == '-') {
        return false;
      }
      label = 0;
    } else if (!mp_is_alnum(s[i]) && (s[i] != '-' || label == 0)) {
      return false;
    } else {
      label++;
    }
  }
  return true;
}
