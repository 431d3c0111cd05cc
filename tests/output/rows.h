/* Sample rows for the writer tests (test_ndjson, test_csv, test_text,
 * test_schema). Header-only on purpose: the test CMake globs test_*.c and
 * links nothing else per folder. Every row points at static data, valid
 * for the whole test process. */
#ifndef MP_TESTS_OUTPUT_ROWS_H
#define MP_TESTS_OUTPUT_ROWS_H

#include <string.h>

#include "output/result.h"

/* The value of an enum named s in its name table (output/status.h), or 0
 * (ABSENT) for NULL: rows written with the names the rows show.
 * ROWS_ENUM(dmarc_p, DMARC_P, "reject"). */
static inline int rows_enum(const char *const *names, size_t n, const char *s)
{
  for (size_t i = 1; s && i < n; i++) {
    if (names[i] && strcmp(names[i], s) == 0) {
      return (int)i;
    }
  }
  return 0;
}
#define ROWS_ENUM(name, NAME, s)                                               \
  ((enum mp_##name)rows_enum(mp_##name##_names, MP_##NAME##_COUNT, (s)))

/* The outcome named s. */
static inline enum mp_outcome rows_outcome(const char *s)
{
  for (int i = 0; i < MP_OUTCOME_COUNT; i++) {
    if (strcmp(mp_outcome_names[i], s) == 0) {
      return (enum mp_outcome)i;
    }
  }
  return MP_OUTCOME_ERROR;
}

#define ROWS_STARTED 1795359845123456 /* 2026-11-22T15:04:05.123456Z */

#define RR_TXT(t, s)                                                           \
  {                                                                            \
    .type = MP_T_TXT, .ttl = (t), .len = sizeof(s) - 1, .data = (s)            \
  }
#define RR_MX(t, p, s)                                                         \
  {                                                                            \
    .type = MP_T_MX, .ttl = (t), .pref = (p), .len = sizeof(s) - 1,            \
    .data = (s)                                                                \
  }

static const struct mp_rr rows_ok_txt[] = {
    RR_TXT(300, "v=spf1 -all"),
    RR_TXT(120, "google-site-verification=abc"),
};
static const struct mp_rr rows_ok_dmarc[] = {
    RR_TXT(3600, "v=DMARC1; p=reject"),
};
static const struct mp_rr rows_ok_mx[] = {
    RR_MX(3600, 10, "mx1.example.com"),
    RR_MX(600, 20, "mx2.example.com"),
};

static inline struct mp_result_lookup
rows_lookup(const char *name, uint16_t type, enum mp_outcome o, int rcode,
            const struct mp_rr *rr, size_t count)
{
  struct mp_result_lookup l = {
      .queried = true,
      .name = name,
      .type = type,
      .outcome = o,
      .rcode = rcode,
      .attempts = 1,
      .rtt_ms = 1.5,
      .count = count,
      .rr = rr,
  };
  return l;
}

/* s[0..len) as a slice; rows_within() finds a piece of a record, so the
 * slice is not NUL-terminated, as the scanner's are not. */
static inline struct mp_slice rows_slice(const char *s, size_t len)
{
  struct mp_slice sl = {.p = s, .len = len};
  return sl;
}

static inline struct mp_slice rows_within(const char *record, const char *piece)
{
  const char *p = strstr(record, piece);

  return rows_slice(p, p ? strlen(piece) : 0);
}

/* An evaluation with nothing found yet: no record, no counts. */
static inline void rows_spf(struct mp_result_spf *s, enum mp_spf_status status,
                            enum mp_spf_reason_code reason)
{
  memset(s, 0, sizeof(*s));
  s->evaluated = true;
  s->status = status;
  s->reason = reason;
  s->error_offset = -1;
}

/* A valid evaluation of a record with no DNS-querying terms. */
static inline void rows_spf_flat(struct mp_result_spf *s,
                                 const struct mp_rr *rr, char all, uint64_t ip4,
                                 uint64_t ip6)
{
  rows_spf(s, MP_SPF_STATUS_VALID, MP_SPF_REASON_CODE_ABSENT);
  s->record = rows_slice(rr->data, rr->len);
  s->length = rr->len;
  s->all = all;
  s->counted = true;
  s->exact = true;
  s->ip4_addresses = ip4;
  s->ip6_prefixes = ip6;
}

/* Line 1: every lookup answered. */
static inline void rows_ok(struct mp_result *r)
{
  memset(r, 0, sizeof(*r));
  r->line = 1;
  r->input = "Example.COM";
  r->input_len = 11;
  r->rank = 1;
  r->domain = "example.com";
  r->status = MP_STATUS_OK;
  r->started_us = ROWS_STARTED;
  r->elapsed_ms = 12.3456;
  r->txt =
      rows_lookup("example.com", MP_T_TXT, MP_OUTCOME_OK, 0, rows_ok_txt, 2);
  r->dmarc_txt = rows_lookup("_dmarc.example.com", MP_T_TXT, MP_OUTCOME_OK, 0,
                             rows_ok_dmarc, 1);
  r->dmarc_txt.rtt_ms = 2.0;
  r->mx = rows_lookup("example.com", MP_T_MX, MP_OUTCOME_OK, 0, rows_ok_mx, 2);
  r->mx.attempts = 2;
  r->mx.rtt_ms = 0.25;
  r->spf.count = 1;
  r->spf.rr[0] = &rows_ok_txt[0];
  r->dmarc.count = 1;
  r->dmarc.rr[0] = &rows_ok_dmarc[0];
  rows_spf_flat(&r->spf_eval, &rows_ok_txt[0], '-', 0, 0);
}

/* Line 2: not a usable name, nothing queried. */
static inline void rows_invalid(struct mp_result *r)
{
  memset(r, 0, sizeof(*r));
  r->line = 2;
  r->input = "bad..name";
  r->input_len = 9;
  r->rank = -1;
  r->status = MP_STATUS_INVALID_NAME;
  r->error = MP_NAME_ERROR_EMPTY_LABEL;
  r->started_us = ROWS_STARTED;
  r->elapsed_ms = 0.01;
}

/* Line 3: TXT timed out, _dmarc does not exist, MX has no data. */
static inline void rows_timeout(struct mp_result *r)
{
  memset(r, 0, sizeof(*r));
  r->line = 3;
  r->input = "slow.example";
  r->input_len = 12;
  r->rank = 42;
  r->domain = "slow.example";
  r->status = MP_STATUS_TIMEOUT;
  r->started_us = ROWS_STARTED;
  r->elapsed_ms = 3001.5;
  r->txt =
      rows_lookup("slow.example", MP_T_TXT, MP_OUTCOME_TIMEOUT, -1, NULL, 0);
  r->txt.attempts = 3;
  r->txt.rtt_ms = 3000.0;
  r->dmarc_txt = rows_lookup("_dmarc.slow.example", MP_T_TXT,
                             MP_OUTCOME_NXDOMAIN, 3, NULL, 0);
  r->mx = rows_lookup("slow.example", MP_T_MX, MP_OUTCOME_NODATA, 0, NULL, 0);
  rows_spf(&r->spf_eval, MP_SPF_STATUS_TEMPERROR, MP_SPF_REASON_CODE_DNS);
  r->nfindings = 1;
  r->findings[0] = MP_FINDING_SPF_TEMPERROR;
}

/* Line 4: hostile bytes everywhere a DNS answer can put them. */
static const char rows_hostile_input[] = "@SUM(1+1)\x1b]0;x\x07\0tail";
static const struct mp_rr rows_hostile_txt[] = {
    RR_TXT(60, "=cmd|' /C calc'!A0"),
    RR_TXT(60, "a\r\nb \"q\"\0\\z\xff\x1b"),
    RR_TXT(60, "v=spf1 ip4:192.0.2.0/24 -all"),
    RR_TXT(60, "\xe2\x80\xa8 caf\xc3\xa9 \xc0\xaf \xed\xa0\x80"),
};
static const struct mp_rr rows_hostile_mx[] = {
    RR_MX(60, 0, ""), /* null MX (RFC 7505) */
    RR_MX(30, 65535, "-mx.example|x"),
};

static inline void rows_hostile(struct mp_result *r)
{
  memset(r, 0, sizeof(*r));
  r->line = 4;
  r->input = rows_hostile_input;
  r->input_len = sizeof(rows_hostile_input) - 1;
  r->input_truncated = true;
  r->rank = 0;
  r->domain = "hostile.example";
  r->status = MP_STATUS_OK;
  r->started_us = ROWS_STARTED;
  r->elapsed_ms = 7.0;
  r->txt = rows_lookup("hostile.example", MP_T_TXT, MP_OUTCOME_OK, 0,
                       rows_hostile_txt, 4);
  r->txt.cname = "alias.example";
  r->dmarc_txt = rows_lookup("_dmarc.hostile.example", MP_T_TXT,
                             MP_OUTCOME_NXDOMAIN, 3, NULL, 0);
  r->mx = rows_lookup("hostile.example", MP_T_MX, MP_OUTCOME_OK, 0,
                      rows_hostile_mx, 2);
  r->spf.count = 20; /* more than MP_PICK_MAX: only 16 are listed */
  for (size_t i = 0; i < MP_PICK_MAX; i++) {
    r->spf.rr[i] = &rows_hostile_txt[i % 2 ? 2 : 0];
  }
  r->dmarc.count = 0;
  rows_spf(&r->spf_eval, MP_SPF_STATUS_PERMERROR, MP_SPF_REASON_CODE_MULTIPLE);
  r->nfindings = 1;
  r->findings[0] = MP_FINDING_SPF_MULTIPLE_RECORDS;
}

/* Line 5: an evaluated policy with includes, --spf-ip checks (one per
 * result kind the row shows) and --spf-include targets. */
static const struct mp_rr rows_spf_txt[] = {
    RR_TXT(300, "v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/48 "
                "include:_spf.example.net include:bulk.example.org ~all"),
};

static inline void rows_spf_full(struct mp_result *r)
{
  struct mp_result_spf *s = &r->spf_eval;
  const char *rec = rows_spf_txt[0].data;

  rows_ok(r);
  r->line = 5;
  r->input = "spf.example";
  r->input_len = 11;
  r->rank = -1;
  r->domain = "spf.example";
  r->txt =
      rows_lookup("spf.example", MP_T_TXT, MP_OUTCOME_OK, 0, rows_spf_txt, 1);
  r->dmarc_txt = rows_lookup("_dmarc.spf.example", MP_T_TXT,
                             MP_OUTCOME_NXDOMAIN, 3, NULL, 0);
  r->mx = rows_lookup("spf.example", MP_T_MX, MP_OUTCOME_OK, 0, rows_ok_mx, 2);
  r->spf.rr[0] = &rows_spf_txt[0];
  r->dmarc.count = 0;
  rows_spf_flat(s, &rows_spf_txt[0], '~', 256 + 4096, 65536 + 16);
  s->lookups = 3;
  s->lookups_static = 4;
  s->depth = 2;
  s->nincludes = 2;
  s->includes[0] = rows_within(rec, "_spf.example.net");
  s->includes[1] = rows_within(rec, "bulk.example.org");
  s->uses_macros = true;
  s->exact = false;
  s->nchecks = 3;
  s->checks[0].ip = "192.0.2.7";
  s->checks[0].result = MP_SPF_RESULT_PASS;
  s->checks[1].ip = "2001:db8:ffff::1";
  s->checks[1].result = MP_SPF_RESULT_SOFTFAIL;
  s->checks[2].ip = "198.51.100.1";
  s->checks[2].result = MP_SPF_RESULT_TEMPERROR;
  s->checks[2].reason = MP_SPF_REASON_CODE_DNS;
  s->ntargets = 3;
  s->targets[0].name = "_spf.example.net";
  s->targets[0].reached = true;
  s->targets[0].effective = MP_SPF_RESULT_PASS;
  s->targets[1].name = "bulk.example.org";
  s->targets[1].reached = true; /* reached, but shadowed */
  s->targets[2].name = "other.example";
  r->nfindings = 2;
  r->findings[0] = MP_FINDING_SPF_INCLUDE_MISSING;
  r->findings[1] = MP_FINDING_SPF_SENDER_NOT_PASS;
}

/* Line 6: a syntax error in an included record. */
static const struct mp_rr rows_syntax_txt[] = {
    RR_TXT(300, "v=spf1 include:broken.example -all"),
};
static const char rows_syntax_broken[] = "v=spf1 ip4:192.0.2.300 -all";

static inline void rows_spf_syntax(struct mp_result *r)
{
  struct mp_result_spf *s = &r->spf_eval;

  rows_ok(r);
  r->line = 6;
  r->input = "syntax.example";
  r->input_len = 14;
  r->rank = 7;
  r->domain = "syntax.example";
  r->txt = rows_lookup("syntax.example", MP_T_TXT, MP_OUTCOME_OK, 0,
                       rows_syntax_txt, 1);
  r->spf.rr[0] = &rows_syntax_txt[0];
  rows_spf(s, MP_SPF_STATUS_PERMERROR, MP_SPF_REASON_CODE_SYNTAX);
  s->error_offset = 7;
  s->error_record =
      rows_slice(rows_syntax_broken, sizeof(rows_syntax_broken) - 1);
  s->record = rows_slice(rows_syntax_txt[0].data, rows_syntax_txt[0].len);
  s->length = rows_syntax_txt[0].len;
  s->lookups = 1;
  s->lookups_static = 1;
  s->depth = 1;
  s->nincludes = 1;
  s->includes[0] = rows_within(rows_syntax_txt[0].data, "broken.example");
  r->nfindings = 1;
  r->findings[0] = MP_FINDING_SPF_SYNTAX;
}

/* Line 7: no SPF record at all. */
static inline void rows_spf_none(struct mp_result *r)
{
  rows_ok(r);
  r->line = 7;
  r->input = "nospf.example";
  r->input_len = 13;
  r->rank = -1;
  r->domain = "nospf.example";
  r->txt = rows_lookup("nospf.example", MP_T_TXT, MP_OUTCOME_OK, 0,
                       &rows_ok_txt[1], 1);
  r->spf.count = 0;
  rows_spf(&r->spf_eval, MP_SPF_STATUS_NONE, MP_SPF_REASON_CODE_NO_RECORD);
  r->nfindings = 1;
  r->findings[0] = MP_FINDING_SPF_MISSING;
}

/* Line 8: every check evaluated. news.brand.example has no DMARC record of
 * its own, so brand.example's applies, with its sp=; two external report
 * destinations, one authorized; two DKIM keys, one weak (1024 bits, in
 * testing mode, delegated by CNAME); one MX address without FCrDNS and one
 * generic PTR name. The verdict is set by hand to list two codes (the
 * writers copy it; scanner/verdict.c would count the DKIM keys). */
static const struct mp_rr rows_full_mx[] = {
    RR_MX(300, 10, "mx1.brand.example"),
    RR_MX(300, 20, "mx2.brand.example"),
};
static const char rows_full_dmarc[] =
    "v=DMARC1; p=reject; sp=quarantine; pct=100; rf=afrf; adkim=s; fo=1; "
    "rua=mailto:dmarc@brand.example,mailto:agg@vendor.example,"
    "mailto:a@other.example; ruf=mailto:f@vendor.example; foo=bar";
static const char rows_full_dkim_google[] = "v=DKIM1; k=rsa; p=MIIBIjANBgkq";
static const char rows_full_dkim_s1[] = "v=DKIM1; k=rsa; t=y; p=MIGfMA0GCSqG";
static const char rows_full_sts[] = "v=STSv1; id=20260101T000000;";
static const char rows_full_tlsrpt[] = "v=TLSRPTv1; rua=https//bad.example";

static inline struct mp_result_report_dest
rows_dest(const char *record, const char *uri, const char *domain,
          bool external, const char *authorization)
{
  struct mp_result_report_dest d = {
      .uri = rows_within(record, uri),
      .domain = domain,
      .external = external,
      .authorization = ROWS_ENUM(dmarc_auth, DMARC_AUTH, authorization),
  };
  return d;
}

static inline struct mp_result_mx_addr rows_addr(const char *addr,
                                                 const char *ptr,
                                                 const char *outcome,
                                                 bool fcrdns, bool generic)
{
  struct mp_result_mx_addr a = {
      .addr = addr,
      .ptr = ptr,
      .ptr_outcome = rows_outcome(outcome),
      .fcrdns = fcrdns ? MP_TRI_TRUE : MP_TRI_FALSE,
      .forwarded = ptr != NULL,
      .forward_outcome = MP_OUTCOME_OK,
      .generic = generic,
  };
  return a;
}

static inline void rows_policy(struct mp_result_policy *p, const char *status,
                               const char *record, const char *field1)
{
  memset(p, 0, sizeof(*p));
  p->evaluated = true;
  p->status = ROWS_ENUM(record_status, RECORD_STATUS, status);
  if (record) {
    p->record = rows_slice(record, strlen(record));
    p->field1 = rows_within(record, field1);
  }
}

static inline void rows_full_dmarc_eval(struct mp_result_dmarc *d)
{
  const char *rec = rows_full_dmarc;

  memset(d, 0, sizeof(*d));
  d->evaluated = true;
  d->status = MP_RECORD_VALID;
  d->found_at = MP_DMARC_FOUND_ORGANIZATIONAL;
  d->method = MP_DMARC_METHOD_TREE_WALK;
  d->policy_domain = "brand.example";
  d->record = rows_slice(rec, sizeof(rows_full_dmarc) - 1);
  d->org_psl = "brand.example";
  d->org_tree_walk = "brand.example";
  d->walk_queries = 2;
  d->p = MP_DMARC_P_REJECT;
  d->sp = MP_DMARC_P_QUARANTINE;
  d->pct = 100;
  d->adkim = 's';
  d->aspf = 'r';
  d->fo = rows_within(rec, "fo=1");
  d->fo.p += 3; /* the value only */
  d->fo.len = 1;
  d->effective_policy = MP_DMARC_EFFECTIVE_QUARANTINE;
  d->nrua = 3;
  d->rua[0] = rows_dest(rec, "mailto:dmarc@brand.example", "brand.example",
                        false, NULL);
  d->rua[1] = rows_dest(rec, "mailto:agg@vendor.example", "vendor.example",
                        true, "authorized");
  d->rua[2] = rows_dest(rec, "mailto:a@other.example", "other.example", true,
                        "not_authorized");
  d->nruf = 1;
  d->ruf[0] = rows_dest(rec, "mailto:f@vendor.example", "vendor.example", true,
                        "authorized");
  d->nunknown = 1;
  d->unknown[0] = rows_within(rec, "foo");
  d->nremoved = 2;
  d->removed[0] = rows_within(rec, "pct");
  d->removed[1] = rows_within(rec, "rf");
}

static inline void rows_full_dkim(struct mp_result_dkim *d)
{
  memset(d, 0, sizeof(*d));
  d->evaluated = true;
  d->status = MP_DKIM_STATUS_FOUND;
  d->probed = 24;
  d->nfound = 2;
  d->found[0].selector = "google";
  d->found[0].key_type = "rsa";
  d->found[0].bits = 2048;
  d->found[0].record =
      rows_slice(rows_full_dkim_google, sizeof(rows_full_dkim_google) - 1);
  d->found[1].selector = "s1";
  d->found[1].cname = "s1.domainkey.vendor.example";
  d->found[1].key_type = "rsa";
  d->found[1].bits = 1024;
  d->found[1].testing = true;
  d->found[1].record =
      rows_slice(rows_full_dkim_s1, sizeof(rows_full_dkim_s1) - 1);
  d->weakest_bits = 1024;
}

static inline void rows_full_mx_check(struct mp_result_mx_check *m)
{
  struct mp_result_mx_host *h = m->hosts;

  memset(m, 0, sizeof(*m));
  m->evaluated = true;
  m->nhosts = 2;
  h[0].preference = 10;
  h[0].host = "mx1.brand.example";
  h[0].resolves = MP_TRI_TRUE;
  h[0].a_outcome = h[0].aaaa_outcome = MP_OUTCOME_OK;
  h[0].naddrs = 2;
  h[0].addrs[0] =
      rows_addr("192.0.2.10", "mx1.brand.example", "ok", true, false);
  h[0].addrs[1] =
      rows_addr("2001:db8::10", "mail.other.example", "ok", false, false);
  h[1].preference = 20;
  h[1].host = "mx2.brand.example";
  h[1].cname = "mx.provider.example";
  h[1].resolves = MP_TRI_TRUE;
  h[1].a_outcome = MP_OUTCOME_OK;
  h[1].aaaa_outcome = MP_OUTCOME_NODATA;
  h[1].naddrs = 2;
  h[1].addrs[0] = rows_addr("198.51.100.7", "198-51-100-7.dsl.isp.example",
                            "ok", true, true);
  h[1].addrs[1] = rows_addr("198.51.100.8", NULL, "nxdomain", false, false);
}

static inline void rows_full(struct mp_result *r)
{
  rows_ok(r);
  r->line = 8;
  r->input = "news.brand.example";
  r->input_len = 18;
  r->rank = 1000;
  r->domain = "news.brand.example";
  r->txt = rows_lookup("news.brand.example", MP_T_TXT, MP_OUTCOME_OK, 0,
                       &rows_ok_txt[1], 1);
  r->dmarc_txt = rows_lookup("_dmarc.news.brand.example", MP_T_TXT,
                             MP_OUTCOME_NXDOMAIN, 3, NULL, 0);
  r->mx = rows_lookup("news.brand.example", MP_T_MX, MP_OUTCOME_OK, 0,
                      rows_full_mx, 2);
  r->spf.count = 0;
  r->dmarc.count = 0;
  rows_spf(&r->spf_eval, MP_SPF_STATUS_NONE, MP_SPF_REASON_CODE_NO_RECORD);
  rows_full_dmarc_eval(&r->dmarc_eval);
  rows_full_dkim(&r->dkim);
  rows_full_mx_check(&r->mx_check);
  rows_policy(&r->mta_sts, "valid", rows_full_sts, "20260101T000000");
  rows_policy(&r->tls_rpt, "invalid", rows_full_tlsrpt, "https//bad.example");
  r->tls_rpt.error = MP_RECORD_ERROR_BAD_RUA;
  rows_policy(&r->bimi, "none", NULL, NULL);
  r->verdict.evaluated = true;
  r->verdict.nfailed = 2;
  r->verdict.failed[0] = MP_REQUIREMENT_SPF_OR_DKIM;
  r->verdict.failed[1] = MP_REQUIREMENT_MX_FCRDNS;
  r->nfindings = 1;
  r->findings[0] = MP_FINDING_SPF_MISSING;
}

/* Line 9: a parked domain: SPF -all, its own DMARC record with np= and t=n,
 * no _domainkey (RFC 8020 shortcut), a null MX (RFC 7505): ready, since a
 * null MX meets mx_fcrdns. */
static const struct mp_rr rows_parked_txt[] = {
    RR_TXT(3600, "v=spf1 -all"),
};
static const struct mp_rr rows_parked_dmarc[] = {
    RR_TXT(3600, "v=DMARC1; p=reject; np=reject; adkim=s; aspf=s; t=n"),
};
static const struct mp_rr rows_parked_mx[] = {
    RR_MX(3600, 0, ""),
};

static inline void rows_parked(struct mp_result *r)
{
  struct mp_result_dmarc *d = &r->dmarc_eval;

  rows_ok(r);
  r->line = 9;
  r->input = "parked.example";
  r->input_len = 14;
  r->rank = -1;
  r->domain = "parked.example";
  r->txt = rows_lookup("parked.example", MP_T_TXT, MP_OUTCOME_OK, 0,
                       rows_parked_txt, 1);
  r->dmarc_txt = rows_lookup("_dmarc.parked.example", MP_T_TXT, MP_OUTCOME_OK,
                             0, rows_parked_dmarc, 1);
  r->mx = rows_lookup("parked.example", MP_T_MX, MP_OUTCOME_OK, 0,
                      rows_parked_mx, 1);
  r->spf.rr[0] = &rows_parked_txt[0];
  r->dmarc.rr[0] = &rows_parked_dmarc[0];
  rows_spf_flat(&r->spf_eval, &rows_parked_txt[0], '-', 0, 0);
  d->evaluated = true;
  d->status = MP_RECORD_VALID;
  d->found_at = MP_DMARC_FOUND_SELF;
  d->method = MP_DMARC_METHOD_DIRECT;
  d->policy_domain = "parked.example";
  d->record = rows_slice(rows_parked_dmarc[0].data, rows_parked_dmarc[0].len);
  d->org_psl = "parked.example";
  d->org_tree_walk = "parked.example";
  d->walk_queries = 1;
  d->p = MP_DMARC_P_REJECT;
  d->np = MP_DMARC_P_REJECT;
  d->pct = -1;
  d->adkim = 's';
  d->aspf = 's';
  d->testing = 'n';
  d->effective_policy = MP_DMARC_EFFECTIVE_REJECT;
  r->dkim.evaluated = true;
  r->dkim.status = MP_DKIM_STATUS_NO_DOMAINKEY;
  r->mx_check.evaluated = true;
  r->mx_check.null_mx = true;
  rows_policy(&r->mta_sts, "none", NULL, NULL);
  rows_policy(&r->tls_rpt, "none", NULL, NULL);
  rows_policy(&r->bimi, "none", NULL, NULL);
  r->verdict.evaluated = true;
  r->verdict.ready = true;
}

/* Line 10: a valid name scanned with --checks spf: the other lookups are
 * not made and the other checks' evaluated flags stay false. */
static inline void rows_checks_off(struct mp_result *r)
{
  rows_ok(r);
  r->line = 10;
  r->input = "off.example";
  r->input_len = 11;
  r->rank = -1;
  r->domain = "off.example";
  r->txt.name = "off.example";
  memset(&r->dmarc_txt, 0, sizeof(r->dmarc_txt));
  memset(&r->mx, 0, sizeof(r->mx));
  memset(&r->dmarc, 0, sizeof(r->dmarc));
}

#endif
