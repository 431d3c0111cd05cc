#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "input/jsonrow.h"

static int parse(struct mp_jrow *j, const char *s)
{
  return mp_jrow_parse(j, s, strlen(s));
}

Test(jsonrow, finds_members_and_skips_subtrees)
{
  struct mp_jrow j;
  size_t spf, all, inc;

  mp_jrow_init(&j);
  cr_assert_eq(parse(&j, "{\"a\":[1,{\"x\":2}],\"spf\":{\"includes\":[\"i1\","
                         "\"i2\"],\"all\":\"fail\"},\"n\":null}"),
               0);
  spf = mp_jrow_get(&j, 0, "spf");
  cr_assert_neq(spf, 0);
  all = mp_jrow_get(&j, spf, "all");
  cr_assert_eq(j.n[all].type, MP_J_STRING);
  cr_assert_eq(j.n[all].len, 4);
  cr_assert_eq(memcmp(j.n[all].s, "fail", 4), 0);
  inc = mp_jrow_get(&j, spf, "includes");
  cr_assert_eq(j.n[inc].count, 2);
  cr_assert_eq(memcmp(j.n[mp_jrow_at(&j, inc, 1)].s, "i2", 2), 0);
  cr_assert_eq(mp_jrow_get(&j, 0, "x"), 0, "x is inside a, not a member");
  cr_assert_eq(j.n[mp_jrow_get(&j, 0, "n")].type, MP_J_NULL);
  mp_jrow_close(&j);
}

Test(jsonrow, decodes_escapes_and_surrogate_pairs)
{
  struct mp_jrow j;

  mp_jrow_init(&j);
  cr_assert_eq(parse(&j, "\"a\\n\\u00e9\\ud83d\\ude00\\\"\""), 0);
  cr_assert_eq(j.n[0].len, 1 + 1 + 2 + 4 + 1);
  cr_assert_eq(memcmp(j.n[0].s, "a\n\xc3\xa9\xf0\x9f\x98\x80\"", 9), 0);
  mp_jrow_close(&j);
}

Test(jsonrow, reuses_its_buffers_across_rows)
{
  struct mp_jrow j;

  mp_jrow_init(&j);
  cr_assert_eq(parse(&j, "{\"long\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}"), 0);
  cr_assert_eq(parse(&j, "{\"k\":true}"), 0);
  cr_assert(j.n[mp_jrow_get(&j, 0, "k")].b);
  mp_jrow_close(&j);
}

struct bad {
  char in[48];
};

ParameterizedTestParameters(jsonrow, rejects_what_rfc_8259_does_not_allow)
{
  static struct bad p[] = {
      {"{\"a\":1} x"},
      {"{\"a\":01}"},
      {"{\"a\":1.}"},
      {"{\"a\":.5}"},
      {"{\"a\":+1}"},
      {"\"\\ud800\""},
      {"\"\\udc00\""},
      {"\"\\x\""},
      {"\"\t\""},
      {"\"\xc0\xaf\""},
      {"\"\xed\xa0\x80\""},
      {"{\"a\" 1}"},
      {"[1,]"},
      {"{,}"},
      {"tru"},
      {""},
      {"\"abc"},
      {"{\"a\":1,}"},
  };

  return cr_make_param_array(struct bad, p, sizeof(p) / sizeof(p[0]));
}

ParameterizedTest(struct bad *b, jsonrow, rejects_what_rfc_8259_does_not_allow)
{
  struct mp_jrow j;

  mp_jrow_init(&j);
  cr_expect_eq(parse(&j, b->in), -EILSEQ, "%s", b->in);
  mp_jrow_close(&j);
}

Test(jsonrow, limits_nesting)
{
  struct mp_jrow j;
  char deep[2 * MP_JROW_DEPTH_MAX + 3];

  mp_jrow_init(&j);
  memset(deep, '[', MP_JROW_DEPTH_MAX);
  memset(deep + MP_JROW_DEPTH_MAX, ']', MP_JROW_DEPTH_MAX);
  cr_assert_eq(mp_jrow_parse(&j, deep, 2 * MP_JROW_DEPTH_MAX), 0);
  memset(deep, '[', MP_JROW_DEPTH_MAX + 1);
  memset(deep + MP_JROW_DEPTH_MAX + 1, ']', MP_JROW_DEPTH_MAX + 1);
  cr_assert_eq(mp_jrow_parse(&j, deep, 2 * MP_JROW_DEPTH_MAX + 2), -EILSEQ);
  mp_jrow_close(&j);
}

/* Hostile summaries for mailposture report: a million brackets, a
 * megabyte of digits, bad UTF-8 deep inside: an error, no crash. */
Test(jsonrow, refuses_hostile_input_without_harm)
{
  static const char *const bad_utf8[] = {
      "{\"a\":[\"ok\",\"\xC0\xAF\"]}", "{\"\xFF\":1}",
      "{\"a\":\"\xED\xA0\x80\"}", "{\"a\":\"\xF4\x90\x80\x80\"}",
      "{\"a\":\"\xE2\x82\"}"};
  size_t n = 1000000;
  char *s = malloc(2 * n + 1);
  struct mp_jrow j;

  cr_assert_not_null(s);
  mp_jrow_init(&j);
  memset(s, '[', n);
  memset(s + n, ']', n);
  cr_assert_eq(mp_jrow_parse(&j, s, 2 * n), -EILSEQ);
  memset(s, '{', n);
  cr_assert_eq(mp_jrow_parse(&j, s, n), -EILSEQ);
  memset(s, '9', n);
  cr_assert_eq(mp_jrow_parse(&j, s, n), 0);
  cr_assert_eq(j.n[0].type, MP_J_NUMBER);
  for (size_t k = 0; k < sizeof(bad_utf8) / sizeof(bad_utf8[0]); k++) {
    cr_expect_eq(parse(&j, bad_utf8[k]), -EILSEQ, "case %zu", k);
  }
  mp_jrow_close(&j);
  free(s);
}

Test(jsonrow, reads_counts_and_refuses_other_numbers)
{
  static const char in[] =
      "[0,42,18446744073709551615,18446744073709551616,"
      "99999999999999999999999999999,-1,1.5,1e3,\"7\",null]";
  static const int want[] = {0,       0,       0,       -ERANGE, -ERANGE,
                             -EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL};
  struct mp_jrow j;
  uint64_t v = 1;

  mp_jrow_init(&j);
  cr_assert_eq(parse(&j, in), 0);
  for (size_t k = 0; k < sizeof(want) / sizeof(want[0]); k++) {
    cr_expect_eq(mp_jrow_u64(&j, mp_jrow_at(&j, 0, k), &v), want[k], "item %zu",
                 k);
  }
  cr_assert_eq(mp_jrow_u64(&j, mp_jrow_at(&j, 0, 2), &v), 0);
  cr_assert_eq(v, UINT64_MAX);
  cr_assert_eq(mp_jrow_u64(&j, mp_jrow_at(&j, 0, 1), &v), 0);
  cr_assert_eq(v, 42);
  cr_assert_eq(mp_jrow_u64(&j, 999, &v), -EINVAL);
  cr_assert_eq(v, 0);
  mp_jrow_close(&j);
}
