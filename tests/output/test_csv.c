#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output/csvcell.h"
#include "output/writer.h"
#include "tests/output/rows.h"

#define FFFD "\xef\xbf\xbd"
#define HEADER                                                                 \
  "line,input,input_truncated,rank,domain,status,error,started,elapsed_ms,"    \
  "txt_outcome,txt_rcode,txt_attempts,txt_rtt_ms,txt_ttl,txt_count,"           \
  "txt_records,dmarc_txt_outcome,dmarc_txt_rcode,dmarc_txt_attempts,"          \
  "dmarc_txt_rtt_ms,dmarc_txt_ttl,dmarc_txt_count,dmarc_txt_records,"          \
  "mx_outcome,mx_rcode,mx_attempts,mx_rtt_ms,mx_ttl,mx_count,mx_records,"      \
  "spf_count,spf_records,dmarc_count,dmarc_records,spf_status,spf_reason,"     \
  "spf_error_offset,spf_lookups,spf_lookups_static,spf_voids,spf_depth,"       \
  "spf_all,spf_includes,spf_redirect,spf_uses_ptr,spf_uses_exists,"            \
  "spf_uses_macros,spf_exact,spf_ip4_addresses,spf_ip6_prefixes,spf_length,"   \
  "spf_checks,spf_include_checks,findings,dmarc_status,dmarc_found_at,"        \
  "dmarc_method,dmarc_policy_domain,dmarc_record,dmarc_org_psl,"               \
  "dmarc_org_tree_walk,dmarc_methods_disagree,dmarc_p,dmarc_sp,dmarc_np,"      \
  "dmarc_pct,dmarc_adkim,dmarc_aspf,dmarc_psd,dmarc_t,"                        \
  "dmarc_effective_policy,dmarc_rua,dmarc_ruf,dmarc_external_reports,"         \
  "dmarc_unknown_tags,dmarc_removed_tags,dmarc_error,dkim_status,"             \
  "dkim_probed,dkim_selectors,dkim_weakest_bits,mx_null,mx_all_fcrdns,"        \
  "mx_unresolved,mx_hosts_detail,mta_sts_status,mta_sts_id,tls_rpt_status,"    \
  "tls_rpt_rua,bimi_status,bimi_location,verdict_ready,verdict_failed,"        \
  "verdict_unknown,dkim_failed,mx_senders_fcrdns,mx_senders_detail\r\n"
/* The 43 cells of the DMARC to mx_senders_detail columns when no check
 * ran. */
#define NO_CHECKS                                                              \
  ",,,,,,,,,,,,,,,,,,,,,,," /* dmarc_status .. dmarc_error */                  \
  ",,,,,,,,,,,,,,,,,,,,"    /* dkim_status .. mx_senders_detail */
#define STARTED "2026-11-22T15:04:05.123Z"

static char *write_rows(const struct mp_result *rows, size_t n)
{
  char *buf = NULL;
  size_t size = 0;
  FILE *f = open_memstream(&buf, &size);
  struct mp_writer w;

  cr_assert_not_null(f);
  cr_assert_eq(mp_writer_init(&w, mp_writer_find("csv"), f), 0);
  for (size_t i = 0; i < n; i++) {
    cr_assert_eq(mp_writer_write(&w, &rows[i]), 0);
  }
  cr_assert_eq(mp_writer_close(&w), 0);
  cr_assert_eq(fclose(f), 0);
  return buf;
}

static void expect_row(void (*make)(struct mp_result *), const char *line)
{
  struct mp_result r;
  char *text;

  make(&r);
  text = write_rows(&r, 1);
  cr_assert_eq(strncmp(text, HEADER, strlen(HEADER)), 0);
  cr_assert_str_eq(text + strlen(HEADER), line);
  free(text);
}

Test(csv, writes_only_the_header_for_no_rows)
{
  char *text = write_rows(NULL, 0);

  cr_assert_str_eq(text, HEADER);
  free(text);
}

Test(csv, writes_an_answered_row_exactly)
{
  expect_row(rows_ok,
             "1,Example.COM,false,1,example.com,ok,," STARTED
             ",12.346,ok,0,1,1.500,120,2,"
             "v=spf1 -all|google-site-verification=abc,"
             "ok,0,1,2.000,3600,1,v=DMARC1; p=reject,"
             "ok,0,2,0.250,600,2,10 mx1.example.com|20 mx2.example.com,"
             "1,v=spf1 -all,1,v=DMARC1; p=reject,"
             "valid,,,0,0,0,0,fail,,,false,false,false,true,0,0,11,,," NO_CHECKS
             "\r\n");
}

Test(csv, leaves_every_cell_of_an_invalid_name_empty)
{
  expect_row(rows_invalid,
             "2,bad..name,false,,,invalid_name,empty_label," STARTED ",0.010"
             ",,,,,,,"
             ",,,,,,,"
             ",,,,,,,"              /* txt, dmarc_txt, mx */
             ",,,,"                 /* spf_count .. dmarc_records */
             ",,,,,,,,,,,,,,,,,,,"  /* spf_status .. spf_include_checks */
             "," NO_CHECKS "\r\n"); /* findings and the checks */
}

Test(csv, writes_a_timed_out_lookup)
{
  expect_row(rows_timeout,
             "3,slow.example,false,42,slow.example,timeout,," STARTED
             ",3001.500,timeout,,3,3000.000,,0,,"
             "nxdomain,3,1,1.500,,0,,"
             "nodata,0,1,1.500,,0,,0,,0,,"
             "temperror,dns,,0,0,0,0,,,,false,false,false,,,,,,,"
             "SPF_TEMPERROR" NO_CHECKS "\r\n");
}

Test(csv, sanitizes_escapes_and_neutralizes_hostile_text)
{
  char spf[1024] = "'";
  size_t n = 1;

  for (int i = 0; i < MP_PICK_MAX; i++) {
    n += (size_t)snprintf(spf + n, sizeof(spf) - n, "%s%s",
                          i % 2 ? "v=spf1 ip4:192.0.2.0/24 -all"
                                : "=cmd\\|' /C calc'!A0",
                          i + 1 < MP_PICK_MAX ? "|" : "");
    cr_assert_lt(n, sizeof(spf));
  }
  {
    char want[4096];

    snprintf(want, sizeof(want),
             "4,'@SUM(1+1)" FFFD "]0;x" FFFD FFFD "tail,true,0,hostile.example,"
             "ok,," STARTED ",7.000,ok,0,1,1.500,60,4,"
             "\"'=cmd\\|' /C calc'!A0|a\r\nb \"\"q\"\"" FFFD "\\\\z" FFFD FFFD
             "|v=spf1 ip4:192.0.2.0/24 -all"
             "|\xe2\x80\xa8 caf\xc3\xa9 " FFFD FFFD " " FFFD FFFD FFFD "\","
             "nxdomain,3,1,1.500,,0,,"
             "ok,0,1,1.500,30,2,0 |65535 -mx.example\\|x,"
             "20,%s,0,,"
             "permerror,multiple_records,,0,0,0,0,,,,false,false,false,,,,,,,"
             "SPF_MULTIPLE_RECORDS" NO_CHECKS "\r\n",
             spf);
    expect_row(rows_hostile, want);
  }
}

/* The row from its spf_status cell on (after 34 cells, none of them
 * holding a comma in these rows). */
static const char *from_spf(const char *row)
{
  const char *p = row;

  for (int commas = 0; commas < 34; p++) {
    cr_assert_neq(*p, '\0', "%s", row);
    commas += *p == ',';
  }
  return p;
}

static void expect_spf_cells(void (*make)(struct mp_result *), const char *want)
{
  struct mp_result r;
  char *text;

  make(&r);
  text = write_rows(&r, 1);
  cr_assert_eq(strncmp(text, HEADER, strlen(HEADER)), 0);
  cr_assert_str_eq(from_spf(text + strlen(HEADER)), want);
  free(text);
}

Test(csv, writes_an_evaluated_policy_exactly)
{
  expect_spf_cells(rows_spf_full,
                   "valid,,,3,4,0,2,softfail,"
                   "_spf.example.net|bulk.example.org,,false,false,true,"
                   "false,4352,65552,96,"
                   "192.0.2.7=pass|2001:db8:ffff::1=softfail|"
                   "198.51.100.1=temperror,"
                   "_spf.example.net=pass|bulk.example.org=shadowed|"
                   "other.example=unreached,"
                   "SPF_INCLUDE_MISSING|SPF_SENDER_NOT_PASS" NO_CHECKS "\r\n");
}

/* A name whose place is unknown (the domain's TXT lookup failed) shows its
 * result, temperror, not "unreached". */
Test(csv, writes_an_unknown_include_check_as_temperror)
{
  struct mp_result r;
  char *text;

  rows_spf_full(&r);
  r.spf_eval.targets[2].unknown = true;
  r.spf_eval.targets[2].effective = MP_SPF_RESULT_TEMPERROR;
  text = write_rows(&r, 1);
  cr_expect_not_null(strstr(text, "|other.example=temperror,"), "%s", text);
  free(text);
}

Test(csv, writes_a_syntax_error_with_its_offset)
{
  expect_spf_cells(rows_spf_syntax,
                   "permerror,syntax,7,1,1,0,1,,broken.example,,false,false,"
                   "false,,,,34,,,SPF_SYNTAX" NO_CHECKS "\r\n");
}

Test(csv, writes_a_domain_without_spf)
{
  expect_spf_cells(rows_spf_none, "none,no_record,,0,0,0,0,,,,false,false,"
                                  "false,,,,,,,SPF_MISSING" NO_CHECKS "\r\n");
}

/* Words, not "+" or "-": those would open the cell like a formula and get
 * an apostrophe. */
Test(csv, writes_the_all_qualifier_as_a_word)
{
  static const char quals[] = {'+', '-', '~', '?', 0};
  static const char *const want[] = {",0,pass,,", ",0,fail,,", ",0,softfail,,",
                                     ",0,neutral,,", ",0,,,"};
  struct mp_result r;

  for (size_t i = 0; i < sizeof(quals); i++) {
    char *text;

    rows_ok(&r);
    r.spf_eval.all = quals[i];
    text = write_rows(&r, 1);
    cr_expect_not_null(strstr(from_spf(text + strlen(HEADER)), want[i]),
                       "'%c': %s", quals[i], text);
    cr_expect_null(strstr(text, "'"), "%s", text);
    free(text);
  }
}

Test(csv, writes_the_whole_ipv6_space_beyond_int64)
{
  struct mp_result r;
  char *text;

  rows_ok(&r);
  r.spf_eval.ip4_addresses = UINT64_C(1) << 32;
  r.spf_eval.ip6_prefixes = UINT64_MAX;
  text = write_rows(&r, 1);
  cr_assert_not_null(strstr(text, ",true,4294967296,18446744073709551615,11,"),
                     "%s", text);
  free(text);
}

/* Hostile text in the SPF cells: a redirect that starts like a formula, an
 * include holding the list separator, a finding list that must split. */
Test(csv, escapes_and_neutralizes_spf_cells)
{
  static const char rec[] = "v=spf1 include:a|b\\c redirect=-x,y";
  struct mp_result r;
  char *text;

  rows_ok(&r);
  r.spf_eval.nincludes = 1;
  r.spf_eval.includes[0] = rows_within(rec, "a|b\\c");
  r.spf_eval.redirect = rows_within(rec, "-x,y");
  text = write_rows(&r, 1);
  cr_assert_not_null(strstr(text, ",fail,a\\|b\\\\c,\"'-x,y\",false,"), "%s",
                     text);
  free(text);
}

/* The row from its dmarc_status cell on (after 54 cells, none of them
 * holding a comma in these rows). */
static const char *from_checks(const char *row)
{
  const char *p = row;

  for (int commas = 0; commas < 54; p++) {
    cr_assert_neq(*p, '\0', "%s", row);
    commas += *p == ',';
  }
  return p;
}

static void expect_check_cells(const struct mp_result *r, const char *want)
{
  char *text = write_rows(r, 1);

  cr_assert_eq(strncmp(text, HEADER, strlen(HEADER)), 0);
  cr_assert_str_eq(from_checks(text + strlen(HEADER)), want);
  free(text);
}

Test(csv, writes_every_check_of_a_full_row_exactly)
{
  struct mp_result r;

  rows_full(&r);
  expect_check_cells(
      &r,
      /* dmarc_status .. dmarc_org_tree_walk */
      "valid,organizational,tree_walk,brand.example,"
      "\"v=DMARC1; p=reject; sp=quarantine; pct=100; rf=afrf; adkim=s; fo=1; "
      "rua=mailto:dmarc@brand.example,mailto:agg@vendor.example,"
      "mailto:a@other.example; ruf=mailto:f@vendor.example; foo=bar\","
      "brand.example,brand.example,"
      /* dmarc_methods_disagree .. dmarc_effective_policy */
      "false,reject,quarantine,,100,s,r,,,quarantine,"
      /* dmarc_rua .. dmarc_error */
      "mailto:dmarc@brand.example|mailto:agg@vendor.example|"
      "mailto:a@other.example,"
      "mailto:f@vendor.example,"
      "vendor.example=authorized|other.example=not_authorized,"
      "foo,pct|rf,,"
      /* dkim_ */
      "found,24,google:rsa:2048|s1:rsa:1024:testing,1024,"
      /* mx_ */
      "false,false,0,"
      "\"10 mx1.brand.example 192.0.2.10>mx1.brand.example[fcrdns] "
      "2001:db8::10>mail.other.example[nofcrdns]|"
      "20 mx2.brand.example cname=mx.provider.example "
      "198.51.100.7>198-51-100-7.dsl.isp.example[fcrdns,generic] "
      "198.51.100.8>[noptr]\","
      /* mta_sts_, tls_rpt_, bimi_, verdict_ */
      "valid,20260101T000000,invalid,https//bad.example,none,,"
      "false,spf_or_dkim|mx_fcrdns,,,,\r\n");
}

Test(csv, writes_a_parked_domain_with_a_null_mx_exactly)
{
  struct mp_result r;

  rows_parked(&r);
  expect_check_cells(&r, "valid,self,direct,parked.example,"
                         "v=DMARC1; p=reject; np=reject; adkim=s; aspf=s; t=n,"
                         "parked.example,parked.example,"
                         "false,reject,,reject,,s,s,,n,reject,"
                         ",,,,,," /* no rua, ruf, tags, error */
                         "no_domainkey,0,,,"
                         "true,false,0,,"
                         "none,,none,,none,,"
                         "true,,,,,\r\n");
}

/* An unknown verdict leaves verdict_ready empty; verdict_unknown says
 * which requirements are not known. */
Test(csv, writes_an_unknown_verdict)
{
  struct mp_result r;
  char *text;

  rows_parked(&r);
  r.verdict.ready = MP_TRI_UNKNOWN;
  r.verdict.nunknown = 2;
  r.verdict.unknown[0] = MP_REQUIREMENT_SPF_OR_DKIM;
  r.verdict.unknown[1] = MP_REQUIREMENT_MX_FCRDNS;
  text = write_rows(&r, 1);
  cr_expect(strstr(text, ",none,,none,,none,,,,spf_or_dkim|mx_fcrdns,,,\r\n"),
            "%s", text);
  free(text);
}

Test(csv, leaves_the_cells_of_checks_that_did_not_run_empty)
{
  static const char cells[] = NO_CHECKS "\r\n";
  const char *want = cells + 1; /* from_checks() ate the first comma */
  struct mp_result r;

  rows_checks_off(&r);
  expect_check_cells(&r, want);
  rows_full(&r);
  r.dmarc_eval.evaluated = false;
  r.dkim.evaluated = false;
  r.mx_check.evaluated = false;
  r.mta_sts.evaluated = r.tls_rpt.evaluated = r.bimi.evaluated = false;
  r.verdict.evaluated = false;
  expect_check_cells(&r, want);
}

Test(csv, writes_dkim_keys_with_their_flags)
{
  struct mp_result r;
  char *text;

  rows_full(&r);
  r.dkim.nfound = 5;
  r.dkim.found[2] = r.dkim.found[0];
  r.dkim.found[2].selector = "old";
  r.dkim.found[2].revoked = true; /* p= empty */
  r.dkim.found[2].bits = 0;
  r.dkim.found[3] = r.dkim.found[0];
  r.dkim.found[3].selector = "ed";
  r.dkim.found[3].key_type = "ed25519";
  r.dkim.found[3].bits = 0;
  r.dkim.found[4] = r.dkim.found[1];
  r.dkim.found[4].selector = "bad";
  r.dkim.found[4].key_type = NULL;
  r.dkim.found[4].bits = 0;
  r.dkim.found[4].error = MP_DKIM_ERROR_BAD_DER;
  text = write_rows(&r, 1);
  cr_assert_not_null(strstr(text, ",found,24,google:rsa:2048|"
                                  "s1:rsa:1024:testing|old:rsa:0:revoked|"
                                  "ed:ed25519:0|bad::0:testing:error=bad_der,"
                                  "1024,"),
                     "%s", text);
  free(text);
}

/* dkim_failed: the probes that failed, as selector=outcome. */
Test(csv, writes_the_failed_dkim_probes)
{
  struct mp_result r;
  char *text;

  rows_full(&r);
  r.dkim.nfailed = 2;
  r.dkim.failed[0].selector = "selector1";
  r.dkim.failed[0].outcome = MP_OUTCOME_TIMEOUT;
  r.dkim.failed[1].selector = "k1";
  r.dkim.failed[1].outcome = MP_OUTCOME_SERVFAIL;
  text = write_rows(&r, 1);
  cr_expect(strstr(text, ",spf_or_dkim|mx_fcrdns,,selector1=timeout|"
                         "k1=servfail,,\r\n"),
            "%s", text);
  free(text);
}

/* --spf-ip: the sending addresses' reverse DNS, after dkim_failed. */
Test(csv, writes_the_reverse_dns_of_spf_ip_addresses)
{
  struct mp_result r;
  char *text;

  rows_full(&r);
  r.mx_check.nsenders = 2;
  r.mx_check.senders[0] =
      rows_addr("192.0.2.7", "out.brand.example", "ok", true, false);
  r.mx_check.senders[1] =
      rows_addr("192.0.2.8", NULL, "nxdomain", false, false);
  r.mx_check.senders_fcrdns = MP_TRI_FALSE;
  r.verdict.failed[1] = MP_REQUIREMENT_SENDER_FCRDNS;
  text = write_rows(&r, 1);
  cr_expect(strstr(text, ",spf_or_dkim|sender_fcrdns,,,false,"
                         "192.0.2.7>out.brand.example[fcrdns]|"
                         "192.0.2.8>[noptr]\r\n"),
            "%s", text);
  free(text);
}

Test(csv, writes_each_mx_host_state)
{
  struct mp_result r;
  struct mp_result_mx_host *h;
  char *text;

  rows_full(&r);
  r.mx_check.nhosts = 4;
  r.mx_check.unresolved = 1;
  h = r.mx_check.hosts;
  h[0].naddrs = 1;
  h[0].addrs[0].ptr = NULL; /* the PTR lookup failed */
  h[0].addrs[0].ptr_outcome = MP_OUTCOME_TIMEOUT;
  h[0].addrs[0].fcrdns = MP_TRI_UNKNOWN;
  h[1].naddrs = 1;
  h[1].cname = NULL;
  h[1].addrs[1].ptr_outcome = MP_OUTCOME_OK;
  h[1].addrs[0] = h[1].addrs[1]; /* no PTR, no outcome kept */
  h[2].preference = 30;
  h[2].host = "gone.brand.example";
  h[3].preference = 40;
  h[3].host = "192.0.2.99";
  h[3].ip_literal = true;
  h[3].resolves = true;
  h[3].naddrs = 1;
  h[3].addrs[0] =
      rows_addr("192.0.2.99", "mx.brand.example", "ok", true, false);
  h[4].host = ""; /* a null MX record among others: not examined */
  r.mx_check.nhosts = 5;
  text = write_rows(&r, 1);
  cr_assert_not_null(
      strstr(text, ",false,false,1," /* quoted: it ends in a space */
                   "\"10 mx1.brand.example 192.0.2.10>[timeout]|"
                   "20 mx2.brand.example 198.51.100.8>[noptr]|"
                   "30 gone.brand.example unresolved|"
                   "40 192.0.2.99 literal 192.0.2.99>mx.brand.example[fcrdns]|"
                   "0 \",valid,"),
      "%s", text);
  free(text);
}

/* The longest name text (scanner/dns/dnsname.h): 255 octets on the wire, each
 * written \DDD, 1003 characters. */
static void longest_name(char *out, char label)
{
  size_t o = 0;

  for (int l = 0; l < 4; l++) {
    for (int i = 0; i < (l == 3 ? 61 : 63); i++) {
      out[o++] = '\\';
      out[o++] = '2';
      out[o++] = '5';
      out[o++] = label;
    }
    out[o++] = '.';
  }
  out[o - 1] = '\0';
}

static void double_backslashes(char *s)
{
  size_t n = strlen(s), extra = 0;

  for (size_t i = 0; i < n; i++) {
    extra += s[i] == '\\';
  }
  s[n + extra] = '\0';
  for (size_t i = n; i-- > 0;) {
    s[i + extra] = s[i];
    if (s[i] == '\\') {
      s[i + --extra] = '\\';
    }
  }
}

/* Names from DNS are whole in mx_hosts_detail, however many octets need
 * escaping. */
Test(csv, writes_the_longest_escaped_names_whole)
{
  static char host[MP_NAME_TEXT_MAX + 1], cname[MP_NAME_TEXT_MAX + 1],
      ptr[MP_NAME_TEXT_MAX + 1], want[8 * MP_NAME_TEXT_MAX];
  struct mp_result r;
  char *text;

  longest_name(host, '0');
  longest_name(cname, '1');
  longest_name(ptr, '2');
  cr_assert_eq(strlen(host), 1003);
  rows_full(&r);
  r.mx_check.nhosts = 1;
  r.mx_check.hosts[0].host = host;
  r.mx_check.hosts[0].cname = cname;
  r.mx_check.hosts[0].naddrs = 1;
  r.mx_check.hosts[0].addrs[0].ptr = ptr;
  snprintf(want, sizeof(want), ",10 %s cname=%s 192.0.2.10>%s[fcrdns],", host,
           cname, ptr);
  double_backslashes(want); /* a list item writes \ as \\ */
  text = write_rows(&r, 1);
  cr_assert_not_null(strstr(text, want), "%s", text);
  free(text);
}

/* A failed lookup is shown as its outcome: the host's A/AAAA lookups
 * (" a=", " aaaa="), a forward lookup of a PTR name ("forward="); the
 * domain's all_fcrdns is then unknown (an empty cell). */
Test(csv, writes_failed_lookups_of_mx_hosts)
{
  struct mp_result r;
  struct mp_result_mx_host *h;
  char *text;

  rows_full(&r);
  h = r.mx_check.hosts;
  h[0].naddrs = 1;
  h[0].a_outcome = MP_OUTCOME_OK;
  h[0].aaaa_outcome = MP_OUTCOME_TIMEOUT;
  h[0].addrs[0].ptr = "out.broken.example";
  h[0].addrs[0].fcrdns = MP_TRI_UNKNOWN;
  h[0].addrs[0].forward_outcome = MP_OUTCOME_SERVFAIL;
  h[1].cname = NULL;
  h[1].resolves = MP_TRI_UNKNOWN;
  h[1].a_outcome = h[1].aaaa_outcome = MP_OUTCOME_SERVFAIL;
  h[1].naddrs = 0;
  r.mx_check.all_fcrdns = MP_TRI_UNKNOWN;
  text = write_rows(&r, 1);
  cr_assert_not_null(strstr(text,
                            ",false,,0,"
                            "10 mx1.brand.example aaaa=timeout "
                            "192.0.2.10>out.broken.example[forward=servfail]|"
                            "20 mx2.brand.example a=servfail aaaa=servfail,"),
                     "%s", text);
  free(text);
}

Test(csv, lists_each_external_report_domain_once)
{
  struct mp_result r;
  char *text;

  rows_full(&r);
  r.dmarc_eval.nruf = 2;
  r.dmarc_eval.ruf[1] = r.dmarc_eval.rua[2];
  r.dmarc_eval.ruf[1].authorization =
      MP_DMARC_AUTH_LOOKUP_FAILED; /* not shown again */
  r.dmarc_eval.nrua = 1;           /* internal only */
  text = write_rows(&r, 1);
  cr_assert_not_null(strstr(text, ",mailto:dmarc@brand.example,"
                                  "mailto:f@vendor.example|"
                                  "mailto:a@other.example,"
                                  "vendor.example=authorized|"
                                  "other.example=lookup_failed,"),
                     "%s", text);
  free(text);
}

/* Record text in the check cells is neutralized and escaped like any. */
Test(csv, escapes_and_neutralizes_check_cells)
{
  static const char sts[] = "v=STSv1; id==1+1";
  static const char rpt[] = "v=TLSRPTv1; rua=-x,y";
  static const char dmarc[] = "v=DMARC1; p=none; a|b=1";
  struct mp_result r;
  char *text;

  rows_full(&r);
  rows_policy(&r.mta_sts, "valid", sts, "=1+1");
  rows_policy(&r.tls_rpt, "valid", rpt, "-x,y");
  r.dmarc_eval.record = rows_slice(dmarc, sizeof(dmarc) - 1);
  r.dmarc_eval.unknown[0] = rows_within(dmarc, "a|b");
  text = write_rows(&r, 1);
  cr_assert_not_null(strstr(text, ",valid,'=1+1,valid,\"'-x,y\",none,,"), "%s",
                     text);
  cr_assert_not_null(strstr(text, ",a\\|b,pct|rf,,"), "%s", text);
  free(text);
}

Test(csv, never_touches_numeric_cells)
{
  struct mp_result r;
  char *text;

  rows_ok(&r);
  r.elapsed_ms = -1.25; /* a clock step; a number cell, not a formula */
  text = write_rows(&r, 1);
  cr_assert_not_null(strstr(text, "," STARTED ",-1.250,"));
  free(text);
}

/* A hostile TXT record of len bytes (NUL-terminated, no NUL inside):
 * U+FFFD, escapes and doubled quotes make its cell longer still. */
static char *hostile_record(size_t len)
{
  char *s = malloc(len + 1);

  cr_assert_not_null(s);
  for (size_t i = 0; i < len; i++) {
    s[i] = "=a,\"|\n\x01\xff\\ "[i % 9];
  }
  s[len] = '\0';
  return s;
}

static void one_item(const void *ctx, size_t i, struct mp_csv_item *it)
{
  (void)i;
  it->data = ctx;
  it->len = strlen(ctx);
}

/* s as the one item of a list cell, written with room to spare. */
static char *list_cell(const char *s)
{
  char *buf = NULL, *row = malloc(8 * strlen(s) + 16);
  size_t n = 0;
  FILE *f = open_memstream(&buf, &n);
  struct mp_rowbuf o = {.f = f, .b = row, .cap = 8 * strlen(s) + 16};

  cr_assert_not_null(f);
  cr_assert_not_null(row);
  mp_csv_list(&o, 1, one_item, s);
  mp_rowbuf_drain(&o);
  cr_assert_eq(fclose(f), 0);
  free(row);
  return buf;
}

/* A row far bigger than the writer's buffer is the row around a short
 * record with the long record's cell in its place. */
Test(csv, writes_a_row_bigger_than_its_buffer_whole)
{
  size_t len = 40000, at, clen, tail;
  char *big = hostile_record(len), *small, *hole, *text, *cell, *want;
  struct mp_rr rr[1] = {RR_TXT(300, "PLACEHOLDER")};
  struct mp_result r;

  rows_ok(&r);
  r.txt.rr = rr;
  r.txt.count = 1;
  small = write_rows(&r, 1);
  hole = strstr(small, "PLACEHOLDER");
  cr_assert_not_null(hole);
  rr[0].data = big;
  rr[0].len = (uint32_t)len;
  text = write_rows(&r, 1);
  cell = list_cell(big);
  clen = strlen(cell);
  cr_assert_gt(clen, MP_ROWBUF_SIZE);
  cr_assert_eq(cell[0], '"');  /* quoted, */
  cr_assert_eq(cell[1], '\''); /* neutralized */
  at = (size_t)(hole - small);
  tail = strlen(hole + 11);
  want = malloc(at + clen + tail + 1);
  cr_assert_not_null(want);
  memcpy(want, small, at);
  memcpy(want + at, cell, clen);
  memcpy(want + at + clen, hole + 11, tail + 1);
  cr_assert_str_eq(text, want);
  free(want);
  free(cell);
  free(text);
  free(small);
  free(big);
}
