#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output/writer.h"
#include "tests/output/rows.h"

static char *write_text(void (*fill)(struct mp_result *))
{
  char *buf = NULL;
  size_t size = 0;
  FILE *f = open_memstream(&buf, &size);
  struct mp_writer w;
  struct mp_result r;

  cr_assert_not_null(f);
  fill(&r);
  cr_assert_eq(mp_writer_init(&w, mp_writer_find("text"), f), 0);
  cr_assert_eq(mp_writer_write(&w, &r), 0);
  cr_assert_eq(mp_writer_close(&w), 0);
  cr_assert_eq(fclose(f), 0);
  return buf;
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

Test(text, lists_every_finding_in_one_bracket)
{
  char *out = write_text(rows_spf_full);

  cr_assert_not_null(strstr(out, "  spf=valid lookups=3  "
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
