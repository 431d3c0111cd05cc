/* mp_worldgen: writes a deterministic synthetic DNS world for the tests, the
 * demo and the benchmark: zone files for Knot DNS, the input list and the
 * expected result of every input line. See tests/world/README.md.
 *
 * Every domain is a pure function of (seed, index), so the output is
 * reproducible and an alias can recompute its target without keeping the
 * world in memory: memory is O(1) in --domains. */
#include <assert.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "scanner/base/alloc.h"
#include "tests/world/postcase.h"
#include "tests/world/postgen.h"
#include "tests/world/posture.h"
#include "tests/world/rng.h"
#include "tests/world/spftruth.h"
#include "tests/world/zonedb.h"
#include "tests/world/worldedit.h"

#define NAME_BUF  512         /* also holds the over-long invalid names */
#define MAX_RECS  64          /* TXT records at one owner */
#define MAX_STRS  512         /* character-strings of those records */
#define ARENA_CAP (64 * 1024) /* record bytes of one domain */
#define MAX_MX    12          /* the posture cases have up to 12 */
#define OUT_CAP   (1u << 20)
#define WARMUP    20 /* first 20 * K_COUNT lines cycle through all kinds */

/* ---- buffered output ---- */

/* A file written through a buffer, or (f == NULL) a buffer only: the zone
 * lines of one input line, parsed back for the SPF truth. */
struct out {
  FILE *f;
  char *buf;
  size_t len;
  bool err;
};

static void out_flush(struct out *o)
{
  if (o->len > 0 && fwrite(o->buf, 1, o->len, o->f) != o->len) {
    o->err = true;
  }
  o->len = 0;
}

static char *out_room(struct out *o, size_t n)
{
  assert(n <= OUT_CAP);
  if (o->len + n > OUT_CAP) {
    assert(o->f != NULL);
    out_flush(o);
  }
  return o->buf + o->len;
}

static void out_mem(struct out *o, const void *p, size_t n)
{
  memcpy(out_room(o, n), p, n);
  o->len += n;
}

static void out_str(struct out *o, const char *s)
{
  out_mem(o, s, strlen(s));
}

__attribute__((format(printf, 2, 3))) static void out_fmt(struct out *o,
                                                          const char *fmt, ...)
{
  char *w = out_room(o, 4096);
  va_list ap;
  int n;

  va_start(ap, fmt);
  n = vsnprintf(w, 4096, fmt, ap);
  va_end(ap);
  assert(n >= 0 && n < 4096);
  o->len += (size_t)n;
}

static void out_hex(struct out *o, const uint8_t *p, size_t n)
{
  static const char digits[] = "0123456789abcdef";
  char *w = out_room(o, 2 * n);

  for (size_t i = 0; i < n; i++) {
    w[2 * i] = digits[p[i] >> 4];
    w[2 * i + 1] = digits[p[i] & 15];
  }
  o->len += 2 * n;
}

/* A zone-file character-string (RFC 1035 section 5.1): quoted, with '"' and
 * '\' escaped and every byte outside printable ASCII as decimal \DDD. */
static void out_zstr(struct out *o, const uint8_t *p, size_t n)
{
  char *w = out_room(o, 4 * n + 3);
  size_t k = 0;

  w[k++] = ' ';
  w[k++] = '"';
  for (size_t i = 0; i < n; i++) {
    if (p[i] == '"' || p[i] == '\\') {
      w[k++] = '\\';
      w[k++] = (char)p[i];
    } else if (p[i] < 0x20 || p[i] > 0x7e) {
      w[k++] = '\\';
      w[k++] = (char)('0' + p[i] / 100);
      w[k++] = (char)('0' + p[i] / 10 % 10);
      w[k++] = (char)('0' + p[i] % 10);
    } else {
      w[k++] = (char)p[i];
    }
  }
  w[k++] = '"';
  o->len += k;
}

/* Closes o (a memory-only or never opened o too) and frees its buffer. */
static int out_close(struct out *o)
{
  int rc = 0;

  if (o->f == NULL) {
    mp_free(o->buf);
    o->buf = NULL;
    return 0;
  }
  out_flush(o);
  if (o->err || ferror(o->f)) {
    rc = -EIO;
  }
  if (fclose(o->f) != 0 && rc == 0) {
    rc = -errno;
  }
  o->f = NULL;
  mp_free(o->buf);
  o->buf = NULL;
  return rc;
}

/* ---- the shared provider world (zone example.) ---- */

struct provider {
  const char *include; /* SPF include target */
  unsigned weight;
};

static const struct provider providers[] = {
    {"_spf.mailco.example", 34},    {"spf.protection.bigmail.example", 30},
    {"_spf.blastmail.example", 10}, {"amazonses.example", 8},
    {"_spf.crm.example", 6},        {"servers.mcsv.example", 6},
    {"spf.helpdesk.example", 4},    {"_spf.hostco.example", 2},
};
#define N_PROVIDERS (sizeof(providers) / sizeof(providers[0]))

struct shared_mx {
  const char *host;
  unsigned pref;
  uint8_t v4;  /* 10.255.0.<v4> */
  bool has_v6; /* 2001:db8:ffff::<v4> */
};

/* Three provider MX sets: mailco (Google-like), bigmail, securemx. */
static const struct shared_mx shared_mx[3][3] = {
    {{"mx1.mailco.example", 1, 1, true},
     {"mx2.mailco.example", 5, 2, true},
     {"mx3.mailco.example", 10, 3, false}},
    {{"inbound.bigmail.example", 0, 10, true}},
    {{"mx1.securemx.example", 10, 20, true},
     {"mx2.securemx.example", 20, 21, false}},
};
static const size_t shared_mx_n[3] = {3, 1, 2};

static const char *const example_zone[] = {
    "ns1 A 127.0.0.1",
    "; mailco: three levels of includes, like a big mailbox provider",
    "_spf.mailco TXT \"v=spf1 include:_netblocks.mailco.example "
    "include:_netblocks2.mailco.example include:_netblocks3.mailco.example "
    "~all\"",
    "_netblocks.mailco TXT \"v=spf1 ip4:10.250.0.0/19 ip4:10.250.32.0/19 "
    "ip4:10.250.64.0/20 ip4:198.51.100.0/25 ~all\"",
    "_netblocks2.mailco TXT \"v=spf1 ip6:2001:db8:fa00::/40 "
    "ip6:2001:db8:fb00::/40 ~all\"",
    "_netblocks3.mailco TXT \"v=spf1 ip4:10.250.96.0/19 ip4:10.250.128.0/19 "
    "include:_netblocks4.mailco.example ~all\"",
    "_netblocks4.mailco TXT \"v=spf1 ip4:10.250.160.0/20 ~all\"",
    "; bigmail: two levels",
    "spf.protection.bigmail TXT \"v=spf1 ip4:10.251.0.0/16 ip4:10.252.0.0/17 "
    "ip6:2001:db8:fc00::/40 include:spfd.protection.bigmail.example -all\"",
    "spfd.protection.bigmail TXT \"v=spf1 ip4:10.252.128.0/17 "
    "ip6:2001:db8:fd00::/40 -all\"",
    "_spf.blastmail TXT \"v=spf1 ip4:10.253.0.0/18 ip4:10.253.64.0/18 ~all\"",
    "amazonses TXT \"v=spf1 ip4:10.254.0.0/20 ip4:10.254.16.0/20 -all\"",
    "_spf.crm TXT \"v=spf1 include:_spf1.crm.example include:_spf2.crm.example "
    "~all\"",
    "_spf1.crm TXT \"v=spf1 ip4:10.249.0.0/20 ~all\"",
    "_spf2.crm TXT \"v=spf1 ip4:10.249.16.0/20 ip6:2001:db8:f900::/40 ~all\"",
    "servers.mcsv TXT \"v=spf1 ip4:10.248.0.0/21 ip4:10.248.8.0/22 ~all\"",
    "spf.helpdesk TXT \"v=spf1 ip4:10.247.0.0/24 "
    "include:_spf.blastmail.example ~all\"",
    "; hostco: redirect target using a: and mx:",
    "hostco A 10.246.0.1",
    "hostco MX 10 mx.hostco.example.",
    "mx.hostco A 10.246.0.2",
    "_spf.hostco TXT \"v=spf1 a:hostco.example mx:hostco.example "
    "ip4:10.246.0.0/24 ~all\"",
    "; deliberate errors: loops, a chain of 11 includes, void lookups",
    "loop-a TXT \"v=spf1 include:loop-b.example -all\"",
    "loop-b TXT \"v=spf1 include:loop-a.example -all\"",
    "self-loop TXT \"v=spf1 include:self-loop.example -all\"",
    "deep1 TXT \"v=spf1 include:deep2.example -all\"",
    "deep2 TXT \"v=spf1 include:deep3.example -all\"",
    "deep3 TXT \"v=spf1 include:deep4.example -all\"",
    "deep4 TXT \"v=spf1 include:deep5.example -all\"",
    "deep5 TXT \"v=spf1 include:deep6.example -all\"",
    "deep6 TXT \"v=spf1 include:deep7.example -all\"",
    "deep7 TXT \"v=spf1 include:deep8.example -all\"",
    "deep8 TXT \"v=spf1 include:deep9.example -all\"",
    "deep9 TXT \"v=spf1 include:deep10.example -all\"",
    "deep10 TXT \"v=spf1 include:deep11.example -all\"",
    "deep11 TXT \"v=spf1 ip4:10.245.0.0/24 -all\"",
    "void A 10.245.1.1",
    "_spf.macro TXT \"v=spf1 ip4:10.245.2.0/24 -all\"",
    "explain TXT \"Mail from %{i} is not authorized by %{d}\"",
    "; agentdesk: a helpdesk that sends as agent@<customer> from its own",
    "; hosts, known by the sender's local-part and the HELO name (macros",
    "; l, h and s; tests/integration/test_spf_cli.c, --spf-sender and",
    "; --spf-helo); no listed domain includes it",
    "_spf.agentdesk TXT \"v=spf1 exists:%{l}.%{h}._h.agentdesk.example "
    "-all\"",
    "agent.out.agentdesk.example._h.agentdesk A 127.0.0.2",
    "_spf2.agentdesk TXT \"v=spf1 exists:%{s}._s.agentdesk.example -all\"",
    "agent\\@customer2.agentdesk.example._s.agentdesk A 127.0.0.2",
    "customer.agentdesk TXT \"v=spf1 include:_spf.agentdesk.example -all\"",
    "customer2.agentdesk TXT \"v=spf1 include:_spf2.agentdesk.example "
    "-all\"",
    "; shared MX hosts",
};

/* ---- one domain ---- */

enum kind {
  K_NORMAL,
  K_NOSPF,
  K_NODMARC,
  K_NOMX,
  K_NXDOMAIN,
  K_EMPTY,
  K_SPF_SPLIT,
  K_OVERSIZED,
  K_MANYTXT,
  K_TWOSPF,
  K_LOOKALIKE,
  K_DMARC_ODD,
  K_HOSTILE,
  K_ALIAS,
  K_BROKEN,
  K_NULLMX,
  K_SPF_HARD,
  K_INVALID,
  K_IDN,
  K_ODDNAME,
  K_COUNT
};

/* Weights are per 10,000 lines; nsub is the number of variants. */
static const struct {
  unsigned weight;
  unsigned nsub;
} kinds[K_COUNT] = {
    [K_NORMAL] = {6320, 1},   [K_NOSPF] = {700, 2},
    [K_NODMARC] = {800, 4},   [K_NOMX] = {400, 2},
    [K_NXDOMAIN] = {400, 1},  [K_EMPTY] = {200, 2},
    [K_SPF_SPLIT] = {300, 3}, [K_OVERSIZED] = {50, 2},
    [K_MANYTXT] = {50, 1},    [K_TWOSPF] = {50, 1},
    [K_LOOKALIKE] = {60, 7},  [K_DMARC_ODD] = {150, 20},
    [K_HOSTILE] = {50, 2},    [K_ALIAS] = {100, 2},
    [K_BROKEN] = {30, 1},     [K_NULLMX] = {50, 1},
    [K_SPF_HARD] = {100, 20}, [K_INVALID] = {120, 15},
    [K_IDN] = {40, 8},        [K_ODDNAME] = {30, 4},
};

enum dmarc_state { DM_NONE, DM_NODATA, DM_TXT, DM_CNAME };
enum ptr_state { PTR_OK, PTR_NONE, PTR_OTHER };
enum split { SPLIT_ONE, SPLIT_255, SPLIT_RANDOM, SPLIT_TOKENS, SPLIT_EMPTY };

/* TXT records at one owner. Record r is the joined bytes arena[off[r]...]
 * of length len[r], written as strings slen[first[r] .. first[r+1]-1]. */
struct rrset {
  size_t n;
  size_t off[MAX_RECS], len[MAX_RECS], first[MAX_RECS + 1];
  size_t nstr;
  uint16_t slen[MAX_STRS];
};

struct mx {
  unsigned pref;
  char host[NAME_BUF]; /* "" is the null MX target "." */
};

struct host { /* an MX host of the domain's own, mx<k>.<name> */
  uint8_t v4[4];
  uint8_t v6[16];
  bool has_v4, has_v6;
  enum ptr_state ptr;
};

struct dom {
  uint64_t seed, index;
  enum kind kind;
  unsigned sub;
  char name[NAME_BUF]; /* normalized A-label, no trailing dot; "" invalid */
  bool exists;         /* the name has records or children in the zone */
  bool broken;         /* under broken.test: SERVFAIL */
  struct rrset txt, dmarc;
  enum dmarc_state dm;
  char cname[NAME_BUF]; /* alias target, "" if none */
  struct mx mx[MAX_MX];
  size_t nmx;
  bool mx_upper; /* write MX targets in upper case (truth is lower) */
  struct host hosts[MAX_MX];
  size_t nhosts;
  char extra[16384]; /* further zone lines of the name's zone (test., or
                        psd.test. when psd); owners relative or absolute */
  size_t extra_len;
  bool psd;                     /* the name lives in the psd.test. zone */
  struct mp_pg_text ex, r4, r6; /* absolute-owner lines for example., the
                                   reverse zones (posture cases only) */
  char ex_buf[1024], r4_buf[2048], r6_buf[4096];
  uint8_t arena[ARENA_CAP];
  size_t used;
};

static void dom_reset(struct dom *d, uint64_t seed, uint64_t index, enum kind k,
                      unsigned sub)
{
  d->seed = seed;
  d->index = index;
  d->kind = k;
  d->sub = sub;
  d->name[0] = '\0';
  d->exists = true;
  d->broken = false;
  d->txt.n = d->txt.nstr = d->dmarc.n = d->dmarc.nstr = 0;
  d->txt.first[0] = d->dmarc.first[0] = 0;
  d->dm = DM_NONE;
  d->cname[0] = '\0';
  d->nmx = d->nhosts = 0;
  d->mx_upper = false;
  d->extra_len = 0;
  d->psd = false;
  d->ex = (struct mp_pg_text){d->ex_buf, 0, sizeof(d->ex_buf)};
  d->r4 = (struct mp_pg_text){d->r4_buf, 0, sizeof(d->r4_buf)};
  d->r6 = (struct mp_pg_text){d->r6_buf, 0, sizeof(d->r6_buf)};
  d->used = 0;
}

__attribute__((format(printf, 2, 3))) static void
dom_extra(struct dom *d, const char *fmt, ...)
{
  size_t room = sizeof(d->extra) - d->extra_len;
  va_list ap;
  int n;

  va_start(ap, fmt);
  n = vsnprintf(d->extra + d->extra_len, room, fmt, ap);
  va_end(ap);
  assert(n >= 0 && (size_t)n < room);
  d->extra_len += (size_t)n;
}

static void set_split(struct rrset *s, size_t len, enum split how,
                      const uint8_t *p, struct mp_rng *r)
{
  size_t cuts[8], nc = 0, prev = 0;

  if (how == SPLIT_ONE || (how != SPLIT_EMPTY && len < 8)) {
    assert(len <= 255);
    s->slen[s->nstr++] = (uint16_t)len;
    return;
  }
  if (how == SPLIT_EMPTY) { /* "" "v=spf1 ...": an empty first string */
    s->slen[s->nstr++] = 0;
    set_split(s, len, SPLIT_ONE, p, r);
    return;
  }
  if (how == SPLIT_255) {
    for (size_t at = 255; at < len; at += 255) {
      assert(s->nstr < MAX_STRS);
      s->slen[s->nstr++] = 255;
      prev = at;
    }
    s->slen[s->nstr++] = (uint16_t)(len - prev);
    return;
  }
  /* 2-4 pieces, cut anywhere or just before a space */
  for (size_t want = 1 + mp_rng_below(r, 3), tries = 0; nc < want && tries < 64;
       tries++) {
    size_t at = 1 + mp_rng_below(r, (unsigned)(len - 1));
    if ((how == SPLIT_TOKENS && p[at] != ' ') ||
        (nc > 0 && at <= cuts[nc - 1])) {
      continue;
    }
    cuts[nc++] = at;
  }
  for (size_t i = 0; i < nc; i++) {
    assert(cuts[i] - prev <= 255);
    s->slen[s->nstr++] = (uint16_t)(cuts[i] - prev);
    prev = cuts[i];
  }
  assert(len - prev <= 255);
  s->slen[s->nstr++] = (uint16_t)(len - prev);
}

/* Adds one TXT record (bytes p, n) to s, cut into strings as `how` says. */
static void rec_add(struct dom *d, struct rrset *s, const void *p, size_t n,
                    enum split how, struct mp_rng *r)
{
  assert(s->n < MAX_RECS && d->used + n <= ARENA_CAP);
  memcpy(d->arena + d->used, p, n);
  s->off[s->n] = d->used;
  s->len[s->n] = n;
  set_split(s, n, how, d->arena + d->used, r);
  d->used += n;
  s->first[++s->n] = s->nstr;
}

static void rec_text(struct dom *d, struct rrset *s, const char *text,
                     enum split how, struct mp_rng *r)
{
  rec_add(d, s, text, strlen(text), how, r);
}

/* A string builder over a fixed buffer; overflow is a bug. */
struct sb {
  char *p;
  size_t len, cap;
};

__attribute__((format(printf, 2, 3))) static void sb_fmt(struct sb *b,
                                                         const char *fmt, ...)
{
  va_list ap;
  int n;

  va_start(ap, fmt);
  n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
  va_end(ap);
  assert(n >= 0 && (size_t)n < b->cap - b->len);
  b->len += (size_t)n;
}

static void sb_token(struct sb *b, struct mp_rng *r, size_t n)
{
  static const char abc[] = "abcdefghijklmnopqrstuvwxyz"
                            "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

  assert(b->len + n < b->cap);
  for (size_t i = 0; i < n; i++) {
    b->p[b->len++] = abc[mp_rng_below(r, sizeof(abc) - 1)];
  }
  b->p[b->len] = '\0';
}

/* ---- record content ---- */

#define F_SPF   1u
#define F_DMARC 2u
#define F_MX    4u
#define F_ALL   (F_SPF | F_DMARC | F_MX)

/* The relative owner of a name in its zone: the name without ".test", or
 * without ".psd.test" for the names the psd.test. zone serves. */
static int olen(const char *name)
{
  size_t n = strlen(name);

  if (n > 9 && strcmp(name + n - 9, ".psd.test") == 0) {
    return (int)(n - 9);
  }
  assert(n > 5 && strcmp(name + n - 5, ".test") == 0);
  return (int)(n - 5);
}

static const char *pick_provider(struct mp_rng *r)
{
  unsigned x = mp_rng_below(r, 100);

  for (size_t i = 0; i < N_PROVIDERS; i++) {
    if (x < providers[i].weight) {
      return providers[i].include;
    }
    x -= providers[i].weight;
  }
  return providers[0].include;
}

/* own: "_spf.<name>" to include after the providers, or NULL. */
static void spf_normal(struct mp_rng *r, struct sb *b, const char *own)
{
  const char *inc[3];
  unsigned ninc = 1 + mp_rng_below(r, 3), all = mp_rng_below(r, 100);

  sb_fmt(b, "v=spf1");
  if (mp_rng_pct(r, 20)) {
    sb_fmt(b, " mx");
  }
  if (mp_rng_pct(r, 10)) {
    sb_fmt(b, " a");
  }
  for (unsigned n = mp_rng_below(r, 3); n > 0; n--) {
    uint64_t x = mp_rng_next(r); /* one draw: argument order is unspecified */
    sb_fmt(b, " ip4:10.%u.%u.0/24", (unsigned)(x % 245),
           (unsigned)(x >> 32 & 255));
  }
  if (mp_rng_pct(r, 25)) {
    sb_fmt(b, " ip6:2001:db8:%x::/48", 0x100 + mp_rng_below(r, 0xe000));
  }
  for (unsigned k = 0; k < ninc; k++) {
    bool dup = false;
    inc[k] = pick_provider(r);
    for (unsigned j = 0; j < k; j++) {
      dup = dup || inc[j] == inc[k];
    }
    if (!dup) {
      sb_fmt(b, " include:%s", inc[k]);
    }
  }
  if (own != NULL) {
    sb_fmt(b, " include:%s", own);
  }
  sb_fmt(b, all < 55 ? " ~all" : all < 90 ? " -all" : " ?all");
}

static void dmarc_normal(const char *name, struct mp_rng *r, struct sb *b)
{
  static const char *const pol[] = {"none", "quarantine", "reject"};
  static const unsigned pct[] = {10, 25, 50, 100};
  unsigned p = mp_rng_below(r, 100);

  sb_fmt(b, "v=DMARC1; p=%s", pol[p < 50 ? 0 : p < 75 ? 1 : 2]);
  if (mp_rng_pct(r, 30)) {
    sb_fmt(b, "; sp=%s", pol[mp_rng_below(r, 3)]);
  }
  if (mp_rng_pct(r, 15)) {
    sb_fmt(b, "; pct=%u", pct[mp_rng_below(r, 4)]);
  }
  if (mp_rng_pct(r, 60)) {
    if (mp_rng_pct(r, 50)) {
      sb_fmt(b, "; rua=mailto:dmarc@%s", name);
    } else {
      sb_fmt(b, "; rua=mailto:rua@reports.example");
    }
  }
  if (mp_rng_pct(r, 10)) {
    sb_fmt(b, "; ruf=mailto:ruf@reports.example; fo=1");
  }
  if (mp_rng_pct(r, 20)) {
    sb_fmt(b, "; adkim=s");
  }
  if (mp_rng_pct(r, 15)) {
    sb_fmt(b, "; aspf=s");
  }
}

/* Addresses of own MX host k of domain `index`: unique up to ~5M domains
 * in 10.0.0.0-10.244.255.255 and ~1.4G in 2001:db8:1::/48. */
static void host_addr(struct host *h, uint64_t index, size_t k)
{
  uint64_t v = (index * 3 + k) % (245u * 65536u);
  uint32_t w = (uint32_t)(index * 3 + k);
  static const uint8_t pfx[12] = {0x20, 0x01, 0x0d, 0xb8, 0, 1};

  h->v4[0] = 10;
  h->v4[1] = (uint8_t)(v >> 16);
  h->v4[2] = (uint8_t)(v >> 8);
  h->v4[3] = (uint8_t)v;
  memcpy(h->v6, pfx, sizeof(pfx));
  for (size_t i = 0; i < 4; i++) {
    h->v6[12 + i] = (uint8_t)(w >> (24 - 8 * i));
  }
}

static void mx_normal(struct dom *d, struct mp_rng *r)
{
  if (mp_rng_pct(r, 40)) { /* own hosts mx<k>.<name> */
    d->nmx = d->nhosts = 1 + mp_rng_below(r, 3);
    for (size_t k = 0; k < d->nmx; k++) {
      struct host *h = &d->hosts[k];
      unsigned x = mp_rng_below(r, 100);
      d->mx[k].pref = 10 * (unsigned)(k + 1);
      mp_pg_fmt(d->mx[k].host, NAME_BUF, "mx%zu.%s", k + 1, d->name);
      host_addr(h, d->index, k);
      h->has_v4 = !mp_rng_pct(r, 2); /* 2%: MX host without address */
      h->has_v6 = h->has_v4 && mp_rng_pct(r, 50);
      h->ptr = x < 85 ? PTR_OK : x < 93 ? PTR_NONE : PTR_OTHER;
    }
  } else {
    unsigned x = mp_rng_below(r, 100);
    size_t set = x < 50 ? 0 : x < 85 ? 1 : 2;
    d->nmx = shared_mx_n[set];
    for (size_t k = 0; k < d->nmx; k++) {
      d->mx[k].pref = shared_mx[set][k].pref;
      mp_pg_fmt(d->mx[k].host, NAME_BUF, "%s", shared_mx[set][k].host);
    }
  }
  d->mx_upper = mp_rng_pct(r, 5);
}

/* A site-verification TXT record; k makes it unique at its owner. */
static void add_verification(struct dom *d, struct mp_rng *r, unsigned k)
{
  static const struct {
    const char *prefix;
    size_t len;
  } kinds_v[] = {
      {"google-site-verification=", 41},
      {"MS=ms", 8},
      {"facebook-domain-verification=", 28},
      {"apple-domain-verification=", 14},
      {"atlassian-domain-verification=", 62},
      {"docusign=", 34},
  };
  char buf[160];
  struct sb b = {buf, 0, sizeof(buf)};
  unsigned v = mp_rng_below(r, 6);

  sb_fmt(&b, "%s%02x", kinds_v[v].prefix, k);
  sb_token(&b, r, kinds_v[v].len);
  rec_text(d, &d->txt, buf, SPLIT_ONE, r);
}

/* 5% of the SPF records of short (d<n>.test) names also include a record
 * of their own, _spf.<name>, as many real domains do: include targets that
 * no other domain shares. Its own stream keeps the rest of the world as it
 * was; a second SPF record (K_TWOSPF) never gets one, so every own target
 * is reachable from the list. */
static bool add_own_include(struct dom *d, char *own, size_t cap)
{
  struct mp_rng r;
  int ol = olen(d->name);

  if (d->kind == K_TWOSPF || strlen(d->name) > 20) {
    return false;
  }
  mp_rng_init(&r, d->seed, d->index, 6);
  if (!mp_rng_pct(&r, 5)) {
    return false;
  }
  mp_pg_fmt(own, cap, "_spf.%s", d->name);
  dom_extra(d, "_spf.%.*s TXT \"v=spf1 ip4:172.%u.%u.%u/28 %s\"\n", ol, d->name,
            16 + (unsigned)(d->index >> 12 & 15),
            (unsigned)(d->index >> 4 & 255), (unsigned)(d->index & 15) << 4,
            mp_rng_pct(&r, 50) ? "-all" : "~all");
  return true;
}

static void fill_normal(struct dom *d, struct mp_rng *r, unsigned what,
                        enum split spf_split)
{
  char buf[512], own[NAME_BUF];
  struct sb b = {buf, 0, sizeof(buf)};
  int ol = olen(d->name);

  if (what & F_SPF) {
    spf_normal(r, &b, add_own_include(d, own, sizeof(own)) ? own : NULL);
    rec_text(d, &d->txt, buf, spf_split, r);
    if (mp_rng_pct(r, 30)) {
      for (unsigned k = 0, n = 1 + mp_rng_below(r, 2); k < n; k++) {
        add_verification(d, r, k);
      }
    }
  }
  if (what & F_DMARC) {
    b.len = 0;
    dmarc_normal(d->name, r, &b);
    rec_text(d, &d->dmarc, buf, SPLIT_ONE, r);
    d->dm = DM_TXT;
  }
  if (what & F_MX) {
    mx_normal(d, r);
  }
  if (mp_rng_pct(r, 30)) {
    dom_extra(d, "%.*s A 203.0.113.%u\n", ol, d->name,
              1 + mp_rng_below(r, 254));
  }
  if (mp_rng_pct(r, 10)) { /* a 1024-bit DKIM key (posture_truth.tsv) */
    uint8_t mod[128];
    for (size_t k = 0; k < 216; k++) { /* 216 draws, as the world always had */
      uint64_t x = mp_rng_next(r);
      if (k < sizeof(mod)) {
        mod[k] = (uint8_t)x;
      }
    }
    mp_pg_rsa_key(1024, mod, buf);
    dom_extra(d, "selector1._domainkey.%.*s TXT \"v=DKIM1; k=rsa; p=%s\"\n", ol,
              d->name, buf);
  }
}

#define BYTES(s)                                                               \
  {                                                                            \
    s, sizeof(s) - 1                                                           \
  }

static const struct {
  const char *p;
  size_t n;
} hostile[] = {
    BYTES("quote\" and backslash\\ inside"),
    BYTES("nul\0byte"),
    BYTES("crlf\r\ninjected: header"),
    BYTES("lf\nonly\rcr"),
    BYTES("vt\013ff\014esc\033[31mred\033[0m"),
    BYTES("high \x80\xc8\xff\xfe bytes"),
    BYTES("utf8 caf\xc3\xa9 \xe2\x9c\x93"),
    BYTES("=HYPERLINK(\"http://evil.example/\",\"click\")"),
    BYTES("+SUM(1+1)*cmd|' /C calc'!A0"),
    BYTES("@SUM(1,2)"),
    BYTES("-2+3,\"a\",b\tc"),
    BYTES("</script><script>alert(1)</script>{\"x\":\"y\"}"),
};

static void add_lookalike(struct dom *d, struct mp_rng *r)
{
  static const char *const look[] = {
      "v=spf10 include:_spf.mailco.example -all",
      "v=spf1x include:_spf.mailco.example -all",
      "V=SPF1 INCLUDE:_spf.mailco.example -ALL", /* is SPF: case-insensitive */
      "v=spf1",                                  /* is SPF: nothing after */
      " v=spf1 include:_spf.mailco.example -all",
      "spf1 include:_spf.mailco.example -all",
      "v=spf1-all",
  };
  rec_text(d, &d->txt, look[d->sub], SPLIT_ONE, r);
}

static void add_dmarc_odd(struct dom *d, struct mp_rng *r)
{
  static const char *const odd[] = {
      "v=DMARC1; rua=mailto:rua@reports.example", /* missing p */
      "v=DMARC1; p=none",                         /* + a second, below */
      "p=reject; v=DMARC1",
      "V = DMARC1;p=reject",
      "v=dmarc1; p=none",
      "v=DMARC10; p=none",
      "v=DMARC1 p=none",
      "v=DMARC1",
      "v\t=\tDMARC1\t;p=quarantine",
      "v=DMARC1; p=quarantine", /* + "v=spf1 -all" */
      "v=DMARC1; p=reject; rua=mailto:rua@reports.example",
      "v=DMARC1;p=reject;",
      "v=DMARC1  ",
      "v=DMARC1; p=maybe; pct=150; rua=ftp://x",
      /* every tag: removed ones, fo out of order, a size, a URI with no
       * domain, an external ruf that is not authorized */
      "v=DMARC1; p=quarantine; sp=none; np=reject; adkim=r; aspf=s; "
      "fo=s:d; rf=afrf; ri=3600; "
      "rua=mailto:agg@reports.example!10m,https://reports.example/dmarc; "
      "ruf=mailto:ruf@reports.example,mailto:f@noauth-reports.example",
      /* unknown tags, a bad adkim (its default stands), a bad URI */
      "v=DMARC1; p=none; psd=u; t=n; pct=0; adkim=x; Foo=bar; "
      "extension=1; rua=notauri, mailto:d@reports.example",
      /* testing mode, fo 0 and 1 together, no rua, a ruf that fails */
      "v=DMARC1; p=reject; sp=quarantine; t=y; pct=100; fo=1:0; "
      "ruf=mailto:f@reports.broken.test",
      /* tag names and values in any case (RFC 5234 section 2.3) */
      "v=DMARC1; P=Reject; SP=none; Pct=50; RUA=MAILTO:Agg@Reports.Example",
      /* a tag given twice: the whole record is invalid (RFC 6376 3.2) */
      "v=DMARC1; p=reject; p=none; rua=mailto:agg@reports.example",
      /* every tag a default replaces, with a value outside its grammar */
      "v=DMARC1; p=reject; sp=rejected; np=; pct=x; aspf=strict; fo=2; "
      "rf=a_b; ri=1h; psd=maybe; t=yes; rua=mailto:agg@reports.example",
  };
  enum split how = d->sub == 10 ? SPLIT_RANDOM : SPLIT_ONE;

  rec_text(d, &d->dmarc, odd[d->sub], how, r);
  if (d->sub == 1) {
    rec_text(d, &d->dmarc, "v=DMARC1; p=reject", SPLIT_ONE, r);
  } else if (d->sub == 9) {
    rec_text(d, &d->dmarc, "v=spf1 -all", SPLIT_ONE, r);
  }
  d->dm = DM_TXT;
}

/* The SPF corner cases; their expected truth is listed in README.md. */
static void add_spf_hard(struct dom *d, struct mp_rng *r)
{
  static const char *const hard[] = {
      "v=spf1 +all",
      "v=spf1 include:loop-a.example -all",
      "v=spf1 include:deep1.example -all",
      "v=spf1 include:gone.example include:void.example "
      "include:_spf.mailco.example ~all",
      "v=spf1 redirect=_spf.hostco.example",
      "v=spf1 exists:%{i}._spf.macro.example include:_spf.mailco.example -all",
      "v=spf1 ip4:10.0.0.300 include: -all",
      "v=spf1 mx a include:_spf.mailco.example "
      "include:spf.protection.bigmail.example include:servers.mcsv.example "
      "-all", /* exactly 10 DNS lookups */
      "v=spf1 ptr -all",
      "v=spf1 include:_spf.mailco.example exp=explain.example -all",
      "v=spf1 mx a include:_spf.mailco.example "
      "include:spf.protection.bigmail.example include:servers.mcsv.example "
      "include:amazonses.example -all", /* 11 lookups */
      "v=spf1 include:self-loop.example -all",
      NULL, /* 12 and 13 name the domain: below */
      NULL,
      "v=spf1 ip4:192.0.2.0/24 include:_spf.outage.broken.test -all",
      "v=spf1 -ip4:10.250.0.0/24 include:_spf.mailco.example ~all",
      "v=spf1 ip6:2001:db8:a000::/36 ip6:2001:db8:b000:100::/56 "
      "ip6:2001:db8:b000:200::/64 ip6:2001:db8:c000::1 "
      "ip6:2001:db8:c000::2/96 ip4:192.0.2.1 ?all",
      "v=spf1 a/24 mx/24//48 ~all",
      "v=spf1 -ip4:10.250.0.0/20 ip4:192.0.2.0/28 "
      "redirect=_spf.mailco.example",
      "v=spf1 ip4:192.0.2.0/24 redirect=gone.example",
  };
  char buf[3 * NAME_BUF];
  const char *n = d->name;

  assert(sizeof(hard) / sizeof(hard[0]) == kinds[K_SPF_HARD].nsub);
  if (d->sub == 12) { /* three void lookups: NXDOMAIN, NODATA, NXDOMAIN */
    mp_pg_fmt(buf, sizeof(buf),
              "v=spf1 a:nx1.%s mx:_dmarc.%s a:nx3.%s "
              "include:_spf.mailco.example -all",
              n, n, n);
  } else if (d->sub == 13) { /* two: still valid */
    mp_pg_fmt(buf, sizeof(buf),
              "v=spf1 a:nx1.%s mx:_dmarc.%s ip4:192.0.2.0/24 -all", n, n);
  } else {
    mp_pg_fmt(buf, sizeof(buf), "%s", hard[d->sub]);
  }
  rec_text(d, &d->txt, buf, SPLIT_ONE, r);
}

static void add_oversized(struct dom *d, struct mp_rng *r)
{
  char buf[4200];
  struct sb b = {buf, 0, sizeof(buf)};
  size_t target = 1500 + mp_rng_below(r, 2501);

  if (d->sub == 0) { /* one huge SPF record */
    sb_fmt(&b, "v=spf1 include:_spf.mailco.example");
    while (b.len + 5 + 20 < target) {
      uint64_t x = mp_rng_next(r);
      sb_fmt(&b, " ip4:10.%u.%u.%u", (unsigned)(x % 245),
             (unsigned)(x >> 32 & 255), (unsigned)(x >> 40 & 255));
    }
    sb_fmt(&b, " -all");
  } else { /* a huge verification blob next to a normal SPF */
    sb_fmt(&b, "blob-verification=");
    sb_token(&b, r, target - b.len);
  }
  rec_add(d, &d->txt, buf, b.len, SPLIT_255, r);
}

/* ---- names ---- */

/* U-label prefixes of the IDN lines, UTF-8 NFC; each A-label was checked
 * against Python's idna codec and libidn2 (see README.md). */
static const char *const idn_prefix[] = {
    "b\303\274cher",                                    /* bücher */
    "m\303\274nchen",                                   /* münchen */
    "caf\303\251",                                      /* café */
    "espa\303\261a",                                    /* españa */
    "\303\246r\303\270sk\303\270bing",                  /* ærøskøbing */
    "\346\227\245\346\234\254\350\252\236",             /* 日本語 */
    "\320\277\321\200\320\270\320\274\320\265\321\200", /* пример */
    "\316\264\316\277\316\272\316\271\316\274\316\256", /* δοκιμή */
};

static size_t utf8_decode(const char *s, uint32_t *cp, size_t max)
{
  const uint8_t *p = (const uint8_t *)s;
  size_t n = 0;

  while (*p != 0 && n < max) {
    size_t len = *p < 0x80 ? 1 : *p < 0xe0 ? 2 : *p < 0xf0 ? 3 : 4;
    uint32_t c = len == 1 ? *p : *p & (0x7fu >> len);
    for (size_t k = 1; k < len; k++) {
      assert((p[k] & 0xc0) == 0x80);
      c = (c << 6) | (p[k] & 0x3fu);
    }
    cp[n++] = c;
    p += len;
  }
  return n;
}

/* RFC 3492 section 6.1 */
static uint32_t puny_adapt(uint32_t delta, uint32_t points, bool first)
{
  uint32_t k = 0;

  delta = first ? delta / 700 : delta / 2;
  delta += delta / points;
  while (delta > ((36 - 1) * 26) / 2) {
    delta /= 36 - 1;
    k += 36;
  }
  return k + (36 * delta) / (delta + 38);
}

static void puny_digit(struct sb *b, uint32_t d)
{
  assert(b->len + 1 < b->cap && d < 36);
  b->p[b->len++] = (char)(d < 26 ? 'a' + d : '0' + d - 26);
  b->p[b->len] = '\0';
}

/* RFC 3492 section 6.3: appends the Punycode of cp[0..n) to b. */
static void punycode(const uint32_t *cp, size_t n, struct sb *b)
{
  uint32_t next = 128, delta = 0, bias = 72, h, basic = 0;

  for (size_t i = 0; i < n; i++) {
    if (cp[i] < 128) {
      sb_fmt(b, "%c", (char)cp[i]);
      basic++;
    }
  }
  if (basic > 0) {
    sb_fmt(b, "-");
  }
  for (h = basic; h < n;) {
    uint32_t m = UINT32_MAX;
    for (size_t i = 0; i < n; i++) {
      m = cp[i] >= next && cp[i] < m ? cp[i] : m;
    }
    delta += (m - next) * (h + 1);
    next = m;
    for (size_t i = 0; i < n; i++) {
      if (cp[i] < next) {
        delta++;
      } else if (cp[i] == next) {
        uint32_t q = delta;
        for (uint32_t k = 36;; k += 36) {
          uint32_t t = k <= bias ? 1 : k >= bias + 26 ? 26 : k - bias;
          if (q < t) {
            break;
          }
          puny_digit(b, t + (q - t) % (36 - t));
          q = (q - t) / (36 - t);
        }
        puny_digit(b, q);
        bias = puny_adapt(delta, h + 1, h == basic);
        delta = 0;
        h++;
      }
    }
    delta++;
    next++;
  }
}

/* Writes "<prefix>-<index>.test" in U-label form to ulabel and its A-label
 * form to alabel. */
static void idn_names(unsigned sub, uint64_t index, char *ulabel, char *alabel)
{
  uint32_t cp[80];
  struct sb b = {alabel, 0, NAME_BUF};
  size_t n;

  mp_pg_fmt(ulabel, NAME_BUF, "%s-%" PRIu64, idn_prefix[sub], index);
  n = utf8_decode(ulabel, cp, 80);
  sb_fmt(&b, "xn--");
  punycode(cp, n, &b);
  sb_fmt(&b, ".test");
  mp_pg_fmt(ulabel + strlen(ulabel), NAME_BUF - strlen(ulabel), ".test");
}

static void pad_label(struct sb *b, const char *start, char fill, size_t len)
{
  size_t from = b->len;

  sb_fmt(b, "%s", start);
  assert(b->len - from <= len && b->len + len < b->cap);
  while (b->len - from < len) {
    b->p[b->len++] = fill;
  }
  b->p[b->len] = '\0';
}

/* An invalid input name (variant sub) for line `index`. */
static size_t invalid_name(unsigned sub, uint64_t i, char *out)
{
  struct sb b = {out, 0, NAME_BUF};
  char d[32];

  mp_pg_fmt(d, sizeof(d), "d%07" PRIu64, i);
  switch (sub) {
  case 0:
    sb_fmt(&b, "bad..%s.test", d);
    break;
  case 1:
    pad_label(&b, d, 'x', 64);
    sb_fmt(&b, ".test");
    break;
  case 2: /* 254 octets: one more than RFC 1035 allows */
    pad_label(&b, d, 'x', 63);
    pad_label(&b, ".", 'y', 64);
    pad_label(&b, ".", 'z', 64);
    pad_label(&b, ".", 'w', 58);
    sb_fmt(&b, ".test");
    assert(b.len == 254);
    break;
  case 3:
    sb_fmt(&b, "exa mple%s.test", d);
    break;
  case 4:
    sb_fmt(&b, "-lead%s.test", d);
    break;
  case 5:
    sb_fmt(&b, "trail%s-.test", d);
    break;
  case 6:
    sb_fmt(&b, "10.%u.%u.%u", (unsigned)(i >> 16 & 255),
           (unsigned)(i >> 8 & 255), (unsigned)(i & 255));
    break;
  case 7:
    sb_fmt(&b, "star*%s.test", d);
    break;
  case 8:
    sb_fmt(&b, "\xff\xfe%s.test", d);
    break;
  case 9:
    sb_fmt(&b, ".%s.test", d);
    break;
  case 10:
    sb_fmt(&b, "%s.test..", d);
    break;
  case 11:
    sb_fmt(&b, "http://%s.test/", d);
    break;
  case 12:
    sb_fmt(&b, "user@%s.test", d);
    break;
  case 13:
    sb_fmt(&b, "%s\t.test", d);
    break;
  default:
    sb_fmt(&b, ".");
    break;
  }
  return b.len;
}

/* ---- kinds and domains ---- */

static enum kind kind_of(uint64_t seed, uint64_t i, unsigned *sub)
{
  struct mp_rng r;
  unsigned x;

  if (i < (uint64_t)WARMUP * K_COUNT) { /* small worlds still hold all */
    enum kind k = (enum kind)(i % K_COUNT);
    *sub = (unsigned)(i / K_COUNT % kinds[k].nsub);
    return k;
  }
  mp_rng_init(&r, seed, i, 0);
  x = mp_rng_below(&r, 10000);
  for (int k = 0; k < K_COUNT; k++) {
    if (x < kinds[k].weight) {
      *sub = mp_rng_below(&r, kinds[k].nsub);
      return (enum kind)k;
    }
    x -= kinds[k].weight;
  }
  assert(0 && "weights do not sum to 10000");
  return K_NORMAL;
}

/* Valid names that are not d<n>.test: an underscore label (existing or not),
 * a 63-octet label, a long name. The parent of _under.d<n> is written by the
 * caller. */
static void gen_oddname(struct dom *d, struct mp_rng *r)
{
  char label[NAME_BUF];
  struct sb b = {d->name, 0, NAME_BUF};
  uint64_t i = d->index;

  if (d->sub <= 1) {
    sb_fmt(&b, "%s.d%07" PRIu64 ".test", d->sub == 0 ? "_under" : "_nothere",
           i);
    d->exists = d->sub == 0;
    if (d->exists) {
      rec_text(d, &d->txt, "v=spf1 -all", SPLIT_ONE, r);
      add_verification(d, r, 0);
    }
  } else if (d->sub == 2) { /* a 63-octet label that exists */
    mp_pg_fmt(label, sizeof(label), "l63-d%07" PRIu64 "-", i);
    pad_label(&b, label, 'x', 63);
    sb_fmt(&b, ".test");
    fill_normal(d, r, F_ALL, SPLIT_ONE);
  } else { /* a long (196-octet) valid name that does not exist */
    mp_pg_fmt(label, sizeof(label), "d%07" PRIu64, i);
    pad_label(&b, label, 'a', 63);
    pad_label(&b, ".", 'b', 64);
    pad_label(&b, ".", 'c', 64);
    sb_fmt(&b, ".test");
    d->exists = false;
  }
}

static void add_hostile(struct dom *d, struct mp_rng *r)
{
  static const char dm[] = "v=DMARC1; p=reject; rua=mailto:a@b.test\r\n"
                           "=cmd|' /C calc'!A0\0\xff";

  for (size_t h = 0; h < sizeof(hostile) / sizeof(hostile[0]); h++) {
    rec_add(d, &d->txt, hostile[h].p, hostile[h].n, SPLIT_ONE, r);
  }
  if (d->sub == 1) {
    rec_add(d, &d->dmarc, dm, sizeof(dm) - 1, SPLIT_ONE, r);
  }
}

/* A second SPF record; "a:legacy-mail." never occurs in a first one, so the
 * two never collapse into one RR. */
static void add_second_spf(struct dom *d, struct mp_rng *r)
{
  char buf[NAME_BUF + 32];

  mp_pg_fmt(buf, sizeof(buf), "v=spf1 a:legacy-mail.%s -all", d->name);
  rec_text(d, &d->txt, buf, SPLIT_ONE, r);
}

/* A posture case (postcase.h) on nxdomain line i, if the line holds one:
 * the listed name, its records, and its parents' records; d->exists says
 * whether the listed name exists. */
static bool fill_case(struct dom *d, uint64_t seed, uint64_t i)
{
  int round = i < (uint64_t)WARMUP * K_COUNT ? (int)(i / K_COUNT) : -1;
  struct mp_pg_text zone = {d->extra, d->extra_len, sizeof(d->extra)};
  struct mp_pg_case c;
  unsigned dv, mv;

  if (!mp_pg_case_pick(seed, i, round, &dv, &mv)) {
    return false;
  }
  mp_pg_case(i, dv, mv, &c, &zone, &d->ex, &d->r4, &d->r6);
  d->extra_len = zone.len;
  mp_pg_fmt(d->name, NAME_BUF, "%s", c.name);
  d->psd = c.psd;
  d->exists = c.exists;
  if (!c.exists) {
    return true; /* only its parents' records, in d->extra */
  }
  rec_text(d, &d->txt, c.spf, SPLIT_ONE, NULL);
  for (size_t k = 0; k < c.ndmarc; k++) {
    rec_text(d, &d->dmarc, c.dmarc[k], SPLIT_ONE, NULL);
  }
  d->dm = c.ndmarc > 0 ? DM_TXT : DM_NONE;
  assert(c.nmx <= MAX_MX);
  d->nmx = c.nmx;
  for (size_t k = 0; k < c.nmx; k++) {
    d->mx[k].pref = c.mx[k].pref;
    mp_pg_fmt(d->mx[k].host, NAME_BUF, "%s", c.mx[k].host);
  }
  return true;
}

/* The DKIM, MTA-STS, TLS-RPT and BIMI records an existing domain gets
 * (postgen.h), from their own streams so the rest stays as it was. In the
 * warm-up only the normal lines get them, round r variant r of each. */
static void add_posture(struct dom *d, uint64_t seed, uint64_t i)
{
  static const bool eligible[K_COUNT] = {
      [K_NORMAL] = true,    [K_NOSPF] = true,     [K_NODMARC] = true,
      [K_NOMX] = true,      [K_EMPTY] = true,     [K_SPF_SPLIT] = true,
      [K_OVERSIZED] = true, [K_MANYTXT] = true,   [K_TWOSPF] = true,
      [K_LOOKALIKE] = true, [K_DMARC_ODD] = true, [K_HOSTILE] = true,
      [K_NULLMX] = true,    [K_SPF_HARD] = true,  [K_IDN] = true,
  };
  bool warm = i < (uint64_t)WARMUP * K_COUNT;
  struct mp_pg_text zone = {d->extra, d->extra_len, sizeof(d->extra)};
  struct mp_pg_pick pick;
  struct mp_rng r;

  if (!eligible[d->kind] || (warm && d->kind != K_NORMAL)) {
    return;
  }
  mp_pg_pick(seed, i, warm ? (int)(i / K_COUNT) : -1, &pick);
  mp_rng_init(&r, seed, i, 10);
  mp_pg_extras(&pick, d->name, &r, &zone);
  d->extra_len = zone.len;
}

/* Fills d with domain `i` of kind k (for K_ALIAS only the alias side). */
static void gen_dom(uint64_t seed, uint64_t i, enum kind k, unsigned sub,
                    struct dom *d)
{
  char ulabel[NAME_BUF];
  struct sb b = {d->name, 0, NAME_BUF};
  struct mp_rng r;

  dom_reset(d, seed, i, k, sub);
  mp_rng_init(&r, seed, i, 1);
  sb_fmt(&b, "d%07" PRIu64 ".test", i);
  switch (k) {
  case K_NORMAL:
    fill_normal(d, &r, F_ALL, SPLIT_ONE);
    break;
  case K_NOSPF:
    fill_normal(d, &r, F_DMARC | F_MX, SPLIT_ONE);
    for (unsigned v = 0, n = sub == 0 ? 0 : 1 + mp_rng_below(&r, 3); v < n;
         v++) {
      add_verification(d, &r, v);
    }
    break;
  case K_NODMARC:
    fill_normal(d, &r, F_SPF | F_MX, SPLIT_ONE);
    if (sub == 3) { /* _dmarc is an empty non-terminal: NODATA */
      d->dm = DM_NODATA;
      dom_extra(d, "partner.example._report._dmarc.%.*s TXT \"v=DMARC1\"\n",
                olen(d->name), d->name);
    }
    break;
  case K_NOMX:
    fill_normal(d, &r, sub == 0 ? F_SPF | F_DMARC : F_DMARC, SPLIT_ONE);
    if (sub == 1) {
      rec_text(d, &d->txt, "v=spf1 -all", SPLIT_ONE, &r);
    }
    break;
  case K_NXDOMAIN:
    d->exists = false;
    fill_case(d, seed, i);
    break;
  case K_EMPTY:
    dom_extra(d, "%.*s A 192.0.2.%u\n", olen(d->name), d->name,
              1 + (unsigned)(i % 254));
    if (sub == 1) {
      dom_extra(d, "%.*s AAAA 2001:db8:2::%x\n", olen(d->name), d->name,
                (unsigned)(i & 0xffff));
    }
    break;
  case K_SPF_SPLIT:
    fill_normal(d, &r, F_ALL,
                sub == 0   ? SPLIT_TOKENS
                : sub == 1 ? SPLIT_RANDOM
                           : SPLIT_EMPTY);
    break;
  case K_OVERSIZED:
    fill_normal(d, &r, sub == 0 ? F_DMARC | F_MX : F_ALL, SPLIT_ONE);
    add_oversized(d, &r);
    break;
  case K_MANYTXT:
    fill_normal(d, &r, F_ALL, SPLIT_ONE);
    for (unsigned v = 0, n = 20 + mp_rng_below(&r, 21); v < n; v++) {
      add_verification(d, &r, 16 + v);
    }
    break;
  case K_TWOSPF:
    fill_normal(d, &r, F_ALL, SPLIT_ONE);
    add_second_spf(d, &r);
    break;
  case K_LOOKALIKE:
    fill_normal(d, &r, F_DMARC | F_MX, SPLIT_ONE);
    add_lookalike(d, &r);
    break;
  case K_DMARC_ODD:
    fill_normal(d, &r, F_SPF | F_MX, SPLIT_ONE);
    add_dmarc_odd(d, &r);
    break;
  case K_HOSTILE:
    fill_normal(d, &r, F_ALL, SPLIT_ONE);
    add_hostile(d, &r);
    break;
  case K_ALIAS:
    d->dm = sub == 0 ? DM_NONE : DM_CNAME;
    break;
  case K_BROKEN:
    b.len = 0;
    sb_fmt(&b, "d%07" PRIu64 ".broken.test", i);
    d->broken = true;
    break;
  case K_NULLMX:
    rec_text(d, &d->txt, "v=spf1 -all", SPLIT_ONE, &r);
    rec_text(d, &d->dmarc, "v=DMARC1; p=reject", SPLIT_ONE, &r);
    d->dm = DM_TXT;
    d->nmx = 1;
    d->mx[0].pref = 0;
    d->mx[0].host[0] = '\0';
    break;
  case K_SPF_HARD:
    fill_normal(d, &r, F_DMARC | F_MX, SPLIT_ONE);
    add_spf_hard(d, &r);
    break;
  case K_INVALID:
    d->name[0] = '\0';
    d->exists = false;
    break;
  case K_IDN:
    idn_names(sub, i, ulabel, d->name);
    fill_normal(d, &r, F_ALL, SPLIT_ONE);
    break;
  case K_ODDNAME:
    gen_oddname(d, &r);
    break;
  case K_COUNT:
    assert(0);
    break;
  }
  add_posture(d, seed, i);
}

/* ---- the world: files and the per-line loop ---- */

struct opts {
  uint64_t domains, seed;
  const char *out, *dnsperf;
  bool tranco;
  const char *edited; /* --edited DIR: a second world (worldedit.h) */
  uint64_t edits;
};

struct spf_stats {
  uint64_t rows, with_record, lookups, lookups_static, mx_empty;
  uint64_t status[MP_SPFT_NSTATUS], reason[MP_SPFT_NREASON];
};

/* Counts of posture_truth.tsv values, for world-stats.txt: "<prefix>_<value>"
 * in the order first met. */
#define POST_KEYS 128
struct post_stats {
  uint64_t rows, dash, orgs_differ, mx_null, mx_all_fcrdns, mx_unresolved,
      mx_generic, ready;
  struct {
    const char *prefix; /* a literal: compared by address */
    char value[24];
    uint64_t n;
  } key[POST_KEYS];
  size_t nkeys;
};

/* Zone-file text of one line, by zone (memory only). */
struct zset {
  struct out test, psd, ex, r4, r6;
};

struct world {
  const struct opts *o;
  struct out list, truth, test, example, rev4, rev6, perf, spf, psd, post;
  /* The records of the current line: `own` is written to the zone files at
   * the end of the line, `aux` (an alias target, written at its own line)
   * is only read back. Both are parsed into line_db for the truths. */
  struct zset own, aux;
  /* example_db: every record that is the same on every line (example.,
   * the provider names under test., psd.test.'s own, the shared PTRs) */
  struct mp_zonedb example_db, line_db;
  struct mp_dv view; /* example_db and line_db as Knot serves them */
  struct post_stats pstats;
  struct mp_spft *spft;
  struct spf_stats stats;
  struct dom *d, *t; /* the line's domain; alias target or parent */
  uint64_t line, rank;
  struct mp_rng layout;
};

static const char soa[] =
    "$TTL 3600\n@ SOA ns1.example. hostmaster.example. 1 3600 900 604800 300\n"
    "@ NS ns1.example.\n";

/* PTR lines, owners relative to 10.in-addr.arpa. and
 * 8.b.d.0.1.0.0.2.ip6.arpa. */
static void ptr4(struct out *o, const uint8_t *a, const char *target)
{
  out_fmt(o, "%u.%u.%u PTR %s.\n", a[3], a[2], a[1], target);
}

static void ptr6(struct out *o, const uint8_t *a, const char *target)
{
  static const char hex[] = "0123456789abcdef";
  char *p = out_room(o, 64);

  for (size_t i = 16; i-- > 4;) { /* 2001:db8::/32 is the zone's origin */
    *p++ = hex[a[i] & 15];
    *p++ = '.';
    *p++ = hex[a[i] >> 4];
    *p++ = i > 4 ? '.' : ' ';
  }
  o->len += 48;
  out_fmt(o, "PTR %s.\n", target);
}

static void zone_txt(struct out *z, const char *pfx, const struct dom *d,
                     const struct rrset *s)
{
  int ol = olen(d->name);

  for (size_t r = 0; r < s->n; r++) {
    const uint8_t *p = d->arena + s->off[r];
    out_fmt(z, "%s%.*s TXT", pfx, ol, d->name);
    for (size_t k = s->first[r]; k < s->first[r + 1]; k++) {
      out_zstr(z, p, s->slen[k]);
      p += s->slen[k];
    }
    out_str(z, "\n");
  }
}

/* The own MX hosts of d into z, their PTRs into zs. */
static void zone_hosts(const struct dom *d, struct out *z, struct zset *zs)
{
  int ol = olen(d->name);

  for (size_t k = 0; k < d->nhosts; k++) {
    const struct host *h = &d->hosts[k];
    const char *host = d->mx[k].host;
    char other[64];
    if (h->has_v4) {
      const uint8_t *a = h->v4;
      out_fmt(z, "mx%zu.%.*s A %u.%u.%u.%u\n", k + 1, ol, d->name, a[0], a[1],
              a[2], a[3]);
      mp_pg_fmt(other, sizeof(other), "host-%u-%u-%u-%u.isp.example", a[0],
                a[1], a[2], a[3]);
      if (h->ptr != PTR_NONE) {
        ptr4(&zs->r4, a, h->ptr == PTR_OK ? host : other);
      }
    }
    if (h->has_v6) {
      const uint8_t *a = h->v6;
      out_fmt(z, "mx%zu.%.*s AAAA 2001:db8:1:0:0:0:%x:%x\n", k + 1, ol, d->name,
              (unsigned)a[12] << 8 | a[13], (unsigned)a[14] << 8 | a[15]);
      mp_pg_fmt(other, sizeof(other), "host-v6-%x%02x%02x%02x.isp.example",
                a[12], a[13], a[14], a[15]);
      if (h->ptr != PTR_NONE) {
        ptr6(&zs->r6, a, h->ptr == PTR_OK ? host : other);
      }
    }
  }
}

/* Writes the zone records of d to zs: its zone's (test. or psd.test.),
 * and those it adds to example. and the reverse zones. */
static void zone_dom(const struct dom *d, struct zset *zs)
{
  struct out *z = d->psd ? &zs->psd : &zs->test;
  int ol = olen(d->name);

  if (d->cname[0] != '\0') {
    out_fmt(z, "%.*s CNAME %s.\n", ol, d->name, d->cname);
    if (d->dm == DM_CNAME) {
      out_fmt(z, "_dmarc.%.*s CNAME _dmarc.%s.\n", ol, d->name, d->cname);
    }
  }
  zone_txt(z, "", d, &d->txt);
  zone_txt(z, "_dmarc.", d, &d->dmarc);
  for (size_t k = 0; k < d->nmx; k++) {
    char host[NAME_BUF];
    mp_pg_fmt(host, sizeof(host), "%s", d->mx[k].host);
    for (char *p = host; d->mx_upper && *p != '\0'; p++) {
      *p = *p >= 'a' && *p <= 'z' ? (char)(*p - 'a' + 'A') : *p;
    }
    out_fmt(z, "%.*s MX %u %s.\n", ol, d->name, d->mx[k].pref, host);
  }
  zone_hosts(d, z, zs);
  out_mem(z, d->extra, d->extra_len);
  out_mem(&zs->ex, d->ex.p, d->ex.len);
  out_mem(&zs->r4, d->r4.p, d->r4.len);
  out_mem(&zs->r6, d->r6.p, d->r6.len);
}

static int cmp_bytes(const uint8_t *a, size_t an, const uint8_t *b, size_t bn)
{
  int c = memcmp(a, b, an < bn ? an : bn);

  return c != 0 ? c : (an > bn) - (an < bn);
}

/* The records of s joined per RFC 7208 section 3.3, hex, sorted, ','. */
static void truth_txt(struct out *o, const struct dom *d, const struct rrset *s)
{
  size_t idx[MAX_RECS];

  if (s == NULL || s->n == 0) {
    out_str(o, "-");
    return;
  }
  for (size_t i = 0; i < s->n; i++) { /* insertion sort, n <= 64 */
    size_t j = i;
    for (; j > 0 && cmp_bytes(d->arena + s->off[idx[j - 1]], s->len[idx[j - 1]],
                              d->arena + s->off[i], s->len[i]) > 0;
         j--) {
      idx[j] = idx[j - 1];
    }
    idx[j] = i;
  }
  for (size_t i = 0; i < s->n; i++) {
    if (i > 0) {
      out_str(o, ",");
    }
    out_hex(o, d->arena + s->off[idx[i]], s->len[idx[i]]);
  }
}

static void truth_mx(struct out *o, const struct dom *d)
{
  char item[MAX_MX][NAME_BUF + 16], tmp[NAME_BUF + 16];

  if (d == NULL || d->nmx == 0) {
    out_str(o, "-");
    return;
  }
  for (size_t i = 0; i < d->nmx; i++) {
    mp_pg_fmt(item[i], sizeof(item[i]), "%u:%s", d->mx[i].pref, d->mx[i].host);
    for (size_t j = i; j > 0 && strcmp(item[j - 1], item[j]) > 0; j--) {
      memcpy(tmp, item[j], sizeof(tmp));
      memcpy(item[j], item[j - 1], sizeof(tmp));
      memcpy(item[j - 1], tmp, sizeof(tmp));
    }
  }
  for (size_t i = 0; i < d->nmx; i++) {
    out_str(o, i > 0 ? "," : "");
    out_str(o, item[i]);
  }
}

/* RFC 7208 section 4.5: "v=spf1" (case-insensitive) then SP or the end. */
static bool is_spf(const uint8_t *p, size_t n)
{
  static const char v[] = "v=spf1";

  for (size_t i = 0; i < 6; i++) {
    if (i >= n || (p[i] | 0x20) != v[i]) {
      return false;
    }
  }
  return n == 6 || p[6] == ' ';
}

/* RFC 7489 section 6.4: "v" *WSP "=" *WSP "DMARC1" *WSP (";" / end). */
static bool is_dmarc(const uint8_t *p, size_t n)
{
  size_t k = 0;

  if (n == 0 || (p[k++] | 0x20) != 'v') {
    return false;
  }
  while (k < n && (p[k] == ' ' || p[k] == '\t')) {
    k++;
  }
  if (k >= n || p[k++] != '=') {
    return false;
  }
  while (k < n && (p[k] == ' ' || p[k] == '\t')) {
    k++;
  }
  if (n - k < 6 || memcmp(p + k, "DMARC1", 6) != 0) {
    return false;
  }
  for (k += 6; k < n && (p[k] == ' ' || p[k] == '\t'); k++) {
  }
  return k == n || p[k] == ';';
}

static size_t count(const struct dom *d, const struct rrset *s,
                    bool (*pred)(const uint8_t *, size_t))
{
  size_t c = 0;

  for (size_t i = 0; s != NULL && i < s->n; i++) {
    c += pred(d->arena + s->off[i], s->len[i]);
  }
  return c;
}

/* One truth.tsv line. t is the alias target (or NULL). */
static void truth_line(struct world *w, const struct dom *d,
                       const struct dom *t, const uint8_t *raw, size_t len)
{
  struct out *o = &w->truth;
  const struct dom *src = d->cname[0] != '\0' ? t : d;
  const struct dom *dsrc = d->dm == DM_CNAME ? t : d;
  const char *dm_out;

  out_fmt(o, "%" PRIu64 "\t", w->line);
  out_hex(o, raw, len);
  if (d->kind == K_INVALID) {
    out_str(o, "\t-\tinvalid_name\t-\t-\t-\t-\t-\t-\t-\t-\t-\n");
    return;
  }
  if (d->broken || !d->exists) {
    const char *s = d->broken ? "servfail" : "nxdomain";
    out_fmt(o, "\t%s\t%s\t%s\t-\t%s\t-\t%s\t-\t0\t0\t-\n", d->name, s, s, s, s);
    return;
  }
  dm_out = d->dm == DM_NONE ? "nxdomain" : d->dm == DM_NODATA ? "nodata" : "ok";
  assert(d->dm != DM_CNAME || t->dm == DM_TXT);
  out_fmt(o, "\t%s\tok\t%s\t", d->name, src->txt.n > 0 ? "ok" : "nodata");
  truth_txt(o, src, &src->txt);
  out_fmt(o, "\t%s\t", dm_out);
  truth_txt(o, dsrc, d->dm == DM_NONE ? NULL : &dsrc->dmarc);
  out_fmt(o, "\t%s\t", src->nmx > 0 ? "ok" : "nodata");
  truth_mx(o, src);
  out_fmt(o, "\t%zu\t%zu\t%s\n", count(src, &src->txt, is_spf),
          count(dsrc, d->dm == DM_NONE ? NULL : &dsrc->dmarc, is_dmarc),
          d->cname[0] != '\0' ? d->cname : "-");
}

/* ---- the records of one line read back ---- */

static void zset_clear(struct zset *z)
{
  z->test.len = z->psd.len = z->ex.len = z->r4.len = z->r6.len = 0;
}

static void parse_zset(struct mp_zonedb *db, const struct zset *z)
{
  const struct {
    const struct out *o;
    const char *origin;
  } part[] = {{&z->test, "test"},
              {&z->psd, "psd.test"},
              {&z->ex, "example"},
              {&z->r4, "10.in-addr.arpa"},
              {&z->r6, "8.b.d.0.1.0.0.2.ip6.arpa"}};

  for (size_t i = 0; i < sizeof(part) / sizeof(part[0]); i++) {
    int rc =
        mp_zonedb_parse(db, part[i].o->buf, part[i].o->len, part[i].origin);
    assert(rc == 0);
    (void)rc;
  }
}

/* line_db: every record written for this line (own and aux). */
static void line_db(struct world *w)
{
  mp_zonedb_clear(&w->line_db);
  parse_zset(&w->line_db, &w->own);
  parse_zset(&w->line_db, &w->aux);
  mp_zonedb_sort(&w->line_db);
  w->view.line = &w->line_db;
}

/* ---- posture_truth.tsv ---- */

static void post_count(struct post_stats *s, const char *prefix,
                       const char *value)
{
  size_t i;

  value = value[0] == '-' ? "none" : value;
  for (i = 0; i < s->nkeys && (s->key[i].prefix != prefix ||
                               strcmp(s->key[i].value, value) != 0);
       i++) {
  }
  if (i == s->nkeys) {
    assert(s->nkeys < POST_KEYS && strlen(value) < sizeof(s->key[0].value));
    s->key[i].prefix = prefix;
    mp_pg_fmt(s->key[i].value, sizeof(s->key[i].value), "%s", value);
    s->nkeys++;
  }
  s->key[i].n++;
}

/* Counts each code of a ','-joined list ("-": none) under prefix. */
static void post_codes(struct post_stats *s, const char *prefix,
                       const char *list)
{
  char buf[64];

  mp_pg_fmt(buf, sizeof(buf), "%s", list);
  for (char *tok = buf, *next; tok != NULL && *tok != '-'; tok = next) {
    next = strchr(tok, ',');
    if (next != NULL) {
      *next++ = '\0';
    }
    post_count(s, prefix, tok);
  }
}

static void post_stats_row(struct post_stats *s, const struct mp_post_row *r)
{
  const struct mp_dmarct_row *d = &r->dmarc;

  post_count(s, "dmarc_status", d->status);
  post_count(s, "dmarc_found_at", d->found_at);
  post_count(s, "dmarc_effective", d->effective);
  s->orgs_differ += strcmp(d->org_tree_walk, "-") != 0 &&
                    strcmp(d->org_psl, d->org_tree_walk) != 0;
  for (const char *p = d->external; *p != '\0' && *p != '-';) {
    const char *eq = strchr(p, '='), *end = strchr(p, ',');
    char v[32];
    size_t n = end != NULL ? (size_t)(end - eq - 1) : strlen(eq + 1);
    mp_pg_fmt(v, sizeof(v), "%.*s", (int)n, eq + 1);
    post_count(s, "dmarc_external", v);
    p = end != NULL ? end + 1 : eq + 1 + n;
  }
  post_count(s, "dkim_status", r->dkim.status);
  s->mx_null += r->mx_null;
  s->mx_all_fcrdns += r->mx_all_fcrdns == MP_POST_YES;
  s->mx_unresolved += r->mx_unresolved > 0;
  s->mx_generic += r->mx_generic > 0;
  post_count(s, "mta_sts", r->sts.status);
  post_count(s, "tls_rpt", r->tlsrpt.status);
  post_count(s, "bimi", r->bimi.status);
  s->ready += r->ready == MP_POST_YES;
  post_codes(s, "verdict_failed", r->failed);
  post_codes(s, "verdict_unknown", r->unknown);
}

/* One posture_truth.tsv line for d; spf: its spf_truth.tsv status. */
static void post_line(struct world *w, const struct dom *d,
                      enum mp_spft_status spf)
{
  struct mp_post_row row;
  char buf[16384];

  w->pstats.rows++;
  out_fmt(&w->post, "%" PRIu64 "\t%s\t", w->line, d->name);
  if (spf == MP_SPFT_DASH && d->broken) { /* SERVFAIL */
    w->pstats.dash++;
    for (int k = 0; k < MP_POST_COLUMNS; k++) {
      out_str(&w->post, k + 1 < MP_POST_COLUMNS ? "-\t" : "-\n");
    }
    return;
  }
  mp_post_eval(&w->view, d->name, spf, &row); /* NXDOMAIN too */
  post_stats_row(&w->pstats, &row);
  mp_post_format(&row, buf, sizeof(buf));
  out_str(&w->post, buf);
  out_str(&w->post, "\n");
}

/* ---- spf_truth.tsv and world-stats.txt ---- */

static void spf_count(struct world *w, const struct mp_spft_row *row)
{
  struct spf_stats *s = &w->stats;

  s->rows++;
  s->status[row->status]++;
  if (row->status != MP_SPFT_DASH) {
    s->reason[row->reason]++;
  }
  s->with_record += row->status != MP_SPFT_DASH && row->status != MP_SPFT_NONE;
  s->lookups += row->lookups;
  s->lookups_static += row->lookups_static;
  s->mx_empty += row->mx_empty > 0;
}

/* One spf_truth.tsv line for d, from this line's zone text read back. */
static enum mp_spft_status spf_line(struct world *w, const struct dom *d)
{
  struct out *o = &w->spf;
  struct mp_spft_row row;

  mp_spft_eval(w->spft, &w->line_db, d->name, &row);
  assert((row.status == MP_SPFT_DASH) == (d->broken || !d->exists));
  spf_count(w, &row);
  out_fmt(o, "%" PRIu64 "\t%s\t%s\t%s", w->line, d->name,
          mp_spft_status_name(row.status),
          row.status == MP_SPFT_DASH ? "-" : mp_spft_reason_name(row.reason));
  if (row.status == MP_SPFT_DASH || row.status == MP_SPFT_NONE) {
    out_str(o, "\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-\n");
    return row.status;
  }
  char all[2] = {row.all, '\0'}, lstatic[16] = "-", depth[16] = "-";
  /* past a failed lookup the tree is unknown: "-" for its counts and for
   * a flag not met before it */
  const char *unknown = row.tree_failed ? "-" : "0";

  if (!row.tree_failed) {
    snprintf(lstatic, sizeof(lstatic), "%u", row.lookups_static);
    snprintf(depth, sizeof(depth), "%u", row.depth);
  }
  out_fmt(o, "\t%u\t%s\t%u\t%s\t%s\t%s\t%s\t%s\t%s\t%s", row.lookups, lstatic,
          row.voids, depth, row.all != 0 ? all : "none",
          row.includes[0] != '\0' ? row.includes : "-",
          row.redirect[0] != '\0' ? row.redirect : "-",
          row.uses_ptr ? "1" : unknown, row.uses_exists ? "1" : unknown,
          row.uses_macros ? "1" : unknown);
  if (row.status != MP_SPFT_VALID) {
    out_str(o, "\t-\t-\t-\n");
    return row.status;
  }
  out_fmt(o, "\t%" PRIu64 "\t%" PRIu64 "\t%d\n", row.ip4, row.ip6, row.exact);
  return row.status;
}

static void write_post_stats(FILE *f, const struct post_stats *p)
{
  fprintf(f,
          "posture_rows=%" PRIu64 "\nposture_rows_servfail=%" PRIu64
          "\ndmarc_org_psl_differs_from_tree_walk=%" PRIu64 "\nmx_null=%" PRIu64
          "\nmx_all_fcrdns=%" PRIu64 "\nmx_rows_unresolved=%" PRIu64
          "\nmx_rows_generic=%" PRIu64 "\nverdict_ready=%" PRIu64 "\n",
          p->rows, p->dash, p->orgs_differ, p->mx_null, p->mx_all_fcrdns,
          p->mx_unresolved, p->mx_generic, p->ready);
  for (size_t i = 0; i < p->nkeys; i++) {
    fprintf(f, "%s_%s=%" PRIu64 "\n", p->key[i].prefix, p->key[i].value,
            p->key[i].n);
  }
}

static int write_stats(const struct world *w, const char *path)
{
  const struct spf_stats *s = &w->stats;
  FILE *f = fopen(path, "w");
  int rc;

  if (f == NULL) {
    return -errno;
  }
  fprintf(f,
          "seed=%" PRIu64 "\ndomains=%" PRIu64 "\nspf_rows=%" PRIu64
          "\nspf_domains_with_record=%" PRIu64 "\nspf_include_targets=%zu"
          "\nspf_include_targets_walked=%zu\n",
          w->o->seed, w->o->domains, s->rows, s->with_record,
          mp_spft_targets(w->spft, false), mp_spft_targets(w->spft, true));
  for (int k = MP_SPFT_NONE; k < MP_SPFT_NSTATUS; k++) {
    fprintf(f, "spf_status_%s=%" PRIu64 "\n",
            mp_spft_status_name((enum mp_spft_status)k), s->status[k]);
  }
  fprintf(f, "spf_status_nxdomain_or_servfail=%" PRIu64 "\n",
          s->status[MP_SPFT_DASH]);
  for (int k = MP_SPFT_R_NO_RECORD; k < MP_SPFT_NREASON; k++) {
    fprintf(f, "spf_reason_%s=%" PRIu64 "\n",
            mp_spft_reason_name((enum mp_spft_reason)k), s->reason[k]);
  }
  fprintf(f,
          "spf_lookups_sum=%" PRIu64 "\nspf_lookups_static_sum=%" PRIu64
          "\nspf_rows_mx_host_without_address=%" PRIu64 "\n",
          s->lookups, s->lookups_static, s->mx_empty);
  write_post_stats(f, &w->pstats);
  rc = ferror(f) ? -EIO : 0;
  if (fclose(f) != 0 && rc == 0) {
    rc = -errno;
  }
  return rc;
}

struct line {
  uint8_t raw[NAME_BUF + 64];
  size_t len;
  bool crlf;
};

/* Presentation variants that the scanner must normalize away: 1 mixed
 * case, 2 trailing dot, 3 blanks around, 4 CRLF, 5 all of them. */
static unsigned mangle_of(uint64_t seed, uint64_t i)
{
  struct mp_rng r;

  if (i < (uint64_t)WARMUP * K_COUNT) { /* 7 is coprime to K_COUNT */
    return i % 7 == 3 ? 1 + (unsigned)(i / 7 % 5) : 0;
  }
  mp_rng_init(&r, seed, i, 4);
  return mp_rng_below(&r, 100) == 0 ? 1 + mp_rng_below(&r, 5) : 0;
}

static void blanks(struct line *l, struct mp_rng *r)
{
  for (unsigned n = 1 + mp_rng_below(r, 3); n > 0; n--) {
    l->raw[l->len++] = mp_rng_pct(r, 50) ? ' ' : '\t';
  }
}

static void line_build(const struct world *w, struct line *l, const char *text,
                       size_t n, unsigned mangle, uint64_t i)
{
  bool all = mangle == 5;
  struct mp_rng r;

  mp_rng_init(&r, w->o->seed, i, 5);
  l->len = 0;
  l->crlf = all || mangle == 4;
  if (w->o->tranco) {
    int k = snprintf((char *)l->raw, sizeof(l->raw), "%" PRIu64 ",", w->rank);
    assert(k > 0 && (size_t)k < sizeof(l->raw));
    l->len = (size_t)k;
  }
  if (all || mangle == 3) {
    blanks(l, &r);
  }
  assert(l->len + n + 8 <= sizeof(l->raw));
  for (size_t k = 0, first = 1; k < n; k++) {
    uint8_t c = (uint8_t)text[k];
    if ((all || mangle == 1) && c >= 'a' && c <= 'z' &&
        (first || mp_rng_pct(&r, 50))) {
      c = (uint8_t)(c - 'a' + 'A');
      first = 0;
    }
    l->raw[l->len++] = c;
  }
  if (all || mangle == 2) {
    l->raw[l->len++] = '.';
  }
  if (all || mangle == 3) {
    blanks(l, &r);
  }
}

/* The CNAME target of alias i: the nearest earlier normal domain, or (never
 * in practice) a hidden normal domain h<i>.test written here. */
static const struct dom *alias_target(struct world *w, uint64_t i)
{
  struct mp_rng r;

  for (uint64_t j = i; j-- > 0 && i - j <= 64;) {
    unsigned sub = 0;
    if (kind_of(w->o->seed, j, &sub) == K_NORMAL) {
      gen_dom(w->o->seed, j, K_NORMAL, sub, w->t);
      zone_dom(w->t, &w->aux); /* written at line j */
      return w->t;
    }
  }
  dom_reset(w->t, w->o->seed, i, K_NORMAL, 0);
  mp_pg_fmt(w->t->name, NAME_BUF, "h%07" PRIu64 ".test", i);
  mp_rng_init(&r, w->o->seed, i, 3);
  fill_normal(w->t, &r, F_ALL, SPLIT_ONE);
  zone_dom(w->t, &w->own);
  return w->t;
}

static void layout(struct world *w)
{
  unsigned x = mp_rng_below(&w->layout, 1000);

  if (x == 0) {
    out_fmt(&w->list, "# section starting at row %" PRIu64 "\n", w->rank + 1);
    w->line++;
  } else if (x == 1) {
    out_str(&w->list, "\n");
    w->line++;
  }
}

static void do_line(struct world *w, uint64_t i)
{
  uint64_t seed = w->o->seed;
  struct dom *d = w->d;
  const struct dom *t = NULL;
  char text[NAME_BUF], alabel[NAME_BUF];
  struct line l;
  unsigned sub = 0, mangle = mangle_of(seed, i);
  enum kind k = kind_of(seed, i, &sub);
  size_t n;

  layout(w);
  zset_clear(&w->own);
  zset_clear(&w->aux);
  gen_dom(seed, i, k, sub, d);
  if (k == K_ALIAS) {
    t = alias_target(w, i);
    mp_pg_fmt(d->cname, NAME_BUF, "%s", t->name);
  } else if (k == K_ODDNAME && sub <= 1) { /* the parent of _under.d<i> */
    struct mp_rng r;
    dom_reset(w->t, seed, i, K_NORMAL, 0);
    mp_pg_fmt(w->t->name, NAME_BUF, "d%07" PRIu64 ".test", i);
    mp_rng_init(&r, seed, i, 3);
    fill_normal(w->t, &r, F_ALL, SPLIT_ONE);
    zone_dom(w->t, &w->own);
  }
  if ((d->exists || d->extra_len > 0) && !d->broken) {
    zone_dom(d, &w->own); /* a name that does not exist: its parents' */
  }
  out_mem(&w->test, w->own.test.buf, w->own.test.len);
  out_mem(&w->psd, w->own.psd.buf, w->own.psd.len);
  out_mem(&w->example, w->own.ex.buf, w->own.ex.len);
  out_mem(&w->rev4, w->own.r4.buf, w->own.r4.len);
  out_mem(&w->rev6, w->own.r6.buf, w->own.r6.len);
  line_db(w);
  w->line++;
  w->rank++;
  if (k == K_INVALID) {
    n = invalid_name(sub, i, text);
    mangle = 0;
  } else if (k == K_IDN) {
    idn_names(sub, i, text, alabel);
    n = strlen(text);
  } else {
    n = strlen(d->name);
    memcpy(text, d->name, n);
  }
  line_build(w, &l, text, n, mangle, i);
  out_mem(&w->list, l.raw, l.len);
  out_str(&w->list, l.crlf ? "\r\n" : "\n");
  truth_line(w, d, t, l.raw, l.len);
  if (k != K_INVALID) {
    post_line(w, d, spf_line(w, d));
  }
  if (k != K_INVALID && w->perf.f != NULL) {
    out_fmt(&w->perf, "%s TXT\n_dmarc.%s TXT\n%s MX\n", d->name, d->name,
            d->name);
  }
}

/* Writes the records every line shares (example.zone, the shared PTRs,
 * the static names of test. and psd.test.) and parses them back into
 * w->example_db. */
static void write_example(struct world *w)
{
  char tb[8192], eb[1024], pb[1024];
  struct mp_pg_text tt = {tb, 0, sizeof(tb)}, te = {eb, 0, sizeof(eb)},
                    tp = {pb, 0, sizeof(pb)};
  struct zset *z = &w->aux; /* scratch */

  zset_clear(z);
  out_fmt(&z->ex, "$ORIGIN example.\n%s", soa);
  for (size_t i = 0; i < sizeof(example_zone) / sizeof(example_zone[0]); i++) {
    out_fmt(&z->ex, "%s\n", example_zone[i]);
  }
  for (size_t s = 0; s < 3; s++) {
    for (size_t k = 0; k < shared_mx_n[s]; k++) {
      const struct shared_mx *m = &shared_mx[s][k];
      uint8_t v4[4] = {10, 255, 0, m->v4};
      uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8, 0xff, 0xff};
      int ol = (int)(strlen(m->host) - strlen(".example"));
      v6[15] = m->v4;
      out_fmt(&z->ex, "%.*s A 10.255.0.%u\n", ol, m->host, m->v4);
      ptr4(&z->r4, v4, m->host);
      if (m->has_v6) {
        out_fmt(&z->ex, "%.*s AAAA 2001:db8:ffff::%x\n", ol, m->host, m->v4);
        ptr6(&z->r6, v6, m->host);
      }
    }
  }
  /* a sending relay whose PTR name lives in the zone that fails (the
   * --spf-ip tests: its forward confirmation is unknown) */
  ptr4(&z->r4, (const uint8_t[4]){10, 255, 0, 30}, "relay.outage.broken.test");
  mp_pg_static(w->o->seed, &tt, &te, &tp);
  out_mem(&z->ex, te.p, te.len);
  out_mem(&z->test, tt.p, tt.len);
  out_mem(&z->psd, tp.p, tp.len);
  out_mem(&w->example, z->ex.buf, z->ex.len);
  out_mem(&w->rev4, z->r4.buf, z->r4.len);
  out_mem(&w->rev6, z->r6.buf, z->r6.len);
  out_mem(&w->test, z->test.buf, z->test.len);
  out_mem(&w->psd, z->psd.buf, z->psd.len);
  parse_zset(&w->example_db, z);
  mp_zonedb_sort(&w->example_db);
  mp_dv_init(&w->view, &w->example_db);
  zset_clear(z);
}

static const char *const zone_files[][2] = {
    {"test.", "test.zone"},
    {"example.", "example.zone"},
    {"10.in-addr.arpa.", "10.in-addr.arpa.zone"},
    {"8.b.d.0.1.0.0.2.ip6.arpa.", "8.b.d.0.1.0.0.2.ip6.arpa.zone"},
    {"psd.test.", "psd.test.zone"}, /* a public suffix with psd=y */
    {"broken.test.", "-"}, /* configured, no file: Knot answers SERVFAIL */
};

static int path_of(char *buf, size_t cap, const char *dir, const char *file)
{
  int n = snprintf(buf, cap, "%s/%s", dir, file);

  return n < 0 || (size_t)n >= cap ? -ENAMETOOLONG : 0;
}

static int open_one(struct out *o, const char *path)
{
  o->f = fopen(path, "wb");
  if (o->f == NULL) {
    return -errno;
  }
  o->buf = mp_malloc(OUT_CAP);
  o->len = 0;
  o->err = false;
  return 0;
}

static int make_dir(const char *path)
{
  return mkdir(path, 0777) == 0 || errno == EEXIST ? 0 : -errno;
}

/* Opens every output. On error *what names the path that failed; it points
 * into path (PATH_CAP bytes) or at an option string. */
#define PATH_CAP 4096

static int world_open(struct world *w, char *path, const char **what)
{
  char zones[PATH_CAP];
  struct {
    struct out *o;
    const char *dir, *file;
  } files[] = {
      {&w->list, w->o->out, "domains.txt"},
      {&w->truth, w->o->out, "truth.tsv"},
      {&w->spf, w->o->out, "spf_truth.tsv"},
      {&w->post, w->o->out, "posture_truth.tsv"},
      {&w->psd, zones, "psd.test.zone"},
      {&w->test, zones, "test.zone"},
      {&w->example, zones, "example.zone"},
      {&w->rev4, zones, "10.in-addr.arpa.zone"},
      {&w->rev6, zones, "8.b.d.0.1.0.0.2.ip6.arpa.zone"},
  };
  int rc = make_dir(w->o->out);

  *what = w->o->out;
  if (rc == 0) {
    rc = path_of(zones, sizeof(zones), w->o->out, "zones");
  }
  if (rc == 0) {
    rc = make_dir(zones);
  }
  for (size_t i = 0; rc == 0 && i < sizeof(files) / sizeof(files[0]); i++) {
    *what = path;
    rc = path_of(path, PATH_CAP, files[i].dir, files[i].file);
    rc = rc == 0 ? open_one(files[i].o, path) : rc;
  }
  if (rc == 0 && w->o->dnsperf != NULL) {
    *what = w->o->dnsperf;
    rc = open_one(&w->perf, w->o->dnsperf);
  }
  return rc;
}

static int world_close(struct world *w)
{
  struct out *all[] = {&w->list,    &w->truth,  &w->test,     &w->example,
                       &w->rev4,    &w->rev6,   &w->perf,     &w->spf,
                       &w->psd,     &w->post,   &w->own.test, &w->own.psd,
                       &w->own.ex,  &w->own.r4, &w->own.r6,   &w->aux.test,
                       &w->aux.psd, &w->aux.ex, &w->aux.r4,   &w->aux.r6};
  int rc = 0;

  for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
    int r = out_close(all[i]);
    rc = rc == 0 ? r : rc;
  }
  return rc;
}

static int write_zones_list(const char *path)
{
  FILE *f = fopen(path, "w");
  int rc;

  if (f == NULL) {
    return -errno;
  }
  for (size_t i = 0; i < sizeof(zone_files) / sizeof(zone_files[0]); i++) {
    fprintf(f, "%s %s\n", zone_files[i][0], zone_files[i][1]);
  }
  rc = ferror(f) ? -EIO : 0;
  if (fclose(f) != 0 && rc == 0) {
    rc = -errno;
  }
  return rc;
}

static void world_headers(struct world *w)
{
  const struct opts *o = w->o;

  out_fmt(&w->list,
          "# mailposture test world: mp_worldgen --seed %" PRIu64
          " --domains %" PRIu64 "%s\n"
          "# blank lines and lines starting with '#' produce no row\n\n",
          o->seed, o->domains, o->tranco ? " --tranco (rank,name)" : "");
  w->line = 3;
  out_str(&w->truth, "#line\tinput_hex\tdomain\tstatus\ttxt_outcome\t"
                     "txt_records\tdmarc_outcome\tdmarc_records\tmx_outcome\t"
                     "mx_records\tspf_count\tdmarc_count\tcname\n");
  out_str(&w->spf, "#line\tdomain\tstatus\treason\tlookups\tlookups_static\t"
                   "voids\tdepth\tall\tincludes\tredirect\tuses_ptr\t"
                   "uses_exists\tuses_macros\tip4_addresses\tip6_prefixes\t"
                   "exact\n");
  out_fmt(&w->test, "$ORIGIN test.\n%s", soa);
  out_fmt(&w->rev4, "$ORIGIN 10.in-addr.arpa.\n%s", soa);
  out_fmt(&w->rev6, "$ORIGIN 8.b.d.0.1.0.0.2.ip6.arpa.\n%s", soa);
  out_fmt(&w->psd, "$ORIGIN psd.test.\n%s", soa);
  out_str(&w->post,
          "#line\tdomain\tdmarc_status\tdmarc_found_at\tdmarc_policy_domain\t"
          "dmarc_effective_policy\tdmarc_org_psl\tdmarc_org_tree_walk\t"
          "dmarc_external\tdkim_status\tdkim_keys\tdkim_weakest_bits\t"
          "mx_null\tmx_all_fcrdns\tmx_unresolved\tmx_generic\t"
          "mta_sts_status\ttls_rpt_status\tbimi_status\tverdict_ready\t"
          "verdict_failed\tdmarc_method\tdmarc_methods_disagree\tdmarc_p\t"
          "dmarc_sp\tdmarc_np\tdmarc_pct\tdmarc_adkim\tdmarc_aspf\t"
          "dmarc_fo\tdmarc_psd\tdmarc_t\tdmarc_rua\tdmarc_ruf\t"
          "dmarc_unknown_tags\tdmarc_removed_tags\tdmarc_error\t"
          "dkim_probed\tdkim_key_errors\tmx_hosts_detail\tmta_sts_id\t"
          "mta_sts_error\ttls_rpt_rua\ttls_rpt_error\tbimi_location\t"
          "bimi_authority\tbimi_error\tfindings\tverdict_unknown\t"
          "dkim_failed\n");
  write_example(w);
}

static int world_run(const struct opts *o, char *path, const char **what)
{
  struct world w = {.o = o};
  int rc = world_open(&w, path, what);

  struct out *mem[] = {&w.own.test, &w.own.psd,  &w.own.ex,  &w.own.r4,
                       &w.own.r6,   &w.aux.test, &w.aux.psd, &w.aux.ex,
                       &w.aux.r4,   &w.aux.r6};
  for (size_t i = 0; i < sizeof(mem) / sizeof(mem[0]); i++) {
    mem[i]->buf = mp_malloc(OUT_CAP); /* memory only: f stays NULL */
  }
  mp_zonedb_init(&w.example_db);
  mp_zonedb_init(&w.line_db);
  w.spft = mp_spft_new(&w.example_db);
  w.d = mp_malloc(sizeof(*w.d));
  w.t = mp_malloc(sizeof(*w.t));
  mp_rng_init(&w.layout, o->seed, 0, 2);
  if (rc == 0) {
    world_headers(&w);
    for (uint64_t i = 0; i < o->domains; i++) {
      do_line(&w, i);
    }
    out_str(&w.list, "# end of list\n");
  }
  if (world_close(&w) != 0 && rc == 0) {
    *what = o->out;
    rc = -EIO;
  }
  if (rc == 0) {
    *what = path;
    rc = path_of(path, PATH_CAP, o->out, "zones.list");
    rc = rc == 0 ? write_zones_list(path) : rc;
  }
  if (rc == 0) {
    rc = path_of(path, PATH_CAP, o->out, "world-stats.txt");
    rc = rc == 0 ? write_stats(&w, path) : rc;
  }
  mp_spft_free(w.spft);
  mp_dv_close(&w.view);
  mp_zonedb_close(&w.example_db);
  mp_zonedb_close(&w.line_db);
  mp_free(w.d);
  mp_free(w.t);
  return rc;
}

/* ---- command line ---- */

static void usage(FILE *f)
{
  fprintf(f, "usage: mp_worldgen --domains N --out DIR [--seed S] [--tranco] "
             "[--dnsperf FILE]\n       [--edited DIR2 --edits K]\n"
             "Writes DIR/zones/*.zone, DIR/zones.list, DIR/domains.txt, "
             "DIR/truth.tsv,\nDIR/spf_truth.tsv and DIR/world-stats.txt (see "
             "tests/world/README.md).\n");
}

static int parse_u64(const char *s, uint64_t *out)
{
  char *end;
  unsigned long long v;

  errno = 0;
  v = strtoull(s, &end, 10);
  if (errno != 0 || end == s || *end != '\0' || s[0] == '-') {
    return -EINVAL;
  }
  *out = v;
  return 0;
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
  static const struct option longs[] = {
      {"domains", required_argument, NULL, 'n'},
      {"seed", required_argument, NULL, 's'},
      {"out", required_argument, NULL, 'o'},
      {"tranco", no_argument, NULL, 't'},
      {"dnsperf", required_argument, NULL, 'p'},
      {"edited", required_argument, NULL, 'e'},
      {"edits", required_argument, NULL, 'k'},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0},
  };
  bool have_n = false;
  int c;

  *o = (struct opts){.seed = 1};
  while ((c = getopt_long(argc, argv, "n:s:o:tp:e:k:h", longs, NULL)) != -1) {
    switch (c) {
    case 'n':
      if (parse_u64(optarg, &o->domains) != 0) {
        return -EINVAL;
      }
      have_n = true;
      break;
    case 's':
      if (parse_u64(optarg, &o->seed) != 0) {
        return -EINVAL;
      }
      break;
    case 'o':
      o->out = optarg;
      break;
    case 't':
      o->tranco = true;
      break;
    case 'p':
      o->dnsperf = optarg;
      break;
    case 'e':
      o->edited = optarg;
      break;
    case 'k':
      if (parse_u64(optarg, &o->edits) != 0 || o->edits > 60) {
        return -EINVAL;
      }
      break;
    case 'h':
      usage(stdout);
      exit(0);
    default:
      return -EINVAL;
    }
  }
  return have_n && o->out != NULL && optind == argc ? 0 : -EINVAL;
}

int main(int argc, char **argv)
{
  struct opts o;
  char path[PATH_CAP] = "";
  const char *what = "";
  unsigned sum = 0;
  int rc;

  for (size_t k = 0; k < K_COUNT; k++) {
    sum += kinds[k].weight;
  }
  assert(sum == 10000);
  (void)sum;
  if (parse_opts(argc, argv, &o) != 0) {
    usage(stderr);
    return 2;
  }
  rc = world_run(&o, path, &what);
  if (rc == 0 && o.edited) {
    what = o.edited;
    rc = mp_world_edit(o.out, o.edited, (unsigned)o.edits, o.seed);
  }
  if (rc != 0) {
    fprintf(stderr, "mp_worldgen: %s: %s\n", what, strerror(-rc));
    return 1;
  }
  return 0;
}
