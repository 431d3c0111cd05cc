#include "scanner/spf/parse.h"

#include <errno.h>
#include <string.h>

#include "scanner/base/ascii.h"
#include "scanner/spf/addr.h"
#include "scanner/spf/macro.h"

/* RFC 7208 section 12 is the grammar followed here:
 *   record    = version terms *SP
 *   version   = "v=spf1"
 *   terms     = *( 1*SP ( directive / modifier ) )
 *   directive = [ qualifier ] mechanism
 *   modifier  = redirect / explanation / unknown-modifier
 *   unknown-modifier = name "=" macro-string
 *                      ; where name is not any known modifier
 *   name      = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." )
 * A term is everything up to the next SP; its bytes must be VCHARs. */

/* The parse in progress. */
struct parser {
  const char *s;
  struct mp_spf_term *terms;
  size_t cap, count;
  size_t overflow_off; /* the first directive that did not fit */
  struct mp_spf_record *rec;
  struct mp_spf_syntax_error *err;
};

static bool is_name(char c)
{
  return mp_is_alpha(c) || mp_is_digit(c) || c == '-' || c == '_' || c == '.';
}

static bool is_vchar(char c)
{
  return (unsigned char)c >= 0x21 && (unsigned char)c <= 0x7E;
}

static int fail(struct parser *p, enum mp_spf_syntax kind, size_t offset)
{
  p->err->kind = kind;
  p->err->offset = offset;
  return -EINVAL;
}

/* s[0..n) equals the lower-case word w, ignoring case. Only for name
 * bytes (letters, digits, "-", "_", "."), where c | 0x20 == w[i] holds
 * for the two cases of a letter and nothing else. */
static bool word_is(const char *s, size_t n, const char *w, size_t wn)
{
  if (n != wn) {
    return false;
  }
  for (size_t i = 0; i < n; i++) {
    if ((char)(s[i] | 0x20) != w[i]) {
      return false;
    }
  }
  return true;
}

/* The mechanism named s[0..n), or -1. */
static int mech_lookup(const char *s, size_t n)
{
  switch (s[0] | 0x20) {
  case 'a':
    return n == 1 ? MP_SPF_A : word_is(s, n, "all", 3) ? MP_SPF_ALL : -1;
  case 'e':
    return word_is(s, n, "exists", 6) ? MP_SPF_EXISTS : -1;
  case 'i':
    if (word_is(s, n, "include", 7)) {
      return MP_SPF_INCLUDE;
    }
    return word_is(s, n, "ip4", 3)   ? MP_SPF_IP4
           : word_is(s, n, "ip6", 3) ? MP_SPF_IP6
                                     : -1;
  case 'm':
    return word_is(s, n, "mx", 2) ? MP_SPF_MX : -1;
  case 'p':
    return word_is(s, n, "ptr", 3) ? MP_SPF_PTR : -1;
  default:
    return -1;
  }
}

/* Section 7.1: domain-spec = macro-string domain-end
 *   domain-end = ( "." toplabel [ "." ] ) / macro-expand
 *   toplabel   = ( *alphanum ALPHA *alphanum )
 *              / ( 1*alphanum "-" *( alphanum / "-" ) alphanum )
 * s[b..e) must be one; *macro says whether it holds a macro-expand. */
static int check_domain(struct parser *p, size_t b, size_t e, bool *macro)
{
  const char *s = p->s, *q;
  size_t i = b, end, j, bad;
  bool alpha = false, dash = false;

  *macro = false;
  if (b == e) {
    return fail(p, MP_SPF_SYNTAX_DOMAIN, b);
  }
  if (mp_spf_macro_check(s + b, e - b, false, &bad) != 0) {
    return fail(p, MP_SPF_SYNTAX_MACRO, b + bad);
  }
  /* The string is valid, so every '%' left starts an expand: find where
   * the last one ends. */
  while ((q = memchr(s + i, '%', e - i))) {
    i = (size_t)(q - s);
    if (s[i + 1] == '{') {
      i = (size_t)((const char *)memchr(s + i, '}', e - i) - s);
    } else {
      i++;
    }
    i++;
    *macro = true;
  }
  if (*macro && i == e) {
    return 0;
  }
  end = s[e - 1] == '.' ? e - 1 : e;
  for (j = end; j > b; j--) {
    char c = s[j - 1];

    if (mp_is_alpha(c)) {
      alpha = true;
    } else if (c == '-') {
      dash = true;
    } else if (!mp_is_digit(c)) {
      break;
    }
  }
  /* The label is the whole run of alphanum / "-", after a "."; it starts
   * and ends with alphanum and is not all digits. */
  if (j == end || j == b || s[j - 1] != '.' || s[j] == '-' ||
      s[end - 1] == '-' || !(alpha || dash)) {
    return fail(p, MP_SPF_SYNTAX_DOMAIN, b);
  }
  return 0;
}

/* ip4-cidr-length = "/" ( "0" / %x31-39 0*1DIGIT ), ip6-cidr-length =
 * "/" ( "0" / %x31-39 0*2DIGIT ): no leading zeros, at most max. s[b] is
 * the "/"; the digits run to e. */
static int parse_cidr(struct parser *p, size_t b, size_t e, unsigned max,
                      uint8_t *out)
{
  const char *s = p->s;
  unsigned v = 0;
  size_t n = e - b - 1;

  if (n == 0 || n > 3 || (s[b + 1] == '0' && n > 1)) {
    return fail(p, MP_SPF_SYNTAX_CIDR, b);
  }
  for (size_t i = b + 1; i < e; i++) {
    if (!mp_is_digit(s[i])) {
      return fail(p, MP_SPF_SYNTAX_CIDR, b);
    }
    v = v * 10 + (unsigned)(s[i] - '0');
  }
  if (v > max) {
    return fail(p, MP_SPF_SYNTAX_CIDR, b);
  }
  *out = (uint8_t)v;
  return 0;
}

/* Section 5.6: "ip4" ":" ip4-network [ ip4-cidr-length ] and the same
 * for ip6. s[b] is the ':'. */
static int parse_ip(struct parser *p, struct mp_spf_term *t, size_t b, size_t e)
{
  const char *s = p->s;
  const char *slash = memchr(s + b, '/', e - b);
  size_t ae = slash ? (size_t)(slash - s) : e;

  if (t->mech == MP_SPF_IP4) {
    if (mp_spf_addr_ip4(s, b + 1, ae, t->addr) != ae) {
      return fail(p, MP_SPF_SYNTAX_IP4, b + 1);
    }
    return slash ? parse_cidr(p, ae, e, 32, &t->cidr4) : 0;
  }
  if (!mp_spf_addr_ip6(s, b + 1, ae, t->addr)) {
    return fail(p, MP_SPF_SYNTAX_IP6, b + 1);
  }
  return slash ? parse_cidr(p, ae, e, 128, &t->cidr6) : 0;
}

/* Back over "/" 1*DIGIT ending at e (within [b, e)). Returns where the
 * "/" is, or e when there is none. */
static size_t cidr_before(const char *s, size_t b, size_t e)
{
  size_t j = e;

  while (j > b && mp_is_digit(s[j - 1])) {
    j--;
  }
  return j < e && j > b && s[j - 1] == '/' ? j - 1 : e;
}

/* Sections 5.3, 5.4: "a"/"mx" [ ":" domain-spec ] [ dual-cidr-length ],
 * dual-cidr-length = [ ip4-cidr-length ] [ "/" ip6-cidr-length ]. A
 * domain-spec may hold "/" ("foo:bar/baz.example.com") but never ends in
 * "/" DIGIT, so the lengths are taken from the end. s[b] is ':' or '/'. */
static int parse_a_mx(struct parser *p, struct mp_spf_term *t, size_t b,
                      size_t e)
{
  const char *s = p->s;
  size_t c4 = e, c6 = e, ce = e, x;
  int rc;

  if ((x = cidr_before(s, b, e)) < e) {
    if (x > b && s[x - 1] == '/') { /* "//" ip6-cidr-length */
      c6 = x;
      ce = x - 1;
      if ((x = cidr_before(s, b, ce)) < ce) {
        c4 = ce = x;
      }
    } else {
      c4 = ce = x;
    }
  } else if (s[e - 1] == '/') {
    return fail(p, MP_SPF_SYNTAX_CIDR, e - 1);
  }
  if (ce > b && s[b] != ':') { /* "a/24/64", "a/24/" */
    return fail(p, MP_SPF_SYNTAX_CIDR, b);
  }
  if (c4 < e &&
      (rc = parse_cidr(p, c4, c6 < e ? c6 - 1 : e, 32, &t->cidr4)) != 0) {
    return rc;
  }
  if (c6 < e && (rc = parse_cidr(p, c6, e, 128, &t->cidr6)) != 0) {
    return rc;
  }
  if (ce > b) {
    t->has_domain = true;
    t->dom_off = (uint16_t)(b + 1);
    t->dom_len = (uint16_t)(ce - b - 1);
    return check_domain(p, b + 1, ce, &t->macro);
  }
  return 0;
}

/* A mechanism's arguments: s[b..e) is what follows its name, starting
 * with ':' or '/' when not empty. */
static int parse_args(struct parser *p, struct mp_spf_term *t, size_t b,
                      size_t e)
{
  char c = b < e ? p->s[b] : '\0';

  switch (t->mech) {
  case MP_SPF_ALL: /* section 5.1: no argument */
    if (c == '\0') {
      return 0;
    }
    return fail(p, c == '/' ? MP_SPF_SYNTAX_CIDR : MP_SPF_SYNTAX_ARGUMENT, b);
  case MP_SPF_INCLUDE: /* sections 5.2, 5.7: ":" domain-spec required */
  case MP_SPF_EXISTS:
    if (c != ':') {
      return fail(p, MP_SPF_SYNTAX_ARGUMENT, b);
    }
    break;
  case MP_SPF_PTR: /* section 5.5: optional domain-spec, no cidr */
    if (c == '\0') {
      return 0;
    }
    if (c == '/') {
      return fail(p, MP_SPF_SYNTAX_CIDR, b);
    }
    break;
  case MP_SPF_A:
  case MP_SPF_MX:
    return c == '\0' ? 0 : parse_a_mx(p, t, b, e);
  default: /* ip4, ip6: ":" network required */
    if (c != ':') {
      return fail(p, MP_SPF_SYNTAX_ARGUMENT, b);
    }
    return parse_ip(p, t, b, e);
  }
  t->has_domain = true;
  t->dom_off = (uint16_t)(b + 1);
  t->dom_len = (uint16_t)(e - b - 1);
  return check_domain(p, b + 1, e, &t->macro);
}

/* Section 6: redirect and exp take a domain-spec and appear once each;
 * any other name takes a macro-string (appendix A). */
static int parse_modifier(struct parser *p, size_t t, size_t ne, size_t e)
{
  struct mp_spf_record *r = p->rec;
  const char *s = p->s;
  size_t n = ne - t, b = ne + 1, bad;
  bool *has, *macro;
  uint16_t *off, *len;
  int rc;

  if (word_is(s + t, n, "redirect", 8)) {
    has = &r->has_redirect;
    macro = &r->redirect_macro;
    off = &r->redirect_off;
    len = &r->redirect_len;
  } else if (word_is(s + t, n, "exp", 3)) {
    has = &r->has_exp;
    macro = &r->exp_macro;
    off = &r->exp_off;
    len = &r->exp_len;
  } else {
    if (mp_spf_macro_check(s + b, e - b, false, &bad) != 0) {
      return fail(p, MP_SPF_SYNTAX_MACRO, b + bad);
    }
    r->nunknown++;
    r->uses_macros |= memchr(s + b, '%', e - b) != NULL;
    return 0;
  }
  if (*has) {
    return fail(p, MP_SPF_SYNTAX_DUPLICATE, t);
  }
  if ((rc = check_domain(p, b, e, macro)) != 0) {
    return rc;
  }
  *has = true;
  *off = (uint16_t)b;
  *len = (uint16_t)(e - b);
  r->uses_macros |= *macro;
  return 0;
}

/* A term that is neither a mechanism nor a well-formed modifier: a
 * modifier with a bad name when "=" comes before any ":" or "/". */
static int bad_term(struct parser *p, size_t t, size_t e)
{
  for (size_t i = t; i < e; i++) {
    char c = p->s[i];

    if (c == '=') {
      return fail(p, MP_SPF_SYNTAX_MODIFIER, t);
    }
    if (c == ':' || c == '/') {
      break;
    }
  }
  return fail(p, MP_SPF_SYNTAX_TERM, t);
}

/* One term, s[t..e): a directive or a modifier (section 4.6.1). */
static int parse_term(struct parser *p, size_t t, size_t e)
{
  const char *s = p->s;
  struct mp_spf_term tm = {.cidr4 = 32, .cidr6 = 128};
  size_t i = t, ne;
  int mech, rc;

  switch (s[i]) {
  case '+':
    tm.qual = MP_SPF_Q_PASS, i++;
    break;
  case '-':
    tm.qual = MP_SPF_Q_FAIL, i++;
    break;
  case '~':
    tm.qual = MP_SPF_Q_SOFTFAIL, i++;
    break;
  case '?':
    tm.qual = MP_SPF_Q_NEUTRAL, i++;
    break;
  default:
    break;
  }
  ne = i;
  if (ne < e && mp_is_alpha(s[ne])) {
    while (++ne < e && is_name(s[ne])) {
    }
  }
  if (ne == i) {
    return bad_term(p, t, e);
  }
  if (ne < e && s[ne] == '=') {
    /* A mechanism's name followed by "=" is an unknown modifier of that
     * name (appendix A); a qualifier never goes with a modifier. */
    return i > t ? fail(p, MP_SPF_SYNTAX_MODIFIER, t)
                 : parse_modifier(p, t, ne, e);
  }
  if ((mech = mech_lookup(s + i, ne - i)) < 0 ||
      (ne < e && s[ne] != ':' && s[ne] != '/')) {
    return bad_term(p, t, e);
  }
  tm.mech = (uint8_t)mech;
  tm.off = (uint16_t)t;
  tm.len = (uint16_t)(e - t);
  if ((rc = parse_args(p, &tm, ne, e)) != 0) {
    return rc;
  }
  p->rec->uses_ptr |= mech == MP_SPF_PTR;
  p->rec->uses_exists |= mech == MP_SPF_EXISTS;
  p->rec->uses_macros |= tm.macro;
  if (p->count < p->cap) {
    p->terms[p->count] = tm;
  } else if (p->count == p->cap) {
    p->overflow_off = t;
  }
  p->count++;
  return 0;
}

/* Section 4.5: "v=spf1" (any case) followed by SP or the end. */
static bool version_ok(const char *s, size_t len)
{
  return len >= 6 && (s[0] | 0x20) == 'v' && s[1] == '=' &&
         (s[2] | 0x20) == 's' && (s[3] | 0x20) == 'p' && (s[4] | 0x20) == 'f' &&
         s[5] == '1' && (len == 6 || s[6] == ' ');
}

int mp_spf_parse(const char *text, size_t len, struct mp_spf_term *terms,
                 size_t cap, struct mp_spf_record *out,
                 struct mp_spf_syntax_error *err)
{
  struct mp_spf_syntax_error dummy;
  struct parser p = {text, terms, cap, 0, 0, out, err ? err : &dummy};
  size_t i = 6, t;
  int rc;

  *out = (struct mp_spf_record){.text = text, .len = len, .terms = terms};
  *p.err = (struct mp_spf_syntax_error){MP_SPF_SYNTAX_OK, 0};
  if (len > UINT16_MAX) {
    return fail(&p, MP_SPF_SYNTAX_TOO_LONG, UINT16_MAX);
  }
  if (!version_ok(text, len)) {
    return fail(&p, MP_SPF_SYNTAX_VERSION, 0);
  }
  for (;;) {
    while (i < len && text[i] == ' ') {
      i++;
    }
    if (i == len) {
      break;
    }
    for (t = i; i < len && text[i] != ' '; i++) {
      if (!is_vchar(text[i])) { /* section 4.6.1: terms split on SP only */
        return fail(&p, MP_SPF_SYNTAX_CHARACTER, i);
      }
    }
    if ((rc = parse_term(&p, t, i)) != 0) {
      return rc;
    }
  }
  out->nterms = p.count < cap ? p.count : cap;
  if (p.count > cap) {
    fail(&p, MP_SPF_SYNTAX_TOO_MANY, p.overflow_off);
    return -E2BIG;
  }
  return 0;
}

const char *mp_spf_syntax_name(enum mp_spf_syntax kind)
{
  static const char *const names[] = {
      [MP_SPF_SYNTAX_OK] = "ok",
      [MP_SPF_SYNTAX_VERSION] = "version",
      [MP_SPF_SYNTAX_TERM] = "term",
      [MP_SPF_SYNTAX_ARGUMENT] = "argument",
      [MP_SPF_SYNTAX_DOMAIN] = "domain",
      [MP_SPF_SYNTAX_MACRO] = "macro",
      [MP_SPF_SYNTAX_CIDR] = "cidr",
      [MP_SPF_SYNTAX_IP4] = "ip4",
      [MP_SPF_SYNTAX_IP6] = "ip6",
      [MP_SPF_SYNTAX_DUPLICATE] = "duplicate",
      [MP_SPF_SYNTAX_MODIFIER] = "modifier",
      [MP_SPF_SYNTAX_CHARACTER] = "character",
      [MP_SPF_SYNTAX_TOO_MANY] = "too-many",
      [MP_SPF_SYNTAX_TOO_LONG] = "too-long",
  };

  if ((unsigned)kind >= sizeof(names) / sizeof(names[0])) {
    return "unknown";
  }
  return names[kind];
}

const char *mp_spf_mech_name(enum mp_spf_mech m)
{
  static const char *const names[] = {
      [MP_SPF_ALL] = "all", [MP_SPF_INCLUDE] = "include", [MP_SPF_A] = "a",
      [MP_SPF_MX] = "mx",   [MP_SPF_PTR] = "ptr",         [MP_SPF_IP4] = "ip4",
      [MP_SPF_IP6] = "ip6", [MP_SPF_EXISTS] = "exists",
  };

  if ((unsigned)m >= sizeof(names) / sizeof(names[0])) {
    return "unknown";
  }
  return names[m];
}

char mp_spf_qual_char(enum mp_spf_qual q)
{
  switch (q) {
  case MP_SPF_Q_FAIL:
    return '-';
  case MP_SPF_Q_SOFTFAIL:
    return '~';
  case MP_SPF_Q_NEUTRAL:
    return '?';
  default:
    return '+';
  }
}

bool mp_spf_is_record(const char *txt, size_t len)
{
  static const char v[] = "v=spf1";

  if (len < sizeof(v) - 1) {
    return false;
  }
  for (size_t i = 0; i < sizeof(v) - 1; i++) {
    char c = txt[i];

    if (c >= 'A' && c <= 'Z') {
      c = (char)(c + ('a' - 'A'));
    }
    if (c != v[i]) {
      return false;
    }
  }
  return len == sizeof(v) - 1 || txt[sizeof(v) - 1] == ' ';
}
