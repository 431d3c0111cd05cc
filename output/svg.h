#ifndef MP_OUTPUT_SVG_H
#define MP_OUTPUT_SVG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* HTML text and inline SVG charts for the report (docs/report.md). Every
 * function writes to a FILE the caller owns and reports nothing (stdio
 * errors are sticky: the caller checks ferror() once at the end). Every
 * string that reaches the page goes through mp_html_text(), so text from
 * DNS (include targets, report destinations, domain names) is shown, never
 * parsed as markup. None allocates. */

/* Writes s[0..len) escaped for HTML text and quoted attribute values:
 * & < > " ' become entities, control bytes (below 0x20 but tab, newline;
 * and 0x7f) and every byte that is not part of well-formed UTF-8 become
 * U+FFFD. s may be NULL when len is 0. */
void mp_html_text(FILE *f, const char *s, size_t len);

/* mp_html_text() of a NUL-terminated string. */
void mp_html_cstr(FILE *f, const char *s);

/* Like mp_html_text(), but at most max characters (code points) of s,
 * and an ellipsis when some were left off. */
void mp_html_clip(FILE *f, const char *s, size_t len, size_t max);

/* 1234567 as "1,234,567". */
void mp_html_count(FILE *f, uint64_t v);

/* part/whole as "12.3%", "0%" when whole is 0. */
void mp_html_share(FILE *f, uint64_t part, uint64_t whole);

/* One bar, column or slice. key is its stable name (data-key; a short
 * ASCII word, or text from the summary, which is escaped); label is what
 * the page shows (key when NULL); tone a CSS class (good, fair, warn, bad,
 * muted, main; NULL: main); total, when not 0, the whole the value is a
 * share of. */
struct mp_bar {
  const char *key;
  size_t key_len; /* 0: strlen(key) */
  const char *label;
  uint64_t value, total;
  const char *tone;
};

/* Horizontal bars: label, bar, count and share. A bar's length is its
 * share of its total when by_share, else its value against the largest
 * value. Each bar is a <g class="bar" data-key data-value>. */
void mp_svg_hbars(FILE *f, const struct mp_bar *b, size_t n, bool by_share);

/* Vertical columns (a histogram), one per bucket in the order given,
 * scaled to the largest; the count above each, the bucket below. */
void mp_svg_columns(FILE *f, const struct mp_bar *b, size_t n);

/* One bar split in slices by share of the sum of the values, with an HTML
 * legend (label, count, share) under it. */
void mp_svg_stack(FILE *f, const struct mp_bar *b, size_t n);

/* A small bar for a table cell: part/whole (empty when whole is 0) and
 * the share as text beside it. */
void mp_svg_meter(FILE *f, uint64_t part, uint64_t whole, const char *tone);

#endif
