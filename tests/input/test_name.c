#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <errno.h>
#include <string.h>

#include "input/name.h"
#include "input/reader.h"
#include "scanner/base/alloc.h"

Test(name, lowercases_and_strips_trailing_dot)
{
  char out[MP_NAME_MAX + 1];
  enum mp_name_error why = MP_NAME_ERROR_COUNT;

  cr_assert_eq(mp_name_normalize("WWW.Example.COM.", 16, out, &why), 15);
  cr_assert_str_eq(out, "www.example.com");
  cr_assert_eq(why, MP_NAME_ERROR_ABSENT);
}

Test(name, rejects_empty_label)
{
  char out[MP_NAME_MAX + 1];
  enum mp_name_error why = MP_NAME_ERROR_ABSENT;

  cr_assert_eq(mp_name_normalize("a..b", 4, out, &why), -EINVAL);
  cr_assert_str_eq(mp_name_error_name(why), "empty_label");
  cr_assert_str_eq(out, "");
}

struct name_case {
  char in[64];
  size_t in_len; /* 0: strlen(in) */
  char out[64];  /* "" when rejected */
  char why[16];  /* "" when accepted */
};

ParameterizedTestParameters(name, normalizes_or_rejects)
{
  static struct name_case cases[] = {
      /* Accepted. */
      {"example.com", 0, "example.com", ""},
      {" \texample.com\t ", 0, "example.com", ""},
      {"a.b.", 0, "a.b", ""},
      {"com", 0, "com", ""},
      {"COM.", 0, "com", ""},
      {"_dmarc.example.com", 0, "_dmarc.example.com", ""},
      {"a_b._domainkey.example", 0, "a_b._domainkey.example", ""},
      {"_", 0, "_", ""},
      {"a-b.example", 0, "a-b.example", ""},
      {"ab--cd.example", 0, "ab--cd.example", ""},
      {"123.example", 0, "123.example", ""},
      {"example.c0m", 0, "example.c0m", ""},
      {"XN--BCHER-KVA.Example", 0, "xn--bcher-kva.example", ""},
      /* IDN: U-labels become A-labels (UTS #46 non-transitional). */
      {"Bücher.Example", 0, "xn--bcher-kva.example", ""},
      {"ÉXAMPLE.test", 0, "xn--xample-9ua.test", ""},
      {"éxample.test.", 0, "xn--xample-9ua.test", ""},
      {"ß.de", 0, "xn--zca.de", ""},
      {"ｅｘａｍｐｌｅ.com", 0, "example.com", ""},
      {"bücher.com\xE3\x80\x82", 0, "xn--bcher-kva.com", ""},
      {"_bü.example", 0, "xn--_b-yka.example", ""},
      {" bücher.com ", 0, "xn--bcher-kva.com", ""},
      /* empty */
      {"", 0, "", "empty"},
      {" \t ", 0, "", "empty"},
      {"\xC2\xAD", 0, "", "empty"},
      /* empty_label */
      {".", 0, "", "empty_label"},
      {"..", 0, "", "empty_label"},
      {".com", 0, "", "empty_label"},
      {"a..b", 0, "", "empty_label"},
      {"a.b..", 0, "", "empty_label"},
      {"bü..com", 0, "", "empty_label"},
      {".bücher.com", 0, "", "empty_label"},
      /* bad_char */
      {"exa mple.com", 0, "", "bad_char"},
      {"a,b.com", 0, "", "bad_char"},
      {"*.example.com", 0, "", "bad_char"},
      {"example.com/path", 0, "", "bad_char"},
      {"user@example.com", 0, "", "bad_char"},
      {"http://example.com", 0, "", "bad_char"},
      {"a\0b.com", 7, "", "bad_char"},
      {"example.com\0", 12, "", "bad_char"},
      {"a\rb.com", 0, "", "bad_char"},
      {"bü cher.com", 0, "", "bad_char"},
      {"bü\0.com", 8, "", "bad_char"},
      {"-..*", 0, "", "bad_char"},
      /* label_hyphen */
      {"-a.com", 0, "", "label_hyphen"},
      {"a-.com", 0, "", "label_hyphen"},
      {"a.-com", 0, "", "label_hyphen"},
      {"-", 0, "", "label_hyphen"},
      {"ü-.com", 0, "", "label_hyphen"},
      /* numeric_tld */
      {"1.2.3.4", 0, "", "numeric_tld"},
      {"example.123", 0, "", "numeric_tld"},
      {"123", 0, "", "numeric_tld"},
      {"bü.１２", 0, "", "numeric_tld"},
      /* idna: invalid UTF-8 or rejected by libidn2 */
      {"\xFF.com", 0, "", "idna"},
      {"b\xC3.com", 0, "", "idna"},
      {"b\xC3\xC3.com", 0, "", "idna"},
      {"b\xC3\x28.com", 0, "", "bad_char"}, /* ASCII rules first */
      {"\xC0\xAF.com", 0, "", "idna"},
      {"\xED\xA0\x80.com", 0, "", "idna"},
      {"\xF4\x90\x80\x80.com", 0, "", "idna"},
      {"b\xC3", 0, "", "idna"},
      {"a\xE2\x80\x8D"
       "b.com",
       0, "", "idna"},
      {"٣.com", 0, "", "idna"},
      {"ab--ü.com", 0, "", "idna"},
      {"xn--ü.com", 0, "", "idna"},
  };

  return cr_make_param_array(struct name_case, cases,
                             sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct name_case *c, name, normalizes_or_rejects)
{
  char out[MP_NAME_MAX + 1];
  enum mp_name_error why = MP_NAME_ERROR_COUNT;
  size_t len = c->in_len ? c->in_len : strlen(c->in);
  int rc = mp_name_normalize(c->in, len, out, &why);

  if (c->why[0]) {
    cr_assert_eq(rc, -EINVAL, "[%s] gave [%s]", c->in, out);
    cr_assert_str_eq(mp_name_error_name(why), c->why, "[%s]", c->in);
    cr_assert_str_eq(out, "");
  } else {
    cr_assert_eq(rc, (int)strlen(c->out), "[%s]: %s", c->in,
                 rc < 0 ? mp_name_error_name(why) : out);
    cr_assert_str_eq(out, c->out);
    cr_assert_eq(why, MP_NAME_ERROR_ABSENT);
  }
}

/* Labels of the given lengths joined with dots, as a NUL-terminated
 * string in buf. */
static size_t make_name(char *buf, const size_t *labels, size_t count)
{
  size_t n = 0;

  for (size_t i = 0; i < count; i++) {
    if (i > 0) {
      buf[n++] = '.';
    }
    memset(buf + n, (int)('a' + i % 26), labels[i]);
    n += labels[i];
  }
  buf[n] = '\0';
  return n;
}

Test(name, accepts_a_63_octet_label)
{
  char in[128], out[MP_NAME_MAX + 1];
  enum mp_name_error why;
  size_t n = make_name(in, (size_t[]){63, 3}, 2);

  cr_assert_eq(mp_name_normalize(in, n, out, &why), 67);
  cr_assert_str_eq(out, in);
}

Test(name, rejects_a_64_octet_label)
{
  char in[128], out[MP_NAME_MAX + 1];
  enum mp_name_error why;
  size_t n = make_name(in, (size_t[]){3, 64, 3}, 3);

  cr_assert_eq(mp_name_normalize(in, n, out, &why), -EINVAL);
  cr_assert_str_eq(mp_name_error_name(why), "label_too_long");
}

Test(name, accepts_a_253_octet_name_with_or_without_trailing_dot)
{
  char in[300], out[MP_NAME_MAX + 1];
  enum mp_name_error why;
  size_t n = make_name(in, (size_t[]){63, 63, 63, 61}, 4);

  cr_assert_eq(n, 253);
  cr_assert_eq(mp_name_normalize(in, n, out, &why), 253);
  cr_assert_str_eq(out, in);
  in[n] = '.';
  cr_assert_eq(mp_name_normalize(in, n + 1, out, &why), 253);
  cr_assert_eq(strlen(out), 253);
}

Test(name, rejects_a_254_octet_name)
{
  char in[300], out[MP_NAME_MAX + 1];
  enum mp_name_error why;
  size_t n = make_name(in, (size_t[]){63, 63, 63, 62}, 4);

  cr_assert_eq(n, 254);
  cr_assert_eq(mp_name_normalize(in, n, out, &why), -EINVAL);
  cr_assert_str_eq(mp_name_error_name(why), "name_too_long");
  in[n] = '.';
  cr_assert_eq(mp_name_normalize(in, n + 1, out, &why), -EINVAL);
  cr_assert_str_eq(mp_name_error_name(why), "name_too_long");
}

Test(name, rejects_a_line_long_name)
{
  char in[MP_READER_LINE_MAX], out[MP_NAME_MAX + 1];
  enum mp_name_error why;

  for (size_t i = 0; i < sizeof(in); i++) {
    in[i] = i % 2 ? '.' : 'a';
  }
  cr_assert_eq(mp_name_normalize(in, sizeof(in), out, &why), -EINVAL);
  cr_assert_str_eq(mp_name_error_name(why), "name_too_long");
  memset(in, 'a', sizeof(in));
  cr_assert_eq(mp_name_normalize(in, sizeof(in), out, &why), -EINVAL);
  cr_assert_str_eq(mp_name_error_name(why), "label_too_long");
}

Test(name, rejects_an_overlong_idn_label)
{
  char in[256], out[MP_NAME_MAX + 1];
  enum mp_name_error why;
  size_t n = 0;

  for (int i = 0; i < 70; i++) {
    memcpy(in + n, "\xC3\xBC", 2);
    n += 2;
  }
  memcpy(in + n, ".com", 4);
  n += 4;
  cr_assert_eq(mp_name_normalize(in, n, out, &why), -EINVAL);
  cr_assert_str_eq(mp_name_error_name(why), "label_too_long");
}

Test(name, maps_a_line_long_idn_input_to_a_short_name)
{
  /* UTS #46 maps U+00AD SOFT HYPHEN to nothing: 4 KB of input can be a
   * valid 5-octet name. */
  char in[MP_READER_LINE_MAX], out[MP_NAME_MAX + 1];
  enum mp_name_error why;
  size_t n = 0;

  in[n++] = 'a';
  while (n + 2 <= sizeof(in) - 4) {
    memcpy(in + n, "\xC2\xAD", 2);
    n += 2;
  }
  memcpy(in + n, ".com", 4);
  n += 4;
  cr_assert_eq(mp_name_normalize(in, n, out, &why), 5);
  cr_assert_str_eq(out, "a.com");
}

Test(name, reads_only_len_bytes)
{
  /* Exactly sized heap copies without NUL: ASan flags any read past len. */
  const char *inputs[] = {"example.com", "bücher.example"};

  for (size_t i = 0; i < 2; i++) {
    size_t len = strlen(inputs[i]) - 4;
    char *in = mp_memdup(inputs[i], len);
    char out[MP_NAME_MAX + 1];
    enum mp_name_error why;
    int rc = mp_name_normalize(in, len, out, &why);

    cr_assert_gt(rc, 0, "%s: %s", inputs[i], mp_name_error_name(why));
    mp_free(in);
  }
}

Test(name, output_normalizes_to_itself)
{
  const char *inputs[] = {"WWW.Example.COM.", "Bücher.Example.",
                          "ｅｘａｍｐｌｅ.com", "_dmarc.ß.de"};

  for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
    char out[MP_NAME_MAX + 1], again[MP_NAME_MAX + 1];
    enum mp_name_error why;
    int rc = mp_name_normalize(inputs[i], strlen(inputs[i]), out, &why);

    cr_assert_gt(rc, 0, "%s", inputs[i]);
    cr_assert_eq(mp_name_normalize(out, (size_t)rc, again, &why), rc);
    cr_assert_str_eq(again, out);
  }
}

Test(name, accepts_null_why)
{
  char out[MP_NAME_MAX + 1];

  cr_assert_eq(mp_name_normalize("a..b", 4, out, NULL), -EINVAL);
  cr_assert_eq(mp_name_normalize("a.b", 3, out, NULL), 3);
}
