/* Reading rows back (output/rows.c, for --resume): each whole row's worst
 * finding, from rows the NDJSON and CSV writers wrote, so that --fail-on
 * reads the rows a resumed scan kept. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "output/rows.h"
#include "output/writer.h"
#include "tests/output/rows.h"

#define NROWS 5

static void count(uint64_t line, void *arg)
{
  (void)line;
  ++*(size_t *)arg;
}

/* Writes five rows in format to a file, a torn sixth after them, and reads
 * it back: rows by worst severity in got. */
static void scan(const char *format, uint64_t got[MP_SEV_COUNT])
{
  static struct mp_result rows[NROWS + 1];
  char path[] = "/tmp/mp_rows_XXXXXX";
  int fd = mkstemp(path);
  FILE *f = fdopen(fd, "w+");
  struct mp_writer w;
  struct mp_rows_end end;
  size_t n = 0;

  cr_assert_not_null(f);
  for (size_t i = 0; i <= NROWS; i++) {
    rows_ok(&rows[i]);
    rows[i].line = i + 1;
  }
  rows_hostile(&rows[0]); /* hostile text, no finding */
  rows[0].nfindings = 0;
  rows[1].nfindings = 2; /* warning and info: warning */
  rows[1].findings[0] = MP_FINDING_SPF_NO_ALL;
  rows[1].findings[1] = MP_FINDING_SPF_OVER_UDP;
  rows[2].nfindings = 3; /* info, error: error */
  rows[2].findings[0] = MP_FINDING_MX_NONE;
  rows[2].findings[1] = MP_FINDING_DKIM_REQUIRED_MISSING;
  rows[2].findings[2] = MP_FINDING_DMARC_NO_RUA;
  rows[3].nfindings = 1;
  rows[3].findings[0] = MP_FINDING_MX_NONE;
  rows[4].nfindings = 0;
  rows[5].nfindings = 1; /* torn: not counted */
  rows[5].findings[0] = MP_FINDING_SPF_PLUS_ALL;
  cr_assert_eq(mp_writer_init(&w, mp_writer_find(format), f), 0);
  for (size_t i = 0; i <= NROWS; i++) {
    cr_assert_eq(mp_writer_write(&w, &rows[i]), 0);
  }
  cr_assert_eq(mp_writer_close(&w), 0);
  fflush(f);
  cr_assert_eq(ftruncate(fd, ftello(f) - 5), 0);
  cr_assert_eq(mp_rows_scan(fd, format, MP_Z_NONE, count, &n, &end), 0);
  cr_expect_eq(n, NROWS);
  memcpy(got, end.worst, sizeof(end.worst));
  fclose(f);
  unlink(path);
}

Test(rows, ndjson_rows_by_their_worst_finding)
{
  uint64_t got[MP_SEV_COUNT];

  scan("ndjson", got);
  cr_expect_eq(got[MP_SEV_ERROR], 1);
  cr_expect_eq(got[MP_SEV_WARNING], 1);
  cr_expect_eq(got[MP_SEV_INFO], 1);
}

Test(rows, csv_rows_by_their_worst_finding)
{
  uint64_t got[MP_SEV_COUNT];

  scan("csv", got);
  cr_expect_eq(got[MP_SEV_ERROR], 1);
  cr_expect_eq(got[MP_SEV_WARNING], 1);
  cr_expect_eq(got[MP_SEV_INFO], 1);
}

/* "findings":[ inside a string is text, not the array. */
Test(rows, ndjson_findings_inside_a_string_are_text)
{
  static const char text[] =
      "{\"line\":1,\"x\":\"\\\"findings\\\":[\\\"SPF_PLUS_ALL\\\"]\\\\\","
      "\"findings\":[\"MX_NONE\"]}\n";
  char path[] = "/tmp/mp_rows_XXXXXX";
  int fd = mkstemp(path);
  struct mp_rows_end end;
  size_t n = 0;

  cr_assert_eq(write(fd, text, sizeof(text) - 1), (ssize_t)sizeof(text) - 1);
  cr_assert_eq(mp_rows_scan(fd, "ndjson", MP_Z_NONE, count, &n, &end), 0);
  cr_expect_eq(n, 1);
  cr_expect_eq(end.worst[MP_SEV_ERROR], 0);
  cr_expect_eq(end.worst[MP_SEV_INFO], 1);
  close(fd);
  unlink(path);
}
