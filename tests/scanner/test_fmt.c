#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "scanner/base/fmt.h"

/* Each helper against what the snprintf format it replaces prints. */
static void expect_dec(uint64_t v, size_t width, const char *want)
{
  char got[32];

  got[mp_fmt_dec(got, v, width)] = '\0';
  cr_expect_str_eq(got, want, "%llu width %zu", (unsigned long long)v, width);
}

static void expect_hex(uint64_t v, size_t width, const char *want)
{
  char got[32];

  got[mp_fmt_hex(got, v, width)] = '\0';
  cr_expect_str_eq(got, want, "%llx width %zu", (unsigned long long)v, width);
}

Test(fmt, decimal_like_printf)
{
  expect_dec(0, 0, "0");
  expect_dec(0, 3, "000");
  expect_dec(7, 3, "007");
  expect_dec(10, 0, "10");
  expect_dec(255, 3, "255");
  expect_dec(1000, 3, "1000");
  expect_dec(4294967295u, 0, "4294967295");
  expect_dec(UINT64_MAX, 0, "18446744073709551615");
  expect_dec(UINT64_MAX, 3, "18446744073709551615");
}

Test(fmt, hex_like_printf)
{
  expect_hex(0, 0, "0");
  expect_hex(0, 2, "00");
  expect_hex(0xf, 2, "0f");
  expect_hex(0xab, 0, "ab");
  expect_hex(0x1, 8, "00000001");
  expect_hex(0xdeadbeef, 8, "deadbeef");
  expect_hex(0x20010db8, 4, "20010db8");
  expect_hex(UINT64_MAX, 0, "ffffffffffffffff");
}

Test(fmt, join3_cuts_like_snprintf)
{
  static const char *const want[] = {
      "",          "",           "a",           "ab",           "abc",
      "abcd",      "abcde",      "abcdef",      "abcdefg",      "abcdefgh",
      "abcdefghi", "abcdefghij", "abcdefghijk", "abcdefghijkl",
  };
  char out[16];

  cr_expect_eq(mp_fmt_join3(out, sizeof(out), "_dmarc.", "a.test", ""), 13);
  cr_expect_str_eq(out, "_dmarc.a.test");
  cr_expect_eq(mp_fmt_join3(out, sizeof(out), "s1", "._dk.", "x"), 8);
  cr_expect_str_eq(out, "s1._dk.x");
  for (size_t cap = 1; cap < sizeof(want) / sizeof(want[0]); cap++) {
    size_t n = mp_fmt_join3(out, cap, "abc", "defg", "hijkl");

    cr_expect_str_eq(out, want[cap], "cap %zu", cap);
    cr_expect_eq(n, strlen(want[cap]));
  }
}
