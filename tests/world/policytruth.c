#include "tests/world/policytruth.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

static bool wsp(char c)
{
  return c == ' ' || c == '\t';
}

static bool alnum(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9');
}

static char lower(char c)
{
  return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* s[0..n) is the lowercase word w, in any case. */
static bool ieq(const char *s, size_t n, const char *w)
{
  size_t i = 0;

  while (i < n && w[i] != '\0' && lower(s[i]) == w[i]) {
    i++;
  }
  return i == n && w[i] == '\0';
}

/* A value as the row holds it: "\"\"" for an empty one. */
static void value(char *out, size_t cap, const char *v, size_t n)
{
  int w = n == 0 ? snprintf(out, cap, "\"\"")
                 : snprintf(out, cap, "%.*s", (int)n, v);

  assert(w > 0 && (size_t)w < cap);
  (void)w;
}

enum scheme { BAD_URI, OTHER, HTTPS, MAILTO };

/* One URI (RFC 3986 section 3): scheme ":" then unreserved, reserved or
 * "%" HEXDIG HEXDIG; "," never (RFC 8460 section 3 and the BIMI draft
 * separate URIs with it), nor "!" and ";" in a TLS-RPT rua (RFC 8460
 * section 3). An https: URI needs "//" and a host, a mailto: one an
 * address "local@domain" before any "?". */
static enum scheme uri(const char *p, size_t n, bool tlsrpt)
{
  size_t i = 0;

  while (i < n && (alnum(p[i]) ||
                   (i > 0 && p[i] != '\0' && strchr("+-.", p[i]) != NULL))) {
    i++;
  }
  if (i == 0 || i == n || p[i] != ':' || !alnum(p[0]) ||
      (p[0] >= '0' && p[0] <= '9')) {
    return BAD_URI;
  }
  for (size_t k = i + 1; k < n; k++) {
    const char *ok = tlsrpt ? "-._~:/?#[]@$&'()*+=" : "-._~:/?#[]@!$&'()*+;=";
    if (p[k] == '%') {
      if (k + 2 >= n || !strchr("0123456789abcdefABCDEF", p[k + 1]) ||
          !strchr("0123456789abcdefABCDEF", p[k + 2])) {
        return BAD_URI;
      }
    } else if (!alnum(p[k]) && (p[k] == '\0' || strchr(ok, p[k]) == NULL)) {
      return BAD_URI;
    }
  }
  if (ieq(p, i, "https")) {
    return n > i + 3 && p[i + 1] == '/' && p[i + 2] == '/' && alnum(p[i + 3])
               ? HTTPS
               : BAD_URI;
  }
  if (ieq(p, i, "mailto")) {
    const char *q = memchr(p + i + 1, '?', n - i - 1);
    const char *end = q != NULL ? q : p + n, *at = memchr(p, '@', n);
    return at != NULL && at > p + i + 1 && at + 1 < end &&
                   memchr(at + 1, '@', (size_t)(end - at - 1)) == NULL
               ? MAILTO
               : BAD_URI;
  }
  return OTHER;
}

/* TLS-RPT rua: URIs separated by *WSP "," *WSP, each mailto: or https:
 * (RFC 8460 section 3). The first goes to first (once). */
static const char *rua_list(const char *v, size_t n, char *first, size_t cap)
{
  for (size_t a = 0; a <= n;) {
    size_t b = a, s = a, e;
    while (b < n && v[b] != ',') {
      b++;
    }
    for (e = b; s < e && wsp(v[s]); s++) {
    }
    while (e > s && wsp(v[e - 1])) {
      e--;
    }
    enum scheme k = uri(v + s, e - s, true);
    if (k == BAD_URI) {
      return "bad_rua";
    }
    if (k == OTHER) {
      return "bad_rua_scheme";
    }
    if (strcmp(first, "-") == 0) {
      value(first, cap, v + s, e - s);
    }
    a = b + 1;
  }
  return NULL;
}

/* RFC 8461 section 3.1 / RFC 8460 section 3 after "v=STSv1;" or
 * "v=TLSRPTv1;": fields separated by *WSP ";" *WSP, an empty one only at
 * the end; each name "=" value. sts: id= of 1 to 32 letters and digits,
 * exactly once; else at least one rua=. Other fields are extensions:
 * name (ALPHA / DIGIT) *31(ALPHA / DIGIT / "_" / "-" / "."), value
 * 1*(%x21-3A / %x3C / %x3E-7E). The error code, or NULL. */
static const char *fields(const char *p, size_t n, bool sts,
                          struct mp_polt_row *out)
{
  bool have = false;

  for (size_t a = 0; a <= n;) {
    size_t b = a, s, e, eq;
    while (b < n && p[b] != ';') {
      b++;
    }
    for (s = a; s < b && wsp(p[s]); s++) {
    }
    for (e = b; e > s && wsp(p[e - 1]); e--) {
    }
    for (eq = s; eq < e && (alnum(p[eq]) || strchr("_-.", p[eq]) != NULL);
         eq++) {
    }
    if (s == e && b == n) {
      break; /* the optional ";" at the end */
    }
    if (s == e || eq == s || eq == e || p[eq] != '=') {
      return "syntax";
    }
    const char *val = p + eq + 1;
    size_t nl = eq - s, vl = e - eq - 1;
    if (sts && nl == 2 && memcmp(p + s, "id", 2) == 0) {
      if (have) {
        return "duplicate_id";
      }
      for (size_t i = 0; i < vl; i++) {
        vl = alnum(val[i]) ? vl : 0;
      }
      if (vl == 0 || vl > 32) {
        return "bad_id";
      }
      value(out->field1, sizeof(out->field1), val, vl);
      have = true;
    } else if (!sts && nl == 3 && memcmp(p + s, "rua", 3) == 0) {
      const char *err = rua_list(val, vl, out->field1, sizeof(out->field1));
      if (err != NULL) {
        return err;
      }
      have = true;
    } else {
      bool ok = nl <= 32 && alnum(p[s]) && vl > 0;
      for (size_t i = 0; i < vl; i++) {
        ok = ok && (unsigned char)val[i] > 0x20 &&
             (unsigned char)val[i] < 0x7f && val[i] != ';' && val[i] != '=';
      }
      if (!ok) {
        return "bad_extension";
      }
    }
    a = b + 1;
  }
  return have ? NULL : sts ? "missing_id" : "missing_rua";
}

/* "v" *WSP "=" *WSP "BIMI1" *WSP then ";" or the end: where the tags go
 * on, 0 when it is not. */
static size_t bimi_version(const char *p, size_t n)
{
  size_t k = 1;

  if (n == 0 || p[0] != 'v') {
    return 0;
  }
  while (k < n && wsp(p[k])) {
    k++;
  }
  if (k >= n || p[k++] != '=') {
    return 0;
  }
  while (k < n && wsp(p[k])) {
    k++;
  }
  if (n - k < 5 || memcmp(p + k, "BIMI1", 5) != 0) {
    return 0;
  }
  for (k += 5; k < n && wsp(p[k]); k++) {
  }
  return k == n || p[k] == ';' ? k : 0;
}

/* BIMI l= (is_l) or a=: empty, or one https: URI; l= must not name
 * another image format than SVG (draft section 4.3). */
static const char *bimi_uri(const char *v, size_t n, bool is_l)
{
  static const char *const raster[] = {"png", "jpg", "jpeg", "gif", "webp"};
  enum scheme k = n == 0 ? HTTPS : uri(v, n, false);
  size_t end = 0, dot = 0;

  if (k == BAD_URI || k == MAILTO) {
    return k == BAD_URI ? (is_l ? "bad_l_uri" : "bad_a_uri")
                        : (is_l ? "l_not_https" : "a_not_https");
  }
  if (k == OTHER) {
    return is_l ? "l_not_https" : "a_not_https";
  }
  while (end < n && v[end] != '?' && v[end] != '#') {
    dot = v[end] == '.' ? end : v[end] == '/' ? 0 : dot;
    end++;
  }
  for (size_t i = 0; is_l && dot > 0 && i < 5; i++) {
    if (ieq(v + dot + 1, end - dot - 1, raster[i])) {
      return "l_not_svg";
    }
  }
  return NULL;
}

/* BIMI lps= (draft-14 section 4.3): "zero, one or more local-part string
 * prefixes", each 1 to 63 of ALPHA / DIGIT / "-", separated by *WSP ","
 * *WSP; so an empty value is an empty list. */
static bool lps_list(const char *v, size_t n)
{
  size_t a = 0;

  while (n > 0 && a <= n) {
    size_t b = a, s, e;
    while (b < n && v[b] != ',') {
      b++;
    }
    for (s = a; s < b && wsp(v[s]); s++) {
    }
    for (e = b; e > s && wsp(v[e - 1]); e--) {
    }
    if (e == s || e - s > 63) {
      return false;
    }
    for (size_t i = s; i < e; i++) {
      if (!alnum(v[i]) && v[i] != '-') {
        return false;
      }
    }
    a = b + 1;
  }
  return true;
}

/* The tags of a BIMI assertion record after its version at p[at]: a DKIM
 * tag-list (name [WSP] "=" [WSP] value), l= required, v l a lps avp at
 * most once, unknown tags ignored. An empty l= beside a non-empty a= is
 * `empty_l`: only both empty decline (section 4.3.1), and without an l=
 * "Indicator Discovery has failed" (section 7.3 step 1). avp= other than
 * "brand" or "personal" (exactly) is ignored, the record stands (section
 * 4.3). The error code, or NULL. */
static const char *bimi_tags(const char *p, size_t n, size_t at,
                             struct mp_polt_row *out)
{
  static const char *const known[] = {"v", "l", "a", "lps", "avp"};
  unsigned seen = 1; /* v */

  for (size_t a = at + 1; a <= n;) {
    size_t b = a, s, e, eq, k;
    while (b < n && p[b] != ';') {
      b++;
    }
    for (s = a; s < b && wsp(p[s]); s++) {
    }
    for (e = b; e > s && wsp(p[e - 1]); e--) {
    }
    if (s == e && b == n) {
      break; /* the optional ";" at the end */
    }
    for (eq = s; eq < e && (alnum(p[eq]) || p[eq] == '_'); eq++) {
    }
    size_t nl = eq - s, vs;
    while (eq < e && wsp(p[eq])) {
      eq++;
    }
    if (nl == 0 || !alnum(p[s]) || (p[s] >= '0' && p[s] <= '9') || eq == e ||
        p[eq] != '=') {
      return "syntax";
    }
    for (vs = eq + 1; vs < e && wsp(p[vs]); vs++) {
    }
    for (size_t i = vs; i < e; i++) {
      if (!wsp(p[i]) &&
          ((unsigned char)p[i] < 0x21 || (unsigned char)p[i] > 0x7e)) {
        return "syntax";
      }
    }
    for (k = 0;
         k < 5 && !(strlen(known[k]) == nl && memcmp(known[k], p + s, nl) == 0);
         k++) {
    }
    if (k < 5 && (seen & 1u << k) != 0) {
      return "duplicate_tag";
    }
    seen |= k < 5 ? 1u << k : 0;
    if (k == 1 || k == 2) {
      const char *err = bimi_uri(p + vs, e - vs, k == 1);
      if (err != NULL) {
        return err;
      }
      value(k == 1 ? out->field1 : out->field2, sizeof(out->field1), p + vs,
            e - vs);
    } else if (k == 3 && !lps_list(p + vs, e - vs)) {
      return "bad_lps";
    } else if (k == 4) {
      out->bad_avp = !(e - vs == 5 && memcmp(p + vs, "brand", 5) == 0) &&
                     !(e - vs == 8 && memcmp(p + vs, "personal", 8) == 0);
    }
    a = b + 1;
  }
  if ((seen & 2u) == 0) {
    return "missing_l";
  }
  if (strcmp(out->field1, "\"\"") == 0 && strcmp(out->field2, "-") != 0 &&
      strcmp(out->field2, "\"\"") != 0) {
    return "empty_l";
  }
  out->declined = strcmp(out->field1, "\"\"") == 0;
  return NULL;
}

/* A near miss of the version tag: after blanks, "v" *WSP "=" *WSP and the
 * protocol's name without its number, in any case ("v=STSv2", "v=stsv1;",
 * " v=BIMI1"). Receivers discard such a record. */
static bool near_miss(const char *p, size_t n, const char *name)
{
  size_t k = 0, nl = strlen(name);

  while (k < n && wsp(p[k])) {
    k++;
  }
  if (k == n || lower(p[k]) != 'v') {
    return false;
  }
  for (k++; k < n && wsp(p[k]); k++) {
  }
  if (k == n || p[k] != '=') {
    return false;
  }
  for (k++; k < n && wsp(p[k]); k++) {
  }
  return n - k >= nl && ieq(p + k, nl, name);
}

void mp_polt_eval(const struct mp_dv *v, const char *domain,
                  enum mp_polt_kind k, struct mp_polt_row *out)
{
  static const char *const owner[] = {"_mta-sts", "_smtp._tls",
                                      "default._bimi"};
  static const char *const ver[] = {"v=STSv1;", "v=TLSRPTv1;"};
  static const char *const miss[] = {"stsv", "tlsrptv", "bimi"};
  char q[300], buf[4096], rec[4096];
  struct mp_dv_ans a;
  size_t found = 0, len = 0, at = 0;
  bool near = false;

  out->status = "none";
  out->error = "-";
  out->declined = out->bad_avp = false;
  snprintf(out->field1, sizeof(out->field1), "-");
  snprintf(out->field2, sizeof(out->field2), "-");
  snprintf(q, sizeof(q), "%s.%s", owner[k], domain);
  mp_dv_query(v, q, MP_ZT_TXT, false, &a);
  for (size_t i = a.first; i < a.first + a.n; i++) {
    size_t n = mp_dv_txt(a.db, i, buf, sizeof(buf)), vl = 0;
    if (k == MP_POLT_BIMI) {
      vl = bimi_version(buf, n);
    } else if (n >= strlen(ver[k]) &&
               memcmp(buf, ver[k], strlen(ver[k])) == 0) {
      vl = strlen(ver[k]);
    }
    if (vl > 0 && found++ == 0) {
      memcpy(rec, buf, n);
      len = n;
      at = vl;
    }
    near = near || (vl == 0 && near_miss(buf, n, miss[k]));
  }
  if (found != 1) {
    out->status = found > 1 || near ? "invalid" : "none";
    out->error = found > 1 ? "multiple_records" : near ? "bad_version" : "-";
    return;
  }
  out->error = k == MP_POLT_BIMI
                   ? bimi_tags(rec, len, at, out)
                   : fields(rec + at, len - at, k == MP_POLT_STS, out);
  out->status = out->error == NULL ? "valid" : "invalid";
  if (out->error != NULL) {
    snprintf(out->field1, sizeof(out->field1), "-");
    snprintf(out->field2, sizeof(out->field2), "-");
    out->declined = out->bad_avp = false;
  } else {
    out->error = "-";
  }
}
