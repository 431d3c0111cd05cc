/* Sample rows for the writer tests (test_ndjson, test_csv, test_schema).
 * Header-only on purpose: the test CMake globs test_*.c and links nothing
 * else per folder. Every row points at static data, valid for the whole
 * test process. */
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
}

#endif
