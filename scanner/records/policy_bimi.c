#include "scanner/records/policy_bimi.h"

#include <string.h>

#include "scanner/base/ascii.h"
#include "scanner/records/policy_uri.h"

/* FWS inside a DKIM-style tag-list (RFC 6376 section 2.8): WSP, and the
 * CR LF of a folded line. */
static bool is_fws(char c)
{
  return mp_is_wsp(c) || c == '\r' || c == '\n';
}

/* 4.3.2: only SVG (and SVGZ) may be named; an l= URI ending in another
 * image format's suffix is a permanent error. A path with no suffix, or an
 * unrelated one, is left to the fetch. */
static bool other_image_suffix(const char *p, size_t n)
{
  static const char *const other[] = {"png",  "jpg",  "jpeg", "gif",
                                      "webp", "bmp",  "ico",  "tif",
                                      "tiff", "avif", "heic", "heif"};
  size_t end = 0, slash = 0, dot = 0;

  while (end < n && p[end] != '?' && p[end] != '#') {
    end++;
  }
  for (size_t i = 8; i < end; i++) { /* after "https://" */
    if (p[i] == '/') {
      slash = i;
    } else if (p[i] == '.' && slash) {
      dot = i;
    }
  }
  if (!slash || dot < slash) {
    return false;
  }
  for (size_t k = 0; k < sizeof(other) / sizeof(other[0]); k++) {
    if (mp_ieq(p + dot + 1, end - dot - 1, other[k])) {
      return true;
    }
  }
  return false;
}

/* The value of l= (is_l) or a=: empty, or one https URI; a= must name a
 * fully qualified domain (4.3). Returns MP_POLICY_OK or the error. */
static enum mp_policy_error bimi_uri(const struct mp_slice *v, bool is_l)
{
  enum mp_policy_uri k;

  if (v->len == 0) {
    return MP_POLICY_OK;
  }
  k = mp_policy_uri_check(v->p, v->len, is_l ? 0 : MP_POLICY_URI_FQDN);
  if (k == MP_POLICY_URI_BAD) {
    return is_l ? MP_POLICY_ERR_BAD_L_URI : MP_POLICY_ERR_BAD_A_URI;
  }
  if (k != MP_POLICY_URI_HTTPS) {
    return is_l ? MP_POLICY_ERR_L_NOT_HTTPS : MP_POLICY_ERR_A_NOT_HTTPS;
  }
  if (is_l && other_image_suffix(v->p, v->len)) {
    return MP_POLICY_ERR_L_NOT_SVG;
  }
  return MP_POLICY_OK;
}

struct bimi_seen {
  bool v, l, a, lps, avp;
};

/* lps= in draft-14 section 4.3 (the local-part selectors of 4.5): "The
 * value of this tag is zero, one or more local-part string prefixes",
 *   local-part-prefix-list = local-part-prefix
 *                            *[ *WSP "," *WSP local-part-prefix ]
 *   local-part-prefix      = 1*63local-part-text
 *   local-part-text        = ALPHA / DIGIT / "-"
 * An empty value is the empty list. draft-10's "true" / "false" are
 * prefixes too, so records written for it still parse. */
static bool lps_ok(const struct mp_slice *v)
{
  size_t i = 0;

  if (v->len == 0) {
    return true;
  }
  for (;;) {
    size_t b = i;

    while (i < v->len && (mp_is_alnum(v->p[i]) || v->p[i] == '-')) {
      i++;
    }
    if (i == b || i - b > 63) {
      return false;
    }
    while (i < v->len && mp_is_wsp(v->p[i])) {
      i++;
    }
    if (i == v->len) {
      return true;
    }
    if (v->p[i] != ',') {
      return false;
    }
    for (i++; i < v->len && mp_is_wsp(v->p[i]); i++) {
    }
  }
}

/* One tag of the assertion record. Returns MP_POLICY_OK or the error. */
static enum mp_policy_error bimi_tag(const char *name, size_t nl,
                                     const struct mp_slice *v,
                                     struct bimi_seen *seen,
                                     struct mp_bimi *out)
{
  bool *dup = NULL;

  if (mp_eq(name, nl, "v")) {
    dup = &seen->v;
  } else if (mp_eq(name, nl, "l")) {
    dup = &seen->l;
    out->l = *v;
  } else if (mp_eq(name, nl, "a")) {
    dup = &seen->a;
    out->a = *v;
  } else if (mp_eq(name, nl, "lps")) {
    dup = &seen->lps;
    out->lps = *v;
  } else if (mp_eq(name, nl, "avp")) {
    dup = &seen->avp;
    out->avp = *v;
  } else {
    out->nunknown++; /* 4.3: unknown tags MUST be ignored */
    return MP_POLICY_OK;
  }
  /* RFC 6376 3.2: a tag name twice makes the whole tag-list invalid. */
  if (*dup) {
    return MP_POLICY_ERR_DUPLICATE_TAG;
  }
  *dup = true;
  if (dup == &seen->l || dup == &seen->a) {
    return bimi_uri(v, dup == &seen->l);
  }
  if (dup == &seen->lps && !lps_ok(v)) {
    return MP_POLICY_ERR_BAD_LPS;
  }
  if (dup == &seen->avp) {
    /* 4.3: %s"personal" / "brand"; "Any other values MUST be ignored",
     * so the record stands (brand applies), flagged */
    out->bad_avp =
        !mp_eq(v->p, v->len, "brand") && !mp_eq(v->p, v->len, "personal");
  }
  return MP_POLICY_OK;
}

enum mp_policy_error mp_policy_bimi_tags(const char *s, size_t n,
                                         struct mp_bimi *out, int64_t *off)
{
  struct bimi_seen seen = {false, false, false, false, false};
  size_t i = 0;

  for (;;) {
    size_t b = i, e, nb, ne;
    struct mp_slice v;
    enum mp_policy_error code;

    while (i < n && s[i] != ';') {
      i++;
    }
    for (e = i; b < e && is_fws(s[b]); b++) {
    }
    while (e > b && is_fws(s[e - 1])) {
      e--;
    }
    if (b == e && i == n && b > 0) {
      break; /* the optional trailing ";" */
    }
    for (nb = ne = b; ne < e && (mp_is_alnum(s[ne]) || s[ne] == '_'); ne++) {
    }
    for (v.p = s + ne; v.p < s + e && is_fws(*v.p); v.p++) {
    }
    if (ne == nb || !mp_is_alpha(s[nb]) || v.p == s + e || *v.p != '=') {
      *off = (int64_t)(v.p - s);
      return MP_POLICY_ERR_SYNTAX;
    }
    for (v.p++; v.p < s + e && is_fws(*v.p); v.p++) {
    }
    v.len = (size_t)(s + e - v.p);
    for (size_t k = 0; k < v.len; k++) {
      unsigned char c = (unsigned char)v.p[k];

      if (!is_fws(v.p[k]) && (c < 0x21 || c > 0x7e || c == ';')) {
        *off = (int64_t)(v.p + k - s);
        return MP_POLICY_ERR_SYNTAX;
      }
    }
    if ((code = bimi_tag(s + nb, ne - nb, &v, &seen, out)) != MP_POLICY_OK) {
      *off = (int64_t)nb;
      return code;
    }
    if (i == n) {
      break;
    }
    i++;
  }
  *off = -1;
  if (!seen.l) {
    return MP_POLICY_ERR_MISSING_L; /* 4.3: l= is REQUIRED */
  }
  if (out->l.len == 0 && out->a.len != 0) {
    /* An empty l= declines only with an empty a= (4.3.1, 7.5); without a
     * location "Indicator Discovery has failed, and the Indicator MUST NOT
     * be displayed" (7.3 step 1). */
    return MP_POLICY_ERR_EMPTY_L;
  }
  return MP_POLICY_OK;
}
