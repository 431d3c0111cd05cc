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

/* What the MX hosts show, for the finding codes; unknown: a failed lookup
 * left a host's addresses or an address's confirmation unknown. */
struct mxflags {
  bool mixed, literal, alias, noptr, nofcrdns, generic, unknown;
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

/* The name of a failed answer's outcome ("servfail", "refused"), NULL for
 * an answer: a lookup that failed is never read as one. */
static const char *failure(const struct mp_dv_ans *a)
{
  return a->rc == MP_DV_SERVFAIL  ? "servfail"
         : a->rc == MP_DV_REFUSED ? "refused"
                                  : NULL;
}

/* One examined address: its PTR, forward-confirmed reverse DNS (some PTR
 * name has an A (AAAA) record holding it), whether the first PTR name is
 * generic; appended to the detail as " address>ptr[state]". Confirmed
 * when a PTR name confirms it; unknown when the PTR lookup failed, or a
 * forward lookup failed and no name confirms (state "forward=<outcome>");
 * else not confirmed. */
static enum mp_post_tri examine(const struct mp_dv *v, const uint8_t *a,
                                size_t n, struct mp_post_row *row, size_t *len,
                                struct mxflags *fl)
{
  char rev[80], text[INET6_ADDRSTRLEN], fwd_state[32] = "";
  struct mp_dv_ans p;
  const char *first = "", *state = "noptr";
  bool ok = false, gen = false;
  enum mp_post_tri t;

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
    if (failure(&f) != NULL && fwd_state[0] == '\0') {
      snprintf(fwd_state, sizeof(fwd_state), "forward=%s", failure(&f));
    }
  }
  if (p.n > 0) {
    gen = generic(a, n, first);
    t = ok ? MP_POST_YES : fwd_state[0] != '\0' ? MP_POST_UNKNOWN : MP_POST_NO;
    state = t == MP_POST_YES  ? "fcrdns"
            : t == MP_POST_NO ? "nofcrdns"
                              : fwd_state;
  } else if (failure(&p) != NULL) {
    t = MP_POST_UNKNOWN;
    state = failure(&p);
  } else {
    t = MP_POST_NO;
  }
  fl->noptr = fl->noptr || (p.n == 0 && t == MP_POST_NO);
  fl->nofcrdns = fl->nofcrdns || (p.n > 0 && t == MP_POST_NO);
  fl->unknown = fl->unknown || t == MP_POST_UNKNOWN;
  fl->generic = fl->generic || gen;
  row->mx_generic += gen;
  inet_ntop(n == 4 ? AF_INET : AF_INET6, a, text, sizeof(text));
  cat(row->mx_detail, sizeof(row->mx_detail), len, " ", text, ">", first, "[",
      state, gen ? ",generic]" : "]", NULL);
  return t;
}

/* One MX host (RFC 5321 section 5.1): an address written as the exchange
 * is a name outside every zone (Knot answers REFUSED), so it does not
 * resolve and has nothing to examine; else its A then AAAA records,
 * CNAMEs followed, at most MX_ADDRS examined. A failed A or AAAA lookup
 * is shown (" a=servfail") and leaves the host's addresses unknown, so the
 * host is never counted unresolved then. counts[] gets the examined
 * addresses by their mp_post_tri. */
static void host(const struct mp_dv *v, const struct mxh *h,
                 struct mp_post_row *row, size_t *len, struct mxflags *fl,
                 size_t counts[3])
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
  bool failed = failure(&r[0]) != NULL || failure(&r[1]) != NULL;
  if (r[0].n + r[1].n == 0 && !failed) {
    row->mx_unresolved++;
    cat(row->mx_detail, sizeof(row->mx_detail), len, " unresolved", NULL);
  }
  if (failure(&r[0]) != NULL) {
    cat(row->mx_detail, sizeof(row->mx_detail), len, " a=", failure(&r[0]),
        NULL);
  }
  if (failure(&r[1]) != NULL) {
    cat(row->mx_detail, sizeof(row->mx_detail), len, " aaaa=", failure(&r[1]),
        NULL);
  }
  fl->unknown = fl->unknown || failed;
  for (int f = 0; f < 2; f++) {
    for (size_t k = r[f].first; k < r[f].first + r[f].n && got < MX_ADDRS;
         k++, got++) {
      counts[examine(v, (const uint8_t *)r[f].db->bytes + r[f].db->rr[k].data,
                     r[f].db->rr[k].len, row, len, fl)]++;
    }
  }
}

static void mx_check(const struct mp_dv *v, const char *domain,
                     struct mp_post_row *row, struct codes *fc)
{
  struct mxh h[64];
  struct mp_dv_ans a;
  struct mxflags fl = {0};
  size_t n = 0, counts[3] = {0}, len = 0;

  mp_dv_query(v, domain, MP_ZT_MX, false, &a);
  for (size_t i = a.first; i < a.first + a.n; i++) {
    assert(n < 64);
    h[n].pref = a.db->rr[i].pref;
    h[n++].host = mp_zonedb_str(a.db, a.db->rr[i].data);
  }
  snprintf(row->mx_detail, sizeof(row->mx_detail), "-");
  if (n == 0) {
    row->mx_none = true;
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
    host(v, &h[i], row, &len, &fl, counts);
  }
  /* three values: one address not confirmed decides; else anything
   * unknown makes it unknown; else all of at least one are confirmed */
  row->mx_all_fcrdns = counts[MP_POST_NO] > 0    ? MP_POST_NO
                       : fl.unknown              ? MP_POST_UNKNOWN
                       : counts[MP_POST_YES] > 0 ? MP_POST_YES
                                                 : MP_POST_NO;
  const bool want[8] = {fl.mixed,
                        fl.literal,
                        fl.alias,
                        fl.noptr,
                        fl.nofcrdns,
                        fl.generic,
                        row->mx_unresolved > 0,
                        fl.unknown};
  static const char *const codes[8] = {
      "MX_NULL_MIXED", "MX_IP_LITERAL",  "MX_CNAME",      "MX_PTR_MISSING",
      "MX_NO_FCRDNS",  "MX_PTR_GENERIC", "MX_UNRESOLVED", "MX_TEMPERROR"};
  for (int i = 0; i < 8; i++) {
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

/* The verdict (README "Verdict"): each requirement met, failed, or unknown
 * when a lookup it depends on failed or nothing shows it; listed in the
 * order spf_or_dkim, dmarc, mx_fcrdns. */
static void verdict(enum mp_spft_status spf, struct mp_post_row *row)
{
  static const char *const name[3] = {"spf_or_dkim", "dmarc", "mx_fcrdns"};
  enum mp_post_tri met[3];
  size_t flen = 0, ulen = 0;

  /* a DKIM probe that failed may have hidden a usable key */
  met[0] = spf == MP_SPFT_VALID || row->dkim.usable ? MP_POST_YES
           : spf == MP_SPFT_TEMPERROR || strcmp(row->dkim.failed, "-") != 0
               ? MP_POST_UNKNOWN
               : MP_POST_NO;
  met[1] = strcmp(row->dmarc.effective, "missing") != 0  ? MP_POST_YES
           : strcmp(row->dmarc.status, "temperror") == 0 ? MP_POST_UNKNOWN
                                                         : MP_POST_NO;
  met[2] = row->mx_null   ? MP_POST_YES
           : row->mx_none ? MP_POST_UNKNOWN /* nothing stands in */
                          : row->mx_all_fcrdns;
  row->failed[0] = row->unknown[0] = '\0';
  for (int i = 0; i < 3; i++) {
    if (met[i] == MP_POST_NO) {
      cat(row->failed, sizeof(row->failed), &flen, flen > 0 ? "," : "", name[i],
          NULL);
    } else if (met[i] == MP_POST_UNKNOWN) {
      cat(row->unknown, sizeof(row->unknown), &ulen, ulen > 0 ? "," : "",
          name[i], NULL);
    }
  }
  row->ready = flen > 0 ? MP_POST_NO : ulen > 0 ? MP_POST_UNKNOWN : MP_POST_YES;
  if (flen == 0) {
    snprintf(row->failed, sizeof(row->failed), "-");
  }
  if (ulen == 0) {
    snprintf(row->unknown, sizeof(row->unknown), "-");
  }
}

void mp_post_eval(const struct mp_dv *v, const char *domain,
                  enum mp_spft_status spf, struct mp_post_row *row)
{
  struct codes fc = {.n = 0};
  const char *eff;

  struct mp_dv_ans self;

  /* no memset: the row holds 15 KB of text buffers, each set below */
  row->mx_null = row->mx_none = false;
  row->mx_all_fcrdns = MP_POST_NO;
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
  /* a declination asks for no logo: no enforcement is missing for it;
   * a DMARC policy a failed lookup left unknown is not a weak one */
  const bool want[6] = {
      strcmp(row->sts.status, "invalid") == 0,
      strcmp(row->tlsrpt.status, "invalid") == 0,
      strcmp(row->sts.status, "valid") == 0 &&
          strcmp(row->tlsrpt.status, "none") == 0,
      strcmp(row->bimi.status, "invalid") == 0,
      strcmp(row->bimi.status, "valid") == 0 && !row->bimi.declined &&
          strcmp(row->dmarc.status, "temperror") != 0 &&
          strcmp(eff, "quarantine") != 0 && strcmp(eff, "reject") != 0,
      row->bimi.bad_avp};
  static const char *const pcodes[6] = {
      "MTA_STS_INVALID", "TLS_RPT_INVALID",          "MTA_STS_WITHOUT_TLS_RPT",
      "BIMI_INVALID",    "BIMI_WITHOUT_ENFORCEMENT", "BIMI_BAD_AVP"};
  for (int i = 0; i < 6; i++) {
    if (want[i]) {
      code(&fc, pcodes[i]);
    }
  }
  findings(row, &fc);
  verdict(spf, row);
  if (!row->exists) { /* no verdict for a name that does not exist */
    row->ready = MP_POST_UNKNOWN;
    snprintf(row->failed, sizeof(row->failed), "-");
    snprintf(row->unknown, sizeof(row->unknown), "-");
  }
}

static const char *tri_text(enum mp_post_tri t)
{
  return t == MP_POST_YES ? "1" : t == MP_POST_NO ? "0" : "-";
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
    put(buf, cap, &len, "\t%d\t%s\t%u\t%u", r->mx_null,
        tri_text(r->mx_all_fcrdns), r->mx_unresolved, r->mx_generic);
  } else {
    cat(buf, cap, &len, "\t-\t-\t-\t-", NULL);
  }
  put(buf, cap, &len, "\t%s\t%s\t%s", r->sts.status, r->tlsrpt.status,
      r->bimi.status);
  if (r->exists) {
    put(buf, cap, &len, "\t%s\t%s", tri_text(r->ready), r->failed);
  } else {
    cat(buf, cap, &len, "\t-\t-", NULL);
  }
  cat(buf, cap, &len, "\t", d->method,
      d->disagree < 0 ? "\t-"
      : d->disagree   ? "\t1"
                      : "\t0",
      NULL);
  for (int i = 0; i < 9; i++) {
    cat(buf, cap, &len, "\t", d->tag[i], NULL);
  }
  snprintf(probed, sizeof(probed), "%u", r->dkim.probed);
  cat(buf, cap, &len, "\t", d->rua, "\t", d->ruf, "\t", d->unknown, "\t",
      d->removed, "\t", d->error, "\t", probed, "\t", r->dkim.errors, "\t",
      r->mx_detail, "\t", r->sts.field1, "\t", r->sts.error, "\t",
      r->tlsrpt.field1, "\t", r->tlsrpt.error, "\t", r->bimi.field1, "\t",
      r->bimi.field2, "\t", r->bimi.error, "\t", r->findings, "\t", r->unknown,
      "\t", r->dkim.failed, NULL);
}
