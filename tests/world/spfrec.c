#include "tests/world/spfrec.h"

#include <arpa/inet.h>
#include <assert.h>
#include <string.h>

#include "scanner/base/alloc.h"

bool mp_spfrec_is_spf(const uint8_t *p, size_t n)
{
  static const char v[] = "v=spf1";

  for (size_t i = 0; i < 6; i++) {
    if (i >= n || (p[i] | 0x20) != v[i]) {
      return false;
    }
  }
  return n == 6 || p[6] == ' ';
}

void mp_spfrec_free(struct mp_spfrec *r)
{
  mp_free(r->text);
  mp_free(r->t);
  *r = (struct mp_spfrec){0};
}

static bool is_alpha(char c)
{
  return c >= 'a' && c <= 'z';
}

static bool is_digit(char c)
{
  return c >= '0' && c <= '9';
}

/* toplabel = ( *alphanum ALPHA *alphanum ) /
 *            ( 1*alphanum "-" *( alphanum / "-" ) alphanum ) */
static bool toplabel(const char *s, size_t n)
{
  bool alpha = false, dash = false;

  for (size_t i = 0; i < n; i++) {
    if (s[i] == '-') {
      dash = true;
      if (i == 0 || i == n - 1) {
        return false;
      }
    } else if (!is_alpha(s[i]) && !is_digit(s[i])) {
      return false;
    }
    alpha = alpha || is_alpha(s[i]);
  }
  return n > 0 && (alpha || dash);
}

/* macro-string (section 7.1); *macro: it holds a macro-expand, *end_macro:
 * the last one ends the string. */
static bool macro_string(const char *s, size_t n, bool *macro, bool *end_macro)
{
  *macro = *end_macro = false;
  for (size_t i = 0; i < n;) {
    if (s[i] != '%') {
      if (s[i] < 0x21 || s[i] > 0x7e) {
        return false;
      }
      i++;
      *end_macro = false;
      continue;
    }
    if (i + 1 < n && (s[i + 1] == '%' || s[i + 1] == '_' || s[i + 1] == '-')) {
      i += 2;
    } else if (i + 2 < n && s[i + 1] == '{' &&
               strchr("slodiphcrtv", s[i + 2])) {
      for (i += 3; i < n && is_digit(s[i]); i++) {
      }
      i += i < n && s[i] == 'r';
      while (i < n && strchr(".-+,/_=", s[i]) != NULL) {
        i++;
      }
      if (i == n || s[i] != '}') {
        return false;
      }
      i++;
    } else {
      return false;
    }
    *macro = *end_macro = true;
  }
  return true;
}

/* domain-spec = macro-string domain-end;
 * domain-end = ( "." toplabel [ "." ] ) / macro-expand */
static bool domain_spec(const char *s, size_t n, bool *macro)
{
  bool end_macro;
  size_t k = n;

  if (n == 0 || !macro_string(s, n, macro, &end_macro)) {
    return false;
  }
  if (end_macro) {
    return true;
  }
  k -= s[k - 1] == '.';
  for (size_t dot = k; dot-- > 0;) {
    if (s[dot] == '.') {
      return toplabel(s + dot + 1, k - dot - 1);
    }
  }
  return false;
}

/* If s[0..*n) ends in "/" length (dbl: "//" length), validates and strips
 * it. ip4-cidr-length = "/" ("0" / %x31-39 0*1DIGIT), ip6 0*2DIGIT. */
static bool strip_cidr(char *s, size_t *n, bool dbl, unsigned max,
                       unsigned *out)
{
  size_t k = *n;
  unsigned v = 0;

  while (k > 0 && is_digit(s[k - 1])) {
    k--;
  }
  if (k == *n || k == 0 || s[k - 1] != '/' ||
      dbl != (k >= 2 && s[k - 2] == '/')) {
    return true; /* no such length here */
  }
  if (*n - k > 3 || (s[k] == '0' && *n - k > 1)) {
    return false;
  }
  for (size_t i = k; i < *n; i++) {
    v = v * 10 + (unsigned)(s[i] - '0');
  }
  if (v > max) {
    return false;
  }
  *out = v;
  *n = k - (dbl ? 2 : 1);
  s[*n] = '\0';
  return true;
}

/* dec-octet "." dec-octet "." dec-octet "." dec-octet, no leading zeros */
static bool ip4_network(const char *s, uint8_t out[4])
{
  for (int i = 0; i < 4; i++) {
    unsigned v = 0, nd = 0;
    for (; is_digit(*s) && nd < 4; s++, nd++) {
      v = v * 10 + (unsigned)(*s - '0');
    }
    if (nd == 0 || nd > 3 || v > 255 || (nd > 1 && s[-(int)nd] == '0') ||
        *s != (i < 3 ? '.' : '\0')) {
      return false;
    }
    out[i] = (uint8_t)v;
    s += i < 3;
  }
  return true;
}

/* ":" domain-spec, required or optional; cuts the text at its end. */
static bool opt_domain(char *arg, size_t n, bool required,
                       struct mp_spfrec_term *t)
{
  if (n == 0) {
    return !required;
  }
  if (arg[0] != ':' || !domain_spec(arg + 1, n - 1, &t->macro)) {
    return false;
  }
  arg[n] = '\0';
  t->dom = arg + 1;
  return true;
}

static bool parse_ip(char *arg, size_t n, bool six, struct mp_spfrec_term *t)
{
  char *slash;

  if (n < 2 || arg[0] != ':') {
    return false;
  }
  arg[n] = '\0';
  slash = strchr(arg, '/');
  t->c4 = 32;
  t->c6 = 128;
  if (slash != NULL) {
    size_t k = (size_t)(slash - arg) + 1, len = n;
    if (!strip_cidr(arg, &len, false, six ? 128 : 32, six ? &t->c6 : &t->c4) ||
        len + 1 != k) {
      return false;
    }
  }
  return six ? inet_pton(AF_INET6, arg + 1, t->ip) == 1
             : ip4_network(arg + 1, t->ip);
}

static bool parse_mech(struct mp_spfrec *r, char *s, size_t n)
{
  static const struct {
    const char *name;
    enum mp_spfrec_mech m;
  } mechs[] = {{"all", MP_SPFM_ALL}, {"include", MP_SPFM_INCLUDE},
               {"a", MP_SPFM_A},     {"mx", MP_SPFM_MX},
               {"ptr", MP_SPFM_PTR}, {"ip4", MP_SPFM_IP4},
               {"ip6", MP_SPFM_IP6}, {"exists", MP_SPFM_EXISTS}};
  struct mp_spfrec_term t = {.qual = '+', .c4 = 32, .c6 = 128};
  size_t k = 0, i;

  if (n > 0 && strchr("+-~?", s[0]) != NULL) {
    t.qual = s[0];
    s++;
    n--;
  }
  while (k < n && s[k] != ':' && s[k] != '/') {
    k++;
  }
  for (i = 0; i < sizeof(mechs) / sizeof(mechs[0]); i++) {
    if (strlen(mechs[i].name) == k && memcmp(mechs[i].name, s, k) == 0) {
      break;
    }
  }
  if (i == sizeof(mechs) / sizeof(mechs[0])) {
    return false;
  }
  t.m = mechs[i].m;
  s += k;
  n -= k;
  switch (t.m) {
  case MP_SPFM_ALL:
    if (n != 0) {
      return false;
    }
    break;
  case MP_SPFM_INCLUDE:
  case MP_SPFM_EXISTS:
  case MP_SPFM_PTR:
    if (!opt_domain(s, n, t.m != MP_SPFM_PTR, &t)) {
      return false;
    }
    break;
  case MP_SPFM_A:
  case MP_SPFM_MX:
    if (!strip_cidr(s, &n, true, 128, &t.c6) ||
        !strip_cidr(s, &n, false, 32, &t.c4) || !opt_domain(s, n, false, &t)) {
      return false;
    }
    break;
  case MP_SPFM_IP4:
  case MP_SPFM_IP6:
    if (!parse_ip(s, n, t.m == MP_SPFM_IP6, &t)) {
      return false;
    }
    break;
  }
  if (r->n == r->cap) {
    r->cap = r->cap == 0 ? 16 : 2 * r->cap;
    r->t = mp_realloc(r->t, r->cap * sizeof(*r->t));
  }
  r->t[r->n++] = t;
  return true;
}

/* One term s[0..n), cut out of rec.text (s[n] is writable). */
static bool parse_term(struct mp_spfrec *r, char *s, size_t n)
{
  size_t k = 0;
  bool macro;

  while (k < n && (is_alpha(s[k]) || is_digit(s[k]) || s[k] == '-' ||
                   s[k] == '_' || s[k] == '.')) {
    k++;
  }
  if (k == n || s[k] != '=' || !is_alpha(s[0])) {
    return parse_mech(r, s, n);
  }
  s[n] = '\0'; /* a modifier: name "=" macro-string (section 6) */
  if (k == 8 && memcmp(s, "redirect", 8) == 0) {
    if (r->redirect != NULL || !domain_spec(s + 9, n - 9, &macro)) {
      return false;
    }
    r->redirect = s + 9;
    r->redirect_macro = macro;
    return true;
  }
  if (k == 3 && memcmp(s, "exp", 3) == 0) {
    if (r->has_exp || !domain_spec(s + 4, n - 4, &macro)) {
      return false;
    }
    r->has_exp = true;
    return true;
  }
  return macro_string(s + k + 1, n - k - 1, &macro, &macro);
}

bool mp_spfrec_parse(struct mp_spfrec *r, const char *name, const uint8_t *p,
                     size_t n)
{
  assert(mp_spfrec_is_spf(p, n));
  *r = (struct mp_spfrec){.name = name};
  r->text = mp_malloc(n + 1);
  for (size_t i = 0; i < n; i++) {
    char c = (char)p[i];
    if (p[i] < 0x20 || p[i] > 0x7e) {
      return false;
    }
    r->text[i] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
  }
  r->text[n] = '\0';
  for (size_t i = 6; i < n;) {
    size_t e = i;
    if (r->text[i] == ' ') {
      i++;
      continue;
    }
    while (e < n && r->text[e] != ' ') {
      e++;
    }
    if (!parse_term(r, r->text + i, e - i)) {
      return false;
    }
    i = e + 1; /* parse_term may have cut the text at e */
  }
  return true;
}
