#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <errno.h>
#include <string.h>

#include "input/list.h"

struct line_case {
  enum mp_list_format format; /* given to mp_list_init */
  char line[64];
  int ret;
  int64_t rank;
  char name[64];
  char error[16]; /* "" for none */
  enum mp_list_format format_after;
};

ParameterizedTestParameters(list, parses_one_line)
{
  static struct line_case cases[] = {
      /* Blank and comment lines produce no row, in every format. */
      {MP_LIST_PLAIN, "", 0, 0, "", "", MP_LIST_PLAIN},
      {MP_LIST_PLAIN, " \t ", 0, 0, "", "", MP_LIST_PLAIN},
      {MP_LIST_TRANCO, "# Tranco list", 0, 0, "", "", MP_LIST_TRANCO},
      {MP_LIST_AUTO, "  \t# 1,comment.example", 0, 0, "", "", MP_LIST_AUTO},
      {MP_LIST_AUTO, "", 0, 0, "", "", MP_LIST_AUTO},
      /* Plain. */
      {MP_LIST_PLAIN, "example.com", 1, -1, "example.com", "", MP_LIST_PLAIN},
      {MP_LIST_PLAIN, " \texample.com \t", 1, -1, "example.com", "",
       MP_LIST_PLAIN},
      {MP_LIST_PLAIN, "example.com # note", 1, -1, "example.com", "",
       MP_LIST_PLAIN},
      {MP_LIST_PLAIN, "example.com\t#note", 1, -1, "example.com", "",
       MP_LIST_PLAIN},
      {MP_LIST_PLAIN, "exa#mple.com", 1, -1, "exa#mple.com", "", MP_LIST_PLAIN},
      {MP_LIST_PLAIN, "a b.com", 1, -1, "a b.com", "", MP_LIST_PLAIN},
      {MP_LIST_PLAIN, "1,example.com", 1, -1, "1,example.com", "",
       MP_LIST_PLAIN},
      /* Tranco. */
      {MP_LIST_TRANCO, "1,google.com", 1, 1, "google.com", "", MP_LIST_TRANCO},
      {MP_LIST_TRANCO, " 42 ,\texample.org  ", 1, 42, "example.org", "",
       MP_LIST_TRANCO},
      {MP_LIST_TRANCO, "7,a.example # c", 1, 7, "a.example", "",
       MP_LIST_TRANCO},
      {MP_LIST_TRANCO, "9007199254740992,x.example", 1, 9007199254740992,
       "x.example", "", MP_LIST_TRANCO},
      {MP_LIST_TRANCO, "3,", 1, 3, "", "", MP_LIST_TRANCO},
      {MP_LIST_TRANCO, "3,a,b", 1, 3, "a,b", "", MP_LIST_TRANCO},
      {MP_LIST_TRANCO, "example.com", 1, -1, "example.com", "bad_rank",
       MP_LIST_TRANCO},
      {MP_LIST_TRANCO, "0,example.com", 1, -1, "0,example.com", "bad_rank",
       MP_LIST_TRANCO},
      {MP_LIST_TRANCO, "-1,example.com", 1, -1, "-1,example.com", "bad_rank",
       MP_LIST_TRANCO},
      {MP_LIST_TRANCO, "9007199254740993,x.example", 1, -1,
       "9007199254740993,x.example", "bad_rank", MP_LIST_TRANCO},
      {MP_LIST_TRANCO, "99999999999999999999999999,x", 1, -1,
       "99999999999999999999999999,x", "bad_rank", MP_LIST_TRANCO},
      {MP_LIST_TRANCO, "1 2,x.example", 1, -1, "1 2,x.example", "bad_rank",
       MP_LIST_TRANCO},
      {MP_LIST_TRANCO, " 12 ", 1, -1, "12", "bad_rank", MP_LIST_TRANCO},
      {MP_LIST_TRANCO, "x1,a.example #c", 1, -1, "x1,a.example", "bad_rank",
       MP_LIST_TRANCO},
      /* Auto: the first row-producing line decides. */
      {MP_LIST_AUTO, "1,google.com", 1, 1, "google.com", "", MP_LIST_TRANCO},
      {MP_LIST_AUTO, " \t7 \t, x.example", 1, 7, "x.example", "",
       MP_LIST_TRANCO},
      {MP_LIST_AUTO, "0,x.example", 1, -1, "0,x.example", "bad_rank",
       MP_LIST_TRANCO},
      {MP_LIST_AUTO, "google.com", 1, -1, "google.com", "", MP_LIST_PLAIN},
      {MP_LIST_AUTO, "1.2.3.4", 1, -1, "1.2.3.4", "", MP_LIST_PLAIN},
      {MP_LIST_AUTO, "123", 1, -1, "123", "", MP_LIST_PLAIN},
      {MP_LIST_AUTO, "a1,x.example", 1, -1, "a1,x.example", "", MP_LIST_PLAIN},
  };

  return cr_make_param_array(struct line_case, cases,
                             sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct line_case *c, list, parses_one_line)
{
  struct mp_list l;
  struct mp_entry e;
  size_t len = strlen(c->line);

  mp_list_init(&l, c->format);
  cr_assert_eq(mp_list_parse(&l, c->line, len, &e), c->ret, "[%s]", c->line);
  cr_assert_eq(l.format, c->format_after, "[%s]", c->line);
  if (c->ret == 0) {
    return;
  }
  cr_assert_eq(e.rank, c->rank, "[%s]", c->line);
  cr_assert_eq(e.name_len, strlen(c->name), "[%s]", c->line);
  cr_assert_arr_eq(e.name, c->name, e.name_len, "[%s]", c->line);
  /* The name is a slice of the line, not a copy. */
  cr_assert(e.name >= c->line && e.name + e.name_len <= c->line + len);
  if (c->error[0]) {
    cr_assert_str_eq(mp_name_error_name(e.error), c->error, "[%s]", c->line);
  } else {
    cr_assert_eq(e.error, MP_NAME_ERROR_ABSENT, "[%s]", c->line);
  }
}

Test(list, auto_decision_sticks_for_plain)
{
  const char *lines[] = {"# header", "", "example.com", "1,foo.example"};
  struct mp_list l;
  struct mp_entry e;

  mp_list_init(&l, MP_LIST_AUTO);
  cr_assert_eq(mp_list_parse(&l, lines[0], strlen(lines[0]), &e), 0);
  cr_assert_eq(mp_list_parse(&l, lines[1], strlen(lines[1]), &e), 0);
  cr_assert_eq(l.format, MP_LIST_AUTO);
  cr_assert_eq(mp_list_parse(&l, lines[2], strlen(lines[2]), &e), 1);
  cr_assert_eq(l.format, MP_LIST_PLAIN);
  cr_assert_eq(mp_list_parse(&l, lines[3], strlen(lines[3]), &e), 1);
  cr_assert_eq(e.rank, -1);
  cr_assert_eq(e.name_len, 13);
  cr_assert_eq(e.error, MP_NAME_ERROR_ABSENT);
}

Test(list, auto_decision_sticks_for_tranco)
{
  const char *lines[] = {"1,google.com", "example.com", "2,a.example"};
  struct mp_list l;
  struct mp_entry e;

  mp_list_init(&l, MP_LIST_AUTO);
  cr_assert_eq(mp_list_parse(&l, lines[0], strlen(lines[0]), &e), 1);
  cr_assert_eq(l.format, MP_LIST_TRANCO);
  cr_assert_eq(mp_list_parse(&l, lines[1], strlen(lines[1]), &e), 1);
  cr_assert_eq(e.error, MP_NAME_ERROR_BAD_RANK);
  cr_assert_eq(e.rank, -1);
  cr_assert_eq(mp_list_parse(&l, lines[2], strlen(lines[2]), &e), 1);
  cr_assert_eq(e.rank, 2);
  cr_assert_eq(e.error, MP_NAME_ERROR_ABSENT);
}

Test(list, reads_only_len_bytes)
{
  const char line[] = "5,a.example,extra";
  struct mp_list l;
  struct mp_entry e;

  mp_list_init(&l, MP_LIST_TRANCO);
  cr_assert_eq(mp_list_parse(&l, line, 11, &e), 1);
  cr_assert_eq(e.rank, 5);
  cr_assert_eq(e.name_len, 9);
  cr_assert_arr_eq(e.name, "a.example", 9);
}

Test(list, keeps_nul_and_other_bytes_in_the_name)
{
  const char line[] = "x\0y.example";
  struct mp_list l;
  struct mp_entry e;

  mp_list_init(&l, MP_LIST_PLAIN);
  cr_assert_eq(mp_list_parse(&l, line, sizeof(line) - 1, &e), 1);
  cr_assert_eq(e.name_len, sizeof(line) - 1);
}

struct format_case {
  char in[16];
  int ret;
  enum mp_list_format want;
};

ParameterizedTestParameters(list, parses_format_names)
{
  static struct format_case cases[] = {
      {"auto", 0, MP_LIST_AUTO},
      {"plain", 0, MP_LIST_PLAIN},
      {"tranco", 0, MP_LIST_TRANCO},
      {"Plain", -EINVAL, MP_LIST_TRANCO},
      {"", -EINVAL, MP_LIST_TRANCO},
      {"csv", -EINVAL, MP_LIST_TRANCO},
      {"tranco ", -EINVAL, MP_LIST_TRANCO},
  };

  return cr_make_param_array(struct format_case, cases,
                             sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct format_case *c, list, parses_format_names)
{
  enum mp_list_format f = MP_LIST_TRANCO;

  cr_assert_eq(mp_list_format_parse(c->in, &f), c->ret, "[%s]", c->in);
  cr_assert_eq(f, c->want, "[%s]", c->in); /* unchanged on error */
}
