#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <string.h>

#include "scanner/checks/codes.h"
#include "scanner/records/policy_txt.h"

#define RECS 3

/* One TXT answer (up to RECS records) and what the parser must make of it:
 * the status, the error code ("" when valid or none), and the main fields
 * ("" when empty or absent). */
struct txt_case {
  char rec[RECS][112];
  int nrec;
  enum mp_policy_status status;
  char error[24];
  char field1[80]; /* MTA-STS id, TLS-RPT first rua, BIMI l= */
  char field2[48]; /* TLS-RPT second rua, BIMI a= */
};

#define V  MP_POLICY_VALID
#define IV MP_POLICY_INVALID
#define NO MP_POLICY_NONE

static size_t answer(const struct txt_case *c, struct mp_rr *rr)
{
  memset(rr, 0, RECS * sizeof(*rr));
  for (int i = 0; i < c->nrec; i++) {
    rr[i].type = MP_T_TXT;
    rr[i].data = c->rec[i];
    rr[i].len = (uint32_t)strlen(c->rec[i]);
  }
  return (size_t)c->nrec;
}

static void expect_slice(struct mp_slice s, const char *want)
{
  cr_expect_eq(s.len, strlen(want), "slice \"%.*s\" != \"%s\"", (int)s.len,
               s.p ? s.p : "", want);
  if (s.len == strlen(want) && s.len > 0) {
    cr_expect_eq(memcmp(s.p, want, s.len), 0, "slice \"%.*s\" != \"%s\"",
                 (int)s.len, s.p, want);
  }
}

/* The parser's codes by the row's names (output/status.h), the one list of
 * them: "" for none. */
static const char *status_name(enum mp_policy_status s)
{
  return mp_record_status_name(mp_code_policy_status(s));
}

static const char *error_name(enum mp_policy_error e)
{
  const char *name = mp_record_error_name(mp_code_policy_error(e));

  return name ? name : "";
}

static void expect_pick(const struct txt_case *c, const struct mp_rr *rr,
                        const struct mp_policy_pick *pk)
{
  cr_expect_eq(pk->status, c->status, "%s: status %s, want %s", c->rec[0],
               status_name(pk->status), status_name(c->status));
  cr_expect_str_eq(error_name(pk->error), c->error, "%s", c->rec[0]);
  if (!c->error[0]) {
    cr_expect_eq(pk->error_offset, -1);
  }
  if (pk->record.p) { /* the record is one of the answer's, whole */
    cr_expect_eq(pk->record.p, rr[pk->index].data);
    cr_expect_eq(pk->record.len, rr[pk->index].len);
    cr_expect_leq(pk->error_offset, (int64_t)pk->record.len);
  } else {
    cr_expect_eq(c->status, NO);
  }
}

/* ---- MTA-STS (RFC 8461 section 3.1) ---------------------------------- */

ParameterizedTestParameters(policy_txt, mta_sts_records)
{
  static struct txt_case cases[] = {
      /* The example of section 3.1, and the grammar's spacing. */
      {{"v=STSv1; id=20160831085700Z;"}, 1, V, "", "20160831085700Z", ""},
      {{"v=STSv1; id=20160831085700Z"}, 1, V, "", "20160831085700Z", ""},
      {{"v=STSv1;id=abc"}, 1, V, "", "abc", ""},
      {{"v=STSv1 ; id=abc"}, 1, V, "", "abc", ""},
      {{"v=STSv1;\tid=abc;\t"}, 1, V, "", "abc", ""},
      {{"v=STSv1; id=abc; ext=val"}, 1, V, "", "abc", ""},
      {{"v=STSv1; foo.bar_baz-1=x:y; id=A1"}, 1, V, "", "A1", ""},
      {{"v=STSv1;id=abc;v=STSv1"}, 1, V, "", "abc", ""},
      {{"v=STSv1; id=0123456789abcdefABCDEF0123456789"},
       1,
       V,
       "",
       "0123456789abcdefABCDEF0123456789",
       ""},
      /* sts-id = %s"id=" 1*32(ALPHA / DIGIT) */
      {{"v=STSv1; id=0123456789abcdefABCDEF0123456789x"},
       1,
       IV,
       "bad_id",
       "",
       ""},
      {{"v=STSv1; id="}, 1, IV, "bad_id", "", ""},
      {{"v=STSv1; id=2016-08-31"}, 1, IV, "bad_id", "", ""},
      {{"v=STSv1; id=abc\x01"}, 1, IV, "bad_id", "", ""},
      {{"v=STSv1; id=abc; id=def"}, 1, IV, "duplicate_id", "", ""},
      {{"v=STSv1;"}, 1, IV, "missing_id", "", ""},
      {{"v=STSv1; ext=1"}, 1, IV, "missing_id", "", ""},
      {{"v=STSv1; ID=abc"}, 1, IV, "missing_id", "", ""}, /* %s: case matters */
      /* Spacing the grammar does not allow. */
      {{"v=STSv1; id = abc"}, 1, IV, "syntax", "", ""},
      {{"v=STSv1; id=abc "}, 1, IV, "syntax", "", ""},
      {{"v=STSv1; id=abc;;"}, 1, IV, "syntax", "", ""},
      {{"v=STSv1; id=abc x=1"}, 1, IV, "bad_id", "", ""},
      /* sts-extension */
      {{"v=STSv1; id=abc; ext="}, 1, IV, "bad_extension", "", ""},
      {{"v=STSv1; id=abc; ext=a=b"}, 1, IV, "bad_extension", "", ""},
      {{"v=STSv1; id=abc; _x=1"}, 1, IV, "bad_extension", "", ""},
      {{"v=STSv1; id=abc; a23456789012345678901234567890123=1"},
       1,
       IV,
       "bad_extension",
       "",
       ""},
      /* Selection: version case and number, leading space, no ";". */
      {{"V=STSv1; id=abc"}, 1, IV, "bad_version", "", ""},
      {{"v=stsv1; id=abc"}, 1, IV, "bad_version", "", ""},
      {{"v=STSv2; id=abc"}, 1, IV, "bad_version", "", ""},
      {{"v=STSv10; id=abc"}, 1, IV, "bad_version", "", ""},
      {{"v=STSv1"}, 1, IV, "bad_version", "", ""},
      {{"v=STSv1 id=abc"}, 1, IV, "bad_version", "", ""},
      {{" v=STSv1; id=abc"}, 1, IV, "bad_version", "", ""},
      {{""}, 0, NO, "", "", ""},
      {{"v=spf1 -all"}, 1, NO, "", "", ""},
      {{""}, 1, NO, "", "", ""},
      /* Several records: only the ones beginning with "v=STSv1;" count. */
      {{"v=STSv1; id=a", "v=STSv1; id=b"}, 2, IV, "multiple_records", "", ""},
      {{"v=STSv1; id=a", "v=STSv1; id=a"}, 2, IV, "multiple_records", "", ""},
      {{"v=spf1 -all", "v=STSv1; id=abc"}, 2, V, "", "abc", ""},
      {{"v=STSv1", "v=STSv1; id=abc"}, 2, V, "", "abc", ""},
      {{"v=stsv1; id=x", "v=STSv1; id=abc", "junk"}, 3, V, "", "abc", ""},
      {{"v=STSv1; id=x y", "v=STSv1; id=abc"},
       2,
       IV,
       "multiple_records",
       "",
       ""},
  };

  return cr_make_param_array(struct txt_case, cases,
                             sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct txt_case *c, policy_txt, mta_sts_records)
{
  struct mp_rr rr[RECS];
  size_t n = answer(c, rr);
  struct mp_mta_sts m;

  cr_expect_eq(mp_policy_txt_parse_mta_sts(rr, n, &m), c->status);
  expect_pick(c, rr, &m.pick);
  expect_slice(m.id, c->field1);
  cr_expect_eq(m.id.p == NULL, c->status != V);
}

/* ---- TLS-RPT (RFC 8460 section 3) ------------------------------------ */

ParameterizedTestParameters(policy_txt, tls_rpt_records)
{
  static struct txt_case cases[] = {
      /* The examples of section 3. */
      {{"v=TLSRPTv1;rua=mailto:reports@example.com"},
       1,
       V,
       "",
       "mailto:reports@example.com",
       ""},
      {{"v=TLSRPTv1; rua=https://reporting.example.com/v1/tlsrpt"},
       1,
       V,
       "",
       "https://reporting.example.com/v1/tlsrpt",
       ""},
      /* Several URIs, in one field or several. */
      {{"v=TLSRPTv1; rua=mailto:a@example.com,https://r.example.com/t"},
       1,
       V,
       "",
       "mailto:a@example.com",
       "https://r.example.com/t"},
      {{"v=TLSRPTv1; rua=mailto:a@example.com , mailto:b@example.com"},
       1,
       V,
       "",
       "mailto:a@example.com",
       "mailto:b@example.com"},
      {{"v=TLSRPTv1; rua=mailto:a@example.com; rua=https://r.example.com/"},
       1,
       V,
       "",
       "mailto:a@example.com",
       "https://r.example.com/"},
      {{"v=TLSRPTv1 ;rua=mailto:a@example.com;"},
       1,
       V,
       "",
       "mailto:a@example.com",
       ""},
      {{"v=TLSRPTv1; rua=mailto:a@example.com; ext=1"},
       1,
       V,
       "",
       "mailto:a@example.com",
       ""},
      /* URI schemes compare without case (RFC 3986 3.1). */
      {{"v=TLSRPTv1; rua=MAILTO:a@example.com"},
       1,
       V,
       "",
       "MAILTO:a@example.com",
       ""},
      {{"v=TLSRPTv1; rua=HTTPS://R.EXAMPLE.COM/x"},
       1,
       V,
       "",
       "HTTPS://R.EXAMPLE.COM/x",
       ""},
      {{"v=TLSRPTv1; rua=https://[2001:db8::1]/tlsrpt"},
       1,
       V,
       "",
       "https://[2001:db8::1]/tlsrpt",
       ""},
      {{"v=TLSRPTv1; rua=https://r.example.com:8443/x?y=1#f"},
       1,
       V,
       "",
       "https://r.example.com:8443/x?y=1#f",
       ""},
      {{"v=TLSRPTv1; rua=mailto:a%21b@example.com?subject=TLS%20report"},
       1,
       V,
       "",
       "mailto:a%21b@example.com?subject=TLS%20report",
       ""},
      /* Bad URIs. */
      {{"v=TLSRPTv1; rua=http://r.example.com/"},
       1,
       IV,
       "bad_rua_scheme",
       "",
       ""},
      {{"v=TLSRPTv1; rua=mailto:a@example.com,ftp://x"},
       1,
       IV,
       "bad_rua_scheme",
       "",
       ""},
      {{"v=TLSRPTv1; rua=reports@example.com"}, 1, IV, "bad_rua", "", ""},
      {{"v=TLSRPTv1; rua=mailto:"}, 1, IV, "bad_rua", "", ""},
      {{"v=TLSRPTv1; rua=mailto:@example.com"}, 1, IV, "bad_rua", "", ""},
      {{"v=TLSRPTv1; rua=mailto:a@"}, 1, IV, "bad_rua", "", ""},
      {{"v=TLSRPTv1; rua=mailto:a@b@example.com"}, 1, IV, "bad_rua", "", ""},
      {{"v=TLSRPTv1; rua=https://"}, 1, IV, "bad_rua", "", ""},
      {{"v=TLSRPTv1; rua=https:relative"}, 1, IV, "bad_rua", "", ""},
      {{"v=TLSRPTv1; rua=https://r.example.com/a[b]"},
       1,
       IV,
       "bad_rua",
       "",
       ""},
      {{"v=TLSRPTv1; rua=mailto:a!b@example.com"}, 1, IV, "bad_rua", "", ""},
      {{"v=TLSRPTv1; rua=mailto:a%2@example.com"}, 1, IV, "bad_rua", "", ""},
      {{"v=TLSRPTv1; rua=mailto:a b@example.com"}, 1, IV, "bad_rua", "", ""},
      {{"v=TLSRPTv1; rua="}, 1, IV, "bad_rua", "", ""},
      {{"v=TLSRPTv1; rua=mailto:a@example.com,"}, 1, IV, "bad_rua", "", ""},
      /* rua= is required, and %s"rua=" is case-sensitive. */
      {{"v=TLSRPTv1;"}, 1, IV, "missing_rua", "", ""},
      {{"v=TLSRPTv1; ruf=mailto:a@example.com"}, 1, IV, "missing_rua", "", ""},
      {{"v=TLSRPTv1; RUA=mailto:a@example.com"}, 1, IV, "missing_rua", "", ""},
      {{"v=TLSRPTv1; rua=mailto:a@example.com; =x"}, 1, IV, "syntax", "", ""},
      {{"v=TLSRPTv1; rua=mailto:a@example.com; x=;"},
       1,
       IV,
       "bad_extension",
       "",
       ""},
      /* Selection. */
      {{"v=tlsrptv1; rua=mailto:a@example.com"}, 1, IV, "bad_version", "", ""},
      {{"v=TLSRPTv1 rua=mailto:a@example.com"}, 1, IV, "bad_version", "", ""},
      {{"v=TLSRPTv1"}, 1, IV, "bad_version", "", ""},
      {{"v=spf1 -all"}, 1, NO, "", "", ""},
      {{"v=TLSRPTv1;rua=mailto:a@example.com",
        "v=TLSRPTv1;rua=mailto:b@example.com"},
       2,
       IV,
       "multiple_records",
       "",
       ""},
      {{"v=TLSRPTv1", "v=TLSRPTv1;rua=mailto:a@example.com"},
       2,
       V,
       "",
       "mailto:a@example.com",
       ""},
  };

  return cr_make_param_array(struct txt_case, cases,
                             sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct txt_case *c, policy_txt, tls_rpt_records)
{
  struct mp_rr rr[RECS];
  size_t n = answer(c, rr);
  struct mp_tls_rpt t;

  cr_expect_eq(mp_policy_txt_parse_tls_rpt(rr, n, &t), c->status);
  expect_pick(c, rr, &t.pick);
  cr_expect_eq(t.nrua, !c->field1[0] ? 0u : !c->field2[0] ? 1u : 2u);
  expect_slice(t.rua[0], c->field1);
  expect_slice(t.rua[1], c->field2);
}

/* ---- BIMI (draft-brand-indicators-for-message-identification-10) ----- */

ParameterizedTestParameters(policy_txt, bimi_records)
{
  static struct txt_case cases[] = {
      {{"v=BIMI1; l=https://example.com/logo.svg; "
        "a=https://example.com/vmc.pem"},
       1,
       V,
       "",
       "https://example.com/logo.svg",
       "https://example.com/vmc.pem"},
      {{"v=BIMI1; l=https://example.com/logo.svg"},
       1,
       V,
       "",
       "https://example.com/logo.svg",
       ""},
      {{"v=BIMI1;l=https://example.com/l.svg;a="},
       1,
       V,
       "",
       "https://example.com/l.svg",
       ""},
      /* 4.3.1: the declination examples. */
      {{"v=BIMI1; l=; a=;"}, 1, V, "", "", ""},
      {{"v=BIMI1; l=; a=; lps=true;"}, 1, V, "", "", ""},
      {{"v=BIMI1; l="}, 1, V, "", "", ""},
      /* Tag-value spacing (RFC 6376 3.2), any order after v=. */
      {{"v = BIMI1 ; l = https://example.com/l.svg "},
       1,
       V,
       "",
       "https://example.com/l.svg",
       ""},
      {{"  v=BIMI1; l=https://example.com/l.svg"},
       1,
       V,
       "",
       "https://example.com/l.svg",
       ""},
      {{"v=BIMI1; a=https://example.com/v.pem; l=https://example.com/l.svg"},
       1,
       V,
       "",
       "https://example.com/l.svg",
       "https://example.com/v.pem"},
      {{"v=BIMI1; l=https://example.com/l.svgz"},
       1,
       V,
       "",
       "https://example.com/l.svgz",
       ""},
      {{"v=BIMI1; l=https://example.com/logo?id=1.png"},
       1,
       V,
       "",
       "https://example.com/logo?id=1.png",
       ""},
      {{"v=BIMI1; l=; avp=personal"}, 1, V, "", "", ""},
      {{"v=BIMI1; l=; avp=other"}, 1, V, "", "", ""},
      /* lps= (draft-14 4.3): zero or more local-part prefixes, 1 to 63
       * letters, digits and "-", joined by *WSP "," *WSP. */
      {{"v=BIMI1; l=; lps=sales,marketing"}, 1, V, "", "", ""},
      {{"v=BIMI1; l=; lps = brand-one , brand-two ;"}, 1, V, "", "", ""},
      {{"v=BIMI1; l=; lps="}, 1, V, "", "", ""},
      {{"v=BIMI1; l=; lps=TRUE"}, 1, V, "", "", ""},
      {{"v=BIMI1; l=; lps=yes"}, 1, V, "", "", ""},
      /* An empty l= is a declination only with an empty a= (4.3.1, 7.5);
       * with evidence and no location, Indicator Discovery fails (7.3). */
      {{"v=BIMI1; l=; a=https://example.com/v.pem"}, 1, IV, "empty_l", "", ""},
      {{"v=BIMI1; a=https://example.com/v.pem; l= "}, 1, IV, "empty_l", "", ""},
      {{"v=BIMI1; l=; x=anything goes"}, 1, V, "", "", ""},
      /* l= and a= values. */
      {{"v=BIMI1; l=http://example.com/l.svg"}, 1, IV, "l_not_https", "", ""},
      {{"v=BIMI1; l=https://example.com/l.png"}, 1, IV, "l_not_svg", "", ""},
      {{"v=BIMI1; l=https://example.com/L.JPG?x=1"},
       1,
       IV,
       "l_not_svg",
       "",
       ""},
      {{"v=BIMI1; l=https://example.com/a.svg,https://example.com/b.svg"},
       1,
       IV,
       "bad_l_uri",
       "",
       ""},
      {{"v=BIMI1; l=example.com/l.svg"}, 1, IV, "bad_l_uri", "", ""},
      {{"v=BIMI1; l=https://example.com/a b.svg"}, 1, IV, "bad_l_uri", "", ""},
      {{"v=BIMI1; l=https://example.com/l.svg; a=http://example.com/v.pem"},
       1,
       IV,
       "a_not_https",
       "",
       ""},
      {{"v=BIMI1; l=https://example.com/l.svg; a=https://192.0.2.1/v.pem"},
       1,
       IV,
       "bad_a_uri",
       "",
       ""},
      {{"v=BIMI1; l=https://example.com/l.svg; a=https://vmc/v.pem"},
       1,
       IV,
       "bad_a_uri",
       "",
       ""},
      /* Required, duplicate and constrained tags. */
      {{"v=BIMI1;"}, 1, IV, "missing_l", "", ""},
      {{"v=BIMI1"}, 1, IV, "missing_l", "", ""},
      {{"v=BIMI1; a=https://example.com/v.pem"}, 1, IV, "missing_l", "", ""},
      {{"v=BIMI1; L=https://example.com/l.svg"}, 1, IV, "missing_l", "", ""},
      {{"v=BIMI1; l=https://example.com/l.svg; l=https://example.com/m.svg"},
       1,
       IV,
       "duplicate_tag",
       "",
       ""},
      {{"v=BIMI1; l=; v=BIMI1"}, 1, IV, "duplicate_tag", "", ""},
      {{"v=BIMI1; avp=brand"}, 1, IV, "missing_l", "", ""},
      {{"v=BIMI1; lps=sales; avp=personal"}, 1, IV, "missing_l", "", ""},
      {{"v=BIMI1; l=; lps=news_letter"}, 1, IV, "bad_lps", "", ""},
      {{"v=BIMI1; l=; lps=sales,,news"}, 1, IV, "bad_lps", "", ""},
      {{"v=BIMI1; l=; lps=sales,"}, 1, IV, "bad_lps", "", ""},
      {{"v=BIMI1; l=; lps=sales news"}, 1, IV, "bad_lps", "", ""},
      {{"v=BIMI1; l=; lps=0123456789012345678901234567890123456789012345678901"
        "234567890123"},
       1,
       IV,
       "bad_lps",
       "",
       ""},
      {{"v=BIMI1; l=;; a="}, 1, IV, "syntax", "", ""},
      {{"v=BIMI1; =x; l="}, 1, IV, "syntax", "", ""},
      {{"v=BIMI1; 1x=2; l="}, 1, IV, "syntax", "", ""},
      {{"v=BIMI1; l; a="}, 1, IV, "syntax", "", ""},
      /* Selection (7.2 steps 4 and 9). */
      {{"v=bimi1; l="}, 1, IV, "bad_version", "", ""},
      {{"V=BIMI1; l="}, 1, IV, "bad_version", "", ""},
      {{"v=BIMI2; l="}, 1, IV, "bad_version", "", ""},
      {{"v=BIMI1 l=https://example.com/l.svg"}, 1, IV, "bad_version", "", ""},
      {{"v=spf1 -all"}, 1, NO, "", "", ""},
      {{"v=BIMI1; l=", "v=BIMI1; l=https://example.com/l.svg"},
       2,
       IV,
       "multiple_records",
       "",
       ""},
      {{"v=spf1 -all", "v=BIMI1; l="}, 2, V, "", "", ""},
  };

  return cr_make_param_array(struct txt_case, cases,
                             sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct txt_case *c, policy_txt, bimi_records)
{
  struct mp_rr rr[RECS];
  size_t n = answer(c, rr);
  struct mp_bimi b;

  cr_expect_eq(mp_policy_txt_parse_bimi(rr, n, &b), c->status);
  expect_pick(c, rr, &b.pick);
  expect_slice(b.l, c->field1);
  expect_slice(b.a, c->field2);
  cr_expect_eq(b.declined, c->status == V && !c->field1[0] && !c->field2[0]);
}

/* ---- Details --------------------------------------------------------- */

static struct mp_rr txt(const char *s)
{
  struct mp_rr r;

  memset(&r, 0, sizeof(r));
  r.type = MP_T_TXT;
  r.data = s;
  r.len = (uint32_t)strlen(s);
  return r;
}

Test(policy_txt, empty_answer_is_none)
{
  struct mp_mta_sts m;
  struct mp_tls_rpt t;
  struct mp_bimi b;

  cr_assert_eq(mp_policy_txt_parse_mta_sts(NULL, 0, &m), MP_POLICY_NONE);
  cr_assert_eq(mp_policy_txt_parse_tls_rpt(NULL, 0, &t), MP_POLICY_NONE);
  cr_assert_eq(mp_policy_txt_parse_bimi(NULL, 0, &b), MP_POLICY_NONE);
  cr_assert_null(m.pick.record.p);
  cr_assert_eq(m.pick.error, MP_POLICY_OK);
  cr_assert_eq(m.pick.error_offset, -1);
  cr_assert_eq(t.pick.candidates, 0);
  cr_assert_eq(b.pick.candidates, 0);
}

Test(policy_txt, status_and_error_names_are_the_rows)
{
  cr_assert_str_eq(status_name(MP_POLICY_NONE), "none");
  cr_assert_str_eq(status_name(MP_POLICY_VALID), "valid");
  cr_assert_str_eq(status_name(MP_POLICY_INVALID), "invalid");
  cr_assert_str_eq(error_name(MP_POLICY_OK), "");
  cr_assert_str_eq(error_name(MP_POLICY_ERR_MULTIPLE_RECORDS),
                   "multiple_records");
  cr_assert_str_eq(error_name(MP_POLICY_ERR_DUPLICATE_TAG), "duplicate_tag");
}

Test(policy_txt, skips_records_of_other_types)
{
  struct mp_rr rr[2] = {txt("v=STSv1; id=a"), txt("v=STSv1; id=b")};
  struct mp_mta_sts m;

  rr[0].type = MP_T_CNAME;
  cr_assert_eq(mp_policy_txt_parse_mta_sts(rr, 2, &m), MP_POLICY_VALID);
  cr_assert_eq(m.pick.index, 1);
  cr_assert_eq(m.pick.candidates, 1);
  cr_assert_eq(m.id.p, rr[1].data + 12);
}

Test(policy_txt, reports_which_record_and_how_many)
{
  struct mp_rr rr[3] = {txt("v=spf1 -all"),
                        txt("v=TLSRPTv1;rua=mailto:a@x.example"),
                        txt("v=TLSRPTv1;rua=mailto:b@x.example")};
  struct mp_tls_rpt t;

  cr_assert_eq(mp_policy_txt_parse_tls_rpt(rr, 3, &t), MP_POLICY_INVALID);
  cr_assert_eq(t.pick.candidates, 2);
  cr_assert_eq(t.pick.index, 1);
  cr_assert_eq(t.pick.record.p, rr[1].data);
  cr_assert_eq(t.nrua, 0);
}

/* The offset of the first occurrence of what in r's text. */
static int64_t at(const struct mp_rr *r, const char *what)
{
  return (int64_t)(strstr(r->data, what) - r->data);
}

Test(policy_txt, error_offsets_point_at_the_fault)
{
  struct mp_rr a = txt("v=STSv1; id=abc; ext=a=b");
  struct mp_rr b = txt("v=STSv1; id=ab-c");
  struct mp_rr c = txt("v=TLSRPTv1; rua=mailto:a@x.example,http://x.example/");
  struct mp_rr d = txt("v=BIMI1; l=https://example.com/l.svg; lps=a.b");
  struct mp_rr e = txt("V=STSv1; id=abc");
  struct mp_rr f = txt("v=STSv1; id=abc ");
  struct mp_mta_sts m;
  struct mp_tls_rpt t;
  struct mp_bimi bi;

  mp_policy_txt_parse_mta_sts(&a, 1, &m);
  cr_expect_eq(m.pick.error_offset, at(&a, "ext")); /* the field's name */
  mp_policy_txt_parse_mta_sts(&b, 1, &m);
  cr_expect_eq(m.pick.error_offset, at(&b, "ab-c")); /* the id's value */
  mp_policy_txt_parse_tls_rpt(&c, 1, &t);
  cr_expect_eq(t.pick.error_offset, at(&c, "http:")); /* the second URI */
  mp_policy_txt_parse_bimi(&d, 1, &bi);
  cr_expect_eq(bi.pick.error_offset, at(&d, "lps")); /* the tag */
  mp_policy_txt_parse_mta_sts(&e, 1, &m);
  cr_expect_eq(m.pick.error_offset, 0);
  mp_policy_txt_parse_mta_sts(&f, 1, &m);
  cr_expect_eq(m.pick.error_offset, (int64_t)f.len - 1); /* trailing WSP */
}

Test(policy_txt, lists_the_first_rua_uris_and_counts_all)
{
  struct mp_rr r = txt("v=TLSRPTv1; rua=mailto:a@x.example,mailto:b@x.example,"
                       "mailto:c@x.example,mailto:d@x.example; "
                       "rua=https://e.example/,https://f.example/,"
                       "https://g.example/,https://h.example/,"
                       "https://i.example/,https://j.example/");
  struct mp_tls_rpt t;

  cr_assert_eq(mp_policy_txt_parse_tls_rpt(&r, 1, &t), MP_POLICY_VALID);
  cr_assert_eq(t.nrua, 10);
  expect_slice(t.rua[0], "mailto:a@x.example");
  expect_slice(t.rua[4], "https://e.example/");
  expect_slice(t.rua[MP_TLS_RPT_RUA_MAX - 1], "https://h.example/");
}

Test(policy_txt, bimi_optional_tags)
{
  struct mp_rr r = txt("v=BIMI1; l=https://example.com/l.svg; lps=false; "
                       "avp=personal; s=1; t=2");
  struct mp_bimi b;

  cr_assert_eq(mp_policy_txt_parse_bimi(&r, 1, &b), MP_POLICY_VALID);
  expect_slice(b.lps, "false");
  expect_slice(b.avp, "personal");
  cr_assert_eq(b.nunknown, 2);
  cr_assert_not(b.declined);
  cr_assert_null(b.a.p);
}

/* avp= (draft 4.3): "brand" or "personal", exactly; "Any other values
 * MUST be ignored" (the record stays usable, brand applies), but "A mailbox
 * provider MAY choose to treat an invalid preference value as a failing
 * record", so the value is flagged. */
struct avp_case {
  char rec[64];
  bool bad;
};

ParameterizedTestParameters(policy_txt, bimi_avp_values)
{
  static struct avp_case cases[] = {
      {"v=BIMI1; l=; avp=brand", false},
      {"v=BIMI1; l=; avp=personal", false},
      {"v=BIMI1; l=", false},
      {"v=BIMI1; l=; avp=Brand", true},
      {"v=BIMI1; l=; avp=logo", true},
      {"v=BIMI1; l=; avp=", true},
      {"v=BIMI1; l=; avp=brand personal", true},
  };

  return cr_make_param_array(struct avp_case, cases,
                             sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct avp_case *c, policy_txt, bimi_avp_values)
{
  struct mp_rr r = txt(c->rec);
  struct mp_bimi b;

  cr_assert_eq(mp_policy_txt_parse_bimi(&r, 1, &b), MP_POLICY_VALID, "%s",
               c->rec);
  cr_expect_eq(b.bad_avp, c->bad, "%s", c->rec);
}

Test(policy_txt, bimi_declination_needs_both_empty)
{
  struct mp_rr a = txt("v=BIMI1; l=;");
  struct mp_rr b = txt("v=BIMI1; l=; a=; lps=sales");
  struct mp_rr c = txt("v=BIMI1; l=https://example.com/l.svg; a=");
  struct mp_bimi bi;

  cr_assert_eq(mp_policy_txt_parse_bimi(&a, 1, &bi), MP_POLICY_VALID);
  cr_expect(bi.declined); /* no a= is an empty a= (4.3) */
  cr_assert_eq(mp_policy_txt_parse_bimi(&b, 1, &bi), MP_POLICY_VALID);
  cr_expect(bi.declined);
  cr_assert_eq(mp_policy_txt_parse_bimi(&c, 1, &bi), MP_POLICY_VALID);
  cr_expect_not(bi.declined);
}

Test(policy_txt, counts_extensions)
{
  struct mp_rr r = txt("v=STSv1; a=1; id=x; b.c=2;");
  struct mp_mta_sts m;

  cr_assert_eq(mp_policy_txt_parse_mta_sts(&r, 1, &m), MP_POLICY_VALID);
  cr_assert_eq(m.nextensions, 2);
}

Test(policy_txt, a_nul_byte_is_data_not_the_end)
{
  static const char rec[] = "v=STSv1; id=abc\0def";
  struct mp_rr r = txt(rec);
  struct mp_mta_sts m;

  r.len = sizeof(rec) - 1;
  cr_assert_eq(mp_policy_txt_parse_mta_sts(&r, 1, &m), MP_POLICY_INVALID);
  cr_assert_eq(m.pick.error, MP_POLICY_ERR_BAD_ID);
}
