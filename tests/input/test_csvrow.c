#include <criterion/criterion.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "input/csvrow.h"

static FILE *text(const char *s)
{
  return fmemopen((void *)(uintptr_t)s, strlen(s), "r");
}

static void expect_cell(const struct mp_csvrow *r, size_t i, const char *want)
{
  size_t len;
  const char *s = mp_csvrow_cell(r, i, &len);

  cr_assert_not_null(s);
  cr_expect_eq(len, strlen(want));
  cr_expect_eq(memcmp(s, want, len), 0, "cell %zu: %s, want %s", i, s, want);
}

Test(csvrow, reads_quoted_cells_with_newlines_and_quotes)
{
  struct mp_csvrow r;
  FILE *f = text("a,\"b,\r\nc\",\"say \"\"hi\"\"\",\r\nx\n");

  mp_csvrow_init(&r);
  cr_assert_eq(mp_csvrow_read(&r, f), 1);
  cr_assert_eq(r.n, 4);
  expect_cell(&r, 0, "a");
  expect_cell(&r, 1, "b,\r\nc");
  expect_cell(&r, 2, "say \"hi\"");
  expect_cell(&r, 3, "");
  cr_assert_eq(mp_csvrow_read(&r, f), 1);
  cr_assert_eq(r.n, 1);
  expect_cell(&r, 0, "x");
  cr_assert_eq(mp_csvrow_read(&r, f), 0);
  cr_assert_null(mp_csvrow_cell(&r, 5, &(size_t){0}));
  mp_csvrow_close(&r);
  fclose(f);
}

Test(csvrow, reads_a_last_record_without_newline)
{
  struct mp_csvrow r;
  FILE *f = text("a,\"b\"");

  mp_csvrow_init(&r);
  cr_assert_eq(mp_csvrow_read(&r, f), 1);
  expect_cell(&r, 1, "b");
  cr_assert_eq(mp_csvrow_read(&r, f), 0);
  mp_csvrow_close(&r);
  fclose(f);
}

Test(csvrow, rejects_stray_and_unclosed_quotes)
{
  const char *bad[] = {"a\"b,c\n", "\"ab\"c,d\n", "\"open\n"};

  for (size_t i = 0; i < 3; i++) {
    struct mp_csvrow r;
    FILE *f = text(bad[i]);

    mp_csvrow_init(&r);
    cr_expect_eq(mp_csvrow_read(&r, f), -EILSEQ, "%s", bad[i]);
    mp_csvrow_close(&r);
    fclose(f);
  }
}
