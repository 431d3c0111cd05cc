#include "scanner/spf/addr.h"

#include <string.h>

#include "scanner/base/ascii.h"

size_t mp_spf_addr_ip4(const char *s, size_t i, size_t e, uint8_t out[4])
{
  for (int k = 0; k < 4; k++) {
    size_t b = i;
    unsigned v = 0;

    if (k > 0) {
      if (i >= e || s[i] != '.') {
        return 0;
      }
      b = ++i;
    }
    while (i < e && mp_is_digit(s[i]) && i - b < 3) {
      v = v * 10 + (unsigned)(s[i++] - '0');
    }
    if (i == b || v > 255 || (s[b] == '0' && i - b > 1)) {
      return 0;
    }
    out[k] = (uint8_t)v;
  }
  return i;
}

static int hex_value(char c)
{
  if (mp_is_digit(c)) {
    return c - '0';
  }
  c = (char)(c | 0x20);
  return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

bool mp_spf_addr_ip6(const char *s, size_t i, size_t e, uint8_t out[16])
{
  uint16_t g[8] = {0};
  int n = 0, gap = -1;

  if (i + 1 < e && s[i] == ':' && s[i + 1] == ':') {
    gap = 0;
    i += 2;
  }
  while (i < e) {
    size_t b = i;
    unsigned v = 0;
    int h;

    while (i < e && i - b < 4 && (h = hex_value(s[i])) >= 0) {
      v = v * 16 + (unsigned)h;
      i++;
    }
    if (i == b) {
      return false;
    }
    if (i < e && s[i] == '.') { /* ls32 as an IPv4 address */
      uint8_t q[4];

      if (n > 6 || mp_spf_addr_ip4(s, b, e, q) != e) {
        return false;
      }
      g[n++] = (uint16_t)(q[0] << 8 | q[1]);
      g[n++] = (uint16_t)(q[2] << 8 | q[3]);
      break;
    }
    g[n++] = (uint16_t)v;
    if (i == e) {
      break;
    }
    if (s[i] != ':' || n == 8 || ++i == e) {
      return false;
    }
    if (s[i] == ':') {
      if (gap >= 0) {
        return false;
      }
      gap = n;
      i++;
    }
  }
  if (gap < 0 ? n != 8 : n > 7) {
    return false;
  }
  memset(out, 0, 16);
  for (int k = 0; k < n; k++) {
    int at = gap < 0 || k < gap ? k : 8 - n + k;

    out[2 * at] = (uint8_t)(g[k] >> 8);
    out[2 * at + 1] = (uint8_t)g[k];
  }
  return true;
}
