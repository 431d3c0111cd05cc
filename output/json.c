#include "output/json.h"

#include <math.h> /* isfinite: a macro, no libm */
#include <string.h>

/* UTF-8 in JSON text: RFC 8259 section 8.1 requires it, and sections 7 and
 * 2 give the escapes. Well-formedness follows Unicode Table 3-7, which
 * excludes overlongs, surrogates (U+D800..U+DFFF) and values past
 * U+10FFFF. */
size_t mp_json_utf8_len(const uint8_t *s, size_t n)
{
  uint8_t c, lo = 0x80, hi = 0xbf;
  size_t need;

  if (n == 0) {
    return 0;
  }
  c = s[0];
  if (c < 0x80) {
    return 1;
  }
  if (c >= 0xc2 && c <= 0xdf) {
    need = 2;
  } else if (c >= 0xe0 && c <= 0xef) {
    need = 3;
    lo = c == 0xe0 ? 0xa0 : 0x80; /* E0 80..9F: overlong */
    hi = c == 0xed ? 0x9f : 0xbf; /* ED A0..BF: surrogates */
  } else if (c >= 0xf0 && c <= 0xf4) {
    need = 4;
    lo = c == 0xf0 ? 0x90 : 0x80; /* F0 80..8F: overlong */
    hi = c == 0xf4 ? 0x8f : 0xbf; /* F4 90..: above U+10FFFF */
  } else {
    return 0; /* continuation byte, C0, C1, F5..FF */
  }
  if (n < need || s[1] < lo || s[1] > hi) {
    return 0;
  }
  for (size_t i = 2; i < need; i++) {
    if ((s[i] & 0xc0) != 0x80) {
      return 0;
    }
  }
  return need;
}

/* Bytes copied as they are: printable ASCII but the two that need a
 * backslash. */
static int plain(uint8_t c)
{
  return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
}

static void escape_byte(struct mp_rowbuf *o, uint8_t c)
{
  static const char hex[] = "0123456789abcdef";
  char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};

  switch (c) {
  case '"':
  case '\\':
    e[1] = (char)c;
    break;
  case '\b':
    e[1] = 'b';
    break;
  case '\f':
    e[1] = 'f';
    break;
  case '\n':
    e[1] = 'n';
    break;
  case '\r':
    e[1] = 'r';
    break;
  case '\t':
    e[1] = 't';
    break;
  default:
    mp_rowbuf_put(o, e, sizeof(e));
    return;
  }
  mp_rowbuf_put(o, e, 2);
}

void mp_json_out_string(struct mp_rowbuf *o, const char *s, size_t len)
{
  const uint8_t *p = (const uint8_t *)s, *end = p + len, *run = p;

  mp_rowbuf_byte(o, '"');
  while (p < end) {
    size_t n = 1;

    if (plain(*p)) {
      p++;
      continue;
    }
    if (*p >= 0x80) {
      n = mp_json_utf8_len(p, (size_t)(end - p));
      /* U+2028/U+2029 (E2 80 A8/A9) are valid JSON but end a line in
       * JavaScript before ES2019; escape them for naive consumers. */
      if (n > 0 && !(n == 3 && p[0] == 0xe2 && p[1] == 0x80 &&
                     (p[2] == 0xa8 || p[2] == 0xa9))) {
        p += n;
        continue;
      }
    }
    if (p > run) {
      mp_rowbuf_put(o, run, (size_t)(p - run));
    }
    if (*p < 0x80) {
      escape_byte(o, *p);
    } else if (n == 3) {
      mp_rowbuf_put(o, p[2] == 0xa8 ? "\\u2028" : "\\u2029", 6);
    } else {
      mp_rowbuf_put(o, "\xef\xbf\xbd", 3); /* U+FFFD for this one byte */
    }
    p += n ? n : 1;
    run = p;
  }
  if (p > run) {
    mp_rowbuf_put(o, run, (size_t)(p - run));
  }
  mp_rowbuf_byte(o, '"');
}

void mp_json_string(FILE *f, const char *s, size_t len)
{
  struct mp_rowbuf o = {.f = f};

  flockfile(f);
  mp_json_out_string(&o, s, len);
  funlockfile(f);
}

void mp_json_cstr(FILE *f, const char *s)
{
  if (!s) {
    fwrite("null", 1, 4, f);
    return;
  }
  mp_json_string(f, s, strlen(s));
}

size_t mp_json_format_uint(char *buf, uint64_t v)
{
  char tmp[24];
  size_t n = 0;

  do {
    tmp[n++] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  for (size_t i = 0; i < n; i++) {
    buf[i] = tmp[n - 1 - i];
  }
  buf[n] = '\0';
  return n;
}

size_t mp_json_format_int(char *buf, int64_t v)
{
  if (v < 0) {
    buf[0] = '-';
    /* 0 - (uint64_t)v is exact also for INT64_MIN. */
    return 1 + mp_json_format_uint(buf + 1, 0 - (uint64_t)v);
  }
  return mp_json_format_uint(buf, (uint64_t)v);
}

size_t mp_json_format_number(char *buf, double v)
{
  int64_t m;
  size_t n = 0;
  uint64_t u;

  if (!isfinite(v)) {
    buf[0] = '\0';
    return 0;
  }
  /* Too big for the integer path below; printf is fine here since the
   * program never calls setlocale() (a "," decimal point would break JSON). */
  if (v >= 1e15 || v <= -1e15) {
    int k = snprintf(buf, MP_JSON_FMT_MAX, "%.3f", v);

    return k > 0 && k < MP_JSON_FMT_MAX ? (size_t)k : 0;
  }
  /* Integer thousandths: exact below 1e18, and no printf on the hot path. */
  m = (int64_t)(v * 1000.0 + (v < 0 ? -0.5 : 0.5));
  u = m < 0 ? 0 - (uint64_t)m : (uint64_t)m;
  if (m < 0) {
    buf[n++] = '-'; /* "-0.000" cannot happen: m is 0 then */
  }
  n += mp_json_format_uint(buf + n, u / 1000);
  buf[n++] = '.';
  buf[n++] = (char)('0' + u / 100 % 10);
  buf[n++] = (char)('0' + u / 10 % 10);
  buf[n++] = (char)('0' + u % 10);
  buf[n] = '\0';
  return n;
}

/* Days since 1970-01-01 to a civil date (proleptic Gregorian); H. Hinnant's
 * days_from_civil inverse, valid for any int64 day count we pass. */
static void civil(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
  int64_t era;
  unsigned doe, yoe, doy, mp;

  z += 719468;
  era = (z >= 0 ? z : z - 146096) / 146097;
  doe = (unsigned)(z - era * 146097);
  yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static int64_t floor_div(int64_t a, int64_t b)
{
  return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

static char *digits(char *p, unsigned v, int width)
{
  for (int i = width - 1; i >= 0; i--) {
    p[i] = (char)('0' + v % 10);
    v /= 10;
  }
  return p + width;
}

size_t mp_json_format_time(char *buf, int64_t us)
{
  /* 0000-01-01T00:00:00Z and 9999-12-31T23:59:59.999999Z */
  const int64_t lo = -62167219200000000, hi = 253402300799999999;
  int64_t ms, secs, days, y;
  unsigned mo, d, sod;
  char *p = buf;

  us = us < lo ? lo : us > hi ? hi : us;
  ms = floor_div(us, 1000);
  secs = floor_div(ms, 1000);
  days = floor_div(secs, 86400);
  sod = (unsigned)(secs - days * 86400);
  civil(days, &y, &mo, &d);
  p = digits(p, (unsigned)y, 4);
  *p++ = '-';
  p = digits(p, mo, 2);
  *p++ = '-';
  p = digits(p, d, 2);
  *p++ = 'T';
  p = digits(p, sod / 3600, 2);
  *p++ = ':';
  p = digits(p, sod / 60 % 60, 2);
  *p++ = ':';
  p = digits(p, sod % 60, 2);
  *p++ = '.';
  p = digits(p, (unsigned)(ms - secs * 1000), 3);
  *p++ = 'Z';
  *p = '\0';
  return (size_t)(p - buf);
}

void mp_json_int(FILE *f, int64_t v)
{
  char buf[MP_JSON_FMT_MAX];

  fwrite(buf, 1, mp_json_format_int(buf, v), f);
}

void mp_json_uint(FILE *f, uint64_t v)
{
  char buf[MP_JSON_FMT_MAX];

  fwrite(buf, 1, mp_json_format_uint(buf, v), f);
}

void mp_json_number(FILE *f, double v)
{
  char buf[MP_JSON_FMT_MAX];
  size_t n = mp_json_format_number(buf, v);

  if (n == 0) {
    fwrite("null", 1, 4, f);
    return;
  }
  fwrite(buf, 1, n, f);
}

void mp_json_time(FILE *f, int64_t us)
{
  char buf[MP_JSON_FMT_MAX + 2];
  size_t n;

  buf[0] = '"';
  n = mp_json_format_time(buf + 1, us);
  buf[n + 1] = '"';
  fwrite(buf, 1, n + 2, f);
}
