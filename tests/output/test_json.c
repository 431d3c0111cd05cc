#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "output/json.h"
#include "tests/support/json.h"

#define FFFD "\xef\xbf\xbd"

/* mp_json_string() of s[0..len) into a malloc'd, NUL-terminated buffer. */
static char *quote(const char *s, size_t len, size_t *out_len)
{
  char *buf = NULL;
  size_t n = 0;
  FILE *f = open_memstream(&buf, &n);

  cr_assert_not_null(f);
  mp_json_string(f, s, len);
  cr_assert_eq(fclose(f), 0);
  if (out_len) {
    *out_len = n;
  }
  return buf;
}

/* Parses the JSON text and returns the decoded string (asserting that it
 * is one). */
static struct mp_json *decode(const char *text, size_t len)
{
  char err[128] = "";
  struct mp_json *v = mp_json_parse(text, len, err, sizeof(err));

  cr_assert_not_null(v, "does not parse: %s", err);
  cr_assert_eq(v->type, MP_JSON_STRING);
  return v;
}

struct esc_case {
  char in[16];
  size_t in_len;
  char out[64];
};

#define C(i, o)                                                                \
  {                                                                            \
    i, sizeof(i) - 1, o                                                        \
  }

ParameterizedTestParameters(json, escapes)
{
  static struct esc_case cases[] = {
      C("", "\"\""),
      C("abc", "\"abc\""),
      C("\"", "\"\\\"\""),
      C("\\", "\"\\\\\""),
      C("/", "\"/\""),
      C("a\"b\\c", "\"a\\\"b\\\\c\""),
      C("\b\f\n\r\t", "\"\\b\\f\\n\\r\\t\""),
      C("\0", "\"\\u0000\""),
      C("a\0b", "\"a\\u0000b\""),
      C("\x1b[31m", "\"\\u001b[31m\""),
      C("\x1f", "\"\\u001f\""),
      C("\x7f", "\"\\u007f\""),
      C("\x7e", "\"~\""),
      /* well-formed UTF-8 is copied: 2, 3 and 4 bytes, edges */
      C("caf\xc3\xa9", "\"caf\xc3\xa9\""),
      C("\xc2\x80", "\"\xc2\x80\""),
      C("\xdf\xbf", "\"\xdf\xbf\""),
      C("\xe0\xa0\x80", "\"\xe0\xa0\x80\""),
      C("\xe2\x82\xac", "\"\xe2\x82\xac\""),
      C("\xed\x9f\xbf", "\"\xed\x9f\xbf\""),
      C("\xee\x80\x80", "\"\xee\x80\x80\""),
      C("\xef\xbf\xbf", "\"\xef\xbf\xbf\""),
      C("\xf0\x90\x80\x80", "\"\xf0\x90\x80\x80\""),
      C("\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\""),
      C("\xf4\x8f\xbf\xbf", "\"\xf4\x8f\xbf\xbf\""),
      /* JavaScript line terminators */
      C("\xe2\x80\xa8", "\"\\u2028\""),
      C("a\xe2\x80\xa9z", "\"a\\u2029z\""),
      C("\xe2\x80\xa7\xe2\x80\xaa", "\"\xe2\x80\xa7\xe2\x80\xaa\""),
      /* overlongs: every byte becomes U+FFFD */
      C("\xc0\x80", "\"" FFFD FFFD "\""),
      C("\xc1\xbf", "\"" FFFD FFFD "\""),
      C("\xe0\x80\x80", "\"" FFFD FFFD FFFD "\""),
      C("\xe0\x9f\xbf", "\"" FFFD FFFD FFFD "\""),
      C("\xf0\x80\x80\x80", "\"" FFFD FFFD FFFD FFFD "\""),
      C("\xf0\x8f\xbf\xbf", "\"" FFFD FFFD FFFD FFFD "\""),
      /* surrogates, alone and as a CESU-8 pair */
      C("\xed\xa0\x80", "\"" FFFD FFFD FFFD "\""),
      C("\xed\xbf\xbf", "\"" FFFD FFFD FFFD "\""),
      C("\xed\xa0\xbd\xed\xb8\x80", "\"" FFFD FFFD FFFD FFFD FFFD FFFD "\""),
      /* above U+10FFFF, and bytes that never occur */
      C("\xf4\x90\x80\x80", "\"" FFFD FFFD FFFD FFFD "\""),
      C("\xf5\x80\x80\x80", "\"" FFFD FFFD FFFD FFFD "\""),
      C("\xff", "\"" FFFD "\""),
      C("\xfe\xff", "\"" FFFD FFFD "\""),
      C("\x80", "\"" FFFD "\""),
      C("a\xbf"
        "b",
        "\"a" FFFD "b\""),
      /* truncated sequences, at the end and before ASCII */
      C("\xc3", "\"" FFFD "\""),
      C("\xe2\x82", "\"" FFFD FFFD "\""),
      C("\xf0\x9f\x98", "\"" FFFD FFFD FFFD "\""),
      C("\xe2\x82"
        "a",
        "\"" FFFD FFFD "a\""),
      C("\xf0\x9f\x98\"", "\"" FFFD FFFD FFFD "\\\"\""),
      C("\xc3\xc3\xa9", "\"" FFFD "\xc3\xa9\""),
  };

  return cr_make_param_array(struct esc_case, cases,
                             sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct esc_case *c, json, escapes)
{
  size_t n;
  char *out = quote(c->in, c->in_len, &n);

  cr_assert_eq(n, strlen(c->out));
  cr_assert_arr_eq(out, c->out, n, "got %s want %s", out, c->out);
  mp_json_free(decode(out, n));
  free(out);
}

Test(json, every_control_byte_is_escaped)
{
  for (unsigned c = 0; c < 0x80; c++) {
    char in = (char)c, want[16];
    size_t n;
    char *out;

    if (c >= 0x20 && c != 0x7f && c != '"' && c != '\\') {
      continue;
    }
    switch (c) {
    case '\b':
      snprintf(want, sizeof(want), "\"\\b\"");
      break;
    case '\f':
      snprintf(want, sizeof(want), "\"\\f\"");
      break;
    case '\n':
      snprintf(want, sizeof(want), "\"\\n\"");
      break;
    case '\r':
      snprintf(want, sizeof(want), "\"\\r\"");
      break;
    case '\t':
      snprintf(want, sizeof(want), "\"\\t\"");
      break;
    case '"':
    case '\\':
      snprintf(want, sizeof(want), "\"\\%c\"", c);
      break;
    default:
      snprintf(want, sizeof(want), "\"\\u%04x\"", c);
    }
    out = quote(&in, 1, &n);
    cr_expect_str_eq(out, want, "byte 0x%02x", c);
    free(out);
  }
}

Test(json, every_single_byte_parses_and_decodes)
{
  for (unsigned c = 0; c < 256; c++) {
    char in = (char)c;
    size_t n;
    char *out = quote(&in, 1, &n);
    struct mp_json *v = decode(out, n);

    if (c < 0x80) {
      cr_expect(v->len == 1 && (uint8_t)v->str[0] == c, "byte 0x%02x", c);
    } else {
      cr_expect(v->len == 3 && memcmp(v->str, FFFD, 3) == 0, "byte 0x%02x", c);
    }
    mp_json_free(v);
    free(out);
  }
}

static size_t put_utf8(char *p, uint32_t cp)
{
  if (cp < 0x80) {
    p[0] = (char)cp;
    return 1;
  }
  if (cp < 0x800) {
    p[0] = (char)(0xc0 | cp >> 6);
    p[1] = (char)(0x80 | (cp & 0x3f));
    return 2;
  }
  if (cp < 0x10000) {
    p[0] = (char)(0xe0 | cp >> 12);
    p[1] = (char)(0x80 | (cp >> 6 & 0x3f));
    p[2] = (char)(0x80 | (cp & 0x3f));
    return 3;
  }
  p[0] = (char)(0xf0 | cp >> 18);
  p[1] = (char)(0x80 | (cp >> 12 & 0x3f));
  p[2] = (char)(0x80 | (cp >> 6 & 0x3f));
  p[3] = (char)(0x80 | (cp & 0x3f));
  return 4;
}

Test(json, every_code_point_round_trips)
{
  char *in = malloc(0x110000 * 4), *out;
  size_t len = 0, n;
  struct mp_json *v;

  cr_assert_not_null(in);
  for (uint32_t cp = 0; cp <= 0x10ffff; cp++) {
    if (cp < 0xd800 || cp > 0xdfff) {
      len += put_utf8(in + len, cp);
    }
  }
  out = quote(in, len, &n);
  v = decode(out, n); /* valid input: nothing replaced, all comes back */
  cr_assert_eq(v->len, len);
  cr_assert_arr_eq(v->str, in, len);
  mp_json_free(v);
  free(out);
  free(in);
}

Test(json, cstr_writes_null_for_null)
{
  char *buf = NULL;
  size_t n = 0;
  FILE *f = open_memstream(&buf, &n);

  mp_json_cstr(f, NULL);
  fputc(' ', f);
  mp_json_cstr(f, "a\"b");
  fclose(f);
  cr_assert_str_eq(buf, "null \"a\\\"b\"");
  free(buf);
}

struct num_case {
  double v;
  char out[32];
};

ParameterizedTestParameters(json, numbers)
{
  static struct num_case cases[] = {
      {0.0, "0.000"},
      {-0.0, "0.000"},
      {1.0, "1.000"},
      {12.3456, "12.346"},
      {12.3454, "12.345"},
      {0.0004, "0.000"},
      {-0.0004, "0.000"},
      {0.0006, "0.001"},
      {-1.5, "-1.500"},
      {-12.3456, "-12.346"},
      {999.9996, "1000.000"},
      {5000.25, "5000.250"},
      {123456789.125, "123456789.125"},
      {1e15, "1000000000000000.000"},
      {-1e20, "-100000000000000000000.000"},
  };

  return cr_make_param_array(struct num_case, cases,
                             sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct num_case *c, json, numbers)
{
  char buf[MP_JSON_FMT_MAX];
  size_t n = mp_json_format_number(buf, c->v);

  cr_assert_str_eq(buf, c->out);
  cr_assert_eq(n, strlen(c->out));
}

Test(json, non_finite_numbers_are_null)
{
  char buf[MP_JSON_FMT_MAX], *out = NULL;
  size_t n = 0;
  FILE *f = open_memstream(&out, &n);

  cr_assert_eq(mp_json_format_number(buf, NAN), 0);
  cr_assert_eq(mp_json_format_number(buf, INFINITY), 0);
  cr_assert_eq(mp_json_format_number(buf, -INFINITY), 0);
  mp_json_number(f, NAN);
  fputc(',', f);
  mp_json_number(f, 2.0);
  fclose(f);
  cr_assert_str_eq(out, "null,2.000");
  free(out);
}

Test(json, the_largest_double_fits_the_buffer)
{
  char buf[MP_JSON_FMT_MAX];
  size_t n = mp_json_format_number(buf, -DBL_MAX);

  cr_assert_eq(n, 314);
  cr_assert_str_eq(buf + n - 4, ".000");
}

Test(json, integers_cover_the_whole_range)
{
  char buf[MP_JSON_FMT_MAX];

  mp_json_format_int(buf, INT64_MIN);
  cr_assert_str_eq(buf, "-9223372036854775808");
  mp_json_format_int(buf, INT64_MAX);
  cr_assert_str_eq(buf, "9223372036854775807");
  mp_json_format_int(buf, -1);
  cr_assert_str_eq(buf, "-1");
  mp_json_format_int(buf, 0);
  cr_assert_str_eq(buf, "0");
  cr_assert_eq(mp_json_format_uint(buf, UINT64_MAX), 20);
  cr_assert_str_eq(buf, "18446744073709551615");
}

struct time_case {
  int64_t us;
  char out[32];
};

ParameterizedTestParameters(json, times)
{
  static struct time_case cases[] = {
      {0, "1970-01-01T00:00:00.000Z"},
      {1795359845123456, "2026-11-22T15:04:05.123Z"},
      {1709251199999999, "2024-02-29T23:59:59.999Z"},
      {951782400000000, "2000-02-29T00:00:00.000Z"},
      {-1, "1969-12-31T23:59:59.999Z"},
      {-1000, "1969-12-31T23:59:59.999Z"},
      {-1001, "1969-12-31T23:59:59.998Z"},
      {INT64_MAX, "9999-12-31T23:59:59.999Z"},
      {INT64_MIN, "0000-01-01T00:00:00.000Z"},
  };

  return cr_make_param_array(struct time_case, cases,
                             sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct time_case *c, json, times)
{
  char buf[MP_JSON_FMT_MAX];

  cr_assert_eq(mp_json_format_time(buf, c->us), 24);
  cr_assert_str_eq(buf, c->out);
}

Test(json, times_agree_with_gmtime)
{
  /* 1900..2200 in steps of a prime number of seconds plus odd micros. */
  for (int64_t s = -2208988800; s < 7258118400; s += 86400 * 7 + 3607) {
    time_t t = (time_t)s;
    struct tm tm;
    char want[96], got[MP_JSON_FMT_MAX];
    int64_t us = s * 1000000 + 456789;

    cr_assert_not_null(gmtime_r(&t, &tm));
    snprintf(want, sizeof(want), "%04d-%02d-%02dT%02d:%02d:%02d.456Z",
             tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
             tm.tm_min, tm.tm_sec);
    mp_json_format_time(got, us);
    cr_assert_str_eq(got, want);
  }
}

Test(json, time_is_quoted)
{
  char *out = NULL;
  size_t n = 0;
  FILE *f = open_memstream(&out, &n);

  mp_json_time(f, 0);
  fclose(f);
  cr_assert_str_eq(out, "\"1970-01-01T00:00:00.000Z\"");
  free(out);
}

Test(json, utf8_len_follows_table_3_7)
{
  cr_assert_eq(mp_json_utf8_len((const uint8_t *)"a", 1), 1);
  cr_assert_eq(mp_json_utf8_len((const uint8_t *)"", 0), 0);
  cr_assert_eq(mp_json_utf8_len((const uint8_t *)"\xc3\xa9", 2), 2);
  cr_assert_eq(mp_json_utf8_len((const uint8_t *)"\xc3\xa9", 1), 0);
  cr_assert_eq(mp_json_utf8_len((const uint8_t *)"\xe2\x82\xac", 3), 3);
  cr_assert_eq(mp_json_utf8_len((const uint8_t *)"\xed\xa0\x80", 3), 0);
  cr_assert_eq(mp_json_utf8_len((const uint8_t *)"\xf4\x8f\xbf\xbf", 4), 4);
  cr_assert_eq(mp_json_utf8_len((const uint8_t *)"\xf4\x90\x80\x80", 4), 0);
  cr_assert_eq(mp_json_utf8_len((const uint8_t *)"\xe2\x28\xa1", 3), 0);
}

/* The strict parser of tests/support, which the other tests trust. */

static struct mp_json *parse(const char *s)
{
  return mp_json_parse(s, strlen(s), NULL, 0);
}

struct bad_case {
  char text[48];
};

ParameterizedTestParameters(support_json, rejects)
{
  static struct bad_case cases[] = {
      {""},
      {"  "},
      {"01"},
      {"1."},
      {".5"},
      {"+1"},
      {"-"},
      {"1e"},
      {"1e+"},
      {"NaN"},
      {"Infinity"},
      {"tru"},
      {"nul"},
      {"[1,]"},
      {"[,1]"},
      {"[1 2]"},
      {"{\"a\":1,}"},
      {"{\"a\" 1}"},
      {"{a:1}"},
      {"{\"a\":1,\"a\":2}"},
      {"'a'"},
      {"\"abc"},
      {"\"\\x41\""},
      {"\"\\u12\""},
      {"\"\\ud800\""},
      {"\"\\udc00\""},
      {"\"\\ud800\\u0041\""},
      {"\"\x01\""},
      {"\"\t\""},
      {"\"\xc0\x80\""},
      {"\"\xed\xa0\x80\""},
      {"\"\xff\""},
      {"\"\xe2\x82\""},
      {"[1] x"},
      {"1 2"},
      {"\xef\xbb\xbf{}"},
  };

  return cr_make_param_array(struct bad_case, cases,
                             sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct bad_case *c, support_json, rejects)
{
  char err[128] = "";
  struct mp_json *v = mp_json_parse(c->text, strlen(c->text), err, sizeof(err));

  cr_assert_null(v, "accepted %s", c->text);
  cr_assert_neq(err[0], '\0');
}

Test(support_json, keeps_key_order_and_types)
{
  struct mp_json *v = parse(" {\"b\":1, \"a\":[true,false,null,-0.5e1],"
                            "\"c\":{\"d\":\"x\"}, \"e\":-12} ");

  cr_assert_not_null(v);
  cr_assert_eq(v->count, 4);
  cr_assert_str_eq(v->keys[0]->str, "b");
  cr_assert_str_eq(v->keys[1]->str, "a");
  cr_assert_str_eq(v->keys[2]->str, "c");
  cr_assert_str_eq(v->keys[3]->str, "e");
  cr_assert(mp_json_get(v, "b")->is_int);
  cr_assert_eq(mp_json_get(v, "e")->integer, -12);
  cr_assert_eq(mp_json_path(v, "a[0]")->type, MP_JSON_BOOL);
  cr_assert(mp_json_path(v, "a[0]")->boolean);
  cr_assert(!mp_json_path(v, "a[1]")->boolean);
  cr_assert(mp_json_is_null(mp_json_path(v, "a[2]")));
  cr_assert(!mp_json_path(v, "a[3]")->is_int);
  cr_assert_float_eq(mp_json_path(v, "a[3]")->number, -5.0, 1e-12);
  cr_assert_null(mp_json_path(v, "a[4]"));
  cr_assert(mp_json_str_eq(mp_json_path(v, "c.d"), "x"));
  cr_assert_null(mp_json_path(v, "c.x"));
  cr_assert_null(mp_json_path(v, "c..d"));
  cr_assert_null(mp_json_path(v, "c."));
  cr_assert_null(mp_json_path(v, "a[x]"));
  cr_assert_null(mp_json_path(v, "b.c"));
  mp_json_free(v);
}

Test(support_json, decodes_escapes)
{
  struct mp_json *v = parse("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u0000\\u00e9"
                            "\\u20AC\\ud83d\\ude00\xc3\xa9\x7f\"");
  const char want[] = "\"\\/\b\f\n\r\t\0\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"
                      "\xc3\xa9\x7f";

  cr_assert_not_null(v);
  cr_assert_eq(v->len, sizeof(want) - 1);
  cr_assert_arr_eq(v->str, want, sizeof(want) - 1);
  mp_json_free(v);
}

Test(support_json, limits_depth)
{
  char deep[2 * (MP_JSON_DEPTH_MAX + 1) + 1];
  struct mp_json *v;

  for (int i = 0; i <= MP_JSON_DEPTH_MAX; i++) {
    deep[i] = '[';
    deep[2 * (MP_JSON_DEPTH_MAX + 1) - 1 - i] = ']';
  }
  deep[2 * (MP_JSON_DEPTH_MAX + 1)] = '\0';
  cr_assert_null(parse(deep));     /* MP_JSON_DEPTH_MAX + 1 levels */
  cr_assert_null(parse(deep + 1)); /* unbalanced: one ']' too many */
  deep[2 * (MP_JSON_DEPTH_MAX + 1) - 1] = '\0';
  v = parse(deep + 1); /* exactly MP_JSON_DEPTH_MAX levels */
  cr_assert_not_null(v);
  mp_json_free(v);
}

Test(support_json, numbers_follow_the_grammar)
{
  struct mp_json *v = parse("[0,-0,12,1.5,1e3,2E-2,9223372036854775807,"
                            "9223372036854775808]");

  cr_assert_not_null(v);
  cr_assert(mp_json_at(v, 0)->is_int);
  cr_assert(mp_json_at(v, 1)->is_int);
  cr_assert_eq(mp_json_at(v, 2)->integer, 12);
  cr_assert(!mp_json_at(v, 3)->is_int);
  cr_assert(!mp_json_at(v, 4)->is_int);
  cr_assert_float_eq(mp_json_at(v, 4)->number, 1000.0, 1e-9);
  cr_assert_float_eq(mp_json_at(v, 5)->number, 0.02, 1e-12);
  cr_assert_eq(mp_json_at(v, 6)->integer, INT64_MAX);
  cr_assert(!mp_json_at(v, 7)->is_int); /* out of int64 range */
  cr_assert(mp_json_at(v, 7)->integral);
  cr_assert(!mp_json_at(v, 4)->integral);
  mp_json_free(v);
}

Test(support_json, parses_ndjson)
{
  const char text[] = "{\"line\":1}\n[2]\n\"three\"\n";
  char err[128] = "";
  struct mp_json *v =
      mp_json_parse_ndjson(text, sizeof(text) - 1, err, sizeof(err));

  cr_assert_not_null(v, "%s", err);
  cr_assert_eq(v->count, 3);
  cr_assert_eq(mp_json_path(v, "[0].line")->integer, 1);
  cr_assert_eq(mp_json_path(v, "[1][0]")->integer, 2);
  cr_assert(mp_json_str_eq(mp_json_at(v, 2), "three"));
  mp_json_free(v);

  v = mp_json_parse_ndjson("", 0, err, sizeof(err));
  cr_assert_not_null(v);
  cr_assert_eq(v->count, 0);
  mp_json_free(v);

  cr_assert_null(mp_json_parse_ndjson("1\n2", 3, err, sizeof(err)));
  cr_assert_str_eq(err, "line 2: offset 1: no newline at the end");
  cr_assert_null(mp_json_parse_ndjson("1\n\n2\n", 5, err, sizeof(err)));
  cr_assert_str_eq(err, "line 2: offset 0: empty line");
  cr_assert_null(mp_json_parse_ndjson("1\n[x]\n", 6, err, sizeof(err)));
  cr_assert_str_eq(err, "line 2: offset 1: unexpected character");
}
