/* mailposture report: the breakdowns by public suffix and by rank bucket,
 * tables with a small bar in each cell (docs/report.md). */
#include <string.h>

#include "output/svg.h"
#include "scanner/report.h"

/* A column: the share part/rows of each entry (rows: the entry's *_rows
 * key, its "domains" when it lacks one); part2 added to part. */
struct col {
  const char *id, *title, *part, *part2, *rows, *tone;
};

static const struct col cols[] = {
    {"spf_valid", "SPF valid", "spf_valid", NULL, "spf_rows", "good"},
    {"dmarc_enforced", "DMARC quar./reject", "dmarc_reject", "dmarc_quarantine",
     "dmarc_rows", "good"},
    {"dmarc_missing", "no DMARC", "dmarc_missing", NULL, "dmarc_rows", "bad"},
    {"dkim_usable", "DKIM usable", "dkim_usable", NULL, "dkim_rows", "good"},
    {"mta_sts_valid", "MTA-STS", "mta_sts_valid", NULL, "mta_sts_rows", "main"},
    {"ready", "ready", "ready", NULL, "verdict_rows", "good"},
};

#define NCOLS (sizeof(cols) / sizeof(cols[0]))

static uint64_t entry_count(struct mp_report *r, size_t e, const char *key)
{
  uint64_t v = 0;

  if (key) {
    mp_report_count(r, e, key, &v);
  }
  return v;
}

static void cell(struct mp_report *r, size_t e, const struct col *c,
                 uint64_t domains)
{
  uint64_t part = entry_count(r, e, c->part) + entry_count(r, e, c->part2);
  uint64_t rows = domains;

  mp_report_count(r, e, c->rows, &rows);
  fprintf(r->f, "<td data-col=\"%s\" data-value=\"%llu\">", c->id,
          (unsigned long long)part);
  mp_svg_meter(r->f, part, rows, c->tone);
  fputs("</td>", r->f);
}

static void row(struct mp_report *r, size_t e, uint64_t max)
{
  const char *key = "";
  size_t klen = 0;
  uint64_t domains = 0;

  mp_report_str(r, mp_jrow_get(&r->j, e, "key"), &key, &klen);
  mp_report_count(r, e, "domains", &domains);
  fputs("<tr data-key=\"", r->f);
  mp_html_text(r->f, key, klen);
  fprintf(r->f, "\" data-domains=\"%llu\"><td class=\"d\">",
          (unsigned long long)domains);
  mp_html_clip(r->f, key, klen, 40);
  fputs("</td><td class=\"n\">", r->f);
  mp_html_count(r->f, domains);
  fputs("</td><td>", r->f);
  mp_svg_meter(r->f, domains, max, "muted");
  fputs("</td>", r->f);
  for (size_t c = 0; c < NCOLS; c++) {
    cell(r, e, &cols[c], domains);
  }
  fputs("</tr>", r->f);
}

static void table(struct mp_report *r, const char *id, const char *title,
                  const char *path, const char *what)
{
  size_t t = mp_report_node(r, 0, path);
  uint64_t max = 0, d;

  if (!t || r->j.n[t].type != MP_J_ARRAY) {
    mp_report_absent(r, id, title, path, true);
    return;
  }
  for (size_t k = 0; k < r->j.n[t].count; k++) {
    if (mp_report_count(r, mp_jrow_at(&r->j, t, k), "domains", &d)) {
      max = d > max ? d : max;
    }
  }
  mp_report_card(r, id, title, what, true);
  fprintf(r->f,
          "<table><thead><tr><th>%s</th><th class=\"n\">domains</th>"
          "<th>share of the largest</th>",
          strcmp(id, "by-rank") == 0 ? "rank" : "suffix");
  for (size_t c = 0; c < NCOLS; c++) {
    fprintf(r->f, "<th>%s</th>", cols[c].title);
  }
  fputs("</tr></thead><tbody>", r->f);
  for (size_t k = 0; k < r->j.n[t].count; k++) {
    row(r, mp_jrow_at(&r->j, t, k), max);
  }
  fputs("</tbody></table>", r->f);
  mp_report_end(r);
}

void mp_report_breakdowns(struct mp_report *r)
{
  fputs("<h2 class=\"group\">Breakdowns</h2><div class=\"grid\">\n", r->f);
  table(r, "by-rank", "By Tranco rank", "breakdowns.by_rank",
        "Each share is of the bucket's domains where that check ran");
  table(r, "by-suffix", "By public suffix", "breakdowns.by_suffix",
        "The 50 largest suffixes, then the rest as \"other\"");
  fputs("</div>\n", r->f);
}
