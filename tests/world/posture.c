#include "tests/world/posture.h"

#include <arpa/inet.h>
#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define MX_HOSTS 10 /* hosts examined, in preference order */
#define MX_ADDRS 4  /* addresses examined per host */
#define FINDINGS 40

/* The finding codes of a row, before sorting. */
struct codes {
  const char *c[FINDINGS];
  size_t n;
};

static void code(struct codes *f, const char *c)
{
  assert(f->n < FINDINGS);
  f->c[f->n++] = c;
}

/* Appends to text[0..cap) at *len (truncation is a bug). */
__attribute__((format(printf, 4, 5))) static void
put(char *text, size_t cap, size_t *len, const char *fmt, ...)
{
  va_list ap;
  int w;

  va_start(ap, fmt);
  w = vsnprintf(text + *len, cap - *len, fmt, ap);
  va_end(ap);
  assert(w >= 0 && (size_t)w < cap - *len);
  *len += (size_t)w;
}

/* Appends the strings up to NULL to text[0..cap) at *len: the hot paths
 * of the generator's 1M-line runs, where vsnprintf() showed. */
static void cat(char *text, size_t cap, size_t *len, ...)
{
  va_list ap;
  const char *p;

  va_start(ap, len);
  while ((p = va_arg(ap, const char *)) != NULL) {
    size_t n = strlen(p);
    assert(*len + n < cap);
    memcpy(text + *len, p, n);
    *len += n;
  }
  va_end(ap);
  text[*len] = '\0';
  (void)cap;
}

/* ---- MX hosts and reverse DNS ---- */

struct mxh {
  unsigned pref;
  const char *host;
};

/* What the MX hosts show, for the finding codes. */
struct mxflags {
  bool mixed, literal, alias, noptr, nofcrdns, generic;
};

/* The PTR owner of a 4- or 16-octet address. */
static void rev_name(const uint8_t *a, size_t n, char *out, size_t cap)
{
  static const char hex[] = "0123456789abcdef";
  size_t k = 0;

  if (n == 4) {
    snprintf(out, cap, "%u.%u.%u.%u.in-addr.arpa", a[3], a[2], a[1], a[0]);
    return;
  }
  assert(cap > 16 * 4 + 8);
  for (size_t i = n; i-- > 0;) {
    out[k++] = hex[a[i] & 15];
    out[k++] = '.';
    out[k++] = hex[a[i] >> 4];
    out[k++] = '.';
  }
  memcpy(out + k, "ip6.arpa", 9);
}

/* A generic (dynamic-looking) PTR name: it holds the IPv4 address's four
 * octets in decimal, in order, joined by '-', not inside a longer number.
 * IPv6 addresses are never generic. */
static bool generic(const uint8_t *a, size_t n, const char *name)
{
  char pat[20];
  size_t pl;

  if (n != 4) {
    return false;
  }
  pl =
      (size_t)snprintf(pat, sizeof(pat), "%u-%u-%u-%u", a[0], a[1], a[2], a[3]);
  for (const char *p = name; (p = strstr(p, pat)) != NULL; p++) {
    bool before = p == name || p[-1] < '0' || p[-1] > '9';
    bool after = p[pl] < '0' || p[pl] > '9';
    if (before && after) {
      return true;
    }
  }
  return false;
}

/* One examined address: its PTR, forward-confirmed reverse DNS (some PTR
 * name has an A (AAAA) record holding it), whether the first PTR name is
 * generic; appended to the detail as " address>ptr[state]". Returns
 * whether it is confirmed. */
static bool examine(const struct mp_dv *v, const uint8_t *a, size_t n,
                    struct mp_post_row *row, size_t *len, struct mxflags *fl)
{
  char rev[80], text[INET6_ADDRSTRLEN];
  struct mp_dv_ans p;
  const char *first = "", *state = "noptr";
  bool ok = false, gen = false;

  rev_name(a, n, rev, sizeof(rev));
  mp_dv_query(v, rev, MP_ZT_PTR, false, &p);
  for (size_t i = p.first; i < p.first + p.n; i++) {
    const char *name = mp_zonedb_str(p.db, p.db->rr[i].data);
    struct mp_dv_ans f;
    first = i == p.first ? name : first;
    mp_dv_query(v, name, n == 4 ? MP_ZT_A : MP_ZT_AAAA, false, &f);
    for (size_t k = f.first; k < f.first + f.n; k++) {
      ok = ok || (f.db->rr[k].len == n &&
                  memcmp(f.db->bytes + f.db->rr[k].data, a, n) == 0);
    }
  }
  if (p.n > 0) {
    gen = generic(a, n, first);
    state = ok ? "fcrdns" : "nofcrdns";
  } else if (p.rc == MP_DV_SERVFAIL || p.rc == MP_DV_REFUSED) {
    state = p.rc == MP_DV_SERVFAIL ? "servfail" : "refused";
  }
  fl->noptr = fl->noptr || p.n == 0;
  fl->nofcrdns = fl->nofcrdns || (p.n > 0 && !ok);
  fl->generic = fl->generic || gen;
  row->mx_generic += gen;
  inet_ntop(n == 4 ? AF_INET : AF_INET6, a, text, sizeof(text));
  cat(row->mx_detail, sizeof(row->mx_detail), len, " ", text, ">", first, "[",
      state, gen ? ",generic]" : "]", NULL);
  return ok;
}

/* One MX host (RFC 5321 section 5.1): an address written as the exchange
 * is a name outside every zone (Knot answers REFUSED), so it does not
 * resolve and has nothing to examine; else its A then AAAA records,
 * CNAMEs followed, at most MX_ADDRS examined. */
static void host(const struct mp_dv *v, const struct mxh *h,
                 struct mp_post_row *row, size_t *len, struct mxflags *fl,
                 size_t *examined, size_t *confirmed)
{
  uint8_t lit[16];
  struct mp_dv_ans r[2];
  size_t got = 0;

  char pref[8];

  snprintf(pref, sizeof(pref), "%u", h->pref);
  cat(row->mx_detail, sizeof(row->mx_detail), len, *len > 0 ? "|" : "", pref,
      " ", h->host, NULL);
  if (h->host[0] == '\0') { /* "0 ." among others: not examined */
    fl->mixed = true;
    return;
  }
  if (inet_pton(AF_INET, h->host, lit) == 1 ||
      inet_pton(AF_INET6, h->host, lit) == 1) {
    fl->literal = true;
    row->mx_unresolved++;
    cat(row->mx_detail, sizeof(row->mx_detail), len, " literal", NULL);
    return;
  }
  mp_dv_query(v, h->host, MP_ZT_A, false, &r[0]);
  mp_dv_query(v, h->host, MP_ZT_AAAA, false, &r[1]);
  const char *cname = r[0].cname[0] != '\0' ? r[0].cname : r[1].cname;
  if (cname[0] != '\0') {
    fl->alias = true;
    cat(row->mx_detail, sizeof(row->mx_detail), len, " cname=", cname, NULL);
  }
  if (r[0].n + r[1].n == 0) {
    row->mx_unresolved++;
    cat(row->mx_detail, sizeof(row->mx_detail), len, " unresolved", NULL);
  }
  for (int f = 0; f < 2; f++) {
    for (size_t k = r[f].first; k < r[f].first + r[f].n && got < MX_ADDRS;
         k++, got++) {
      (*examined)++;
      *confirmed +=
          examine(v, (const uint8_t *)r[f].db->bytes + r[f].db->rr[k].data,
                  r[f].db->rr[k].len, row, len, fl);
    }
  }
}

static void mx_check(const struct mp_dv *v, const char *domain,
                     struct mp_post_row *row, struct codes *fc)
{
  struct mxh h[64];
  struct mp_dv_ans a;
  struct mxflags fl = {0};
  size_t n = 0, examined = 0, confirmed = 0, len = 0;

  mp_dv_query(v, domain, MP_ZT_MX, false, &a);
  for (size_t i = a.first; i < a.first + a.n; i++) {
    assert(n < 64);
    h[n].pref = a.db->rr[i].pref;
    h[n++].host = mp_zonedb_str(a.db, a.db->rr[i].data);
  }
  snprintf(row->mx_detail, sizeof(row->mx_detail), "-");
  if (n == 0) {
    code(fc, "MX_NONE"); /* RFC 5321 5.1: the implicit MX */
    return;
  }
  if (n == 1 && h[0].pref == 0 && h[0].host[0] == '\0') {
    row->mx_null = true; /* RFC 7505 */
    code(fc, "MX_NULL");
    return;
  }
  for (size_t i = 1; i < n; i++) { /* preference order */
    struct mxh x = h[i];
    size_t j = i;
    for (; j > 0 && h[j - 1].pref > x.pref; j--) {
      h[j] = h[j - 1];
    }
    h[j] = x;
  }
  for (size_t i = 0; i < n && i < MX_HOSTS; i++) {
    host(v, &h[i], row, &len, &fl, &examined, &confirmed);
  }
  row->mx_all_fcrdns = examined > 0 && confirmed == examined;
  const bool want[7] = {fl.mixed,
                        fl.literal,
                        fl.alias,
                        fl.noptr,
                        fl.nofcrdns,
                        fl.generic,
                        row->mx_unresolved > 0};
  static const char *const codes[7] = {
      "MX_NULL_MIXED", "MX_IP_LITERAL",  "MX_CNAME",     "MX_PTR_MISSING",
      "MX_NO_FCRDNS",  "MX_PTR_GENERIC", "MX_UNRESOLVED"};
  for (int i = 0; i < 7; i++) {
    if (want[i]) {
      code(fc, codes[i]);
    }
  }
}

/* ---- the row ---- */

static int cmp_code(const void *a, const void *b)
{
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The finding codes of the row, sorted, ','-joined. */
static void findings(struct mp_post_row *row, struct codes *fc)
{
  size_t len = 0;

  for (size_t i = 0; i < row->dmarc.nfindings; i++) {
    code(fc, row->dmarc.findings[i]);
  }
  for (size_t i = 0; i < row->dkim.nfindings; i++) {
    code(fc, row->dkim.findings[i]);
  }
  qsort(fc->c, fc->n, sizeof(fc->c[0]), cmp_code);
  for (size_t i = 0; i < fc->n; i++) {
    cat(row->findings, sizeof(row->findings), &len, i > 0 ? "," : "", fc->c[i],
        NULL);
  }
  if (len == 0) {
    snprintf(row->findings, sizeof(row->findings), "-");
  }
}

void mp_post_eval(const struct mp_dv *v, const char *domain, bool spf_valid,
                  struct mp_post_row *row)
{
  struct codes fc = {.n = 0};
  const char *eff;
  size_t len = 0;

  struct mp_dv_ans self;

  /* no memset: the row holds 15 KB of text buffers, each set below */
  row->mx_null = row->mx_all_fcrdns = false;
  row->mx_unresolved = row->mx_generic = 0;
  row->findings[0] = '\0';
  mp_dv_query(v, domain, MP_ZT_TXT, true, &self);
  row->exists = self.rc != MP_DV_NXDOMAIN; /* RFC 8020 */
  mp_dmarct_eval(v, domain, row->exists, &row->dmarc);
  mp_dkimt_eval(v, domain, &row->dkim);
  if (row->exists) {
    mx_check(v, domain, row, &fc);
  } else {
    snprintf(row->mx_detail, sizeof(row->mx_detail), "-");
  }
  mp_polt_eval(v, domain, MP_POLT_STS, &row->sts);
  mp_polt_eval(v, domain, MP_POLT_TLSRPT, &row->tlsrpt);
  mp_polt_eval(v, domain, MP_POLT_BIMI, &row->bimi);
  eff = row->dmarc.effective;
  const bool want[5] = {strcmp(row->sts.status, "invalid") == 0,
                        strcmp(row->tlsrpt.status, "invalid") == 0,
                        strcmp(row->sts.status, "valid") == 0 &&
                            strcmp(row->tlsrpt.status, "none") == 0,
                        strcmp(row->bimi.status, "invalid") == 0,
                        strcmp(row->bimi.status, "valid") == 0 &&
                            strcmp(eff, "quarantine") != 0 &&
                            strcmp(eff, "reject") != 0};
  static const char *const pcodes[5] = {
      "MTA_STS_INVALID", "TLS_RPT_INVALID", "MTA_STS_WITHOUT_TLS_RPT",
      "BIMI_INVALID", "BIMI_WITHOUT_ENFORCEMENT"};
  for (int i = 0; i < 5; i++) {
    if (want[i]) {
      code(&fc, pcodes[i]);
    }
  }
  findings(row, &fc);
  const char *codes[3] = {spf_valid || row->dkim.usable ? NULL : "spf_or_dkim",
                          strcmp(eff, "missing") != 0 ? NULL : "dmarc",
                          row->mx_null || row->mx_all_fcrdns ? NULL
                                                             : "mx_fcrdns"};
  for (int i = 0; i < 3; i++) {
    if (codes[i] != NULL) {
      put(row->failed, sizeof(row->failed), &len, "%s%s", len > 0 ? "," : "",
          codes[i]);
    }
  }
  row->ready = len == 0;
  if (len == 0 || !row->exists) { /* no verdict for a name that does not
                                     exist */
    snprintf(row->failed, sizeof(row->failed), "-");
  }
}

void mp_post_format(const struct mp_post_row *r, char *buf, size_t cap)
{
  const struct mp_dmarct_row *d = &r->dmarc;
  char weak[16] = "-", probed[16];
  size_t len = 0;

  if (r->dkim.weakest > 0) {
    snprintf(weak, sizeof(weak), "%u", r->dkim.weakest);
  }
  put(buf, cap, &len, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s", d->status,
      d->found_at, d->policy_domain, d->effective, d->org_psl, d->org_tree_walk,
      d->external, r->dkim.status, r->dkim.keys, weak);
  if (r->exists) {
    put(buf, cap, &len, "\t%d\t%d\t%u\t%u", r->mx_null, r->mx_all_fcrdns,
        r->mx_unresolved, r->mx_generic);
  } else {
    cat(buf, cap, &len, "\t-\t-\t-\t-", NULL);
  }
  put(buf, cap, &len, "\t%s\t%s\t%s", r->sts.status, r->tlsrpt.status,
      r->bimi.status);
  if (r->exists) {
    put(buf, cap, &len, "\t%d\t%s", r->ready, r->failed);
  } else {
    cat(buf, cap, &len, "\t-\t-", NULL);
  }
  cat(buf, cap, &len, "\t", d->method, d->disagree ? "\t1" : "\t0", NULL);
  for (int i = 0; i < 9; i++) {
    cat(buf, cap, &len, "\t", d->tag[i], NULL);
  }
  snprintf(probed, sizeof(probed), "%u", r->dkim.probed);
  cat(buf, cap, &len, "\t", d->rua, "\t", d->ruf, "\t", d->unknown, "\t",
      d->removed, "\t", d->error, "\t", probed, "\t", r->dkim.errors, "\t",
      r->mx_detail, "\t", r->sts.field1, "\t", r->sts.error, "\t",
      r->tlsrpt.field1, "\t", r->tlsrpt.error, "\t", r->bimi.field1, "\t",
      r->bimi.field2, "\t", r->bimi.error, "\t", r->findings, NULL);
}
