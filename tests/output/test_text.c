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
