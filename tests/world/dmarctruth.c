#include "tests/world/dmarctruth.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define MAX_URI    16 /* elements kept per list; the row lists 8 */
#define ROW_URIS   8
#define MAX_UNK    8
#define WALK_MAX   8 /* RFC 9989 section 4.10: at most eight queries */
#define REC_BYTES  4096
#define POL_ABSENT (-1)
#define POL_BAD    (-2)

static const char *const pol_names[] = {"none", "quarantine", "reject"};

static bool wsp(char c)
{
  return c == ' ' || c == '\t';
}

static bool alpha(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool digit(char c)
{
  return c >= '0' && c <= '9';
}

static bool hex(char c)
{
  return digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static char lower(char c)
{
  return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

bool mp_dmarct_is_record(const char *p, size_t n)
{
  size_t k = 1;

  if (n == 0 || lower(p[0]) != 'v') {
    return false;
  }
  while (k < n && wsp(p[k])) {
    k++;
  }
  if (k >= n || p[k++] != '=') {
    return false;
  }
  while (k < n && wsp(p[k])) {
    k++;
  }
  if (n - k < 6 || memcmp(p + k, "DMARC1", 6) != 0) {
    return false;
  }
  for (k += 6; k < n && wsp(p[k]); k++) {
  }
  return k == n || p[k] == ';';
}

void mp_dmarct_psl_org(const char *name, char *out)
{
  const char *last = strrchr(name, '.'), *p = name;

  if (last == NULL) {
    snprintf(out, 256, "-");
    return;
  }
  for (const char *q = name; q < last; q++) {
    if (*q == '.') {
      p = q + 1;
    }
  }
  snprintf(out, 256, "%s", p);
}

/* ---- one record ---- */

/* One element of a rua= or ruf= list, as offsets into the record. */
struct uri {
  uint16_t off, len;  /* the element up to its first '!' (no "!size") */
  uint16_t dom, dlen; /* a valid mailto: URI's domain, as written; dlen 0
                         for any other element */
};

struct pol {
  int p, sp, np;    /* index in pol_names, POL_ABSENT or POL_BAD */
  int pct;          /* -1 when absent, else the value that stands */
  char adkim, aspf; /* 'r' or 's': the value that stands (default r) */
  char t, psd;      /* the value that stands; 0 when absent */
  unsigned fo;      /* options of a valid fo= (bits of "01ds"), 0 */
  bool rua_usable;  /* at least one syntactically valid rua URI */
  struct uri uri[2][MAX_URI]; /* rua, ruf */
  size_t nuri[2];
  uint16_t unk[MAX_UNK][2]; /* unknown tag names: offset, length */
  size_t nunk;
  const char *removed[3]; /* pct rf ri, in record order */
  size_t nremoved;
  unsigned bad;  /* bit k of known[] in tag(): given, but the value is
                    outside the tag's grammar (its default stands) */
  bool repeated; /* a tag name given twice: the record is invalid */
};

/* RFC 3986 section 3 URI syntax, with commas and "!" encoded as RFC 9989
 * section 4.8 asks, after dropping an obsolete "!size" suffix. */
static bool uri_ok(const char *s, size_t *n)
{
  size_t e = *n, d, i;

  if (e > 0 && s[e - 1] != '\0' && strchr("kmgt", s[e - 1]) != NULL) {
    e--;
  }
  for (d = e; d > 0 && digit(s[d - 1]); d--) {
  }
  if (d < e && d > 0 && s[d - 1] == '!') {
    *n = d - 1;
  }
  if (*n == 0 || !alpha(s[0])) {
    return false;
  }
  for (i = 1; i < *n && (alpha(s[i]) || digit(s[i]) || s[i] == '+' ||
                         s[i] == '-' || s[i] == '.');
       i++) {
  }
  if (i >= *n || s[i] != ':' || i + 1 == *n) {
    return false;
  }
  for (i++; i < *n; i++) {
    if (s[i] == '%') {
      if (i + 2 >= *n || !hex(s[i + 1]) || !hex(s[i + 2])) {
        return false;
      }
      i += 2;
    } else if (!alpha(s[i]) && !digit(s[i]) &&
               (s[i] == '\0' || strchr("-._~:/?#[]@$&'()*+=", s[i]) == NULL)) {
      return false;
    }
  }
  return true;
}

/* The domain of a mailto: URI s[0..n): what follows its last '@', up to a
 * '?'. False when s is not a mailto: address. */
static bool mailto_domain(const char *s, size_t n, size_t *dom, size_t *dlen)
{
  size_t end = 7, at = 0;

  if (n < 7) {
    return false;
  }
  for (size_t i = 0; i < 7; i++) {
    if (lower(s[i]) != "mailto:"[i]) {
      return false;
    }
  }
  for (; end < n && s[end] != '?'; end++) {
    at = s[end] == '@' ? end : at;
  }
  if (at == 0 || at + 1 == end || end - at - 1 >= 256) {
    return false;
  }
  *dom = at + 1;
  *dlen = end - at - 1;
  return true;
}

/* A rua= or ruf= value rec[a..b): URIs separated by *WSP "," *WSP. Every
 * element is listed, valid or not (RFC 9989 section 4.8: a bad one is
 * ignored by receivers, but the row shows what is written). */
static void uri_list(struct pol *pl, const char *rec, size_t a, size_t b,
                     int which)
{
  for (size_t x = a; x <= b;) {
    size_t y = x, s = x, e, len, dom, dlen;
    while (y < b && rec[y] != ',') {
      y++;
    }
    for (e = y; s < e && wsp(rec[s]); s++) {
    }
    while (e > s && wsp(rec[e - 1])) {
      e--;
    }
    if (pl->nuri[which] < MAX_URI) {
      struct uri *u = &pl->uri[which][pl->nuri[which]++];
      const char *bang = memchr(rec + s, '!', e - s);
      len = e - s;
      u->off = (uint16_t)s;
      u->len = (uint16_t)(bang != NULL ? (size_t)(bang - (rec + s)) : len);
      u->dom = u->dlen = 0;
      if (uri_ok(rec + s, &len)) {
        pl->rua_usable = pl->rua_usable || which == 0;
        if (mailto_domain(rec + s, len, &dom, &dlen)) {
          u->dom = (uint16_t)(s + dom);
          u->dlen = (uint16_t)dlen;
        }
      }
    }
    x = y + 1;
  }
}

static int policy_value(const char *v, size_t n)
{
  for (int i = 0; i < 3; i++) {
    if (strlen(pol_names[i]) == n) {
      size_t k = 0;
      while (k < n && lower(v[k]) == pol_names[i][k]) {
        k++;
      }
      if (k == n) {
        return i;
      }
    }
  }
  return POL_BAD;
}

/* One letter out of `allowed` (any case), else the default dflt. */
static char flag_value(const char *v, size_t n, const char *allowed, char dflt)
{
  return n == 1 && strchr(allowed, lower(v[0])) != NULL ? lower(v[0]) : dflt;
}

/* RFC 7489 section 6.4 dmarc-fo: ("0" / "1" / "d" / "s") *(*WSP ":" *WSP
 * ...); the set of options, 0 when the value does not parse. */
static unsigned fo_value(const char *v, size_t n)
{
  unsigned bits = 0;
  size_t i = 0;

  for (;;) {
    const char *opt = i < n && v[i] != '\0' ? strchr("01ds", lower(v[i])) : 0;
    if (opt == NULL) {
      return 0;
    }
    bits |= 1u << (opt - "01ds");
    for (i++; i < n && wsp(v[i]); i++) {
    }
    if (i == n) {
      return bits;
    }
    if (v[i] != ':') {
      return 0;
    }
    for (i++; i < n && wsp(v[i]); i++) {
    }
  }
}

/* "pct": 1*3DIGIT, 0 to 100 (RFC 7489 section 6.3); -1 when the value is
 * not that (its default, 100, stands). */
static int pct_value(const char *v, size_t n)
{
  int x = 0;

  if (n == 0 || n > 3) {
    return -1;
  }
  for (size_t i = 0; i < n; i++) {
    if (!digit(v[i])) {
      return -1;
    }
    x = x * 10 + (v[i] - '0');
  }
  return x <= 100 ? x : -1;
}

/* "ri": a 32-bit unsigned integer (RFC 7489 section 6.3): digits only,
 * at most 4294967295. */
static bool ri_ok(const char *v, size_t n)
{
  unsigned long long x = 0;

  for (size_t i = 0; i < n; i++) {
    if (!digit(v[i])) {
      return false;
    }
    x = x * 10 + (unsigned long long)(v[i] - '0');
    if (x > 4294967295ULL) {
      return false;
    }
  }
  return n > 0;
}

/* "rf": Keyword *(*WSP ":" *WSP Keyword), a Keyword an Ldh-str of RFC 5321
 * section 4.1.2: letters, digits and "-", not starting or ending with "-"
 * (RFC 7489 section 6.4). */
static bool rf_ok(const char *v, size_t n)
{
  size_t i = 0;

  for (;;) {
    size_t k = i;
    while (k < n && (alpha(v[k]) || digit(v[k]) || v[k] == '-')) {
      k++;
    }
    if (k == i || v[i] == '-' || v[k - 1] == '-') {
      return false;
    }
    for (i = k; i < n && wsp(v[i]); i++) {
    }
    if (i == n) {
      return true;
    }
    if (v[i] != ':') {
      return false;
    }
    for (i++; i < n && wsp(v[i]); i++) {
    }
  }
}

/* One tag of a record (RFC 9989 section 4.8): a value outside dmarc-value
 * makes the tag an error, discarded in favour of its default; unknown tags
 * are ignored (and listed). A repeated tag is left to parse(), which
 * voids the whole record. */
static void tag(struct pol *pl, const char *rec, size_t name, size_t nn,
                size_t v, size_t n, unsigned *seen)
{
  static const char *const known[] = {"v",    "p",  "sp",  "np",  "pct",
                                      "rf",   "ri", "rua", "ruf", "adkim",
                                      "aspf", "fo", "psd", "t"};
  const char *val = rec + v;
  bool ok = n > 0;
  size_t k;

  for (size_t i = 0; i < n; i++) {
    ok = ok && (unsigned char)val[i] >= 0x20 && (unsigned char)val[i] <= 0x7e;
  }
  for (k = 0; k < 14; k++) { /* names in any case: ABNF literals, RFC
                                5234 section 2.3 */
    size_t i = 0;
    while (i < nn && known[k][i] != '\0' &&
           lower(rec[name + i]) == known[k][i]) {
      i++;
    }
    if (i == nn && known[k][i] == '\0') {
      break;
    }
  }
  if (k == 14) {
    if (ok && pl->nunk < MAX_UNK) {
      pl->unk[pl->nunk][0] = (uint16_t)name;
      pl->unk[pl->nunk++][1] = (uint16_t)nn;
    }
    return;
  }
  if ((*seen & 1u << k) != 0) {
    return;
  }
  *seen |= 1u << k;
  if (k >= 4 && k <= 6) { /* RFC 9989 removed pct, rf and ri */
    pl->removed[pl->nremoved++] = known[k];
  }
  n = ok ? n : 0;
  switch (k) {
  case 1:
  case 2:
  case 3:
    *(k == 1   ? &pl->p
      : k == 2 ? &pl->sp
               : &pl->np) = ok ? policy_value(val, n) : POL_BAD;
    ok = ok && policy_value(val, n) != POL_BAD;
    break;
  case 4:
    pl->pct = pct_value(val, n) >= 0 ? pct_value(val, n) : 100;
    ok = ok && pct_value(val, n) >= 0;
    break;
  case 5:
    ok = ok && rf_ok(val, n);
    break;
  case 6:
    ok = ok && ri_ok(val, n);
    break;
  case 7:
  case 8:
    if (ok) {
      uri_list(pl, rec, v, v + n, k == 7 ? 0 : 1);
    }
    break;
  case 9:
  case 10: {
    char mode = flag_value(val, n, "rs", 0);
    ok = ok && mode != 0;
    *(k == 9 ? &pl->adkim : &pl->aspf) = mode != 0 ? mode : 'r';
    break;
  }
  case 11:
    pl->fo = fo_value(val, n);
    ok = ok && pl->fo != 0;
    break;
  case 12:
    pl->psd = flag_value(val, n, "ynu", 'u');
    ok = ok && flag_value(val, n, "ynu", 0) != 0;
    break;
  case 13:
    pl->t = flag_value(val, n, "yn", 'n');
    ok = ok && flag_value(val, n, "yn", 0) != 0;
    break;
  default: /* v again: a repeat, found by parse() */
    break;
  }
  if (!ok && k != 7 && k != 8) { /* a bad URI list has its own rule */
    pl->bad |= 1u << k;
  }
}

/* Whether the name p[s..s+nn) is one of the names[0..count) met before
 * (any case: tag names are ABNF strings, RFC 5234 section 2.3). */
static bool met_before(const char *p, size_t s, size_t nn,
                       const uint16_t (*names)[2], size_t count)
{
  for (size_t i = 0; i < count; i++) {
    size_t k = 0;
    while (names[i][1] == nn && k < nn &&
           lower(p[names[i][0] + k]) == lower(p[s + k])) {
      k++;
    }
    if (names[i][1] == nn && k == nn) {
      return true;
    }
  }
  return false;
}

/* Parses record p[0..n), which mp_dmarct_is_record() accepted: split at
 * ';', each part after the version "name *WSP = *WSP value", blanks
 * trimmed; a part that is not that is ignored. A name given twice, the
 * version's "v" included, makes the record invalid: RFC 9989 section 4.7
 * (and RFC 7489 section 6.3) take DKIM's tag-value syntax, whose RFC 6376
 * section 3.2 says "if a tag name does occur more than once, the entire
 * tag-list is invalid"; its psd then says nothing to the walk either. */
static void parse(const char *p, size_t n, struct pol *pl)
{
  uint16_t names[REC_BYTES / 2][2]; /* offset, length of each tag name */
  size_t count = 0;
  unsigned seen = 0;

  memset(pl, 0, sizeof(*pl));
  pl->p = pl->sp = pl->np = POL_ABSENT;
  pl->pct = -1;
  pl->adkim = pl->aspf = 'r';
  for (size_t a = 0, piece = 0; a <= n; piece++) {
    size_t b = a, s, e, k;
    while (b < n && p[b] != ';') {
      b++;
    }
    for (s = a; s < b && wsp(p[s]); s++) {
    }
    for (e = b; e > s && wsp(p[e - 1]); e--) {
    }
    for (k = s; k < e && alpha(p[k]); k++) {
    }
    size_t nn = k - s;
    while (k < e && wsp(p[k])) {
      k++;
    }
    if (nn > 0 && k < e && p[k] == '=') {
      pl->repeated = pl->repeated || met_before(p, s, nn, names, count);
      assert(count < REC_BYTES / 2);
      names[count][0] = (uint16_t)s;
      names[count++][1] = (uint16_t)nn;
    }
    if (piece > 0 && nn > 0 && k < e && p[k] == '=') {
      for (k++; k < e && wsp(p[k]); k++) {
      }
      tag(pl, p, s, nn, k, e - k, &seen);
    }
    a = b + 1;
  }
  if (pl->repeated) {
    pl->psd = 0;
  }
}

/* ---- discovery ---- */

struct found {
  const char *name; /* a suffix of the domain */
  char rec[REC_BYTES];
  size_t len;
  struct pol pol;
};

/* The DMARC records at _dmarc.<name>: how many, the first into f. */
static int fetch(const struct mp_dv *v, const char *name, struct found *f,
                 bool *servfail)
{
  char q[300];
  struct mp_dv_ans a;
  int count = 0;

  snprintf(q, sizeof(q), "_dmarc.%s", name);
  mp_dv_query(v, q, MP_ZT_TXT, false, &a);
  *servfail = a.rc == MP_DV_SERVFAIL;
  for (size_t i = a.first; i < a.first + a.n; i++) {
    char buf[REC_BYTES];
    size_t n = mp_dv_txt(a.db, i, buf, sizeof(buf));
    if (mp_dmarct_is_record(buf, n) && count++ == 0) {
      memcpy(f->rec, buf, n);
      f->len = n;
    }
  }
  f->name = name;
  return count;
}

/* Section 4.10 steps 3-4: the names the walk queries, the domain first. */
static size_t walk_names(const char *d, const char **out)
{
  const char *label[128];
  size_t x = 0, k = 0, m;

  for (const char *p = d; p != NULL; p = strchr(p, '.'), p = p ? p + 1 : p) {
    assert(x < 128);
    label[x++] = p;
  }
  out[k++] = d;
  for (m = x > 8 ? 7 : x - 1; m >= 1; m--) {
    out[k++] = label[x - m];
  }
  assert(k <= WALK_MAX);
  return k;
}

/* Section 4.10.2: the Organizational Domain from the walk's records (in
 * walk order), or NULL; *psd: the psd=y record it came from, if any. */
static const char *org_of(const char *d, const struct found *f, size_t n,
                          const struct found **psd)
{
  *psd = NULL;
  for (size_t i = 0; i < n; i++) {
    if (f[i].pol.psd == 'n') {
      return f[i].name;
    }
    if (f[i].pol.psd == 'y' && f[i].name != d) {
      const char *below = d; /* the name one label below f[i] */
      while (strchr(below, '.') + 1 != f[i].name) {
        below = strchr(below, '.') + 1;
      }
      *psd = &f[i];
      return below;
    }
  }
  return n > 0 ? f[n - 1].name : NULL;
}

/* Appends to a ','-joined list of cap bytes (truncation is a bug). */
__attribute__((format(printf, 3, 4))) static void add(char *out, size_t cap,
                                                      const char *fmt, ...)
{
  size_t len = strlen(out);
  va_list ap;
  int w;

  if (len > 0) {
    out[len++] = ',';
  }
  va_start(ap, fmt);
  w = vsnprintf(out + len, cap - len, fmt, ap);
  va_end(ap);
  assert(w >= 0 && (size_t)w < cap - len);
  (void)w;
}

/* "-" for an empty list. */
static void dash(char *out)
{
  if (out[0] == '\0') {
    memcpy(out, "-", 2);
  }
}

/* RFC 7489 section 7.1: an address whose registrable domain is not the
 * policy domain's must be authorized by a DMARC record at
 * <policy>._report._dmarc.<destination>. Returns the verdict, or NULL
 * for an internal destination. */
static const char *authorization(const struct mp_dv *v, const char *policy,
                                 const char *dest)
{
  char po[256], dorg[256], q[600];
  struct mp_dv_ans a;
  const char *verdict = "not_authorized";

  mp_dmarct_psl_org(policy, po);
  mp_dmarct_psl_org(dest, dorg);
  if (strcmp(dorg, po) == 0) {
    return NULL;
  }
  snprintf(q, sizeof(q), "%s._report._dmarc.%s", policy, dest);
  mp_dv_query(v, q, MP_ZT_TXT, false, &a);
  if (a.rc == MP_DV_SERVFAIL || a.rc == MP_DV_REFUSED) {
    verdict = "lookup_failed";
  }
  for (size_t k = a.first; k < a.first + a.n; k++) {
    char buf[REC_BYTES];
    size_t n = mp_dv_txt(a.db, k, buf, sizeof(buf));
    verdict = mp_dmarct_is_record(buf, n) ? "authorized" : verdict;
  }
  return verdict;
}

/* The rua (which 0) or ruf list of f into out, and its external entries
 * into row->external; true when an external destination refused
 * (not_authorized: a failed lookup is not a refusal). */
static bool destinations(const struct mp_dv *v, const struct found *f,
                         int which, char *out, size_t cap,
                         struct mp_dmarct_row *row)
{
  const struct pol *pl = &f->pol;
  bool unauthorized = false;

  out[0] = '\0';
  for (size_t i = 0; i < pl->nuri[which] && i < ROW_URIS; i++) {
    const struct uri *u = &pl->uri[which][i];
    char dest[256];
    const char *verdict;
    if (u->dlen == 0) {
      add(out, cap, "%.*s", (int)u->len, f->rec + u->off);
      continue;
    }
    for (size_t k = 0; k < u->dlen; k++) {
      dest[k] = lower(f->rec[u->dom + k]);
    }
    dest[u->dlen] = '\0';
    verdict = authorization(v, f->name, dest);
    add(out, cap, "%.*s>%s=%s", (int)u->len, f->rec + u->off, dest,
        verdict != NULL ? verdict : "internal");
    if (verdict != NULL) {
      add(row->external, sizeof(row->external), "%s=%s", dest, verdict);
      unauthorized = unauthorized || strcmp(verdict, "not_authorized") == 0;
    }
  }
  dash(out);
  return unauthorized;
}

static void finding(struct mp_dmarct_row *row, const char *code)
{
  assert(row->nfindings < MP_DMARCT_FINDINGS);
  row->findings[row->nfindings++] = code;
}

/* The tag columns of the record that applies. */
static void tags(const struct found *f, struct mp_dmarct_row *row)
{
  const struct pol *pl = &f->pol;
  const int pols[3] = {pl->p, pl->sp, pl->np};
  const char flags[4] = {pl->adkim, pl->aspf, pl->psd, pl->t};

  for (int i = 0; i < 3; i++) {
    snprintf(row->tag[i], sizeof(row->tag[i]), "%s",
             pols[i] >= 0 ? pol_names[pols[i]] : "-");
  }
  if (pl->pct >= 0) {
    snprintf(row->tag[3], sizeof(row->tag[3]), "%d", pl->pct);
  }
  row->tag[4][0] = flags[0];
  row->tag[5][0] = flags[1];
  for (size_t i = 0, k = 0; i < 4; i++) { /* fo: in the order 0 1 d s */
    if (pl->fo & 1u << i) {
      k += (size_t)snprintf(row->tag[6] + k, sizeof(row->tag[6]) - k, "%s%c",
                            k > 0 ? ":" : "", "01ds"[i]);
    }
  }
  row->tag[7][0] = flags[2];
  row->tag[8][0] = flags[3];
  for (int i = 3; i < 9; i++) {
    dash(row->tag[i]);
  }
  row->unknown[0] = row->removed[0] = '\0';
  for (size_t i = 0; i < pl->nunk; i++) {
    add(row->unknown, sizeof(row->unknown), "%.*s", (int)pl->unk[i][1],
        f->rec + pl->unk[i][0]);
  }
  for (size_t i = 0; i < pl->nremoved; i++) {
    add(row->removed, sizeof(row->removed), "%s", pl->removed[i]);
  }
  dash(row->unknown);
  dash(row->removed);
}

/* Sections 4.7 and 4.10.1: the policy the record gives the domain, its
 * tags, its destinations, and the DMARC_* findings of a valid record. */
static void apply(const struct mp_dv *v, const struct found *f, bool self,
                  bool exists, struct mp_dmarct_row *row)
{
  /* a dropped value, by known[] index of tag(): docs/schema.md "Findings" */
  static const char *const dropped[14] = {NULL,
                                          NULL,
                                          "DMARC_SP_INVALID",
                                          "DMARC_NP_INVALID",
                                          "DMARC_PCT_INVALID",
                                          "DMARC_RF_INVALID",
                                          "DMARC_RI_INVALID",
                                          NULL,
                                          NULL,
                                          "DMARC_ADKIM_INVALID",
                                          "DMARC_ASPF_INVALID",
                                          "DMARC_FO_INVALID",
                                          "DMARC_PSD_INVALID",
                                          "DMARC_T_INVALID"};
  const struct pol *pl = &f->pol;
  bool usable = pl->p >= 0 && pl->sp != POL_BAD && pl->np != POL_BAD;
  bool unauth;
  int eff;

  snprintf(row->policy_domain, sizeof(row->policy_domain), "%s", f->name);
  if (pl->repeated) { /* invalid as a whole: nothing of it is used */
    row->status = "invalid";
    row->effective = "missing";
    row->error = "duplicate_tag";
    finding(row, "DMARC_DUPLICATE_TAG");
    return;
  }
  /* a value dropped for its default (RFC 9989 section 4.8), also in a
   * record that gives no DMARC processing: it tells why */
  for (int k = 0; k < 14; k++) {
    if ((pl->bad & 1u << k) != 0 && dropped[k] != NULL) {
      finding(row, dropped[k]);
    }
  }
  tags(f, row);
  row->external[0] = '\0';
  unauth = destinations(v, f, 0, row->rua, sizeof(row->rua), row);
  unauth = destinations(v, f, 1, row->ruf, sizeof(row->ruf), row) || unauth;
  dash(row->external);
  if (!usable && !pl->rua_usable) { /* no DMARC processing */
    row->status = "invalid";
    row->effective = "missing";
    row->error = "no_policy";
    snprintf(row->external, sizeof(row->external), "-");
    finding(row, "DMARC_NO_POLICY");
    return;
  }
  row->status = "valid";
  /* without a usable p the record counts as one with p=none (section 4.7
   * "treated as if it included p=none"); a valid sp still stands, and for
   * a subdomain that does not exist a valid np before it (section
   * 4.10.1: np, else sp, else p) */
  eff = !self && !exists && pl->np >= 0 ? pl->np
        : !self && pl->sp >= 0          ? pl->sp
        : usable                        ? pl->p
                                        : 0;
  eff = pl->t == 'y' && eff > 0 ? eff - 1 : eff; /* t=y: one level down */
  row->effective = pol_names[eff];
  const bool want[8] = {pl->p < 0,
                        eff == 0,
                        pl->p >= 0 && ((pl->sp >= 0 && pl->sp < pl->p) ||
                                       (pl->np >= 0 && pl->np < pl->p)),
                        pl->t == 'y',
                        pl->pct >= 0 && pl->pct<100, pl->nremoved> 0,
                        pl->nuri[0] == 0,
                        unauth};
  static const char *const code[8] = {
      "DMARC_P_MISSING", "DMARC_P_NONE",
      "DMARC_SP_WEAKER", "DMARC_TESTING",
      "DMARC_PCT",       "DMARC_REMOVED_TAG",
      "DMARC_NO_RUA",    "DMARC_REPORT_UNAUTHORIZED"};
  for (int i = 0; i < 8; i++) {
    if (want[i]) {
      finding(row, code[i]);
    }
  }
  if (row->disagree == 1) {
    finding(row, "DMARC_METHODS_DISAGREE");
  }
}

/* RFC 7489 section 6.6.3: the domain's record, else the Organizational
 * Domain's (by the PSL), exactly one each. The name, or NULL; *servfail
 * when the Organizational Domain's lookup failed (then it is unknown). */
static const char *psl_pick(const struct mp_dv *v, const char *domain, int self,
                            const char *org, struct found *tmp, bool *servfail)
{
  *servfail = false;
  if (self == 1) {
    return domain;
  }
  if (strcmp(org, "-") == 0 || strcmp(org, domain) == 0) {
    return NULL;
  }
  return fetch(v, org, tmp, servfail) == 1 ? org : NULL;
}

/* Every field set, the buffers only as far as they are read: the row is
 * big and this runs once per line. */
static void row_init(struct mp_dmarct_row *row, const char *domain)
{
  static const char dash[] = "-";
  char *const text[] = {row->policy_domain, row->external, row->rua,
                        row->ruf,           row->unknown,  row->removed};

  row->status = "none";
  row->found_at = "-";
  row->method = "-";
  row->disagree = 0;
  row->effective = "missing";
  row->error = "-";
  row->nfindings = 0;
  for (size_t i = 0; i < sizeof(text) / sizeof(text[0]); i++) {
    memcpy(text[i], dash, sizeof(dash));
  }
  for (int i = 0; i < 9; i++) {
    memcpy(row->tag[i], dash, sizeof(dash));
  }
  mp_dmarct_psl_org(domain, row->org_psl);
}

void mp_dmarct_eval(const struct mp_dv *v, const char *domain, bool exists,
                    struct mp_dmarct_row *row)
{
  struct found f[WALK_MAX + 1]; /* about 100 KB of stack; the last is the
                                   PSL's Organizational Domain */
  const char *names[WALK_MAX], *org, *psl;
  const struct found *psd, *pick = NULL;
  size_t nn = walk_names(domain, names), nf = 0;
  int self = 0;
  bool walk_failed = false, psl_failed;

  row_init(row, domain);
  for (size_t i = 0; i < nn; i++) {
    bool servfail;
    int c = fetch(v, names[i], &f[nf], &servfail);
    /* a failed lookup is no answer: the walk's result is unknown, and the
     * policy too unless the domain's own record applies */
    if (servfail && self != 1) {
      row->status = "temperror";
      row->disagree = -1;
      snprintf(row->org_tree_walk, sizeof(row->org_tree_walk), "-");
      return;
    }
    walk_failed = walk_failed || servfail;
    self = i == 0 ? c : self;
    if (c != 1) { /* none, or several: all discarded (steps 2 and 6) */
      continue;
    }
    parse(f[nf].rec, f[nf].len, &f[nf].pol);
    if (f[nf++].pol.psd == 'y' || f[nf - 1].pol.psd == 'n') {
      break;
    }
  }
  org = org_of(domain, f, nf, &psd);
  /* no record met: "the initial target domain is the Organizational
   * Domain" (section 4.10.2) */
  snprintf(row->org_tree_walk, sizeof(row->org_tree_walk), "%s",
           walk_failed   ? "-"
           : org != NULL ? org
                         : domain);
  if (self > 1) { /* several records at the domain: no discovery */
    row->status = "invalid";
    row->error = "multiple_records";
    snprintf(row->org_tree_walk, sizeof(row->org_tree_walk), "-");
    finding(row, "DMARC_MULTIPLE_RECORDS");
    return;
  }
  psl = psl_pick(v, domain, self, row->org_psl, &f[WALK_MAX], &psl_failed);
  if (psl_failed && org == NULL) { /* the PSL's record would apply */
    row->status = "temperror";
    row->disagree = -1;
    return;
  }
  if (self == 1) {
    row->found_at = "self";
    row->method = "direct";
    pick = &f[0];
  } else if (org != NULL) {
    for (size_t i = 0; i < nf && pick == NULL; i++) {
      pick = f[i].name == org ? &f[i] : NULL;
    }
    row->found_at = pick != NULL ? "organizational" : "public_suffix";
    row->method = "tree_walk";
    pick = pick != NULL ? pick : psd;
    assert(pick != NULL);
  } else if (psl != NULL) { /* the walk found nothing, the PSL did */
    row->found_at = "organizational";
    row->method = "psl";
    pick = &f[WALK_MAX];
    parse(pick->rec, pick->len, &f[WALK_MAX].pol);
  }
  row->disagree = psl_failed
                      ? -1
                      : (psl == NULL) != (pick == NULL) ||
                            (psl != NULL && strcmp(psl, pick->name) != 0);
  if (pick != NULL) {
    apply(v, pick, self == 1, exists, row);
  } else if (exists) { /* a name that does not exist is reported as such */
    finding(row, "DMARC_MISSING");
  }
}
