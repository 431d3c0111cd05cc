/* HTML escaping and the report's inline SVG charts. */
#include "output/svg.h"

#include <string.h>

#include "output/json.h"

#define HB_W      520 /* horizontal bars: view box width */
#define HB_LABEL  200 /* label column */
#define HB_BAR    210 /* longest bar */
#define HB_ROW    26
#define COL_W     520 /* columns: view box width */
#define COL_PLOT  150 /* tallest column */
#define STACK_W   520
#define LABEL_MAX 27 /* characters of a label shown in a chart */

static const char replacement[] = "\xEF\xBF\xBD"; /* U+FFFD */

/* The entity of an ASCII byte that HTML must not see raw, or NULL. */
static const char *entity(unsigned char c)
{
  switch (c) {
  case '&':
    return "&amp;";
  case '<':
    return "&lt;";
  case '>':
    return "&gt;";
  case '"':
    return "&quot;";
  case '\'':
    return "&#39;";
  default:
    return NULL;
  }
}

/* Writes at most max code points of s[0..len); returns the bytes read. */
static size_t escape(FILE *f, const char *s, size_t len, size_t max)
{
  const uint8_t *p = (const uint8_t *)s;
  size_t i = 0;

  for (size_t cp = 0; i < len && cp < max; cp++) {
    size_t n = mp_json_utf8_len(p + i, len - i);
    const char *e = n == 1 ? entity(p[i]) : NULL;

    if (e) {
      fputs(e, f);
    } else if (n == 0 ||
               (n == 1 && ((p[i] < 0x20 && p[i] != '\t' && p[i] != '\n') ||
                           p[i] == 0x7f))) {
      fputs(replacement, f); /* one U+FFFD per bad byte, as the writers */
      n = 1;
    } else {
      fwrite(p + i, 1, n, f);
    }
    i += n;
  }
  return i;
}

void mp_html_text(FILE *f, const char *s, size_t len)
{
  escape(f, s, len, SIZE_MAX);
}

void mp_html_cstr(FILE *f, const char *s)
{
  mp_html_text(f, s, strlen(s));
}

void mp_html_clip(FILE *f, const char *s, size_t len, size_t max)
{
  if (escape(f, s, len, max) < len) {
    fputs("\xE2\x80\xA6", f); /* U+2026 */
  }
}

void mp_html_count(FILE *f, uint64_t v)
{
  char buf[32], out[48];
  int n = snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v);
  size_t o = 0;

  for (int i = 0; i < n; i++) {
    if (i > 0 && (n - i) % 3 == 0) {
      out[o++] = ',';
    }
    out[o++] = buf[i];
  }
  fwrite(out, 1, o, f);
}

void mp_html_share(FILE *f, uint64_t part, uint64_t whole)
{
  double pct = whole ? 100.0 * (double)part / (double)whole : 0.0;

  if (whole == 0) {
    fputs("0%", f);
  } else if (part == 0 || pct >= 99.95 || part == whole) {
    fprintf(f, "%.0f%%", pct);
  } else {
    fprintf(f, "%.1f%%", pct);
  }
}

static void bar_key(FILE *f, const struct mp_bar *b)
{
  mp_html_text(f, b->key, b->key_len ? b->key_len : strlen(b->key));
}

static void bar_label(FILE *f, const struct mp_bar *b, size_t max)
{
  if (b->label) {
    mp_html_clip(f, b->label, strlen(b->label), max);
  } else {
    mp_html_clip(f, b->key, b->key_len ? b->key_len : strlen(b->key), max);
  }
}

/* data-key="..." data-value="..." of a bar. */
static void bar_data(FILE *f, const struct mp_bar *b)
{
  fputs(" data-key=\"", f);
  bar_key(f, b);
  fprintf(f, "\" data-value=\"%llu\"", (unsigned long long)b->value);
}

/* <title>: the full label, the count and the share, as a tooltip. */
static void bar_title(FILE *f, const struct mp_bar *b)
{
  fputs("<title>", f);
  bar_label(f, b, SIZE_MAX);
  fputs(": ", f);
  mp_html_count(f, b->value);
  if (b->total) {
    fputs(" of ", f);
    mp_html_count(f, b->total);
    fputs(" (", f);
    mp_html_share(f, b->value, b->total);
    fputc(')', f);
  }
  fputs("</title>", f);
}

static const char *tone(const struct mp_bar *b)
{
  return b->tone ? b->tone : "main";
}

static double fraction(uint64_t part, uint64_t whole)
{
  double x = whole ? (double)part / (double)whole : 0.0;

  return x > 1.0 ? 1.0 : x;
}

void mp_svg_hbars(FILE *f, const struct mp_bar *b, size_t n, bool by_share)
{
  uint64_t max = 0;

  for (size_t i = 0; i < n; i++) {
    max = b[i].value > max ? b[i].value : max;
  }
  fprintf(f,
          "<svg class=\"hbars\" viewBox=\"0 0 %d %zu\" role=\"img\" "
          "xmlns=\"http://www.w3.org/2000/svg\">",
          HB_W, n * HB_ROW + 4);
  for (size_t i = 0; i < n; i++) {
    double w = HB_BAR * (by_share ? fraction(b[i].value, b[i].total)
                                  : fraction(b[i].value, max));
    size_t y = i * HB_ROW + 2;

    fputs("<g class=\"bar\"", f);
    bar_data(f, &b[i]);
    fputc('>', f);
    bar_title(f, &b[i]);
    fprintf(f, "<text class=\"lbl\" x=\"%d\" y=\"%zu\">", HB_LABEL - 8, y + 16);
    bar_label(f, &b[i], LABEL_MAX);
    fprintf(f,
            "</text><rect class=\"track\" x=\"%d\" y=\"%zu\" width=\"%d\" "
            "height=\"16\" rx=\"2\"/><rect class=\"t-%s\" x=\"%d\" "
            "y=\"%zu\" width=\"%.1f\" height=\"16\" rx=\"2\"/>",
            HB_LABEL, y + 3, HB_BAR, tone(&b[i]), HB_LABEL, y + 3, w);
    fprintf(f, "<text class=\"num\" x=\"%d\" y=\"%zu\">",
            HB_LABEL + HB_BAR + 10, y + 16);
    mp_html_count(f, b[i].value);
    if (b[i].total) {
      fputs("<tspan class=\"pct\"> ", f);
      mp_html_share(f, b[i].value, b[i].total);
      fputs("</tspan>", f);
    }
    fputs("</text></g>", f);
  }
  fputs("</svg>", f);
}

void mp_svg_columns(FILE *f, const struct mp_bar *b, size_t n)
{
  uint64_t max = 0;
  double slot = n ? (double)COL_W / (double)n : COL_W;

  for (size_t i = 0; i < n; i++) {
    max = b[i].value > max ? b[i].value : max;
  }
  fprintf(f,
          "<svg class=\"columns\" viewBox=\"0 0 %d %d\" role=\"img\" "
          "xmlns=\"http://www.w3.org/2000/svg\"><line class=\"axis\" "
          "x1=\"0\" x2=\"%d\" y1=\"%d\" y2=\"%d\"/>",
          COL_W, COL_PLOT + 44, COL_W, COL_PLOT + 22, COL_PLOT + 22);
  for (size_t i = 0; i < n; i++) {
    double h = COL_PLOT * fraction(b[i].value, max);
    double x = slot * (double)i, mid = x + slot / 2;

    fputs("<g class=\"bar\"", f);
    bar_data(f, &b[i]);
    fputc('>', f);
    bar_title(f, &b[i]);
    fprintf(f,
            "<rect class=\"t-%s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
            "height=\"%.1f\" rx=\"2\"/><text class=\"num mid\" x=\"%.1f\" "
            "y=\"%.1f\">",
            tone(&b[i]), x + slot * 0.15, COL_PLOT + 22 - h, slot * 0.7, h, mid,
            COL_PLOT + 17 - h);
    mp_html_count(f, b[i].value);
    fprintf(f, "</text><text class=\"lbl mid\" x=\"%.1f\" y=\"%d\">", mid,
            COL_PLOT + 40);
    bar_label(f, &b[i], 12);
    fputs("</text></g>", f);
  }
  fputs("</svg>", f);
}

static void legend(FILE *f, const struct mp_bar *b, size_t n, uint64_t sum)
{
  fputs("<ul class=\"legend\">", f);
  for (size_t i = 0; i < n; i++) {
    fprintf(f, "<li><span class=\"sw t-%s\"></span>", tone(&b[i]));
    bar_label(f, &b[i], LABEL_MAX);
    fputs(" <b>", f);
    mp_html_count(f, b[i].value);
    fputs("</b> <span class=\"pct\">", f);
    mp_html_share(f, b[i].value, sum);
    fputs("</span></li>", f);
  }
  fputs("</ul>", f);
}

void mp_svg_stack(FILE *f, const struct mp_bar *b, size_t n)
{
  uint64_t sum = 0;
  double x = 0;

  for (size_t i = 0; i < n; i++) {
    sum += b[i].value;
  }
  fprintf(f,
          "<svg class=\"stack\" viewBox=\"0 0 %d 28\" role=\"img\" "
          "preserveAspectRatio=\"none\" "
          "xmlns=\"http://www.w3.org/2000/svg\"><rect class=\"track\" "
          "width=\"%d\" height=\"28\"/>",
          STACK_W, STACK_W);
  for (size_t i = 0; i < n; i++) {
    double w = STACK_W * fraction(b[i].value, sum);

    fprintf(f, "<rect class=\"bar t-%s\"", tone(&b[i]));
    bar_data(f, &b[i]);
    fprintf(f, " x=\"%.2f\" width=\"%.2f\" height=\"28\">", x, w);
    bar_title(f, &b[i]);
    fputs("</rect>", f);
    x += w;
  }
  fputs("</svg>", f);
  legend(f, b, n, sum);
}

void mp_svg_meter(FILE *f, uint64_t part, uint64_t whole, const char *tn)
{
  fprintf(f,
          "<span class=\"meter\"><svg viewBox=\"0 0 60 10\" "
          "xmlns=\"http://www.w3.org/2000/svg\"><rect class=\"track\" "
          "width=\"60\" height=\"10\" rx=\"2\"/><rect class=\"t-%s\" "
          "width=\"%.1f\" height=\"10\" rx=\"2\"/></svg> ",
          tn ? tn : "main", 60 * fraction(part, whole));
  mp_html_share(f, part, whole);
  fputs("</span>", f);
}
