#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output/csvcell.h"

#define FFFD "\xef\xbf\xbd"

struct cell_case {
  char in[24];
  size_t in_len;
  char out[40];
};

#define C(i, o)                                                                \
  {                                                                            \
    i, sizeof(i) - 1, o                                                        \
  }

ParameterizedTestParameters(csvcell, text)
{
  static struct cell_case cases[] = {
      C("", ""),
      C("abc", "abc"),
      C("a b", "a b"),
      C("a,b", "\"a,b\""),
      C("a\"b", "\"a\"\"b\""),
      C("\"", "\"\"\"\""),
      C(" a", "\" a\""),
      C("a ", "\"a \""),
      C(" ", "\" \""),
      C("a\nb", "\"a\nb\""),
      C("a\r\nb", "\"a\r\nb\""),
      C("a\tb", "a\tb"),
      C("a|b\\c", "a|b\\c"), /* no list escaping in a text cell */
      /* formula injection (OWASP): = + - @ TAB CR */
      C("=1+1", "'=1+1"),
      C("+1", "'+1"),
      C("-1", "'-1"),
      C("@SUM(A1)", "'@SUM(A1)"),
      C("\tx", "'\tx"),
      C("\rx", "\"'\rx\""),
      C("=", "'="),
      C("=a,b", "\"'=a,b\""),
      C("=a ", "\"'=a \""),
      C(" =x", "\" =x\""),
      C("a=1", "a=1"),
      C("'=x", "'=x"),
      /* sanitizing: C0 but TAB CR LF, DEL, C1, ill-formed UTF-8 */
      C("a\0b", "a" FFFD "b"),
      C("\x1b[2J", FFFD "[2J"),
      C("\x7f", FFFD),
      C("\x01\x1f", FFFD FFFD),
      C("\xc2\x9b"
        "1m",
        FFFD "1m"),
      C("\xc2\x80\xc2\x9f", FFFD FFFD),
      C("\xc2\xa0", "\xc2\xa0"),
      C("caf\xc3\xa9", "caf\xc3\xa9"),
      C("\xe2\x80\xa8", "\xe2\x80\xa8"),
      C("\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80"),
      C("\xff\xfe", FFFD FFFD),
      C("\xc0\xaf", FFFD FFFD),
      C("\xed\xa0\x80", FFFD FFFD FFFD),
      C("\xe2\x82", FFFD FFFD),
      C("\x80=", FFFD "="),
      C("\x1b=", FFFD "="),
  };

  return cr_make_param_array(struct cell_case, cases,
                             sizeof(cases) / sizeof(cases[0]));
}

/* Writes a cell into o. */
typedef void (*cell_fn)(struct mp_rowbuf *o, const void *arg);

/* The cell fn writes, through a row buffer of cap bytes (0: none, NULL) that
 * already holds pre bytes ('#'), without them. */
static char *through(cell_fn fn, const void *arg, size_t cap, size_t pre)
{
  char *buf = NULL, *row = malloc(cap + 1);
  size_t n = 0;
  FILE *f = open_memstream(&buf, &n);
  struct mp_rowbuf o = {.f = f, .b = cap ? row : NULL, .cap = cap};

  cr_assert_not_null(f);
  cr_assert_not_null(row);
  for (size_t i = 0; i < pre; i++) {
    mp_rowbuf_byte(&o, '#');
  }
  fn(&o, arg);
  mp_rowbuf_drain(&o);
  cr_assert_eq(fclose(f), 0);
  free(row);
  cr_assert_geq(n, pre);
  for (size_t i = 0; i < pre; i++) {
    cr_assert_eq(buf[i], '#');
  }
  memmove(buf, buf + pre, n - pre + 1);
  return buf;
}

/* The cell fn writes with room to spare, checked against what it writes
 * when the buffer's room ends anywhere inside it (the cell is then
 * written in pieces, or in two passes). */
static char *written(cell_fn fn, const void *arg)
{
  static const size_t caps[] = {0, 1, 2, 3, 4, 7, 16, 64};
  char *want = through(fn, arg, MP_ROWBUF_SIZE, 0);

  for (size_t k = 0; k < sizeof(caps) / sizeof(caps[0]); k++) {
    for (size_t pre = 0; pre <= caps[k]; pre++) {
      char *got = through(fn, arg, caps[k], pre);

      cr_assert_str_eq(got, want, "cap %zu, %zu bytes before", caps[k], pre);
      free(got);
    }
  }
  return want;
}

struct text {
  const char *s;
  size_t len;
};

static void text_fn(struct mp_rowbuf *o, const void *arg)
{
  const struct text *t = arg;

  mp_csv_text(o, t->s, t->len);
}

static char *cell_text(const char *s, size_t len)
{
  struct text t = {s, len};

  return written(text_fn, &t);
}

ParameterizedTest(struct cell_case *c, csvcell, text)
{
  char *out = cell_text(c->in, c->in_len);

  cr_assert_str_eq(out, c->out);
  free(out);
}

struct strings {
  const char *s[4];
  size_t n;
};

static void string_item(const void *ctx, size_t i, struct mp_csv_item *it)
{
  const struct strings *l = ctx;

  it->data = l->s[i];
  it->len = strlen(l->s[i]);
}

static void list_fn(struct mp_rowbuf *o, const void *arg)
{
  const struct strings *l = arg;

  mp_csv_list(o, l->n, string_item, l);
}

static char *cell_list(const struct strings *l)
{
  return written(list_fn, l);
}

Test(csvcell, list_items_escape_pipe_and_backslash)
{
  struct strings l = {{"a|b", "c\\d", "e"}, 3};
  char *out = cell_list(&l);

  cr_assert_str_eq(out, "a\\|b|c\\\\d|e");
  free(out);
}

/* The list cell of s is want. */
static void expect_list(const struct strings *s, const char *want)
{
  char *out = cell_list(s);

  cr_expect_str_eq(out, want);
  free(out);
}

Test(csvcell, list_edge_cases)
{
  expect_list(&(struct strings){{NULL}, 0}, "");
  expect_list(&(struct strings){{"", ""}, 2}, "|");
  expect_list(&(struct strings){{"=x", "=y"}, 2}, "'=x|=y");
  expect_list(&(struct strings){{"x", "=y"}, 2}, "x|=y");
  expect_list(&(struct strings){{"a", "b "}, 2}, "\"a|b \"");
  expect_list(&(struct strings){{"a\"b", "c,d"}, 2}, "\"a\"\"b|c,d\"");
  expect_list(&(struct strings){{"\\", "|"}, 2}, "\\\\|\\|");
}

Test(csvcell, a_long_record_stays_one_cell)
{
  size_t len = 6 * 10000;
  char *in = malloc(len), *out;

  cr_assert_not_null(in);
  for (size_t i = 0; i < len; i++) {
    in[i] = "ab,\"\n\x01"[i % 6];
  }
  out = cell_text(in, len);
  /* quotes around; each 6 bytes become a b , "" LF U+FFFD: 9 bytes */
  cr_assert_eq(strlen(out), 2 + len / 6 * 9);
  cr_assert_null(strchr(out, '\x01'));
  cr_assert_eq(out[0], '"');
  cr_assert_eq(out[strlen(out) - 1], '"');
  free(out);
  free(in);
}
