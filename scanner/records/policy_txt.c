#include "scanner/records/policy_txt.h"

#include <string.h>

#include "scanner/base/ascii.h"

/* ---- Bytes ----------------------------------------------------------- */

static bool is_wsp(char c)
{
  return c == ' ' || c == '\t';
}

/* FWS inside a DKIM-style tag-list (RFC 6376 section 2.8): WSP, and the
 * CR LF of a folded line. */
static bool is_fws(char c)
{
  return is_wsp(c) || c == '\r' || c == '\n';
}

/* s[0..n) equals w exactly (the %s"..." strings of RFC 7405). */
static bool eq(const char *s, size_t n, const char *w)
{
  return strlen(w) == n && memcmp(s, w, n) == 0;
}

static struct mp_slice slice(const char *p, size_t len)
{
  struct mp_slice s = {p, len};

  return s;
}

/* ---- URIs (RFC 3986) --------------------------------------------------- */

enum uri_kind { URI_BAD, URI_OTHER, URI_HTTPS, URI_MAILTO };

#define URI_NO_BANG 1u /* "!" and ";" must be encoded too (RFC 8460 3) */
#define URI_FQDN    2u /* an https host must be a domain name (BIMI a=) */

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
    if (he == h + 1 || he >= i || p[he] != ']' || (flags & URI_FQDN)) {
      return false;
    }
    he++;
  } else {
    he = h;
    while (he < i && p[he] != ':' && p[he] != '[' && p[he] != ']') {
      he++;
    }
    if (he == h || ((flags & URI_FQDN) && !fqdn(p + h, he - h))) {
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

/* One absolute URI: scheme ":" then URI bytes (RFC 3986 section 3), with
 * well-formed pct-encoding and at most one "#". Schemes compare without
 * case (3.1). */
static enum uri_kind check_uri(const char *p, size_t n, unsigned flags)
{
  size_t i = 0, hashes = 0;

  if (n == 0 || !mp_is_alpha(p[0])) {
    return URI_BAD;
  }
  while (i < n &&
         (mp_is_alnum(p[i]) || p[i] == '+' || p[i] == '-' || p[i] == '.')) {
    i++;
  }
  if (i == n || p[i] != ':') {
    return URI_BAD;
  }
  for (size_t j = i + 1; j < n; j++) {
    if (!uri_byte(p[j]) ||
        ((flags & URI_NO_BANG) && (p[j] == '!' || p[j] == ';')) ||
        (p[j] == '%' &&
         (n - j < 3 || !mp_is_hex(p[j + 1]) || !mp_is_hex(p[j + 2]))) ||
        (p[j] == '#' && ++hashes > 1)) {
      return URI_BAD;
    }
  }
  if (mp_ieq(p, i, "https")) {
    return https_ok(p + i + 1, n - i - 1, flags) ? URI_HTTPS : URI_BAD;
  }
  if (mp_ieq(p, i, "mailto")) {
    return mailto_ok(p + i + 1, n - i - 1) ? URI_MAILTO : URI_BAD;
  }
  return URI_OTHER;
}

/* ---- Record selection ------------------------------------------------ */

static void fail(struct mp_policy_pick *pk, const char *code, int64_t off)
{
  pk->status = MP_POLICY_INVALID;
  pk->error = code;
  pk->error_offset = off;
}

/* Starts like a version tag of this protocol, whatever its case, spacing
 * or number: "v" *WSP "=" *WSP then proto (compared without case). */
static bool near_miss(const char *s, size_t n, const char *proto)
{
  size_t i = 0, pl = strlen(proto);

  while (i < n && is_fws(s[i])) {
    i++;
  }
  if (i == n || mp_lower(s[i]) != 'v') {
    return false;
  }
  for (i++; i < n && is_wsp(s[i]); i++) {
  }
  if (i == n || s[i] != '=') {
    return false;
  }
  for (i++; i < n && is_wsp(s[i]); i++) {
  }
  return n - i >= pl && mp_ieq(s + i, pl, proto);
}

typedef bool (*candidate_fn)(const char *s, size_t n, size_t *after);

/* Counts the records that pass is_candidate and stores the first in pk.
 * Returns true when exactly one passed: its text is in pk->record and
 * *after is where the fields begin. */
static bool pick(const struct mp_rr *rr, size_t n, candidate_fn is_candidate,
                 const char *proto, struct mp_policy_pick *pk, size_t *after)
{
  size_t near = n;

  memset(pk, 0, sizeof(*pk));
  pk->status = MP_POLICY_NONE;
  pk->error_offset = -1;
  for (size_t i = 0; i < n; i++) {
    const char *s = rr[i].data ? rr[i].data : "";
    size_t len = rr[i].data ? rr[i].len : 0, a;

    if (rr[i].type != MP_T_TXT) {
      continue;
    }
    if (is_candidate(s, len, &a)) {
      if (pk->candidates++ == 0) {
        pk->index = i;
        pk->record = slice(s, len);
        *after = a;
      }
    } else if (near == n && near_miss(s, len, proto)) {
      near = i;
    }
  }
  if (pk->candidates > 1) {
    fail(pk, "multiple_records", -1);
  } else if (pk->candidates == 0 && near < n) {
    pk->index = near;
    pk->record = slice(rr[near].data, rr[near].len);
    fail(pk, "bad_version", 0);
  }
  return pk->candidates == 1;
}

/* RFC 8461 3.1 and RFC 8460 3: records that do not begin with the
 * version and ";" are discarded. The ABNF's field delimiter is
 * *WSP ";" *WSP, so "v=STSv1 ;" passes too (erratum 6285 reports the
 * mismatch; we follow the grammar). A bare "v=STSv1" does not. */
static bool begins_with(const char *s, size_t n, const char *ver, size_t *after)
{
  size_t vl = strlen(ver), i;

  if (n < vl || memcmp(s, ver, vl) != 0) {
    return false;
  }
  for (i = vl; i < n && is_wsp(s[i]); i++) {
  }
  *after = vl;
  return i < n && s[i] == ';';
}

static bool is_mta_sts(const char *s, size_t n, size_t *after)
{
  return begins_with(s, n, "v=STSv1", after);
}

static bool is_tls_rpt(const char *s, size_t n, size_t *after)
{
  return begins_with(s, n, "v=TLSRPTv1", after);
}

/* BIMI draft-10 7.2 step 4: records that do not start with a "v=" tag
 * naming the current version are discarded. The tag follows the DKIM
 * tag-spec ([FWS] name [FWS] "=" [FWS] value [FWS]) and "the value of
 * this tag MUST match precisely" (4.3), so "v=bimi1" is discarded. */
static bool is_bimi(const char *s, size_t n, size_t *after)
{
  size_t i = 0;

  while (i < n && is_fws(s[i])) {
    i++;
  }
  if (i == n || s[i] != 'v') {
    return false;
  }
  for (i++; i < n && is_fws(s[i]); i++) {
  }
  if (i == n || s[i] != '=') {
    return false;
  }
  for (i++; i < n && is_fws(s[i]); i++) {
  }
  if (n - i < 5 || memcmp(s + i, "BIMI1", 5) != 0) {
    return false;
  }
  *after = 0;
  for (i += 5; i < n && is_fws(s[i]); i++) {
  }
  return i == n || s[i] == ';';
}

/* ---- MTA-STS and TLS-RPT fields --------------------------------------- */

struct field {
  size_t name, name_len, val, val_len;
};

/* The next field of sts-text-record / tlsrpt-record after *pos:
 * field-delim (*WSP ";" *WSP) then name "=" value, where the value runs to
 * the next ";" less trailing WSP. Returns 1 with a field, 0 at the end
 * (an optional trailing delimiter), -1 with *err on a syntax error. */
static int next_field(const char *s, size_t n, size_t *pos, struct field *f,
                      size_t *err)
{
  size_t j = *pos;

  if (j == n) {
    return 0;
  }
  while (j < n && is_wsp(s[j])) {
    j++;
  }
  if (j == n || s[j] != ';') { /* WSP at the end without a ";" too */
    *err = *pos;
    return -1;
  }
  for (j++; j < n && is_wsp(s[j]); j++) {
  }
  if (j == n) {
    *pos = j;
    return 0;
  }
  f->name = j;
  while (j < n &&
         (mp_is_alnum(s[j]) || s[j] == '_' || s[j] == '-' || s[j] == '.')) {
    j++;
  }
  f->name_len = j - f->name;
  if (f->name_len == 0 || j == n || s[j] != '=') {
    *err = j;
    return -1;
  }
  f->val = ++j;
  while (j < n && s[j] != ';') {
    j++;
  }
  while (j > f->val && is_wsp(s[j - 1])) {
    j--;
  }
  f->val_len = j - f->val;
  *pos = j;
  return 1;
}

/* sts-extension / tlsrpt-extension: name = (ALPHA / DIGIT)
 * *31(ALPHA / DIGIT / "_" / "-" / "."), value = 1*(%x21-3A / %x3C /
 * %x3E-7E). The name's bytes were checked by next_field(). */
static bool extension_ok(const char *s, const struct field *f)
{
  if (f->name_len > 32 || !mp_is_alnum(s[f->name]) || f->val_len == 0) {
    return false;
  }
  for (size_t i = f->val; i < f->val + f->val_len; i++) {
    unsigned char c = (unsigned char)s[i];

    if (c < 0x21 || c > 0x7e || c == ';' || c == '=') {
      return false;
    }
  }
  return true;
}

enum mp_policy_status mp_policy_txt_parse_mta_sts(const struct mp_rr *rr,
                                                  size_t n,
                                                  struct mp_mta_sts *out)
{
  struct mp_policy_pick *pk = &out->pick;
  struct field f;
  size_t pos = 0, err = 0;
  const char *s;
  int r;

  memset(out, 0, sizeof(*out));
  if (!pick(rr, n, is_mta_sts, "stsv", pk, &pos)) {
    return pk->status;
  }
  s = pk->record.p;
  while ((r = next_field(s, pk->record.len, &pos, &f, &err)) == 1) {
    if (eq(s + f.name, f.name_len, "id")) {
      /* sts-id = %s"id=" 1*32(ALPHA / DIGIT). A second id would
       * leave the policy's cache key ambiguous: we reject it. */
      bool ok = f.val_len >= 1 && f.val_len <= 32;

      for (size_t i = f.val; ok && i < f.val + f.val_len; i++) {
        ok = mp_is_alnum(s[i]);
      }
      if (out->id.p) {
        fail(pk, "duplicate_id", (int64_t)f.name);
        break;
      }
      if (!ok) {
        fail(pk, "bad_id", (int64_t)f.val);
        break;
      }
      out->id = slice(s + f.val, f.val_len);
    } else if (!extension_ok(s, &f)) {
      fail(pk, "bad_extension", (int64_t)f.name);
      break;
    } else {
      out->nextensions++;
    }
  }
  if (r < 0) {
    fail(pk, "syntax", (int64_t)err);
  } else if (!pk->error && !out->id.p) {
    fail(pk, "missing_id", -1);
  }
  if (pk->error) {
    out->id = slice(NULL, 0);
    return pk->status;
  }
  pk->status = MP_POLICY_VALID;
  return pk->status;
}

/* tlsrpt-rua = %s"rua=" tlsrpt-uri *(*WSP "," *WSP tlsrpt-uri). Returns
 * NULL or an error code with *err. */
static const char *rua_list(const char *s, const struct field *f,
                            struct mp_tls_rpt *out, size_t *err)
{
  size_t i = f->val, end = f->val + f->val_len;

  for (;;) {
    size_t b, e;
    enum uri_kind k;

    while (i < end && is_wsp(s[i])) {
      i++;
    }
    for (b = i; i < end && s[i] != ','; i++) {
    }
    for (e = i; e > b && is_wsp(s[e - 1]); e--) {
    }
    *err = b;
    k = check_uri(s + b, e - b, URI_NO_BANG);
    if (k == URI_BAD) {
      return "bad_rua";
    }
    if (k == URI_OTHER) { /* section 3: "mailto" and "https" only */
      return "bad_rua_scheme";
    }
    if (out->nrua < MP_TLS_RPT_RUA_MAX) {
      out->rua[out->nrua] = slice(s + b, e - b);
    }
    out->nrua++;
    if (i == end) {
      return NULL;
    }
    i++; /* the comma */
  }
}

enum mp_policy_status mp_policy_txt_parse_tls_rpt(const struct mp_rr *rr,
                                                  size_t n,
                                                  struct mp_tls_rpt *out)
{
  struct mp_policy_pick *pk = &out->pick;
  struct field f;
  size_t pos = 0, err = 0;
  const char *s, *code;
  int r;

  memset(out, 0, sizeof(*out));
  if (!pick(rr, n, is_tls_rpt, "tlsrptv", pk, &pos)) {
    return pk->status;
  }
  s = pk->record.p;
  while ((r = next_field(s, pk->record.len, &pos, &f, &err)) == 1) {
    if (eq(s + f.name, f.name_len, "rua")) {
      if ((code = rua_list(s, &f, out, &err)) != NULL) {
        fail(pk, code, (int64_t)err);
        break;
      }
    } else if (!extension_ok(s, &f)) {
      fail(pk, "bad_extension", (int64_t)f.name);
      break;
    } else {
      out->nextensions++;
    }
  }
  if (r < 0) {
    fail(pk, "syntax", (int64_t)err);
  } else if (!pk->error && out->nrua == 0) {
    fail(pk, "missing_rua", -1);
  }
  if (pk->error) {
    out->nrua = 0;
    memset(out->rua, 0, sizeof(out->rua));
    return pk->status;
  }
  pk->status = MP_POLICY_VALID;
  return pk->status;
}

/* ---- BIMI ---------------------------------------------------------- */

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
 * fully qualified domain (4.3). Returns NULL or an error code. */
static const char *bimi_uri(const struct mp_slice *v, bool is_l)
{
  enum uri_kind k;

  if (v->len == 0) {
    return NULL;
  }
  k = check_uri(v->p, v->len, is_l ? 0 : URI_FQDN);
  if (k == URI_BAD) {
    return is_l ? "bad_l_uri" : "bad_a_uri";
  }
  if (k != URI_HTTPS) {
    return is_l ? "l_not_https" : "a_not_https";
  }
  if (is_l && other_image_suffix(v->p, v->len)) {
    return "l_not_svg";
  }
  return NULL;
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
    while (i < v->len && is_wsp(v->p[i])) {
      i++;
    }
    if (i == v->len) {
      return true;
    }
    if (v->p[i] != ',') {
      return false;
    }
    for (i++; i < v->len && is_wsp(v->p[i]); i++) {
    }
  }
}

/* One tag of the assertion record. Returns NULL or an error code. */
static const char *bimi_tag(const char *name, size_t nl,
                            const struct mp_slice *v, struct bimi_seen *seen,
                            struct mp_bimi *out)
{
  bool *dup = NULL;

  if (eq(name, nl, "v")) {
    dup = &seen->v;
  } else if (eq(name, nl, "l")) {
    dup = &seen->l;
    out->l = *v;
  } else if (eq(name, nl, "a")) {
    dup = &seen->a;
    out->a = *v;
  } else if (eq(name, nl, "lps")) {
    dup = &seen->lps;
    out->lps = *v;
  } else if (eq(name, nl, "avp")) {
    dup = &seen->avp;
    out->avp = *v;
  } else {
    out->nunknown++; /* 4.3: unknown tags MUST be ignored */
    return NULL;
  }
  /* RFC 6376 3.2: a tag name twice makes the whole tag-list invalid. */
  if (*dup) {
    return "duplicate_tag";
  }
  *dup = true;
  if (dup == &seen->l || dup == &seen->a) {
    return bimi_uri(v, dup == &seen->l);
  }
  if (dup == &seen->lps && !lps_ok(v)) {
    return "bad_lps";
  }
  if (dup == &seen->avp) {
    /* 4.3: %s"personal" / "brand"; "Any other values MUST be ignored",
     * so the record stands (brand applies), flagged */
    out->bad_avp = !eq(v->p, v->len, "brand") && !eq(v->p, v->len, "personal");
  }
  return NULL;
}

/* The DKIM tag-list (RFC 6376 3.2) of the selected record: tag-spec
 * *(";" tag-spec) [";"], tag-spec = [FWS] tag-name [FWS] "=" [FWS]
 * tag-value [FWS], tag-name = ALPHA *(ALPHA / DIGIT / "_"), tag-value =
 * VALCHARs (%x21-3A / %x3C-7E) with inner FWS. */
static void bimi_tags(const char *s, size_t n, struct mp_bimi *out)
{
  struct bimi_seen seen = {false, false, false, false, false};
  size_t i = 0;

  for (;;) {
    size_t b = i, e, nb, ne;
    struct mp_slice v;
    const char *code;

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
      fail(&out->pick, "syntax", (int64_t)(v.p - s));
      return;
    }
    for (v.p++; v.p < s + e && is_fws(*v.p); v.p++) {
    }
    v.len = (size_t)(s + e - v.p);
    for (size_t k = 0; k < v.len; k++) {
      unsigned char c = (unsigned char)v.p[k];

      if (!is_fws(v.p[k]) && (c < 0x21 || c > 0x7e || c == ';')) {
        fail(&out->pick, "syntax", (int64_t)(v.p + k - s));
        return;
      }
    }
    if ((code = bimi_tag(s + nb, ne - nb, &v, &seen, out)) != NULL) {
      fail(&out->pick, code, (int64_t)nb);
      return;
    }
    if (i == n) {
      break;
    }
    i++;
  }
  if (!seen.l) {
    fail(&out->pick, "missing_l", -1); /* 4.3: l= is REQUIRED */
  } else if (out->l.len == 0 && out->a.len != 0) {
    /* An empty l= declines only with an empty a= (4.3.1, 7.5); without a
     * location "Indicator Discovery has failed, and the Indicator MUST NOT
     * be displayed" (7.3 step 1). */
    fail(&out->pick, "empty_l", -1);
  }
}

enum mp_policy_status mp_policy_txt_parse_bimi(const struct mp_rr *rr, size_t n,
                                               struct mp_bimi *out)
{
  struct mp_policy_pick *pk = &out->pick;
  size_t pos = 0;

  memset(out, 0, sizeof(*out));
  if (!pick(rr, n, is_bimi, "bimi", pk, &pos)) {
    return pk->status;
  }
  bimi_tags(pk->record.p, pk->record.len, out);
  if (pk->error) {
    out->l = out->a = out->lps = out->avp = slice(NULL, 0);
    out->bad_avp = false;
    return pk->status;
  }
  /* 4.3.1: both empty is a declination to publish. */
  out->declined = out->l.len == 0 && out->a.len == 0;
  pk->status = MP_POLICY_VALID;
  return pk->status;
}

const char *mp_policy_status_name(enum mp_policy_status s)
{
  switch (s) {
  case MP_POLICY_NONE:
    return "none";
  case MP_POLICY_VALID:
    return "valid";
  case MP_POLICY_INVALID:
    return "invalid";
  }
  return "none";
}
