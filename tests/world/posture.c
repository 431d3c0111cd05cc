#include "tests/world/posture.h"

#include <arpa/inet.h>
#include <assert.h>
#include <stdio.h>
#include <string.h>

#define MX_HOSTS 10 /* hosts examined, in preference order */
#define MX_ADDRS 4  /* addresses examined per host */

/* ---- MX hosts and reverse DNS ---- */

struct mxh {
  unsigned pref;
  const char *host;
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

/* Forward-confirmed reverse DNS: some PTR name of the address has an A
 * (AAAA) record holding it. *gen: some PTR name is generic. */
static bool fcrdns(const struct mp_dv *v, const uint8_t *a, size_t n, bool *gen)
{
  char rev[80];
  struct mp_dv_ans p;
  bool ok = false;

  *gen = false;
  rev_name(a, n, rev, sizeof(rev));
  mp_dv_query(v, rev, MP_ZT_PTR, false, &p);
  for (size_t i = p.first; i < p.first + p.n; i++) {
    const char *name = mp_zonedb_str(p.db, p.db->rr[i].data);
    struct mp_dv_ans f;
    *gen = *gen || generic(a, n, name);
    mp_dv_query(v, name, n == 4 ? MP_ZT_A : MP_ZT_AAAA, false, &f);
    for (size_t k = f.first; k < f.first + f.n; k++) {
      ok = ok || (f.db->rr[k].len == n &&
                  memcmp(f.db->bytes + f.db->rr[k].data, a, n) == 0);
    }
  }
  return ok;
}

static void mx_check(const struct mp_dv *v, const char *domain,
                     struct mp_post_row *row)
{
  struct mxh h[64];
  struct mp_dv_ans a;
  size_t n = 0, examined = 0, confirmed = 0;

  mp_dv_query(v, domain, MP_ZT_MX, false, &a);
  for (size_t i = a.first; i < a.first + a.n; i++) {
    assert(n < 64);
    h[n].pref = a.db->rr[i].pref;
    h[n++].host = mp_zonedb_str(a.db, a.db->rr[i].data);
  }
  if (n == 1 && h[0].pref == 0 && h[0].host[0] == '\0') {
    row->mx_null = true; /* RFC 7505 */
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
    size_t got = 0;
    for (int f = 0; f < 2; f++) { /* A, then AAAA; CNAMEs followed */
      struct mp_dv_ans r;
      mp_dv_query(v, h[i].host, f == 0 ? MP_ZT_A : MP_ZT_AAAA, false, &r);
      for (size_t k = r.first; k < r.first + r.n; k++, got++) {
        bool gen;
        if (got >= MX_ADDRS) {
          continue;
        }
        examined++;
        confirmed += fcrdns(v, (const uint8_t *)r.db->bytes + r.db->rr[k].data,
                            r.db->rr[k].len, &gen);
        row->mx_generic += gen;
      }
    }
    row->mx_unresolved += got == 0;
  }
  row->mx_all_fcrdns = examined > 0 && confirmed == examined;
}

/* ---- MTA-STS, TLS-RPT, BIMI ---- */

static bool wsp(char c)
{
  return c == ' ' || c == '\t';
}

static bool alnum(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9');
}

/* RFC 8461 section 3.1 and RFC 8460 section 3: sts-ext-name "=" value. */
static bool ext_field(const char *f, size_t n)
{
  size_t k = 1;

  if (n == 0 || !alnum(f[0])) {
    return false;
  }
  while (k < n && k <= 32 && (alnum(f[k]) || strchr("_-.", f[k]) != NULL)) {
    k++;
  }
  if (k >= n || f[k] != '=' || k + 1 == n) {
    return false;
  }
  for (k++; k < n; k++) {
    unsigned char c = (unsigned char)f[k];
    if (c < 0x21 || c > 0x7e || c == ';' || c == '=') {
      return false;
    }
  }
  return true;
}

/* TLS-RPT rua: 1*(URI) separated by *WSP "," *WSP, each mailto: or https:
 * (RFC 8460 section 3). */
static bool rua_ok(const char *v, size_t n)
{
  for (size_t a = 0; a <= n;) {
    size_t b = a, s, e;
    while (b < n && v[b] != ',') {
      b++;
    }
    for (s = a; s < b && wsp(v[s]); s++) {
    }
    for (e = b; e > s && wsp(v[e - 1]); e--) {
    }
    size_t len = e - s, scheme = strncmp(v + s, "mailto:", 7) == 0  ? 7
                                 : strncmp(v + s, "https:", 6) == 0 ? 6
                                                                    : 0;
    if (scheme == 0 || len <= scheme) {
      return false;
    }
    for (size_t i = s; i < e; i++) {
      if ((unsigned char)v[i] <= 0x20 || (unsigned char)v[i] > 0x7e) {
        return false;
      }
    }
    a = b + 1;
  }
  return true;
}

/* One record after its version prefix: ';'-separated fields, an empty one
 * only at the end. sts: an id= of 1-32 alphanumerics is required; else a
 * rua= list is. */
static bool fields_ok(const char *p, size_t n, bool sts)
{
  bool have = false;

  for (size_t a = 0; a <= n;) {
    size_t b = a, s, e;
    while (b < n && p[b] != ';') {
      b++;
    }
    for (s = a; s < b && wsp(p[s]); s++) {
    }
    for (e = b; e > s && wsp(p[e - 1]); e--) {
    }
    if (s == e) {
      if (b < n) {
        return false; /* an empty field before the end */
      }
    } else if (sts && e - s >= 3 && strncmp(p + s, "id=", 3) == 0) {
      if (e - s == 3 || e - s > 35) {
        return false;
      }
      for (size_t i = s + 3; i < e; i++) {
        if (!alnum(p[i])) {
          return false;
        }
      }
      have = true;
    } else if (!sts && e - s >= 4 && strncmp(p + s, "rua=", 4) == 0) {
      if (!rua_ok(p + s + 4, e - s - 4)) {
        return false;
      }
      have = true;
    } else if (!ext_field(p + s, e - s)) {
      return false;
    }
    a = b + 1;
  }
  return have;
}

/* "v" *WSP "=" *WSP "BIMI1" *WSP then ";" or the end. */
static size_t bimi_version(const char *p, size_t n)
{
  size_t k = 1;

  if (n == 0 || (p[0] != 'v' && p[0] != 'V')) {
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

/* Empty, or one https URI with a host (the draft's bimi-uri). */
static bool https_ok(const char *v, size_t n)
{
  size_t k = 8;

  if (n == 0) {
    return true;
  }
  if (n <= 8 || strncmp(v, "https://", 8) != 0) {
    return false;
  }
  if (!alnum(v[k])) {
    return false;
  }
  for (; k < n; k++) {
    if ((unsigned char)v[k] <= 0x20 || (unsigned char)v[k] > 0x7e ||
        v[k] == ',' || v[k] == ';') {
      return false;
    }
  }
  return true;
}

/* A BIMI assertion record: l= required, a= optional, unknown tags
 * ignored. */
static bool bimi_ok(const char *p, size_t n, size_t at)
{
  bool have_l = false, ok = true;

  for (size_t a = at; a < n;) {
    size_t b = a + 1, s, e, eq;
    while (b < n && p[b] != ';') {
      b++;
    }
    for (s = a + 1; s < b && wsp(p[s]); s++) {
    }
    for (e = b; e > s && wsp(p[e - 1]); e--) {
    }
    for (eq = s; eq < e && p[eq] != '=' && !wsp(p[eq]); eq++) {
    }
    size_t nl = eq - s, vs;
    while (eq < e && wsp(p[eq])) {
      eq++;
    }
    if (eq < e && p[eq] == '=') {
      for (vs = eq + 1; vs < e && wsp(p[vs]); vs++) {
      }
      if (nl == 1 && (p[s] == 'l' || p[s] == 'a')) {
        ok = ok && https_ok(p + vs, e - vs);
        have_l = have_l || p[s] == 'l';
      }
    }
    a = b;
  }
  return ok && have_l;
}

enum kind { STS, TLSRPT, BIMI };

static const char *policy(const struct mp_dv *v, const char *domain,
                          enum kind k)
{
  static const char *const owner[] = {"_mta-sts", "_smtp._tls",
                                      "default._bimi"};
  static const char *const ver[] = {"v=STSv1;", "v=TLSRPTv1;"};
  char q[300], buf[4096], rec[4096];
  struct mp_dv_ans a;
  size_t found = 0, len = 0, at = 0;

  snprintf(q, sizeof(q), "%s.%s", owner[k], domain);
  mp_dv_query(v, q, MP_ZT_TXT, false, &a);
  for (size_t i = a.first; i < a.first + a.n; i++) {
    size_t n = mp_dv_txt(a.db, i, buf, sizeof(buf)), vl = 0;
    if (k == BIMI) {
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
  }
  if (found != 1) {
    return found == 0 ? "none" : "invalid";
  }
  if (k == BIMI) {
    return bimi_ok(rec, len, at) ? "valid" : "invalid";
  }
  return fields_ok(rec + at, len - at, k == STS) ? "valid" : "invalid";
}

/* ---- the row ---- */

void mp_post_eval(const struct mp_dv *v, const char *domain, bool spf_valid,
                  struct mp_post_row *row)
{
  size_t len = 0;

  memset(row, 0, sizeof(*row));
  mp_dmarct_eval(v, domain, &row->dmarc);
  mp_dkimt_eval(v, domain, &row->dkim);
  mx_check(v, domain, row);
  row->sts = policy(v, domain, STS);
  row->tlsrpt = policy(v, domain, TLSRPT);
  row->bimi = policy(v, domain, BIMI);
  const char *codes[3] = {
      spf_valid || row->dkim.usable ? NULL : "spf_or_dkim",
      strcmp(row->dmarc.effective, "missing") != 0 ? NULL : "dmarc",
      row->mx_null || row->mx_all_fcrdns ? NULL : "mx_fcrdns"};
  for (int i = 0; i < 3; i++) {
    if (codes[i] != NULL) {
      len += (size_t)snprintf(row->failed + len, sizeof(row->failed) - len,
                              "%s%s", len > 0 ? "," : "", codes[i]);
    }
  }
  row->ready = len == 0;
  if (len == 0) {
    snprintf(row->failed, sizeof(row->failed), "-");
  }
}

void mp_post_format(const struct mp_post_row *r, char *buf, size_t cap)
{
  const struct mp_dmarct_row *d = &r->dmarc;
  char weak[16] = "-";
  int n;

  if (r->dkim.weakest > 0) {
    snprintf(weak, sizeof(weak), "%u", r->dkim.weakest);
  }
  n = snprintf(buf, cap,
               "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t%d\t%u\t%u\t%s\t%s"
               "\t%s\t%d\t%s",
               d->status, d->found_at, d->policy_domain, d->effective,
               d->org_psl, d->org_tree_walk, d->external, r->dkim.status,
               r->dkim.keys, weak, r->mx_null, r->mx_all_fcrdns,
               r->mx_unresolved, r->mx_generic, r->sts, r->tlsrpt, r->bimi,
               r->ready, r->failed);
  assert(n > 0 && (size_t)n < cap);
  (void)n;
}
