#include "scanner/spf/macro.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "scanner/base/ascii.h"

/* RFC 7208 section 7.1:
 *   macro-string = *( macro-expand / macro-literal )
 *   macro-expand = ( "%{" macro-letter transformers *delimiter "}" )
 *                  / "%%" / "%_" / "%-"
 *   macro-literal = %x21-24 / %x26-7E
 *   transformers = *DIGIT [ "r" ]
 *   delimiter = "." / "-" / "+" / "," / "/" / "_" / "="
 * ABNF literals are case-insensitive, so "R" reverses too. Section 6.2:
 *   explanation-string = *( macro-string / SP ) */

#define KEEP_MAX 1000u /* more parts than any value has */

/* Hex digits of the %{i} nibbles of an IPv6 address. Section 7.4 prints
 * them in lower case, but nothing in section 7.3 says which case, and DNS
 * ignores it; the conformance suite (v-macro-ip6, an explanation) wants
 * upper case, as pyspf writes them. */
static const char nibble_hex[] = "0123456789ABCDEF";
static const char escape_hex[] = "0123456789ABCDEF"; /* RFC 3986 2.1 */

static const char delim_chars[] = ".-+,/_=";

/* One parsed macro-expand. letter is lower case, or '%', '_', '-' for
 * the three escapes. delims is a bit set over delim_chars; 0 means ".". */
struct macro {
  char letter;
  bool upper;
  bool reverse;
  unsigned keep; /* rightmost parts to keep; 0: all */
  unsigned delims;
};

static bool is_literal(char c, bool exp)
{
  unsigned char u = (unsigned char)c;

  return (u >= 0x21 && u <= 0x7E && u != '%') || (exp && u == ' ');
}

static bool is_letter(char c, bool exp)
{
  if (!mp_is_alpha(c)) {
    return false;
  }
  switch (c | 0x20) {
  case 's':
  case 'l':
  case 'o':
  case 'd':
  case 'i':
  case 'p':
  case 'h':
  case 'v':
    return true;
  case 'c': /* section 7.1: c, r and t only in explanation text */
  case 'r':
  case 't':
    return exp;
  default:
    return false;
  }
}

/* Bit of c in delim_chars, or 0. */
static unsigned delim_bit(char c)
{
  const char *p;

  if (c == '\0' || !(p = strchr(delim_chars, c))) {
    return 0;
  }
  return 1u << (p - delim_chars);
}

/* Parses the macro-expand at s[i] == '%'. Returns the index just after
 * it, or 0 with *bad at the first byte that breaks the grammar (len when
 * the string ends inside it). 0 is never a valid end, since an expand is
 * at least two bytes. */
static size_t parse_macro(const char *s, size_t len, size_t i, bool exp,
                          struct macro *m, size_t *bad)
{
  size_t j = i + 1;

  *m = (struct macro){0};
  if (j >= len) {
    *bad = len;
    return 0;
  }
  if (s[j] == '%' || s[j] == '_' || s[j] == '-') {
    m->letter = s[j];
    return j + 1;
  }
  if (s[j] != '{') {
    *bad = j; /* section 7.1: "%" not followed by "{", "%", "-", "_" */
    return 0;
  }
  j++;
  if (j >= len || !is_letter(s[j], exp)) {
    *bad = j;
    return 0;
  }
  m->letter = (char)(s[j] | 0x20);
  m->upper = s[j] != m->letter;
  j++;
  if (j < len && mp_is_digit(s[j])) {
    size_t first = j;

    while (j < len && mp_is_digit(s[j])) {
      if (m->keep < KEEP_MAX) {
        m->keep = m->keep * 10 + (unsigned)(s[j] - '0');
      }
      j++;
    }
    if (m->keep == 0) { /* section 7.3: the number MUST be nonzero */
      *bad = first;
      return 0;
    }
  }
  if (j < len && (s[j] == 'r' || s[j] == 'R')) {
    m->reverse = true;
    j++;
  }
  while (j < len && delim_bit(s[j])) {
    m->delims |= delim_bit(s[j]);
    j++;
  }
  if (j >= len || s[j] != '}') {
    *bad = j;
    return 0;
  }
  return j + 1;
}

int mp_spf_macro_check(const char *s, size_t len, bool exp, size_t *offset)
{
  struct macro m;
  size_t i = 0, bad = 0;

  while (i < len) {
    if (s[i] == '%') {
      if (!(i = parse_macro(s, len, i, exp, &m, &bad))) {
        goto fail;
      }
    } else if (is_literal(s[i], exp)) {
      i++;
    } else {
      bad = i;
      goto fail;
    }
  }
  return 0;

fail:
  if (offset) {
    *offset = bad;
  }
  return -EINVAL;
}

bool mp_spf_macro_uses(const char *s, size_t len, char letter)
{
  char want = (char)(letter | 0x20);

  for (size_t i = 0; i + 1 < len; i++) {
    if (s[i] != '%') {
      continue;
    }
    if (s[i + 1] == '{' && i + 2 < len && mp_is_alpha(s[i + 2]) &&
        (char)(s[i + 2] | 0x20) == want) {
      return true;
    }
    i++; /* skip the byte after '%': "%%{d}" is a literal "{d}" */
  }
  return false;
}

/* The output buffer: writes while there is room (keeping one byte for
 * the NUL), counts everything. */
struct out {
  char *p;
  size_t n, cap;
};

static void put(struct out *o, char c)
{
  if (o->n + 1 < o->cap) {
    o->p[o->n] = c;
  }
  o->n++;
}

static void put_str(struct out *o, const char *s)
{
  while (*s) {
    put(o, *s++);
  }
}

/* RFC 3986 section 2.3: unreserved = ALPHA / DIGIT / "-" / "." / "_" /
 * "~"; everything else is percent-encoded (section 7.3). */
static void put_value_char(struct out *o, char c, bool escape)
{
  unsigned char u = (unsigned char)c;

  if (!escape || mp_is_alpha(c) || mp_is_digit(c) || c == '-' || c == '.' ||
      c == '_' || c == '~') {
    put(o, c);
    return;
  }
  put(o, '%');
  put(o, escape_hex[u >> 4]);
  put(o, escape_hex[u & 15]);
}

static bool is_delim(char c, unsigned delims)
{
  return (delim_bit(c) & delims) != 0;
}

static void put_part(struct out *o, const char *v, size_t b, size_t e,
                     bool escape)
{
  for (size_t i = b; i < e; i++) {
    put_value_char(o, v[i], escape);
  }
}

/* Section 7.3: split on the delimiters, reverse if asked, keep the
 * rightmost m->keep parts, join with ".". Works on the value in place:
 * without r the kept parts are the last ones in order; with r they are
 * the first ones, written from the last to the first. */
static void put_transformed(struct out *o, const char *v, size_t vlen,
                            const struct macro *m)
{
  unsigned delims = m->delims ? m->delims : delim_bit('.');
  size_t parts = 1, keep, i, b, e;

  for (i = 0; i < vlen; i++) {
    parts += is_delim(v[i], delims);
  }
  keep = m->keep == 0 || m->keep > parts ? parts : m->keep;
  if (!m->reverse) {
    size_t skip = parts - keep;

    for (i = 0; skip > 0; i++) {
      skip -= is_delim(v[i], delims);
    }
    for (; i < vlen; i++) {
      put_value_char(o, is_delim(v[i], delims) ? '.' : v[i], m->upper);
    }
    return;
  }
  for (e = 0, i = 0; e < vlen; e++) {
    if (is_delim(v[e], delims) && ++i == keep) {
      break;
    }
  }
  for (;;) {
    for (b = e; b > 0 && !is_delim(v[b - 1], delims); b--) {
    }
    put_part(o, v, b, e, m->upper);
    if (b == 0) {
      break;
    }
    put(o, '.');
    e = b - 1;
  }
}

/* The value of letter, in buf when it has to be formatted. */
static const char *letter_value(const struct mp_spf_macro_ctx *ctx, char letter,
                                char *buf, size_t bufcap)
{
  bool v4 = ctx->ip && ctx->family == AF_INET;
  bool v6 = ctx->ip && ctx->family == AF_INET6;
  const char *v = NULL;

  switch (letter) {
  case 's':
    v = ctx->sender;
    break;
  case 'l':
    v = ctx->local;
    break;
  case 'o':
    v = ctx->sender_domain;
    break;
  case 'd':
    v = ctx->domain;
    break;
  case 'h':
    v = ctx->helo;
    break;
  case 'p':
    v = ctx->ptr_name ? ctx->ptr_name : "unknown";
    break;
  case 'r':
    v = ctx->receiver ? ctx->receiver : "unknown";
    break;
  case 'v':
    v = v4 ? "in-addr" : v6 ? "ip6" : "";
    break;
  case 't':
    snprintf(buf, bufcap, "%" PRId64, ctx->now);
    return buf;
  case 'i':
    if (v6) { /* section 7.3: dot-format nibbles */
      char *p = buf;

      for (int k = 0; k < 16; k++) {
        *p++ = nibble_hex[ctx->ip[k] >> 4];
        *p++ = '.';
        *p++ = nibble_hex[ctx->ip[k] & 15];
        *p++ = k < 15 ? '.' : '\0';
      }
      return buf;
    }
    /* For IPv4, i and c are both the dotted quad. */
    /* fall through */
  case 'c':
    if ((v4 || v6) &&
        inet_ntop(ctx->family, ctx->ip, buf, (socklen_t)bufcap) != NULL) {
      return buf;
    }
    v = "";
    break;
  default:
    break;
  }
  return v ? v : "";
}

int mp_spf_macro_expand(const char *s, size_t len, bool exp,
                        const struct mp_spf_macro_ctx *ctx, char *out,
                        size_t outcap)
{
  struct out o = {out, 0, outcap};
  struct macro m;
  char buf[72]; /* 63 bytes of IPv6 nibbles, INET6_ADDRSTRLEN, an int64 */
  size_t i = 0, bad;
  const char *v;

  /* Syntax first, so a malformed string is -EINVAL whatever the size of
   * out. */
  if (mp_spf_macro_check(s, len, exp, NULL) != 0) {
    return -EINVAL;
  }
  while (i < len) {
    if (s[i] != '%') {
      put(&o, s[i++]);
      continue;
    }
    i = parse_macro(s, len, i, exp, &m, &bad);
    switch (m.letter) {
    case '%':
      put(&o, '%');
      break;
    case '_':
      put(&o, ' ');
      break;
    case '-':
      put_str(&o, "%20");
      break;
    default:
      v = letter_value(ctx, m.letter, buf, sizeof(buf));
      put_transformed(&o, v, strlen(v), &m);
      break;
    }
  }
  if (o.n >= outcap || o.n > INT_MAX) {
    return -ENAMETOOLONG;
  }
  out[o.n] = '\0';
  return (int)o.n;
}

size_t mp_spf_truncate_domain(char *name, size_t len)
{
  /* A trailing dot (the root) is not part of the 253 octets. */
  size_t body = len > 0 && name[len - 1] == '.' ? len - 1 : len;
  size_t cut = 0;
  const char *dot;

  while (body - cut > 253) {
    if (!(dot = memchr(name + cut, '.', body - cut))) {
      cut = len; /* no label boundary left: nothing fits */
      break;
    }
    cut = (size_t)(dot - name) + 1;
  }
  if (cut == 0) {
    return len;
  }
  memmove(name, name + cut, len - cut);
  name[len - cut] = '\0';
  return len - cut;
}
