#include "tests/world/dmarctruth.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#define MAX_DEST   16
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

struct pol {
  int p, sp, np;            /* index in pol_names, POL_ABSENT or POL_BAD */
  char t, psd;              /* 'y' 'n' ('u' for psd), 0 when absent or bad */
  bool rua_usable;          /* at least one syntactically valid rua URI */
  char dest[MAX_DEST][256]; /* mailto domains, rua's then ruf's */
  size_t nrua, ndest;
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

/* The domain of a mailto: URI s[0..n) into out, lowercase; false when s is
 * not a mailto: address. */
static bool mailto_domain(const char *s, size_t n, char *out)
{
  const char *at = NULL;
  size_t end = 7, k = 0;

  if (n < 7) {
    return false;
  }
  for (size_t i = 0; i < 7; i++) {
    if (lower(s[i]) != "mailto:"[i]) {
      return false;
    }
  }
  for (; end < n && s[end] != '?'; end++) {
    at = s[end] == '@' ? s + end : at;
  }
  if (at == NULL || at + 1 == s + end || (size_t)(s + end - at) >= 256) {
    return false;
  }
  for (const char *p = at + 1; p < s + end; p++) {
    out[k++] = lower(*p);
  }
  out[k] = '\0';
  return true;
}

static void uri_list(struct pol *pl, const char *v, size_t n, bool rua)
{
  for (size_t a = 0; a < n;) {
    size_t b = a, len;
    while (b < n && v[b] != ',') {
      b++;
    }
    size_t s = a, e = b;
    while (s < e && wsp(v[s])) {
      s++;
    }
    while (e > s && wsp(v[e - 1])) {
      e--;
    }
    len = e - s;
    if (uri_ok(v + s, &len)) {
      pl->rua_usable = pl->rua_usable || rua;
      if (pl->ndest < MAX_DEST &&
          mailto_domain(v + s, len, pl->dest[pl->ndest])) {
        pl->ndest++;
        pl->nrua += rua;
      }
    }
    a = b + 1;
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

static char flag_value(const char *v, size_t n, const char *allowed)
{
  return n == 1 && strchr(allowed, lower(v[0])) != NULL ? lower(v[0]) : 0;
}

/* One tag of a record (RFC 9989 section 4.8): a value outside dmarc-value
 * makes the tag an error, which is ignored; unknown tags are ignored. The
 * first of a repeated tag counts. */
static void tag(struct pol *pl, const char *name, size_t nn, const char *v,
                size_t n, unsigned *seen)
{
  static const char *const known[] = {"p",   "sp",  "np", "t",
                                      "psd", "rua", "ruf"};
  bool ok = n > 0;
  size_t k;

  for (size_t i = 0; i < n; i++) {
    ok = ok && (unsigned char)v[i] >= 0x20 && (unsigned char)v[i] <= 0x7e;
  }
  for (k = 0; k < 7; k++) {
    if (strlen(known[k]) == nn && memcmp(known[k], name, nn) == 0) {
      break;
    }
  }
  if (k == 7 || (*seen & 1u << k) != 0) {
    return;
  }
  *seen |= 1u << k;
  if (k <= 2) {
    int *dst = k == 0 ? &pl->p : k == 1 ? &pl->sp : &pl->np;
    *dst = ok ? policy_value(v, n) : POL_BAD;
  } else if (k == 3) {
    pl->t = ok ? flag_value(v, n, "yn") : 0;
  } else if (k == 4) {
    pl->psd = ok ? flag_value(v, n, "ynu") : 0;
  } else if (ok) {
    uri_list(pl, v, n, k == 5);
  }
}

/* Parses record p[0..n), which mp_dmarct_is_record() accepted. rua
 * destinations come before ruf's whatever the tag order. */
static void parse(const char *p, size_t n, struct pol *pl)
{
  char ruf[MAX_DEST][256];
  size_t nruf = 0;
  unsigned seen = 0;

  memset(pl, 0, sizeof(*pl));
  pl->p = pl->sp = pl->np = POL_ABSENT;
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
    if (piece > 0 && nn > 0 && k < e && p[k] == '=') {
      for (k++; k < e && wsp(p[k]); k++) {
      }
      size_t before = pl->ndest;
      tag(pl, p + s, nn, p + k, e - k, &seen);
      if (nn == 3 && memcmp(p + s, "ruf", 3) == 0) { /* keep ruf's apart */
        for (size_t i = before; i < pl->ndest; i++) {
          memcpy(ruf[nruf++], pl->dest[i], 256);
        }
        pl->ndest = before;
      }
    }
    a = b + 1;
  }
  for (size_t i = 0; i < nruf && pl->ndest < MAX_DEST; i++) {
    memcpy(pl->dest[pl->ndest++], ruf[i], 256);
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

static void external(const struct mp_dv *v, const struct pol *pl,
                     const char *policy, char *out)
{
  char po[256], dorg[256], q[600];
  size_t len = 0;

  mp_dmarct_psl_org(policy, po);
  out[0] = '\0';
  for (size_t i = 0; i < pl->ndest; i++) {
    struct mp_dv_ans a;
    const char *verdict = "not_authorized";
    mp_dmarct_psl_org(pl->dest[i], dorg);
    if (strcmp(dorg, po) == 0) {
      continue;
    }
    snprintf(q, sizeof(q), "%s._report._dmarc.%s", policy, pl->dest[i]);
    mp_dv_query(v, q, MP_ZT_TXT, false, &a);
    if (a.rc == MP_DV_SERVFAIL || a.rc == MP_DV_REFUSED) {
      verdict = "lookup_failed";
    }
    for (size_t k = a.first; k < a.first + a.n; k++) {
      char buf[REC_BYTES];
      size_t n = mp_dv_txt(a.db, k, buf, sizeof(buf));
      verdict = mp_dmarct_is_record(buf, n) ? "authorized" : verdict;
    }
    int w = snprintf(out + len, 1024 - len, "%s%s=%s", len > 0 ? "," : "",
                     pl->dest[i], verdict);
    assert(w > 0 && (size_t)w < 1024 - len);
    len += (size_t)w;
  }
  if (len == 0) {
    snprintf(out, 1024, "-");
  }
}

/* Sections 4.7 and 4.10.1: the policy the record gives the domain. */
static void apply(const struct mp_dv *v, const struct found *f, bool self,
                  struct mp_dmarct_row *row)
{
  const struct pol *pl = &f->pol;
  bool usable = pl->p >= 0 && pl->sp != POL_BAD && pl->np != POL_BAD;
  int eff;

  snprintf(row->policy_domain, sizeof(row->policy_domain), "%s", f->name);
  if (!usable && !pl->rua_usable) { /* no DMARC processing */
    row->status = "invalid";
    row->effective = "missing";
    return;
  }
  row->status = "valid";
  eff = !usable ? 0 : !self && pl->sp >= 0 ? pl->sp : pl->p;
  eff = pl->t == 'y' && eff > 0 ? eff - 1 : eff; /* t=y: one level down */
  row->effective = pol_names[eff];
  external(v, pl, f->name, row->external);
}

void mp_dmarct_eval(const struct mp_dv *v, const char *domain,
                    struct mp_dmarct_row *row)
{
  struct found f[WALK_MAX]; /* about 70 KB of stack */
  const char *names[WALK_MAX], *org;
  const struct found *psd, *pick = NULL;
  size_t nn = walk_names(domain, names), nf = 0;
  int self = 0;

  *row = (struct mp_dmarct_row){
      .status = "none", .found_at = "-", .effective = "missing"};
  snprintf(row->policy_domain, sizeof(row->policy_domain), "-");
  snprintf(row->external, sizeof(row->external), "-");
  mp_dmarct_psl_org(domain, row->org_psl);
  for (size_t i = 0; i < nn; i++) {
    bool servfail;
    int c = fetch(v, names[i], &f[nf], &servfail);
    if (servfail) {
      row->status = "temperror";
      snprintf(row->org_tree_walk, sizeof(row->org_tree_walk), "-");
      return;
    }
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
           org != NULL ? org : domain);
  if (self > 1) { /* several records at the domain: no discovery */
    row->status = "invalid";
    snprintf(row->org_tree_walk, sizeof(row->org_tree_walk), "-");
    return;
  }
  if (self == 1) {
    row->found_at = "self";
    pick = &f[0];
  } else if (org != NULL) {
    for (size_t i = 0; i < nf && pick == NULL; i++) {
      pick = f[i].name == org ? &f[i] : NULL;
    }
    row->found_at = pick != NULL ? "organizational" : "public_suffix";
    pick = pick != NULL ? pick : psd;
    assert(pick != NULL);
  }
  if (pick != NULL) {
    apply(v, pick, self == 1, row);
  }
}
