#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output/svg.h"

/* What fn wrote, NUL-terminated, for comparison. */
struct page {
  char *buf;
  size_t len;
  FILE *f;
};

static void page_open(struct page *p)
{
  p->buf = NULL;
  p->len = 0;
  p->f = open_memstream(&p->buf, &p->len);
  cr_assert_not_null(p->f);
}

static char *page_text(struct page *p)
{
  cr_assert_eq(fclose(p->f), 0);
  return p->buf;
}

Test(svg, escapes_markup_in_text_and_attributes)
{
  static const char hostile[] = "\"><script>alert('x')</script>&amp;";
  struct page p;

  page_open(&p);
  mp_html_cstr(p.f, hostile);
  cr_assert_str_eq(page_text(&p), "&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)"
                                  "&lt;/script&gt;&amp;amp;");
  free(p.buf);
}

Test(svg, replaces_bad_utf8_and_control_bytes)
{
  static const char in[] = "a\xC3\xA9\xFF\xC0\x80\x01\x7f\xE2\x82z\tb";
  struct page p;

  page_open(&p);
  mp_html_text(p.f, in, sizeof(in) - 1);
  /* é kept; 0xFF, 0xC0, 0x80, 0x01, 0x7f and the cut E2 82 each U+FFFD */
  cr_assert_str_eq(page_text(&p), "a\xC3\xA9"
                                  "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"
                                  "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"
                                  "\xEF\xBF\xBDz\tb");
  free(p.buf);
}

Test(svg, keeps_a_nul_out_of_the_page)
{
  struct page p;

  page_open(&p);
  mp_html_text(p.f, "a\0b", 3);
  cr_assert_str_eq(page_text(&p), "a\xEF\xBF\xBD"
                                  "b");
  free(p.buf);
}

Test(svg, clips_by_characters_with_an_ellipsis)
{
  struct page p;

  page_open(&p);
  mp_html_clip(p.f, "\xC3\xA9\xC3\xA9\xC3\xA9xyz", 9, 4);
  mp_html_clip(p.f, "|abc", 4, 4);
  cr_assert_str_eq(page_text(&p), "\xC3\xA9\xC3\xA9\xC3\xA9x\xE2\x80\xA6|abc");
  free(p.buf);
}

Test(svg, formats_counts_and_shares)
{
  struct page p;

  page_open(&p);
  mp_html_count(p.f, 0);
  fputc(' ', p.f);
  mp_html_count(p.f, 1234567);
  fputc(' ', p.f);
  mp_html_count(p.f, UINT64_MAX);
  fputc(' ', p.f);
  mp_html_share(p.f, 1, 3);
  fputc(' ', p.f);
  mp_html_share(p.f, 3, 3);
  fputc(' ', p.f);
  mp_html_share(p.f, 5, 0);
  cr_assert_str_eq(page_text(&p),
                   "0 1,234,567 18,446,744,073,709,551,615 33.3% 100% 0%");
  free(p.buf);
}

Test(svg, bars_carry_their_key_and_value_escaped)
{
  struct mp_bar b[2] = {
      {"reject", 0, "reject", 42, 100, "good"},
      {"<img src=x onerror=alert(1)>.example", 0, NULL, 7, 0, NULL},
  };
  struct page p;
  char *s;

  page_open(&p);
  mp_svg_hbars(p.f, b, 2, false);
  mp_svg_stack(p.f, b, 2);
  mp_svg_columns(p.f, b, 2);
  s = page_text(&p);
  cr_assert_not_null(strstr(s, "data-key=\"reject\" data-value=\"42\""));
  cr_assert_not_null(strstr(s, "data-key=\"&lt;img src=x "
                               "onerror=alert(1)&gt;.example\" "
                               "data-value=\"7\""));
  cr_assert_null(strstr(s, "<img"));
  cr_assert_not_null(strstr(s, "42.0%"));
  free(s);
}

Test(svg, draws_nothing_wrong_for_empty_or_zero_charts)
{
  struct mp_bar b[1] = {{"none", 0, NULL, 0, 0, "muted"}};
  struct page p;
  char *s;

  page_open(&p);
  mp_svg_hbars(p.f, b, 0, true);
  mp_svg_hbars(p.f, b, 1, true);
  mp_svg_columns(p.f, b, 1);
  mp_svg_stack(p.f, b, 1);
  mp_svg_meter(p.f, 3, 0, NULL);
  s = page_text(&p);
  cr_assert_null(strstr(s, "nan"));
  cr_assert_null(strstr(s, "inf"));
  cr_assert_null(strstr(s, "width=\"-"));
  free(s);
}
