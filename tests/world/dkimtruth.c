#include "tests/world/dkimtruth.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *const mp_dkimt_selectors[] = {
    "google",   "selector1", "selector2", "k1",       "k2",   "k3",
    "s1",       "s2",        "default",   "dkim",     "mail", "smtpapi",
    "mandrill", "mailjet",   "zendesk1",  "zendesk2", "pm",   "sig1",
};
const size_t mp_dkimt_nselectors =
    sizeof(mp_dkimt_selectors) / sizeof(mp_dkimt_selectors[0]);

static bool blank(char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int b64val(char c)
{
  return c >= 'A' && c <= 'Z'   ? c - 'A'
         : c >= 'a' && c <= 'z' ? c - 'a' + 26
         : c >= '0' && c <= '9' ? c - '0' + 52
         : c == '+'             ? 62
         : c == '/'             ? 63
                                : -1;
}

/* A DER tag and length at *p (X.690 section 8.1); returns the content
 * length or -1, and moves *p to the content. */
static long der_item(const uint8_t **p, const uint8_t *end, uint8_t tag)
{
  const uint8_t *q = *p;
  size_t len;

  if (end - q < 2 || q[0] != tag) {
    return -1;
  }
  len = q[1];
  q += 2;
  if (len & 0x80) {
    size_t k = len & 0x7f;
    if (k == 0 || k > 2 || (size_t)(end - q) < k) {
      return -1;
    }
    for (len = 0; k > 0; k--) {
      len = len << 8 | *q++;
    }
  }
  if ((size_t)(end - q) < len) {
    return -1;
  }
  *p = q;
  return (long)len;
}

unsigned mp_dkimt_rsa_bits(const char *b64, size_t n)
{
  uint8_t der[2048];
  const uint8_t *p = der, *end;
  size_t k = 0, bits = 0;
  uint32_t acc = 0;
  long len;

  for (size_t i = 0; i < n; i++) {
    int v = b64val(b64[i]);
    if (blank(b64[i]) || b64[i] == '=') {
      continue;
    }
    if (v < 0 || k >= sizeof(der)) {
      return 0;
    }
    acc = acc << 6 | (uint32_t)v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      der[k++] = (uint8_t)(acc >> bits);
    }
  }
  end = der + k;
  /* SubjectPublicKeyInfo { AlgorithmIdentifier, BIT STRING { 0 unused,
   * RSAPublicKey { INTEGER n, INTEGER e } } } (RFC 3279 section 2.3.1) */
  if (der_item(&p, end, 0x30) < 0 || (len = der_item(&p, end, 0x30)) < 0) {
    return 0;
  }
  p += len;
  if (der_item(&p, end, 0x03) < 1 || *p++ != 0 || der_item(&p, end, 0x30) < 0 ||
      (len = der_item(&p, end, 0x02)) < 1) {
    return 0;
  }
  while (len > 0 && *p == 0) {
    p++;
    len--;
  }
  if (len == 0) {
    return 0;
  }
  bits = (size_t)len * 8;
  for (uint8_t top = *p; (top & 0x80) == 0; top = (uint8_t)(top << 1)) {
    bits--;
  }
  return (unsigned)bits;
}

/* ---- the key record (RFC 6376 sections 3.2, 3.6.1) ---- */

#define MAX_TAGS 16

struct tagv {
  const char *v; /* the value, blanks trimmed */
  size_t n;
  bool present;
};

/* A record's tag-list as far as it parses. */
struct taglist {
  struct tagv v, k, p, t, h, s;
  bool bad;     /* a syntax error or a repeated tag (section 3.2) */
  bool v_first; /* v= is the first tag */
  size_t ntags; /* tags read before any error */
  struct {
    const char *p;
    size_t n;
  } name[MAX_TAGS];
};

static bool alpha(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool alnumpunc(char c)
{
  return alpha(c) || (c >= '0' && c <= '9') || c == '_';
}

/* tag-spec = [FWS] tag-name [FWS] "=" [FWS] tag-value [FWS] over p[s..e),
 * tag-name = ALPHA *ALNUMPUNC, tag-value = tvals of VALCHAR (%x21-3A /
 * %x3C-7E) separated by FWS (any blank here). False when it is not one. */
static bool tag_spec(const char *p, size_t s, size_t e, struct tagv *name,
                     struct tagv *val)
{
  size_t k = s;

  while (k < e && blank(p[k])) {
    k++;
  }
  if (k == e || !alpha(p[k])) {
    return false;
  }
  *name = (struct tagv){p + k, 0, true};
  while (k < e && alnumpunc(p[k])) {
    k++;
  }
  name->n = (size_t)(p + k - name->v);
  while (k < e && blank(p[k])) {
    k++;
  }
  if (k == e || p[k] != '=') {
    return false;
  }
  for (k++; k < e && blank(p[k]); k++) {
  }
  while (e > k && blank(p[e - 1])) {
    e--;
  }
  for (size_t i = k; i < e; i++) {
    if (!blank(p[i]) && ((unsigned char)p[i] < 0x21 ||
                         (unsigned char)p[i] > 0x7e || p[i] == ';')) {
      return false;
    }
  }
  *val = (struct tagv){p + k, e - k, true};
  return true;
}

/* Reads the tag-list p[0..n) (section 3.2): tag-spec *(";" tag-spec)
 * [";"], no tag name twice. Stops at the first error (l->bad). */
static void taglist(const char *p, size_t n, struct taglist *l)
{
  memset(l, 0, sizeof(*l));
  for (size_t a = 0; a <= n;) {
    size_t b = a, e;
    struct tagv name, val;
    while (b < n && p[b] != ';') {
      b++;
    }
    for (e = a; e < b && blank(p[e]); e++) {
    }
    if (e == b && b == n && a > 0) {
      return; /* the optional ";" at the end */
    }
    if (!tag_spec(p, a, b, &name, &val) || l->ntags == MAX_TAGS) {
      l->bad = true;
      return;
    }
    for (size_t i = 0; i < l->ntags; i++) {
      if (l->name[i].n == name.n && memcmp(l->name[i].p, name.v, name.n) == 0) {
        l->bad = true;
        return;
      }
    }
    l->name[l->ntags].p = name.v;
    l->name[l->ntags].n = name.n;
    if (name.n == 1) {
      struct tagv *slot = name.v[0] == 'v'   ? &l->v
                          : name.v[0] == 'k' ? &l->k
                          : name.v[0] == 'p' ? &l->p
                          : name.v[0] == 't' ? &l->t
                          : name.v[0] == 'h' ? &l->h
                          : name.v[0] == 's' ? &l->s
                                             : NULL;
      if (slot != NULL) {
        *slot = val;
      }
      l->v_first = l->v_first || (name.v[0] == 'v' && l->ntags == 0);
    }
    l->ntags++;
    a = b + 1;
  }
}

static bool is(const struct tagv *t, const char *lit)
{
  return t->n == strlen(lit) && memcmp(t->v, lit, t->n) == 0;
}

/* A ':'-separated list (h=, s=, t=) with no empty item; *flag_y: an item
 * is "y". */
static bool list_ok(const struct tagv *t, bool *flag_y)
{
  for (size_t i = 0; t->present && i <= t->n;) {
    size_t j = i, s = i, e;
    while (j < t->n && t->v[j] != ':') {
      j++;
    }
    for (e = j; s < e && blank(t->v[s]); s++) {
    }
    while (e > s && blank(t->v[e - 1])) {
      e--;
    }
    if (s == e) {
      return false;
    }
    *flag_y = *flag_y || (e - s == 1 && t->v[s] == 'y');
    i = j + 1;
  }
  return true;
}

/* base64string (section 3.6.1) with blanks skipped: alphabet characters,
 * then at most two "=", in groups of four. The decoded length, or -1. */
static long b64_len(const char *p, size_t n)
{
  size_t chars = 0, pad = 0;

  for (size_t i = 0; i < n; i++) {
    if (blank(p[i])) {
      continue;
    }
    if (p[i] == '=') {
      pad++;
    } else if (b64val(p[i]) < 0 || pad > 0) {
      return -1;
    } else {
      chars++;
    }
  }
  if (pad > 2 || (chars + pad) % 4 != 0) {
    return -1;
  }
  return (long)(chars / 4 * 3 + chars % 4 * 3 / 4);
}

/* What a key record gives the row. */
struct key {
  char type[64];
  unsigned bits;
  bool revoked, testing;
  const char *error; /* a code of docs/schema.md "DKIM key errors" */
};

/* Checks the record in the order a verifier reads it: the tag-list, the
 * version, the lists, p= present, p= empty (revoked), the key type, the
 * base64, the key. The first problem is the error. */
static void check_key(const struct taglist *l, struct key *k)
{
  bool unused = false;
  long len;

  *k = (struct key){.type = "rsa"};
  if (l->k.present && l->k.n > 0 && l->k.n < sizeof(k->type)) {
    memcpy(k->type, l->k.v, l->k.n);
    k->type[l->k.n] = '\0';
  }
  if (l->bad) {
    k->error = "bad_syntax";
  } else if (l->v.present && (!l->v_first || !is(&l->v, "DKIM1"))) {
    k->error = "bad_version";
  } else if ((l->k.present && l->k.n == 0) || !list_ok(&l->h, &unused) ||
             !list_ok(&l->s, &unused) || !list_ok(&l->t, &k->testing)) {
    k->error = "bad_syntax";
  } else if (!l->p.present) {
    k->error = "missing_p";
  } else if (l->p.n == 0) {
    k->revoked = true; /* "An empty value means that this public key has
                          been revoked." */
  } else if (!is(&l->k, "rsa") && !is(&l->k, "ed25519") && l->k.present) {
    k->error = "unknown_key_type";
  } else if ((len = b64_len(l->p.v, l->p.n)) < 0) {
    k->error = "bad_base64";
  } else if (strcmp(k->type, "ed25519") == 0) {
    k->error = len == 32 ? NULL : "bad_ed25519_length"; /* RFC 8463 4.2 */
  } else if ((k->bits = mp_dkimt_rsa_bits(l->p.v, l->p.n)) == 0) {
    k->error = "bad_der";
  }
}

static void finding(struct mp_dkimt_row *row, const char *code)
{
  for (size_t i = 0; i < row->nfindings; i++) {
    if (strcmp(row->findings[i], code) == 0) {
      return;
    }
  }
  assert(row->nfindings < MP_DKIMT_FINDINGS);
  row->findings[row->nfindings++] = code;
}

/* Appends an item to a ','-joined list of cap bytes at *len. */
__attribute__((format(printf, 4, 5))) static void
add(char *out, size_t cap, size_t *len, const char *fmt, ...)
{
  va_list ap;
  int w;

  if (*len > 0) {
    out[(*len)++] = ',';
  }
  va_start(ap, fmt);
  w = vsnprintf(out + *len, cap - *len, fmt, ap);
  va_end(ap);
  assert(w > 0 && (size_t)w < cap - *len);
  *len += (size_t)w;
}

/* One selector's entry into row->keys; false when it has no key record:
 * a TXT record whose tag-list, as far as it parses, has a v= or a p=. A
 * probe that fails (SERVFAIL, REFUSED) has no answer to read: it goes to
 * row->failed instead, with DKIM_PROBE_FAILED. */
static bool probe(const struct mp_dv *v, const char *sel, const char *domain,
                  struct mp_dkimt_row *row, size_t *len, size_t *elen,
                  size_t *flen)
{
  char q[300], buf[4096];
  struct mp_dv_ans a;
  struct taglist l;
  struct key k;
  size_t found = 0;

  snprintf(q, sizeof(q), "%s._domainkey.%s", sel, domain);
  mp_dv_query(v, q, MP_ZT_TXT, false, &a);
  if (a.rc == MP_DV_SERVFAIL || a.rc == MP_DV_REFUSED) {
    add(row->failed, sizeof(row->failed), flen, "%s=%s", sel,
        a.rc == MP_DV_SERVFAIL ? "servfail" : "refused");
    finding(row, "DKIM_PROBE_FAILED");
    return false;
  }
  for (size_t i = a.first; i < a.first + a.n && found == 0; i++) {
    size_t n = mp_dv_txt(a.db, i, buf, sizeof(buf));
    taglist(buf, n, &l);
    found = l.v.present || l.p.present;
  }
  if (found == 0) {
    return false;
  }
  check_key(&l, &k);
  if (k.error != NULL) {
    add(row->errors, sizeof(row->errors), elen, "%s=%s", sel, k.error);
    finding(row, "DKIM_KEY_INVALID");
  } else if (k.revoked) {
    finding(row, "DKIM_KEY_REVOKED");
  } else if (strcmp(k.type, "rsa") == 0) { /* RFC 8301 section 3.2 */
    if (k.bits < 2048) {
      finding(row, k.bits < 1024 ? "DKIM_KEY_FORBIDDEN" : "DKIM_KEY_WEAK");
    }
    if (row->weakest == 0 || k.bits < row->weakest) {
      row->weakest = k.bits;
    }
  }
  if (k.testing) {
    finding(row, "DKIM_TESTING");
  }
  /* an RSA key under 1024 bits must not be used (RFC 8301 3.2): it does
   * not meet the verdict's DKIM requirement */
  row->usable = row->usable || (k.error == NULL && !k.revoked &&
                                (strcmp(k.type, "rsa") != 0 || k.bits >= 1024));
  add(row->keys, sizeof(row->keys), len, "%s:%s:%u%s%s%s%s", sel, k.type,
      k.bits, k.revoked ? ":revoked" : "", k.testing ? ":testing" : "",
      a.cname[0] != '\0' ? ":cname=" : "", a.cname);
  return true;
}

void mp_dkimt_eval(const struct mp_dv *v, const char *domain,
                   struct mp_dkimt_row *row)
{
  char q[300];
  struct mp_dv_ans a;
  size_t len = 0, elen = 0, flen = 0;

  row->status = "none"; /* the buffers are set below */
  row->probed = row->weakest = 0;
  row->usable = false;
  row->nfindings = 0;
  snprintf(q, sizeof(q), "_domainkey.%s", domain);
  mp_dv_query(v, q, MP_ZT_TXT, true, &a);
  if (a.rc == MP_DV_SERVFAIL) {
    row->status = "temperror";
  } else if (a.rc == MP_DV_NXDOMAIN) { /* RFC 8020: nothing below */
    row->status = "no_domainkey";
  } else {
    row->probed = (unsigned)mp_dkimt_nselectors;
    for (size_t s = 0; s < mp_dkimt_nselectors; s++) {
      if (probe(v, mp_dkimt_selectors[s], domain, row, &len, &elen, &flen)) {
        row->status = "found";
      }
    }
    if (len == 0 && flen > 0) { /* no key, and a probe had no answer */
      row->status = "temperror";
    }
  }
  if (len == 0) {
    snprintf(row->keys, sizeof(row->keys), "-");
  }
  if (elen == 0) {
    snprintf(row->errors, sizeof(row->errors), "-");
  }
  if (flen == 0) {
    snprintf(row->failed, sizeof(row->failed), "-");
  }
}
