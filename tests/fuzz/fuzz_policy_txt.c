/* Any bytes -> the MTA-STS, TLS-RPT and BIMI record parsers must not crash
 * or read past a record. The input is tried as one record, then split on
 * "\n" into an answer of up to MAXREC records. Every result must agree
 * with itself: status against error and candidates, slices inside the
 * selected record, fields holding only what the grammar allows. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/base/alloc.h"
#include "scanner/records/policy_txt.h"

#define MAXREC 4

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
  if (!ok) {
    abort();
  }
}

static bool ieq_prefix(struct mp_slice s, const char *w)
{
  size_t n = strlen(w);

  if (s.len < n) {
    return false;
  }
  for (size_t i = 0; i < n; i++) {
    char c = s.p[i];

    if (c >= 'A' && c <= 'Z') {
      c = (char)(c - 'A' + 'a');
    }
    if (c != w[i]) {
      return false;
    }
  }
  return true;
}

/* s lies inside the selected record (or is empty). */
static void inside(const struct mp_policy_pick *pk, struct mp_slice s)
{
  if (s.len == 0) {
    return;
  }
  check(s.p >= pk->record.p && s.p + s.len <= pk->record.p + pk->record.len);
}

static void check_pick(const struct mp_policy_pick *pk, const struct mp_rr *rr,
                       size_t n)
{
  check(pk->error_offset >= -1);
  switch (pk->status) {
  case MP_POLICY_NONE:
    check(!pk->error && pk->candidates == 0 && !pk->record.p);
    break;
  case MP_POLICY_VALID:
    check(!pk->error && pk->candidates == 1 && pk->error_offset == -1);
    break;
  case MP_POLICY_INVALID:
    check(pk->error && pk->record.p);
    check((pk->error == MP_POLICY_ERR_MULTIPLE_RECORDS) ==
          (pk->candidates > 1));
    check((pk->error == MP_POLICY_ERR_BAD_VERSION) == (pk->candidates == 0));
    break;
  default:
    abort();
  }
  if (pk->record.p) {
    check(pk->index < n && pk->record.p == rr[pk->index].data &&
          pk->record.len == rr[pk->index].len);
    check(pk->error_offset <= (int64_t)pk->record.len);
  }
}

static void run_mta_sts(const struct mp_rr *rr, size_t n)
{
  struct mp_mta_sts m, m2;

  mp_policy_txt_parse_mta_sts(rr, n, &m);
  mp_policy_txt_parse_mta_sts(rr, n, &m2);
  check_pick(&m.pick, rr, n);
  check(m.pick.status == m2.pick.status && m.id.p == m2.id.p &&
        m.id.len == m2.id.len);
  if (m.pick.status != MP_POLICY_VALID) {
    check(!m.id.p);
    return;
  }
  check(m.id.len >= 1 && m.id.len <= 32);
  inside(&m.pick, m.id);
  for (size_t i = 0; i < m.id.len; i++) {
    char c = m.id.p[i];

    check((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
          (c >= 'A' && c <= 'Z'));
  }
}

static void run_tls_rpt(const struct mp_rr *rr, size_t n)
{
  struct mp_tls_rpt t, t2;

  mp_policy_txt_parse_tls_rpt(rr, n, &t);
  mp_policy_txt_parse_tls_rpt(rr, n, &t2);
  check_pick(&t.pick, rr, n);
  check(t.pick.status == t2.pick.status && t.nrua == t2.nrua);
  if (t.pick.status != MP_POLICY_VALID) {
    check(t.nrua == 0);
    return;
  }
  check(t.nrua >= 1);
  for (size_t i = 0; i < t.nrua && i < MP_TLS_RPT_RUA_MAX; i++) {
    inside(&t.pick, t.rua[i]);
    check(ieq_prefix(t.rua[i], "mailto:") || ieq_prefix(t.rua[i], "https://"));
    for (size_t k = 0; k < t.rua[i].len; k++) {
      check(!strchr(",;! \t", t.rua[i].p[k]) && t.rua[i].p[k] > 0x20 &&
            t.rua[i].p[k] < 0x7f);
    }
  }
}

static void run_bimi(const struct mp_rr *rr, size_t n)
{
  struct mp_bimi b, b2;

  mp_policy_txt_parse_bimi(rr, n, &b);
  mp_policy_txt_parse_bimi(rr, n, &b2);
  check_pick(&b.pick, rr, n);
  check(b.pick.status == b2.pick.status && b.l.p == b2.l.p &&
        b.a.len == b2.a.len && b.declined == b2.declined);
  if (b.pick.status != MP_POLICY_VALID) {
    check(!b.declined && !b.l.p && !b.a.p);
    return;
  }
  inside(&b.pick, b.l);
  inside(&b.pick, b.a);
  inside(&b.pick, b.lps);
  inside(&b.pick, b.avp);
  check(b.l.len == 0 || ieq_prefix(b.l, "https://"));
  check(b.a.len == 0 || ieq_prefix(b.a, "https://"));
  check(b.declined == (b.l.len == 0 && b.a.len == 0));
  check(b.l.len > 0 || b.a.len == 0); /* else empty_l */
  /* lps: local-part prefixes (ALPHA / DIGIT / "-") and *WSP "," *WSP */
  for (size_t i = 0; b.lps.p && i < b.lps.len; i++) {
    char c = b.lps.p[i];

    check((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
          (c >= '0' && c <= '9') || c == '-' || c == ',' || c == ' ' ||
          c == '\t');
  }
  check(!b.lps.p || b.lps.len == 0 ||
        (b.lps.p[0] != ',' && b.lps.p[b.lps.len - 1] != ','));
  check(b.bad_avp ==
        (b.avp.p != NULL &&
         !(b.avp.len == 5 && memcmp(b.avp.p, "brand", 5) == 0) &&
         !(b.avp.len == 8 && memcmp(b.avp.p, "personal", 8) == 0)));
}

static void run_all(const struct mp_rr *rr, size_t n)
{
  run_mta_sts(rr, n);
  run_tls_rpt(rr, n);
  run_bimi(rr, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct mp_rr rr[MAXREC];
  char *rec[MAXREC];
  size_t n = 0, b = 0;

  /* The whole input as one record, in an exactly sized copy so ASan sees
   * a read past its end. */
  memset(rr, 0, sizeof(rr));
  rec[0] = mp_memdup(data, size);
  rr[0].type = MP_T_TXT;
  rr[0].data = rec[0];
  rr[0].len = (uint32_t)size;
  run_all(rr, 1);
  mp_free(rec[0]);

  /* Split on "\n": an answer of several records, the last one taking the
   * rest. A record starting with "#" is typed CNAME: parsers skip it. */
  while (n < MAXREC && b <= size) {
    const uint8_t *nl =
        (n + 1 < MAXREC && b < size) ? memchr(data + b, '\n', size - b) : NULL;
    size_t e = nl ? (size_t)(nl - data) : size;

    rec[n] = mp_memdup(data + b, e - b);
    rr[n].type = (e > b && data[b] == '#') ? MP_T_CNAME : MP_T_TXT;
    rr[n].data = rec[n];
    rr[n].len = (uint32_t)(e - b);
    n++;
    b = e + 1;
  }
  run_all(rr, n);
  for (size_t i = 0; i < n; i++) {
    mp_free(rec[i]);
  }
  return 0;
}
