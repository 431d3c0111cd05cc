/* Sample rows for the writer tests (test_ndjson, test_csv, test_text,
 * test_schema). Header-only on purpose: the test CMake globs test_*.c and
 * links nothing else per folder. Every row points at static data, valid
 * for the whole test process. */
#ifndef MP_TESTS_OUTPUT_ROWS_H
#define MP_TESTS_OUTPUT_ROWS_H

#include <string.h>

#include "output/result.h"

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
static inline void rows_spf(struct mp_result_spf *s, const char *status,
                            const char *reason)
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
  rows_spf(s, "valid", NULL);
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
  r->error = "empty_label";
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
  rows_spf(&r->spf_eval, "temperror", "dns");
  r->nfindings = 1;
  r->findings[0] = "SPF_TEMPERROR";
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
  rows_spf(&r->spf_eval, "permerror", "multiple_records");
  r->nfindings = 1;
  r->findings[0] = "SPF_MULTIPLE_RECORDS";
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
  s->checks[0].result = "pass";
  s->checks[1].ip = "2001:db8:ffff::1";
  s->checks[1].result = "softfail";
  s->checks[2].ip = "198.51.100.1";
  s->checks[2].result = "temperror";
  s->checks[2].reason = "dns";
  s->ntargets = 3;
  s->targets[0].name = "_spf.example.net";
  s->targets[0].reached = true;
  s->targets[0].effective = "pass";
  s->targets[1].name = "bulk.example.org";
  s->targets[1].reached = true; /* reached, but shadowed */
  s->targets[2].name = "other.example";
  r->nfindings = 2;
  r->findings[0] = "SPF_INCLUDE_MISSING";
  r->findings[1] = "SPF_SENDER_NOT_PASS";
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
  rows_spf(s, "permerror", "syntax");
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
  r->findings[0] = "SPF_SYNTAX";
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
  rows_spf(&r->spf_eval, "none", "no_record");
  r->nfindings = 1;
  r->findings[0] = "SPF_MISSING";
}

#endif
