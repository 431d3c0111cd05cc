#include "tests/world/postcase.h"

#include <assert.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

bool mp_pg_case_pick(uint64_t seed, uint64_t index, int round, unsigned *dv,
                     unsigned *mv)
{
  struct mp_rng r;

  if (round >= 0) {
    *dv = (unsigned)round;
    *mv = (unsigned)round < MP_PG_NMX ? (unsigned)round
                                      : (unsigned)round % MP_PG_NMX_RANDOM;
    return round < MP_PG_NDMARC;
  }
  mp_rng_init(&r, seed, index, 8);
  *dv = mp_rng_below(&r, MP_PG_NDRAWN);
  *mv = mp_rng_below(&r, MP_PG_NMX_RANDOM);
  return mp_rng_pct(&r, 25);
}

/* The IPv4 address k (< 3) of line index: the slots an own MX host of that
 * line would use (worldgen.c host_addr), free on an nxdomain line. */
static void addr4(uint64_t index, unsigned k, uint8_t a[4])
{
  uint64_t v = (index * 3 + k) % (245u * 65536u);

  assert(k < 3);
  a[0] = 10;
  a[1] = (uint8_t)(v >> 16);
  a[2] = (uint8_t)(v >> 8);
  a[3] = (uint8_t)v;
}

/* IPv6 address k (< 16) of line index, in 2001:db8:5::/48. */
static void addr6(uint64_t index, unsigned k, uint8_t a[16])
{
  uint64_t v = index * 16 + k;
  static const uint8_t pfx[6] = {0x20, 0x01, 0x0d, 0xb8, 0, 5};

  assert(k < 16);
  memset(a, 0, 16);
  memcpy(a, pfx, sizeof(pfx));
  for (int i = 0; i < 8; i++) {
    a[8 + i] = (uint8_t)(v >> (56 - 8 * i));
  }
}

struct out4 {
  struct mp_pg_text *zone, *example, *rev4, *rev6;
};

static void rr_a(struct out4 *o, const char *host, const uint8_t a[4])
{
  mp_pg_printf(o->zone, "%s. A %u.%u.%u.%u\n", host, a[0], a[1], a[2], a[3]);
}

static void rr_aaaa(struct out4 *o, const char *host, const uint8_t a[16])
{
  mp_pg_printf(o->zone, "%s. AAAA", host);
  for (int i = 0; i < 16; i += 2) {
    mp_pg_printf(o->zone, "%s%x", i == 0 ? " " : ":",
                 (unsigned)a[i] << 8 | a[i + 1]);
  }
  mp_pg_printf(o->zone, "\n");
}

static void ptr4(struct out4 *o, const uint8_t a[4], const char *target)
{
  mp_pg_printf(o->rev4, "%u.%u.%u.10.in-addr.arpa. PTR %s.\n", a[3], a[2], a[1],
               target);
}

static void ptr6(struct out4 *o, const uint8_t a[16], const char *target)
{
  static const char hex[] = "0123456789abcdef";

  for (int i = 15; i >= 0; i--) {
    mp_pg_printf(o->rev6, "%c.%c.", hex[a[i] & 15], hex[a[i] >> 4]);
  }
  mp_pg_printf(o->rev6, "ip6.arpa. PTR %s.\n", target);
}

static void add_mx(struct mp_pg_case *c, unsigned pref, const char *host)
{
  assert(c->nmx < MP_PG_MAXMX);
  c->mx[c->nmx].pref = pref;
  mp_pg_fmt(c->mx[c->nmx].host, sizeof(c->mx[0].host), "%s", host);
  c->nmx++;
}

/* The MX variants; hosts live under the listed name L. */
static void case_mx(uint64_t index, unsigned mv, struct mp_pg_case *c,
                    struct out4 *o)
{
  const char *L = c->name;
  char h[300], g[300];
  uint8_t a[3][4], w[16][16];

  for (unsigned k = 0; k < 3; k++) {
    addr4(index, k, a[k]);
  }
  for (unsigned k = 0; k < 16; k++) {
    addr6(index, k, w[k]);
  }
  mp_pg_fmt(h, sizeof(h), "mx1.%s", L);
  switch (mv) {
  case 0: /* a generic PTR name that resolves back */
    add_mx(c, 10, h);
    rr_a(o, h, a[0]);
    mp_pg_fmt(g, sizeof(g), "dyn-%u-%u-%u-%u.pool.isp.example", a[0][0],
              a[0][1], a[0][2], a[0][3]);
    ptr4(o, a[0], g);
    mp_pg_printf(o->example, "%s. A %u.%u.%u.%u\n", g, a[0][0], a[0][1],
                 a[0][2], a[0][3]);
    break;
  case 1: /* the exchange is an alias (RFC 2181 section 10.3 says not to) */
    mp_pg_fmt(g, sizeof(g), "mail.%s", L);
    add_mx(c, 10, g);
    mp_pg_printf(o->zone, "%s. CNAME %s.\n", g, h);
    rr_a(o, h, a[0]);
    rr_aaaa(o, h, w[0]);
    ptr4(o, a[0], h);
    ptr6(o, w[0], h);
    break;
  case 2: /* an address literal as the exchange name */
    add_mx(c, 10, h);
    rr_a(o, h, a[0]);
    ptr4(o, a[0], h);
    mp_pg_fmt(g, sizeof(g), "%u.%u.%u.%u", a[1][0], a[1][1], a[1][2], a[1][3]);
    add_mx(c, 20, g);
    break;
  case 3: /* no PTR; a host that does not exist */
    add_mx(c, 10, h);
    rr_a(o, h, a[0]);
    mp_pg_fmt(g, sizeof(g), "gone.%s", L);
    add_mx(c, 20, g);
    break;
  case 4: /* twelve hosts: only the first ten by preference count */
    for (unsigned k = 12; k >= 1; k--) {
      mp_pg_fmt(h, sizeof(h), "h%02u.%s", k, L);
      add_mx(c, k, h);
      if (k <= 3) {
        rr_a(o, h, a[k - 1]);
        ptr4(o, a[k - 1], h);
      } else if (k <= 10) {
        rr_aaaa(o, h, w[k - 4]);
        ptr6(o, w[k - 4], h);
      }
    }
    break;
  case 5: /* six addresses on one host, all forward-confirmed */
    add_mx(c, 10, h);
    for (unsigned k = 0; k < 3; k++) {
      rr_a(o, h, a[k]);
      ptr4(o, a[k], h);
      rr_aaaa(o, h, w[k]);
      ptr6(o, w[k], h);
    }
    break;
  case 6: /* the PTR name resolves, but to another address */
    add_mx(c, 10, h);
    rr_a(o, h, a[0]);
    mp_pg_fmt(g, sizeof(g), "outbound.%s", L);
    ptr4(o, a[0], g);
    rr_a(o, g, a[1]);
    break;
  case 7: /* IPv6 only */
    add_mx(c, 10, h);
    rr_aaaa(o, h, w[0]);
    ptr6(o, w[0], h);
    break;
  case 8: /* the A is confirmed, the AAAA has no PTR */
    add_mx(c, 10, h);
    rr_a(o, h, a[0]);
    ptr4(o, a[0], h);
    rr_aaaa(o, h, w[0]);
    break;
  case 9: /* a null MX beside a host (RFC 7505 section 3 says not) */
    add_mx(c, 0, "");
    add_mx(c, 10, h);
    rr_a(o, h, a[0]);
    ptr4(o, a[0], h);
    break;
  case 10: /* a confirmed host, and one in a zone that fails (SERVFAIL) */
    add_mx(c, 10, h);
    rr_a(o, h, a[0]);
    ptr4(o, a[0], h);
    mp_pg_fmt(g, sizeof(g), "mx2.d%07" PRIu64 ".broken.test", index);
    add_mx(c, 20, g);
    break;
  default: /* 11: the A's PTR name is in the failing zone; the AAAA is
            * confirmed */
    add_mx(c, 10, h);
    rr_a(o, h, a[0]);
    mp_pg_fmt(g, sizeof(g), "mx1.d%07" PRIu64 ".broken.test", index);
    ptr4(o, a[0], g);
    rr_aaaa(o, h, w[0]);
    ptr6(o, w[0], h);
    break;
  }
}

static void own_dmarc(struct mp_pg_case *c, const char *rec)
{
  assert(c->ndmarc < 2);
  mp_pg_fmt(c->dmarc[c->ndmarc++], sizeof(c->dmarc[0]), "%s", rec);
}

/* A _dmarc record of parent p to zone. */
static void parent_dmarc(struct out4 *o, const char *p, const char *rec)
{
  char owner[300];

  mp_pg_fmt(owner, sizeof(owner), "_dmarc.%s", p);
  mp_pg_txt_str(o->zone, owner, rec);
}

/* The DMARC variants: the listed name, its own records, its parents'. */
static void case_dmarc(uint64_t index, unsigned dv, struct mp_pg_case *c,
                       struct out4 *o)
{
  char p[64], q[300], r[300];
  const char *L = c->name;

  mp_pg_fmt(p, sizeof(p), "d%07" PRIu64 ".%s", index,
            dv >= 10 && dv <= 13 ? "psd.test" : "test");
  c->psd = dv >= 10 && dv <= 13;
  mp_pg_fmt(c->name, sizeof(c->name), "shop.%s", p);
  switch (dv) {
  case 0:
    mp_pg_fmt(r, sizeof(r), "v=DMARC1; p=reject; rua=mailto:dmarc@%s", p);
    parent_dmarc(o, p, r);
    break;
  case 1:
    parent_dmarc(o, p,
                 "v=DMARC1; p=none; sp=quarantine; "
                 "rua=mailto:rua@reports.example!10m");
    break;
  case 2:
    own_dmarc(c, "v=DMARC1; p=quarantine; t=y; "
                 "rua=mailto:rua@dmarc.reportco.example");
    mp_pg_printf(o->example,
                 "%s._report._dmarc.dmarc.reportco.example. TXT "
                 "\"v=DMARC1;\"\n",
                 L);
    parent_dmarc(o, p, "v=DMARC1; p=reject");
    break;
  case 3:
    parent_dmarc(o, p,
                 "v=DMARC1; p=reject; sp=none; t=y; np=reject; "
                 "rua=mailto:agg@noauth-reports.example");
    break;
  case 4:
    parent_dmarc(o, p,
                 "v=DMARC1; p=reject; t=y; pct=50; "
                 "rua=mailto:agg@reports.broken.test");
    break;
  case 5:
  case 13:
  case 16:
    mp_pg_printf(o->zone, "%s. A 192.0.2.%u\n", p, 1 + (unsigned)(index % 254));
    if (dv == 16) {
      own_dmarc(c, "v=DMARC1; p=reject; np=quarantine; t=y");
    }
    break;
  case 6:
    parent_dmarc(o, p, "v=DMARC1; p=maybe; sp=reject");
    break;
  case 7:
    parent_dmarc(o, p, "v=DMARC1; rua=mailto:rua@reports.example");
    break;
  case 8: /* psd=n one level up; the PSL would take the record above */
    mp_pg_fmt(c->name, sizeof(c->name), "a.b.%s", p);
    mp_pg_fmt(q, sizeof(q), "b.%s", p);
    mp_pg_fmt(r, sizeof(r),
              "v=DMARC1; p=quarantine; psd=n; rua=mailto:dmarc@%s", q);
    parent_dmarc(o, q, r);
    parent_dmarc(o, p, "v=DMARC1; p=reject; sp=reject");
    break;
  case 9: /* nine labels: the tree walk skips the 8-label name */
    mp_pg_fmt(c->name, sizeof(c->name), "x7.x6.x5.x4.x3.x2.x1.%s", p);
    mp_pg_fmt(q, sizeof(q), "x6.x5.x4.x3.x2.x1.%s", p);
    parent_dmarc(o, q, "v=DMARC1; p=none; psd=n");
    parent_dmarc(o, p, "v=DMARC1; p=quarantine; sp=reject");
    break;
  case 10:
    mp_pg_fmt(c->name, sizeof(c->name), "%s", p);
    break;
  case 11:
    mp_pg_fmt(c->name, sizeof(c->name), "%s", p);
    mp_pg_fmt(r, sizeof(r),
              "v=DMARC1; p=reject; rua=mailto:dmarc@%s,"
              "mailto:agg@dmarc.reportco.example",
              p);
    own_dmarc(c, r);
    break;
  case 12:
    parent_dmarc(o, p, "v=DMARC1; p=none; sp=quarantine");
    break;
  case 14:
    own_dmarc(c, "v=DMARC1; p=quarantine");
    parent_dmarc(o, p, "v=DMARC1; p=reject; psd=y");
    break;
  case 15: /* two records at the parent */
    parent_dmarc(o, p, "v=DMARC1; p=reject");
    parent_dmarc(o, p, "v=DMARC1; p=none");
    break;
  case 17: /* no p, but an sp for the subdomains (RFC 9989 4.7) */
    parent_dmarc(o, p, "v=DMARC1; sp=reject; rua=mailto:rua@reports.example");
    break;
  case 18: /* a psd=n given twice is no psd=n: the record above it is
              the Organizational Domain's (RFC 6376 3.2, RFC 9989 4.10.2) */
    mp_pg_fmt(c->name, sizeof(c->name), "a.b.%s", p);
    mp_pg_fmt(q, sizeof(q), "b.%s", p);
    parent_dmarc(o, q, "v=DMARC1; p=quarantine; psd=n; psd=n");
    parent_dmarc(o, p, "v=DMARC1; p=reject; sp=reject");
    break;
  default: /* 19: the listed name does not exist: np applies (RFC 9989
              4.10.1), not sp */
    mp_pg_fmt(c->name, sizeof(c->name), "gone.%s", p);
    c->exists = false;
    mp_pg_printf(o->zone, "%s. A 192.0.2.%u\n", p, 1 + (unsigned)(index % 254));
    mp_pg_fmt(r, sizeof(r),
              "v=DMARC1; p=none; sp=quarantine; np=reject; "
              "rua=mailto:dmarc@%s",
              p);
    parent_dmarc(o, p, r);
    break;
  }
}

void mp_pg_case(uint64_t index, unsigned dv, unsigned mv, struct mp_pg_case *c,
                struct mp_pg_text *zone, struct mp_pg_text *example,
                struct mp_pg_text *rev4, struct mp_pg_text *rev6)
{
  struct out4 o = {zone, example, rev4, rev6};

  assert(dv < MP_PG_NDMARC && mv < MP_PG_NMX);
  memset(c, 0, sizeof(*c));
  c->exists = true;
  case_dmarc(index, dv, c, &o);
  if (c->exists) {
    mp_pg_fmt(c->spf, sizeof(c->spf), "v=spf1 ip4:192.0.2.0/24 -all");
    case_mx(index, mv, c, &o);
  }
}
