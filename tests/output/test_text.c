#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output/writer.h"
#include "tests/output/rows.h"

static char *write_row(const struct mp_result *r)
{
  char *buf = NULL;
  size_t size = 0;
  FILE *f = open_memstream(&buf, &size);
  struct mp_writer w;

  cr_assert_not_null(f);
  cr_assert_eq(mp_writer_init(&w, mp_writer_find("text"), f), 0);
  cr_assert_eq(mp_writer_write(&w, r), 0);
  cr_assert_eq(mp_writer_close(&w), 0);
  cr_assert_eq(fclose(f), 0);
  return buf;
}

static char *write_text(void (*fill)(struct mp_result *))
{
  struct mp_result r;

  fill(&r);
  return write_row(&r);
}

Test(text, shows_status_records_and_mx_on_one_line)
{
  char *out = write_text(rows_ok);

  cr_expect_neq(strstr(out, "    1 example.com  ok"), NULL, "%s", out);
  cr_expect_neq(strstr(out, "spf=1 \"v=spf1"), NULL, "%s", out);
  cr_expect_neq(strstr(out, "mx=ok 10 "), NULL, "%s", out);
  cr_expect_eq(strchr(out, '\n'), out + strlen(out) - 1);
  free(out);
}

Test(text, invalid_lines_show_the_reason)
{
  char *out = write_text(rows_invalid);

  cr_expect_neq(strstr(out, "invalid_name ("), NULL, "%s", out);
  free(out);
}

Test(text, hostile_bytes_cannot_reach_the_terminal)
{
  char *out = write_text(rows_hostile);

  for (const char *p = out; *p; p++) {
    cr_assert(*p == '\n' || (unsigned char)*p >= 0x20,
              "control byte 0x%02x in text output", (unsigned char)*p);
  }
  cr_expect_eq(strchr(out, '\n'), out + strlen(out) - 1);
  free(out);
}

Test(text, shows_the_spf_result_lookups_and_findings)
{
  char *out = write_text(rows_spf_syntax);

  cr_assert_str_eq(out, "    6 syntax.example  ok  txt=ok  spf=1 "
                        "\"v=spf1 include:broken.example -all\"  "
                        "dmarc_txt=ok  dmarc=1 \"v=DMARC1; p=reject\"  "
                        "mx=ok 10 mx1.example.com, 20 mx2.example.com  "
                        "spf=permerror(syntax) lookups=1  [SPF_SYNTAX]\n");
  free(out);
}

Test(text, shows_sender_checks_and_lists_every_finding_in_one_bracket)
{
  char *out = write_text(rows_spf_full);

  cr_assert_not_null(
      strstr(out, "  spf=valid lookups=3 include:_spf.example.net=pass "
                  "include:bulk.example.org=shadowed "
                  "include:other.example=unreached ip:192.0.2.7=pass "
                  "ip:2001:db8:ffff::1=softfail ip:198.51.100.1=temperror  "
                  "[SPF_INCLUDE_MISSING SPF_SENDER_NOT_PASS]\n"),
      "%s", out);
  free(out);
}

Test(text, shows_no_brackets_without_findings)
{
  char *out = write_text(rows_ok);

  cr_assert_str_eq(out, "    1 example.com  ok  txt=ok  spf=1 \"v=spf1 -all\"  "
                        "dmarc_txt=ok  dmarc=1 \"v=DMARC1; p=reject\"  "
                        "mx=ok 10 mx1.example.com, 20 mx2.example.com  "
                        "spf=valid lookups=0\n");
  free(out);
}

Test(text, shows_the_policy_dkim_fcrdns_and_verdict)
{
  char *out = write_text(rows_full);

  cr_assert_str_eq(out, "    8 news.brand.example  ok  txt=ok  spf=0  "
                        "dmarc_txt=nxdomain  dmarc=0  "
                        "mx=ok 10 mx1.brand.example, 20 mx2.brand.example  "
                        "spf=none(no_record) lookups=0  "
                        "dmarc=quarantine@organizational dkim=found(1024) "
                        "fcrdns=no verdict=not_ready(spf_or_dkim,mx_fcrdns)  "
                        "[SPF_MISSING]\n");
  free(out);
}

Test(text, shows_a_parked_domain)
{
  char *out = write_text(rows_parked);

  cr_assert_not_null(strstr(out, "  mx=ok 0 .  spf=valid lookups=0  "
                                 "dmarc=reject@self dkim=no_domainkey "
                                 "fcrdns=no verdict=ready\n"),
                     "%s", out);
  free(out);
}

Test(text, shows_a_ready_domain_and_a_missing_policy)
{
  struct mp_result r;
  char *out;

  rows_full(&r);
  r.dmarc_eval.found_at = MP_DMARC_FOUND_ABSENT;
  r.dmarc_eval.effective_policy = MP_DMARC_EFFECTIVE_MISSING;
  r.dkim.weakest_bits = 0;
  r.mx_check.all_fcrdns = true;
  r.verdict.ready = true;
  r.verdict.nfailed = 0;
  out = write_row(&r);
  cr_assert_not_null(strstr(out, "  dmarc=missing dkim=found fcrdns=yes "
                                 "verdict=ready  [SPF_MISSING]\n"),
                     "%s", out);
  free(out);
}

Test(text, shows_no_check_fields_when_the_checks_did_not_run)
{
  char *out = write_text(rows_checks_off);

  cr_assert_null(strstr(out, "verdict="), "%s", out);
  cr_assert_null(strstr(out, "dkim="), "%s", out);
  cr_assert_not_null(strstr(out, "spf=valid lookups=0\n"), "%s", out);
  free(out);
}
